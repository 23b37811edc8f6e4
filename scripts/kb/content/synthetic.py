"""A synthetic corpus for load tests: N schema-valid cases made by recombining the real ones.

Taxonomies, gazetteer, glossary and sources are copied from the real content; every synthetic
case takes its fields from real cases of the same practice type, with other localities and
figures, so term statistics stay close to the real material.
"""
from __future__ import annotations

import random
import shutil
from pathlib import Path

import yaml

from .corpus import Corpus
from .scaffold import REGION_TO_CASE_LEVEL, SCHEMA_LINE
from .validate import province_folder



class _NoAliasDumper(yaml.SafeDumper):
    """Shared objects are written out in full: the strict loader refuses aliases."""

    def ignore_aliases(self, data):
        return True


def generate(corpus: Corpus, out_dir: Path, count: int, seed: int = 7) -> Path:
    """Write a content folder with `count` synthetic cases into out_dir/content."""
    rng = random.Random(seed)
    content = out_dir / "content"
    if content.exists():
        shutil.rmtree(content)
    shutil.copytree(corpus.root, content, ignore=shutil.ignore_patterns("cases", "courses"))
    cases = [c for c in corpus.case_map().values()]
    regions = [r for r in corpus.region_map().values() if r["level"] != "country"]
    by_type: dict[str, list[dict]] = {}
    for case in cases:
        for t in case["practice_types"]:
            by_type.setdefault(t, []).append(case)
    for n in range(count):
        base = rng.choice(cases)
        peers = by_type[base["practice_types"][0]]
        region = rng.choice(regions)
        case = _recombine(base, peers, region, n, rng)
        folder = content / "cases" / province_folder(corpus, region["id"])
        folder.mkdir(parents=True, exist_ok=True)
        text = yaml.dump(case, Dumper=_NoAliasDumper, allow_unicode=True, sort_keys=False, width=1000)
        (folder / f"{case['id']}.yaml").write_text(SCHEMA_LINE + "\n" + text, encoding="utf-8")
    return content


def _recombine(base: dict, peers: list[dict], region: dict, n: int, rng: random.Random) -> dict:
    donor = rng.choice(peers)
    measures = rng.sample(base["measures"] + donor["measures"], k=min(4, len(base["measures"] + donor["measures"])))
    start = rng.randint(1995, 2024)
    case = {
        "id": f"{region['id']}-synth-{n:05d}",
        "title": f"{region['name']}{base['title'][:20]}（样例{n}）",
        "status": rng.choice(["published", "published", "draft"]),
        "locality": {"region": region["id"], "level": REGION_TO_CASE_LEVEL[region["level"]]},
        "organisation": f"{region['name']}信访办公室",
        "practice_types": list(dict.fromkeys(base["practice_types"] + donor["practice_types"][:1])),
        "themes": base["themes"],
        "period": {"start_year": start, "reported_year": min(2026, start + rng.randint(0, 3))},
        "summary": base["summary"],
        "background": donor.get("background") or base["summary"],
        "measures": measures,
    }
    for key in ("workflow", "named_methods", "staffing", "lessons"):
        if base.get(key):
            case[key] = base[key]
    if base.get("outcomes"):  # figures as the base case has them: kb validate finds each in the cited source text
        case["outcomes"] = [dict(o) for o in base["outcomes"]]
    case["sources"] = base["sources"]
    case["tags"] = base.get("tags", [])
    return case
