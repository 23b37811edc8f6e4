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

from .analysis import WORD_CHARS, domain_words
from .corpus import Corpus
from .index import case_document
from .query import query_data
from .schemas import labels

TARGET_POSTINGS_PER_SHARD = 6000
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


def build_site_index(corpus: Corpus, out_dir: Path) -> dict:
    """Write search/meta.js (what filtering and ranking need, a few dozen bytes a case),
    search/shards/*.js (postings) and search/docs/*.js (titles, loaded for the results shown)."""
    types, themes, regions = corpus.taxonomy("practice_type"), corpus.taxonomy("theme"), corpus.region_map()
    type_ids, theme_ids, region_ids = list(types), list(themes), list(regions)
    postings: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    docs, titles, searchables = [], [], []
    cases = sorted(corpus.case_map().values(), key=lambda c: c["id"])
    for n, case in enumerate(cases):
        d = case_document(case, corpus, types)
        searchables.append(d["searchable"].lower())
        title_pairs, title_end = positional_bigrams(d["title"])
        names_pairs, names_end = positional_bigrams(d["place"] + "\n" + d["names"], title_end)
        body_pairs, _ = positional_bigrams(d["body"], names_end)
        for gram, pos in title_pairs + names_pairs + body_pairs:
            postings[gram][n].append(pos)
        period = case["period"]
        docs.append([
            [type_ids.index(t) for t in case["practice_types"]],
            region_ids.index(case["locality"]["region"]),
            case["locality"]["level"],
            [theme_ids.index(t) for t in case["themes"]],
            period.get("start_year") or period["reported_year"],
            1 if case["status"] == "draft" else 0,
            title_end, names_end,
        ])
        titles.append([case["id"], case["title"]])
    total = sum(len(p) for by_doc in postings.values() for p in by_doc.values())
    shard_count = 1
    while total / shard_count > TARGET_POSTINGS_PER_SHARD:
        shard_count *= 2
    shards: list[dict] = [{} for _ in range(shard_count)]
    for gram, by_doc in postings.items():
        encoded, previous = [], 0
        for doc, positions in sorted(by_doc.items()):
            encoded += [doc - previous, len(positions)] + _deltas(positions)
            previous = doc
        shards[fnv1a(gram) % shard_count][gram] = varints(encoded)
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
        "query": query_data(corpus, searchables),
        "dictionary": domain_words(corpus),
    }
    (search_dir / "meta.js").write_text(f"KB_SEARCH_META={_compact(meta)};\n", encoding="utf-8")
    return {"docs": len(docs), "bigrams": len(postings), "postings": total, "shards": shard_count}


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
