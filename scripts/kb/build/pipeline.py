"""How the build stages run: timed and reported, spread over the cores where that pays, and
the search index built beside the site (in a second process) or taken over when unchanged."""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..content.corpus import Corpus
from ..core.digests import content_key
from ..site.render import Site, render_case_pages, render_list_pages, write_pages

PARALLEL_FROM = 400  # below this many cases a second process costs more than it saves
INDEX_KEY = ".kb-key"
# Stages beside the site run at a lower priority: they take the cores the render workers and
# MkDocs (one core) leave idle instead of slowing the pages down; they are needed only at the end.
BESIDE_NICENESS = 10
SPAWN_FROM = PARALLEL_FROM  # cases from which a stage beside the site starts a fresh process


@dataclass
class Stage:
    name: str
    seconds: float = 0.0
    count: int | None = None
    total: int | None = None  # units of work, when known: the terminal shows a progress bar
    bar: object = None

    def advance(self, units: int = 1) -> None:
        """Report work done (thread-safe: rich's progress is)."""
        if self.bar is not None:
            self.bar.advance(units)


@dataclass
class Stages:
    """Times each stage; on a terminal shows a progress bar (or, where the amount of work is not
    known, a spinner) per running stage and a line per finished one; elsewhere (CI, pipes) stays
    quiet. summary() is the final line."""
    quiet: bool = False
    done: list[Stage] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)

    def __call__(self, name: str, total: int | None = None):
        return _Timed(self, Stage(name, total=total))

    def summary(self) -> str:
        parts = [f"{s.name}{f' {s.count} 个' if s.count is not None else ''} {s.seconds:.1f} 秒" for s in self.done]
        return "用时：" + " · ".join(parts) + f"；共 {time.perf_counter() - self.started:.1f} 秒"


class _Timed:
    def __init__(self, stages: Stages, stage: Stage):
        self.stages, self.stage, self.status = stages, stage, None

    def __enter__(self) -> Stage:
        self.begun = time.perf_counter()
        if not self.stages.quiet and sys.stderr.isatty():
            try:
                self.status = _progress(self.stage)
            except ImportError:  # rich is optional: without it only the finished lines appear
                pass
        return self.stage

    def __exit__(self, *exc) -> None:
        self.stage.seconds = time.perf_counter() - self.begun
        if self.status is not None:
            self.status.stop()
            self.stage.bar = None
        if not self.stages.quiet and sys.stderr.isatty() and exc[0] is None:
            count = f"（{self.stage.count} 个）" if self.stage.count is not None else ""
            print(f"  ✓ {self.stage.name}{count} {self.stage.seconds:.1f} 秒", file=sys.stderr)
        self.stages.done.append(self.stage)


class _Bar:
    def __init__(self, progress, task):
        self.progress, self.task = progress, task

    def advance(self, units: int) -> None:
        self.progress.advance(self.task, units)


