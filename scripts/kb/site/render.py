"""Rendering: a validated corpus → Markdown pages (path → text) through jinja2 templates.

Pages are plain Markdown for mkdocs-material; nothing here depends on MkDocs itself, so the
site can move to another generator that reads mkdocs.yml without touching this stage.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import ahocorasick
from jinja2 import Environment, PackageLoader
from markupsafe import Markup, escape

from .citation import Citation, reference
from ..content.corpus import Corpus
from ..content.doccache import read_sealed, section, write_sealed
from .editors import NearDuplicatesBeside, editor_pages
from .tilemap import map_page
from ..content.history import content_history
from ..content.markup import cell as _cell_markdown, inline, prose
from ..content.prose import plain_prose, unwrap  # noqa: F401 (unwrap: kept importable from here)
from ..content.provenance import ReaderStatement, reader_statements
from ..content.rules import LINK
from ..content.schemas import labels
from ..core.digests import add_sources
from ..search.index import relation_reason

MAX_RELATED = 5
PAGE_SIZE = 200  # entries per listing page: long listings are split
GLOSSARY_CASES = 20  # cases named under a glossary term
DRAFT_MARK = "［草稿］"  # after a draft's title wherever a case is listed: pages, CLI, downloads
INFERRED_MARK = "（编者推定）"  # after a header fact the editors inferred rather than read in a source


@dataclass
class Case:
    data: dict
    file: str
    regions: list[dict]
    types: list[dict]
    themes: list[dict]
    citations: list[Citation]
    related: list[tuple["Case", str]] = field(default_factory=list)
    children: list["Case"] = field(default_factory=list)
    parent: "Case | None" = None
    terms: list[dict] = field(default_factory=list)
    history: list[tuple[str, str]] = field(default_factory=list)  # (date, message) of each commit, newest first

    @property
    def id(self) -> str:
        return self.data["id"]

    @property
    def title(self) -> str:
        return self.data["title"]

    @property
    def draft(self) -> bool:
        return self.data["status"] == "draft"

    @property
    def listed_title(self) -> str:
        """The title as listings show it: drafts marked ［草稿］."""
        return self.title + (DRAFT_MARK if self.draft else "")

    @property
    def place_label(self) -> str:
        """The place, marked when the editors inferred the region (e.g. added the province)."""
        return self.place + (INFERRED_MARK if self.data["locality"].get("region_inferred") else "")

    @property
    def level_label(self) -> str:
        locality = self.data["locality"]
        return labels("case", "locality", "level")[locality["level"]] + (INFERRED_MARK if locality.get("level_inferred") else "")

    @property
    def start_year(self):
        return self.data["period"].get("start_year")

    @property
    def year_label(self) -> str:
        period = self.data["period"]
        start, end = period.get("start_year"), period.get("end_year")
        if start and end:
            return f"{start}–{end}"
        if start:
            return f"{start} 年起"
        return f"{period['reported_year']} 年报道" if period.get("reported_year") else "年份不详"

    @property
    def place(self) -> str:
        return "".join(r["name"] for r in self.regions if r["level"] != "country") or "全国"

    @property
    def seen_citations(self) -> list[Citation]:
        return [c for c in self.citations if c.seen]

    @property
    def unseen_citations(self) -> list[Citation]:
        """Listed apart (未见原文，待补): catalogued but unread, so they support nothing on the page."""
        return [c for c in self.citations if not c.seen]

    def statements(self, key: str) -> list[ReaderStatement]:
        """Lessons or transfer conditions as the page shows them (and every download)."""
        return reader_statements(self.data, key)

    def cite_number(self, ref: str) -> int | None:
        return next((n for n, c in enumerate(self.seen_citations, 1) if c.ref == ref), None)

    def text(self) -> str:
        """All the prose of the case, for glossary matching and search."""
        return "\n".join(_strings(self.data))


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@dataclass
class Site:
    corpus: Corpus
    cases: list[Case]
    types: dict[str, dict]
    themes: dict[str, dict]
    regions: dict[str, dict]
    glossary: list[dict]
    backlog: list[dict]
    sources: list[dict]
    handouts: bool = False  # whether printable PDFs are made alongside the pages

    def by_id(self) -> dict[str, Case]:
        return {c.id: c for c in self.cases}


def build_site_model(corpus: Corpus, related=None, handouts: bool = False, digests: dict[str, str] | None = None,
                     terms_cache: Path | None = None, history: dict | None = None) -> Site:
    """`related(case_id) -> [(other_id, reason)]` lets the search stage supply similar cases.
    With the cases' `digests` (incremental.case_digests) and a build's `terms_cache` file, the
    glossary terms of unchanged cases are taken from the last build. `history` (file → commits,
    history.content_history) is read from git when not given."""
    types, themes = corpus.taxonomy("practice_type"), corpus.taxonomy("theme")
    sources, articles = corpus.source_map(), corpus.article_map()
    paths = region_paths(corpus)
    cited: dict[tuple, Citation] = {}  # many cases cite the same pages: each reference is formatted once
    cases = []
    history = content_history(corpus.root) if history is None else history
    for doc in corpus.cases:
        data = doc.data
        cases.append(Case(
            data=data, file=doc.file, history=history.get(doc.file, []),
            regions=paths[data["locality"]["region"]],
            types=[types[t] for t in data["practice_types"]],
            themes=[themes[t] for t in data["themes"]],
            citations=[_cite(c, sources, articles, cited) for c in data["sources"]],
        ))
    cases.sort(key=lambda c: c.id)
    by_id = {c.id: c for c in cases}
    for case in cases:
        if case.data.get("part_of"):
            case.parent = by_id[case.data["part_of"]]
            case.parent.children.append(case)
    glossary = corpus.glossary_terms()
    _find_terms(cases, glossary, digests, terms_cache)
    neighbours = _Neighbours(cases)
    for case in cases:
        case.related = _related(case, neighbours, related)
    cited = {c["source"] for case in cases for c in case.data["sources"]}
    backlog = [dict(article, source=source) for article_id, (article, source) in articles.items() if article_id not in cited]
    return Site(corpus, cases, types, themes, corpus.region_map(), glossary, backlog,
                sorted(sources.values(), key=lambda s: s["id"]), handouts)


GLOSSARY_TERMS_CACHE = Path("cache") / "glossary-terms.marshal"  # inside the build folder


def _find_terms(cases: list[Case], glossary: list[dict], digests: dict[str, str] | None, cache_file: Path | None) -> None:
    """Set each case's glossary terms. A case whose digest is in the cache, made for the same
    glossary and code, takes the terms found last time: matching every case's prose takes about
    a second at 10,000 cases."""
    use_cache = cache_file is not None and digests is not None
    digest = hashlib.sha256(json.dumps(glossary, ensure_ascii=False, sort_keys=True, default=str).encode())
    add_sources(digest, ("site.render",))
    version = digest.hexdigest()
    stored = section(read_sealed(cache_file), "terms", version) if use_cache else {}
    index_of = {id(entry): i for i, entry in enumerate(glossary)}
    terms_in, found = None, {}
    for case in cases:
        digest = digests.get(case.id) if use_cache else None
        indexes = stored.get(digest)
        if indexes is None:
            terms_in = terms_in or glossary_matcher(glossary)
            indexes = [index_of[id(entry)] for entry in terms_in(case.text())]
        case.terms = [glossary[i] for i in indexes]
        found[digest] = indexes
    if use_cache and found != stored:
        write_sealed(cache_file, {"terms": (version, found)})


def _cite(citation: dict, sources: dict, articles: dict, memo: dict) -> Citation:
    key = tuple(sorted((k, repr(v)) for k, v in citation.items()))
    if key not in memo:
        memo[key] = _citation(citation, sources, articles)
    return memo[key]


def _citation(citation: dict, sources: dict, articles: dict) -> Citation:
    ref = citation["source"]
    source, article = (articles[ref][1], articles[ref][0]) if ref in articles else (sources[ref], None)
    text = reference(source, article, citation.get("pages"), citation.get("pages_inferred", False))
    return Citation(ref, text, citation.get("section", ""), citation.get("seen", True))


def region_paths(corpus: Corpus) -> dict[str, list[dict]]:
    """Every region's path (province … itself), computed once instead of once per case."""
    return {rid: corpus.region_path(rid) for rid in corpus.region_map()}


