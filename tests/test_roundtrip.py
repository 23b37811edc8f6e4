"""kb import 案例表.xlsx keeps the file: one changed cell is one changed line.

The case file here is written by hand the way editors write (comments, a flow list, quoted and
block text); its references are taken from whatever corpus the test runs on.
"""
from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from conftest import PINNED_CONTENT
from kb.cli import main
from kb.content.corpus import read_corpus
from kb.content.load import load_file, load_text
from kb.office.roundtrip import updated_text
from kb.office.spreadsheet import CASES_SHEET

CASE_ID = "china-roundtrip-ceshi"


def _hand_written_case(content: Path) -> Path:
    corpus = read_corpus(content, entries=False)
    practice_type = next(iter(corpus.taxonomy("practice_type")))
    theme = next(iter(corpus.taxonomy("theme")))
    source = load_file(next(iter(sorted((content / "sources").glob("*.yaml"))))).data["id"]
    text = f"""# yaml-language-server: $schema=../../../schemas/case.schema.json
# 编辑备注：这条是往返测试用的手写案例，注释应当保留。
id: {CASE_ID}
title: "往返测试：手写的案例标题"   # 标题带引号
status: draft
locality: {{region: china, level: national}}
organisation: 某某信访局
practice_types: [{practice_type}]
themes:
  - {theme}
period:
  reported_year: 2019
summary: >-
  这是一段用于检查往返导入的摘要，折叠块中的每一行
  都应原样保留，除非它的文字改了。
measures:
  # 措施的顺序按原材料
  - name: 建立台账
    details: |-
      逐件登记群众诉求。
      限时办结并回访。
sources:
  - source: {source}
tags: ['往返', 测试]
added: "2026-11-26"
"""
    path = content / "cases" / "china" / f"{CASE_ID}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _changed_lines(before: str, after: str) -> list[str]:
    """The +/- lines of a git-style diff (no context) of two texts."""
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def _row_of(sheet, case_id: str) -> int:
    return next(row for row in range(2, sheet.max_row + 1) if sheet.cell(row=row, column=1).value == case_id)


def _column(sheet, header: str) -> int:
    return [c.value for c in sheet[1]].index(header) + 1


@pytest.fixture
def hand_written(content_copy, tmp_path):
    path = _hand_written_case(content_copy)
    assert _run("--content", content_copy, "validate").exit_code == 0
    workbook_path = tmp_path / "案例表.xlsx"
    assert _run("--content", content_copy, "export", workbook_path).exit_code == 0
    return content_copy, path, workbook_path


def test_one_changed_title_and_one_added_measure_change_exactly_those_lines(hand_written, tmp_path):
    content, path, workbook_path = hand_written
    before = path.read_text(encoding="utf-8")
    workbook = load_workbook(workbook_path)
    cases = workbook[CASES_SHEET]
    row = _row_of(cases, CASE_ID)
    cases.cell(row=row, column=_column(cases, "标题（title）"), value="往返测试：改过的案例标题")
    cases.cell(row=row, column=_column(cases, "主要措施条数（measures）"), value=2)
    measures = workbook["主要措施"]
    new_row = measures.max_row + 1
    measures.cell(row=new_row, column=1, value=CASE_ID)
    measures.cell(row=new_row, column=_column(measures, "措施名称（name）"), value="定期回访")
    measures.cell(row=new_row, column=_column(measures, "具体内容（details）"), value="办结后一个月内回访当事人。")
    edited = tmp_path / "改过.xlsx"
    workbook.save(edited)

    result = _run("--content", content, "import", edited)
    assert result.exit_code == 0, result.output
    assert "写入 1 个案例文件" in result.output
    after = path.read_text(encoding="utf-8")
    assert _changed_lines(before, after) == [
        '-title: "往返测试：手写的案例标题"   # 标题带引号',
        '+title: "往返测试：改过的案例标题"   # 标题带引号',
        "+  - name: 定期回访",
        "+    details: 办结后一个月内回访当事人。",
    ]
    assert load_file(path).data["measures"][1] == {"name": "定期回访", "details": "办结后一个月内回访当事人。"}


