"""`kb import 材料.docx`: a Word 经验材料 becomes a draft case for an editor to complete.

The document is read into blocks (paragraphs with their numbering level, tables), split into
sections by its top-level headings (一、基本情况 / 二、主要做法 / …), and each section is mapped
to a case field. Every sentence with a figure becomes an outcome candidate; whatever is not
mapped goes to `notes`. The draft leaves the summary, types, themes and each candidate's
evidence empty, so `kb validate` (and with it `kb build`) refuses it until an editor completes it.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..content.corpus import Corpus
from ..content.scaffold import ID_MAX, REGION_TO_CASE_LEVEL, case_id
from ..content.validate import province_folder
from .limits import DOCX, MAX_CHARACTERS, MAX_FIGURES, MAX_PARAGRAPHS, MAX_TABLE_CELLS, TooLarge, check_package


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
                            style=style.name if style is not None else ""))
    return blocks, core_title


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


# ------------------------------------------------------------------ recognising the parts

SECTION_KEYWORDS = [
    ("background", ("基本情况", "案例背景", "背景", "基本概况", "起因", "问题的提出", "实施背景")),
    ("measures", ("主要做法", "经验做法", "具体做法", "工作做法", "主要措施", "创新做法", "工作举措", "做法")),
    ("outcomes", ("取得成效", "主要成效", "工作成效", "实施成效", "成效", "效果")),
    ("lessons", ("经验启示", "启示", "经验体会", "体会", "几点思考", "经验")),
]
METADATA_LABELS = {
    "title": ("案例名称", "案例标题", "项目名称", "标题", "名称"),
    "organisation": ("申报单位", "报送单位", "实施单位", "推荐单位", "单位名称", "单位"),
    "region": ("所在地区", "所属地区", "实施地区", "地区"),
}
CONTACT_LABELS = ("联系人", "联系电话", "电话", "手机", "邮箱", "电子邮箱", "传真", "地址")
ORG_SUFFIX = re.compile(r"(办公室|信访办|信访局|委员会|政府|街道办事处|街道|镇|乡|村委会|居委会|中心|法院|检察院|公安局|分局|司法局|派出所|委|办|局|厅|所|站)$")
LABELLED = re.compile(r"^(?P<label>[\u4e00-\u9fff]{2,6})\s*[:：]\s*(?P<value>.+)$")


def section_kind(heading: str) -> str | None:
    head = heading[:14]
    for kind, words in SECTION_KEYWORDS:
        if any(w in head for w in words):
            return kind
    return None


def _metadata_label(label: str) -> str | None:
    for key, words in METADATA_LABELS.items():
        if label in words:
            return key
    return "contact" if any(label.startswith(w) for w in CONTACT_LABELS) else None


# ------------------------------------------------------------------ figures → outcome candidates

_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
_UNITS = ("个百分点", "万人次", "人次", "件次", "户次", "万元", "亿元", "个月", "小时", "%", "％", "‰", "件", "人", "户",
          "次", "起", "名", "个", "家", "项", "条", "宗", "批", "场", "期", "处", "座", "所", "元", "天", "倍", "万人")
_FIGURE = re.compile(r"(?<![\d.,])(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)\s*(?P<approx>余|多)?\s*(?P<unit>"
                     + "|".join(re.escape(u) for u in _UNITS) + ")")
_PERIOD = re.compile(r"\d{4}年(?:\d{1,2}月)?(?:(?:至|到|—|－|-|~|～)(?:\d{4}年(?:\d{1,2}月)?|\d{1,2}月))?(?:以来|底|末|上半年|下半年|全年|前三季度)?"
                     r"|近[一二三四五六七八九十两\d]+年|今年以来|今年|去年|全年|上半年|下半年")
_CHANGE = re.compile(r"(?P<base>同比|比上年|较上年|与上年相比|比去年|较去年|比(?P<year>\d{4})年|较(?P<year2>\d{4})年)[^，,。；]*?"
                     r"(?P<dir>下降|减少|降低|上升|增长|增加|提高)了?$")
_FILLER_START = re.compile(r"^(其中|全年|同时|目前|截至目前|至今|先后|共|累计|总计|全区|全市|全县|全镇)+")
_FILLER_END = re.compile(r"(共|累计|达到|达|为|约|计|近|超过|超|有|了|总数|人数|数量)+$")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def figure_candidates(sentence: str, origin: str) -> list[dict]:
    """One outcome candidate per figure in the sentence (years and dates are periods, not figures)."""
    period = _PERIOD.search(sentence)
    out = []
    for match in _FIGURE.finditer(sentence):
        if re.match(r"[年月日号]", sentence[match.end("num"):match.end("num") + 1] or " "):
            continue
        number = match.group("num").replace(",", "")
        value = float(number) if "." in number else int(number)
        unit = {"％": "%"}.get(match.group("unit"), match.group("unit"))
        clause = re.split(r"[，,；;：:、（(]", sentence[:match.start()])[-1]
        candidate = {"indicator": _indicator(clause)}
        change = _CHANGE.search(clause)
        if change:
            baseline = change.group("year") or change.group("year2")
            baseline = f"{baseline}年" if baseline else ("上年同期" if change.group("base") == "同比" else "上年")
            sign = -1 if change.group("dir") in ("下降", "减少", "降低") else 1
            candidate["indicator"] = _indicator(clause[:change.start()]) or candidate["indicator"]
            candidate["change"] = {"amount": sign * value, "unit": unit, "baseline": baseline}
        else:
            candidate["value"], candidate["unit"] = value, unit
        if period:
            candidate["period"] = period.group(0)
        approx = "（原文为约数）" if match.group("approx") else ""
        candidate["note"] = f"原文（{origin}）：{sentence}{approx}"
        out.append(candidate)
    return out


def _indicator(clause: str) -> str:
    clause = _PERIOD.sub("", clause).strip(" ，,")
    clause = _FILLER_END.sub("", _FILLER_START.sub("", clause)).strip()
    return clause or "（待填写）"


def table_candidates(rows: list[list[str]], origin: str) -> list[dict]:
    """A figures table: header row names the indicators, the first column names the period or item."""
    if len(rows) < 2:
        return []
    header, out = rows[0], []
    for row in rows[1:]:
        label = row[0]
        for col, cell in enumerate(row[1:], start=1):
            match = re.fullmatch(r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*(%|％|件|人|户|次|个)?", cell)
            if not match or col >= len(header):
                continue
            number = match.group(1).replace(",", "")
            unit = match.group(2) or _unit_from_header(header[col])
            candidate = {"indicator": re.sub(r"[（(].*?[）)]", "", header[col]).strip() or header[col],
                         "value": float(number) if "." in number else int(number), "unit": unit or "（待填写）"}
            if _PERIOD.fullmatch(label) or re.fullmatch(r"\d{4}", label):
                candidate["period"] = label if "年" in label else f"{label}年"
            else:
                candidate["indicator"] = f"{label}：{candidate['indicator']}"
            candidate["note"] = f"原文（{origin}表格）：{' | '.join(row)}"
            out.append(candidate)
    return out


def _unit_from_header(header: str) -> str:
    match = re.search(r"[（(](.+?)[）)]", header)
    if match:
        return match.group(1)
    return "%" if "率" in header else ""


# ------------------------------------------------------------------ regions

def find_region(corpus: Corpus, texts: list[str]) -> str | None:
    """The lowest-level region named in the texts, preferring one whose ancestors are named too."""
    regions = corpus.region_map()
    joined = "\n".join(texts)
    named = []
    for rid, region in regions.items():
        if region.get("level") == "country":
            continue
        names = {region["name"]}
        if region.get("level") in ("province", "city") and len(region["name"]) > 2:
            names.add(re.sub(r"(省|市|自治区)$", "", region["name"]))
        if any(n and n in joined for n in names):
            named.append(rid)
    if not named:
        return None
    named_set = set(named)

    def score(rid):
        chain = corpus.region_path(rid)
        return (sum(r["id"] in named_set for r in chain), len(chain))
    return max(named, key=score)


# ------------------------------------------------------------------ the mapping

@dataclass
class Draft:
    data: dict
    source: dict
    mapped: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)


def _split_name(text: str) -> tuple[str, str]:
    """"建立三级代理网络。在区、街道……" → name, details."""
    match = re.match(r"^(.{2,40}?)[。：:！!；;]\s*(.*)$", text, re.S)
    if match:
        return match.group(1).strip(), match.group(2).strip()
    if len(text) <= 40:
        return text.strip("。 "), ""
    return text[:20].rstrip("，,") + "……", text


def _block_text(block: Block) -> str:
    if block.is_table:
        return "\n".join(" | ".join(row) for row in block.rows)
    return f"{block.label}{block.text}" if block.label else block.text


def _items(blocks: list[Block]) -> tuple[list[Block], list[list[Block]]]:
    """Split a section's blocks at its highest sub-numbering: (intro, [item blocks …])."""
    levels = sorted({b.level for b in blocks if b.level >= 2})
    if not levels:
        return blocks, []
    top = levels[0]
    intro, items = [], []
    for block in blocks:
        if block.level == top:
            items.append([block])
        elif items:
            items[-1].append(block)
        else:
            intro.append(block)
    return intro, items


