"""What a reader sees in a string: the text the personal-data guard looks at.

Two folds, each keeping where every character of its result came from in the original string,
so that what is found in the folded text is reported at, and quoted from, the original:

- `read(text)`: compatibility forms as their plain letters and digits (NFKC: full-width １３９
  and ＡＢＣ, circled ①, ＠), every decimal digit as 0–9, and invisible characters dropped —
  format characters (zero-width space and joiner, soft hyphen, BOM, direction marks …), the
  other default-ignorable code points (variation selectors, fillers) and combining marks.
  Only the characters that change are worked on one by one (`SUSPICIOUS`, generated from
  this Python's Unicode data into unicode_tables.py); a string without any is its own reading.
  Common full-width punctuation（，：；（）…）and wide spaces stay as written: the guard's
  patterns accept them as they are, and folding them would touch nearly every Chinese string.
- `numerals(folded)`: Chinese digits as 0–9, one for one (一三九, 〇/○/零, 幺, 两, 拐, 洞, 勾 and
  the financial 壹贰叁 …), and a number written with 十/百/千 right before 弄, 号 or 室
  (一百二十三弄) as its value (123弄).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .unicode_tables import IGNORABLE, SUSPICIOUS, UNICODE_VERSION  # noqa: F401 (IGNORABLE: for problems.py)



def _bmp_part(chars: str) -> str:
    """The part of a class body (characters and a-b ranges) below U+10000: a class of those alone
    is matched by a bitmap; one reaching beyond is tried range by range, many times slower."""
    out, i = [], 0
    while i < len(chars):
        low, high = chars[i], chars[i]
        if i + 2 < len(chars) and chars[i + 1] == "-":
            high = chars[i + 2]
            i += 3
        else:
            i += 1
        if ord(low) <= 0xFFFF:
            out.append(low if low == high else f"{low}-{chr(min(ord(high), 0xFFFF))}")
    return "".join(out)


_SUSPICIOUS_BMP = re.compile(f"[{_bmp_part(SUSPICIOUS)}]")
_SUSPICIOUS_ALL = re.compile(f"[{SUSPICIOUS}]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_IGNORABLE = re.compile(f"[{IGNORABLE}]")


def _suspicious(text: str) -> re.Pattern | None:
    """The pattern that finds text's suspicious characters, or None if it has none."""
    if _ASTRAL.search(text):
        return _SUSPICIOUS_ALL if _SUSPICIOUS_ALL.search(text) else None
    return _SUSPICIOUS_BMP if _SUSPICIOUS_BMP.search(text) else None

# Read digit by digit (phone numbers, room numbers): each stands for one digit.
CHINESE_DIGITS = {**dict.fromkeys("〇○◯零洞", "0"), **dict.fromkeys("一幺壹", "1"), **dict.fromkeys("二两兩贰貳", "2"),
                  **dict.fromkeys("三叁參", "3"), **dict.fromkeys("四肆", "4"), **dict.fromkeys("五伍", "5"),
                  **dict.fromkeys("六陆陸", "6"), **dict.fromkeys("七柒拐", "7"), **dict.fromkeys("八捌", "8"),
                  **dict.fromkeys("九玖勾", "9")}
_DIGIT_TABLE = str.maketrans(CHINESE_DIGITS)
_CHINESE_DIGIT = re.compile("[" + "".join(CHINESE_DIGITS) + "]")
_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_NUMERAL = "〇零一二三四五六七八九两壹贰叁肆伍陆柒捌玖" + "".join(_UNITS)
# A number with place units (一百二十三, 十二) before a door-number word: its value, not its digits.
_POSITIONAL = re.compile(f"[{_NUMERAL}]*[{''.join(_UNITS)}][{_NUMERAL}]*(?=\\s*[弄号室])")


@dataclass(frozen=True)
class Folded:
    """A folded string and, for each of its characters, the stretch of the original it reads
    (`starts`, `ends`; None when the folded string is the original itself)."""

    text: str
    original: str
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None

    def source(self, start: int, end: int) -> tuple[int, int]:
        """The stretch of the original that folded text[start:end] (end > start) was read from."""
        if self.starts is None:
            return start, end
        return self.starts[start], self.ends[end - 1]


def read(text: str) -> Folded:
    """The text as a reader sees it (see the module's docstring), with where each character came from."""
    pattern = _suspicious(text)
    if pattern is None:
        return Folded(text, text)
    return _replaced(Folded(text, text), [(m.start(), m.end(), plain(m.group())) for m in pattern.finditer(text)])


def is_plain(text: str) -> bool:
    """Whether text reads as written (read(text).text == text)."""
    return _suspicious(text) is None


def read_text(text: str) -> str:
    """read(text).text, without keeping where each character came from."""
    pattern = _suspicious(text)
    return pattern.sub(lambda m: plain(m.group()), text) if pattern else text


def numerals(folded: Folded) -> Folded:
    """Chinese numerals as digits (see the module's docstring)."""
    text = folded.text
    if not _CHINESE_DIGIT.search(text) and not _POSITIONAL.search(text):
        return folded
    positional = [(m.start(), m.end(), str(chinese_number(m.group()))) for m in _POSITIONAL.finditer(text)]
    digits = Folded(text.translate(_DIGIT_TABLE), folded.original, folded.starts, folded.ends)
    return _replaced(digits, positional) if positional else digits


