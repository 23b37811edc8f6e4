"""Incremental builds: what a new build can take over from the previous one in build/.

Every build records, in build/docs/.kb-build.json, a key (the hash of everything that shapes
the output besides the pages: mkdocs.yml, the kb package's code and templates, the MkDocs and
theme versions), the content hash of every generated file, and per case a digest of everything
its own files show (the case, the cases its page names, the shared files). The next build:

- takes over the files of each case whose digest is unchanged (its page, compare record and
  Word document) as hard links, without rendering them;
- replaces each other generated file whose hash is unchanged by a hard link to the previous one,
  so it keeps its old modification time;
- starts the new site as hard links to the previous site, removes the outputs of the changed
  files, and runs MkDocs in its dirty mode, made to render exactly the pages whose output is
  missing (OnlyMissingOutputs).

Nothing shared with the previous build is ever written to: changed outputs are unlinked
first, MkDocs writes no file that exists, and later steps replace files by renaming new ones
into place, so a failed or killed build leaves build/site exactly as it was.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from ..core.digests import PACKAGE_DIR, value_digest
from ..site.render import Case, RegionNode

MANIFEST = ".kb-build.json"
# Written by MkDocs on every build, dirty or not.
ALWAYS_WRITTEN = ("404.html", "sitemap.xml", "sitemap.xml.gz")


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree_hashes(root: Path, known: dict[str, str] | None = None) -> dict[str, str]:
    """Relative path → content hash of every file below root (the manifest left out); files in
    `known` are not read again."""
    known = known or {}
    out = {}
    for folder, _, names in os.walk(root):
        rel_folder = Path(folder).relative_to(root)
        for name in names:
            rel = (rel_folder / name).as_posix()
            if name != MANIFEST:
                out[rel] = known.get(rel) or file_hash(Path(folder) / name)
    return dict(sorted(out.items()))


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


TYPE_TABLE = "type:"  # inputs key prefix of a practice type's download tables
LISTING = "page:"  # inputs key prefix of a listing page (one page of a split listing)


def case_outputs(key: str) -> tuple[str, ...]:
    """The files made from one case alone (render.py, compare.py, downloads.py write them), or
    for TYPE_TABLE + type id, from the cases of one practice type (downloads.py), or for
    LISTING + path, that listing page."""
    if key.startswith(LISTING):
        return (key[len(LISTING):],)
    if key.startswith(TYPE_TABLE):
        type_id = key[len(TYPE_TABLE):]
        return (f"downloads/types/{type_id}.csv", f"downloads/types/{type_id}.xlsx")
    return (f"cases/{key}.md", f"compare/{key}.js", f"downloads/cases/{key}.docx")


def case_digests(corpus) -> dict[str, str]:
    """Per case id: a digest of its file name and text (as loaded: the text in memory, not read
    again; a change that leaves the data as it was only costs that case's files being made again),
    and of its data where that differs from the text (links to held-off cases taken out)."""
    return {doc.data["id"]: _text_digest(doc) for doc in corpus.cases}


def _text_digest(doc) -> str:
    digest = hashlib.blake2b(doc.file.encode(), digest_size=16)
    digest.update(b"\0")
    digest.update(doc.text.encode())
    if doc.edited:
        digest.update(b"\0" + value_digest(doc.data).encode())
    return digest.hexdigest()


def shared_digest(site) -> str:
    """A digest of the files every page draws on besides the cases."""
    corpus = site.corpus
    shared = [d.data if d is not None else None for d in corpus.sources + corpus.taxonomies + [corpus.regions, corpus.glossary]]
    return value_digest([shared, site.handouts])


def case_inputs(site, own: dict[str, str], shared: str) -> dict[str, str]:
    """Per case id: a digest of everything its own files show — its data (`own`: case_digests),
    the cases its page names (related, parent, parts) and the files every case page draws on
    (`shared`: shared_digest); per TYPE_TABLE + type id, of the inputs of the type's cases."""
    inputs = {}
    for case in site.cases:
        named = [[other.id, own[other.id], reason] for other, reason in case.related]
        named += [own[child.id] for child in case.children] + [own[case.parent.id] if case.parent else None]
        inputs[case.id] = value_digest([own[case.id], shared, named, case.history])
    members: dict[str, list[str]] = {type_id: [] for type_id in site.types}
    for case in site.cases:
        for term in case.types:
            members[term["id"]].append(inputs[case.id])
    for type_id, term in site.types.items():
        inputs[TYPE_TABLE + type_id] = value_digest([term, members[type_id]])
    return inputs


@dataclass
class TakenOver:
    """What a build took over from the previous one: inputs keys (case ids, type tables) and the
    hashes of their files."""
    cases: set[str] = field(default_factory=set)
    hashes: dict[str, str] = field(default_factory=dict)


class Previous:
    """The previous build in build/docs, as far as this one can take files over from it."""

    def __init__(self, docs_dir: Path, previous_docs: Path, key: str):
        before = read_manifest(previous_docs)
        self.same_key = before.get("key") == key  # else nothing of it can be taken over
        self.inputs = before.get("inputs", {}) if self.same_key else {}
        self.files = before.get("files", {}) if self.same_key else {}
        self.docs_dir, self.previous_docs = docs_dir, previous_docs
        self.taken = TakenOver()
        self._folders: set[str] = set()

    def take(self, key: str, inputs: str) -> bool:
        """Hard-link the files of `key` (see case_outputs) into docs_dir if the previous build
        made them from the same `inputs` digest; whether it did."""
        outputs = case_outputs(key)
        if self.inputs.get(key) != inputs or not all(rel in self.files for rel in outputs):
            return False
        docs, previous_docs = os.fspath(self.docs_dir), os.fspath(self.previous_docs)  # (strings: 30,000 links at 10,000 cases)
        try:
            for rel in outputs:
                folder = rel.rpartition("/")[0]
                if folder not in self._folders:
                    os.makedirs(f"{docs}/{folder}", exist_ok=True)
                    self._folders.add(folder)
                os.link(f"{previous_docs}/{rel}", f"{docs}/{rel}")
        except OSError:  # a file of the previous build went missing: make these afresh
            for rel in outputs:
                (self.docs_dir / rel).unlink(missing_ok=True)
            return False
        self.taken.cases.add(key)
        self.taken.hashes.update((rel, self.files[rel]) for rel in outputs)
        return True


class ListingReuse:
    """Given to render_list_pages: each listing page gets a digest of what it shows (its cases'
    digests, its settings, the shared files) recorded in `inputs`; a page the previous build made
    from the same is taken over (hard-linked) instead of rendered."""

    def __init__(self, own: dict[str, str], shared: str, inputs: dict[str, str], previous: Previous | None):
        self.own, self.shared, self.inputs, self.previous = own, shared, inputs, previous

    def taken(self, path: str, template: str, context: dict) -> bool:
        made_from = value_digest([template, path, self.shared, self._plain(context)])
        self.inputs[LISTING + path] = made_from
        return self.previous is not None and self.previous.take(LISTING + path, made_from)

    def _plain(self, value):
        """The value with cases as their digests and region nodes as what region pages show."""
        if isinstance(value, Case):
            return ["case", self.own[value.id]]
        if isinstance(value, RegionNode):
            return ["region", value.region, value.total, len(value.cases),
                    [[child.region, child.total] for child in value.children]]
        if isinstance(value, dict):
            return {str(k): self._plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self._plain(v) for v in value]
        if value is None or isinstance(value, (str, int, float, bool)):
            return value
        raise TypeError(f"listing context of unknown kind: {type(value).__name__}")


def reuse_unchanged(docs_dir: Path, previous: Previous | None, key: str, inputs: dict[str, str]) -> list[str]:
    """Link files identical to the previous build's to their old copies (those `previous` took
    over already are not read again); write the manifest, with the `inputs` digests. Returns the
    relative paths that changed, appeared or disappeared."""
    old_files = previous.files if previous is not None else {}
    known_links = previous.taken.hashes if previous is not None else {}
    now = tree_hashes(docs_dir, known_links)
    changed = []
    for rel, file_digest in now.items():
        if rel in known_links:
            continue
        old = previous.previous_docs / rel if previous is not None else None
        if old_files.get(rel) == file_digest and old.is_file():
            target = docs_dir / rel
            if target.exists() and os.path.samefile(old, target):
                continue  # already a link to it (taken over whole); rename() would leave `spare` behind
            spare = target.with_name(target.name + ".kb-link")
            os.link(old, spare)
            os.replace(spare, target)
        else:
            changed.append(rel)
    changed += [rel for rel in old_files if rel not in now]
    _write_manifest(docs_dir, {"key": key, "files": now, "inputs": inputs})
    return sorted(changed)


def add_to_manifest(docs_dir: Path, folder: str, previous: Previous | None = None) -> None:
    """Record the files of docs_dir/folder, added after the manifest was written; those that are
    links to the `previous` build's copies keep the hashes it recorded instead of being read."""
    manifest = read_manifest(docs_dir)
    known = {}
    for rel, digest in (previous.files.items() if previous is not None else ()):
        if rel.startswith(folder + "/"):
            try:
                if os.path.samefile(docs_dir / rel, previous.previous_docs / rel):
                    known[rel[len(folder) + 1:]] = digest
            except OSError:
                continue
    found = tree_hashes(docs_dir / folder, known)
    manifest["files"] = dict(sorted({**manifest["files"], **{f"{folder}/{rel}": h for rel, h in found.items()}}.items()))
    _write_manifest(docs_dir, manifest)


def _write_manifest(docs_dir: Path, manifest: dict) -> None:
    (docs_dir / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, sort_keys=True), encoding="utf-8")


