"""Writing content files so that a failure never leaves a half-written or lost file.

Each file is first written in full to a temporary file in the same folder (flushed and
fsynced), then renamed over the target with os.replace, which is atomic on the same file
system: a reader, a full disk or a kill sees either the old file or the new one, never a mix.
A temporary file is removed whenever writing fails. A kill -9 during the write can leave a
hidden ``.<name>.<random>.part`` beside the target, never a damaged target; `kb validate`
lists such a hidden file as a warning ("隐藏文件不会被读取，可以删除").
"""
from __future__ import annotations

import errno
import os
import secrets
import stat
from contextlib import suppress
from pathlib import Path
from typing import Iterable, Mapping

TEMP_SUFFIX = ".part"


# What the editor can do something about, in their words; any other error is named as the system names it.
REASONS = {errno.ENOSPC: "磁盘已满", errno.EDQUOT: "超出磁盘配额", errno.EACCES: "没有写入权限",
           errno.EPERM: "没有写入权限", errno.EROFS: "磁盘只读", errno.ENAMETOOLONG: "文件名太长"}


class WriteFailed(Exception):
    """A content write that failed; the message (Chinese, for the editor) says nothing changed."""

    def __init__(self, path: Path, error: OSError):
        self.path, self.error = Path(path), error
        reason = REASONS.get(error.errno) or error.strerror or type(error).__name__
        super().__init__(f"写入失败：{path}（{reason}）。原有文件没有改动，也没有留下写了一半的文件。")


def write_file(path: Path, data: str | bytes) -> None:
    """Replace (or create) `path` with `data` atomically; str is written as UTF-8."""
    write_files({Path(path): data})


def write_files(files: Mapping[Path, str | bytes], remove: Iterable[Path] = ()) -> None:
    """Write several files and remove others as one change: all of it or none of it.

    1. Every new text goes to its own temporary file beside its target, fsynced. If any of
       these writes fails, the temporary files are removed and no target has been touched.
    2. Each existing target and each file to remove gets a second name (a hard link, or a
       copy where the file system has no links): the way back.
    3. The temporary files are renamed over their targets, then the files to remove are
       removed. If a step fails midway, the targets already replaced get their old text back
       from the second names, new files are deleted and removed files restored.

    So against errors (full disk, permissions, a name the file system refuses) the folders end
    either fully updated or exactly as before, and no temporary file is left. A power cut or a
    kill -9 during step 3 (renames only, no data written) can leave part of the files updated:
    each file is then whole, old or new. Raises WriteFailed naming the file that failed.
    """
    staged: dict[Path, Path] = {}   # target → the temporary file with its new text
    saved: dict[Path, Path] = {}    # existing target or file to remove → second name of its old text
    done: list[Path] = []           # targets replaced and files removed so far, in order
    current = None
    try:
        for current, data in ((_through_link(Path(t)), d) for t, d in files.items()):
            current.parent.mkdir(parents=True, exist_ok=True)
            staged[current] = _staged(current, data.encode("utf-8") if isinstance(data, str) else data)
        removed = [p for p in map(Path, remove) if p.exists() and p not in staged]
        for current in [t for t in staged if t.exists()] + removed:
            saved[current] = _kept(current)
        for current, temp in staged.items():
            os.replace(temp, current)
            done.append(current)
        for current in removed:
            os.unlink(current)
            done.append(current)
        for folder in {p.parent for p in done}:
            _sync_folder(folder)
    except BaseException as error:
        _undo(done, saved, staged)
        if isinstance(error, OSError):
            raise WriteFailed(current or Path(), error) from error
        raise
    finally:
        for temp in [*staged.values(), *saved.values()]:
            with suppress(OSError):
                os.unlink(temp)


def _through_link(path: Path) -> Path:
    """The file a symbolic link points to (written as write_text would write it, through the
    link, and not replaced by a plain file); any other path unchanged."""
    return Path(os.path.realpath(path)) if os.path.islink(path) else path


def _undo(done: list[Path], saved: dict[Path, Path], staged: dict[Path, Path]) -> None:
    for path in reversed(done):
        with suppress(OSError):
            if path in saved:
                os.replace(saved.pop(path), path)
            else:
                os.unlink(path)  # a new file that did not exist before


def _staged(target: Path, data: bytes) -> Path:
    """A temporary file beside `target` holding `data`, on disk (fsynced), with the target's
    permissions when it exists (the umask's defaults otherwise)."""
    temp = _temp_name(target)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        with suppress(FileNotFoundError):
            os.chmod(temp, stat.S_IMODE(os.stat(target).st_mode))
    except BaseException:
        with suppress(OSError):
            os.unlink(temp)
        raise
    return temp


def _kept(path: Path) -> Path:
    """A second name for `path`'s current text: a hard link, or a copy where links fail."""
    keep = _temp_name(path)
    try:
        os.link(path, keep)
    except OSError:
        return _staged(path, path.read_bytes())
    return keep


def _temp_name(target: Path) -> Path:
    # Hidden (not read as content), and short enough for any file name limit: the target's
    # stem is cut to 40 characters (120 bytes of UTF-8 at most).
    return target.with_name(f".{target.name[:40]}.{secrets.token_hex(6)}{TEMP_SUFFIX}")


def _sync_folder(folder: Path) -> None:
    """Make the renames themselves durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
