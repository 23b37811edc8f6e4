"""Messages that say what to type: the hints added to problems found by the other stages.

Every function here is data to data (text, tables, problems in; a hint or problems out), so the
loader, the validator and the site stage each call one of them at the point where they report."""
from __future__ import annotations

import difflib
import re
from pathlib import Path

from ..core.problems import Problem

# --- ids: "did you mean", and a Chinese name where an id is expected --------------------------------


def id_for_name(value: str, table: dict[str, dict], name_key: str = "name") -> str | None:
    """The id of the entry whose name or alias is `value` (with or without 街道、区… at the end)."""
    for ident, item in table.items():
        names = [n for n in [item.get(name_key)] + list(item.get("aliases") or []) if isinstance(n, str)]
        if value in names or (isinstance(value, str) and _strip(value) in map(_strip, names)):
            return ident
    return None


def suggestion(value: str, table: dict[str, dict], name_key: str = "name") -> str:
    """'请写编号 wanggehua（网格化管理）' when `value` is a name or alias of an entry, else
    '是不是 …？' for the closest ids or names, else ''."""
    if isinstance(value, str) and re.search("[，、；]", value):
        return "列表的各项之间用了全角标点“，”“、”：请改成半角逗号加空格，如 [a, b]，或每项单独一行，以“- ”开头"
    ident = id_for_name(value, table, name_key)
    if ident is not None:
        return f"这里要写编号，不是名称：请写 {ident}（{table[ident].get(name_key)}）"
    by_name = {_strip(item.get(name_key)): ident for ident, item in table.items() if isinstance(item.get(name_key), str)}
    close = difflib.get_close_matches(value, list(table), n=3, cutoff=0.6)
    close += [by_name[n] for n in difflib.get_close_matches(_strip(value), list(by_name), n=3, cutoff=0.6) if by_name[n] not in close]
    if not close:
        return ""
    return "是不是 " + "、".join(f"{c}（{table[c].get(name_key)}）" if table[c].get(name_key) else c for c in close[:3]) + "？"


def _strip(name: str) -> str:
    return re.sub(r"(街道|镇|乡|区|县|市|省)$", "", name)


def with_suggestion(message: str, value, table: dict[str, dict], name_key: str = "name") -> str:
    hint = suggestion(value, table, name_key) if isinstance(value, str) else ""
    return f"{message}。{hint}" if hint else message


EMPTY = "还是空的：请填写；资料上没有的可选项就把这一行删掉"


def drop_format_errors_explained_by_references(problems: list[Problem]) -> list[Problem]:
    """One message per place, the one that says what to type: a name (or a misspelt id) written
    where an id belongs fails both the id pattern and the reference check (keep the reference
    problem, which names the id); an empty value fails its length or pattern too (keep "still empty")."""
    referenced = {(p.file, p.field) for p in problems if "不在" in p.message}
    empty = {(p.file, p.field) for p in problems if p.message == EMPTY}
    return [p for p in problems
            if not ((p.file, p.field) in referenced and "格式不对" in p.message)
            and not ((p.file, p.field) in empty and p.message != EMPTY)]


def drop_references_to_unreadable(problems: list[Problem], load_problems: list[Problem]) -> list[Problem]:
    """While a file cannot be read, references to its id are not errors of their own: only the
    file's own problem is shown (its name is its id), not one more per place that cites it."""
    unreadable = {Path(p.file).stem for p in load_problems}
    return [p for p in problems if p in load_problems or not any(f"“{stem}”" in p.message for stem in unreadable)]


# --- numbers where text is expected, empty values -----------------------------------------------------


def quote_hint(value) -> str:
    """What to type when a number (or yes/no) was written where text is expected."""
    if isinstance(value, bool):
        return f"：请加引号，写成 \"{'true' if value else 'false'}\" 这样的文字"
    if isinstance(value, (int, float)):
        return f"：请加引号，写成 \"{value}\""
    return ""


def empty_problems(doc) -> list[Problem]:
    """Every empty text ("") left in a file, typically from a `kb new` skeleton."""
    out = []

    def walk(value, path):
        if isinstance(value, str) and not value.strip():
            out.append(doc.problem(path, EMPTY))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, path + (key,))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, path + (i,))

    walk(doc.data, ())
    return out


# --- list items in words -----------------------------------------------------------------------------


def item_label(root: dict, path: tuple) -> str:
    """'做法类型第 1 项' for ('practice_types', 0): list positions in words, titled from the schema."""
    node, label = root, ""
    for part in path:
        if isinstance(part, int):
            label = f"{label}第 {part + 1} 项"
            node = node.get("items", {}) if isinstance(node, dict) else {}
        else:
            node = _resolve(root, node.get("properties", {}).get(part, {})) if isinstance(node, dict) else {}
            label = node.get("title", part) if isinstance(node, dict) else part
    return label


