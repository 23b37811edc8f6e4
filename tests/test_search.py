"""Search over the shipped content: exact-substring precision, synonyms, phrases, filters, CLI."""
import json

import pytest
from click.testing import CliRunner

from kb.cli import main
from kb.corpus import CONTENT_DIR
from kb.index import Filters, Searcher, build_index, case_document, parse_query
from kb.validate import check


@pytest.fixture(scope="module")
def corpus():
    corpus, _ = check(CONTENT_DIR)
    return corpus


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory, corpus):
    build = tmp_path_factory.mktemp("build")
    build_index(corpus, build / "index")
    return build


@pytest.fixture(scope="module")
def searcher(build_dir):
    s = Searcher(build_dir / "index")
    yield s
    s.close()


def containing(corpus, word):
    """The oracle: cases whose indexed text contains the word as a substring."""
    types = corpus.taxonomy("practice_type")
    found = set()
    for doc in corpus.cases:
        d = case_document(doc.data, corpus, types)
        if word.lower() in d["searchable"].lower():
            found.add(d["id"])
    return found


def ids(hits):
    return {h.id for h in hits}


@pytest.mark.parametrize("word", ["人民调解", "动拆迁", "军队退役人员", "联席会议", "示范村", "听证", "民调解信", "家门口"])
def test_a_word_finds_exactly_the_cases_containing_it(searcher, corpus, word):
    assert ids(searcher.search(word, limit=None)) == containing(corpus, word)


def test_a_word_absent_from_the_corpus_finds_nothing(searcher):
    assert searcher.search("量子计算", limit=None) == []


def test_practice_type_alias_also_finds_the_type_name(searcher, corpus):
    assert ids(searcher.search("代办", limit=None)) >= containing(corpus, "信访代理")


def test_space_separated_words_are_all_required(searcher, corpus):
    expected = containing(corpus, "调解") & containing(corpus, "楼组")
    assert expected and ids(searcher.search("调解 楼组", limit=None)) == expected


def test_a_quoted_phrase_is_matched_as_written(searcher, corpus):
    assert parse_query('"有信访我代理" 长宁') == ["有信访我代理", "长宁"]
    assert ids(searcher.search('"有信访我代理"', limit=None)) == containing(corpus, "有信访我代理")


def test_title_hits_rank_first(searcher):
    hits = searcher.search("领导包案制")
    assert hits[0].id == "shanghai-lingdao-baoan"


def test_type_filter_keeps_only_that_type(searcher, corpus):
    hits = searcher.search("信访", Filters(types=["xinfang-daili"]), limit=None)
    cases = corpus.case_map()
    assert hits and all("xinfang-daili" in cases[h.id]["practice_types"] for h in hits)


def test_region_filter_includes_lower_levels(searcher):
    hits = searcher.search("信访", Filters(regions=["shanghai-changning"]), limit=None)
    assert ids(hits) == {"shanghai-changning-tiaojie-daili", "shanghai-changning-jiangsulu-liqin"}


def test_since_filter_uses_the_start_year(searcher, corpus):
    hits = searcher.search("信访", Filters(since=2020), limit=None)
    cases = corpus.case_map()
    assert hits and all((cases[h.id]["period"].get("start_year") or cases[h.id]["period"]["reported_year"]) >= 2020 for h in hits)


def test_snippet_marks_the_hit(searcher):
    hit = searcher.search("五定")[0]
    assert "【五定】" in hit.snippet


def test_cli_search_prints_json_with_locality_type_year(build_dir):
    result = CliRunner().invoke(main, ["--build-dir", str(build_dir), "search", "信访代理", "--type", "信访代理",
                                       "--region", "上海市", "--since", "2004", "--json"])
    assert result.exit_code == 0, result.output
    output = json.loads(result.output)
    hits = output["hits"]
    assert hits[0]["id"].startswith("shanghai-changning")
    assert {"place", "types", "start_year", "snippet"} <= set(hits[0])
    assert output["total"] == len(hits) and output["facets"]["types"]["xinfang-daili"] == len(hits)


def test_facets_count_every_matching_case_at_every_region_level(searcher, corpus):
    facets = searcher.facets("信访代理")
    matching = containing(corpus, "信访代理") | set().union(*(containing(corpus, a) for a in searcher.synonyms["信访代理"]))
    assert sum(facets["level"].values()) == len(matching)
    assert facets["regions"]["shanghai"] >= facets["regions"]["shanghai-changning"] == 2


def test_cli_search_without_an_index_explains_what_to_do(tmp_path):
    result = CliRunner().invoke(main, ["--build-dir", str(tmp_path), "search", "信访"])
    assert result.exit_code == 1
    assert "kb index" in result.output


def test_related_cases_come_from_more_like_this_with_a_reason(searcher):
    from kb.index import similar_cases
    related = similar_cases(searcher)("shanghai-changning-jiangsulu-liqin")
    assert related[0] == ("shanghai-changning-tiaojie-daili", "同类做法、同一地区")
    assert all(reason for _, reason in related) and "shanghai-changning-jiangsulu-liqin" not in dict(related)


def test_whole_word_hits_come_from_jieba_words_of_title_and_names(searcher):
    ids_of = lambda docnums: {searcher.stored[d]["id"] for d in docnums}
    assert "shanghai-changning-tiaojie-daili" in ids_of(searcher.whole_word("信访代理"))
    # 民调 occurs inside 人民调解 in that title, but is not a word of its own there
    assert "shanghai-changning-tiaojie-daili" not in ids_of(searcher.whole_word("民调"))
