"""The editors' guide keeps up with the code; the dashboard tells editors what to do next."""
from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest

from hypothesis import given, settings, strategies as st

from kb.cli import main
from kb.site.editors import Groups, bigrams, completeness, criteria, jaccard, near_duplicates, similar_groups
from kb.site.render import build_site_model, render_pages
from kb.content.schemas import SCHEMA_DIR
from kb.content.validate import check

from conftest import PINNED_CONTENT, PROJECT_ROOT


def commands(group: click.Group, prefix: str = "kb") -> list[str]:
    out = []
    for name, command in group.commands.items():
        out.append(f"{prefix} {name}")
        if isinstance(command, click.Group):
            out += commands(command, f"{prefix} {name}")
    return out


def schema_keys(node) -> set[str]:
    """Every property name anywhere in a schema, $defs included (independent of the guide's walker)."""
    keys = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                keys |= set(value)
            keys |= schema_keys(value)
    elif isinstance(node, list):
        for item in node:
            keys |= schema_keys(item)
    return keys


@pytest.fixture(scope="module")
def pages():
    corpus, _ = check(PINNED_CONTENT)
    return render_pages(build_site_model(corpus))


@pytest.mark.parametrize("command", commands(main))
def test_guide_and_readme_mention_every_command(pages, command):
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`{command}" in pages["editors.md"], f"editors' guide lacks {command}"
    assert f"`{command}" in readme, f"README lacks {command}"


@pytest.mark.parametrize("schema_file", sorted(p.name for p in SCHEMA_DIR.glob("*.schema.json")))
def test_guide_lists_every_schema_field(pages, schema_file):
    shown = {token.split(".")[-1].replace("[]", "") for token in re.findall(r"`([^`\n]+)`", pages["editors.md"])}
    missing = schema_keys(json.loads((SCHEMA_DIR / schema_file).read_text(encoding="utf-8"))) - shown
    assert not missing, f"editors' guide lacks fields of {schema_file}: {sorted(missing)}"


@pytest.mark.parametrize("task", ["添加一个地区", "添加一个资料来源", "添加一个案例", "没有页码的网页", "没有年份",
                                  "全县（区）的数字", "什么算个人信息", "草稿、送审和发布", "原文放进项目",
                                  "内容规则"])
def test_guide_has_a_section_for_each_editor_task(pages, task):
    assert any(task in line for line in pages["editors.md"].splitlines() if line.startswith("## "))


def test_dashboard_is_marked_as_for_editors_only(pages):
    assert "仅供编辑参考" in pages["dashboard.md"] and "(dashboard.md)" in pages["editors.md"]


def test_dashboard_lists_each_draft_with_its_missing_sections(content_copy):
    case = content_copy / "cases" / "shanghai" / "shanghai-lingdao-baoan.yaml"
    text = case.read_text(encoding="utf-8").replace("status: published", "status: draft")
    text = re.sub(r"\nbackground: >-\n(  .*\n)+", "\n", text)
    case.write_text(text, encoding="utf-8")
    page = render_pages(build_site_model(check(content_copy)[0]))["dashboard.md"]
    drafts = page.split("## 草稿还缺什么")[1].split("\n## ")[0]
    row = next(line for line in drafts.splitlines() if "shanghai-lingdao-baoan" in line)
    assert "背景与问题" in row.split("|")[3]


def test_completeness_counts_the_criteria_met():
    full = {"background": "b", "measures": [{}], "workflow": [{}], "outcomes": [{"value": 1, "unit": "件", "period": "2006年"}],
            "staffing": [{}], "lessons": ["l"], "transfer_conditions": ["t"], "period": {"start_year": 2005},
            "sources": [{"source": "a-book", "pages": "3"}]}
    assert completeness(full, set()) == (100, [])
    no_pages = {**full, "sources": [{"source": "a-book"}]}
    assert completeness(no_pages, set()) == (round(100 * (len(criteria({}, set())) - 1) / len(criteria({}, set()))), ["引用页码"])
    assert completeness(no_pages, {"a-book"})[0] == 100  # a web page has no pages to cite
    no_unit = {**full, "outcomes": [{"value": 1, "period": "2006年"}]}
    assert completeness(no_unit, set())[1] == ["成效的单位或统计期"]


