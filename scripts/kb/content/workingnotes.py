"""Editors' working notes kept off reader pages: seed file names, YAML field names and instructions
to editors must not appear in the fields a reader sees.

A case's `notes` (编辑说明) are for editors by definition and are not shown to readers, so they may
say anything; every other string of a case, source, course, glossary, taxonomy or region file is
reader-facing and is checked here.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .load import Document
from ..core.problems import Problem
from .schemas import SCHEMA_DIR

# Fields editors write for editors (never rendered on a reader page), per kind of file.
EDITOR_FIELDS = {"case": {"notes"}}
# Values that are identifiers, not prose: a field name there is not a leak.
IDENTIFIER_FIELDS = {"id", "source", "region", "parent", "part_of", "related", "file", "text_file", "url", "schema"}

_HAN = re.compile(r"[\u3400-\u9fff]")
SEED = re.compile(r"种子(?:\d+|资料|文本|原文|中|里|未|没|只|无|所|的)")
INSTRUCTIONS = re.compile(r"不要推测|勿推测|不得推测|不要猜|待编辑|请编辑|编辑注意|FIXME|\bAdmin\b", re.IGNORECASE)
_WORD = r"(?<![A-Za-z0-9_/:.=-]){}(?![A-Za-z0-9_/.=-])"  # a word of its own, not part of a link or a code


@lru_cache(maxsize=None)
def field_names() -> tuple[frozenset, frozenset]:
    """(names with an underscore, single-word names) of every property in the project's schemas."""
    import json

    names: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            names.update(k for k in node.get("properties", {}) if isinstance(k, str))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        walk(json.loads(path.read_text(encoding="utf-8")))
    names.discard("$schema")
    return frozenset(n for n in names if "_" in n), frozenset(n for n in names if "_" not in n)


@lru_cache(maxsize=None)
def _field_pattern() -> re.Pattern:
    """Any schema property name written as a word of its own: the content is Chinese, so a
    lower-case English word that names a field is a field name."""
    compound, single = field_names()
    names = "|".join(sorted(map(re.escape, compound | single), key=len, reverse=True))
    return re.compile(_WORD.format(f"(?:{names})"))


def findings(text: str, kind: str = "case") -> list[tuple[str, str]]:
    """(found text, Chinese message) for each working note in a reader-facing string."""
    elsewhere = "移到编辑说明（notes）" if kind == "case" else "删去"
    found = []
    for match in SEED.finditer(text):
        found.append((match.group(0), f"“{match.group(0)}”是编辑的工作用语，读者看不懂："
                                      "请写资料的题名（如《开拓与创新》），或说“编者所见的文本”"))
    for match in INSTRUCTIONS.finditer(text):
        found.append((match.group(0), f"“{match.group(0)}”是编辑工作中的用语或给编辑的提示，读者不需要："
                                      f"请{elsewhere}，或改写成读者需要知道的事实"))
    for match in _field_pattern().finditer(text):
        name = match.group(0)
        found.append((name, f"“{name}”是 YAML 字段名，读者看不懂：请用中文说（如“开始年份”“页码”），或{elsewhere}"))
    return found


def working_note_problems(doc: Document, kind: str) -> list[Problem]:
    """Working notes in the reader-facing strings of a document, each at its own line and column."""
    problems = []
    for path, text in _reader_strings(doc.data, kind, (), []):
        for needle, message in findings(text, kind):
            problems.append(doc.problem_at(path, needle, message))
    return problems


def _reader_strings(value, kind: str, path: tuple, out: list) -> list[tuple[tuple, str]]:
    if isinstance(value, str):
        if _HAN.search(value):  # prose; codes and enum values (basis: source) are not read as text
            out.append((path, value))
    elif isinstance(value, dict):
        for key, item in value.items():
            if (not path and key in EDITOR_FIELDS.get(kind, ())) or key in IDENTIFIER_FIELDS:
                continue
            _reader_strings(item, kind, path + (key,), out)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _reader_strings(item, kind, path + (i,), out)
    return out
