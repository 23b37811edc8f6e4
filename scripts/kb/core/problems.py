"""Problems are data: collected by every stage, printed by the CLI, asserted by the tests."""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    column: int
    field: str
    message: str
    severity: str = "error"  # "error" blocks publishing; "warning" does not

    def format(self) -> str:
        label = "" if self.severity == "error" else "（提醒）"
        field = self.field or "-"
        return f"{self.file}:{self.line}:{self.column}  {field}  {label}{self.message}"


def field_path(path) -> str:
    """('measures', 0, 'name') -> 'measures[0].name'"""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def display_path(path: Path, root: Path | None = None) -> str:
    """The path as the editor wrote it, relative to root when inside it: a symlink by its own
    name, not its target's (string work only, no file system calls)."""
    if root is not None:
        absolute, top = os.path.abspath(path), os.path.abspath(root)
        prefix = top if top.endswith(os.sep) else top + os.sep
        if absolute.startswith(prefix):
            return Path(absolute[len(prefix):]).as_posix()
    return Path(path).as_posix()


class WarningCollector(logging.Handler):
    """Keeps the messages of warnings logged while it is attached (MkDocs reports problems so)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


class ProblemsFound(Exception):
    """Raised by a stage that cannot go on; carries every problem found so far."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems
