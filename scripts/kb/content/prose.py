"""Content prose as a reader sees it: YAML block text unwrapped the way Chinese is read.

Used by every stage that shows or indexes a case's words (pages, downloads, search).
"""
from __future__ import annotations

import re

CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef\u2018\u2019\u201c\u201d\u2014\u2026"
# YAML block text is hard-wrapped; in Chinese a line break inside a paragraph is not a space.
_WRAP = re.compile(rf"(?<=[{CJK}])[ \t]*\n[ \t]*|[ \t]*\n[ \t]*(?=[{CJK}])")


# Folded YAML (>-) has already turned those line breaks into spaces: in prose, drop them too.
_FOLDED = re.compile(rf"(?<=[{CJK}]) (?=[{CJK}])")


def unwrap(text: str) -> str:
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(_WRAP.sub("", p) for p in paragraphs)


def plain_prose(text: str) -> str:
    """Chinese prose as written, with the line breaks and folding spaces of YAML block text removed."""
    return _FOLDED.sub("", unwrap(text)).strip()
