"""Loaded documents kept between runs (build/cache/documents.marshal), keyed by file and by the
hash of its bytes: an unchanged file is not parsed again. Files that fail to load are never
cached, so their problems are reported every time.

On disk each file's data is kept (marshal: plain values, several times faster to read back than
pickled objects), and the positions of its values packed apart, unpacked only when a problem
has to point into the file. The same file holds each document's own problems
(checkcache.py). The whole payload is sealed with its hash, so a damaged or foreign cache file
is ignored rather than trusted."""
from __future__ import annotations

import hashlib
import marshal
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .load import Document, decode, load_text, read_regular
from ..core.digests import add_sources
from ..core.problems import ProblemsFound

VERSION_SOURCES = ("content.load", "core.problems", "content.doccache")
DOCUMENT_CACHE = Path("cache") / "documents.marshal"  # inside the build folder
_SEAL = "kb-cache-1"
PARALLEL_FROM = 1000  # files to parse before a second process pays for itself


def _version() -> str:
    digest = hashlib.sha256(sys.version.encode())
    add_sources(digest, VERSION_SOURCES)
    return digest.hexdigest()


def read_sealed(path: Path) -> dict:
    """The sections write_sealed stored at path, or {} when the file is missing, damaged, cut
    short or not ours. Each section is (version, value); its reader checks the version."""
    try:
        seal, digest, payload = marshal.loads(Path(path).read_bytes())
        if seal != _SEAL or hashlib.blake2b(payload).digest() != digest:
            return {}
        value = marshal.loads(payload)
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return value if isinstance(value, dict) else {}


def section(sections: dict, name: str, version: str) -> dict:
    """A section's value if it was written by this version of its code, else {}."""
    found = sections.get(name)
    if isinstance(found, tuple) and len(found) == 2 and found[0] == version and isinstance(found[1], dict):
        return found[1]
    return {}


def write_sealed(path: Path, sections: dict) -> None:
    """Written beside the target and renamed over it, so readers see the old file or the new one."""
    payload = marshal.dumps(sections)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.part")
    try:
        partial.write_bytes(marshal.dumps((_SEAL, hashlib.blake2b(payload).digest(), payload)))
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


class StoredDocument(Document):
    """A document whose data came from the cache. The positions of its values, kept packed
    beside it, are unpacked only when a problem has to point into it (or, without them,
    parsed again from its text)."""

    def __init__(self, file: str, data, text: str, packed: bytes | None = None):
        self.file, self.data, self.text, self.packed = file, data, text, packed

    def __getattr__(self, name):
        if name not in ("positions", "spans"):
            raise AttributeError(name)
        try:
            positions, spans = marshal.loads(self.packed)
        except (EOFError, ValueError, TypeError):
            parsed = load_text(self.text, self.file)
            positions, spans = parsed.positions, parsed.spans
        self.positions, self.spans = positions, spans
        return positions if name == "positions" else spans


def packed_positions(doc: Document) -> bytes | None:
    """A document's positions as one value to keep (None if they hold anything marshal refuses)."""
    packed = getattr(doc, "packed", None)
    if isinstance(packed, bytes):
        return packed
    try:
        return marshal.dumps((doc.positions, doc.spans))
    except ValueError:
        return None


def _stored_entry(entry) -> tuple | None:
    return entry if isinstance(entry, tuple) and len(entry) == 3 and isinstance(entry[0], str) else None


RECENT_AT_MOST = 256  # changed files up to which a save writes only them, in a small file beside the cache


def recent_file(path: Path) -> Path:
    """Where the few changes saved since `path` was last written whole are kept."""
    return Path(path).with_name(Path(path).name + ".recent")


def _signature(path: Path) -> list | None:
    """Which version of a file this is: a file replaced by a new one gets another inode."""
    try:
        found = path.stat()
    except OSError:
        return None
    return [found.st_ino, found.st_size, found.st_mtime_ns]


