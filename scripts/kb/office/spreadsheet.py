"""Cases ⇄ Excel workbook, with the columns derived from schemas/case.schema.json.

One sheet of cases (one row per case; nested objects flattened into columns, lists of text one
item per line), one sheet per list of objects (措施, 成效数据 …, one row per item, keyed by the
case id), an options sheet feeding the drop-downs, and a 说明 sheet. Every value is written so
that reading it back gives the same data: text that could be misread is written in JSON quotes,
and every text cell is stored as text (never as a formula).
"""
from __future__ import annotations

import copy
import datetime as dt
import io
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..content.schemas import schema
from .limits import MAX_COLUMNS, MAX_ROWS, XLSX, TooLarge, check_package

CASES_SHEET = "案例"
GUIDE_SHEET = "说明"
READER_SHEET = "出处（读者所见）"  # read-only: kb import ignores it
OPTIONS_SHEET = "选项"
ID_HEADER = "案例编号（id）"
_HEADER = re.compile(r"（([A-Za-z0-9_.]+)）$")
_SCALARS = {"string", "integer", "number", "boolean"}


@dataclass(frozen=True)
class Column:
    path: tuple[str, ...]
    title: str
    node: dict = field(hash=False, compare=False)
    kind: str = "scalar"  # scalar | list (of text/numbers, one per line) | json | count (items in a child sheet)

    @property
    def key(self) -> str:
        return ".".join(self.path)

    @property
    def header(self) -> str:
        return f"{self.title}（{self.key}）" if self.kind != "count" else f"{self.title}条数（{self.key}）"


@dataclass(frozen=True)
class ChildSheet:
    key: str
    title: str
    columns: list[Column] = field(hash=False, compare=False)


def _is_object(node: dict) -> bool:
    return node.get("type") == "object" and "properties" in node and not _combined(node)


def _combined(node: dict) -> bool:
    return any(k in node for k in ("oneOf", "allOf", "not", "if")) or ("anyOf" in node and "properties" not in node)


def _is_scalar(node: dict) -> bool:
    return not _combined(node) and (node.get("type") in _SCALARS or ("enum" in node and "type" not in node))


def _is_scalar_list(node: dict) -> bool:
    return node.get("type") == "array" and _is_scalar(node.get("items", {}))


def _columns(node: dict, prefix: tuple[str, ...] = (), nested_lists: bool = True) -> tuple[list[Column], list[ChildSheet]]:
    columns, children = [], []
    for key, sub in node.get("properties", {}).items():
        path = prefix + (key,)
        title = sub.get("title", key)
        if _is_object(sub):
            inner, grandchildren = _columns(sub, path, nested_lists)
            columns += inner
            children += grandchildren
        elif nested_lists and sub.get("type") == "array" and _is_object(sub.get("items", {})):
            item_columns, _ = _columns(sub["items"], (), nested_lists=False)
            children.append(ChildSheet(key, title, item_columns))
            columns.append(Column(path, title, sub, "count"))
        elif _is_scalar_list(sub):
            columns.append(Column(path, title, sub, "list"))
        elif _is_scalar(sub):
            columns.append(Column(path, title, sub, "scalar"))
        else:
            columns.append(Column(path, title, sub, "json"))
    return columns, children


def layout(name: str = "case") -> tuple[list[Column], list[ChildSheet]]:
    """The cases sheet's columns and the child sheets, straight from the schema."""
    return _columns(schema(name))


# ------------------------------------------------------------------ values ⇄ cells

def _needs_quotes(text: str) -> bool:
    return text == "" or text.startswith('"')


def encode(value, column: Column):
    """The cell value for `value` (None leaves the cell empty)."""
    if value is None:
        return None
    if column.kind == "count":
        return len(value) if isinstance(value, list) else None
    if column.kind == "json" or (column.kind == "scalar" and isinstance(value, (list, dict))):
        return json.dumps(value, ensure_ascii=False)
    if column.kind == "list":
        readable = (isinstance(value, list) and value and all(
            isinstance(v, str) and v and "\n" not in v and v == v.strip() for v in value)
            and not value[0].startswith(("[", '"')))
        return "\n".join(value) if readable else json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False) if _needs_quotes(value) else value
    return value


class CellError(ValueError):
    """A cell that cannot be read as its column's type; the message is Chinese."""


