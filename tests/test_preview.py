"""`kb serve` talks: its address at start, a line per rebuild, and a refused save shown in the
browser (every problem, as kb validate prints it) until the file is fixed."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from kb.site.browser import chromium_path

from conftest import PINNED_CONTENT, PROJECT_ROOT
CASE = "content/cases/shanghai/shanghai-lingdao-baoan.yaml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds} s")


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    """`kb serve` run from inside a copy of the project (content/ and mkdocs.yml only)."""
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(PINNED_CONTENT, root / "content")
    shutil.copy(PROJECT_ROOT / "mkdocs.yml", root / "mkdocs.yml")
    port = free_port()
    kb = Path(sys.executable).with_name("kb")
    out = open(root / "serve.out", "w+", encoding="utf-8")
    process = subprocess.Popen([str(kb), "serve", "--address", f"127.0.0.1:{port}"], cwd=root / "content",
                               stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        wait_for(f"http://127.0.0.1:{port}/index.html", 60)
        yield root, f"http://127.0.0.1:{port}", root / "serve.out"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
        out.close()


def test_serve_prints_its_address_first(preview):
    root, url, log = preview
    assert log.read_text(encoding="utf-8").splitlines()[0].startswith(f"预览地址：{url}/")


def test_serve_builds_the_project_it_is_run_in(preview):
    root, url, _ = preview
    assert (root / "build" / "preview" / "docs" / "index.md").exists()
    assert not (root / "build" / "docs").exists()  # kb build's own folder, which the preview never writes


@pytest.mark.skipif(not chromium_path(), reason="needs Debian's chromium (make system-deps)")
def test_refused_save_shows_every_problem_in_the_browser_until_fixed(preview, chromium):
    root, url, log = preview
    case = root / CASE
    original = case.read_text(encoding="utf-8")
    page = chromium.new_page()
    page.goto(f"{url}/cases/shanghai-lingdao-baoan.html")
    title = page.locator("h1").first.inner_text()
    assert page.locator("#kb-preview-errors").count() == 0

    case.write_text(original.replace("\norganisation: ", "\norganisation：", 1), encoding="utf-8")
    saved = time.monotonic()
    page.wait_for_selector("#kb-preview-errors", timeout=5000)
    shown_after = time.monotonic() - saved
    problems = page.locator(".kb-preview-problem").all_inner_texts()
    line = next(n for n, text in enumerate(original.splitlines(), 1) if text.startswith("organisation: "))
    assert any(p.startswith(f"{CASE}:{line}:") and "全角冒号" in p for p in problems), problems

    case.write_text(original, encoding="utf-8")
    fixed = time.monotonic()
    page.wait_for_selector("#kb-preview-errors", state="detached", timeout=5000)
    gone_after = time.monotonic() - fixed
    assert page.locator("h1").first.inner_text() == title
    print(f"overlay shown {shown_after:.2f} s after the bad save, gone {gone_after:.2f} s after the fix")
    assert shown_after < 2 and gone_after < 2


def test_serve_prints_a_line_for_each_refused_save_and_each_rebuild(preview):
    root, url, log = preview
    case = root / CASE
    original = case.read_text(encoding="utf-8")

    def wait_for_line(text: str) -> list[str]:
        """The lines printed from now on, once one of them contains `text`."""
        before = len(log.read_text(encoding="utf-8").splitlines())
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(text in line for line in log.read_text(encoding="utf-8").splitlines()[before:]):
            time.sleep(0.3)
        return log.read_text(encoding="utf-8").splitlines()[before:]

    try:
        case.write_text(original.replace("\nstatus: published", "\nstatus: 已发布", 1), encoding="utf-8")
        lines = wait_for_line("「状态」")
        lines = lines + wait_for_line("网站未更新") if not any("网站未更新" in line for line in lines) else lines
        mine = next(n for n, line in enumerate(lines) if line.startswith(f"{CASE}:") and "「状态」" in line)
        assert any("保存的内容有 1 个错误，网站未更新" in line for line in lines[mine:]), lines
        case.write_text(original.replace("\ntitle: ", "\ntitle: 修改后的", 1), encoding="utf-8")
        lines = wait_for_line("已更新：")
        assert any(re.search(r"已更新：[1-9]\d* 个页面（\d+\.\d 秒）", line) for line in lines), lines
    finally:
        case.write_text(original, encoding="utf-8")


def status(url: str) -> list[dict]:
    try:
        with urllib.request.urlopen(f"{url}/kb-preview-status.json", timeout=5) as r:
            return json.loads(r.read().decode("utf-8"))["problems"]
    except OSError:
        return []


def test_a_broken_link_is_shown_in_chinese_at_the_content_file_and_the_site_keeps_serving(preview):
    root, url, _ = preview
    case = root / CASE
    original = case.read_text(encoding="utf-8")
    assert original.count("\nsummary: >-\n") == 1
    case.write_text(original.replace("\nsummary: >-\n", "\nsummary: >-\n  详见[办法](banfa.md)。\n"), encoding="utf-8")
    try:
        # The quick render of the saved page may let MkDocs report the link first (in Chinese too, at
        # the same file); kb validate's full check follows and says it in its own words.
        deadline, found = time.monotonic() + 60, []
        while time.monotonic() < deadline and not any(p["message"].startswith("站内链接") for p in found):
            time.sleep(0.5)
            found = [p for p in status(url) if "banfa.md" in p["message"]]
        assert found, "the broken link never reached the preview's status"
        assert all(p["file"] == CASE for p in found), found
        assert any(p["message"].startswith("站内链接“banfa.md”指向的页面 cases/banfa.md 不存在") for p in found), found
    finally:
        case.write_text(original, encoding="utf-8")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and status(url):
        time.sleep(0.5)
    assert status(url) == [], [p["message"] for p in status(url)]


def test_quick_check_shows_a_saved_files_own_problems_and_takes_them_away_when_fixed(content_copy, tmp_path):
    from kb.preview import server as preview

    site = tmp_path / "site"
    site.mkdir()
    preview.site_dir_known(str(site))
    path = content_copy / CASE.removeprefix("content/")
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("\nstatus: published", "\nstatus: 已发布", 1), encoding="utf-8")
    preview.quick_check([path], content_copy)
    shown = json.loads((site / preview.STATUS_NAME).read_text(encoding="utf-8"))["problems"]
    assert [(p["file"], p["field"]) for p in shown] == [(CASE, "status")]
    preview.show_problems([preview.Problem(CASE, shown[0]["line"], shown[0]["column"], "status", "full check's wording")])
    path.write_text(original, encoding="utf-8")
    preview.quick_check([path], content_copy)
    assert json.loads((site / preview.STATUS_NAME).read_text(encoding="utf-8"))["problems"] == []


def test_saves_are_noticed_when_the_system_reports_them_and_each_only_once(tmp_path):
    import threading

    from kb.preview.watching import Saves

    (tmp_path / "cases").mkdir()
    kept, gone = tmp_path / "cases" / "a.yaml", tmp_path / "cases" / "b.yaml"
    kept.write_text("a: 1\n", encoding="utf-8")
    gone.write_text("b: 1\n", encoding="utf-8")
    saves = Saves(tmp_path)
    assert saves.observer is not None  # inotify, not a listing of the folder several times a second
    timer = threading.Timer(0.2, lambda: (kept.write_text("a: 2\n", encoding="utf-8"), gone.unlink()))
    timer.start()
    started = time.monotonic()
    assert saves.changed() == sorted([kept, gone])
    assert time.monotonic() - started < 2
    added = tmp_path / "cases" / "c.yaml"
    threading.Timer(0.2, lambda: added.write_text("c: 1\n", encoding="utf-8")).start()
    assert saves.changed() == [added]


def test_a_saved_page_is_converted_at_once_with_the_last_builds_navigation(built_site, tmp_path):
    """What `kb serve` does after a save: the page is made into HTML straight away from the last
    build's navigation and templates (no MkDocs rebuild, which lists every file of a large
    collection first), and the browsers are told to reload."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.livereload import LiveReloadServer

    from kb.preview import server as preview

    docs, site = tmp_path / "docs", tmp_path / "site"
    shutil.copytree(built_site.parent / "docs", docs)
    options = preview.mkdocs_options(PROJECT_ROOT / "mkdocs.yml", docs)
    config = load_config(str(PROJECT_ROOT / "mkdocs.yml"), docs_dir=str(docs), site_dir=str(site),
                         hooks=options["hooks"], strict=False)
    rebuilds = []
    server = LiveReloadServer(builder=lambda: rebuilds.append(1), host="127.0.0.1", port=0, root=str(site))
    server.watch(str(docs))
    try:
        assert not preview.convert_now(["cases/shanghai-lingdao-baoan.md"])  # nothing built yet
        preview.serving(server, str(docs))
        build(config, serve_url="http://127.0.0.1/")
        page = docs / "cases" / "shanghai-lingdao-baoan.md"
        page.write_text(page.read_text(encoding="utf-8").replace("\n# ", "\n# 刚改的", 1), encoding="utf-8")
        before = server._visible_epoch
        assert preview.convert_now(["cases/shanghai-lingdao-baoan.md"])
        html = (site / "cases" / "shanghai-lingdao-baoan.html").read_text(encoding="utf-8")
        assert "<h1" in html and "刚改的" in html and 'class="md-nav' in html
        assert server._visible_epoch > before and rebuilds == []
        assert not preview.convert_now(["cases/not-built-yet.md"])  # a new page waits for a rebuild
    finally:
        preview._server["live"] = None
        preview._last.clear()
        server.server_close()


