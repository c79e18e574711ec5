"""The audit log: every write, role change, export and unmasked view is in it, with who, from
where and what changed, and nothing — not the ORM, not the admin, not raw SQL on
PostgreSQL — can change it. Only the retention purge removes rows, and only old ones."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.admin.sites import site as admin_site
from django.db import DatabaseError, connection, transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from gongjian.accounts.services import api_token_create
from gongjian.core.audit import audit_purge_expired, audit_record
from gongjian.core.models import AuditLog
from gongjian.orgs import services
from gongjian.orgs.models import Member, RoleAssignment
from gongjian.testing.cast import Cast

NEW_ID = "110199198805120034"  # valid check digit, fictional region
NEW_PHONE = "19900555123"
PII = re.compile(r"(?<![0-9A-Za-z_-])(\d{17}[\dXx]|1[3-9]\d{9})(?![0-9A-Za-z_-])")


def _entries(action: str, obj: Any) -> list[AuditLog]:
    return list(
        AuditLog.objects.filter(
            action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk)
        )
    )


def _no_personal_values(entry: AuditLog) -> None:
    text = json.dumps(entry.changes, ensure_ascii=False) + entry.object_repr + entry.reason
    assert not PII.search(text), text


# Writes ---------------------------------------------------------------------------------------


def test_creating_a_member_records_who_and_what_without_personal_values(cast: Cast) -> None:
    member = services.member_create(
        actor=cast.district_admin,
        name="钱红梅",
        id_number=NEW_ID,
        phone=NEW_PHONE,
        party_org=cast.tax_branch,
    )
    [entry] = _entries("create", member)
    assert entry.actor_id == cast.district_admin.pk
    assert entry.actor_label == "district"
    assert entry.success is True
    assert entry.changes["name"] == [None, "钱红梅"]
    assert entry.changes["party_org_id"] == [None, cast.tax_branch.pk]
    # The ID number and phone are marked as set, never written out.
    assert entry.changes["id_number"] == ["***", "***(已修改)"]
    assert entry.changes["phone"] == ["***", "***(已修改)"]
    _no_personal_values(entry)
    assert member.id_number_hash not in json.dumps(entry.changes)


def test_updating_a_member_records_only_what_changed(cast: Cast) -> None:
    member = cast.tax_colleague
    services.member_update(
        actor=cast.unit_admin, member=member, name="王静怡", phone="19900555777", status="full"
    )
    [entry] = _entries("update", member)
    assert entry.actor_id == cast.unit_admin.pk
    assert entry.changes["name"] == ["王静", "王静怡"]
    assert entry.changes["phone"] == ["***", "***(已修改)"]
    assert "status" not in entry.changes  # unchanged: not recorded
    assert "party_org_id" not in entry.changes
    _no_personal_values(entry)


def test_transferring_a_member_records_both_organisations_and_the_reason(cast: Cast) -> None:
    member = cast.tax_colleague
    services.member_transfer(
        actor=cast.district_admin, member=member, to_org=cast.justice_branch, reason="工作调动"
    )
    [entry] = _entries("transfer", member)
    assert entry.actor_id == cast.district_admin.pk
    assert entry.changes["party_org"] == [cast.tax_branch.pk, cast.justice_branch.pk]
    assert entry.changes["unit"] == [cast.tax.pk, cast.justice.pk]
    assert entry.reason == "工作调动"


def test_a_write_through_the_api_records_the_caller_and_the_address(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.unit_admin)
    response = client.post(
        "/api/v1/members",
        {"name": "钱红梅", "id_number": NEW_ID, "party_org_id": cast.tax_branch.pk},
        content_type="application/json",
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 201, response.content
    member = Member.objects.get(public_id=response.json()["id"])
    [entry] = _entries("create", member)
    assert (entry.actor_id, entry.ip) == (cast.unit_admin.pk, "10.1.2.3")


def test_a_write_with_an_api_token_records_the_token_s_owner(cast: Cast) -> None:
    # Given an integration that calls the API with a token, not a session
    _token, key = api_token_create(user=cast.unit_admin, name="人事系统")
    response = Client().post(
        "/api/v1/members",
        {"name": "钱红梅", "id_number": NEW_ID, "party_org_id": cast.tax_branch.pk},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        REMOTE_ADDR="10.1.2.4",
    )
    assert response.status_code == 201, response.content
    member = Member.objects.get(public_id=response.json()["id"])
    # Then the log still says who made the change.
    [entry] = _entries("create", member)
    assert (entry.actor_id, entry.actor_label, entry.ip) == (
        cast.unit_admin.pk,
        "unitadmin",
        "10.1.2.4",
    )


# Role changes -------------------------------------------------------------------------------


def test_assigning_and_revoking_a_post_are_both_recorded(cast: Cast) -> None:
    assignment = services.role_assign(
        actor=cast.district_admin, user=cast.outsider, role="community_admin", area=cast.xingguang
    )
    [granted] = _entries("role_change", assignment)
    assert granted.actor_id == cast.district_admin.pk
    assert granted.changes["role"] == [None, "community_admin"]
    assert granted.changes["user"] == [None, cast.outsider.pk]
    assert granted.changes["area"] == [None, cast.xingguang.pk]

    pk = assignment.pk
    services.role_revoke(actor=cast.district_admin, assignment=assignment)
    assert not RoleAssignment.objects.filter(pk=pk).exists()
    revoked = AuditLog.objects.filter(action="role_change", object_id=str(pk)).exclude(
        pk=granted.pk
    )
    [entry] = list(revoked)
    assert entry.changes["role"] == ["community_admin", None]
    assert entry.changes["user"] == [cast.outsider.pk, None]
    assert entry.actor_id == cast.district_admin.pk


# Exports and unmasked views ------------------------------------------------------------------


def test_an_export_is_recorded_with_its_size_and_filters(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.district_admin)
    response = client.get(reverse("orgs:member_export"), {"q": "王"}, REMOTE_ADDR="10.1.2.5")
    assert response.status_code == 200
    entry = AuditLog.objects.get(action="export")
    assert (entry.actor_id, entry.ip, entry.object_type, entry.object_repr) == (
        cast.district_admin.pk,
        "10.1.2.5",
        "orgs.members",  # the list's name
        "党员名册",
    )
    assert entry.changes["rows"] == 1  # 王静
    assert entry.changes["filters"]["q"] == "王"
    assert entry.changes["unmasked"] is False


def test_an_unmasked_view_on_the_page_records_whose_record_and_why(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.unit_admin)
    target = cast.tax_colleague
    response = client.post(
        reverse("orgs:member_unmask", args=[target.public_id]),
        {"field": "id_number", "reason": "核对党费缴纳"},
        REMOTE_ADDR="10.1.2.6",
    )
    assert response.status_code == 200
    assert target.id_number in response.content.decode()
    [entry] = _entries("unmask", target)
    assert (entry.actor_id, entry.success, entry.reason, entry.ip) == (
        cast.unit_admin.pk,
        True,
        "核对党费缴纳",
        "10.1.2.6",
    )
    assert entry.changes == {"field": "id_number"}
    assert entry.object_repr == target.name
    _no_personal_values(entry)


def test_a_refused_unmask_is_recorded_too(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.street_admin)
    target = cast.member_record
    response = client.post(
        reverse("orgs:member_unmask", args=[target.public_id]),
        {"field": "id_number", "reason": "好奇"},
    )
    assert response.status_code == 403
    assert target.id_number not in response.content.decode()
    [entry] = _entries("unmask", target)
    assert (entry.actor_id, entry.success) == (cast.street_admin.pk, False)


def test_an_unmasked_view_through_the_api_is_recorded(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.community_secretary)
    target = cast.member_record
    response = client.post(
        f"/api/v1/members/{target.public_id}/unmask",
        {"field": "phone", "reason": "联系报到事宜"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"field": "phone", "value": target.phone}
    [entry] = _entries("unmask", target)
    assert (entry.actor_id, entry.success, entry.reason) == (
        cast.community_secretary.pk,
        True,
        "联系报到事宜",
    )
    assert entry.changes == {"field": "phone"}


# Nothing can change the log -----------------------------------------------------------------


@pytest.fixture
def entry(db: None) -> AuditLog:
    return audit_record(action="update", object_type="orgs.member", object_id="1", reason="原始")


def test_the_orm_refuses_to_change_or_delete_an_entry(entry: AuditLog) -> None:
    entry.reason = "篡改"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=entry.pk).update(reason="篡改")
    with pytest.raises(PermissionError):
        AuditLog.objects.all().update(reason="篡改")
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=entry.pk).delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.all().delete()
    with pytest.raises(PermissionError), transaction.atomic():
        AuditLog.objects.bulk_update([entry], ["reason"])
    assert AuditLog.objects.get(pk=entry.pk).reason == "原始"


def test_the_admin_offers_no_add_change_or_delete_even_to_a_superuser(
    cast: Cast, entry: AuditLog
) -> None:
    model_admin = admin_site._registry[AuditLog]
    request = RequestFactory().get("/admin/")
    request.user = cast.platform_admin
    assert cast.platform_admin.is_superuser
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request, entry) is False
    assert model_admin.has_delete_permission(request, entry) is False
    assert "delete_selected" not in model_admin.get_actions(request)

    client = Client()
    client.force_login(cast.platform_admin)
    # The superuser may read the log …
    assert client.get(reverse("admin:core_auditlog_changelist")).status_code == 200
    # … but a posted change or delete does nothing.
    change_url = reverse("admin:core_auditlog_change", args=[entry.pk])
    response = client.post(change_url, {"reason": "篡改", "action": "delete", "success": ""})
    assert response.status_code in (302, 403)
    delete_url = reverse("admin:core_auditlog_delete", args=[entry.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    add_url = reverse("admin:core_auditlog_add")
    assert client.post(add_url, {"action": "login", "reason": "伪造"}).status_code == 403
    changelist = reverse("admin:core_auditlog_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [entry.pk]})
    entry_now = AuditLog.objects.get(pk=entry.pk)
    assert (entry_now.reason, entry_now.action, entry_now.success) == ("原始", "update", True)
    assert not AuditLog.objects.filter(reason="伪造").exists()


@pytest.fixture
def delete_guard(db: None) -> Any:
    """The SQLite delete guard, which the test databases drop (see `gongjian/conftest.py`),
    put back for one test."""
    if connection.vendor == "sqlite":
        from importlib import import_module

        migration = import_module("gongjian.core.migrations.0003_auditlog_append_only_sqlite")
        with connection.cursor() as cursor:
            for statement in migration.CREATE:
                cursor.execute(statement)
        yield
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS core_auditlog_no_recent_delete")
    else:
        yield


@pytest.mark.usefixtures("delete_guard")
def test_the_database_refuses_raw_sql_that_changes_or_deletes_a_recent_entry(
    entry: AuditLog,
) -> None:
    """On both databases, not only through the ORM: a trigger refuses."""
    table = AuditLog._meta.db_table
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET reason = %s WHERE id = %s", ["篡改", entry.pk])  # noqa: S608
    with pytest.raises(DatabaseError, match="184 days"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [entry.pk])  # noqa: S608
    assert AuditLog.objects.get(pk=entry.pk).reason == "原始"


# Retention ------------------------------------------------------------------------------------


def _insert_aged(days: int, reason: str) -> None:
    """An entry written `days` ago: raw SQL, since the ORM stamps the present time."""
    table = AuditLog._meta.db_table
    created = timezone.now() - dt.timedelta(days=days)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (created_at, actor_label, action, object_type, object_id, "  # noqa: S608
            "object_repr, changes, success, reason) VALUES (%s, '', 'update', '', '', '', %s, "
            "%s, %s)",
            [created, "{}", True, reason],
        )


@pytest.mark.usefixtures("delete_guard")
def test_the_purge_deletes_only_entries_past_the_retention(db: None) -> None:
    assert settings.AUDIT_RETENTION_DAYS == 184
    _insert_aged(400, "很旧")
    _insert_aged(185, "刚过期")
    _insert_aged(180, "未过期")
    audit_record(action="update", reason="今天")
    assert audit_purge_expired() == 2
    assert sorted(AuditLog.objects.values_list("reason", flat=True)) == sorted(["未过期", "今天"])


def test_a_longer_retention_keeps_more(db: None, settings: object) -> None:
    settings.AUDIT_RETENTION_DAYS = 365  # type: ignore[attr-defined]
    _insert_aged(400, "很旧")
    _insert_aged(200, "半年多")
    assert audit_purge_expired() == 1
    assert list(AuditLog.objects.values_list("reason", flat=True)) == ["半年多"]
