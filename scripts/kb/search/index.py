"""The search stage: a whoosh index of the cases in build/index, and the query engine over it.

A query is first understood (kb/query.py: words, synonyms, regions, generic words). Each concept
is then matched exactly: a binary table of the cases holding each character bigram gives the
candidates (a case containing a word contains all its bigrams), and a substring test on the
case's text keeps only true matches. Ranking is by coverage (cases with every concept first),
then BM25F-like weights (title > practice and method names > body, rarer words count more).
search.js does the same in the browser. whoosh's more-like-this over domain terms finds related cases.
"""
from __future__ import annotations

import bisect
import gc
import hashlib
import json
import math
import mmap
import re
import shutil
import tempfile
from array import array
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from whoosh import fields, index
from whoosh.query import And, NumericRange, Or, Term

from .analysis import bigrams, domain_words, jieba_analyzer, use_dictionary
from ..content.corpus import BUILD_DIR, Corpus
from ..core.digests import add_sources, value_digest
from .query import Vocabulary, prefer_verbatim, query_data, runs, understand, unquote
from ..content.prose import plain_prose

INDEX_DIR = BUILD_DIR / "index"
DICTIONARY_FILE = "dictionary.txt"
QUERY_FILE = "query.json"
GRAMS_FILE, GRAMS_TABLE_FILE, GRAM_STATS_FILE = "grams.bin", "grams.json", "gramstats.bin"
TEXTS_FILE = "texts.json"
TITLE_WEIGHT, NAMES_WEIGHT = 3.0, 1.5
# Synonyms widen a word that finds few cases as typed (退役军人, 网络信访); a word the cases
# themselves use widely (下访) is matched as typed, so looser variants do not crowd its results.
SYNONYMS_BELOW, SYNONYMS_BELOW_SHARE = 3, 0.01
# Cases scoring under this share of the best answer only mention the words in passing (not
# applied when the query quotes a phrase: then every case containing it is wanted).
SCORE_FLOOR = 0.1


def relation_reason(shared_type: bool, shared_region: bool) -> str:
    """How a related case relates, as the reader sees it ("" when neither applies)."""
    return "、".join(["同类做法"] * shared_type + ["同一地区"] * shared_region)


def make_schema() -> fields.Schema:
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=jieba_analyzer(), stored=True),
        names=fields.TEXT(analyzer=jieba_analyzer()),
        concepts=fields.KEYWORD(scorable=True),
        place=fields.STORED(),
        type_names=fields.STORED(),
        types=fields.KEYWORD(stored=True, commas=True, scorable=False),
        regions=fields.KEYWORD(stored=True, commas=True, scorable=False),
        level=fields.ID(stored=True),
        themes=fields.KEYWORD(stored=True, commas=True, scorable=False),
        start_year=fields.NUMERIC(stored=True, sortable=True),
        year=fields.NUMERIC(stored=True, sortable=True),
        status=fields.ID(stored=True),
    )


# Fields that are not prose: identifiers, references, enum codes, bookkeeping. Every other string
# of a case, however nested (lessons may become objects), is indexed as body text.
NOT_PROSE = {"id", "title", "status", "locality", "practice_types", "themes", "period", "sources", "related",
             "part_of", "notes", "added", "tags", "summary", "organisation", "background",
             "source", "pages", "pages_inferred", "section", "seen"}  # a statement's basis: references, not prose


def enum_fields(node=None) -> set[str]:
    """Names of the case schema's enum properties (kind: method, evidence: media …): codes, not text."""
    from ..content.schemas import schema
    node = schema("case") if node is None else node
    out = set()
    if isinstance(node, dict):
        for key, sub in (node.get("properties") or {}).items():
            if isinstance(sub, dict) and ("enum" in sub or "enum" in (sub.get("items") or {})):
                out.add(key)
        for value in node.values():
            out |= enum_fields(value) if isinstance(value, (dict, list)) else set()
    elif isinstance(node, list):
        for value in node:
            out |= enum_fields(value)
    return out


