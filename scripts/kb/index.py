"""The search stage: a whoosh index of the cases in build/index, and the query engine over it.

Precision comes from the bigram field: each query word becomes a phrase of its character
bigrams, so a case matches only if it contains the word as an exact substring. jieba words in
the title, named-method and body fields then rank the matches.
"""
from __future__ import annotations

import json
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import fields, index, scoring
from whoosh.query import And, AndMaybe, NumericRange, Or, Phrase, Prefix, Term

from .analysis import bigram_analyzer, bigrams, domain_words, jieba_analyzer, use_dictionary, words
from .corpus import BUILD_DIR, Corpus

INDEX_DIR = BUILD_DIR / "index"
DICTIONARY_FILE = "dictionary.txt"
SYNONYMS_FILE = "synonyms.json"


def make_schema() -> fields.Schema:
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=jieba_analyzer(), stored=True, field_boost=4.0),
        names=fields.TEXT(analyzer=jieba_analyzer(), field_boost=2.5),
        body=fields.TEXT(analyzer=jieba_analyzer()),
        grams=fields.TEXT(analyzer=bigram_analyzer(), phrase=True),
        text=fields.STORED(),
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
    body_parts += case.get("resources", []) + case.get("lessons", []) + case.get("transfer_conditions", [])
    body = "\n".join(p for p in body_parts if p)
    place = "".join(r["name"] for r in regions)
    period = case["period"]
    return {
        "id": case["id"], "title": case["title"], "names": "\n".join(names), "body": body,
        "grams": "\n".join([case["title"], place, "\n".join(names), body]),
        "text": body, "place": place or "全国", "type_names": "、".join(t["name"] for t in (types[i] for i in case["practice_types"])),
        "types": ",".join(case["practice_types"]), "regions": ",".join(r["id"] for r in regions) or "china",
        "level": case["locality"]["level"], "themes": ",".join(case["themes"]),
        "start_year": period.get("start_year") or period["reported_year"], "year": period["reported_year"],
        "status": case["status"],
    }


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
        writer = ix.writer(limitmb=256)
        for doc in corpus.cases:
            writer.add_document(**case_document(doc.data, corpus, types))
        writer.commit()
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
            raise FileNotFoundError(f"还没有检索索引：请先运行 kb index（{index_dir}）")
        self.ix = index.open_dir(str(index_dir))
        use_dictionary((index_dir / DICTIONARY_FILE).read_text(encoding="utf-8").split())
        self.synonyms = json.loads((index_dir / SYNONYMS_FILE).read_text(encoding="utf-8"))
        self.searcher = self.ix.searcher(weighting=scoring.BM25F())

    def close(self):
        self.searcher.close()

    def _exact(self, word: str):
        grams = bigrams(word)
        if not grams:
            return None
        if len(grams) == 1:
            return Prefix("grams", grams[0]) if len(grams[0]) == 1 else Term("grams", grams[0])
        return Phrase("grams", grams)

    def _required(self, word: str):
        variants = [word] + self.synonyms.get(word, [])
        queries = [q for q in (self._exact(v) for v in variants) if q is not None]
        return Or(queries) if len(queries) > 1 else (queries[0] if queries else None)

    def _ranking(self, word: str):
        terms = [w for v in [word] + self.synonyms.get(word, []) for w in set(words(v))]
        return Or([Term(f, t) for f in ("title", "names", "body") for t in terms]) if terms else None

    def query(self, text: str):
        required = [q for q in (self._required(w) for w in parse_query(text)) if q is not None]
        if not required:
            return None
        ranking = [q for q in (self._ranking(w) for w in parse_query(text)) if q is not None]
        base = And(required) if len(required) > 1 else required[0]
        return AndMaybe(base, Or(ranking)) if ranking else base

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

    def search(self, text: str, filters: Filters | None = None, limit: int | None = 10) -> list[Hit]:
        q = self.query(text)
        if q is None:
            return []
        results = self.searcher.search(q, limit=limit, filter=self.filter_query(filters or Filters()))
        words_ = parse_query(text)
        return [Hit(r["id"], r["title"], r["place"], r["type_names"], r["start_year"], r["year"], r["status"],
                    round(r.score, 3), snippet(r["text"], words_ + [s for w in words_ for s in self.synonyms.get(w, [])]))
                for r in results]


def snippet(text: str, terms: list[str], width: int = 36, mark=("【", "】")) -> str:
    flat = re.sub(r"\s+", " ", text)
    positions = [(flat.find(t), t) for t in terms if t and flat.find(t) >= 0]
    if not positions:
        return flat[: width * 2] + ("…" if len(flat) > width * 2 else "")
    start, _ = min(positions)
    left = max(0, start - width)
    window = flat[left: start + width * 2]
    for term in sorted({t for _, t in positions}, key=len, reverse=True):
        window = window.replace(term, f"{mark[0]}{term}{mark[1]}")
    return ("…" if left else "") + window + ("…" if start + width * 2 < len(flat) else "")
