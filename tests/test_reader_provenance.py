"""Every export carries the provenance the case page shows: the editors' statements labelled 编者按,
sourced statements with the number of their source, unseen references listed apart (issue 22, 1)."""
from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from kb.content.validate import check
from kb.office.spreadsheet import READER_SHEET, export_cases, import_cases
from kb.site.compare import ROWS, compare_record
from kb.site.downloads import COLUMNS, UNSEEN_HEADING, case_docx, case_row
from kb.site.render import build_site_model, render_pages

FIXTURE = Path(__file__).parent / "fixtures" / "content"
CASE = "shanghai-changning-daili"  # one sourced lesson, one editor lesson, one editor condition, one unseen source


@pytest.fixture(scope="module")
def site():
    corpus, _ = check(FIXTURE)
    return build_site_model(corpus)


@pytest.fixture(scope="module")
def case(site):
    return site.by_id()[CASE]


def test_statements_are_labelled_as_on_the_page(site, case):
    page = render_pages(site)[f"cases/{CASE}.md"]
    sourced, editor = case.statements("lessons")
    assert (sourced.editor, sourced.cite, sourced.label()) == (False, 1, "（据资料 [1]，第 5 页）")
    assert (editor.editor, editor.label()) == (True, "（编者按）")
    assert f"{sourced.text}<small class=\"kb-basis\">（据资料 [1]，第 5 页）</small>" in page
    analysis = page[page.index('!!! abstract "编者按"'):page.index("## 推广条件")]
    assert editor.text in analysis and sourced.text not in analysis


def test_type_table_row_labels_statements_and_lists_unseen_sources_apart(case):
    row = case_row(case)
    assert row["经验启示"].split("\n") == ["代理员替群众跑腿，群众少奔波。（据资料 [1]，第 5 页）",
                                          "政府购买服务保障了队伍稳定。（编者按）"]
    assert row["推广条件"] == "需要稳定的购买服务经费。（编者按）"
    assert row["资料来源"] == f"[1] {case.seen_citations[0]}" and "只见目录的一篇" not in row["资料来源"]
    assert row[UNSEEN_HEADING] == str(case.unseen_citations[0])
    assert list(row) == COLUMNS


def test_word_document_labels_statements_and_lists_unseen_sources_apart(case):
    document = Document(io.BytesIO(case_docx(case)))
    texts = [p.text for p in document.paragraphs]
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert "政府购买服务保障了队伍稳定。（编者按）" in texts
    assert "代理员替群众跑腿，群众少奔波。（据资料 [1]，第 5 页）" in texts
    assert any("编者的分析和归纳" in t for t in texts)
    cited = texts[texts.index("资料来源") + 1:texts.index(UNSEEN_HEADING)]
    assert cited == [f"[1] {case.seen_citations[0]}"]
    assert str(case.unseen_citations[0]) in texts[texts.index(UNSEEN_HEADING):]
    assert headings[-1] == UNSEEN_HEADING


def test_compare_record_uses_the_same_labels(case):
    fields = dict(zip(ROWS, compare_record(case)["fields"]))
    assert "<small>（编者按）</small>" in fields["经验启示"] and "<small>（据资料 [1]，第 5 页）</small>" in fields["经验启示"]
    assert "只见目录的一篇" in fields["未见原文，待补"] and "只见目录的一篇" not in fields["资料来源"]


def test_kb_export_has_a_reader_view_sheet_that_import_ignores(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    export_cases(content, tmp_path / "cases.xlsx")
    rows = list(load_workbook(tmp_path / "cases.xlsx")[READER_SHEET].iter_rows(values_only=True))
    mine = [(r[1], r[2]) for r in rows if r[0] == CASE]
    assert ("经验启示", "政府购买服务保障了队伍稳定。（编者按）") in mine
    assert ("经验启示", "代理员替群众跑腿，群众少奔波。（据资料 [1]，第 5 页）") in mine
    assert ("未见原文，待补", "test-book-03，第 30 页") in mine
    assert not any(label == "资料来源" and "test-book-03" in text for label, text in mine)
    result = import_cases(content, tmp_path / "cases.xlsx")
    assert (result.problems, result.written) == ([], [])


def test_inferred_header_facts_and_draft_mark_reach_the_downloads(site):
    case = site.by_id()["shanghai-changning-jiangsulu-gongzuoshi"]  # a draft; region and level inferred
    row = case_row(case)
    assert row["案例"] == case.title + "［草稿］"
    assert row["地区"].endswith("（编者推定）") and row["实施层级"] == "街镇级（编者推定）"
    document = Document(io.BytesIO(case_docx(case)))
    assert document.paragraphs[0].text == case.title + "［草稿］"
    assert document.tables[0].rows[1].cells[1].text == "街镇级（编者推定）"
    fields = dict(zip(ROWS, compare_record(case)["fields"]))
    assert fields["实施层级"] == "街镇级（编者推定）" and fields["地区"].endswith("（编者推定）")
    assert "编者推定" not in case_row(site.by_id()[CASE])["地区"]
