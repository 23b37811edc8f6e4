"""Changing a YAML file in place: only the values that changed are written again.

The file is read with ruamel.yaml's round-trip loader, which keeps comments, key order, flow
lists, quotes and block scalars; the new data is merged into that tree value by value, so an
unchanged value keeps its exact text and a changed one keeps its style (a quoted title stays
quoted, a folded block keeps its line breaks where the text around them did not change).
Whether a value changed is decided on the data the project's strict loader reads from the file.
"""
from __future__ import annotations

import io
import json
import re
from difflib import SequenceMatcher

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import (DoubleQuotedScalarString, FoldedScalarString, LiteralScalarString,
                                      ScalarString)

from ..content.load import load_text
from ..content.schemas import schema
from .spreadsheet import normalised
from .yamlout import _looks_like_other_type, ordered

_STR = "tag:yaml.org,2002:str"


class _Constructor(RoundTripConstructor):
    """Dates stay text, as the strict loader reads them (YAML 1.2 has no timestamps)."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)


def _yaml(text: str) -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.preserve_quotes = True
    yaml.width = 1_000_000  # never re-wrap a line
    yaml.allow_unicode = True
    yaml.indent(mapping=2, **_list_indent(text))
    return yaml


def _list_indent(text: str) -> dict[str, int]:
    """How the file indents block lists: the dash's offset under its key and the item's indent
    (``  - item`` under ``key:`` is offset 2, sequence 4, the project's own style)."""
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    for previous, line in zip(lines, lines[1:]):
        key, item = re.match(r"^( *)\S.*:$", previous), re.match(r"^( *)- ", line)
        if key and item and len(item.group(1)) >= len(key.group(1)):
            offset = len(item.group(1)) - len(key.group(1))
            return {"sequence": offset + 2, "offset": offset}
    return {"sequence": 4, "offset": 2}


def updated_text(text: str, old: dict, new: dict, schema_name: str = "case") -> str | None:
    """`text` (whose data is `old`) changed to hold `new`, touching only what differs;
    None when the file cannot be kept this way (the caller writes it afresh)."""
    yaml = _yaml(text)
    tree = yaml.load(text)
    if not isinstance(tree, CommentedMap) or not isinstance(old, dict):
        return None
    _merge_map(tree, old, new, schema(schema_name))
    out = io.StringIO()
    yaml.dump(tree, out)
    result = out.getvalue()
    return result if _reads_as(result, new) else None


def _reads_as(text: str, data: dict) -> bool:
    try:
        return normalised(load_text(text, "check").data) == normalised(data)
    except Exception:  # anything the strict loader refuses means: write the file afresh
        return False


def _merge_map(node: CommentedMap, old: dict, new: dict, node_schema: dict | None) -> None:
    props = (node_schema or {}).get("properties", {})
    for key in [k for k in node if new.get(k) is None and old.get(k) is not None]:
        del node[key]
    for key, value in new.items():
        if value is None:
            continue
        if key in node:
            merged = _merged(node[key], old.get(key), value, props.get(key))
            if merged is not node[key]:
                node[key] = merged
        else:
            node.insert(_position(node, key, list(props)), key, _fresh(value, props.get(key)))


def _merge_seq(node: CommentedSeq, old: list, new: list, node_schema: dict | None) -> None:
    """Items matched as a diff matches lines: an inserted or removed item (a measure added in the
    middle, a tag deleted) touches only its own lines."""
    items = (node_schema or {}).get("items")
    items = items if isinstance(items, dict) else None
    if len(node) != len(old):  # the file and the strict reading disagree: go item by item
        old = list(old)[:len(node)] + [None] * (len(node) - len(old))
    matcher = SequenceMatcher(None, [_key(v) for v in old], [_key(v) for v in new], autojunk=False)
    for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):  # from the end: earlier indices stay valid
        if tag != "equal":
            _replace_run(node, old[i1:i2], new[j1:j2], i1, items)


