"""The site's search data, built on arrays, is what reading the cases one bigram at a time gives."""
import copy
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from conftest import PINNED_CONTENT
from kb.search import sitesearch
from kb.content.corpus import read_corpus
from kb.build.incremental import tree_hashes
from kb.search.index import TEXTS_FILE, case_document, text_row
from kb.search.sitesearch import fnv1a, positional_bigrams, varints

CONTENT = PINNED_CONTENT


def reference_shards(corpus) -> dict[int, dict[str, str]]:
    """The postings as the first version built them: a dict of dicts filled case by case."""
    types = corpus.taxonomy("practice_type")
    postings = defaultdict(lambda: defaultdict(list))
    for n, case in enumerate(sorted(corpus.case_map().values(), key=lambda c: c["id"])):
        d = case_document(case, corpus, types)
        title, end = positional_bigrams(d["title"])
        names, end = positional_bigrams(d["place"] + "\n" + d["names"], end)
        body, _ = positional_bigrams(d["body"], end)
        for gram, pos in title + names + body:
            postings[gram][n].append(pos)
    total = sum(len(p) for by_doc in postings.values() for p in by_doc.values())
    count = 1
    while total / count > sitesearch.TARGET_POSTINGS_PER_SHARD:
        count *= 2
    shards = defaultdict(dict)
    for gram, by_doc in postings.items():
        numbers, previous = [], 0
        for doc, positions in sorted(by_doc.items()):
            numbers += [doc - previous, len(positions)] + [p - q for p, q in zip(positions, [0] + positions[:-1])]
            previous = doc
        shards[fnv1a(gram) % count][gram] = varints(numbers)
    return dict(shards)


def written_shards(folder: Path) -> dict[int, dict[str, str]]:
    out = {}
    for path in (folder / "search" / "shards").glob("*.js"):
        number, body = re.fullmatch(r"KB_SEARCH_SHARD\((\d+),(.*)\);\n", path.read_text(encoding="utf-8"), re.S).groups()
        shard = json.loads(body)
        if shard:
            out[int(number)] = shard
    return out


