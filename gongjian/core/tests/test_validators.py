from __future__ import annotations

import datetime as dt

import pytest

from gongjian.core import synthetic
from gongjian.core.errors import ValidationFailed
from gongjian.core.validators import id_check_digit, normalize_mobile, parse_id_number

VALID = "11010519491231002X"  # the standard's own example


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (VALID, VALID),
        (VALID.lower(), VALID),  # lowercase x accepted as X
        ("１１０１０５１９４９１２３１００２Ｘ", VALID),  # full-width digits
        ("110105 19491231 002X", VALID),  # spaces
        ("\u3000" + VALID + " ", VALID),
    ],
)
def test_id_number_valid_forms(raw: str, expected: str) -> None:
    assert parse_id_number(raw).value == expected


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("110105194912310021", "校验位"),  # bad check digit
        ("11010519490230" + "0011", "出生日期"),  # 30 February
        (VALID[:17], "18位"),  # 17 characters
        (VALID + "1", "18位"),  # 19 characters
        ("11010519491231002A", "数字"),
        ("", "18位"),
    ],
)
def test_id_number_refused(raw: str, fragment: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_id_number(raw)
    assert fragment in info.value.message
    assert "id_number" in info.value.detail["fields"]


def test_id_number_of_30_february_has_valid_check_digit_but_is_refused() -> None:
    first17 = "11010519900230001"
    with pytest.raises(ValidationFailed, match="出生日期"):
        parse_id_number(first17 + id_check_digit(first17))


def test_id_number_gives_birth_date_and_gender() -> None:
    parsed = parse_id_number(VALID)
    assert parsed.birth_date == dt.date(1949, 12, 31)
    assert parsed.gender == "female"  # 17th digit 2 is even


def test_unknown_region_is_a_warning_not_a_refusal() -> None:
    first17 = "99010519800101001"
    parsed = parse_id_number(first17 + id_check_digit(first17))
    assert parsed.warnings
    assert parsed.value.startswith("99")


def test_synthetic_ids_pass() -> None:
    for seq in range(50):
        number = synthetic.id_number(birth=dt.date(1985, 5, 17), seq=seq)
        assert parse_id_number(number).value == number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("0086 13800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        ("138 0013 8000", "13800138000"),
    ],
)
def test_mobile_valid_forms(raw: str, expected: str) -> None:
    assert normalize_mobile(raw) == expected


@pytest.mark.parametrize(
    "raw", ["1380013800", "138001380001", "12800138000", "23800138000", "010-12345678", "abc", ""]
)
def test_mobile_refused(raw: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        normalize_mobile(raw)
    assert "phone" in info.value.detail["fields"]
