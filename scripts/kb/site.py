"""The site stage: render the pages, run MkDocs, and swap the result in atomically.

Everything is produced in a temporary folder inside build/; only when MkDocs has finished
without a warning are build/docs and build/site replaced, so a failed build leaves the
previous site untouched.
"""
from __future__ import annotations

import fcntl
import logging
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .browser import chromium_path
from .compare import write_compare_data
from .csp import protect_site
from .downloads import write_downloads
from .corpus import BUILD_DIR, CONTENT_DIR, PROJECT_ROOT, Corpus
from .handout import make_handouts
from .index import Searcher, build_index, similar_cases
from .problems import Problem, ProblemsFound
from .render import build_site_model, render_pages, write_pages
from .sitesearch import build_site_index
from .validate import check, has_errors

ASSETS = Path(__file__).parent / "assets"
SEARCH_SCRIPT = Path(__file__).parent / "search.js"
COMPARE_SCRIPT = Path(__file__).parent / "compare.js"
DOWNLOADS_SCRIPT = Path(__file__).parent / "downloads.js"
CONFIG_FILE = PROJECT_ROOT / "mkdocs.yml"


def valid_corpus(content_dir: Path) -> Corpus:
    """The content, loaded and validated; raises ProblemsFound on any error."""
    corpus, problems = check(content_dir)
    if has_errors(problems):
        raise ProblemsFound(problems)
    return corpus


def generate_docs(corpus: Corpus, docs_dir: Path, related=None, handouts: bool | None = None) -> dict:
    """Write the Markdown pages, assets, the site's search index, the compare data and (where
    Chromium is installed, unless told otherwise) the courses' PDF handouts into docs_dir."""
    handouts = chromium_path() is not None if handouts is None else handouts
    if handouts:
        make_handouts(corpus, docs_dir / "handouts")
    site = build_site_model(corpus, related, handouts)
    pages = render_pages(site)
    write_pages(pages, docs_dir)
    shutil.copytree(ASSETS, docs_dir / "assets", dirs_exist_ok=True)
    return {"pages": len(pages), **write_data_files(site, docs_dir)}


def write_data_files(site, docs_dir: Path) -> dict:
    """The script files the search and compare pages load: index shards, titles, case records."""
    write_compare_data(site, docs_dir)
    shutil.copy(COMPARE_SCRIPT, docs_dir / "compare" / "compare.js")
    shutil.copy(DOWNLOADS_SCRIPT, docs_dir / "compare" / "downloads.js")
    downloads = write_downloads(site, docs_dir)
    figures = build_site_index(site.corpus, docs_dir) | downloads
    shutil.copy(SEARCH_SCRIPT, docs_dir / "search" / "search.js")
    return figures


