"""Properties of the personal-data guard: every spelling of a protected kind is caught and
reported where it is written; counts, years and ordinary numerals never are."""
from __future__ import annotations

import datetime
import re
import time
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kb.core import textfold
from kb.content.privacy import ID_CHECK, ID_WEIGHTS, SURNAMES, TERMS_OF_ADDRESS, findings, luhn, valid_id18
from kb.core.unicode_tables import IGNORABLE, SUSPICIOUS

# Prose around the data: no digits, numerals, letters, door-number words or name markers.
prose = st.text(alphabet="信访代理工作群众反映诉求街道办，。、的了在把将对", max_size=12)
NUMBER_LABELS = {"身份证号", "身份证号（15 位）", "手机号码", "银行卡号", "固定电话号码"}

# ---------------------------------------------------------------- how a digit may be written

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e", "\u034f", "\ufe0f", "\u200e",
             "\u2061", "\U000e0020"]
CHINESE = {"0": "〇零○", "1": "一幺壹", "2": "二两贰", "3": "三叁", "4": "四肆", "5": "五伍", "6": "六陆",
           "7": "七柒拐", "8": "八捌", "9": "九玖勾"}
SEPARATORS = [" ", "\u3000", "-", "－", ".", "．", "—", "–", "·", "\n", "  ", " - ", "\u00a0", "\n  ", "･"]


@st.composite
def spelled_digit(draw, digit: str) -> str:
    forms = [digit, chr(0xFF10 + int(digit)), chr(0x1D7CE + int(digit)), chr(0x0660 + int(digit)), *CHINESE[digit]]
    return draw(st.sampled_from(forms))


@st.composite
def invisible(draw) -> str:
    return "".join(draw(st.lists(st.sampled_from(INVISIBLE), max_size=2)))


@st.composite
def spelled_number(draw, digits: str) -> str:
    """digits in any writing: each digit in any form, split into groups anywhere with any
    separator, invisible characters anywhere."""
    cuts = sorted(draw(st.sets(st.integers(1, len(digits) - 1), max_size=len(digits) - 1)))
    out = []
    for i, digit in enumerate(digits):
        if i in cuts:
            out.append(draw(st.sampled_from(SEPARATORS)))
        out.append(draw(invisible()) + draw(spelled_digit(digit)))
    return "".join(out) + draw(invisible())


def caught(text: str, number: str, labels: set[str]) -> bool:
    """A finding with one of `labels` reports the stretch of text where `number` was inserted
    (but the invisible characters at either end), quoting it as written."""
    start, hidden = text.index(number), "".join(INVISIBLE)
    first, last = start + len(number) - len(number.lstrip(hidden)), start + len(number.rstrip(hidden))
    return any(f.label in labels and f.offset <= first and f.offset + len(f.text) >= last
               and text[f.offset:f.offset + len(f.text)] == f.text for f in findings(text))


# ---------------------------------------------------------------- the protected kinds

@st.composite
def mobile(draw) -> str:
    return "1" + draw(st.sampled_from("3456789")) + draw(st.text("0123456789", min_size=9, max_size=9))


@st.composite
def landline(draw) -> tuple[str, str]:
    """(area code with its 0, local number)."""
    area = draw(st.sampled_from(["10", "21", "22", "23", "24", "25", "27", "28", "29", "311", "351", "371", "571", "755"]))
    return "0" + area, draw(st.sampled_from("23456789")) + draw(st.text("0123456789", min_size=6, max_size=7))


@st.composite
def id18(draw) -> str:
    area = draw(st.integers(110000, 659999))
    born = draw(st.dates(min_value=datetime.date(1930, 1, 1), max_value=datetime.date(2010, 12, 31)))
    body = f"{area}{born:%Y%m%d}{draw(st.integers(0, 999)):03d}"
    return body + ID_CHECK[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS)) % 11]


@st.composite
def id15(draw) -> str:
    born = draw(st.dates(min_value=datetime.date(1930, 1, 1), max_value=datetime.date(1999, 12, 31)))
    return f"{draw(st.integers(110000, 659999))}{born:%y%m%d}{draw(st.integers(0, 999)):03d}"


