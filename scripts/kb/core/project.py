"""Where the project is: the nearest folder at or above the current one holding mkdocs.yml,
as git and MkDocs find theirs, so `kb` works on the checkout it is run in."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MARKER = "mkdocs.yml"


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def build(self) -> Path:
        return self.root / "build"

    @property
    def config(self) -> Path:
        return self.root / MARKER


def find_project(start: Path) -> Project | None:
    """The nearest folder from `start` upward that holds mkdocs.yml, or None."""
    start = Path(start).resolve()
    for folder in (start, *start.parents):
        if (folder / MARKER).is_file():
            return Project(folder)
    return None
