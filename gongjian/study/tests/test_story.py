"""Stories of the study app, by role: a recurring plan on the Chinese calendar, attendance with
leave and make-up, the compliance table, figures and the duty record."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongjian.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gongjian.core.figures import Scope
from gongjian.core.models import AuditLog
from gongjian.core.periods import Period
from gongjian.orgs.models import Notice
from gongjian.service import tokens
from gongjian.study import figures, selectors, services
from gongjian.study.models import Attendance, StudyRule, StudySession
from gongjian.study.tests.helpers import held, schedule
from gongjian.testing.cast import Cast, make_user
from gongjian.testing.queries import page_queries

TZ = timezone.get_current_timezone()


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


def test_a_monthly_plan_moves_a_holiday_to_the_next_working_day(cast: Cast) -> None:
    # Given the tax bureau's administrator plans a theme day on the 1st of each month from
    # January 2027 (New Year's Day is a public holiday, 2 and 3 January a weekend)
    made = services.session_schedule(
        actor=cast.unit_admin,
        party_org_id=cast.tax_branch.pk,
        kind="theme_day",
        topic="主题党日",
        starts_at=_at(dt.date(2027, 1, 1), 15),
        ends_at=_at(dt.date(2027, 1, 1), 17),
        repeat="monthly",
        occurrences=3,
    )
    # Then three sessions are laid out, the first moved to Monday 4 January, and said so
    assert [s.held_on for s in made.sessions] == [
        dt.date(2027, 1, 4),
        dt.date(2027, 2, 1),
        dt.date(2027, 3, 1),
    ]
    assert made.moved == [(dt.date(2027, 1, 1), dt.date(2027, 1, 4))]
    assert all(timezone.localtime(s.starts_at).hour == 15 for s in made.sessions)
    # And the branch's two members are invited to each, and told of the first
    assert Attendance.objects.filter(session__plan=made.sessions[0].plan).count() == 6
    assert Notice.objects.filter(kind="study.invited").count() == 2


def test_a_quarterly_plan_and_a_weekly_one_follow_the_calendar(cast: Cast) -> None:
    # A quarterly party lecture on the 1st: 1 October 2027 (National Day) moves to 4 October;
    # a weekly group meeting skips the week whose day is a holiday.
    quarterly = services.session_schedule(
        actor=cast.unit_admin,
        party_org_id=cast.tax_branch.pk,
        kind="party_lecture",
        topic="党课",
        starts_at=_at(dt.date(2027, 4, 1), 9),
        ends_at=_at(dt.date(2027, 4, 1), 11),
        repeat="quarterly",
        occurrences=3,
    )
    assert [s.held_on for s in quarterly.sessions] == [
        dt.date(2027, 4, 1),
        dt.date(2027, 7, 1),
        dt.date(2027, 10, 4),
    ]
    weekly = services.session_schedule(
        actor=cast.unit_admin,
        party_org_id=cast.tax_branch.pk,
        kind="group_meeting",
        topic="党小组学习",
        starts_at=_at(dt.date(2027, 4, 28), 16),
        ends_at=_at(dt.date(2027, 4, 28), 17),
        repeat="weekly",
        occurrences=2,
    )
    # 2027-05-05 is not a holiday in the provisional table, so the weeks run on
    assert [s.held_on for s in weekly.sessions] == [dt.date(2027, 4, 28), dt.date(2027, 5, 5)]


def test_only_an_organiser_schedules_and_bad_input_writes_nothing(cast: Cast) -> None:
    start = timezone.now() + dt.timedelta(days=1)
    base: dict[str, Any] = {
        "party_org_id": cast.tax_branch.pk,
        "kind": "committee_meeting",
        "topic": "支委会",
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=1),
    }
    # The community secretary may not organise the tax bureau's branch
    with pytest.raises(NotFound):
        services.session_schedule(actor=cast.community_secretary, **base)
    # Broken input names its field and writes nothing
    cases: list[tuple[dict[str, Any], str]] = [
        ({"topic": "支委\x00会"}, "topic"),
        ({"kind": "party"}, "kind"),
        ({"ends_at": start - dt.timedelta(hours=1)}, "ends_at"),
        ({"repeat": "monthly", "occurrences": 10**9}, "occurrences"),
        ({"audience": "list", "member_ids": ["not-a-uuid"]}, "members"),
        ({"audience": "list", "member_ids": [str(cast.justice_member.public_id)]}, "members"),
    ]
    for change, field in cases:
        with pytest.raises(ValidationFailed) as caught:
            services.session_schedule(actor=cast.unit_admin, **{**base, **change})
        assert field in caught.value.detail["fields"], change
    assert not StudySession.objects.exists()


def test_attendance_with_leave_and_make_up(cast: Cast) -> None:
    # Given a branch committee meeting that started ten minutes ago
    session = schedule(cast, hours_from_now=-1 / 6)
    colleague_user = make_user("wangjing", "王静")
    cast.tax_colleague.user = colleague_user
    cast.tax_colleague.save()
    # When the member scans the rotating code, twice
    scan = services.scan_for(tokens.make(session.public_id, "in"))
    _a, message, changed = services.attendance_scan(actor=cast.member, scan=scan)
    assert changed
    assert "签到成功" in message
    _a, message, changed = services.attendance_scan(actor=cast.member, scan=scan)
    assert not changed
    assert "无需重复" in message
    # And 王静 asks for leave with a reason
    services.leave_request(actor=colleague_user, session_id=session.public_id, reason="外出办案")
    session.refresh_from_db()
    assert (session.invited_count, session.present_count, session.leave_count) == (2, 1, 1)
    # A forged code is refused
    with pytest.raises(services.CheckinRefused):
        services.scan_for("00" * 16 + "-in-1-" + "0" * 32)
    # When the organiser records the session as held
    services.session_record(actor=cast.unit_admin, session_id=session.public_id, summary="纪要")
    # Then 王静 has a make-up and was told; the member has none
    leave = Attendance.objects.get(session=session, member=cast.tax_colleague)
    assert (leave.status, leave.makeup) == ("leave", "assigned")
    assert Notice.objects.filter(kind="study.makeup", member=cast.tax_colleague).exists()
    assert Attendance.objects.get(session=session, member=cast.member_record).makeup == ""
    # A make-up note too short is refused; a proper one waits for the organiser
    with pytest.raises(ValidationFailed):
        services.note_submit(actor=colleague_user, session_id=session.public_id, text="已学")
    services.note_submit(
        actor=colleague_user, session_id=session.public_id, text="阅读了全会公报原文，记录了体会。"
    )
    leave.refresh_from_db()
    assert leave.makeup == "submitted"
    # The member (not the organiser) cannot confirm it; the organiser returns it once
    with pytest.raises(NotFound):
        services.makeup_confirm(actor=cast.member, attendance_id=leave.public_id)
    services.makeup_return(actor=cast.unit_admin, attendance_id=leave.public_id, reason="请补充")
    services.note_submit(
        actor=colleague_user,
        session_id=session.public_id,
        text="补充：结合税收征管工作谈了具体打算。",
    )
    services.makeup_confirm(actor=cast.unit_admin, attendance_id=leave.public_id)
    leave.refresh_from_db()
    assert leave.makeup == "confirmed"
    assert leave.makeup_confirmed_at is not None
    with pytest.raises(Conflict):
        services.note_submit(
            actor=colleague_user, session_id=session.public_id, text="再写一遍心得体会内容。"
        )
    # And the member's record of the year says so, and so do the duty record's lines
    record = selectors.my_record(actor=colleague_user)
    assert (record.invited, record.leave, record.makeups_done) == (1, 1, 1)
    lines = figures.duty_lines(member=cast.member_record, year=timezone.localdate().year)
    assert lines[0]["count"] == 1
    assert lines[0]["url"].startswith("/study/me/")
    assert AuditLog.objects.filter(object_type="study.attendance").count() >= 5


def test_leave_and_check_in_rules(cast: Cast) -> None:
    session = schedule(cast, hours_from_now=48)
    # Too early to check in; an outsider has no member record
    scan = services.scan_for(tokens.make(session.public_id, "in"))
    with pytest.raises(services.CheckinRefused):
        services.attendance_scan(actor=cast.member, scan=scan)
    with pytest.raises(PermissionDenied):
        services.attendance_scan(actor=cast.outsider, scan=scan)
    # A member not invited does not see the session
    with pytest.raises(NotFound):
        selectors.session_get_for(cast.outsider, session.public_id)
    # Absent cannot be marked before the session is held
    with pytest.raises(ValidationFailed):
        services.attendance_mark(
            actor=cast.unit_admin,
            session_id=session.public_id,
            member_id=cast.member_record.public_id,
            status="absent",
        )
    # Cancelling tells the invited; a cancelled session takes no leave
    services.session_cancel(actor=cast.unit_admin, session_id=session.public_id, reason="改期")
    with pytest.raises(Conflict):
        services.leave_request(actor=cast.member, session_id=session.public_id, reason="出差")
    assert Notice.objects.filter(kind="study.cancelled").count() == 2


def test_the_compliance_table_flags_a_branch_that_skipped_a_committee_meeting(
    cast: Cast,
) -> None:
    # Given two branches that held every required session from January to May 2026, except
    # that the tax bureau's branch held no committee meeting in March
    for org in (cast.tax_branch, cast.justice_branch):
        for month in range(1, 6):
            day = dt.date(2026, month, 10)
            for kind in ("committee_meeting", "group_meeting", "theme_day"):
                if not (org == cast.tax_branch and kind == "committee_meeting" and month == 3):
                    held(org, kind, day)
            if month in (2, 5):
                held(org, "members_meeting", day)
                held(org, "party_lecture", day, present=5)
    # A cancelled session counts for nothing
    s = held(cast.tax_branch, "committee_meeting", dt.date(2026, 3, 11))
    s.status = StudySession.Status.CANCELLED
    s.save()
    # When the working committee reads the first half-year as of 15 June
    period = Period(dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    table = selectors.compliance(
        actor=cast.district_admin, period=period, today=dt.date(2026, 6, 15)
    )
    rows = {r.name: r for r in table.rows}
    tax, justice = rows["区税务局第一党支部"], rows["区司法局第一党支部"]
    # Then the tax branch is behind for the committee meeting only, by one month
    committee = tax.cell("committee_meeting")
    assert committee is not None
    assert (committee.held, committee.due, committee.met) == (4, 5, 4)
    assert tax.behind
    assert "支委会缺1次" in tax.missing
    assert not justice.behind
    # June is not over: not yet due; the quarter Q2 is not over either
    lecture = justice.cell("party_lecture")
    assert lecture is not None
    assert (lecture.due, lecture.met) == (1, 1)
    assert justice.rate == pytest.approx((17 * 9 + 2 * 5) / (19 * 10))
    # The chase list is the branches behind only
    chase = selectors.compliance(
        actor=cast.district_admin, period=period, behind=True, today=dt.date(2026, 6, 15)
    )
    assert [r.name for r in chase.rows] == ["区税务局第一党支部"]
    # The branch's own page says which month
    _org, lines = selectors.branch_compliance(
        actor=cast.unit_admin, org_id=cast.tax_branch.pk, period=period, today=dt.date(2026, 6, 15)
    )
    missed = [line.label for line in lines if not line.ok]
    assert missed == ["2026年3月"]
    # The unit's administrator sees only the unit's branch; the community secretary none
    mine = selectors.compliance(actor=cast.unit_admin, period=period, today=dt.date(2026, 6, 15))
    assert [r.name for r in mine.rows] == ["区税务局第一党支部"]
    theirs = selectors.compliance(
        actor=cast.community_secretary, period=period, today=dt.date(2026, 6, 15)
    )
    assert theirs.rows == []


def test_a_district_rule_replaces_the_standard_one(cast: Cast) -> None:
    # Given 示范区 asks for 第一议题 every month and no theme day
    services.rule_save(actor=cast.district_admin, kind="first_topic", period="month", minimum=1)
    services.rule_save(
        actor=cast.district_admin, kind="theme_day", period="month", minimum=1, is_active=False
    )
    kinds = [r.kind for r in selectors.rules_for(cast.district)]
    assert "first_topic" in kinds
    assert "theme_day" not in kinds
    held(cast.tax_branch, "first_topic", dt.date(2026, 1, 5))
    period = Period(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    row = next(
        r
        for r in selectors.compliance(
            actor=cast.district_admin, period=period, today=dt.date(2026, 3, 1)
        ).rows
        if r.name == "区税务局第一党支部"
    )
    first = row.cell("first_topic")
    assert first is not None
    assert first.ok
    assert row.cell("theme_day") is None
    # Only the working committee edits; resetting brings the standard back
    with pytest.raises(PermissionDenied):
        services.rule_save(actor=cast.unit_admin, kind="seminar", period="year", minimum=2)
    with pytest.raises(ValidationFailed):
        services.rule_save(actor=cast.district_admin, kind="seminar", period="year", minimum=99)
    own = StudyRule.objects.get(district=cast.district, kind="theme_day")
    services.rule_reset(actor=cast.district_admin, rule_id=own.pk)
    assert "theme_day" in [r.kind for r in selectors.rules_for(cast.district)]


def test_figures_count_what_their_lists_show(cast: Cast) -> None:
    today = timezone.localdate()
    period = Period(today.replace(day=1) - dt.timedelta(days=60), today)
    session = schedule(cast, hours_from_now=-0.5)
    services.attendance_mark(
        actor=cast.unit_admin,
        session_id=session.public_id,
        member_id=cast.member_record.public_id,
        status="present",
    )
    services.session_record(actor=cast.unit_admin, session_id=session.public_id, summary="纪要")
    held(cast.justice_branch, "theme_day", today - dt.timedelta(days=1))
    client = Client()
    client.force_login(cast.district_admin)
    for scope in (Scope(), Scope(unit_id=cast.tax.pk), Scope(area_id=cast.district.pk)):
        found = {
            f.key: f for f in figures.figures(actor=cast.district_admin, scope=scope, period=period)
        }
        assert found["study.sessions_held"].value >= 1
        for key in ("study.sessions_held", "study.attendances", "study.branches_behind"):
            figure = found[key]
            response = client.get(figure.url)
            assert response.status_code == 200, figure.url
            listing = response.context["listing"]
            assert listing.page.paginator.count == figure.value, (key, scope)


def test_pages_show_a_session_and_the_lists_send_no_query_per_row(cast: Cast) -> None:
    session = schedule(cast)
    client = Client()
    client.force_login(cast.member)
    page = client.get(reverse("study:session_detail", args=[session.public_id]))
    assert "学习贯彻全会精神" in page.content.decode()
    assert "请假" in page.content.decode()
    admin = Client()
    admin.force_login(cast.district_admin)
    urls = [reverse("study:session_list"), reverse("study:attendance_list")]
    urls += [reverse("study:compliance"), reverse("study:makeup_list") + "?makeup=all"]
    one = [page_queries(admin, u) for u in urls]
    for k in range(6):
        schedule(cast, topic=f"第{k}次学习")
    assert [page_queries(admin, u) for u in urls] == one


def test_api_agrees_with_the_pages(cast: Cast) -> None:
    start = timezone.now() + dt.timedelta(days=3)
    body = {
        "party_org_id": cast.tax_branch.pk,
        "kind": "party_lecture",
        "topic": "专题党课",
        "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(hours=1)).isoformat(),
    }
    outsider = Client()
    outsider.force_login(cast.community_secretary)
    assert (
        outsider.post("/api/v1/study/sessions", body, content_type="application/json").status_code
        == 404
    )
    admin = Client()
    admin.force_login(cast.unit_admin)
    bad = admin.post(
        "/api/v1/study/sessions", {**body, "topic": ""}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert "topic" in bad.json()["detail"]["fields"]
    made = admin.post("/api/v1/study/sessions", body, content_type="application/json")
    assert made.status_code == 201
    sid = made.json()["sessions"][0]["id"]
    member = Client()
    member.force_login(cast.member)
    assert member.get(f"/api/v1/study/sessions/{sid}").status_code == 200
    leave = member.post(
        f"/api/v1/study/sessions/{sid}/leave", {"reason": "出差"}, content_type="application/json"
    )
    assert leave.status_code == 200
    assert leave.json()["status"] == "leave"
    assert member.get(f"/api/v1/study/sessions/{sid}/attendances").status_code == 404
    rows = admin.get(f"/api/v1/study/sessions/{sid}/attendances").json()["items"]
    assert {r["status"] for r in rows} == {"leave", "invited"}
    assert admin.get("/api/v1/study/compliance?year=1999").status_code == 400
    assert admin.get("/api/v1/study/me/record?year=2026").status_code == 403
    assert member.get("/api/v1/study/me/record?year=99999").status_code == 400


def test_a_rule_asking_for_two_sessions_counts_each_period(cast: Cast) -> None:
    # Given 示范区 asks for two seminars a year, and the tax branch held one in 2025
    services.rule_save(actor=cast.district_admin, kind="seminar", period="year", minimum=2)
    held(cast.tax_branch, "seminar", dt.date(2025, 3, 1))
    held(cast.justice_branch, "seminar", dt.date(2025, 3, 1))
    held(cast.justice_branch, "seminar", dt.date(2025, 9, 1))
    period = Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    rows = {
        r.name: r
        for r in selectors.compliance(
            actor=cast.district_admin, period=period, today=dt.date(2026, 2, 1)
        ).rows
    }
    tax = rows["区税务局第一党支部"].cell("seminar")
    justice = rows["区司法局第一党支部"].cell("seminar")
    assert tax is not None
    assert (tax.held, tax.due, tax.met) == (1, 1, 0)
    assert justice is not None
    assert (justice.held, justice.due, justice.met) == (2, 1, 1)


def test_materials_as_a_link_or_a_file_through_the_api(cast: Cast) -> None:
    session = schedule(cast)
    admin = Client()
    admin.force_login(cast.unit_admin)
    url = f"/api/v1/study/sessions/{session.public_id}/materials"
    link = admin.post(url, {"title": "原文", "url": "https://www.example.gov.cn/a.html"})
    assert link.status_code == 201
    pdf = io.BytesIO(b"%PDF-1.4 study material")
    pdf.name = "材料.pdf"
    made = admin.post(url, {"title": "学习材料", "file": pdf})
    assert made.status_code == 201
    assert made.json()["file"] is True
    fake = io.BytesIO(b"MZ\x90 not a document")
    fake.name = "材料.pdf"
    assert admin.post(url, {"title": "假材料", "file": fake}).status_code == 415
    member = Client()
    member.force_login(cast.member)
    assert member.post(url, {"title": "x", "url": "https://a.cn"}).status_code == 404
    material = session.materials.exclude(file="").get()
    page = member.get(reverse("study:material_download", args=[session.public_id, material.pk]))
    assert page.status_code == 200
