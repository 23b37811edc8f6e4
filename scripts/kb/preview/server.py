"""What the preview (`kb serve`) tells the editor: its address, one line per rebuild, and, in the
browser, an overlay listing every problem of a refused save, gone as soon as the file is fixed.

The overlay script polls a status file written into the directory MkDocs serves from (learnt
through a MkDocs hook, preview_hook.py); the file is not part of build/docs, so writing it
triggers no rebuild, and `kb build` never ships it."""
from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
import threading
import time
from dataclasses import replace
from functools import partial
from pathlib import Path

import yaml

from ..build.incremental import DropDirtyWarning
from ..core.problems import Problem, WarningCollector

OVERLAY_SCRIPT = Path(__file__).parent / "overlay.js"
LIVERELOAD_SCRIPT = Path(__file__).parent / "livereload.js"
HOOK_FILE = Path(__file__).parent / "hook.py"
SCRIPT_IN_DOCS = "assets/kb-preview.js"
LIVERELOAD_IN_DOCS = "assets/kb-livereload.js"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")
STATUS_NAME = "kb-preview-status.json"

_lock = threading.Lock()
_state: dict = {"site_dir": None, "problems": [], "quick": [], "load": {}, "mkdocs": [], "content": None, "held": []}
QUICK_INTERVAL = 0.2  # seconds between looks at content/ for the quick per-file check


_warnings = WarningCollector()
_warnings.addFilter(DropDirtyWarning())  # about navigation, which mkdocs.yml alone makes here


def mkdocs_options(config_file: Path, docs_dir: Path) -> dict:
    """Overrides for `mkdocs serve` only: the overlay script on every page and the hook."""
    target = docs_dir / SCRIPT_IN_DOCS
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(OVERLAY_SCRIPT, target)
    shutil.copy(LIVERELOAD_SCRIPT, docs_dir / LIVERELOAD_IN_DOCS)
    config = yaml.safe_load(Path(config_file).read_text(encoding="utf-8")) or {}
    scripts = list(config.get("extra_javascript") or []) + [SCRIPT_IN_DOCS]
    hooks = [str(Path(config_file).parent / h) for h in config.get("hooks") or []] + [str(HOOK_FILE)]
    # Not strict: a strict MkDocs stops serving on a warning ("the server will appear stuck"),
    # so the overlay could not tell; the warnings are collected by the hook and shown instead.
    # Dirty: each rebuild converts only the pages the preview rewrote (see mark_modified).
    return {"extra_javascript": scripts, "hooks": hooks, "strict": False, "build_type": "dirty"}


def watch_content(content_dir: Path) -> None:
    """Where MkDocs' warnings are traced back to (hints.mkdocs_problem)."""
    _state["content"] = Path(content_dir)


_pending: set[str] = set()  # docs pages written since the last build began
_built_once = False
# Writes are numbered; a build takes in the writes made before it began (see wait_for_build).
_builds = threading.Condition()
_generation = {"written": 0, "building": 0, "built": 0}


def pages_written(rels: list[str]) -> None:
    """Called by the preview before it writes pages (docs-relative paths): the next build converts
    them whatever their files' times say, so a page written while a build runs is never missed."""
    with _lock:
        _pending.update(rels)
    with _builds:
        _generation["written"] += 1


_server = {"live": None}
# Held while MkDocs builds, and while the preview converts a saved page itself (convert_now).
_building = threading.Lock()
_last: dict = {}  # what the last finished MkDocs build had: config, files, nav, env
_making: dict = {}  # the same, for the build under way


def serving(server, docs_dir: str) -> None:
    """Called by the hook when MkDocs starts serving. It would look for changes by listing the
    whole docs folder twice a second (tens of thousands of files for a large collection); the
    preview writes every file there itself, so it stops that and asks for each rebuild instead.
    The server answers only requests addressed to it by a local name (see only_local_hosts), and
    adds its live-reload script to each page as a file, which the pages' policy lets run."""
    server.set_app(only_local_hosts(server.serve_request, *server.server_address[:2]))
    server._inject_js_into_html = partial(_add_livereload, server.mount_path)
    try:
        server.unwatch(docs_dir)
    except (KeyError, AttributeError):
        return
    builder = server.builder

    def build_alone():
        with _building:
            builder()
    server.builder = build_alone
    _server["live"] = server


