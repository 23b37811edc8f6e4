"""Official administrative divisions (province → city → county → township), from the table
shipped in kb/data (origin in kb/data/README.md): the codes and parents `kb new region` writes."""
from __future__ import annotations

import csv
import gzip
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "divisions.tsv.gz"

# The generic part of a name, dropped for the region id: 江苏路街道 → 江苏路, 德宏傣族景颇族自治州 → 德宏.
_SUFFIX = re.compile(r"^(.{2,}?)((?:[\u4e00-\u9fff]{1,5}?族|维吾尔)*自治[区州县旗]|特别行政区|省|市|地区|盟|区|县|旗|街道|镇|乡|苏木)$")


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str  # province, city, county, town (as in regions.schema.json)
    parent: str  # code of the parent division, "" for a province


@lru_cache(maxsize=1)
def divisions() -> dict[str, Division]:
    with gzip.open(DATA_FILE, "rt", encoding="utf-8") as f:
        rows = csv.DictReader(io.StringIO(f.read()), delimiter="\t")
        return {r["code"]: Division(r["code"], r["name"], r["level"], r["parent"]) for r in rows}


def chain(code: str) -> list[Division]:
    """The division and its ancestors, province first."""
    table, out = divisions(), []
    while code in table:
        out.append(table[code])
        code = table[code].parent
    return list(reversed(out))


def full_name(code: str) -> str:
    return " ".join(d.name for d in chain(code))


def find(name: str, within: tuple[str, ...] = ()) -> list[Division]:
    """Divisions called `name` (or `name` plus a generic suffix such as 街道、镇), inside every
    division named or coded in `within` (e.g. ("长宁区",) or ("310105",))."""
    table = divisions()
    exact = [d for d in table.values() if d.name == name]
    found = exact or [d for d in table.values() if short_name(d.name) == name]
    return [d for d in found if all(_inside(d, w) for w in within)]


def _inside(division: Division, ancestor: str) -> bool:
    return any(a.code == ancestor or a.name == ancestor or short_name(a.name) == ancestor
               for a in chain(division.code)[:-1])


def short_name(name: str) -> str:
    match = _SUFFIX.match(name)
    return match.group(1) if match else name
