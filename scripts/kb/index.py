"""The search stage: a whoosh index of the cases in build/index, and the query engine over it.

Exactness: every query word must occur in a case as an exact substring. whoosh's index of the
distinct character bigrams of each case gives the candidates (a case containing the word
contains all its bigrams), and a substring test on the case's text keeps only true matches.
Ranking then prefers hits in the title, then in practice and method names, then frequency,
weighted by how rare the word is; a jieba word (with the domain dictionary) of the title or
names counts a little more. whoosh's more-like-this over the domain terms finds related cases.
"""
from __future__ import annotations

import json
import math
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import fields, index
from whoosh.query import And, NumericRange, Or, Term

from .analysis import bigrams, domain_words, jieba_analyzer, use_dictionary
from .corpus import BUILD_DIR, Corpus
from .provenance import statement_text
from .render import plain_prose, relation_reason

INDEX_DIR = BUILD_DIR / "index"
DICTIONARY_FILE = "dictionary.txt"
SYNONYMS_FILE = "synonyms.json"
TEXTS_FILE = "texts.json"
TITLE_WEIGHT, NAMES_WEIGHT, WHOLE_WORD_WEIGHT = 3.0, 1.5, 1.0


def make_schema() -> fields.Schema:
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=jieba_analyzer(), stored=True),
        names=fields.TEXT(analyzer=jieba_analyzer()),
        grams=fields.KEYWORD(),
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


def case_document(case: dict, corpus: Corpus, types: dict) -> dict:
    regions = corpus.region_path(case["locality"]["region"])
    names = [t["name"] for t in (types[i] for i in case["practice_types"])]
    names += [m["name"] for m in case.get("named_methods", [])] + [m["name"] for m in case["measures"]]
    names += case.get("tags", [])
    body_parts = [case["summary"], case["organisation"], case.get("background", "")]
    for key in ("measures", "workflow", "named_methods", "outcomes", "staffing"):
        for item in case.get(key, []):
            body_parts.extend(str(v) if not isinstance(v, list) else "、".join(v) for v in item.values())
    body_parts += case.get("resources", [])
    body_parts += [statement_text(x) for x in case.get("lessons", []) + case.get("transfer_conditions", [])]
    body = "\n".join(p for p in body_parts if p)
    place = "".join(r["name"] for r in regions)
    period = case["period"]
    return {
        "id": case["id"], "title": case["title"], "names": "\n".join(names), "body": body,
        "searchable": "\n".join([case["title"], place, "\n".join(names), body]),
        "place": place or "全国", "type_names": "、".join(t["name"] for t in (types[i] for i in case["practice_types"])),
        "types": ",".join(case["practice_types"]), "regions": ",".join(r["id"] for r in regions) or "china",
        "level": case["locality"]["level"], "themes": ",".join(case["themes"]),
        "start_year": period.get("start_year") or period["reported_year"], "year": period["reported_year"],
        "status": case["status"],
    }


def concepts(text: str, dictionary: list[str], grams: set[str] | None = None) -> list[str]:
    """The domain terms (glossary, practice types, named methods) a case mentions, each as often
    as it occurs: what more-like-this compares cases on. `grams`, the text's bigrams, lets terms
    that cannot occur be skipped without scanning the text."""
    grams = grams if grams is not None else set(bigrams(text))
    return [term for term in dictionary if term[:2] in grams for _ in range(text.count(term))]


def synonyms(corpus: Corpus) -> dict[str, list[str]]:
    """Each practice-type name and alias maps to the whole group, so 代办 also finds 信访代理."""
    groups = {}
    for term in corpus.taxonomy("practice_type").values():
        group = [term["name"], *term.get("aliases", [])]
        for word in group:
            groups.setdefault(word, [])
            groups[word] += [w for w in group if w != word and w not in groups[word]]
    return groups


