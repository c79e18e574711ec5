"""联系人及电话 of a mobilisation: the mobile number is stored encrypted and shown masked; the
text message to the cadres carries it whole (they call it), kept encrypted in the outbox and
hidden from the log; the audit log never has it; unmasking is audited."""

from __future__ import annotations

import json
import logging

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongjian.core.errors import ValidationFailed
from gongjian.core.logging import RedactPersonalInfo
from gongjian.core.models import AuditLog
from gongjian.mobilise import services
from gongjian.mobilise.models import Mobilisation, Quota
from gongjian.orgs.models import Notice, OutboxMessage
from gongjian.testing.cast import Cast

pytestmark = pytest.mark.django_db

PHONE = "13800138000"
MASKED = "138****8000"


def _issue(c: Cast, contact: str) -> Mobilisation:
    return services.mobilisation_issue(
        actor=c.district_admin,
        title="支援通知",
        starts_at=timezone.now(),
        places=[("青禾村", "village", None, "")],
        quotas=[(c.tax.pk, "青禾村", 1, None)],
        contact=contact,
    )


def test_the_contact_is_masked_everywhere_but_the_cadres_text(
    cast: Cast, django_capture_on_commit_callbacks: object
) -> None:
    m = _issue(cast, "区工委 张主任 138 0013 8000")
    assert (m.contact, m.contact_phone) == ("区工委 张主任", PHONE)
    with connection.cursor() as cur:
        cur.execute("SELECT contact_phone FROM mobilise_mobilisation WHERE id = %s", [m.pk])
        assert PHONE not in cur.fetchone()[0]
    # When the unit names its cadre
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        services.cadres_name(
            actor=cast.unit_admin,
            quota_id=Quota.objects.get(mobilisation=m).pk,
            member_ids=[cast.member_record.public_id],
        )
    # Then the text for the cadre has the whole number, the outbox keeps it encrypted
    sms = OutboxMessage.objects.get(member=cast.member_record)
    assert PHONE in sms.body
    with connection.cursor() as cur:
        cur.execute("SELECT body FROM orgs_outboxmessage WHERE id = %s", [sms.pk])
        assert PHONE not in cur.fetchone()[0]
    # and a log line of it hides the number
    record = logging.LogRecord("x", logging.WARNING, "", 0, "SMS: %s", (sms.body,), None)
    RedactPersonalInfo().filter(record)
    assert PHONE not in record.getMessage()
    # The notice in the app, the pages and the API show it masked
    notice = Notice.objects.get(member=cast.member_record, kind="mobilise.named")
    assert MASKED in notice.body
    assert PHONE not in notice.body
    member = Client()
    member.force_login(cast.member)
    detail = member.get(reverse("mobilise:mobilisation_detail", args=[m.public_id]))
    assert MASKED in detail.content.decode()
    assert PHONE not in detail.content.decode()
    api = member.get(f"/api/v1/mobilise/mobilisations/{m.public_id}").json()
    assert api["contact"] == f"区工委 张主任 {MASKED}"
    # Unmasking, audited, with a reason, page and API alike
    page = member.post(
        reverse("mobilise:mobilisation_contact", args=[m.public_id]), {"reason": "联系报到"}
    )
    assert page.content.decode().strip() == f"区工委 张主任 {PHONE}"
    refused = member.post(
        f"/api/v1/mobilise/mobilisations/{m.public_id}/contact",
        {"reason": ""},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert AuditLog.objects.filter(action="unmask", object_id=str(m.pk)).count() == 1
    # The audit log never holds the number
    logged = json.dumps(list(AuditLog.objects.values("changes", "reason")), ensure_ascii=False)
    assert PHONE not in logged


def test_a_bad_number_is_refused_and_nothing_is_issued(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _issue(cast, "张主任 12000138000")
    assert "contact" in caught.value.detail["fields"]
    assert not Mobilisation.objects.exists()
    landline = _issue(cast, "区直机关工委 组织科 0571-00000000")
    assert (landline.contact, landline.contact_phone) == ("区直机关工委 组织科 0571-00000000", "")
