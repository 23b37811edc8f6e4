"""The strict YAML loader: YAML 1.2 scalars, refusals with exact positions, and properties."""
from __future__ import annotations

import re

import pytest
import yaml
from hypothesis import example, given
from hypothesis import strategies as st

from kb.content.load import Document, load_file, load_text
from kb.core.problems import Problem, ProblemsFound, field_path

FILE = "content/cases/shanghai/x.yaml"


def value(text: str):
    """The value of key `a` in a one-line document `a: <text>`."""
    return load_text(f"a: {text}\n", FILE).data["a"]


def problems_of(text: str) -> list[Problem]:
    with pytest.raises(ProblemsFound) as found:
        load_text(text, FILE)
    return found.value.problems


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line of `text` containing `needle`."""
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


def column_of(text: str, needle: str) -> int:
    return text.splitlines()[line_of(text, needle) - 1].index(needle) + 1


# --- YAML 1.1 surprises stay text -------------------------------------------------------------

@pytest.mark.parametrize("word", ["NO", "no", "No", "yes", "Yes", "YES", "on", "off", "ON", "y", "n", "Y", "N"])
def test_yaml_1_1_boolean_words_stay_text(word):
    assert value(word) == word


def test_unquoted_date_stays_text():
    assert value("2005-01-15") == "2005-01-15"


def test_unquoted_timestamp_stays_text():
    assert value("2005-01-15 10:30:00") == "2005-01-15 10:30:00"


@pytest.mark.parametrize("code", ["0777", "007", "00", "-0777", "0310101"])
def test_number_with_leading_zero_stays_text(code):
    assert value(code) == code


def test_number_with_underscores_stays_text():
    assert value("1_000") == "1_000"


def test_sexagesimal_number_stays_text():
    assert value("1:30") == "1:30"


@pytest.mark.parametrize("literal", ["0x1F", "0o17", "0b101"])
def test_hex_octal_and_binary_literals_stay_text(literal):
    assert value(literal) == literal


@pytest.mark.parametrize("word", ["E1", "e3", "+e1", "-E5"])
def test_letter_e_with_digits_stays_text(word):
    # Not a YAML 1.2 number (a float needs digits before the exponent): text, not a crash.
    assert value(word) == word


def test_quoted_true_stays_text():
    assert value('"true"') == "true"


def test_explicit_str_tag_keeps_text():
    assert value("!!str 0777") == "0777"


# --- what does parse -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [("true", True), ("True", True), ("TRUE", True),
                                            ("false", False), ("False", False), ("FALSE", False)])
def test_true_and_false_parse_as_booleans(text, expected):
    assert value(text) is expected


@pytest.mark.parametrize("text, expected", [("0", 0), ("7", 7), ("2007", 2007), ("-12", -12), ("+5", 5)])
def test_decimal_integers_parse_as_int(text, expected):
    result = value(text)
    assert result == expected and type(result) is int


@pytest.mark.parametrize("text, expected", [("3.14", 3.14), ("-0.5", -0.5), (".5", 0.5), ("1e3", 1000.0),
                                            ("1.5E-2", 0.015)])
def test_decimal_floats_parse_as_float(text, expected):
    result = value(text)
    assert result == expected and type(result) is float


@pytest.mark.parametrize("text", ["null", "Null", "NULL", "~", ""])
def test_null_forms_parse_as_none(text):
    assert value(text) is None


# --- explicit tags --------------------------------------------------------------------------------

def test_unknown_tag_is_refused_with_its_position():
    problems = problems_of("id: a\ntitle: !foo x\n")
    assert [(p.line, p.column, p.field) for p in problems] == [(2, 8, "title")]


@pytest.mark.parametrize("text", ["!!int x", "!!float abc", "!!bool x"])
def test_invalid_value_for_a_standard_tag_is_a_problem_not_a_crash(text):
    problems = problems_of(f"id: a\nvalue: {text}\n")
    assert [(p.line, p.field) for p in problems] == [(2, "value")]


def test_int_tag_does_not_read_yaml_1_1_octal():
    try:
        data = load_text("a: !!int 0777\n", FILE).data
    except ProblemsFound:
        return
    assert data["a"] != 511


def test_bool_tag_does_not_accept_yaml_1_1_yes():
    problems = problems_of("id: a\nflag: !!bool yes\n")
    assert [(p.line, p.field) for p in problems] == [(2, "flag")]


def test_int_tag_cannot_smuggle_in_a_mapping():
    try:
        data = load_text('a: !!int "1: 2"\n', FILE).data
    except ProblemsFound:
        return
    assert not isinstance(data["a"], dict)


# --- duplicate keys ------------------------------------------------------------------------------

def test_duplicate_key_is_refused_at_the_second_key():
    text = "id: a\ntitle: 标题\nid: b\n"
    problems = problems_of(text)
    assert [(p.file, p.line, p.column, p.field) for p in problems] == [(FILE, 3, 1, "id")]


def test_duplicate_nested_key_names_its_field_path():
    text = "id: a\nlocality:\n  region: shanghai\n  level: county\n  region: jiangsu\n"
    problems = problems_of(text)
    assert [(p.line, p.column, p.field) for p in problems] == [(5, 3, "locality.region")]


def test_duplicate_key_in_a_list_item_names_its_index():
    text = "measures:\n  - name: 甲\n    details: 一\n  - name: 乙\n    name: 丙\n"
    problems = problems_of(text)
    assert [(p.line, p.column, p.field) for p in problems] == [(5, 5, "measures[1].name")]


def test_duplicate_key_message_names_the_line_of_the_first_key():
    text = "locality:\n  region: shanghai\nlocality: jiangsu\n"
    [problem] = problems_of(text)
    assert "第 1 行" in problem.message


def test_every_duplicate_key_is_reported_at_once():
    text = "id: a\nid: b\ntitle: x\ntitle: y\n"
    assert [(p.line, p.field) for p in problems_of(text)] == [(2, "id"), (4, "title")]


# --- aliases ------------------------------------------------------------------------------------

def test_alias_is_refused_at_its_line():
    text = "id: a\nsummary: &s 这是摘要\nbackground: *s\n"
    [problem] = problems_of(text)
    assert (problem.file, problem.line, problem.column) == (FILE, 3, column_of(text, "*s"))
    assert "别名" in problem.message


def test_alias_in_a_list_is_refused_at_its_line():
    text = "tags:\n  - &t 信访\n  - *t\n"
    [problem] = problems_of(text)
    assert problem.line == 3


# --- encodings ----------------------------------------------------------------------------------

def test_utf8_with_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + "id: a\ntitle: 标题\n".encode("utf-8"))
    doc = load_file(path, FILE)
    assert doc.data == {"id": "a", "title": "标题"}
    assert doc.positions[("id",)] == (1, 5)


def test_utf8_without_bom_is_accepted(tmp_path):
    path = tmp_path / "plain.yaml"
    path.write_bytes("id: a\ntitle: 标题\n".encode("utf-8"))
    assert load_file(path, FILE).data == {"id": "a", "title": "标题"}


def test_gbk_file_asks_to_save_as_utf8_and_names_the_line(tmp_path):
    text = "id: ceshi\nstatus: draft\ntitle: 上海信访代理\n"
    path = tmp_path / "gbk.yaml"
    path.write_bytes(text.encode("gbk"))
    with pytest.raises(ProblemsFound) as found:
        load_file(path, FILE)
    [problem] = found.value.problems
    assert "UTF-8" in problem.message and "GBK" in problem.message
    assert (problem.file, problem.line, problem.column) == (FILE, line_of(text, "上海"), column_of(text, "上海"))


def test_gb18030_file_asks_to_save_as_utf8(tmp_path):
    path = tmp_path / "gb18030.yaml"
    path.write_bytes("id: ceshi\ntitle: 上海信访\n".encode("gb18030"))
    with pytest.raises(ProblemsFound) as found:
        load_file(path, FILE)
    assert "UTF-8" in found.value.problems[0].message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom_is_refused(tmp_path, encoding):
    path = tmp_path / "utf16.yaml"
    raw = "id: ceshi\ntitle: 上海\n".encode(encoding)
    if encoding != "utf-16":  # the plain codec writes a BOM itself
        raw = ("\ufeff").encode(encoding) + raw
    path.write_bytes(raw)
    with pytest.raises(ProblemsFound) as found:
        load_file(path, FILE)
    [problem] = found.value.problems
    assert (problem.file, problem.line) == (FILE, 1)
    assert "UTF-16" in problem.message and "UTF-8" in problem.message


def test_load_file_names_the_file_by_its_path_when_no_display_name(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_bytes(b"")
    with pytest.raises(ProblemsFound) as found:
        load_file(path)
    assert found.value.problems[0].file == path.as_posix()


# --- syntax errors and empty files --------------------------------------------------------------

def test_syntax_error_reports_its_line():
    text = "id: a\nstatus: draft\ntitle: 标题: 副标题\norganisation: 信访办\n"
    [problem] = problems_of(text)
    assert (problem.file, problem.line) == (FILE, 3)
    assert problem.message.startswith("YAML 语法错误")


def test_tab_indentation_reports_its_line_and_says_so():
    text = "id: a\nlocality:\n\tregion: shanghai\n"
    [problem] = problems_of(text)
    assert problem.line == 3
    assert "Tab" in problem.message


def test_second_document_is_refused_at_its_marker():
    text = "id: a\n---\nid: b\n"
    [problem] = problems_of(text)
    assert problem.line == 2


@pytest.mark.parametrize("text", ["", "\n\n", "   \n", "# 只有注释\n"])
def test_empty_file_is_refused(text):
    [problem] = problems_of(text)
    assert (problem.file, problem.line, problem.column) == (FILE, 1, 1)
    assert "空" in problem.message


def test_control_character_is_refused_at_its_position():
    [problem] = problems_of("id: a\ntitle: 标\x07题\n")
    assert (problem.file, problem.line, problem.column) == (FILE, 2, 9)


@pytest.mark.parametrize("escape, code", [("\\e", "U+001B"), ("\\a", "U+0007"), ("\\0", "U+0000"), ("\\x9b", "U+009B"),
                                          ("\\N", "U+0085"), ("\\v", "U+000B"), ("\\u007f", "U+007F")])
def test_a_control_character_written_as_an_escape_is_refused_at_the_escape(escape, code):
    text = f'id: a\ntitle: "标题{escape}后"\n'
    [problem] = problems_of(text)
    assert (problem.line, problem.column, problem.field) == (2, 11, "title")
    assert problem.message == f"“{escape}”写出的是控制字符 {code}：页面、导出和终端都不接受，请删除这个转义"


def test_tab_and_line_break_escapes_stay_text():
    assert value('"甲\\t乙\\n丙"') == "甲\t乙\n丙"


@pytest.mark.parametrize("text", ['"\\ud800"', '"\\udfff后"', '"\\ud83d\\ude00"'])
def test_a_lone_surrogate_is_refused(text):
    [problem] = problems_of(f"id: a\ntitle: {text}\n")
    assert (problem.line, problem.column, problem.field) == (2, 9, "title")
    assert "半个字符" in problem.message


@pytest.mark.parametrize("digits", [16, 30, 5000])
def test_an_integer_longer_than_fifteen_digits_is_refused_not_a_traceback(digits):
    [problem] = problems_of(f"id: a\nvalue: {'7' * digits}\n")
    assert (problem.line, problem.column, problem.field) == (2, 8, "value")
    assert problem.message.startswith(f"数字太长（{digits} 位）：最多 15 位")


def test_fifteen_digits_and_quoted_long_numbers_load():
    assert value("999999999999999") == 999999999999999
    assert value('"' + "7" * 5000 + '"') == "7" * 5000


def test_a_float_too_large_to_hold_is_refused():
    [problem] = problems_of("id: a\nvalue: 1e999\n")
    assert problem.line == 2 and "数字太大" in problem.message


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize("text, column", [("x: " + "[" * 1000 + "]" * 1000, 53), ("x: " + "{a: " * 1000 + "}" * 1000, 200),
                                          ("- " * 1000 + "x", 101), ("x: " + "[" * 100_000, 53)])
def test_deep_nesting_is_refused_with_its_position_on_both_parsers(monkeypatch, fast, text, column):
    if not fast:
        monkeypatch.setattr(yaml, "__with_libyaml__", False)
    [problem] = problems_of(text + "\n")
    assert (problem.line, problem.column) == (1, column)
    assert problem.message.startswith("嵌套太深（超过 50 层）")


def test_fifty_levels_load():
    assert load_text("x: " + "[" * 49 + "1" + "]" * 49 + "\n", FILE).data["x"] is not None


def test_non_text_key_is_refused():
    [problem] = problems_of("id: a\n2007: 报道年份\n")
    assert problem.line == 2


# --- positions ----------------------------------------------------------------------------------

NESTED = """\
# yaml-language-server: $schema=../../../schemas/case.schema.json
id: ceshi
locality:
  region: shanghai-changning
  level: county
