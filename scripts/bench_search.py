#!/usr/bin/env python3
"""Search benchmark: quality on the judged query sets for `kb search`, the site search and two
baselines (plain BM25: whoosh + jieba's ChineseAnalyzer, words OR-ed; mkdocs-material's own lunr
search worker over the case pages), then speed on a synthetic corpus (default 10,000 cases).
Prints figures; asserts nothing. The baselines live here only, never in the product.

    .venv/bin/python scripts/bench_search.py [--cases 10000] [--no-browser] [--natural FILE] [--keyword FILE]
"""
from __future__ import annotations

import argparse
import functools
import gc
import http.server
import multiprocessing
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

from kb.content.corpus import CONTENT_DIR, read_corpus
from kb.search.evaluate import (CATEGORIES, NATURAL_FILE, QUERIES_FILE, SEALED, TUNING_FILES, graded_scores, judged_queries,
                                natural_queries, score)
from kb.search.index import Searcher, build_index, case_document
from kb.build.builder import build_site, run_mkdocs
from kb.search.sitesearch import build_site_index
from kb.content.synthetic import generate
from kb.content.validate import check

TARGETS = ("targets: sealed half nDCG@5 ≥ 0.85 and ≥ 0.10 above BM25, tuning half ≥ 0.90; in both halves no answerable "
           "query without result, no no-answer query with a result; "
           "keyword precision@5 ≥ 0.91, recall@10 = 1.0; 10,000 cases: kb search p95 ≤ 50 ms, "
           "site ≤ 2 MB to first results, p95 ≤ 100 ms in Chromium")


def percentiles(ms: list[float]) -> str:
    ordered = sorted(ms)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return f"p50 {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms (n={len(ordered)})"


def timed_queries(searcher: Searcher, queries: list[str], repeat: int) -> tuple[dict, list[float]]:
    run, times = {}, []
    for q in queries:
        for _ in range(repeat):
            start = time.perf_counter()
            searcher.search(q, limit=10)
            times.append((time.perf_counter() - start) * 1000)
        run[q] = [h.id for h in searcher.search(q, limit=None)]
    return run, times


