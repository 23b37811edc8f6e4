"""Messages that say what to type: one test per message, each on a real broken file."""
from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from conftest import without_region, write_file
from kb.cli import main
from kb.content.hints import mkdocs_problem
from kb.core.problems import Problem, ProblemsFound
from kb.content.scaffold import slugify
from kb.build.builder import run_mkdocs
from kb.content.validate import check

REL = "cases/shanghai/shanghai-lingdao-baoan.yaml"
FILE = f"content/{REL}"


def broken(content: Path, old: str, new: str) -> tuple[str, list[Problem]]:
    """Replace `old` (once) by `new` in the test case file; returns the new text and the errors."""
    path = content / REL
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return text, [p for p in check(content)[1] if p.severity == "error"]


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_full_width_colon_after_a_key_is_named_at_its_own_line(content_copy):
    text, errors = broken(content_copy, "\norganisation: ", "\norganisation：")
    line = line_of(text, "organisation：")
    mine = [p for p in errors if p.file == FILE]
    assert [(p.line, p.column, p.field) for p in mine] == [(line, len("organisation") + 1, "organisation")]
    assert "全角冒号“：”" in mine[0].message and "半角冒号" in mine[0].message


def test_full_width_comma_in_a_bracket_list_is_named(content_copy):
    text, errors = broken(content_copy, "themes: [qianghua-zeren, shiyao-jiejue]", "themes: [qianghua-zeren，shiyao-jiejue]")
    mine = [p for p in errors if p.file == FILE and p.line == line_of(text, "themes: [")]
    assert len(mine) == 1 and "全角标点“，”" in mine[0].message and "半角逗号" in mine[0].message


def test_full_width_quotes_that_do_not_quote_are_named(content_copy):
    text, errors = broken(content_copy, "\norganisation: ", "\norganisation: “市委: 市政府”")
    mine = [p for p in errors if p.file == FILE]
    assert mine[0].line == line_of(text, "organisation: “") and "全角引号" in mine[0].message
    assert "could not" not in mine[0].message


def test_a_number_where_text_is_expected_says_put_it_in_quotes(content_copy):
    text, errors = broken(content_copy, "\norganisation: 中共上海市委、上海市人民政府", "\norganisation: 2005")
    mine = [p for p in errors if p.file == FILE and p.field == "organisation"]
    assert len(mine) == 1 and "请加引号，写成 \"2005\"" in mine[0].message


def test_a_practice_type_name_where_its_id_belongs_gets_the_id(content_copy):
    text, errors = broken(content_copy, "practice_types: [lingdao-baoan,", "practice_types: [领导包案,")
    mine = [p for p in errors if p.file == FILE and p.field == "practice_types[0]"]
    assert [p.message for p in mine] == [
        "做法类型“领导包案”不在 content/taxonomy/practice-types.yaml 中。这里要写编号，不是名称：请写 lingdao-baoan（领导包案）"]


def test_a_region_name_where_its_id_belongs_gets_the_id(content_copy):
    text, errors = broken(content_copy, "  region: shanghai\n", "  region: 江苏路街道\n")
    mine = [p for p in errors if p.file == FILE and p.field == "locality.region"]
    assert len(mine) == 1 and "请写 shanghai-changning-jiangsulu（江苏路街道）" in mine[0].message


def test_a_misspelt_id_gets_did_you_mean(content_copy):
    text, errors = broken(content_copy, "practice_types: [lingdao-baoan,", "practice_types: [lingdao-baoon,")
    mine = [p for p in errors if p.file == FILE and p.field == "practice_types[0]"]
    assert len(mine) == 1 and "是不是 lingdao-baoan（领导包案）" in mine[0].message


def test_list_items_are_labelled_by_position_in_words(content_copy):
    text, errors = broken(content_copy, "themes: [qianghua-zeren, shiyao-jiejue]", "themes: [qianghua-zeren, 12]")
    mine = [p for p in errors if p.file == FILE and p.field == "themes[1]"]
    assert mine and mine[0].message.startswith("「主题第 2 项」应为文字")
    assert "「1」" not in mine[0].message


