"""`kb import 材料.docx`: a Word 经验材料 becomes a draft case for an editor to complete.

The document is read into blocks (paragraphs with their numbering level, alignment and style,
tables). Contact lines, phone numbers, the signature and dates are left out first (and reported);
the title and subtitle come from a title or heading style or centred first lines; the rest is split
into sections by its top-level headings (一、基本情况 / 二、主要做法 / 三、取得成效 / …), and each
section is mapped to a case field — every figure of 取得成效 becomes an outcome candidate. Whatever
is not mapped goes to `notes`; whatever the import is unsure of is left empty and listed. The
draft (status: draft) leaves the summary, types, themes and each candidate's evidence to the editor.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..content.corpus import Corpus
from ..content.scaffold import ID_MAX, REGION_TO_CASE_LEVEL, case_id
from ..content.validate import province_folder
from .docx_figures import count_figures, figure_candidates, reads_like_result, sentences, table_candidates
from .docx_parts import (DATE_IN_TEXT, FORMULA, ISSUE, LABELLED, MASTHEAD, PHONE, Found, contact_labels, date_year,
                         edited_by, is_title_like, metadata_label, org_name, signature, speaker_unit, year_of)
from .limits import DOCX, MAX_CHARACTERS, MAX_FIGURES, MAX_PARAGRAPHS, MAX_TABLE_CELLS, TooLarge, check_package

__all__ = ["ImportFailed", "build_draft", "figure_candidates", "import_docx", "numbering", "read_blocks"]

SOURCE_SUFFIX = "-cailiao"  # the draft's source stub: the case id and this


class ImportFailed(Exception):
    """A document that cannot be read; the message is for the editor, in Chinese."""


# ------------------------------------------------------------------ reading the document

@dataclass
class Block:
    text: str = ""
    level: int = 0           # 1 一、  2 （一）  3 1.  4 （1）; 0 for body text
    label: str = ""          # the numbering as written, e.g. "（二）"
    style: str = ""
    rows: list[list[str]] | None = None  # for a table
    centred: bool = False

    @property
    def is_table(self) -> bool:
        return self.rows is not None


_HALF = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)}  # full-width ASCII → ASCII, same length
NUMBERING = [
    (1, re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.]\s*")),
    (2, re.compile(r"^\s*\(\s*[一二三四五六七八九十]+\s*\)\s*[、.]?\s*")),
    (3, re.compile(r"^\s*\d{1,2}\s*[.、](?!\d)\s*")),
    (4, re.compile(r"^\s*\(\s*\d{1,2}\s*\)\s*[、.]?\s*")),
]
_HEADING_STYLE = re.compile(r"^(Heading|标题)\s*(\d)$")


def numbering(text: str) -> tuple[int, str, str]:
    """(level, label, rest) of an officially numbered paragraph; level 0 when it is not numbered."""
    flat = text.translate(_HALF)
    for level, pattern in NUMBERING:
        match = pattern.match(flat)
        if match and match.end() < len(text):
            return level, text[:match.end()].strip(), text[match.end():].strip()
    return 0, "", text.strip()


def _check_container(path: Path) -> None:
    with open(path, "rb") as stream:
        head = stream.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raw = path.read_bytes()
        if "EncryptedPackage".encode("utf-16-le") in raw:
            raise ImportFailed(f"{path.name}：文件设有打开密码，无法读取。请在 Word 中取消密码（文件 → 信息 → 保护文档）后另存为 .docx 再导入。")
        raise ImportFailed(f"{path.name}：这是旧版 Word 文件（.doc），请在 Word 中“另存为” Word 文档（.docx）后再导入。")
    if not head.startswith(b"PK"):
        raise ImportFailed(f"{path.name}：文件已损坏或不是 Word 文档（.docx），无法读取。")


def read_blocks(path: Path) -> tuple[list[Block], str]:
    """The document's paragraphs and tables in order, and its title from the file properties."""
    import docx
    from docx.table import Table

    path = Path(path)
    if not path.is_file():
        raise ImportFailed(f"找不到文件：{path}")
    try:
        check_package(path, DOCX)
    except TooLarge as err:
        raise ImportFailed(str(err)) from None
    _check_container(path)
    try:
        document = docx.Document(str(path))
        _check_length(document, path.name)
        items = list(document.iter_inner_content())
        core_title = (document.core_properties.title or "").strip()
    except TooLarge as err:
        raise ImportFailed(str(err)) from None
    except Exception as err:  # a broken package surfaces as BadZipFile, KeyError, XML or value errors
        raise ImportFailed(f"{path.name}：文件已损坏或不是 Word 文档（.docx），无法读取（{type(err).__name__}）。") from None
    blocks = []
    style_of = _styles()
    for item in items:
        if isinstance(item, Table):
            rows = [[_clean(cell.text) for cell in row.cells] for row in item.rows]
            rows = [_dedupe_merged(r) for r in rows if any(r)]
            if rows:
                blocks.append(Block(rows=rows))
            continue
        text = _clean(item.text)
        if not text:
            continue
        style = style_of(item)
        level, label, rest = numbering(text)
        heading = _HEADING_STYLE.match(style.name if style is not None else "")
        if not level and heading:
            level, rest = int(heading.group(2)), text
        elif not level and (depth := _list_depth(item, style)) is not None:
            level, rest = min(3 + depth, 4), text  # Word's automatic numbering: the number is not in the text
        blocks.append(Block(text=rest if level else text, level=level, label=label,
                            style=style.name if style is not None else "", centred=_centred(item, style)))
    return blocks, core_title


