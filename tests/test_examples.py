"""The example files the README and the editors' guide point at exist and do what they say."""
from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from kb.cli import main
from kb.content.corpus import read_corpus
from kb.site.render import build_site_model, render_pages
from kb.office.spreadsheet import read_workbook
from kb.content.validate import check

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
FIXTURE = ROOT / "tests" / "fixtures" / "content"


def test_example_workbook_is_the_export_of_the_fixture_corpus():
    read, problems = read_workbook(EXAMPLES / "案例表-示例.xlsx")
    assert problems == []
    assert {r.data["id"]: r.data for r in read} == read_corpus(FIXTURE).case_map()


def test_example_word_file_imports_as_a_draft(content_copy):
    result = CliRunner().invoke(main, ["--content", str(content_copy), "import", str(EXAMPLES / "经验材料-示例.docx")])
    assert result.exit_code == 0, result.output
    assert "主要措施 3 条" in result.output


def test_readme_and_editors_guide_show_each_office_command_with_its_example():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    corpus, _ = check(FIXTURE)
    guide = render_pages(build_site_model(corpus))["editors.md"]
    for text in (readme, guide):
        assert "kb import examples/经验材料-示例.docx" in text
        assert "kb export 案例表.xlsx" in text and "kb import 案例表.xlsx" in text
        assert "examples/案例表-示例.xlsx" in text
