"""The editorial rules of kb.content.rules, run by `kb validate` on a fixture corpus: each is
reported at its file and line with a Chinese fix, and passes once the fix is made."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import write_file
from kb.cli import main
from kb.content.validate import check

CASE = "content/cases/shanghai/shanghai-changning-daili.yaml"


@pytest.fixture
def content(fixture_copy: Path) -> Path:
    return fixture_copy


def edit(content: Path, old: str, new: str) -> str:
    path = content.parent / CASE
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return text


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def errors(content: Path) -> list:
    _, problems = check(content)
    return [p for p in problems if p.severity == "error"]


def test_the_fixture_is_clean(content):
    assert errors(content) == []


def test_an_outcome_period_without_a_year_is_reported_at_its_line(content):
    text = edit(content, "period: 2006年", "period: 上半年")
    found = errors(content)
    assert [(p.file, p.line, p.field) for p in found] == [(CASE, line_of(text, "period: 上半年"), "outcomes[0].period")]
    assert "没有写年份" in found[0].message


@pytest.mark.parametrize("placeholder", ["（待填写）", "(待补充)", "【待核实：人数】", "TODO"])
def test_a_placeholder_in_a_published_case_is_an_error_and_in_a_draft_a_reminder(content, placeholder):
    text = edit(content, "background: 街道信访干部人手少", f"background: {placeholder}街道信访干部人手少")
    found = errors(content)
    assert [(p.line, p.field) for p in found] == [(line_of(text, "background:"), "background")]
    assert placeholder in found[0].message
    edit(content, "status: published", "status: draft")
    _, problems = check(content)
    assert [p.severity for p in problems if p.field == "background"] == ["warning"]


def test_a_word_like_pending_in_prose_is_not_a_placeholder(content):
    edit(content, "background: 街道信访干部人手少", "background: 具体做法资料未载，待补充。街道信访干部人手少")
    assert errors(content) == []


def test_a_broken_internal_link_is_reported_at_the_link(content):
    text = edit(content, "summary: 街道设工作室", "summary: 与[江苏路的做法](shanghai-changning-jiangsulu-gongzuosh.md)相同，街道设工作室")
    found = errors(content)
    assert [(p.line, p.field) for p in found] == [(line_of(text, "summary:"), "summary")]
    assert "cases/shanghai-changning-jiangsulu-gongzuosh.md 不存在" in found[0].message
    edit(content, "gongzuosh.md", "gongzuoshi.md")
    assert errors(content) == []


def test_links_to_other_kinds_of_pages_and_outside_are_accepted(content):
    edit(content, "summary: 街道设工作室", "summary: 见[代理类型](../types/xinfang-daili.md)、[术语表](../glossary.md#五定)"
                                         "和[报道](https://example.org/a.html)。街道设工作室")
    assert errors(content) == []


def test_kb_validate_prints_each_rule_with_file_and_line(content):
    text = edit(content, "period: 2006年", "period: 当年")
    result = CliRunner().invoke(main, ["--content", str(content), "--build-dir", str(content.parent / "build"), "validate"])
    assert result.exit_code == 1
    assert f"{CASE}:{line_of(text, 'period: 当年')}:" in result.output


def test_a_copied_run_from_a_text_shipped_in_content_is_caught(content):
    write_file(content, "sources/texts/test-book.txt", "正文。街道设立信访代理工作室并由代理员代群众反映诉求一直跟踪到问题解决为止的做法。")
    edit(content, "summary: 街道设工作室", "summary: 街道设立信访代理工作室并由代理员代群众反映诉求一直跟踪到问题解决为止。街道设工作室")
    found = errors(content)
    assert [p.field for p in found] == ["summary"] and "content/sources/texts/test-book.txt" in found[0].message


def test_a_case_whose_years_are_unknown_is_valid_and_its_page_invents_none(content):
    from kb.content.corpus import read_corpus
    from kb.site.render import build_site_model, render_case_pages

    edit(content, "period: {start_year: 2004, reported_year: 2007}", "period: {}")
    assert errors(content) == []
    site = build_site_model(read_corpus(content), history={})
    page = render_case_pages(site, site.cases)["cases/shanghai-changning-daili.md"]
    assert "| 时间 | 年份不详 |" in page and "年报道" not in page


def test_the_seeded_lookup_finds_exactly_what_checking_every_position_finds():
    import random

    from kb.content.rules import COPY_RUN, SourceTexts, _copied

    rng = random.Random(7)
    source = "".join(chr(0x4e00 + rng.randrange(300)) for _ in range(400))
    texts = SourceTexts({"x.txt": source})
    for _ in range(2000):
        start, length = rng.randrange(len(source) - 50), rng.randrange(COPY_RUN - 5, COPY_RUN + 20)
        segment = "甲" * rng.randrange(30) + source[start:start + length] + "乙" * rng.randrange(10)
        every = next((segment[s:s + COPY_RUN] for s in range(len(segment) - COPY_RUN + 1)
                      if segment[s:s + COPY_RUN] in texts.grams), None)
        assert _copied(segment, texts) == every