def allowed_hosts(host: str, port: int) -> set[str]:
    """The Host headers the preview answers: a local name or the address it was told to listen
    on, with its port (a browser leaves out port 80 only)."""
    told = f"[{host}]" if ":" in host else host
    names = {name.lower() for name in (*LOCAL_HOSTS, told)}
    return {f"{name}:{port}" for name in names} | (names if port == 80 else set())


def only_local_hosts(app, host: str, port: int):
    """The WSGI app, refusing (403) a request whose Host header is not one of allowed_hosts: a web
    page elsewhere that makes its own name point at this machine (DNS rebinding) cannot read the
    preview, nor the status file quoting a refused save."""
    allowed = allowed_hosts(host, port)

    def checked(environ, start_response):
        if environ.get("HTTP_HOST", "").strip().lower() not in allowed:
            body = f"403：预览只接受 http://127.0.0.1:{port}/ 这样的本机地址".encode()
            start_response("403 Forbidden", [("Content-Type", "text/plain; charset=utf-8"),
                                              ("Content-Length", str(len(body)))])
            return [body]
        return app(environ, start_response)
    return checked


def _add_livereload(mount_path: str, content: bytes, epoch: int) -> bytes:
    """What MkDocs' server does to each page it serves, with a script file instead of an inline script."""
    tag = (f'<script src="{mount_path}{LIVERELOAD_IN_DOCS}" data-epoch="{int(epoch)}" '
           f'data-request="{round(time.monotonic() * 1000)}"></script>').encode()
    end = content.rfind(b"</body>")
    end = len(content) if end < 0 else end
    return content[:end] + tag + content[end:]


def protect(html: str) -> str:
    """Called by the hook for each page MkDocs writes: the policy and link check `kb build` applies."""
    from ..site.csp import protected_page

    return protected_page(html)


def build_parts(**parts) -> None:
    """Called by the hook as a build makes its navigation and template environment."""
    _making.update(parts)


def convert_now(rels: list[str]) -> bool:
    """Convert the given docs pages to HTML at once, with the navigation and templates of the last
    build, and reload the browsers: at 10,000 cases a MkDocs rebuild spends seconds listing files
    and writing the sitemap before it reaches the one page that changed. The next rebuild converts
    the pages again (they stay pending) and reports their warnings. False, having done nothing,
    when that cannot be done: a build is under way, none has finished, or a page is new to it."""
    server, last = _server["live"], dict(_last)
    if server is None or not last or not _building.acquire(blocking=False):
        return False
    try:
        from mkdocs.commands.build import _build_page, _populate_page

        files = last["files"]
        known = [files.get_file_from_path(rel) for rel in rels]
        if not known or any(f is None or f.page is None for f in known):
            return False
        with _builds:
            goal = _generation["written"]
        pages = files.documentation_pages()
        for file in known:
            _populate_page(file.page, last["config"], files)
            _build_page(file.page, last["config"], pages, last["nav"], last["env"])
        with _builds:
            _generation["built"] = max(_generation["built"], goal)
            _builds.notify_all()
        _reload_browsers(server)
        return True
    except Exception:  # e.g. another MkDocs without these functions: its own rebuild shows the page
        return False
    finally:
        _building.release()


def _reload_browsers(server) -> None:
    """What MkDocs does after each of its own builds: a new version of the site for the browsers
    to load. Not while a build waits to start: that one will announce itself when done."""
    with server._epoch_cond:
        if server._visible_epoch == server._wanted_epoch:
            server._wanted_epoch = server._visible_epoch = max(server._visible_epoch + 1, round(time.monotonic() * 1000))
            server._epoch_cond.notify_all()


def request_build() -> None:
    """Ask MkDocs to rebuild now (the preview has written into the docs folder)."""
    server = _server["live"]
    if server is None:
        return
    try:
        with server._rebuild_cond:  # what its own file watcher does on a change
            server._want_rebuild = True
            server._rebuild_cond.notify_all()
    except AttributeError:  # another MkDocs: watch the docs folder again
        server.watch(server.root)


def wait_for_build(timeout: float = 10.0) -> None:
    """Wait until MkDocs has built everything written so far (or `timeout` passes), so the
    preview's full round does not compete with the build that shows a save."""
    with _builds:
        goal = _generation["written"]
        _builds.wait_for(lambda: _generation["built"] >= goal, timeout)