def test_a_changed_sentence_in_a_folded_block_changes_only_its_line(hand_written, tmp_path):
    content, path, workbook_path = hand_written
    before = path.read_text(encoding="utf-8")
    workbook = load_workbook(workbook_path)
    cases = workbook[CASES_SHEET]
    cell = cases.cell(row=_row_of(cases, CASE_ID), column=_column(cases, "摘要（summary）"))
    cell.value = cell.value.replace("都应原样保留", "都应一字不改地保留")
    cases.cell(row=_row_of(cases, CASE_ID), column=_column(cases, "标签（tags）"), value="往返\n测试\n新增标签")
    edited = tmp_path / "改过.xlsx"
    workbook.save(edited)

    result = _run("--content", content, "import", edited)
    assert result.exit_code == 0, result.output
    assert _changed_lines(before, path.read_text(encoding="utf-8")) == [
        "-  都应原样保留，除非它的文字改了。",
        "+  都应一字不改地保留，除非它的文字改了。",
        "-tags: ['往返', 测试]",
        "+tags: ['往返', 测试, 新增标签]",
    ]


def test_a_removed_field_removes_its_lines_and_nothing_else(hand_written, tmp_path):
    content, path, workbook_path = hand_written
    before = path.read_text(encoding="utf-8")
    workbook = load_workbook(workbook_path)
    cases = workbook[CASES_SHEET]
    cases.cell(row=_row_of(cases, CASE_ID), column=_column(cases, "标签（tags）")).value = None
    edited = tmp_path / "改过.xlsx"
    workbook.save(edited)
    result = _run("--content", content, "import", edited)
    assert result.exit_code == 0, result.output
    assert _changed_lines(before, path.read_text(encoding="utf-8")) == ["-tags: ['往返', 测试]"]


def test_a_problem_in_the_workbook_still_writes_nothing(hand_written, tmp_path):
    content, path, workbook_path = hand_written
    before = path.read_bytes()
    workbook = load_workbook(workbook_path)
    cases = workbook[CASES_SHEET]
    cases.cell(row=_row_of(cases, CASE_ID), column=_column(cases, "标题（title）"), value="改过的标题")
    cases.cell(row=_row_of(cases, CASE_ID), column=_column(cases, "报道年份（period.reported_year）"), value="去年")
    edited = tmp_path / "改过.xlsx"
    workbook.save(edited)
    result = _run("--content", content, "import", edited)
    assert result.exit_code == 1
    assert "「报道年份」" in result.output and "没有写入任何文件" in result.output
    assert path.read_bytes() == before


@pytest.mark.parametrize("path", sorted((PINNED_CONTENT / "cases").rglob("*.yaml")), ids=lambda p: p.stem)
def test_every_pinned_case_file_is_kept_byte_for_byte_when_nothing_changed(path):
    text = path.read_text(encoding="utf-8")
    data = load_text(text, path.name).data
    assert updated_text(text, data, data) == text


def test_new_text_that_would_read_as_another_type_is_quoted():
    text = "id: a\ntitle: 标题\n"
    old = load_text(text, "x").data
    new = dict(old, title="null", organisation="2024-01-05", tags=["true", "普通"])
    result = updated_text(text, old, new)
    assert load_text(result, "x").data == new
    assert result.startswith("id: a\ntitle: \"null\"\n")


_TEXT = st.text(st.sampled_from(list("信访代理ab1 :#'\"-[]{}|>\n\t") + ["\u3000", "：", "“", "”"]), min_size=1, max_size=40)


@settings(max_examples=60)
@given(title=_TEXT, summary=_TEXT, tag=_TEXT)
def test_any_changed_text_reads_back_as_written_and_the_rest_is_kept(title, summary, tag):
    path = sorted((PINNED_CONTENT / "cases").rglob("*.yaml"))[0]
    text = path.read_text(encoding="utf-8")
    old = load_text(text, path.name).data
    new = dict(old, title=title, summary=summary, tags=list(old.get("tags") or []) + [tag])
    result = updated_text(text, old, new)
    assert result is not None
    assert load_text(result, "x").data == new
    changed = _changed_lines(text, result)
    untouched = [line for line in text.splitlines() if not line.startswith(("title:", "summary:", "tags:", "  "))]
    assert all(line in result.splitlines() for line in untouched), changed


def test_an_item_removed_or_inserted_in_the_middle_of_a_list_touches_only_its_line():
    text = "id: a\n# 标签按重要性排列\ntags:\n  - 甲\n  - 乙  # 第二个\n  - 丙\n"
    old = load_text(text, "x").data
    removed = updated_text(text, old, dict(old, tags=["甲", "丙"]))
    assert _changed_lines(text, removed) == ["-  - 乙  # 第二个"]
    inserted = updated_text(text, old, dict(old, tags=["甲", "新", "乙", "丙"]))
    assert _changed_lines(text, inserted) == ["+  - 新"]
    assert "  - 乙  # 第二个" in inserted