@st.composite
def card(draw) -> str:
    prefix = draw(st.sampled_from(["62", "4", "5", "35"]))  # UnionPay, Visa, Mastercard, JCB
    body = prefix + draw(st.text("0123456789", min_size=15 - len(prefix), max_size=18 - len(prefix)))
    check = next(d for d in "0123456789" if luhn(body + d))
    return body + check


@given(mobile(), st.data(), prose, prose)
def test_a_mobile_number_is_caught_in_any_writing(number, data, before, after):
    spelled = data.draw(spelled_number(number))
    assert caught(before + spelled + after, spelled, {"手机号码"})


@given(landline(), st.data(), prose, prose, st.sampled_from(["", " ", "-", "\u3000", "()", "（）"]))
def test_a_landline_number_is_caught_in_any_writing(number, data, before, after, between):
    area, local = data.draw(spelled_number(number[0])), data.draw(spelled_number(number[1]))
    spelled = f"{between[0]}{area}{between[1]}{local}" if len(between) == 2 else area + between + local
    assert caught(before + spelled + after, spelled, {"固定电话号码"})


@given(id18(), st.data(), prose, prose)
def test_an_id_number_is_caught_in_any_writing(number, data, before, after):
    check = number[-1]
    spelled = data.draw(spelled_number(number[:17])) + data.draw(st.sampled_from(["", " ", "-"])) + \
        (data.draw(st.sampled_from(["X", "x", "Ｘ", "ｘ"])) if check == "X" else data.draw(spelled_digit(check)))
    assert caught(before + spelled + after, spelled, NUMBER_LABELS)
    assert "身份证号" in {f.label for f in findings(before + spelled + after)}


@given(id15(), st.data(), prose, prose)
def test_an_old_id_number_is_caught_in_any_writing(number, data, before, after):
    spelled = data.draw(spelled_number(number))
    assert caught(before + spelled + after, spelled, NUMBER_LABELS)


@given(card(), st.data(), prose, prose)
def test_a_bank_card_number_is_caught_in_any_writing(number, data, before, after):
    assume(not (len(number) == 18 and valid_id18(number)))
    spelled = data.draw(spelled_number(number))
    assert caught(before + spelled + after, spelled, NUMBER_LABELS)


def _spelled_letters(data, text: str) -> str:
    """Each letter as written, full-width or with an invisible character before it."""
    out = []
    for ch in text:
        form = data.draw(st.sampled_from([ch, chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch]))
        out.append(data.draw(invisible()) + form)
    return "".join(out)


@given(st.from_regex(r"[a-z][a-z0-9._]{2,10}[a-z0-9]", fullmatch=True), st.from_regex(r"[a-z]{2,8}", fullmatch=True),
       st.sampled_from(["com", "cn", "org", "com.cn", "gov.cn"]), st.sampled_from(["@", "＠", "﹫", "(at)", "［at］", "[AT]"]),
       st.data(), prose, prose)
def test_an_email_address_is_caught_in_any_writing(local, domain, top, at, data, before, after):
    assume(".." not in local)
    spelled = _spelled_letters(data, local) + at + _spelled_letters(data, f"{domain}.{top}")
    text = before + spelled + after
    assert "电子邮箱" in {f.label for f in findings(text)}, text


IM_LABELS = ["微信", "微信号", "微 信", "微　信", "薇信", "威信", "V信", "v 信", "VX", "vx", "Vx", "wx", "WX", "WeChat",
             "wechat ID", "Weixin", "wei xin", "QQ", "qq号", "Q Q", "企鹅号", "企 鹅", "扣扣", "QQ号码"]


@given(st.sampled_from(IM_LABELS), st.sampled_from(["", " ", "：", ":", " ： ", "="]),
       st.from_regex(r"[a-z][a-z_]{4,12}[0-9]{0,4}", fullmatch=True), st.data(), prose, prose)
def test_an_im_account_is_caught_in_any_writing(label, separator, account, data, before, after):
    spelled = "".join(data.draw(invisible()) + ch for ch in label) + separator + _spelled_letters(data, account)
    text = before + spelled + "，" + after
    assert "微信/QQ 号" in {f.label for f in findings(text)}, text


