"""Each figure of the dashboard equals a direct count of the records behind it, for the
district, a street, a community and a unit, this month and this year, with the rollups and
without; and a scope never shows what lies outside it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Q, Sum

from gongjian.core.errors import NotFound
from gongjian.orgs.models import Member, PartyOrg, Unit
from gongjian.reporting.models import MemberReport
from gongjian.reports import figures
from gongjian.reports.models import RollupMonth
from gongjian.reports.services import local_midnight, rollups_refresh
from gongjian.reports.tests.world import TODAY, World, build_world
from gongjian.reports.types import Period, period_of
from gongjian.service.models import Activity, Attendance, Outcome
from gongjian.testing.cast import Cast


@pytest.fixture
def world(cast: Cast) -> World:
    return build_world(cast)


def _span(p: Period) -> Q:
    return Q(
        starts_at__gte=local_midnight(p.start),
        starts_at__lt=local_midnight(p.end + dt.timedelta(days=1)),
        status="published",
    )


def _direct(node: figures.Node, p: Period) -> dict[str, Any]:
    """The plain counts, written without the figures module's helpers."""
    acts = Activity.objects.filter(_span(p))
    if node.is_unit:
        att = Attendance.objects.filter(activity__in=acts, member__unit_id=node.unit_id or 0)
        activity_count = att.values("activity").distinct().count()
        outcomes = Outcome.objects.filter(activity__in=acts.filter(unit_id=node.unit_id or 0))
        units = Unit.objects.filter(pk=node.unit_id or 0)
        members = Member.objects.filter(party_org__unit_id=node.unit_id or 0)
        in_service = Member.objects.filter(unit_id=node.unit_id or 0, in_service=True)
    else:
        acts = acts.filter(area__path__startswith=node.path)
        att = Attendance.objects.filter(activity__in=acts)
        activity_count = acts.count()
        outcomes = Outcome.objects.filter(activity__in=acts)
        units = Unit.objects.filter(area__path__startswith=node.path)
        members = Member.objects.filter(
            Q(party_org__area__path__startswith=node.path)
            | Q(party_org__unit__area__path__startswith=node.path)
        )
        in_service = Member.objects.filter(unit__area__path__startswith=node.path, in_service=True)
    moment = local_midnight(min(p.end, TODAY) + dt.timedelta(days=1))
    held = MemberReport.objects.filter(confirmed_at__lt=moment).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=moment)
    )
    if node.kind == "grid":  # a street, community or grid counts its residents
        in_service = Member.objects.filter(home_grid_id=node.area_id, in_service=True)
        held = held.filter(grid_id=node.area_id)
    elif node.kind in ("street", "community"):
        in_service = Member.objects.filter(
            home_community__path__startswith=node.path, in_service=True
        )
        held = held.filter(community__path__startswith=node.path)
    reported = held.filter(member__in=in_service).count()
    return {
        "activities": activity_count,
        "person_times": att.count(),
        "people": att.values("member").distinct().count(),
        "hours": float(att.aggregate(h=Sum("hours"))["h"] or Decimal(0)),
        "hours_confirmed": float(
            att.filter(hours_confirmed=True).aggregate(h=Sum("hours"))["h"] or Decimal(0)
        ),
        "households": outcomes.aggregate(h=Sum("households_visited"))["h"] or 0,
        "units": units.count(),
        "members": members.count(),
        "in_service": in_service.count(),
        "reported": reported,
        "party_orgs": PartyOrg.objects.filter(
            Q(unit__in=units) | (Q() if node.is_unit else Q(area__path__startswith=node.path))
        ).count(),
    }


def _got(f: Any) -> dict[str, Any]:
    return {
        "activities": f.activities,
        "person_times": f.person_times,
        "people": f.people,
        "hours": f.hours,
        "hours_confirmed": f.hours_confirmed,
        "households": f.households,
        "units": f.units,
        "members": f.members,
        "in_service": f.in_service,
        "reported": f.reported,
        "party_orgs": f.party_orgs,
    }


NODES = ("district", "qinghe", "chenhui", "xingguang", "chenhui_grid1", "tax", "justice")
PERIODS = ("this_month", "this_year", "last_month", "last_year")


def _node(c: Cast, name: str) -> figures.Node:
    admin = c.platform_admin
    obj = getattr(c, name)
    kind = "unit" if isinstance(obj, Unit) else "area"
    return figures.node_get_for(admin, f"{kind}:{obj.pk}")


@pytest.mark.parametrize("rolled", [True, False], ids=["rollups", "raw"])
@pytest.mark.parametrize("period_kind", PERIODS)
def test_every_figure_equals_a_direct_count(world: World, period_kind: str, rolled: bool) -> None:
    c = world.cast
    if rolled:
        rollups_refresh(today=TODAY)
        assert RollupMonth.objects.filter(dirty=False).count() >= 5
    period = period_of(period_kind, today=TODAY)
    for name in NODES:
        node = _node(c, name)
        got = figures.figures_for(c.platform_admin, node, period, today=TODAY, rollups=rolled)
        assert _got(got) == _direct(node, period), (name, period_kind)
        # The category and month breakdowns add up to the totals.
        assert sum(x.person_times for x in got.categories) == got.person_times
        assert sum(x.person_times for x in got.months) == got.person_times
        if not node.is_unit:
            assert sum(x.activities for x in got.months) == got.activities


