"""The change log of content files from git: one `git log` for the whole content tree.

Nothing is returned where git is missing, the folder is not in a repository or a file is untracked.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

SEPARATOR = "\x1e"  # starts each commit's header line in the log output


def content_history(content_dir: Path) -> dict[str, list[tuple[str, str]]]:
    """Per file as shown to editors ("content/cases/…/x.yaml"): (date, subject) of each commit
    that touched it, newest first."""
    git = shutil.which("git")
    content_dir = Path(content_dir).resolve()
    if git is None or not content_dir.is_dir():
        return {}
    try:
        done = subprocess.run([git, "-c", "core.quotepath=off", "log", "--no-renames", "--date=short",
                               f"--format={SEPARATOR}%ad%x09%s", "--name-only", "--relative", "--", "."],
                              cwd=content_dir, capture_output=True, text=True, encoding="utf-8", timeout=60)
    except (OSError, subprocess.SubprocessError):
        return {}
    if done.returncode != 0:
        return {}
    return parse_log(done.stdout, content_dir.name)


def parse_log(output: str, prefix: str = "content") -> dict[str, list[tuple[str, str]]]:
    """The output of `git log --format=<SEPARATOR>%ad%x09%s --name-only --relative` read per file."""
    history: dict[str, list[tuple[str, str]]] = {}
    for block in output.split(SEPARATOR)[1:]:
        header, _, names = block.partition("\n")
        date, _, subject = header.partition("\t")
        for name in names.splitlines():
            if name.strip():
                history.setdefault(f"{prefix}/{name.strip()}", []).append((date, subject))
    return history
