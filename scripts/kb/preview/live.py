"""Live preview: content/ is watched, saved cases re-rendered into build/preview/docs, and MkDocs' own
server (with the hooks in server.py) turns them into pages and reloads the browser."""
from __future__ import annotations

from pathlib import Path

from ..build.builder import CONFIG_FILE, generate_docs, valid_corpus, write_data_files
from ..content.corpus import BUILD_DIR, CONTENT_DIR
from ..content.doccache import DOCUMENT_CACHE
from ..core.problems import ProblemsFound
from ..site.render import write_pages
from .state import PreviewState, quick_pages
from .watching import Saves, snapshot


def sync_docs(content_dir: Path, docs_dir: Path, state=None, before_write=None) -> list[str]:
    """Re-render into an existing docs_dir for live reload; returns the pages whose text changed
    (only those are rewritten; the search and compare data are refreshed when a case changed).
    Pages are rendered exactly as `kb build` renders them (related cases included), so a save
    rewrites only what it affects. `state`, kept between calls, makes a save cost what it changes.
    `before_write(paths)` is told which pages are about to be written or removed."""
    state = state or PreviewState()
    corpus = state.corpus(content_dir)
    site = state.site(corpus)
    pages = state.pages(site)
    if not state.written:  # first call: what is on disk
        state.written = {p.relative_to(docs_dir).as_posix(): p.read_text(encoding="utf-8")
                         for p in docs_dir.rglob("*.md")}
        state.cases_changed(corpus)
        data_changed = True
    else:
        data_changed = state.cases_changed(corpus)
    changed = [rel for rel, text in pages.items() if state.written.get(rel) != text]
    # A draft held back for its problems keeps its last good page in the preview, under the notice.
    kept = {f"cases/{entry.id}.md": state.written[f"cases/{entry.id}.md"] for entry in state.held
            if f"cases/{entry.id}.md" in state.written}
    stale = sorted(set(state.written) - set(pages) - set(kept))
    if before_write is not None:
        before_write(changed + stale)
    write_pages({rel: pages[rel] for rel in changed}, docs_dir)
    for rel in stale:
        (docs_dir / rel).unlink(missing_ok=True)
        changed.append(rel)
    state.written = {**kept, **pages}
    if changed and data_changed:
        write_data_files(site, docs_dir)
    return changed


def preview_docs(build_dir: Path) -> Path:
    """The docs folder of `kb serve`, apart from `kb build`'s: the preview rewrites its pages in
    place, and the build takes unchanged files over from build/docs as hard links (its site,
    too, is links to build/site), so a shared folder would let a preview change the next build
    and the live site."""
    return Path(build_dir) / "preview" / "docs"


def serve(content_dir: Path = CONTENT_DIR, build_dir: Path = BUILD_DIR, config_file: Path = CONFIG_FILE,
          address: str = "127.0.0.1:8000", on_problems=print, on_synced=None, mkdocs_options: dict | None = None,
          before_write=None, on_quick=None, wait_for_build=None, after_write=None, convert_now=None,
          on_held=None) -> None:
    """Preview with live reload: content/ is watched and re-rendered into preview_docs(build_dir), which MkDocs
    watches. A save shows at once on the saved cases' own pages (`on_quick` is told), then a full
    round in the background brings every page it affects up to date (`on_synced` or `on_problems`),
    once MkDocs has shown the quick pages (`wait_for_build`, if given, waits for that).
    `after_write` is told each time files were written into the docs folder, except when
    `convert_now(pages)` (if given) has made the saved cases' pages into HTML itself. `on_held(entries)`
    is told after each full round (and at the start) which drafts wait off the site for their problems."""
    import threading
    import time

    from mkdocs.commands.serve import serve as mkdocs_serve


    docs_dir = preview_docs(build_dir)
    docs_dir.mkdir(parents=True, exist_ok=True)
    corpus = valid_corpus(content_dir, build_dir / DOCUMENT_CACHE, editors=True)  # the preview is the editors' site
    generate_docs(corpus, docs_dir, handouts=False)  # the preview skips PDFs, as sync_docs does
    state = PreviewState(build_dir / DOCUMENT_CACHE)
    sync_docs(content_dir, docs_dir, state)  # fills the state's memory; writes nothing
    if on_held is not None:
        on_held(state.held)

    saves = Saves(content_dir)  # the editor sees a refused save within 2 s (tests/test_preview.py)
    full_round = threading.Event()
    wrote = after_write or (lambda: None)

    def watch():
        while True:
            saved = saves.changed()
            started = time.perf_counter()
            pages = quick_pages(state.last, content_dir, saved) or {}
            if pages:
                if before_write is not None:
                    before_write(list(pages))
                write_pages(pages, docs_dir)
                if convert_now is None or not convert_now(list(pages)):
                    wrote()
                if on_quick:
                    on_quick(list(pages), time.perf_counter() - started)
            full_round.set()

    def rounds():
        while True:
            full_round.wait()
            if wait_for_build is not None:
                wait_for_build()
            full_round.clear()
            seen = snapshot(content_dir)
            started = time.perf_counter()
            try:
                changed = sync_docs(content_dir, docs_dir, state, before_write)
            except ProblemsFound as found:
                if snapshot(content_dir) == seen:  # a file saved meanwhile makes this result stale; the next round re-checks
                    on_problems(found.problems)
            else:
                wrote()
                if on_synced:
                    on_synced(changed, time.perf_counter() - started)
                if on_held is not None:
                    on_held(state.held)

    threading.Thread(target=watch, daemon=True).start()
    threading.Thread(target=rounds, daemon=True).start()
    mkdocs_serve(str(config_file), dev_addr=address, livereload=True, docs_dir=str(docs_dir), **(mkdocs_options or {}))
