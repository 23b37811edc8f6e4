"""The case lifecycle on a fixture corpus: drafts with problems wait without blocking anything,
review entries reach readers only in the editors' build, and `kb review` moves an entry along."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import write_file
from kb.cli import main
from kb.content.corpus import read_corpus
from kb.content.lifecycle import publishable
from kb.content.review import set_status
from kb.content.validate import check, has_errors


DRAFT = """\
# yaml-language-server: $schema=../../../schemas/case.schema.json
id: shanghai-changning-caogao
title: 测试区尚未写完的做法
status: {status}
locality: {{region: shanghai-changning, level: county}}
organisation: 长宁区信访办公室
practice_types: [{practice_type}]
themes: [jiceng-jichu]
period: {{reported_year: 2007}}
summary: 这是一个用于测试的草稿，只写了已知的部分。
measures:
  - {{name: 设立窗口, details: 在街道设立接待窗口。}}
sources:
  - {{source: test-book-02}}
"""
DRAFT_FILE = "content/cases/shanghai/shanghai-changning-caogao.yaml"


@pytest.fixture
def content(fixture_copy: Path) -> Path:
    return fixture_copy


def write_draft(content: Path, status: str = "draft", practice_type: str = "buzai-zhege-leibie") -> Path:
    return write_file(content, "cases/shanghai/shanghai-changning-caogao.yaml",
                      DRAFT.format(status=status, practice_type=practice_type))


def run(content: Path, *args: str):
    return CliRunner().invoke(main, ["--content", str(content), "--build-dir", str(content.parent / "build"), *args])


def test_a_draft_with_a_problem_is_a_warning_under_its_file_and_validate_passes(content):
    write_draft(content)
    result = run(content, "validate")
    assert result.exit_code == 0, result.output
    heading = next(line for line in result.output.splitlines() if DRAFT_FILE in line and line.startswith("草稿"))
    assert "不进入网站" in heading
    assert "buzai-zhege-leibie" in result.output and "检查通过" in result.output


def test_a_published_entry_with_the_same_problem_still_fails(content):
    write_draft(content, status="published")
    result = run(content, "validate")
    assert result.exit_code == 1
    assert f"{DRAFT_FILE}:7:" in result.output


def test_a_draft_that_cannot_even_be_read_waits_too(content):
    path = write_draft(content)
    path.write_text(path.read_text(encoding="utf-8").replace("summary: 这是", "summary: [这是"), encoding="utf-8")
    corpus, problems = check(content)
    shown = publishable(corpus, problems)
    assert [h.file for h in shown.held] == [DRAFT_FILE]
    assert not any(p.severity == "error" for p in shown.problems)


def test_a_held_draft_leaves_the_corpus_and_references_to_it_are_dropped_with_a_warning(content):
    write_draft(content)
    other = content / "cases" / "shanghai" / "shanghai-changning-daili.yaml"
    other.write_text(other.read_text(encoding="utf-8").replace("tags: [信访代理]",
                                                             "related: [shanghai-changning-caogao]\ntags: [信访代理]"),
                     encoding="utf-8")
    corpus, problems = check(content)
    shown = publishable(corpus, problems)
    ids = {d.data["id"] for d in shown.corpus.cases}
    assert "shanghai-changning-caogao" not in ids and "shanghai-changning-daili" in ids
    daili = next(d for d in shown.corpus.cases if d.data["id"] == "shanghai-changning-daili")
    assert "related" not in daili.data
    dropped = [p for p in shown.problems if p.file.endswith("shanghai-changning-daili.yaml") and p.field == "related[0]"]
    assert [p.severity for p in dropped] == ["warning"]
    # the document in the checked corpus is untouched
    assert next(d for d in corpus.cases if d.data["id"] == "shanghai-changning-daili").data["related"]


def test_a_draft_without_problems_stays_and_a_review_entry_only_for_editors(content):
    write_draft(content, practice_type="xinfang-daili")
    corpus, problems = check(content)
    assert not publishable(corpus, problems).held
    write_draft(content, status="review", practice_type="xinfang-daili")
    corpus, problems = check(content)
    readers, editors = publishable(corpus, problems), publishable(corpus, problems, editors=True)
    assert [h.id for h in readers.held] == ["shanghai-changning-caogao"] and readers.held[0].problems == []
    assert "shanghai-changning-caogao" in {d.data["id"] for d in editors.corpus.cases} and not editors.held


def test_set_status_changes_only_the_status_and_review_lines():
    text = DRAFT.format(status="review", practice_type="xinfang-daili")
    published = set_status(text, "published", "张审核", "2026-12-04")
    before, after = text.splitlines(), published.splitlines()
    assert after[3:6] == ["status: published", 'reviewed_by: "张审核"', 'reviewed_on: "2026-12-04"']
    assert after[:3] + after[6:] == before[:3] + before[4:]
    assert set_status(published, "published", "李四", "2026-12-05").count("reviewed_by") == 1


def test_submit_then_publish_records_the_reviewer(content):
    write_draft(content, practice_type="xinfang-daili")
    assert run(content, "review", "--publish", "shanghai-changning-caogao", "--by", "张审核").exit_code == 1  # not in review yet
    listed = run(content, "review")
    assert "shanghai-changning-caogao" in listed.output and "完成度" in listed.output
    assert run(content, "review", "--submit", "shanghai-changning-caogao").exit_code == 0
    assert "status: review" in (content.parent / DRAFT_FILE).read_text(encoding="utf-8")
    assert run(content, "review", "--publish", "shanghai-changning-caogao").exit_code == 2  # no reviewer
    done = run(content, "review", "--publish", "shanghai-changning-caogao", "--by", "张审核", "--on", "2026-12-04")
    assert done.exit_code == 0, done.output
    data = next(d.data for d in read_corpus(content).cases if d.data["id"] == "shanghai-changning-caogao")
    assert (data["status"], data["reviewed_by"], data["reviewed_on"]) == ("published", "张审核", "2026-12-04")
    assert run(content, "validate").exit_code == 0


def test_a_draft_with_problems_cannot_be_submitted(content):
    write_draft(content)
    result = run(content, "review", "--submit", "shanghai-changning-caogao")
    assert result.exit_code == 1 and "status: draft" in (content.parent / DRAFT_FILE).read_text(encoding="utf-8")


def test_reviewer_without_date_is_a_schema_error(content):
    path = write_draft(content, status="published", practice_type="xinfang-daili")
    path.write_text(path.read_text(encoding="utf-8").replace("status: published", "status: published\nreviewed_by: 张审核"),
                    encoding="utf-8")
    _, problems = check(content)
    assert any(p.file == DRAFT_FILE and "审核日期" in p.message for p in problems if p.severity == "error")


def test_the_preview_keeps_serving_and_lists_a_broken_drafts_problems_beside_its_last_page(content, tmp_path):
    import json

    from kb.build.builder import generate_docs, valid_corpus
    from kb.preview import server as preview
    from kb.preview.live import sync_docs
    from kb.preview.state import PreviewState

    path = write_draft(content, practice_type="xinfang-daili")
    docs = tmp_path / "docs"
    generate_docs(valid_corpus(content), docs, handouts=False)
    state = PreviewState()
    sync_docs(content, docs, state)
    page = docs / "cases" / "shanghai-changning-caogao.md"
    assert page.is_file() and not state.held
    path.write_text(path.read_text(encoding="utf-8").replace("[xinfang-daili]", "[buzai-zhege-leibie]"), encoding="utf-8")
    other = next(content.rglob("shanghai-changning-daili.yaml"))
    other.write_text(other.read_text(encoding="utf-8").replace("title: 测试区", "title: 改过的测试区"), encoding="utf-8")
    changed = sync_docs(content, docs, state)  # no ProblemsFound: the rest goes on
    assert "cases/shanghai-changning-daili.md" in changed and page.is_file()
    assert [h.file for h in state.held] == [DRAFT_FILE]
    site = tmp_path / "site"
    site.mkdir()
    preview.site_dir_known(str(site))
    preview.clear_problems()
    preview.show_held(state.held)
    status = json.loads((site / preview.STATUS_NAME).read_text(encoding="utf-8"))
    assert status["problems"] == []
    assert [d["file"] for d in status["drafts"]] == [DRAFT_FILE] and "buzai-zhege-leibie" in status["drafts"][0]["problems"][0]
    preview.show_held([])
    path.write_text(path.read_text(encoding="utf-8").replace("level: county", "level: 区县"), encoding="utf-8")
    preview.quick_check([path], content)  # the saved draft's own slips: a notice, not the covering overlay
    status = json.loads((site / preview.STATUS_NAME).read_text(encoding="utf-8"))
    assert status["problems"] == [] and [d["file"] for d in status["drafts"]] == [DRAFT_FILE]
    preview.clear_problems()


def test_build_leaves_a_broken_draft_and_review_entries_out_and_builds_the_rest(content, tmp_path):
    from kb.build.builder import build_site

    write_draft(content, practice_type="xinfang-daili")
    write_file(content, "courses/ceshi-kecheng.yaml", COURSE)  # its text links to the draft
    first = build_site(content, tmp_path / "build")
    assert (first / "cases" / "shanghai-changning-caogao.html").is_file()
    assert "shanghai-changning-caogao.html" in (first / "courses" / "ceshi-kecheng" / "l1.html").read_text(encoding="utf-8")
    write_draft(content)  # now with a problem: the next (incremental) build takes its page away
    other = next(content.rglob("shanghai-changning-daili.yaml"))
    other.write_text(other.read_text(encoding="utf-8").replace("tags: [信访代理]",
                                                             "related: [shanghai-changning-caogao]\ntags: [信访代理]"),
                     encoding="utf-8")
    held = []
    site = build_site(content, tmp_path / "build", held=held)
    assert [h.file for h in held] == [DRAFT_FILE]
    assert (site / "cases" / "shanghai-changning-daili.html").is_file()
    assert not (site / "cases" / "shanghai-changning-caogao.html").exists()
    lesson = (site / "courses" / "ceshi-kecheng" / "l1.html").read_text(encoding="utf-8")
    assert "尚未写完的做法" in lesson and "shanghai-changning-caogao" not in lesson
    board = (tmp_path / "build" / "docs" / "dashboard.md").read_text(encoding="utf-8")
    assert "shanghai-changning-caogao.yaml" in board and "buzai-zhege-leibie" in board

    write_draft(content, status="review", practice_type="xinfang-daili")
    readers = build_site(content, tmp_path / "build")
    assert not (readers / "cases" / "shanghai-changning-caogao.html").exists()
    editors = build_site(content, tmp_path / "editors", editors=True)
    assert (editors / "cases" / "shanghai-changning-caogao.html").is_file()


def test_a_draft_with_a_placeholder_is_not_submitted(content):
    path = write_draft(content, practice_type="xinfang-daili")
    path.write_text(path.read_text(encoding="utf-8").replace("organisation: 长宁区信访办公室", "organisation: （待填写）"),
                    encoding="utf-8")
    assert run(content, "validate").exit_code == 0  # a reminder while it is a draft
    result = run(content, "review", "--submit", "shanghai-changning-caogao")
    assert result.exit_code == 1 and "（待填写）" in result.output
    assert "status: draft" in path.read_text(encoding="utf-8")


# ------------------------------------------------------------------ problems a draft causes on other files

PUBLISHED_FILE = "content/cases/shanghai/shanghai-changning-daili.yaml"


def errors_by_file(problems) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for p in problems:
        if p.severity == "error":
            found.setdefault(p.file, []).append(p.message)
    return found


def test_a_draft_copying_a_published_cases_file_in_another_folder_is_held_and_the_published_one_stays(content):
    published = (content.parent / PUBLISHED_FILE).read_text(encoding="utf-8")
    copy = write_file(content, "cases/beijing/shanghai-changning-daili.yaml",  # sorts before shanghai/: read first
                      published.replace("status: published", "status: draft"))
    corpus, problems = check(content)
    assert any("重复" in m for m in errors_by_file(problems)["content/cases/beijing/shanghai-changning-daili.yaml"])
    assert PUBLISHED_FILE not in errors_by_file(problems)
    shown = publishable(corpus, problems, editors=True)
    assert [h.file for h in shown.held] == ["content/cases/beijing/shanghai-changning-daili.yaml"]
    assert [d.file for d in shown.corpus.cases if d.data["id"] == "shanghai-changning-daili"] == [PUBLISHED_FILE]
    result = run(content, "validate")
    assert result.exit_code == 0, result.output
    assert f"{copy.relative_to(content.parent).as_posix()}:2:" in result.output  # the id line, under the draft


def test_a_draft_reusing_a_published_id_under_another_file_name_is_the_one_told(content):
    published = (content.parent / PUBLISHED_FILE).read_text(encoding="utf-8")
    write_file(content, "cases/shanghai/a-changning-copy.yaml", published.replace("status: published", "status: draft"))
    corpus, problems = check(content)
    messages = errors_by_file(problems)
    assert any(f"已在 {PUBLISHED_FILE} 中使用" in m for m in messages["content/cases/shanghai/a-changning-copy.yaml"])
    assert PUBLISHED_FILE not in messages
    assert not has_errors(publishable(corpus, problems).problems)


def test_two_published_entries_with_one_id_still_fail(content):
    published = (content.parent / PUBLISHED_FILE).read_text(encoding="utf-8")
    write_file(content, "cases/beijing/shanghai-changning-daili.yaml", published)
    result = run(content, "validate")
    assert result.exit_code == 1
    assert f"{PUBLISHED_FILE}:2:5  id  案例编号“shanghai-changning-daili”重复" in result.output


def close_a_part_of_cycle(content: Path, draft: Path) -> None:
    """The draft becomes part of the published fixture case, and that case part of the draft."""
    draft.write_text(draft.read_text(encoding="utf-8") + "part_of: shanghai-changning-daili\n", encoding="utf-8")
    other = content.parent / PUBLISHED_FILE
    other.write_text(other.read_text(encoding="utf-8").replace("tags: [信访代理]",
                                                             "part_of: shanghai-changning-caogao\ntags: [信访代理]"),
                     encoding="utf-8")


def test_a_part_of_cycle_through_a_draft_is_the_drafts_problem(content):
    close_a_part_of_cycle(content, write_draft(content, practice_type="xinfang-daili"))
    corpus, problems = check(content)
    messages = errors_by_file(problems)
    assert any("循环" in m for m in messages[DRAFT_FILE]) and PUBLISHED_FILE not in messages
    shown = publishable(corpus, problems)
    assert [h.file for h in shown.held] == [DRAFT_FILE] and not has_errors(shown.problems)
    daili = next(d for d in shown.corpus.cases if d.file == PUBLISHED_FILE)
    assert "part_of" not in daili.data  # the link to the held draft goes with it


def test_a_part_of_cycle_between_published_cases_still_fails(content):
    close_a_part_of_cycle(content, write_draft(content, status="published", practice_type="xinfang-daili"))
    _, problems = check(content)
    messages = errors_by_file(problems)
    assert any("循环" in m for m in messages[DRAFT_FILE]) and any("循环" in m for m in messages[PUBLISHED_FILE])


def test_course_readings_and_quiz_citations_of_a_held_draft_are_dropped_with_a_warning(content):
    write_draft(content)
    write_file(content, "courses/ceshi-kecheng.yaml", COURSE)
    corpus, problems = check(content)
    shown = publishable(corpus, problems)
    assert not has_errors(shown.problems)
    lesson = shown.corpus.courses[0].data["modules"][0]["lessons"][0]
    assert [r.get("case") for r in lesson["readings"]] == ["shanghai-changning-daili"]
    assert lesson["quiz"][0]["cites"] == ["shanghai-changning-daili"]
    warned = {p.field for p in shown.problems if p.file == COURSE_FILE and p.severity == "warning"}
    assert {"modules[0].lessons[0].readings[1].case", "modules[0].lessons[0].quiz[0].cites[1]"} <= warned


COURSE_FILE = "content/courses/ceshi-kecheng.yaml"
COURSE = """\
# yaml-language-server: $schema=../../schemas/course.schema.json
id: ceshi-kecheng
title: 测试课程名称
audience: 新任信访代理员
description: 只用于自动测试的一门课程。
modules:
  - id: m1
    title: 第一单元
    lessons:
      - id: l1
        title: 流程
        objectives: [说出流程的七个环节]
        key_points:
          - >-
            先登记再确定受理部门，
            做法见[工作室网络](../../cases/shanghai-changning-daili.md)和
            [尚未写完的做法](../../cases/shanghai-changning-caogao.md)。
        readings:
          - {case: shanghai-changning-daili}
          - {case: shanghai-changning-caogao}
        quiz:
          - id: q1
            kind: single
            question: 代理员第一步做什么？
            options:
              - {text: 填写登记表, correct: true}
              - {text: 直接归档}
            explanation: 流程从填写登记表开始。
            cites: [shanghai-changning-daili, shanghai-changning-caogao]
