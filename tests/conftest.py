"""Shared fixtures and the two corpora tests read.

LIVE_CONTENT is the project's content/ as editors leave it. Editors add cases there, so the only tests
that read it are the ones that hold for ANY valid corpus: `kb validate` passes on it
(tests/test_validate.py), and the editorial checks of tests/test_content.py that take `any_content`
(the live content and a copy with one more valid case), which assert no counts and no particular ids.

PINNED_CONTENT is a copy of only the files listed in tests/fixtures/pinned_content.txt (the content
the engine and page tests were written against), made once per run beside a link to schemas/ and a copy
of mkdocs.yml (so `kb` run in PINNED_CONTENT.parent finds it as its project). Every test that counts
cases or expects particular ids, search results or pages reads PINNED_CONTENT, builds it (`built_site`)
or a copy of it (`content_copy`), or passes it to `kb` with --content: adding a valid case to content/
never changes what those tests see, and editors adding a case never need to touch a test.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
LIVE_CONTENT = PROJECT_ROOT / "content"
PINNED_LIST = PROJECT_ROOT / "tests" / "fixtures" / "pinned_content.txt"
FIXTURE_CONTENT = PROJECT_ROOT / "tests" / "fixtures" / "content"  # the small corpus the engine rules are tested on
PINNED_PROJECT = Path(tempfile.mkdtemp(prefix="kb-pinned-"))  # filled by pytest_configure, removed at the end
PINNED_CONTENT = PINNED_PROJECT / "content"

try:  # the package is normally installed editable; fall back to the source tree
    import kb  # noqa: F401
except ImportError:  # pragma: no cover - only without the editable install
    sys.path.insert(0, str(PROJECT_ROOT / "scripts"))
    import kb  # noqa: F401

try:  # no example database inside the project tree; keep property tests quick and deterministic in time
    from hypothesis import settings

    settings.register_profile("kb", database=None, deadline=None, max_examples=150)
    settings.load_profile("kb")
except ImportError:  # pragma: no cover
    pass


class PinnedFileMissing(Exception):
    """A file the pinned list names is not in content/."""


def pinned_paths(list_file: Path = PINNED_LIST) -> list[str]:
    """The relative paths the list names, one a line; blank lines and # comments are skipped."""
    lines = (line.strip() for line in list_file.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def pin_content(source: Path, target: Path, list_file: Path = PINNED_LIST) -> Path:
    """Copy the files list_file names from the content folder `source` into `target`, and only those."""
    paths = pinned_paths(list_file)
    missing = [path for path in paths if not (source / path).is_file()]
    if missing:
        raise PinnedFileMissing(
            f"{list_file} names {len(missing)} file(s) missing from {source}: {', '.join(missing)}. "
            "The engine and page tests are written against these files; restore them, or move the tests "
            "that use them to other content and take them off the list. "
            "（测试用到清单中的这些内容文件：不要删除或改名；确要删改，请同时改测试和清单。）")
    for path in paths:
        (target / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / path, target / path)
    return target


def pytest_configure(config):
    try:
        pin_content(LIVE_CONTENT, PINNED_CONTENT)
    except PinnedFileMissing as missing:
        shutil.rmtree(PINNED_PROJECT, ignore_errors=True)
        raise pytest.UsageError(str(missing)) from None
    try:
        (PINNED_PROJECT / "schemas").symlink_to(PROJECT_ROOT / "schemas", target_is_directory=True)
    except OSError:  # pragma: no cover - where links need privileges (Windows)
        shutil.copytree(PROJECT_ROOT / "schemas", PINNED_PROJECT / "schemas")
    shutil.copy2(PROJECT_ROOT / "mkdocs.yml", PINNED_PROJECT / "mkdocs.yml")


def pytest_unconfigure(config):
    shutil.rmtree(PINNED_PROJECT, ignore_errors=True)


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A copy of the pinned content at tmp_path/"content", for a test to change; problems then name
    "content/…" files."""
    target = tmp_path / "content"
    shutil.copytree(PINNED_CONTENT, target)
    return target


@pytest.fixture
def fixture_copy(tmp_path: Path) -> Path:
    """A copy of the small fixture corpus (tests/fixtures/content) at tmp_path/"content"."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, target)
    return target


# A valid case written the way a new editor would: common words everywhere (信访、群众、工作、矛盾…).
# The checks of the live corpus also run with it added (any_content), and the search tests run on the
# pinned corpus with and without it (pinned_and_grown): a case in everyday words must not upset them.
NEW_CASE_FILE = "cases/shanghai/shanghai-changning-xinzeng-changyong.yaml"
NEW_CASE = """\
# yaml-language-server: $schema=../../../schemas/case.schema.json
id: shanghai-changning-xinzeng-changyong
title: 街道信访工作群众矛盾调解代理服务
status: published
locality: {region: shanghai-changning, level: county}
organisation: 长宁区信访办公室
practice_types: [xinfang-daili, tiaojie-xianjie]
themes: [jiceng-jichu]
period: {}
summary: 街道和社区做好信访工作，帮助群众反映问题、调解矛盾，把群众的诉求解决在基层，信访代理员跟踪办理结果。
measures:
  - name: 社区信访接待
    details: 社区工作人员接待来访群众，登记问题并转交有关部门办理，办理情况及时告诉群众。
  - name: 矛盾调解
    details: 人民调解员和信访干部一起调解邻里矛盾和物业纠纷，把矛盾化解在社区。
sources:
  - {source: kaituo-yu-chuangxin-01}
added: "2026-12-04"
"""


def with_new_case(content_dir: Path) -> Path:
    write_file(content_dir, NEW_CASE_FILE, NEW_CASE)
    return content_dir


@pytest.fixture(scope="module", params=["live", "live with a new case"])
def any_content(request, tmp_path_factory) -> Path:
    """The live content/, and a copy of it with one more valid case in common words: content
    tests that take this hold for any valid corpus."""
    if request.param == "live":
        return LIVE_CONTENT
    target = tmp_path_factory.mktemp("content") / "content"
    shutil.copytree(LIVE_CONTENT, target)
    return with_new_case(target)


@pytest.fixture(scope="module", params=["pinned", "pinned with a new case"])
def pinned_and_grown(request, tmp_path_factory) -> Path:
    """The pinned content, and a copy of it with one more valid case in common words: engine tests
    that take this expect the same answers whether or not such a case is added."""
    if request.param == "pinned":
        return PINNED_CONTENT
    target = tmp_path_factory.mktemp("content") / "content"
    shutil.copytree(PINNED_CONTENT, target)
    return with_new_case(target)


def without_region(content_dir: Path, name: str) -> Path:
    """content_dir with the region called `name` taken out of regions.yaml (one region a line), for a
    test that adds that region: editors may since have added it to content/ (`kb new region`), and no
    pinned case refers to a region added after the pin."""
    path = Path(content_dir) / "regions.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if f"name: {name}," not in line), encoding="utf-8")
    return Path(content_dir)


def write_file(content_dir: Path, relative: str, text: str | bytes, encoding: str = "utf-8") -> Path:
    """Write `text` (or raw bytes) to content_dir/relative, creating folders; returns the path."""
    path = Path(content_dir) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The pinned content built once for the whole run (strict MkDocs); returns build/site."""
    from kb.build.builder import build_site

    return build_site(PINNED_CONTENT, tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="session")
def chromium():
    """Debian's headless Chromium through Playwright, shared by the browser tests."""
    from kb.site.browser import browser

    with browser() as b:
        yield b
