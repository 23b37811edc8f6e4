"""kb import 材料.docx on 经验材料 of different layouts, and the promises an editor relies on:
what is unsure is listed and left empty, personal data and signatures are never written,
--source attaches the draft to an existing source.

`scripts/bench_docx.py` prints the same field-by-field scores as a table.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from docx_samples import FIELDS, HELD_OUT, HELD_OUT_2, SAMPLES, import_sample, jingyan_cailiao, score_sample
from kb.cli import main
from kb.content.load import load_file
from kb.office.docx_figures import figure_candidates, table_candidates

ALL_SAMPLES = SAMPLES + HELD_OUT + HELD_OUT_2


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _import(content: Path, path: Path, *options: str):
    return CliRunner().invoke(main, ["--content", str(content), "import", str(path), *options])


def _new_case(content: Path, before: dict) -> dict:
    new = [f for f in _files(content) if f not in before and f.startswith("cases/")]
    assert len(new) == 1, new
    return load_file(content / new[0]).data


@pytest.mark.parametrize("sample", ALL_SAMPLES, ids=[s.make.__name__ for s in ALL_SAMPLES])
def test_each_layout_gives_what_an_editor_would_take_from_it(sample, content_copy, tmp_path):
    scores = score_sample(sample, content_copy, tmp_path / f"{sample.make.__name__}.docx")
    assert set(scores) == set(FIELDS)
    assert [field for field, right in scores.items() if not right] == []


@pytest.mark.parametrize("sample", ALL_SAMPLES, ids=[s.make.__name__ for s in ALL_SAMPLES])
def test_imported_drafts_stay_drafts_and_never_hold_placeholders(sample, content_copy, tmp_path):
    data, written, output = import_sample(sample, content_copy, tmp_path / "材料.docx")
    assert data["status"] == "draft"
    assert "（待填写）" not in written and "待填写）" not in str(data["outcomes"])
    assert all(o.get("indicator") != "" or "没有认出指标" in output for o in data["outcomes"])


def test_service_time_limits_are_never_outcome_candidates():
    assert figure_candidates("一般诉求3个工作日内办结，紧急诉求2小时内响应。", "取得成效") == []
    assert figure_candidates("实行限时办结制度，办理时限为15天。", "取得成效") == []
    found = figure_candidates("平均办理时间由12天缩短至5个工作日。", "取得成效")  # a result: the figure it came to
    assert [(c["indicator"], c["value"], c["unit"]) for c in found] == [("平均办理时间", 5, "个工作日")]


def test_a_figure_without_a_readable_indicator_is_left_empty_not_filled_with_a_fragment():
    found = figure_candidates("其中，共45件。", "取得成效")
    assert [c["indicator"] for c in found] == [""]
    assert table_candidates([["年份", "数量"], ["2021", "12"]], "取得成效")[0]["unit"] == ""


def test_unsure_guesses_are_listed_and_left_empty(content_copy, tmp_path):
    document = Document()
    document.add_paragraph("长宁区信访代理工作")  # neither styled nor centred: a guess
    document.add_paragraph("一、主要做法")
    document.add_paragraph("（一）在全区各街道和居委会普遍设立代理工作站并配备专职代理员和兼职代理员开展代理工作，代理员由街道统一培训管理")
    document.add_paragraph("二、取得成效")
    document.add_paragraph("代理办结率达到98%。其中，共45件。")
    path = tmp_path / "没有把握.docx"
    document.save(str(path))
    before = _files(content_copy)
    result = _import(content_copy, path)
    assert result.exit_code == 0, result.output
    data = _new_case(content_copy, before)
    unsure = result.output.split("需要核对")[1].split("\n\n")[0]
    assert "标题取自第一行" in unsure
    assert data["measures"][0]["name"] == "" and "没有认出措施名称" in unsure
    assert data["organisation"] == "" and "没有认出实施单位" in unsure
    assert "reported_year" not in data["period"] and "报道年份" in unsure  # never guessed from years in the text
    assert [o["indicator"] for o in data["outcomes"]] == ["代理办结率", ""] and "没有认出指标" in unsure
    source = load_file(next((content_copy / "sources").glob(f"{data['sources'][0]['source']}.yaml"))).data
    assert "year" not in source and "年份不详" in source["note"]


def test_contacts_phones_signature_and_dates_are_reported_and_never_written(content_copy, tmp_path):
    document = Document()
    document.add_heading("长宁区推行信访代理制", level=0)
    document.add_paragraph("一、主要做法")
    document.add_paragraph("（一）设立代理站。群众可拨打13987654321预约代理员上门。")
    document.add_paragraph("二、经验启示")
    document.add_paragraph("代理制让群众少跑腿。")
    document.add_paragraph("长宁区信访办公室　2009年5月")
    document.add_paragraph("联系人：赵某　电话：021-52345678　地址：长宁区某某路1号")
    path = tmp_path / "个人信息.docx"
    document.save(str(path))
    before = _files(content_copy)
    result = _import(content_copy, path)
    assert result.exit_code == 0, result.output
    written = "".join(v.decode("utf-8") for k, v in _files(content_copy).items() if k not in before)
    for private in ("13987654321", "赵某", "52345678", "某某路1号", "2009年5月"):
        assert private not in written
    data = _new_case(content_copy, before)
    assert [l["text"] for l in data["lessons"]] == ["代理制让群众少跑腿。"]  # nothing glued onto the last lesson
    assert data["period"]["reported_year"] == 2009  # the signature's date is the document's date
    dropped = next(line for line in result.output.splitlines() if line.startswith("已略去"))
    for label in ("联系人", "电话", "地址", "电话号码", "落款"):
        assert label in dropped


def test_source_option_attaches_the_draft_to_an_existing_source(content_copy, tmp_path):
    source_path = next(p for p in sorted((content_copy / "sources").glob("*.yaml"))
                       if isinstance(load_file(p).data.get("year"), int))
    source = load_file(source_path).data
    path = jingyan_cailiao(tmp_path / "材料.docx")
    before = _files(content_copy)
    result = _import(content_copy, path, "--source", source["id"])
    assert result.exit_code == 0, result.output
    assert not [f for f in _files(content_copy) if f not in before and f.startswith("sources/")]
    data = _new_case(content_copy, before)
    assert data["sources"] == [{"source": source["id"]}]
    assert {l["source"] for l in data["lessons"]} == {source["id"]}
    assert data["period"]["reported_year"] == source["year"]
    assert "已有资料条目" in result.output


def test_an_unknown_source_writes_nothing(content_copy, tmp_path):
    path = jingyan_cailiao(tmp_path / "材料.docx")
    before = _files(content_copy)
    result = _import(content_copy, path, "--source", "no-such-source")
    assert result.exit_code == 1
    assert "no-such-source" in result.output and "资料条目" in result.output
    assert _files(content_copy) == before


def test_a_source_without_a_year_leaves_the_documents_date_as_a_listed_guess(content_copy, tmp_path):
    source = {"id": "cailiao-wu-nianfen", "kind": "article", "title": "没有年份的经验材料汇编篇目"}
    (content_copy / "sources" / "cailiao-wu-nianfen.yaml").write_text(
        "".join(f"{k}: {v}\n" for k, v in source.items()), encoding="utf-8")
    path = jingyan_cailiao(tmp_path / "材料.docx")  # signed 2008年3月
    before = _files(content_copy)
    result = _import(content_copy, path, "--source", source["id"])
    assert result.exit_code == 0, result.output
    assert _new_case(content_copy, before)["period"]["reported_year"] == 2008
    assert "cailiao-wu-nianfen 没有年份" in result.output
