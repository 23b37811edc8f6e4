"""The problems each document has on its own (schema, personal data, markup, empty values),
kept between runs (a section of the document cache, build/cache/documents.marshal) and, in the
live preview, between saves.

A result is reused only under the same key: the document's name, kind and exact text (which
decides its data and positions), and the shared context the checks read — the allow-list's
texts, the schema files, the checking code and the libraries it uses, and the current year
(ID numbers are checked against it). Anything else changed means the check runs again. (A
loaded document is never changed afterwards, so its text stands for its data.)"""
from __future__ import annotations

import hashlib
import sys
from datetime import date
from functools import lru_cache
from importlib import metadata

from .doccache import section
from .load import Document
from .markup import SITE_CONFIG
from ..core.digests import add_sources
from ..core.problems import Problem
from .schemas import SCHEMA_DIR

CHECK_SOURCES = ("content.validate", "content.checkcache", "content.privacy", "core.textfold", "core.unicode_tables", "content.markup", "content.schemas",
                 "content.hints", "content.workingnotes", "content.load", "core.problems", "content.doccache", "content.prose", "content.rules",
                 "content.provenance")
LIBRARIES = ("jsonschema", "jsonschema-rs", "PyYAML", "Markdown", "pymdown-extensions")  # markup renders links as the site does


@lru_cache(maxsize=None)
def code_version() -> bytes:
    digest = hashlib.blake2b(sys.version.encode())  # the re module's behaviour is Python's
    add_sources(digest, CHECK_SOURCES)
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    if SITE_CONFIG.is_file():  # its markdown_extensions decide what a link renders to
        digest.update(SITE_CONFIG.read_bytes())
    for library in LIBRARIES:
        try:
            digest.update(f"{library} {metadata.version(library)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library} -\0".encode())
    return digest.digest()


def context_key(allowed: set[str], texts: bytes = b"") -> bytes:
    """What every document's own checks share: code, schemas, year, the allow-list's texts and
    (`texts`: their digest) the shipped source texts."""
    digest = hashlib.blake2b(code_version())
    digest.update(texts)
    digest.update(str(date.today().year).encode())
    for text in sorted(allowed):
        digest.update(b"\0" + text.encode("utf-8", "surrogatepass"))
    return digest.digest()


class CheckMemo:
    """Per-document problems by key; `sections` (what a DocumentCache read from its file) holds
    those of the last saved run."""

    SECTION = "checks"

    def __init__(self, sections: dict | None = None):
        self.version = code_version().hex()
        self.entries: dict = section(sections or {}, self.SECTION, self.version)
        self.used: dict = {}
        self.hits = 0

    def begin(self) -> None:
        """A new run over the corpus: what the last run used is what this one may reuse."""
        if self.used:
            self.entries, self.used = self.used, {}
        self.hits = 0

    def problems(self, doc: Document, kind: str, context: bytes, check) -> list[Problem]:
        """check(doc, kind), or its result from an earlier run under the same key. A document
        without its text (made by code, not read from a file) is always checked."""
        if not doc.text:
            return check(doc, kind)
        key = self.key(doc, kind, context)
        found = self.used.get(key)
        found = self.entries.get(key) if found is None else found
        if isinstance(found, tuple) and all(isinstance(p, tuple) and len(p) == 6 for p in found):
            self.hits += 1
        else:
            found = self.row(check(doc, kind))
        self.used[key] = found
        return [Problem(*p) for p in found]

    @staticmethod
    def key(doc: Document, kind: str, context: bytes) -> tuple:
        return doc.file, kind, context, hashlib.blake2b(doc.text.encode("utf-8", "surrogatepass"), digest_size=20).digest()

    @staticmethod
    def row(problems: list[Problem]) -> tuple:
        """Problems as plain values, for keeping."""
        return tuple((p.file, p.line, p.column, p.field, p.message, p.severity) for p in problems)

    def add(self, results: dict) -> None:
        """Results (key -> row) worked out elsewhere, e.g. by a helper process on a cold run."""
        self.entries.update(results)

    def section(self) -> dict[str, tuple[str, dict]]:
        """What to keep for the next run, as DocumentCache.save takes it: what this run used."""
        return {self.SECTION: (self.version, self.used)}