def test_the_district_this_year_in_plain_numbers(world: World) -> None:
    """Given the world, when the district's figures are taken for this year, then: six
    published activities (not the cancelled one, not New Year's Eve 2025, the one at 00:30 on
    New Year's Day counted), thirteen attendances by five people."""
    c = world.cast
    rollups_refresh(today=TODAY)
    node = figures.node_get_for(c.district_admin, f"area:{c.district.pk}")
    f = figures.figures_for(
        c.district_admin, node, period_of("this_year", today=TODAY), today=TODAY
    )
    assert (f.activities, f.person_times, f.people) == (6, 13, 5)
    assert f.hours == 28.0
    assert f.households == 30 + 12 + 7 + 4
    assert (f.units, f.in_service, f.reported, f.pending) == (2, 3, 1, 1)
    assert f.reporting_rate == pytest.approx(1 / 3)
    assert f.reports_received == 1  # the July confirmation is after TODAY
    assert f.pairings == 1
    assert (f.resources, f.resource_units, f.demands, f.demand_communities) == (3, 2, 3, 2)
    assert (f.matched, f.signed, f.projects_finished) == (1, 1, 1)
    by_code = {x.code: x for x in f.categories}
    assert by_code["silver"].activities == 2
    assert [m.month for m in f.months][:2] == ["2026-01", "2026-02"]
    ranks = {r.name: r for r in f.community_ranking}
    assert ranks["晨辉社区"].person_times == 3 + 2 + 2  # the grid's activity belongs to 晨辉
    assert ranks["晨辉社区"].demands == 2
    units = {r.name: r for r in f.unit_ranking}
    assert units["区税务局"].person_times == 7  # where its members served, anywhere
    assert f.unit_ranking[0].name == "区税务局"  # 1 of 2 reported beats 0 of 1


def test_a_write_to_a_rolled_up_month_is_read_raw_until_the_next_refresh(world: World) -> None:
    c = world.cast
    rollups_refresh(today=TODAY)
    node = figures.node_get_for(c.platform_admin, f"area:{c.district.pk}")
    period = period_of("this_year", today=TODAY)
    before = figures.figures_for(c.platform_admin, node, period, today=TODAY).person_times
    Attendance.objects.create(
        activity=world.activities["feb"], member=c.xingguang_resident, method="manual"
    )
    assert RollupMonth.objects.get(month=dt.date(2026, 2, 1)).dirty
    after = figures.figures_for(c.platform_admin, node, period, today=TODAY).person_times
    assert after == before + 1
    rollups_refresh(today=TODAY)
    assert not RollupMonth.objects.get(month=dt.date(2026, 2, 1)).dirty
    assert figures.figures_for(c.platform_admin, node, period, today=TODAY).person_times == after


@pytest.mark.parametrize(
    ("person", "allowed", "refused"),
    [
        ("district_admin", ["district", "qinghe", "chenhui", "tax", "justice"], ["all"]),
        ("street_admin", ["qinghe", "chenhui"], ["district", "xingguang", "tax", "all"]),
        ("community_secretary", ["chenhui"], ["qinghe", "xingguang", "tax", "district"]),
        ("unit_admin", ["tax"], ["justice", "district", "chenhui", "qinghe"]),
        ("member", [], ["tax", "chenhui", "district"]),
        ("outsider", [], ["tax", "chenhui", "district"]),
    ],
)
def test_scopes_never_leak(
    world: World, person: str, allowed: list[str], refused: list[str]
) -> None:
    c = world.cast
    actor = c.people[person]

    def key(name: str) -> str:
        if name == "all":
            return "all"
        obj = getattr(c, name)
        return f"{'unit' if isinstance(obj, Unit) else 'area'}:{obj.pk}"

    offered = {n.key for n in figures.node_options(actor)}
    for name in allowed:
        assert key(name) in offered
        figures.node_get_for(actor, key(name))
    for name in refused:
        assert key(name) not in offered
        with pytest.raises(NotFound):
            figures.node_get_for(actor, key(name))
        node = figures.node_get_for(c.platform_admin, key(name))
        with pytest.raises(NotFound):
            figures.figures_for(actor, node, period_of("this_year", today=TODAY), today=TODAY)


def test_a_unit_sees_only_its_own_figures(world: World) -> None:
    c = world.cast
    node = figures.default_node(c.unit_admin)
    assert node.unit_id == c.tax.pk
    f = figures.figures_for(c.unit_admin, node, period_of("this_year", today=TODAY), today=TODAY)
    assert [r.name for r in f.unit_ranking] == ["区税务局"]
    assert f.community_ranking == []
    assert (f.members, f.in_service) == (2, 2)
    assert (f.demands, f.resources) == (0, 2)


@pytest.mark.django_db(transaction=True)  # writes commit, as they do outside a test
def test_a_cached_answer_is_reused_until_a_write(
    world: World, django_assert_max_num_queries: Any
) -> None:
    """Given the district's figures once counted, when they are asked for again, then the
    answer comes from the cache (the caller's access is checked, the data version read); and
    when an attendance is written, then the next answer is counted afresh."""
    c = world.cast
    node = figures.node_get_for(c.district_admin, f"area:{c.district.pk}")
    period = period_of("this_month", today=TODAY)
    first = figures.figures_for(c.district_admin, node, period, today=TODAY)
    with django_assert_max_num_queries(3):
        again = figures.figures_for(c.district_admin, node, period, today=TODAY)
    assert again == first
    assert again.computed_at == first.computed_at
    activity = (
        Activity.objects.filter(_span(period), area__path__startswith=node.path)
        .exclude(attendances__member=c.xingguang_resident)
        .first()
    )
    assert activity is not None
    Attendance.objects.create(activity=activity, member=c.xingguang_resident, method="manual")
    after = figures.figures_for(c.district_admin, node, period, today=TODAY)
    assert after.person_times == first.person_times + 1
    fresh = figures.figures_for(c.district_admin, node, period, today=TODAY, cached=False)
    assert _got(after) == _got(fresh)