class DocumentCache:
    """Documents by file, kept in `path`. A save that changes few of them writes those alone to
    `path`.recent, tied to the version of `path` it amends (10,000 cases make a 75 MB cache, and
    an edit to one of them need not rewrite it)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.recent = recent_file(self.path)
        self.version = _version()
        self.signature = _signature(self.path)
        self.sections = read_sealed(self.path)  # what the last saved run kept (other stages add theirs)
        self.base: dict[str, tuple] = section(self.sections, "documents", self.version)  # as `path` holds them
        self.stored: dict[str, tuple[str, object]] = dict(self.base)
        recent = read_sealed(self.recent)
        if self.base and recent.get("amends") == self.signature:
            for file, entry in section(recent, "documents", self.version).items():
                if entry is None:
                    self.stored.pop(file, None)
                else:
                    self.stored[file] = entry
            self.sections.update((name, value) for name, value in recent.items() if name not in ("documents", "amends"))
        self.entries: dict[str, tuple[str, Document]] = {}  # the previous round of this process
        self.seen: dict[str, tuple[str, Document]] = {}
        self.hits = 0

    def load(self, path: Path, display: str | None = None) -> Document:
        file = display or Path(path).as_posix()
        raw = read_regular(path, file)
        digest = hashlib.blake2b(raw, digest_size=20).hexdigest()
        cached, stored = self.entries.get(file), _stored_entry(self.stored.get(file))
        if cached and cached[0] == digest:
            self.hits += 1
            doc = cached[1]
        elif stored and stored[0] == digest:
            self.hits += 1
            doc = StoredDocument(file, stored[1], decode(raw, file), stored[2])
        else:
            doc = load_text(decode(raw, file), file)
        self.seen[file] = (digest, doc)
        return doc

    def next_round(self) -> None:
        """For a long-running process (the preview): what this round loaded is what the next
        round compares with, and unchanged files come back as the very same objects."""
        if self.seen:
            self.stored = {}
        self.entries, self.seen, self.hits = self.seen, {}, 0

    def save(self, **sections: tuple[str, dict]) -> None:
        """Keep what this run loaded (files since deleted drop out), and the other sections
        given as name=(version, value): when few files differ from `path`, only those (deleted
        ones as None) go to `path`.recent; else everything to `path`. Each file is written atomically."""
        documents = {file: (digest, doc.data, packed_positions(doc)) for file, (digest, doc) in self.seen.items()}
        changes = {file: entry for file, entry in documents.items()
                   if _stored_entry(self.base.get(file)) is None or self.base[file][0] != entry[0]}
        changes.update((file, None) for file in self.base if file not in documents)
        if self.base and self.signature is not None and len(changes) <= RECENT_AT_MOST:
            write_sealed(self.recent, {"amends": self.signature, "documents": (self.version, changes), **sections})
            return
        write_sealed(self.path, {"documents": (self.version, documents), **sections})
        self.recent.unlink(missing_ok=True)  # amends the file just replaced: would be ignored anyway
        self.base, self.signature = documents, _signature(self.path)

    def parse_in_parallel(self, files: list[tuple[Path, str, object]], max_bytes: int, then=None) -> dict:
        """Parse the files (path, name shown, tag) with every core when this cache holds few of
        them: a forked helper parses its share while this process parses the rest, so a run with
        a cold cache takes what it costs on one core divided by the cores. then(document, tag),
        if given, runs beside each parse and its results (plain values) come back by file name.
        Only when most files are missing, only where fork exists; any failure leaves the files
        to be parsed one by one as usual."""
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        if (len(files) < PARALLEL_FROM or cores < 2 or len(self.stored) + len(self.entries) > len(files) / 2
                or "fork" not in multiprocessing.get_all_start_methods()):
            return {}
        shares = [files[i::cores] for i in range(cores)]
        try:  # a helper that dies breaks the pool (an error here) rather than leaving us waiting
            with ProcessPoolExecutor(cores - 1, mp_context=multiprocessing.get_context("fork")) as pool:
                pending = [pool.submit(_parse_share, share, max_bytes, then) for share in shares[1:]]
                mine, extras = _parse(shares[0], max_bytes, then)
                theirs = [marshal.loads(future.result()) for future in pending]
        except Exception:  # an optimisation only: the files are parsed one by one instead
            return {}
        self.entries = {**self.entries, **mine}
        for documents, more in theirs:
            self.stored = {**self.stored, **documents}
            extras.update(more)
        return extras


def _parse(files: list[tuple[Path, str, object]], max_bytes: int, then=None) -> tuple[dict, dict]:
    """(digest, document) of every file that loads, and then's result for it; the others (too
    big, a link, unreadable, invalid YAML) are left out, for read_corpus to refuse or report as
    it always does."""
    parsed, extras = {}, {}
    for path, file, tag in files:
        try:
            if Path(path).is_symlink():
                continue
            raw = read_regular(path, file)
            if len(raw) > max_bytes:
                continue
            doc = load_text(decode(raw, file), file)
        except (ProblemsFound, OSError, ValueError, RecursionError):
            continue
        parsed[file] = (hashlib.blake2b(raw, digest_size=20).hexdigest(), doc)
        if then is not None:
            extras[file] = then(doc, tag)
    return parsed, extras


def _parse_share(files: list[tuple[Path, str, object]], max_bytes: int, then=None) -> bytes:
    parsed, extras = _parse(files, max_bytes, then)
    return marshal.dumps(({file: (digest, doc.data, packed_positions(doc)) for file, (digest, doc) in parsed.items()},
                          extras))
