"""A Content-Security-Policy for every built page, as a <meta> tag so it holds from file:// too.

Scripts run only from the site's own files and from the inline scripts the theme itself writes,
each allowed by its SHA-256 hash; inline event handlers (onerror=, onload=), javascript: URLs and
any inline script that came from content never run. Which inline scripts are the theme's is read
from the theme's own templates (with their {{ … }} holes as wildcards), so the policy follows
theme upgrades without trusting whatever ends up in a page.
"""
from __future__ import annotations

import base64
import hashlib
import multiprocessing
import os
import re
from functools import lru_cache
from pathlib import Path

from .compact import compact_html

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S | re.I)
_HEAD = re.compile(r"<head[^>]*>", re.I)
_EXISTING = re.compile(r'<meta http-equiv="Content-Security-Policy"[^>]*>', re.I)
_DATA_TYPE = re.compile(r'type="application/(?:ld\+)?json"', re.I)

PARALLEL_FROM = 400  # pages below which a second process costs more than it saves
BASE_POLICY = ("default-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
               "font-src 'self' data:", "object-src 'none'", "base-uri 'none'", "form-action 'self'")


@lru_cache(maxsize=1)
def theme_scripts() -> tuple[re.Pattern, ...]:
    """The inline scripts of mkdocs-material's templates, as patterns of the text they render to."""
    try:
        import material
    except ImportError:
        return ()
    patterns = []
    for template in sorted((Path(material.__file__).parent / "templates").rglob("*.html")):
        for body in re.findall(r"<script>(.*?)</script>", template.read_text(encoding="utf-8"), re.S):
            if "{%" in body:
                continue
            holes = re.split(r"\{\{.*?\}\}", body)
            patterns.append(re.compile(r"[^\"'<>\\\s]*".join(map(re.escape, holes)), re.S))
    return tuple(patterns)


def policy(html: str) -> str:
    hashes = []
    for match in _INLINE_SCRIPT.finditer(html):
        if _DATA_TYPE.search(match.group(1)) or match.group(1).strip():
            continue  # JSON data blocks never run; the theme's own scripts carry no attributes
        if not any(p.fullmatch(match.group(2)) for p in theme_scripts()):
            continue
        digest = base64.b64encode(hashlib.sha256(match.group(2).encode("utf-8")).digest()).decode()
        hashes.append(f"'sha256-{digest}'")
    script = "script-src 'self' " + " ".join(dict.fromkeys(hashes))
    return "; ".join((*BASE_POLICY[:1], script.strip(), *BASE_POLICY[1:]))


def with_policy(html: str) -> str:
    html = _EXISTING.sub("", html)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(html)}">'
    return _HEAD.sub(lambda m: m.group(0) + meta, html, count=1)


def protect_site(site_dir: Path, pages: list[str] | None = None, workers: int | None = None) -> int:
    """Add the policy to every HTML page of a built site (or to the given pages, relative paths;
    others are skipped), compacted; returns the number of pages rewritten. A large site is shared
    among worker processes, one per core.

    Pages an incremental build took over from the previous site are hard links to it and already
    carry their policy, so they compare equal and are left alone; a changed page is written to a
    new file and renamed into place, never through a link into the live site."""
    paths = sorted(site_dir.rglob("*.html")) if pages is None else [site_dir / rel for rel in pages if rel.endswith(".html")]
    workers = workers or min(os.cpu_count() or 1, 4)
    if workers < 2 or len(paths) < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return _protect(paths)
    shares = [paths[i::workers] for i in range(workers)]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        return sum(pool.map(_protect, shares))


def _protect(paths: list[Path]) -> int:
    rewritten = 0
    for page in paths:
        if not page.is_file():
            continue
        html = page.read_text(encoding="utf-8")
        protected = with_policy(compact_html(html))  # compacting is idempotent too
        if protected == html:
            continue
        fresh = page.with_name(page.name + ".csp-tmp")
        fresh.write_text(protected, encoding="utf-8")
        os.replace(fresh, page)
        rewritten += 1
    return rewritten
