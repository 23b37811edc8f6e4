"""Bibliographic references in GB/T 7714-2015 style, generated from source records.

A reference claims no more than the source states: a unit is printed as the author only when the
source names it as the responsible party (unit_role "author"); a contributing, studied or reported
unit follows the reference under its own label; inferred years print as [2023?] and inferred pages
carry 推定; a repost or modification date is labelled as such, never passed off as publication.
"""
from __future__ import annotations

TYPE_CODES = {"book": "M", "article": "J", "web": "EB/OL"}
UNIT_LABELS = {"contributor": "供稿单位", "studied": "调研对象", "described": "报道对象"}


class Citation(str):
    """One entry of a case's source list: the reference text itself (a str, so it prints and joins
    like one) plus what the reader needs beside it: the cited section and whether the text was seen."""

    def __new__(cls, ref: str, text: str, section: str = "", seen: bool = True):
        citation = super().__new__(cls, text)
        citation.ref, citation.section, citation.seen = ref, section, seen
        return citation

    @property
    def text(self) -> str:
        return str.__str__(self)


def _names(authors: list[str]) -> str:
    authors = list(authors or [])
    if len(authors) > 3:
        return ", ".join(authors[:3]) + ", 等"
    return ", ".join(authors)


def _year(source: dict) -> str:
    year = source.get("year")
    if not year:
        return "出版年不详"
    return f"[{year}?]" if source.get("year_inferred") else str(year)


def _imprint(source: dict) -> str:
    place = source.get("place") or "出版地不详"
    publisher = source.get("publisher") or "出版者不详"
    return f"{place}: {publisher}, {_year(source)}"


def _pages(pages: str, inferred: bool) -> str:
    if not inferred:
        return pages
    return f"{pages}（{'止页' if '-' in pages else ''}推定）"


def reference(source: dict, article: dict | None = None, pages: str | None = None,
              pages_inferred: bool = False) -> str:
    """One reference-list entry; `article` is a table-of-contents item of a compendium."""
    kind = source.get("kind", "book")
    code = TYPE_CODES[kind]
    whole = _whole(source, code)
    if article is not None:
        cited_pages = pages or (str(article["page"]) if article.get("page") else "")
        role, unit = article.get("unit_role", "contributor"), article.get("unit")
        lead = f"{unit}. " if unit and role == "author" else ""
        text = f"{lead}{article['title']}[{code}]//{whole.rstrip('.')}"
        text += (f": {_pages(cited_pages, pages_inferred)}." if cited_pages else ".")
        if unit and role != "author":
            text += f" {UNIT_LABELS[role]}：{unit}."
        return text
    if pages and kind == "book":
        return whole.rstrip(".") + f": {_pages(pages, pages_inferred)}."
    return whole


def _web_stamp(source: dict) -> str:
    """Year and dates of a web page: (original date), or [inferred year](repost date, modified date)."""
    dates = [source.get("date") or ""]
    if source.get("repost_date"):
        dates.append(f"{source['repost_date']}转载")
    if source.get("modified_date"):
        dates.append(f"{source['modified_date']}修改")
    dates = [d for d in dates if d]
    year = ""
    if source.get("year") and (source.get("year_inferred") or not source.get("date")):
        year = _year(source) if source.get("year_inferred") or dates else f"({source['year']})"
    # "[2007?] (…)" keeps a space: "[2007?](…)" would read as a Markdown link.
    stamp = " ".join(part for part in (year, f"({', '.join(dates)})" if dates else "") if part)
    accessed = f"[{source['accessed']}]" if source.get("accessed") else ""
    return f". {stamp}{accessed}" if (stamp or accessed) else ""


def _whole(source: dict, code: str) -> str:
    authors = _names(source.get("authors", []))
    lead = f"{authors}. " if authors else ""
    title = source["title"]
    if code == "EB/OL":
        tail = f". {source['url']}" if source.get("url") else ""
        return f"{lead}{title}[{code}]{_web_stamp(source)}{tail}."
    if code == "J":
        journal = source.get("publisher") or "刊名不详"
        return f"{lead}{title}[J]. {journal}, {_year(source)}."
    return f"{lead}{title}[{code}]. {_imprint(source)}."
