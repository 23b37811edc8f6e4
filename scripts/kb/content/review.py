"""Moving a case along its lifecycle in its own file: submitted for review, published by a reviewer.

Only the `status` line changes and the review lines are added beside it; the rest of the file
(comments, order, quoting) stays exactly as the editor wrote it. The new text is checked against
the schema before it replaces the file, in one atomic write.
"""
from __future__ import annotations

import re
from pathlib import Path

from .load import load_text
from .schemas import validate_document
from ..core.atomic import write_file
from ..core.problems import ProblemsFound

STATUS = re.compile(r"^status:[^\n]*$", re.MULTILINE)
REVIEW_LINE = re.compile(r"^reviewed_(?:by|on):[^\n]*\n?", re.MULTILINE)


class ReviewRefused(Exception):
    """Why the entry cannot move on, in Chinese for the editor."""


def set_status(text: str, status: str, reviewed_by: str | None = None, reviewed_on: str | None = None) -> str:
    """The file's text with its top-level status replaced (and, when publishing, its reviewer and
    date written right after the status line, replacing earlier ones)."""
    if not STATUS.search(text):
        raise ReviewRefused("文件中没有顶格的 status: 行")
    text = REVIEW_LINE.sub("", text)
    lines = f"status: {status}"
    if reviewed_by:
        lines += f"\nreviewed_by: {_quoted(reviewed_by)}\nreviewed_on: \"{reviewed_on}\""
    return STATUS.sub(lambda _: lines, text, count=1)


def _quoted(value: str) -> str:
    import json

    return json.dumps(value.strip(), ensure_ascii=False)


def rewrite(path: Path, shown: str, text: str) -> None:
    """Replace the file with `text` once it loads and follows the case schema (otherwise raise
    ProblemsFound, the file untouched), in one atomic write (core.atomic; WriteFailed on failure)."""
    doc = load_text(text, shown)
    problems = [p for p in validate_document(doc, "case") if p.severity == "error"]
    if problems:
        raise ProblemsFound(problems)
    write_file(path, text)
