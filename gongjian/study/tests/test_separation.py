"""Separation of duties: an organiser does not confirm or return their own make-up note."""

from __future__ import annotations

import pytest
from django.test import Client

from gongjian.core.errors import PermissionDenied
from gongjian.study import services
from gongjian.study.models import Attendance
from gongjian.study.tests.helpers import schedule
from gongjian.testing.cast import Cast

pytestmark = pytest.mark.django_db


def test_the_organiser_cannot_confirm_their_own_make_up(cast: Cast) -> None:
    # Given the unit administrator who organises the meeting is 王静 of the branch
    cast.tax_colleague.user = cast.unit_admin
    cast.tax_colleague.save()
    session = schedule(cast, hours_from_now=-1 / 6)
    services.leave_request(actor=cast.unit_admin, session_id=session.public_id, reason="外出")
    services.session_record(actor=cast.unit_admin, session_id=session.public_id, summary="纪要")
    services.note_submit(
        actor=cast.unit_admin, session_id=session.public_id, text="阅读了全会公报原文，记录了体会。"
    )
    mine = Attendance.objects.get(session=session, member=cast.tax_colleague)
    assert mine.makeup == "submitted"
    # Then neither the service, the page nor the API lets them confirm or return it
    with pytest.raises(PermissionDenied, match="您本人提交"):
        services.makeup_confirm(actor=cast.unit_admin, attendance_id=mine.public_id)
    client = Client()
    client.force_login(cast.unit_admin)
    page = client.post(f"/study/makeups/{mine.public_id}/return/", {"reason": "请补充"})
    assert page.status_code == 403
    assert "您本人提交" in page.content.decode()
    api = client.post(f"/api/v1/study/makeups/{mine.public_id}/confirm")
    assert api.status_code == 403
    assert "您本人提交" in api.json()["message"]
    mine.refresh_from_db()
    assert mine.makeup == "submitted"
