"""Writing case data back to YAML that the strict loader reads as the same data.

Keys follow the schema's order; multi-line text is written as a block; any text the loader
would read as something else (null, true, 1e5 …) is quoted.
"""
from __future__ import annotations

import yaml

from ..content.load import _bool, _float, _int, _null
from ..content.schemas import schema

CASE_SCHEMA_LINE = "# yaml-language-server: $schema=../../../schemas/case.schema.json"
SOURCE_SCHEMA_LINE = "# yaml-language-server: $schema=../../schemas/source.schema.json"


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):  # list items indented under their key
        return super().increase_indent(flow, False)


def _looks_like_other_type(text: str) -> bool:
    return any(parse(text)[0] for parse in (_null, _bool, _int, _float))


def _represent_str(dumper: yaml.SafeDumper, text: str):
    if "\n" in text and text == text.strip(" ") and "\t" not in text:
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|")
    if _looks_like_other_type(text):
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"')
    return dumper.represent_scalar("tag:yaml.org,2002:str", text)


_Dumper.add_representer(str, _represent_str)


def ordered(value, node: dict | None):
    """`value` with the keys of every object in the order its schema lists them (unknown keys last)."""
    node = node or {}
    if isinstance(value, dict):
        props = node.get("properties", {})
        keys = [k for k in props if k in value] + [k for k in value if k not in props]
        return {k: ordered(value[k], props.get(k)) for k in keys}
    if isinstance(value, list):
        return [ordered(item, node.get("items") if isinstance(node.get("items"), dict) else None) for item in value]
    return value


def dump(data: dict, schema_name: str = "case") -> str:
    return yaml.dump(ordered(data, schema(schema_name)), Dumper=_Dumper, allow_unicode=True,
                     sort_keys=False, default_flow_style=False, width=10_000, indent=2)


def case_text(data: dict, comments: list[str] = ()) -> str:
    """A whole case file: the schema line, optional comment lines, then the data."""
    head = [CASE_SCHEMA_LINE] + [f"# {c}" for c in comments]
    return "\n".join(head) + "\n" + dump(data, "case")


def source_text(data: dict, comments: list[str] = ()) -> str:
    head = [SOURCE_SCHEMA_LINE] + [f"# {c}" for c in comments]
    return "\n".join(head) + "\n" + dump(data, "source")
