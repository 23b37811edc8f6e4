"""Bibliographic references in GB/T 7714-2015 style, generated from source records."""
from __future__ import annotations

TYPE_CODES = {"book": "M", "article": "J", "web": "EB/OL"}


def _names(authors: list[str]) -> str:
    authors = list(authors or [])
    if len(authors) > 3:
        return ", ".join(authors[:3]) + ", 等"
    return ", ".join(authors)


def _imprint(source: dict) -> str:
    place = source.get("place") or "出版地不详"
    publisher = source.get("publisher") or "出版者不详"
    year = source.get("year")
    return f"{place}: {publisher}, {year if year else '出版年不详'}"


def reference(source: dict, article: dict | None = None, pages: str | None = None) -> str:
    """One reference-list entry; `article` is a table-of-contents item of a compendium."""
    kind = source.get("kind", "book")
    code = TYPE_CODES[kind]
    whole = _whole(source, code)
    if article is not None:
        cited_pages = pages or (str(article["page"]) if article.get("page") else "")
        text = f"{article['unit']}. {article['title']}[{code}]//{whole.rstrip('.')}"
        return text + (f": {cited_pages}." if cited_pages else ".")
    if pages and kind == "book":
        return whole.rstrip(".") + f": {pages}."
    return whole


def _whole(source: dict, code: str) -> str:
    authors = _names(source.get("authors", []))
    lead = f"{authors}. " if authors else ""
    title = source["title"]
    if code == "EB/OL":
        published = f"({source['date']})" if source.get("date") else (f"({source['year']})" if source.get("year") else "")
        accessed = f"[{source['accessed']}]" if source.get("accessed") else ""
        tail = f". {source['url']}" if source.get("url") else ""
        stamp = f". {published}{accessed}" if (published or accessed) else ""
        return f"{lead}{title}[{code}]{stamp}{tail}."
    if code == "J":
        journal = source.get("publisher") or "刊名不详"
        return f"{lead}{title}[J]. {journal}, {source.get('year') or '出版年不详'}."
    return f"{lead}{title}[{code}]. {_imprint(source)}."