def prose_strings(value, skip: set[str]):
    """Every string inside value (dicts, lists, numbers as text), skipping keys in `skip`."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in skip:
                yield from prose_strings(item, skip)
    elif isinstance(value, list):
        for item in value:
            yield from prose_strings(item, skip)
    elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
        yield str(value)


_ENUMS = enum_fields()


def case_document(case: dict, corpus: Corpus, types: dict) -> dict:
    regions = corpus.region_path(case["locality"]["region"])
    names = [t["name"] for t in (types[i] for i in case["practice_types"])]
    names += [m["name"] for m in case.get("named_methods", [])] + [m["name"] for m in case["measures"]]
    names += case.get("tags", [])
    skip = NOT_PROSE | _ENUMS
    body_parts = [case["summary"], case["organisation"], case.get("background", "")]
    body_parts += list(prose_strings({k: v for k, v in case.items() if k not in skip}, skip))
    body = "\n".join(p.strip() for p in body_parts if p and str(p).strip())
    place = "".join(r["name"] for r in regions)
    period = case["period"]
    return {
        "id": case["id"], "title": case["title"], "names": "\n".join(names), "body": body,
        "searchable": "\n".join([case["title"], place, "\n".join(names), body]),
        "place": place or "全国", "type_names": "、".join(t["name"] for t in (types[i] for i in case["practice_types"])),
        "types": ",".join(case["practice_types"]), "regions": ",".join(r["id"] for r in regions) or "china",
        "level": case["locality"]["level"], "themes": ",".join(case["themes"]),
        # never filled from each other: a case whose start is unknown has no start_year (whoosh leaves it out)
        "start_year": period.get("start_year"), "year": period.get("reported_year"),
        "status": case["status"],
    }


def concepts(text: str, dictionary: list[str], grams: set[str] | None = None) -> list[str]:
    """The domain terms (glossary, practice types, named methods) a case mentions, each as often
    as it occurs: what more-like-this compares cases on. `grams`, the text's bigrams, lets terms
    that cannot occur be skipped without scanning the text."""
    grams = grams if grams is not None else set(bigrams(text))
    return [term for term in dictionary if term[:2] in grams for _ in range(text.count(term))]


def concept_counter(dictionary: list[str]):
    """counts(text) → {term: occurrences} for the terms of `dictionary` in text, counted as
    text.count(term) counts them (without overlaps), all terms found in one pass (Aho-Corasick)."""
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for term in dictionary:
        if len(term) >= 2:  # as concepts(): a term is looked for by its first character pair
            automaton.add_word(term, term)
    if len(automaton):
        automaton.make_automaton()

    def counts(text: str) -> dict[str, int]:
        found: dict[str, int] = {}
        if not len(automaton):
            return found
        last_end: dict[str, int] = {}
        for end, term in automaton.iter(text):  # in order of end, so per term in order of start
            if end - len(term) >= last_end.get(term, -1):
                found[term] = found.get(term, 0) + 1
                last_end[term] = end
        return found
    return counts


def write_gram_postings(gram_docs: dict[str, array], gram_stats: dict[str, array], folder: Path) -> None:
    """For each character bigram, the cases (in texts.json order) that contain it, and beside each
    case its row_stats: two binary files of uint32 runs and a JSON table gram → [offset, count].
    Read per bigram at query time."""
    table, offset = {}, 0
    with open(folder / GRAMS_FILE, "wb") as out, open(folder / GRAM_STATS_FILE, "wb") as stats:
        for gram in sorted(gram_docs):
            docs = gram_docs[gram]
            out.write(docs.tobytes())
            stats.write(gram_stats[gram].tobytes())
            table[gram] = [offset, len(docs)]
            offset += len(docs)
    (folder / GRAMS_TABLE_FILE).write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")


def build_index(corpus: Corpus, index_dir: Path = INDEX_DIR, previous: Path | None = None,
                cache_dir: Path | None = None) -> int:
    """Write the index next to the old one and swap it in; returns the number of cases. From a
    `previous` index of the same cases, dictionary and code, only the cases whose documents
    changed are indexed again (jieba over every case takes most of a fresh index's time); the
    answers to every query are the same as from a fresh index. `cache_dir`: see query_data."""
    dictionary = domain_words(corpus)
    use_dictionary(dictionary)
    types = corpus.taxonomy("practice_type")
    documents = [case_document(doc.data, corpus, types) for doc in sorted(corpus.cases, key=lambda d: d.data["id"])]
    base = _index_base(dictionary)
    digests = {d["id"]: value_digest(d) for d in documents}
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".index-", dir=index_dir.parent))
    try:
        if previous is None or not _updated(previous, work, documents, digests, base, dictionary):
            shutil.rmtree(work)
            work.mkdir()
            _fresh_index(work, documents, dictionary)
        searchables = [d["searchable"].lower() for d in documents]
        (work / CASES_FILE).write_text(json.dumps({"base": base, "digests": digests}), encoding="utf-8")
        (work / DICTIONARY_FILE).write_text("\n".join(dictionary), encoding="utf-8")
        query = query_data(corpus, searchables, cache_dir)
        (work / QUERY_FILE).write_text(json.dumps(query, ensure_ascii=False), encoding="utf-8")
        old = index_dir.with_name(index_dir.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if index_dir.exists():
            index_dir.rename(old)
        work.rename(index_dir)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return len(corpus.cases)


CASES_FILE = "cases.json"  # what the index was made from: the base and, per case id, its document's digest
UPDATE_AT_MOST = 16, 0.05  # changed cases (a count, or a share if larger) up to which updating beats indexing afresh


def _index_base(dictionary: list[str]) -> str:
    """What every case's entry depends on besides its document: the dictionary and this code."""
    digest = hashlib.sha256("\n".join(dictionary).encode())
    add_sources(digest, ("search.index", "search.analysis"))
    return digest.hexdigest()


def text_row(d: dict) -> list[str]:
    """A case's row of TEXTS_FILE: id, title, place and names, body (what Searcher matches)."""
    return [d["id"], d["title"], d["place"] + "\n" + d["names"], d["body"]]


def row_stats(row: list[str]) -> dict[str, int]:
    """Per bigram of a case's row (title, names, body; a lone character of a one-character run counts
    as a bigram, as bigrams() gives them, with 0): how often a two-character word occurs
    in the title, names and body together (as Searcher.matches counts it), and whether in the title
    and in the names, packed as count << 2 | in title << 1 | in names. `kb search` reads a
    two-character word's matches from these instead of counting it in every case's text."""
    fields_ = [Counter(bigrams(text.lower())) for text in row[1:]]
    out = {}
    for gram in set().union(*fields_):
        title, names, body = (f[gram] for f in fields_)
        out[gram] = (title + names + body) << 2 | (title > 0) << 1 | (names > 0) if len(gram) == 2 else 0
    return out


def _whoosh_fields(d: dict, dictionary: list[str], count_concepts) -> dict:
    found = count_concepts(d["searchable"].lower())
    fields_ = {k: v for k, v in d.items() if k not in ("searchable", "body")}
    fields_["concepts"] = " ".join(term for term in dictionary if term in found for _ in range(found[term]))
    return fields_


def _fresh_index(work: Path, documents: list[dict], dictionary: list[str]) -> None:
    ix = index.create_in(str(work), make_schema())
    writer = ix.writer(procs=2, limitmb=128, multisegment=True)
    texts, gram_docs, gram_stats = [], {}, {}
    count_concepts = concept_counter(dictionary)
    for ordinal, d in enumerate(documents):
        texts.append(text_row(d))
        for gram, stat in row_stats(texts[-1]).items():
            gram_docs.setdefault(gram, array("I")).append(ordinal)
            gram_stats.setdefault(gram, array("I")).append(stat)
        writer.add_document(**_whoosh_fields(d, dictionary, count_concepts))
    writer.commit()
    (work / TEXTS_FILE).write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    write_gram_postings(gram_docs, gram_stats, work)


def _updated(previous: Path, work: Path, documents: list[dict], digests: dict[str, str], base: str,
             dictionary: list[str]) -> bool:
    """Make the index in `work` from `previous` by indexing again only the changed cases; False
    (work left for the caller to clear) when `previous` is not of the same cases, dictionary and code."""
    try:
        before = json.loads((previous / CASES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if before.get("base") != base or list(before.get("digests", {})) != list(digests):
        return False
    changed = [i for i, d in enumerate(documents) if before["digests"][d["id"]] != digests[d["id"]]]
    if len(changed) > max(UPDATE_AT_MOST[0], UPDATE_AT_MOST[1] * len(documents)):
        return False
    shutil.copytree(previous, work, dirs_exist_ok=True)  # copies: whoosh must not write into the previous index
    texts = json.loads((work / TEXTS_FILE).read_text(encoding="utf-8"))
    gram_docs, gram_stats = _read_gram_postings(work)
    writer = index.open_dir(str(work)).writer()
    count_concepts = concept_counter(dictionary)
    for ordinal in changed:
        d = documents[ordinal]
        row = text_row(d)
        old, new = row_stats(texts[ordinal]), row_stats(row)
        for gram in old.keys() - new.keys():
            docs, stats = gram_docs[gram], gram_stats[gram]
            at = bisect.bisect_left(docs, ordinal)
            del docs[at], stats[at]
            if not docs:
                del gram_docs[gram], gram_stats[gram]
        for gram, stat in new.items():
            docs, stats = gram_docs.setdefault(gram, array("I")), gram_stats.setdefault(gram, array("I"))
            at = bisect.bisect_left(docs, ordinal)
            if at < len(docs) and docs[at] == ordinal:
                stats[at] = stat
            else:
                docs.insert(at, ordinal)
                stats.insert(at, stat)
        texts[ordinal] = row
        writer.delete_by_term("id", d["id"])
        writer.add_document(**_whoosh_fields(d, dictionary, count_concepts))
    writer.commit()
    if changed:
        (work / TEXTS_FILE).write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        write_gram_postings(gram_docs, gram_stats, work)
    return True


def _read_gram_postings(folder: Path) -> tuple[dict[str, array], dict[str, array]]:
    table = json.loads((folder / GRAMS_TABLE_FILE).read_text(encoding="utf-8"))
    out = []
    for name in (GRAMS_FILE, GRAM_STATS_FILE):
        data, runs_ = (folder / name).read_bytes(), {}
        for gram, (offset, count) in table.items():
            runs_[gram] = array("I")
            runs_[gram].frombytes(data[offset * 4:(offset + count) * 4])
        out.append(runs_)
    return out[0], out[1]


# ---------------------------------------------------------------- querying

@dataclass
class Filters:
    types: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    level: str | None = None
    since: int | None = None
    until: int | None = None
    include_drafts: bool = True


UNKNOWN_YEAR = "unknown"  # the start_year facet of cases whose start is not known

@dataclass
class Hit:
    id: str
    title: str
    place: str
    types: str
    start_year: int | None  # None when the sources do not say when the practice started
    reported_year: int
    status: str
    score: float
    snippet: str
    matched: list[str] = field(default_factory=list)   # "退役军人→军队退役人员": the variant found
    missing: list[str] = field(default_factory=list)   # concepts this case lacks (a partial match)


@dataclass
class Result:
    """A query understood and answered: ranked (docnum, score) pairs after filters, and why."""
    query: dict
    ranked: list[tuple[int, float]]
    absent: list[str]
    present_hits: list[tuple[dict, dict]]   # (concept, docnum -> hit) of the concepts some case has
    absent_hits: list[tuple[dict, dict]]    # and of those no case has (matched at most in part)

    def found(self, docnum: int) -> list[tuple[str, str]]:
        """[(concept, variant found)] in one case; asked only for the cases shown."""
        return [(c["text"], hits[docnum][3][0]) for c, hits in self.present_hits if docnum in hits and hits[docnum][3]]

    def separately(self) -> list[tuple[str, int]]:
        """When no case answers a query of several concepts: each concept some case has, with how
        many cases have it, to search for on its own (the reader learns what the library does hold)."""
        if self.ranked or len(self.query["concepts"]) < 2:
            return []
        return [(c["text"], cases_found(hits)) for c, hits in self.present_hits]

    def missing(self, docnum: int) -> list[str]:
        """The concepts one case lacks (a partial match)."""
        return [c["text"] for c, hits in self.present_hits + self.absent_hits
                if docnum not in hits or hits[docnum][4] < FOUND_AT]

    def explanation(self) -> dict:
        q = self.query
        return {"concepts": [c["text"] for c in q["concepts"] if c["text"] not in self.absent],
                "regions": [c["text"] for c in q["concepts"] if c["kind"] == "region"],
                "generic": q["generic"], "absent": self.absent, "dropped": q["dropped"],
                "unquoted": q.get("unquoted", [])}


def count_from(text: str, run: str) -> int:
    """Occurrences of run in text, overlapping ones too (as positional postings count them)."""
    count, at = 0, text.find(run)
    while at >= 0:
        count, at = count + 1, text.find(run, at + 1)
    return count


def can_overlap(run: str) -> bool:
    """A run with no border (no prefix equal to a suffix) cannot overlap itself: str.count suffices."""
    return any(run[:k] == run[-k:] for k in range(1, len(run)))



# How much a match counts, by how it was made (a case holding the word as typed counts 1).
COMMON_SYNONYM_WEIGHT = 0.6  # a synonym of a word many cases use as typed
RELATED_WEIGHT = 0.3       # a word of the same 同义词词林 group
ABBREVIATION_WEIGHT = 0.7  # the full term of a short form no case uses
# An everyday word of general Chinese (query.common_words) weighs this share of its rarity in the
# cases: chosen on the tuning half (0.3 with the 10,000 most frequent words; 0.5 and 0.7, 2,000 to
# 20,000 words, all scored above not weighing them).
COMMON_WEIGHT = 0.3
NEAR_WEIGHT = 0.6          # a word of the cases one character away from a long word no case has
PART_WEIGHT = 0.3          # character pairs of a word no case has, times the share of them present
FOUND_AT = 0.5            # a concept counts as found in a case matched at least this well (not by thesaurus or parts)
# No case covering this IDF-weighted share of the query's concepts means the library has no
# answer. Chosen, with UNSEEN_WEIGHT, on the tuning half of the judged natural queries and the
# keyword set (scripts/bench_search.py): the middle of the range 0.42-0.44 that scores best.
NO_ANSWER = 0.43
# A query three or more of whose concepts the cases hold is answered whatever its coverage: a long
# question in everyday words names what it wants among words no case uses. Chosen on the tuning
# half; a fresh set written afterwards agreed (11 of its 41 answerable queries empty without the
# rule, 2 with it), though it also answers long questions the library has no answer to.
ANSWERED_WITH = 3
PASSING = 2.0            # a concept named once in the body only (prominence 1) half counts for coverage
ABSENT_WEIGHT = 1.0      # a concept some case nearly has (thesaurus, parts) but none has weighs as the rarest word
# A word nothing leads to (no case has it, a synonym, a thesaurus word, a short form's term, a
# word one character away or its character pairs) is mostly the reader's own phrasing (吵翻, 又来):
# it weighs this share of the rarest word, so it cannot alone sink a query whose other concepts
# the library has; the result is still labelled 部分匹配：未含…
UNSEEN_WEIGHT = 0.2


def cases_found(hits: dict) -> int:
    """How many cases a concept is found in (matched at least FOUND_AT); search.js: found()."""
    return sum(h[4] >= FOUND_AT for h in hits.values())


def new_hit() -> list:
    """A case's match of one concept: [in title, in names, count, variants found, strength]."""
    return [False, False, 0, [], 0.0]


def concept_hits(concept: dict, literal: dict, vocab: Vocabulary, matches, expand_below: int) -> dict[int, list]:
    """docnum → hit for a concept: its literal matches and its synonyms (at a lower weight when the
    word as typed is common: its own cases come first), and when it is rare, thesaurus words; a
    word found no way at all tries the terms it may abbreviate, then (four characters or more) the
    cases' words one character away from it (三治融合 → 三治结合). A case holding the word or a
    synonym always matches, whatever other cases hold: adding a case never removes another."""
    variants = [(concept["variants"][0], 1.0)]
    if concept["kind"] == "word":
        rare = len(literal) < expand_below
        variants += [(v, 1.0 if rare else COMMON_SYNONYM_WEIGHT) for v in concept["variants"][1:]]
        if rare:
            variants += [(v, RELATED_WEIGHT) for v in vocab.related.get(concept["text"], []) if v not in concept["variants"]]
    hits: dict[int, list] = {}
    add_matches(hits, variants, literal, matches)
    if not hits and concept["kind"] == "word":
        terms = vocab.abbreviations.get(concept["text"], [])
        add_matches(hits, [(v, ABBREVIATION_WEIGHT) for t in terms for v in vocab.variants(t)], {}, matches)
    if not hits and concept["kind"] == "word":
        add_matches(hits, [(v, NEAR_WEIGHT) for v in vocab.one_character_away(concept["text"])], {}, matches)
    return hits


def add_matches(hits: dict, variants: list[tuple[str, float]], literal: dict, matches) -> None:
    for i, (variant, weight) in enumerate(variants):
        for docnum, (t, n, c) in (literal if i == 0 and literal else matches(variant)).items():
            h = hits.get(docnum)
            if h is None:  # what updating a new_hit() gives, without making one for every match
                hits[docnum] = [t, n, c, [variant], max(0.0, weight)]
                continue
            h[0], h[1], h[2], h[4] = h[0] or t, h[1] or n, h[2] + c, max(h[4], weight)
            h[3].append(variant)


def part_hits(word: str, matches) -> dict[int, list]:
    """A word no case has (three characters or more) matched through its character pairs."""
    grams = sorted(set(bigrams(word))) if len(word) >= 3 else []
    hits: dict[int, list] = {}
    for gram in grams:
        for docnum, (t, n, c) in matches(gram).items():
            h = hits.get(docnum)
            if h is None:
                hits[docnum] = [t, n, c, [], 0.0 + PART_WEIGHT / len(grams)]
                continue
            h[0], h[1], h[2], h[4] = h[0] or t, h[1] or n, h[2] + c, h[4] + PART_WEIGHT / len(grams)
    return hits


def rank_cases(concepts: list[tuple[dict, dict]], total: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The cases worth showing, unsorted, as arrays: docnums, scores, coverage and whether the case
    has every concept. Partial matches far below the best score only mention some words in passing
    (kept when a phrase is quoted: then every case containing it is wanted); a case with every
    concept is always kept. Computed over arrays in the same order of operations as search.js
    computes per case, so both give the same floating-point scores."""
    nothing = (np.empty(0, dtype=np.int64), np.empty(0), np.empty(0), np.empty(0, dtype=bool))
    if not concepts:
        return nothing
    idfs, held = [], 0
    for concept, hits in concepts:
        found = cases_found(hits)
        absent = (ABSENT_WEIGHT if hits else UNSEEN_WEIGHT) * math.log(1 + total)
        rarity = math.log(1 + total / found) * (COMMON_WEIGHT if concept.get("common") else 1.0) if found else absent
        idfs.append(rarity)
        held += found > 0
    whole = sum(idfs)
    docs = np.array(sorted(set().union(*(hits for _, hits in concepts))), dtype=np.int64)
    if not len(docs):
        return nothing
    score, mass, have = np.zeros(len(docs)), np.zeros(len(docs)), np.zeros(len(docs), dtype=np.int64)
    for (_, hits), idf in zip(concepts, idfs):
        if not hits:
            continue
        at = np.searchsorted(docs, np.fromiter(hits.keys(), dtype=np.int64, count=len(hits)))
        title, names, count, strength = np.array([(h[0], h[1], h[2], h[4]) for h in hits.values()], dtype=float).T
        prominence = (1 + TITLE_WEIGHT * title + NAMES_WEIGHT * names) * (1 + _logs(count))
        score[at] += idf * strength * prominence
        mass[at] += idf * strength * np.minimum(1.0, prominence / PASSING)
        have[at] += strength >= FOUND_AT
    coverage = mass / whole
    score = score * (1 + coverage)
    if held < ANSWERED_WITH and coverage.max() < NO_ANSWER:
        return nothing
    k = len(concepts)
    complete = have == k
    keep = complete | (2 * have > k) if complete.any() else np.ones(len(docs), dtype=bool)
    if not any(c["kind"] == "exact" for c, _ in concepts):  # partial matches far below the best are dropped
        keep &= complete | (score >= SCORE_FLOOR * score[keep].max())
    return docs[keep], score[keep], coverage[keep], complete[keep]


def _logs(counts: np.ndarray) -> np.ndarray:
    """math.log of each (integer) count: the same values the browser's Math.log gives, which numpy's
    vectorised log need not match to the last bit."""
    distinct, where = np.unique(counts, return_inverse=True)
    return np.array([math.log(c) for c in distinct])[where]


@contextmanager
def collector_paused():
    """Python's cyclic garbage collector waits while a query is answered: answering makes no
    reference cycles, and a collector pass over a loaded 10,000-case index in the middle of a
    query took tens of milliseconds (bench_search.py's p95)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _mapped(path: Path):
    with open(path, "rb") as f:
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if f.seek(0, 2) else b""


class Searcher:
    def __init__(self, index_dir: Path = INDEX_DIR):
        if not index.exists_in(str(index_dir)):
            raise FileNotFoundError(f"还没有检索索引：请先运行 kb index 或 kb build（{index_dir}）")
        self.ix = index.open_dir(str(index_dir))
        self.dictionary = (index_dir / DICTIONARY_FILE).read_text(encoding="utf-8").split()
        use_dictionary(self.dictionary)
        self.vocab = Vocabulary(json.loads((index_dir / QUERY_FILE).read_text(encoding="utf-8")))
        self.searcher = self.ix.searcher()
        texts = json.loads((index_dir / TEXTS_FILE).read_text(encoding="utf-8"))
        row_of = {row[0]: row for row in texts}
        # Per whoosh document number: (title, names, body) lowercased for matching, body as written.
        self.docs, self.stored = [], []
        for docnum, stored in self.searcher.reader().iter_docs():
            while len(self.docs) <= docnum:
                self.docs.append(None)
                self.stored.append(None)
            _, title, names, body = row_of[stored["id"]]
            self.docs[docnum] = (title.lower(), names.lower(), body.lower(), body)
            self.stored[docnum] = stored
        self.total = max(1, sum(d is not None for d in self.docs))
        self._located = None
        self.gram_table = json.loads((index_dir / GRAMS_TABLE_FILE).read_text(encoding="utf-8"))
        self.gram_data, self.stats_data = (_mapped(index_dir / name) for name in (GRAMS_FILE, GRAM_STATS_FILE))
        docnum_of_id = {r["id"]: d for d, r in enumerate(self.stored) if r is not None}
        self.docnum_of = np.array([docnum_of_id[row[0]] for row in texts], dtype=np.int64)  # by texts.json ordinal
        self.identity = bool(np.array_equal(self.docnum_of, np.arange(len(self.docnum_of))))
        by_id = sorted(range(len(self.stored)), key=lambda d: self.stored[d]["id"] if self.stored[d] else "")
        self.id_rank = np.empty(len(self.stored), dtype=np.int64)
        self.id_rank[by_id] = np.arange(len(by_id))

    def concept_text(self, docnum: int) -> str:
        """The document's domain terms as they were indexed (for more-like-this)."""
        title, names, body, _ = self.docs[docnum]
        return " ".join(concepts("\n".join([title, names, body]), self.dictionary))

    def close(self):
        self.searcher.close()
        for data in (self.gram_data, self.stats_data):
            if isinstance(data, mmap.mmap):
                data.close()

    def _postings(self, gram: str, data) -> np.ndarray:
        """A bigram's run of uint32 in grams.bin (the cases' ordinals) or gramstats.bin (their row_stats)."""
        offset, count = self.gram_table[gram]
        return np.frombuffer(data, dtype=np.uint32, count=count, offset=offset * 4)

    def _docnums(self, gram: str) -> np.ndarray:
        ordinals = self._postings(gram, self.gram_data)
        return ordinals if self.identity else self.docnum_of[ordinals]

    def _gram_docs(self, gram: str) -> set[int]:
        return set(self._docnums(gram).tolist())

    def _candidates(self, run: str) -> set[int]:
        """Documents holding every bigram of the run (a superset of those containing it)."""
        grams = set(bigrams(run))
        if any(g not in self.gram_table for g in grams):
            return set()
        found = None
        for gram in sorted(grams, key=lambda g: self.gram_table[g][1]):
            ids = self._gram_docs(gram)
            found = ids if found is None else found & ids
            if not found:
                break
        return found or set()

    def matches(self, variant: str) -> dict[int, tuple[bool, bool, int]]:
        """Documents containing the variant exactly: docnum → (in title, in names, count). A variant
        with punctuation needs each of its runs; its first run is counted."""
        parts = [r for r in runs(variant) if len(r) >= 2]
        if not parts:
            return {}
        if len(parts) == 1 and len(parts[0]) == 2:
            return self._pair_matches(parts[0])
        found = None
        for part in parts:
            docs = self._candidates(part)
            found = docs if found is None else found & docs
        out, first, rest, docs = {}, parts[0], parts[1:], self.docs
        if can_overlap(first) or rest:
            for docnum in found:
                title, names, body, _ = docs[docnum]
                if all(p in title or p in names or p in body for p in rest):
                    t, n, b = (count_from(x, first) for x in (title, names, body))
                    if t + n + b:
                        out[docnum] = (t > 0, n > 0, t + n + b)
            return out
        for docnum in found:  # the common case, kept tight: one run that cannot overlap itself
            title, names, body, _ = docs[docnum]
            t, n = title.count(first), names.count(first)
            c = t + n + body.count(first)
            if c:
                out[docnum] = (t > 0, n > 0, c)
        return out

    def _pair_matches(self, pair: str) -> dict[int, tuple[bool, bool, int]]:
        """matches() of a two-character word, read from the bigram postings' row_stats."""
        if pair not in self.gram_table:
            return {}
        stats = self._postings(pair, self.stats_data)
        return dict(zip(self._docnums(pair).tolist(),
                        zip(((stats & 2) > 0).tolist(), ((stats & 1) > 0).tolist(), (stats >> 2).tolist())))

    def located(self, region_ids: list[str]) -> set[int]:
        if self._located is None:
            self._located = {}
            for docnum, r in enumerate(self.stored):
                for region in (r["regions"].split(",") if r is not None else []):
                    self._located.setdefault(region, set()).add(docnum)
        return set().union(*(self._located.get(r, set()) for r in region_ids))

    def run(self, text: str, filters: Filters | None = None) -> Result:
        """BM25F-like ranking (title > names > body, rarer concepts count more) over every case
        matching some concept: as typed or through a synonym (full weight), a thesaurus word or a
        short form's full term or a word one character away (lower weights), or, for a word no case
        has, its character pairs (lowest). Coverage (the IDF-weighted share of the query's concepts a case has) boosts the
        score; when no case covers NO_ANSWER of the query, the answer is "库中没有…"."""
        with collector_paused():
            return self._run(text, filters)

    def _run(self, text: str, filters: Filters | None) -> Result:
        query = understand(text, self.vocab)
        memo: dict[str, dict] = {}

        def matches(variant: str) -> dict:
            if variant not in memo:
                memo[variant] = self.matches(variant)
            return memo[variant]
        unfound = [c["text"] for c in query["concepts"] if c["kind"] == "exact" and not matches(c["text"])]
        if unfound:
            query = understand(unquote(text, set(unfound)), self.vocab)
        query["unquoted"] = unfound
        prefer_verbatim(query, lambda run: len(matches(run)), self.total)
        expand_below = max(SYNONYMS_BELOW, int(SYNONYMS_BELOW_SHARE * self.total + 0.5))
        steps = []
        for concept in query["concepts"]:
            literal = matches(concept["variants"][0])
            if not literal and concept.get("fallback"):
                concept.update(text=concept["fallback"], variants=self.vocab.variants(concept["fallback"]))
                literal = matches(concept["variants"][0])
            concept["common"] = concept["kind"] == "word" and concept["text"] in self.vocab.common
            steps.append((concept, literal))
        present, absent = [], []
        for concept, literal in steps:
            hits = concept_hits(concept, literal, self.vocab, matches, expand_below)
            if concept["kind"] == "region":
                for docnum in self.located(concept["regions"]):
                    h = hits.setdefault(docnum, new_hit())
                    h[0], h[2], h[4] = True, max(h[2], 1), 1.0
            if not hits and concept["kind"] == "word":
                hits = part_hits(concept["text"], matches)
            (present if any(h[4] >= FOUND_AT for h in hits.values()) else absent).append((concept, hits))
        docs, scores, _, complete = rank_cases(present + absent, self.total)
        order = np.lexsort((self.id_rank[docs], -scores, ~complete))  # every concept first, then score, then id
        docs, scores = docs[order], scores[order]
        q = self.filter_query(filters or Filters())
        if q is not None:
            allowed = np.fromiter(self.searcher.docs_for_query(q), dtype=np.int64)
            kept = np.isin(docs, allowed)
            docs, scores = docs[kept], scores[kept]
        return Result(query, list(zip(docs.tolist(), scores.tolist())), [c["text"] for c, _ in absent], present, absent)

    def filter_query(self, filters: Filters):
        parts = [Or([Term("types", t) for t in filters.types])] if filters.types else []
        parts += [Or([Term("regions", r) for r in filters.regions])] if filters.regions else []
        parts += [Or([Term("themes", t) for t in filters.themes])] if filters.themes else []
        if filters.level:
            parts.append(Term("level", filters.level))
        if filters.since or filters.until:
            parts.append(NumericRange("start_year", filters.since, filters.until))
        if not filters.include_drafts:
            parts.append(Term("status", "published"))
        return And(parts) if parts else None

    def ranked(self, text: str, filters: Filters | None = None) -> list[tuple[int, float]]:
        """(docnum, score) of every case answering the query and the filters, best first."""
        return self.run(text, filters).ranked

    def search(self, text: str, filters: Filters | None = None, limit: int | None = 10) -> list[Hit]:
        return self.hits(self.run(text, filters), limit)

    def hits(self, result: Result, limit: int | None = 10) -> list[Hit]:
        """Display records for the first `limit` of an answered query."""
        with collector_paused():
            return self._hits(result, limit)

    def _hits(self, result: Result, limit: int | None) -> list[Hit]:
        hits = []
        for docnum, value in result.ranked[:limit]:
            r = self.stored[docnum]
            pairs = result.found(docnum)
            terms = sorted({v for _, v in pairs} | {c for c, _ in pairs}, key=len, reverse=True)
            hits.append(Hit(r["id"], r["title"], r["place"], r["type_names"], r.get("start_year"), r.get("year"), r["status"],
                            round(value, 3), snippet(self.docs[docnum][3], terms),
                            [f"{c}→{v}" for c, v in pairs if v != c], result.missing(docnum)))
        return hits

    def suggestions(self, text: str, count: int = 6) -> list[str]:
        return suggestions(text, self.vocab, count)

    def facets(self, text: str, filters: Filters | None = None) -> dict[str, dict[str, int]]:
        return self.facet_counts(self.ranked(text, filters))

    def facet_counts(self, ranked: list[tuple[int, float]]) -> dict[str, dict[str, int]]:
        """Counts of the matching cases by practice type, region (every level), admin level, theme and year."""
        counts = {"types": {}, "regions": {}, "level": {}, "themes": {}, "start_year": {}, "reported_year": {}}
        for docnum, _ in ranked:
            r = self.stored[docnum]
            for key in ("types", "regions", "themes"):
                for value in r[key].split(","):
                    counts[key][value] = counts[key].get(value, 0) + 1
            for key, value in (("level", r["level"]), ("start_year", r.get("start_year", UNKNOWN_YEAR)),
                               ("reported_year", r.get("year"))):
                if value is not None:  # a case without a reported year is not counted under any
                    counts[key][str(value)] = counts[key].get(str(value), 0) + 1
        return {k: dict(sorted(v.items(), key=lambda kv: -kv[1])) for k, v in counts.items()}


def suggestions(text: str, vocab: Vocabulary, count: int = 6) -> list[str]:
    """Glossary terms, practice types and synonyms sharing the most character pairs with the query,
    leaving out the query itself and words too common to search for alone (they found nothing)."""
    grams = set(bigrams(text))
    asked = "".join(text.lower().split())
    scored = [(-len(grams & set(bigrams(term))), term) for term in vocab.suggest
              if term != asked and term not in vocab.generic]
    return [term for s, term in sorted(scored) if s < 0][:count]


PUNCTUATION = "。；！？，、：.;!?,:…）)》」”"


def snippet(text: str, terms: list[str], width: int = 36, mark=("【", "】")) -> str:
    """A window of the body around the first hit, every term marked once (no nested marks);
    separate fields are joined with ；."""
    raw = text.split("\n")
    lowered = [t.lower() for t in terms if t]
    first = next((i for i, line in enumerate(raw) if any(t in line.lower() for t in lowered)), 0)
    lines = [p for p in (plain_prose(line).strip() for line in raw[max(0, first - 1): first + 3]) if p]
    if not lines:
        return ""
    flat = "".join(line + ("" if line[-1] in PUNCTUATION else "；") for line in lines)
    flat = re.sub(r"\s+", " ", flat).rstrip("；")
    lower = flat.lower()
    positions = [(lower.find(t.lower()), t) for t in terms if t and lower.find(t.lower()) >= 0]
    if not positions:
        return flat[: width * 2] + ("…" if len(flat) > width * 2 or len(raw) > first + 3 else "")
    start = min(p for p, _ in positions)
    left, right = max(0, start - width), start + width * 2
    window, lowered = flat[left:right], lower[left:right]
    spans: list[tuple[int, int]] = []
    for term in sorted({t.lower() for _, t in positions}, key=len, reverse=True):
        at = lowered.find(term)
        while at >= 0:
            if not any(a < at + len(term) and at < b for a, b in spans):
                spans.append((at, at + len(term)))
            at = lowered.find(term, at + len(term))
    out, cursor = [], 0
    for a, b in sorted(spans):
        out += [window[cursor:a], mark[0], window[a:b], mark[1]]
        cursor = b
    out.append(window[cursor:])
    return ("…" if left or first > 1 else "") + "".join(out) + ("…" if right < len(flat) or len(raw) > first + 3 else "")


def similar_cases(searcher: "Searcher", top: int = 8):
    """related(case_id) for the renderer: whoosh's more-like-this over the cases' domain terms,
    reordered so that cases sharing a practice type or a locality come first, each with the
    reason shown to the reader."""
    s = searcher.searcher

    def related(case_id: str) -> list[tuple[str, str]]:
        docnum = s.document_number(id=case_id)
        if docnum is None:
            return []
        me = s.stored_fields(docnum)
        mine_types, mine_regions = set(me["types"].split(",")), set(me["regions"].split(",")[1:])
        ranked = []
        for rank, hit in enumerate(s.more_like(docnum, "concepts", text=searcher.concept_text(docnum), top=top)):
            shared_type = bool(mine_types & set(hit["types"].split(",")))
            shared_region = bool(mine_regions & set(hit["regions"].split(",")[1:]))
            reason = relation_reason(shared_type, shared_region) or "内容相近"
            ranked.append((-(2 * shared_type + shared_region), rank, hit["id"], reason))
        return [(ident, reason) for *_, ident, reason in sorted(ranked)]
    return related