def decode(raw, column: Column):
    """The data value of a cell, or None for an empty cell; raises CellError."""
    if raw is None or (isinstance(raw, str) and raw == ""):
        return None
    if column.kind == "count":
        return _integer(raw)
    if column.kind == "json":
        return _json(raw)
    if column.kind == "list":
        if isinstance(raw, str) and raw.startswith("["):
            value = _json(raw)
            if not isinstance(value, list):
                raise CellError("以 [ 开头的内容应是 JSON 列表")
            return value
        lines = [line.strip() for line in str(_plain(raw)).replace("\r\n", "\n").split("\n")]
        item = column.node.get("items", {})
        return [line if item.get("type", "string") == "string" and "enum" not in item else _typed(line, item)
                for line in lines if line]
    return _typed(raw, column.node)


def _plain(raw):
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    return raw


def _json(raw):
    try:
        return json.loads(raw) if isinstance(raw, str) else raw
    except json.JSONDecodeError:
        raise CellError("不是有效的 JSON（这一列的内容按 JSON 书写）") from None


def _typed(raw, node: dict):
    if isinstance(raw, str) and raw.startswith('"'):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            raise CellError("以英文引号开头的内容应是完整的带引号文字，如 \"…\"") from None
        if not isinstance(raw, str):
            raise CellError("引号内应是文字")
        return raw
    kind = node.get("type")
    if "enum" in node and isinstance(raw, str):
        labels = {label: value for value, label in node.get("x-labels", {}).items()}
        return labels.get(raw.strip(), raw.strip())
    if kind == "integer":
        return _integer(raw)
    if kind == "number":
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            return raw
        try:
            number = float(str(raw).strip())
        except ValueError:
            raise CellError(f"应填数字，现在是“{raw}”") from None
        return int(number) if re.fullmatch(r"[-+]?\d+", str(raw).strip()) else number
    if kind == "boolean":
        if isinstance(raw, bool):
            return raw
        raise CellError("应填 TRUE 或 FALSE")
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, (dt.datetime, dt.date)):  # Excel turned a typed date into a date cell
        return (raw.date() if isinstance(raw, dt.datetime) else raw).isoformat()
    if isinstance(raw, (int, float)):
        return str(_plain(raw))
    return raw


def _integer(raw) -> int:
    if isinstance(raw, bool):
        raise CellError("应填整数")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and re.fullmatch(r"\s*[-+]?\d+\s*", raw):
        return int(raw)
    raise CellError(f"应填整数，现在是“{raw}”")


def _get(data: dict, path: tuple[str, ...]):
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _set(data: dict, path: tuple[str, ...], value) -> None:
    for key in path[:-1]:
        data = data.setdefault(key, {})
    data[path[-1]] = value


