"""Distinct people from the members' yearly masks (docs/adr/0009): the figure equals the raw
distinct count of members for every scope and period — a member serving in several months
and several communities counted once, a dirty month, a period that starts and ends inside
months, a period across New Year — and the masks hold exactly the months and places served."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Q

from gongjian.reports import figures, services
from gongjian.reports.models import (
    MemberPlaceFact,
    MemberYearFact,
    RollupMonth,
    ServiceFact,
    UnitServiceFact,
)
from gongjian.reports.services import local_midnight, month_bit, rollups_refresh
from gongjian.reports.signals import mark_dirty
from gongjian.reports.tests.world import TODAY, World, activity, at, build_world, categories
from gongjian.reports.types import Period, period_of
from gongjian.service.models import Attendance

NODES = ("district", "qinghe", "chenhui", "xingguang")


@pytest.fixture
def world(cast: object) -> World:
    w = build_world(cast)  # type: ignore[arg-type]
    rollups_refresh(today=TODAY)
    return w


def _node(w: World, name: str) -> figures.Node:
    return figures.node_get_for(w.cast.platform_admin, f"area:{getattr(w.cast, name).pk}")


def _raw_people(node: figures.Node, p: Period) -> int:
    """The plain distinct count over the raw tables."""
    return (
        Attendance.objects.filter(
            activity__status="published",
            activity__starts_at__gte=local_midnight(p.start),
            activity__starts_at__lt=local_midnight(p.end + dt.timedelta(days=1)),
            activity__area__path__startswith=node.path,
        )
        .values("member_id")
        .distinct()
        .count()
    )


def _people(w: World, node: figures.Node, p: Period) -> int:
    return figures.figures_for(w.cast.platform_admin, node, p, today=TODAY, cached=False).people


def _mask(*months: int) -> int:
    return sum(month_bit(dt.date(2026, m, 1)) for m in months)


def test_the_masks_hold_each_members_months_and_places(world: World) -> None:
    """Given the world rolled up to May 2026, then the member's 2026 mask has January,
    February and March (not the cancelled May activity, not June, the current month), their
    2025 mask has December, and per place: 晨辉 in January and February, 星光 in March."""
    c = world.cast
    me = c.member_record
    years = dict(MemberYearFact.objects.filter(member=me).values_list("year", "months"))
    assert years == {2025: month_bit(dt.date(2025, 12, 1)), 2026: _mask(1, 2, 3)}
    places = dict(
        MemberPlaceFact.objects.filter(member=me, year=2026).values_list("area_id", "months")
    )
    assert places == {c.chenhui.pk: _mask(1, 2), c.xingguang.pk: _mask(3)}
    # The street's own activity is its own place.
    street = MemberPlaceFact.objects.get(member=c.tax_colleague, area=c.qinghe)
    assert street.months == _mask(4)
    assert not MemberYearFact.objects.filter(months=0).exists()


PERIODS = {
    "this_year": period_of("this_year", today=TODAY),
    "last_year": period_of("last_year", today=TODAY),
    "feb_to_mar": Period(dt.date(2026, 2, 1), dt.date(2026, 3, 31)),
    "mid_feb_to_mid_apr": Period(dt.date(2026, 2, 11), dt.date(2026, 4, 20)),
    "feb_10_to_apr_1": Period(dt.date(2026, 2, 10), dt.date(2026, 4, 1)),
    "across_new_year": Period(dt.date(2025, 12, 1), dt.date(2026, 1, 31)),
    "new_year_eve_and_day": Period(dt.date(2025, 12, 31), dt.date(2026, 1, 1)),
    "nov_to_mar": Period(dt.date(2025, 11, 15), dt.date(2026, 3, 31)),
}


@pytest.mark.parametrize("period_name", PERIODS)
def test_people_equal_the_raw_distinct_count(world: World, period_name: str) -> None:
    period = PERIODS[period_name]
    for name in NODES:
        node = _node(world, name)
        raw = _raw_people(node, period)
        assert _people(world, node, period) == raw, (name, period_name)
        assert (
            figures.figures_for(
                world.cast.platform_admin, node, period, today=TODAY, rollups=False
            ).people
            == raw
        )
    city = figures.node_get_for(world.cast.platform_admin, "all")
    assert _people(world, city, period) == _raw_people(city, period)


def test_the_masks_are_what_is_read_for_whole_clean_months(world: World) -> None:
    """Given February and March rolled up, when one of February's attendances is removed by a
    write that sends no signal, then the figure still counts its member (it came from the
    masks), and after the next refresh of February it does not."""
    c = world.cast
    period = PERIODS["feb_to_mar"]
    clean, _raw = figures.split_period(period, today=TODAY, rollups=True)
    assert clean == [dt.date(2026, 2, 1), dt.date(2026, 3, 1)]
    node = _node(world, "chenhui")
    assert _people(world, node, period) == 3  # the member, the resident, the colleague
    gone = Attendance.objects.filter(member=c.tax_colleague, activity=world.activities["feb"])
    gone._raw_delete(gone.db)
    assert _people(world, node, period) == 3
    rollups_refresh(months=[dt.date(2026, 2, 1)], today=TODAY)
    assert _people(world, node, period) == 2 == _raw_people(node, period)
    assert not MemberPlaceFact.objects.filter(member=c.tax_colleague, area=c.chenhui).exists()
    assert MemberYearFact.objects.get(member=c.tax_colleague, year=2026).months == _mask(4)


def test_a_dirty_month_is_read_raw_and_rebuilt_exactly(world: World) -> None:
    """Given the masks built, when the justice member attends February's activity in 晨辉 and
    the colleague's February attendance is deleted, then February is dirty, and the people of
    every scope equal the raw count before and after the next refresh."""
    c = world.cast
    feb = dt.date(2026, 2, 1)
    Attendance.objects.create(
        activity=world.activities["feb"], member=c.justice_member, method="manual"
    )
    Attendance.objects.get(member=c.tax_colleague, activity=world.activities["feb"]).delete()
    assert RollupMonth.objects.get(month=feb).dirty
    periods = [PERIODS["this_year"], PERIODS["feb_to_mar"], PERIODS["mid_feb_to_mid_apr"]]

    def check() -> None:
        for name in NODES:
            node = _node(world, name)
            for period in periods:
                assert _people(world, node, period) == _raw_people(node, period), name

    check()
    rollups_refresh(today=TODAY)
    assert not RollupMonth.objects.get(month=feb).dirty
    check()
    justice = MemberPlaceFact.objects.get(member=c.justice_member, area=c.chenhui, year=2026)
    assert justice.months == _mask(2)
    assert not MemberPlaceFact.objects.filter(
        Q(member=c.tax_colleague) & Q(area=c.chenhui)
    ).exists()


def test_a_member_in_two_communities_in_one_month_is_one_person(world: World) -> None:
    """Given a member who served in 晨辉 and in 星光 in March, then March's people count them
    once for the district and once in each community."""
    c = world.cast
    activity(
        "三月晨辉义诊",
        c.chenhui,
        categories()["white"],
        at(dt.date(2026, 3, 22)),
        attendees=[(c.justice_member, "1")],
    )
    rollups_refresh(today=TODAY)
    march = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert figures.split_period(march, today=TODAY, rollups=True)[0] == [dt.date(2026, 3, 1)]
    rows = MemberPlaceFact.objects.filter(member=c.justice_member, year=2026)
    assert rows.count() == 2
    assert _people(world, _node(world, "district"), march) == 3
    assert _people(world, _node(world, "chenhui"), march) == 1
    assert _people(world, _node(world, "xingguang"), march) == 3


def test_a_deleted_member_leaves_no_person_behind(world: World) -> None:
    """Given the masks built, when a member is deleted with their attendances, then their
    months are dirty and read raw, and the next refresh drops their masks."""
    c = world.cast
    gone = c.xingguang_resident
    gone_pk = gone.pk
    gone.delete()
    assert RollupMonth.objects.get(month=dt.date(2026, 3, 1)).dirty
    for name in NODES:
        node = _node(world, name)
        assert _people(world, node, PERIODS["this_year"]) == _raw_people(node, PERIODS["this_year"])
    rollups_refresh(today=TODAY)
    assert not MemberYearFact.objects.filter(member_id=gone_pk).exists()
    assert not MemberPlaceFact.objects.filter(member_id=gone_pk).exists()


def _rollups() -> tuple[set[tuple[object, ...]], ...]:
    return (
        set(MemberYearFact.objects.values_list("year", "member_id", "months")),
        set(MemberPlaceFact.objects.values_list("year", "area_id", "member_id", "months")),
        set(
            ServiceFact.objects.values_list(
                "month", "area_id", "category_id", "activities", "person_times", "hours"
            )
        ),
        set(UnitServiceFact.objects.values_list("month", "unit_id", "category_id", "hours")),
    )


def test_a_year_rebuilt_at_once_holds_what_month_by_month_builds(
    cast: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given the world built month by month, then a full rebuild that writes each year's
    masks at once leaves the same masks and facts, every month clean."""
    build_world(cast)  # type: ignore[arg-type]
    monkeypatch.setattr(services, "YEAR_AT_ONCE", 99)
    rollups_refresh(today=TODAY)
    monthly = _rollups()
    assert monthly[0], "the world has masks to compare"
    MemberYearFact.objects.all().delete()
    MemberPlaceFact.objects.update(months=1)  # wrong on purpose: the rebuild must rewrite
    monkeypatch.setattr(services, "YEAR_AT_ONCE", 1)
    built = rollups_refresh(months=services.months_all(today=TODAY), today=TODAY)
    assert built == services.months_all(today=TODAY)
    assert _rollups() == monthly
    assert not RollupMonth.objects.filter(dirty=True).exists()


def test_a_write_during_a_years_rebuild_leaves_its_month_dirty(
    cast: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given a year rebuilt at once, when a write marks February after its facts are built
    (before the year's masks), then February stays dirty (read raw) and the others are
    clean."""
    build_world(cast)  # type: ignore[arg-type]
    monkeypatch.setattr(services, "YEAR_AT_ONCE", 1)
    real = services._month_facts
    february = dt.date(2026, 2, 1)

    def facts_then_a_write(month: dt.date, *, masks: bool) -> tuple[int, int, float]:
        out = real(month, masks=masks)
        if month == february:
            mark_dirty(february)
        return out

    monkeypatch.setattr(services, "_month_facts", facts_then_a_write)
    rollups_refresh(today=TODAY)
    assert set(RollupMonth.objects.filter(dirty=True).values_list("month", flat=True)) == {february}