def glossary_terms_in(text: str, glossary: list[dict]) -> list[dict]:
    """The glossary entries whose term or an alias occurs in the text."""
    return glossary_matcher(glossary)(text)


def glossary_matcher(glossary: list[dict]):
    """glossary_terms_in for many texts: all the words looked for in one pass over each text
    (an Aho-Corasick automaton), instead of one scan of the text per word."""
    automaton = ahocorasick.Automaton()
    always = set()
    for index, entry in enumerate(glossary):
        for word in [entry["term"], *entry.get("aliases", [])]:
            if not word:
                always.add(index)
            elif automaton.exists(word):
                automaton.get(word).append(index)
            else:
                automaton.add_word(word, [index])
    if len(automaton):
        automaton.make_automaton()

    def terms_in(text: str) -> list[dict]:
        found = set(always)
        if len(automaton):
            for _, indexes in automaton.iter(text):
                found.update(indexes)
        return [entry for index, entry in enumerate(glossary) if index in found]
    return terms_in


class _Neighbours:
    """Cases by practice type and by locality (city level and below), for the fallback of _related."""

    def __init__(self, cases: list[Case]):
        self.by_id = {c.id: c for c in cases}
        self.by_type: dict[str, list[Case]] = defaultdict(list)
        self.by_region: dict[str, list[Case]] = defaultdict(list)
        for case in cases:
            for t in case.types:
                self.by_type[t["id"]].append(case)
            for r in _local_regions(case):
                self.by_region[r].append(case)


