"""What content prose may carry into a page: Markdown text and links, never live markup.

Content strings are placed in pages in one of three forms (inline(), cell(), prose()), each
HTML-escaped and with attr_list braces made inert. Links are not judged by guessing how Markdown
will parse the source: what counts is the HTML a browser reads. unsafe_urls() lists the URLs of
rendered HTML whose scheme is not http, https or mailto (read as a browser reads it); the
validator renders each string in every form with the site's own Markdown configuration and
reports those URLs at their source position (findings), and the build removes any such attribute
from every finished page (neutralise_urls, run with the Content-Security-Policy step), so a page
stays safe even if a check is skipped.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from html import escape as escape_attribute
from html.parser import HTMLParser
from pathlib import Path

from markupsafe import escape

from .prose import plain_prose, unwrap

ALLOWED_SCHEMES = ("http", "https", "mailto")
LINK_MESSAGE = "链接不能用“{scheme}:”：只允许 http(s)、mailto 和站内相对链接"
# The project's mkdocs.yml, whose markdown_extensions the pages are converted with.
SITE_CONFIG = next((folder / "mkdocs.yml" for folder in Path(__file__).resolve().parents
                    if (folder / "mkdocs.yml").is_file()), Path("mkdocs.yml"))

# An HTML tag, closing tag, comment or processing instruction as a browser would start one.
RAW_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>\n]*>?|<!--|<\?|<!\[?[a-zA-Z]")


@dataclass(frozen=True)
class Finding:
    start: int  # offset into the text
    text: str
    message: str


# ------------------------------------------------------------------ content as page Markdown

def escape_markdown(text: str) -> str:
    """Text unwrapped, HTML-escaped, emphasis marks escaped and braces made inert."""
    text = unwrap(text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("*", "\\*").replace("_", "\\_")
    return inert(text)


def inert(escaped: str) -> str:
    """HTML-escaped text made inert as Markdown too: braces as entities (`{: onclick=…}` would set
    attributes through attr_list)."""
    return escaped.replace("{", "&#123;").replace("}", "&#125;")


def inline(text: str) -> str:
    """A content string placed in a page as it is (jinja2's finalize)."""
    return inert(str(escape(text)))


def cell(text: str) -> str:
    """A content string in a table cell."""
    return escape_markdown(text).replace("|", "\\|").replace("\n", " ")


def prose(text: str) -> str:
    """plain_prose() made safe to place in Markdown."""
    return escape_markdown(plain_prose(text)).strip()


PAGE_FORMS = (inline, cell, prose)  # every way render.py places a content string in a page


# ------------------------------------------------------------------ URLs as a browser reads them

# Attributes whose value is one URL, a list of URLs, or (srcset) URLs with descriptors.
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "data", "cite",
                            "background", "longdesc", "usemap", "codebase", "classid", "manifest", "icon",
                            "lowsrc", "dynsrc", "profile", "itemtype", "itemid", "xml:base"})
URL_LIST_ATTRIBUTES = frozenset({"ping", "archive"})
SRCSET_ATTRIBUTES = frozenset({"srcset", "imagesrcset"})
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
_REFRESH_URL = re.compile(r"^\s*[0-9.]*\s*[;,]?\s*(?:url\s*=\s*)?(.*)$", re.I | re.S)


def url_scheme(url: str) -> str | None:
    """The scheme a browser reads in an (entity-decoded) URL, lower case; None for a relative URL.
    Like the URL standard: leading and trailing C0 controls and spaces are stripped, and every
    tab, line feed and carriage return is removed, before the scheme is read."""
    cleaned = re.sub(r"[\t\n\r]", "", url.strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f"
                                                 "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "))
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def unsafe_url(url: str) -> bool:
    scheme = url_scheme(url)
    return scheme is not None and scheme not in ALLOWED_SCHEMES


def _urls_of(tag: str, name: str, value: str, attrs: dict) -> list[str]:
    """The URLs an attribute holds (entity-decoded already by the parser)."""
    if name in URL_ATTRIBUTES:
        return [value]
    if name in URL_LIST_ATTRIBUTES:
        return value.split()
    if name in SRCSET_ATTRIBUTES:
        return [candidate.strip().split(maxsplit=1)[0] for candidate in value.split(",") if candidate.strip()]
    if tag == "meta" and name == "content" and (attrs.get("http-equiv") or "").strip().lower() == "refresh":
        target = _REFRESH_URL.match(value).group(1).strip().strip("'\"")
        return [target] if target else []
    return []


