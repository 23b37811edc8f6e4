"""Validation: the live content is valid; every broken input is reported at its exact place."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import write_file
from kb.cli import main
from conftest import LIVE_CONTENT, PINNED_CONTENT
from kb.content.corpus import read_corpus
from kb.content.validate import check, province_folder

CASE_ID = "shanghai-ceshi-anli"
REL = f"content/cases/shanghai/{CASE_ID}.yaml"

# A complete, valid case written for the tests; {placeholders} are filled with ids that exist
# in the content copy, so the file stays valid however the shipped taxonomy evolves.
TEMPLATE = """\
# yaml-language-server: $schema=../../../schemas/case.schema.json
id: shanghai-ceshi-anli
title: 测试用的信访代理工作室案例
status: draft
locality:
  region: {region}
  level: county
organisation: 测试区信访办公室
practice_types:
  - {practice_type}
themes:
  - {theme}
period:
  start_year: 2004
  reported_year: 2007
summary: 这是专为自动测试编写的案例摘要，内容虚构，只用来检查校验程序能否准确报告问题所在的位置。
measures:
  - name: 设立工作室
    details: 在街道设立信访代理工作室，接待来访群众。
  - name: 培训代理员
    details: 对代理员进行专门培训，熟悉办事程序。
outcomes:
  - indicator: 代理的矛盾
    value: 947
    unit: 起
    period: 2005年至2007年
    evidence: media
sources:
  - source: {source}
    section: 测试章节
related:
  - {case}
part_of: {case}
tags: [测试]
added: "2026-11-25"
"""


# --- helpers ------------------------------------------------------------------------------------

def line_of(text: str, needle: str) -> int:
    """1-based number of the only line of `text` containing `needle`."""
    numbers = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(numbers) == 1, f"{needle!r} is on lines {numbers}"
    return numbers[0]


def column_of(text: str, needle: str) -> int:
    return text.splitlines()[line_of(text, needle) - 1].index(needle) + 1


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def errors(content: Path):
    _, problems = check(content)
    return [p for p in problems if p.severity == "error"]


def places(problems) -> set[tuple[str, int, str]]:
    return {(p.file, p.line, p.field) for p in problems}


class Case:
    """The test case file inside a content copy."""

    def __init__(self, content: Path, refs: dict[str, str]):
        self.content = content
        self.refs = refs
        self.text = TEMPLATE.format(**refs)

    def edited(self, old: str, new: str) -> str:
        return edit(self.text, old.format(**self.refs), new.format(**self.refs))

    def write(self, text: str | None = None, folder: str = "shanghai", name: str = CASE_ID,
              encoding: str = "utf-8") -> str:
        write_file(self.content, f"cases/{folder}/{name}.yaml", self.text if text is None else text, encoding)
        return f"content/cases/{folder}/{name}.yaml"


@pytest.fixture(scope="session")
def refs() -> dict[str, str]:
    """Ids that exist in the pinned content (and so in content_copy)."""
    corpus = read_corpus(PINNED_CONTENT)
    regions = [r for r in corpus.region_map() if province_folder(corpus, r) == "shanghai"]
    return {
        "region": "shanghai-changning" if "shanghai-changning" in regions else regions[-1],
        "practice_type": next(iter(corpus.taxonomy("practice_type"))),
        "theme": next(iter(corpus.taxonomy("theme"))),
        "source": next(iter(corpus.source_map())),
        "case": next(iter(corpus.case_map())),
    }


@pytest.fixture
def case(content_copy, refs) -> Case:
    return Case(content_copy, refs)


# --- the live content: valid, whatever cases editors have added ---------------------------------

def test_live_content_validates_without_errors():
    """As kb validate judges it: a draft's problems are reminders that hold it off the site, not errors."""
    from kb.content.lifecycle import publishable

    shown = publishable(*check(LIVE_CONTENT), editors=True)
    found = [p.format() for p in shown.problems if p.severity == "error"]
    assert found == []
    assert shown.corpus.cases


