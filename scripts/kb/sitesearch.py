"""The site's own search index: positional character-bigram postings, sharded into small
script files that the browser loads on demand (script tags work on any static host and from
file://, where fetch() does not).

A word matches a case only where its bigrams stand at consecutive positions, i.e. where the
case contains the word exactly, the same rule as `kb search`.
"""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import numpy as np

from .analysis import WORD_CHARS, domain_words
from .corpus import Corpus
from .index import case_document, text_row
from .query import query_data
from .schemas import labels

TARGET_POSTINGS_PER_SHARD = 6000
ENTRIES_PER_GROUP = 2_000_000  # postings encoded at once (bounds the memory of a large corpus)
DOCS_PER_SHARD = 100


def fnv1a(text: str) -> int:
    """32-bit FNV-1a over UTF-16 code units, as JavaScript's charCodeAt sees them."""
    data = text.encode("utf-16-le")
    h = 0x811C9DC5
    for i in range(0, len(data), 2):
        h ^= int.from_bytes(data[i:i + 2], "little")
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def positional_bigrams(text: str, start: int = 0) -> tuple[list[tuple[str, int]], int]:
    """(bigram, position) pairs; runs of word characters are separated by a one-position gap."""
    out, pos = [], start
    for match in WORD_CHARS.finditer(text.lower()):
        run = match.group(0)
        for i in range(len(run) - 1):
            out.append((run[i:i + 2], pos))
            pos += 1
        pos += 2 if len(run) > 1 else 1
    return out, pos


# ------------------------------------------------------------ the same, on arrays

# A bigram as one number: first code point × CODE_POINTS + second. Word characters all lie in
# the Basic Multilingual Plane (see analysis.WORD_CHARS), so a bigram fits 32 bits.
CODE_POINTS = 0x10000


