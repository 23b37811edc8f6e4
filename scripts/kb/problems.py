"""Problems are data: collected by every stage, printed by the CLI, asserted by the tests."""
from __future__ import annotations

import logging
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
    path = Path(path)
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


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
