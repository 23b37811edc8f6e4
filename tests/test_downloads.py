"""Site downloads, fetched the way a reader does (clicking in Chromium, from file://) and opened
with openpyxl / python-docx: type comparison tables, the compare page's selection, case .docx."""
from __future__ import annotations

import csv
import io

import pytest
from docx import Document
from openpyxl import load_workbook

from kb.site.browser import chromium_path
from conftest import PINNED_CONTENT
from kb.site.downloads import COLUMNS, csv_safe, table_csv, table_xlsx
from kb.site.render import build_site_model
from kb.content.validate import check

browser_only = pytest.mark.skipif(not chromium_path(), reason="needs Debian's chromium (make system-deps)")


@pytest.fixture(scope="module")
def site_model():
    corpus, _ = check(PINNED_CONTENT)
    return build_site_model(corpus)


@pytest.fixture
def download(chromium, tmp_path):
    context = chromium.new_context(accept_downloads=True)
    page = context.new_page()

    def fetch(url: str, selector: str, wait: str | None = None):
        page.goto(url)
        if wait:
            page.wait_for_selector(wait)
        with page.expect_download() as info:
            page.click(selector)
        target = tmp_path / info.value.suggested_filename
        info.value.save_as(target)
        return target

    yield fetch
    context.close()


@browser_only
def test_type_page_offers_its_comparison_table_as_xlsx_with_one_row_per_case(built_site, download, site_model):
    type_id = "xinfang-daili"
    path = download((built_site / "types" / f"{type_id}.html").as_uri(), f"a[href$='{type_id}.xlsx']")
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    expected = sorted(c.id for c in site_model.cases if type_id in [t["id"] for t in c.types])
    assert list(rows[0]) == COLUMNS
    assert sorted(r[COLUMNS.index("案例编号")] for r in rows[1:]) == expected
    citations = {c.id: "\n".join(f"[{n}] {x}" for n, x in enumerate(c.seen_citations, 1)) for c in site_model.cases}
    assert all(r[COLUMNS.index("资料来源")] == citations[r[COLUMNS.index("案例编号")]] for r in rows[1:])


@browser_only
def test_type_page_offers_a_csv_with_bom_that_excel_reads_as_utf8(built_site, download, site_model):
    type_id = "xinfang-daili"
    path = download((built_site / "types" / f"{type_id}.html").as_uri(), f"a[href$='{type_id}.csv']")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == COLUMNS
    titles = {c.id: c.listed_title for c in site_model.cases}
    assert all(r[0] == titles[r[-1]] for r in rows[1:]) and len(rows) > 2


@browser_only
def test_compare_page_downloads_its_selection_as_xlsx_and_csv(built_site, download, site_model):
    chosen = [c for c in site_model.cases][:3]
    url = (built_site / "compare.html").as_uri() + "?ids=" + ",".join(c.id for c in chosen)
    path = download(url, ".kb-download[data-format=xlsx]", wait=".kb-compare")
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0] == ("字段", *[c.listed_title for c in chosen])
    by_field = {r[0]: r[1:] for r in rows}
    assert by_field["案例编号"] == tuple(c.id for c in chosen)
    assert by_field["实施单位"] == tuple(c.data["organisation"] for c in chosen)
    assert by_field["资料来源"] == tuple("\n".join(f"[{n}] {x}" for n, x in enumerate(c.seen_citations, 1)) or "—" for c in chosen)
    path = download(url, ".kb-download[data-format=csv]", wait=".kb-compare")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))[len(rows) - 1][0] == "案例编号"


@browser_only
def test_case_page_downloads_a_docx_with_the_case_and_its_citation(built_site, download, site_model):
    case = next(c for c in site_model.cases if c.id == "shanghai-changning-tiaojie-daili")
    path = download((built_site / "cases" / f"{case.id}.html").as_uri(), "a[href$='.docx']")
    document = Document(str(path))
    texts = [p.text for p in document.paragraphs]
    assert document.paragraphs[0].style.name == "Title" and texts[0] == case.listed_title
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"][:2] == ["摘要", "背景与问题"]
    for n, measure in enumerate(case.data["measures"], start=1):
        assert any(t.startswith(f"{n}. {measure['name']}：") for t in texts)
    for n, citation in enumerate(case.seen_citations, start=1):
        assert f"[{n}] {citation}" in texts
    assert document.tables[0].rows[0].cells[1].text == case.place_label


def test_content_that_looks_like_a_formula_stays_text():
    rows = [["案例", "摘要"], ["=HYPERLINK(\"http://x\",\"点此\")", "+86 与 -5 和 @SUM"]]
    sheet = load_workbook(io.BytesIO(table_xlsx(rows, "测试"))).active
    assert [c.data_type for c in sheet[2]] == ["s", "s"]
    assert sheet["A2"].value == rows[1][0]
    parsed = list(csv.reader(io.StringIO(table_csv(rows).decode("utf-8-sig"))))
    assert parsed[1] == ["'=HYPERLINK(\"http://x\",\"点此\")", "'+86 与 -5 和 @SUM"]
    assert csv_safe("长宁区") == "长宁区"