def _centred(paragraph, style) -> bool:
    """Centred directly or by its style (or the style that one is based on)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    while paragraph.alignment is None and style is not None:
        if style.paragraph_format.alignment is not None:
            return style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
        style = style.base_style
    return paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER


def _check_length(document, name: str) -> None:
    """Refuse a document with more paragraphs, table cells or characters than the limits allow."""
    from docx.oxml.ns import qn

    body = document.element.body
    for tag, limit, what, usual in ((qn("w:p"), MAX_PARAGRAPHS, "段落", "经验材料通常几百段"),
                                    (qn("w:tc"), MAX_TABLE_CELLS, "表格单元格", "经验材料的表格通常几十到几百格")):
        count = sum(1 for _ in body.iter(tag))
        if count > limit:
            raise TooLarge(name, f"文档有 {count:,} 个{what}，超过 {limit:,} 个的上限（{usual}），不予导入。")
    characters = sum(len(text.text or "") for text in body.iter(qn("w:t")))
    if characters > MAX_CHARACTERS:
        raise TooLarge(name, f"文档有 {characters:,} 个字，超过 {MAX_CHARACTERS:,} 字的上限（经验材料通常几千到几万字），不予导入。")


def _styles():
    """paragraph → its style, looked up once per style: python-docx searches all styles on every
    lookup (2 ms a paragraph with its default template's 160 styles)."""
    seen = {}

    def style_of(paragraph):
        key = paragraph._p.style  # the style id, None for the default style
        if key not in seen:
            seen[key] = paragraph.style
        return seen[key]
    return style_of


def _list_depth(paragraph, style) -> int | None:
    """The list level of a paragraph numbered by Word itself (directly or through a list style
    such as “List Number 2”, whose own level is in its name)."""
    named = re.match(r"^List (?:Number|Bullet)(?: (\d))?$", style.name if style is not None else "")
    for props in (paragraph._p.pPr, style._element.pPr if style is not None else None):
        num = props.numPr if props is not None else None
        if num is not None and num.numId is not None and num.numId.val != 0:
            ilvl = num.ilvl.val if num.ilvl is not None else 0
            return max(ilvl, int(named.group(1)) - 1 if named and named.group(1) else 0)
    return None


def _clean(text: str) -> str:
    return re.sub(r"[ \t\u3000]+", " ", text.replace("\r", "\n")).strip()


def _dedupe_merged(row: list[str]) -> list[str]:
    """A merged cell repeats in python-docx's row; keep it once."""
    out = []
    for cell in row:
        if not out or cell != out[-1]:
            out.append(cell)
    return out


# ------------------------------------------------------------------ sections

SECTION_KEYWORDS = [
    ("background", ("基本情况", "案例背景", "背景", "基本概况", "起因", "问题的提出", "实施背景")),
    ("measures", ("主要做法", "经验做法", "具体做法", "工作做法", "主要措施", "创新做法", "工作举措", "做法")),
    ("outcomes", ("取得成效", "主要成效", "工作成效", "实施成效", "取得的成效", "成效", "效果")),
    ("lessons", ("经验启示", "启示", "经验体会", "体会", "几点思考", "经验")),
]


def section_kind(heading: str) -> str | None:
    head = heading[:14]
    for kind, words in SECTION_KEYWORDS:
        if any(w in head for w in words):
            return kind
    return None


@dataclass
class Section:
    heading: str
    kind: str | None
    blocks: list[Block] = field(default_factory=list)
    heading_is_measure: bool = False  # 一、建立网络 二、… with no 主要做法 above them


def _is_section_heading(block: Block) -> bool:
    return bool(block.label) or (section_kind(block.text) is not None and len(block.text) <= 12)


def _opens_with_title(block: Block) -> bool:
    return (not block.is_table and not _is_section_heading(block) and not org_name(block.text)
            and is_title_like(block.text, block.style, block.centred, bool(block.label)))


def _is_subtitle(block: Block) -> bool:
    if block.is_table or _is_section_heading(block) or org_name(block.text) or len(block.text) > 60:
        return False
    if block.text.startswith(("——", "--", "—")):
        return True
    return block.style in ("Subtitle", "副标题") or (block.centred and not block.text.endswith("。"))


def title_line_count(blocks: list[Block]) -> int:
    """How many of the first blocks are the title and subtitle (0, 1 or 2)."""
    if not blocks or not _opens_with_title(blocks[0]):
        return 0
    return 2 if len(blocks) > 1 and _is_subtitle(blocks[1]) else 1


def section_level(blocks: list[Block]) -> int:
    """The numbering level of the section headings: 1 (一、), or the first level whose headings
    name a section (a short paper numbered （一）背景 （二）做法 …)."""
    paragraphs = [b for b in blocks if not b.is_table and b.level]
    if any(b.level == 1 for b in paragraphs):
        return 1
    named = sorted(b.level for b in paragraphs if section_kind(b.text) and len(b.text) <= 12)
    return named[0] if named else 1


_INLINE_HEADING = re.compile(r"^(?P<label>[\u4e00-\u9fff]{2,6})\s*[:：]\s*(?P<rest>.+)$", re.S)


def _inline_heading(label: str) -> bool:
    return section_kind(label) is not None and metadata_label(label) is None


def inline_headings(blocks: list[Block]) -> list[Block]:
    """Sections written without a heading line — “主要做法：一是……”, or rows of a 推荐表
    (主要做法 | …) — as a heading and its text."""
    out = []
    for block in blocks:
        if block.is_table and all(len(row) == 2 for row in block.rows):
            out += _form_sections(block.rows)
        elif not block.is_table and not block.level and (m := _INLINE_HEADING.match(block.text)) \
                and _inline_heading(m.group("label")):
            out += [Block(text=m.group("label"), level=1), Block(text=m.group("rest").strip())]
        else:
            out.append(block)
    return out


def _form_sections(rows: list[list[str]]) -> list[Block]:
    fields = [row for row in rows if not _inline_heading(re.sub(r"\s", "", row[0]))]
    sections = [row for row in rows if _inline_heading(re.sub(r"\s", "", row[0]))]
    out = [Block(rows=fields)] if fields else []
    for label, text in sections:
        out += [Block(text=re.sub(r"\s", "", label), level=1)] + [Block(text=line) for line in text.split("\n") if line.strip()]
    return out


def split_sections(blocks: list[Block]) -> tuple[list[Block], list[Section]]:
    """(the blocks before the first top-level heading, the sections); title lines stay in the head
    even when they are set in a heading style."""
    titles = title_line_count(blocks)
    level = section_level(blocks[titles:])
    head, sections = list(blocks[:titles]), []
    for block in blocks[titles:]:
        if not block.is_table and block.level == level:
            sections.append(Section(block.text, section_kind(block.text)))
        elif sections:
            sections[-1].blocks.append(replace(block, level=max(block.level - level + 1, 0)) if block.level else block)
        else:
            head.append(block)
    if sections and not any(s.kind == "measures" for s in sections):
        for section in sections:  # the top-level headings are the measures themselves (一、建立网络 二、…)
            if section.kind is None:
                section.kind, section.heading_is_measure = "measures", True
    return head, sections


# ------------------------------------------------------------------ what is never written

def without_personal_lines(blocks: list[Block], found: Found) -> list[Block]:
    """Contact lines and phone numbers left out, each reported."""
    kept = []
    for block in blocks:
        if block.is_table:
            rows = [_row_without_contacts(row, found) for row in block.rows]
            rows = [row for row in rows if row]
            if rows:
                kept.append(Block(rows=rows))
            continue
        labels = contact_labels(block.text)
        if labels:
            for label in labels:
                found.drop(label)
            continue
        text = _without_phones(block.text, found)
        if text:
            kept.append(replace(block, text=text))
    return kept


def _row_without_contacts(row: list[str], found: Found) -> list[str]:
    if len(row) == 2 and metadata_label(re.sub(r"\s", "", row[0])) == "contact":
        found.drop(re.sub(r"\s", "", row[0]))
        return []
    return [_without_phones(cell, found) for cell in row]


def _without_phones(text: str, found: Found) -> str:
    if not PHONE.search(text):
        return text
    found.drop("电话号码")
    rest = PHONE.sub("", text)
    if len(re.sub(r"[\s:：，,、；;。（）()]", "", rest)) < 4:
        return ""
    return PHONE.sub("（电话号码已略去）", text)


@dataclass
class Signed:
    organisation: str = ""
    year: int | None = None


def without_masthead(blocks: list[Block], found: Found, signed: Signed) -> list[Block]:
    """A briefing's masthead (信访工作简报 / 第12期 / 某某编 日期) left out; its unit and date kept
    as the document's."""
    if not blocks or blocks[0].is_table or not MASTHEAD.search(blocks[0].text):
        return blocks
    issue = next((n for n, b in enumerate(blocks[1:3], start=1) if not b.is_table and ISSUE.match(b.text)), None)
    if issue is None:
        return blocks
    found.drop("简报报头（" + " ".join(b.text for b in blocks[:issue + 1]) + "）")
    rest = blocks[issue + 1:]
    if rest and not rest[0].is_table and (edited_by(rest[0].text) or DATE_IN_TEXT.search(rest[0].text)):
        signed.organisation = edited_by(rest[0].text) or ""
        date = DATE_IN_TEXT.search(rest[0].text)
        signed.year = year_of(date.group("year")) if date else None
        found.drop(f"报头（{rest[0].text}）")
        rest = rest[1:]
    return rest


def without_signature(blocks: list[Block], found: Found, signed: Signed) -> tuple[list[Block], Signed]:
    """The 落款 (unit and date) and date lines left out and reported; the last date found is the
    document's date."""
    kept = []
    for index, block in enumerate(blocks):
        if block.is_table or block.level:
            kept.append(block)
        elif not _signature_or_date(block.text, blocks[index + 1:], signed, found, _in_sections(kept)):
            kept.append(block)
    return kept, signed


def _in_sections(kept: list[Block]) -> bool:
    return any(b.level == 1 and not b.is_table for b in kept[1:])


def _signature_or_date(text: str, after: list[Block], signed: Signed, found: Found, body_seen: bool) -> bool:
    labelled = LABELLED.match(text)
    if labelled and metadata_label(labelled.group("label")) == "date":
        text = labelled.group("value").strip()
    if (year := date_year(text)) is not None:
        signed.year = year
        found.drop(f"日期（{text}）")
        return True
    if FORMULA.match(text):
        found.drop("称呼语和结束语")
        return True
    if (unit := speaker_unit(text)) is not None:
        signed.organisation = signed.organisation or unit
        found.drop(f"发言人署名（{unit}……，姓名不收录）")
        return True
    if (unit_and_year := signature(text)) is not None:
        signed.organisation, signed.year = unit_and_year
        found.drop(f"落款（{text}）")
        return True
    following = next((b for b in after if not b.is_table), None)
    if body_seen and org_name(text) and (following is None or date_year(following.text) is not None):
        signed.organisation = org_name(text)
        found.drop(f"落款（{text}）")
        return True
    return False


# ------------------------------------------------------------------ the head: title, unit, labelled fields

@dataclass
class Head:
    title: str = ""
    title_sure: bool = True
    subtitle: str = ""
    organisation: str = ""
    labelled: dict[str, str] = field(default_factory=dict)
    intro: list[Block] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_head(blocks: list[Block], title_lines: int, found: Found) -> Head:
    head = Head()
    if title_lines:
        head.title = blocks[0].text
    if title_lines == 2:
        head.subtitle = _subtitle_text(blocks[1].text)
    for block in blocks[title_lines:]:
        if block.is_table and all(len(row) == 2 for row in block.rows):
            _read_form(block.rows, head, found)
        elif block.is_table:
            head.intro.append(block)
        elif not _read_head_line(block, head, title_lines):
            head.intro.append(block)
    return head


def _read_form(rows: list[list[str]], head: Head, found: Found) -> None:
    """A 申报表: label | value rows."""
    for label, value in rows:
        label = re.sub(r"\s", "", label)
        key = metadata_label(label)
        if key in ("contact", "date"):
            found.drop(label)
        elif key:
            head.labelled.setdefault(key, value)
        else:
            head.notes.append(f"{label}：{value}")


def _read_head_line(block: Block, head: Head, title_lines: int) -> bool:
    """Takes a labelled field, the unit line, a subtitle or (lacking a styled title) a plain
    first line as the title; False when the line is body text."""
    labelled = LABELLED.match(block.text)
    key = metadata_label(labelled.group("label")) if labelled else None
    if key and key not in ("contact", "date"):
        head.labelled.setdefault(key, labelled.group("value").strip())
        return True
    if head.intro:
        return False
    if not head.organisation and org_name(block.text):
        head.organisation = org_name(block.text)
        return True
    if not head.subtitle and head.title and block.text.startswith(("——", "--", "—")):
        head.subtitle = _subtitle_text(block.text)
        return True
    if not title_lines and not head.title and _plain_title(block.text):
        head.title, head.title_sure = block.text, False
        return True
    return False


def _subtitle_text(text: str) -> str:
    text = text.lstrip("—- ")
    return text[1:-1] if re.fullmatch(r"[（(].+[）)]", text) else text


def _plain_title(text: str) -> bool:
    return len(text) <= 40 and not text.endswith(("。", "；", "：", ":")) and "，" not in text


# ------------------------------------------------------------------ the sections: background, measures, outcomes, lessons

@dataclass
class Body:
    background: list[str] = field(default_factory=list)
    measures: list[dict] = field(default_factory=list)
    lessons: list[str] = field(default_factory=list)
    outcomes: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_body(head: Head, sections: list[Section], found: Found) -> Body:
    body = Body(notes=list(head.notes))
    for section in sections:
        if section.kind == "background":
            body.background += [_block_text(b) for b in section.blocks]
        elif section.kind == "measures":
            body.measures += _section_measures(section, body.notes)
        elif section.kind == "lessons":
            body.lessons += _section_lessons(section, body.notes)
        elif section.kind == "outcomes":
            body.outcomes += _section_outcomes(section, body.notes)
        else:
            body.notes += [f"【{section.heading}】"] + [_block_text(b) for b in section.blocks]
    _place_intro(head.intro, body)
    if not any(s.kind == "outcomes" for s in sections):
        body.outcomes = _outcomes_without_section(head.intro, sections, found)
    _report_unsure_items(body, found)
    return body


def _place_intro(intro: list[Block], body: Body) -> None:
    if not intro:
        return
    if body.background:
        body.notes = ["【开头】"] + [_block_text(b) for b in intro] + body.notes
    else:
        body.background = [_block_text(b) for b in intro]


def _block_text(block: Block) -> str:
    if block.is_table:
        return "\n".join(" | ".join(row) for row in block.rows)
    return f"{block.label}{block.text}" if block.label and block.label != "·" else block.text


def _items(blocks: list[Block]) -> tuple[list[Block], list[list[Block]]]:
    """Split a section's blocks at its highest sub-numbering: (intro, [item blocks …])."""
    levels = sorted({b.level for b in blocks if b.level >= 2})
    if not levels:
        return blocks, []
    intro, items = [], []
    for block in blocks:
        if block.level == levels[0]:
            items.append([block])
        elif items:
            items[-1].append(block)
        else:
            intro.append(block)
    return intro, items


def split_name(text: str) -> tuple[str, str]:
    """"建立三级代理网络。在区、街道……" → (name, details); the name is empty when the text has
    no short lead phrase (the import never cuts a sentence into a name)."""
    match = re.match(r"^(.{2,40}?)[。：:！!；;]\s*(.*)$", text, re.S)
    if match:
        return match.group(1).strip(), match.group(2).strip()
    if len(text) <= 40:
        return text.strip("。 "), ""
    return "", text


def _measure(name_text: str, more: list[Block]) -> dict:
    name, details = split_name(name_text)
    return {"name": name, "details": "\n".join(filter(None, [details] + [_block_text(b) for b in more]))}


_INLINE_MARK = re.compile(r"(?:^|(?<=[。；;：:]))\s*(?:[一二三四五六七八九十]是|(?<![\d.])\d{1,2}[.、．](?!\d)"
                          r"|[（(][一二三四五六七八九十\d]{1,2}[)）])")


def inline_items(text: str) -> tuple[str, list[str]]:
    """(lead, items) of a paragraph that counts its items inline: “一是……；二是……；三是……”."""
    marks = list(_INLINE_MARK.finditer(text))
    if len(marks) < 2:
        return text, []
    ends = [m.start() for m in marks[1:]] + [len(text)]
    items = [text[m.end():end].strip().rstrip("；;。") + "。" for m, end in zip(marks, ends)]
    return text[:marks[0].start()].strip(), items


def _inline_measure(text: str) -> dict:
    match = re.match(r"^(.{2,12}?)[，,：:。；;](.+)$", text, re.S)
    if match:
        return {"name": match.group(1), "details": match.group(2).strip()}
    return _measure(text, [])


def _with_inline_items(blocks: list[Block]) -> list[Block]:
    """Paragraphs counting their items inline, split into one numbered block per item."""
    out = []
    for block in blocks:
        lead, items = (inline_items(block.text) if not block.is_table and not block.level else (block.text, []))
        if not items:
            out.append(block)
            continue
        if lead:
            out.append(replace(block, text=lead))
        out += [Block(text=item, level=5, label="·") for item in items]
    return out


def _section_measures(section: Section, notes: list[str]) -> list[dict]:
    if section.heading_is_measure:
        return [_measure(section.heading, section.blocks)]
    lead, items = _items(_with_inline_items(section.blocks))
    if items and items[0][0].level == 5:
        notes += [f"【{section.heading}】"] + [_block_text(b) for b in lead] if lead else []
        return [dict(_inline_measure(item[0].text), details=_details(item)) for item in items]
    if items:
        if lead:
            notes += [f"【{section.heading}】"] + [_block_text(b) for b in lead]
        return [_measure(item[0].text, item[1:]) for item in items]
    return [_measure(_block_text(b), []) for b in section.blocks]


def _details(item: list[Block]) -> str:
    first = _inline_measure(item[0].text)["details"]
    return "\n".join(filter(None, [first] + [_block_text(b) for b in item[1:]]))


def _section_lessons(section: Section, notes: list[str]) -> list[str]:
    lead, items = _items(_with_inline_items(section.blocks))
    if not items:
        return [_block_text(b) for b in section.blocks if not b.is_table]
    if lead:
        notes += [f"【{section.heading}】"] + [_block_text(b) for b in lead]
    return ["".join([item[0].text] + [_block_text(b) for b in item[1:]]) for item in items]


def _section_outcomes(section: Section, notes: list[str]) -> list[dict]:
    """Every figure of the 取得成效 section is a candidate; its sentences without a figure stay
    in the notes for the summary."""
    origin = section.heading[:12]
    candidates, plain = [], []
    for block in section.blocks:
        if block.is_table:
            candidates += table_candidates(block.rows, origin)
            continue
        for sentence in sentences(_block_text(block)):
            found_here = figure_candidates(sentence, origin)
            candidates += found_here
            if not found_here:
                plain.append(sentence)
    if plain:
        notes += [f"【{section.heading}】（没有数字的句子）"] + plain
    return candidates


def _outcomes_without_section(intro: list[Block], sections: list[Section], found: Found) -> list[dict]:
    """No 取得成效 section: figures of sentences that read like results (a rate, a change) in the
    opening and in every section but the background, listed as unsure."""
    blocks = [("开头", b) for b in intro] + [(s.heading[:12], b) for s in sections
                                             if s.kind != "background" for b in s.blocks]
    candidates = []
    for origin, block in blocks:
        if block.is_table:
            candidates += table_candidates(block.rows, origin)
        else:
            candidates += [c for s in sentences(block.text) if reads_like_result(s) for c in figure_candidates(s, origin)]
    if candidates:
        found.unsure.append(f"文中没有“取得成效”一节：{len(candidates)} 条成效数据候选取自其他段落，请逐条核对")
    return candidates


def _report_unsure_items(body: Body, found: Found) -> None:
    for n, measure in enumerate(body.measures, start=1):
        if not measure["name"]:
            found.unsure.append(f"主要措施第 {n} 条：没有认出措施名称（已留空），内容放在 details 中")
    for n, outcome in enumerate(body.outcomes, start=1):
        if not outcome.get("indicator"):
            found.unsure.append(f"成效数据第 {n} 条：没有认出指标（已留空）——{outcome['note']}")
        if "value" in outcome and not outcome.get("unit"):
            found.unsure.append(f"成效数据第 {n} 条：表格没有写单位（已留空）——{outcome['note']}")


# ------------------------------------------------------------------ title, unit, region, years

def choose_title(head: Head, core_title: str, file_name: str, found: Found) -> str:
    if head.labelled.get("title"):
        if head.title and head.title != head.labelled["title"]:
            head.notes.append(f"文档标题行：{head.title}")
        return head.labelled["title"]
    if head.title and head.title_sure:
        return head.title
    if head.title:
        found.unsure.append(f"标题取自第一行“{head.title}”（没有标题样式，也没有居中），请核对")
        return head.title
    if core_title:
        found.unsure.append(f"文中没有认出标题，标题取自文件属性“{core_title}”，请核对")
        return core_title
    found.unsure.append(f"没有认出标题（已留空）：请按文件《{file_name}》填写")
    return ""


def choose_organisation(head: Head, signed: Signed, found: Found) -> str:
    if head.labelled.get("organisation") or head.organisation:
        return head.labelled.get("organisation") or head.organisation
    if signed.organisation:
        found.unsure.append(f"实施单位取自落款或报头“{signed.organisation}”，请核对是否就是实施单位")
        return signed.organisation
    found.unsure.append("没有认出实施单位（已留空）")
    return ""


def choose_region(corpus: Corpus, given: str | None, named: list[str], blocks: list[Block],
                  file_name: str, found: Found) -> str:
    if given:
        return given
    region_id = find_region(corpus, named)
    if region_id is None:
        region_id = find_region(corpus, [_block_text(b) for b in blocks[:12]])
        if region_id is not None:
            found.unsure.append(f"地区是从正文的地名推断的（{region_id}），请核对")
    if region_id is None:
        raise ImportFailed(f"{file_name}：没有从文档中认出地区（地区名录 content/regions.yaml 中的地名），"
                           "请用 --region 指定，例如 kb import 材料.docx --region 长宁区")
    return region_id


def find_region(corpus: Corpus, texts: list[str]) -> str | None:
    """The lowest-level region named in the texts, preferring one whose ancestors are named too."""
    regions = corpus.region_map()
    joined = "\n".join(texts)
    named = [rid for rid, region in regions.items()
             if region.get("level") != "country" and any(n in joined for n in _region_names(region))]
    if not named:
        return None
    named_set = set(named)

    def score(rid):
        chain = corpus.region_path(rid)
        return (sum(r["id"] in named_set for r in chain), len(chain))
    return max(named, key=score)


_PEOPLES = ("蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|高山|拉祜|水|东乡|纳西|景颇|"
            "柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|乌孜别克|俄罗斯|鄂温克|德昂|保安|"
            "裕固|京|塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺")
_AUTONOMOUS = re.compile(rf"^(.+?)(?:(?:{_PEOPLES})族)+自治(州|县)$")


def _region_names(region: dict) -> set[str]:
    """A region's name and the short forms a document uses (上海, 德宏州 for 德宏傣族景颇族自治州)."""
    name = region["name"]
    names = {name}
    autonomous = _AUTONOMOUS.match(name)
    if autonomous:
        names.add(autonomous.group(1) + autonomous.group(2))
    if region.get("level") in ("province", "city") and len(name) > 2:
        names.add(re.sub(r"(省|市|自治区)$", "", name))
    return {n for n in names if len(n) >= 2}


def _reported_year(source: dict | None, signed: Signed, found: Found) -> int | None:
    """The cited source's year; else the document's own date (with --source, listed as unsure)."""
    year = source.get("year") if source else None
    if isinstance(year, int):
        return year
    if source and signed.year:
        found.unsure.append(f"资料条目 {source['id']} 没有年份：报道年份取自文档的日期 {signed.year}，请核对")
    return signed.year


_STARTED = re.compile(r"(?<!\d)((?:19|20)\d{2})年(?:\d{1,2}月)?(?:起|以来|开始|试点|推行|建立)")


def choose_period(reported: int | None, texts: list[str], found: Found) -> dict:
    """The reported year is the document's own date (or its source's year); it is never guessed
    from the years the text mentions. The start year is the earliest “XXXX年起/以来/开始…”."""
    period = {}
    if reported is None:
        found.unsure.append("报道年份：文中没有落款日期（已留空），请按资料填写")
    else:
        period["reported_year"] = reported
    starts = [int(y) for y in _STARTED.findall("\n".join(texts))]
    if starts and (reported is None or min(starts) <= reported):
        period["start_year"] = min(starts)
        found.unsure.append(f"开始年份 {min(starts)} 取自文中“{min(starts)}年起/以来”一类说法，请核对")
    return period


# ------------------------------------------------------------------ the draft

@dataclass
class Draft:
    data: dict
    source: dict | None  # the new source stub; None when the draft cites an existing source
    mapped: list[str] = field(default_factory=list)
    unsure: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)


