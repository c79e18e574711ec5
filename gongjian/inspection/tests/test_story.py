"""Stories of the inspection app, by role: from a finding on the spot to closed with one
return, photos from a phone, reminders, a supervised task campaign, figures and the API."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from gongjian.core import photos
from gongjian.core.errors import (
    Conflict,
    FileTooLarge,
    NotFound,
    PermissionDenied,
    UnsupportedFile,
    ValidationFailed,
)
from gongjian.core.figures import Scope
from gongjian.core.periods import Period
from gongjian.inspection import deadlines, figures, services
from gongjian.inspection.models import Finding, Photo, Task
from gongjian.inspection.tests.helpers import campaign, finding, inspection, jpeg
from gongjian.orgs.models import Notice, RoleAssignment
from gongjian.testing.cast import Cast, make_member, make_user
from gongjian.testing.queries import page_queries


def _secretary_member(c: Cast) -> None:
    """The community secretary's own member record, so notices reach them."""
    make_member("晨辉书记", c.chenhui_org, user=c.community_secretary, in_service=False)


def test_deadlines_count_working_days_on_the_chinese_calendar() -> None:
    # Friday 25 September 2026 starts the Mid-Autumn holiday; National Day follows
    assert deadlines.add_workdays(dt.date(2026, 9, 24), 1) == dt.date(2026, 9, 28)
    assert deadlines.add_workdays(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)
    # 10 October 2026 (Saturday) is a make-up working day
    assert deadlines.add_workdays(dt.date(2026, 10, 9), 1) == dt.date(2026, 10, 10)
    assert deadlines.return_workdays(5) == 2
    assert deadlines.return_workdays(1) == 1


def test_photos_are_checked_by_content_stripped_and_compressed() -> None:
    raw = jpeg((4000, 3000))
    with Image.open(io.BytesIO(raw)) as original:
        assert original.getexif().get(0x8825)  # the phone's location is there
    clean = photos.clean(raw, name="现场.jpg")
    with Image.open(io.BytesIO(clean.data)) as stored:
        assert stored.format == "JPEG"
        assert max(stored.size) == photos.LONG_SIDE
        assert not stored.getexif()  # nothing of it is kept
        assert "exif" not in stored.info
    # A PNG with transparency becomes a JPEG on white
    png = io.BytesIO()
    Image.new("RGBA", (50, 40), (255, 0, 0, 128)).save(png, "PNG")
    assert photos.clean(png.getvalue()).width == 50
    # HEIC from an iPhone
    heic = io.BytesIO()
    Image.new("RGB", (640, 480), (10, 200, 30)).save(heic, "HEIF")
    assert photos.clean(heic.getvalue(), name="IMG_0001.HEIC").height == 480
    # Not a photo, whatever its name says; too large; empty
    with pytest.raises(UnsupportedFile, match=r"假照片\.jpg"):
        photos.clean(b"MZ\x90\x00 not an image", name="假照片.jpg")
    with pytest.raises(UnsupportedFile):
        photos.clean(b"GIF89a" + b"\x00" * 100, name="动图.gif")
    with pytest.raises(FileTooLarge):
        photos.clean(b"\xff\xd8\xff" + b"\x00" * photos.MAX_BYTES, name="大.jpg")
    with pytest.raises(UnsupportedFile):
        photos.clean(b"", name="空.jpg")


