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

import hashlib
import json
import math
import pickle
from pathlib import Path

import numpy as np

from .analysis import domain_words
from .corpus import Corpus
from .doccache import read_sealed, section, write_sealed
from .index import case_document, concept_counter
from .render import relation_reason

TOP = 8
TERM_CACHE = Path("cache") / "terms.marshal"  # inside the build folder: term counts and the last neighbours
BLOCK = 512  # rows scored at once: a block of scores is BLOCK × cases floats


def term_counts(corpus: Corpus, dictionary: list[str], memo: dict | None = None,
                digests: dict[str, str] | None = None) -> dict[str, dict[str, int]]:
    """Per case id: how often each domain term occurs in its searchable text (lowercased).
    `memo` (for one dictionary and one set of shared files) maps a case id to (its data object,
    or its digest where `digests` are given, and its counts): unchanged cases are not scanned again."""
    types = corpus.taxonomy("practice_type")
    count_terms = concept_counter(dictionary)
    counts = {}
    for doc in corpus.cases:
        ident = doc.data["id"]
        token = digests[ident] if digests is not None else doc.data
        if memo is not None and ident in memo and (memo[ident][0] == token if digests is not None else memo[ident][0] is token):
            counts[ident] = memo[ident][1]
            continue
        found = count_terms(case_document(doc.data, corpus, types)["searchable"].lower())
        counts[ident] = {term: found[term] for term in dictionary if term in found}  # as concepts() orders them
        if memo is not None:
            memo[ident] = (token, found)
    return counts


def _shared_key(corpus: Corpus, dictionary: list[str]) -> str:
    """What every case's term counts depend on besides the case: the dictionary, the names of
    regions and practice types (case_document), and the code that counts."""
    digest = hashlib.sha256(json.dumps(dictionary, ensure_ascii=False).encode())
    for doc in corpus.taxonomies + [corpus.regions]:
        digest.update(json.dumps(doc.data if doc is not None else None, ensure_ascii=False, sort_keys=True, default=str).encode())
    for name in ("related.py", "index.py", "analysis.py"):
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()


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
    k = min(top, n - 1)
    if k <= 0:
        return [[] for _ in range(n)]
    out: list[list[int]] = []
    for start in range(0, n, BLOCK):
        # Rounded so that a last-bit difference between block shapes cannot reorder equal scores.
        scores = np.round(matrix[start:start + BLOCK] @ matrix.T, 9)
        rows = np.arange(scores.shape[0])
        scores[rows, start + rows] = 0
        kth = -np.partition(-scores, k - 1, axis=1)[:, k - 1]
        # Everything tied with the k-th score competes too, so ties break by row, not by luck.
        row, column = np.nonzero((scores >= kth[:, None]) & (scores > 0))
        order = np.lexsort((column, -scores[row, column], row))
        row, column = row[order], column[order]
        first = np.searchsorted(row, rows)
        last = np.searchsorted(row, rows, side="right")
        out += [column[a:min(b, a + k)].tolist() for a, b in zip(first, last)]
    return out


def _neighbours(ids: list[str], counts: dict, top: int) -> list[list[int]]:
    return most_similar(weight_matrix(ids, counts), top) if ids else []


def related_cases(corpus: Corpus, dictionary: list[str] | None = None, top: int = TOP, memo: dict | None = None,
                  digests: dict[str, str] | None = None, cache_file: Path | None = None):
    """related(case_id) -> [(other_id, reason)] for the renderer: the most similar cases, those
    sharing a practice type or a locality first, each with the reason shown to the reader.
    With `digests` (case id → digest of its data) and `cache_file`, the term counts of cases
    unchanged since the last run are read from the file instead of counted again."""
    dictionary = domain_words(corpus) if dictionary is None else dictionary
    ids = sorted(d.data["id"] for d in corpus.cases)
    if cache_file is not None and digests is not None:
        key = _shared_key(corpus, dictionary)  # the stored counts hold for this key only
        kept = section(read_sealed(cache_file), "terms", key)
        entries = kept.get("entries", {})  # case id → (digest, counts), as term_counts keeps them
        counts = term_counts(corpus, dictionary, entries, digests)
        # The neighbours follow from the counts alone: when no case's counts changed (most edits
        # touch no domain term), the last result stands.
        made_from = hashlib.blake2b(pickle.dumps([top, [(i, sorted(counts[i].items())) for i in ids]]), digest_size=16).digest()
        similar = kept.get("similar")
        neighbours = similar[1] if similar and similar[0] == made_from else _neighbours(ids, counts, top)
        write_sealed(cache_file, {"terms": (key, {"entries": {ident: entries[ident] for ident in ids},
                                                  "similar": (made_from, neighbours)})})
    else:
        neighbours = _neighbours(ids, term_counts(corpus, dictionary, memo), top)
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