def build_draft(blocks: list[Block], core_title: str, file_name: str, corpus: Corpus,
                region: str | None = None, today: dt.date | None = None) -> Draft:
    today = today or dt.date.today()
    meta: dict[str, str] = {}
    guess: dict[str, str] = {}
    dropped, notes = [], []
    preamble, sections = [], []  # sections: (heading, kind, blocks)
    for block in blocks:
        if not block.is_table and block.level == 1:
            sections.append((block.text, section_kind(block.text), []))
        elif sections:
            sections[-1][2].append(block)
        else:
            preamble.append(block)
    # A document whose top-level headings are the measures themselves (一、建立网络 二、…).
    if sections and not any(kind == "measures" for _, kind, _ in sections):
        sections = [(h, kind or "measures", b) for h, kind, b in sections]

    # Preamble: title, organisation, labelled fields, key-value tables, intro paragraphs.
    intro = []
    for block in preamble:
        if block.is_table and all(len(r) == 2 for r in block.rows):
            for label, value in block.rows:
                key = _metadata_label(re.sub(r"\s", "", label))
                if key == "contact":
                    dropped.append(label)
                elif key:
                    meta.setdefault(key, value)
                else:
                    notes.append(f"{label}：{value}")
            continue
        if block.is_table:
            intro.append(block)
            continue
        labelled = LABELLED.match(block.text)
        key = _metadata_label(labelled.group("label")) if labelled else None
        if key == "contact":
            dropped.append(labelled.group("label"))
        elif key:
            meta.setdefault(key, labelled.group("value").strip())
        elif "title" not in guess and (block.style in ("Title", "标题") or (not intro and len(block.text) <= 60 and not block.text.endswith("。"))):
            guess["title"] = block.text
        elif block.text.startswith(("——", "--", "—")) and not intro:
            meta.setdefault("subtitle", block.text.lstrip("—- "))
        elif "organisation" not in guess and not intro and len(block.text) <= 30 and ORG_SUFFIX.search(block.text.strip("（）() ")):
            guess["organisation"] = block.text.strip("（）() ")
        else:
            intro.append(block)
    meta = {**guess, **meta}  # what the document labels (案例名称：…, a 申报表 table) wins over a guess
    title = meta.get("title") or core_title or Path(file_name).stem

    background, measures, lessons, candidates = [], [], [], []
    for paragraph in intro:
        candidates += _candidates(paragraph, "开头")
    for heading, kind, section in sections:
        origin = heading[:12]
        for block in section:
            candidates += _candidates(block, origin)
        if kind == "background":
            background += [_block_text(b) for b in section]
        elif kind == "measures":
            lead, items = _items(section)
            if items:
                notes += [f"【{heading}】"] + [_block_text(b) for b in lead] if lead else []
                for item in items:
                    name, details = _split_name(item[0].text)
                    rest = [_block_text(b) for b in item[1:]]
                    measures.append({"name": name, "details": "\n".join(filter(None, [details] + rest))})
            elif sections and all(k == "measures" for _, k, _ in sections) and section_kind(heading) is None:
                # the heading itself is the measure
                name, details = _split_name(heading)
                measures.append({"name": name, "details": "\n".join(filter(None, [details] + [_block_text(b) for b in section]))})
            else:
                for block in section:
                    name, details = _split_name(_block_text(block))
                    measures.append({"name": name, "details": details})
        elif kind == "lessons":
            lead, items = _items(section)
            if items:
                lessons += ["".join([item[0].text] + [_block_text(b) for b in item[1:]]) for item in items]
                notes += ([f"【{heading}】"] + [_block_text(b) for b in lead]) if lead else []
            else:
                lessons += [_block_text(b) for b in section if not b.is_table]
        else:  # outcomes prose and anything unrecognised stay in the notes
            notes += [f"【{heading}】"] + [_block_text(b) for b in section]
    if intro:
        if background:
            notes = ["【开头】"] + [_block_text(b) for b in intro] + notes
        else:
            background = [_block_text(b) for b in intro]

    region_id = region or find_region(corpus, [title, meta.get("subtitle", ""), meta.get("organisation", ""),
                                               meta.get("region", "")]) \
        or find_region(corpus, [_block_text(b) for b in blocks[:12]])
    if region_id is None:
        raise ImportFailed(f"{file_name}：没有从文档中认出地区（地区名录 content/regions.yaml 中的地名），"
                           "请用 --region 指定，例如 kb import 材料.docx --region 长宁区")
    all_text = "\n".join(_block_text(b) for b in blocks)
    years = [int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})年", all_text) if int(y) <= today.year]
    starts = [int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})年(?:\d{1,2}月)?(?:起|以来|开始|试点|推行|建立)", all_text)]
    period = {"reported_year": max(years) if years else today.year}
    if starts and min(starts) <= period["reported_year"]:
        period["start_year"] = min(starts)

    short_name = title
    for region_part in corpus.region_path(region_id):
        short_name = short_name.replace(region_part["name"], "")
    ident = case_id(region_id, re.sub(r"[“”\"'《》：:——]", "", short_name) or title,
                    limit=ID_MAX - len(f"-v99{SOURCE_SUFFIX}"))  # room for import_docx's -v2… and the source's suffix
    source_id = f"{ident}{SOURCE_SUFFIX}"
    level = REGION_TO_CASE_LEVEL[corpus.region_map()[region_id]["level"]]
    head_notes = [f"由 kb import 从 Word 文件《{file_name}》生成的草稿。背景、措施和经验启示照录原文，发布前须用自己的话改写；"
                  "摘要、做法类型、主题待编辑填写；成效数据是带数字的句子（候选），保留真正的成效并填写统计期和证据强度（evidence），删去其余。"]
    if meta.get("subtitle"):
        head_notes.append(f"副标题：{meta['subtitle']}")
    if meta.get("region"):
        head_notes.append(f"文档所填地区：{meta['region']}")
    data = {
        "id": ident, "title": title, "status": "draft",
        "locality": {"region": region_id, "level": level},
        "organisation": meta.get("organisation", ""),
        "practice_types": [], "themes": [],
        "period": period,
        "summary": "",
        "background": "\n\n".join(background),
        "measures": measures or [{"name": "", "details": ""}],
        "outcomes": candidates,
        # The document's own conclusions: its basis is the document itself.
        "lessons": [{"text": text, "basis": "source", "source": source_id} for text in lessons],
        "sources": [{"source": source_id}],
        "notes": "\n\n".join(head_notes + ["以下为原文中未归入字段的内容：\n" + "\n".join(notes)] if notes else head_notes),
        "added": today.isoformat(),
    }
    if not data["background"]:
        del data["background"]
    if not lessons:
        del data["lessons"]
    source = {"id": source_id, "kind": "article", "title": title,
              **({"authors": [meta["organisation"]]} if meta.get("organisation") else {}),
              "year": period["reported_year"],
              "note": f"经验材料（Word 文件《{file_name}》），由 kb import 生成的资料条目：请补全出处（印发单位、汇编名称、页码等）。"}
    region_name = "".join(r["name"] for r in corpus.region_path(region_id))
    mapped = [f"标题：{title}", f"实施单位：{data['organisation'] or '（未认出，待填写）'}",
              f"地区：{region_name}（{region_id}，{level}）",
              f"时间：报道 {period['reported_year']} 年" + (f"，{period['start_year']} 年起" if "start_year" in period else ""),
              f"背景与问题：{len(data.get('background', ''))} 字",
              f"主要措施 {len(measures)} 条：" + "；".join(m["name"] for m in measures),
              f"经验启示 {len(lessons)} 条", f"成效数据候选 {len(candidates)} 条（带数字的句子）",
              f"资料来源：{source_id}（新建资料条目，待补全）"]
    left = [line for line in notes if line.startswith("【")]
    return Draft(data, source, mapped, left, dropped)