class _UrlScanner(HTMLParser):
    """Finds the start tags carrying an unsafe URL: (offset of the tag, its text, tag, attributes,
    the unsafe (attribute, url) pairs)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[tuple[int, int], str, str, list, list]] = []

    def handle_starttag(self, tag, attrs):
        values = {name: value for name, value in attrs if value is not None}
        bad = [(name, url) for name, value in attrs if value is not None
               for url in _urls_of(tag, name, value, values) if unsafe_url(url)]
        if bad:
            self.found.append((self.getpos(), self.get_starttag_text(), tag, attrs, bad))

    handle_startendtag = handle_starttag


# Every "=" of the text (zero-width, so none is skipped), with the value the HTML tokenizer reads
# after it if it ends an attribute name, and the name that would then precede it.
_EQUALS = re.compile(r"=(?=[\t\n\f\r ]*(\"[^\"]*|'[^']*|[^\t\n\f\r >]*))")
_NAME_BEFORE = re.compile(r"([^\t\n\f\r />\"'<=]*)[\t\n\f\r ]*\Z")
_ANY_URL_ATTRIBUTE = URL_ATTRIBUTES | URL_LIST_ATTRIBUTES | SRCSET_ATTRIBUTES


def _may_hold_unsafe_url(html: str) -> bool:
    """False only when no attribute of the HTML can hold an unsafe URL: a quick look that spares
    parsing most pages (whose links are relative or http(s)). It errs only towards True: every
    "=" is looked at as if it ended an attribute name, and any value with a colon (entities
    decoded) is doubted unless it is one http(s) or mailto URL in a one-URL attribute."""
    from html import unescape

    for match in _EQUALS.finditer(html):
        raw = match.group(1)
        if ":" not in raw and "&" not in raw and "efresh" not in raw.lower():
            continue
        name = _NAME_BEFORE.search(html, max(0, match.start() - 64), match.start()).group(1).lower()
        value = unescape(raw[1:] if raw[:1] in "\"'" else raw)
        if name == "http-equiv":
            if "refresh" in value.lower():
                return True
        elif ":" in value and name in _ANY_URL_ATTRIBUTE and (name not in URL_ATTRIBUTES or unsafe_url(value)):
            return True
    return False


def _scan(html: str) -> list:
    if not _may_hold_unsafe_url(html):
        return []
    scanner = _UrlScanner()
    scanner.feed(html)
    scanner.close()
    return scanner.found


def unsafe_urls(html: str) -> list[str]:
    """Every URL in the HTML (href, src, action, formaction, srcset… and meta refresh) whose scheme
    is not http, https or mailto, as the browser reads it (entities decoded), in page order."""
    return [url for *_, bad in _scan(html) for _, url in bad]


def neutralise_urls(html: str) -> str:
    """The HTML with every attribute holding an unsafe URL removed from its tag (the rest of the
    page byte for byte as it was)."""
    found = _scan(html)
    if not found:
        return html
    line_starts = [0] + [m.end() for m in re.finditer("\n", html)]
    pieces, done = [], 0
    for (line, column), text, tag, attrs, bad in found:
        start = line_starts[line - 1] + column
        if html[start:start + len(text)] != text:  # cannot happen with the stdlib parser; refuse to guess
            raise ValueError(f"unsafe URL in a tag that could not be rewritten: {text[:80]}")
        dropped = {name for name, _ in bad}
        kept = "".join(f" {name}" if value is None else f' {name}="{escape_attribute(value)}"'
                       for name, value in attrs if name not in dropped)
        pieces += [html[done:start], f"<{tag}{kept}{'/' if text.endswith('/>') else ''}>"]
        done = start + len(text)
    return "".join(pieces) + html[done:]


# ------------------------------------------------------------------ what the validator reports

@lru_cache(maxsize=1)
def _site_markdown():
    """A Markdown converter with the extensions (and their settings) of the site's mkdocs.yml."""
    import markdown
    import yaml

    class _IgnoreTags(yaml.SafeLoader):  # mkdocs.yml may carry !!python/name: tags; their values do not matter here
        pass

    _IgnoreTags.add_multi_constructor("", lambda loader, suffix, node: None)
    config = yaml.load(SITE_CONFIG.read_text(encoding="utf-8"), Loader=_IgnoreTags) if SITE_CONFIG.is_file() else None
    config = config if isinstance(config, dict) else {}
    names, settings = [], {}
    for entry in config.get("markdown_extensions") or []:
        name, options = next(iter(entry.items())) if isinstance(entry, dict) else (entry, None)
        names.append(name)
        if options:
            settings[name] = options
    return markdown.Markdown(extensions=names, extension_configs=settings)


_converting = threading.Lock()  # one Markdown converter, which keeps state between calls


def markdown_html(text: str) -> str:
    """Markdown (as a page carries it) converted to HTML as the site converts it."""
    converter = _site_markdown()
    with _converting:
        converter.reset()
        return converter.convert(text)


def findings(text: str) -> list[Finding]:
    """Raw HTML, and links whose scheme is not http(s)/mailto in the HTML the site would make of
    the text in any of its page forms, in the order they occur."""
    if "<" not in text and "]" not in text:  # every tag and Markdown link has one of them
        return []
    found = [Finding(m.start(), m.group(0)[:40],
                     f"不能写 HTML 标记“{m.group(0)[:40]}”：页面只接受纯文字；要写尖括号请改用全角“＜＞”")
             for m in RAW_TAG.finditer(text)]
    if "]" in text:
        urls = dict.fromkeys(url for form in PAGE_FORMS for url in unsafe_urls(markdown_html(form(text))))
        for url in urls:
            start, needle = _written_at(text, url)
            found.append(Finding(start, needle, LINK_MESSAGE.format(scheme=url_scheme(url))))
    return sorted(found, key=lambda f: f.start)


def _written_at(text: str, url: str) -> tuple[int, str]:
    """Where the text has the URL (its longest beginning found there, spaces and line breaks
    aside: an entity or escape the page decoded may stand in the way of the rest), and the piece
    of it before any space or control character, which the file has as written."""
    chars = [ch for ch in url if not ch.isspace() and ch >= " "]
    for length in range(len(chars), 0, -1):
        match = re.search(r"\s*".join(map(re.escape, chars[:length])), text)
        if match:
            return match.start(), re.match(r"[^\s\x00-\x1f]*", match.group(0)).group(0)[:40] or match.group(0)[:1]
    return 0, text[:40]
