"""Pages for editors: the guide (tasks by hand, fields from the schemas) and the dashboard
(drafts and what they lack, completeness against explicit criteria, near-duplicates, backlog)."""
from __future__ import annotations

from dataclasses import dataclass

from .schemas import schema

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
    text = "".join(ch for ch in text if ch.isalnum())
    return {text[i:i + 2] for i in range(len(text) - 1)}


def similarity(a: str, b: str) -> float:
    x, y = bigrams(a), bigrams(b)
    return len(x & y) / len(x | y) if x and y else 0.0


def near_duplicates(cases: list[dict]) -> list[dict]:
    """Pairs of cases whose titles or summaries overlap a lot; the later-added one is named first."""
    out = []
    for i, a in enumerate(cases):
        for b in cases[i + 1:]:
            title, summary = similarity(a["title"], b["title"]), similarity(a.get("summary", ""), b.get("summary", ""))
            if title >= DUPLICATE_TITLE or summary >= DUPLICATE_SUMMARY:
                newer, older = sorted((a, b), key=lambda c: str(c.get("added", "")), reverse=True)
                out.append({"case": newer, "like": older, "title": title, "summary": summary})
    return sorted(out, key=lambda d: -max(d["title"], d["summary"]))


def similar_titles(name: str, cases: dict[str, dict], threshold: float = 0.3, limit: int = 3) -> list[tuple[str, str]]:
    """Existing cases whose titles share much with a new practice name (shown by `kb new case`)."""
    scored = sorted(((similarity(name, c.get("title", "")), ident) for ident, c in cases.items()), reverse=True)
    return [(ident, cases[ident]["title"]) for score, ident in scored[:limit] if score >= threshold]


def dashboard(site) -> dict:
    web = {s["id"] for s in site.sources if s.get("kind") == "web"}
    cases = [c.data for c in site.cases]
    scored = sorted(({"case": c, "score": completeness(c, web)[0], "missing": completeness(c, web)[1]} for c in cases),
                    key=lambda r: (r["score"], r["case"]["id"]))
    drafts = [dict(r, sections=[t for k, t in SECTIONS.items() if not r["case"].get(k)])
              for r in scored if r["case"].get("status") == "draft"]
    criteria_labels = [c.label for c in criteria({}, set())]
    return {"drafts": drafts, "scored": scored, "criteria": criteria_labels,
            "duplicates": near_duplicates(cases), "backlog": site.backlog,
            "thresholds": (DUPLICATE_TITLE, DUPLICATE_SUMMARY)}


def editor_pages(site, env, common: dict) -> dict[str, str]:
    return {"editors.md": env.get_template("editors.md.j2").render(tables=guide_tables(), **common),
            "dashboard.md": env.get_template("dashboard.md.j2").render(board=dashboard(site), **common)}
