"""Search over the pinned content (conftest): exact-substring precision, synonyms, phrases, filters, CLI."""
import json

import pytest
from click.testing import CliRunner

from kb.cli import main
from conftest import PINNED_CONTENT, PROJECT_ROOT
from kb.search.index import Filters, Searcher, build_index, case_document, count_from, snippet
from kb.search.query import Vocabulary, segment, understand
from kb.content.validate import check


@pytest.fixture(scope="module")
def corpus(pinned_and_grown):
    """The pinned content, and a copy with one more valid case in common words (conftest.pinned_and_grown):
    adding such a case must not change what these tests expect."""
    corpus, _ = check(pinned_and_grown)
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
def test_a_quoted_word_finds_exactly_the_cases_containing_it(searcher, corpus, word):
    assert ids(searcher.search(f'"{word}"', limit=None)) == containing(corpus, word)


def test_a_word_absent_from_the_corpus_finds_nothing(searcher):
    assert searcher.search("量子计算", limit=None) == []


def test_two_words_put_cases_with_both_first_and_leave_out_cases_with_one(searcher, corpus):
    expected = containing(corpus, "调解") & containing(corpus, "楼组")
    assert expected and ids(searcher.search("调解 楼组", limit=None)) == expected


def test_an_unspaced_phrase_is_cut_into_words_that_need_not_be_adjacent(searcher, corpus):
    assert not containing(corpus, "信访代理员培训")
    hits = searcher.search("信访代理员培训", limit=None)
    assert hits and hits[0].id in containing(corpus, "信访代理员") & containing(corpus, "培训")


def test_question_words_are_dropped(searcher):
    assert [h.id for h in searcher.search("信访听证会怎么开")] == [h.id for h in searcher.search("信访听证会")]


def test_a_synonym_from_the_content_file_finds_the_cases_word_and_says_so(searcher, corpus):
    hits = searcher.search("退役军人", limit=None)
    assert not containing(corpus, "退役军人")
    assert ids(hits) == ids(searcher.search("军队退役人员", limit=None))
    assert ids(hits) and ids(hits) <= containing(corpus, "军队退役人员")
    assert hits[0].matched == ["退役军人→军队退役人员"]


def test_generic_words_alone_return_nothing(searcher):
    result = searcher.run("信访工作怎么做好")
    assert result.ranked == [] and {"信访", "工作"} <= set(result.query["generic"])


def test_a_concept_no_case_has_is_named_and_does_not_empty_the_answer(searcher, corpus):
    hits = searcher.search("区块链接访", limit=None)
    assert "区块链" in searcher.run("区块链接访").absent
    assert hits and ids(hits) <= containing(corpus, "接访") and all(h.missing == ["区块链"] for h in hits)


def test_partial_matches_follow_complete_ones_and_name_what_they_lack(searcher):
    hits = searcher.search("组织离退休人员参与社区矛盾排解", limit=None)
    assert hits[0].id == "shanghai-putuo-caoyang-bailingniao"
    complete = [h for h in hits if not h.missing]
    assert hits[: len(complete)] == complete and all(h.missing for h in hits[len(complete):])


def test_region_name_in_a_query_puts_that_regions_cases_first(searcher):
    result = searcher.run("长宁 信访代理")
    assert result.explanation()["regions"] == ["长宁"]
    top = [searcher.stored[d]["id"] for d, _ in result.ranked[:2]]
    assert all(i.startswith("shanghai-changning") for i in top)


def test_segmentation_prefers_fewest_words_and_keeps_unknown_characters_together():
    vocab = Vocabulary({"words": ["信访", "代理", "信访代理", "培训"], "stop": ["怎么"], "generic": [],
                        "groups": [], "regions": {}, "suggest": []})
    assert segment("信访代理培训", vocab) == ["信访代理", "培训"]
    assert segment("量子信访", vocab) == ["量子", "信访"]
    assert [c["text"] for c in understand('"有信访我代理" 信访代理怎么培训', vocab)["concepts"]] == ["有信访我代理", "信访代理", "培训"]