def build_draft(blocks: list[Block], core_title: str, file_name: str, corpus: Corpus,
                region: str | None = None, today: dt.date | None = None, source: dict | None = None) -> Draft:
    """The draft case (and, without `source`, a source stub) for a document's blocks."""
    today, found = today or dt.date.today(), Found()
    signed = Signed()
    blocks = without_masthead(inline_headings(without_personal_lines(blocks, found)), found, signed)
    blocks, signed = without_signature(blocks, found, signed)
    head_blocks, sections = split_sections(blocks)
    head = read_head(head_blocks, title_line_count(head_blocks), found)
    title = choose_title(head, core_title, file_name, found)
    body = read_body(head, sections, found)
    organisation = choose_organisation(head, signed, found)
    region_id = choose_region(corpus, region, [title, head.subtitle, organisation, head.labelled.get("region", "")],
                              blocks, file_name, found)
    period = choose_period(_reported_year(source, signed, found), [_block_text(b) for b in blocks], found)
    ident = _draft_id(corpus, region_id, title or Path(file_name).stem)
    source_id = source["id"] if source else f"{ident}{SOURCE_SUFFIX}"
    data = _case_data(ident, title, organisation, region_id, corpus, period, body, source_id, today)
    data["notes"] = _notes(file_name, head, body.notes)
    stub = None if source else _source_stub(source_id, title, head.subtitle, organisation, period, file_name)
    draft = Draft(data, stub, unsure=found.unsure, dropped=found.dropped,
                  left=[line for line in body.notes if line.startswith("【")])
    draft.mapped = _mapped(draft, corpus, head.subtitle, source is not None)
    return draft


