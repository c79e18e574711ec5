"""Stories of the consult app, by role: a suggestion from a member's phone to a rating, with
re-handling, hand-back, merge and overdue; a consultation with invitations, QR check-in and
online opinions; the duty record; the public form; the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongjian.consult import figures, records, selectors, services
from gongjian.consult.models import (
    Assignment,
    Attendance,
    Contribution,
    Rating,
    ScoreRule,
    Shift,
    Suggestion,
)
from gongjian.consult.tests import helpers
from gongjian.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    UnsupportedFile,
    ValidationFailed,
)
from gongjian.core.figures import Scope
from gongjian.core.models import AuditLog
from gongjian.core.periods import Period
from gongjian.orgs.models import Notice
from gongjian.service import tokens
from gongjian.testing.cast import Cast, make_member
from gongjian.testing.pdf import cjk_embedded


def _admin_member(c: Cast) -> None:
    """The unit and district administrators' own member records, so notices reach them."""
    make_member("税务局管理员", c.tax_branch, user=c.unit_admin)
    make_member("工委管理员", c.justice_branch, user=c.district_admin)


def test_a_suggestion_from_a_phone_to_closed_with_one_re_handling(cast: Cast) -> None:
    c = cast
    _admin_member(c)
    helpers.duties(c)
    # Given a member's suggestion with a photo from the phone
    s = helpers.suggestion(c, photo_files=[("现场.jpg", helpers.jpeg())])
    assert s.status == "submitted"
    assert s.photos.count() == 1
    assert Notice.objects.filter(kind="consult.submitted").count() == 1
    # When the working committee accepts it and asks for a proposal
    services.suggestion_accept(actor=c.district_admin, suggestion_id=s.public_id)
    proposals = services.suggestion_propose(actor=c.district_admin, suggestion_id=s.public_id)
    # Then the tax bureau is proposed first, with its reasons
    assert proposals[0].unit_id == c.tax.pk
    assert any("办税" in r or "发票" in r for r in proposals[0].reasons)
    # When it is assigned to the proposed unit: the deadline is the category's working days
    s = services.suggestion_assign(
        actor=c.district_admin, suggestion_id=s.public_id, unit_id=c.tax.pk
    )
    assert s.status == "assigned"
    assert s.due_on is not None
    assert s.due_on > timezone.localdate()
    a = Assignment.objects.get(suggestion=s)
    assert a.proposed
    assert a.reasons
    assert a.workdays == s.category.workdays
    assert Notice.objects.filter(kind="consult.assigned").count() == 1
    # The unit sees it in its list, without the submitter's identity
    assert s in selectors.suggestion_list(actor=c.unit_admin, handling=True)
    assert "未公开" in selectors.submitter_label(c.unit_admin, s)
    assert selectors.submitter_label(c.district_admin, s) == "李晓东"
    # The unit replies
    services.suggestion_reply(actor=c.unit_admin, suggestion_id=s.public_id, text="已增设2个窗口")
    s.refresh_from_db()
    assert s.status == "replied"
    assert s.on_time is True
    # The member is not satisfied: back to the same unit once, with a fresh deadline
    services.suggestion_rate(actor=c.member, suggestion_id=s.public_id, value="unsatisfied")
    s.refresh_from_db()
    assert s.status == "assigned"
    assert s.rehandles == 1
    assert s.unit_id == c.tax.pk
    assert Assignment.objects.filter(suggestion=s, rehandle=True, status="active").count() == 1
    # A re-handled suggestion cannot be handed back
    with pytest.raises(Conflict):
        services.suggestion_hand_back(actor=c.unit_admin, suggestion_id=s.public_id, reason="x")
    services.suggestion_reply(
        actor=c.unit_admin, suggestion_id=s.public_id, text="开通预约办税，月初延时服务"
    )
    # This time not satisfied either: closed (re-handling happens once)
    services.suggestion_rate(
        actor=c.member, suggestion_id=s.public_id, value="unsatisfied", comment="仍需改进"
    )
    s.refresh_from_db()
    assert s.status == "closed"
    assert s.rating == "unsatisfied"
    assert s.closed_at
    assert list(s.ratings.values_list("round", "value")) == [
        (1, "unsatisfied"),
        (2, "unsatisfied"),
    ]
    # A second rating is refused, nothing written
    with pytest.raises(Conflict, match="已评价"):
        services.suggestion_rate(actor=c.member, suggestion_id=s.public_id, value="satisfied")
    assert Rating.objects.filter(suggestion=s).count() == 2
    # Every change was audited
    changes = AuditLog.objects.filter(object_type="consult.suggestion", object_id=str(s.pk))
    # submitted, accepted, assigned, replied, re-handled, replied, closed
    assert changes.count() == 7


