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
# What is left alone: a kept element whole, a comment or declaration, a tag with a line break
# inside (in an attribute value, say). A tag without one holds no run to cut, so the text
# between these pieces can be compacted in one pass.
_LEFT_ALONE = re.compile(
    r"(<(?P<name>" + "|".join(_KEPT) + r")\b[^>]*>.*?</(?P=name)\s*>"
    r"|<!--.*?-->|<![^>]*>|</?[A-Za-z][^>\n]*\n[^>]*>)",
    re.S | re.I)
# A run holding a line break, cut in two steps that each begin at a fixed character (a single
# pattern beginning with [ \t…]* tries every position and takes twice as long): what follows a
# line break, then what precedes one.
_AFTER_BREAK = re.compile(r"\n[ \t\r\n\f]+")
_BEFORE_BREAK = re.compile(r"[ \t\r\f]+\n")
_CONFIG = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)


def compact_html(html: str) -> str:
    """The page with every white-space run that holds a line break, in text outside the
    elements listed above, cut to one line break. Idempotent."""
    out, done = [], 0
    for match in _LEFT_ALONE.finditer(html):
        out.append(_one_break(html[done:match.start()]))
        out.append(match.group(0))
        done = match.end()
    out.append(_one_break(html[done:]))
    return _compact_config("".join(out))


def _one_break(text: str) -> str:
    return _BEFORE_BREAK.sub("\n", _AFTER_BREAK.sub("\n", text))


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