def _draft_id(corpus: Corpus, region_id: str, name: str) -> str:
    short_name = name
    for region_part in corpus.region_path(region_id):
        short_name = short_name.replace(region_part["name"], "")
    return case_id(region_id, re.sub(r"[“”\"'《》：:——]", "", short_name) or name,
                   limit=ID_MAX - len(f"-v99{SOURCE_SUFFIX}"))  # room for import_docx's -v2… and the source's suffix


def _case_data(ident: str, title: str, organisation: str, region_id: str, corpus: Corpus, period: dict,
               body: Body, source_id: str, today: dt.date) -> dict:
    level = REGION_TO_CASE_LEVEL[corpus.region_map()[region_id]["level"]]
    data = {
        "id": ident, "title": title, "status": "draft",
        "locality": {"region": region_id, "level": level},
        "organisation": organisation,
        "practice_types": [], "themes": [],
        "period": period,
        "summary": "",
        "background": "\n\n".join(body.background),
        "measures": body.measures or [{"name": "", "details": ""}],
        "outcomes": [dict(c, indicator=c.get("indicator", "")) for c in body.outcomes],
        # The document's own conclusions: its basis is the document itself.
        "lessons": [{"text": text, "basis": "source", "source": source_id} for text in body.lessons],
        "sources": [{"source": source_id}],
        "added": today.isoformat(),
    }
    for optional in ("background", "lessons"):
        if not data[optional]:
            del data[optional]
    return data


