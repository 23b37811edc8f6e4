"""Incremental builds: what a new build can take over from the previous one in build/.

Every build records, in build/docs/.kb-build.json, a key (the hash of everything that shapes
the output besides the pages: mkdocs.yml, the kb package's code and templates, the MkDocs and
theme versions) and the content hash of every generated file. The next build:

- replaces each generated file whose hash is unchanged by a hard link to the previous one, so
  it keeps its old modification time;
- starts the new site as hard links to the previous site, removes the outputs of the changed
  files, and runs MkDocs in its dirty mode, which renders only pages newer than their output.

Nothing shared with the previous build is ever written to: changed outputs are unlinked
first, so a failed build still leaves build/site exactly as it was.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
from importlib import metadata
from pathlib import Path

MANIFEST = ".kb-build.json"
PACKAGE_DIR = Path(__file__).parent
# Written by MkDocs on every build, dirty or not.
ALWAYS_WRITTEN = ("404.html", "sitemap.xml", "sitemap.xml.gz")


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree_hashes(root: Path) -> dict[str, str]:
    """Relative path → content hash of every file below root (the manifest left out)."""
    return {p.relative_to(root).as_posix(): file_hash(p)
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != MANIFEST}


def build_key(config_file: Path, engine: str = "mkdocs") -> str:
    """Changes whenever something other than the generated pages could change the site."""
    digest = hashlib.sha256(engine.encode())
    digest.update(Path(config_file).read_bytes())
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".j2", ".js", ".css"):
            digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    for dist in ("mkdocs", "mkdocs-material", "pymdown-extensions", "markdown", "zensical"):
        try:
            digest.update(f"{dist}={metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            pass
    return digest.hexdigest()


def read_manifest(docs_dir: Path) -> dict:
    try:
        return json.loads((docs_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def reuse_unchanged(docs_dir: Path, previous_docs: Path, key: str) -> tuple[dict, list[str]]:
    """Link files identical to the previous build's to their old copies; write the manifest.
    Returns (previous manifest, relative paths that changed, appeared or disappeared)."""
    before = read_manifest(previous_docs)
    now = tree_hashes(docs_dir)
    old_files = before.get("files", {}) if before.get("key") == key else {}
    changed = []
    for rel, digest in now.items():
        old = previous_docs / rel
        if old_files.get(rel) == digest and old.is_file():
            target = docs_dir / rel
            if target.exists() and os.path.samefile(old, target):
                continue  # already a link to it (taken over whole); rename() would leave `spare` behind
            spare = target.with_name(target.name + ".kb-link")
            os.link(old, spare)
            os.replace(spare, target)
        else:
            changed.append(rel)
    changed += [rel for rel in old_files if rel not in now]
    (docs_dir / MANIFEST).write_text(json.dumps({"key": key, "files": now}, ensure_ascii=False, sort_keys=True),
                                     encoding="utf-8")
    return before, sorted(changed)


def output_of(rel: str) -> str:
    """The file MkDocs makes from a docs file (use_directory_urls is off)."""
    return rel[:-3] + ".html" if rel.endswith(".md") else rel


def link_previous_site(previous_site: Path, site_dir: Path, changed: list[str]) -> None:
    """site_dir as hard links to the previous site, minus every output that will be rewritten."""
    skip = {output_of(rel) for rel in changed} | set(ALWAYS_WRITTEN)
    for folder, _, names in os.walk(previous_site):
        rel_folder = Path(folder).relative_to(previous_site)
        (site_dir / rel_folder).mkdir(parents=True, exist_ok=True)
        for name in names:
            rel = (rel_folder / name).as_posix()
            if rel not in skip:
                os.link(Path(folder) / name, site_dir / rel)


class DropDirtyWarning(logging.Filter):
    """MkDocs warns that a dirty build may leave stale navigation. Our pages' navigation comes
    from mkdocs.yml alone, which is part of the build key, so the warning does not apply."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "'dirty' build" not in record.getMessage()
