"""Related cases for the whole corpus at once: tf-idf vectors over the domain terms, compared
as one matrix product per block of cases.

Asking the search engine's more-like-this once per case costs a query over long posting lists
for every case, so the build grew with the square of the corpus (10,000 cases: most of the
build). Here each case is a row of term weights; a block of rows times the whole matrix gives
every similarity at BLAS speed, and only the best few per case are kept. The signal is the one
more-like-this used: the glossary, practice-type and method names a case mentions, weighted by
how rare they are; the reasons shown to readers come from render.relation_reason.
"""
from __future__ import annotations

import math

import numpy as np

from .analysis import bigrams, domain_words
from .corpus import Corpus
from .index import case_document, concepts
from .render import relation_reason

TOP = 8
BLOCK = 1024


def term_counts(corpus: Corpus, dictionary: list[str], memo: dict | None = None) -> dict[str, dict[str, int]]:
    """Per case id: how often each domain term occurs in its searchable text (lowercased).
    `memo` (kept by the preview between saves, for one dictionary and one set of shared files)
    maps a case id to (its data object, its counts): unchanged cases are not scanned again."""
    types = corpus.taxonomy("practice_type")
    counts = {}
    for doc in corpus.cases:
        ident = doc.data["id"]
        if memo is not None and ident in memo and memo[ident][0] is doc.data:
            counts[ident] = memo[ident][1]
            continue
        searchable = case_document(doc.data, corpus, types)["searchable"].lower()
        found: dict[str, int] = {}
        for term in concepts(searchable, dictionary, set(bigrams(searchable))):
            found[term] = found.get(term, 0) + 1
        counts[ident] = found
        if memo is not None:
            memo[ident] = (doc.data, found)
    return counts


def weight_matrix(ids: list[str], counts: dict[str, dict[str, int]]) -> np.ndarray:
    """Rows of (1 + log tf) · idf, each scaled to unit length (so a product is a cosine)."""
    vocabulary = sorted({t for found in counts.values() for t in found})
    column = {t: j for j, t in enumerate(vocabulary)}
    matrix = np.zeros((len(ids), max(1, len(vocabulary))), dtype=np.float64)
    for i, ident in enumerate(ids):
        for term, tf in counts[ident].items():
            matrix[i, column[term]] = 1 + math.log(tf)
    df = np.count_nonzero(matrix, axis=0)
    idf = np.log((1 + len(ids)) / (1 + df)) + 1
    matrix *= idf
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1
    return matrix / norms


def most_similar(matrix: np.ndarray, top: int = TOP) -> list[list[int]]:
    """For each row, the rows with the highest positive cosine, best first (ties: lower row first)."""
    n = matrix.shape[0]
    out: list[list[int]] = []
    for start in range(0, n, BLOCK):
        # Rounded so that a last-bit difference between block shapes cannot reorder equal scores.
        scores = np.round(matrix[start:start + BLOCK] @ matrix.T, 9)
        for row, own in enumerate(range(start, min(n, start + BLOCK))):
            line = scores[row]
            line[own] = 0
            k = min(top, n - 1)
            if k <= 0:
                out.append([])
                continue
            candidates = np.argpartition(-line, k - 1)[:k] if k < n else np.arange(n)
            threshold = line[candidates].min()
            # Everything tied with the k-th score competes too, so ties break by row, not by luck.
            pool = np.flatnonzero(line >= threshold) if threshold > 0 else np.flatnonzero(line > 0)
            ranked = sorted(pool.tolist(), key=lambda j: (-line[j], j))[:k]
            out.append([j for j in ranked if line[j] > 0])
    return out


def related_cases(corpus: Corpus, dictionary: list[str] | None = None, top: int = TOP, memo: dict | None = None):
    """related(case_id) -> [(other_id, reason)] for the renderer: the most similar cases, those
    sharing a practice type or a locality first, each with the reason shown to the reader."""
    dictionary = domain_words(corpus) if dictionary is None else dictionary
    ids = sorted(d.data["id"] for d in corpus.cases)
    neighbours = most_similar(weight_matrix(ids, term_counts(corpus, dictionary, memo)), top) if ids else []
    data = {d.data["id"]: d.data for d in corpus.cases}
    places = {}
    for ident, case in data.items():
        chain = corpus.region_path(case["locality"]["region"])
        places[ident] = {r["id"] for r in chain[1:]}  # below the province, as more-like-this compared
    table = {}
    for i, ident in enumerate(ids):
        mine_types, ranked = set(data[ident]["practice_types"]), []
        for rank, j in enumerate(neighbours[i]):
            other = ids[j]
            shared_type = bool(mine_types & set(data[other]["practice_types"]))
            shared_region = bool(places[ident] & places[other])
            reason = relation_reason(shared_type, shared_region) or "内容相近"
            ranked.append((-(2 * shared_type + shared_region), rank, other, reason))
        table[ident] = [(other, reason) for *_, other, reason in sorted(ranked)]
    return lambda case_id: table.get(case_id, [])
