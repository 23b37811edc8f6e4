"""Related cases: the block-wise matrix search returns, for every case, what comparing it with
every other case one by one would."""
import numpy as np
from hypothesis import given, settings, strategies as st

from kb import related
from kb.related import most_similar


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
