"""kb import 材料.docx: a realistic 经验材料 becomes a draft case that lists its measures and figures."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from docx_samples import jingyan_cailiao
from kb.cli import main
from kb.content.corpus import read_corpus
from kb.office.docx_import import figure_candidates, numbering
from kb.content.load import load_file
from kb.content.validate import check


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def import_document(document, path: Path, content: Path, *options: str):
    """Saves the Word document at path and runs kb import on it: the CLI result and the content
    files (path -> bytes) there were before."""
    document.save(str(path))
    before = _files(content)
    return CliRunner().invoke(main, ["--content", str(content), "import", str(path), *options]), before


@pytest.fixture
def imported(content_copy, tmp_path):
    source = jingyan_cailiao(tmp_path / "长宁区“有信访我代理”经验材料.docx")
    result = CliRunner().invoke(main, ["--content", str(content_copy), "import", str(source)])
    assert result.exit_code == 0, result.output
    written = sorted((content_copy / "cases" / "shanghai").glob("*daili-gongzuo*.yaml"))
    assert len(written) == 1
    return load_file(written[0]).data, result.output, content_copy


def test_official_numbering_levels_are_recognised_with_full_width_punctuation():
    assert numbering("一、基本情况")[:2] == (1, "一、")
    assert numbering("（二）规范代理流程：")[0] == 2
    assert numbering("(三)健全考核机制")[0] == 2
    assert numbering("1．登记受理。")[0] == 3
    assert numbering("１２、分流交办")[0] == 3
    assert numbering("（1）当场登记")[0] == 4
    assert numbering("2006年起推行")[0] == 0
    assert numbering("3.5万人次")[0] == 0


def test_draft_has_title_organisation_region_and_period(imported):
    data, output, _ = imported
    assert data["status"] == "draft"
    assert data["title"] == "长宁区推行“有信访我代理”工作机制"
    assert data["organisation"] == "上海市长宁区信访办公室"
    assert data["locality"] == {"region": "shanghai-changning", "level": "county"}
    assert data["period"] == {"start_year": 2006, "reported_year": 2008}
    assert "上海市长宁区" in output and "主要措施 3 条" in output


def test_measures_take_name_and_details_from_numbered_items(imported):
    measures = imported[0]["measures"]
    assert [m["name"] for m in measures] == ["建立三级代理网络", "规范代理流程", "健全考核机制"]
    assert "每个街道配备专职代理员4名" in measures[0]["details"]
    assert "登记受理" in measures[1]["details"] and "分流交办" in measures[1]["details"]
    assert measures[2]["details"] == "将代理工作纳入街道年度考核，实行月通报、季讲评。"


def test_background_and_lessons_come_from_their_headings(imported):
    data = imported[0]
    assert data["background"].startswith("长宁区地处上海中心城区西部")
    assert [l["text"] for l in data["lessons"]] == ["领导重视是前提。主要领导亲自抓，把代理工作列入重要议事日程。",
                               "队伍建设是关键。代理员要懂政策、熟业务、有耐心。"]


def test_every_figure_becomes_an_outcome_candidate_with_value_unit_and_period(imported):
    outcomes = imported[0]["outcomes"]
    by_value = {(o.get("value"), o.get("unit"), o.get("period")) for o in outcomes}
    assert (1200, "件", "2006年4月至11月") in by_value
    assert (98.5, "%", "2006年4月至11月") in by_value
    assert (1460, "件", "2007年") in by_value  # from the table: header names the indicator, first column the year
    change = next(o for o in outcomes if "change" in o)
    assert change["change"] == {"amount": -35, "unit": "%", "baseline": "上年同期"}
    assert change["period"] == "2007年"
    assert all(o["note"].startswith("原文") for o in outcomes)
    assert not any("evidence" in o for o in outcomes)  # the editor must judge the evidence


def test_unmapped_sections_are_kept_in_notes_and_contacts_are_dropped(imported):
    data, output, _ = imported
    assert "【下一步打算】" in data["notes"] and "向“两新”组织延伸" in data["notes"]
    assert "13912345678" not in data["notes"] and "王某某" not in data["notes"]
    assert "已略去" in output and "下一步打算" in output


def test_source_stub_is_written_and_cited(imported):
    data, _, content = imported
    ref = data["sources"][0]["source"]
    source = load_file(content / "sources" / f"{ref}.yaml").data
    assert source["title"] == data["title"] and source["kind"] == "article"
    assert "长宁区“有信访我代理”经验材料.docx" in source["note"]


def test_draft_fails_validation_until_an_editor_completes_it(imported):
    data, _, content = imported
    _, problems = check(content)
    fields = {p.field for p in problems if p.severity == "error"}
    assert {"summary", "practice_types", "themes", "outcomes[0].evidence"} <= fields
    path = next((content / "cases" / "shanghai").glob(f"{data['id']}.yaml"))
    text = path.read_text(encoding="utf-8")
    import yaml as pyyaml
    body = pyyaml.safe_load(text)
    body.update(summary="长宁区在区、街道和居委会三级设立信访代理工作站，由代理员替群众跑腿办理诉求，八个月代理一千二百余件。",
                practice_types=["xinfang-daili"], themes=[next(iter(read_corpus(content, entries=False).taxonomy("theme")))],
                outcomes=[dict(o, evidence="self_reported", period=o.get("period", "2007年")) for o in body["outcomes"][2:4]])
    from kb.office.yamlout import case_text
    path.write_text(case_text(body), encoding="utf-8")
    _, problems = check(content)
    assert [p.format() for p in problems if p.severity == "error"] == []


def test_document_without_numbering_uses_heading_styles_and_region_option(content_copy, tmp_path):
    document = Document()
    document.add_paragraph("矛盾纠纷“一站式”化解")
    document.add_heading("案例背景", level=1)
    document.add_paragraph("过去群众反映问题要跑多个部门。")
    document.add_heading("经验做法", level=1)
    document.add_paragraph("整合力量：把信访、调解、法律服务集中到一个窗口。")
    document.add_paragraph("闭环办理：窗口受理后限时办结并回访。")
    path = tmp_path / "材料.docx"
    result, _ = import_document(document, path, content_copy, "--region", "杨行镇")
    assert result.exit_code == 0, result.output
    written = list((content_copy / "cases" / "shanghai").glob("shanghai-baoshan-yanghang-*.yaml"))
    data = load_file(written[0]).data
    assert data["locality"] == {"region": "shanghai-baoshan-yanghang", "level": "township"}
    assert [m["name"] for m in data["measures"]] == ["整合力量", "闭环办理"]
    assert data["background"] == "过去群众反映问题要跑多个部门。"


def test_without_a_recognisable_region_nothing_is_written(content_copy, tmp_path):
    document = Document()
    document.add_paragraph("某地信访工作经验")
    document.add_paragraph("一、主要做法")
    document.add_paragraph("（一）建立台账。逐件登记。")
    path = tmp_path / "无地区.docx"
    result, before = import_document(document, path, content_copy)
    assert result.exit_code == 1
    assert "没有从文档中认出地区" in result.output and "--region" in result.output
    assert _files(content_copy) == before


@pytest.mark.parametrize("name, payload, message", [
    ("损坏.docx", b"PK\x03\x04 this is not really a zip", "文件已损坏或不是 Word 文档"),
    ("文本.docx", "一、主要做法".encode("utf-8"), "文件已损坏或不是 Word 文档"),
    ("旧版.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "旧版 Word 文件"),
])
def test_unreadable_files_get_a_chinese_error_and_nothing_is_written(content_copy, tmp_path, name, payload, message):
    path = tmp_path / name
    path.write_bytes(payload)
    before = _files(content_copy)
    result = CliRunner().invoke(main, ["--content", str(content_copy), "import", str(path)])
    assert result.exit_code == 1
    assert message in result.output and name in result.output
    assert _files(content_copy) == before


def test_password_protected_file_gets_a_chinese_error(content_copy, tmp_path):
    msoffcrypto = pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = jingyan_cailiao(tmp_path / "plain.docx")
    locked = tmp_path / "加密材料.docx"
    with open(plain, "rb") as src, open(locked, "wb") as out:
        OOXMLFile(src).encrypt("secret", out)
    before = _files(content_copy)
    result = CliRunner().invoke(main, ["--content", str(content_copy), "import", str(locked)])
    assert result.exit_code == 1
    assert "设有打开密码" in result.output
    assert _files(content_copy) == before


def test_figures_skip_years_and_dates():
    found = figure_candidates("2019年5月起，全镇累计接待群众3,560人次。", "测试")
    assert [(c["indicator"], c["value"], c["unit"], c["period"]) for c in found] == [("接待群众", 3560, "人次", "2019年5月")]
    assert figure_candidates("2008年3月印发。", "测试") == []


def test_case_programme_form_table_gives_title_and_unit_and_contacts_are_left_out(content_copy, tmp_path):
    document = Document()
    document.add_paragraph("全国社会治理创新案例申报材料")
    form = document.add_table(rows=4, cols=2)
    for row, (label, value) in zip(form.rows, [("案例名称", "桃浦镇“三访”工作法"), ("申报单位", "普陀区桃浦镇人民政府"),
                                               ("联系人", "李某"), ("联系电话", "021-12345678")]):
        row.cells[0].text, row.cells[1].text = label, value
    document.add_paragraph("一、案例背景")
    document.add_paragraph("镇域内大型居住社区集中，2021年来访量上升。")
    document.add_paragraph("二、主要做法")
    document.add_paragraph("1.领导接访。每周一镇领导轮流接待。")
    document.add_paragraph("2.干部走访。（1）网格员每月入户；（2）问题当场登记。")
    document.add_paragraph("三、主要成效")
    document.add_paragraph("2022年，全镇信访总量同比下降21.3%，初信初访一次性化解率达到95%。")
    document.add_paragraph("四、经验启示")
    document.add_paragraph("把工作做在群众家门口，矛盾才能早发现、早化解。")
    path = tmp_path / "桃浦镇申报材料.docx"
    result, before = import_document(document, path, content_copy)
    assert result.exit_code == 0, result.output
    new = [f for f in set(_files(content_copy)) - set(before) if f.startswith("cases/")]
    data = load_file(content_copy / new[0]).data
    assert data["title"] == "桃浦镇“三访”工作法"
    assert data["organisation"] == "普陀区桃浦镇人民政府"
    assert data["locality"] == {"region": "shanghai-putuo-taopu", "level": "township"}
    assert [m["name"] for m in data["measures"]] == ["领导接访", "干部走访"]
    assert [l["text"] for l in data["lessons"]] == ["把工作做在群众家门口，矛盾才能早发现、早化解。"]
    outcomes = [(o.get("indicator"), o.get("value"), o.get("change"), o.get("period")) for o in data["outcomes"]]
    assert ("信访总量", None, {"amount": -21.3, "unit": "%", "baseline": "上年同期"}, "2022年") in outcomes
    assert ("初信初访一次性化解率", 95, None, "2022年") in outcomes
    assert "李某" not in str(data) and "12345678" not in str(data)
    assert "联系人" in result.output and "联系电话" in result.output


def test_word_automatic_numbering_counts_as_numbered_items(content_copy, tmp_path):
    document = Document()
    document.add_paragraph("长宁区信访代理工作")
    document.add_heading("主要做法", level=1)
    document.add_paragraph("设立代理站。街道和居委会都设站。", style="List Number")
    document.add_paragraph("聘请代理员。每站两名。", style="List Number")
    document.add_paragraph("由区信访办统一培训。", style="List Number 2")
    path = tmp_path / "自动编号.docx"
    result, before = import_document(document, path, content_copy)
    assert result.exit_code == 0, result.output
    new = [f for f in set(_files(content_copy)) - set(before) if f.startswith("cases/")]
    measures = load_file(content_copy / new[0]).data["measures"]
    assert [m["name"] for m in measures] == ["设立代理站", "聘请代理员"]
    assert measures[1]["details"] == "每站两名。\n由区信访办统一培训。"


def test_importing_the_same_file_twice_writes_a_second_draft_beside_the_first(content_copy, tmp_path):
    source = jingyan_cailiao(tmp_path / "材料.docx")
    for _ in range(3):
        assert CliRunner().invoke(main, ["--content", str(content_copy), "import", str(source)]).exit_code == 0
    names = sorted(p.stem for p in (content_copy / "cases" / "shanghai").glob("*daili-gongzuo*.yaml"))
    base = names[0]
    assert names == [base, f"{base}-v2", f"{base}-v3"]
    assert (content_copy / "sources" / f"{base}-v3-cailiao.yaml").exists()


def test_lessons_of_the_document_cite_the_document_itself(imported):
    data = imported[0]
    assert {(l["basis"], l["source"]) for l in data["lessons"]} == {("source", data["sources"][0]["source"])}


def test_personal_data_in_any_spelling_is_refused_before_anything_is_written(content_copy, tmp_path):
    document = Document()
    document.add_paragraph("长宁区信访代理工作")
    document.add_heading("一、基本情况", level=1)
    document.add_paragraph("信访人张\u200b某某反映问题，联系电话１３９\u00ad１２３４ ５６７８。")
    document.add_heading("二、主要做法", level=1)
    document.add_paragraph("1.建立代理站。街道和居委会都设站。")
    path = tmp_path / "个人信息.docx"
    result, before = import_document(document, path, content_copy)
    assert result.exit_code == 1
    assert "没有写入任何文件" in result.output
    assert "background：疑似手机号码：“１３９\\u00ad１２３４ ５６７８”（读作“1391234 5678”）" in result.output
    assert "background：疑似信访人姓氏（某某）：“张\\u200b某某”（读作“张某某”）" in result.output
    assert _files(content_copy) == before
