"""Rotating the key of the personal fields: after the operator sets a new GONGJIAN_FIELD_KEY and
keeps the old one in GONGJIAN_FIELD_KEYS_OLD, values still read but look-ups by phone or ID
number find nothing until `gongjian field_key_rotate` has re-encrypted and re-indexed every
value — all of them or, if one cannot be decrypted, none."""

from __future__ import annotations

import io
import json
from typing import Any

import environ
import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from gongjian.accounts.models import User
from gongjian.accounts.selectors import user_find_by_login
from gongjian.accounts.services import user_create
from gongjian.config.settings import fernet_keys
from gongjian.core.models import AuditLog
from gongjian.core.services import encrypted_columns
from gongjian.orgs import selectors as org_selectors
from gongjian.orgs import services as org_services
from gongjian.orgs.models import Member
from gongjian.testing.cast import PASSWORD, Cast, build_cast

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
KEY_UNKNOWN = Fernet.generate_key().decode()
PHONE = "19900123456"
NEW_ID = "110199198805120034"  # valid check digit, fictional region


@pytest.fixture
def world(settings: Any, db: None) -> Cast:
    """The cast, a member without a phone, and a user who logs in by phone, all under key A."""
    settings.FIELD_KEY, settings.FIELD_KEYS_OLD = KEY_A, []
    cast = build_cast()
    org_services.member_create(
        actor=cast.district_admin, name="钱红梅", id_number=NEW_ID, party_org=cast.tax_branch
    )
    user_create(username="phone_user", password=PASSWORD, phone=f"+86 {PHONE[:3]}-{PHONE[3:]}")
    return cast


def _switch_to_b(settings: Any) -> None:
    settings.FIELD_KEY, settings.FIELD_KEYS_OLD = KEY_B, [KEY_A]


def _raw(model: Any) -> dict[tuple[str, int, str], Any]:
    """Every stored token and hash, as the database holds them."""
    out = {}
    for column in encrypted_columns():
        if column.model is not model:
            continue
        names = [column.field.column] + ([column.hash_field.column] if column.hash_field else [])
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, {', '.join(names)} FROM {model._meta.db_table}"  # noqa: S608
            )
            for pk, *values in cursor.fetchall():
                for name, value in zip(names, values, strict=True):
                    out[(model._meta.label_lower, pk, name)] = value
    return out


def _everything() -> dict[tuple[str, int, str], Any]:
    return {**_raw(Member), **_raw(User)}


def _tokens() -> list[str]:
    return [
        value
        for (_, _, name), value in _everything().items()
        if not name.endswith("_hash") and value
    ]


def _decrypts_with(key: str, token: str) -> bool:
    try:
        Fernet(key.encode()).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def _rotate(*args: str) -> str:
    out = io.StringIO()
    call_command("field_key_rotate", *args, stdout=out)
    return out.getvalue()


def _found_by_id_number(cast: Cast, id_number: str) -> list[Member]:
    return list(org_selectors.member_list(actor=cast.district_admin, q=id_number))


def test_the_rotation_finds_every_encrypted_field_and_its_hash() -> None:
    found = {(c.label, c.hash_field.name if c.hash_field else None) for c in encrypted_columns()}
    assert found == {
        ("accounts.totpdevice.key", None),
        ("accounts.user.phone", "phone_hash"),
        ("cobuild.resource.contact_phone", "contact_phone_hash"),
        ("consult.suggestion.submitter_phone", "submitter_phone_hash"),
        ("grid.household.head_id_number", "head_id_number_hash"),
        ("grid.household.head_phone", "head_phone_hash"),
        ("mobilise.mobilisation.contact_phone", "contact_phone_hash"),
        ("orgs.member.id_number", "id_number_hash"),
        ("orgs.member.phone", "phone_hash"),
        ("orgs.outboxmessage.body", None),
    }


def test_after_a_key_change_values_read_through_the_old_key_but_lookups_fail(
    world: Cast, settings: Any
) -> None:
    # given members and users encrypted under key A
    member = world.member_record
    id_number, phone = member.id_number, member.phone
    assert user_find_by_login(login=PHONE) is not None
    assert _found_by_id_number(world, id_number) == [member]

    # when the operator sets key B and keeps A as an old key
    _switch_to_b(settings)

    # then the values still read, but the blind indexes are still A's
    again = Member.objects.get(pk=member.pk)
    assert (again.id_number, again.phone) == (id_number, phone)
    assert User.objects.get(username="phone_user").phone == PHONE
    assert user_find_by_login(login=PHONE) is None
    assert _found_by_id_number(world, id_number) == []


def test_without_the_old_key_the_values_cannot_be_read(world: Cast, settings: Any) -> None:
    settings.FIELD_KEY, settings.FIELD_KEYS_OLD = KEY_B, []
    with pytest.raises(ValueError, match="GONGJIAN_FIELD_KEYS_OLD"):
        Member.objects.get(pk=world.member_record.pk)


