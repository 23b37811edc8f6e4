"""`kb new`: a case file skeleton derived from the case schema, at the path the validator expects."""
from __future__ import annotations

import datetime as dt
import json
import re

from .analysis import jieba  # configured there (quiet logging)
from pypinyin import lazy_pinyin

from .corpus import Corpus
from .schemas import schema
from .validate import province_folder

REGION_TO_CASE_LEVEL = {"country": "national", "province": "provincial", "city": "municipal",
                        "county": "county", "town": "township", "village": "village"}
SCHEMA_LINE = "# yaml-language-server: $schema=../../../schemas/case.schema.json"


# jieba's plain dictionary, not the search engine's: slugs must not change when the domain
# dictionary grows (三会一代理 stays san-hui-yi-daili-like words, not one long chunk).
_SEGMENTER = jieba.Tokenizer()


def slugify(text: str, max_words: int = 6) -> str:
    """Pinyin slug of Chinese text, one hyphen-joined chunk per jieba word: 有信访我代理 → you-xinfang-wo-daili."""
    chunks = []
    for word in _SEGMENTER.cut(text):
        syllables = "".join(lazy_pinyin(word, errors=lambda s: [c for c in s.lower() if c.isascii() and c.isalnum()]))
        syllables = re.sub(r"[^a-z0-9]", "", syllables.lower())
        if syllables:
            chunks.append(syllables)
    return "-".join(chunks[:max_words])


def case_id(region_id: str, name: str) -> str:
    """The gazetteer's region id (already the locality's pinyin slug) plus the practice name's slug."""
    return f"{region_id}-{slugify(name)}"


def scaffold(corpus: Corpus, region_id: str, name: str, today: dt.date | None = None) -> tuple[str, str]:
    """Returns (path relative to the content folder, YAML text) of a new case skeleton."""
    today = today or dt.date.today()
    region = corpus.region_map()[region_id]
    ident = case_id(region_id, name)
    prefill = {
        "id": ident, "title": name, "status": "draft",
        "locality": {"region": region_id, "level": REGION_TO_CASE_LEVEL[region["level"]]},
        "period": {"reported_year": today.year},
        "added": today.isoformat(),
    }
    lines = [SCHEMA_LINE, f"# 新案例：{name}。填好后运行 kb validate 检查；空着的必填项会被列出来。"]
    lines += _emit(schema("case"), prefill, indent=0)
    path = f"cases/{province_folder(corpus, region_id)}/{ident}.yaml"
    return path, "\n".join(lines) + "\n"


def _emit(node: dict, prefill: dict, indent: int) -> list[str]:
    pad = " " * indent
    required = set(node.get("required", []))
    out = []
    for key, sub in node.get("properties", {}).items():
        comment = f"{pad}# {sub.get('title', key)}：{sub.get('description', '')}".rstrip("：")
        if key not in required and key not in prefill:
            out.append(f"{pad}# （可选）{key}: …  —— {sub.get('title', key)}：{sub.get('description', '')}")
            continue
        out.append(comment)
        out += _value(key, sub, prefill.get(key), indent)
    return out


def _value(key: str, sub: dict, given, indent: int) -> list[str]:
    pad = " " * indent
    kind = sub.get("type")
    if kind == "object":
        return [f"{pad}{key}:"] + _emit(sub, given or {}, indent + 2)
    if kind == "array":
        items = sub.get("items", {})
        if items.get("type") == "object":
            first = [f"{pad}  - {line.lstrip()}" if i == 0 else f"{pad}    {line.lstrip()}"
                     for i, line in enumerate(_item_lines(items))]
            return [f"{pad}{key}:"] + first
        return [f"{pad}{key}: []"]
    if given is not None:
        return [f"{pad}{key}: {json.dumps(given, ensure_ascii=False)}"]
    if kind in ("integer", "number"):
        return [f"{pad}{key}: null"]
    return [f'{pad}{key}: ""']


def _item_lines(items: dict) -> list[str]:
    lines = []
    for key in items.get("required", []):
        sub = items["properties"][key]
        lines.append(f'{key}: ""  # {sub.get("title", key)}：{sub.get("description", "")}')
    return lines
