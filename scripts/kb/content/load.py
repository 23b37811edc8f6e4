"""Strict YAML loading: YAML 1.2 scalars, no aliases, no duplicate keys, positions kept.

Every value of a loaded document keeps the line and column where it was written, so a
later stage can point an editor at the exact place of a problem.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .hints import fullwidth_problem
from ..core.problems import Problem, ProblemsFound, field_path

PLAIN = "tag:kb,2024:plain"

_NULL = re.compile(r"^(~|null|Null|NULL|)$")
_TRUE = re.compile(r"^(true|True|TRUE)$")
_FALSE = re.compile(r"^(false|False|FALSE)$")
# YAML 1.2 core schema, minus numbers with leading zeros, which stay text (codes, "0777").
_INT = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^[-+]?((0|[1-9][0-9]*)(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$")

BOM = b"\xef\xbb\xbf"


@dataclass
class Document:
    """A loaded YAML file: its data and the (line, column) of every value, 1-based."""

    file: str
    data: object
    positions: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    spans: dict[tuple, tuple[int, int]] = field(default_factory=dict)  # scalar path -> (start, end) offsets in text
    text: str = ""

    def position(self, path) -> tuple[int, int]:
        """Position of the value at `path`, or of its nearest written ancestor."""
        path = tuple(path)
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, (1, 1))

    def problem(self, path, message: str, severity: str = "error") -> Problem:
        line, column = self.position(path)
        return Problem(self.file, line, column, field_path(path), message, severity)

    def locate(self, path, needle: str, occurrence: int = 0) -> tuple[int, int]:
        """Where `needle`, found in the string value at `path` (its occurrence-th time there,
        counting from 0), is written in the file — inside quoted, folded and literal block
        scalars too, where a value's lines are not the file's."""
        span = self.spans.get(tuple(path))
        if not span or not needle:
            return self.position(path)
        start, end = span
        written = self.text[start:end]
        offset = -1
        for _ in range(occurrence + 1):
            offset = written.find(needle, offset + 1)
            if offset < 0:
                break
        if offset < 0:  # the needle runs across a folded line break or an escape: match loosely
            loose = r"\s*".join(re.escape(ch) for ch in needle if not ch.isspace())
            matches = list(re.finditer(loose, written)) if loose else []
            if not matches:
                return self.position(path)
            offset = matches[min(occurrence, len(matches) - 1)].start()
        before = self.text[: start + offset]
        return before.count("\n") + 1, start + offset - (before.rfind("\n") + 1) + 1

    def problem_at(self, path, needle: str, message: str, severity: str = "error", occurrence: int = 0) -> Problem:
        line, column = self.locate(path, needle, occurrence)
        return Problem(self.file, line, column, field_path(path), message, severity)


class _AliasRefused(yaml.MarkedYAMLError):
    pass


class _StrictLoader(yaml.SafeLoader):
    """Composes nodes only; refuses aliases and marks untagged plain scalars."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _AliasRefused(None, None, "alias", event.start_mark)
        return super().compose_node(parent, index)

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode and implicit[0]:
            return PLAIN
        return super().resolve(kind, value, implicit)


def decode(raw: bytes, file: str) -> str:
    if raw.startswith(BOM):
        raw = raw[len(BOM):]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ProblemsFound([Problem(file, 1, 1, "", "文件是 UTF-16 编码，请用 UTF-8 编码另存后再试")])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        column = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        try:
            raw.decode("gb18030")
            hint = "文件看起来是 GBK/GB18030 编码，请在编辑器中选择“另存为 UTF-8”后再试"
        except UnicodeDecodeError:
            hint = "文件不是有效的 UTF-8 文本，请用 UTF-8 编码另存后再试"
        raise ProblemsFound([Problem(file, line, column, "", hint)]) from None


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """libyaml's C composer with the same scalar marking; about ten times faster."""

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode and implicit[0]:
            return PLAIN
        return super().resolve(kind, value, implicit)


def _fast_node(text: str):
    """The node tree from libyaml, or None to let the pure-Python loader handle the file: when
    there is no libyaml, when anchors may occur (it refuses them at the alias itself), and on
    any error (it words them, with the exact position)."""
    if not yaml.__with_libyaml__ or "&" in text or yaml.reader.Reader.NON_PRINTABLE.search(text):
        return None
    loader = _FastLoader(text)
    try:
        return loader.get_single_node() or None
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()


def load_text(text: str, file: str) -> Document:
    node = _fast_node(text)
    if node is not None:
        return _document(node, file, text)
    try:
        loader = _StrictLoader(text)
    except yaml.reader.ReaderError as err:
        raise ProblemsFound([_reader_problem(err, text, file)]) from None
    try:
        node = loader.get_single_node()
    except _AliasRefused as err:
        mark = err.problem_mark
        raise ProblemsFound([Problem(file, mark.line + 1, mark.column + 1, "",
                                     "不允许使用锚点引用（*别名）：请把内容直接写出来")]) from None
    except yaml.reader.ReaderError as err:
        raise ProblemsFound([_reader_problem(err, text, file)]) from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        hinted = fullwidth_problem(text, line, file)
        raise ProblemsFound([hinted or Problem(file, line, column, "", f"YAML 语法错误：{_describe(err)}")]) from None
    finally:
        loader.dispose()
    if node is None:
        raise ProblemsFound([Problem(file, 1, 1, "", "文件是空的")])
    return _document(node, file, text)