def test_an_inspection_from_finding_to_closed_with_one_return(cast: Cast) -> None:
    _secretary_member(cast)
    today = timezone.localdate()
    # Given the working committee's inspection with the member as inspector
    insp = inspection(cast)
    # When the inspector records a finding at the station, for 晨辉社区, five working days
    f = finding(cast, insp)
    assert f.status == "open"
    assert f.due_on == deadlines.add_workdays(today, 5)
    assert f.photos.count() == 1
    assert f.place is not None
    assert f.place.visited_on == today
    assert Notice.objects.filter(kind="inspection.assigned").count() == 1
    # Then the inspecting side may not rectify, nor an outsider; the responsible side may
    with pytest.raises(NotFound):
        services.rectification_submit(
            actor=cast.district_admin, finding_id=f.public_id, text="已清运", photo_files=[]
        )
    with pytest.raises(NotFound):
        services.rectification_submit(
            actor=cast.unit_admin, finding_id=f.public_id, text="已清运", photo_files=[]
        )
    with pytest.raises(ValidationFailed):  # evidence is required
        services.rectification_submit(
            actor=cast.community_secretary, finding_id=f.public_id, text="已清运"
        )
    services.rectification_submit(
        actor=cast.community_secretary,
        finding_id=f.public_id,
        text="已安排保洁清运",
        photo_files=[("整改后.jpg", jpeg((800, 600)))],
    )
    # And the responsible side may not review its own rectification
    with pytest.raises(NotFound):
        services.rectification_review(
            actor=cast.community_secretary, finding_id=f.public_id, passed=True
        )
    # When the inspector returns it with a reason: a shorter deadline restarts
    with pytest.raises(ValidationFailed):
        services.rectification_review(actor=cast.member, finding_id=f.public_id, passed=False)
    with pytest.raises(ValidationFailed):  # not shorter than half
        services.rectification_review(
            actor=cast.member, finding_id=f.public_id, passed=False, reason="未彻底", workdays=5
        )
    services.rectification_review(
        actor=cast.member, finding_id=f.public_id, passed=False, reason="角落仍有垃圾"
    )
    f.refresh_from_db()
    assert (f.status, f.workdays, f.returns) == ("returned", 2, 1)
    assert f.due_on == deadlines.add_workdays(today, 2)
    assert Notice.objects.filter(kind="inspection.returned").count() == 1
    # And after a second rectification the working committee passes it: closed, on time
    services.rectification_submit(
        actor=cast.community_secretary,
        finding_id=f.public_id,
        text="已全部清理",
        photo_files=[("二次整改.jpg", jpeg((800, 600)))],
    )
    services.rectification_review(actor=cast.district_admin, finding_id=f.public_id, passed=True)
    f.refresh_from_db()
    assert f.status == "closed"
    assert f.on_time is True
    assert f.closed_at is not None
    # Closed findings keep their history and take no more reports
    results = list(f.rectifications.values_list("result", flat=True))
    assert results == ["returned", "passed"]
    with pytest.raises(Conflict):
        services.rectification_submit(
            actor=cast.community_secretary,
            finding_id=f.public_id,
            text="再次提交",
            photo_files=[("x.jpg", jpeg((100, 100)))],
        )
    assert Photo.objects.filter(rectification__finding=f).count() == 2


def test_bad_findings_write_nothing(cast: Cast) -> None:
    insp = inspection(cast)
    cases: list[tuple[dict[str, Any], type[Exception]]] = [
        ({"description": "垃圾\x00"}, ValidationFailed),
        ({"workdays": 0}, ValidationFailed),
        ({"workdays": "9" * 30}, ValidationFailed),
        ({"responsible_area_id": None}, ValidationFailed),
        ({"responsible_unit_id": cast.tax.pk}, ValidationFailed),  # both sides named
        ({"category": "weather"}, ValidationFailed),
        ({"photo_files": [("a.jpg", b"not a photo")]}, UnsupportedFile),
        ({"photo_files": [("a.jpg", jpeg((10, 10)))] * 10}, ValidationFailed),
    ]
    for change, error in cases:
        with pytest.raises(error):
            finding(cast, insp, **change)
    # Someone who is neither of the inspecting side nor an inspector
    with pytest.raises(NotFound):
        finding(cast, insp, actor=cast.unit_admin)
    assert not Finding.objects.exists()
    assert not Photo.objects.exists()


def test_reminders_before_at_and_after_the_deadline_are_sent_once(cast: Cast) -> None:
    _secretary_member(cast)
    f = finding(cast, workdays=1)
    day_before = f.due_on - dt.timedelta(days=1)
    while not deadlines.add_workdays(day_before, 1) == f.due_on:
        day_before -= dt.timedelta(days=1)
    assert services.reminders_send(today=day_before) == 1
    assert services.reminders_send(today=day_before) == 0
    assert services.reminders_send(today=f.due_on) == 1
    assert services.reminders_send(today=f.due_on + dt.timedelta(days=3)) == 1
    assert services.reminders_send(today=f.due_on + dt.timedelta(days=4)) == 0
    kinds = sorted(
        Notice.objects.filter(kind__startswith="inspection.").values_list("kind", flat=True)
    )
    assert kinds == [
        "inspection.assigned",
        "inspection.before",
        "inspection.due",
        "inspection.overdue",
    ]
    call_command("inspection_send_reminders", stdout=io.StringIO())
    # The chase list shows it once overdue
    client = Client()
    client.force_login(cast.district_admin)
    f.due_on = timezone.localdate() - dt.timedelta(days=1)
    f.save()
    page = client.get(reverse("inspection:finding_list") + "?overdue=1")
    assert "站前广场垃圾未及时清运" in page.content.decode()