def test_pinned_content_validates_without_any_problem():
    corpus, problems = check(PINNED_CONTENT)
    assert [p.format() for p in problems] == []
    assert corpus.cases


def test_content_copy_validates_without_errors(content_copy):
    assert [p.format() for p in errors(content_copy)] == []


def test_test_case_template_is_valid(case):
    case.write()
    assert [p.format() for p in errors(case.content)] == []


# --- schema problems ---------------------------------------------------------------------------

def test_missing_required_field_is_reported_at_the_top_of_the_file(case):
    text = case.edited("summary: 这是专为", "# 摘要已删除 ")
    case.write(text)
    problems = errors(case.content)
    assert places(problems) == {(REL, line_of(text, "id: shanghai-ceshi-anli"), "summary")}
    assert problems[0].column == 1
    assert "摘要" in problems[0].message


def test_missing_nested_required_field_is_reported_at_its_group(case):
    text = case.edited("  level: county\n", "")
    case.write(text)
    assert places(errors(case.content)) == {(REL, line_of(text, "  region:"), "locality.level")}


def test_wrong_type_is_reported_at_the_value(case):
    text = case.edited("reported_year: 2007", "reported_year: 二〇〇七")
    case.write(text)
    problems = errors(case.content)
    assert places(problems) == {(REL, line_of(text, "二〇〇七"), "period.reported_year")}
    assert problems[0].column == column_of(text, "二〇〇七")
    assert "整数" in problems[0].message


def test_enum_violation_is_reported_with_the_allowed_values(case):
    text = case.edited("status: draft", "status: publish")
    case.write(text)
    problems = errors(case.content)
    assert places(problems) == {(REL, line_of(text, "status: publish"), "status")}
    assert problems[0].column == column_of(text, "publish")
    assert "draft" in problems[0].message and "published" in problems[0].message


def test_unknown_field_is_reported_with_the_missing_one(case):
    text = case.edited("summary:", "sumary:")
    case.write(text)
    assert places(errors(case.content)) == {
        (REL, line_of(text, "sumary:"), "sumary"),
        (REL, line_of(text, "id: shanghai-ceshi-anli"), "summary"),
    }


def test_unknown_nested_field_names_its_path(case):
    text = case.edited("    evidence: media", "    evidence: media\n    evidense: media")
    case.write(text)
    assert places(errors(case.content)) == {(REL, line_of(text, "evidense"), "outcomes[0].evidense")}


def test_outcome_value_without_unit_is_reported_at_the_outcome(case):
    text = case.edited("    unit: 起\n", "")
    case.write(text)
    problems = errors(case.content)
    assert len(problems) == 1
    [problem] = problems
    assert (problem.file, problem.line) == (REL, line_of(text, "- indicator:"))
    assert problem.field in ("outcomes[0]", "outcomes[0].unit")
    assert "单位" in problem.message


def test_bad_id_pattern_is_reported_at_the_id(case):
    text = case.edited("id: shanghai-ceshi-anli", "id: Shanghai_Ceshi")
    rel = case.write(text, name="Shanghai_Ceshi")
    problems = errors(case.content)
    assert places(problems) == {(rel, 2, "id")}
    assert "格式" in problems[0].message


def test_start_year_after_reported_year_is_reported_at_the_start_year(case):
    text = case.edited("start_year: 2004", "start_year: 2009")
    case.write(text)
    assert places(errors(case.content)) == {(REL, line_of(text, "start_year"), "period.start_year")}


# --- files and cross-references -----------------------------------------------------------------

def test_id_different_from_file_name_is_reported_at_the_id(case):
    text = case.edited("id: shanghai-ceshi-anli", "id: shanghai-ceshi-bieming")
    case.write(text)
    problems = errors(case.content)
    assert places(problems) == {(REL, 2, "id")}
    assert f"{CASE_ID}.yaml" in problems[0].message


