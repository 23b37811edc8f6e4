"""Shared fixtures: a throw-away copy of the shipped content that a test may break."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHIPPED_CONTENT = PROJECT_ROOT / "content"

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


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A copy of the shipped content/ at tmp_path/"content"; problems then name "content/…" files."""
    target = tmp_path / "content"
    shutil.copytree(SHIPPED_CONTENT, target)
    return target


# A valid case written the way a new editor would: common words everywhere (信访、群众、工作、矛盾…).
# Tests that read the shipped corpus also run with it added (tests/test_content.py, tests/test_search.py),
# so adding a valid case can never make them fail.
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


@pytest.fixture(scope="module", params=["shipped", "with a new case"])
def any_content(request, tmp_path_factory) -> Path:
    """The shipped content/, and a copy of it with one more valid case in common words: content
    tests that take this hold for any valid corpus."""
    if request.param == "shipped":
        return SHIPPED_CONTENT
    target = tmp_path_factory.mktemp("content") / "content"
    shutil.copytree(SHIPPED_CONTENT, target)
    return with_new_case(target)


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
    """The shipped content built once for the whole run (strict MkDocs); returns build/site."""
    from kb.build.builder import build_site

    return build_site(SHIPPED_CONTENT, tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="session")
def chromium():
    """Debian's headless Chromium through Playwright, shared by the browser tests."""
    from kb.site.browser import browser

    with browser() as b:
        yield b