def test_the_rotation_puts_every_value_under_the_new_key_and_lookups_work_again(
    world: Cast, settings: Any
) -> None:
    # given values under A, and the operator's switch to B
    member = world.member_record
    id_number = member.id_number
    members = Member.objects.count()
    _switch_to_b(settings)

    # when the rotation runs
    output = _rotate()

    # then every token decrypts with B alone
    tokens = _tokens()
    assert len(tokens) == members + (members - 1) + 1  # one member has no phone; one user has
    assert all(_decrypts_with(KEY_B, t) for t in tokens)
    assert not any(_decrypts_with(KEY_A, t) for t in tokens)
    # and the app reads them without the old key, and finds them again
    settings.FIELD_KEYS_OLD = []
    assert Member.objects.get(pk=member.pk).id_number == id_number
    assert user_find_by_login(login=PHONE) == User.objects.get(username="phone_user")
    assert _found_by_id_number(world, id_number) == [member]
    assert _found_by_id_number(world, NEW_ID)[0].name == "钱红梅"
    client = Client()
    response = client.post("/accounts/login/", {"login": PHONE, "password": PASSWORD})
    assert response.status_code == 302
    # the empty values were left as they were
    assert User.objects.get(pk=world.outsider.pk).phone_hash is None
    assert Member.objects.get(name="钱红梅").phone_hash == ""
    # and the operator is told the counts
    assert f"orgs.member.id_number: {members} value(s), {members} re-encrypted" in output
    assert "accounts.user.phone: 1 value(s), 1 re-encrypted, 1 lookup hash" in output


def test_the_rotation_is_audited_with_counts_and_no_secrets(world: Cast, settings: Any) -> None:
    members = Member.objects.count()
    plain = [m.id_number for m in Member.objects.all()] + [PHONE]
    _switch_to_b(settings)

    _rotate()

    [entry] = AuditLog.objects.filter(object_type="core.field_key")
    assert entry.action == "update"
    assert entry.actor_label == "gongjian field_key_rotate"
    assert entry.changes["orgs.member.id_number"] == {
        "values": members,
        "reencrypted": members,
        "reindexed": members,
    }
    assert entry.changes["accounts.user.phone"]["reencrypted"] == 1
    text = json.dumps(entry.changes) + entry.object_repr + entry.reason
    for secret in [KEY_A, KEY_B, *plain, *_tokens()]:
        assert secret not in text


def test_running_the_rotation_twice_changes_nothing(world: Cast, settings: Any) -> None:
    _switch_to_b(settings)
    _rotate()
    stored = _everything()

    output = _rotate()

    assert _everything() == stored
    assert "0 re-encrypted, 0 lookup hash(es) recomputed" in output
    assert " 1 re-encrypted" not in output
    second = AuditLog.objects.filter(object_type="core.field_key").latest("pk")
    assert all(c["reencrypted"] == c["reindexed"] == 0 for c in second.changes.values())


def test_a_row_saved_under_the_new_key_before_the_rotation_gets_its_hash_anew(
    world: Cast, settings: Any
) -> None:
    # given the app saved a member after the switch: its token is B's, its hash still A's
    _switch_to_b(settings)
    member = Member.objects.get(pk=world.member_record.pk)
    member.save()
    assert _found_by_id_number(world, member.id_number) == []

    # when the rotation runs, then that member is found again
    _rotate()
    assert _found_by_id_number(world, member.id_number) == [member]


def test_a_value_under_an_unknown_key_fails_naming_the_row_and_writes_nothing(
    world: Cast, settings: Any
) -> None:
    # given one member's ID number under a key the operator no longer has: the last row, so
    # that the batches before it would already have been written
    last = Member.objects.order_by("pk").last()
    assert last is not None
    stranger = Fernet(KEY_UNKNOWN.encode()).encrypt(NEW_ID.encode()).decode()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Member._meta.db_table} SET id_number = %s WHERE id = %s",  # noqa: S608
            [stranger, last.pk],
        )
    _switch_to_b(settings)
    stored = _everything()

    # when the rotation runs, then it fails naming the row and field
    with pytest.raises(CommandError) as failed:
        _rotate("--batch-size", "2")
    message = str(failed.value)
    assert f"orgs.member 主键 {last.pk} 的 id_number" in message
    assert "GONGJIAN_FIELD_KEYS_OLD" in message
    assert NEW_ID not in message
    assert stranger not in message
    # and nothing was written, audit log included
    assert _everything() == stored
    assert not AuditLog.objects.filter(object_type="core.field_key").exists()


def test_a_dry_run_checks_every_value_and_writes_nothing(world: Cast, settings: Any) -> None:
    members = Member.objects.count()
    _switch_to_b(settings)
    stored = _everything()

    output = _rotate("--dry-run", "--batch-size", "3")

    assert f"orgs.member.id_number: {members} value(s), {members} re-encrypted" in output
    assert "dry run" in output
    assert _everything() == stored
    assert not AuditLog.objects.filter(object_type="core.field_key").exists()


def test_a_dry_run_also_names_a_value_it_cannot_decrypt(world: Cast, settings: Any) -> None:
    settings.FIELD_KEY, settings.FIELD_KEYS_OLD = KEY_B, []  # the operator forgot the old key

    with pytest.raises(CommandError, match=r"accounts\.user"):
        _rotate("--dry-run")


def test_an_invalid_old_key_is_named_at_start_without_echoing_it() -> None:
    with pytest.raises(environ.ImproperlyConfigured) as failed:
        fernet_keys("GONGJIAN_FIELD_KEYS_OLD", f"{KEY_A}, not-a-key")
    assert "GONGJIAN_FIELD_KEYS_OLD" in str(failed.value)
    assert "key 2 of 2" in str(failed.value)
    assert "not-a-key" not in str(failed.value)
    assert fernet_keys("GONGJIAN_FIELD_KEYS_OLD", f" {KEY_A},\n{KEY_B} ") == [KEY_A, KEY_B]
    assert fernet_keys("GONGJIAN_FIELD_KEYS_OLD", "") == []
