#!/usr/bin/env python3
"""Office benchmark: the site's download files and the Excel round trip on a synthetic corpus
(default 10,000 cases). Prints figures beside an anchor measured in the same run; asserts nothing.

    .venv/bin/python scripts/bench_office.py [--cases 10000]
"""
from __future__ import annotations

import argparse
import io
import tempfile
import time
from pathlib import Path

from kb.content.corpus import CONTENT_DIR, read_corpus
from kb.site.downloads import case_docx, table_xlsx, type_rows, write_downloads
from kb.site.render import build_site_model
from kb.office.spreadsheet import export_cases, import_cases
from kb.content.synthetic import generate
from kb.content.validate import check


def size(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def cases_only_model(corpus):
    """The render stage's site model without its related-case pass (quadratic, not measured here)."""
    from kb.site.render import Case, Site, _cite

    model = build_site_model(read_corpus(CONTENT_DIR))  # taxonomies and sources only matter here
    types, themes = corpus.taxonomy("practice_type"), corpus.taxonomy("theme")
    sources, articles = corpus.source_map(), corpus.article_map()
    cases = [Case(data=d.data, file=d.file, regions=corpus.region_path(d.data["locality"]["region"]),
                  types=[types[t] for t in d.data["practice_types"]], themes=[themes[t] for t in d.data["themes"]],
                  citations=[_cite(c, sources, articles) for c in d.data["sources"]]) for d in corpus.cases]
    return Site(corpus, cases, types, themes, corpus.region_map(), model.glossary, [], [])


def python_docx_case(case) -> bytes:
    """The anchor: the same case written through python-docx."""
    import docx

    document = docx.Document()
    document.add_heading(case.title, level=0)
    for measure in case.data["measures"]:
        document.add_paragraph(f"{measure['name']}：{measure['details']}")
    for citation in case.citations:
        document.add_paragraph(citation)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        start = time.perf_counter()
        content = generate(read_corpus(CONTENT_DIR), work, args.cases)
        corpus, problems = check(content)
        print(f"== synthetic corpus: {len(corpus.cases)} cases, generated and validated in {time.perf_counter() - start:.0f} s", flush=True)
        site = cases_only_model(corpus)

        start = time.perf_counter()
        figures = write_downloads(site, work / "docs")
        total = time.perf_counter() - start
        print(f"  site downloads (kb build step): {total:.1f} s, {size(work / 'docs' / 'downloads'):.1f} MB, {figures}")
        start = time.perf_counter()
        for term_id in site.types:
            table_xlsx(type_rows([c for c in site.cases if term_id in (t['id'] for t in c.types)]), term_id)
        print(f"    of which type tables (.xlsx): {time.perf_counter() - start:.1f} s")
        sample = site.cases[:200]
        start = time.perf_counter()
        for case in sample:
            case_docx(case)
        ours = (time.perf_counter() - start) / len(sample) * 1000
        start = time.perf_counter()
        for case in sample:
            python_docx_case(case)
        anchor = (time.perf_counter() - start) / len(sample) * 1000
        print(f"    case .docx: {ours:.2f} ms per case (anchor, python-docx: {anchor:.2f} ms per case"
              f" → {anchor * len(site.cases) / 1000:.0f} s at {len(site.cases)} cases)")

        book = work / "cases.xlsx"
        start = time.perf_counter()
        export_cases(content, book)
        print(f"  kb export: {time.perf_counter() - start:.1f} s, {book.stat().st_size / 1e6:.1f} MB")
        start = time.perf_counter()
        result = import_cases(content, book)
        print(f"  kb import (unchanged export): {time.perf_counter() - start:.1f} s, "
              f"{len(result.written)} written, {result.unchanged} unchanged, {len(result.problems)} problems")


if __name__ == "__main__":
    main()