def timed_in_own_process(index_dir: Path, queries: list[str], repeat: int) -> list[float]:
    """Query times as `kb search` sees them: in a fresh process holding only the index. In this
    process, which also holds corpora and site data, the garbage collector's passes over them
    would be counted as search time."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_query_times, (str(index_dir), queries, repeat))


def _query_times(index_dir: str, queries: list[str], repeat: int) -> list[float]:
    searcher = Searcher(Path(index_dir))
    try:
        return timed_queries(searcher, queries, repeat)[1]
    finally:
        searcher.close()


# ------------------------------------------------------------ baselines

def bm25_baseline(corpus, queries: list[str]) -> dict[str, list[str]]:
    """Plain BM25F over each case's text with jieba's ChineseAnalyzer; query words OR-ed."""
    from jieba.analyse import ChineseAnalyzer
    from whoosh import fields, index
    from whoosh.qparser import OrGroup, QueryParser

    folder = Path(tempfile.mkdtemp(prefix="kb-bm25-"))
    try:
        schema = fields.Schema(id=fields.ID(stored=True), title=fields.TEXT(analyzer=ChineseAnalyzer()),
                               content=fields.TEXT(analyzer=ChineseAnalyzer()))
        ix = index.create_in(str(folder), schema)
        writer = ix.writer()
        types = corpus.taxonomy("practice_type")
        for case in corpus.case_map().values():
            d = case_document(case, corpus, types)
            writer.add_document(id=d["id"], title=d["title"], content=d["searchable"])
        writer.commit()
        parser = QueryParser("content", ix.schema, group=OrGroup)
        run = {}
        with ix.searcher() as s:
            for q in queries:
                run[q] = [hit["id"] for hit in s.search(parser.parse(q), limit=None)]
        return run
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def lunr_baseline(docs_dir: Path, work: Path, queries: list[str], chromium) -> dict[str, list[str]]:
    """mkdocs-material's built-in search (its lunr worker, jieba-segmented index) over the case
    pages only, driven in Chromium through a local http server (workers do not run from file://)."""
    source = work / "lunr-docs"
    shutil.copytree(docs_dir / "cases", source / "cases")
    (source / "index.md").write_text("# 案例\n", encoding="utf-8")
    config = work / "lunr-mkdocs.yml"
    config.write_text("site_name: 案例\nuse_directory_urls: false\ntheme:\n  name: material\n  language: zh\n"
                      "plugins:\n  - search\n", encoding="utf-8")
    site = work / "lunr-site"
    run_mkdocs(source, site, config)
    worker = next((site / "assets" / "javascripts" / "workers").glob("search.*.min.js")).relative_to(site)
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = chromium.new_page()
        page.goto(f"http://127.0.0.1:{server.server_port}/index.html")
        locations = page.evaluate("""([worker, queries]) => new Promise(async resolve => {
            const w = new Worker(worker), data = await (await fetch("search/search_index.json")).json();
            const out = {}; let i = -1;
            w.onmessage = e => {
                if (e.data.type === 3) out[queries[i]] = e.data.data.items.flat().map(item => item.location);
                if (++i < queries.length) w.postMessage({type: 2, data: queries[i]}); else resolve(out);
            };
            w.postMessage({type: 0, data: Object.assign(data, {options: {suggest: false}})});
        })""", [str(worker), queries])
        page.close()
    finally:
        server.shutdown()
    run = {}
    for q, found in locations.items():
        ids = []
        for location in found:
            if location.startswith("cases/"):
                ident = location.split("/")[1].split(".html")[0]
                if ident not in ids:
                    ids.append(ident)
        run[q] = ids
    return run


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


# ------------------------------------------------------------ printing

def print_quality_table(runs: dict[str, dict], halves: dict[str, list[dict]], keyword: list[dict]) -> None:
    """Per half of the natural queries, each engine's figures overall; per category for the tuning
    half only (the sealed half is reported as a whole: nobody looks at its queries' results)."""
    for half, natural in halves.items():
        print(f"\n  natural queries, {half} ({len(natural)}): nDCG@5 / recall@10 / answerable without result / "
              "no-answer with a result")
        categories = CATEGORIES + ["all"] if half == "tuning half" else ["all"]
        present = [c for c in categories if any(c == "all" or q["category"] == c for q in natural)]
        print(f"    {'engine':<14}" + "".join(f"{c:>22}" for c in present))
        for engine, run in runs.items():
            figures = graded_scores(run, natural)
            cells = []
            for c in present:
                f = figures[c]
                recall = f"{f['recall@10']:.2f}" if f["recall@10"] is not None else "  - "
                cells.append(f"{f['nDCG@5']:.2f}/{recall}/{f['zero'][0]}of{f['zero'][1]}/{f['false'][0]}of{f['false'][1]}".rjust(22))
            print(f"    {engine:<14}" + "".join(cells))
    print("\n  keyword set (precision@5 / recall@10 / MRR):")
    for engine, run in runs.items():
        f = score(run, keyword)
        print(f"    {engine:<14} {f['precision@5']:.3f} / {f['recall@10']:.3f} / {f['MRR']:.3f}")


RESULTS_SHOWN = 50  # search.js render(): the first 50 results, each with its snippet


def site_cold_bytes(chromium, site_dir: Path, queries: list[str]) -> list[int]:
    """Per query, the bytes a fresh page reads (scripts and index files) until it shows its results:
    as search.html does, the titles and snippets of the first 50."""
    sizes = []
    for q in queries:
        page = chromium.new_page()
        files = []
        page.on("request", lambda r: r.url.startswith("file://") and files.append(r.url))
        page.goto((site_dir / "search.html").resolve().as_uri())
        page.wait_for_function("window.KBSearch !== undefined")
        page.evaluate("q => KBSearch.search(q).then(r => Promise.all([KBSearch.describe(r.results.slice(0, SHOWN)), "
                      "KBSearch.snippets(r.results.slice(0, SHOWN))]))".replace("SHOWN", str(RESULTS_SHOWN)), q)
        from urllib.parse import unquote, urlparse
        sizes.append(sum(Path(unquote(urlparse(u).path)).stat().st_size for u in set(files)))
        page.close()
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=10000)
    parser.add_argument("--no-browser", action="store_true", help="skip the site search and lunr (Chromium)")
    parser.add_argument("--natural", type=Path, nargs="+", default=TUNING_FILES,
                        help="graded natural queries of the tuning half (YAML files)")
    parser.add_argument("--sealed", type=Path, default=SEALED, help="graded natural queries of the sealed half (YAML)")
    parser.add_argument("--quality-only", action="store_true", help="only the shipped corpus, not the synthetic one")
    parser.add_argument("--keyword", type=Path, default=QUERIES_FILE, help="keyword queries (YAML)")
    args = parser.parse_args()
    halves = {"tuning half": [q for path in args.natural for q in natural_queries(path)],
              "sealed half": natural_queries(args.sealed)}
    keyword = judged_queries(args.keyword)
    natural = halves["tuning half"] + halves["sealed half"]
    queries = list(dict.fromkeys([q["query"] for q in natural] + [q["query"] for q in keyword]))
    print(TARGETS)
    print(f"judged queries: {len(halves['tuning half'])} natural tuning ({', '.join(p.name for p in args.natural)}), "
          f"{len(halves['sealed half'])} natural sealed ({args.sealed.name}), {len(keyword)} keyword ({args.keyword.name})")
    work = Path(tempfile.mkdtemp(prefix="kb-bench-"))

    print("\n== shipped corpus")
    corpus = read_corpus(CONTENT_DIR)
    site = build_site(CONTENT_DIR, work / "shipped")
    searcher = Searcher(work / "shipped" / "index")
    run, times = timed_queries(searcher, queries, repeat=5)
    print(f"  cases: {len(corpus.case_map())}; kb search latency {percentiles(times)}")
    runs = {"kb search": run}
    valid, _ = check(CONTENT_DIR)
    runs["BM25 (OR)"] = bm25_baseline(valid, queries)
    if not args.no_browser:
        from kb.site.browser import browser, open_search_page, run_site_search
        with browser() as b:
            page = open_search_page(b, site)
            site_run, site_times = run_site_search(page, queries)
            runs["site search"] = site_run
            runs["lunr (mkdocs)"] = lunr_baseline(work / "shipped" / "docs", work, queries, b)
        same = sum(site_run[q] == run[q] for q in queries)
        print(f"  site search: same ids in the same order as kb search for {same} of {len(queries)} queries; "
              f"latency (Chromium) {percentiles(site_times)}")
    print_quality_table(runs, halves, keyword)
    if args.quality_only:
        shutil.rmtree(work, ignore_errors=True)
        return

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
    del synthetic, problems, errors
    gc.collect()
    big_times = timed_in_own_process(work / "synthetic" / "index", queries, repeat=3)
    print(f"  kb search latency (a process holding only the index, as kb search runs) {percentiles(big_times)}")
    (docs / "search" / "search.js").write_bytes((site / "search" / "search.js").read_bytes())
    print(f"  site index build: {site_index_seconds:.1f} s; {figures}")
    search_dir = docs / "search"
    total = sum(p.stat().st_size for p in search_dir.rglob("*.js"))
    print(f"  site index on disk {total / 1e6:.1f} MB (meta.js {(search_dir / 'meta.js').stat().st_size / 1e6:.2f} MB)")
    if not args.no_browser:
        (docs / "search.html").write_text('<!doctype html><meta charset="utf-8"><script src="search/meta.js"></script>'
                                          '<script src="search/search.js"></script>', encoding="utf-8")
        with browser() as b:
            sizes = site_cold_bytes(b, docs, queries)
            print(f"  site bytes to first results (fresh page, per query): median {statistics.median(sizes) / 1e6:.2f} MB, "
                  f"p95 {sorted(sizes)[int(0.95 * (len(sizes) - 1))] / 1e6:.2f} MB, max {max(sizes) / 1e6:.2f} MB")
            page = open_search_page(b, docs)
            _, site_times = run_site_search(page, queries)
            print(f"  site search latency (Chromium, shards loading as needed) {percentiles(site_times)}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
