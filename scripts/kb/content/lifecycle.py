"""The case lifecycle: draft (草稿) → review (待审) → published (已发布).

A draft or review entry with problems never blocks the others: it is left out of the corpus the
site is built from, its problems become warnings listed under its file, and references to it from
the rest of the content are dropped (each reported as a warning). Review entries reach readers
only in a site built for editors. A published entry with a problem still stops everything.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from .corpus import Corpus
from .load import Document
from ..core.problems import Problem

WAITING = ("draft", "review")
STATUS_LABELS = {"draft": "草稿", "review": "待审", "published": "已发布"}
UNPUBLISHED = "暂未发布的案例"  # what course text shows for the id of a case held off the site
# The status of a case file that could not be loaded, read from its text.
STATUS_LINE = re.compile(r"^status:\s*[\"']?(draft|review|published)[\"']?\s*(?:#.*)?$", re.MULTILINE)


@dataclass
class HeldEntry:
    """A case left off the site: its file, id, title, status and (if any) its problems."""
    file: str
    id: str
    title: str
    status: str
    problems: list[Problem] = field(default_factory=list)

    @property
    def label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


@dataclass
class Publishable:
    corpus: Corpus              # what the site is built from
    problems: list[Problem]     # blocking errors and warnings, held entries' problems as warnings
    held: list[HeldEntry]       # entries left off the site, with their problems


def status_of(doc: Document | None, file: str, root: Path) -> str | None:
    """A case's status from its data, or for a file that could not be loaded, from its text."""
    if doc is not None and isinstance(doc.data, dict):
        status = doc.data.get("status")
        return status if isinstance(status, str) else None
    try:
        found = STATUS_LINE.search((root.parent / file).read_text(encoding="utf-8-sig", errors="replace"))
    except OSError:
        return None
    return found.group(1) if found else None


def publishable(corpus: Corpus, problems: list[Problem], editors: bool = False) -> Publishable:
    """Split the checked corpus into what the site shows and what waits (see the module's docstring)."""
    by_file: dict[str, list[Problem]] = {}
    for problem in problems:
        by_file.setdefault(problem.file, []).append(problem)
    cases = {doc.file: doc for doc in corpus.cases}
    candidates = set(cases) | {p.file for p in corpus.load_problems if p.file.startswith("content/cases/")}
    held: list[HeldEntry] = []
    for file in sorted(candidates):
        doc = cases.get(file)
        status = status_of(doc, file, corpus.root)
        errors = [p for p in by_file.get(file, []) if p.severity == "error"]
        if status not in WAITING or not (errors or (status == "review" and not editors)):
            continue
        data = doc.data if doc is not None and isinstance(doc.data, dict) else {}
        held.append(HeldEntry(file, str(data.get("id") or Path(file).stem), str(data.get("title") or Path(file).stem),
                              status, by_file.get(file, [])))
    shown, dropped = leave_out(corpus, [(h.file, h.id) for h in held])
    held_files = {h.file for h in held}
    out = [_as_warning(p) if p.file in held_files else p for p in problems]
    shown.held = held
    return Publishable(shown, sorted(set(out + dropped)), held)


def leave_out(corpus: Corpus, held: list[tuple[str, str]]) -> tuple[Corpus, list[Problem]]:
    """The corpus without the held (file, id) cases and without references to them, and a warning
    for each reference dropped. A second process that reads the content again repeats it so."""
    held_files = {file for file, _ in held}
    kept = [doc for doc in corpus.cases if doc.file not in held_files]
    left_out = {ident for _, ident in held} - {d.data.get("id") for d in kept if isinstance(d.data, dict)}
    kept, dropped = _without_references(kept, left_out)
    courses, dropped_in_courses = _courses_without(corpus.courses, left_out)
    taxonomies, unlinked_in_taxonomies = _prose_without(corpus.taxonomies, "taxonomy", left_out)
    sources, unlinked_in_sources = _prose_without(corpus.sources, "source", left_out)
    glossary, unlinked_in_glossary = _prose_without([corpus.glossary] if corpus.glossary else [], "glossary", left_out)
    shown = replace(corpus, cases=kept, courses=courses, taxonomies=taxonomies, sources=sources,
                    glossary=glossary[0] if glossary else corpus.glossary,
                    load_problems=[p for p in corpus.load_problems if p.file not in held_files])
    return shown, dropped + dropped_in_courses + unlinked_in_taxonomies + unlinked_in_sources + unlinked_in_glossary


def _with_data(doc: Document, data) -> Document:
    """A copy of the document (of whatever kind: cached ones unpack positions lazily) with other data."""
    import copy

    changed = copy.copy(doc)
    changed.data, changed.edited = data, True
    return changed


def _as_warning(problem: Problem) -> Problem:
    return replace(problem, severity="warning") if problem.severity == "error" else problem


def _dropped(doc: Document, path: tuple, ident: str) -> Problem:
    return doc.problem(path, f"案例“{ident}”是草稿或待审、暂不进入网站，这里对它的引用在网站上先略去"
                             "（它发布后自动恢复）", "warning")


