"""Provenance: what a case's statements rest on, and checks that the content claims no more than its sources.

Interpretive statements (lessons, transfer conditions) carry a basis: `source` (a cited source whose
text the editors saw) or `editor` (编者分析). The shipped source texts (content/sources/texts/, named by
each source's text_file) must exist; `kb validate` checks prose against them for copied runs (rules.py),
and the tests check that outcome figures appear in the cited text.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from .corpus import Corpus
from .load import Document
from ..core.problems import Problem

STATEMENT_FIELDS = {"lessons": "经验启示", "transfer_conditions": "推广条件"}
COPY_RUN = 25  # Chinese characters in a row shared with a source = copied
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Quoted names and titles are marked as quotations and may repeat the source word for word.
QUOTED = re.compile(r"“[^”]*”|「[^」]*」|《[^》]*》|‘[^’]*’|『[^』]*』")
# Fields that name or quote the source by nature (headings, titles) rather than retell it.
NOT_PROSE = {"section", "source", "id", "region", "file"}


def statement_text(item) -> str:
    """The text of a lesson or transfer condition (a plain string in older content)."""
    return item.get("text", "") if isinstance(item, dict) else str(item)


@dataclass(frozen=True)
class ReaderStatement:
    """A lesson or transfer condition as a reader sees it, on the page and in every download:
    the editors' own analysis labelled 编者按, a sourced statement with the number of its source
    among the case's seen sources (资料来源 [n]), its pages and section."""
    text: str
    editor: bool
    cite: int | None = None
    pages: str | None = None
    section: str | None = None

    def source_label(self) -> str:
        """据资料 [n]，第 p 页，section — empty for the editors' analysis."""
        if self.editor or self.cite is None:
            return ""
        return "，".join([f"据资料 [{self.cite}]"] + ([f"第 {self.pages} 页"] if self.pages else [])
                        + ([self.section] if self.section else []))

    def label(self) -> str:
        """What follows the statement in plain text: （编者按） or （据资料 [n]，…）."""
        return "（编者按）" if self.editor else (f"（{self.source_label()}）" if self.source_label() else "")


EDITOR_NOTE = "标“编者按”的是编者的分析和归纳，资料原文没有这样说，引用时请注明“编者分析”。"


def seen_sources(data: dict) -> list[dict]:
    """The sources the editors read, in the order the page numbers them [1], [2] …"""
    return [c for c in data.get("sources") or [] if c.get("seen", True)]


def reader_statements(data: dict, key: str) -> list[ReaderStatement]:
    """The case's lessons or transfer conditions in the page's order: sourced ones first, then the
    editors' analysis. A statement without a stated basis is not attributed to any source."""
    numbers: dict[str, int] = {}
    for n, citation in enumerate(seen_sources(data), 1):
        numbers.setdefault(citation["source"], n)
    sourced, analysis = [], []
    for item in data.get(key) or []:
        if isinstance(item, dict) and item.get("basis") == "source":
            pages = item.get("pages")
            sourced.append(ReaderStatement(statement_text(item), False, numbers.get(item.get("source")),
                                           str(pages) if pages else None, item.get("section") or None))
        else:
            analysis.append(ReaderStatement(statement_text(item), True))
    return sourced + analysis


def _cases(corpus: Corpus):
    return [d for d in corpus.cases if isinstance(d.data, dict)]


def _citations(data: dict) -> dict[str, dict]:
    return {c["source"]: c for c in data.get("sources") or [] if isinstance(c, dict) and isinstance(c.get("source"), str)}


def _statements(data: dict):
    for key in STATEMENT_FIELDS:
        items = data.get(key)
        for i, item in enumerate(items if isinstance(items, list) else []):
            yield key, i, item


# ------------------------------------------------------------------ validator checks

def statement_problems(corpus: Corpus) -> list[Problem]:
    """Every lesson and transfer condition states its basis; a source basis is a cited, seen source."""
    problems = []
    for doc in _cases(corpus):
        cited = _citations(doc.data)
        for key, i, item in _statements(doc.data):
            label = STATEMENT_FIELDS[key]
            if isinstance(item, str):
                problems.append(doc.problem((key, i), f"{label}要写明依据：改写成 text: 内容 和 basis: source（资料，并填 source）"
                                                      f"或 basis: editor（编者分析）"))
                continue
            if not isinstance(item, dict) or item.get("basis") != "source":
                continue
            ref = item.get("source")
            if not isinstance(ref, str):
                problems.append(doc.problem((key, i, "basis"), f"{label}的依据是资料（source），还要填「依据资料」（source）：本案例资料来源中的编号"))
            elif ref not in cited:
                problems.append(doc.problem((key, i, "source"), f"依据资料“{ref}”不在本案例的资料来源（sources）中"))
            elif cited[ref].get("seen") is False:
                problems.append(doc.problem((key, i, "source"), f"资料“{ref}”标为未见原文（seen: false），不能作为依据；"
                                                                "请改为 basis: editor，或读到原文后再引用"))
    return problems


