"""Pages for editors: the guide (tasks by hand, fields from the schemas) and the dashboard
(drafts and what they lack, completeness against explicit criteria, near-duplicates, backlog)."""
from __future__ import annotations

import functools
import multiprocessing
from dataclasses import dataclass, replace

import numpy as np

from ..content.lifecycle import STATUS_LABELS, WAITING
from ..content.validate import GUARD
from ..content.schemas import schema

GUIDE_SCHEMAS = [("case", "案例", "content/cases/<省>/<编号>.yaml"), ("source", "资料来源", "content/sources/<编号>.yaml"),
                 ("regions", "地区名录", "content/regions.yaml"), ("course", "培训课程", "content/courses/<编号>.yaml"),
                 ("taxonomy", "分类表（做法类型、主题）", "content/taxonomy/*.yaml"), ("glossary", "术语表", "content/glossary.yaml"),
                 ("synonyms", "检索同义词", "content/synonyms.yaml"),
                 ("allowlist", "个人信息检查的例外", "content/allowlist.yaml")]

# Sections a finished case has beyond the required ones; a draft lists those still missing.
SECTIONS = {"background": "背景与问题", "measures": "主要措施", "workflow": "工作流程", "outcomes": "成效数据",
            "staffing": "人员配置", "lessons": "经验启示", "transfer_conditions": "推广条件"}
DUPLICATE_TITLE = 0.5    # bigram overlap of titles above which two cases are shown as possible duplicates
DUPLICATE_SUMMARY = 0.6  # … or of summaries
ROWS = 200               # rows a dashboard table shows at most
SHOWN_ALIKE = 5          # similar cases named in a duplicates row


# --- the guide's field tables ----------------------------------------------------------------------

def field_rows(name: str) -> list[dict]:
    """Every field of a schema ($refs followed), as rows: path, title, required, description, choices."""
    root, rows = schema(name), []

    def resolve(node: dict) -> dict:
        ref = node.get("$ref", "")
        if ref.startswith("#/$defs/"):
            return {**root["$defs"][ref.rsplit("/", 1)[1]], **{k: v for k, v in node.items() if k != "$ref"}}
        return node

    def walk(node: dict, prefix: str):
        node = resolve(node)
        required = set(node.get("required", []))
        for key, sub in node.get("properties", {}).items():
            sub = resolve(sub)
            rows.append({"path": prefix + key, "title": sub.get("title", ""), "required": key in required,
                         "description": sub.get("description", ""), "choices": sub.get("x-labels", {})})
            items = resolve(sub.get("items", {})) if sub.get("type") == "array" else {}
            if sub.get("type") == "object":
                walk(sub, f"{prefix}{key}.")
            elif items.get("type") == "object":
                walk(items, f"{prefix}{key}[].")

    walk(root, "")
    return rows


def guide_tables() -> list[dict]:
    return [{"name": name, "label": label, "where": where, "rows": field_rows(name)} for name, label, where in GUIDE_SCHEMAS]


# --- the dashboard -------------------------------------------------------------------------------

@dataclass
class Criterion:
    label: str    # the criterion, as the dashboard lists it
    missing: str  # what a case that fails it lacks
    met: bool


def criteria(case: dict, web_sources: set[str]) -> list[Criterion]:
    """Acceptance criteria of a finished case (after OECD OPSI's case-study checklist)."""
    outcomes = case.get("outcomes") or []
    cited_pages = any(c.get("pages") or c.get("source") in web_sources for c in case.get("sources") or [])
    return [Criterion(f"填写「{title}」", title, bool(case.get(key))) for key, title in SECTIONS.items()] + [
        Criterion("成效数据都写明单位和统计期", "成效的单位或统计期",
                  bool(outcomes) and all(o.get("period") and _has_unit(o) for o in outcomes)),
        Criterion("至少一处引用写明页码（网页没有页码，引用网页即可）", "引用页码", cited_pages),
        Criterion("写明开始年份", "开始年份", bool((case.get("period") or {}).get("start_year"))),
    ]


def _has_unit(outcome: dict) -> bool:
    return bool(outcome.get("unit") or (outcome.get("change") or {}).get("unit"))


def completeness(case: dict, web_sources: set[str]) -> tuple[int, list[str]]:
    """Score in percent and the labels of the criteria not met."""
    checks = criteria(case, web_sources)
    return round(100 * sum(c.met for c in checks) / len(checks)), [c.missing for c in checks if not c.met]


def bigrams(text: str) -> set[str]:
    """Character pairs of the text's letters. Digits are left out: two write-ups of one practice
    differ in years and counts, and digit pairs shared by unrelated titles made the comparison slow."""
    text = "".join(ch for ch in text if ch.isalpha())
    return {text[i:i + 2] for i in range(len(text) - 1)}