def test_a_unit_hands_back_once_and_the_committee_assigns_again(cast: Cast) -> None:
    c = cast
    s = helpers.assigned(c)
    services.suggestion_hand_back(
        actor=c.unit_admin, suggestion_id=s.public_id, reason="不属于本单位职责"
    )
    s.refresh_from_db()
    assert s.status == "accepted"
    assert s.unit_id is None
    assert s.handbacks == 1
    # The unit no longer holds it, but still sees it (it was assigned to it)
    assert s not in selectors.suggestions_to_handle(actor=c.unit_admin)
    assert selectors.suggestion_get_for(c.unit_admin, s.public_id) == s
    services.suggestion_assign(actor=c.district_admin, suggestion_id=s.public_id, unit_id=c.tax.pk)
    with pytest.raises(Conflict, match="退回过一次"):
        services.suggestion_hand_back(actor=c.unit_admin, suggestion_id=s.public_id, reason="再退")
    assert Assignment.objects.filter(suggestion=s, status="handed_back").count() == 1


def test_a_unit_cannot_reply_to_what_another_unit_holds(cast: Cast) -> None:
    c = cast
    s = helpers.suggestion(c)
    services.suggestion_accept(actor=c.district_admin, suggestion_id=s.public_id)
    services.suggestion_assign(
        actor=c.district_admin, suggestion_id=s.public_id, unit_id=c.justice.pk
    )
    with pytest.raises(NotFound):
        services.suggestion_reply(actor=c.unit_admin, suggestion_id=s.public_id, text="答复")
    s.refresh_from_db()
    assert s.status == "assigned"
    assert not s.replies.exists()
    # Nor see it: it was never assigned to the tax bureau
    with pytest.raises(NotFound):
        selectors.suggestion_get_for(c.unit_admin, s.public_id)


def test_duplicates_merge_and_declined_ones_say_why(cast: Cast) -> None:
    c = cast
    first = helpers.suggestion(c)
    again = helpers.suggestion(c, title="办税大厅排长队")
    services.suggestion_merge(
        actor=c.district_admin, suggestion_id=again.public_id, into_id=first.public_id
    )
    again.refresh_from_db()
    assert again.status == "merged"
    assert again.merged_into_id == first.pk
    # Not into itself; not twice; only the committee
    with pytest.raises(ValidationFailed):
        services.suggestion_merge(
            actor=c.district_admin, suggestion_id=first.public_id, into_id=first.public_id
        )
    with pytest.raises(Conflict):
        services.suggestion_merge(
            actor=c.district_admin, suggestion_id=again.public_id, into_id=first.public_id
        )
    with pytest.raises(NotFound):
        services.suggestion_accept(actor=c.unit_admin, suggestion_id=first.public_id)
    third = helpers.suggestion(c, title="建议取消个税")
    with pytest.raises(ValidationFailed) as no_reason:
        services.suggestion_decline(
            actor=c.district_admin, suggestion_id=third.public_id, reason=" "
        )
    assert "reason" in no_reason.value.detail["fields"]
    services.suggestion_decline(
        actor=c.district_admin, suggestion_id=third.public_id, reason="超出地方职权范围"
    )
    third.refresh_from_db()
    assert third.status == "declined"
    assert third.decline_reason == "超出地方职权范围"


