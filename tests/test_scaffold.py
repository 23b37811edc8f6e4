"""`kb new`: the skeleton lands where the validator expects it and asks for what is missing."""
import shutil

from click.testing import CliRunner

from kb.cli import main
from conftest import PINNED_CONTENT
from kb.content.load import load_file
from kb.content.scaffold import slugify
from kb.content.schemas import schema
from kb.build.builder import generate_docs
from kb.preview.live import sync_docs
from kb.content.validate import check


def test_slug_comes_from_pinyin_grouped_by_word():
    assert slugify("有信访我代理") == "you-xinfang-wo-daili"
    assert slugify("三会一代理") .replace("-", "") == "sanhuiyidaili"


def test_new_case_lands_in_the_province_folder_named_by_its_id(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(PINNED_CONTENT, content)
    result = CliRunner().invoke(main, ["--content", str(content), "new", "--region", "江苏路街道", "--name", "有信访我代理"])
    assert result.exit_code == 0, result.output
    path = content / "cases" / "shanghai" / "shanghai-changning-jiangsulu-you-xinfang-wo-daili.yaml"
    doc = load_file(path)
    assert doc.data["id"] == path.stem
    assert doc.data["locality"] == {"region": "shanghai-changning-jiangsulu", "level": "township"}
    assert set(schema("case")["required"]) <= set(doc.data)


def test_new_case_is_reported_incomplete_until_filled_in(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(PINNED_CONTENT, content)
    CliRunner().invoke(main, ["--content", str(content), "new", "--region", "shanghai-xuhui", "--name", "测试做法名称"])
    _, problems = check(content)
    mine = {p.field for p in problems if "ceshi" in p.file and p.severity == "error"}
    assert {"organisation", "practice_types", "themes", "summary", "sources[0].source"} <= mine
    assert not [p for p in problems if "ceshi" in p.file and p.severity == "warning"]


def test_new_refuses_to_overwrite_an_existing_file(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(PINNED_CONTENT, content)
    args = ["--content", str(content), "new", "--region", "shanghai-xuhui", "--name", "测试做法名称"]
    CliRunner().invoke(main, args)
    second = CliRunner().invoke(main, args)
    assert second.exit_code == 1 and "已存在" in second.output


def test_preview_sync_rewrites_only_the_changed_pages(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(PINNED_CONTENT, content)
    docs = tmp_path / "docs"
    generate_docs(check(content)[0], docs, handouts=False)
    assert sync_docs(content, docs) == []
    case = content / "cases" / "shanghai" / "shanghai-lingdao-baoan.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace("title: ", "title: 修改后", 1), encoding="utf-8")
    changed = sync_docs(content, docs)
    assert "cases/shanghai-lingdao-baoan.md" in changed
    assert "修改后" in (docs / "cases" / "shanghai-lingdao-baoan.md").read_text(encoding="utf-8")