def test_file_in_the_wrong_province_folder_is_reported_at_the_region(case):
    rel = case.write(folder="jiangsu")
    problems = errors(case.content)
    assert places(problems) == {(rel, line_of(case.text, "  region:"), "locality.region")}
    assert "content/cases/shanghai/" in problems[0].message


@pytest.mark.parametrize("old, new, field", [
    ("  region: {region}", "  region: shanghai-bucunzai", "locality.region"),
    ("  - {practice_type}", "  - bucunzai-leixing", "practice_types[0]"),
    ("  - {theme}", "  - bucunzai-zhuti", "themes[0]"),
    ("  - source: {source}", "  - source: bucunzai-ziliao", "sources[0].source"),
    ("  - {case}", "  - bucunzai-anli", "related[0]"),
    ("part_of: {case}", "part_of: bucunzai-anli", "part_of"),
], ids=["region", "practice_type", "theme", "source", "related", "part_of"])
def test_unknown_reference_is_reported_where_it_is_written(case, old, new, field):
    text = case.edited(old, new)
    case.write(text)
    problems = errors(case.content)
    assert places(problems) == {(REL, line_of(text, "bucunzai"), field)}
    value = new.rsplit(" ", 1)[-1]
    assert problems[0].column == column_of(text, value)


def test_related_case_pointing_at_itself_is_reported(case):
    text = case.edited("  - {case}", "  - shanghai-ceshi-anli")
    case.write(text)
    assert places(errors(case.content)) == {(REL, line_of(text, "  - shanghai-ceshi-anli"), "related[0]")}


def test_duplicate_case_id_across_two_files_is_reported_on_the_second(case):
    case.write()
    second = case.write(name="shanghai-zz-fuben")
    problems = errors(case.content)
    assert places(problems) == {(second, 2, "id")}
    messages = " ".join(p.message for p in problems)
    assert "重复" in messages and REL in messages


# --- personal data -----------------------------------------------------------------------------

@pytest.mark.parametrize("old, new, needle, field, label", [
    ("    details: 对代理员进行专门培训，熟悉办事程序。", "    details: 对代理员进行专门培训，咨询电话13812345678。",
     "13812345678", "measures[1].details", "手机号码"),
    ("summary: 这是专为", "summary: 信访人身份证号31010119800101123X，这是专为",
     "信访人身份证号", "summary", "身份证号"),
    ("    details: 在街道设立信访代理工作室，接待来访群众。", "    details: 信访人陈某多次到街道反映房屋漏水问题。",
     "陈某", "measures[0].details", "信访人姓氏"),
    ("tags: [测试]", "tags: [测试, 王阿姨]", "王阿姨", "tags[1]", "信访人称呼"),
    ("    section: 测试章节", "    section: 走访居民区502弄3号", "502弄", "sources[0].section", "门牌地址"),
    ("organisation: 测试区信访办公室", "organisation: 测试区信访办公室，电话021-62345678",
     "021-62345678", "organisation", "固定电话"),
    ("  - name: 设立工作室", "  - name: 来信请寄 xinfang@example.com", "xinfang@", "measures[0].name", "电子邮箱"),
], ids=["mobile", "id-number", "surname-mou", "wang-ayi", "lane-number", "landline", "email"])
def test_personal_data_is_flagged_where_it_appears(case, old, new, needle, field, label):
    text = case.edited(old, new)
    case.write(text)
    problems = errors(case.content)
    line = line_of(text, needle)
    flagged = [p for p in problems if label in p.message]
    assert places(flagged) == {(REL, line, field)}
    assert places(problems) == {(REL, line, field)}


def test_term_of_address_inside_a_sentence_is_flagged(case):
    text = case.edited("    details: 在街道设立信访代理工作室，接待来访群众。",
                       "    details: 社区干部多次上门看望信访人王阿姨，了解她的诉求。")
    case.write(text)
    problems = errors(case.content)
    assert places(problems) == {(REL, line_of(text, "王阿姨"), "measures[0].details")}
    assert "信访人称呼" in problems[0].message


