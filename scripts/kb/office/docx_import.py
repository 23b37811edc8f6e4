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
from dataclasses import dataclass, field
from pathlib import Path

from ..content.corpus import Corpus
from ..content.scaffold import ID_MAX, REGION_TO_CASE_LEVEL, case_id
from ..content.validate import province_folder
from .docx_figures import count_figures, figure_candidates
from .docx_parts import Block, Found, Head, Signed, read_head, without_masthead, without_personal_lines, without_signature
from .docx_sections import Body, block_text, inline_headings, read_body, split_sections, title_line_count
from .limits import DOCX, MAX_CHARACTERS, MAX_FIGURES, MAX_PARAGRAPHS, MAX_TABLE_CELLS, TooLarge, check_package

__all__ = ["ImportFailed", "build_draft", "figure_candidates", "import_docx", "numbering", "read_blocks"]

SOURCE_SUFFIX = "-cailiao"  # the draft's source stub: the case id and this


class ImportFailed(Exception):
    """A document that cannot be read; the message is for the editor, in Chinese."""


# ------------------------------------------------------------------ reading the document

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
        region_id = find_region(corpus, [block_text(b) for b in blocks[:12]])
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
    period = choose_period(_reported_year(source, signed, found), [block_text(b) for b in blocks], found)
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
    _refuse_personal_data(draft, path, corpus)
    write_files(_texts(draft, case_path, source_path))  # both files or neither
    return draft, case_path, source_path


def _refuse_personal_data(draft: Draft, path: Path, corpus: Corpus) -> None:
    """The guard of kb validate over the draft and its source stub, before anything is written."""
    from ..content.load import Document
    from ..content.validate import allowed_texts, personal_data_problems

    allowed = allowed_texts(corpus)
    found = personal_data_problems(Document("案例", draft.data), allowed)
    if draft.source:
        found += personal_data_problems(Document("资料", draft.source), allowed)
    if found:
        lines = "\n".join(f"  {p.field}：{p.message.split('。')[0]}" for p in found)
        raise ImportFailed(f"{path.name}：文档中有疑似个人信息，没有写入任何文件。请在 Word 文件中删除或改写后再导入"
                           f"（公开资料点名的公职人员等可登记到 content/allowlist.yaml）：\n{lines}")


def _check_figures(blocks: list[Block], name: str) -> None:
    figures = count_figures(block_text(b) for b in blocks)
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
