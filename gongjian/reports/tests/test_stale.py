"""Every write that changes a rolled-up month marks it for recount, and the figures read it raw
until the refresh rebuilds exactly the months marked: the QR check-out's hours, an activity's
place changed (in the admin), a member transferred with a past effective date. Each test
fails when its cause is put back (no mark, or a stale community)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from gongjian.orgs.services import member_transfer
from gongjian.reports import figures
from gongjian.reports.models import RollupMonth
from gongjian.reports.services import months_to_refresh, rollups_refresh
from gongjian.reports.tests.world import TODAY, World, build_world
from gongjian.reports.types import period_of
from gongjian.service import services, tokens
from gongjian.service.models import Activity, Attendance, Signup
from gongjian.testing.cast import Cast


@pytest.fixture
def world(cast: Cast) -> World:
    return build_world(cast)


def _figures(actor: Any, key: str, kind: str, today: dt.date) -> Any:
    node = figures.node_get_for(actor, key)
    return figures.figures_for(actor, node, period_of(kind, today=today), today=today)


def test_a_qr_check_out_counts_its_hours_at_once_in_a_rolled_up_month(world: World) -> None:
    """Given an activity under way, the member checked in and the month rolled up (as seen
    from the next month), when they check out by QR code, then the month is marked and its
    hours are counted at once (the check-out writes through `update()`)."""
    c = world.cast
    now = timezone.now()
    activity = Activity.objects.create(
        title="扫码签退",
        category=world.activities["feb"].category,
        area=c.chenhui,
        address="一号",
        starts_at=now - dt.timedelta(hours=2),
        ends_at=now + dt.timedelta(minutes=30),
        quota=5,
        signup_opens_at=now - dt.timedelta(days=3),
        signup_closes_at=now - dt.timedelta(days=1),
    )
    Signup.objects.create(activity=activity, member=c.member_record, status="confirmed")
    services.attendance_scan(
        actor=c.member, scan=tokens.read(tokens.make(activity.public_id, "in"))
    )
    Attendance.objects.filter(activity=activity).update(checked_in_at=now - dt.timedelta(hours=2))
    month = timezone.localdate().replace(day=1)
    later = (month + dt.timedelta(days=40)).replace(day=2)  # the next month
    rollups_refresh(months=[month], today=later)
    key = f"area:{c.chenhui.pk}"
    before = _figures(c.platform_admin, key, "last_month", later)
    _attendance, _message, changed = services.attendance_scan(
        actor=c.member, scan=tokens.read(tokens.make(activity.public_id, "out"))
    )
    assert changed
    assert RollupMonth.objects.get(month=month).dirty
    after = _figures(c.platform_admin, key, "last_month", later)
    assert after.hours > before.hours
    assert after.hours_confirmed == before.hours_confirmed  # a QR check-out's are unconfirmed
    assert months_to_refresh(today=later)[-1:] == [month]


def test_an_activity_moved_elsewhere_counts_where_it_now_takes_place(world: World) -> None:
    """Given February rolled up, when an activity's place is changed (as the admin does, by
    saving the row), then its community follows and the community ranking counts it there at
    once, and after the refresh."""
    c = world.cast
    rollups_refresh(today=TODAY)
    feb = world.activities["feb"]
    assert feb.community_id == c.chenhui.pk
    feb.area = c.xingguang
    feb.save()
    feb.refresh_from_db()
    assert feb.community_id == c.xingguang.pk
    assert RollupMonth.objects.get(month=dt.date(2026, 2, 1)).dirty
    for _round in range(2):
        f = _figures(c.platform_admin, f"area:{c.district.pk}", "this_year", TODAY)
        ranks = {r.name: r for r in f.community_ranking}
        assert ranks["晨辉社区"].person_times == 2 + 2  # 跨年守岁 is 2025; 元旦 2, the grid 2
        assert ranks["星光社区"].person_times == 3 + 2 + 3  # 三月, 六月, and 二月 now
        rollups_refresh(today=TODAY)
        assert not RollupMonth.objects.filter(dirty=True).exists()


def test_a_transfer_with_a_past_date_moves_the_units_figures_everywhere_at_once(
    world: World,
) -> None:
    """Given the months rolled up, when a member of 区税务局 is transferred to 区司法局
    effective in January, then the district's unit ranking and each unit's own dashboard
    agree at once, and after a refresh of exactly the months marked."""
    c = world.cast
    rollups_refresh(today=TODAY)
    member_transfer(
        actor=c.platform_admin,
        member=c.member_record.public_id,
        to_org=c.justice_branch.pk,
        effective_on=dt.date(2026, 1, 1),
    )
    marked = set(RollupMonth.objects.filter(dirty=True).values_list("month", flat=True))
    # The rolled-up months the member served in (May's activity was cancelled, still marked).
    served = {(2025, 12), (2026, 1), (2026, 2), (2026, 3), (2026, 5)}
    assert marked == {dt.date(y, m, 1) for y, m in served}
    assert set(months_to_refresh(today=TODAY)) == marked
    for _round in range(2):
        district = _figures(c.platform_admin, f"area:{c.district.pk}", "this_year", TODAY)
        ranking = {r.name: r.person_times for r in district.unit_ranking}
        for unit in (c.tax, c.justice):
            own = _figures(c.platform_admin, f"unit:{unit.pk}", "this_year", TODAY)
            assert ranking[unit.name] == own.person_times
        assert ranking["区司法局"] == 2 + 4  # its member twice, and the one moved: 一, 二, 三, 六月
        rollups_refresh(today=TODAY)