def _local_regions(case: Case) -> set[str]:
    return {r["id"] for r in case.regions if r["level"] in ("city", "county", "town", "village")}


def _related(case: Case, neighbours: _Neighbours, similar) -> list[tuple[Case, str]]:
    """Editors' picks first, then the search engine's similar cases, then shared type/region."""
    by_id = neighbours.by_id
    chosen: dict[str, str] = {}
    for other in case.data.get("related", []):
        chosen.setdefault(other, "编辑推荐")
    for other, reason in (similar(case.id) if similar else []):
        if other != case.id:
            chosen.setdefault(other, reason)
    if len(chosen) < MAX_RELATED:  # only then are the cases sharing a type or a place needed
        my_types = {t["id"] for t in case.types}
        my_regions = _local_regions(case)
        candidates = {o.id: o for t in my_types for o in neighbours.by_type[t]}
        candidates.update((o.id, o) for r in my_regions for o in neighbours.by_region[r])
        scored = []
        for other in candidates.values():
            if other.id == case.id or other.id in chosen:
                continue
            shared_types = my_types & {t["id"] for t in other.types}
            shared_region = my_regions & {r["id"] for r in other.regions}
            score = 2 * len(shared_types) + (1 if shared_region else 0)
            if score:
                scored.append((-score, other.id, relation_reason(bool(shared_types), bool(shared_region))))
        for _, other, reason in sorted(scored)[:MAX_RELATED]:
            chosen.setdefault(other, reason)
    return [(by_id[o], reason) for o, reason in list(chosen.items())[:MAX_RELATED] if o in by_id]


# ---------------------------------------------------------------- templates