def test_overdue_suggestions_are_chased_and_reminded_once_a_stage(cast: Cast) -> None:
    c = cast
    _admin_member(c)
    s = helpers.assigned(c)
    # A deadline in the past is refused
    other = helpers.suggestion(c, title="路灯不亮")
    services.suggestion_accept(actor=c.district_admin, suggestion_id=other.public_id)
    with pytest.raises(ValidationFailed) as past:
        services.suggestion_assign(
            actor=c.district_admin,
            suggestion_id=other.public_id,
            unit_id=c.tax.pk,
            due_on=timezone.localdate() - dt.timedelta(days=1),
        )
    assert "due_on" in past.value.detail["fields"]
    other.refresh_from_db()
    assert other.status == "accepted"
    assert not other.assignments.exists()
    # Time passes: the deadline was yesterday
    Suggestion.objects.filter(pk=s.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    chase = selectors.suggestion_list(actor=c.district_admin, overdue=True)
    assert list(chase) == [s]
    assert not selectors.suggestion_list(actor=c.member, overdue=True).exclude(
        member=c.member_record
    )
    sent = services.reminders_send()
    assert sent == 1
    assert services.reminders_send() == 0  # the same day: nothing new
    assert Notice.objects.filter(kind="consult.overdue").count() == 1
    # Replying late is recorded as not on time, and the unit's rates show it
    services.suggestion_reply(actor=c.unit_admin, suggestion_id=s.public_id, text="已处理")
    s.refresh_from_db()
    assert s.on_time is False
    rows = selectors.unit_rates(actor=c.unit_admin)
    tax = next(r for r in rows if r["unit_id"] == c.tax.pk)
    assert tax["replied"] == 1
    assert tax["on_time"] == 0
    assert tax["mine"]


def test_reminders_before_and_on_the_deadline(cast: Cast) -> None:
    c = cast
    _admin_member(c)
    s = helpers.assigned(c)
    from gongjian.consult import deadlines

    assert s.due_on is not None
    day_before = s.due_on - dt.timedelta(days=1)
    while deadlines.next_workday_after(day_before) != s.due_on:
        day_before -= dt.timedelta(days=1)
    assert services.reminders_send(today=day_before) == 1
    assert services.reminders_send(today=s.due_on) == 1
    assert set(Notice.objects.values_list("kind", flat=True)) >= {"consult.before", "consult.due"}


def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(cast: Cast) -> None:
    c = cast
    for kwargs, field in (
        ({"text": "  "}, "text"),
        ({"text": "长" * 2001}, "text"),
        ({"title": ""}, "title"),
        ({"category_id": ""}, "category"),
        ({"photo_files": [("a.jpg", helpers.jpeg())] * 4}, "photos"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            helpers.suggestion(c, **kwargs)
        assert field in refused.value.detail["fields"], kwargs
    with pytest.raises(UnsupportedFile):
        helpers.suggestion(c, photo_files=[("假.jpg", b"MZ\x90 not an image")])
    assert not Suggestion.objects.exists()
    # Someone without a member record cannot submit
    with pytest.raises(PermissionDenied):
        helpers.suggestion(c, actor=c.outsider)


def test_who_sees_a_suggestion(cast: Cast) -> None:
    c = cast
    s = helpers.suggestion(c)
    sees = {name for name, user in c.people.items() if s in selectors.suggestion_list(actor=user)}
    # the committee, the area posts of 晨辉社区 (the street, the community), its submitter
    assert sees == {
        "platform_admin",
        "district_admin",
        "street_admin",
        "community_secretary",
        "member",
    }
    services.suggestion_accept(actor=c.district_admin, suggestion_id=s.public_id)
    services.suggestion_assign(actor=c.district_admin, suggestion_id=s.public_id, unit_id=c.tax.pk)
    assert s in selectors.suggestion_list(actor=c.unit_admin)
    # With consent, the unit sees who wrote it
    shared = helpers.suggestion(c, share_identity=True)
    assert selectors.submitter_label(c.unit_admin, shared) == "李晓东"


def test_a_consultation_from_invitation_to_minutes(cast: Cast) -> None:
    c = cast
    consultation = helpers.consultation(c)
    # Invited by unit: the tax bureau's members
    n = services.invitations_add(
        actor=c.district_admin, consultation_id=consultation.public_id, unit_ids=[c.tax.pk]
    )
    assert n == 2
    assert (
        services.invitations_add(
            actor=c.district_admin, consultation_id=consultation.public_id, unit_ids=[c.tax.pk]
        )
        == 0
    )
    assert Notice.objects.filter(kind="consult.invited").count() == 2
    inv = services.invitation_answer(
        actor=c.member, consultation_id=consultation.public_id, accept=True
    )
    assert inv.status == "confirmed"
    # Check-in by the rotating code; twice is once
    token = services.checkin_token(actor=c.district_admin, consultation_id=consultation.public_id)
    _, new = services.attendance_scan(actor=c.member, token=token)
    _, again = services.attendance_scan(actor=c.member, token=token)
    assert new
    assert not again
    assert Attendance.objects.filter(consultation=consultation).count() == 1
    # A forged code, an old code
    with pytest.raises(services.CheckinRefused):
        services.attendance_scan(actor=c.member, token=token[:-2] + "00")
    old = tokens.make(consultation.public_id, "in", now=timezone.now().timestamp() - 120)
    with pytest.raises(services.CheckinRefused, match="过期"):
        services.attendance_scan(actor=c.member, token=old)
    # Only the organiser shows the code
    with pytest.raises(NotFound):
        services.checkin_token(actor=c.member, consultation_id=consultation.public_id)
    # A speech recorded for a participant; minutes and outcome
    services.contribution_add(
        actor=c.district_admin,
        consultation_id=consultation.public_id,
        kind="speech",
        member_id=c.member_record.public_id,
        text="建议按楼栋成立加装电梯议事会",
    )
    services.consultation_record(
        actor=c.district_admin,
        consultation_id=consultation.public_id,
        minutes="会议讨论了资金分摊",
        outcome="形成协商意见3条",
    )
    consultation.refresh_from_db()
    assert consultation.status == "held"
    # A suggestion linked to it
    s = helpers.suggestion(c, consultation_id=consultation.public_id)
    assert s.source == "consultation"
    assert s.consultation_id == consultation.pk
    # Figures of the period
    today = timezone.localdate()
    found = {
        f.key: f.value
        for f in figures.figures(
            actor=c.district_admin, scope=Scope(), period=Period(today.replace(day=1), today)
        )
    }
    assert found["consult.consultations_held"] == 1
    assert found["consult.participants"] == 1
    assert found["consult.participants_distinct"] == 1
    assert found["consult.suggestions_made"] == 1


def test_an_online_consultation_takes_opinions_until_its_deadline(cast: Cast) -> None:
    c = cast
    consultation = helpers.online(c)
    opinion = services.contribution_add(
        actor=c.member,
        consultation_id=consultation.public_id,
        text="建议增加社区养老服务设施",
        photo_files=[("图.jpg", helpers.jpeg())] * 3,
    )
    assert opinion.photos.count() == 3
    with pytest.raises(ValidationFailed):
        services.contribution_add(
            actor=c.member,
            consultation_id=consultation.public_id,
            text="图太多",
            photo_files=[("图.jpg", helpers.jpeg())] * 4,
        )
    other = services.contribution_add(
        actor=c.member, consultation_id=consultation.public_id, text="同上，养老设施不足"
    )
    services.contribution_curate(
        actor=c.district_admin, contribution_id=opinion.public_id, featured=True
    )
    services.contribution_curate(
        actor=c.district_admin, contribution_id=other.public_id, into_id=opinion.public_id
    )
    other.refresh_from_db()
    opinion.refresh_from_db()
    assert opinion.featured
    assert other.merged_into_id == opinion.pk
    # After the deadline: refused, nothing written
    type(consultation).objects.filter(pk=consultation.pk).update(
        online_until=timezone.now() - dt.timedelta(minutes=1)
    )
    with pytest.raises(Conflict, match="截止"):
        services.contribution_add(
            actor=c.member, consultation_id=consultation.public_id, text="晚了"
        )
    assert Contribution.objects.count() == 2
    # An online consultation needs its window
    with pytest.raises(ValidationFailed) as no_window:
        helpers.consultation(c, form="online", place="")
    assert "online_until" in no_window.value.detail["fields"]


def test_each_duty_record_line_equals_a_recount_of_its_records(cast: Cast) -> None:
    c = cast
    m = c.member_record
    consultation = helpers.consultation(c)
    services.invitations_add(
        actor=c.district_admin, consultation_id=consultation.public_id, member_ids=[m.public_id]
    )
    token = services.checkin_token(actor=c.district_admin, consultation_id=consultation.public_id)
    services.attendance_scan(actor=c.member, token=token)
    online = helpers.online(c)
    for text in ("意见一", "意见二"):
        services.contribution_add(actor=c.member, consultation_id=online.public_id, text=text)
    s1 = helpers.suggestion(c)
    helpers.suggestion(c, title="第二条")
    services.suggestion_accept(actor=c.district_admin, suggestion_id=s1.public_id)
    studio = helpers.studio(c)
    services.shift_record(
        actor=c.district_admin,
        studio_id=studio.public_id,
        member_id=m.public_id,
        on=timezone.localdate(),
        hours="2.5",
    )
    year = timezone.localdate().year
    rec = records.duty_record(member=m, year=year)
    lines = {line.item: line for line in rec.lines}
    recount = {
        "attended": Attendance.objects.filter(member=m, consultation__starts_at__year=year).count(),
        "contributed": Contribution.objects.filter(member=m, created_at__year=year).count(),
        "suggested": Suggestion.objects.filter(member=m, submitted_at__year=year).count(),
        "adopted": Suggestion.objects.filter(
            member=m, submitted_at__year=year, status__in=records.ADOPTED
        ).count(),
        "shift": Shift.objects.filter(member=m, on__year=year).count(),
        "service_hour": 0,
        "study": 0,
        "reported": 0,
    }
    assert {k: int(v.count) for k, v in lines.items()} == recount
    assert recount["attended"] == 1
    assert recount["contributed"] == 2
    assert recount["adopted"] == 1
    # Each line lists its records, each linked
    for item, line in lines.items():
        assert len(line.entries) == recount[item]
        assert all(e.link for e in line.entries)
    # The score follows the configurable rule
    ScoreRule.objects.filter(item="attended").update(points=Decimal("5"))
    ScoreRule.objects.filter(item="suggested").update(points=Decimal("1"), cap=Decimal("1"))
    rec = records.duty_record(member=m, year=year)
    lines = {line.item: line for line in rec.lines}
    assert lines["attended"].points == Decimal("5")
    assert lines["suggested"].points == Decimal("1")  # two suggestions, capped at 1
    assert rec.score == sum(line.points for line in rec.lines)
    # Who sees it: the member, their unit, the district; not another unit's member
    assert selectors.duty_record_for(c.unit_admin, m.public_id, year=year).member == m
    assert selectors.duty_record_for(c.district_admin, m.public_id, year=year).member == m
    with pytest.raises(NotFound):
        selectors.duty_record_for(c.outsider, m.public_id, year=year)
    rows = selectors.duty_records_of_unit(actor=c.unit_admin, year=year)
    assert {r["member"].pk for r in rows} == {m.pk, c.tax_colleague.pk}


def test_duty_record_pages_pdf_and_unit_excel(cast: Cast) -> None:
    c = cast
    helpers.suggestion(c)
    client = Client()
    client.force_login(c.member)
    page = client.get(reverse("consult:duty_record"))
    assert page.status_code == 200
    assert "履职档案" in page.content.decode()
    pdf = client.get(reverse("consult:duty_record_pdf"))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert cjk_embedded(pdf.content)
    assert client.get(reverse("consult:duty_record") + "?year=99999").status_code == 400
    admin = Client()
    admin.force_login(c.unit_admin)
    xlsx = admin.get(reverse("consult:duty_records_export"))
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.fixture
def texts(settings: Any, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    settings.SMS_BACKEND = "log"
    sent: list[tuple[str, str]] = []
    monkeypatch.setattr(
        "gongjian.core.sms.send_sms", lambda *, phone, text: sent.append((phone, text))
    )
    return sent


def test_a_resident_without_an_account_suggests_from_a_studio_qr(
    cast: Cast, settings: Any, texts: list[tuple[str, str]]
) -> None:
    import re

    c = cast
    studio = helpers.studio(c)
    client = Client()
    # Switched off by default
    settings.CONSULT_PUBLIC_FORM = False
    assert client.post(reverse("consult:public_code"), {"phone": "13912345678"}).status_code in (
        302,
        403,
    )
    assert not texts
    settings.CONSULT_PUBLIC_FORM = True
    page = client.get(reverse("consult:public_form") + f"?studio={studio.public_id}")
    assert page.status_code == 200
    assert studio.name in page.content.decode()
    client.post(
        reverse("consult:public_code"), {"phone": "13912345678", "studio": str(studio.public_id)}
    )
    code = re.search(r"验证码为(\d{6})", texts[-1][1]).group(1)  # type: ignore[union-attr]
    data = {
        "phone": "13912345678",
        "code": "000000" if code != "000000" else "111111",
        "title": "楼道灯坏了",
        "text": "三号楼二单元楼道灯坏了一个月",
        "category": "07-housing",
        "studio": str(studio.public_id),
    }
    wrong = client.post(reverse("consult:public_submit"), data)
    assert wrong.status_code in (302, 400)
    assert not Suggestion.objects.exists()
    data["code"] = code
    done = client.post(reverse("consult:public_submit"), data)
    assert done.status_code == 200
    s = Suggestion.objects.get()
    assert s.source == "studio"
    assert s.studio_id == studio.pk
    assert s.area_id == c.chenhui.pk
    assert s.submitter_phone == "13912345678"  # decrypted on read
    assert s.submitter_phone_masked == "139****5678"
    assert s.submitter_phone_hash
    assert "13912345678" not in s.submitter_phone_hash


def test_the_api_allows_what_the_pages_allow(cast: Cast) -> None:
    c = cast
    helpers.duties(c)
    member = Client()
    member.force_login(c.member)
    made = member.post(
        "/api/v1/consult/suggestions",
        {"title": "发票开具难", "text": "电子发票开具系统经常卡顿", "category": "09-economy"},
    )
    assert made.status_code == 201, made.content
    sid = made.json()["id"]
    committee = Client()
    committee.force_login(c.district_admin)
    assert committee.post(f"/api/v1/consult/suggestions/{sid}/accept").status_code == 200
    proposals = committee.get(f"/api/v1/consult/suggestions/{sid}/proposals").json()
    assert proposals[0]["unit_id"] == c.tax.pk
    assert proposals[0]["reasons"]
    past = committee.post(
        f"/api/v1/consult/suggestions/{sid}/assign",
        {"unit_id": c.tax.pk, "due_on": "2001-01-01"},
        content_type="application/json",
    )
    assert past.status_code == 400
    assert "due_on" in past.json()["detail"]["fields"]
    ok = committee.post(
        f"/api/v1/consult/suggestions/{sid}/assign",
        {"unit_id": c.tax.pk},
        content_type="application/json",
    )
    assert ok.status_code == 200
    assert ok.json()["status"] == "assigned"
    unit = Client()
    unit.force_login(c.unit_admin)
    listed = unit.get("/api/v1/consult/suggestions?handling=1").json()
    assert [r["id"] for r in listed["items"]] == [sid]
    assert (
        unit.post(f"/api/v1/consult/suggestions/{sid}/reply", {"text": "已优化"}).status_code == 200
    )
    assert (
        member.post(
            f"/api/v1/consult/suggestions/{sid}/rate",
            {"value": "satisfied"},
            content_type="application/json",
        ).json()["status"]
        == "closed"
    )
    again = member.post(
        f"/api/v1/consult/suggestions/{sid}/rate",
        {"value": "satisfied"},
        content_type="application/json",
    )
    assert again.status_code == 409
    rates = unit.get("/api/v1/consult/unit-rates").json()
    assert rates[0]["satisfaction_rate"] == 1.0
    me = member.get("/api/v1/consult/duty-records/me").json()
    assert {line["item"] for line in me["lines"]} >= {"suggested", "study", "service_hour"}


def test_units_state_their_duties_and_the_proposal_follows_at_once(cast: Cast) -> None:
    c = cast
    helpers.duties(c)
    s = helpers.suggestion(
        c, title="邻居装修吵架", text="楼上楼下因为装修噪音吵起来了，希望有人来调解"
    )
    services.suggestion_accept(actor=c.district_admin, suggestion_id=s.public_id)
    first = services.suggestion_propose(actor=c.district_admin, suggestion_id=s.public_id)
    assert first[0].unit_id == c.justice.pk  # 人民调解、邻里纠纷调解
    unit = Client()
    unit.force_login(c.unit_admin)
    # The tax bureau states duties that now fit better; the cached profiles are dropped
    changed = unit.put(
        f"/api/v1/consult/unit-duties/{c.tax.pk}",
        {"duties": "邻里装修噪音纠纷调解；楼上楼下吵架调解；装修"},
        content_type="application/json",
    )
    assert changed.status_code == 200
    assert "装修" in changed.json()["duties"]
    after = services.suggestion_propose(actor=c.district_admin, suggestion_id=s.public_id)
    assert after[0].unit_id == c.tax.pk
    # Not another unit's duties; empty duties refused
    other = unit.put(
        f"/api/v1/consult/unit-duties/{c.justice.pk}",
        {"duties": "x"},
        content_type="application/json",
    )
    assert other.status_code == 404
    empty = unit.put(
        f"/api/v1/consult/unit-duties/{c.tax.pk}", {"duties": " "}, content_type="application/json"
    )
    assert empty.status_code == 400
    listed = unit.get("/api/v1/consult/unit-duties").json()["items"]
    assert {r["unit_id"] for r in listed} == {c.tax.pk, c.justice.pk}


def test_a_grid_visits_issue_passed_on_becomes_a_suggestion_of_its_community(cast: Cast) -> None:
    from gongjian.grid import services as grid_services
    from gongjian.grid.tests.helpers import households, visit

    # Given a need found on a household visit in 晨辉社区's first grid
    v = visit(cast, households(cast)[0], issues=[("hazard", "楼道堆放杂物，消防通道堵塞")])
    issue = v.issues.get()
    # When the community secretary passes it on as a suggestion
    passed = grid_services.issue_pass(
        actor=cast.community_secretary, issue_id=issue.public_id, to="suggestion"
    )
    # Then the district receives a suggestion of that community, in the safety category
    s = Suggestion.objects.get(public_id=passed.passed_ref)
    assert s.source == Suggestion.Source.GRID
    assert s.area == cast.chenhui
    assert s.category.code == "08-safety"
    assert "消防通道" in s.text
    assert s in selectors.suggestion_list(actor=cast.district_admin)
    assert AuditLog.objects.filter(object_id=str(s.pk), action="create").exists()


def test_the_workbench_shows_a_suggestion_waiting_and_its_count_links_to_it(cast: Cast) -> None:
    from gongjian.core.workbench import WAITING, workbench_for

    # Given a member's suggestion waiting to be accepted
    helpers.suggestion(cast)
    # When the district administrator opens the workbench
    bench = workbench_for(actor=cast.district_admin, today=timezone.localdate())
    waiting = {i.label: i for i in bench.sections.get(WAITING, [])}
    item = waiting["待受理的意见建议"]
    # Then the count is 1 and its link lists that suggestion
    assert item.count == 1
    client = Client()
    client.force_login(cast.district_admin)
    page = client.get(item.url)
    assert page.status_code == 200
    assert "办税服务厅排队时间太长" in page.content.decode()
    # and the member, who waits for nothing here, sees no such line
    member_bench = workbench_for(actor=cast.member, today=timezone.localdate())
    assert "待受理的意见建议" not in {i.label for i in member_bench.sections.get(WAITING, [])}