def _notes(file_name: str, head: Head, notes: list[str]) -> str:
    parts = [f"由 kb import 从 Word 文件《{file_name}》生成的草稿。背景、措施和经验启示照录原文，发布前须用自己的话改写；"
             "摘要、做法类型、主题待编辑填写；成效数据是“取得成效”中带数字的句子（候选），保留真正的成效并填写统计期和"
             "证据强度（evidence），删去其余。导入时没有把握的字段留空，见导入时列出的“需要核对”。"]
    if head.subtitle:
        parts.append(f"副标题：{head.subtitle}")
    if head.labelled.get("region"):
        parts.append(f"文档所填地区：{head.labelled['region']}")
    if notes:
        parts.append("以下为原文中未归入字段的内容：\n" + "\n".join(notes))
    return "\n\n".join(parts)


def _source_stub(source_id: str, title: str, subtitle: str, organisation: str, period: dict, file_name: str) -> dict:
    stub = {"id": source_id, "kind": "article", "title": f"{title}——{subtitle}" if subtitle else title or file_name}
    if organisation:
        stub["authors"] = [organisation]
    if "reported_year" in period:
        stub["year"] = period["reported_year"]
    stub["note"] = (f"经验材料（Word 文件《{file_name}》），由 kb import 生成的资料条目：请补全出处（印发单位、汇编名称、页码等）"
                    + ("。" if "year" in stub else "；文中没有日期，年份不详。"))
    return stub


