"""Editorial rules that once lived only in the tests, now run by `kb validate`:
no long run copied from a shipped source text, a year in every outcome period, no placeholder
left in an entry on its way to readers, and every internal link pointing at a page the site has.
"""
from __future__ import annotations

import hashlib
import posixpath
import re
from functools import lru_cache
from pathlib import Path

from .load import Document
from .provenance import COPY_RUN, HAN, NOT_PROSE, _han_segments, _prose
from ..core.problems import Problem

TEXTS_DIR = Path("sources") / "texts"  # inside content/: the shipped source texts, one per source
PLACEHOLDER = re.compile(r"[（(【\[]\s*(?:待填写|待补充|待补|待核实|待定|待查|待确认|此处填写|请填写)[^）)】\]]{0,20}[）)】\]]"
                         r"|(?<![A-Za-z])(?:TODO|TBD)(?![A-Za-z])|？？？|\?\?\?")
YEAR_DIGIT = re.compile(r"\d")
PROSE_KINDS = ("case", "course", "taxonomy", "glossary", "regions")


# --------------------------------------------------------------- copied from a shipped source text

SEED = 13  # a copied run of COPY_RUN characters holds a SEED-long piece at every SEED_STEP-th position
SEED_STEP = COPY_RUN - SEED + 1


class SourceTexts:
    """The shipped source texts (content/sources/texts/*.txt): every run of COPY_RUN Chinese
    characters in them, with the file it comes from, and every SEED-long run (to look up a
    document's text at every SEED_STEP-th character only, not at each one)."""

    def __init__(self, files: dict[str, str]):
        self.files = files
        self.grams: dict[str, str] = {}
        self.seeds: set[str] = set()
        for name, text in sorted(files.items()):
            han = "".join(HAN.findall(text))
            for start in range(len(han) - SEED + 1):
                self.seeds.add(han[start:start + SEED])
                if start <= len(han) - COPY_RUN:
                    self.grams.setdefault(han[start:start + COPY_RUN], name)
        digest = hashlib.blake2b(digest_size=16)
        for name, text in sorted(files.items()):
            digest.update(name.encode() + b"\0" + text.encode("utf-8", "surrogatepass") + b"\0")
        self.digest = digest.digest()


def source_texts(content_dir: Path) -> SourceTexts:
    folder = Path(content_dir) / TEXTS_DIR
    files = sorted(folder.glob("*.txt")) if folder.is_dir() else []
    return _read_texts(tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files))


@lru_cache(maxsize=4)
def _read_texts(stamps: tuple) -> SourceTexts:
    return SourceTexts({Path(path).name: Path(path).read_text(encoding="utf-8-sig") for path, _, _ in stamps})


def copied_run_problems(doc: Document, texts: SourceTexts) -> list[Problem]:
    """Prose sharing COPY_RUN or more Chinese characters in a row with a shipped source text;
    quoted names and titles (“…” 《…》) excepted. One problem per field."""
    if not texts.grams or not isinstance(doc.data, (dict, list)):
        return []
    problems = []
    for path, value in _prose(doc.data):
        if len(value) < COPY_RUN:
            continue
        for segment in _han_segments(value):
            hit = _copied(segment, texts)
            if hit:
                where = (TEXTS_DIR / texts.grams[hit]).as_posix()
                problems.append(doc.problem(path, f"与资料原文 content/{where} 有连续 {COPY_RUN} 个以上汉字相同（“{hit}…”）："
                                                  "请用自己的话改写；确要引用原话的，放进引号“”并写明出处"))
                break
    return problems


def _copied(segment: str, texts: SourceTexts) -> str | None:
    """The first COPY_RUN-long run of `segment` found in a source text, or None. Any such run
    contains a SEED-long piece starting at a multiple of SEED_STEP: only those are looked up first."""
    last = len(segment) - COPY_RUN
    for seed in range(0, len(segment) - SEED + 1, SEED_STEP):
        if segment[seed:seed + SEED] in texts.seeds:
            for start in range(max(0, seed - (COPY_RUN - SEED)), min(seed, last) + 1):
                if segment[start:start + COPY_RUN] in texts.grams:
                    return segment[start:start + COPY_RUN]
    return None


