"""The site build: strict MkDocs on the pinned content (conftest), reachability, offline, atomicity."""
import re
import shutil
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

from conftest import PINNED_CONTENT
from kb.core.problems import ProblemsFound
from kb.build.builder import CONFIG_FILE, build_site

HREF = re.compile(r'(?:href|src)="([^"#?]+)')


@pytest.fixture(scope="module")
def built(built_site):
    return built_site


def crawl(site: Path, start: str = "index.html") -> set[str]:
    seen, todo = set(), [start]
    while todo:
        page = todo.pop()
        if page in seen or not (site / page).is_file():
            continue
        seen.add(page)
        for link in HREF.findall((site / page).read_text(encoding="utf-8")):
            if urlparse(link).scheme or not link.endswith(".html"):
                continue
            todo.append(urlparse(urljoin(page, link)).path.lstrip("/"))
    return seen


def test_every_pinned_case_is_reachable_from_the_home_page(built):
    reached = crawl(built)
    cases = {f"cases/{p.stem}.html" for p in PINNED_CONTENT.glob("cases/*/*.yaml")}
    assert cases and cases <= reached


def test_built_pages_request_nothing_outside_the_site(built):
    external = []
    for path in built.rglob("*.html"):
        for link in re.findall(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="([^"]+)"', path.read_text(encoding="utf-8")):
            if urlparse(link).scheme in ("http", "https") or link.startswith("//"):
                external.append((path.name, link))
    for path in built.rglob("*.css"):
        external += [(path.name, u) for u in re.findall(r'@import\s+url\(["\']?(https?:[^)"\']+)', path.read_text(encoding="utf-8"))]
    assert external == []


def test_case_page_has_citation_and_editor_file_link(built):
    html = (built / "cases" / "shanghai-changning-tiaojie-daili.html").read_text(encoding="utf-8")
    assert "上海人民出版社, 2007" in html
    assert "content/cases/shanghai/shanghai-changning-tiaojie-daili.yaml" in html


def _break_a_case(content: Path) -> None:
    case = next(content.glob("cases/shanghai/*.yaml"))
    case.write_text(case.read_text(encoding="utf-8").replace("status: published", "status: 已发布")
                    .replace("status: draft", "status: 已发布"), encoding="utf-8")


def test_failed_validation_leaves_the_previous_site_untouched(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(PINNED_CONTENT, content)
    site = build_site(content, tmp_path / "build")
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    _break_a_case(content)
    with pytest.raises(ProblemsFound) as failure:
        build_site(content, tmp_path / "build")
    assert any(p.field == "status" for p in failure.value.problems)
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    assert [p.name for p in (tmp_path / "build").iterdir() if p.name.startswith(".") and p.name != ".lock"] == []


def test_mkdocs_strict_failure_leaves_the_previous_site_untouched(tmp_path):
    site = build_site(PINNED_CONTENT, tmp_path / "build")
    index_before = (site / "index.html").read_bytes()
    config = tmp_path / "mkdocs.yml"
    config.write_text(CONFIG_FILE.read_text(encoding="utf-8").replace("  - 首页: index.md", "  - 首页: index.md\n  - 不存在: missing.md"),
                      encoding="utf-8")
    with pytest.raises(ProblemsFound) as failure:
        build_site(PINNED_CONTENT, tmp_path / "build", config)
    assert any("missing.md" in p.message for p in failure.value.problems)
    assert (site / "index.html").read_bytes() == index_before
