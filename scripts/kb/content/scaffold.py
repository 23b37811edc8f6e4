"""`kb new`: skeletons derived from the schemas, at the paths the validator expects.

Unknown values are left empty ("" or nothing), so `kb validate` asks for each of them."""
from __future__ import annotations

import datetime as dt
import json
import logging
import re

import jieba
from pypinyin import lazy_pinyin

from . import divisions
from .corpus import Corpus
from .schemas import schema
from .validate import province_folder

REGION_TO_CASE_LEVEL = {"country": "national", "province": "provincial", "city": "municipal",
                        "county": "county", "town": "township", "village": "village"}
SCHEMA_LINE = "# yaml-language-server: $schema=../../../schemas/case.schema.json"

# Per kind of source, the fields its GB/T 7714 reference is built from (see citation.py).
SOURCE_FIELDS = {
    "book": ["authors", "responsibility", "publisher", "place", "year"],
    "article": ["authors", "publisher", "year", "date"],
    "web": ["publisher", "url", "date", "accessed"],
}
SOURCE_HINTS = {
    "book": "图书：责任者、出版地、出版者、年份都照书名页和版权页填；汇编可在 contents 中逐篇列目录。",
    "article": "报刊文章：publisher 填报刊名称，date 填刊出日期。",
    "web": "网页：publisher 填发布网站，url 填网址，accessed 填你查阅的日期；网页没有页码，案例引用时 pages 不填。",
}


# jieba's plain dictionary, not the search engine's: slugs must not change when the domain
# dictionary grows. Without HMM, a word jieba does not know falls apart into single characters,
# which are then paired (most Chinese words have two): 接诉即办快字诀 → jiesu-jiban-kuaizi-jue,
# not the HMM's guess jiesu-ji-bankuai-zi-jue.
jieba.setLogLevel(logging.WARNING)
_SEGMENTER = jieba.Tokenizer()


def words(text: str) -> list[str]:
    out: list[str] = []
    singles: list[str] = []

    def flush():
        out.extend("".join(singles[i:i + 2]) for i in range(0, len(singles), 2))
        singles.clear()

    for word in _SEGMENTER.cut(text, HMM=False):
        if len(word) == 1 and "\u4e00" <= word <= "\u9fff":
            singles.append(word)
        else:
            flush()
            out.append(word)
    flush()
    return out


def slugify(text: str, max_words: int = 6) -> str:
    """Pinyin slug of Chinese text, one hyphen-joined chunk per word: 有信访我代理 → you-xinfang-wo-daili."""
    chunks = []
    for word in words(text):
        syllables = "".join(lazy_pinyin(word, errors=lambda s: [c for c in s.lower() if c.isascii() and c.isalnum()]))
        syllables = re.sub(r"[^a-z0-9]", "", syllables.lower())
        if syllables:
            chunks.append(syllables)
    return "-".join(chunks[:max_words])


# Every id (case, source, course, region) has the same pattern and maxLength in the schemas. A
# file is named by its id, so this also keeps file names far below the 255 bytes per name of
# the file systems.
ID_MAX = schema("source")["properties"]["id"]["maxLength"]
ID_PATTERN = re.compile(schema("source")["properties"]["id"]["pattern"])


