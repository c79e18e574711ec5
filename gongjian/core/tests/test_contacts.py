"""A mobile number typed into a free-text contact field is recognised, validated and kept
apart from the rest of the text (core.contacts)."""

from __future__ import annotations

import pytest

from gongjian.core.contacts import contact_display, split_contact, split_stored
from gongjian.core.errors import ValidationFailed


def _split(value: str, keep: str = "") -> tuple[str, str]:
    c = split_contact("contact", value, "联系人及电话", 100, keep=keep)
    return c.text, c.phone


@pytest.mark.parametrize(
    ("typed", "text", "phone"),
    [
        ("王科长 13800138000", "王科长", "13800138000"),
        ("王科长13800138000", "王科长", "13800138000"),
        ("王科长 +86 138-0013-8000", "王科长", "13800138000"),
        ("王科长 0086 138 0013 8000", "王科长", "13800138000"),
        ("王科长 １３８００１３８０００", "王科长", "13800138000"),
        ("王科长 \u200b13800138000\u200e", "王科长", "13800138000"),
        ("0571-88001234 13912345678", "0571-88001234", "13912345678"),
        # A landline stays in the text, as typed
        ("区直机关工委 组织科 0571-00000000", "区直机关工委 组织科 0571-00000000", ""),
        ("王科长", "王科长", ""),
        ("", "", ""),
    ],
)
def test_a_typed_mobile_number_is_taken_out_of_the_text(typed: str, text: str, phone: str) -> None:
    assert _split(typed) == (text, phone)


def test_a_number_of_no_operator_or_two_numbers_are_refused_naming_the_field() -> None:
    with pytest.raises(ValidationFailed) as caught:
        _split("王科长 12000138000")
    assert "联系人及电话" in caught.value.message
    assert "120" in caught.value.message
    assert "contact" in caught.value.detail["fields"]
    with pytest.raises(ValidationFailed, match="只能填写一个手机号"):
        _split("王 13800138000 / 李 13900139000")


def test_the_masked_number_sent_back_keeps_the_stored_one() -> None:
    shown = contact_display("王科长", "13800138000")
    assert shown == "王科长 138****8000"
    assert _split(shown, keep="13800138000") == ("王科长", "13800138000")
    assert _split("李科长 138****8000", keep="13800138000") == ("李科长", "13800138000")
    # Deleted, it is cleared; a masked number that is not the stored one is refused
    assert _split("王科长", keep="13800138000") == ("王科长", "")
    with pytest.raises(ValidationFailed, match="不完整"):
        _split("王科长 139****8000", keep="13800138000")


def test_stored_contacts_are_split_even_when_the_number_fails_the_check() -> None:
    assert split_stored("王科长 13800138000").phone == "13800138000"
    legacy = split_stored("王科长 12000138000")
    assert (legacy.text, legacy.phone) == ("王科长", "12000138000")
    assert split_stored("组织科 0571-00000000").phone == ""


def test_phone_fields_under_any_name_are_kept_out_of_audit_changes() -> None:
    from gongjian.core.audit import diff, is_secret

    changes = diff(
        {"contact_phone": "", "head_phone": "", "title": "a"},
        {"contact_phone": "13800138000", "head_phone": "13900139000", "title": "b"},
    )
    assert changes["contact_phone"] == ["***", "***(已修改)"]
    assert changes["head_phone"] == ["***", "***(已修改)"]
    assert changes["title"] == ["a", "b"]
    assert is_secret("contact_phone_hash")
    assert is_secret("head_id_number")
    assert not is_secret("contact")
    assert not is_secret("orgs.member.phone")  # a summary's key naming a column