def _mapped(draft: Draft, corpus: Corpus, subtitle: str, existing_source: bool) -> list[str]:
    data = draft.data
    region = data["locality"]["region"]
    period = data["period"]
    years = "，".join(filter(None, [f"报道 {period['reported_year']} 年" if "reported_year" in period else "报道年份（待填写）",
                                    f"{period['start_year']} 年起" if "start_year" in period else ""]))
    source = data["sources"][0]["source"]
    return [f"标题：{data['title'] or '（待填写）'}"] + ([f"副标题：{subtitle}（写在编辑说明和资料条目中）"] if subtitle else []) + [
        f"实施单位：{data['organisation'] or '（待填写）'}",
        f"地区：{''.join(r['name'] for r in corpus.region_path(region))}（{region}，{data['locality']['level']}）",
        f"时间：{years}",
        f"背景与问题：{len(data.get('background', ''))} 字",
        f"主要措施 {len(data['measures'])} 条：" + "；".join(m["name"] or "（名称待填写）" for m in data["measures"]),
        f"经验启示 {len(data.get('lessons', []))} 条",
        f"成效数据候选 {len(data['outcomes'])} 条（“取得成效”中带数字的句子和表格）",
        f"资料来源：{source}" + ("（已有资料条目）" if existing_source else "（新建资料条目，待补全）"),
    ]

