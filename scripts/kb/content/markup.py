"""What content prose may carry into a page: Markdown text and links, never live markup.

One definition shared by the validator (which reports offending text with its position) and the
renderer (which makes it inert anyway, so a page stays safe even if a check is skipped).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

ALLOWED_SCHEMES = ("http", "https", "mailto")

# An HTML tag, closing tag, comment or processing instruction as a browser would start one.
RAW_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>\n]*>?|<!--|<\?|<!\[?[a-zA-Z]")
# Inline links and images [text](target), reference definitions [id]: target and autolinks <target>.
INLINE_LINK = re.compile(r"\]\(\s*<?([^)\s>]*)")
REFERENCE_DEFINITION = re.compile(r"^[ \t]*\[[^\]\n]+\]:[ \t]*<?(\S+)", re.MULTILINE)
AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.\-]*:[^>\s]*)>")
# Browsers drop ASCII tabs, newlines and control characters from URLs before reading the scheme.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


@dataclass(frozen=True)
class Finding:
    start: int  # offset into the text
    text: str
    message: str


def link_scheme(target: str) -> str | None:
    """The scheme a browser would see in a link target (lower case), or None for a relative link."""
    cleaned = re.sub(r"^(?:&lt;|<)", "", _URL_NOISE.sub("", target))
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def unsafe_target(target: str) -> bool:
    scheme = link_scheme(target)
    return scheme is not None and scheme not in ALLOWED_SCHEMES


def findings(text: str) -> list[Finding]:
    """Raw HTML and links with schemes other than http(s)/mailto, in the order they occur."""
    if "<" not in text and "]" not in text:  # every tag and link has one of them
        return []
    found = []
    for match in RAW_TAG.finditer(text):
        found.append(Finding(match.start(), match.group(0)[:40],
                             f"不能写 HTML 标记“{match.group(0)[:40]}”：页面只接受纯文字；要写尖括号请改用全角“＜＞”"))
    for pattern in (INLINE_LINK, REFERENCE_DEFINITION, AUTOLINK):
        for match in pattern.finditer(text):
            if unsafe_target(match.group(1)):
                scheme = link_scheme(match.group(1))
                found.append(Finding(match.start(1), match.group(1)[:40],
                                     f"链接不能用“{scheme}:”：只允许 http(s)、mailto 和站内相对链接"))
    return sorted(found, key=lambda f: f.start)


def neutralize_links(text: str) -> str:
    """Escape the brackets of every link whose target has a forbidden scheme, so Markdown shows it as text.

    Runs after HTML escaping, so autolinks (<…>) are already inert and only bracket links remain.
    """
    def inline(match: re.Match) -> str:
        return "\\]\\(" + match.group(0)[2:] if unsafe_target(match.group(1)) else match.group(0)

    def definition(match: re.Match) -> str:
        return match.group(0).replace("[", "\\[", 1).replace("]:", "\\]:", 1) if unsafe_target(match.group(1)) else match.group(0)

    return REFERENCE_DEFINITION.sub(definition, INLINE_LINK.sub(inline, text))
