"""Strict YAML loading: YAML 1.2 scalars, no aliases, no duplicate keys, positions kept.

Every value of a loaded document keeps the line and column where it was written, so a
later stage can point an editor at the exact place of a problem.
"""
from __future__ import annotations

import math
import os
import re
import stat
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

# Content is a few levels deep (a course: modules → lessons → quiz → options → fields); deeper
# nesting is a typo or an attack, and past a thousand levels the parsers themselves give up.
MAX_DEPTH = 50
# Excel keeps 15 significant digits and a browser's JavaScript 2^53 (16 digits): a longer
# integer would come back changed from an export or a page, and Python refuses to read one of
# more than 4,300 digits at all. A code or a number of that length is text: it wants quotes.
MAX_INT_DIGITS = 15
# Control characters can only come from escapes in double quotes ("\e", "\a", "\0", "\x85"):
# a terminal obeys them and exports break on them. Tab and line breaks (\n, and \r of a CRLF,
# which the link check reads as a browser does) are text; printing escapes \r. A lone
# surrogate ("\ud800") is half a character that no file can hold.
_REFUSED_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_ESCAPE = re.compile(r"\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.S)


_YAML_ESCAPES = {"0": "\x00", "a": "\x07", "b": "\x08", "t": "\t", "n": "\n", "v": "\x0b", "f": "\x0c", "r": "\r",
                 "e": "\x1b", "N": "\x85"}


class NumberTooLong(ValueError):
    """An integer of more than MAX_INT_DIGITS digits, or a number too large to hold."""


@dataclass
class Document:
    """A loaded YAML file: its data and the (line, column) of every value, 1-based."""

    file: str
    data: object
    positions: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    spans: dict[tuple, tuple[int, int]] = field(default_factory=dict)  # scalar path -> (start, end) offsets in text
    text: str = ""
    edited: bool = False  # data changed after loading (lifecycle: references to held-off cases taken out)

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


class _TooDeep(yaml.MarkedYAMLError):
    pass


TOO_DEEP = f"嵌套太深（超过 {MAX_DEPTH} 层）：内容文件用不到这么多层，请检查是否多写了“[”“{{”或“- ”"


class _StrictLoader(yaml.SafeLoader):
    """Composes nodes only; refuses aliases and marks untagged plain scalars."""

    depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _AliasRefused(None, None, "alias", event.start_mark)
        self.depth += 1
        try:  # the top collection is at depth 1, as in _convert
            if self.depth > MAX_DEPTH and not self.check_event(yaml.ScalarEvent):
                raise _TooDeep(None, None, "too deep", self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

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
    except _TooDeep as err:
        mark = err.problem_mark
        raise ProblemsFound([Problem(file, mark.line + 1, mark.column + 1, "", TOO_DEEP)]) from None
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
    return load_text(decode(read_regular(path, file), file), file)


NOT_A_FILE = "这不是普通文件（是文件夹、命名管道或设备），不会读取：请删除它，或换成同名的内容文件"


def read_regular(path: Path, file: str | None = None) -> bytes:
    """The bytes of a regular file. Anything else (a named pipe, a device, a folder) is refused
    without waiting on it: opened without blocking, and checked on the opened file itself."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise ProblemsFound([Problem(file or Path(path).as_posix(), 1, 1, "", NOT_A_FILE)])
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            return stream.read()
    finally:
        os.close(descriptor)


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


def _convert(node, path: tuple, doc: Document, problems: list[Problem], depth: int = 1):
    doc.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if depth > MAX_DEPTH and not isinstance(node, yaml.ScalarNode):
        problems.append(Problem(doc.file, node.start_mark.line + 1, node.start_mark.column + 1, "", TOO_DEEP))
        return None
    if isinstance(node, yaml.MappingNode):
        result: dict = {}
        key_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == PLAIN and not _NUMBER_START.match(key_node.value):  # plain text: nothing to report
                key = key_node.value
            else:
                key = _convert(key_node, path + (_KEY,), doc, problems, depth + 1)
            line, column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if not isinstance(key, str):
                problems.append(Problem(doc.file, line, column, field_path(path), f"字段名必须是文字，不能是 {key!r}"))
                continue
            if key in result:
                problems.append(Problem(doc.file, line, column, field_path(path + (key,)),
                                        f"字段「{key}」重复出现（第一次在第 {key_lines[key]} 行）"))
                continue
            key_lines[key] = line
            result[key] = _convert(value_node, path + (key,), doc, problems, depth + 1)
        doc.positions.pop(path + (_KEY,), None)
        doc.spans.pop(path + (_KEY,), None)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, path + (i,), doc, problems, depth + 1) for i, item in enumerate(node.value)]
    return _scalar(node, path, doc, problems)


def _scalar(node: yaml.ScalarNode, path: tuple, doc: Document, problems: list[Problem]):
    value = node.value
    doc.spans[path] = (node.start_mark.index, node.end_mark.index)
    if node.style == '"' and _REFUSED_CHARACTER.search(value):
        problems.append(_character_problem(node, path, doc))
        return ""
    tag = node.tag
    try:
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
    except NumberTooLong:
        digits = len(value.strip().lstrip("+-"))
        problems.append(doc.problem(path, f"数字太长（{digits} 位）：最多 {MAX_INT_DIGITS} 位（Excel 和网页只能原样保存这么长的数字）；"
                                          "编号、号码等请加引号写成文字" if _INT.match(value) else
                                          "数字太大，无法保存：请改写成文字（加引号）"))
        return value
    if not ok:
        problems.append(doc.problem(path, f"“{value}”与类型标记 !!{tag.rsplit(':', 1)[1]} 不符"))
        return value
    return parsed


def _character_problem(node: yaml.ScalarNode, path: tuple, doc: Document) -> Problem:
    """Where the first escape that makes a refused character is written, and what it makes."""
    start = node.start_mark.index
    written = doc.text[start:node.end_mark.index]
    for match in _ESCAPE.finditer(written):
        escape = match.group()
        made = chr(int(escape[2:], 16)) if escape[1] in "xuU" else _YAML_ESCAPES.get(escape[1], "")
        if made and _REFUSED_CHARACTER.search(made):
            before = doc.text[: start + match.start()]
            line, column = before.count("\n") + 1, start + match.start() - (before.rfind("\n") + 1) + 1
            return Problem(doc.file, line, column, field_path(path), _character_message(match.group(), made))
    bad = _REFUSED_CHARACTER.search(node.value).group()
    return Problem(doc.file, node.start_mark.line + 1, node.start_mark.column + 1, field_path(path),
                   _character_message(None, bad))


def _character_message(escape: str | None, made: str) -> str:
    code = f"U+{ord(made):04X}"
    written = f"“{escape}”" if escape else "这段文字中"
    if "\ud800" <= made <= "\udfff":
        return f"{written}是半个字符（{code}，单独的代理码）：请直接写出这个字，或用 \\U0001F600 这样的 8 位写法"
    return f"{written}写出的是控制字符 {code}：页面、导出和终端都不接受，请删除这个转义"


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


_NUMBER_START = re.compile(r"[-+.0-9]")


def _int(value: str):
    if not _INT.match(value):
        return False, None
    if len(value.lstrip("+-")) > MAX_INT_DIGITS:
        raise NumberTooLong(value)
    return True, int(value)


def _float(value: str):
    if not _FLOAT.match(value):
        return False, None
    parsed = float(value)
    if math.isinf(parsed):
        raise NumberTooLong(value)
    return True, parsed