def bigram_arrays(text: str, start: int = 0) -> tuple[np.ndarray, np.ndarray, int]:
    """positional_bigrams(text, start) as arrays: (bigram numbers, positions, next position)."""
    points = np.frombuffer(text.lower().encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    word = (((points >= 0x3400) & (points <= 0x9FFF)) | ((points >= 0xF900) & (points <= 0xFAFF)) |
            ((points >= 97) & (points <= 122)) | ((points >= 65) & (points <= 90)) | ((points >= 48) & (points <= 57)))
    edges = np.diff(np.concatenate(([0], word.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    lengths = ends - starts
    steps = np.where(lengths > 1, lengths + 1, 1)  # a run moves the position past its pairs and a gap
    run_start = start + np.concatenate(([0], np.cumsum(steps)[:-1])).astype(np.int64)
    at = np.flatnonzero(word[:-1] & word[1:])
    run = np.searchsorted(starts, at, side="right") - 1
    grams = (points[at] * CODE_POINTS + points[at + 1]).astype(np.uint32)
    return grams, (run_start[run] + (at - starts[run])).astype(np.int32), start + int(steps.sum())


def _word_points(points: np.ndarray) -> np.ndarray:
    return (((points >= 0x3400) & (points <= 0x9FFF)) | ((points >= 0xF900) & (points <= 0xFAFF)) |
            ((points >= 97) & (points <= 122)) | ((points >= 65) & (points <= 90)) | ((points >= 48) & (points <= 57)))


CHUNK_CASES = 2000  # cases whose characters are held at once by case_bigram_arrays


def case_bigram_arrays(fields: list[tuple[str, str, str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For each case's (title, names, body): the bigram_arrays of the three chained (title from 0,
    names from where the title ended, body from where the names ended), for all cases at once.
    Returns (bigram numbers, positions, bigrams per case, per case [title end, names end])."""
    parts = [_chunk_arrays(fields[i:i + CHUNK_CASES]) for i in range(0, len(fields), CHUNK_CASES)]
    if not parts:
        return np.zeros(0, np.uint32), np.zeros(0, np.int32), np.zeros(0, np.int64), np.zeros((0, 2), np.int64)
    return tuple(np.concatenate(arrays) for arrays in zip(*parts))


def _chunk_arrays(fields: list[tuple[str, str, str]]):
    # Fields joined by a non-word character: runs never cross it, so positions go on as chained calls would.
    lowered = [[f.lower() for f in case] for case in fields]
    lengths = np.array([[len(f) + 1 for f in case] for case in lowered], dtype=np.int64).ravel()
    text = "".join(f + "\n" for case in lowered for f in case)
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    field_start = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    case_of_char = np.repeat(np.arange(len(fields)), lengths.reshape(-1, 3).sum(axis=1))
    word = _word_points(points)
    edges = np.diff(np.concatenate(([0], word.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    steps = np.where(ends - starts > 1, ends - starts + 1, 1)
    before = np.concatenate(([0], np.cumsum(steps)))  # positions used by the runs before each run (all cases)
    run_case = case_of_char[starts]
    case_base = before[np.searchsorted(starts, field_start[::3])]  # where each case's positions start
    ends_at = before[np.searchsorted(starts, field_start.reshape(-1, 3)[:, 1:])] - case_base[:, None]
    at = np.flatnonzero(word[:-1] & word[1:])
    run = np.searchsorted(starts, at, side="right") - 1
    grams = (points[at] * CODE_POINTS + points[at + 1]).astype(np.uint32)
    positions = (before[run] - case_base[run_case[run]] + (at - starts[run])).astype(np.int32)
    counts = np.bincount(run_case[run], minlength=len(fields))
    return grams, positions, counts, ends_at


def fnv1a_array(grams: np.ndarray) -> np.ndarray:
    """fnv1a() of each bigram number (both characters lie in the Basic Multilingual Plane)."""
    grams = grams.astype(np.int64)
    h = np.full(grams.shape, 0x811C9DC5, dtype=np.uint64)
    for unit in (grams // CODE_POINTS, grams % CODE_POINTS):
        h = ((h ^ unit.astype(np.uint64)) * np.uint64(0x01000193)) & np.uint64(0xFFFFFFFF)
    return h


def varint_text(numbers: np.ndarray) -> tuple[str, np.ndarray]:
    """varints() of every number at once, and where each number's digits begin in the text."""
    digits = np.ones(numbers.shape, dtype=np.int64)
    rest = numbers >> 5
    while rest.any():
        digits += rest > 0
        rest >>= 5
    begin = np.concatenate(([0], np.cumsum(digits)[:-1]))
    codes = np.empty(int(digits.sum()), dtype=np.uint8)
    for k in range(int(digits.max(initial=1))):
        has = digits > k
        value = (numbers[has] >> (5 * k)) & 31
        codes[begin[has] + k] = value + np.where(digits[has] > k + 1, 32, 0)
    alphabet = np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)
    return alphabet[codes].tobytes().decode("ascii"), begin


def encoded_postings(grams: np.ndarray, docs: np.ndarray, positions: np.ndarray, presorted: bool = False) -> dict[int, str]:
    """Bigram number → its postings as varints(): per case holding it (in case order), the case
    number's difference from the previous one, the count of positions and the positions as
    differences. The entries come in case order and, within a case, in position order (and, if
    `presorted`, already stably sorted by bigram)."""
    if presorted:
        g, d, p = grams, docs.astype(np.int64), positions.astype(np.int64)
    else:
        order = np.argsort(grams, kind="stable")
        g, d, p = grams[order], docs[order].astype(np.int64), positions[order].astype(np.int64)
        del order
    n = len(g)
    if n == 0:
        return {}
    new_gram = np.concatenate(([True], g[1:] != g[:-1]))
    new_group = new_gram | np.concatenate(([True], d[1:] != d[:-1]))
    group_starts = np.flatnonzero(new_group)
    group_of = np.cumsum(new_group) - 1
    counts = np.diff(np.append(group_starts, n))
    previous_doc = np.where(new_gram[group_starts], 0, d[np.maximum(group_starts - 1, 0)])
    numbers = np.empty(n + 2 * len(group_starts), dtype=np.int64)
    heads = group_starts + 2 * np.arange(len(group_starts))
    numbers[heads] = d[group_starts] - previous_doc
    numbers[heads + 1] = counts
    numbers[np.arange(n) + 2 * (group_of + 1)] = np.where(new_group, p, p - np.concatenate(([0], p[:-1])))
    text, begin = varint_text(numbers)
    gram_starts = np.flatnonzero(new_gram)
    cut = np.append(begin[heads[group_of[gram_starts]]], len(text))
    return {int(gram): text[cut[i]:cut[i + 1]] for i, gram in enumerate(g[gram_starts])}


def build_site_index(corpus: Corpus, out_dir: Path, cache_dir: Path | None = None) -> dict:
    """Write search/meta.js (what filtering and ranking need, a few dozen bytes a case),
    search/shards/*.js (postings) and search/docs/*.js (titles, loaded for the results shown).
    `cache_dir`: see query_data."""
    types, themes, regions = corpus.taxonomy("practice_type"), corpus.taxonomy("theme"), corpus.region_map()
    type_ids, theme_ids, region_ids = list(types), list(themes), list(regions)
    docs, titles, searchables, fields = [], [], [], []
    cases = sorted(corpus.case_map().values(), key=lambda c: c["id"])
    for case in cases:
        d = case_document(case, corpus, types)
        searchables.append(d["searchable"].lower())
        fields.append(tuple(text_row(d)[1:]))  # what `kb search` matches, field by field
        period = case["period"]
        docs.append([
            [type_ids.index(t) for t in case["practice_types"]],
            region_ids.index(case["locality"]["region"]),
            case["locality"]["level"],
            [theme_ids.index(t) for t in case["themes"]],
            period.get("start_year") or period["reported_year"],
            1 if case["status"] == "draft" else 0,
        ])
        titles.append([case["id"], case["title"]])
    grams, positions, per_doc, field_ends = case_bigram_arrays(fields)
    del fields
    for row, (title_end, names_end) in zip(docs, field_ends.tolist()):
        row += [title_end, names_end]
    doc_numbers = np.repeat(np.arange(len(per_doc), dtype=np.int32), per_doc)
    total = len(grams)
    shard_count = 1
    while total / shard_count > TARGET_POSTINGS_PER_SHARD:
        shard_count *= 2
    # Each shard lists its bigrams in the order they first occur (case by case), as a dict
    # filled while reading the cases would; the shards are made a group at a time to bound memory.
    # One stable sort by bigram serves both the distinct bigrams (with where each first occurs)
    # and the postings, which it leaves in case and position order within each bigram.
    order = np.argsort(grams, kind="stable")
    sorted_grams = grams[order]
    new_gram = np.concatenate(([True], sorted_grams[1:] != sorted_grams[:-1])) if total else np.zeros(0, dtype=bool)
    distinct, first = sorted_grams[new_gram], order[new_gram]
    shard_of = fnv1a_array(distinct) % shard_count
    groups = max(1, min(shard_count, total // ENTRIES_PER_GROUP + 1))
    shards: list[dict] = [{} for _ in range(shard_count)]
    entry_group = (shard_of % groups).astype(np.int32)[np.cumsum(new_gram) - 1]  # per sorted entry
    del sorted_grams, new_gram
    for group in range(groups):
        take = order[entry_group == group]
        encoded = encoded_postings(grams[take], doc_numbers[take], positions[take], presorted=True)
        mine = shard_of % groups == group
        mine_grams, mine_shards = distinct[mine], shard_of[mine]
        for i in np.argsort(first[mine], kind="stable"):
            gram = int(mine_grams[i])
            shards[int(mine_shards[i])][chr(gram // CODE_POINTS) + chr(gram % CODE_POINTS)] = encoded[gram]
    search_dir = out_dir / "search"
    (search_dir / "shards").mkdir(parents=True, exist_ok=True)
    for number, shard in enumerate(shards):
        (search_dir / "shards" / f"{number}.js").write_text(
            f"KB_SEARCH_SHARD({number},{_compact(shard)});\n", encoding="utf-8")
    (search_dir / "docs").mkdir(exist_ok=True)
    for start in range(0, len(titles), DOCS_PER_SHARD):
        number = start // DOCS_PER_SHARD
        (search_dir / "docs" / f"{number}.js").write_text(
            f"KB_SEARCH_DOCS({number},{_compact(titles[start:start + DOCS_PER_SHARD])});\n", encoding="utf-8")
    meta = {
        "shards": shard_count,
        "docsPerShard": DOCS_PER_SHARD,
        "docs": docs,
        "types": [[t, types[t]["name"]] for t in type_ids],
        "themes": [[t, themes[t]["name"]] for t in theme_ids],
        "regions": [[r, regions[r]["name"], regions[r]["level"],
                     region_ids.index(regions[r]["parent"]) if regions[r].get("parent") in regions else -1]
                    for r in region_ids],
        "levels": labels("case", "locality", "level"),
        "query": query_data(corpus, searchables, cache_dir),
        "dictionary": domain_words(corpus),
    }
    (search_dir / "meta.js").write_text(f"KB_SEARCH_META={_compact(meta)};\n", encoding="utf-8")
    return {"docs": len(docs), "bigrams": len(distinct), "postings": total, "shards": shard_count}


ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def varints(numbers: list[int]) -> str:
    """Non-negative integers as base-32 digits, low first; a digit from the upper half of the
    alphabet means more digits follow. Half the size of JSON numbers for these postings."""
    out = []
    for n in numbers:
        while n >= 32:
            out.append(ALPHABET[32 + (n & 31)])
            n >>= 5
        out.append(ALPHABET[n])
    return "".join(out)


def _deltas(positions: list[int]) -> list[int]:
    out, previous = [], 0
    for p in positions:
        out.append(p - previous)
        previous = p
    return out


def _compact(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
