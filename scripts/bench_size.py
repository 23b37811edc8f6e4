"""Site size benchmark: where the bytes of a built site go, per kind of file.

    .venv/bin/python scripts/bench_size.py build/site          # an existing site
    .venv/bin/python scripts/bench_size.py --cases 1000         # build N synthetic cases first

Prints MB and file count per kind (case pages, listing pages, other pages, search data, compare
data, downloads, theme assets, …) and the total; figures only, no assertions.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
LISTINGS = ("types", "tags", "themes", "years", "regions")


def kind(rel: str) -> str:
    """The kind of a site file, from its path relative to the site folder."""
    top, _, rest = rel.partition("/")
    if rel.endswith(".html"):
        if top == "cases":
            return "case pages"
        if top in LISTINGS or (not rest and rel[:-5] in LISTINGS):
            return "listing pages"
        return "other pages"
    if top == "downloads":
        return f"downloads: {rest.split('/')[0]} .{rel.rsplit('.', 1)[-1]}"
    if top in ("search", "compare"):
        return f"{top} data"
    if top == "assets":
        return "theme and assets"
    return "other files"


def breakdown(site: Path) -> dict[str, tuple[int, int]]:
    """kind → (bytes, files)."""
    sizes: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for path in site.rglob("*"):
        if path.is_file():
            entry = sizes[kind(path.relative_to(site).as_posix())]
            entry[0] += path.stat().st_size
            entry[1] += 1
    return {k: (v[0], v[1]) for k, v in sorted(sizes.items(), key=lambda kv: -kv[1][0])}


def report(site: Path) -> str:
    rows = breakdown(site)
    total = sum(b for b, _ in rows.values())
    lines = [f"  {name:<28} {size / 1e6:8.1f} MB  {files:7d} files  {size / max(files, 1) / 1e3:7.1f} KB each"
             for name, (size, files) in rows.items()]
    lines.append(f"  {'total':<28} {total / 1e6:8.1f} MB  {sum(f for _, f in rows.values()):7d} files")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", type=Path, help="a built site folder")
    parser.add_argument("--cases", type=int, help="build this many synthetic cases first (kb.content.synthetic)")
    args = parser.parse_args()
    if args.site:
        print(f"site {args.site}")
        print(report(args.site))
        return
    sys.path.insert(0, str(PROJECT / "scripts"))
    from kb.content.corpus import read_corpus
    from kb.build.builder import build_site
    from kb.content.synthetic import generate

    work = Path(tempfile.mkdtemp(prefix="kb-size-"))
    try:
        content = generate(read_corpus(PROJECT / "content"), work, args.cases or 1000)
        site = build_site(content, work / "build", incremental=False)
        print(f"site of {args.cases or 1000} synthetic cases")
        print(report(site))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