"""


def link_in_definitions(content: Path, in_glossary: str, in_type: str) -> tuple[Path, Path]:
    """Adds the given Markdown (a link) to the fixture glossary's 信访代理 definition and to the
    first practice type's definition; returns the two files."""
    glossary = content / "glossary.yaml"
    glossary.write_text(glossary.read_text(encoding="utf-8").replace(
        "跟踪办理并反馈结果的做法。", f"跟踪办理并反馈结果的做法，{in_glossary}。"), encoding="utf-8")
    types = content / "taxonomy" / "practice-types.yaml"
    types.write_text(types.read_text(encoding="utf-8").replace(
        "代为向有关部门反映诉求并跟踪反馈。", f"代为向有关部门反映诉求并跟踪反馈{in_type}。"), encoding="utf-8")
    return glossary, types


def test_prose_links_to_a_held_draft_become_plain_text_with_a_warning_at_the_link(content):
    write_draft(content)
    write_file(content, "courses/ceshi-kecheng.yaml", COURSE)
    glossary, types = link_in_definitions(content, "例如[这一个](cases/shanghai-changning-caogao.md)",
                                          "（见[草稿](../cases/shanghai-changning-caogao.md)）")
    corpus, problems = check(content)
    assert not has_errors([p for p in problems if p.file != DRAFT_FILE])  # the links themselves are fine
    shown = publishable(corpus, problems)
    assert not has_errors(shown.problems)

    point = shown.corpus.courses[0].data["modules"][0]["lessons"][0]["key_points"][0]
    assert "[工作室网络](../../cases/shanghai-changning-daili.md)" in point and point.endswith(" 尚未写完的做法。")
    definition = next(t for t in shown.corpus.glossary.data["terms"] if t["term"] == "信访代理")["definition"]
    assert definition.endswith("例如这一个。")
    practice_types = next(d for d in shown.corpus.taxonomies if d.data["kind"] == "practice_type")
    assert practice_types.data["terms"][0]["definition"].endswith("（见草稿）。")

    warnings = {(p.file, p.line) for p in shown.problems if p.severity == "warning" and "只显示链接文字" in p.message}
    course_line = COURSE.splitlines().index("            [尚未写完的做法](../../cases/shanghai-changning-caogao.md)。") + 1
    glossary_line = next(n for n, line in enumerate(glossary.read_text(encoding="utf-8").splitlines(), 1) if "这一个" in line)
    types_line = next(n for n, line in enumerate(types.read_text(encoding="utf-8").splitlines(), 1) if "草稿](" in line)
    assert warnings == {(COURSE_FILE, course_line), ("content/glossary.yaml", glossary_line),
                        ("content/taxonomy/practice-types.yaml", types_line)}
    # the checked corpus keeps the links: they come back when the draft is fixed
    assert "](cases/shanghai-changning-caogao.md)" in next(t for t in corpus.glossary.data["terms"]
                                                          if t["term"] == "信访代理")["definition"]


