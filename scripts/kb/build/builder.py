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

from ..site.browser import chromium_path
from ..site.compare import write_compare_data
from ..site.csp import protect_site
from ..content.doccache import DOCUMENT_CACHE, recent_file
from ..site.downloads import write_downloads
from ..content.corpus import BUILD_DIR, CONTENT_DIR, PROJECT_ROOT, Corpus
from ..site.handout import make_handouts
from ..search.index import TEXTS_FILE
from .incremental import (TYPE_TABLE, DropDirtyWarning, ListingReuse, Previous, TakenOver, add_to_manifest, build_key,
                          OnlyMissingOutputs, case_digests, case_inputs, link_previous_site, reuse_unchanged, shared_digest)
from .pipeline import Stages, content_digest, start_index, start_site_search, write_all_pages
from ..core.digests import PACKAGE_DIR
from ..core.problems import Problem, ProblemsFound, WarningCollector
from ..search.related import TERM_CACHE, related_cases
from ..site.render import GLOSSARY_TERMS_CACHE, build_site_model, write_pages
from ..search.sitesearch import build_site_index
from ..content.lifecycle import publishable
from ..content.validate import check, has_errors

ASSETS = PACKAGE_DIR / "site" / "assets"
SEARCH_SCRIPT = PACKAGE_DIR / "search" / "search.js"
COMPARE_SCRIPT = PACKAGE_DIR / "site" / "compare.js"
DOWNLOADS_SCRIPT = PACKAGE_DIR / "site" / "downloads.js"
CONFIG_FILE = PROJECT_ROOT / "mkdocs.yml"


def valid_corpus(content_dir: Path, cache_file: Path | None = None, editors: bool = False) -> Corpus:
    """The content, loaded (unchanged files from cache_file, if given) and validated, without the
    drafts and review entries that have problems (and without review entries unless `editors`):
    those are in corpus.held. Raises ProblemsFound on any error of the rest."""
    corpus, problems = check(content_dir, cache_file)
    shown = publishable(corpus, problems, editors)
    if has_errors(shown.problems):
        raise ProblemsFound(shown.problems)
    shown.corpus.held = shown.held
    return shown.corpus


def generate_docs(corpus: Corpus, docs_dir: Path, related=None, handouts: bool | None = None,
                  stages=None, site_search: bool = True, previous=None, digests: dict | None = None,
                  terms_cache: Path | None = None) -> dict:
    """Write the Markdown pages, assets, the site's search index (unless the caller makes it
    itself), the compare data and (where Chromium is installed, unless told otherwise) the
    courses' PDF handouts into docs_dir. From `previous` (an incremental.Previous) the files of
    the cases, type tables and listing pages made from unchanged inputs are taken over instead of
    rendered. Returns figures, with "inputs" (the digests of what each was made from) and "taken"."""
    stages = stages or Stages(quiet=True)
    related = related_cases(corpus) if related is None else related  # as the build renders them
    handouts = chromium_path() is not None if handouts is None else handouts
    if handouts:
        with stages("讲义"):
            make_handouts(corpus, docs_dir / "handouts")
    with stages("生成页面", total=len(corpus.cases)) as stage:
        digests = digests or case_digests(corpus)
        site = build_site_model(corpus, related, handouts, digests, terms_cache)
        shared = shared_digest(site)
        inputs = case_inputs(site, digests, shared)
        if previous is not None:
            for key, digest in inputs.items():
                previous.take(key, digest)
        taken = previous.taken if previous is not None else TakenOver()
        fresh = [case for case in site.cases if case.id not in taken.cases]
        tables = {t for t in site.types if TYPE_TABLE + t not in taken.cases}
        stage.advance(len(site.cases) - len(fresh))
        count = write_all_pages(site, docs_dir, cases=fresh, progress=stage,
                                reuse=ListingReuse(digests, shared, inputs, previous))
        shutil.copytree(ASSETS, docs_dir / "assets", dirs_exist_ok=True)
        stage.count = count
    with stages("检索与对比数据"):
        figures = write_data_files(site, docs_dir, site_search, cases=[], types=tables)  # case files: with the pages
    return {"pages": count, **figures, "inputs": inputs, "taken": taken}


