"""Smaller built pages without changing what a reader sees.

MkDocs-Material's templates indent deeply, so a case page carried kilobytes of blank runs. In
HTML a run of white space between words renders as one space, and one that contains a line
break can be one line break; so every such run in text is cut to a single "\\n". Nothing
is touched inside tags (attribute values keep their text), comments, or elements whose white
space shows: <pre>, <textarea>, <script>, <style>, and <code>/<kbd> (the theme styles those
`white-space: pre-wrap`).
"""
from __future__ import annotations

import json
import re

_KEPT = ("pre", "textarea", "script", "style", "code", "kbd")
# One token per match: a kept element whole, a comment, a tag, or the text up to the next "<".
_TOKEN = re.compile(
    r"(?P<kept><(?P<name>" + "|".join(_KEPT) + r")\b[^>]*>.*?</(?P=name)\s*>)"
    r"|(?P<other><!--.*?-->|<![^>]*>|</?[A-Za-z][^>]*>)"
    r"|(?P<text>[^<]+|<)",
    re.S | re.I)
_BLANK_LINES = re.compile(r"[ \t\r\n\f]*\n[ \t\r\n\f]*")
_CONFIG = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)


def compact_html(html: str) -> str:
    """The page with every white-space run that holds a line break, in text outside the
    elements listed above, cut to one line break. Idempotent."""
    out = []
    for match in _TOKEN.finditer(html):
        text = match.group("text")
        out.append(_BLANK_LINES.sub("\n", text) if text is not None else match.group(0))
    return _compact_config("".join(out))


def _compact_config(html: str) -> str:
    """The theme's settings block (JSON, read by its bundle with JSON.parse) with its Chinese
    translations as UTF-8 rather than \\u escapes: the same value in under half the bytes."""
    def rewrite(match: re.Match) -> str:
        try:
            value = json.loads(match.group(2))
        except ValueError:
            return match.group(0)
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
        return match.group(1) + text + match.group(3)

    return _CONFIG.sub(rewrite, html, count=1)
