"""The parts of a Word 经验材料 around its sections: the paragraphs and tables it is read into
(Block), what is never written into a case — contact lines, phone numbers, a briefing's masthead,
the signature (单位落款), speaker lines and dates, each left out and reported — and the head above
the first section: title lines, the unit line and labelled fields (案例名称：…, a 申报表).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

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


CONTACT_LABELS = ("联系人", "联系电话", "电话", "手机", "邮箱", "电子邮箱", "电子信箱", "传真", "地址", "通讯地址",
                  "邮编", "邮政编码", "QQ", "微信", "填报人", "经办人", "承办人", "审核人", "签发人", "供稿人", "撰稿人",
                  "执笔人", "执笔", "撰稿", "供稿")
DATE_LABELS = ("日期", "时间", "报送日期", "报送时间", "填报日期", "填报时间", "成文日期")
METADATA_LABELS = {
    "title": ("案例名称", "案例标题", "项目名称", "标题", "名称"),
    "organisation": ("申报单位", "报送单位", "实施单位", "推荐单位", "单位名称", "单位"),
    "region": ("所在地区", "所属地区", "实施地区", "地区"),
}
ORG_SUFFIX = re.compile(r"(办公室|信访办|信访局|委员会|政府|街道办事处|街道|镇|乡|村委会|居委会|中心|法院|检察院|公安局|分局|"
                        r"司法局|派出所|党委|党工委|委|办|局|厅|所|站)$")
LABELLED = re.compile(r"^(?P<label>[\u4e00-\u9fffA-Za-z]{2,6})\s*[:：]\s*(?P<value>.+)$")
PHONE = re.compile(r"(?<![\d-])(?:1[3-9]\d{9}|0\d{2,3}[-－—\s]?\d{7,8}|\d{3,4}[-－]\d{7,8})(?![\d-])"
                   r"|(?<=拨打)\d{7,8}(?!\d)|(?<=致电)\d{7,8}(?!\d)|(?<=电话)[:：]?\d{7,8}(?!\d)")
_DIGITS = {**{ch: 0 for ch in "〇○零"}, **{ch: n for n, ch in enumerate("一二三四五六七八九", start=1)}}
_DATE = (r"(?P<year>\d{4}|[〇○零一二三四五六七八九]{4})\s*年\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*月"
         r"(?:\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*日)?")
DATE_IN_TEXT = re.compile(_DATE)
DATE_LINE = re.compile(rf"^[（(]?{_DATE}[）)]?$")
SIGNATURE_LINE = re.compile(rf"^(?P<org>[^，,。；;：:]{{2,40}}?)\s*{_DATE}$")
_TITLE_STYLES = re.compile(r"^(Title|Subtitle|标题|副标题|(Heading|标题)\s*\d)$")
_SENTENCE_END = ("。", "；", ";", "：", ":")


def year_of(text: str) -> int:
    """2008 from “2008” or “二〇〇八”."""
    if text.isdigit():
        return int(text)
    return int("".join(str(_DIGITS[ch]) for ch in text))


def metadata_label(label: str) -> str | None:
    """Which field a “标签：值” line or form row gives: a metadata key, "contact", "date" or None."""
    for key, words in METADATA_LABELS.items():
        if label in words:
            return key
    if any(label.startswith(w) for w in CONTACT_LABELS):
        return "contact"
    return "date" if label in DATE_LABELS else None


_CONTACT = re.compile(r"(" + "|".join(sorted(CONTACT_LABELS, key=len, reverse=True)) + r")\s*[:：]")


def contact_labels(text: str) -> list[str]:
    """The contact labels of a contact line: one that starts with a label (“联系人：王某　电话：139…”)
    or a short line that carries one (“（供稿：区信访办　联系电话：6320…）”)."""
    found = _CONTACT.findall(text)
    starts = LABELLED.match(text)
    if starts and metadata_label(starts.group("label")) == "contact" and not found:
        found = [starts.group("label")]
    return found if found and (text.startswith(tuple(CONTACT_LABELS)) or len(text) <= 60) else []


def org_name(text: str) -> str | None:
    """The unit a short line names (“（上海市长宁区信访办公室）”), or None."""
    plain = re.sub(r"[（(](盖章|印章|公章)[）)]$", "", text.strip()).strip("（）() ")
    if len(plain) <= 30 and not re.search(r"[，,。；;：:、“”]", plain) and ORG_SUFFIX.search(plain):
        return plain
    return None


def date_year(text: str) -> int | None:
    """The year of a line that is only a date (“2008年3月”, “二〇二三年五月十日”)."""
    match = DATE_LINE.match(text.strip())
    return year_of(match.group("year")) if match else None


def signature(text: str) -> tuple[str, int] | None:
    """(unit, year) of a 落款 line: a unit name followed by a date."""
    match = SIGNATURE_LINE.match(text.strip())
    if not match or not org_name(match.group("org").strip()):
        return None
    return match.group("org").strip(), year_of(match.group("year"))


MASTHEAD = re.compile(r"(简报|快报|专报|通讯|动态|情况反映|工作信息)$")
ISSUE = re.compile(r"^[（(]?(第\s*[\d一二三四五六七八九十〇]+\s*期|总第\s*\d+\s*期)")
EDITED_BY = re.compile(r"^(?P<org>[^，,。；;：:]{2,30}?)(编|主办|编印)(?=\s|$)")


def edited_by(text: str) -> str | None:
    """The unit of a masthead line “黄浦区信访办公室编　2020年8月10日”."""
    match = EDITED_BY.match(text.strip())
    return org_name(match.group("org")) if match else None


_POSTS = r"(?:副)?(?:局长|主任|书记|镇长|乡长|区长|县长|市长|处长|科长|部长|所长|站长|院长|庭长|队长|组长)"
SPEAKER = re.compile(rf"^(?P<org>[^，,。；;：:\s]{{2,30}}?){_POSTS}\s*[\u4e00-\u9fff]{{1,2}}[\u4e00-\u9fff某]{{1,2}}$")
FORMULA = re.compile(r"^(尊敬的[^。]{0,30}[:：]|各位领导[^。]{0,20}[:：]|同志们[:：]|以上(汇报|材料|发言|报告)[^。]{0,20}[。！!]?"
                     r"|谢谢(大家)?[。！!]?|特此(报告|汇报)[。！!]?)$")


def speaker_unit(text: str) -> str | None:
    """The unit of a speaker line “义马市信访局局长　王某某” (the name is never kept)."""
    match = SPEAKER.match(text.strip())
    return org_name(match.group("org")) if match else None


def is_title_like(text: str, style: str, centred: bool, numbered: bool) -> bool:
    """A title line: set in a title or heading style, or centred; short and not a sentence."""
    if numbered or len(text) > 60 or text.endswith(_SENTENCE_END) or LABELLED.match(text):
        return False
    return bool(_TITLE_STYLES.match(style or "")) or centred


@dataclass
class Found:
    """What the import recognised and what it is unsure of, for its report."""
    mapped: list[str] = field(default_factory=list)
    unsure: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    def drop(self, what: str) -> None:
        if what not in self.dropped:
            self.dropped.append(what)


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
    kept, in_sections = [], False
    for index, block in enumerate(blocks):
        if block.is_table or block.level:
            kept.append(block)
            in_sections = in_sections or (block.level == 1 and not block.is_table and index > 0)
        elif not _signature_or_date(block.text, _next_paragraph(blocks, index), signed, found, in_sections):
            kept.append(block)
    return kept, signed


def _next_paragraph(blocks: list[Block], index: int) -> Block | None:
    return next((b for b in blocks[index + 1:index + 4] if not b.is_table), None)


def _signature_or_date(text: str, following: Block | None, signed: Signed, found: Found, body_seen: bool) -> bool:
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