def _chinese_positional(n: int) -> str:
    digits = "零一二三四五六七八九"
    out, hundreds, tens, ones = "", n // 100, n // 10 % 10, n % 10
    if hundreds:
        out += digits[hundreds] + "百"
    if tens:
        out += ("" if not hundreds and tens == 1 else digits[tens]) + "十"
    elif hundreds and ones:
        out += "零"
    if ones:
        out += digits[ones]
    return out


@st.composite
def door_number(draw) -> str:
    """A number as a door number is written: in digits of any kind, or in Chinese at least two
    characters long (a single Chinese numeral before 弄 is not one: 梅花三弄)."""
    n = draw(st.integers(1, 999))
    kind = draw(st.sampled_from(["digits", "positional", "reading"]))
    if kind == "positional":
        assume(n >= 10)
        return _chinese_positional(n)
    if kind == "reading":
        assume(n >= 10)
        return "".join(draw(st.sampled_from(CHINESE[d])) for d in str(n))
    return "".join(draw(st.sampled_from([d, chr(0xFF10 + int(d))])) for d in str(n))


@given(door_number(), door_number(), st.integers(101, 2999), st.sampled_from(["弄", "弄{b}号", "号{r}室", "弄{b}号{r}室", "栋{b}单元{r}室"]),
       st.data(), prose, prose)
def test_a_door_number_is_caught_in_any_writing(a, b, room, form, data, before, after):
    room_text = "".join(data.draw(invisible()) + data.draw(spelled_digit(d)) for d in str(room))
    spelled = data.draw(invisible()) + a + form.format(b=b, r=room_text)
    text = before + "家住" + spelled + "，" + after
    assert "门牌地址" in {f.label for f in findings(text)}, text


@given(st.sampled_from(SURNAMES), st.sampled_from(["某", "某某", "××", "XX", "＊＊", "○○"]),
       st.sampled_from(["", " ", "\u3000"]), st.data(), prose)
def test_a_masked_name_is_caught_in_any_writing(surname, mask, gap, data, before):
    spelled = data.draw(invisible()) + surname + data.draw(invisible()) + gap + "".join(data.draw(invisible()) + c for c in mask)
    text = before + "信访人" + spelled + "多次来访"
    assert "信访人姓氏（某某）" in {f.label for f in findings(text)}, text


@given(st.sampled_from(SURNAMES), st.sampled_from(TERMS_OF_ADDRESS.split("|")), st.data(), prose)
def test_a_term_of_address_is_caught_with_invisible_characters_inside(surname, term, data, before):
    spelled = surname + "".join(data.draw(invisible()) + c for c in term)
    text = before + "信访人" + spelled + "多次来访"
    assert "信访人称呼" in {f.label for f in findings(text)}, text


# ---------------------------------------------------------------- where it is reported

@given(mobile(), st.data(), prose, prose)
def test_a_finding_quotes_the_original_text_at_its_original_offset(number, data, before, after):
    spelled = data.draw(spelled_number(number))
    text = before + spelled + after
    [found] = [f for f in findings(text) if f.label == "手机号码"]
    assert text[found.offset:found.offset + len(found.text)] == found.text
    assert re.sub(r"\D", "", textfold.numerals(textfold.read(found.text)).text).endswith(number)


def test_a_finding_reports_what_it_reads_as():
    [found] = findings("联系电话１３９\u200b１２３４\u00ad５６７８，请回电")
    assert (found.offset, found.text, found.reading) == (4, "１３９\u200b１２３４\u00ad５６７８", "13912345678")
    [door] = findings("家住长宁路一百二十三弄")
    assert (door.text, door.reading) == ("一百二十三弄", "123弄")


# ---------------------------------------------------------------- what is never personal data

def _chinese_year(year: int) -> str:
    return "".join("〇一二三四五六七八九"[int(d)] for d in str(year))


@given(st.integers(1, 99999), st.integers(1949, 2030), st.integers(1, 12), st.integers(1, 28), st.integers(0, 999))
def test_counts_years_dates_and_percentages_are_not_personal_data(count, year, month, day, tenth):
    texts = [f"{year}年共受理来信来访{count}件，办结率98.{tenth % 10}%，同比下降5.6个百分点。",
             f"{_chinese_year(year)}年共受理来信来访{_chinese_positional(count % 1000 or 1)}件。",
             f"{year}年{month}月{day}日起施行，{year}—{year + 5}年间累计{count}人次。",
             f"{year}.{month:02d}.{day:02d}印发，{year}-{month:02d}-{day:02d}施行。",
             f"第{_chinese_positional(count % 1000 or 1)}条、第{count}条、第{tenth}页。",
             f"{year}年、{year + 1}年、{year + 2}年分别为{count}件、{count + 1}件、{count + 2}件。"]
    for text in texts:
        assert findings(text) == [], text


