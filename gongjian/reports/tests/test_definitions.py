"""The figures mean what a district's party-building office means (docs/figures.md): waiting
reports as the rates page counts them, held activities apart from planned ones, a unit's
activities attended and organised, communities and grids by their residents, people rather
than reports, and no activity published into a month that has ended."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from gongjian.core.errors import ValidationFailed
from gongjian.reporting import selectors as reporting_selectors
from gongjian.reporting.models import MemberReport
from gongjian.reports import figures
from gongjian.reports.tests.world import TODAY, World, at, build_world
from gongjian.reports.types import period_of
from gongjian.service import services
from gongjian.service.models import Activity
from gongjian.testing.cast import Cast


@pytest.fixture
def world(cast: Cast) -> World:
    return build_world(cast)


def _figures(actor: Any, key: str, kind: str = "this_year", today: dt.date = TODAY) -> Any:
    node = figures.node_get_for(actor, key)
    return figures.figures_for(actor, node, period_of(kind, today=today), today=today)


def test_a_member_moving_while_reported_is_waiting_on_the_dashboard_and_the_rates_page(
    world: World,
) -> None:
    """Given a member with a confirmed report who asked to move to another community, then
    the dashboard's 待确认报到 counts them, as the rates page and its export do."""
    c = world.cast
    MemberReport.objects.create(
        member=c.member_record, community=c.xingguang, submitted_at=at(dt.date(2026, 6, 10))
    )
    f = _figures(c.platform_admin, f"unit:{c.tax.pk}")
    row = reporting_selectors.unit_rate_for(unit=c.tax, on=TODAY)
    assert (f.reported, f.pending) == (1, 2)  # the colleague's first report, the move
    assert f.pending == row.pending
    assert f.reported == row.done


def test_planned_activities_are_not_counted_as_held(world: World) -> None:
    """Given an activity published to start tomorrow this month, then this month's figures
    count it as planned, not held, and a cached answer is good only until it starts."""
    c = world.cast
    now = timezone.now()
    soon = now + dt.timedelta(minutes=5)
    activity = Activity.objects.create(
        title="明日活动",
        category=world.activities["feb"].category,
        area=c.chenhui,
        address="一号",
        starts_at=soon,
        ends_at=soon + dt.timedelta(hours=1),
        quota=5,
        signup_opens_at=now - dt.timedelta(days=1),
        signup_closes_at=soon,
    )
    today = timezone.localdate()
    f = _figures(c.platform_admin, f"area:{c.chenhui.pk}", "this_month", today)
    assert (f.activities, f.activities_planned) == (0, 1)
    assert f.valid_until == activity.starts_at
    Activity.objects.filter(pk=activity.pk).update(  # it has started: no signal sent
        starts_at=now - dt.timedelta(minutes=1)
    )
    with pytest.MonkeyPatch.context() as mp:
        later = soon + dt.timedelta(seconds=1)
        mp.setattr(timezone, "now", lambda: later)
        again = _figures(c.platform_admin, f"area:{c.chenhui.pk}", "this_month", today)
    assert (again.activities, again.activities_planned) == (1, 0)


def test_a_unit_shows_the_activities_its_members_attended_and_those_it_organised(
    world: World,
) -> None:
    c = world.cast
    f = _figures(c.platform_admin, f"unit:{c.justice.pk}")
    assert f.activities == 2  # 三月义诊 and 六月网格巡查, where its member served
    assert f.activities_organised == 1  # 三月义诊


def test_communities_and_grids_count_their_residents_and_the_reports_to_them(
    world: World,
) -> None:
    """晨辉 has one in-service resident (李晓东, reported to it in January); 星光 two (王静
    waiting, 赵敏 confirmed only after TODAY); the grid counts the report made to it."""
    c = world.cast
    chenhui = _figures(c.platform_admin, f"area:{c.chenhui.pk}")
    assert (chenhui.in_service, chenhui.reported, chenhui.pending) == (1, 1, 0)
    assert chenhui.reports_received == 1
    xingguang = _figures(c.platform_admin, f"area:{c.xingguang.pk}")
    assert (xingguang.in_service, xingguang.reported, xingguang.pending) == (2, 0, 1)
    assert xingguang.reports_waiting == 1
    grid = _figures(c.platform_admin, f"area:{c.chenhui_grid1.pk}")
    assert (grid.in_service, grid.reported, grid.reports_received) == (1, 1, 1)
    street = _figures(c.platform_admin, f"area:{c.qinghe.pk}")
    assert (street.in_service, street.reported) == (1, 1)


def test_reports_received_count_people(world: World) -> None:
    """Given a member who (by an import's mistake) holds two confirmed-looking reports at
    once, then the communities' received reports count the person once."""
    c = world.cast
    MemberReport.objects.create(
        member=c.member_record,
        community=c.chenhui,
        status="superseded",
        submitted_at=at(dt.date(2026, 1, 1)),
        decided_at=at(dt.date(2026, 1, 2)),
        confirmed_at=at(dt.date(2026, 1, 2)),
    )
    f = _figures(c.platform_admin, f"area:{c.district.pk}")
    assert f.reports_received == 1


def test_an_activity_cannot_be_published_into_an_ended_month(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given it is half past midnight on the first of a month, when an activity that began
    an hour before (last month) and is still running is published, then it is refused,
    naming its start."""
    from gongjian.service.tests.helpers import category

    first = timezone.localtime(timezone.now()).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0
    )
    now = first + dt.timedelta(minutes=30)
    monkeypatch.setattr(timezone, "now", lambda: now)
    starts = first - dt.timedelta(hours=1)
    with pytest.raises(ValidationFailed) as caught:
        services.activity_publish(
            actor=cast.community_secretary,
            title="跨月活动",
            category=category(),
            area=cast.chenhui,
            address="一号",
            starts_at=starts,
            ends_at=now + dt.timedelta(hours=1),
            quota=5,
            signup_opens_at=starts - dt.timedelta(days=1),
            signup_closes_at=starts,
        )
    assert "starts_at" in caught.value.detail["fields"]