def test_reading_the_content_does_not_wake_the_watcher(tmp_path):
    """A build or validation reads every file: with ten thousand cases, reads reported as events
    overflowed the system's event queue."""
    from kb.preview.watching import Saves

    (tmp_path / "cases").mkdir()
    files = [tmp_path / "cases" / f"{n}.yaml" for n in range(20)]
    for path in files:
        path.write_text("a: 1\n", encoding="utf-8")
    saves = Saves(tmp_path)
    for path in files:
        path.read_text(encoding="utf-8")
    assert not saves.woken.wait(0.5)
    files[3].write_text("a: 2\n", encoding="utf-8")
    assert saves.woken.wait(2)


@pytest.mark.skipif(not chromium_path(), reason="needs Debian's chromium (make system-deps)")
def test_preview_pages_carry_the_sites_policy_and_still_reload_after_a_save(preview, chromium):
    from kb.site.csp import carries_policy

    root, url, _ = preview
    with urllib.request.urlopen(f"{url}/index.html", timeout=10) as response:
        assert carries_policy(response.read().decode("utf-8"))
    case = root / CASE
    original = case.read_text(encoding="utf-8")
    page = chromium.new_page()
    violations = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    page.goto(f"{url}/cases/shanghai-lingdao-baoan.html")
    title = page.locator("h1").first.inner_text()
    page.wait_for_timeout(500)  # the live-reload script is polling
    try:
        case.write_text(re.sub(r"(?m)^title: (.*)$", r"title: \1（改）", original, count=1), encoding="utf-8")
        _wait_for_heading_change(page, title)
    finally:
        case.write_text(original, encoding="utf-8")
    assert violations == []


