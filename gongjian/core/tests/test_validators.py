from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# What people really type -----------------------------------------------------------------------

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")


@pytest.mark.parametrize(
    "typed",
    [
        VALID.translate(ARABIC_INDIC),
        VALID.translate(DEVANAGARI),
        "\u200b" + VALID + "\u200e",  # copied from a contact: zero-width space, LTR mark
        "\u202a" + VALID + "\u202c",  # embedding marks
        VALID[:6] + "-" + VALID[6:14] + "-" + VALID[14:],
    ],
)
def test_an_id_number_in_other_digits_or_with_marks_is_the_same_number(typed: str) -> None:
    assert parse_id_number(typed).value == VALID


@pytest.mark.parametrize(
    "typed",
    [
        "+86 138 0013 8000",
        "+86-138-0013-8000",
        "(+86)13800138000",
        "0086 13800138000",
        "138.0013.8000",
        "１３８００１３８０００",
        "\u200b13800138000\u200b",
        "13800138000".translate(ARABIC_INDIC),
    ],
)
def test_mobile_numbers_in_common_typed_forms(typed: str) -> None:
    assert normalize_mobile(typed) == "13800138000"


@pytest.mark.parametrize("prefix", ["100", "101", "102", "104", "105", "110", "120", "140", "141"])
def test_a_prefix_no_operator_has_is_refused(prefix: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        normalize_mobile(prefix + "12345678")
    assert "phone" in info.value.detail["fields"]


def test_the_synthetic_demo_phones_are_valid() -> None:
    for n in (1, 77, 6999):
        assert normalize_mobile(synthetic.phone(n)) == synthetic.phone(n)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_the_check_digit_agrees_with_python_stdnum(first17: str) -> None:
    from stdnum.cn import ric

    # stdnum takes the number with a check digit in place and ignores it.
    assert ric.calc_check_digit(first17 + "0") == id_check_digit(first17)
