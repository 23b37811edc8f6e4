"""Training courses: validation of references and quizzes, course pages, printable handouts."""
import shutil
import subprocess

import pytest
import yaml

from conftest import write_file
from kb.site.browser import chromium_path
from conftest import PINNED_CONTENT
from kb.site.handout import make_handouts, render_handout
from kb.site.render import build_site_model, course_lessons, render_pages
from kb.content.validate import check

COURSE = "content/courses/ceshi-kecheng.yaml"


def course_text(**changes) -> str:
    quiz = {"id": "q1", "kind": "single", "question": "代理员第一步做什么？",
            "options": [{"text": "填写登记表", "correct": True}, {"text": "直接归档"}],
            "explanation": "长宁区流程从填写登记表开始。", "cites": ["shanghai-changning-tiaojie-daili"]}
    quiz.update(changes.pop("quiz", {}))
    lesson = {"id": "l1", "title": "流程", "objectives": ["说出流程的七个环节"], "key_points": ["先登记再确定受理部门"],
              "readings": [{"case": "shanghai-changning-tiaojie-daili"}, {"term": "信访代理"}], "quiz": [quiz]}
    lesson.update(changes.pop("lesson", {}))
    course = {"id": "ceshi-kecheng", "title": "测试课程名称", "audience": "新任信访代理员",
              "description": "只用于自动测试的一门课程。", "modules": [{"id": "m1", "title": "第一单元", "lessons": [lesson]}]}
    course.update(changes)
    return "# yaml-language-server: $schema=../../schemas/course.schema.json\n" + yaml.safe_dump(course, allow_unicode=True, sort_keys=False)


def problems_for(content_copy, text):
    write_file(content_copy, "courses/ceshi-kecheng.yaml", text)
    _, problems = check(content_copy)
    return {(p.field, p.message) for p in problems if p.file == COURSE and p.severity == "error"}


def test_a_well_formed_course_validates(content_copy):
    assert problems_for(content_copy, course_text()) == set()


def test_single_choice_needs_exactly_one_correct_answer(content_copy):
    found = problems_for(content_copy, course_text(quiz={"options": [{"text": "甲", "correct": True}, {"text": "乙", "correct": True}]}))
    assert ("modules[0].lessons[0].quiz[0].options", "单选题必须恰好有一个正确答案，现在有 2 个") in found


def test_multiple_choice_needs_at_least_one_correct_answer(content_copy):
    found = problems_for(content_copy, course_text(quiz={"kind": "multiple", "options": [{"text": "甲"}, {"text": "乙"}]}))
    assert ("modules[0].lessons[0].quiz[0].options", "多选题至少要有一个正确答案") in found


def test_broken_references_are_reported_where_written(content_copy):
    found = problems_for(content_copy, course_text(
        lesson={"readings": [{"case": "bu-cunzai"}, {"term": "不存在的术语"}, {"source": "wu-ci-shu"}]},
        quiz={"cites": ["ye-bu-cunzai"]}))
    fields = {f for f, _ in found}
    assert {"modules[0].lessons[0].readings[0].case", "modules[0].lessons[0].readings[1].term",
            "modules[0].lessons[0].readings[2].source", "modules[0].lessons[0].quiz[0].cites[0]"} <= fields


def test_duplicate_ids_within_a_course_are_reported(content_copy):
    text = course_text(lesson={"id": "m1"})
    assert ("modules[0].lessons[0].id", "编号“m1”在本课程中重复") in problems_for(content_copy, text)


def test_course_id_must_match_the_file_name(content_copy):
    found = problems_for(content_copy, course_text(id="ling-yi-ge"))
    assert any(f == "id" and "文件名" in m for f, m in found)


@pytest.fixture(scope="module")
def shipped():
    corpus, problems = check(PINNED_CONTENT)
    assert not [p for p in problems if p.severity == "error"]
    return corpus


def test_the_proxy_course_has_at_least_six_modules_and_a_cadre_course_exists(shipped):
    courses = {d.data["id"]: d.data for d in shipped.courses}
    assert len(courses["xinren-daili-rumen"]["modules"]) >= 6
    assert "lingdao-jiefang-baoan" in courses


def test_lesson_pages_link_neighbours_and_hide_answers(shipped):
    pages = render_pages(build_site_model(shipped))
    course = next(d.data for d in shipped.courses if d.data["id"] == "xinren-daili-rumen")
    lessons = course_lessons(course)
    second = pages[f"courses/xinren-daili-rumen/{lessons[1]['id']}.md"]
    assert f'href="{lessons[0]["id"]}.html"' in second and f'href="{lessons[2]["id"]}.html"' in second
    assert f"第 2 课，共 {len(lessons)} 课" in second
    answer = second.index("答案：")
    assert second.rfind("<details", 0, answer) > second.rfind("</details>", 0, answer)


@pytest.mark.skipif(not chromium_path() or not shutil.which("pdftotext"), reason="needs Debian's chromium and poppler-utils")
def test_handouts_are_pdfs_with_embedded_chinese_fonts_and_answers_only_for_trainers(shipped, tmp_path):
    written = make_handouts(shipped, tmp_path, ["lingdao-jiefang-baoan"])
    trainee, trainer = sorted(written, key=lambda p: "trainer" in p.name)
    text = {p: subprocess.run(["pdftotext", str(p), "-"], capture_output=True, text=True, check=True).stdout for p in written}
    assert "领导干部接访、下访与包案" in text[trainee]
    assert "答案：" in text[trainer] and "答案：" not in text[trainee]
    fonts = subprocess.run(["pdffonts", str(trainee)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts)


def test_handout_html_names_cases_by_title_not_id(shipped):
    course = next(d.data for d in shipped.courses if d.data["id"] == "xinren-daili-rumen")
    html = render_handout(shipped, course, trainer=True)
    assert "shanghai-changning-tiaojie-daili" not in html
    assert "长宁区人民调解与信访代理工作室" in html


def test_handout_marks_draft_cases_as_the_site_does(shipped):
    course = next(d.data for d in shipped.courses if d.data["id"] == "xinren-daili-rumen")
    html = render_handout(shipped, course, trainer=True)
    cases = shipped.case_map()
    for case in cases.values():
        named = f"《{case['title']}》"
        if named in html:
            assert (f"{named}［草稿］" in html) == (case["status"] == "draft"), case["id"]
