"""A Content-Security-Policy for every built page, as a <meta> tag so it holds from file:// too.

Scripts run only from the site's own files and from the inline scripts of the theme templates the
site uses (THEME_SCRIPT_TEMPLATES), each allowed by its SHA-256 hash; inline event handlers
(onerror=, onload=), javascript: URLs and any inline script that came from content never run.
The scripts are read from those templates (with their {{ … }} holes as wildcards), so the policy
follows theme upgrades without trusting whatever ends up in a page; templates the site does not
use (redirect.html, whose script sends the reader to any address a page's front matter names)
are not trusted.

The same step removes from every page each link or source whose URL has a scheme other than
http, https or mailto (markup.neutralise_urls): the HTML a browser reads, whatever produced it.
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
from ..content.markup import neutralise_urls

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S | re.I)
_HEAD = re.compile(r"<head[^>]*>", re.I)
_EXISTING = re.compile(r'<meta http-equiv="Content-Security-Policy"[^>]*>', re.I)
_DATA_TYPE = re.compile(r'type="application/(?:ld\+)?json"', re.I)

# The theme templates whose inline scripts the site's pages carry (base.html includes both).
THEME_SCRIPT_TEMPLATES = ("partials/javascripts/base.html", "partials/javascripts/content.html")
PARALLEL_FROM = 400  # pages below which a second process costs more than it saves
BASE_POLICY = ("default-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
               "font-src 'self' data:", "object-src 'none'", "base-uri 'none'", "form-action 'self'")


@lru_cache(maxsize=1)
def theme_scripts() -> tuple[re.Pattern, ...]:
    """The inline scripts of the mkdocs-material templates the site uses, as patterns of the text
    they render to."""
    try:
        import material
    except ImportError:
        return ()
    patterns = []
    for name in THEME_SCRIPT_TEMPLATES:
        template = Path(material.__file__).parent / "templates" / name
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


def protected_page(html: str) -> str:
    """A page as the site ships it: compacted, unsafe URLs removed, the policy in its head."""
    return with_policy(neutralise_urls(compact_html(html)))


_POLICY_START = '<meta http-equiv="Content-Security-Policy" content="' + BASE_POLICY[0] + "; script-src 'self'"


def carries_policy(html: str) -> bool:
    """Whether the page was made by protected_page: the policy opens its head. (MkDocs never
    writes it, and content cannot: raw HTML in content is escaped.)"""
    head = _HEAD.search(html)
    return head is not None and html.startswith(_POLICY_START, head.end())


def protect_site(site_dir: Path, workers: int | None = None) -> int:
    """Make every HTML page of a built site that does not carry the policy into protected_page;
    returns the number of pages rewritten. Every page is looked at, whatever made it: a page of
    the previous site taken over by an incremental build carries the policy already, any other
    lacks it. A rewritten page is written to a new file renamed into place, never through a link
    into the live site. A large site is shared among worker processes, one per core."""
    paths = sorted(site_dir.rglob("*.html"))
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
        if carries_policy(html):
            continue
        fresh = page.with_name(page.name + ".csp-tmp")
        fresh.write_text(protected_page(html), encoding="utf-8")
        os.replace(fresh, page)
        rewritten += 1
    return rewritten