def _replace_run(node: CommentedSeq, old: list, new: list, start: int, items: dict | None) -> None:
    paired = min(len(old), len(new))
    for k in range(paired):  # a changed item keeps its place and style
        merged = _merged(node[start + k], old[k], new[k], items)
        if merged is not node[start + k]:
            node[start + k] = merged
    for k in reversed(range(paired, len(old))):
        del node[start + k]
    for k, value in enumerate(new[paired:], start=paired):
        node.insert(start + k, _fresh(value, items))


def _key(value) -> str:
    return json.dumps(normalised(value), ensure_ascii=False, sort_keys=True, default=str)


def _merged(current, old, new, node_schema: dict | None):
    """`current` itself (edited in place when it is a container), or the value to put in its place."""
    if normalised(old) == normalised(new):
        return current
    if isinstance(current, CommentedMap) and isinstance(new, dict) and isinstance(old, dict):
        _merge_map(current, old, new, node_schema)
        return current
    if isinstance(current, CommentedSeq) and isinstance(new, list) and isinstance(old, list):
        _merge_seq(current, old, new, node_schema)
        return current
    if isinstance(new, str):
        return _restyled(new, current)
    return _fresh(new, node_schema)


def _position(node: CommentedMap, key: str, order: list[str]) -> int:
    """Where a new key goes: after the last key the schema lists before it."""
    if key not in order:
        return len(node)
    rank = order.index(key)
    position = 0
    for index, existing in enumerate(node):
        if existing in order and order.index(existing) < rank:
            position = index + 1
    return position


def _fresh(value, node_schema: dict | None):
    """A value that was not in the file, in the style `kb.office.yamlout` writes new files."""
    if isinstance(value, dict):
        value = ordered(value, node_schema)
        props = (node_schema or {}).get("properties", {})
        fresh = CommentedMap()
        for key, item in value.items():
            if item is not None:
                fresh[key] = _fresh(item, props.get(key))
        return fresh
    if isinstance(value, list):
        items = (node_schema or {}).get("items")
        return CommentedSeq(_fresh(item, items if isinstance(items, dict) else None) for item in value)
    if isinstance(value, str):
        return _plain_style(value)
    return value


def _plain_style(text: str):
    if _looks_like_other_type(text) or _resolves_to_other(text):
        return DoubleQuotedScalarString(text)
    if "\n" in text:
        return LiteralScalarString(text) if _block_safe(text) else DoubleQuotedScalarString(text)
    return text


def _block_safe(text: str) -> bool:
    """Text a block scalar gives back unchanged: no tabs, no spaces at either end of a line."""
    return "\t" not in text and "\r" not in text and all(line == line.strip(" ") for line in text.split("\n"))


_RESOLVER = VersionedResolver()


def _resolves_to_other(text: str) -> bool:
    return _RESOLVER.resolve(ScalarNode, text, (True, False)) != _STR


def _restyled(text: str, current):
    """The new text written the way the old one was: same quotes, same kind of block."""
    if isinstance(current, (FoldedScalarString, LiteralScalarString)) and not _block_safe(text):
        return _plain_style(text)
    if isinstance(current, FoldedScalarString):
        return _refolded(text, current) if "\n" not in text else LiteralScalarString(text)
    if isinstance(current, ScalarString):
        return type(current)(text)  # quoted stays quoted, a literal block stays one
    return _plain_style(text)


def _refolded(text: str, current: FoldedScalarString) -> FoldedScalarString:
    """A folded block with its line breaks kept wherever the text around them is unchanged."""
    folds = sorted(getattr(current, "fold_pos", []))
    kept = []
    for tag, i1, i2, j1, _ in SequenceMatcher(None, str(current), text, autojunk=False).get_opcodes():
        if tag == "equal":
            kept += [j1 + p - i1 for p in folds if i1 <= p < i2]
    result = FoldedScalarString(text)
    result.fold_pos = [p for p in kept if 0 < p < len(text) - 1 and text[p] == " " and text[p + 1] != " "]
    return result