def sync_docs(content_dir: Path, docs_dir: Path) -> list[str]:
    """Re-render into an existing docs_dir for live reload; returns the pages whose text changed
    (only those are rewritten; the search and compare data are refreshed as a whole)."""
    site = build_site_model(valid_corpus(content_dir))
    pages = render_pages(site)
    changed = [rel for rel, text in pages.items()
               if not (docs_dir / rel).exists() or (docs_dir / rel).read_text(encoding="utf-8") != text]
    write_pages({rel: pages[rel] for rel in changed}, docs_dir)
    for stale in set(p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*.md")) - set(pages):
        (docs_dir / stale).unlink()
        changed.append(stale)
    if changed:
        write_data_files(site, docs_dir)
    return changed


def serve(content_dir: Path = CONTENT_DIR, build_dir: Path = BUILD_DIR, config_file: Path = CONFIG_FILE,
          address: str = "127.0.0.1:8000", on_problems=print, on_synced=None, mkdocs_options: dict | None = None) -> None:
    """Preview with live reload: content/ is watched and re-rendered into build/docs, which MkDocs watches."""
    import threading
    import time

    from mkdocs.commands.serve import serve as mkdocs_serve

    docs_dir = build_dir / "docs"
    docs_dir.mkdir(parents=True, exist_ok=True)
    generate_docs(valid_corpus(content_dir), docs_dir, handouts=False)  # the preview skips PDFs, as sync_docs does

    def snapshot():
        return {p: p.stat().st_mtime_ns for p in content_dir.rglob("*.yaml")}

    def watch():
        seen = snapshot()
        while True:
            time.sleep(0.3)  # the editor sees a refused save within 2 s (tests/test_preview.py)
            current = snapshot()
            if current == seen:
                continue
            seen = current
            started = time.perf_counter()
            try:
                changed = sync_docs(content_dir, docs_dir)
            except ProblemsFound as found:
                if snapshot() == seen:  # a file saved meanwhile makes this result stale; the next look re-checks
                    on_problems(found.problems)
            else:
                if on_synced:
                    on_synced(changed, time.perf_counter() - started)

    threading.Thread(target=watch, daemon=True).start()
    mkdocs_serve(str(config_file), dev_addr=address, livereload=True, docs_dir=str(docs_dir), **(mkdocs_options or {}))


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def run_mkdocs(docs_dir: Path, site_dir: Path, config_file: Path = CONFIG_FILE) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, MkDocsException

    collector = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        config = load_config(str(config_file), docs_dir=str(docs_dir), site_dir=str(site_dir))
        build(config)
    except (Abort, MkDocsException) as err:
        messages = collector.messages or [str(err)]
        raise ProblemsFound([Problem(str(config_file.name), 1, 1, "", f"MkDocs：{m}") for m in messages]) from None
    finally:
        logger.removeHandler(collector)


def locate_mkdocs_problems(problems: list[Problem], corpus: Corpus) -> list[Problem]:
    """MkDocs' warnings in Chinese, at the content file that produced the page (see hints.py)."""
    from .hints import mkdocs_problem

    prefix = "MkDocs："
    return [mkdocs_problem(p.message[len(prefix):], corpus, p) if p.message.startswith(prefix) else p for p in problems]


def build_site(content_dir: Path = CONTENT_DIR, build_dir: Path = BUILD_DIR,
               config_file: Path = CONFIG_FILE) -> Path:
    """validate → index (whoosh, for related cases and `kb search`) → render → MkDocs, then swap in."""
    build_dir.mkdir(parents=True, exist_ok=True)
    with exclusive_build(build_dir):
        return _build_locked(content_dir, build_dir, config_file)


@contextmanager
def exclusive_build(build_dir: Path):
    """One build at a time per build/ (a second one waits); the lock dies with its process, so a
    build killed with -9 blocks nothing. Work folders a killed build left behind are removed."""
    with open(build_dir / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for leftover in list(build_dir.glob(".build-*")) + list(build_dir.glob(".*-old-*")):
            shutil.rmtree(leftover, ignore_errors=True)
        yield


def _build_locked(content_dir: Path, build_dir: Path, config_file: Path) -> Path:
    work = Path(tempfile.mkdtemp(prefix=".build-", dir=build_dir))
    try:
        corpus = valid_corpus(content_dir)
        build_index(corpus, work / "index")
        searcher = Searcher(work / "index")
        try:
            generate_docs(corpus, work / "docs", similar_cases(searcher))
        finally:
            searcher.close()
        try:
            run_mkdocs(work / "docs", work / "site", config_file)
        except ProblemsFound as found:
            raise ProblemsFound(locate_mkdocs_problems(found.problems, corpus)) from None
        protect_site(work / "site")
        for name in ("index", "docs", "site"):
            _swap(work / name, build_dir / name)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return build_dir / "site"


def _swap(new: Path, target: Path) -> None:
    """Put `new` in place of `target` so that `target` is complete at every instant, even if the
    process is killed midway: one atomic exchange where the system has it (Linux renameat2),
    otherwise two renames (a window of one rename with no `target`)."""
    if target.exists() and _exchange(new, target):
        shutil.rmtree(new, ignore_errors=True)  # `new` now holds the previous version
        return
    old = target.with_name(f".{target.name}-old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (renameat2 RENAME_EXCHANGE); False where unsupported."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def package_site(site_dir: Path, zip_path: Path) -> Path:
    """A zip of the built site for USB distribution: unpack and open index.html, no server needed."""
    import zipfile

    if not (site_dir / "index.html").exists():
        raise FileNotFoundError(f"还没有生成网站：请先运行 kb build（{site_dir}）")
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    partial = zip_path.with_name(zip_path.name + ".part")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(site_dir.rglob("*")):
            if path.is_file():
                archive.write(path, Path("信访工作经验库") / path.relative_to(site_dir))
    partial.replace(zip_path)
    return zip_path
