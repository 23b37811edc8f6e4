"""Problems are data: collected by every stage, printed by the CLI, asserted by the tests."""
from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .textfold import IGNORABLE


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
        return terminal_safe(f"{self.file}:{self.line}:{self.column}  {field}  {label}{self.message}")


# Control characters (a terminal obeys ESC, CSI, BEL …) and the bidirectional overrides that make
# a line show other than it reads; with invisible=True also zero-width and other invisible characters.
_CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[{_CONTROL}]")
_UNPRINTABLE = re.compile(f"[{_CONTROL}\t\n]")
_INVISIBLE = re.compile(f"[{_CONTROL}\t\n{IGNORABLE}]")
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def terminal_safe(text: str) -> str:
    """text with every control character (but line breaks and tabs) written as an escape, for printing."""
    return _UNSAFE.sub(_escaped, text) if _UNSAFE.search(text) else text


def printable(text: str, invisible: bool = False) -> str:
    """text on one line, every control character (line breaks too) written as an escape; with
    invisible=True also the characters that show nothing (zero-width space, soft hyphen …)."""
    return (_INVISIBLE if invisible else _UNPRINTABLE).sub(_escaped, text)


def _escaped(match: re.Match) -> str:
    ch = match.group()
    code = ord(ch)
    # \xNN below DEL, \uNNNN above: in a JSON string (kb search --json) that is still a valid escape
    return _NAMED.get(ch) or (f"\\x{code:02x}" if code < 0x7F else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")


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