def _wait_for_heading_change(page, title: str, seconds: float = 20) -> None:
    """Without eval (which the policy forbids, and Playwright's wait_for_function uses)."""
    deadline = time.monotonic() + seconds
    while page.locator("h1").first.inner_text() == title:
        assert time.monotonic() < deadline, "the page did not reload after the save"
        page.wait_for_timeout(200)


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1.evil.example:{port}", "localhost:1"])
def test_preview_refuses_requests_for_another_host_name_status_file_included(preview, host):
    _, url, _ = preview
    port = url.rsplit(":", 1)[1]
    for path in ("/index.html", "/kb-preview-status.json"):
        request = urllib.request.Request(url + path, headers={"Host": host.format(port=port)})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 403


def test_preview_answers_its_local_names(preview):
    _, url, _ = preview
    port = url.rsplit(":", 1)[1]
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}"):
        request = urllib.request.Request(url + "/index.html", headers={"Host": host})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200


def test_serve_on_a_busy_port_says_so_in_chinese_without_a_traceback(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        shutil.copytree(PROJECT_ROOT / "tests" / "fixtures" / "content", tmp_path / "content")
        shutil.copy(PROJECT_ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
        done = subprocess.run([str(Path(sys.executable).with_name("kb")), "serve", "--address", f"127.0.0.1:{port}"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert f"端口 {port} 已被占用" in done.stderr and "Traceback" not in done.stderr + done.stdout


def test_build_then_serve_then_build_ships_every_page_with_the_policy(tmp_path):
    """The README's own flow: `make build`, `make serve` (an edit saved meanwhile), `make build`."""
    from kb.site.csp import carries_policy

    shutil.copytree(PROJECT_ROOT / "tests" / "fixtures" / "content", tmp_path / "content")
    shutil.copy(PROJECT_ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    kb = str(Path(sys.executable).with_name("kb"))
    subprocess.run([kb, "build"], cwd=tmp_path, check=True, capture_output=True, timeout=300)
    port = free_port()
    serving = subprocess.Popen([kb, "serve", "--address", f"127.0.0.1:{port}"], cwd=tmp_path, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/index.html", 60)
        case = tmp_path / "content" / "cases" / "shanghai" / "shanghai-changning-daili.yaml"
        case.write_text(case.read_text(encoding="utf-8").replace("测试区信访代理工作室网络", "测试区信访代理工作室网络（改）"),
                        encoding="utf-8")
        page = f"http://127.0.0.1:{port}/cases/shanghai-changning-daili.html"
        deadline = time.monotonic() + 30
        while "（改）" not in urllib.request.urlopen(page, timeout=10).read().decode("utf-8"):
            assert time.monotonic() < deadline, "the preview did not show the save"
            time.sleep(0.3)
    finally:
        os.killpg(serving.pid, signal.SIGTERM)
        serving.wait(timeout=10)
    subprocess.run([kb, "build"], cwd=tmp_path, check=True, capture_output=True, timeout=300)
    site = tmp_path / "build" / "site"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 15
    assert [p.relative_to(site).as_posix() for p in pages if not carries_policy(p.read_text(encoding="utf-8"))] == []
    assert "（改）" in (site / "cases" / "shanghai-changning-daili.html").read_text(encoding="utf-8")


@pytest.mark.skipif(not chromium_path(), reason="needs Debian's chromium (make system-deps)")
def again_after_reload(page, inspect, attempts: int = 4) -> None:
    """Runs inspect() again when the preview's live reload replaces the page while it reads it
    (the full round after a save may rewrite the page the quick round just showed)."""
    from playwright.sync_api import Error as PlaywrightError

    for attempt in range(attempts):
        try:
            return inspect()
        except PlaywrightError:
            if attempt == attempts - 1:
                raise
            page.wait_for_load_state("load")


def test_a_held_drafts_problems_are_a_corner_notice_over_a_page_that_stays_in_view(tmp_path, chromium):
    """`kb serve` on a fixture corpus: a draft saved with a problem keeps its last page in the
    preview, its problem in the corner notice, not the covering error list; a fix takes the notice away."""
    from test_lifecycle import DRAFT, DRAFT_FILE

    root = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT / "tests" / "fixtures" / "content", root / "content")
    shutil.copy(PROJECT_ROOT / "mkdocs.yml", root / "mkdocs.yml")
    draft = root / DRAFT_FILE
    draft.write_text(DRAFT.format(status="draft", practice_type="xinfang-daili"), encoding="utf-8")
    port = free_port()
    kb = Path(sys.executable).with_name("kb")
    with open(root / "serve.out", "w+", encoding="utf-8") as out:
        process = subprocess.Popen([str(kb), "serve", "--address", f"127.0.0.1:{port}"], cwd=root, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True,
                                   env={**os.environ, "PYTHONUNBUFFERED": "1"})
        try:
            url = f"http://127.0.0.1:{port}"
            wait_for(f"{url}/cases/shanghai-changning-caogao.html", 60)
            page = chromium.new_page()
            page.goto(f"{url}/cases/shanghai-changning-caogao.html")
            title = page.locator("h1").first.inner_text()
            assert page.locator("#kb-preview-drafts").count() == 0

            draft.write_text(DRAFT.format(status="draft", practice_type="buzai-zhege-leibie"), encoding="utf-8")

            def inspect():
                page.wait_for_selector("#kb-preview-drafts", timeout=10000)
                notice = page.locator("#kb-preview-drafts")
                assert notice.locator("summary").inner_text().startswith("1 个草稿有问题，暂不进入网站")
                notice.locator("summary").click()  # unfold it
                problems = notice.locator(".kb-preview-draft-problem").all_inner_texts()
                assert any(p.startswith(f"{DRAFT_FILE}:7:") and "buzai-zhege-leibie" in p for p in problems), problems
                assert page.locator("#kb-preview-errors").count() == 0  # nothing covers the page
                assert page.locator("h1").first.inner_text() == title and page.locator("h1").first.is_visible()
                on_top = page.evaluate("""() => { const r = document.querySelector("h1").getBoundingClientRect();
                    return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2).closest("h1") !== null; }""")
                assert on_top  # the heading is what a click there reaches: nothing lies over it
                box = notice.bounding_box()
                viewport = page.viewport_size
                assert box["x"] > viewport["width"] / 3 and box["y"] > 0  # in the corner, not over the whole page

            again_after_reload(page, inspect)

            draft.write_text(DRAFT.format(status="draft", practice_type="xinfang-daili"), encoding="utf-8")
            page.wait_for_selector("#kb-preview-drafts", state="detached", timeout=10000)
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