def test_a_supervised_task_campaign(cast: Cast) -> None:
    # Given the working committee breaks 创文 into a task for two branches
    made, tasks = campaign(cast)
    assert {t.party_org_id for t in tasks} == {cast.tax_branch.pk, cast.justice_branch.pk}
    tax_task = next(t for t in tasks if t.party_org_id == cast.tax_branch.pk)
    justice_task = next(t for t in tasks if t.party_org_id == cast.justice_branch.pk)
    # The tax bureau reports progress on its own task only
    with pytest.raises(NotFound):
        services.task_report(
            actor=cast.unit_admin, task_id=justice_task.public_id, percent=10, text="x"
        )
    services.task_report(
        actor=cast.unit_admin,
        task_id=tax_task.public_id,
        percent=60,
        text="已开展文明劝导6次",
        photo_files=[("劝导.jpg", jpeg((640, 480)))],
    )
    with pytest.raises(ValidationFailed):  # progress never goes back
        services.task_report(
            actor=cast.unit_admin, task_id=tax_task.public_id, percent=50, text="x"
        )
    services.task_report(
        actor=cast.unit_admin, task_id=tax_task.public_id, percent=100, text="完成10次劝导"
    )
    tax_task.refresh_from_db()
    assert tax_task.status == Task.Status.COMPLETED
    assert tax_task.completed_at is not None
    with pytest.raises(Conflict):
        services.task_report(
            actor=cast.unit_admin, task_id=tax_task.public_id, percent=100, text="x"
        )
    # A deadline before today, or past the campaign's, is refused
    with pytest.raises(ValidationFailed):
        services.tasks_assign(
            actor=cast.district_admin,
            campaign_id=made.public_id,
            title="t",
            target="t",
            due_on=timezone.localdate() - dt.timedelta(days=1),
            party_org_ids=[cast.tax_branch.pk],
        )
    with pytest.raises(PermissionDenied):
        services.campaign_create(actor=cast.unit_admin, title="创卫", due_on="2099-01-01")
    # The campaign shows completion by assignee
    client = Client()
    client.force_login(cast.district_admin)
    page = client.get(reverse("inspection:campaign_detail", args=[made.public_id])).content.decode()
    assert "已完成1/2项，平均进度50%" in page
    assert "区税务局第一党支部" in page


def test_figures_count_what_their_lists_show(cast: Cast) -> None:
    _secretary_member(cast)
    f = finding(cast)
    finding(
        cast,
        f.inspection,
        description="医院门口占道经营",
        responsible_unit_id=cast.tax.pk,
        responsible_area_id=None,
    )
    services.rectification_submit(
        actor=cast.community_secretary,
        finding_id=f.public_id,
        text="已整改",
        photo_files=[("a.jpg", jpeg((100, 100)))],
    )
    services.rectification_review(actor=cast.district_admin, finding_id=f.public_id, passed=True)
    _made, tasks = campaign(cast)
    tax_task = next(t for t in tasks if t.party_org_id == cast.tax_branch.pk)
    services.task_report(
        actor=cast.unit_admin, task_id=tax_task.public_id, percent=100, text="完成"
    )
    today = timezone.localdate()
    period = Period(today - dt.timedelta(days=30), today)
    client = Client()
    client.force_login(cast.district_admin)
    for scope in (Scope(), Scope(area_id=cast.chenhui.pk), Scope(unit_id=cast.tax.pk)):
        found = figures.figures(actor=cast.district_admin, scope=scope, period=period)
        assert len(found) == 7
        for figure in found:
            response = client.get(figure.url)
            assert response.status_code == 200, figure.url
            assert response.context["listing"].page.paginator.count == figure.value, figure
    everything = {
        f.key: f.value
        for f in figures.figures(actor=cast.district_admin, scope=Scope(), period=period)
    }
    assert everything["inspection.findings_found"] == 2
    assert everything["inspection.findings_rectified"] == 1
    assert everything["inspection.findings_on_time"] == 1
    assert everything["inspection.places_visited"] == 1
    assert everything["inspection.tasks_completed"] == 1


