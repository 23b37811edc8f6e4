"""Search quality on a judged query set: precision@5, recall@10 and mean reciprocal rank.

Definitions (printed by the benchmark too):
- precision@5: relevant share of the results shown in the top 5 (of min(5, returned) results);
  a query with no relevant case scores 1 when nothing is returned, else 0.
- recall@10: share of the relevant cases found in the top 10 (1 for a query with none relevant
  when nothing is returned).
- MRR: mean of 1/rank of the first relevant result, over queries that have relevant cases.
"""
from __future__ import annotations

from pathlib import Path

import yaml

QUERIES_FILE = Path(__file__).resolve().parents[3] / "tests" / "queries.yaml"


def judged_queries(path: Path = QUERIES_FILE) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["queries"]


def precision_at(ranked: list[str], relevant: set[str], k: int = 5) -> float:
    shown = ranked[:k]
    if not relevant:
        return 1.0 if not shown else 0.0
    return sum(r in relevant for r in shown) / len(shown) if shown else 0.0


def recall_at(ranked: list[str], relevant: set[str], k: int = 10) -> float:
    if not relevant:
        return 1.0 if not ranked else 0.0
    return len(set(ranked[:k]) & relevant) / len(relevant)


def reciprocal_rank(ranked: list[str], relevant: set[str]) -> float:
    return next((1 / n for n, r in enumerate(ranked, 1) if r in relevant), 0.0)


def score(run: dict[str, list[str]], queries: list[dict]) -> dict[str, float]:
    """`run` maps each query text to the ranked case ids an engine returned."""
    p5 = [precision_at(run[q["query"]], set(q["relevant"])) for q in queries]
    r10 = [recall_at(run[q["query"]], set(q["relevant"])) for q in queries]
    rr = [reciprocal_rank(run[q["query"]], set(q["relevant"])) for q in queries if q["relevant"]]
    return {"precision@5": sum(p5) / len(p5), "recall@10": sum(r10) / len(r10), "MRR": sum(rr) / len(rr) if rr else 0.0}


def worst(run: dict[str, list[str]], queries: list[dict], count: int = 5) -> list[tuple[str, float, float]]:
    rows = [(q["query"], precision_at(run[q["query"]], set(q["relevant"])), recall_at(run[q["query"]], set(q["relevant"])))
            for q in queries]
    return sorted(rows, key=lambda r: r[1] + r[2])[:count]


# ------------------------------------------------------------ graded natural queries

NATURAL_FILE = QUERIES_FILE.with_name("natural_queries.yaml")
JUDGED_DIR = QUERIES_FILE.with_name("judged")
TUNING_NEW, SEALED = JUDGED_DIR / "natural_tuning_new.yaml", JUDGED_DIR / "natural_sealed.yaml"
# Sets written afterwards by people who never saw the engine, each run once before joining the tuning half.
FRESH_FILES = [JUDGED_DIR / f"natural_fresh{n}.yaml" for n in ("", "2", "3", "4")]
TUNING_FILES = [NATURAL_FILE, TUNING_NEW, *FRESH_FILES]
CATEGORIES = ["nospace", "synonym", "question", "phrase", "keyword", "abbrev", "colloquial", "situation",
              "verbvariant", "longquestion", "partial", "none"]


def natural_queries(path: Path = NATURAL_FILE) -> list[dict]:
    """Queries with a category and a 0/1/2 grade per case (cases not listed are 0)."""
    return [dict(q, grades=q.get("grades") or {}) for q in yaml.safe_load(path.read_text(encoding="utf-8"))["queries"]]


def ndcg_at(ranked: list[str], grades: dict[str, int], k: int = 5) -> float:
    """Graded nDCG@k with gain 2^g − 1; a query with no relevant case scores 1 only when nothing is returned."""
    import math
    if not grades:
        return 1.0 if not ranked else 0.0
    dcg = sum((2 ** grades.get(r, 0) - 1) / math.log2(i + 2) for i, r in enumerate(ranked[:k]))
    ideal = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(sorted(grades.values(), reverse=True)[:k]))
    return dcg / ideal


def graded_scores(run: dict[str, list[str]], queries: list[dict]) -> dict[str, dict[str, float]]:
    """Per category and overall: nDCG@5, recall@10 (grade ≥ 1), the share of answerable queries
    with no result (zero) and of no-answer queries with a result (false)."""
    groups = {c: [q for q in queries if q["category"] == c] for c in CATEGORIES}
    groups["all"] = queries
    out = {}
    for name, qs in groups.items():
        if not qs:
            continue
        answerable = [q for q in qs if q["grades"]]
        none = [q for q in qs if not q["grades"]]
        out[name] = {
            "n": len(qs),
            "nDCG@5": sum(ndcg_at(run[q["query"]], q["grades"]) for q in qs) / len(qs),
            "recall@10": (sum(recall_at(run[q["query"]], set(q["grades"])) for q in answerable) / len(answerable)) if answerable else None,
            "zero": (sum(not run[q["query"]] for q in answerable), len(answerable)),
            "false": (sum(bool(run[q["query"]]) for q in none), len(none)),
        }
    return out
