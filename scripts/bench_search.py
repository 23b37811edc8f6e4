#!/usr/bin/env python3
"""Search benchmark: quality on the judged query set and speed on the shipped corpus and on a
synthetic corpus (default 10,000 cases). Prints figures; asserts nothing.

    .venv/bin/python scripts/bench_search.py [--cases 10000] [--no-browser]
"""
from __future__ import annotations

import argparse
import gc
import statistics
import tempfile
import time
from pathlib import Path

from kb.corpus import CONTENT_DIR, read_corpus
from kb.evaluate import judged_queries, score, worst
from kb.index import Searcher, build_index
from kb.site import build_site
from kb.sitesearch import build_site_index, fnv1a, positional_bigrams
from kb.synthetic import generate
from kb.validate import check

TARGETS = "targets: precision@5 ≥ 0.9, recall@10 ≥ 0.9, kb search p95 ≤ 50 ms at 10,000 cases, index build ≤ 60 s, site ≤ 2 MB to first results"


def percentiles(ms: list[float]) -> str:
    ordered = sorted(ms)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return f"p50 {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms (n={len(ordered)})"


def timed_queries(searcher: Searcher, queries: list[str], repeat: int) -> tuple[dict, list[float]]:
    run, times = {}, []
    for q in queries:
        for _ in range(repeat):
            start = time.perf_counter()
            hits = searcher.search(q, limit=10)
            times.append((time.perf_counter() - start) * 1000)
        run[q] = [h.id for h in hits]
    return run, times


def print_quality(label: str, run: dict, judged: list[dict]) -> None:
    figures = score(run, judged)
    print(f"  {label}: " + ", ".join(f"{k} {v:.3f}" for k, v in figures.items()))
    for query, p5, r10 in worst(run, judged, 3):
        if p5 < 1 or r10 < 1:
            print(f"    weakest: {query!r} precision@5 {p5:.2f} recall@10 {r10:.2f}")


def transfer_bytes(site_search_dir: Path, query: str, shards: int, synonyms: dict) -> int:
    words = query.replace("\"", " ").split()
    needed = set()
    for word in words:
        for variant in [word] + synonyms.get(word, []):
            for gram, _ in positional_bigrams(variant)[0]:
                needed.add(fnv1a(gram) % shards)
    first_titles = 2 * (site_search_dir / "docs" / "0.js").stat().st_size  # ≈ the title shards of the first results
    return (site_search_dir / "meta.js").stat().st_size + (site_search_dir / "search.js").stat().st_size + \
        sum((site_search_dir / "shards" / f"{n}.js").stat().st_size for n in needed) + first_titles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=10000)
    parser.add_argument("--no-browser", action="store_true", help="skip the site search in Chromium")
    args = parser.parse_args()
    judged = judged_queries()
    queries = [q["query"] for q in judged]
    print(TARGETS)
    print(f"judged queries: {len(judged)}")
    work = Path(tempfile.mkdtemp(prefix="kb-bench-"))

    print("\n== shipped corpus")
    corpus = read_corpus(CONTENT_DIR)
    site = build_site(CONTENT_DIR, work / "shipped")
    searcher = Searcher(work / "shipped" / "index")
    run, times = timed_queries(searcher, queries, repeat=20)
    print(f"  cases: {len(corpus.cases)}; kb search latency {percentiles(times)}")
    print_quality("kb search", run, judged)
    if not args.no_browser:
        from kb.browser import browser, open_search_page, run_site_search
        with browser() as b:
            page = open_search_page(b, site)
            site_run, site_times = run_site_search(page, queries)
            print_quality("site search", site_run, judged)
            print(f"  site search latency (Chromium, cold shards first) {percentiles(site_times)}")

    print(f"\n== synthetic corpus, {args.cases} cases")
    start = time.perf_counter()
    content = generate(corpus, work / "synthetic", args.cases)
    print(f"  generated in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    synthetic, problems = check(content)
    errors = [p for p in problems if p.severity == "error"]
    print(f"  kb validate: {time.perf_counter() - start:.1f} s, {len(synthetic.cases)} cases, {len(errors)} errors")
    start = time.perf_counter()
    build_index(synthetic, work / "synthetic" / "index")
    print(f"  whoosh index build: {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    docs = work / "synthetic" / "docs"
    figures = build_site_index(synthetic, docs)
    site_index_seconds = time.perf_counter() - start
    # Time queries as `kb search` runs them: a process holding the index, not 10,000 parsed files.
    del synthetic, problems, errors
    gc.collect()
    big = Searcher(work / "synthetic" / "index")
    _, big_times = timed_queries(big, queries, repeat=5)
    print(f"  kb search latency {percentiles(big_times)}")
    (docs / "search" / "search.js").write_bytes((site / "search" / "search.js").read_bytes())
    print(f"  site index build: {site_index_seconds:.1f} s; {figures}")
    search_dir = docs / "search"
    total = sum(p.stat().st_size for p in search_dir.rglob("*.js"))
    sizes = [transfer_bytes(search_dir, q, figures["shards"], big.synonyms) for q in queries]
    print(f"  site index on disk {total / 1e6:.1f} MB; bytes to first results per query: "
          f"median {statistics.median(sizes) / 1e6:.2f} MB, max {max(sizes) / 1e6:.2f} MB "
          f"(meta.js {(search_dir / 'meta.js').stat().st_size / 1e6:.2f} MB)")
    if not args.no_browser:
        (docs / "search.html").write_text('<!doctype html><meta charset="utf-8"><script src="search/meta.js"></script>'
                                          '<script src="search/search.js"></script>', encoding="utf-8")
        with browser() as b:
            page = open_search_page(b, docs)
            _, site_times = run_site_search(page, queries)
            print(f"  site search latency (Chromium) {percentiles(site_times)}")


if __name__ == "__main__":
    main()