def test_a_long_word_no_case_has_finds_the_cases_words_one_character_away():
    vocab = Vocabulary({"words": ["三治结合", "三治", "自治结合", "2021年度", "结合"], "stop": [], "generic": [],
                        "groups": [], "regions": {}, "suggest": [], "borrowed": ["自治结合"]})
    assert vocab.one_character_away("三治融合") == ["三治结合"]   # not the borrowed word, two characters away
    assert vocab.one_character_away("三治结合") == []             # a word the cases have is matched as typed
    assert vocab.one_character_away("治融合") == []               # three characters: too short to guess
    assert vocab.one_character_away("2022年度") == []             # digits differ: another year, not a variant


def test_a_quoted_phrase_is_matched_as_written(searcher, corpus):
    assert ids(searcher.search('"有信访我代理"', limit=None)) == containing(corpus, "有信访我代理")


def test_a_quoted_phrase_no_case_contains_is_searched_as_its_words(searcher, corpus):
    """A slogan misremembered by one character, in quotes, still finds the cases; the reader is told."""
    assert not containing(corpus, "有信访我代办") and containing(corpus, "有信访我代理")
    result = searcher.run('"有信访我代办"')
    assert result.explanation()["unquoted"] == ["有信访我代办"]
    assert containing(corpus, "有信访我代理") <= {searcher.stored[d]["id"] for d, _ in result.ranked}
    kept = searcher.run('"有信访我代理"')
    assert kept.explanation()["unquoted"] == [] and ids(searcher.search('"有信访我代理"', limit=None)) == containing(corpus, "有信访我代理")


def test_two_character_words_read_from_the_postings_match_as_counted_in_the_texts(searcher):
    """kb search takes a two-character word's cases, counts and title/names flags from the bigram
    postings instead of counting it in every case; both give the same."""
    pairs = sorted(g for g in searcher.gram_table if len(g) == 2)
    sample = pairs[::5] + [g for g in pairs if g[0] == g[1]]  # and every pair that can overlap itself
    assert len(sample) > 500
    for pair in sample:
        counted = {}
        for docnum, doc in enumerate(searcher.docs):
            if doc is not None:
                title, names, body, _ = doc
                count = sum(count_from(text, pair) for text in (title, names, body))
                if count:
                    counted[docnum] = (pair in title, pair in names, count)
        assert searcher.matches(pair) == counted, pair


def test_answering_queries_makes_no_reference_cycles(searcher):
    """Searcher pauses the cyclic garbage collector while it answers (collector_paused): safe only
    while answering leaves nothing for the collector to find."""
    import gc

    searcher.search("预热")
    gc.collect()
    for query in ["信访代理", "长宁 信访代理", '"有信访我代办"', "量子计算", "老上访户的事怎么了结",
                  "几百人围在镇政府门口要说法", "一把手每周坐班接待老百姓"]:
        searcher.search(query, limit=None)
        searcher.facets(query)
    assert gc.collect() == 0
    assert gc.isenabled()


def test_title_hits_rank_first(searcher):
    hits = searcher.search("领导包案制")
    assert hits[0].id == "shanghai-lingdao-baoan"


def test_type_filter_keeps_only_that_type(searcher, corpus):
    hits = searcher.search('"信访"', Filters(types=["xinfang-daili"]), limit=None)
    cases = corpus.case_map()
    assert hits and all("xinfang-daili" in cases[h.id]["practice_types"] for h in hits)


def within(corpus, region_id):
    """The oracle for region filters: cases whose region is region_id or lies below it."""
    return {d.data["id"] for d in corpus.cases
            if region_id in {r["id"] for r in corpus.region_path(d.data["locality"]["region"])}}


def test_region_filter_includes_lower_levels(searcher, corpus):
    hits = searcher.search('"信访"', Filters(regions=["shanghai-changning"]), limit=None)
    assert ids(hits) == containing(corpus, "信访") & within(corpus, "shanghai-changning")
    assert "shanghai-changning-jiangsulu-liqin" in ids(hits)  # a street below the district