measures:
  - name: 第一条措施
    details: 甲甲甲甲
  - name: 第二条措施
    details: >-
      乙乙乙乙
      丙丙丙丙
tags: [信访, 代理]
"""


def test_position_of_a_nested_list_item_field_is_exact():
    doc = load_text(NESTED, FILE)
    assert doc.positions[("measures", 1, "name")] == (line_of(NESTED, "第二条措施"), column_of(NESTED, "第二条措施"))


def test_position_of_a_list_item_is_where_its_mapping_starts():
    doc = load_text(NESTED, FILE)
    assert doc.positions[("measures", 1)] == (line_of(NESTED, "第二条措施"), column_of(NESTED, "name: 第二条"))


def test_position_of_a_folded_block_is_its_indicator():
    doc = load_text(NESTED, FILE)
    assert doc.positions[("measures", 1, "details")] == (line_of(NESTED, "details: >-"), column_of(NESTED, ">-"))


def test_position_of_a_nested_mapping_value_is_exact():
    doc = load_text(NESTED, FILE)
    assert doc.positions[("locality", "level")] == (5, 10)


def test_position_of_a_flow_list_item_is_exact():
    doc = load_text(NESTED, FILE)
    assert doc.positions[("tags", 1)] == (line_of(NESTED, "代理"), column_of(NESTED, "代理"))


def test_problem_at_an_unwritten_path_points_at_the_nearest_written_ancestor():
    doc = load_text(NESTED, FILE)
    problem = doc.problem(("measures", 1, "unit"), "缺少")
    assert (problem.line, problem.column, problem.field) == (line_of(NESTED, "第二条措施"), 5, "measures[1].unit")


def test_field_path_joins_keys_and_indexes():
    assert field_path(("outcomes", 0, "change", "unit")) == "outcomes[0].change.unit"
    assert field_path(()) == ""


def test_problem_format_is_file_line_column_field_message():
    problem = Problem(FILE, 3, 8, "status", "不对")
    assert problem.format() == f"{FILE}:3:8  status  不对"
    assert Problem(FILE, 1, 1, "", "空").format() == f"{FILE}:1:1  -  空"


# --- properties ---------------------------------------------------------------------------------

# Strings the YAML 1.1 dumper writes unquoted but YAML 1.2 reads as numbers ("1e3", "-.5"): out of scope.
YAML12_NUMBER = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=30).filter(
    lambda s: not YAML12_NUMBER.fullmatch(s))
# Integers up to the loader's limit of 15 digits (longer ones are refused: see below).
VALUES = st.one_of(TEXT, st.integers(-(10**15 - 1), 10**15 - 1), st.booleans(), st.lists(TEXT, max_size=4))
MAPPINGS = st.dictionaries(TEXT, VALUES, max_size=8)


@given(MAPPINGS)
def test_safe_dumped_mapping_loads_back_unchanged(data):
    text = yaml.safe_dump(data, allow_unicode=True)
    assert load_text(text, FILE).data == data


@given(MAPPINGS)
@example({"<key>": ""})  # a real key spelled like the loader's internal key marker
def test_every_key_has_a_position_inside_the_text(data):
    text = yaml.safe_dump(data, allow_unicode=True)
    doc = load_text(text, FILE)
    lines = max(1, len(text.splitlines()))
    for key in doc.data:
        line, column = doc.positions[(key,)]
        assert 1 <= line <= lines
        assert column >= 1


@given(st.text())
@example("E1")
@example("a: !!int x")
def test_load_text_raises_nothing_but_problems_on_any_text(text):
    try:
        doc = load_text(text, FILE)
    except ProblemsFound as found:
        assert found.problems
        assert all(isinstance(p, Problem) and p.line >= 1 and p.column >= 1 for p in found.problems)
    else:
        assert isinstance(doc, Document)


YAML_TOKENS = st.sampled_from(["a", "b", ":", ": ", " ", "\n", "- ", "[", "]", "{", "}", ",", "&x ", "*x", "!!int ",
                               "!!bool ", "!!float ", "!!str ", "!!null ", "!foo ", "? ", "#", "'", '"', "\t", "  ",
                               "|", ">", "yes", "NO", "0777", "1", "1e3", "e3", "2005-01-15", "---", "...", "标题"])


@given(st.lists(YAML_TOKENS, max_size=25).map("".join))
def test_load_text_raises_nothing_but_problems_on_yaml_like_text(text):
    try:
        load_text(text, FILE)
    except ProblemsFound as found:
        assert all(isinstance(p, Problem) for p in found.problems)


def test_problems_are_printed_without_raw_control_characters():
    import json

    from kb.core.problems import terminal_safe
    problem = Problem("content/cases/x\x1b[31m.yaml", 1, 1, "title", "“\x1b]0;标题\x07\x9b2J”\n第二行\t末")
    printed = problem.format()
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", printed)
    assert printed == "content/cases/x\\x1b[31m.yaml:1:1  title  “\\x1b]0;标题\\x07\\u009b2J”\n第二行\t末"
    # kb search --json prints through the same escape: still JSON, still the same text
    assert json.loads(terminal_safe(json.dumps({"t": "甲\x9b乙\u202e丙"}, ensure_ascii=False))) == {"t": "甲\x9b乙\u202e丙"}
