"""The story of a mobilisation: 43 units to 4 towns and 77 villages, from the notice to the
stand-down, with arrivals by QR and by the leader, a roster with a swap, a temporary branch."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongjian.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gongjian.core.models import AuditLog
from gongjian.mobilise import selectors, services
from gongjian.mobilise.models import Arrival, Dispatch, Duty, Group, Mobilisation
from gongjian.mobilise.tests.helpers import issue, place, quota, world
from gongjian.orgs.models import Notice, OutboxMessage, PartyOrg
from gongjian.testing.cast import Cast, make_member


def test_a_mobilisation_from_notice_to_stand_down(
    cast: Cast, django_capture_on_commit_callbacks: object
) -> None:
    w = world(cast)
    # The tax bureau's administrator has a member record: the notice reaches them
    make_member("税务局党建管理员", cast.tax_branch, user=cast.unit_admin)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        m = issue(cast, w)
    assert m.places.filter(kind="town").count() == 4
    assert m.places.filter(kind="village").count() == 77
    assert m.quotas.values("unit").distinct().count() == 43
    notice = Notice.objects.get(kind="mobilise.issued")
    assert notice.member.user == cast.unit_admin
    # (the text is encrypted in the database: read, then searched)
    assert any("动员令" in o.body for o in OutboxMessage.objects.filter(member=notice.member))

    # Nobody but the working committee issues one
    with pytest.raises(PermissionDenied):
        issue(cast, w, actor=cast.unit_admin)
    with pytest.raises(ValidationFailed) as err:
        issue(cast, w, quotas=[(cast.tax.pk, "不存在的村", 1, None)])
    assert "quotas" in err.value.detail["fields"]
    assert Mobilisation.objects.count() == 1  # nothing written on refusal

    # The tax bureau names its two cadres for village 01; not someone of another unit
    q = quota(m, cast.tax, "支援村01")
    with pytest.raises(ValidationFailed) as err:
        services.cadres_name(
            actor=cast.unit_admin, quota_id=q.pk, member_ids=[cast.justice_member.public_id]
        )
    assert "members" in err.value.detail["fields"]
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        named = services.cadres_name(
            actor=cast.unit_admin,
            quota_id=q.pk,
            member_ids=[cast.member_record.public_id, cast.tax_colleague.public_id],
        )
    assert len(named) == 2
    text = OutboxMessage.objects.get(member=cast.member_record)
    assert "支援村01" in text.body
    assert str(named[0].public_id)[:8] in text.body + str(named[1].public_id)
    # never over the quota, never twice
    third = w.cadres[cast.tax.pk][2]
    with pytest.raises(Conflict):
        services.cadres_name(actor=cast.unit_admin, quota_id=q.pk, member_ids=[third.public_id])
    other = quota(m, cast.tax, "支援村44")
    with pytest.raises(Conflict):
        services.cadres_name(
            actor=cast.unit_admin, quota_id=other.pk, member_ids=[cast.member_record.public_id]
        )
    # a unit names only for its own quotas
    with pytest.raises(NotFound):
        services.cadres_name(
            actor=cast.unit_admin,
            quota_id=quota(m, cast.justice, "支援村02").pk,
            member_ids=[third.public_id],
        )
    services.cadres_name(
        actor=cast.unit_admin,
        quota_id=quota(m, cast.tax, "青禾检查站").pk,
        member_ids=[third.public_id],
    )
    # the committee names everybody else, as the units would
    for unit in w.units[1:]:
        first, second, extra = w.cadres[unit.pk][:3]
        i = w.units.index(unit)
        services.cadres_name(
            actor=cast.district_admin,
            quota_id=quota(m, unit, f"支援村{i + 1:02d}").pk,
            member_ids=[first.public_id, second.public_id],
        )
        if i + 43 < 77:
            services.cadres_name(
                actor=cast.district_admin,
                quota_id=quota(m, unit, f"支援村{i + 44:02d}").pk,
                member_ids=[extra.public_id],
            )
    # (the tax bureau's third cadre went to the checkpoint: its village 44 waits)
    assert Dispatch.objects.filter(mobilisation=m).count() == 43 * 2 + 33 + 1

    # A cadre confirms from the link, and checks in at the assigned place only
    mine = Dispatch.objects.get(member=cast.member_record)
    services.dispatch_confirm(dispatch_id=mine.public_id)
    services.dispatch_confirm(dispatch_id=mine.public_id)  # a second tap changes nothing
    mine.refresh_from_db()
    assert mine.confirmed_at is not None
    with pytest.raises(Conflict):
        services.arrival_checkin(actor=cast.member, place_id=place(m, "支援村02").public_id)
    arrival, fresh = services.arrival_checkin(
        actor=cast.member, place_id=place(m, "支援村01").public_id
    )
    assert fresh
    assert arrival.method == "qr"
    again, fresh = services.arrival_checkin(
        actor=cast.member, place_id=place(m, "支援村01").public_id
    )
    assert again.pk == arrival.pk
    assert not fresh
    # The village's leader marks the colleague: audited as theirs
    with pytest.raises(ValidationFailed):  # a leader is one of the place's cadres
        services.place_leader_set(
            actor=cast.district_admin,
            place_id=place(m, "支援村01").public_id,
            member_id=cast.justice_member.public_id,
        )
    services.place_leader_set(
        actor=cast.district_admin,
        place_id=place(m, "支援村01").public_id,
        member_id=cast.member_record.public_id,
    )
    with pytest.raises(NotFound):
        services.arrival_mark(
            actor=cast.outsider,
            dispatch_id=Dispatch.objects.get(member=cast.tax_colleague).public_id,
        )
    services.arrival_mark(  # by the village's leader, the cast's member
        actor=cast.member,
        dispatch_id=Dispatch.objects.get(member=cast.tax_colleague).public_id,
    )
    assert AuditLog.objects.filter(action="mark", object_type="mobilise.arrival").count() == 1
    # everybody of the other units arrives by their link
    for d in Dispatch.objects.filter(mobilisation=m).exclude(unit=cast.tax):
        services.arrival_by_link(dispatch_id=d.public_id, place_id=d.place.public_id)

    # The board: the tax bureau (one of three not arrived) is the laggard
    b = selectors.board(mobilisation=m)
    assert (b.asked, b.named, b.arrived) == (121, 120, 119)
    assert b.units[0].name == "区税务局"
    assert b.units[0].missing == 2
    assert {r.name for r in b.places[:2]} == {"青禾检查站", "支援村44"}
    assert b.places[0].rate == 0
    assert b.places[2].rate == 1
    recount = Arrival.objects.filter(mobilisation=m).count()
    assert b.arrived == recount == sum(r.arrived for r in b.places)

    # A roster at the checkpoint (kept by the committee, or by the place's leader): two
    # shifts, a swap, check-in and out
    checkpoint = place(m, "青禾检查站")
    cadre = Dispatch.objects.get(place=checkpoint)
    services.place_leader_set(
        actor=cast.district_admin, place_id=checkpoint.public_id, member_id=cadre.member.public_id
    )
    now = timezone.now()
    s1 = services.shift_create(
        actor=cast.district_admin,
        place_id=checkpoint.public_id,
        starts_at=now,
        ends_at=now + dt.timedelta(hours=4),
        need=1,
    )
    s2 = services.shift_create(
        actor=cast.district_admin,
        place_id=checkpoint.public_id,
        starts_at=now + dt.timedelta(hours=4),
        ends_at=now + dt.timedelta(hours=8),
        need=2,
    )
    with pytest.raises(ValidationFailed):
        services.shift_create(
            actor=cast.district_admin, place_id=checkpoint.public_id, starts_at=now, ends_at=now
        )
    d1 = services.duty_assign(
        actor=cast.district_admin, shift_id=s1.public_id, dispatch_id=cadre.public_id
    )
    with pytest.raises(Conflict):  # one place per shift: not on the same shift twice
        services.duty_assign(
            actor=cast.district_admin, shift_id=s1.public_id, dispatch_id=cadre.public_id
        )
    # the committee asks the tax bureau for a second cadre at the checkpoint
    q2 = services.quota_set(
        actor=cast.district_admin,
        mobilisation_id=m.public_id,
        unit_id=cast.tax.pk,
        place_id=checkpoint.public_id,
        count=2,
    )
    with pytest.raises(ValidationFailed):
        services.quota_set(
            actor=cast.district_admin,
            mobilisation_id=m.public_id,
            unit_id=cast.tax.pk,
            place_id=checkpoint.public_id,
            count=0,
        )
    helper = make_member("税务局干部4", cast.tax_branch, unit=cast.tax)
    services.cadres_name(actor=cast.unit_admin, quota_id=q2.pk, member_ids=[helper.public_id])
    helper_dispatch = Dispatch.objects.get(member=helper)
    d2 = services.duty_assign(
        actor=cast.district_admin, shift_id=s2.public_id, dispatch_id=helper_dispatch.public_id
    )
    services.duty_swap(actor=cast.district_admin, duty_id=d1.pk, other_id=d2.pk)
    assert Duty.objects.get(pk=d1.pk).member == helper
    assert Duty.objects.get(pk=d2.pk).member_id == cadre.member_id
    services.duty_check_in(actor=cast.district_admin, duty_id=d1.pk)
    with pytest.raises(Conflict):
        services.duty_check_in(actor=cast.district_admin, duty_id=d1.pk)
    services.duty_check_out(actor=cast.district_admin, duty_id=d1.pk)
    with pytest.raises(Conflict):  # the later shift is not yet
        services.duty_check_in(actor=cast.district_admin, duty_id=d2.pk)

    # A temporary branch at the checkpoint, tied into the orgs tree
    group = services.group_form(
        actor=cast.district_admin,
        mobilisation_id=m.public_id,
        kind="temporary_branch",
        name="青禾检查站临时党支部",
        place_id=checkpoint.public_id,
        leader_id=cast.member_record.public_id,
        member_ids=[cast.member_record.public_id, helper.public_id],
    )
    assert group.party_org is not None
    assert group.party_org.kind == PartyOrg.Kind.TEMPORARY_BRANCH
    assert group.party_org.parent == cast.working_committee
    assert group.members.count() == 2
    with pytest.raises(ValidationFailed):
        services.group_form(
            actor=cast.district_admin,
            mobilisation_id=m.public_id,
            kind="vanguard_team",
            name="党员先锋队",
            member_ids=[cast.xingguang_resident.public_id],  # not sent
        )
    services.group_form(
        actor=cast.district_admin,
        mobilisation_id=m.public_id,
        kind="vanguard_team",
        name="第一党员先锋队",
        member_ids=[cast.tax_colleague.public_id],
    )
    assert Group.objects.filter(mobilisation=m).count() == 2

    # Stand-down: the cadres are free again
    with pytest.raises(NotFound):
        services.mobilisation_stand_down(actor=cast.unit_admin, mobilisation_id=m.public_id)
    services.mobilisation_stand_down(actor=cast.district_admin, mobilisation_id=m.public_id)
    m.refresh_from_db()
    assert m.status == "stood_down"
    assert m.stood_down_at
    assert not Dispatch.objects.filter(mobilisation=m, active=True).exists()
    with pytest.raises(Conflict):
        services.arrival_checkin(actor=cast.member, place_id=place(m, "支援村01").public_id)
    again_m = issue(cast, w, title="第二次动员")
    services.cadres_name(
        actor=cast.unit_admin,
        quota_id=quota(again_m, cast.tax, "支援村01").pk,
        member_ids=[cast.member_record.public_id],
    )


def test_pages_and_the_cadre_link(cast: Cast) -> None:
    w = world(cast, cadres_per_unit=2)
    m = issue(cast, w)
    q = quota(m, cast.tax, "支援村01")
    services.cadres_name(
        actor=cast.unit_admin, quota_id=q.pk, member_ids=[cast.member_record.public_id]
    )
    d = Dispatch.objects.get(member=cast.member_record)
    anonymous = Client()
    page = anonymous.get(reverse("mobilise:dispatch", args=[d.public_id]))
    assert page.status_code == 200
    assert "支援村01" in page.content.decode()
    anonymous.post(reverse("mobilise:dispatch_confirm", args=[d.public_id]))
    d.refresh_from_db()
    assert d.confirmed_at is not None
    admin = Client()
    admin.force_login(cast.district_admin)
    for name in (
        "board",
        "board_live",
        "mobilisation_detail",
        "dispatch_list",
        "place_list",
        "group_list",
    ):
        assert admin.get(reverse(f"mobilise:{name}", args=[m.public_id])).status_code == 200
    board = admin.get(reverse("mobilise:board_live", args=[m.public_id])).content.decode()
    assert "区税务局" in board
    member = Client()
    member.force_login(cast.member)
    done = member.post(reverse("mobilise:arrival_checkin", args=[d.place.public_id]))
    assert done.status_code == 200
    assert "签到成功" in done.content.decode()
    # the outsider sees nothing of it
    outsider = Client()
    outsider.force_login(cast.outsider)
    assert outsider.get(reverse("mobilise:board", args=[m.public_id])).status_code == 404
    cache.clear()  # the board is cached for two seconds (selectors.BOARD_SECONDS)
    api = admin.get(f"/api/v1/mobilise/mobilisations/{m.public_id}/board")
    assert api.status_code == 200
    assert api.json()["arrived"] == 1
    bad = admin.post(
        "/api/v1/mobilise/mobilisations",
        {"title": "", "starts_at": "2026-12-01T10:00:00", "places": [], "quotas": []},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "title" in bad.json()["detail"]["fields"]


def test_figures_add_up_the_mobilisation(cast: Cast) -> None:
    from gongjian.core.figures import Scope
    from gongjian.core.periods import Period
    from gongjian.mobilise import figures

    w = world(cast, cadres_per_unit=2)
    m = issue(cast, w)
    q = quota(m, cast.tax, "支援村01")
    services.cadres_name(
        actor=cast.unit_admin,
        quota_id=q.pk,
        member_ids=[cast.member_record.public_id, cast.tax_colleague.public_id],
    )
    d = Dispatch.objects.get(member=cast.member_record)
    services.arrival_by_link(dispatch_id=d.public_id, place_id=d.place.public_id)
    services.group_form(
        actor=cast.district_admin,
        mobilisation_id=m.public_id,
        kind="temporary_branch",
        name="临时党支部",
        member_ids=[cast.member_record.public_id],
    )
    today = timezone.localdate()
    period = Period(start=today.replace(day=1), end=today)
    got = {
        f.key: f.value
        for f in figures.figures(actor=cast.district_admin, scope=Scope(), period=period)
    }
    assert got["mobilise.mobilisations"] == 1
    assert got["mobilise.cadres"] == 2
    assert got["mobilise.units"] == 1
    assert got["mobilise.arrivals"] == 1
    assert got["mobilise.person_times"] == 1
    assert got["mobilise.temporary_branches"] == 1
    unit = {
        f.key: f.value
        for f in figures.figures(
            actor=cast.district_admin, scope=Scope(unit_id=cast.justice.pk), period=period
        )
    }
    assert unit["mobilise.cadres"] == 0