PAIR = 0x110000  # a character pair as one number: first code point × PAIR + second (same order as the strings)


def bigram_numbers(texts: list[str]) -> list[set[int]]:
    """bigrams() of each text, each pair as a number (first code point × PAIR + second): the
    same sets, made for all texts at once with numpy instead of character by character."""
    if not texts:
        return []
    points = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    owner = np.repeat(np.arange(len(texts)), [len(t) for t in texts])
    letter = _is_letter(points)
    points, owner = points[letter], owner[letter]
    same = owner[:-1] == owner[1:]
    pairs = (points[:-1][same] * PAIR + points[1:][same]).tolist()
    bounds = np.searchsorted(owner[:-1][same], np.arange(len(texts) + 1)).tolist()  # owners come in order
    return [set(pairs[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]


@functools.cache
def _letter_table() -> np.ndarray:
    return np.array([chr(p).isalpha() for p in range(0x10000)], dtype=bool)


def _is_letter(points: np.ndarray) -> np.ndarray:
    """str.isalpha of each code point: a table for the Basic Multilingual Plane, asked beyond it."""
    basic = points < 0x10000
    letter = np.zeros(len(points), dtype=bool)
    letter[basic] = _letter_table()[points[basic]]
    beyond = np.flatnonzero(~basic)
    letter[beyond] = [chr(p).isalpha() for p in points[beyond].tolist()]
    return letter


def similarity(a: str, b: str) -> float:
    return jaccard(bigrams(a), bigrams(b))


def jaccard(x: set, y: set) -> float:
    return len(x & y) / len(x | y) if x and y else 0.0


def similar_groups(sets: list[set], threshold: float, joined: "Groups") -> None:
    """Join in `joined` every two sets whose Jaccard overlap reaches threshold, without comparing
    all pairs: two sets sharing at least α elements share one among each set's first |x| − α + 1
    elements in any fixed order (rarest first keeps candidate lists short), so only sets meeting
    in those prefixes are compared, and not even those already in one group."""
    first_of: dict[frozenset, int] = {}
    for j, grams in enumerate(sets):  # equal sets join at once and are compared once
        if grams:
            joined.union(first_of.setdefault(frozenset(grams), j), j)
    frequency: dict[str, int] = {}
    for grams in first_of:
        for gram in grams:
            frequency[gram] = frequency.get(gram, 0) + 1
    postings: dict[str, list[int]] = {}
    for j in sorted(first_of.values()):
        grams = sets[j]
        ordered = sorted(grams, key=lambda g: (frequency[g], g))
        # |x ∩ y| ≥ t·|x ∪ y| ≥ t·|x|; a smaller α (int() rounds down) only lengthens the prefix.
        prefix = ordered[:len(ordered) - max(1, int(threshold * len(ordered))) + 1]
        for i in {i for gram in prefix for i in postings.get(gram, ())}:
            if joined.find(i) != joined.find(j) and jaccard(sets[i], grams) >= threshold:
                joined.union(i, j)
        for gram in prefix:
            postings.setdefault(gram, []).append(j)


class Groups:
    """Union-find over 0..n-1."""

    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        self.parent[self.find(j)] = self.find(i)


def near_duplicates(cases: list[dict], groups: list | None = None) -> list[dict]:
    """Groups of cases whose titles or summaries overlap a lot (linked pair by pair), largest
    first: each names its most recently added case and the others, the most similar first.
    `groups`: near_duplicate_groups(cases), if already made (e.g. by NearDuplicatesBeside)."""
    groups = near_duplicate_groups(cases) if groups is None else groups
    return [{"case": cases[newest], "like": [cases[i] for i in like], "title": title, "summary": summary}
            for newest, like, title, summary in groups]


def near_duplicate_groups(cases: list[dict]) -> list[tuple[int, list[int], float, float]]:
    """near_duplicates with cases as their positions: (newest, the others, title and summary overlap)."""
    titles = bigram_numbers([c["title"] for c in cases])
    summaries = bigram_numbers([c.get("summary", "") for c in cases])
    joined = Groups(len(cases))
    similar_groups(titles, DUPLICATE_TITLE, joined)
    similar_groups(summaries, DUPLICATE_SUMMARY, joined)
    members: dict[int, list[int]] = {}
    for i in range(len(cases)):
        members.setdefault(joined.find(i), []).append(i)
    out = []
    for group in (g for g in members.values() if len(g) > 1):
        newest = max(group, key=lambda i: (str(cases[i].get("added", "")), -i))
        scored = sorted(((jaccard(titles[newest], titles[i]), jaccard(summaries[newest], summaries[i]), i)
                         for i in group if i != newest), key=lambda r: (-max(r[0], r[1]), r[2]))
        out.append((newest, [i for *_, i in scored], scored[0][0], scored[0][1]))
    return sorted(out, key=lambda g: (-len(g[1]), -max(g[2], g[3]), cases[g[0]]["id"]))


BESIDE_FROM = 400  # cases from which a forked process finding near-duplicates saves more than it costs
_FORKED_CASES: list[dict] | None = None  # what the forked process works on (inherited, not sent)


class NearDuplicatesBeside:
    """near_duplicate_groups of the cases, found in a forked process while this one renders the
    other pages (a second or so at 10,000 cases); result() waits for them. Without fork, or for a
    small collection, result() is None and the dashboard finds them itself."""

    def __init__(self, cases: list[dict]):
        global _FORKED_CASES
        self.pool = self.pending = None
        if len(cases) < BESIDE_FROM or "fork" not in multiprocessing.get_all_start_methods():
            return
        _FORKED_CASES = cases
        try:
            self.pool = multiprocessing.get_context("fork").Pool(1)  # forks now, with the cases
        finally:
            _FORKED_CASES = None
        self.pending = self.pool.apply_async(_forked_groups)

    def result(self) -> list | None:
        try:
            return self.pending.get() if self.pending is not None else None
        finally:
            self.close()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None


def _forked_groups() -> list:
    return near_duplicate_groups(_FORKED_CASES)


def similar_titles(name: str, cases: dict[str, dict], threshold: float = 0.3, limit: int = 3) -> list[tuple[str, str]]:
    """Existing cases whose titles share much with a new practice name (shown by `kb new case`)."""
    scored = sorted(((similarity(name, c.get("title", "")), ident) for ident, c in cases.items()), reverse=True)
    return [(ident, cases[ident]["title"]) for score, ident in scored[:limit] if score >= threshold]


def dashboard(site, duplicate_groups: list | None = None) -> dict:
    """What the editors' dashboard lists; each table keeps its first ROWS rows (its total is given)
    so that the page stays readable however large the collection grows."""
    web = {s["id"] for s in site.sources if s.get("kind") == "web"}
    cases = [c.data for c in site.cases]
    scored = sorted(({"case": c, "score": score, "missing": missing}
                     for c in cases for score, missing in [completeness(c, web)]),
                    key=lambda r: (r["score"], r["case"]["id"]))
    drafts = [dict(r, sections=[t for k, t in SECTIONS.items() if not r["case"].get(k)])
              for r in scored if r["case"].get("status") in WAITING]
    duplicates = near_duplicates(cases, duplicate_groups)
    criteria_labels = [c.label for c in criteria({}, set())]
    held = [without_personal_data(h) for h in site.corpus.held if h.problems]
    waiting = [h for h in site.corpus.held if not h.problems]
    return {"drafts": drafts[:ROWS], "scored": scored[:ROWS], "criteria": criteria_labels,
            "held": held[:ROWS], "waiting": waiting[:ROWS], "status_labels": STATUS_LABELS,
            "duplicates": duplicates[:ROWS], "backlog": site.backlog[:ROWS], "rows": ROWS,
            "totals": {"drafts": len(drafts), "held": len(held), "waiting": len(waiting), "scored": len(scored), "duplicates": len(duplicates),
                       "backlog": len(site.backlog)},
            "thresholds": (DUPLICATE_TITLE, DUPLICATE_SUMMARY), "shown_alike": SHOWN_ALIKE}


PERSONAL_DATA_HIDDEN = "疑似个人信息（原文不在网页上显示）：运行 kb validate 查看，删除或改写"


def without_personal_data(entry):
    """A held entry as the dashboard (a page of the site) may show it: every problem of a field with
    suspected personal data says so without quoting it, and a title holding some gives way to the file name."""
    private = {p.field for p in entry.problems if p.message.endswith(GUARD)}
    if not private:
        return entry
    problems = list(dict.fromkeys(replace(p, column=1, message=PERSONAL_DATA_HIDDEN) if p.field in private else p
                                  for p in entry.problems))
    title = entry.file.rsplit("/", 1)[-1] if "title" in private else entry.title
    return replace(entry, title=title, problems=problems)


def editor_pages(site, env, common: dict, duplicate_groups: list | None = None) -> dict[str, str]:
    board = dashboard(site, duplicate_groups)
    return {"editors.md": env.get_template("editors.md.j2").render(tables=guide_tables(), **common),
            "dashboard.md": env.get_template("dashboard.md.j2").render(board=board, **common)}