def test_since_and_until_filter_on_the_start_year_only(searcher, corpus):
    """A case whose start year is unknown is left out of a --since/--until filter: its reported
    year says when a source wrote about it, not when it started."""
    periods = {i: c.get("period") or {} for i, c in corpus.case_map().items()}
    everything = searcher.search('"信访"', limit=None)
    unknown = {h.id for h in everything if "start_year" not in periods[h.id]}
    assert unknown and any((periods[i].get("reported_year") or 0) >= 2005 for i in unknown)
    hits = searcher.search('"信访"', Filters(since=2005), limit=None)
    assert hits and all(periods[h.id].get("start_year", 0) >= 2005 for h in hits)
    assert not unknown & ids(hits)
    hits = searcher.search('"信访"', Filters(until=2003), limit=None)
    assert hits and all(0 < periods[h.id].get("start_year", 0) <= 2003 for h in hits)


def test_hits_and_facets_keep_start_and_reported_year_apart(searcher, corpus):
    cases = corpus.case_map()
    hits = searcher.search('"信访"', limit=None)
    for hit in hits:
        period = cases[hit.id].get("period") or {}
        assert (hit.start_year, hit.reported_year) == (period.get("start_year"), period.get("reported_year"))
    facets = searcher.facets('"信访"')
    assert facets["start_year"]["unknown"] == sum(1 for h in hits if h.start_year is None)
    assert sum(facets["start_year"].values()) == len(hits)
    assert sum(facets["reported_year"].values()) == sum(1 for h in hits if h.reported_year is not None)


def test_snippet_marks_the_hit(searcher):
    hit = searcher.search("五定")[0]
    assert "【五定】" in hit.snippet


def test_snippet_marks_do_not_nest_and_fields_do_not_run_together():
    text = "某镇\n某镇辖区内开展信访代理工作"
    out = snippet(text, ["信访代理", "代理"])
    assert "【信访代理】" in out and "【信访【" not in out and "某镇；某镇辖区" in out


def test_enum_codes_are_not_indexed(corpus):
    types = corpus.taxonomy("practice_type")
    for doc in corpus.cases:
        body = case_document(doc.data, corpus, types)["body"]
        assert "\nmethod\n" not in f"\n{body}\n" and "\nmedia\n" not in f"\n{body}\n"


def test_cli_search_prints_json_with_locality_type_year(build_dir):
    result = CliRunner().invoke(main, ["--content", str(PINNED_CONTENT), "--build-dir", str(build_dir), "search", "信访代理", "--type", "信访代理",
                                       "--region", "上海市", "--since", "2004", "--json"])
    assert result.exit_code == 0, result.output
    output = json.loads(result.output)
    hits = output["hits"]
    assert hits[0]["id"].startswith("shanghai-changning")
    assert {"place", "types", "start_year", "reported_year", "snippet"} <= set(hits[0])
    assert output["total"] == len(hits) and output["facets"]["types"]["xinfang-daili"] == len(hits)
    assert all(h["start_year"] >= 2004 for h in hits)


def test_with_no_answer_each_concept_some_case_has_is_offered_with_its_count(searcher, build_dir):
    """No case has 老上访户 and 了结 together: the reader is told how many cases have each, and
    searching one alone finds exactly that many."""
    result = searcher.run("老上访户的事怎么了结")
    assert result.ranked == [] and [t for t, _ in result.separately()] == ["老上访户", "了结"]
    for text, count in result.separately():
        assert count == len(searcher.ranked(text)) > 0
    assert searcher.run("老上访户").separately() == []          # an answered query offers nothing
    assert searcher.run("区块链存证").separately() == []        # nor one whose concepts no case has
    printed = CliRunner().invoke(main, ["--content", str(PINNED_CONTENT), "--build-dir", str(build_dir), "search",
                                        "老上访户的事怎么了结"]).output
    assert "没有案例同时含有这些要点。可以分别检索：“老上访户”（" in printed