@given(st.text(alphabet="一二三四五六七八九十百千两零", min_size=1, max_size=9), prose, prose)
def test_runs_of_chinese_numerals_shorter_than_any_number_are_ordinary_text(numerals, before, after):
    assume(not re.search("[弄号室栋幢单]", before[:1] + after[:1]))
    assert [f for f in findings(before + numerals + after) if f.label in NUMBER_LABELS] == []


@pytest.mark.parametrize("text", [
    "一二三四五", "梅花三弄", "建成一栋办公楼", "改造老旧小区四十二幢", "新建三四栋安置房", "一号文件", "第一百二十三条",
    "设立调解室二十个", "国务院令第一百二十三号", "三室一厅", "2023年共受理来信来访1581件", "共1581件，同比下降5.6%",
    "ISBN 978-7-5012-3456-7", "978-7-80199-123-4", "页码3-9、12-15", "某些地方", "某种程度上", "王某街道", "微信公众号“长宁信访”",
    "shanghai-weixin-xinfang", "weixin-label", "企业", "2019.10.12-2020.10.11", "2018 2019 2020 2021年",
])
def test_ordinary_text_is_not_personal_data(text):
    assert findings(text) == []


def test_the_old_spellings_are_still_caught_as_before():
    assert [f.label for f in findings("电话13912345678")] == ["手机号码"]
    assert [f.text for f in findings("电话 139 1234 5678。")] == ["139 1234 5678"]
    assert [f.text for f in findings("接待电话（021）62345678")] == ["（021）62345678"]
    assert [f.text for f in findings("+86 13912345678")] == ["+86 13912345678"]
    assert [f.label for f in findings("身份证31010119800101123X，")] == ["身份证号"]
    assert [f.label for f in findings("31010119800101123Xabc")] == []  # part of a longer code
    assert [f.label for f in findings("卡号6222021234567890128")] == ["银行卡号"]


@given(id18())
def test_an_id_number_with_a_wrong_check_character_is_not_an_id(number):
    wrong = number[:17] + next(c for c in "0123456789X" if c != number[17])
    assert "身份证号" not in {f.label for f in findings(wrong)}


@given(st.text("0123456789", min_size=15, max_size=18))
def test_card_numbers_are_reported_only_when_the_luhn_check_holds(number):
    number = "6" + number
    assert ("银行卡号" in {f.label for f in findings(number)}) <= luhn(number)


# ---------------------------------------------------------------- the folding itself

@given(st.text(max_size=40))
def test_every_character_read_comes_from_where_the_reading_says(text):
    folded = textfold.read(text)
    assert folded.text == textfold.read_text(text)
    for i, ch in enumerate(folded.text):
        start, end = folded.source(i, i + 1)
        assert ch in "".join(textfold.plain(c) if textfold._SUSPICIOUS_ALL.match(c) else c for c in text[start:end])


def test_the_unicode_tables_are_those_of_this_python():
    """unicode_tables.py is generated (textfold.write_tables()); a new Python may bring new characters."""
    assert textfold.unicode_version_matches()
    assert textfold.tables() == (SUSPICIOUS, IGNORABLE)


def test_every_format_character_and_full_width_digit_is_read_away():
    import unicodedata
    for code in range(0x110000):
        ch = chr(code)
        if unicodedata.category(ch) == "Cf":
            assert textfold.read_text(f"1{ch}2") == "12", hex(code)
    assert textfold.read_text("１２３") == "123"


# ---------------------------------------------------------------- speed

def test_a_long_string_with_many_digit_groups_is_checked_in_bounded_time():
    text = " ".join("1" for _ in range(20_000)) + "@" + "a" * 50_000
    started = time.perf_counter()
    findings(text)
    assert time.perf_counter() - started < 10