def _without_references(cases: list[Document], left_out: set[str]) -> tuple[list[Document], list[Problem]]:
    """The cases with `related` and `part_of` pointing at left-out cases removed (a copy of each changed one)."""
    if not left_out:
        return cases, []
    out, problems = [], []
    for doc in cases:
        data = doc.data if isinstance(doc.data, dict) else {}
        related = data.get("related") if isinstance(data.get("related"), list) else []
        gone = [(i, r) for i, r in enumerate(related) if r in left_out]
        parent_gone = data.get("part_of") in left_out
        linked = _unlinked(doc, data, "case", left_out)
        if not gone and not parent_gone and linked is None:
            out.append(doc)
            continue
        problems += [_dropped(doc, ("related", i), r) for i, r in gone]
        changed = dict(data)
        if linked is not None:
            changed, found = linked
            problems += found
        if gone:
            changed["related"] = [r for r in related if r not in left_out]
            if not changed["related"]:
                del changed["related"]
        if parent_gone:
            problems.append(_dropped(doc, ("part_of",), data["part_of"]))
            del changed["part_of"]
        out.append(_with_data(doc, changed))
    return out, problems


def _unlinked(doc: Document, data, kind: str, left_out: set[str], named: bool = False):
    """(a copy of data with prose links to left-out cases turned into plain text, a warning at each
    such link), or None when it has none. With `named` (a course), the bare ids of left-out cases
    that the course pages would link are replaced by UNPUBLISHED too (not by the case's title: a
    held draft's title has not passed the checks)."""
    import copy

    from .rules import names_cases, page_folders, unlink_cases, unname_cases

    replacements = {ident: UNPUBLISHED for ident in left_out
              if named and (not doc.text or ident in doc.text)} or None
    if not left_out or not isinstance(data, dict) or (doc.text and "](" not in doc.text and replacements is None):
        return None
    changes = []
    for folders, path, value in page_folders(data, kind):
        text, links = unlink_cases(value, folders, left_out)
        text, ids = unname_cases(text, replacements) if replacements is not None and names_cases(path) else (text, [])
        if links or ids:
            changes.append((path, text, links, ids))
    if not changes:
        return None
    data = copy.deepcopy(data)
    problems = []
    for path, text, links, ids in changes:
        _at(data, path[:-1])[path[-1]] = text
        written = [link for link, _ in links]
        problems += [doc.problem_at(path, link, f"这里链接的案例“{ident}”是草稿或待审、暂不进入网站：网站上先只显示链接文字"
                                                "（它发布后自动恢复）", "warning", occurrence=written[:i].count(link))
                     for i, (link, ident) in enumerate(links)]
        problems += [doc.problem_at(path, ident, f"这里提到的案例“{ident}”是草稿或待审、暂不进入网站：网站上先显示为"
                                                 f"“{UNPUBLISHED}”（它发布后自动恢复）", "warning", occurrence=ids[:i].count(ident))
                     for i, ident in enumerate(ids)]
    return data, problems


def _prose_without(docs: list[Document], kind: str, left_out: set[str]) -> tuple[list[Document], list[Problem]]:
    """The documents with prose links to left-out cases turned into plain text (a copy of each changed one)."""
    out, problems = [], []
    for doc in docs:
        linked = _unlinked(doc, doc.data, kind, left_out)
        if linked is None:
            out.append(doc)
            continue
        out.append(_with_data(doc, linked[0]))
        problems += linked[1]
    return out, problems


def _at(data, path: tuple):
    for key in path:
        data = data[key]
    return data


def _courses_without(courses: list[Document], left_out: set[str]) -> tuple[list[Document], list[Problem]]:
    """Course readings and quiz citations of left-out cases removed, links to them and their ids in
    the text made plain (a copy of each changed course)."""
    if not left_out:
        return courses, []
    out, problems = [], []
    for doc in courses:
        if not isinstance(doc.data, dict):
            out.append(doc)
            continue
        linked = _unlinked(doc, doc.data, "course", left_out, named=True)
        data, found = _course_copy(doc, doc.data if linked is None else linked[0], left_out)
        found += [] if linked is None else linked[1]
        problems += found
        out.append(_with_data(doc, data) if found else doc)
    return out, problems


def _course_copy(doc: Document, data: dict, left_out: set[str]) -> tuple[dict, list[Problem]]:
    """A copy of the course's data without readings and quiz citations of left-out cases, and a warning for each."""
    import copy

    data, problems = copy.deepcopy(data), []
    for m, module in enumerate(data.get("modules") or []):
        for l, lesson in enumerate((module.get("lessons") or []) if isinstance(module, dict) else []):
            if not isinstance(lesson, dict):
                continue
            path = ("modules", m, "lessons", l)
            readings = lesson.get("readings") if isinstance(lesson.get("readings"), list) else []
            problems += [_dropped(doc, path + ("readings", i, "case"), r["case"]) for i, r in enumerate(readings)
                         if isinstance(r, dict) and r.get("case") in left_out]
            if readings:
                lesson["readings"] = [r for r in readings if not (isinstance(r, dict) and r.get("case") in left_out)]
            for q, quiz in enumerate(lesson.get("quiz") or []):
                cites = quiz.get("cites") if isinstance(quiz, dict) and isinstance(quiz.get("cites"), list) else []
                problems += [_dropped(doc, path + ("quiz", q, "cites", i), c) for i, c in enumerate(cites) if c in left_out]
                if cites:
                    quiz["cites"] = [c for c in cites if c not in left_out]
    return data, problems