def test_near_duplicate_titles_are_flagged_newest_first():
    old = {"id": "a", "title": "长宁区人民调解与信访代理工作室", "summary": "甲" * 30, "added": "2025-01-01"}
    new = {"id": "b", "title": "长宁区人民调解与信访代理工作室做法", "summary": "乙" * 30, "added": "2026-11-25"}
    other = {"id": "c", "title": "徐州市主动做好部分军队退役人员信访工作", "summary": "丙" * 30, "added": "2026-11-25"}
    found = near_duplicates([old, new, other])
    assert [(d["case"]["id"], [c["id"] for c in d["like"]]) for d in found] == [("b", ["a"])]


def test_near_duplicates_group_cases_linked_pair_by_pair():
    a = {"id": "a", "title": "长宁区人民调解与信访代理工作室", "summary": "甲" * 30, "added": "2025-01-01"}
    b = {"id": "b", "title": "长宁区人民调解与信访代理", "summary": "乙丙丁戊己庚辛壬癸子丑寅卯", "added": "2025-02-01"}
    c = {"id": "c", "title": "徐州市主动做好部分军队退役人员信访工作", "summary": "乙丙丁戊己庚辛壬癸子丑寅卯辰", "added": "2025-03-01"}
    d = {"id": "d", "title": "青浦区信访工作示范村", "summary": "完全不同的内容摘要", "added": "2026-01-01"}
    found = near_duplicates([a, b, c, d])  # a~b by title, b~c by summary, a and c alike in neither
    assert [(g["case"]["id"], sorted(x["id"] for x in g["like"])) for g in found] == [("c", ["a", "b"])]
    assert found[0]["like"][0]["id"] == "b"  # the most similar to the newest comes first


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="信访代理工作室调解", min_size=0, max_size=8), min_size=2, max_size=12),
       st.sampled_from([0.3, 0.5, 0.6, 0.8]))
def test_grouping_by_prefix_filter_equals_comparing_every_pair(texts, threshold):
    sets = [bigrams(t) for t in texts]
    fast = Groups(len(sets))
    similar_groups(sets, threshold, fast)
    slow = Groups(len(sets))
    for i in range(len(sets)):
        for j in range(i + 1, len(sets)):
            if jaccard(sets[i], sets[j]) >= threshold:
                slow.union(i, j)
    same = lambda g: {frozenset(k for k in range(len(sets)) if g.find(k) == g.find(i)) for i in range(len(sets))}
    assert same(fast) == same(slow)


def test_vscode_maps_every_kind_of_content_file_to_its_schema():
    settings = json.loads((PROJECT_ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    extensions = json.loads((PROJECT_ROOT / ".vscode" / "extensions.json").read_text(encoding="utf-8"))
    assert "redhat.vscode-yaml" in extensions["recommendations"]
    mapping = settings["yaml.schemas"]
    assert {Path(s).name for s in mapping} == {p.name for p in SCHEMA_DIR.glob("*.schema.json")}
    for schema_path, pattern in mapping.items():
        assert (PROJECT_ROOT / schema_path).is_file()
        files = list(PINNED_CONTENT.parent.glob(pattern))  # the pinned project: content/ beside schemas/
        assert files, pattern
        for file in files:  # the file's own first line names the same schema
            assert file.read_text(encoding="utf-8").splitlines()[0].endswith(Path(schema_path).name)


@given(st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=30), max_size=8))
def test_bigram_numbers_are_the_bigrams_of_each_text(texts):
    from kb.site.editors import PAIR, bigram_numbers

    assert bigram_numbers(texts) == [{ord(g[0]) * PAIR + ord(g[1]) for g in bigrams(t)} for t in texts]


def test_near_duplicates_found_in_a_forked_process_equal_those_found_here(monkeypatch):
    from kb.site import editors
    from kb.content.corpus import read_corpus

    cases = [doc.data for doc in read_corpus(PINNED_CONTENT).cases]
    cases += [dict(c, id=c["id"] + "-copy", summary=c["summary"] + "另") for c in cases[:5]]  # some near-duplicates
    monkeypatch.setattr(editors, "BESIDE_FROM", 0)
    beside = editors.NearDuplicatesBeside(cases)
    assert beside.pool is not None  # (where the platform can fork)
    groups = beside.result()
    assert len(groups) >= 5 and groups == editors.near_duplicate_groups(cases)
    assert editors.near_duplicates(cases, groups) == editors.near_duplicates(cases)