def mark_modified(files) -> None:
    """Called by the hook when a build has listed the docs files: after the first build, a page
    counts as modified only if the preview wrote it since the last build began, or its output is
    missing. (MkDocs' own test compares modification times, and under load a page written while a
    build was reading it came out older than its output and was never converted again.)"""
    global _pending
    with _lock:
        written, _pending = _pending, set()
    if not _built_once:
        return
    for file in files:
        if file.src_uri.endswith(".md"):
            file.is_modified = (lambda f=file: f.src_uri in written or not os.path.exists(f.abs_dest_path))


def build_started() -> None:
    """Called by the hook before each MkDocs build: collect its warnings (broken links…)."""
    with _builds:
        _generation["building"] = _generation["written"]
    _warnings.messages = []
    _converted.clear()
    logging.getLogger("mkdocs").addHandler(_warnings)


def page_converted(src_uri: str) -> None:
    """Called by the hook for each page this build converts (in dirty mode only the changed ones)."""
    _converted.add(src_uri)


_converted: set[str] = set()
_kept: list[str] = []  # the warnings still standing, across builds
_PAGE_OF = re.compile(r"Doc file '([^']+)'")


def site_dir_known(site_dir: str) -> None:
    """Called by the hook after each MkDocs build (which empties the served folder). A dirty
    build converts only changed pages, so a page's warning stands until that page is converted again."""
    global _built_once
    _built_once = True
    _last.clear()
    _last.update(_making)
    with _builds:
        _generation["built"] = _generation["building"]
        _builds.notify_all()
    logging.getLogger("mkdocs").removeHandler(_warnings)
    carried = [m for m in _kept if (page := _PAGE_OF.search(m)) and page.group(1) not in _converted]
    _kept[:] = carried + [m for m in _warnings.messages if m not in carried]
    found = _mkdocs_problems(list(_kept))
    with _lock:
        _state["site_dir"] = site_dir
        _state["mkdocs"] = found
        _write()


def _mkdocs_problems(messages: list[str]) -> list[Problem]:
    if not messages:
        return []
    from ..content.corpus import read_corpus
    from ..content.hints import mkdocs_problem

    corpus = read_corpus(_state["content"]) if _state["content"] else None
    fallback = Problem("mkdocs.yml", 1, 1, "", "")
    return [mkdocs_problem(m, corpus, fallback) for m in messages]


def show_problems(problems: list[Problem]) -> None:
    """The full check's result (validation of the whole content), replacing any quick one."""
    with _lock:
        _state["problems"] = [p for p in problems if p.severity == "error"]
        _state["quick"] = []
        _write()


def show_held(held) -> None:
    """The drafts left off the preview for their problems (lifecycle.HeldEntry): shown in a corner,
    over nothing, since the rest of the site is up to date."""
    with _lock:
        _state["held"] = [entry for entry in held if entry.problems]
        _write()


def _waiting_case(path: Path, file: str, content_dir: Path) -> bool:
    """Whether a saved file is a draft or review case, whose problems do not stop the preview."""
    from ..content.lifecycle import WAITING, status_of

    return path.relative_to(content_dir).parts[0] == "cases" and status_of(None, file, content_dir) in WAITING


# Which schema a content file follows, by where it lives (as corpus.read_corpus reads them).
KINDS = {"cases": "case", "sources": "source", "courses": "course", "taxonomy": "taxonomy",
         "regions.yaml": "regions", "glossary.yaml": "glossary"}


def file_problems(path: Path, file: str, content_dir: Path) -> list[Problem]:
    """What one file shows on its own, in milliseconds: YAML it cannot read, or its schema errors."""
    from ..content.hints import empty_problems
    from ..content.load import load_file
    from ..core.problems import ProblemsFound
    from ..content.schemas import validate_document

    try:
        doc = load_file(path, file)
    except ProblemsFound as failure:
        return failure.problems
    kind = KINDS.get(path.relative_to(content_dir).parts[0])
    found = validate_document(doc, kind) + empty_problems(doc) if kind else []
    return [p for p in found if p.severity == "error"]


def _key(p: Problem) -> tuple:
    return p.file, p.line, p.field