def test_cli_search_json_says_null_for_an_unknown_start_year(build_dir, corpus):
    result = CliRunner().invoke(main, ["--content", str(PINNED_CONTENT), "--build-dir", str(build_dir), "search", "沈阳", "--json"])
    hit = next(h for h in json.loads(result.output)["hits"] if h["id"] == "liaoning-shenyang-yizhanshi")
    assert hit["start_year"] is None and hit["reported_year"] == 2009
    printed = CliRunner().invoke(main, ["--content", str(PINNED_CONTENT), "--build-dir", str(build_dir), "search", "沈阳"]).output
    assert "2009 年报道（开始年份不详）" in printed and "［草稿］" in printed


def test_facets_count_every_matching_case_at_every_region_level(searcher, corpus):
    facets = searcher.facets('"信访代理"')
    assert sum(facets["level"].values()) == len(containing(corpus, "信访代理"))
    matching = containing(corpus, "信访代理")
    assert facets["regions"]["shanghai-changning"] == len(matching & within(corpus, "shanghai-changning")) >= 2
    assert facets["regions"]["shanghai"] == len(matching & within(corpus, "shanghai")) >= facets["regions"]["shanghai-changning"]


def test_cli_search_explains_the_query_and_suggests_on_no_result(build_dir):
    result = CliRunner().invoke(main, ["--content", str(PINNED_CONTENT), "--build-dir", str(build_dir), "search", "区块链", "--json"])
    output = json.loads(result.output)
    assert output["total"] == 0 and output["query"]["absent"] == ["区块链"]
    text = CliRunner().invoke(main, ["--content", str(PINNED_CONTENT), "--build-dir", str(build_dir), "search", "网络信访怎么办"]).output
    assert "检索词：网络信访" in text and "按“" in text


def test_cli_search_without_an_index_explains_what_to_do(tmp_path):
    result = CliRunner().invoke(main, ["--content", str(PINNED_CONTENT), "--build-dir", str(tmp_path), "search", "信访"])
    assert result.exit_code == 1
    assert "kb index" in result.output


def test_related_cases_come_from_more_like_this_with_a_reason(searcher):
    from kb.search.index import similar_cases
    related = similar_cases(searcher)("shanghai-changning-jiangsulu-liqin")
    assert related[0] == ("shanghai-changning-tiaojie-daili", "同类做法、同一地区")
    assert all(reason for _, reason in related) and "shanghai-changning-jiangsulu-liqin" not in dict(related)


def test_a_phrase_the_cases_contain_verbatim_is_searched_whole(searcher):
    assert searcher.run("联席办").explanation()["concepts"] == ["联席办"]
    assert searcher.run("政策完善").explanation()["concepts"] == ["政策完善"]


def test_a_leading_generic_verb_is_not_part_of_the_verbatim_phrase(searcher):
    assert searcher.run("如何建立联席会议制度").explanation()["concepts"] == ["联席会议制度"]


def test_no_result_suggests_nearby_terms(searcher):
    assert "接访" in searcher.suggestions("人工智能接访")


def test_a_word_in_two_synonym_groups_is_reported_at_its_line(content_copy):
    from conftest import write_file
    write_file(content_copy, "synonyms.yaml", "# yaml-language-server: $schema=../schemas/synonyms.schema.json\n"
               "groups:\n  - terms: [积案, 老案]\n  - terms: [难案, 老案]\n")
    _, problems = check(content_copy)
    assert [(p.line, p.severity) for p in problems if "老案" in p.message] == [(4, "error")]


def test_synonyms_file_follows_its_schema(content_copy):
    from conftest import write_file
    write_file(content_copy, "synonyms.yaml", "# yaml-language-server: $schema=../schemas/synonyms.schema.json\n"
               "groups:\n  - terms: [积案]\n")
    _, problems = check(content_copy)
    assert any(p.file.endswith("synonyms.yaml") and p.severity == "error" for p in problems)


def _answers(index_dir, queries):
    s = Searcher(index_dir)
    try:
        return {q: [(h.id, h.score, h.snippet, h.matched, h.missing) for h in s.search(q, limit=None)] for q in queries}
    finally:
        s.close()


