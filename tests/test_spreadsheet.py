"""kb export / kb import cases.xlsx: a round trip that changes nothing, and problems named by cell."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from conftest import PINNED_CONTENT
from kb.cli import main
from kb.content.load import load_text
from kb.content.schemas import schema
from kb.office.spreadsheet import CASES_SHEET, layout, read_workbook, write_workbook
from kb.office.yamlout import case_text


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def shipped_export(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "案例表.xlsx"
    result = _run("--content", PINNED_CONTENT, "export", path)
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def exported(shipped_export, content_copy):
    """The export of the pinned content, and a copy of that content to import it into."""
    return shipped_export, content_copy


def test_reimporting_an_unchanged_export_of_the_pinned_corpus_changes_no_file(exported):
    path, content = exported
    before = _snapshot(content)
    result = _run("--content", content, "import", path)
    assert result.exit_code == 0, result.output
    assert "写入 0 个案例文件" in result.output
    assert _snapshot(content) == before


def test_export_has_one_row_per_case_and_sheets_for_measures_and_outcomes(exported):
    path, content = exported
    workbook = load_workbook(path)
    cases = list((content / "cases").rglob("*.yaml"))
    assert workbook.sheetnames[0] == "说明"
    assert {"案例", "主要措施", "成效数据", "选项"} <= set(workbook.sheetnames)
    assert workbook["案例"].max_row == len(cases) + 1
    header = [c.value for c in workbook["案例"][1]]
    assert header[:3] == ["案例编号（id）", "标题（title）", "状态（status）"]
    assert "做法类型（practice_types）" in header
    measures = sum(len(load_text(p.read_text(encoding="utf-8"), p.name).data["measures"]) for p in cases)
    assert workbook["主要措施"].max_row == measures + 1


def test_lists_are_joined_one_item_per_line(exported):
    path, _ = exported
    sheet = load_workbook(path)["案例"]
    header = [c.value for c in sheet[1]]
    themes = header.index("主题（themes）")
    multi = [row[themes] for row in sheet.iter_rows(min_row=2, values_only=True) if row[themes] and "\n" in row[themes]]
    assert multi and all("[" not in cell for cell in multi)


def test_drop_downs_offer_types_themes_regions_and_levels(exported):
    path, _ = exported
    workbook = load_workbook(path)
    sheet = workbook["案例"]
    header = [c.value for c in sheet[1]]
    covered = {}
    for rule in sheet.data_validations.dataValidation:
        for cell_range in rule.sqref.ranges:
            covered[header[cell_range.min_col - 1]] = rule.formula1
    for name in ("做法类型（practice_types）", "主题（themes）", "地区（locality.region）", "实施层级（locality.level）"):
        assert name in covered, name
    options = workbook["选项"]
    column = next(c for c in options[1] if c.value == "locality.level").column
    assert [options.cell(row=r, column=column).value for r in range(2, 8)] == ["national", "provincial", "municipal", "county", "township", "village"]
    assert "outcomes.evidence" in [c.value for c in options[1]]


def test_guide_sheet_describes_every_column(exported):
    path, _ = exported
    text = "\n".join(str(c.value) for row in load_workbook(path)["说明"].iter_rows() for c in row if c.value)
    columns, children = layout()
    for column in columns + [c for child in children for c in child.columns]:
        assert column.header in text


def test_every_problem_is_reported_by_sheet_row_column_and_field_and_nothing_is_written(exported, tmp_path):
    path, content = exported
    workbook = load_workbook(path)
    cases = workbook["案例"]
    header = [c.value for c in cases[1]]
    cases.cell(row=2, column=header.index("标题（title）") + 1, value="短")
    cases.cell(row=3, column=header.index("做法类型（practice_types）") + 1, value="no-such-type")
    cases.cell(row=4, column=header.index("开始年份（period.start_year）") + 1, value="二〇〇六")
    workbook["成效数据"]["A2"] = "ghost-case"
    workbook["主要措施"]["B2"] = None
    broken = tmp_path / "有错.xlsx"
    workbook.save(broken)
    before = _snapshot(content)
    result = _run("--content", content, "import", broken)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert "案例 行 2 列 B 「标题」 「标题」太短，至少 4 个字" in lines
    letter = chr(ord("A") + header.index("做法类型（practice_types）"))
    assert f"案例 行 3 列 {letter} 「做法类型」 做法类型“no-such-type”不在 content/taxonomy/practice-types.yaml 中" in lines
    assert any(l.startswith("案例 行 4 列 ") and "「开始年份」 应填整数" in l for l in lines)
    assert "成效数据 行 2 列 A 「案例编号」 案例“ghost-case”不在「案例」表中" in lines
    assert "主要措施 行 2 列 B 「措施名称」 缺少必填字段「措施名称」（name）" in lines
    assert lines[-1] == "共 5 个问题，没有写入任何文件。"
    assert _snapshot(content) == before


def test_an_edited_row_rewrites_only_its_case(exported, tmp_path):
    path, content = exported
    workbook = load_workbook(path)
    sheet = workbook[CASES_SHEET]
    header = [c.value for c in sheet[1]]
    case_id = sheet.cell(row=2, column=1).value
    sheet.cell(row=2, column=header.index("标签（tags）") + 1, value="新标签\n第二个标签")
    edited = tmp_path / "改过.xlsx"
    workbook.save(edited)
    before = _snapshot(content)
    result = _run("--content", content, "import", edited)
    assert result.exit_code == 0, result.output
    after = _snapshot(content)
    changed = [k for k in after if after[k] != before.get(k)]
    assert changed == [next(k for k in after if k.endswith(f"/{case_id}.yaml"))]
    data = load_text(after[changed[0]][0].decode("utf-8"), "x").data
    assert data["tags"] == ["新标签", "第二个标签"]


def test_text_that_looks_like_a_formula_is_stored_as_text(tmp_path):
    case = {"id": "a-b", "title": "=HYPERLINK(\"http://x\")", "tags": ["+1", "@x", "-2"], "summary": "=1+1",
            "measures": [{"name": "@SUM(A1)", "details": "-1"}]}
    path = write_workbook([case], tmp_path / "f.xlsx")
    workbook = load_workbook(path)
    cells = [c for sheet in workbook for row in sheet.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    assert read_workbook(path)[0][0].data == {**case, "period": {}}  # a required object comes back, empty


# ---------------------------------------------------------------- property: YAML → xlsx → YAML

_TEXT = st.text(st.sampled_from(list("信访代理调解 ab1\n\"'[]=+-@:#，。“”、%\t")), max_size=12)


def _strategy(node: dict, depth: int = 0):
    if "enum" in node:
        return st.sampled_from(node["enum"])
    kind = node.get("type")
    if kind == "object":
        props = node.get("properties", {})
        required = [k for k in node.get("required", []) if k in props]
        optional = {k: _strategy(v, depth + 1) for k, v in props.items() if k not in required}
        return st.fixed_dictionaries({k: _strategy(props[k], depth + 1) for k in required}, optional=optional)
    if kind == "array":
        return st.lists(_strategy(node.get("items", {}), depth + 1), max_size=3 if depth == 0 else 2)
    if kind == "integer":
        return st.integers(min_value=-10**6, max_value=10**6)
    if kind == "boolean":
        return st.booleans()
    if kind == "number":
        # Excel keeps 15 significant digits; the figures of a case have a few decimals at most
        return st.one_of(st.integers(-10**6, 10**6), st.integers(-10**9, 10**9).map(lambda n: n / 1000).filter(lambda f: not f.is_integer()))
    return _TEXT


_ID = st.from_regex(r"\A[a-z0-9]{1,4}(-[a-z0-9]{1,4}){0,2}\Z")


def _case_strategy():
    return st.tuples(_strategy(schema("case")), _ID).map(lambda pair: {**pair[0], "id": pair[1]})


@settings(max_examples=25)
@given(st.lists(_case_strategy(), min_size=1, max_size=3, unique_by=lambda d: d["id"]))
def test_yaml_to_xlsx_to_yaml_is_identical(tmp_path_factory, cases):
    texts = [case_text(case) for case in cases]
    loaded = [load_text(text, "x.yaml").data for text in texts]
    assert loaded == cases
    path = write_workbook(loaded, tmp_path_factory.mktemp("x") / "cases.xlsx")
    read, problems = read_workbook(path)
    assert problems == []
    assert [case_text(r.data) for r in read] == texts


def _append(sheet, values: dict[str, object]) -> None:
    header = [c.value for c in sheet[1]]
    row = sheet.max_row + 1
    for name, value in values.items():
        sheet.cell(row=row, column=header.index(name) + 1, value=value)


def test_a_new_row_becomes_a_case_file_in_its_province_folder(exported, tmp_path):
    path, content = exported
    workbook = load_workbook(path)
    _append(workbook["案例"], {
        "案例编号（id）": "shanghai-baoshan-yanghang-ceshi-xinzeng", "标题（title）": "杨行镇表格新增的测试案例",
        "状态（status）": "draft", "地区（locality.region）": "shanghai-baoshan-yanghang", "实施层级（locality.level）": "township",
        "实施单位（organisation）": "杨行镇信访办", "做法类型（practice_types）": "xinfang-daili\ntiaojie-xianjie",
        "主题（themes）": next(iter(read_corpus_themes(content))), "报道年份（period.reported_year）": 2023,
        "摘要（summary）": "这是从 Excel 表新增的一条测试案例，用来检查导入会写出正确的文件。", "收录日期（added）": "2026-11-26"})
    _append(workbook["主要措施"], {"案例编号（id）": "shanghai-baoshan-yanghang-ceshi-xinzeng", "措施名称（name）": "建立台账", "具体内容（details）": "逐件登记、限时办结。"})
    _append(workbook["资料来源"], {"案例编号（id）": "shanghai-baoshan-yanghang-ceshi-xinzeng", "资料编号（source）": "jiamenkou-2023-yanghang"})
    filled = tmp_path / "新增.xlsx"
    workbook.save(filled)
    result = _run("--content", content, "import", filled)
    assert result.exit_code == 0, result.output
    target = content / "cases" / "shanghai" / "shanghai-baoshan-yanghang-ceshi-xinzeng.yaml"
    data = load_text(target.read_text(encoding="utf-8"), "x").data
    assert data["practice_types"] == ["xinfang-daili", "tiaojie-xianjie"]
    assert data["measures"] == [{"name": "建立台账", "details": "逐件登记、限时办结。"}]
    assert _run("--content", content, "validate").exit_code == 0


def read_corpus_themes(content):
    from kb.content.corpus import read_corpus
    return read_corpus(content, entries=False).taxonomy("theme")


def test_rows_missing_from_a_child_sheet_are_reported_not_deleted(exported, tmp_path):
    path, content = exported
    workbook = load_workbook(path)
    del workbook["成效数据"]
    sheet = workbook["主要措施"]
    first = sheet.cell(row=2, column=1).value
    for row in range(sheet.max_row, 1, -1):
        if sheet.cell(row=row, column=1).value == first:
            sheet.delete_rows(row)
    broken = tmp_path / "删了.xlsx"
    workbook.save(broken)
    before = _snapshot(content)
    result = _run("--content", content, "import", broken)
    assert result.exit_code == 1
    assert "找不到「成效数据」表" in result.output
    assert "「主要措施」表中没有这个案例的行" in result.output
    assert _snapshot(content) == before


def test_every_export_wraps_its_multi_line_cells(tmp_path):
    case = {"id": "a-b", "title": "测试案例", "tags": ["一", "二"], "measures": [{"name": "措施", "details": "第一行\n第二行"}]}
    for name in ("first.xlsx", "second.xlsx"):  # the wrap style is set up once per workbook, not once per run
        workbook = load_workbook(write_workbook([case], tmp_path / name))
        header = [c.value for c in workbook["案例"][1]]
        assert workbook["案例"].cell(row=2, column=header.index("标签（tags）") + 1).alignment.wrap_text
        assert workbook["主要措施"]["C2"].alignment.wrap_text


def test_personal_data_in_any_spelling_in_a_cell_is_refused_and_nothing_is_written(exported, tmp_path):
    path, content = exported
    workbook = load_workbook(path)
    cases = workbook[CASES_SHEET]
    header = [c.value for c in cases[1]]
    summary = header.index("摘要（summary）") + 1
    cases.cell(row=2, column=summary, value=str(cases.cell(row=2, column=summary).value) + "联系电话１３９\u200b１２３４ ５６７８。")
    cases.cell(row=3, column=summary, value=str(cases.cell(row=3, column=summary).value) + "信访人王\u200d阿姨家住一百二十三弄。")
    bad = tmp_path / "个人信息.xlsx"
    workbook.save(bad)
    before = _snapshot(content)
    result = _run("--content", content, "import", bad)
    assert result.exit_code == 1
    letter = chr(ord("A") + summary - 1)
    assert f"案例 行 2 列 {letter} 「摘要」 疑似手机号码：“１３９\\u200b１２３４ ５６７８”（读作“1391234 5678”）" in result.output
    assert f"案例 行 3 列 {letter} 「摘要」 疑似信访人称呼：“王\\u200d阿姨”（读作“王阿姨”）" in result.output
    assert f"案例 行 3 列 {letter} 「摘要」 疑似门牌地址：“一百二十三弄”（读作“123弄”）" in result.output
    assert "没有写入任何文件" in result.output
    assert _snapshot(content) == before
