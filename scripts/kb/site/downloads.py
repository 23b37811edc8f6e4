"""Downloads made at build time for officials writing reports (汇报材料):

- downloads/types/<type>.xlsx and .csv — each practice type's comparison table, one row per case;
- downloads/cases/<id>.docx — each case as a Word document with its citations, to paste from.

The compare page builds its selection's .xlsx/.csv in the browser (downloads.js), from the
records it has already loaded. Everything written from content is text: spreadsheet cells are
stored as strings (never formulas) and CSV cells that Excel would run as a formula are prefixed
with an apostrophe. The .xlsx and .docx files are written straight as Office Open XML (a .docx
is a few kB and about a millisecond per case; python-docx takes ~50 ms a file, openpyxl ~0.1 ms
a cell), which keeps the step cheap at 10,000 cases (see scripts/bench_office.py).
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from .render import Case, Site, outcome_text, plain_prose
from ..content.provenance import EDITOR_NOTE
from ..content.schemas import labels

UNSEEN_HEADING = "未见原文，待补"
UNSEEN_NOTE = "以下篇目只见于目录，编者尚未读到原文；本案例的内容不以它们为依据。"

COLUMNS = ["案例", "状态", "地区", "实施层级", "实施单位", "时间", "做法类型", "主题", "摘要", "主要措施",
           "成效数据", "人员配置", "经验启示", "推广条件", "资料来源", UNSEEN_HEADING, "案例编号"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def case_row(case: Case) -> dict[str, str]:
    """A case's comparison fields as plain text, with the provenance its page shows: statements
    labelled 编者按 or with their source, sources numbered as on the page, unseen ones apart."""
    data = case.data
    return {
        "案例": case.listed_title,
        "状态": labels("case", "status").get(data["status"], data["status"]),
        "地区": case.place_label,
        "实施层级": case.level_label,
        "实施单位": plain_prose(data["organisation"]),
        "时间": case.year_label,
        "做法类型": "、".join(t["name"] for t in case.types),
        "主题": "、".join(t["name"] for t in case.themes),
        "摘要": plain_prose(data["summary"]),
        "主要措施": "\n".join(plain_prose(m["name"]) for m in data["measures"]),
        "成效数据": "\n".join(plain_prose(outcome_text(o)) for o in data.get("outcomes", [])),
        "人员配置": "\n".join(s["role"] + (f"：{s['count']}" if s.get("count") else "") for s in data.get("staffing", [])),
        "经验启示": _statements(case, "lessons"),
        "推广条件": _statements(case, "transfer_conditions"),
        "资料来源": "\n".join(f"[{n}] {c}" for n, c in enumerate(case.seen_citations, 1)),
        UNSEEN_HEADING: "\n".join(str(c) for c in case.unseen_citations),
        "案例编号": case.id,
    }


def _statements(case: Case, key: str) -> str:
    """One statement a line, each followed by （编者按） or （据资料 [n]，…） as on the page."""
    return "\n".join(plain_prose(s.text) + plain_prose(s.label()) for s in case.statements(key))


# ------------------------------------------------------------------ tables

def csv_safe(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def table_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_safe(str(v)) for v in row])
    return out.getvalue().encode("utf-8-sig")  # the BOM makes Excel read the file as UTF-8


_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '</Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        '</Relationships>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        '</Relationships>'),
    "xl/styles.xml": (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="{_SHEET_NS}">'
        '<fonts count="2"><font><sz val="11"/><name val="等线"/></font><font><b/><sz val="11"/><name val="等线"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
        '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'),
}


def table_xlsx(rows: list[list[str]], title: str) -> bytes:
    """One sheet, every cell an inline string (text format, never a formula), header bold and frozen.
    Written as SpreadsheetML directly: openpyxl takes about 0.1 ms a cell, too slow for 10,000 cases."""
    from openpyxl.utils import get_column_letter

    name = re.sub(r"[\[\]:*?/\\]", "", title)[:31] or "对比"
    letters = [get_column_letter(i + 1) for i in range(max(len(r) for r in rows))]
    body = []
    for r, row in enumerate(rows, start=1):
        style = 1 if r == 1 else 2
        cells = "".join(f'<c r="{letters[c]}{r}" t="inlineStr" s="{style}"><is><t xml:space="preserve">'
                        f'{escape(_ILLEGAL_XML.sub("", str(v)))}</t></is></c>' for c, v in enumerate(row))
        body.append(f'<row r="{r}">{cells}</row>')
    sheet = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{_SHEET_NS}">'
             '<sheetViews><sheetView workbookViewId="0"><pane xSplit="1" ySplit="1" topLeftCell="B2" activePane="bottomRight" state="frozen"/>'
             '</sheetView></sheetViews>'
             f'<cols><col min="1" max="{len(letters)}" width="24" customWidth="1"/></cols>'
             f'<sheetData>{"".join(body)}</sheetData></worksheet>')
    workbook = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{_SHEET_NS}" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                f'<sheets><sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="1" r:id="rId1"/></sheets></workbook>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, text in _XLSX_PARTS.items():
            _write_part(archive, part, text)
        _write_part(archive, "xl/workbook.xml", workbook)
        _write_part(archive, "xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


def type_rows(cases: list[Case], rows: dict[str, list[str]] | None = None) -> list[list[str]]:
    """The comparison table of these cases; `rows` caches each case's row across types."""
    rows = {} if rows is None else rows
    for case in cases:
        if case.id not in rows:
            record = case_row(case)
            rows[case.id] = [record[k] for k in COLUMNS]
    return [COLUMNS] + [rows[c.id] for c in cases]