def test_a_broken_link_in_a_glossary_or_type_definition_is_an_error_at_its_line(content):
    link_in_definitions(content, "例如[这一个](cases/bu-cunzai.md)", "（见[案例](../cases/shanghai-changning-daili.md)）")
    _, problems = check(content)
    broken = [p for p in problems if p.severity == "error" and "站内链接" in p.message]
    assert [(p.file, p.field) for p in broken] == [("content/glossary.yaml", "terms[0].definition")]
    assert "cases/bu-cunzai.md 不存在" in broken[0].message


def test_a_course_page_keeps_written_case_links_whole_and_shows_a_held_drafts_link_as_its_text(content):
    from kb.site.render import build_site_model, render_pages

    write_draft(content)
    write_file(content, "courses/ceshi-kecheng.yaml", COURSE.replace("受理部门，", "受理部门（shanghai-changning-daili），"))
    corpus, problems = check(content)
    page = render_pages(build_site_model(publishable(corpus, problems).corpus))["courses/ceshi-kecheng/l1.md"]
    point = next(line for line in page.splitlines() if line.startswith("1. 先登记"))
    # a bare id becomes a link; an id inside a written link's address is left alone
    assert point.count("](../../cases/shanghai-changning-daili.md)") == 2, point
    assert "[工作室网络](../../cases/shanghai-changning-daili.md)" in point
    assert "尚未写完的做法" in point and "shanghai-changning-caogao" not in page