def _page_numbers(pages) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", str(pages))]


def catalogued_range(corpus: Corpus, ref: str) -> tuple[int, int | None] | None:
    """(first, last) page a reference may cite according to the catalogue; last is None if open-ended."""
    articles = corpus.article_map()
    if ref not in articles:
        source = corpus.source_map().get(ref, {})
        return (1, source["last_page"]) if isinstance(source.get("last_page"), int) else None
    article, source = articles[ref]
    if not isinstance(article.get("page"), int):
        return None
    contents = source.get("contents") or []
    position = next(i for i, a in enumerate(contents) if a is article)
    following = [a["page"] for a in contents[position + 1:] if isinstance(a, dict) and isinstance(a.get("page"), int)]
    last = following[0] - 1 if following else source.get("last_page")
    last = last if isinstance(last, int) else None
    return article["page"], last


def _reading_places(data: dict):
    """(path, source, pages) of every course reading that cites a source."""
    for m, module in enumerate(data.get("modules") or []):
        for l, lesson in enumerate((module.get("lessons") or []) if isinstance(module, dict) else []):
            for r, reading in enumerate((lesson.get("readings") or []) if isinstance(lesson, dict) else []):
                if isinstance(reading, dict) and reading.get("source"):
                    yield ("modules", m, "lessons", l, "readings", r), reading.get("source"), reading.get("pages")


def page_problems(corpus: Corpus) -> list[Problem]:
    """Cited pages (of sources, statements and course readings) lie within the catalogued range of what they cite."""
    problems = []
    docs = [(doc, False) for doc in _cases(corpus)] + [(d, True) for d in corpus.courses if isinstance(d.data, dict)]
    for doc, is_course in docs:
        data = doc.data
        if is_course:
            places = list(_reading_places(data))
        else:
            places = [(("sources", i), c.get("source"), c.get("pages")) for i, c in enumerate(data.get("sources") or [])
                      if isinstance(c, dict)]
            places += [((key, i), item.get("source"), item.get("pages")) for key, i, item in _statements(data)
                       if isinstance(item, dict)]
        for path, ref, pages in places:
            span = catalogued_range(corpus, ref) if isinstance(ref, str) and pages else None
            if span is None:
                continue
            first, last = span
            outside = [n for n in _page_numbers(pages) if n < first or (last is not None and n > last)]
            if outside:
                where = f"第 {first}–{last} 页" if last else f"第 {first} 页起"
                problems.append(doc.problem(path + ("pages",), f"页码 {pages} 超出目录中“{ref}”的范围（{where}）"))
    return problems


def editor_statements(corpus: Corpus) -> list[tuple[Document, tuple, str, str]]:
    """(case document, field path, field label, text) of every statement that is the editors' analysis."""
    found = []
    for doc in _cases(corpus):
        for key, i, item in _statements(doc.data):
            if isinstance(item, dict) and item.get("basis") == "editor":
                found.append((doc, (key, i), STATEMENT_FIELDS[key], statement_text(item)))
    return found


def editor_report(corpus: Corpus) -> str:
    """Plain-text listing for `kb validate --report`: the editors' statements, case by case."""
    rows = editor_statements(corpus)
    lines = [f"编者分析（资料未作此表述）：共 {len(rows)} 条"]
    current = None
    for doc, path, label, text in rows:
        if doc is not current:
            current = doc
            lines.append(f"\n{doc.data.get('id')}（{doc.file}）")
        line, _ = doc.position(path)
        lines.append(f"  {line:>4} 行  {label}[{path[1] + 1}]  {' '.join(text.split())}")
    return "\n".join(lines)


# ------------------------------------------------------------------ checks against the shipped texts

def texts_dir(content_dir: Path) -> Path:
    """The shipped source texts: content/sources/texts/<file named by text_file>."""
    return Path(content_dir) / "sources" / "texts"