# --------------------------------------------------------------- one entry on its own

def case_rule_problems(doc: Document) -> list[Problem]:
    """Periods with a year; placeholders only while the entry is a draft."""
    data = doc.data if isinstance(doc.data, dict) else {}
    problems = []
    for i, outcome in enumerate(data.get("outcomes") or []):
        period = outcome.get("period") if isinstance(outcome, dict) else None
        if isinstance(period, str) and period.strip() and not YEAR_DIGIT.search(period):
            problems.append(doc.problem(("outcomes", i, "period"), f"统计期“{period}”没有写年份：写明数字所属的年份，"
                                        "如“2006年”“2006年4月至11月”“截至2007年底”；资料没有写明年份的，这条成效不能作数字统计，"
                                        "请删去或写进 notes"))
    return problems + placeholder_problems(doc, data.get("status"))


def placeholder_problems(doc: Document, status) -> list[Problem]:
    """Placeholders such as （待填写） block an entry going to readers; in a draft they are a reminder."""
    if doc.text and not PLACEHOLDER.search(doc.text):  # most files: one search of the text
        return []
    severity = "warning" if status == "draft" else "error"
    problems = []
    for path, value in _strings(doc.data, ()):
        match = PLACEHOLDER.search(value)
        if match:
            problems.append(doc.problem_at(path, match.group(0), f"还留着占位文字“{match.group(0)}”：填上内容，或删掉这一项"
                                           + ("（草稿可以暂留，送审和发布前必须处理）" if severity == "warning" else ""), severity))
    return problems


def _strings(value, path: tuple):
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, path + (i,))


# --------------------------------------------------------------- internal links

LINK = re.compile(r"\[([^\]\n]*)\]\(\s*<?([^)\s>]*)>?[^)\n]*\)")
FIXED_PAGES = {"index.md", "glossary.md", "sources.md", "search.md", "compare.md", "stats.md", "years.md", "tags.md",
               "regions.md", "themes.md", "types/index.md", "backlog.md", "editors.md", "dashboard.md", "courses/index.md"}


def site_pages(corpus) -> set[str]:
    """The Markdown pages a built site has (as docs-relative paths) that content may link to."""
    pages = set(FIXED_PAGES)
    pages |= {f"cases/{ident}.md" for ident in corpus.case_map()}
    pages |= {f"types/{ident}.md" for ident in corpus.taxonomy("practice_type")}
    pages |= {f"themes/{ident}.md" for ident in corpus.taxonomy("theme")}
    pages |= {f"regions/{ident}.md" for ident in corpus.region_map()}
    for doc in corpus.courses:
        data = doc.data if isinstance(doc.data, dict) else {}
        if isinstance(data.get("id"), str):
            pages.add(f"courses/{data['id']}.md")
            for module in data.get("modules") or []:
                for lesson in (module.get("lessons") or []) if isinstance(module, dict) else []:
                    if isinstance(lesson, dict) and isinstance(lesson.get("id"), str):
                        pages.add(f"courses/{data['id']}/{lesson['id']}.md")
    return pages


def link_target(page_dir: str, target: str) -> str | None:
    """The docs-relative page a relative link leads to, or None for an external or in-page link."""
    from .markup import url_scheme

    target = target.split("#", 1)[0].split("?", 1)[0]
    if not target or url_scheme(target) is not None or target.startswith("/"):
        return None
    return posixpath.normpath(posixpath.join(page_dir, target))


# The folder of the page(s) a taxonomy's definitions are shown on (a theme's also on themes.md, at the top).
TAXONOMY_FOLDERS = {"practice_type": ("types",), "theme": ("themes", "")}