def write_data_files(site, docs_dir: Path, site_search: bool = True, cases: list | None = None,
                     types: set[str] | None = None) -> dict:
    """The script files the search and compare pages load: index shards, titles, case records,
    and the downloads (those of `cases` and `types` only, when given: the others are in place)."""
    write_compare_data(site, docs_dir, cases)
    shutil.copy(COMPARE_SCRIPT, docs_dir / "compare" / "compare.js")
    shutil.copy(DOWNLOADS_SCRIPT, docs_dir / "compare" / "downloads.js")
    figures = write_downloads(site, docs_dir, cases, types)
    if site_search:
        figures |= build_site_index(site.corpus, docs_dir)
        shutil.copy(SEARCH_SCRIPT, docs_dir / "search" / "search.js")
    return figures


def count_pages(docs_dir: Path, changed: list[str], dirty: bool) -> int:
    """The pages MkDocs will convert: the changed ones in a dirty build, else all."""
    if dirty:
        return sum(rel.endswith(".md") for rel in changed if (docs_dir / rel).exists())
    return sum(len([n for n in names if n.endswith(".md")]) for _, _, names in os.walk(docs_dir))


class _PageCounter(logging.Handler):
    """Advances a stage's progress for each page MkDocs reads and each page it writes."""

    def __init__(self, stage):
        super().__init__(logging.DEBUG)
        self.stage = stage

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg.__class__ is str and record.msg.startswith(("Reading: ", "Building page ")):
            self.stage.advance(1)


def run_mkdocs(docs_dir: Path, site_dir: Path, config_file: Path = CONFIG_FILE, dirty: bool = False,
               progress=None) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, MkDocsException

    collector = WarningCollector()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    build_logger = logging.getLogger("mkdocs.commands.build")
    level = build_logger.level
    counter = _PageCounter(progress) if progress is not None and getattr(progress, "bar", None) is not None else None
    if counter is not None:  # only on a terminal: MkDocs reports each page at debug level
        build_logger.addHandler(counter)
        build_logger.setLevel(logging.DEBUG)
    dirty_warning = DropDirtyWarning()
    build_logger.addFilter(dirty_warning)
    try:
        config = load_config(str(config_file), docs_dir=str(docs_dir), site_dir=str(site_dir))
        if dirty:  # the site is links to the previous one: MkDocs must write only where nothing is
            config.plugins["kb-only-missing-outputs"] = OnlyMissingOutputs()
        build(config, dirty=dirty)
    except (Abort, MkDocsException) as err:
        messages = collector.messages or [str(err)]
        raise ProblemsFound([Problem(str(config_file.name), 1, 1, "", f"MkDocs：{m}") for m in messages]) from None
    finally:
        logger.removeHandler(collector)
        build_logger.removeFilter(dirty_warning)
        if counter is not None:
            build_logger.removeHandler(counter)
            build_logger.setLevel(level)


def run_zensical(docs_dir: Path, site_dir: Path, config_file: Path = CONFIG_FILE) -> None:
    """The same pages through Zensical, which reads mkdocs.yml; strict, so warnings fail too."""
    import subprocess
    import sys

    import yaml

    config = yaml.safe_load(Path(config_file).read_text(encoding="utf-8"))
    local = Path(site_dir).resolve().parent / "zensical.yml"  # Zensical keeps its .cache beside it
    # Relative to the configuration file: Zensical 0.0.73 panics on absolute folders.
    config["docs_dir"] = os.path.relpath(Path(docs_dir).resolve(), local.parent)
    config["site_dir"] = os.path.relpath(Path(site_dir).resolve(), local.parent)
    local.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "zensical", "build", "--strict", "--config-file", str(local)],
                          cwd=local.parent, capture_output=True, text=True)
    if done.returncode != 0 or not (Path(site_dir) / "index.html").exists():
        lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()] or ["构建失败"]
        raise ProblemsFound([Problem(str(Path(config_file).name), 1, 1, "", f"Zensical：{line}") for line in lines[-20:]])


ENGINES = ("mkdocs", "zensical")