def build_index(corpus: Corpus, index_dir: Path = INDEX_DIR) -> int:
    """Write a fresh index next to the old one and swap it in; returns the number of cases."""
    dictionary = domain_words(corpus)
    use_dictionary(dictionary)
    types = corpus.taxonomy("practice_type")
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".index-", dir=index_dir.parent))
    try:
        ix = index.create_in(str(work), make_schema())
        writer = ix.writer(procs=2, limitmb=128, multisegment=True)
        texts = []
        for doc in sorted(corpus.cases, key=lambda d: d.data["id"]):
            fields_ = case_document(doc.data, corpus, types)
            texts.append([fields_["id"], fields_["title"], fields_["place"] + "\n" + fields_["names"], fields_["body"]])
            searchable = fields_.pop("searchable").lower()  # lowercased, as Searcher.concept_text sees it
            grams = set(bigrams(searchable))
            fields_["grams"] = " ".join(sorted(grams))
            fields_["concepts"] = " ".join(concepts(searchable, dictionary, grams))
            del fields_["body"]
            writer.add_document(**fields_)
        writer.commit()
        (work / TEXTS_FILE).write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        (work / DICTIONARY_FILE).write_text("\n".join(dictionary), encoding="utf-8")
        (work / SYNONYMS_FILE).write_text(json.dumps(synonyms(corpus), ensure_ascii=False), encoding="utf-8")
        old = index_dir.with_name(index_dir.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if index_dir.exists():
            index_dir.rename(old)
        work.rename(index_dir)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return len(corpus.cases)


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


@dataclass
class Hit:
    id: str
    title: str
    place: str
    types: str
    start_year: int
    year: int
    status: str
    score: float
    snippet: str


def parse_query(text: str) -> list[str]:
    """Words separated by spaces are all required; "quoted phrases" stay one word."""
    parts = re.findall(r'"([^"]+)"|“([^”]+)”|(\S+)', text)
    return [next(p for p in group if p).strip() for group in parts if any(group)]


class Searcher:
    def __init__(self, index_dir: Path = INDEX_DIR):
        if not index.exists_in(str(index_dir)):
            raise FileNotFoundError(f"还没有检索索引：请先运行 kb index 或 kb build（{index_dir}）")
        self.ix = index.open_dir(str(index_dir))
        self.dictionary = (index_dir / DICTIONARY_FILE).read_text(encoding="utf-8").split()
        use_dictionary(self.dictionary)
        self.synonyms = json.loads((index_dir / SYNONYMS_FILE).read_text(encoding="utf-8"))
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

    def concept_text(self, docnum: int) -> str:
        """The document's domain terms as they were indexed (for more-like-this)."""
        title, names, body, _ = self.docs[docnum]
        return " ".join(concepts("\n".join([title, names, body]), self.dictionary))

    def close(self):
        self.searcher.close()

    def _candidates(self, word: str) -> set[int]:
        """Documents holding every bigram of the word (a superset of those containing it)."""
        grams = set(bigrams(word))
        if any(len(g) < 2 for g in grams) or not grams:
            return {n for n, d in enumerate(self.docs) if d is not None}
        reader, found = self.searcher.reader(), None
        for gram in sorted(grams, key=lambda g: reader.doc_frequency("grams", g)):
            if reader.doc_frequency("grams", gram) == 0:
                return set()
            ids = set(reader.postings("grams", gram).all_ids())
            found = ids if found is None else found & ids
            if not found:
                break
        return found

    def matches(self, word: str) -> dict[int, tuple[bool, bool, int]]:
        """Documents containing the word (or a synonym) exactly: docnum → (in title, in names, count)."""
        out = {}
        for variant in [word] + self.synonyms.get(word, []):
            needle = variant.lower()
            for docnum in self._candidates(variant):
                title, names, body, _ = self.docs[docnum]
                count = title.count(needle) + names.count(needle) + body.count(needle)
                if count:
                    previous = out.get(docnum, (False, False, 0))
                    out[docnum] = (previous[0] or needle in title, previous[1] or needle in names, previous[2] + count)
        return out

    def whole_word(self, word: str) -> set[int]:
        """Documents whose title or names contain the word as a jieba word of its own (with the
        domain dictionary), not merely inside a longer word: these rank a little higher."""
        reader, found = self.searcher.reader(), set()
        for variant in [word] + self.synonyms.get(word, []):
            for fieldname in ("title", "names"):
                if reader.doc_frequency(fieldname, variant.lower()):
                    found.update(reader.postings(fieldname, variant.lower()).all_ids())
        return found

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
        """(docnum, score) of every case matching all words and the filters, best first."""
        words = parse_query(text)
        if not words:
            return []
        total = max(1, sum(d is not None for d in self.docs))
        scores: dict[int, float] | None = None
        for word in words:
            hits = self.matches(word)
            if scores is not None:
                hits = {d: h for d, h in hits.items() if d in scores}
            idf = math.log(1 + total / max(1, len(hits)))
            whole = self.whole_word(word)
            scores = {d: (scores or {}).get(d, 0.0) + idf * (1 + TITLE_WEIGHT * t + NAMES_WEIGHT * n + WHOLE_WORD_WEIGHT * (d in whole))
                      * (1 + math.log(c)) for d, (t, n, c) in hits.items()}
            if not scores:
                return []
        q = self.filter_query(filters or Filters())
        if q is not None:
            allowed = set(self.searcher.docs_for_query(q))
            scores = {d: v for d, v in scores.items() if d in allowed}
        return sorted(scores.items(), key=lambda kv: (-kv[1], self.stored[kv[0]]["id"]))

    def search(self, text: str, filters: Filters | None = None, limit: int | None = 10) -> list[Hit]:
        return self.hits(text, self.ranked(text, filters), limit)

    def hits(self, text: str, ranked: list[tuple[int, float]], limit: int | None = 10) -> list[Hit]:
        """Display records for the first `limit` of an already ranked result."""
        words = parse_query(text)
        terms = words + [s for w in words for s in self.synonyms.get(w, [])]
        hits = []
        for docnum, value in ranked[:limit]:
            r = self.stored[docnum]
            hits.append(Hit(r["id"], r["title"], r["place"], r["type_names"], r["start_year"], r["year"], r["status"],
                            round(value, 3), snippet(self.docs[docnum][3], terms)))
        return hits

    def facets(self, text: str, filters: Filters | None = None) -> dict[str, dict[str, int]]:
        return self.facet_counts(self.ranked(text, filters))

    def facet_counts(self, ranked: list[tuple[int, float]]) -> dict[str, dict[str, int]]:
        """Counts of the matching cases by practice type, region (every level), admin level, theme and year."""
        counts = {"types": {}, "regions": {}, "level": {}, "themes": {}, "start_year": {}}
        for docnum, _ in ranked:
            r = self.stored[docnum]
            for key in ("types", "regions", "themes"):
                for value in r[key].split(","):
                    counts[key][value] = counts[key].get(value, 0) + 1
            for key in ("level", "start_year"):
                counts[key][str(r[key])] = counts[key].get(str(r[key]), 0) + 1
        return {k: dict(sorted(v.items(), key=lambda kv: -kv[1])) for k, v in counts.items()}


def snippet(text: str, terms: list[str], width: int = 36, mark=("【", "】")) -> str:
    flat = re.sub(r"\s+", " ", plain_prose(text))
    positions = [(flat.find(t), t) for t in terms if t and flat.find(t) >= 0]
    if not positions:
        return flat[: width * 2] + ("…" if len(flat) > width * 2 else "")
    start, _ = min(positions)
    left = max(0, start - width)
    window = flat[left: start + width * 2]
    for term in sorted({t for _, t in positions}, key=len, reverse=True):
        window = window.replace(term, f"{mark[0]}{term}{mark[1]}")
    return ("…" if left else "") + window + ("…" if start + width * 2 < len(flat) else "")


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
