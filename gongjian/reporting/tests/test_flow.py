"""双报到 as stories: a member reports, the community decides, the unit's rate moves."""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import io
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongjian.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gongjian.core.models import AuditLog
from gongjian.orgs.models import Member, Notice, OutboxMessage
from gongjian.reporting import selectors, services
from gongjian.reporting.models import MemberReport, OrgReport
from gongjian.testing import pdf
from gongjian.testing.cast import Cast, make_member, make_user

pytestmark = pytest.mark.django_db


def _tax_rate(cast: Cast, on: dt.date | None = None) -> selectors.RateRow:
    rows = selectors.unit_rates(actor=cast.district_admin, on=on or timezone.localdate())
    return next(r for r in rows if r.id == cast.tax.pk)


def test_member_reports_community_confirms_and_the_units_rate_moves(cast: Cast) -> None:
    # Given the tax bureau's two in-service members, neither reported
    before = _tax_rate(cast)
    assert (before.total, before.done) == (2, 0)
    # When the member reports to 晨辉社区第二网格 from the page
    member = Client()
    member.force_login(cast.member)
    response = member.post(
        reverse("reporting:report_form"),
        {"community": cast.chenhui.pk, "grid": cast.chenhui_grid2.pk},
    )
    assert response.status_code == 302
    report = MemberReport.objects.get(member=cast.member_record)
    assert report.status == "submitted"
    assert _tax_rate(cast).done == 0
    assert _tax_rate(cast).pending == 1
    # Then the community secretary sees it waiting and confirms it
    secretary = Client()
    secretary.force_login(cast.community_secretary)
    page = secretary.get(reverse("reporting:report_list")).content.decode()
    assert cast.member_record.name in page
    response = secretary.post(
        reverse("reporting:report_decide"), {"ids": [str(report.public_id)], "action": "confirm"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "confirmed"
    assert report.decided_by == cast.community_secretary
    # And the unit's rate moves, the member's home follows the report, all of it audited
    after = _tax_rate(cast)
    assert (after.total, after.done) == (2, 1)
    assert after.percent == "50.0%"
    record = Member.objects.get(pk=cast.member_record.pk)
    assert record.home_grid_id == cast.chenhui_grid2.pk
    types = set(AuditLog.objects.values_list("object_type", flat=True))
    assert {"reporting.memberreport", "orgs.member"} <= types
    # And the member sees the state of their report and a notice
    page = member.get(reverse("reporting:my_report")).content.decode()
    assert "已确认" in page
    assert Notice.objects.filter(member=cast.member_record, title="您的报到已确认").exists()
    # And yesterday's rate did not change
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    assert _tax_rate(cast, yesterday).done == 0


def test_moving_house_replaces_the_old_report_once_confirmed(cast: Cast) -> None:
    first = services.member_report_submit(actor=cast.member, community=cast.chenhui)
    services.member_report_confirm(actor=cast.community_secretary, report=first)
    # A new report while the old one stays confirmed
    second = services.member_report_submit(actor=cast.member, community=cast.xingguang)
    assert set(MemberReport.objects.values_list("status", flat=True)) == {
        "confirmed",
        "submitted",
    }
    assert _tax_rate(cast).done == 1
    services.member_report_confirm(actor=cast.district_admin, report=second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "superseded"
    assert first.ended_at == second.confirmed_at
    # The member stayed reported throughout; history is kept
    assert _tax_rate(cast).done == 1
    assert MemberReport.objects.filter(member=cast.member_record).count() == 2
    assert Member.objects.get(pk=cast.member_record.pk).home_community == cast.xingguang


def test_at_most_one_pending_and_one_confirmed_report_held_by_the_database(cast: Cast) -> None:
    MemberReport.objects.create(member=cast.member_record, community=cast.chenhui)
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberReport.objects.create(member=cast.member_record, community=cast.xingguang)
    now = timezone.now()
    MemberReport.objects.create(
        member=cast.tax_colleague, community=cast.chenhui, status="confirmed", confirmed_at=now
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberReport.objects.create(
            member=cast.tax_colleague,
            community=cast.xingguang,
            status="confirmed",
            confirmed_at=now,
        )
    # And the service says so in words
    with pytest.raises(Conflict):
        services.member_report_submit(actor=cast.member, community=cast.xingguang)


def test_a_rejected_report_needs_a_reason(cast: Cast) -> None:
    report = services.member_report_submit(actor=cast.member, community=cast.chenhui)
    with pytest.raises(ValidationFailed) as exc:
        services.member_report_reject(actor=cast.community_secretary, report=report, reason="  ")
    assert "reject_reason" in exc.value.detail["fields"]
    # The database refuses it too
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberReport.objects.filter(pk=report.pk).update(status="rejected")
    # Through the API: refused with the field named, nothing written
    client = Client()
    client.force_login(cast.community_secretary)
    response = client.post(
        f"/api/v1/reporting/member-reports/{report.public_id}/reject",
        {"reason": ""},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["detail"]["fields"]["reject_reason"]
    report.refresh_from_db()
    assert report.status == "submitted"
    # With a reason it goes through, and the member sees the reason
    services.member_report_reject(
        actor=cast.community_secretary, report=report, reason="经核实不在本社区居住"
    )
    member = Client()
    member.force_login(cast.member)
    assert "经核实不在本社区居住" in member.get(reverse("reporting:my_report")).content.decode()


def test_a_community_cannot_confirm_a_report_to_another_community(cast: Cast) -> None:
    # Given the tax colleague's report to 星光社区
    colleague_user = make_user("colleague")
    Member.objects.filter(pk=cast.tax_colleague.pk).update(user=colleague_user)
    report = services.member_report_submit(actor=colleague_user, community=cast.xingguang)
    # Then 晨辉社区's secretary can neither confirm nor reject it, by service, page or API
    with pytest.raises(NotFound):
        services.member_report_confirm(actor=cast.community_secretary, report=report)
    with pytest.raises(NotFound):
        services.member_reports_decide(
            actor=cast.community_secretary, reports=[report], action="reject", reason="不是本社区"
        )
    client = Client()
    client.force_login(cast.community_secretary)
    page = client.post(
        reverse("reporting:report_decide"), {"ids": [str(report.public_id)], "action": "confirm"}
    )
    assert page.status_code == 404
    api = client.post(f"/api/v1/reporting/member-reports/{report.public_id}/confirm")
    assert api.status_code == 404
    # Nor can the unit administrator, who sees it
    unit = Client()
    unit.force_login(cast.unit_admin)
    assert unit.get(f"/api/v1/reporting/member-reports/{report.public_id}").status_code == 200
    assert (
        unit.post(f"/api/v1/reporting/member-reports/{report.public_id}/confirm").status_code == 404
    )
    report.refresh_from_db()
    assert report.status == "submitted"


def test_bulk_decisions_are_all_or_nothing(cast: Cast) -> None:
    colleague_user = make_user("colleague")
    Member.objects.filter(pk=cast.tax_colleague.pk).update(user=colleague_user)
    mine = services.member_report_submit(actor=cast.member, community=cast.chenhui)
    other = services.member_report_submit(actor=colleague_user, community=cast.xingguang)
    with pytest.raises(NotFound):
        services.member_reports_decide(
            actor=cast.community_secretary, reports=[mine, other], action="confirm"
        )
    assert MemberReport.objects.filter(status="submitted").count() == 2
    # The district administrator decides both at once
    assert (
        services.member_reports_decide(
            actor=cast.district_admin, reports=[mine, other], action="confirm"
        )
        == 2
    )


def test_only_in_service_members_report_to_a_community_that_exists(cast: Cast) -> None:
    resident_user = make_user("resident")
    Member.objects.filter(pk=cast.chenhui_resident.pk).update(user=resident_user)
    with pytest.raises(ValidationFailed) as exc:
        services.member_report_submit(actor=resident_user, community=cast.chenhui)
    assert "member" in exc.value.detail["fields"]
    with pytest.raises(PermissionDenied):
        services.member_report_submit(actor=cast.outsider, community=cast.chenhui)
    with pytest.raises(ValidationFailed) as exc:
        services.member_report_submit(actor=cast.member, community=cast.qinghe)
    assert "community" in exc.value.detail["fields"]
    with pytest.raises(ValidationFailed) as exc:
        services.member_report_submit(
            actor=cast.member, community=cast.chenhui, grid=cast.xingguang_grid1
        )
    assert "grid" in exc.value.detail["fields"]
    client = Client()
    client.force_login(cast.member)
    response = client.post(
        "/api/v1/reporting/my-reports", {"community_id": 999999}, content_type="application/json"
    )
    assert response.status_code == 400
    assert not MemberReport.objects.exists()


def test_a_member_withdraws_a_pending_report(cast: Cast) -> None:
    report = services.member_report_submit(actor=cast.member, community=cast.chenhui)
    with pytest.raises(NotFound):
        services.member_report_withdraw(actor=cast.unit_admin, report=report)
    services.member_report_withdraw(actor=cast.member, report=report)
    report.refresh_from_db()
    assert report.status == "withdrawn"
    # And may report again
    services.member_report_submit(actor=cast.member, community=cast.xingguang)


def test_reminders_reach_only_those_not_reported_once_a_day(cast: Cast) -> None:
    # Given three in-service members of the tax bureau: one confirmed, one pending, one not
    third = make_member("陈新", cast.tax_branch)
    report = services.member_report_submit(actor=cast.member, community=cast.chenhui)
    services.member_report_confirm(actor=cast.community_secretary, report=report)
    MemberReport.objects.create(member=cast.tax_colleague, community=cast.xingguang)
    make_member("钱退休", cast.tax_branch, in_service=False)
    # When the unit administrator sends reminders from the page
    client = Client()
    client.force_login(cast.unit_admin)
    response = client.post(reverse("reporting:remind", args=[cast.tax.pk]))
    assert response.status_code == 302
    # Then only the one who has not reported is reminded, in the app and in the outbox
    assert list(Notice.objects.filter(kind="reminder").values_list("member", flat=True)) == [
        third.pk
    ]
    assert list(OutboxMessage.objects.values_list("member", "channel", "status")) == [
        (third.pk, "sms", "pending")
    ]
    # And a second reminder on the same day adds nothing
    assert services.reminders_send(actor=cast.unit_admin, unit=cast.tax) == 0
    assert Notice.objects.filter(kind="reminder").count() == 1
    # And no one outside the unit's administration may send them
    with pytest.raises(NotFound):
        services.reminders_send(actor=cast.street_admin, unit=cast.tax)
    api = Client()
    api.force_login(cast.unit_admin)
    assert api.post(f"/api/v1/reporting/units/{cast.tax.pk}/remind").json() == {"reminded": 0}


def test_unit_status_shows_who_has_and_has_not_reported(cast: Cast) -> None:
    report = services.member_report_submit(actor=cast.member, community=cast.chenhui)
    services.member_report_confirm(actor=cast.community_secretary, report=report)
    qs = selectors.unit_members_status(actor=cast.unit_admin, unit=cast.tax, state="none")
    assert [m.name for m in qs] == [cast.tax_colleague.name]
    client = Client()
    client.force_login(cast.unit_admin)
    rows = client.get(f"/api/v1/reporting/units/{cast.tax.pk}/members").json()["items"]
    assert {r["name"]: r["state"] for r in rows} == {
        cast.member_record.name: "confirmed",
        cast.tax_colleague.name: "none",
    }
    assert client.get(reverse("reporting:unit_status_export")).status_code == 200


def test_grid_leader_sees_the_reported_members_of_the_grid(cast: Cast) -> None:
    report = services.member_report_submit(
        actor=cast.member, community=cast.chenhui, grid=cast.chenhui_grid1
    )
    services.member_report_confirm(actor=cast.community_secretary, report=report)
    client = Client()
    client.force_login(cast.grid_leader)
    html = client.get(reverse("reporting:residents")).content.decode()
    assert cast.member_record.name in html
    assert cast.chenhui_resident.name not in html  # lives in the second grid
    assert cast.member_record.phone not in html  # masked until unmasked (and audited)
    assert "****" in html


def test_rates_by_level_laggards_first_and_bounded_queries(
    cast: Cast, django_assert_max_num_queries: object
) -> None:
    report = services.member_report_submit(actor=cast.member, community=cast.chenhui)
    services.member_report_confirm(actor=cast.community_secretary, report=report)
    today = timezone.localdate()
    units = selectors.unit_rates(actor=cast.district_admin, on=today)
    assert [r.name for r in units] == ["区司法局", "区税务局"]  # 0% before 50%
    orgs = {r.code: r for r in selectors.org_rates(actor=cast.district_admin, on=today)}
    assert (orgs["TAX"].total, orgs["TAX"].done) == (2, 1)  # the committee counts its branch
    communities = {r.code: r for r in selectors.community_rates(actor=cast.street_admin, on=today)}
    assert set(communities) == {"SF0101"}  # the street administrator sees their street only
    assert communities["SF0101"].done == 1
    streets = selectors.street_rates(actor=cast.district_admin, on=today)
    assert {s.code: s.done for s in streets} == {"SF01": 1, "SF02": 0}
    assert selectors.unit_rates(actor=cast.unit_admin, on=today)[0].name == "区税务局"
    client = Client()
    client.force_login(cast.district_admin)
    with django_assert_max_num_queries(20):  # type: ignore[operator]
        assert client.get(reverse("reporting:rates")).status_code == 200
    for level in ("org", "community", "street"):
        assert client.get(reverse("reporting:rates") + f"?level={level}").status_code == 200
    data = client.get("/api/v1/reporting/rates?level=unit").json()
    assert [r["rate"] for r in data["rows"]] == [0.0, 0.5]
    export = client.get(reverse("reporting:rates_export") + "?level=unit")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_unit_pairs_with_a_community_which_confirms(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.unit_admin)
    response = client.post(
        "/api/v1/reporting/org-reports",
        {"party_org_id": cast.tax_committee.pk, "community_id": cast.chenhui.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    pairing_id = response.json()["id"]
    # Not twice
    again = client.post(
        "/api/v1/reporting/org-reports",
        {"party_org_id": cast.tax_committee.pk, "community_id": cast.chenhui.pk},
        content_type="application/json",
    )
    assert again.status_code == 409
    # The unit cannot confirm its own pairing; the community can
    own = client.post(
        f"/api/v1/reporting/org-reports/{pairing_id}/decide",
        {"action": "confirm"},
        content_type="application/json",
    )
    assert own.status_code == 404
    secretary = Client()
    secretary.force_login(cast.community_secretary)
    done = secretary.post(
        f"/api/v1/reporting/org-reports/{pairing_id}/decide",
        {"action": "confirm"},
        content_type="application/json",
    )
    assert done.json()["status"] == "confirmed"
    rows = selectors.community_rates(actor=cast.community_secretary, on=timezone.localdate())
    assert rows[0].pairs == 1
    # Either side may end it
    services.org_report_end(
        actor=cast.unit_admin, org_report=OrgReport.objects.get(pk=pairing_id), reason="调整结对"
    )
    assert OrgReport.objects.get(pk=pairing_id).status == "ended"


def _dark(image: Any, x: int, y: int) -> bool:
    value: Any = image.getpixel((x, y))
    return int(value) < 128


def test_the_qr_code_decodes_to_the_communitys_report_link(cast: Cast) -> None:
    import segno

    client = Client()
    client.force_login(cast.community_secretary)
    response = client.get(reverse("reporting:poster_png", args=[cast.chenhui.pk]))
    assert response["Content-Type"] == "image/png"
    expected = "http://testserver/reporting/report/?c=SF0101"
    from PIL import Image

    image = Image.open(io.BytesIO(response.content)).convert("L")
    # A real decoder (zxing-cpp, a dev dependency) reads the link back.
    zxingcpp: Any = importlib.import_module("zxingcpp")
    results = zxingcpp.read_barcodes(image)
    assert [r.text for r in results] == [expected]
    # And the modules read back from the PNG (scale 8, quiet zone 4) are those of the QR code
    # of the expected link.
    reference = segno.make(expected, error="m", micro=False)
    size = len(reference.matrix)
    scale = image.width // (size + 8)
    read = [
        tuple(
            1 if _dark(image, (x + 4) * scale + scale // 2, (y + 4) * scale + scale // 2) else 0
            for x in range(size)
        )
        for y in range(size)
    ]
    assert read == [tuple(row) for row in reference.matrix]
    # And the link opens the form with the community filled in
    member = Client()
    member.force_login(cast.member)
    html = member.get(expected.removeprefix("http://testserver")).content.decode()
    assert f'<option value="{cast.chenhui.pk}" selected>' in html


def test_the_poster_is_a_printable_pdf(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.community_secretary)
    response = client.get(reverse("reporting:poster_pdf", args=[cast.chenhui.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    # Chinese in an embedded CJK font (no reader needs an Asian font pack), text extractable
    assert pdf.cjk_embedded(response.content), pdf.fonts(response.content)
    assert "在职党员到社区报到" in pdf.text(response.content)
    # Another community's poster is not theirs to print
    other = client.get(reverse("reporting:poster_pdf", args=[cast.xingguang.pk]))
    assert other.status_code == 404


def test_lists_search_and_show_an_empty_state(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.community_secretary)
    assert "没有符合条件的报到" in client.get(reverse("reporting:report_list")).content.decode()
    services.member_report_submit(actor=cast.member, community=cast.chenhui)
    html = client.get(reverse("reporting:report_list") + "?q=李晓").content.decode()
    assert cast.member_record.name in html
    html = client.get(reverse("reporting:report_list") + "?q=不存在的人").content.decode()
    assert cast.member_record.name not in html
    export = client.get(reverse("reporting:report_export"))
    assert export.status_code == 200
