"""The personal-data guard: text that would identify or reach a petitioner.

The detectors look at what a reader sees, not at the code points written (textfold.py):
full-width and other compatibility forms as plain letters and digits, invisible characters
(zero-width space, soft hyphen, BOM …) dropped, and for numbers Chinese digits as digits
(一三九…, 幺/两, 一百二十三弄). A number may be written in groups with any run of spaces, dots,
dashes or line breaks between them; every stretch of whole groups is tried. Each finding is
reported with the stretch of the original string it was read from.

Checksums (GB 11643 for ID numbers, Luhn for bank cards) keep long numbers that are not
identifiers — counts, codes, sums — from being reported. Officials and staff whom a published
source names are not caught by these patterns; text that must stay although it matches goes in
content/allowlist.yaml with its source.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from ..core.textfold import Folded, is_plain, numerals, read, read_text  # noqa: F401 (is_plain: for validate)

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
            "任沈姚卢姜崔钟谭陆汪范金廖贾夏韦方白邹孟熊秦邱尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤"
            "付傅施洪乔文庞樊殷易常牛葛江柳卜齐童俞单季骆聂鲁倪关华欧阳"
            # the same surnames in traditional characters, where they differ
            "張劉陳楊黃趙吳孫馬羅鄭謝許韓馮鄧蕭董葉蘇呂盧鍾譚陸範賈韋鄒閆雷龍賀顧郝龔萬錢嚴湯喬龐單駱聶魯關華")
COMPOUND_SURNAMES = "欧阳|司马|诸葛|上官|东方|皇甫|尉迟|公孙|令狐|慕容|长孙|宇文|司徒|夏侯|歐陽|司馬|諸葛|東方|長孫"
SURNAME = rf"(?:{COMPOUND_SURNAMES}|[{SURNAMES}])"
# How petitioners are referred to in reports: 张某, 李某某, 王阿姨, 赵大爷 …
TERMS_OF_ADDRESS = ("阿姨|大爷|大妈|大娘|大伯|大叔|大婶|老伯|阿婆|阿公|老太太|老太|老汉|老爷子|师傅|大姐|大哥|奶奶|爷爷|婆婆"
                    "|大爺|大媽|大嬸|老爺子|師傅|爺爺")
# Up to two spaces may stand inside a name (张 某某); invisible characters are already gone.
_GAP = r"[ \u3000\u00a0]{0,2}"

# What may stand between the digit groups of a number: any run of spaces (wide ones too), line
# breaks, dots, dashes and brackets — as written or as NFKC leaves them.
SEPARATOR = r"[\s.\-()（）…‥·・•∙‧‐‑‒–—―−]"
_DIGIT_GROUPS = re.compile(rf"[0-9]+(?:{SEPARATOR}+[0-9]+)*(?:{SEPARATOR}*[Xx](?![A-Za-z0-9]))?")
_GROUP = re.compile(r"[0-9]+")

_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+[ \u3000]*(?:@|[\[(（［](?i:at)[\])）］])[ \u3000]*"
                    r"[A-Za-z0-9\-]+(?:[.。][A-Za-z0-9\-]+)+")
# Each pattern that starts with alternatives is led by a class of their first characters: the
# regular-expression engine then skips ahead to those instead of trying every alternative everywhere.
_IM_LABEL = (r"(?=[微薇威维VvWwQq企扣])(?:[微薇威维]\s*信|[Vv]\s*信|企\s*鹅|扣\s*扣"
             r"|(?<![A-Za-z])(?:(?i:we\s*chat|wei\s*xin)|[VvWw][Xx]|[Qq]\s*[Qq]))")
_IM_ID = re.compile(_IM_LABEL + r"(?:\s*(?:号码|号|账号|帐号|(?i:id)))?\s*[:：=]?\s*[A-Za-z0-9][A-Za-z0-9_\-]{4,19}")
_ADDRESS = re.compile(r"(?<!\d)(?:\d+\s*弄(?:\s*\d+\s*号)?(?:\s*\d+\s*室)?"
                      r"|\d+\s*号\s*\d+\s*室"
                      r"|\d+\s*(?:栋|幢|号楼)(?:\s*\d+\s*单元)?(?:\s*\d+\s*室)?"
                      r"|\d+\s*单元\s*\d+\s*(?:室|号)?)"
                      r"|(?<![\d一二三四五六七八九十])\d{3,4}\s*室")
_MASK = r"(?:某某?(?![些种个项类地处单部人件次年月日天区镇县市乡村街道社居小楼])|××?|[Xx]{2}|[*＊]{2,3}|[○〇]{2})"
_SURNAME_FIRST = "(?=[" + SURNAMES + "".join(c[0] for c in COMPOUND_SURNAMES.split("|")) + "])"
_SOMEONE = re.compile(rf"{_SURNAME_FIRST}{SURNAME}{_GAP}{_MASK}")
_ADDRESSED = re.compile(rf"{_SURNAME_FIRST}{SURNAME}{_GAP}(?:{TERMS_OF_ADDRESS})")

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"


def valid_id18(number: str) -> bool:
    """GB 11643-1999: a plausible birth date and the ISO 7064 MOD 11-2 check character."""
    if not _valid_date(number[6:14]):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS))
    return ID_CHECK[total % 11] == number[17].upper()


def valid_id15(number: str) -> bool:
    """The pre-1999 15-digit number: area code and a 19yy birth date."""
    return _valid_date("19" + number[6:12])


def _valid_date(digits: str) -> bool:
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return False
    return 1880 <= born.year <= date.today().year


def luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _card(digits: str, groups: int) -> bool:
    """A Luhn-valid number of 16–19 digits; written in several groups it must also start like a
    card (3–6 or 9), so that runs of years and dates (2018 2019 2020 2021) are not taken for one."""
    return luhn(digits) and (groups == 1 or digits[0] in "345469")


def _always(*_) -> bool:
    return True


class Finding(NamedTuple):
    offset: int      # where the finding starts in the original string
    text: str        # the original text, as written
    label: str
    reading: str     # what the guard read there (differs from text when folded)


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: looked up for every string
class Number:
    """A detector of numbers: the digits of a stretch of whole groups must match `pattern` and
    pass `holds(digits, groups)`; `letters` says whether a letter may touch the number."""
    label: str
    pattern: re.Pattern
    holds: Callable
    letters: bool = True


@dataclass(frozen=True, eq=False)
class Pattern:
    """A detector of text: `pattern` over the read text (numerals: with Chinese digits as
    digits), each match passing `holds(read, original)`."""
    label: str
    pattern: re.Pattern
    holds: Callable = _always
    numerals: bool = False


_ID18 = Number("身份证号", re.compile(r"\d{17}[\dX]"), lambda digits, _: valid_id18(digits), letters=False)
_ID15 = Number("身份证号（15 位）", re.compile(r"[1-9]\d{14}"), lambda digits, _: valid_id15(digits), letters=False)
_MOBILE = Number("手机号码", re.compile(r"(?:0{0,2}86)?1[3-9]\d{9}"), _always)
_CARD = Number("银行卡号", re.compile(r"\d{16,19}"), _card)
_LANDLINE = Number("固定电话号码", re.compile(r"0\d{2,3}[2-9]\d{6,7}"), _always)
LONGEST_NUMBER = 19  # digits: no detector of numbers matches more


def _door_number(found: str, original: str) -> bool:
    """A lone number written with one Chinese numeral (梅花三弄, 一栋楼, 两幢), or before 栋/幢/
    号楼 in Chinese (四十二幢, 三四栋: counts), is not taken for a door number; one written in
    digits, read digit by digit (五〇二室), or next to another number (三号五〇二室) is."""
    if len(_GROUP.findall(found)) > 1 or re.search(r"\d", original):
        return True
    numeral = re.match(r"\D*?([^\s弄号室栋幢单]+)", original)
    written = numeral.group(1) if numeral else original
    if re.search(r"(?:栋|幢|号楼)", found):
        return len(written) >= 3 and not re.search("[十百千拾佰仟]", written)
    return len(written) >= 2


# In order of precedence: where two equally long matches overlap, the earlier one is reported.
DETECTORS = [
    _ID18, _ID15, _MOBILE, _CARD, _LANDLINE,
    Pattern("电子邮箱", _EMAIL), Pattern("微信/QQ 号", _IM_ID),
    _DOOR := Pattern("门牌地址", _ADDRESS, _door_number, numerals=True),
    Pattern("信访人姓氏（某某）", _SOMEONE), Pattern("信访人称呼", _ADDRESSED),
]

class Cue:
    """What any match of a detector contains: one of `literals` (looked for with `in`, faster
    than a regular expression) or a match of one of `patterns`."""

    def __init__(self, *literals: str, patterns: tuple[str, ...] = ()):
        self.literals = literals
        self.patterns = [re.compile(pattern) for pattern in patterns]

    def search(self, text: str) -> bool:
        return any(literal in text for literal in self.literals) or any(p.search(text) for p in self.patterns)


# Each detector's cue, looked for in the read text (before Chinese digits become digits): text
# without it is not searched by that detector. Most strings have none.
_NUMERAL = "0-9〇○◯零洞一幺壹二两兩贰貳三叁參四肆五伍六陆陸七柒拐八捌九玖勾"
# The shortest number a detector of numbers takes is a landline number: 0 + area code + 7 digits.
_TEN_DIGITS = Cue(patterns=(rf"[{_NUMERAL}](?:{SEPARATOR}*[{_NUMERAL}]){{9}}",))
CUES = {_ID18: _TEN_DIGITS, _ID15: _TEN_DIGITS, _MOBILE: _TEN_DIGITS, _CARD: _TEN_DIGITS, _LANDLINE: _TEN_DIGITS,
        DETECTORS[5]: Cue("@", patterns=(r"[Aa][Tt][\])）］]",)),
        DETECTORS[6]: Cue(patterns=(_IM_LABEL,)),
        _DOOR: Cue(patterns=(rf"[{_NUMERAL}十百千拾佰仟]\s*[弄号室栋幢单]",)),
        DETECTORS[8]: Cue("某", patterns=("[×*＊○〇]", "[Xx][Xx]")),
        DETECTORS[9]: Cue(patterns=(TERMS_OF_ADDRESS,))}


_COSTLY = frozenset([_ID18, _ID15, _MOBILE, _CARD, _LANDLINE, _DOOR])


def findings(text: str, detectors=DETECTORS, as_written: bool = False) -> list[Finding]:
    """Every suspected piece of personal data, in text order. `detectors`: those whose cue occurs
    in a text that holds this one (see cued). The cues of those that read Chinese numerals as
    digits are looked for again in this text alone: only they cost more than their cue.
    as_written: text is known to read as written (is_plain), so it is not looked through again."""
    folded = Folded(text, text) if as_written else read(text)
    if not _COSTLY.isdisjoint(detectors):
        numbers = _TEN_DIGITS.search(folded.text)
        door = _DOOR in detectors and CUES[_DOOR].search(folded.text)
        detectors = [d for d in detectors if d not in _COSTLY or (door if d is _DOOR else numbers)]
    return _scan(folded, detectors)


def cued(text: str, detectors=DETECTORS, already_read: bool = False) -> list:
    """The detectors whose cue occurs in what text reads as: the others cannot match it, nor any part of it."""
    if not already_read:
        text = read_text(text)
    seen: dict = {}
    out = []
    for detector in detectors:
        cue = CUES[detector]
        if cue not in seen:
            seen[cue] = bool(cue.search(text))
        if seen[cue]:
            out.append(detector)
    return out


def scan(text: str, detectors=DETECTORS) -> list[Finding]:
    """What the given detectors find, without the cue check, the earlier one winning where two overlap."""
    return _scan(read(text), detectors)


def _scan(folded: Folded, detectors) -> list[Finding]:
    """One finding per stretch of text: where matches overlap, the longest is reported, and of
    equally long ones the earlier detector's (an ID number is not also a bank card; a card
    number holding eleven digits that look like a phone number is a card number)."""
    with_numerals = numerals(folded) if not _COSTLY.isdisjoint(detectors) else folded
    candidates = []
    for rank, detector in enumerate(detectors):
        source = with_numerals if isinstance(detector, Number) or detector.numerals else folded
        for start, end in _matches(detector, source):
            first, last = source.source(start, end)
            candidates.append((first - last, rank, first, last, detector.label, source.text[start:end]))
    found: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for _, _, first, last, label, reading in sorted(candidates):
        if not any(first < t_end and t_start < last for t_start, t_end in taken):
            taken.append((first, last))
            found.append(Finding(first, folded.original[first:last], label, reading))
    return sorted(found)


def _matches(detector, folded: Folded):
    """(start, end) in folded.text of every match of the detector."""
    if isinstance(detector, Pattern):
        for match in detector.pattern.finditer(folded.text):
            first, last = folded.source(match.start(), match.end())
            if detector.holds(match.group(), folded.original[first:last]):
                yield match.span()
        return
    text = folded.text
    for run in _DIGIT_GROUPS.finditer(text):
        groups = [(run.start() + g.start(), run.start() + g.end()) for g in _GROUP.finditer(run.group())]
        check = "X" if run.group()[-1] in "Xx" else ""
        for start, end in _number_windows(detector, text, groups, check, run.end()):
            yield _with_prefix(text, start, end), end


def _with_prefix(text: str, start: int, end: int) -> int:
    """The start of a number with the + of +86 or the bracket opening (021) before it."""
    if start and (text[start - 1] == "+" or (text[start - 1] in "(（" and re.search("[)）]", text[start:end]))):
        return start - 1
    return start


def _number_windows(detector: Number, text: str, groups: list[tuple[int, int]], check: str, run_end: int):
    """Every stretch of whole groups whose digits the detector accepts: the longest one from
    each group on, none overlapping."""
    next_free = 0
    for i, (start, _) in enumerate(groups):
        if start < next_free:
            continue
        if not detector.letters and start > 0 and text[start - 1].isascii() and text[start - 1].isalpha():
            continue
        digits = ""
        best = None
        for j in range(i, len(groups)):
            digits += text[groups[j][0]:groups[j][1]]
            if len(digits) > LONGEST_NUMBER:
                break
            candidates = [(digits, groups[j][1])]
            if check and j == len(groups) - 1:
                candidates.insert(0, (digits + check, run_end))
            for number, end in candidates:
                if detector.pattern.fullmatch(number) and detector.holds(number, j - i + 1) \
                        and (detector.letters or not _letter_at(text, end)):
                    best = (start, end)
        if best:
            yield best
            next_free = best[1]


def _letter_at(text: str, index: int) -> bool:
    return index < len(text) and text[index].isascii() and text[index].isalpha()