def test_an_index_updated_for_edited_cases_answers_as_a_fresh_one(tmp_path, content_copy, monkeypatch):
    """`kb build` indexes again only the cases that changed since its last index."""
    import yaml

    import kb.search.index

    queries = [q["query"] for q in yaml.safe_load((PROJECT_ROOT / "tests" / "natural_queries.yaml").read_text(encoding="utf-8"))["queries"]]
    queries += ["量子计算", '"家门口"', "信访代理 上海"]
    before, _ = check(content_copy)
    build_index(before, tmp_path / "before")
    edited = sorted((content_copy / "cases").rglob("*.yaml"))[:2]
    for path in edited:  # words no case had, and some the case had taken out
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("\ntitle: ", "\ntitle: 量子计算", 1).replace("信访", "来访", 3), encoding="utf-8")
    after, problems = check(content_copy)
    assert not [p for p in problems if p.severity == "error"]
    build_index(after, tmp_path / "fresh")
    with monkeypatch.context() as patch:
        patch.setattr(kb.search.index, "_fresh_index", lambda *a: pytest.fail("indexed every case afresh"))
        build_index(after, tmp_path / "updated", previous=tmp_path / "before")
    assert _answers(tmp_path / "updated", queries) == _answers(tmp_path / "fresh", queries)
    assert _answers(tmp_path / "updated", ["量子计算"])["量子计算"]  # the edit is found
    assert json.loads((tmp_path / "updated" / "texts.json").read_text(encoding="utf-8")) == \
        json.loads((tmp_path / "fresh" / "texts.json").read_text(encoding="utf-8"))
    for name in ("grams.json", "grams.bin", "gramstats.bin"):  # postings and their counts updated in place
        assert (tmp_path / "updated" / name).read_bytes() == (tmp_path / "fresh" / name).read_bytes(), name


def test_an_index_of_other_cases_is_not_updated_but_made_afresh(tmp_path, content_copy, monkeypatch):
    import kb.search.index

    before, _ = check(content_copy)
    build_index(before, tmp_path / "before")
    sorted((content_copy / "cases").rglob("*.yaml"))[0].unlink()
    after, _ = check(content_copy)
    made = []
    real = kb.search.index._fresh_index
    monkeypatch.setattr(kb.search.index, "_fresh_index", lambda *a: made.append(1) or real(*a))
    build_index(after, tmp_path / "updated", previous=tmp_path / "before")
    assert made and len(Searcher(tmp_path / "updated").stored) == len(after.cases)


def test_query_data_is_taken_from_the_build_cache_while_what_it_is_made_from_is_unchanged(tmp_path, content_copy, monkeypatch):
    import kb.search.query
    from kb.search.query import query_data

    def texts(corpus):
        types = corpus.taxonomy("practice_type")
        return [case_document(d.data, corpus, types)["searchable"].lower() for d in corpus.cases]
    first, _ = check(content_copy)
    made = query_data(first, texts(first), tmp_path)
    again, _ = check(content_copy)
    with monkeypatch.context() as patch:
        patch.setattr(kb.search.query, "_computed", lambda *a: pytest.fail("computed again"))
        assert query_data(again, texts(again), tmp_path) == made
    assert made == query_data(check(content_copy)[0], texts(again))  # the same as without a cache
    synonyms = content_copy / "synonyms.yaml"
    synonyms.write_text(synonyms.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # same data: still taken
    case = sorted((content_copy / "cases").rglob("*.yaml"))[0]
    case.write_text(case.read_text(encoding="utf-8").replace("\ntitle: ", "\ntitle: 量子计算", 1), encoding="utf-8")
    changed, _ = check(content_copy)
    words = set(query_data(changed, texts(changed), tmp_path)["words"]) - set(made["words"])
    assert words and all(set(w) <= set("量子计算") for w in words), words  # made again from the edited sample


def test_the_sealed_half_of_the_judged_queries_is_unchanged():
    """The sealed queries are scored, never tuned on: their file must be the one whose hash was committed."""
    import hashlib
    from kb.search.evaluate import SEALED
    recorded = SEALED.with_suffix(".sha256").read_text(encoding="utf-8").split()[0]
    assert hashlib.sha256(SEALED.read_bytes()).hexdigest() == recorded
