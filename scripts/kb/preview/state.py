"""What `kb serve` keeps in memory between saves, so that a save costs what it changes.

Unchanged files come back from the document cache as the very same objects, which lets every
later step recognise unchanged input by identity: a case's term counts (for related cases) and
its rendered page are reused while the case, the cases its page names and the shared files
(taxonomies, regions, glossary, sources) are the same as last time. The pages come out
exactly as `kb build` renders them.
"""
from __future__ import annotations

from pathlib import Path

from ..search.analysis import domain_words
from ..content.checkcache import CheckMemo
from ..content.corpus import Corpus, read_corpus
from ..content.doccache import DocumentCache
from ..content.lifecycle import publishable
from ..core.problems import ProblemsFound
from ..search.related import related_cases
from ..site.render import Case, Site, build_site_model, render_case_pages, render_list_pages
from ..content.validate import allowed_texts, document_problems, has_errors, validate


class PreviewState:
    def __init__(self, cache_file: Path | None = None):
        self.documents = DocumentCache(cache_file or Path("/nonexistent/kb-preview.pickle"))
        self.checks = CheckMemo(self.documents.sections)  # each unchanged file's own problems, kept between saves
        self.terms_memo: dict = {}
        self.terms_key: tuple | None = None
        self.pages_memo: dict[str, tuple[tuple, str]] = {}
        self.written: dict[str, str] = {}  # docs-relative path -> text last written (or found)
        self.data_key: tuple | None = None
        self.last: tuple | None = None  # (corpus, related, site) of the last full round
        self.held: list = []  # drafts left off the preview for their problems (lifecycle.HeldEntry)

    def corpus(self, content_dir: Path) -> Corpus:
        self.documents.next_round()
        corpus = read_corpus(content_dir, documents=self.documents)
        shown = publishable(corpus, validate(corpus, self.checks), editors=True)
        if has_errors(shown.problems):
            raise ProblemsFound(shown.problems)
        shown.corpus.held = self.held = shown.held
        return shown.corpus

    def site(self, corpus: Corpus) -> Site:
        dictionary = domain_words(corpus)
        key = (tuple(dictionary), *_shared(corpus))
        if key != self.terms_key:
            self.terms_memo, self.terms_key = {}, key
        related = related_cases(corpus, dictionary, memo=self.terms_memo)
        site = build_site_model(corpus, related)
        self.last = (corpus, related, site)
        return site

    def pages(self, site: Site) -> dict[str, str]:
        shared = _shared(site.corpus) + (site.handouts,)
        pages, memo, todo = {}, {}, []
        for case in site.cases:
            rel, key = f"cases/{case.id}.md", _page_key(case, shared)
            old = self.pages_memo.get(rel)
            if old is not None and old[0] == key:
                pages[rel] = old[1]
                memo[rel] = old
            else:
                todo.append((rel, key, case))
        fresh = render_case_pages(site, [case for _, _, case in todo])
        for rel, key, _ in todo:
            pages[rel] = fresh[rel]
            memo[rel] = (key, fresh[rel])
        self.pages_memo = memo
        pages.update(render_list_pages(site))
        return pages

    def cases_changed(self, corpus: Corpus) -> bool:
        """Whether anything the search and compare data are made from changed since last asked."""
        key = tuple(d.data for d in corpus.cases) + _shared(corpus)
        changed, self.data_key = key != self.data_key, key
        return changed


def _shared(corpus: Corpus) -> tuple:
    docs = corpus.sources + corpus.taxonomies + [corpus.regions, corpus.glossary]
    return tuple(d.data if d is not None else None for d in docs)


def _page_key(case: Case, shared: tuple) -> tuple:
    """Everything a case page shows. Keys hold the data objects themselves: comparing a key
    with the last one is instant for unchanged (identical) objects and by value otherwise."""
    named = [(o.data, reason) for o, reason in case.related]
    named += [c.data for c in case.children]
    if case.parent is not None:
        named.append(case.parent.data)
    return (case.data, case.file, tuple(named), tuple(t["term"] for t in case.terms),
            tuple(case.citations), tuple(case.history), shared)


def quick_pages(last: tuple | None, content_dir: Path, saved: list[Path]) -> dict[str, str] | None:
    """The pages of saved case files, rendered at once against the last full round (`last`, as
    PreviewState.last): the cases they name as they were then. What the editor sees within a
    second of saving; the full round that follows makes every page consistent (a case's related
    cases may change with the edit). None when the save is not a plain edit of existing, valid
    cases: a new, moved or removed file, one that fails to load or breaks its schema, a
    reference to something unknown."""
    from dataclasses import replace

    from ..content.load import load_file
    from ..core.problems import display_path

    if last is None or not saved:
        return None
    corpus, related, site = last
    by_file = {case.file: case for case in site.cases}
    allowed = allowed_texts(corpus)
    edited = []
    for path in saved:
        file = display_path(path, Path(content_dir).parent)
        if not path.is_file() or file not in by_file:
            return None
        try:
            doc = load_file(path, file)
        except ProblemsFound:
            return None
        if not isinstance(doc.data, dict) or doc.data.get("id") != by_file[file].id:
            return None
        if has_errors(document_problems(doc, "case", allowed)):
            return None  # the full round refuses the save and says why
        edited.append(doc)
    named = {o.id for doc in edited for o, _ in by_file[doc.file].related} | {
        ref for doc in edited for ref in [doc.data.get("part_of"), *doc.data.get("related", [])] if ref}
    named |= {c.id for doc in edited for c in by_file[doc.file].children}
    known = site.by_id()
    if not named <= set(known):
        return None
    mine = {doc.data["id"] for doc in edited}
    others = [d for d in corpus.cases if d.data["id"] in named - mine]
    part = replace(corpus, cases=edited + others)
    try:
        small = build_site_model(part, related, site.handouts)
        return render_case_pages(small, [case for case in small.cases if case.id in mine])
    except (KeyError, TypeError, ValueError):  # a reference the small corpus cannot resolve
        return None