def locate_mkdocs_problems(problems: list[Problem], corpus: Corpus) -> list[Problem]:
    """MkDocs' warnings in Chinese, at the content file that produced the page (see hints.py)."""
    from ..content.hints import mkdocs_problem

    prefix = "MkDocs："
    return [mkdocs_problem(p.message[len(prefix):], corpus, p) if p.message.startswith(prefix) else p for p in problems]


def build_site(content_dir: Path = CONTENT_DIR, build_dir: Path = BUILD_DIR,
               config_file: Path = CONFIG_FILE, stages: "Stages | None" = None,
               incremental: bool = True, engine: str = "mkdocs", editors: bool = False,
               held: list | None = None) -> Path:
    """validate → (whoosh index for `kb search`, in a second process) → related cases → render →
    MkDocs, then swap in. With incremental (the default) everything identical to the previous
    build in build_dir is taken over from it, and MkDocs renders only the changed pages.
    Drafts and review entries with problems (and review entries, unless `editors`) are left out;
    `held`, if given, receives them (lifecycle.HeldEntry)."""
    stages = stages or Stages(quiet=True)
    build_dir = Path(build_dir).resolve()  # MkDocs reads relative folders from mkdocs.yml's, not ours
    build_dir.mkdir(parents=True, exist_ok=True)
    with exclusive_build(build_dir):
        return _build_locked(content_dir, build_dir, config_file, stages, incremental, engine, editors,
                             held if held is not None else [])