# ------------------------------------------------------------------ writing

CASE_COMMENT = "草稿：由 kb import 从 Word 文件生成。补全后运行 kb validate，通过后才会进入网站。"


def existing_source(content_dir: Path, source_id: str) -> dict:
    """The source (or compendium article) a draft is attached to with --source."""
    from ..content.load import load_file

    for path in sorted((Path(content_dir) / "sources").glob("*.yaml")):
        data = load_file(path).data
        if not isinstance(data, dict):
            continue
        if data.get("id") == source_id:
            return data
        for article in data.get("contents") or []:
            if isinstance(article, dict) and article.get("id") == source_id:
                return {"year": data.get("year"), **article}
    raise ImportFailed(f"没有编号为“{source_id}”的资料条目（content/sources 中的资料或篇目编号）。"
                       "不写 --source 时会新建一个资料条目。")


def import_docx(path: Path, content_dir: Path, corpus: Corpus, region: str | None = None,
                today: dt.date | None = None, source_id: str | None = None) -> tuple[Draft, Path, Path | None]:
    """Read, map and write the draft case (and its source stub unless `source_id` names an
    existing source); nothing is written on failure (core.atomic.WriteFailed when the disk
    refuses the write)."""
    from ..core.atomic import write_files

    path = Path(path)
    source = existing_source(content_dir, source_id) if source_id else None
    blocks, core_title = read_blocks(path)
    if not blocks:
        raise ImportFailed(f"{path.name}：文档是空的，没有可导入的内容。")
    _check_figures(blocks, path.name)
    draft = build_draft(blocks, core_title, path.name, corpus, region, today, source)
    case_path = _free_case_path(draft, content_dir, corpus)
    source_path = content_dir / "sources" / f"{draft.source['id']}.yaml" if draft.source else None
    write_files(_texts(draft, case_path, source_path))  # both files or neither
    return draft, case_path, source_path


