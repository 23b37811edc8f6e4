"""Data for the compare page: one small script per case with its fields as display HTML, loaded
only for the 2–4 cases a reader puts side by side."""
from __future__ import annotations

import json
from html import escape
from pathlib import Path

from .render import Case, Site, outcome_text, plain_prose

ROWS = ["地区", "实施层级", "实施单位", "时间", "做法类型", "主题", "摘要", "主要措施", "工作流程",
        "提法与口诀", "成效数据", "人员配置", "经费与条件", "经验启示", "推广条件", "资料来源", "未见原文，待补"]


def _text(value: str) -> str:
    return escape(plain_prose(value))


def _list(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>" if items else "—"


def _statements(case: Case, key: str) -> str:
    """Lessons or transfer conditions as the case page shows them: 编者按 or the source they rest on."""
    return _list([_text(s.text) + (f"<small>{escape(s.label())}</small>" if s.label() else "") for s in case.statements(key)])


def _citations(citations: list) -> str:
    return _list([f"[{n}] {_text(str(c))}" for n, c in enumerate(citations, 1)])


def compare_record(case: Case) -> dict:
    data = case.data
    methods = [f"<strong>{_text(m['name'])}</strong>：{_text('、'.join(m.get('expansion', [])) or m.get('explanation', ''))}"
               for m in data.get("named_methods", [])]
    staffing = [f"{_text(s['role'])}{'：' + _text(s['count']) if s.get('count') else ''}" for s in data.get("staffing", [])]
    fields = {
        "地区": escape(case.place_label),
        "实施层级": escape(case.level_label),
        "实施单位": _text(data["organisation"]),
        "时间": escape(case.year_label),
        "做法类型": "、".join(escape(t["name"]) for t in case.types),
        "主题": "、".join(escape(t["name"]) for t in case.themes),
        "摘要": _text(data["summary"]),
        "主要措施": _list([f"<strong>{_text(m['name'])}</strong>" for m in data["measures"]]),
        "工作流程": " → ".join(_text(s["step"]) for s in data.get("workflow", [])) or "—",
        "提法与口诀": _list(methods),
        "成效数据": _list([_text(outcome_text(o)) for o in data.get("outcomes", [])]),
        "人员配置": _list(staffing),
        "经费与条件": _list([_text(r) for r in data.get("resources", [])]),
        "经验启示": _statements(case, "lessons"),
        "推广条件": _statements(case, "transfer_conditions"),
        "资料来源": _citations(case.seen_citations),
        "未见原文，待补": _list([_text(str(c)) for c in case.unseen_citations]),
    }
    return {"id": case.id, "title": case.title, "draft": data["status"] == "draft", "fields": [fields[r] for r in ROWS]}


def write_compare_data(site: Site, docs_dir: Path, cases: list | None = None) -> int:
    """rows.js and one record per case of `cases` (default: every case)."""
    folder = docs_dir / "compare"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "rows.js").write_text(f"KB_COMPARE_ROWS={json.dumps(ROWS, ensure_ascii=False)};\n", encoding="utf-8")
    write_case_records(site.cases if cases is None else cases, docs_dir)
    return len(site.cases)


def write_case_records(cases: list[Case], docs_dir: Path) -> None:
    """compare/<id>.js for each case: what the compare page loads when the case is picked."""
    folder = docs_dir / "compare"
    folder.mkdir(parents=True, exist_ok=True)
    for case in cases:
        record = json.dumps(compare_record(case), ensure_ascii=False, separators=(",", ":"))
        (folder / f"{case.id}.js").write_text(f"KB_CASE({record});\n", encoding="utf-8")
