"""`kb new` for every kind of entry, and `kb` working on the project it is run in."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import main
from kb.content.corpus import read_corpus
from kb.content.divisions import find, full_name
from kb.content.load import load_file
from kb.content.validate import check

from conftest import PINNED_CONTENT, PROJECT_ROOT, without_region


def kb(content: Path, *args: str):
    return CliRunner().invoke(main, ["--content", str(content), *args])


def errors_in(content: Path, name: str) -> dict[str, str]:
    return {p.field: p.message for p in check(content)[1] if name in p.file and p.severity == "error"}


def test_division_table_reaches_township_level_with_official_codes():
    [jiangsulu] = find("江苏路街道", ("长宁区",))
    assert (jiangsulu.code, jiangsulu.level, jiangsulu.parent) == ("310105002", "town", "310105")
    assert full_name(jiangsulu.code) == "上海市 长宁区 江苏路街道"


def test_new_region_takes_code_and_parent_from_the_division_table(content_copy):
    without_region(content_copy, "华阳路街道")
    result = kb(content_copy, "new", "region", "华阳路街道")
    assert result.exit_code == 0, result.output
    regions = read_corpus(content_copy, entries=False).region_map()
    assert regions["shanghai-changning-huayanglu"] == {
        "id": "shanghai-changning-huayanglu", "name": "华阳路街道", "level": "town",
        "parent": "shanghai-changning", "code": "310105001"}
    assert not [p for p in check(content_copy)[1] if p.file.endswith("regions.yaml")]


def test_new_region_adds_its_missing_parents_first(content_copy):
    result = kb(content_copy, "new", "region", "长宁镇", "--parent", "长宁县")
    assert result.exit_code == 0, result.output
    regions = read_corpus(content_copy, entries=False).region_map()
    town = next(r for r in regions.values() if r.get("code") == "511524100")
    county = regions[town["parent"]]
    city = regions[county["parent"]]
    assert (county["code"], city["code"], regions[city["parent"]]["code"]) == ("511524", "511500", "510000")
    assert not [p for p in check(content_copy)[1] if p.file.endswith("regions.yaml")]


def test_new_region_with_an_ambiguous_name_lists_the_candidates(content_copy):
    before = (content_copy / "regions.yaml").read_text(encoding="utf-8")
    result = kb(content_copy, "new", "region", "长宁镇")
    assert result.exit_code == 1
    assert "--parent" in result.output and "四川省 宜宾市 长宁县 长宁镇（代码 511524100）" in result.output
    assert (content_copy / "regions.yaml").read_text(encoding="utf-8") == before


def test_new_region_already_listed_says_its_id(content_copy):
    result = kb(content_copy, "new", "region", "江苏路街道")
    assert result.exit_code == 0 and "shanghai-changning-jiangsulu" in result.output


def test_new_case_invents_no_year(content_copy):
    assert kb(content_copy, "new", "case", "--region", "江苏路街道", "--name", "测试做法名称").exit_code == 0
    found = errors_in(content_copy, "ceshi")
    assert not any(field.startswith("period") for field in found)
    text = next(content_copy.rglob("*ceshi*.yaml")).read_text(encoding="utf-8")
    assert "\nperiod: {}\n" in text and not re.search(r"^\s*(start|reported)_year: *\d", text, re.MULTILINE)


@pytest.mark.parametrize("kind, needed", [
    ("book", {"authors[0]", "responsibility", "publisher", "place", "year"}),
    ("article", {"authors[0]", "publisher", "year", "date"}),
    ("web", {"publisher", "url", "date", "accessed"}),
])
def test_new_source_asks_for_what_its_citation_needs(content_copy, kind, needed):
    result = kb(content_copy, "new", "source", "--kind", kind, "--title", "测试资料题名", "--id", f"ceshi-{kind}")
    assert result.exit_code == 0, result.output
    doc = load_file(content_copy / "sources" / f"ceshi-{kind}.yaml")
    assert (doc.data["kind"], doc.data["title"]) == (kind, "测试资料题名")
    assert set(errors_in(content_copy, f"ceshi-{kind}")) == needed


def test_new_course_is_a_valid_file_once_filled_in(content_copy):
    assert kb(content_copy, "new", "course", "--title", "测试培训课程", "--id", "ceshi-kecheng").exit_code == 0
    found = errors_in(content_copy, "ceshi-kecheng")
    assert {"audience", "description", "modules[0].id", "modules[0].lessons[0].title"} <= set(found)


def test_kb_works_on_the_project_it_is_run_in(tmp_path, monkeypatch):
    project = tmp_path / "second-checkout"
    shutil.copytree(PINNED_CONTENT, project / "content")
    shutil.copy(PROJECT_ROOT / "mkdocs.yml", project / "mkdocs.yml")
    case = project / "content" / "cases" / "shanghai" / "shanghai-lingdao-baoan.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace("\ntitle: ", "\ntitle: 1", 1).replace("\nstatus: published", "\nstatus: 草稿"), encoding="utf-8")
    monkeypatch.chdir(project / "content" / "cases")
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 1 and "shanghai-lingdao-baoan.yaml" in result.output


def test_kb_outside_any_project_says_where_to_go(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 2 and "mkdocs.yml" in result.output


def test_an_editor_adds_a_region_a_web_source_and_a_case_and_the_content_is_valid(content_copy):
    """The issue's walk-through: only kb new and filling in what the skeletons ask for."""
    without_region(content_copy, "华阳路街道")
    assert kb(content_copy, "new", "region", "华阳路街道").exit_code == 0
    assert kb(content_copy, "new", "source", "--kind", "web", "--title", "华阳路街道信访工作报道", "--id", "huayanglu-baodao").exit_code == 0
    source = content_copy / "sources" / "huayanglu-baodao.yaml"
    source.write_text(source.read_text(encoding="utf-8")
                      .replace('publisher: ""', "publisher: 长宁区人民政府网站")
                      .replace('url: ""', "url: https://example.org/huayanglu")
                      .replace('date: ""', 'date: "2024-05-06"')
                      .replace('accessed: ""', 'accessed: "2026-11-25"'), encoding="utf-8")
    result = kb(content_copy, "new", "case", "--region", "华阳路街道", "--name", "接诉即办快字诀")
    assert result.exit_code == 0, result.output
    [case] = (content_copy / "cases" / "shanghai").glob("shanghai-changning-huayanglu-*.yaml")
    assert case.stem == "shanghai-changning-huayanglu-jiesu-jiban-kuaizi-jue"
    corpus = read_corpus(content_copy, entries=False)
    practice_type, theme = next(iter(corpus.taxonomy("practice_type"))), next(iter(corpus.taxonomy("theme")))
    case.write_text(case.read_text(encoding="utf-8")
                    .replace('organisation: ""', "organisation: 华阳路街道办事处")
                    .replace("practice_types: []", f"practice_types: [{practice_type}]")
                    .replace("themes: []", f"themes: [{theme}]")
                    .replace("  reported_year:\n", "  reported_year: 2024\n")
                    .replace('summary: ""', "summary: 街道把群众诉求的接收、分派、办理和回访编成口诀，要求接诉后当日分派、限期办结并回访。")
                    .replace('- name: ""', "- name: 当日分派").replace('details: ""', "details: 接到诉求当天分派到责任科室。")
                    .replace('- source: ""', "- source: huayanglu-baodao"), encoding="utf-8")
    assert [p.format() for p in check(content_copy)[1] if p.severity == "error"] == []


def test_new_case_points_at_existing_cases_with_a_similar_title(content_copy):
    corpus = read_corpus(content_copy)
    ident, existing = next(iter(corpus.case_map().items()))
    result = kb(content_copy, "new", "case", "--region", "shanghai-xuhui", "--name", existing["title"] + "做法")
    assert result.exit_code == 0 and f"  {ident}  {existing['title']}" in result.output
    unrelated = kb(content_copy, "new", "case", "--region", "shanghai-xuhui", "--name", "量子计算")
    assert "相似的案例" not in unrelated.output