def normalised(value):
    """Data compared for "unchanged": keys whose value is null count as absent; 3.0 equals 3."""
    if isinstance(value, dict):
        return {k: normalised(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [normalised(v) for v in value]
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value


# ------------------------------------------------------------------ writing a workbook

def _put(sheet, row: int, col: int, value):
    cell = sheet.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text stays text: "=…", "+…", "-…", "@…" are never formulas
    return cell


def _wrapped(cell, alignment: dict) -> None:
    """Wrap the cell's text. The style is set once per workbook and copied to the other cells
    (openpyxl's style setter costs more than everything else in an export)."""
    if "style" not in alignment:
        cell.alignment = alignment["alignment"]
        alignment["style"] = copy.copy(cell._style)
    else:
        cell._style = copy.copy(alignment["style"])


def _header_row(sheet, headers: list[str]) -> None:
    from openpyxl.styles import Alignment, Font

    for col, text in enumerate(headers, start=1):
        cell = _put(sheet, 1, col, text)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B2"


def write_workbook(cases: list[dict], path: Path, options: dict[str, list[tuple[str, str]]] | None = None) -> Path:
    """Write the cases to an .xlsx file; `options` maps a column key to (value, label) pairs for drop-downs."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    columns, children = layout()
    workbook = Workbook()
    guide = workbook.active
    guide.title = GUIDE_SHEET
    main = workbook.create_sheet(CASES_SHEET)
    _header_row(main, [c.header for c in columns])
    wrap = {"alignment": Alignment(wrap_text=True, vertical="top")}  # per workbook: styles index into it
    for row, case in enumerate(cases, start=2):
        for col, column in enumerate(columns, start=1):
            _wrapped(_put(main, row, col, encode(_get(case, column.path), column)), wrap)
    sheets = {}
    for child in children:
        sheet = workbook.create_sheet(child.title)
        sheets[child.key] = sheet
        _header_row(sheet, [ID_HEADER] + [c.header for c in child.columns])
        row = 2
        for case in cases:
            for item in case.get(child.key) or []:
                _put(sheet, row, 1, case.get("id"))
                for col, column in enumerate(child.columns, start=2):
                    _wrapped(_put(sheet, row, col, encode(_get(item, column.path), column)), wrap)
                row += 1
    for sheet, cols in [(main, columns)] + [(sheets[c.key], [None] + c.columns) for c in children]:
        for col, column in enumerate(cols, start=1):
            sheet.column_dimensions[get_column_letter(col)].width = 14 if column is None or column.kind != "list" and column.node.get("type") != "string" else 30

    options = dict(options or {})
    targets = [(main, 1, columns, "")] + [(sheets[c.key], 2, c.columns, c.key + ".") for c in children]
    for sheet, first, sheet_columns, prefix in targets:
        for column in sheet_columns:
            enum = column.node.get("enum") or column.node.get("items", {}).get("enum")
            if enum and prefix + column.key not in options:
                labels = column.node.get("x-labels") or column.node.get("items", {}).get("x-labels", {})
                options[prefix + column.key] = [(v, labels.get(v, "")) for v in enum]
    _write_reader_view(workbook.create_sheet(READER_SHEET), cases, wrap)
    option_sheet = workbook.create_sheet(OPTIONS_SHEET)
    ranges = {}
    for n, (key, pairs) in enumerate(sorted(options.items())):
        letter = get_column_letter(2 * n + 1)
        _put(option_sheet, 1, 2 * n + 1, key)
        _put(option_sheet, 1, 2 * n + 2, "名称")
        for row, (value, label) in enumerate(pairs, start=2):
            _put(option_sheet, row, 2 * n + 1, value)
            _put(option_sheet, row, 2 * n + 2, label)
        ranges[key] = f"'{OPTIONS_SHEET}'!${letter}$2:${letter}${max(2, len(pairs) + 1)}"
    last_row = max(1000, len(cases) * 20 + 500)
    for sheet, first, sheet_columns, prefix in targets:
        for col, column in enumerate(sheet_columns, start=first):
            if prefix + column.key not in ranges:
                continue
            multi = column.kind == "list"
            rule = DataValidation(type="list", formula1=ranges[prefix + column.key], allow_blank=True,
                                  errorStyle="warning" if multi else "stop", showErrorMessage=True,
                                  showInputMessage=True, promptTitle=column.title[:32],
                                  prompt=("每行一项，可填多项；" if multi else "") + "从下拉列表中选择编号")
            rule.error = "不在选项表中：请从下拉列表选择编号（名称见「选项」表）"
            letter = get_column_letter(col)
            rule.add(f"{letter}2:{letter}{last_row}")
            sheet.add_data_validation(rule)
    _write_guide(guide, columns, children)
    from ..core.atomic import write_file

    path, data = Path(path), io.BytesIO()
    workbook.save(data)
    write_file(path, data.getvalue())
    return path


def _write_reader_view(sheet, cases: list[dict], wrap: dict) -> None:
    """Each case's statements and sources labelled as its page shows them (provenance.reader_statements):
    编者按 or the numbered source a statement rests on, and the unseen references apart."""
    from ..content.provenance import reader_statements, seen_sources, STATEMENT_FIELDS

    _header_row(sheet, [ID_HEADER, "栏目", "网页上的写法"])
    row = 2
    for case in cases:
        lines = [(label, s.text + s.label()) for key, label in STATEMENT_FIELDS.items() for s in reader_statements(case, key)]
        lines += [("资料来源", f"[{n}] {_source_line(c)}") for n, c in enumerate(seen_sources(case), 1)]
        lines += [("未见原文，待补", _source_line(c)) for c in case.get("sources") or [] if c.get("seen", True) is False]
        for label, text in lines:
            _put(sheet, row, 1, case.get("id"))
            _put(sheet, row, 2, label)
            _wrapped(_put(sheet, row, 3, text), wrap)
            row += 1
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["C"].width = 90


def _source_line(citation: dict) -> str:
    return "，".join([citation["source"]] + ([f"第 {citation['pages']} 页"] if citation.get("pages") else [])
                    + ([citation["section"]] if citation.get("section") else []))


def _write_guide(sheet, columns: list[Column], children: list[ChildSheet]) -> None:
    from openpyxl.styles import Alignment, Font

    lines = [
        ("信访工作经验库 · 案例表", ""),
        ("怎样用", "在「案例」表中一行一个案例；措施、成效数据等列表各有一张表，一行一项，用第一列的案例编号对应到案例。"
                  "填好后运行 kb import 本文件.xlsx：有任何问题时逐条列出（表、行、列、字段），一个文件也不写；"
                  "没有改动的案例不会改写文件；改动的案例只改变化了的字段，文件中的注释和写法照旧。"),
        ("列表", "「做法类型」「主题」「经验启示」等列表字段：每行一项（单元格内按 Alt+Enter 换行）。"),
        ("条数", "「……条数」列只是统计，由对应的表决定；填 0 表示该列表为空。"),
        ("引号", "以英文引号开头的单元格按带引号的文字读取（如 \"\" 表示空文字）；以 [ 开头的列表单元格按 JSON 读取。"),
        ("下拉选项", "做法类型、主题、地区和各个选项字段有下拉列表，编号及名称见「选项」表。"),
        ("公式", "所有内容都按文字保存，单元格不会被当作公式。"),
        ("出处", f"「{READER_SHEET}」表列出每个案例的经验启示、推广条件和资料来源在网页上的写法：编者的分析标“编者按”，"
                 "有资料依据的标“据资料 [序号]”，只见目录、未读原文的篇目单列为“未见原文，待补”。这张表只供查看，导入时不读。"),
        ("", ""),
        ("列", "说明"),
    ]
    for column in columns:
        lines.append((f"{CASES_SHEET} · {column.header}", column.node.get("description", "")))
    for child in children:
        for column in child.columns:
            lines.append((f"{child.title} · {column.header}", column.node.get("description", "")))
    for row, (name, text) in enumerate(lines, start=1):
        _put(sheet, row, 1, name).font = Font(bold=True)
        _put(sheet, row, 2, text).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 90


# ------------------------------------------------------------------ reading a workbook

@dataclass(frozen=True, order=True)
class CellProblem:
    sheet_order: int
    row: int
    column: int
    sheet: str
    letter: str
    field: str
    message: str

    def format(self) -> str:
        return f"{self.sheet} 行 {self.row} 列 {self.letter} 「{self.field}」 {self.message}"


@dataclass
class ReadCase:
    data: dict
    row: int
    cells: dict[str, tuple[str, int, int]]  # field path ("measures[0].name") → (sheet, row, column)


def read_workbook(path: Path) -> tuple[list[ReadCase], list[CellProblem]]:
    """Cases from a workbook written by write_workbook (and filled in by an editor)."""
    from openpyxl import load_workbook

    try:
        check_package(path, XLSX)
        # Read-only: rows are parsed one by one as they are read, never the whole sheet at once.
        workbook = load_workbook(str(path), read_only=True, data_only=False)
    except TooLarge as err:
        return [], [CellProblem(0, 1, 1, Path(path).name, "A", "文件", err.detail)]
    except Exception as err:  # openpyxl raises many kinds for a broken file
        return [], [CellProblem(0, 1, 1, Path(path).name, "A", "文件", f"无法读取：文件已损坏或不是 Excel 工作簿（.xlsx）（{type(err).__name__}）")]
    try:
        return _read_cases(workbook)
    finally:
        workbook.close()


def _read_cases(workbook) -> tuple[list[ReadCase], list[CellProblem]]:
    columns, children = layout()
    problems: list[CellProblem] = []
    order = {name: n for n, name in enumerate([CASES_SHEET] + [c.title for c in children])}

    def problem(sheet: str, row: int, col: int, title: str, message: str):
        from openpyxl.utils import get_column_letter
        problems.append(CellProblem(order.get(sheet, 99), row, col, sheet, get_column_letter(col), title, message))

    if CASES_SHEET not in workbook.sheetnames:
        problem(CASES_SHEET, 1, 1, "表", f"找不到「{CASES_SHEET}」表：请用 kb export 导出的表格填写")
        return [], problems
    cases: list[ReadCase] = []
    by_id: dict[str, ReadCase] = {}
    expected: dict[str, dict[str, tuple[int, int]]] = {}  # case id → list field → (count, column)
    for row, values in _rows(workbook[CASES_SHEET], columns, problem):
        data, cells, counts = {}, {}, {}
        for column, (col, raw) in values.items():
            try:
                value = decode(raw, column)
            except CellError as err:
                problem(CASES_SHEET, row, col, column.title, str(err))
                continue
            cells[_field(column.path)] = (CASES_SHEET, row, col)
            if value is not None and column.kind != "count":
                _set(data, column.path, value)
            elif column.kind == "count" and value == 0:
                data[column.path[0]] = []
            if column.kind == "count" and value:
                counts[column.path[0]] = (value, col)
        for key in _required_objects():  # all its cells empty: the sheet cannot tell {} from absent, the schema can
            data.setdefault(key, {})
        case_id = data.get("id")
        if not isinstance(case_id, str):
            problem(CASES_SHEET, row, 1, "案例编号", "缺少案例编号（id）")
            continue
        if case_id in by_id:
            problem(CASES_SHEET, row, 1, "案例编号", f"案例编号“{case_id}”重复（第 {by_id[case_id].row} 行已有）")
            continue
        cells[""] = (CASES_SHEET, row, 1)
        expected[case_id] = counts
        by_id[case_id] = ReadCase(data, row, cells)
        cases.append(by_id[case_id])
    for child in children:
        if child.title not in workbook.sheetnames:
            if any(child.key in counts for counts in expected.values()):
                problem(CASES_SHEET, 1, 1, child.title, f"找不到「{child.title}」表，但「案例」表中有案例的{child.title}条数不是 0：请不要删除这张表")
            continue
        for row, values in _rows(workbook[child.title], [Column(("id",), "案例编号", {"type": "string"})] + child.columns,
                                 problem, first_header=ID_HEADER):
            id_column = next((c for c in values if c.path == ("id",)), None)
            if id_column is None:
                problem(child.title, 1, 1, "案例编号", f"缺少「{ID_HEADER}」列")
                break
            id_col, raw_id = values.pop(id_column)
            case = by_id.get(str(raw_id).strip()) if raw_id is not None else None
            if case is None:
                problem(child.title, row, id_col, "案例编号",
                        "缺少案例编号" if raw_id is None else f"案例“{raw_id}”不在「{CASES_SHEET}」表中")
                continue
            items = case.data.get(child.key)
            items = case.data[child.key] = items if isinstance(items, list) else []
            item: dict = {}
            index = len(items)
            case.cells.setdefault(_field((child.key,)), (child.title, row, 1))
            case.cells[_field((child.key, index))] = (child.title, row, 1)
            for column, (col, raw) in values.items():
                try:
                    value = decode(raw, column)
                except CellError as err:
                    problem(child.title, row, col, column.title, str(err))
                    continue
                case.cells[_field((child.key, index) + column.path)] = (child.title, row, col)
                if value is not None:
                    _set(item, column.path, value)
            items.append(item)
    for case in cases:  # a case whose rows all vanished from a child sheet is a mistake, not a deletion
        for key, (count, col) in expected[case.data["id"]].items():
            if key not in case.data and any(c.key == key for c in children) and \
                    next(c for c in children if c.key == key).title in workbook.sheetnames:
                title = next(c.title for c in children if c.key == key)
                problem(CASES_SHEET, case.row, col, f"{title}条数",
                        f"「{title}」表中没有这个案例的行，但条数是 {count}：确要全部删除时请把条数改为 0")
    return cases, sorted(problems)


def _required_objects() -> list[str]:
    """Top-level fields a case must have that are objects whose own fields are all optional (period)."""
    case = schema("case")
    return [key for key in case.get("required", []) if _is_object(case["properties"][key])
            and not case["properties"][key].get("required")]


def _field(path) -> str:
    from ..core.problems import field_path
    return field_path(path)


def _rows(sheet, columns: list[Column], problem, first_header: str | None = None):
    """(row number, {column: (column number, raw value)}) for every filled row of a sheet."""
    by_header = {c.header: c for c in columns}
    by_key = {c.key: c for c in columns}
    if first_header:
        by_header[first_header] = columns[0]
    found: dict[int, Column] = {}
    if not _within_limits(sheet, problem):
        return
    header_cells = next(sheet.iter_rows(min_row=1, max_row=1), ())
    for cell in header_cells[:MAX_COLUMNS]:
        if cell.value is None or str(cell.value).strip() == "":
            continue
        text = str(cell.value).strip()
        match = _HEADER.search(text)
        column = by_header.get(text) or (by_key.get(match.group(1)) if match else None) \
            or next((c for c in columns if c.title == text), None)
        if column is None:
            problem(sheet.title, 1, cell.column, text, "不认识的列：列名应与 kb export 导出的一致（括号中是字段名）")
        elif column in found.values():
            problem(sheet.title, 1, cell.column, column.title, "这一列重复出现")
        else:
            found[cell.column] = column
    for number, row in enumerate(sheet.iter_rows(min_row=2), start=2):
        if number > MAX_ROWS or len(row) > MAX_COLUMNS:
            _too_large(sheet, problem, number, number, len(row))
            return
        values = {}
        for col, cell in enumerate(row, start=1):  # an empty cell of a read-only sheet knows no position
            column = found.get(col)
            if column is None:
                continue
            if cell.data_type == "f":
                problem(sheet.title, number, col, column.title, "单元格是公式：请直接填写内容（可复制后“选择性粘贴 → 值”）")
                continue
            values[column] = (col, cell.value)
        if any(raw is not None and raw != "" for _, raw in values.values()):
            for column in found.values():
                values.setdefault(column, (next(k for k, v in found.items() if v is column), None))
            yield number, values


def _within_limits(sheet, problem) -> bool:
    """False (with a problem) for a sheet whose declared size is over MAX_ROWS or MAX_COLUMNS.
    The declared size is then forgotten, so that one saying too few rows hides none: the rows
    read are counted against the limits as they come."""
    rows, columns = sheet.max_row or 0, sheet.max_column or 0
    if rows > MAX_ROWS or columns > MAX_COLUMNS:
        _too_large(sheet, problem, 1, rows, columns)
        return False
    sheet.reset_dimensions()
    return True


def _too_large(sheet, problem, row: int, rows: int, columns: int) -> None:
    over = [f"用到第 {rows:,} 行（上限 {MAX_ROWS:,} 行）"] if rows > MAX_ROWS else []
    over += [f"用到第 {columns:,} 列（上限 {MAX_COLUMNS:,} 列）"] if columns > MAX_COLUMNS else []
    problem(sheet.title, min(row, MAX_ROWS + 1), 1, "表", f"这张表{'、'.join(over)}，不予导入"
            "（表格下方或右侧远处有内容或格式？删掉多余的行和列后再导入）")


# ------------------------------------------------------------------ the content folder

def taxonomy_options(corpus) -> dict[str, list[tuple[str, str]]]:
    """Drop-down choices for the cross-referenced columns (the enums come from the schema itself)."""
    return {
        "practice_types": [(k, v.get("name", "")) for k, v in corpus.taxonomy("practice_type").items()],
        "themes": [(k, v.get("name", "")) for k, v in corpus.taxonomy("theme").items()],
        "locality.region": [(k, v.get("name", "")) for k, v in corpus.region_map().items()],
    }


def export_cases(content_dir: Path, path: Path) -> int:
    from ..content.corpus import read_corpus
    from ..core.problems import ProblemsFound

    corpus = read_corpus(content_dir)
    if corpus.load_problems:
        raise ProblemsFound(corpus.load_problems)
    cases = [doc.data for doc in corpus.cases]
    write_workbook(cases, path, taxonomy_options(corpus))
    return len(cases)


@dataclass
class ImportResult:
    problems: list[CellProblem]
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    unchanged: int = 0


def import_cases(content_dir: Path, path: Path) -> ImportResult:
    """Rows → case files. Every row is checked as `kb validate` would check its file; when any
    problem is found nothing is written. Cases whose data did not change are not rewritten.
    The files are written all or none (core.atomic.WriteFailed when the disk refuses them)."""
    from ..content.corpus import read_corpus
    from ..content.load import Document
    from ..content.scaffold import ID_MAX, ID_PATTERN
    from ..core.atomic import write_files
    from ..core.problems import display_path
    from ..content.validate import province_folder, validate
    content_dir = Path(content_dir)
    read, problems = read_workbook(path)
    if not read:
        return ImportResult(problems)
    reported = {(p.sheet, p.row, p.column) for p in problems}
    corpus = read_corpus(content_dir)
    existing = {doc.data["id"]: doc for doc in corpus.cases if isinstance(doc.data, dict) and isinstance(doc.data.get("id"), str)}
    regions = corpus.region_map()
    plans = {}  # file shown in problems → (ReadCase, target path, old path or None)
    stand_ins = set()  # files named by their row: the file name check does not apply to them
    for case in read:
        region = _get(case.data, ("locality", "region"))
        old = existing.get(case.data["id"])
        if isinstance(region, str) and region in regions:
            folder = province_folder(corpus, region)
        else:
            folder = Path(old.file).parent.name if old else "china"
        # An id that is no valid id (too long for a file name, or with a "/") is reported on its
        # cell by the schema check; its file is never written, so it is named by the row instead
        # (with "_", which no id has).
        valid = ID_PATTERN.fullmatch(case.data["id"]) and len(case.data["id"]) <= ID_MAX
        target = content_dir / "cases" / folder / f"{case.data['id'] if valid else f'_row-{case.row}'}.yaml"
        shown = display_path(target, content_dir.parent)
        if not valid:
            stand_ins.add(shown)
        document = Document(shown, case.data, {})
        if old is not None:
            corpus.cases.remove(old)
        corpus.cases.append(document)
        plans[shown] = (case, target, content_dir.parent / old.file if old else None, old)
    columns, children = layout()
    titles = _titles()
    for found in validate(corpus):
        if found.severity != "error" or found.file not in plans:
            continue
        if found.file in stand_ins and found.field == "id" and "文件名" in found.message:
            continue
        case = plans[found.file][0]
        sheet, row, col = _cell_for(case.cells, found.field)
        if (sheet, row, col) in reported:
            continue
        from openpyxl.utils import get_column_letter
        order = [CASES_SHEET] + [c.title for c in children]
        problems.append(CellProblem(order.index(sheet) if sheet in order else 99, row, col, sheet,
                                    get_column_letter(col), _title_for(found.field, titles), found.message))
    if problems:
        return ImportResult(sorted(set(problems)))
    result = ImportResult([])
    writes = {}
    for shown, (case, target, old_path, old) in plans.items():
        if old is not None and normalised(old.data) == normalised(case.data) and old_path == target:
            result.unchanged += 1
            continue
        writes[target] = _case_file_text(case.data, content_dir.parent / old.file if old else None, old)
        if old_path is not None and old_path != target:
            result.removed.append(old_path)
    write_files(writes, remove=result.removed)  # all the files or none (see atomic.write_files)
    result.written = list(writes)
    return result


def _case_file_text(data: dict, old_path: Path | None, old) -> str:
    """The new text of a case file: the old file with only the changed values rewritten
    (comments, order, quotes and block text kept), or a fresh file for a new case."""
    from .roundtrip import updated_text
    from .yamlout import case_text

    if old_path is not None and old_path.is_file():
        text = updated_text(old_path.read_text(encoding="utf-8"), old.data, data)
        if text is not None:
            return text
    return case_text(data)


def _cell_for(cells: dict, field_text: str) -> tuple[str, int, int]:
    text = field_text
    while text not in cells and text:
        text = re.sub(r"(\[\d+\]|\.?[^.\[]+)$", "", text)
    return cells.get(text) or cells[""]


def _titles() -> dict[str, str]:
    out = {}

    def walk(node, prefix):
        for key, sub in node.get("properties", {}).items():
            out[prefix + key] = sub.get("title", key)
            if sub.get("type") == "object":
                walk(sub, prefix + key + ".")
            if sub.get("type") == "array" and isinstance(sub.get("items"), dict):
                walk(sub["items"], prefix + key + ".")
    walk(schema("case"), "")
    return out


def _title_for(field_text: str, titles: dict[str, str]) -> str:
    plain = re.sub(r"\[\d+\]", "", field_text)
    while plain and plain not in titles:
        plain = plain.rsplit(".", 1)[0] if "." in plain else ""
    return titles.get(plain, field_text or "案例")
