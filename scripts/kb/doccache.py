"""Loaded documents kept between runs (build/cache/documents.pickle), keyed by file and by the
hash of its bytes: an unchanged file is not parsed again. Files that fail to load are never
cached, so their problems are reported every time."""
from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from .load import Document, decode, load_text

VERSION_SOURCES = ("load.py", "problems.py")
DOCUMENT_CACHE = Path("cache") / "documents.pickle"  # inside the build folder


def _version() -> str:
    digest = hashlib.sha256()
    for name in VERSION_SOURCES:
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()


class DocumentCache:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.version = _version()
        self.entries: dict[str, tuple[str, Document]] = {}
        self.seen: dict[str, tuple[str, Document]] = {}
        self.hits = 0
        try:
            with open(self.path, "rb") as stream:
                version, entries = pickle.load(stream)
            if version == self.version:
                self.entries = entries
        except (OSError, pickle.PickleError, EOFError, ValueError, TypeError, AttributeError):
            pass

    def load(self, path: Path, display: str | None = None) -> Document:
        file = display or Path(path).as_posix()
        raw = Path(path).read_bytes()
        digest = hashlib.blake2b(raw, digest_size=20).hexdigest()
        cached = self.entries.get(file)
        if cached and cached[0] == digest:
            self.hits += 1
            doc = cached[1]
        else:
            doc = load_text(decode(raw, file), file)
        self.seen[file] = (digest, doc)
        return doc

    def next_round(self) -> None:
        """For a long-running process (the preview): what this round loaded is what the next
        round compares with, and unchanged files come back as the very same objects."""
        self.entries, self.seen, self.hits = self.seen, {}, 0

    def save(self) -> None:
        """Keep what this run loaded (files since deleted drop out), written atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(f"{self.path.name}.{os.getpid()}.part")
        with open(partial, "wb") as stream:
            pickle.dump((self.version, self.seen), stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, self.path)