def chinese_number(numeral: str) -> int:
    """一百二十三 → 123, 十二 → 12, 一百零三 → 103."""
    total, digit = 0, 0
    for ch in numeral:
        if ch in _UNITS:
            total += (digit or 1) * _UNITS[ch]
            digit = 0
        else:
            digit = int(CHINESE_DIGITS.get(ch, "0"))
    return total + digit


@lru_cache(maxsize=4096)
def plain(ch: str) -> str:
    """What one suspicious character reads as: nothing if invisible, else its NFKC form with
    every decimal digit as 0–9 and invisible parts dropped."""
    if _IGNORABLE.match(ch):
        return ""
    out = []
    for part in unicodedata.normalize("NFKC", ch):
        if _IGNORABLE.match(part):
            continue
        digit = unicodedata.decimal(part, None)
        out.append(str(digit) if digit is not None else part)
    return "".join(out)


def _replaced(folded: Folded, replacements: list[tuple[int, int, str]]) -> Folded:
    """folded with each text[start:end] replaced (in order, not overlapping), the origins composed."""
    text = folded.text
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    last = 0
    for start, end, new in replacements:
        pieces.append(text[last:start])
        starts.extend(range(last, start))
        ends.extend(range(last + 1, start + 1))
        pieces.append(new)
        starts.extend([start] * len(new))
        ends.extend([end] * len(new))
        last = end
    pieces.append(text[last:])
    starts.extend(range(last, len(text)))
    ends.extend(range(last + 1, len(text) + 1))
    if folded.starts is not None:  # positions in folded.text → positions in the original
        # a character made from folded.text[s:e] reads original[folded.starts[s]:folded.ends[e - 1]];
        # one made from nothing (never: empty replacements add no characters) needs no origin
        starts = [folded.starts[s] if s < len(folded.starts) else len(folded.original) for s in starts]
        ends = [folded.ends[e - 1] if e > 0 else 0 for e in ends]
    return Folded("".join(pieces), folded.original, tuple(starts), tuple(ends))


# ------------------------------------------------------------------ the generated tables

# Punctuation and spaces that stay as written (not folded): the guard's patterns take them as
# they are. Everything else that NFKC changes is folded.
KEPT_AS_WRITTEN = "，；！？：（）％～／＂＇［］｛｝＜＞｜＾｀＆＃＄＊…‥\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
# Default-ignorable code points that are neither format characters nor marks (Unicode's
# DerivedCoreProperties.txt; unicodedata does not expose the property).
OTHER_IGNORABLE = [(0x115F, 0x1160), (0x2065, 0x2065), (0x3164, 0x3164), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8),
                   (0xE0000, 0xE0FFF)]


def tables() -> tuple[str, str]:
    """(SUSPICIOUS, IGNORABLE) as regular-expression class bodies, from this Python's Unicode data:
    IGNORABLE = format characters, marks and the other default-ignorables; SUSPICIOUS = those, the
    decimal digits other than 0–9, and every character NFKC changes except KEPT_AS_WRITTEN."""
    ignorable, suspicious = set(), set()
    for low, high in OTHER_IGNORABLE:
        ignorable.update(range(low, high + 1))
    for code in range(0x80, 0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        ch = chr(code)
        category = unicodedata.category(ch)
        if category == "Cf" or category[0] == "M":
            ignorable.add(code)
        elif category == "Nd" or (unicodedata.normalize("NFKC", ch) != ch and ch not in KEPT_AS_WRITTEN):
            suspicious.add(code)
    return _class(ignorable | suspicious), _class(ignorable)


def _class(codes: set[int]) -> str:
    ranges: list[list[int]] = []
    for code in sorted(codes):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "".join(chr(low) if low == high else f"{chr(low)}-{chr(high)}" for low, high in ranges)


def _escape(code: int) -> str:
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def write_tables(path=None) -> None:
    """Regenerate unicode_tables.py (after a Python upgrade changes the Unicode version)."""
    from pathlib import Path

    suspicious, ignorable = tables()
    target = Path(path) if path else Path(__file__).with_name("unicode_tables.py")
    target.write_text(
        '"""Generated by kb.textfold.write_tables() from Python\'s unicodedata; do not edit.\n\n'
        "IGNORABLE: format characters, marks and other default-ignorable code points (dropped when read).\n"
        "SUSPICIOUS: those, non-ASCII decimal digits and what NFKC changes (folded when read).\"\"\"\n"
        f"UNICODE_VERSION = {unicodedata.unidata_version!r}\n"
        f"IGNORABLE = (\n{_wrapped(ignorable)})\n"
        f"SUSPICIOUS = (\n{_wrapped(suspicious)})\n", encoding="utf-8")


def _wrapped(body: str, width: int = 100) -> str:
    """The class body as string literals of escapes (all its characters are beyond ASCII, so
    every "-" in it joins a range), one range never split across two lines."""
    escaped = "".join("-" if ch == "-" else _escape(ord(ch)) for ch in body)
    parts = re.findall(r"\\[uU][0-9a-f]+(?:-\\[uU][0-9a-f]+)?", escaped)
    lines, line = [], ""
    for part in parts:
        if len(line) + len(part) > width:
            lines.append(line)
            line = ""
        line += part
    lines.append(line)
    return "".join(f'    "{line}"\n' for line in lines)


def unicode_version_matches() -> bool:
    return UNICODE_VERSION == unicodedata.unidata_version