def _document(node, file: str, text: str) -> Document:
    doc = Document(file, None, text=text)
    problems: list[Problem] = []
    doc.data = _convert(node, (), doc, problems)
    if problems:
        raise ProblemsFound(problems)
    return doc


def _reader_problem(err: yaml.reader.ReaderError, text: str, file: str) -> Problem:
    before = text[: err.position]
    line = before.count("\n") + 1
    column = err.position - (before.rfind("\n") + 1) + 1
    return Problem(file, line, column, "", f"文件中有不允许的控制字符（{err.character!r}），请删除")


def load_file(path: Path, display: str | None = None) -> Document:
    file = display or Path(path).as_posix()
    return load_text(decode(Path(path).read_bytes(), file), file)


def _describe(err: yaml.MarkedYAMLError) -> str:
    problem = err.problem or ""
    known = {
        "found character '\\t' that cannot start any token": "不能用 Tab 缩进，请改用空格",
        "mapping values are not allowed here": "这里不能出现冒号（值里有冒号时请加引号）",
        "found undefined alias": "不允许使用锚点引用",
    }
    for english, chinese in known.items():
        if english in problem:
            return chinese
    if "could not find expected ':'" in problem:
        return "上一行或这一行的字段名后缺少半角冒号“: ”，或者一段文字换行后没有对齐缩进"
    if "expected" in problem or "could not find" in problem or "found" in problem:
        return "结构不完整或缩进不一致：检查这一行和上一行的缩进（同一级要对齐）和冒号"
    return problem or str(err)


_KEY = object()  # marks the position of a mapping key while it is being converted


def _convert(node, path: tuple, doc: Document, problems: list[Problem]):
    doc.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict = {}
        key_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == PLAIN:  # an untagged scalar key: nothing to report while reading it
                key = plain_value(key_node.value)
            else:
                key = _convert(key_node, path + (_KEY,), doc, problems)
            line, column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if not isinstance(key, str):
                problems.append(Problem(doc.file, line, column, field_path(path), f"字段名必须是文字，不能是 {key!r}"))
                continue
            if key in result:
                problems.append(Problem(doc.file, line, column, field_path(path + (key,)),
                                        f"字段「{key}」重复出现（第一次在第 {key_lines[key]} 行）"))
                continue
            key_lines[key] = line
            result[key] = _convert(value_node, path + (key,), doc, problems)
        doc.positions.pop(path + (_KEY,), None)
        doc.spans.pop(path + (_KEY,), None)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, path + (i,), doc, problems) for i, item in enumerate(node.value)]
    return _scalar(node, path, doc, problems)


def _scalar(node: yaml.ScalarNode, path: tuple, doc: Document, problems: list[Problem]):
    value = node.value
    doc.spans[path] = (node.start_mark.index, node.end_mark.index)
    tag = node.tag
    if tag == PLAIN:
        return plain_value(value)
    if tag == "tag:yaml.org,2002:str":
        return value
    parser = {"tag:yaml.org,2002:int": _int, "tag:yaml.org,2002:float": _float,
              "tag:yaml.org,2002:bool": _bool, "tag:yaml.org,2002:null": _null}.get(tag)
    if parser is None:
        problems.append(doc.problem(path, f"不支持的类型标记 {tag}"))
        return value
    ok, parsed = parser(value)
    if not ok:
        problems.append(doc.problem(path, f"“{value}”与类型标记 !!{tag.rsplit(':', 1)[1]} 不符"))
        return value
    return parsed


# Every plain scalar that reads as null, a yes/no or a number starts with one of these.
_NOT_ONLY_TEXT = frozenset("~nNtTfF+-.0123456789\n")


def plain_value(value: str):
    """An untagged scalar as YAML 1.2 reads it: null, yes/no, a number, or else the text itself."""
    if value and value[0] not in _NOT_ONLY_TEXT:
        return value  # most values are prose: no pattern can match
    for parse in (_null, _bool, _int, _float):
        ok, parsed = parse(value)
        if ok:
            return parsed
    return value


def _null(value: str):
    return (True, None) if _NULL.match(value) else (False, None)


def _bool(value: str):
    if _TRUE.match(value):
        return True, True
    return (True, False) if _FALSE.match(value) else (False, None)


def _int(value: str):
    return (True, int(value)) if _INT.match(value) else (False, None)


def _float(value: str):
    return (True, float(value)) if _FLOAT.match(value) else (False, None)
