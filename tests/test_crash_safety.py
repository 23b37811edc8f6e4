"""A build killed at any moment, or two builds at once, leave a complete site behind."""
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "content"
KB = [sys.executable, "-c", "from kb.cli import main; main()"]
EDITED_PAGE = "cases/shanghai-changning-daili.html"


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.name == "sitemap.xml.gz":  # gzip stamps the time it was written
            continue
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def start_build(content: Path, build: Path) -> subprocess.Popen:
    return subprocess.Popen(KB + ["--content", str(content), "--build-dir", str(build), "build"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def run_build(content: Path, build: Path) -> float:
    started = time.monotonic()
    assert start_build(content, build).wait(timeout=300) == 0
    return time.monotonic() - started


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """An old and a new version of the same content, each built once for reference."""
    root = tmp_path_factory.mktemp("crash")
    old, new = root / "old" / "content", root / "new" / "content"
    shutil.copytree(FIXTURE, old)
    shutil.copytree(FIXTURE, new)
    case = new / "cases" / "shanghai" / "shanghai-changning-daili.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace("测试区信访代理工作室网络", "测试区信访代理工作室网络（修订）"),
                    encoding="utf-8")
    run_build(old, root / "old" / "build")
    duration = run_build(new, root / "new" / "build")
    return {"old": old, "new": new, "duration": duration,
            "old_digest": tree_digest(root / "old" / "build" / "site"),
            "new_digest": tree_digest(root / "new" / "build" / "site")}


@pytest.mark.parametrize("fraction", [0.05, 0.3, 0.55, 0.8, 0.97])
def test_kill_9_at_any_moment_leaves_a_complete_site(sites, tmp_path, fraction):
    build = tmp_path / "build"
    shutil.copytree(sites["old"].parent / "build", build)
    process = start_build(sites["new"], build)
    time.sleep(sites["duration"] * fraction)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert tree_digest(build / "site") in (sites["old_digest"], sites["new_digest"])
    run_build(sites["new"], build)  # the next build cleans up whatever the killed one left
    assert tree_digest(build / "site") == sites["new_digest"]
    assert sorted(p.name for p in build.iterdir()) == [".lock", "cache", "docs", "index", "site"]


def test_two_builds_at_once_both_finish_and_leave_one_complete_site(sites, tmp_path):
    build = tmp_path / "build"
    shutil.copytree(sites["old"].parent / "build", build)
    first, second = start_build(sites["new"], build), start_build(sites["new"], build)
    assert first.wait(timeout=300) == 0 and second.wait(timeout=300) == 0
    assert tree_digest(build / "site") == sites["new_digest"]
    assert sorted(p.name for p in build.iterdir()) == [".lock", "cache", "docs", "index", "site"]


def test_builds_are_reproducible_so_the_digests_above_mean_something(sites, tmp_path):
    build = tmp_path / "build"
    run_build(sites["new"], build)
    assert tree_digest(build / "site") == sites["new_digest"] != sites["old_digest"]


def every_page_carries_the_policy(site: Path) -> list[str]:
    from kb.site.csp import carries_policy
    return [p.relative_to(site).as_posix() for p in sorted(site.rglob("*.html"))
            if not carries_policy(p.read_text(encoding="utf-8"))]


def touch_docs(build: Path) -> None:
    """What an editor's preview or a restored backup may do: every docs file newer than its page
    (MkDocs' dirty mode would render them all again, writing through links into the live site)."""
    later = time.time() + 5
    for path in (build / "docs").rglob("*"):
        if path.is_file():
            os.utime(path, (later, later))


@pytest.mark.parametrize("fraction", [0.3, 0.55, 0.8])
def test_kill_9_after_the_docs_were_touched_leaves_the_previous_site_byte_identical(sites, tmp_path, fraction):
    build = tmp_path / "build"
    shutil.copytree(sites["old"].parent / "build", build)
    touch_docs(build)
    process = start_build(sites["new"], build)
    time.sleep(sites["duration"] * fraction)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert tree_digest(build / "site") in (sites["old_digest"], sites["new_digest"])
    run_build(sites["new"], build)
    assert tree_digest(build / "site") == sites["new_digest"]


def test_a_build_after_the_docs_were_touched_leaves_the_previous_site_alone_and_every_page_protected(sites, tmp_path):
    build = tmp_path / "build"
    shutil.copytree(sites["old"].parent / "build", build)
    touch_docs(build)
    kept = tmp_path / "previous-site"
    os.rename(build / "site", kept)  # the build swaps its site in for this one: what it links to stays here
    shutil.copytree(kept, build / "site", copy_function=os.link)
    before = tree_digest(kept)
    run_build(sites["new"], build)
    assert tree_digest(kept) == before == sites["old_digest"]
    assert every_page_carries_the_policy(build / "site") == []
    assert tree_digest(build / "site") == sites["new_digest"]
