"""The sections of a Word 经验材料 and what each gives the draft: the background, the measures
(numbered items, headings that are measures, items counted inline), the 取得成效 candidates and
the lessons. Sections are found by their top-level headings, or by a “主要做法：” paragraph or a
推荐表 row that names one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .docx_figures import figure_candidates, reads_like_result, sentences, table_candidates
from .docx_parts import Block, Found, Head, is_title_like, metadata_label, org_name


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
            body.background += [block_text(b) for b in section.blocks]
        elif section.kind == "measures":
            body.measures += _section_measures(section, body.notes)
        elif section.kind == "lessons":
            body.lessons += _section_lessons(section, body.notes)
        elif section.kind == "outcomes":
            body.outcomes += _section_outcomes(section, body.notes)
        else:
            body.notes += [f"【{section.heading}】"] + [block_text(b) for b in section.blocks]
    _place_intro(head.intro, body)
    if not any(s.kind == "outcomes" for s in sections):
        body.outcomes = _outcomes_without_section(head.intro, sections, found)
    _report_unsure_items(body, found)
    return body


def _place_intro(intro: list[Block], body: Body) -> None:
    if not intro:
        return
    if body.background:
        body.notes = ["【开头】"] + [block_text(b) for b in intro] + body.notes
    else:
        body.background = [block_text(b) for b in intro]


def block_text(block: Block) -> str:
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
    return {"name": name, "details": "\n".join(filter(None, [details] + [block_text(b) for b in more]))}


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
        notes += [f"【{section.heading}】"] + [block_text(b) for b in lead] if lead else []
        return [dict(_inline_measure(item[0].text), details=_details(item)) for item in items]
    if items:
        if lead:
            notes += [f"【{section.heading}】"] + [block_text(b) for b in lead]
        return [_measure(item[0].text, item[1:]) for item in items]
    return [_measure(block_text(b), []) for b in section.blocks]


def _details(item: list[Block]) -> str:
    first = _inline_measure(item[0].text)["details"]
    return "\n".join(filter(None, [first] + [block_text(b) for b in item[1:]]))


def _section_lessons(section: Section, notes: list[str]) -> list[str]:
    lead, items = _items(_with_inline_items(section.blocks))
    if not items:
        return [block_text(b) for b in section.blocks if not b.is_table]
    if lead:
        notes += [f"【{section.heading}】"] + [block_text(b) for b in lead]
    return ["".join([item[0].text] + [block_text(b) for b in item[1:]]) for item in items]


def _section_outcomes(section: Section, notes: list[str]) -> list[dict]:
    """Every figure of the 取得成效 section is a candidate; its sentences without a figure stay
    in the notes for the summary."""
    origin = section.heading[:12]
    candidates, plain = [], []
    for block in section.blocks:
        if block.is_table:
            candidates += table_candidates(block.rows, origin)
            continue
        for sentence in sentences(block_text(block)):
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