def test_a_case_linking_to_a_draft_is_made_again_when_the_draft_is_held_off(content):
    from kb.build.incremental import case_digests

    other = content.parent / PUBLISHED_FILE
    other.write_text(other.read_text(encoding="utf-8").replace(
        "summary: 街道设工作室", "summary: 参见[这个草稿](shanghai-changning-caogao.md)。街道设工作室"), encoding="utf-8")
    write_draft(content, practice_type="xinfang-daili")
    before = case_digests(publishable(*check(content)).corpus)
    write_draft(content)  # now with a problem: held off, the link in the published case becomes text
    shown = publishable(*check(content)).corpus
    daili = next(d for d in shown.cases if d.file == PUBLISHED_FILE)
    assert daili.data["summary"].startswith("参见这个草稿。")
    assert case_digests(shown)["shanghai-changning-daili"] != before["shanghai-changning-daili"]


def test_a_link_in_a_theme_definition_must_work_on_both_pages_that_show_it(content):
    themes = content / "taxonomy" / "themes.yaml"
    themes.write_text(themes.read_text(encoding="utf-8").replace(
        "制度建在街镇和村居一级。", "制度建在街镇和村居一级（见[案例](../cases/shanghai-changning-daili.md)）。"), encoding="utf-8")
    _, problems = check(content)
    broken = [p for p in problems if p.severity == "error" and "站内链接" in p.message]
    assert [(p.file, p.field) for p in broken] == [("content/taxonomy/themes.yaml", "terms[0].definition")]
    assert "两个文件夹的页面" in broken[0].message  # fine from themes/, broken on themes.md