def bounded_id(ident: str, limit: int = ID_MAX) -> str:
    """A hyphenated id cut to at most `limit` characters: after its last whole word that fits,
    or inside an over-long word when cutting at a word would drop more than half. Ids that fit
    are returned unchanged."""
    if len(ident) <= limit:
        return ident
    at_word = ident[:limit + 1].rfind("-")
    return ident[:at_word if at_word >= limit // 2 else limit].strip("-")


def case_id(region_id: str, name: str, limit: int = ID_MAX) -> str:
    """The gazetteer's region id (already the locality's pinyin slug) plus the practice name's slug."""
    return bounded_id(f"{region_id}-{slugify(name)}".rstrip("-"), limit)


class BadName(ValueError):
    """A name or id no file can be named after; the message is for the editor, in Chinese."""


def checked_id(ident: str | None, title: str, option: str = "--id") -> str:
    """The id given with --id, or else the title's slug (cut to ID_MAX); BadName when neither works."""
    if ident is not None:
        if len(ident) > ID_MAX or not ID_PATTERN.fullmatch(ident):
            raise BadName(f"编号“{ident}”不可用：编号只能由小写字母、数字和连字符组成（如 xinfang-daili），"
                          f"不以连字符开头或结尾，最长 {ID_MAX} 个字符。")
        return ident
    slug = bounded_id(slugify(title))
    if not slug:
        raise BadName(f"“{title}”中没有能转成拼音或字母的字，生成不了编号：请用 {option} 写明编号（如 {option} xinfang-daili）。")
    return slug


def scaffold(corpus: Corpus, region_id: str, name: str, today: dt.date | None = None) -> tuple[str, str]:
    """Returns (path relative to the content folder, YAML text) of a new case skeleton."""
    today = today or dt.date.today()
    region = corpus.region_map()[region_id]
    if not slugify(name):
        raise BadName(f"做法名称“{name}”中没有能转成拼音或字母的字，生成不了案例编号：请写中文或字母的做法名称。")
    ident = case_id(region_id, name)
    prefill = {
        "id": ident, "title": name, "status": "draft",
        "locality": {"region": region_id, "level": REGION_TO_CASE_LEVEL[region["level"]]},
        "added": today.isoformat(),
    }
    lines = [SCHEMA_LINE, f"# 新案例：{name}。填好后运行 kb validate 检查；空着的必填项会被列出来。"]
    lines += _emit(schema("case"), prefill, indent=0)
    path = f"cases/{province_folder(corpus, region_id)}/{ident}.yaml"
    return path, "\n".join(lines) + "\n"


def source_skeleton(kind: str, title: str, ident: str | None = None) -> tuple[str, str]:
    """(path relative to content/, YAML text) of a new source of the given kind; BadName when
    `ident` is no valid id or the title gives none."""
    ident = checked_id(ident, title)
    lines = ["# yaml-language-server: $schema=../../schemas/source.schema.json",
             f"# 新资料：{title}。{SOURCE_HINTS[kind]}",
             "# 资料上没有的项（如年份、作者）整行删掉即可，引文会注“出版年不详”等。"]
    lines += _emit(schema("source"), {"id": ident, "kind": kind, "title": title}, indent=0,
                   include=set(SOURCE_FIELDS[kind]))
    return f"sources/{ident}.yaml", "\n".join(lines) + "\n"


def course_skeleton(title: str, ident: str | None = None) -> tuple[str, str]:
    ident = checked_id(ident, title)
    lines = ["# yaml-language-server: $schema=../../schemas/course.schema.json",
             f"# 新课程：{title}。课程 → 单元 → 课；每课列出要读的案例，可加自测题。"]
    lines += _emit(schema("course"), {"id": ident, "title": title}, indent=0)
    return f"courses/{ident}.yaml", "\n".join(lines) + "\n"


def _emit(node: dict, prefill: dict, indent: int, include: set[str] = frozenset()) -> list[str]:
    pad = " " * indent
    required = set(node.get("required", []))
    out = []
    for key, sub in node.get("properties", {}).items():
        comment = f"{pad}# {sub.get('title', key)}：{sub.get('description', '')}".rstrip("：")
        if key not in required and key not in prefill and key not in include:
            out.append(f"{pad}# （可选）{key}: …  —— {sub.get('title', key)}：{sub.get('description', '')}")
            continue
        out.append(comment)
        out += _value(key, sub, prefill.get(key), indent)
    return out


def _value(key: str, sub: dict, given, indent: int) -> list[str]:
    pad = " " * indent
    kind = sub.get("type")
    if kind == "object":
        if not sub.get("required") and not given:  # nothing to fill for sure (period: unknown years stay out)
            names = ", ".join(f"{k}: …" for k in sub.get("properties", {}))
            return [f"{pad}{key}: {{}}", f"{pad}# 资料写明了的才填，写成 {key}: {{{names}}}（不详的那项不写）"] + \
                _emit(sub, {}, indent)
        return [f"{pad}{key}:"] + _emit(sub, given or {}, indent + 2)
    if kind == "array":
        items = sub.get("items", {})
        if items.get("type") == "object":
            body = _emit({**items, "properties": {k: v for k, v in items.get("properties", {}).items()
                                                  if k in items.get("required", [])}}, {}, indent + 4)
            first = next(i for i, line in enumerate(body) if not line.lstrip().startswith("#"))
            body[first] = f"{pad}  - {body[first].lstrip()}"
            return [f"{pad}{key}:"] + body
        if items.get("type") == "string" and not items.get("pattern"):
            return [f"{pad}{key}:", f'{pad}  - ""']
        return [f"{pad}{key}: []"]
    if given is not None:
        return [f"{pad}{key}: {json.dumps(given, ensure_ascii=False)}"]
    if kind in ("integer", "number") or "enum" in sub:
        return [f"{pad}{key}:"]
    return [f'{pad}{key}: ""']


# --- regions -------------------------------------------------------------------------------------

class RegionNotFound(Exception):
    pass


def region_entries(corpus: Corpus, name: str, within: tuple[str, ...] = ()) -> tuple[list[dict], str]:
    """The regions.yaml entries to add for `name` (its missing ancestors first), from the official
    division table; returns (entries, id of the region). Raises RegionNotFound with a Chinese message."""
    regions = corpus.region_map()
    within = tuple(regions[w]["name"] if w in regions else w for w in within)
    found = divisions.find(name, within)
    if not found:
        where = f"（在“{'、'.join(within)}”之内）" if within else ""
        raise RegionNotFound(f"区划数据中没有叫“{name}”的地区{where}。请写全称（如“江苏路街道”“桃浦镇”），"
                             "或在 content/regions.yaml 中手工添加一行（村居一级区划数据不含，须手工添加）。")
    if len(found) > 1:  # prefer the one inside a region the gazetteer already lists
        known_codes = {r.get("code") for r in regions.values() if r.get("code")}
        listed = [d for d in found if any(a.code in known_codes for a in divisions.chain(d.code)[:-1])]
        found = listed if len(listed) == 1 else found
    if len(found) > 1:
        options = "\n".join(f"  {divisions.full_name(d.code)}（代码 {d.code}）" for d in found[:20])
        raise RegionNotFound(f"叫“{name}”的地区有 {len(found)} 个，请用 --parent 写明上级（如 --parent "
                             f"{divisions.chain(found[0].code)[-2].name}）：\n{options}")
    by_code = {r.get("code"): r for r in regions.values() if r.get("code")}
    entries, parent_id = [], "china"
    for division in divisions.chain(found[0].code):
        existing = by_code.get(division.code) or _same_name(regions, parent_id, division.name)
        if existing:
            parent_id = existing["id"]
            continue
        ident = bounded_id(f"{'' if parent_id == 'china' else parent_id + '-'}"
                           f"{slugify(divisions.short_name(division.name)).replace('-', '')}")
        entry = {"id": ident, "name": division.name, "level": division.level, "parent": parent_id, "code": division.code}
        entries.append(entry)
        regions = {**regions, ident: entry}
        parent_id = ident
    return entries, parent_id


def _same_name(regions: dict, parent_id: str, name: str) -> dict | None:
    return next((r for r in regions.values() if r.get("parent") == parent_id and r.get("name") == name), None)


def region_line(entry: dict) -> str:
    return (f"  - {{id: {entry['id']}, name: {entry['name']}, level: {entry['level']}, "
            f"parent: {entry['parent']}, code: \"{entry['code']}\"}}")


def insert_regions(corpus: Corpus, text: str, entries: list[dict]) -> str:
    """regions.yaml's text with the new entries placed after the last region below their first
    parent (so every parent stays above its children), or at the end."""
    if not entries:
        return text
    lines = text.split("\n")
    anchor = entries[0]["parent"]
    items = corpus.regions.data.get("regions", []) if corpus.regions else []
    below = [i for i, r in enumerate(items) if isinstance(r, dict)
             and (r.get("id") == anchor or any(a.get("id") == anchor for a in corpus.region_path(r.get("id", ""))))]
    if below and anchor != "china":
        item_line = corpus.regions.position(("regions", below[-1]))[0]  # 1-based line of that item
        end = item_line
        while end < len(lines) and lines[end].startswith("    "):  # a block-style item's further lines
            end += 1
    else:
        end = len(lines) - (1 if lines and lines[-1] == "" else 0)
    return "\n".join(lines[:end] + [region_line(e) for e in entries] + lines[end:])