def _check_figures(blocks: list[Block], name: str) -> None:
    figures = count_figures(_block_text(b) for b in blocks)
    if figures > MAX_FIGURES:
        raise ImportFailed(f"{name}：文档中有 {figures:,} 处带单位的数字（成效数据候选），"
                           f"超过 {MAX_FIGURES:,} 处的上限（经验材料通常几十处），不予导入。")


def _free_case_path(draft: Draft, content_dir: Path, corpus: Corpus) -> Path:
    """The draft's file; a second import of the same document gets -v2, -v3 … (case and stub)."""
    folder = content_dir / "cases" / province_folder(corpus, draft.data["locality"]["region"])
    base, n = draft.data["id"], 2

    def taken() -> bool:
        stub = draft.source and (content_dir / "sources" / f"{draft.source['id']}.yaml").exists()
        return (folder / f"{draft.data['id']}.yaml").exists() or bool(stub)

    while taken():
        _rename(draft, f"{base}-v{n}")
        n += 1
    return folder / f"{draft.data['id']}.yaml"


def _rename(draft: Draft, ident: str) -> None:
    draft.data["id"] = ident
    if draft.source:
        draft.data["sources"][0]["source"] = draft.source["id"] = f"{ident}{SOURCE_SUFFIX}"
        for lesson in draft.data.get("lessons", []):
            lesson["source"] = draft.source["id"]


def _texts(draft: Draft, case_path: Path, source_path: Path | None) -> dict[Path, str]:
    from .yamlout import case_text, source_text

    texts = {case_path: case_text(draft.data, [CASE_COMMENT])}
    if source_path is not None:
        texts[source_path] = source_text(draft.source)
    return texts
