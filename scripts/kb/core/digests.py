"""Digests that key caches and incremental decisions: of JSON-like values and of the package's own code."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # scripts/kb


def value_digest(value) -> str:
    """A short hash of a JSON-like value, the same for equal values whatever their key order."""
    canonical = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.blake2b(canonical.encode(), digest_size=16).hexdigest()


def module_file(module: str) -> Path:
    """The source file of a kb module named relative to the package ("search.index")."""
    return PACKAGE_DIR.joinpath(*module.split(".")).with_suffix(".py")


def add_sources(digest, modules) -> None:
    """Feed the named kb modules' sources into a hashlib object, each after its name, so that a
    cache made by other code (or by code since moved) is never taken for this code's."""
    for module in modules:
        digest.update(module.encode() + b"\0" + module_file(module).read_bytes() + b"\0")


def content_key(content: str, modules: tuple[str, ...]) -> str:
    """Hash of what a stage's output is made from: a digest of its input and the code that makes it."""
    digest = hashlib.sha256(content.encode())
    add_sources(digest, modules)
    return digest.hexdigest()