def output_of(rel: str) -> str:
    """The file MkDocs makes from a docs file (use_directory_urls is off)."""
    return rel[:-3] + ".html" if rel.endswith(".md") else rel


def link_previous_site(previous_site: Path, site_dir: Path, changed: list[str]) -> None:
    """site_dir as hard links to the previous site, minus every output that will be rewritten."""
    skip = {output_of(rel) for rel in changed} | set(ALWAYS_WRITTEN)
    if shutil.which("cp") and not site_dir.exists():  # GNU cp links a whole tree at C speed
        done = subprocess.run(["cp", "-al", "--", str(previous_site), str(site_dir)], capture_output=True)
        if done.returncode == 0:
            for rel in skip:
                (site_dir / rel).unlink(missing_ok=True)
            return
        shutil.rmtree(site_dir, ignore_errors=True)
    for folder, _, names in os.walk(previous_site):
        rel_folder = Path(folder).relative_to(previous_site)
        (site_dir / rel_folder).mkdir(parents=True, exist_ok=True)
        for name in names:
            rel = (rel_folder / name).as_posix()
            if rel not in skip:
                os.link(Path(folder) / name, site_dir / rel)


class OnlyMissingOutputs:
    """Given to MkDocs as a plugin in a dirty build into a site made by link_previous_site: a file
    counts as modified exactly when its output is missing (link_previous_site removed the outputs
    of everything that changed). Every other output is a hard link to the previous site, and
    MkDocs writes a modified output in place, which would change the live site through the link;
    by its own test (the source newer than the output) it would, after a page's docs file was
    touched without being changed."""

    def on_files(self, files, **kwargs):
        for file in files:
            file.is_modified = lambda f=file: not os.path.exists(f.abs_dest_path)
        return files


class DropDirtyWarning(logging.Filter):
    """MkDocs warns that a dirty build may leave stale navigation. Our pages' navigation comes
    from mkdocs.yml alone, which is part of the build key, so the warning does not apply."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "'dirty' build" not in record.getMessage()