def _environment() -> Environment:
    # Every {{ value }} is escaped unless a filter already made it safe Markdown (Markup):
    # content never reaches a page as live HTML, whichever template forgets a filter.
    env = Environment(loader=PackageLoader("kb.site", "templates"), autoescape=True, finalize=_inline,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["cell"] = lambda s: _cell(str(s))
    env.filters["text"] = lambda s: _text(str(s))
    env.globals["front_matter"] = front_matter
    env.filters["number"] = _number
    env.filters["anchor"] = anchor
    env.filters["tag_page"] = tag_page
    env.filters["draft"] = lambda case: Markup(DRAFT_MARK) if case.draft else ""
    env.globals["labels"] = labels
    return env


def anchor(text) -> str:
    """An ASCII id for any text: t- and its code points in hex (信访 → t-4fe1-8bbf)."""
    return "t-" + "-".join(f"{ord(ch):x}" for ch in str(text))


# A page's file name must fit the file systems' 255 bytes per name, with room for MkDocs'
# ".html" and a listing's "-NN" page number. Pages named by an id (cases, regions, themes,
# types, courses) are at most 100 ASCII bytes by the schemas; a tag is free text (up to 100
# characters, 5 bytes each in its anchor: a tag of 52 Chinese characters made a name of 261
# bytes). A tag whose anchor is longer than MAX_PAGE_NAME bytes gets a stable short name: the
# anchor of its first characters plus a hash of the whole tag ("h" is no hex digit, so such a
# name is never the anchor of another tag). Shorter tags keep their anchor as before.
MAX_PAGE_NAME = 200
TAG_PREFIX_CHARS = 8


def tag_page(tag) -> str:
    """The file name (without .md) of a tag's page."""
    name = anchor(tag)
    if len(name) <= MAX_PAGE_NAME:
        return name
    digest = hashlib.sha256(str(tag).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{anchor(str(tag)[:TAG_PREFIX_CHARS])}-h{digest}"


# A case's title, place and figures appear in its page and in five or more listings: each
# filter's result is kept for the strings seen most recently instead of being worked out again.
@lru_cache(maxsize=1 << 16)
def _cell(text: str) -> Markup:
    return Markup(_cell_markdown(text))


@lru_cache(maxsize=1 << 16)
def _text(text: str) -> Markup:
    return Markup(prose(text))


def citation_function(corpus: Corpus):
    sources, articles = corpus.source_map(), corpus.article_map()
    return lambda ref, pages=None: _citation({"source": ref, "pages": pages}, sources, articles).text


def _inline(value):
    """jinja2 finalize: a plain string from content becomes inert Markdown (HTML-escaped, no unsafe links)."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return _inline_text(str(value))
    return value


@lru_cache(maxsize=1 << 16)
def _inline_text(text: str) -> Markup:
    return Markup(inline(text))


def front_matter(**fields) -> Markup:
    """The YAML front matter of a page, the one place any page's is written: each field on one
    line, every value a double-quoted string (or a list of them), so no text can end a value,
    add a field (`template:`, `description:`…) or a YAML tag (`!!binary`), whatever it contains.
    HTML-escaped because MkDocs and the theme insert the title into the page unescaped."""
    lines = [f"{key}: {_front_value(value)}" for key, value in fields.items()]
    return Markup("\n".join(["---", *lines, "---"]))


# Characters YAML does not accept raw, or reads as line breaks: written as escapes.
_YAML_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")


def _front_value(value) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_front_value(item) for item in value) + "]"
    text = " ".join(str(escape(plain_prose(str(value)))).split())  # one line
    quoted = json.dumps(text, ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", quoted)


def _number(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) and abs(value) >= 10000 else str(value)


def outcome_text(outcome: dict) -> str:
    parts = []
    if "value" in outcome:
        parts.append(f"{_number(outcome['value'])} {outcome['unit']}".replace(" %", "%"))
    if "change" in outcome:
        change = outcome["change"]
        sign = "+" if change["amount"] > 0 else ""
        parts.append(f"较{change['baseline']} {sign}{_number(change['amount'])}{change['unit']}")
    return f"{outcome['indicator']}：{'，'.join(parts)}（{outcome['period']}）"


def render_pages(site: Site) -> dict[str, str]:
    pages = render_case_pages(site, site.cases)
    pages.update(render_list_pages(site))
    return pages


def _common(site: Site, env: Environment) -> dict:
    return {"site": site, "level_labels": labels("case", "locality", "level"), "citation": citation_function(site.corpus),
            "region_level_labels": labels("regions", "regions", "level"), "GLOSSARY_CASES": GLOSSARY_CASES}


def page_environment() -> Environment:
    env = _environment()
    env.filters["outcome"] = outcome_text
    return env


def render_case_pages(site: Site, cases: list[Case]) -> dict[str, str]:
    """The pages of the given cases (a part of site.cases, so that workers can share them out)."""
    env = page_environment()
    common, template = _common(site, env), env.get_template("case.md.j2")
    return {f"cases/{case.id}.md": template.render(case=case, **common) for case in cases}


def render_list_pages(site: Site, reuse=None) -> dict[str, str]:
    """Every page but the case pages: listings (split into pages of PAGE_SIZE entries), home, courses…
    With `reuse` (an incremental.ListingReuse), the listing pages it takes over are left out."""
    duplicates = NearDuplicatesBeside([c.data for c in site.cases])  # for the editors' dashboard, meanwhile
    try:
        return _list_pages(site, reuse, duplicates)
    finally:
        duplicates.close()


def _list_pages(site: Site, reuse, duplicates: NearDuplicatesBeside) -> dict[str, str]:
    env = page_environment()
    pages: dict[str, str] = {}
    common = _common(site, env)
    type_cases = cases_by(site.cases, "types", site.types)
    for tid, term in site.types.items():
        pages.update(paginated(env, "type.md.j2", f"types/{tid}", type_cases[tid], reuse=reuse, common=common, term=term))
    pages["types/index.md"] = env.get_template("types.md.j2").render(type_cases=type_cases, **common)
    theme_cases = cases_by(site.cases, "themes", site.themes)
    pages["themes.md"] = env.get_template("themes.md.j2").render(theme_cases=theme_cases, **common)
    for tid, term in site.themes.items():
        if theme_cases[tid]:
            pages.update(paginated(env, "theme.md.j2", f"themes/{tid}", theme_cases[tid], reuse=reuse, common=common, term=term))
    tree = region_tree(site)
    pages["regions.md"] = env.get_template("regions.md.j2").render(tree=tree, **common)
    pages["map.md"] = env.get_template("map.md.j2").render(map=map_page(tree), **common)
    for node, ancestors in region_nodes(tree):
        pages.update(paginated(env, "region.md.j2", f"regions/{node.region['id']}", node.cases, reuse=reuse,
                               common=common, node=node, ancestors=ancestors))
    years = timeline(site)
    pages["years.md"] = env.get_template("years.md.j2").render(timeline=years, undated=undated(site), **common)
    for year, entries in years:
        pages.update(paginated(env, "year.md.j2", f"years/{year}", entries, reuse=reuse, common=common, year=year))
    tags = tag_index(site)
    pages["tags.md"] = env.get_template("tags.md.j2").render(tags=tags, **common)
    for tag, cases in tags:
        pages.update(paginated(env, "tag.md.j2", f"tags/{tag_page(tag)}", cases, reuse=reuse, common=common, tag=tag))
    pages["glossary.md"] = env.get_template("glossary.md.j2").render(usage=glossary_usage(site), **common)
    pages["backlog.md"] = env.get_template("backlog.md.j2").render(groups=backlog_groups(site), **common)
    pages["sources.md"] = env.get_template("sources.md.j2").render(cited=source_usage(site), unseen=unseen_references(site),
                                                                     shown=UNSEEN_CITERS_SHOWN, **common)
    pages["search.md"] = env.get_template("search.md.j2").render(**common)
    pages["compare.md"] = env.get_template("compare.md.j2").render(**common)
    pages["stats.md"] = env.get_template("stats.md.j2").render(charts=statistics_charts(site), **common)
    pages.update(course_pages(site, env, common))
    pages.update(editor_pages(site, env, common, duplicates.result()))  # editors.md and the editors' dashboard
    pages["index.md"] = env.get_template("home.md.j2").render(
        type_cases=type_cases, theme_cases=theme_cases, tree=tree,
        newest=newest(site), **common)
    return pages


def cases_by(cases: list[Case], attribute: str, terms: dict) -> dict[str, list[Case]]:
    """Term id → the cases carrying it (case.types or case.themes), in case order; one pass."""
    grouped: dict[str, list[Case]] = {tid: [] for tid in terms}
    for case in cases:
        for term in getattr(case, attribute):
            grouped[term["id"]].append(case)
    return grouped


def paginated(env: Environment, template: str, base: str, entries: list, size: int | None = None,
              reuse=None, common: dict | None = None, **context) -> dict[str, str]:
    """A listing split into pages of at most `size` entries: base.md, base-2.md, base-3.md…
    (the first page keeps the listing's old address). Each page gets `cases` or `entries`,
    `count` (all entries), `pager`, `common` and the rest of `context`. A page `reuse` (an
    incremental.ListingReuse) takes over from the previous build is left out."""
    size = size or PAGE_SIZE
    chunks = [entries[i:i + size] for i in range(0, len(entries), size)] or [[]]
    name = base.rsplit("/", 1)[-1]
    links = [(n, f"{name}.md" if n == 1 else f"{name}-{n}.md") for n in range(1, len(chunks) + 1)]
    out = {}
    for n, chunk in enumerate(chunks, 1):
        pager = {"number": n, "count": len(chunks), "links": links}
        path = f"{base}.md" if n == 1 else f"{base}-{n}.md"
        if reuse is not None and reuse.taken(path, template, dict(entries=chunk, count=len(entries), pager=pager, **context)):
            continue
        out[path] = env.get_template(template).render(cases=chunk, entries=chunk, count=len(entries),
                                                      pager=pager, **context, **(common or {}))
    return out


def region_nodes(tree: list["RegionNode"], ancestors: tuple = ()):
    """Every node of the region tree with the regions above it, top first."""
    for node in tree:
        yield node, list(ancestors)
        yield from region_nodes(node.children, ancestors + (node.region,))


def statistics_charts(site: Site) -> list[str]:
    """SVG charts for the statistics page, drawn at build time (no script, nothing to download)."""
    from .charts import bar_chart, stacked_bar_chart

    by_type = Counter(t["name"] for c in site.cases for t in c.types)
    by_place = Counter(next((r["name"] for r in reversed(c.regions) if r["level"] in ("county", "city")),
                            c.regions[0]["name"] if c.regions else "全国") for c in site.cases)
    by_year = Counter(c.start_year for c in site.cases if c.start_year)
    by_report = Counter(c.data["period"]["reported_year"] for c in site.cases if c.data["period"].get("reported_year"))
    total, dated, reported = len(site.cases), sum(by_year.values()), sum(by_report.values())
    with_outcomes = sum(1 for c in site.cases if c.data.get("outcomes"))
    evidence = labels("case", "outcomes", "evidence")
    outcomes: dict[str, Counter] = defaultdict(Counter)
    for case in site.cases:
        for outcome in case.data.get("outcomes", []):
            outcomes[case.types[0]["name"]][outcome["evidence"]] += 1
    return [Markup(svg) for svg in (  # charts.py escapes every label it draws
        bar_chart(by_type.most_common(), title=f"各类做法的案例数（{total} 个案例）", unit="个"),
        bar_chart(by_place.most_common(), title=f"各地区的案例数（区县或地市，{total} 个案例）", unit="个"),
        bar_chart(sorted(by_year.items()), title=f"做法开始实施的年份（{total} 个案例中写明的 {dated} 个）",
                  unit="个", horizontal=False),
        bar_chart(sorted(by_report.items()), unit="个", horizontal=False,
                  title=f"资料报道的年份（{total} 个案例{'' if reported == total else f'中写明的 {reported} 个'}）"),
        stacked_bar_chart(sorted(outcomes.items(), key=lambda kv: -sum(kv[1].values())), series=list(evidence.items()),
                          title=f"成效数据条数：按做法类型和来源（{with_outcomes} 个案例）"),
    )]


def course_lessons(course: dict) -> list[dict]:
    """Lessons in reading order, each knowing its module and its neighbours."""
    flat = [dict(lesson, module=module) for module in course["modules"] for lesson in module["lessons"]]
    for n, lesson in enumerate(flat):
        lesson["number"], lesson["total"] = n + 1, len(flat)
        lesson["previous"] = flat[n - 1] if n else None
        lesson["next"] = flat[n + 1] if n + 1 < len(flat) else None
    return flat


def case_linker(site: Site, prefix: str):
    """Turns case ids written in course text into links to the case pages (not those inside a
    Markdown link the text already has: its address names the case too)."""
    titles = {c.id: c.title for c in site.cases}
    ids = "|".join(sorted(map(re.escape, titles), key=len, reverse=True))
    pattern = re.compile(f"({LINK.pattern})|\\b({ids})\\b") if titles else None

    def replace(match: re.Match) -> str:
        ident = match.group(match.re.groups)
        return f"[{titles[ident]}]({prefix}cases/{ident}.md)" if ident else match.group(0)

    def link(text: str) -> str:
        return pattern.sub(replace, text) if pattern else text
    return link


def course_pages(site: Site, env: Environment, common: dict) -> dict[str, str]:
    pages = {}
    courses = [d.data for d in site.corpus.courses]
    for course in courses:
        lessons = course_lessons(course)
        env.filters["cases"] = case_linker(site, "../../")
        for lesson in lessons:
            pages[f"courses/{course['id']}/{lesson['id']}.md"] = env.get_template("lesson.md.j2").render(
                course=course, lesson=lesson, handouts=site.handouts, **common)
        env.filters["cases"] = case_linker(site, "../")
        pages[f"courses/{course['id']}.md"] = env.get_template("course.md.j2").render(
            course=course, lessons=lessons, handouts=site.handouts, **common)
    pages["courses/index.md"] = env.get_template("courses.md.j2").render(courses=courses, handouts=site.handouts, **common)
    return pages


@dataclass
class RegionNode:
    region: dict
    cases: list[Case]
    children: list["RegionNode"]

    @property
    def total(self) -> int:
        return len(self.cases) + sum(child.total for child in self.children)


def region_tree(site: Site) -> list[RegionNode]:
    """Province → city → county → town → village, keeping only branches that hold cases."""
    nodes = {rid: RegionNode(region, [], []) for rid, region in site.regions.items()}
    for case in site.cases:
        nodes[case.data["locality"]["region"]].cases.append(case)
    roots = []
    for rid, region in site.regions.items():
        parent = region.get("parent")
        (nodes[parent].children if parent in nodes else roots).append(nodes[rid])

    def prune(items):
        kept = [n for n in items if n.total]
        for n in kept:
            n.children = prune(n.children)
        return kept
    return prune(roots)


BY_REPORTED_YEAR = "开始年份不详（按报道年份）"


def timeline(site: Site) -> list[tuple[int, list[tuple[Case, str]]]]:
    """Per year: the practices that started then ("开始实施") and the dated milestones of cases.
    A case whose start is unknown is placed by the year a source reported it, labelled so; a case
    with neither year is left to `undated`: no year is made up."""
    years = defaultdict(list)
    for case in site.cases:
        if case.start_year:
            years[case.start_year].append((case, "开始实施"))
        elif case.data["period"].get("reported_year"):
            years[case.data["period"]["reported_year"]].append((case, BY_REPORTED_YEAR))
        for milestone in case.data.get("milestones", []):
            month = f"{milestone['month']}月：" if milestone.get("month") else ""
            years[milestone["year"]].append((case, month + milestone["event"]))
    return sorted(years.items())


def undated(site: Site) -> list[Case]:
    """The cases whose sources give neither a start nor a reported year: the timeline lists them apart."""
    return [c for c in site.cases if not c.start_year and not c.data["period"].get("reported_year")]


def newest(site: Site, count: int = 8) -> list[Case]:
    return sorted(site.cases, key=lambda c: (c.data.get("added", ""), c.data["period"].get("reported_year") or 0, c.id), reverse=True)[:count]


def tag_index(site: Site) -> list[tuple[str, list[Case]]]:
    tags = defaultdict(list)
    for case in site.cases:
        for tag in case.data.get("tags", []):
            tags[tag].append(case)
    return sorted(tags.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def glossary_usage(site: Site) -> dict[str, list[Case]]:
    usage = defaultdict(list)
    for case in site.cases:
        for term in case.terms:
            usage[term["term"]].append(case)
    return usage


def backlog_groups(site: Site) -> list[tuple[dict, list[tuple[str, list[dict]]]]]:
    groups = []
    for source in site.sources:
        items = [a for a in site.backlog if a["source"]["id"] == source["id"]]
        if not items:
            continue
        chapters: dict[str, list[dict]] = {}
        for item in items:
            chapters.setdefault(item.get("chapter") or "（未分篇）", []).append(item)
        groups.append((source, list(chapters.items())))
    return groups


UNSEEN_CITERS_SHOWN = 3  # cases linked beside an unseen reference; the rest are counted


def unseen_references(site: Site) -> dict[str, list[tuple[Citation, list[Case]]]]:
    """Per source id: each distinct reference that cases cite without the text having been seen
    (未见原文), with the cases citing it in site order. One line per reference, not per case,
    keeps the sources page bounded however many cases cite the same unread article."""
    articles = site.corpus.article_map()
    found: dict[str, dict[str, tuple[Citation, list[Case]]]] = defaultdict(dict)
    for case in site.cases:
        for citation in case.unseen_citations:
            source = articles[citation.ref][1]["id"] if citation.ref in articles else citation.ref
            entry = found[source].setdefault(str(citation), (citation, []))
            if not entry[1] or entry[1][-1] is not case:  # a case citing the same reference twice is named once
                entry[1].append(case)
    return {source: list(references.values()) for source, references in found.items()}


def source_usage(site: Site) -> Counter:
    articles = site.corpus.article_map()
    counts = Counter()
    for case in site.cases:
        for ref in {c["source"] for c in case.data["sources"]}:
            counts[articles[ref][1]["id"] if ref in articles else ref] += 1
    return counts


def write_pages(pages: dict[str, str], docs_dir: Path) -> None:
    for rel, text in pages.items():
        target = docs_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
