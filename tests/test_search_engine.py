"""The search engine's rules on the fixture corpus (tests/fixtures/content), so that an editor's
new case in content/ cannot change what these tests see."""
import shutil
from pathlib import Path

import pytest
from hypothesis import Phase, given, settings, strategies as st

from kb.content.validate import check
from kb.search.index import FOUND_AT, NEAR_WEIGHT, Searcher, build_index, case_document, concept_hits

FIXTURE = Path(__file__).parent / "fixtures" / "content"
# A case on another subject: the two fixture cases alone are too few (a word half the cases hold is generic).
OTHER_CASE = """id: {ident}
title: 测试街道居民议事会
status: draft
locality: {{region: shanghai-changning-jiangsulu, level: township}}
organisation: 江苏路街道
practice_types: [tiaojie-xianjie]
themes: [jiceng-jichu]
period: {{reported_year: 2008}}
summary: {summary}
measures:
  - name: 议事协商
    details: 每月召开一次居民议事会，商量小区停车和绿化。
sources:
  - {{source: test-book, pages: "11"}}
"""
WORDS = ["代办", "信访代理", "楼组", "信息员", "工作室", "代理员"]


def base_content(root: Path) -> Path:
    """The fixture corpus and eight cases on other subjects."""
    content = root / "content"
    shutil.copytree(FIXTURE, content)
    for number, summary in enumerate(["居民议事会商量停车难。", "老旧小区加装电梯。", "垃圾分类上门宣传。", "夜市噪声协商解决。",
                                        "菜场改造听取摊主意见。", "河道整治请居民监督。", "物业费调价开听证会。", "学校门口交通疏导。"]):
        add_case(content, f"other{number}", summary)
    return content


def answer(content: Path, build: Path, word: str) -> list[str]:
    corpus, _ = check(content)
    build_index(corpus, build / "index")
    searcher = Searcher(build / "index")
    try:
        return [h.id for h in searcher.search(word, limit=None)]
    finally:
        searcher.close()


def containing(content: Path, word: str) -> set[str]:
    corpus, _ = check(content)
    types = corpus.taxonomy("practice_type")
    return {doc.data["id"] for doc in corpus.cases if word in case_document(doc.data, corpus, types)["searchable"]}


def add_case(content: Path, number, text: str) -> None:
    ident = f"shanghai-changning-jiangsulu-test{number}"
    (content / "cases" / "shanghai" / f"{ident}.yaml").write_text(OTHER_CASE.format(ident=ident, summary=text), encoding="utf-8")


@pytest.fixture(scope="module")
def fixture_answers(tmp_path_factory):
    content = base_content(tmp_path_factory.mktemp("fixture"))
    build = tmp_path_factory.mktemp("build")
    return {word: answer(content, build, word) for word in WORDS}


def test_practice_type_alias_also_finds_the_type_name(fixture_answers):
    assert set(fixture_answers["代办"]) >= containing(FIXTURE, "信访代理") and containing(FIXTURE, "信访代理")


@settings(max_examples=6, phases=[Phase.generate], derandomize=True)
@given(word=st.sampled_from(WORDS), added=st.integers(min_value=1, max_value=3),
       filler=st.sampled_from(["街道干部", "每周", "社区居民", ""]))
def test_adding_cases_that_contain_a_query_word_never_removes_other_matching_cases(
        tmp_path_factory, fixture_answers, word, added, filler):
    """Up to three more cases (of ten) holding the word: enough to pass the count above which synonyms
    weigh less, not so many that the word is in half the cases (then it is set aside as generic)."""
    content = base_content(tmp_path_factory.mktemp("more"))
    for number in range(added):
        add_case(content, number, f"{filler}{word}。{word}的做法在标题之外又写了一次：{word}。")
    after = answer(content, tmp_path_factory.mktemp("build"), word)
    assert set(fixture_answers[word]) <= set(after)
    assert {f"shanghai-changning-jiangsulu-test{n}" for n in range(added)} <= set(after)


def test_a_near_synonym_inside_a_named_method_matches_below_the_word_itself(tmp_path):
    """三级网络 is a named method of a fixture case; 三级网格 is in no case: one character differs."""
    corpus, _ = check(base_content(tmp_path))
    build_index(corpus, tmp_path / "index")
    searcher = Searcher(tmp_path / "index")
    try:
        concept = {"text": "三级网格", "variants": ["三级网格"], "kind": "word", "regions": []}
        hits = concept_hits(concept, {}, searcher.vocab, searcher.matches, expand_below=3)
        cases = {searcher.stored[d]["id"] for d in hits}
        assert cases == containing(tmp_path / "content", "三级网络") != set()
        assert all(h[3] == ["三级网络"] and FOUND_AT <= h[4] == NEAR_WEIGHT < 1 for h in hits.values())
    finally:
        searcher.close()


def test_a_word_nothing_leads_to_does_not_sink_a_query_whose_other_word_the_cases_have(tmp_path):
    """吵翻 is in no case, nor a synonym, thesaurus word or short form of anything: the cases about
    信访代理 are still shown, each labelled as lacking it; the word alone finds nothing."""
    content = base_content(tmp_path)
    corpus, _ = check(content)
    build_index(corpus, tmp_path / "index")
    searcher = Searcher(tmp_path / "index")
    try:
        hits = searcher.search("信访代理 吵翻", limit=None)
        assert {h.id for h in hits} >= containing(content, "信访代理") != set()
        assert all(h.missing == ["吵翻"] for h in hits)
        assert searcher.search("吵翻", limit=None) == []
    finally:
        searcher.close()