def _progress(stage: Stage):
    """A transient rich progress display for one stage: a bar when its total is known."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = [SpinnerColumn(), TextColumn("{task.description}")]
    if stage.total:
        columns += [BarColumn(), MofNCompleteColumn()]
    progress = Progress(*columns, TimeElapsedColumn(), console=Console(stderr=True), transient=True)
    task = progress.add_task(stage.name, total=stage.total)
    stage.bar = _Bar(progress, task)
    progress.start()
    return progress


# ---------------------------------------------------------------- rendering on every core

_SHARED: tuple[Site, list] | None = None  # the model and the cases to render, inherited by forked workers


def _write_share(task: tuple[int, int, str]) -> int:
    """A chunk of cases: their pages, compare records and Word documents."""
    from ..site.compare import write_case_records
    from ..site.downloads import write_case_documents

    start, end, docs_dir = task
    site, cases = _SHARED
    write_pages(render_case_pages(site, cases[start:end]), Path(docs_dir))
    write_case_records(cases[start:end], Path(docs_dir))
    write_case_documents(cases[start:end], Path(docs_dir))
    return end - start


def write_all_pages(site: Site, docs_dir: Path, workers: int | None = None, chunk: int = 500,
                    cases: list | None = None, progress: Stage | None = None, reuse=None) -> int:
    """Render and write the files of `cases` (default: every case: page, compare record, Word
    document) and every other page, a chunk of cases at a time (so the texts of all pages are
    never held at once), chunks shared among worker processes on a multi-core machine. Writes
    the same pages as write_pages(render_pages(site)); returns the number of pages written."""
    global _SHARED
    workers = workers or min(os.cpu_count() or 1, 4)
    cases = site.cases if cases is None else cases
    tasks = [(i, min(i + chunk, len(cases)), str(docs_dir)) for i in range(0, len(cases), chunk)]
    _SHARED = (site, cases)
    try:
        advance = progress.advance if progress is not None else (lambda units: None)
        written = 0
        if workers < 2 or len(cases) < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
            for task in tasks:
                written += _write_share(task)
                advance(task[1] - task[0])
            rest = render_list_pages(site, reuse)
        else:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                counts = pool.imap_unordered(_write_share, tasks, chunksize=1)
                rest = render_list_pages(site, reuse)  # the parent renders the listings meanwhile
                for done in counts:
                    written += done
                    advance(done)
    finally:
        _SHARED = None
    write_pages(rest, docs_dir)
    return written + len(rest)


# ---------------------------------------------------------------- stages beside the site

def content_digest(corpus: Corpus, cases: dict[str, str] | None = None) -> str:
    """Hash of the content the search stages are made from: every file but the courses, as
    loaded (their texts are in memory: nothing is read again). `cases`: the cases' digests
    (incremental.case_digests), if already made."""
    from .incremental import case_digests

    cases = case_digests(corpus) if cases is None else cases
    digest = hashlib.sha256()
    for doc in sorted(corpus.cases, key=lambda d: d.file):
        digest.update(f"{doc.file}\0{cases[doc.data['id']]}\0".encode())
    shared = [corpus.regions, corpus.glossary, corpus.allowlist, corpus.synonyms]
    for doc in sorted(corpus.sources + corpus.taxonomies + [d for d in shared if d is not None], key=lambda d: d.file):
        digest.update(doc.file.encode() + b"\0")
        digest.update(doc.text.encode() + b"\0")
    return digest.hexdigest()


class Background:
    """A stage run in a forked process while the parent renders, or nothing when its output
    could be hard-linked from the previous build."""

    def __init__(self, name: str, process=None):
        self.name, self.process = name, process

    def finish(self) -> None:
        if self.process is not None:
            self.process.join()
            if self.process.exitcode != 0:
                raise RuntimeError(f"{self.name}生成失败（进程退出码 {self.process.exitcode}）")
            self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.is_alive():
            self.process.terminate()
            self.process.join()


def _keyed(work, target: Path, key: str, *args, **options) -> None:
    if hasattr(os, "nice"):
        os.nice(BESIDE_NICENESS)
    work(*args, **options)
    (target / INDEX_KEY).write_text(key, encoding="utf-8")


def _function(work: str):
    """The function named "module.function"."""
    import importlib

    module, name = work.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def _from_cache(work: str, content_dir: str, cache_file: str, out: str, target: str, key: str, options: dict,
                held: list | None = None) -> None:
    """In a fresh process: read the content through the document cache the validation has just
    written (a second or two), leave out the `held` (file, id) cases as the validation did, then
    run work (module.function) on it."""
    from ..content.corpus import read_corpus
    from ..content.doccache import DocumentCache
    from ..content.lifecycle import leave_out

    corpus = read_corpus(Path(content_dir), documents=DocumentCache(Path(cache_file)))
    corpus, _ = leave_out(corpus, held or [])
    _keyed(_function(work), Path(target), key, corpus, Path(out), **options)


def run_beside(name: str, work: str, corpus: Corpus, out: Path, cache_file: Path | None, target: Path, key: str,
               previous: Path | None, updates: bool = False, **given) -> Background:
    """Run work(corpus, out, cache_dir=…) (work: "module.function"), which fills the folder
    `target`, in a second process; when `previous` holds the output of the same key, hard-link
    that instead. A work that `updates` an earlier output is also given previous=… (the folder,
    if it exists) to update (never to write into); `given` options are passed on as they are.
    For a large collection with no previous output, the process starts afresh and reads the
    content from `cache_file`: a forked copy of this process would carry all of this process's
    memory besides its own. With a previous output the work is small, so a fork (which skips
    reading the content again) pays, unless this process has used jieba: a fork would segment
    with the words this process has added."""
    if previous is not None and (previous / INDEX_KEY).is_file() and (previous / INDEX_KEY).read_text() == key:
        shutil.copytree(previous, target, copy_function=os.link)
        return Background(name)
    options = {"cache_dir": cache_file.parent if cache_file is not None else None, **given}
    if updates:
        options["previous"] = previous if previous is not None and previous.is_dir() else None
    methods = multiprocessing.get_all_start_methods()
    afresh = len(corpus.cases) >= SPAWN_FROM and not (previous is not None and previous.is_dir()) or _segmenter_used()
    if cache_file is not None and afresh and "spawn" in methods:
        args = (work, str(corpus.root), str(cache_file), str(out), str(target), key, options,
                [(h.file, h.id) for h in corpus.held])
        process = multiprocessing.get_context("spawn").Process(target=_from_cache, args=args)
    elif "fork" in methods:
        process = multiprocessing.get_context("fork").Process(target=_keyed, args=(_function(work), target, key, corpus, out),
                                                              kwargs=options)
    else:
        _keyed(_function(work), target, key, corpus, out, **options)
        return Background(name)
    process.start()
    return Background(name, process)


def _segmenter_used() -> bool:
    jieba = sys.modules.get("jieba")
    return jieba is not None and jieba.dt.initialized


def start_index(corpus: Corpus, content: str, target: Path, previous: Path | None,
                cache_file: Path | None = None) -> Background:
    """The whoosh index for `kb search`; `content` is the content_digest."""
    key = content_key(content, ("search.index", "search.analysis", "content.corpus"))
    return run_beside("检索索引", "kb.search.index.build_index", corpus, target, cache_file, target, key, previous, updates=True)


def start_site_search(corpus: Corpus, content: str, out_dir: Path, previous_docs: Path | None,
                      cache_file: Path | None = None, previous_texts: Path | None = None) -> Background:
    """The site's search data (out_dir/search, moved into the docs and the site once MkDocs is
    done), which only the cases and taxonomies shape; updated from the previous build's, given
    the texts that was made from (`previous_texts`, see sitesearch.build_site_index)."""
    key = content_key(content, ("search.sitesearch", "search.index", "search.analysis", "content.corpus", "content.schemas"))
    previous = previous_docs / "search" if previous_docs is not None else None
    target = out_dir / "search"
    target.mkdir(parents=True, exist_ok=True)
    if previous is not None and (previous / INDEX_KEY).is_file() and (previous / INDEX_KEY).read_text() == key:
        target.rmdir()
    return run_beside("网站检索数据", "kb.search.sitesearch.build_site_index", corpus, out_dir, cache_file, target, key, previous,
                      updates=True, previous_texts=previous_texts)
