"""Driving the built site in headless Chromium (Debian's /usr/bin/chromium) through Playwright.

Used by the browser tests and the benchmark; Playwright is a test dependency only.
"""
from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    return os.environ.get("KB_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@contextmanager
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        try:
            yield b
        finally:
            b.close()


def run_site_search(page, queries: list[str]) -> tuple[dict[str, list[str]], list[float]]:
    """Each query's ranked case ids from the page's KBSearch, and the time in ms until the
    first 20 results could be shown (matching, ranking, facets and their titles loaded)."""
    run, times = {}, []
    for q in queries:
        result = page.evaluate("""q => { const t = performance.now(); let ms;
            return KBSearch.search(q).then(r => KBSearch.describe(r.results.slice(0, 20)).then(() => {
                ms = performance.now() - t;
                return KBSearch.describe(r.results);
            })).then(rows => ({ids: rows.map(d => d.id), ms: ms})); }""", q)
        run[q], times = result["ids"], times + [result["ms"]]
    return run, times


def wait_until(page, expression: str, timeout: float = 10.0) -> None:
    """Poll a JavaScript expression until it is truthy. Playwright's wait_for_function evaluates
    its predicate with eval() inside the page, which the site's Content-Security-Policy forbids."""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(f"still false after {timeout} s: {expression}")
        time.sleep(0.02)


def open_search_page(b, site_dir: Path):
    page = b.new_page()
    page.goto((site_dir / "search.html").resolve().as_uri())
    wait_until(page, "window.KBSearch !== undefined")
    return page