def _candidates(block: Block, origin: str) -> list[dict]:
    if block.is_table:
        return table_candidates(block.rows, origin)
    return [c for s in sentences(block.text) for c in figure_candidates(s, origin)]


# ------------------------------------------------------------------ writing

def import_docx(path: Path, content_dir: Path, corpus: Corpus, region: str | None = None,
                today: dt.date | None = None) -> tuple[Draft, Path, Path]:
    """Read, map and write the draft case and its source stub; nothing is written on failure
    (core.atomic.WriteFailed when the disk refuses the write)."""
    from ..core.atomic import write_files
    from .yamlout import case_text, source_text

    path = Path(path)
    blocks, core_title = read_blocks(path)
    if not blocks:
        raise ImportFailed(f"{path.name}：文档是空的，没有可导入的内容。")
    draft = build_draft(blocks, core_title, path.name, corpus, region, today)
    if len(draft.data["outcomes"]) > MAX_FIGURES:
        raise ImportFailed(f"{path.name}：文档中有 {len(draft.data['outcomes']):,} 处带单位的数字（成效数据候选），"
                           f"超过 {MAX_FIGURES:,} 处的上限（经验材料通常几十处），不予导入。")
    folder = content_dir / "cases" / province_folder(corpus, draft.data["locality"]["region"])
    case_path = folder / f"{draft.data['id']}.yaml"
    n, base = 2, draft.data["id"]
    while case_path.exists() or (content_dir / "sources" / f"{draft.data['sources'][0]['source']}.yaml").exists():
        draft.data["id"] = f"{base}-v{n}"
        draft.data["sources"][0]["source"] = draft.source["id"] = f"{draft.data['id']}{SOURCE_SUFFIX}"
        for lesson in draft.data.get("lessons", []):
            lesson["source"] = draft.source["id"]
        case_path = folder / f"{draft.data['id']}.yaml"
        n += 1
    source_path = content_dir / "sources" / f"{draft.source['id']}.yaml"
    texts = {case_path: case_text(draft.data, ["草稿：由 kb import 从 Word 文件生成。补全后运行 kb validate，通过后才会进入网站。"]),
             source_path: source_text(draft.source)}
    write_files(texts)  # both files or neither
    return draft, case_path, source_path
