"""Properties of the personal-data detectors: what must always be caught, what must never be."""
from hypothesis import given, strategies as st

from kb.content.privacy import ID_CHECK, ID_WEIGHTS, findings, luhn

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)
prose = st.text(alphabet="信访代理工作室群众反映诉求街道居委，。、", max_size=12)


def labels(text):
    return [found.label for found in findings(text)]


@st.composite
def id_numbers(draw):
    area = draw(st.integers(110000, 659999))
    born = draw(st.dates(min_value=__import__("datetime").date(1930, 1, 1), max_value=__import__("datetime").date(2010, 12, 31)))
    serial = draw(st.integers(0, 999))
    body = f"{area}{born:%Y%m%d}{serial:03d}"
    return body + ID_CHECK[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS)) % 11]


@given(id_numbers(), prose, prose)
def test_a_valid_id_number_is_caught_anywhere_in_prose(number, before, after):
    assert labels(before + number + after) == ["身份证号"]


@given(id_numbers())
def test_an_id_number_with_a_wrong_check_character_is_not_an_id(number):
    wrong = number[:17] + next(c for c in "0123456789X" if c != number[17])
    assert "身份证号" not in labels(wrong)


@given(st.sampled_from("3456789"), st.text("0123456789", min_size=9, max_size=9), st.sampled_from(["", " ", "-"]), prose)
def test_mobile_numbers_are_caught_with_or_without_separators(second, rest, sep, before):
    number = f"1{second}{rest[0]}{sep}{rest[1:5]}{sep}{rest[5:]}"
    assert labels(before + number) == ["手机号码"]


@given(st.text("0123456789", min_size=15, max_size=18))
def test_card_numbers_are_reported_only_when_the_luhn_check_holds(number):
    number = "6" + number
    found = labels(number)
    assert ("银行卡号" in found) <= luhn(number)


@given(st.integers(1, 9999), st.integers(1900, 2030))
def test_counts_and_years_in_prose_are_not_personal_data(count, year):
    assert labels(f"{year}年共受理信访{count}件，办结率98.5%，同比下降5.6个百分点。") == []
