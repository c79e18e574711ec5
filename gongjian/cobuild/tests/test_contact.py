"""联系人及电话 of a resource: a typed mobile number is recognised, validated, stored encrypted,
shown masked on the page, the API and the export, revealed only by an audited unmasking, and
never written to the audit log; imports split it the same way; old rows are split by the
migration."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from gongjian.cobuild import importers as _importers  # noqa: F401 - registers the importers
from gongjian.cobuild import services
from gongjian.cobuild.models import Resource
from gongjian.cobuild.tests.helpers import build_world
from gongjian.core import contacts, crypto
from gongjian.core.errors import PermissionDenied, ValidationFailed
from gongjian.core.imports import import_check, import_commit
from gongjian.core.models import AuditLog, ImportBatch
from gongjian.testing.cast import Cast

pytestmark = pytest.mark.django_db

PHONE = "13800138000"
MASKED = "138****8000"


def _raw(resource: Resource) -> tuple[str, str]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT contact, contact_phone FROM cobuild_resource WHERE id = %s", [resource.pk]
        )
        row = cur.fetchone()
    return str(row[0]), str(row[1])


def _audit_text() -> str:
    return json.dumps(list(AuditLog.objects.values("changes", "reason", "object_repr")))


def test_a_typed_mobile_is_stored_encrypted_and_shown_masked(cast: Cast) -> None:
    w = build_world(cast)
    made = services.resource_create(
        actor=cast.unit_admin,
        campaign=w.campaign,
        unit=cast.tax,
        title="法律咨询",
        capacity=1,
        contact="李科长 +86 139-1234-5678",
    )
    assert (made.contact, made.contact_phone) == ("李科长", "13912345678")
    assert made.contact_phone_hash == crypto.blind_index("13912345678")
    text, stored = _raw(made)
    assert text == "李科长"
    assert "13912345678" not in stored  # ciphertext
    # The helper's resource holds 王科长 13800138000 the same way
    assert _raw(w.tax_law)[0] == "王科长"
    assert PHONE not in json.dumps(_raw(w.tax_law))
    # The page, the API and the Excel export show it masked
    secretary = Client()
    secretary.force_login(cast.community_secretary)
    page = secretary.get(reverse("cobuild:resource_list", args=[w.campaign.pk])).content.decode()
    assert f"王科长 {MASKED}" in page
    assert PHONE not in page
    api = secretary.get(f"/api/v1/cobuild/resources/{w.tax_law.pk}").json()
    assert api["contact"] == f"王科长 {MASKED}"
    listed = secretary.get(f"/api/v1/cobuild/campaigns/{w.campaign.pk}/resources").content
    assert PHONE.encode() not in listed
    export = secretary.get(reverse("cobuild:resource_export", args=[w.campaign.pk]))
    sheet: Any = load_workbook(io.BytesIO(export.content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    assert f"王科长 {MASKED}" in cells
    assert not any(PHONE in c for c in cells)
    # And the audit log never held the number
    assert PHONE not in _audit_text()
    assert "13912345678" not in _audit_text()


def test_a_bad_mobile_is_refused_naming_the_field_and_a_landline_stays_plain(cast: Cast) -> None:
    w = build_world(cast)
    before = Resource.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        services.resource_create(
            actor=cast.unit_admin,
            campaign=w.campaign,
            unit=cast.tax,
            title="法律咨询",
            contact="李科长 12012345678",
        )
    assert "contact" in caught.value.detail["fields"]
    assert Resource.objects.count() == before
    landline = services.resource_create(
        actor=cast.unit_admin,
        campaign=w.campaign,
        unit=cast.tax,
        title="法律咨询",
        contact="组织科 0571-88001234",
    )
    assert (landline.contact, landline.contact_phone) == ("组织科 0571-88001234", "")


def test_an_edit_sent_back_masked_keeps_the_number(cast: Cast) -> None:
    w = build_world(cast)
    unit = Client()
    unit.force_login(cast.unit_admin)
    form = unit.get(reverse("cobuild:resource_edit", args=[w.tax_law.pk])).content.decode()
    assert MASKED in form
    assert PHONE not in form
    response = unit.post(
        reverse("cobuild:resource_edit", args=[w.tax_law.pk]),
        {"title": w.tax_law.title, "capacity": "1", "contact": f"王处长 {MASKED}"},
    )
    assert response.status_code == 302
    kept = Resource.objects.get(pk=w.tax_law.pk)
    assert (kept.contact, kept.contact_phone) == ("王处长", PHONE)
    services.resource_update(
        actor=cast.unit_admin, resource=kept, title=kept.title, contact="王处长"
    )
    assert Resource.objects.get(pk=kept.pk).contact_phone == ""
    assert PHONE not in _audit_text()


def test_unmasking_the_contact_is_audited_and_needs_a_reason(cast: Cast) -> None:
    w = build_world(cast)
    with pytest.raises(ValidationFailed):
        services.resource_contact_unmask(
            actor=cast.community_secretary, resource=w.tax_law.pk, reason=" "
        )
    secretary = Client()
    secretary.force_login(cast.community_secretary)
    page = secretary.post(
        reverse("cobuild:resource_contact", args=[w.tax_law.pk]), {"reason": "联系共建"}
    )
    assert page.status_code == 200
    assert page.content.decode().strip() == f"王科长 {PHONE}"
    api = secretary.post(
        f"/api/v1/cobuild/resources/{w.tax_law.pk}/contact",
        {"reason": "联系共建"},
        content_type="application/json",
    )
    assert api.json() == {"contact": f"王科长 {PHONE}"}
    entries = AuditLog.objects.filter(action="unmask", object_id=str(w.tax_law.pk))
    assert entries.count() == 2
    assert {e.changes["field"] for e in entries} == {"contact_phone"}
    assert PHONE not in _audit_text()
    # Someone who cannot see the resource cannot unmask it
    member = Client()
    member.force_login(cast.member)
    assert (
        member.post(
            reverse("cobuild:resource_contact", args=[w.tax_law.pk]), {"reason": "看看"}
        ).status_code
        == 404
    )


def test_the_import_splits_the_contact_and_masks_the_preview(cast: Cast) -> None:
    w = build_world(cast, publish=False)
    rows = [
        "资源名称,可服务社区数,联系人及电话",
        "税务志愿服务队,1,王科长 13800138000",
        "困难群众帮扶,1,组织科 0571-88001234",
    ]
    data = ("\n".join(rows) + "\n").encode()
    batch = import_check(
        actor=cast.unit_admin, kind="cobuild_resources", data=data, filename="r.csv"
    )
    assert batch.status == "checked", batch.errors
    preview = json.dumps(ImportBatch.objects.get(pk=batch.pk).preview, ensure_ascii=False)
    assert MASKED in preview
    assert PHONE not in preview
    import_commit(actor=cast.unit_admin, token=batch.token)
    new = Resource.objects.get(campaign=w.campaign, title="税务志愿服务队")
    assert (new.contact, new.contact_phone) == ("王科长", PHONE)
    assert PHONE not in _raw(new)[1]
    plain = Resource.objects.get(campaign=w.campaign, title="困难群众帮扶")
    assert (plain.contact, plain.contact_phone) == ("组织科 0571-88001234", "")
    # A number of no operator: the row is refused, naming the column
    bad = data.replace(b"13800138000", b"12000138000").replace("税务".encode(), "财税".encode())
    refused = import_check(
        actor=cast.unit_admin, kind="cobuild_resources", data=bad, filename="r.csv"
    )
    assert refused.status == "invalid"
    assert {(e["row"], e["column"]) for e in refused.errors} == {(2, "联系人及电话")}


def test_the_migration_moves_numbers_out_of_old_contacts(cast: Cast) -> None:
    w = build_world(cast)
    # Rows written before: the number in the text (written past the service)
    Resource.objects.filter(pk=w.tax_law.pk).update(
        contact="王科长 138 0013 8000", contact_phone="", contact_phone_hash=""
    )
    Resource.objects.filter(pk=w.tax_elderly.pk).update(contact="组织科 0571-88001234")
    contacts.backfill(apps, "cobuild", "Resource")
    moved = Resource.objects.get(pk=w.tax_law.pk)
    assert (moved.contact, moved.contact_phone) == ("王科长", PHONE)
    assert moved.contact_phone_hash == crypto.blind_index(PHONE)
    assert Resource.objects.get(pk=w.tax_elderly.pk).contact == "组织科 0571-88001234"
    contacts.unbackfill(apps, "cobuild", "Resource")
    assert Resource.objects.get(pk=w.tax_law.pk).contact == f"王科长 {PHONE}"


def test_permission_denied_is_audited_as_a_refusal(cast: Cast) -> None:
    w = build_world(cast)
    with pytest.raises(PermissionDenied):
        contacts.contact_unmask(actor=cast.member, obj=w.tax_law, allowed=False, reason="看看")
    entry = AuditLog.objects.get(action="unmask")
    assert entry.success is False
