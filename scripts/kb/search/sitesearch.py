"""The site's own search index: positional character-bigram postings, sharded into small
script files that the browser loads on demand (script tags work on any static host and from
file://, where fetch() does not).

A word matches a case only where its bigrams stand at consecutive positions, i.e. where the
case contains the word exactly, the same rule as `kb search`.
"""
from __future__ import annotations

import bisect
import hashlib
import json
import os
import shutil
from pathlib import Path

import numpy as np

from .analysis import WORD_CHARS, domain_words
from ..content.corpus import Corpus
from ..content.prose import plain_prose
from .index import case_document, text_row
from ..core.digests import content_key
from .query import query_data
from ..content.schemas import labels

TARGET_POSTINGS_PER_SHARD = 1500  # a query reads whole shards: smaller ones, fewer bytes of other bigrams
ENTRIES_PER_GROUP = 2_000_000  # postings encoded at once (bounds the memory of a large corpus)
# A results page shows up to 50 cases, scattered over the corpus: each needs its title row and its
# body (for the snippet), so these files are small. With 100 cases a file, a page of results read
# up to 15 MB of bodies at 10,000 cases (scripts/bench_search.py).
TITLES_PER_FILE = 10
TEXTS_PER_FILE = 1
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"  # of varints()


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


def _write_postings(fields: list[tuple[str, str, str]], docs: list[list], search_dir: Path, state: dict) -> None:
    """search/shards/*.js made afresh; each doc row gets its field ends; state gets the counts."""
    grams, positions, per_doc, field_ends = case_bigram_arrays(fields)
    for row, (title_end, names_end) in zip(docs, field_ends.tolist()):
        row += [title_end, names_end]
    doc_numbers = np.repeat(np.arange(len(per_doc), dtype=np.int32), per_doc)
    total = len(grams)
    shard_count = _shard_count(total)
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
    (search_dir / "shards").mkdir(parents=True, exist_ok=True)
    for number, shard in enumerate(shards):
        (search_dir / "shards" / f"{number}.js").write_text(
            f"KB_SEARCH_SHARD({number},{_compact(shard)});\n", encoding="utf-8")
    state.update(shards=shard_count, postings=int(total), bigrams=int(len(distinct)))


def build_site_index(corpus: Corpus, out_dir: Path, cache_dir: Path | None = None, previous: Path | None = None,
                     previous_texts: Path | None = None) -> dict:
    """Write search/meta.js (what filtering and ranking need, a few dozen bytes a case),
    search/shards/*.js (postings), search/docs/*.js (titles, loaded for the results shown) and
    search/texts/*.js (the bodies their snippets are cut from).
    `cache_dir`: see query_data. From the `previous` search folder of the same cases and code,
    with the texts it was made from (`previous_texts`: the whoosh index's texts.json, whose rows
    are the same fields), only the postings of the changed cases' bigrams are rewritten: the
    result is the same, byte for byte, as made afresh."""
    types, themes, regions = corpus.taxonomy("practice_type"), corpus.taxonomy("theme"), corpus.region_map()
    type_ids, theme_ids, region_ids = list(types), list(themes), list(regions)
    levels = labels("case", "locality", "level")
    level_ids = list(levels)
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
            level_ids.index(case["locality"]["level"]),
            [theme_ids.index(t) for t in case["themes"]],
            period.get("start_year"),  # null when unknown: never the reported year
            1 if case["status"] == "draft" else 0,
        ])
        titles.append([case["id"], case["title"], period.get("reported_year")])
    search_dir = out_dir / "search"
    state = {"code": content_key("", _MODULES), "ids": [c["id"] for c in cases],
             "digests": [_fields_digest(f) for f in fields]}
    patched = _patched(previous, previous_texts, search_dir, fields, docs, state)
    if patched is None:
        _write_postings(fields, docs, search_dir, state)
    write_snippet_texts(search_dir, [body for _, _, body in fields])
    del fields
    write_groups(search_dir / "docs", "KB_SEARCH_DOCS", titles, TITLES_PER_FILE)
    meta = {
        "shards": state["shards"],
        "titlesPerFile": TITLES_PER_FILE,
        "textsPerFile": TEXTS_PER_FILE,
        "docs": docs,
        "types": [[t, types[t]["name"]] for t in type_ids],
        "themes": [[t, themes[t]["name"]] for t in theme_ids],
        "regions": [[r, regions[r]["name"], regions[r]["level"],
                     region_ids.index(regions[r]["parent"]) if regions[r].get("parent") in regions else -1]
                    for r in region_ids],
        "levels": levels,
        "levelIds": level_ids,  # a doc's level is an index into these
        "query": query_data(corpus, searchables, cache_dir),
        "dictionary": domain_words(corpus),
    }
    (search_dir / "meta.js").write_text(f"KB_SEARCH_META={_compact(meta)};\n", encoding="utf-8")
    (search_dir / STATE_FILE).write_text(json.dumps(state), encoding="utf-8")
    return {"docs": len(docs), "bigrams": state["bigrams"], "postings": state["postings"], "shards": state["shards"],
            "updated": patched}  # the number of changed cases when the previous postings were updated