@pytest.mark.parametrize("per_group", [sitesearch.ENTRIES_PER_GROUP, 5000])
def test_array_postings_equal_the_case_by_case_ones_in_content_and_order(tmp_path, monkeypatch, per_group):
    monkeypatch.setattr(sitesearch, "ENTRIES_PER_GROUP", per_group)  # 5000: made in many groups
    corpus = read_corpus(CONTENT)
    sitesearch.build_site_index(corpus, tmp_path)
    expected, written = reference_shards(corpus), written_shards(tmp_path)
    assert written == expected
    assert all(list(written[n]) == list(expected[n]) for n in expected)  # the same order of bigrams


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("信访代理Ab9 ，\n-İß㐀鿿豈﫿𠀀")), max_size=40), st.integers(0, 50))
def test_bigram_arrays_give_the_pairs_and_positions_of_positional_bigrams(text, start):
    grams, positions, end = sitesearch.bigram_arrays(text, start)
    pairs, expected_end = positional_bigrams(text, start)
    assert [(chr(g // sitesearch.CODE_POINTS) + chr(g % sitesearch.CODE_POINTS), int(p)) for g, p in zip(grams, positions)] == pairs
    assert end == expected_end


_field = st.text(alphabet=st.sampled_from(list("信访代理aB9 ，\n-İΣς")), max_size=12)


@given(st.lists(st.tuples(_field, _field, _field), max_size=6), st.integers(1, 3))
def test_case_bigram_arrays_equal_chained_bigram_arrays_per_case(fields, chunk):
    saved, sitesearch.CHUNK_CASES = sitesearch.CHUNK_CASES, chunk
    try:
        grams, positions, counts, ends = sitesearch.case_bigram_arrays(fields)
    finally:
        sitesearch.CHUNK_CASES = saved
    expected_grams, expected_positions, expected_counts, expected_ends = [], [], [], []
    for title, names, body in fields:
        g1, p1, title_end = sitesearch.bigram_arrays(title)
        g2, p2, names_end = sitesearch.bigram_arrays(names, title_end)
        g3, p3, _ = sitesearch.bigram_arrays(body, names_end)
        expected_grams += [*g1, *g2, *g3]
        expected_positions += [*p1, *p2, *p3]
        expected_counts.append(len(g1) + len(g2) + len(g3))
        expected_ends.append([title_end, names_end])
    assert grams.tolist() == expected_grams and positions.tolist() == expected_positions
    assert counts.tolist() == expected_counts and ends.tolist() == expected_ends


def _built(corpus, folder: Path, previous: Path | None = None) -> dict:
    """build_site_index into folder/search, and the texts.json the whoosh index would write beside it."""
    corpus = copy.deepcopy(corpus)  # query data is kept on the corpus
    types = corpus.taxonomy("practice_type")
    rows = [text_row(case_document(c, corpus, types)) for c in sorted(corpus.case_map().values(), key=lambda c: c["id"])]
    folder.mkdir(parents=True)
    (folder / TEXTS_FILE).write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return sitesearch.build_site_index(corpus, folder, previous=previous and previous / "search",
                                       previous_texts=previous and previous / TEXTS_FILE)


_edit = st.text(alphabet=st.sampled_from(list("信访代理工作室听证新词鑫龘aZ9 ，\n")), max_size=30)


@settings(max_examples=30, deadline=None)
@given(edits=st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(["title", "summary", "organisation"]), _edit),
                      max_size=4),
       per_shard=st.sampled_from([40, 400, sitesearch.TARGET_POSTINGS_PER_SHARD]))
def test_postings_updated_after_edits_equal_postings_made_afresh(tmp_path_factory, edits, per_shard):
    corpus = read_corpus(CONTENT)
    saved, sitesearch.TARGET_POSTINGS_PER_SHARD = sitesearch.TARGET_POSTINGS_PER_SHARD, per_shard
    try:
        work = tmp_path_factory.mktemp("updated")
        _built(corpus, work / "before")
        for at, field, text in edits:
            corpus.cases[at % len(corpus.cases)].data[field] = text
        fresh, updated = _built(corpus, work / "fresh"), _built(corpus, work / "updated", previous=work / "before")
    finally:
        sitesearch.TARGET_POSTINGS_PER_SHARD = saved
    assert tree_hashes(work / "updated" / "search") == tree_hashes(work / "fresh" / "search")
    assert {k: v for k, v in updated.items() if k != "updated"} == {k: v for k, v in fresh.items() if k != "updated"}
    if updated["updated"] is not None:  # else the shard count changed with the number of postings
        before = {p.name: p.stat().st_ino for p in (work / "before" / "search" / "shards").iterdir()}
        after = {p.name: p.stat().st_ino for p in (work / "updated" / "search" / "shards").iterdir()}
        rewritten = {name for name in after if after[name] != before[name]}
        assert len(rewritten) < len(after) or per_shard != 40  # with many shards, most are taken over


def test_postings_are_made_afresh_when_the_previous_texts_are_not_what_they_were_made_from(tmp_path):
    corpus = read_corpus(CONTENT)
    _built(corpus, tmp_path / "before")
    edited = corpus.cases[0].data
    edited["title"] += "改"
    stale = tmp_path / "before" / TEXTS_FILE
    rows = json.loads(stale.read_text(encoding="utf-8"))
    next(row for row in rows if row[0] == edited["id"])[1] += "另"  # not what the previous postings were made from
    stale.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    fresh, updated = _built(corpus, tmp_path / "fresh"), _built(corpus, tmp_path / "updated", previous=tmp_path / "before")
    assert updated["updated"] is None and fresh["updated"] is None
    assert tree_hashes(tmp_path / "updated" / "search") == tree_hashes(tmp_path / "fresh" / "search")


def test_title_and_text_files_hold_their_group_of_rows_and_files_of_removed_groups_go(tmp_path):
    """A results page loads the title and text files of the cases it shows: each holds a few rows,
    and when the corpus shrinks the files beyond it are removed rather than left stale."""
    folder = tmp_path / "texts"
    sitesearch.write_groups(folder, "KB_SEARCH_TEXTS", [f"正文{i}" for i in range(25)], 10)
    assert sorted(p.name for p in folder.iterdir()) == ["0.js", "1.js", "2.js"]
    assert (folder / "2.js").read_text(encoding="utf-8") == 'KB_SEARCH_TEXTS(2,["正文20","正文21","正文22","正文23","正文24"]);\n'
    sitesearch.write_groups(folder, "KB_SEARCH_TEXTS", ["正文0"], 10)
    assert sorted(p.name for p in folder.iterdir()) == ["0.js"]