def page_folders(data, kind: str):
    """(folders, path, text) of every string of a document: the folders of the pages it is shown
    on, from which its relative links are read (course lessons have their own)."""
    data = data if isinstance(data, dict) else {}
    if kind == "course" and isinstance(data.get("id"), str):
        for path, value in _strings(data, ()):
            yield ("courses/" + data["id"] if len(path) > 3 and path[2] == "lessons" else "courses",), path, value
        return
    if kind == "taxonomy":
        folders = TAXONOMY_FOLDERS.get(data.get("kind"), ("",))
    else:
        folders = ("cases",) if kind == "case" else ("",)
    for path, value in _strings(data, ()):
        yield folders, path, value


def linked_documents(corpus):
    """(document, kind) of every document whose prose is shown with its links on the site."""
    yield from ((d, "case") for d in corpus.cases)
    yield from ((d, "course") for d in corpus.courses)
    yield from ((d, "taxonomy") for d in corpus.taxonomies)
    yield from ((d, "source") for d in corpus.sources)
    if corpus.glossary:
        yield corpus.glossary, "glossary"


def link_problems(corpus) -> list[Problem]:
    """Relative links in prose (cases, courses, definitions, source notes) to pages the site does
    not have, at the link itself."""
    pages = None
    problems = []
    for doc, kind in linked_documents(corpus):
        if doc.text and "](" not in doc.text:
            continue
        pages = site_pages(corpus) if pages is None else pages
        for folders, path, value in page_folders(doc.data, kind):
            for match in LINK.finditer(value):
                problem = _link_problem(doc, path, match.group(2), folders, pages)
                if problem is not None:
                    problems.append(problem)
    return problems


def _link_problem(doc: Document, path: tuple, target: str, folders: tuple, pages: set[str]) -> Problem | None:
    for folder in folders:
        page = link_target(folder, target)
        if page is None:
            return None
        if not page.endswith(".md"):
            return doc.problem_at(path, target, f"站内链接“{target}”要指向页面的 .md 文件，"
                                                "如 ../cases/案例编号.md、../types/类型编号.md")
        if page not in pages:
            shown = "（这段文字同时显示在两个文件夹的页面上，站内链接在其中一处必然失效：请删掉链接）" if len(folders) > 1 else ""
            return doc.problem_at(path, target, f"站内链接“{target}”指向的页面 {page} 不存在："
                                                "请核对编号（案例链接写成 ../cases/案例编号.md），或删掉链接" + shown)
    return None


def linked_case(match: re.Match, folders: tuple) -> str | None:
    """The id of the case a link (a LINK match) leads to from any of the folders, or None."""
    for folder in folders:
        page = link_target(folder, match.group(2))
        if page and page.startswith("cases/") and page.endswith(".md") and "/" not in page[6:]:
            return page[6:-3]
    return None


def unlink_cases(value: str, folders: tuple, left_out: set[str]) -> tuple[str, list[tuple[str, str]]]:
    """The text with links to left-out cases replaced by their link text, and (link as written, case id) of each."""
    if "](" not in value:
        return value, []
    unlinked = []

    def plain(match: re.Match) -> str:
        ident = linked_case(match, folders)
        if ident in left_out:
            unlinked.append((match.group(0), ident))
            return match.group(1)
        return match.group(0)
    return LINK.sub(plain, value), unlinked


# Course fields whose case ids the course pages turn into links to the cases (lesson.md.j2's `cases` filter).
def names_cases(path: tuple) -> bool:
    return (len(path) >= 2 and path[-2] == "key_points") or (bool(path) and path[-1] in ("situation", "model_answer", "explanation"))


def unname_cases(value: str, replacements: dict[str, str]) -> tuple[str, list[str]]:
    """The text with the bare ids of left-out cases (outside Markdown links) replaced by what
    `replacements` (id -> text) gives for each, and the ids replaced."""
    if not replacements or not any(ident in value for ident in replacements):
        return value, []
    ids = "|".join(sorted(map(re.escape, replacements), key=len, reverse=True))
    found = []

    def plain(match: re.Match) -> str:
        ident = match.group(match.re.groups)
        if not ident:
            return match.group(0)
        found.append(ident)
        return replacements[ident]
    return re.sub(f"({LINK.pattern})|(?<![\\w-])({ids})(?![\\w-])", plain, value), found
