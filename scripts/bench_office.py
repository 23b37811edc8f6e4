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

from kb.corpus import CONTENT_DIR, read_corpus
from kb.downloads import case_docx, table_xlsx, type_rows, write_downloads
from kb.render import build_site_model
from kb.spreadsheet import export_cases, import_cases
from kb.synthetic import generate
from kb.validate import check


def size(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


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
        content = generate(read_corpus(CONTENT_DIR), work, args.cases)
        corpus, problems = check(content)
        site = build_site_model(corpus)
        print(f"== synthetic corpus: {len(site.cases)} cases, {len(site.types)} practice types")

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