def test_an_empty_required_year_asks_to_be_filled_in(content_copy):
    text, errors = broken(content_copy, "  reported_year: 2007\n", "  reported_year:\n")
    mine = [p for p in errors if p.file == FILE and p.field == "period.reported_year"]
    assert [p.message for p in mine] == ["「报道年份」还没有填写（应为整数）"]


def test_an_empty_text_left_from_a_skeleton_asks_to_be_filled_in(content_copy):
    text, errors = broken(content_copy, "\norganisation: 中共上海市委、上海市人民政府", '\norganisation: ""')
    mine = [p for p in errors if p.file == FILE and p.field == "organisation"]
    assert len(mine) == 1 and mine[0].message.startswith("还是空的：请填写")


def test_a_broken_markdown_link_is_reported_in_chinese_at_the_content_file(tmp_path, content_copy):
    text, errors = broken(content_copy, "\nsummary: >-\n", "\nsummary: >-\n  详见[办法](banfa.md)。\n")
    # kb validate finds it first (rules.link_problems); MkDocs' own warning is still located as a fallback
    assert [(p.file, p.line, p.field) for p in errors] == [(FILE, line_of(text, "banfa.md"), "summary")]
    assert "cases/banfa.md 不存在" in errors[0].message
    corpus = check(content_copy)[0]
    docs = tmp_path / "docs"
    write_file(docs, "index.md", "# 首页\n")
    write_file(docs, "cases/shanghai-lingdao-baoan.md", "# 案例\n\n详见[办法](banfa.md)。\n")
    config = write_file(tmp_path, "mkdocs.yml", "site_name: t\nstrict: true\nnav:\n  - index.md\n"
                        "validation:\n  links:\n    not_found: warn\n")
    try:
        run_mkdocs(docs, tmp_path / "site", config)
        raise AssertionError("MkDocs accepted a broken link")
    except ProblemsFound as found:
        raw = found.problems[0]
    assert raw.file == "mkdocs.yml"  # what MkDocs alone can say
    located = mkdocs_problem(raw.message.removeprefix("MkDocs："), corpus, raw)
    assert (located.file, located.line) == (FILE, line_of(text, "banfa.md"))
    assert located.message.startswith("链接“banfa.md”指向的页面不存在")
    assert "Doc file" not in located.message


def test_ids_split_pinyin_by_words_not_by_guesses():
    assert slugify("接诉即办快字诀") == "jiesu-jiban-kuaizi-jue"
    assert slugify("领导接访包案") == "lingdao-jiefang-baoan"


def test_new_case_for_an_unlisted_region_says_where_regions_live_and_how_to_add_one(content_copy):
    without_region(content_copy, "华阳路街道")
    result = CliRunner().invoke(main, ["--content", str(content_copy), "new", "case", "--region", "华阳路街道", "--name", "测试做法"])
    assert result.exit_code == 1
    assert "content/regions.yaml" in result.output and "kb new region 华阳路街道" in result.output


def test_a_source_title_where_its_id_belongs_gets_the_id(content_copy):
    corpus = check(content_copy)[0]
    titles = {**corpus.source_map(), **{k: a for k, (a, _) in corpus.article_map().items()}}
    path = content_copy / REL
    text = path.read_text(encoding="utf-8")
    cited = next(line for line in text.splitlines() if line.strip().startswith("- source: "))
    ref = cited.split("- source: ", 1)[1].strip()
    path.write_text(text.replace(cited, cited.replace(ref, f'"{titles[ref]["title"]}"'), 1), encoding="utf-8")
    mine = [p for p in check(content_copy)[1] if p.file == FILE and p.field == "sources[0].source"]
    assert len(mine) == 1 and f"这里要写编号，不是名称：请写 {ref}" in mine[0].message


def test_an_unreadable_file_is_reported_once_not_at_every_reference_to_it(content_copy):
    text, errors = broken(content_copy, "\norganisation: ", "\norganisation：")
    assert [p.file for p in errors] == [FILE]


def test_full_width_space_indentation_is_named(content_copy):
    text, errors = broken(content_copy, "\norganisation: ", "\n\u3000organisation: ")
    mine = [p for p in errors if p.file == FILE and "全角空格" in p.message]
    assert len(mine) == 1 and mine[0].line == line_of(text, "\u3000organisation")
