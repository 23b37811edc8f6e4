"""Related cases: the block-wise matrix search returns, for every case, what comparing it with
every other case one by one would."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from kb.search import related
from kb.search.related import most_similar


def one_by_one(matrix: np.ndarray, top: int) -> list[list[int]]:
    out = []
    for i, row in enumerate(matrix):
        scores = [(round(float(row @ other), 9), j) for j, other in enumerate(matrix) if j != i]
        out.append([j for score, j in sorted(scores, key=lambda p: (-p[0], p[1])) if score > 0][:top])
    return out


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 30), st.integers(1, 6), st.integers(1, 9), st.integers(0, 10_000), st.integers(1, 8))
def test_matrix_search_equals_comparing_one_by_one(rows, columns, top, seed, block):
    rng = np.random.default_rng(seed)
    matrix = rng.integers(0, 3, size=(rows, columns)).astype(float)  # small integers: many ties and zero rows
    matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1)
    saved, related.BLOCK = related.BLOCK, block
    try:
        assert most_similar(matrix, top) == one_by_one(matrix, top)
    finally:
        related.BLOCK = saved


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 40), st.integers(1, 6), st.integers(1, 9), st.integers(0, 10_000), st.integers(1, 3))
def test_updating_for_a_few_changed_rows_equals_starting_over(rows, columns, top, seed, changes):
    rng = np.random.default_rng(seed)

    def normalised(m):
        return m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1)
    before = normalised(rng.integers(0, 3, size=(rows, columns)).astype(float))
    after = before.copy()
    for i in rng.choice(rows, size=min(changes, rows), replace=False):
        after[i] = normalised(rng.integers(0, 3, size=(1, columns)).astype(float))[0]
    saved = related.UPDATE_AT_MOST
    related.UPDATE_AT_MOST = 1.0
    try:
        assert related.updated_similar(after, before, most_similar(before, top), top) == most_similar(after, top)
    finally:
        related.UPDATE_AT_MOST = saved


def test_related_cases_after_an_edit_are_those_of_a_fresh_count(tmp_path, content_copy, monkeypatch):
    """The cached counts and neighbours, updated for an edited case, give what counting afresh gives."""
    from kb.build.incremental import case_digests
    from kb.content.validate import check

    cache = tmp_path / "terms.marshal"
    corpus, _ = check(content_copy)
    related.related_cases(corpus, digests=case_digests(corpus), cache_file=cache)
    path = sorted((content_copy / "cases").rglob("*.yaml"))[3]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nsummary: >-\n", "\nsummary: >-\n  信访代理 领导包案 听证 联席会议 一站式 示范村。\n", 1), encoding="utf-8")
    corpus, _ = check(content_copy)
    ids = sorted(d.data["id"] for d in corpus.cases)
    with monkeypatch.context() as patch:  # however many rows the edit changed, the last result is updated
        patch.setattr(related, "UPDATE_AT_MOST", 1.0)
        patch.setattr(related, "most_similar", lambda *a: pytest.fail("started over"))
        updated = related.related_cases(corpus, digests=case_digests(corpus), cache_file=cache)
    fresh = related.related_cases(corpus)
    assert [updated(i) for i in ids] == [fresh(i) for i in ids]