def write_snippet_texts(search_dir: Path, bodies: list[str]) -> None:
    """search/texts/N.js: the bodies of TEXTS_PER_FILE cases, one plain line per line of the body
    (the text `kb search` cuts its snippets from), loaded only for the results a page shows."""
    lines = ["\n".join(plain_prose(line) for line in body.split("\n")) for body in bodies]
    write_groups(search_dir / "texts", "KB_SEARCH_TEXTS", lines, TEXTS_PER_FILE)


def write_groups(folder: Path, callback: str, rows: list, per_file: int) -> None:
    """folder/N.js calling callback(N, rows N*per_file …) for each group of rows; files of groups
    that no longer exist (the corpus shrank) are removed."""
    folder.mkdir(exist_ok=True)
    count = -(-len(rows) // per_file)
    for number in range(count):
        (folder / f"{number}.js").write_text(
            f"{callback}({number},{_compact(rows[number * per_file:(number + 1) * per_file])});\n", encoding="utf-8")
    for stale in folder.glob("*.js"):
        if not (stale.stem.isdigit() and int(stale.stem) < count):
            stale.unlink()


# ------------------------------------------------------------ updating the previous postings

STATE_FILE = ".cases.json"  # hidden (left out of the site): what the postings were made from
UPDATE_AT_MOST = 16  # changed cases up to which patching the previous postings beats making them afresh
_MODULES = ("search.sitesearch", "search.index", "search.analysis")  # the code the postings are made by


def _shard_count(total: int) -> int:
    count = 1
    while total / count > TARGET_POSTINGS_PER_SHARD:
        count *= 2
    return count


def _patched(previous: Path | None, previous_texts: Path | None, search_dir: Path, fields: list, docs: list,
             state: dict) -> int | None:
    """Write search_dir/shards from the previous folder, rewriting only the postings of the
    bigrams the changed cases had or have, and give each doc row its field ends; returns the
    number of changed cases. None (nothing written) when that could differ from making them
    afresh: other cases or code, too many changes, another shard count, or previous texts that
    are not the ones the previous postings were made from."""
    try:
        before = json.loads((previous / STATE_FILE).read_text(encoding="utf-8"))
        old_meta = (previous / "meta.js").read_text(encoding="utf-8")
    except (OSError, ValueError, TypeError):
        return None
    if before.get("code") != state["code"] or before.get("ids") != state["ids"]:
        return None
    changed = [i for i, (a, b) in enumerate(zip(before["digests"], state["digests"])) if a != b]
    if len(changed) > UPDATE_AT_MOST:
        return None
    old_fields = _old_fields(previous_texts, [state["ids"][i] for i in changed]) if changed else []
    if old_fields is None or any(_fields_digest(f) != before["digests"][i] for i, f in zip(changed, old_fields)):
        return None
    old_grams, _, old_counts, _ = case_bigram_arrays(old_fields)
    new_grams, new_positions, new_counts, new_ends = case_bigram_arrays([fields[i] for i in changed])
    total = before["postings"] - int(old_counts.sum()) + int(new_counts.sum())
    if _shard_count(total) != before["shards"]:
        return None
    bodies = _group_bodies(changed, new_grams, new_positions, new_counts)
    try:
        distinct = _rewrite_shards(previous / "shards", search_dir / "shards", before["shards"], changed, bodies,
                                   set(bodies) | set(old_grams.tolist()))
    except OSError:  # a file of the previous folder went missing: make everything afresh
        shutil.rmtree(search_dir / "shards", ignore_errors=True)
        return None
    ends = dict(zip(changed, new_ends.tolist()))
    old_rows = json.loads(old_meta[len("KB_SEARCH_META="):].rstrip().rstrip(";"))["docs"]
    for i, row in enumerate(docs):
        row += ends[i] if i in ends else old_rows[i][-2:]
    state.update(shards=before["shards"], postings=total, bigrams=before["bigrams"] + distinct)
    return len(changed)


def _fields_digest(fields: tuple[str, str, str]) -> str:
    return hashlib.blake2b("\0".join(fields).encode(), digest_size=12).hexdigest()


def _old_fields(texts_file: Path | None, ids: list[str]) -> list[tuple[str, str, str]] | None:
    try:
        rows = {row[0]: tuple(row[1:]) for row in json.loads(Path(texts_file).read_text(encoding="utf-8"))}
    except (OSError, ValueError, TypeError, IndexError):
        return None
    found = [rows.get(i) for i in ids]
    return None if any(f is None or len(f) != 3 for f in found) else found


def _group_bodies(docs: list[int], grams: np.ndarray, positions: np.ndarray, counts: np.ndarray) -> dict[int, dict[int, str]]:
    """Bigram → case number → the body of the case's group in the bigram's postings (varints of
    the count and the positions as differences), for the cases `docs` whose arrays are given."""
    bodies: dict[int, dict[int, str]] = {}
    bounds = np.concatenate(([0], np.cumsum(counts))).tolist()
    for doc, start, end in zip(docs, bounds[:-1], bounds[1:]):
        order = np.argsort(grams[start:end], kind="stable")  # positions stay in order within a bigram
        mine, at = grams[start:end][order], positions[start:end][order].tolist()
        cut = np.flatnonzero(np.concatenate(([True], mine[1:] != mine[:-1], [True]))).tolist()
        for a, b in zip(cut[:-1], cut[1:]):
            bodies.setdefault(int(mine[a]), {})[doc] = varints([b - a] + _deltas(at[a:b]))
    return bodies


def _rewrite_shards(previous: Path, target: Path, count: int, changed: list[int], bodies: dict[int, dict[int, str]],
                    touched: set[int]) -> int:
    """Link the previous shards no touched bigram falls in; write the others with the changed
    cases' groups replaced. Returns how many bigrams were gained (negative: lost)."""
    by_shard: dict[int, list[int]] = {}
    ordered = sorted(touched)
    for gram, shard in zip(ordered, (fnv1a_array(np.array(ordered, dtype=np.uint32)) % count).tolist()):
        by_shard.setdefault(shard, []).append(gram)
    target.mkdir(parents=True, exist_ok=True)
    gained = 0
    for number in range(count):
        source, written = previous / f"{number}.js", target / f"{number}.js"
        if number not in by_shard:
            os.link(source, written)
            continue
        text = source.read_text(encoding="utf-8")
        shard = json.loads(text[text.index(",") + 1:text.rindex(")")])
        for gram in by_shard[number]:
            key = chr(gram // CODE_POINTS) + chr(gram % CODE_POINTS)
            postings = _spliced(shard.get(key, ""), {doc: None for doc in changed} | bodies.get(gram, {}))
            gained += (key not in shard) - (not postings)
            if postings:
                shard[key] = postings
            else:
                shard.pop(key, None)
        # in the order the bigrams first occur, as made afresh
        shard = dict(sorted(shard.items(), key=lambda item: _first_occurrence(item[1])))
        written.write_text(f"KB_SEARCH_SHARD({number},{_compact(shard)});\n", encoding="utf-8")
    return gained


_DIGITS = np.zeros(128, dtype=np.int64)
_DIGITS[np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)] = np.arange(len(ALPHABET))


def decoded_varints(text: str) -> tuple[list[int], list[int]]:
    """The numbers varints() wrote, and where each begins in the text."""
    if not text:
        return [], []
    digits = _DIGITS[np.frombuffer(text.encode("ascii"), dtype=np.uint8)]
    last = np.flatnonzero(digits < 32)
    starts = np.concatenate(([0], last[:-1] + 1))
    shift = 5 * (np.arange(len(digits)) - np.repeat(starts, last - starts + 1))
    return np.add.reduceat((digits & 31) << shift, starts).tolist(), starts.tolist()


def _first_occurrence(postings: str) -> tuple[int, int]:
    """(case number, position) where a bigram first occurs: the first and third numbers."""
    numbers, value, shift = [], 0, 0
    for char in postings:
        digit = _DIGITS[ord(char)]
        value |= int(digit & 31) << shift
        shift += 5
        if digit < 32:
            numbers.append(value)
            if len(numbers) == 3:
                break
            value, shift = 0, 0
    return numbers[0], numbers[2]


def _spliced(text: str, replace: dict[int, str | None]) -> str:
    """A bigram's postings with each case in `replace` given its new group body (varints of the
    count and positions) or left out (None). Groups between the changes are kept as text; only
    the case-number difference that heads the group after a change is written again."""
    numbers, starts = decoded_varints(text)
    docs, heads, bodies = [], [], []
    doc = at = 0
    while at < len(numbers):
        doc += numbers[at]
        docs.append(doc)
        heads.append(starts[at])
        bodies.append(starts[at + 1])
        at += 2 + numbers[at + 1]
    heads.append(len(text))
    out, previous, kept = [], 0, 0  # groups before `kept` are written
    for doc in sorted(replace):
        found = bisect.bisect_left(docs, doc, kept)
        if found > kept:
            out.append(varints([docs[kept] - previous]) + text[bodies[kept]:heads[found]])
            previous = docs[found - 1]
        kept = found + 1 if found < len(docs) and docs[found] == doc else found
        if replace[doc] is not None:
            out.append(varints([doc - previous]) + replace[doc])
            previous = doc
    if kept < len(docs):
        out.append(varints([docs[kept] - previous]) + text[bodies[kept]:])
    return "".join(out)


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