def _resolve(root: dict, node: dict) -> dict:
    ref = node.get("$ref", "") if isinstance(node, dict) else ""
    if ref.startswith("#/$defs/"):
        return {**root.get("$defs", {}).get(ref.split("/")[-1], {}), **{k: v for k, v in node.items() if k != "$ref"}}
    return node


# --- full-width punctuation in YAML ------------------------------------------------------------------

_FULL_COLON_KEY = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][A-Za-z0-9_]*)\s*：")
FULLWIDTH = {"：": ("全角冒号", "半角冒号加空格“: ”"), "，": ("全角逗号", "半角逗号“,”"),
             "“": ("全角引号", "半角引号 \"…\""), "”": ("全角引号", "半角引号 \"…\"")}


def fullwidth_problem(text: str, error_line: int, file: str) -> Problem | None:
    """When YAML cannot parse a file, the usual cause an editor cannot see: full-width punctuation
    where YAML needs its own. Looks at the error line and the lines above it (the parser reports a
    key's missing colon on the next line) and names the character, its line and column."""
    lines = text.split("\n")
    for number in range(min(error_line, len(lines)), max(error_line - 3, 0), -1):
        line = lines[number - 1]
        if line.lstrip().startswith("#"):
            continue
        if line.lstrip(" ").startswith("\u3000"):
            return Problem(file, number, line.index("\u3000") + 1, "", "行首用了全角空格“　”缩进，YAML 不认：请改用半角空格")
        match = _FULL_COLON_KEY.match(line)
        if match:
            column = line.index("：") + 1
            return Problem(file, number, column, match.group(2),
                           f"「{match.group(2)}」后面用了全角冒号“：”，YAML 不认：请改成半角冒号加空格“: ”")
        flow = re.search(r"\[[^\]]*，", line)
        if flow:
            column = flow.end()
            return Problem(file, number, column, "", "方括号列表中用了全角逗号“，”：请改成半角逗号“,”（或每项单独一行，以“- ”开头）")
        if number == error_line and ("“" in line or "”" in line):
            column = min(i for i in (line.find("“"), line.find("”")) if i >= 0) + 1
            return Problem(file, number, column, "", "这一行的全角引号“”不起引号的作用，YAML 不认：要把整段文字括起来请用半角引号 \"…\"，"
                                                   "或者在值里避免“: ”")
    return None


def unknown_field_hint(name: str) -> str:
    """An unknown field that is a known one behind full-width space, or with a full-width colon."""
    if name.startswith("\u3000"):
        return f"「{name.strip()}」前面用了全角空格“　”缩进，YAML 不认：请改用半角空格"
    if "：" in name:
        return f"「{name}」中用了全角冒号“：”：字段名后面请用半角冒号加空格“: ”"
    return ""


# --- problems from the MkDocs stage --------------------------------------------------------------------

_LINK = re.compile(r"Doc file '([^']+)' contains a link '([^']+)', but (?:the target|there is no)")
_ANCHOR = re.compile(r"Doc file '([^']+)' contains a link '([^']*#[^']+)', but the doc '[^']+' does not contain an anchor")


def mkdocs_problem(message: str, corpus, fallback: Problem) -> Problem:
    """A MkDocs warning, in Chinese, at the content file (and line) that produced the page."""
    match = _ANCHOR.search(message) or _LINK.search(message)
    if not match:
        return Problem(fallback.file, fallback.line, fallback.column, fallback.field,
                       f"生成网站时出错（MkDocs）：{message}")
    page, target = match.groups()
    what = "锚点（#…）" if "#" in target and match.re is _ANCHOR else "页面"
    text = f"链接“{target}”指向的{what}不存在（生成的页面 {page}）：请改正链接地址或删掉链接"
    where = _content_location(corpus, page, target)
    if where is None:
        return Problem(fallback.file, fallback.line, fallback.column, fallback.field, text)
    file, line, column = where
    return Problem(file, line, column, "", text)


def _content_location(corpus, page: str, target: str) -> tuple[str, int, int] | None:
    """The content file whose text holds the link target (the page's own file first)."""
    if corpus is None:
        return None
    stem = Path(page).stem
    docs = sorted(corpus.cases + corpus.sources + corpus.courses, key=lambda d: Path(d.file).stem != stem)
    needle = target.split("#")[0] or target
    for doc in docs:
        path = Path(corpus.root).parent / doc.file
        if not path.exists():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
            if needle in line:
                return doc.file, number, line.index(needle) + 1
    return None