def test_lists_send_no_query_per_row(cast: Cast) -> None:
    insp = inspection(cast)
    finding(cast, insp)
    client = Client()
    client.force_login(cast.district_admin)
    urls = [
        reverse("inspection:inspection_list"),
        reverse("inspection:finding_list"),
        reverse("inspection:place_list"),
        reverse("inspection:task_list"),
        reverse("inspection:campaign_list"),
    ]
    campaign(cast)
    one = [page_queries(client, u) for u in urls]
    for k in range(6):
        finding(cast, inspection(cast, subject=f"第{k}次督导"), photo_files=[])
    assert [page_queries(client, u) for u in urls] == one


def test_the_api_records_and_rectifies_as_the_pages_do(cast: Cast) -> None:
    _secretary_member(cast)
    insp = inspection(cast)
    member = Client()
    member.force_login(cast.member)
    url = f"/api/v1/inspection/inspections/{insp.public_id}/findings"
    data = {
        "description": "学校门口护栏损坏",
        "category": "facilities",
        "severity": "major",
        "workdays": "3",
        "responsible_area_id": str(cast.chenhui.pk),
    }
    bad = member.post(url, {**data, "photos": io.BytesIO(b"<html>")})
    assert bad.status_code == 415
    made = member.post(url, {**data, "photos": _named(jpeg((300, 200)), "p.jpg")})
    assert made.status_code == 201, made.content
    fid = made.json()["id"]
    assert made.json()["photos"] == 1
    outsider = Client()
    outsider.force_login(cast.unit_admin)
    assert outsider.post(url, {**data}).status_code == 404
    assert outsider.get(f"/api/v1/inspection/findings/{fid}").status_code == 404
    secretary = Client()
    secretary.force_login(cast.community_secretary)
    rect = secretary.post(
        f"/api/v1/inspection/findings/{fid}/rectify",
        {"text": "已修复", "photos": _named(jpeg((300, 200)), "r.jpg")},
    )
    assert rect.status_code == 200
    assert rect.json()["status"] == "submitted"
    review = member.post(
        f"/api/v1/inspection/findings/{fid}/review",
        {"passed": True},
        content_type="application/json",
    )
    assert review.json()["status"] == "closed"
    assert member.get("/api/v1/inspection/findings?start=2026-13-01").status_code == 400


def _named(data: bytes, name: str) -> io.BytesIO:
    f = io.BytesIO(data)
    f.name = name
    return f


def test_role_assignment_helpers_reach_the_unit_admin(cast: Cast) -> None:
    # A finding for a unit tells the unit's administrators who are members
    colleague_user = make_user("taxadmin2", "税务局管理员二")
    RoleAssignment.objects.create(user=colleague_user, role="unit_admin", unit=cast.tax)
    cast.tax_colleague.user = colleague_user
    cast.tax_colleague.save()
    finding(cast, responsible_unit_id=cast.tax.pk, responsible_area_id=None)
    assert Notice.objects.filter(kind="inspection.assigned", member=cast.tax_colleague).exists()


def test_the_working_committee_names_more_inspectors(cast: Cast) -> None:
    insp = inspection(cast)
    admin = Client()
    admin.force_login(cast.district_admin)
    page = admin.get(reverse("inspection:inspection_detail", args=[insp.public_id]) + "?q=王静")
    assert "王静" in page.content.decode()
    body = {"member_ids": [str(cast.tax_colleague.public_id)]}
    url = f"/api/v1/inspection/inspections/{insp.public_id}/inspectors"
    assert admin.post(url, body, content_type="application/json").status_code == 200
    assert insp.inspectors.filter(pk=cast.tax_colleague.pk).exists()
    unit = Client()
    unit.force_login(cast.unit_admin)
    assert unit.post(url, body, content_type="application/json").status_code == 404
    bad = admin.post(url, {"member_ids": []}, content_type="application/json")
    assert bad.status_code == 400


def test_pages_add_a_place_in_a_community_and_tasks_for_a_unit(cast: Cast) -> None:
    insp = inspection(cast)
    client = Client()
    client.force_login(cast.district_admin)
    url = reverse("inspection:place_add", args=[insp.public_id])
    client.post(url, {"name": "星光小学", "kind": "school", "area": str(cast.xingguang.pk)})
    assert insp.places.get(name="星光小学").area_id == cast.xingguang.pk
    made, _tasks = campaign(cast)
    due = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    client.post(
        reverse("inspection:tasks_assign", args=[made.public_id]),
        {"title": "窗口服务", "target": "零投诉", "due_on": due, "units": [str(cast.tax.pk)]},
    )
    assert Task.objects.filter(campaign=made, unit=cast.tax).exists()
