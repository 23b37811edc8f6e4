"""Related cases for the whole corpus at once: tf-idf vectors over the domain terms, compared
as one matrix product per block of cases.

Asking the search engine's more-like-this once per case costs a query over long posting lists
for every case, so the build grew with the square of the corpus (10,000 cases: most of the
build). Here each case is a row of term weights; a block of rows times the whole matrix gives
every similarity at BLAS speed, and only the best few per case are kept. The signal is the one
more-like-this used: the glossary, practice-type and method names a case mentions, weighted by
how rare they are; the reasons shown to readers come from index.relation_reason.
"""
from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import numpy as np

from .analysis import domain_words
from ..content.corpus import Corpus
from ..content.doccache import read_sealed, section, write_sealed
from .index import case_document, concept_counter, relation_reason
from ..core.digests import add_sources

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
    add_sources(digest, ("search.related", "search.index", "search.analysis"))
    return digest.hexdigest()


def weight_matrix(ids: list[str], counts: dict[str, dict[str, int]], vocabulary: list[str] | None = None) -> np.ndarray:
    """Rows of (1 + log tf) · idf, each scaled to unit length (so a product is a cosine); one
    column per term of `vocabulary` (default: every term found)."""
    vocabulary = sorted({t for found in counts.values() for t in found}) if vocabulary is None else vocabulary
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


def _scores(rows: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    # Rounded so that a last-bit difference between product shapes cannot reorder equal scores.
    return np.round(rows @ matrix.T, 9)


def _best(scores: np.ndarray, rows: np.ndarray, k: int) -> list[list[int]]:
    """Per row of `scores` (row r of the block is case rows[r]; its own column is ignored), the
    columns with the k highest positive scores, best first, ties by lower column."""
    scores[np.arange(len(rows)), rows] = 0
    kth = -np.partition(-scores, k - 1, axis=1)[:, k - 1]
    # Everything tied with the k-th score competes too, so ties break by column, not by luck.
    row, column = np.nonzero((scores >= kth[:, None]) & (scores > 0))
    order = np.lexsort((column, -scores[row, column], row))
    row, column = row[order], column[order]
    block = np.arange(len(rows))
    first, last = np.searchsorted(row, block), np.searchsorted(row, block, side="right")
    return [column[a:min(b, a + k)].tolist() for a, b in zip(first, last)]


def most_similar(matrix: np.ndarray, top: int = TOP) -> list[list[int]]:
    """For each row, the rows with the highest positive cosine, best first (ties: lower row first)."""
    n = matrix.shape[0]
    k = min(top, n - 1)
    if k <= 0:
        return [[] for _ in range(n)]
    out: list[list[int]] = []
    for start in range(0, n, BLOCK):
        rows = np.arange(start, min(start + BLOCK, n))
        out += _best(_scores(matrix[rows], matrix), rows, k)
    return out


UPDATE_AT_MOST = 0.05  # share of changed rows up to which updating the last result beats starting over


def updated_similar(matrix: np.ndarray, before: np.ndarray, similar: list[list[int]], top: int = TOP) -> list[list[int]] | None:
    """most_similar(matrix), from `similar` = most_similar(before) when few rows differ: a row
    that changed, or whose best rows include one that changed, is scored against every row
    again; any other row keeps its best rows (their scores are unchanged) and lets in a changed
    row only where it now beats them. None when too many rows changed for that to pay."""
    n = matrix.shape[0]
    k = min(top, n - 1)
    if k <= 0 or before.shape != matrix.shape:
        return None
    changed = np.flatnonzero(np.any(matrix != before, axis=1))
    if len(changed) > UPDATE_AT_MOST * n:
        return None
    if not len(changed):
        return similar
    is_changed = np.zeros(n, dtype=bool)
    is_changed[changed] = True
    out = [list(best) for best in similar]
    redo = [i for i in range(n) if is_changed[i] or any(is_changed[j] for j in similar[i])]
    cross = _scores(matrix, matrix[changed])  # every row against the changed ones
    cross[changed, np.arange(len(changed))] = 0
    for i in np.flatnonzero(np.any(cross > 0, axis=1)):
        if is_changed[i] or any(is_changed[j] for j in similar[i]):
            continue
        kept = similar[i]
        candidates = list(zip(_scores(matrix[i], matrix[kept]).tolist(), kept)) if kept else []
        candidates += [(score, int(j)) for score, j in zip(cross[i].tolist(), changed) if score > 0]
        out[i] = [j for _, j in sorted(candidates, key=lambda c: (-c[0], c[1]))[:k]]
    for start in range(0, len(redo), BLOCK):
        rows = np.array(redo[start:start + BLOCK])
        for i, best in zip(rows, _best(_scores(matrix[rows], matrix), rows, k)):
            out[i] = best
    return out


def _neighbours(ids: list[str], counts: dict, top: int, before: tuple | None = None) -> list[list[int]]:
    """most_similar over the counts' weights; with `before` = (counts, most_similar result) of
    the same ids, updated from that where it pays (updated_similar)."""
    if not ids:
        return []
    if before is not None:
        old_counts, similar = before
        vocabulary = sorted({t for found in [*counts.values(), *old_counts.values()] for t in found})
        matrix = weight_matrix(ids, counts, vocabulary)
        updated = updated_similar(matrix, weight_matrix(ids, old_counts, vocabulary), similar, top)
        if updated is not None:
            return updated
    return most_similar(weight_matrix(ids, counts), top)


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
        old_counts = {i: entries[i][1] for i in ids if i in entries}  # term_counts replaces entries, never alters them
        counts = term_counts(corpus, dictionary, entries, digests)
        # The neighbours are stored with the counts they follow from (for these ids and `top`):
        # when no case's counts changed (most edits touch no domain term) they stand; when a
        # few changed, they are updated.
        made_for = [top, ids]
        similar = kept.get("similar")
        last = similar[1] if similar and similar[0] == made_for and len(old_counts) == len(ids) else None
        if last is not None and all(counts[i] is old_counts[i] or counts[i] == old_counts[i] for i in ids):
            neighbours = last
        else:
            neighbours = _neighbours(ids, counts, top, (old_counts, last) if last is not None else None)
        write_sealed(cache_file, {"terms": (key, {"entries": {ident: entries[ident] for ident in ids},
                                                  "similar": (made_for, neighbours)})})
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