def shipped_texts(corpus: Corpus, folder: Path | None = None) -> dict[str, str]:
    """Source or article id -> its shipped text, for every record naming a text_file that exists."""
    folder = texts_dir(corpus.root) if folder is None else Path(folder)
    names = {name for name in _text_files(corpus).values() if (folder / name).is_file()}
    return texts_by_source(corpus, {name: (folder / name).read_text(encoding="utf-8-sig") for name in names})


def texts_by_source(corpus: Corpus, files: dict[str, str]) -> dict[str, str]:
    """Source or article id -> its text, from texts already read (file name -> text)."""
    return {ident: files[name] for ident, name in _text_files(corpus).items() if name in files}


def _text_files(corpus: Corpus) -> dict[str, str]:
    records = list(corpus.source_map().items()) + [(ident, a) for ident, (a, _) in corpus.article_map().items()]
    return {ident: record["text_file"] for ident, record in records if isinstance(record.get("text_file"), str)}


def text_file_problems(corpus: Corpus) -> list[Problem]:
    """Every text_file a source or article names is shipped in content/sources/texts/."""
    folder = texts_dir(corpus.root)
    problems = []
    for doc in corpus.sources:
        data = doc.data if isinstance(doc.data, dict) else {}
        places = [(("text_file",), data.get("text_file"))]
        places += [(("contents", i, "text_file"), a.get("text_file")) for i, a in enumerate(data.get("contents") or [])
                   if isinstance(a, dict)]
        for path, name in places:
            if isinstance(name, str) and not (folder / name).is_file():
                problems.append(doc.problem(path, f"原文文本 content/sources/texts/{name} 不存在：把资料的正文存成 UTF-8 纯文本放在那里"
                                                  "（只放资料本身，网页上的广告、导航等删去），或删掉这一行"))
    return problems


def _han_segments(text: str) -> list[str]:
    """Runs of Chinese characters with punctuation and spacing dropped, split at quotations."""
    return ["".join(HAN.findall(part)) for part in QUOTED.split(text)]


def _prose(value, path=()):
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in NOT_PROSE:
                yield from _prose(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _prose(item, path + (i,))


def _number_forms(value: float) -> list[str]:
    value = abs(value)
    plain = f"{value:g}" if value != int(value) else str(int(value))
    forms = [plain]
    if value >= 10000 and value % 10000 == 0:
        forms.append(f"{value / 10000:g}万")
    return forms


def _normalised_numbers(text: str) -> str:
    return re.sub(r"(?<=\d)[ ,，](?=\d)", "", text)


NUMERAL = re.compile(r"[\d零一二两三四五六七八九十百千万半]")


def _quoted_in_source(note: str, haystack: str) -> bool:
    """A figure the source writes in words (“一个半月”) is vouched for by quoting those words in the note."""
    return any(NUMERAL.search(q) and _normalised_numbers(q[1:-1]) in haystack for q in QUOTED.findall(str(note)))


def unsupported_numbers(corpus: Corpus, texts: dict[str, str] | None = None) -> list[Problem]:
    """Outcome figures that appear in none of the shipped texts of the sources the case cites (and
    saw); `texts` defaults to the corpus's own shipped texts. A case citing no shipped text is not
    checked."""
    texts = shipped_texts(corpus) if texts is None else texts
    problems, haystacks = [], {}
    for doc in _cases(corpus):
        cited = sorted({c["source"] for c in _citations(doc.data).values() if c.get("seen", True) and c["source"] in texts})
        if not cited:
            continue
        key = tuple(cited)
        if key not in haystacks:
            haystacks[key] = _normalised_numbers("\n".join(texts[ident] for ident in cited))
        haystack = haystacks[key]
        outcomes = doc.data.get("outcomes")
        for i, outcome in enumerate(outcomes if isinstance(outcomes, list) else []):
            if not isinstance(outcome, dict):
                continue  # the schema reports it
            change = outcome.get("change") if isinstance(outcome.get("change"), dict) else {}
            for key, number in (("value", outcome.get("value")), ("change", change.get("amount"))):
                if not isinstance(number, (int, float)) or isinstance(number, bool) or not math.isfinite(number):
                    continue
                forms = _number_forms(number)
                if not any(re.search(rf"(?<![\d.]){re.escape(f)}(?![\d])", haystack) for f in forms) \
                        and not _quoted_in_source(outcome.get("note", ""), haystack):
                    problems.append(doc.problem(("outcomes", i, key), f"数字 {forms[0]} 在所引资料的原文中找不到："
                                                "请对照原文核对；原文用汉字写的（如“一个半月”），在 note 里照录原文的说法"))
    return problems
