"""JSON Schemas in schemas/ are the single source of truth for every field.

This module loads them and turns jsonschema's errors into Chinese problems that name the
field by its schema title.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator

from .hints import item_label, quote_hint, unknown_field_hint
from .load import Document
from ..core.problems import Problem

SCHEMA_DIR = Path(__file__).resolve().parents[3] / "schemas"

TYPE_NAMES = {"string": "文字", "integer": "整数", "number": "数字", "array": "列表",
              "object": "字段组", "boolean": "是/否", "null": "空值"}


@lru_cache(maxsize=None)
def schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def validator(name: str) -> Draft202012Validator:
    Draft202012Validator.check_schema(schema(name))
    return Draft202012Validator(schema(name))


def labels(name: str, *path: str) -> dict[str, str]:
    """The Chinese labels (x-labels) of an enum field, e.g. labels('case', 'locality', 'level')."""
    node = schema(name)
    for key in path:
        node = node["properties"][key] if "properties" in node else node["items"]["properties"][key]
    return node.get("x-labels", {})


def title_of(subschema: dict, fallback: str) -> str:
    return subschema.get("title", fallback) if isinstance(subschema, dict) else fallback


@lru_cache(maxsize=None)
def quick_validator(name: str):
    """jsonschema-rs (compiled, some fifty times faster) answers only "valid or not"; the
    problems of an invalid document are still worded from jsonschema's errors."""
    try:
        import jsonschema_rs
    except ImportError:  # optional: without it every document goes through jsonschema
        return None
    return jsonschema_rs.validator_for(schema(name))


def validate_document(doc: Document, schema_name: str) -> list[Problem]:
    quick = quick_validator(schema_name)
    if quick is not None and quick.is_valid(doc.data):
        return []
    problems = [p for error in validator(schema_name).iter_errors(doc.data) for p in _to_problems(doc, error, schema_name)]
    return sorted(problems)


def _to_problems(doc: Document, error, schema_name: str = "") -> list[Problem]:
    path = tuple(error.absolute_path)
    keyword = error.validator
    sub = error.schema if isinstance(error.schema, dict) else {}
    field = title_of(sub, str(path[-1]) if path else "文件")
    if path and isinstance(path[-1], int) and schema_name:
        field = item_label(schema(schema_name), path)  # list items in words: 做法类型第 1 项

    if keyword == "required":
        missing = error.message.split("'")[1]
        title = title_of(sub.get("properties", {}).get(missing, {}), missing)
        problem = doc.problem(path, f"缺少必填字段「{title}」（{missing}）")
        return [Problem(problem.file, problem.line, problem.column, _with(problem.field, missing), problem.message)]
    if keyword == "additionalProperties":
        known = "、".join(sub.get("properties", {}))
        return [doc.problem(path + (name,), unknown_field_hint(name) or f"不认识的字段「{name}」，是不是拼错了？可用字段：{known}")
                for name in sorted(set(error.instance) - set(sub.get("properties", {})))]
    messages = {
        "type": lambda: (f"「{field}」还没有填写（应为{_types(error.validator_value)}）" if error.instance is None else
                         f"「{field}」应为{_types(error.validator_value)}，现在是{TYPE_NAMES.get(_json_type(error.instance), '其他')}"
                         + (quote_hint(error.instance) if "string" in _types_list(error.validator_value) else "")),
        "enum": lambda: (f"「{field}」还没有填写，可填：{_enum_choices(sub)}" if error.instance is None else
                         f"「{field}」只能是以下之一：{_enum_choices(sub)}；现在是“{error.instance}”"),
        "pattern": lambda: _pattern_message(field, error.instance, error.validator_value),
        "minLength": lambda: f"「{field}」太短，至少 {error.validator_value} 个字",
        "maxLength": lambda: f"「{field}」太长，最多 {error.validator_value} 个字",
        "minItems": lambda: f"「{field}」至少要有 {error.validator_value} 项",
        "uniqueItems": lambda: f"「{field}」中有重复的项",
        "minimum": lambda: f"「{field}」不能小于 {error.validator_value}",
        "maximum": lambda: f"「{field}」不能大于 {error.validator_value}",
        "dependentRequired": lambda: _dependent_message(sub, error),
        "anyOf": lambda: _any_of_message(sub),
    }
    message = messages.get(keyword, lambda: f"「{field}」不符合要求：{error.message}")()
    return [doc.problem(path, message)]


def _with(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _json_type(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    return {float: "number", str: "string", list: "array", dict: "object", type(None): "null"}.get(type(value), "?")


def _types_list(expected) -> list:
    return expected if isinstance(expected, list) else [expected]


def _types(expected) -> str:
    expected = expected if isinstance(expected, list) else [expected]
    return "或".join(TYPE_NAMES.get(t, t) for t in expected)


def _enum_choices(sub: dict) -> str:
    names = sub.get("x-labels", {})
    return "、".join(f"{value}（{names[value]}）" if value in names else str(value) for value in sub.get("enum", []))


ONE_LINE = r"^(?!.*[\n\r\u000b\u000c\u0085\u2028\u2029])"  # the schemas' pattern of single-line fields


def _pattern_message(field: str, value, pattern: str) -> str:
    if pattern == ONE_LINE:
        return f"「{field}」只能写一行：请删去其中的换行（名称、标题和标签会写进网页的页头）"
    if pattern.startswith("^[a-z0-9]+"):
        return f"「{field}」格式不对：“{value}”只能用小写拼音字母、数字和连字符（如 shanghai-changning）"
    if "\\d{4}-\\d{2}-\\d{2}" in pattern:
        return f"「{field}」应写成带引号的日期，如 \"2026-11-25\"；现在是“{value}”"
    return f"「{field}」格式不对：“{value}”"


def _dependent_message(sub: dict, error) -> str:
    props = sub.get("properties", {})
    for given, needed in error.validator_value.items():
        if given in error.instance:
            missing = [n for n in needed if n not in error.instance]
            titles = "、".join(title_of(props.get(n, {}), n) for n in missing)
            return f"填了「{title_of(props.get(given, {}), given)}」就必须同时填「{titles}」"
    return error.message


def _any_of_message(sub: dict) -> str:
    props = sub.get("properties", {})
    options = [title_of(props.get(o["required"][0], {}), o["required"][0]) for o in sub.get("anyOf", []) if "required" in o]
    return f"「{'」或「'.join(options)}」至少要填一项"