def test_a_source_note_linking_to_a_held_draft_shows_the_link_text(content):
    write_draft(content)
    source = content / "sources" / "test-book.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace(
        "last_page: 40\n", "last_page: 40\nnote: 其中一篇改写成了[草稿](cases/shanghai-changning-caogao.md)。\n"), encoding="utf-8")
    corpus, problems = check(content)
    assert not has_errors([p for p in problems if p.file != DRAFT_FILE])
    shown = publishable(corpus, problems)
    assert shown.corpus.sources[0].data["note"] == "其中一篇改写成了草稿。"
    assert [(p.file, p.line) for p in shown.problems if "只显示链接文字" in p.message] == [("content/sources/test-book.yaml", 11)]


def test_a_held_drafts_id_in_course_text_shows_as_plain_words_with_a_warning(content):
    from kb.site.render import build_site_model, render_pages

    write_draft(content)
    text = COURSE.replace("            先登记再确定受理部门，\n", "            先登记再确定受理部门\n            （shanghai-changning-caogao），\n")
    write_file(content, "courses/ceshi-kecheng.yaml", text)
    corpus, problems = check(content)
    shown = publishable(corpus, problems)
    point = shown.corpus.courses[0].data["modules"][0]["lessons"][0]["key_points"][0]
    assert point.startswith("先登记再确定受理部门 （暂未发布的案例），")  # not the draft's unchecked title
    line = text.splitlines().index("            （shanghai-changning-caogao），") + 1
    assert [(p.line, p.severity) for p in shown.problems if p.file == COURSE_FILE and "暂未发布的案例" in p.message] \
        == [(line, "warning")]
    page = render_pages(build_site_model(shown.corpus))["courses/ceshi-kecheng/l1.md"]
    assert "shanghai-changning-caogao" not in page


def test_the_dashboard_lists_a_held_drafts_personal_data_problems_without_quoting_them(content):
    """The dashboard is a page of the site: a draft held off for suspected personal data must not
    bring that data onto the site through its list of problems or its title."""
    from kb.build.builder import valid_corpus
    from kb.site.render import build_site_model, render_pages

    path = write_draft(content, practice_type="xinfang-daili")
    path.write_text(path.read_text(encoding="utf-8").replace("title: 测试区", "title: 13912345678测试区")
                    .replace("只写了已知的部分。", "联系电话13812345678。"), encoding="utf-8")
    board = render_pages(build_site_model(valid_corpus(content)))["dashboard.md"]
    row = next(line for line in board.splitlines() if DRAFT_FILE in line)
    assert "13912345678" not in board and "13812345678" not in board
    assert "第 3 行 title：疑似个人信息" in row and "第 10 行 summary：疑似个人信息" in row
    assert run(content, "validate").output.count("13812345678") == 1  # the editor still sees it in kb validate