def test_words_with_mou_that_are_not_names_are_not_flagged(case):
    text = case.edited("    details: 在街道设立信访代理工作室，接待来访群众。",
                       "    details: 某些小区的居民反映某种问题时，由工作室代为办理。")
    case.write(text)
    assert errors(case.content) == []


# --- load problems inside the corpus ------------------------------------------------------------

def test_duplicate_key_in_a_case_file_is_reported_at_the_second_key(case):
    text = case.edited("status: draft\n", "status: draft\nstatus: published\n")
    case.write(text)
    problems = errors(case.content)
    assert [(p.file, p.line, p.column, p.field) for p in problems] == [(REL, line_of(text, "status: published"), 1, "status")]


def test_gbk_encoded_case_file_asks_to_save_as_utf8(case):
    case.write(encoding="gbk")
    problems = errors(case.content)
    assert [(p.file, p.line, p.column, p.field) for p in problems] == [
        (REL, line_of(case.text, "测试用的"), column_of(case.text, "测试用的"), "")]
    assert "UTF-8" in problems[0].message


def test_alias_in_a_case_file_is_reported_at_its_line(case):
    text = case.edited("summary: 这是专为", "summary: &zhaiyao 这是专为")
    text = edit(text, "tags: [测试]", "tags: [测试]\nbackground: *zhaiyao")
    case.write(text)
    assert places(errors(case.content)) == {(REL, line_of(text, "*zhaiyao"), "")}


# --- everything at once --------------------------------------------------------------------------

def test_three_errors_in_one_file_are_reported_in_one_run(case):
    text = case.edited("status: draft", "status: publish")
    text = edit(text, "reported_year: 2007", "reported_year: 二〇〇七")
    text = edit(text, f"  region: {case.refs['region']}", "  region: shanghai-bucunzai")
    case.write(text)
    problems = errors(case.content)
    assert len(problems) == 3
    assert places(problems) == {
        (REL, line_of(text, "status: publish"), "status"),
        (REL, line_of(text, "二〇〇七"), "period.reported_year"),
        (REL, line_of(text, "bucunzai"), "locality.region"),
    }


def test_problems_in_several_files_are_reported_in_one_run(case):
    text = case.edited("status: draft", "status: publish")
    case.write(text)
    gbk = case.write(case.text.replace(CASE_ID, "shanghai-ceshi-gbk"), name="shanghai-ceshi-gbk", encoding="gbk")
    typo = case.edited("summary:", "sumary:").replace(CASE_ID, "shanghai-ceshi-pinxie")
    typo_rel = case.write(typo, name="shanghai-ceshi-pinxie")
    files = {p.file for p in errors(case.content)}
    assert files == {REL, gbk, typo_rel}


# --- the command line --------------------------------------------------------------------------

PROBLEM_LINE = re.compile(r"^(?P<file>\S+):(?P<line>\d+):(?P<column>\d+)  (?P<field>\S+)  (?P<message>.+)$")


def test_cli_validate_passes_on_the_live_content():
    result = CliRunner().invoke(main, ["--content", str(LIVE_CONTENT), "validate"])
    assert result.exit_code == 0, result.output
    assert "检查通过" in result.output


def test_cli_validate_fails_on_a_broken_copy_and_prints_file_line_column_field(case):
    text = case.edited("status: draft", "status: publish")
    text = edit(text, "reported_year: 2007", "reported_year: 二〇〇七")
    case.write(text)
    result = CliRunner().invoke(main, ["--content", str(case.content), "validate"])
    assert result.exit_code == 1, result.output
    printed = [m.groupdict() for m in map(PROBLEM_LINE.match, result.output.splitlines()) if m]
    errors_printed = {(m["file"], int(m["line"]), int(m["column"]), m["field"])
                      for m in printed if not m["message"].startswith("（提醒）")}
    assert errors_printed == {
        (REL, line_of(text, "status:"), column_of(text, "publish"), "status"),
        (REL, line_of(text, "二〇〇七"), column_of(text, "二〇〇七"), "period.reported_year"),
    }
    assert "共 2 个错误" in result.output