# ------------------------------------------------------------------ Word

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_STATIC_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
        '</Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        '</Relationships>'),
    "word/_rels/document.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        '</Relationships>'),
    "word/styles.xml": (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="{_W}">'
        '<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="宋体"/>'
        '<w:sz w:val="24"/><w:lang w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault>'
        '<w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="360" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>'
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/>'
        '<w:pPr><w:jc w:val="center"/></w:pPr><w:rPr><w:rFonts w:eastAsia="黑体"/><w:b/><w:sz w:val="36"/></w:rPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/>'
        '<w:pPr><w:keepNext/><w:spacing w:before="240"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:rFonts w:eastAsia="黑体"/><w:b/><w:sz w:val="28"/></w:rPr></w:style>'
        '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:tblPr><w:tblBorders>'
        + "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="auto"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + '</w:tblBorders></w:tblPr></w:style></w:styles>'),
}


def _runs(text: str, bold: bool = False) -> str:
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    lines = _ILLEGAL_XML.sub("", text).split("\n")
    inner = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in lines)
    return f"<w:r>{props}{inner}</w:r>"


def _paragraph(text: str = "", style: str | None = None, runs: str | None = None) -> str:
    props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{props}{runs if runs is not None else _runs(text)}</w:p>"


def _table(pairs: list[tuple[str, str]]) -> str:
    rows = "".join(
        f'<w:tr><w:tc><w:tcPr><w:tcW w:w="1800" w:type="dxa"/></w:tcPr>{_paragraph(runs=_runs(k, bold=True))}</w:tc>'
        f'<w:tc><w:tcPr><w:tcW w:w="7200" w:type="dxa"/></w:tcPr>{_paragraph(v)}</w:tc></w:tr>' for k, v in pairs)
    return ('<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="9000" w:type="dxa"/></w:tblPr>'
            '<w:tblGrid><w:gridCol w:w="1800"/><w:gridCol w:w="7200"/></w:tblGrid>' + rows + "</w:tbl>")


def case_document_xml(case: Case) -> str:
    data, row = case.data, case_row(case)
    body = [_paragraph(case.listed_title, "Title"),
            _table([(k, row[k]) for k in ("地区", "实施层级", "实施单位", "时间", "做法类型", "主题")]),
            _paragraph("摘要", "Heading1"), _paragraph(row["摘要"])]
    if data.get("background"):
        body += [_paragraph("背景与问题", "Heading1"), _paragraph(plain_prose(data["background"]))]
    body.append(_paragraph("主要措施", "Heading1"))
    for n, measure in enumerate(data["measures"], start=1):
        body.append(_paragraph(runs=_runs(f"{n}. {plain_prose(measure['name'])}：", bold=True) + _runs(plain_prose(measure["details"]))))
    if row["成效数据"]:
        body += [_paragraph("成效数据", "Heading1")] + [_paragraph(line) for line in row["成效数据"].split("\n")]
    for title, key in (("经验启示", "lessons"), ("推广条件", "transfer_conditions")):
        statements = case.statements(key)
        if statements:
            body.append(_paragraph(title, "Heading1"))
            if any(s.editor for s in statements):
                body.append(_paragraph(EDITOR_NOTE))
            body += [_paragraph(plain_prose(s.text) + plain_prose(s.label())) for s in statements]
    body.append(_paragraph("资料来源", "Heading1"))
    body += [_paragraph(f"[{n}] {c}") for n, c in enumerate(case.seen_citations, start=1)]
    if case.unseen_citations:
        body += [_paragraph(UNSEEN_HEADING, "Heading1"), _paragraph(UNSEEN_NOTE)]
        body += [_paragraph(str(c)) for c in case.unseen_citations]
    body.append(_paragraph(f"引自：信访工作经验库，案例 {case.id}。"))
    section = ('<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
               '<w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{_W}"><w:body>'
            + "".join(body) + section + "</w:body></w:document>")


def case_docx(case: Case) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in _STATIC_PARTS.items():
            _write_part(archive, name, text)
        _write_part(archive, "word/document.xml", case_document_xml(case))
    return out.getvalue()


def _write_part(archive: zipfile.ZipFile, name: str, text: str) -> None:
    """A zip entry with a fixed timestamp, so the same content always gives the same file
    (builds are reproducible, and incremental builds can tell what really changed)."""
    entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    entry.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(entry, text)


# ------------------------------------------------------------------ the build step

def write_case_documents(cases: list[Case], docs_dir: Path) -> None:
    """downloads/cases/<id>.docx for each case."""
    folder = docs_dir / "downloads" / "cases"
    folder.mkdir(parents=True, exist_ok=True)
    for case in cases:
        (folder / f"{case.id}.docx").write_bytes(case_docx(case))


def write_downloads(site: Site, docs_dir: Path, cases: list | None = None, types: set[str] | None = None) -> dict:
    """Write the tables of the practice types in `types` and the Word document of each case of
    `cases` (default: all of them) into docs_dir/downloads; returns counts for the build's figures."""
    folder = docs_dir / "downloads"
    (folder / "types").mkdir(parents=True, exist_ok=True)
    (folder / "cases").mkdir(parents=True, exist_ok=True)
    tables, cache = 0, {}
    by_type: dict[str, list[Case]] = {type_id: [] for type_id in site.types}
    for case in site.cases:
        for term in case.types:
            by_type.setdefault(term["id"], []).append(case)
    for type_id, term in site.types.items():
        if types is not None and type_id not in types:
            continue
        rows = type_rows(by_type[type_id], cache)
        (folder / "types" / f"{type_id}.csv").write_bytes(table_csv(rows))
        (folder / "types" / f"{type_id}.xlsx").write_bytes(table_xlsx(rows, term["name"]))
        tables += 1
    write_case_documents(site.cases if cases is None else cases, docs_dir)
    return {"download_tables": tables, "download_documents": len(site.cases)}
