"""Provenance: every statement says what it rests on, citations claim no more than their sources,
and the content is checked against the shipped source texts in content/sources/texts."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import PINNED_CONTENT, PROJECT_ROOT, write_file
from kb.content import provenance
from kb.site import render
from kb.site.citation import reference
from kb.cli import main
from kb.content.corpus import read_corpus
from kb.site.render import build_site_model, render_pages
from kb.content.validate import check


CASE = """\
# yaml-language-server: $schema=../../../schemas/case.schema.json
id: shanghai-ceshi-laiyuan
title: 测试用的来源核对案例
status: draft
locality: {{region: shanghai-changning, level: county}}
organisation: 测试区信访办公室
practice_types: [xinfang-daili]
themes: [jiceng-jichu]
period: {{reported_year: 2007}}
summary: {summary}
measures:
  - {{name: 设立工作室, details: 在街道设立信访代理工作室。}}
{extra}
sources:
  - {{source: kaituo-yu-chuangxin-01, pages: "{pages}"}}
  - {{source: chuli-tuchu-wenti-18, seen: false}}
  - {{source: laoniangjiu-xin-gonglve}}
"""
REL = "content/cases/shanghai/shanghai-ceshi-laiyuan.yaml"


def write_case(content: Path, summary: str = "这是专为自动测试编写的摘要，内容虚构，只检查来源核对。",
               extra: str = "", pages: str = "3-9") -> str:
    text = CASE.format(summary=summary, extra=extra, pages=pages)
    write_file(content, "cases/shanghai/shanghai-ceshi-laiyuan.yaml", text)
    return text


def problems_in_case(content: Path) -> list:
    _, problems = check(content)
    return [p for p in problems if p.file == REL and p.severity == "error"]


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


# --- the validator requires a basis ---------------------------------------------------------------

def test_a_lesson_without_a_basis_is_an_error_at_its_line(content_copy):
    text = write_case(content_copy, extra="lessons:\n  - 代理员替群众跑腿。")
    found = problems_in_case(content_copy)
    assert any(p.field == "lessons[0]" and p.line == line_of(text, "代理员替群众跑腿") and "依据" in p.message
               for p in found), found


def test_a_source_basis_must_name_the_source(content_copy):
    write_case(content_copy, extra="lessons:\n  - {text: 代理员替群众跑腿。, basis: source}")
    assert any(p.field == "lessons[0].basis" and "依据资料" in p.message for p in problems_in_case(content_copy))


def test_a_source_basis_must_be_one_of_the_cases_sources(content_copy):
    write_case(content_copy, extra="transfer_conditions:\n  - {text: 需要区级文件。, basis: source, source: jiamenkou-2023-taopu}")
    assert [(p.field, p.message) for p in problems_in_case(content_copy)] == [
        ("transfer_conditions[0].source", "依据资料“jiamenkou-2023-taopu”不在本案例的资料来源（sources）中")]


def test_a_source_whose_text_was_not_seen_supports_nothing(content_copy):
    write_case(content_copy, extra="lessons:\n  - {text: 领导带头化解积案。, basis: source, source: chuli-tuchu-wenti-18}")
    found = problems_in_case(content_copy)
    assert [p.field for p in found] == ["lessons[0].source"] and "未见原文" in found[0].message


def test_editor_and_sourced_statements_pass(content_copy):
    write_case(content_copy, extra="lessons:\n  - {text: 代理员替群众跑腿。, basis: source, source: laoniangjiu-xin-gonglve}\n"
                                   "  - {text: 经费稳定很重要。, basis: editor}")
    assert problems_in_case(content_copy) == []


# --- cited pages lie in the catalogued range -------------------------------------------------------

def test_a_cited_page_beyond_the_next_article_is_reported(content_copy):
    text = write_case(content_copy, pages="3-12")
    found = problems_in_case(content_copy)
    assert [(p.field, p.line) for p in found] == [("sources[0].pages", line_of(text, '"3-12"'))]
    assert "第 3–9 页" in found[0].message


def test_a_page_before_the_article_starts_is_reported(content_copy):
    write_case(content_copy, pages="2")
    assert [p.field for p in problems_in_case(content_copy)] == ["sources[0].pages"]


def test_the_last_article_is_bounded_by_the_catalogued_end_of_the_book():
    corpus = read_corpus(PINNED_CONTENT)
    assert provenance.catalogued_range(corpus, "chuli-tuchu-wenti-40") == (230, 241)
    assert provenance.catalogued_range(corpus, "kaituo-yu-chuangxin-01") == (3, 9)
    assert provenance.catalogued_range(corpus, "kaituo-yu-chuangxin-06") is None  # start page not catalogued


# --- kb validate --report ----------------------------------------------------------------------------

def test_report_lists_every_editor_statement_under_its_case():
    result = CliRunner().invoke(main, ["--content", str(PINNED_CONTENT), "validate", "--report"])
    assert result.exit_code == 0, result.output
    corpus = read_corpus(PINNED_CONTENT)
    rows = provenance.editor_statements(corpus)
    assert rows and f"共 {len(rows)} 条" in result.output
    doc, path, label, text = rows[0]
    line, _ = doc.position(path)
    assert f"{doc.data['id']}（{doc.file}）" in result.output
    assert f"{line:>4} 行  {label}[{path[1] + 1}]  {text}" in result.output
    sourced = [item["text"] for d in corpus.cases for item in d.data.get("lessons", []) if item["basis"] == "source"]
    assert sourced and not any(t in result.output for t in sourced)


# --- citations: one golden per kind of source ----------------------------------------------------

@pytest.fixture(scope="module")
def shipped():
    corpus = read_corpus(PINNED_CONTENT)
    return corpus.source_map(), corpus.article_map()


def test_citation_of_a_studied_place_names_no_author(shipped):
    article, book = shipped[1]["chuli-tuchu-wenti-01"]
    assert reference(book, article, "7-16", pages_inferred=True) == (
        "积极主动地把工作做在前头——关于江苏省徐州市做好部分军队退役人员信访工作的调研报告[M]//中央联席会议办公室, 国家信访局. "
        "处理信访突出问题的探索与实践[M]. 出版地不详: 出版者不详, 出版年不详: 7-16（止页推定）. 调研对象：江苏省徐州市.")


def test_citation_of_an_article_without_a_unit_starts_with_its_title(shipped):
    article, book = shipped[1]["chuli-tuchu-wenti-17"]
    assert reference(book, article).startswith("全国公安民警“大走访”受到群众普遍欢迎[M]//")
    assert "全国公安机关" not in reference(book, article)


def test_citation_of_a_signed_compendium_article_keeps_its_author(shipped):
    article, book = shipped[1]["kaituo-yu-chuangxin-01"]
    assert reference(book, article, "3-9", pages_inferred=True) == (
        "长宁区信访办公室. 整合资源 优化载体 积极探索基层信访代理工作的新路子[M]//中共上海市委信访办公室, "
        "上海市人民政府信访办公室, 上海市信访学会. 开拓与创新——上海市基层信访工作经验汇编[M]. 上海: 上海人民出版社, "
        "2007: 3-9（止页推定）.")


def test_citation_of_a_reported_township_marks_the_inferred_year(shipped):
    article, collection = shipped[1]["jiamenkou-2023-yanghang"]
    assert reference(collection, article) == (
        "宝山区杨行镇获评“2023 上海信访‘家门口’服务体系十大优秀案例”[EB/OL]//2023 上海信访“家门口”服务体系十大案例报道"
        "（四篇）[EB/OL]. [2023?]. 报道对象：宝山区杨行镇.")


def test_citation_of_a_reposted_page_separates_original_and_repost_dates(shipped):
    assert reference(shipped[0]["laoniangjiu-xin-gonglve"]) == (
        "老娘舅的新攻略——来自上海信访一线的影像报告[EB/OL]. [2007?] (2019-06-23转载, 2023-09-30修改).")


def test_citation_of_a_whole_book_with_an_inferred_single_page():
    book = {"kind": "book", "title": "书", "authors": ["甲"], "publisher": "社", "place": "京", "year": 2010,
            "year_inferred": True}
    assert reference(book, None, "12", pages_inferred=True) == "甲. 书[M]. 京: 社, [2010?]: 12（推定）."


def test_citation_of_a_journal_article_with_a_contributing_unit():
    journal = {"kind": "article", "title": "信访工作研究", "publisher": "某刊", "year": 2008}
    article = {"title": "一篇文章", "unit": "某区信访办", "unit_role": "contributor", "page": 5}
    assert reference(journal, article) == "一篇文章[J]//信访工作研究[J]. 某刊, 2008: 5. 供稿单位：某区信访办."


# --- the pages readers see -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def pages():
    corpus, problems = check(PINNED_CONTENT)
    assert not [p for p in problems if p.severity == "error"]
    return render_pages(build_site_model(corpus))


def test_case_page_sets_editors_analysis_apart_as_bianzhean(pages):
    page = pages["cases/shanghai-changning-tiaojie-daili.md"]
    lessons = page.split("## 经验启示")[1].split("\n## ")[0]
    note = lessons.split('!!! abstract "编者按"')[1]
    assert "    - 职责、制度、流程、守则、管理、评估全部统一" in note
    sourced = lessons.split('!!! abstract "编者按"')[0]
    assert re.search(r"^- .*<small class=\"kb-basis\">（据资料 \[\d\]", sourced, re.M)
    assert "职责、制度、流程" not in sourced


def test_unseen_sources_are_listed_apart_and_not_numbered(pages):
    page = pages["cases/shanghai-lingdao-baoan.md"]
    numbered, unseen = page.split("### 未见原文，待补")
    assert "上海市主要领导带头化解信访积案" in unseen and "上海市主要领导带头化解信访积案" not in numbered
    assert "111-115（止页推定）" in unseen


def test_sources_page_lists_unseen_articles_apart_with_the_case_citing_them(pages):
    page = pages["sources.md"]
    book = page.split("{ #chuli-tuchu-wenti}")[1].split("\n## ")[0]
    unseen = book.split("未见原文，待补")[1]
    assert "上海市主要领导带头化解信访积案" in unseen and "(cases/shanghai-lingdao-baoan.md)" in unseen


def test_sources_page_lists_an_unseen_reference_once_however_many_cases_cite_it(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(PINNED_CONTENT, content)
    text = write_case(content)
    ids = [f"shanghai-ceshi-laiyuan-{n}" for n in range(5)]
    for case_id in ids:
        write_file(content, f"cases/shanghai/{case_id}.yaml", text.replace("shanghai-ceshi-laiyuan", case_id))
    corpus, _ = check(content)
    page = render_pages(build_site_model(corpus))["sources.md"]
    book = page.split("{ #chuli-tuchu-wenti}")[1].split("\n## ")[0]
    unseen = book.split("未见原文，待补")[1].splitlines()
    # the six test cases cite the same reference (the shipped case citing that article names pages)
    lines = [line for line in unseen if "(cases/shanghai-ceshi-laiyuan" in line]
    assert len(lines) == 1
    assert lines[0].count("](cases/") == render.UNSEEN_CITERS_SHOWN and lines[0].endswith(" 等 6 个案例")


def test_citation_section_is_shown_beside_the_reference(pages):
    assert '<span class="kb-cite-section">章节：信访代理：义务信息员预告“火警”</span>' in \
        pages["cases/shanghai-changning-jiangsulu-liqin.md"]


def test_xuzhou_citation_on_its_page_has_no_invented_author(pages):
    page = pages["cases/jiangsu-xuzhou-tuiyi-junren.md"]
    assert "[1] 积极主动地把工作做在前头" in page and "江苏省徐州市. 积极主动" not in page


def test_new_drafts_appear_on_region_and_practice_type_pages(pages):
    for case_id, type_id in [("liaoning-shenyang-yizhanshi", "yizhanshi"), ("china-quntixing-shijian-chuzhi", "quntixing-chuzhi"),
                             ("china-wending-fengxian-pinggu", "wending-pinggu"),
                             ("china-zhuangzhuang-youren-guan", "jiean-huajie"),
                             ("shanghai-songjiang-shihudang-pingan", "paicha-yujing")]:
        assert any(f"{case_id}.md" in text for rel, text in pages.items() if rel.startswith("regions/")), case_id
        assert f"{case_id}.md" in pages[f"types/{type_id}.md"], case_id


# --- checks against the shipped source texts ----------------------------------------------------

@pytest.fixture(scope="module")
def texts():
    corpus = read_corpus(PINNED_CONTENT)
    return provenance.shipped_texts(corpus)


def test_every_text_file_named_in_the_sources_is_shipped():
    assert provenance.text_file_problems(read_corpus(PINNED_CONTENT)) == []


def test_every_outcome_figure_appears_in_the_cited_source_text(texts):
    found = provenance.unsupported_numbers(read_corpus(PINNED_CONTENT), texts)
    assert not found, "\n".join(p.format() for p in found)


def test_kb_validate_catches_a_copied_run_unless_it_is_quoted(content_copy):
    copied = "区委区政府制定下发关于建立长宁区社区人民调解信访代理工作室的实施意见"  # 33 characters of kaituo-yu-chuangxin.txt
    text = write_case(content_copy, summary=f"测试：{copied}。")
    found = [p for p in problems_in_case(content_copy) if "连续 25 个" in p.message]
    assert [(p.file, p.line, p.field) for p in found] == [(REL, line_of(text, "summary:"), "summary")]
    assert "content/sources/texts/kaituo-yu-chuangxin.txt" in found[0].message
    write_case(content_copy, summary=f"测试：“{copied}”。")
    assert not [p for p in problems_in_case(content_copy) if "连续 25 个" in p.message]


def test_a_text_that_is_not_shipped_is_reported_at_its_source(content_copy):
    (content_copy / "sources" / "texts" / "jiamenkou-2023.txt").unlink()
    _, problems = check(content_copy)
    found = [p for p in problems if p.file == "content/sources/jiamenkou-2023.yaml"]
    assert found and all("jiamenkou-2023.txt 不存在" in p.message for p in found) and found[0].line == 7


def test_an_outcome_figure_missing_from_the_source_is_caught(content_copy, texts):
    outcome = "outcomes:\n  - {indicator: 代理的矛盾, value: 4321, unit: 起, period: 2006年, evidence: media}"
    write_case(content_copy, extra=outcome)
    found = provenance.unsupported_numbers(read_corpus(content_copy), texts)
    assert [(p.file, p.field) for p in found] == [(REL, "outcomes[0].value")]
    words = ("outcomes:\n  - {indicator: 拿出方案用时, value: 1.5, unit: 个月, period: 2007年, evidence: media, "
             "note: 原文为“一个半月”}")
    write_case(content_copy, extra=words)
    assert provenance.unsupported_numbers(read_corpus(content_copy), texts) == []


def test_kb_validate_reports_an_outcome_figure_missing_from_the_source_at_its_line(content_copy):
    outcome = "outcomes:\n  - {indicator: 代理的矛盾, value: 4321, unit: 起, period: 2006年, evidence: media}"
    text = write_case(content_copy, extra=outcome)
    found = [p for p in problems_in_case(content_copy) if "在所引资料的原文中找不到" in p.message]
    assert [(p.line, p.field) for p in found] == [(line_of(text, "value: 4321"), "outcomes[0].value")]
    assert "4321" in found[0].message and "note" in found[0].message


def test_course_feedback_rule_agrees_with_the_source(texts):
    assert "调处结果一周内告知代理人" in texts["kaituo-yu-chuangxin-01"]
    corpus = read_corpus(PINNED_CONTENT)
    for doc in corpus.courses:
        for module in doc.data["modules"]:
            for lesson in module["lessons"]:
                for quiz in lesson.get("quiz", []):
                    for option in quiz["options"]:
                        if "一周内告知" in option["text"]:
                            assert option.get("correct", False) == ("代理人" in option["text"]), option
                for point in lesson.get("key_points", []):
                    assert "一周内告知委托人" not in point, point


def test_a_course_reading_beyond_the_catalogued_range_is_reported(content_copy):
    course = content_copy / "courses" / "xinren-daili-rumen.yaml"
    text = course.read_text(encoding="utf-8")
    assert text.count("pages: 3起") == 1
    course.write_text(text.replace("pages: 3起", "pages: 3-30"), encoding="utf-8")
    _, problems = check(content_copy)
    found = [p for p in problems if p.file == "content/courses/xinren-daili-rumen.yaml" and p.field.endswith(".pages")]
    assert len(found) == 1 and "kaituo-yu-chuangxin-01" in found[0].message


def test_compare_view_labels_editors_analysis():
    from kb.site.compare import compare_record

    corpus, _ = check(PINNED_CONTENT)
    case = next(c for c in build_site_model(corpus).cases if c.id == "shanghai-changning-tiaojie-daili")
    record = compare_record(case)
    lessons = next(f for f in record["fields"] if "便于向其他街镇复制" in f)
    assert "职责、制度、流程、守则、管理、评估全部统一，便于考核，也便于向其他街镇复制。<small>（编者按）</small>" in lessons
    first = lessons.split("<li>")[1]  # the first lesson is sourced, labelled as on the page
    assert "（编者按）" not in first and "<small>（据资料 [" in first