@contextmanager
def exclusive_build(build_dir: Path):
    """One build at a time per build/ (a second one waits); the lock dies with its process, so a
    build killed with -9 blocks nothing. Work folders a killed build left behind are removed."""
    with open(build_dir / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for leftover in list(build_dir.glob(".build-*")) + list(build_dir.glob(".*-old-*")):
            discard(leftover, build_dir)
        yield


def _build_locked(content_dir: Path, build_dir: Path, config_file: Path, stages, incremental: bool, engine: str,
                  editors: bool, held: list) -> Path:
    work = Path(tempfile.mkdtemp(prefix=".build-", dir=build_dir))
    indexer = searchdata = None
    try:
        cache = build_dir / DOCUMENT_CACHE
        with stages("校验") as stage:
            if not incremental:  # a clean build starts from nothing, and leaves its caches for the next one
                for old in (cache, recent_file(cache), build_dir / TERM_CACHE, build_dir / GLOSSARY_TERMS_CACHE):
                    old.unlink(missing_ok=True)
            corpus = valid_corpus(content_dir, cache, editors)
            held.extend(corpus.held)
            stage.count = len(corpus.cases)
        digests = case_digests(corpus)
        content = content_digest(corpus, digests)
        indexer = start_index(corpus, content, work / "index", build_dir / "index" if incremental else None, cache)
        # Made beside the pages and added to docs/ and site/ after MkDocs, which has no use for it.
        searchdata = start_site_search(corpus, content, work / "beside", build_dir / "docs" if incremental else None, cache,
                                       build_dir / "index" / TEXTS_FILE if incremental else None)
        with stages("相关案例"):
            related = related_cases(corpus, digests=digests, cache_file=build_dir / TERM_CACHE)
        key = build_key(config_file, engine)
        previous_docs, previous_site = build_dir / "docs", build_dir / "site"
        previous = Previous(work / "docs", previous_docs, key) if incremental else None
        made = generate_docs(corpus, work / "docs", related, stages=stages, site_search=False, previous=previous,
                             digests=digests, terms_cache=build_dir / GLOSSARY_TERMS_CACHE)
        changed = reuse_unchanged(work / "docs", previous, key, made["inputs"])
        # Only MkDocs builds into a copy of the previous site (Zensical always builds it whole).
        dirty = engine == "mkdocs" and previous is not None and previous.same_key and (previous_site / "index.html").exists()
        if dirty:
            link_previous_site(previous_site, work / "site", changed)
        set_aside(work / "docs", work / "aside")
        if engine == "zensical":
            with stages("Zensical") as stage:
                run_zensical(work / "docs", work / "site", config_file)
                stage.count = sum(1 for _ in (work / "docs").rglob("*.md"))
        else:
            with stages("MkDocs" if not dirty else "MkDocs（增量）", total=2 * count_pages(work / "docs", changed, dirty)) as stage:
                try:
                    run_mkdocs(work / "docs", work / "site", config_file, dirty=dirty, progress=stage)
                except ProblemsFound as found:
                    raise ProblemsFound(locate_mkdocs_problems(found.problems, corpus)) from None
                stage.count = sum(rel.endswith(".md") for rel in changed)
        bring_back(work / "aside", work / "docs", work / "site", changed if dirty else None)
        with stages("内容安全策略") as stage:
            # Every page is checked: those a dirty build took over from the previous site carry
            # the policy already, any page without it is made safe and given it.
            stage.count = protect_site(work / "site")
        with stages("网站检索数据"):
            searchdata.finish()
            search = work / "docs" / "search"
            (work / "beside" / "search").rename(search)
            script = search / "search.js"
            script.unlink(missing_ok=True)  # may be a link to the previous build's copy: never write through it
            shutil.copy(SEARCH_SCRIPT, script)
            shutil.copytree(search, work / "site" / "search", copy_function=os.link, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns(".*"))  # as MkDocs leaves hidden files out
            add_to_manifest(work / "docs", "search", previous)
        with stages("检索索引") as stage:
            indexer.finish()
            stage.count = len(corpus.cases)
        # The site first: docs/ records what the site was built from, so after a kill between two
        # swaps the next incremental build sees any page of the new docs as changed, never as done.
        for name in ("site", "docs", "index"):
            _swap(work / name, build_dir / name)
    finally:
        for job in (indexer, searchdata):
            if job is not None:
                job.stop()
        discard(work, build_dir)
    return build_dir / "site"


# Folders of the docs that no engine converts or needs to see (scripts and downloads only raw HTML
# refers to, one or two files a case): kept out of the engine's way, then linked into the site.
ASIDE = ("compare", "downloads/cases")


def set_aside(docs_dir: Path, aside: Path) -> None:
    for rel in ASIDE:
        if (docs_dir / rel).is_dir():
            (aside / rel).parent.mkdir(parents=True, exist_ok=True)
            (docs_dir / rel).rename(aside / rel)


def bring_back(aside: Path, docs_dir: Path, site_dir: Path, changed: list[str] | None = None) -> None:
    """Undo set_aside, and link the set-aside files into the site: all of them, or in a dirty
    build only the `changed` ones (link_previous_site has linked the others)."""
    for rel in ASIDE:
        if not (aside / rel).is_dir():
            continue
        if changed is None:
            shutil.copytree(aside / rel, site_dir / rel, copy_function=os.link, dirs_exist_ok=True)
        else:
            for file in (f for f in changed if f.startswith(rel + "/") and (aside / f).is_file()):
                (site_dir / file).parent.mkdir(parents=True, exist_ok=True)
                os.link(aside / file, site_dir / file)
        (aside / rel).rename(docs_dir / rel)


TRASH = "cache/trash-*"


def discard(folder: Path, build_dir: Path) -> None:
    """Remove a folder of tens of thousands of files without making the build wait: it is moved
    under build/cache and removed by a process of its own, with whatever an earlier one left
    there (killed, say)."""
    import subprocess
    import uuid

    trash = build_dir / TRASH.replace("*", uuid.uuid4().hex)
    try:
        trash.parent.mkdir(parents=True, exist_ok=True)
        folder.rename(trash)
        subprocess.Popen(["rm", "-rf", "--", *map(str, build_dir.glob(TRASH))], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:  # no `rm` here, or the folder could not be moved: remove it now
        shutil.rmtree(trash if trash.exists() else folder, ignore_errors=True)


def _swap(new: Path, target: Path) -> None:
    """Put `new` in place of `target` so that `target` is complete at every instant, even if the
    process is killed midway: one atomic exchange where the system has it (Linux renameat2),
    otherwise two renames (a window of one rename with no `target`)."""
    if target.exists() and _exchange(new, target):
        return  # `new` now holds the previous version, discarded with the work folder
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
