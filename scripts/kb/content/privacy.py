"""The personal-data guard: text that would identify or reach a petitioner.

Each detector returns (offset, matched text, label) for one string; checksums (GB 11643 for ID
numbers, Luhn for bank cards) keep long numbers that are not identifiers — counts, codes, sums —
from being reported. Officials and staff whom a published source names are not caught by these
patterns; text that must stay although it matches goes in content/allowlist.yaml with its source.
"""
from __future__ import annotations

import re
from datetime import date

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
            "任沈姚卢姜崔钟谭陆汪范金廖贾夏韦方白邹孟熊秦邱尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤"
            "付傅施洪乔文庞樊殷易常牛葛江柳卜齐童俞单季骆聂鲁倪关华欧阳")
COMPOUND_SURNAMES = "欧阳|司马|诸葛|上官|东方|皇甫|尉迟|公孙|令狐|慕容|长孙|宇文|司徒|夏侯"
SURNAME = rf"(?:{COMPOUND_SURNAMES}|[{SURNAMES}])"
# How petitioners are referred to in reports: 张某, 李某某, 王阿姨, 赵大爷 …
TERMS_OF_ADDRESS = "阿姨|大爷|大妈|大娘|大伯|大叔|大婶|老伯|阿婆|阿公|老太太|老太|老汉|老爷子|师傅|大姐|大哥|奶奶|爷爷|婆婆"

_ID18 = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
_ID15 = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{14}(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![\d])(?:\+?86[ \-]?)?1[3-9]\d(?:[ \-]?\d{4}){2}(?![\d])")
_LANDLINE = re.compile(r"(?<![\d])(?:[(（]0\d{2,3}[)）]|0\d{2,3})[ \-]?[2-9]\d{6,7}(?![\d])")
_CARD = re.compile(r"(?<![\d])\d{4}(?:[ \-]?\d{4}){2}[ \-]?\d{4,7}(?![\d])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
_IM_ID = re.compile(r"(?:微信号?|微信ID|WeChat|wechat|QQ号?|qq号?)\s*[:：]?\s*[A-Za-z0-9_\-]{5,20}")
_ADDRESS = re.compile(r"\d+\s*弄(?:\s*\d+\s*号)?(?:\s*\d+\s*室)?"
                      r"|\d+\s*号\s*\d+\s*室"
                      r"|\d+\s*(?:栋|幢|号楼)(?:\s*\d+\s*单元)?(?:\s*\d+\s*室)?"
                      r"|\d+\s*单元\s*\d+\s*(?:室|号)?"
                      r"|(?<![\d一二三四五六七八九十])\d{3,4}\s*室")
_SOMEONE = re.compile(rf"{SURNAME}某某?(?![些种个项类地处单部人件次年月日天区镇县市乡村街道社居小楼])")
_ADDRESSED = re.compile(rf"{SURNAME}(?:{TERMS_OF_ADDRESS})")

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


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _card(text: str) -> bool:
    digits = _digits(text)
    return 16 <= len(digits) <= 19 and luhn(digits)


def _always(_: str) -> bool:
    return True


# In order of precedence: where two overlap, the earlier one is reported (an ID is not also a card).
DETECTORS = [
    (_ID18, "身份证号", valid_id18), (_ID15, "身份证号（15 位）", valid_id15), (_MOBILE, "手机号码", _always),
    (_CARD, "银行卡号", _card), (_LANDLINE, "固定电话号码", _always), (_EMAIL, "电子邮箱", _always),
    (_IM_ID, "微信/QQ 号", _always), (_ADDRESS, "门牌地址", _always), (_SOMEONE, "信访人姓氏（某某）", _always),
    (_ADDRESSED, "信访人称呼", _always),
]


# What any match of a detector contains: text without it is not searched by that detector (most
# strings have none of them, and ten searches per string add up over a large collection).
# IDs, phone and card numbers all hold seven digits in a row, or four and three with a space or dash between.
_DIGITS = re.compile(r"\d{4}[ \-]?\d{3}")
CUES = {_ID18: _DIGITS, _ID15: _DIGITS, _MOBILE: _DIGITS, _CARD: _DIGITS, _LANDLINE: _DIGITS,
        _ADDRESS: re.compile(r"\d\s*[弄号栋幢单室]"), _EMAIL: re.compile("@"),
        _IM_ID: re.compile("微信|WeChat|wechat|QQ|qq"), _SOMEONE: re.compile("某"), _ADDRESSED: re.compile(TERMS_OF_ADDRESS)}


def findings(text: str, detectors=DETECTORS) -> list[tuple[int, str, str]]:
    """(offset, matched text, label) for every suspected piece of personal data, in text order."""
    return scan(text, cued(text, detectors))


def cued(text: str, detectors=DETECTORS) -> list:
    """The detectors whose cue occurs in text: the others cannot match it, nor any part of it."""
    seen: dict = {}
    out = []
    for detector in detectors:
        cue = CUES[detector[0]]
        if cue not in seen:
            seen[cue] = cue.search(text) is not None
        if seen[cue]:
            out.append(detector)
    return out


def scan(text: str, detectors=DETECTORS) -> list[tuple[int, str, str]]:
    """What the given detectors find, the earlier one winning where two overlap."""
    found: list[tuple[int, str, str]] = []
    taken: list[range] = []

    def add(match: re.Match, label: str) -> None:
        span = range(match.start(), match.end())
        if any(span.start < t.stop and t.start < span.stop for t in taken):
            return  # one finding per stretch of text: an ID number is not also a bank card
        taken.append(span)
        found.append((match.start(), match.group(0), label))

    for pattern, label, holds in detectors:
        for match in pattern.finditer(text):
            if holds(match.group(0)):
                add(match, label)
    return sorted(found)
