"""ID numbers (GB 11643) and mobile numbers: the check character, derived facts, clear refusals."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from core.idcard import WEIGHTS, check_char, parse_id_number
from governance.validators import normalize_mobile

birth_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31))


def reference_check(first17: str) -> str:
    """Written out from the standard, independently of the module: sum mod 11 maps 0..10 to 1 0 X 9 8 7 6 5 4 3 2."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], strict=True))
    return ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"][total % 11]


@given(region=st.sampled_from(["110105", "130102", "440305", "650102"]), birth=birth_dates, order=st.integers(0, 999))
def test_a_number_with_its_check_character_is_accepted_and_decoded(region, birth, order):
    body = f"{region}{birth:%Y%m%d}{order:03d}"
    info = parse_id_number(body + reference_check(body))
    assert info.birth_date == birth
    assert info.sex == ("M" if order % 2 else "F")
    assert not info.legacy


@given(birth=birth_dates, order=st.integers(0, 999), wrong=st.sampled_from("0123456789X"))
def test_any_other_check_character_is_refused(birth, order, wrong):
    body = f"130102{birth:%Y%m%d}{order:03d}"
    if wrong == check_char(body):
        return
    with pytest.raises(ValidationError) as exc:
        parse_id_number(body + wrong)
    assert exc.value.code == "id_check"


def test_weights_are_the_standard_ones():
    assert WEIGHTS == (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    assert parse_id_number("11010519491231002x").number == "11010519491231002X"


@pytest.mark.parametrize(
    ("raw", "code"),
    [("1101051949123100", "id_format"), ("11010519491331002X", "id_birth"), ("abc", "id_format"), ("110105203012310025", "id_birth")],
)
def test_malformed_numbers_are_refused_with_a_reason(raw, code):
    with pytest.raises(ValidationError) as exc:
        parse_id_number(raw)
    assert exc.value.code == code


def test_unknown_region_is_only_a_warning_and_legacy_numbers_are_flagged():
    body = "990101198001010011"[:17]
    info = parse_id_number(body + check_char(body))
    assert info.warnings and "990101" in info.warnings[0]
    legacy = parse_id_number("130102800101001")
    assert legacy.legacy and legacy.birth_date == dt.date(1980, 1, 1) and legacy.sex == "M"


@pytest.mark.parametrize(("raw", "normal"), [("13812345678", "13812345678"), ("+86 138 1234 5678", "13812345678"), ("86-199-0000-1111", "19900001111")])
def test_mobile_numbers_are_normalised(raw, normal):
    assert normalize_mobile(raw) == normal


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "021-12345678", "+1 138 1234 5678"])
def test_bad_mobile_numbers_are_refused(raw):
    with pytest.raises(ValidationError):
        normalize_mobile(raw)
