"""The shared input checks: each names its field, in Chinese."""

from __future__ import annotations

import datetime as dt

import pytest

from gongjian.core.errors import NotFound, ValidationFailed
from gongjian.core.validation import clean_date, clean_int, clean_text, object_id, parse_date


def test_text_is_stripped_and_bounded() -> None:
    assert clean_text("title", "  上门 \u200b 服务 ", "标题", 10) == "上门 服务"
    with pytest.raises(ValidationFailed) as caught:
        clean_text("title", "   ", "标题", 10)
    assert caught.value.detail["fields"] == {"title": ["标题不能为空"]}
    with pytest.raises(ValidationFailed):
        clean_text("title", "长" * 11, "标题", 10)
    with pytest.raises(ValidationFailed):
        clean_text("title", "a\x00b", "标题", 10)
    assert clean_text("text", "一\n二", "内容", 10, multiline=True) == "一\n二"


def test_numbers_are_bounded_and_typed() -> None:
    assert clean_int("quota", "12", "名额", minimum=1) == 12
    for bad in ("1.5", "十", True, "9" * 40):
        with pytest.raises(ValidationFailed):
            clean_int("quota", bad, "名额", minimum=1, maximum=10**6)
    assert clean_int("quota", "", "名额", required=False) is None


@pytest.mark.parametrize(
    ("typed", "date"),
    [
        ("2026-12-01", dt.date(2026, 12, 1)),
        ("2026/12/1", dt.date(2026, 12, 1)),
        ("2026.12.1", dt.date(2026, 12, 1)),
        ("2026年12月1日", dt.date(2026, 12, 1)),
        ("2015-13-01", None),
        ("2026-02-30", None),
        ("昨天", None),
    ],
)
def test_dates_as_people_type_them(typed: str, date: dt.date | None) -> None:
    assert parse_date(typed) == date


def test_a_date_before_its_bound_is_refused() -> None:
    with pytest.raises(ValidationFailed) as caught:
        clean_date("due_on", "2026-01-01", "期限", not_before=dt.date(2026, 12, 1))
    assert "期限不能早于2026年12月01日" in caught.value.message


def test_an_id_that_is_not_a_number_is_not_found() -> None:
    assert object_id("42") == 42
    for bad in ("", "x", "-1", "١٢", "9" * 30):
        with pytest.raises(NotFound):
            object_id(bad)