def quick_check(paths: list[Path], content_dir: Path) -> None:
    """Check just the saved files, so their own slips (YAML it cannot read, a wrong value) show
    at once, before the full check of the whole content has run; and a problem the quick check
    had found in a saved file and no longer finds is taken away at once. The full check, a moment
    later, replaces all this with the complete list (cross-references included)."""
    from ..core.problems import display_path

    files, found = set(), []
    for path in paths:
        file = display_path(path, content_dir.parent)
        files.add(file)
        if path.exists():
            own = file_problems(path, file, content_dir)
            found += [replace(p, severity="warning") for p in own] if _waiting_case(path, file, content_dir) else own
    with _lock:
        before = {_key(p) for f in files for p in _state["load"].get(f, [])}
        now = {_key(p) for p in found}
        for f in files:
            _state["load"][f] = [p for p in found if p.file == f]
        _state["problems"] = [p for p in _state["problems"] if _key(p) not in before - now]
        _state["quick"] = found
        _write()


def start_quick_checks(content_dir: Path) -> None:
    from .watching import Saves

    saves = Saves(content_dir, QUICK_INTERVAL)

    def loop():
        while True:
            quick_check(saves.changed(), Path(content_dir))

    threading.Thread(target=loop, daemon=True).start()


def clear_problems() -> None:
    show_problems([])


def status(problems: list[Problem], held=()) -> dict:
    """Errors (the overlay covers the page) and the waiting drafts' problems (a corner notice)."""
    errors = [p for p in problems if p.severity == "error"]
    quick_held = [p for p in problems if p.severity != "error"]
    drafts = [{"file": h.file, "label": h.label, "problems": [p.format() for p in h.problems]} for h in held]
    shown = {h.file for h in held}
    for file in sorted({p.file for p in quick_held} - shown):
        drafts.append({"file": file, "label": "草稿", "problems": [p.format() for p in quick_held if p.file == file]})
    return {"problems": [{"file": p.file, "line": p.line, "column": p.column, "field": p.field,
                          "message": p.message, "text": p.format()} for p in errors],
            "drafts": drafts, "time": time.time()}


def _write() -> None:
    site_dir = _state["site_dir"]
    if not site_dir or not os.path.isdir(site_dir):
        return
    fd, partial = tempfile.mkstemp(dir=site_dir, suffix=".part")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        quick = {_key(p) for p in _state["quick"]}
        shown = _state["quick"] + [p for p in _state["problems"] if _key(p) not in quick] + _state["mkdocs"]
        json.dump(status(shown, _state["held"]), f, ensure_ascii=False)
    os.replace(partial, os.path.join(site_dir, STATUS_NAME))


# --- the terminal ---------------------------------------------------------------------------------

def busy_port_line(address: str) -> str:
    host, _, port = address.rpartition(":")
    return (f"端口 {port} 已被占用（可能另一个 kb serve 还在运行）：请先停止它，"
            f"或换一个端口，如 kb serve --address {host or '127.0.0.1'}:{int(port) + 1 if port.isdigit() else 8001}")


def port_is_busy(address: str) -> bool:
    """Whether the preview could not listen on `address` (host:port) because something else does."""
    import errno
    import socket

    host, _, port = address.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server itself does
            probe.bind((host, int(port)))
    except OSError as err:
        return err.errno == errno.EADDRINUSE
    except ValueError:
        return False
    return False


def address_line(address: str) -> str:
    return f"预览地址：http://{address}/  （保存 content/ 中的文件后自动更新；按 Ctrl+C 停止）"


def rebuilt_line(changed: list[str], seconds: float) -> str:
    stamp = time.strftime("%H:%M:%S")
    if not changed:
        return f"{stamp} 已检查：内容无误，没有页面需要更新（{seconds:.1f} 秒）"
    return f"{stamp} 已更新：{len(changed)} 个页面（{seconds:.1f} 秒）"


def quick_line(changed: list[str], seconds: float) -> str:
    return (f"{time.strftime('%H:%M:%S')} 已先更新保存的案例：{len(changed)} 个页面（{seconds:.1f} 秒）；"
            "相关页面和检索数据随后更新")


def refused_line(problems: list[Problem]) -> str:
    errors = sum(p.severity == "error" for p in problems)
    return (f"{time.strftime('%H:%M:%S')} 保存的内容有 {errors} 个错误，网站未更新；"
            "浏览器中会列出这些错误，改好保存后自动恢复。")
