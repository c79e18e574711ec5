"""The recount: given the test district with its months rolled up, random writes (sign-ins,
QR-style check-outs through `update()`, cancellations, places moved, transfers with past
dates, reports submitted, confirmed, rejected and moved) and then every figure of several
scopes (district, street, community, grid, two units) and periods equals a recount written
here directly in SQL over the tables, before the rollups are rebuilt and after. Runs on
SQLite and PostgreSQL alike (the same SQL)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongjian.core.figures import written
from gongjian.orgs.models import Area, Member, MemberSpell
from gongjian.orgs.services import member_transfer
from gongjian.reporting.models import MemberReport
from gongjian.reports import figures
from gongjian.reports.services import local_midnight, rollups_refresh
from gongjian.reports.tests.world import TODAY, World, at, build_world
from gongjian.reports.types import Period, period_of
from gongjian.service.models import Activity, Attendance, Outcome
from gongjian.testing.cast import Cast

ACT = Activity._meta.db_table
ATT = Attendance._meta.db_table
OUT = Outcome._meta.db_table
AREA = Area._meta.db_table
MEMBER = Member._meta.db_table
REPORT = MemberReport._meta.db_table
SPELL = MemberSpell._meta.db_table
UNIT_TABLE = "orgs_unit"

SCOPES = ("district", "qinghe", "chenhui", "chenhui_grid1", "tax", "justice")
PERIODS = ("this_year", "last_month", "last_year", "this_month")


class Rollback(Exception):
    pass


def _one(sql: str, params: list[Any]) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        value = cursor.fetchone()[0]
    return value


def _recount(kind: str, obj: Any, p: Period) -> dict[str, Any]:
    """Every figure, in plain SQL."""
    as_sql = connection.ops.adapt_datetimefield_value  # aware moments as the column stores them
    lo, hi = as_sql(local_midnight(p.start)), as_sql(local_midnight(p.end + dt.timedelta(days=1)))
    moment = as_sql(local_midnight(min(p.end, TODAY) + dt.timedelta(days=1)))
    # The roll as it stood on the period's last day (or today): the member's spell then.
    day = connection.ops.adapt_datefield_value(min(p.end, TODAY))
    valid = (
        "(m.valid_from IS NULL OR m.valid_from <= %s) AND (m.valid_to IS NULL OR m.valid_to > %s)"
    )
    window = "a.status = 'published' AND a.starts_at >= %s AND a.starts_at < %s"
    held = "r.confirmed_at < %s AND (r.ended_at IS NULL OR r.ended_at >= %s)"
    waiting = "r.submitted_at < %s AND (r.decided_at IS NULL OR r.decided_at >= %s)"
    out: dict[str, Any] = {}
    if kind == "unit":
        att = f"FROM {ATT} t JOIN {ACT} a ON a.id = t.activity_id JOIN {MEMBER} m ON m.id = t.member_id WHERE {window} AND m.unit_id = %s"  # noqa: E501
        args = [lo, hi, obj.pk]
        out["activities"] = _one(f"SELECT COUNT(DISTINCT t.activity_id) {att}", args)
        out["households"] = _one(
            f"SELECT COALESCE(SUM(o.households_visited), 0) FROM {OUT} o JOIN {ACT} a ON a.id = o.activity_id WHERE {window} AND a.unit_id = %s",  # noqa: S608, E501
            args,
        )
        members = f"FROM {SPELL} m WHERE {valid} AND m.in_service = %s AND m.is_active = %s AND m.unit_id = %s"  # noqa: E501
        margs: list[Any] = [day, day, True, True, obj.pk]
        targs: list[Any] = []
        to_area = ""
    else:
        like = obj.path + "%"
        att = f"FROM {ATT} t JOIN {ACT} a ON a.id = t.activity_id JOIN {AREA} ar ON ar.id = a.area_id WHERE {window} AND ar.path LIKE %s"  # noqa: E501
        args = [lo, hi, like]
        out["activities"] = _one(
            f"SELECT COUNT(*) FROM {ACT} a JOIN {AREA} ar ON ar.id = a.area_id WHERE {window} AND ar.path LIKE %s",  # noqa: S608, E501
            args,
        )
        out["households"] = _one(
            f"SELECT COALESCE(SUM(o.households_visited), 0) FROM {OUT} o JOIN {ACT} a ON a.id = o.activity_id JOIN {AREA} ar ON ar.id = a.area_id WHERE {window} AND ar.path LIKE %s",  # noqa: S608, E501
            args,
        )
        if obj.kind == "district":
            members = f"FROM {SPELL} m JOIN {UNIT_TABLE} u ON u.id = m.unit_id JOIN {AREA} ua ON ua.id = u.area_id WHERE {valid} AND m.in_service = %s AND m.is_active = %s AND ua.path LIKE %s"  # noqa: E501
            margs, to_area, targs = [day, day, True, True, like], "", []
        elif obj.kind == "grid":
            members = f"FROM {SPELL} m WHERE {valid} AND m.in_service = %s AND m.is_active = %s AND m.home_grid_id = %s"  # noqa: E501
            margs, to_area, targs = [day, day, True, True, obj.pk], "AND r.grid_id = %s", [obj.pk]
        else:
            members = f"FROM {SPELL} m JOIN {AREA} h ON h.id = m.home_community_id WHERE {valid} AND m.in_service = %s AND m.is_active = %s AND h.path LIKE %s"  # noqa: E501
            margs = [day, day, True, True, like]
            to_area = f"AND r.community_id IN (SELECT id FROM {AREA} WHERE path LIKE %s)"  # noqa: S608
            targs = [like]
        received_to = to_area or f"AND r.community_id IN (SELECT id FROM {AREA} WHERE path LIKE %s)"  # noqa: S608
        out["reports_received"] = _one(
            f"SELECT COUNT(DISTINCT r.member_id) FROM {REPORT} r WHERE {held} {received_to}",  # noqa: S608
            [moment, moment, *(targs or [like])],
        )
    out["person_times"] = _one(f"SELECT COUNT(*) {att}", args)
    out["people"] = _one(f"SELECT COUNT(DISTINCT t.member_id) {att}", args)
    out["hours"] = round(float(_one(f"SELECT COALESCE(SUM(t.hours), 0) {att}", args)), 1)
    out["hours_confirmed"] = round(
        float(
            _one(
                f"SELECT COALESCE(SUM(t.hours), 0) {att} AND t.hours_confirmed = %s", [*args, True]
            )
        ),
        1,
    )
    out["in_service"] = _one(f"SELECT COUNT(*) {members}", margs)
    for key, cond in (("reported", held), ("pending", waiting)):
        out[key] = _one(
            f"SELECT COUNT(*) {members} AND EXISTS (SELECT 1 FROM {REPORT} r WHERE r.member_id = m.member_id AND {cond} {to_area})",  # noqa: S608, E501
            [*margs, moment, moment, *targs],
        )
    return out


def _got(f: Any, kind: str) -> dict[str, Any]:
    out = {
        k: getattr(f, k)
        for k in (
            "activities",
            "households",
            "person_times",
            "people",
            "hours",
            "hours_confirmed",
            "in_service",
            "reported",
            "pending",
        )
    }
    if kind != "unit":
        out["reports_received"] = f.reports_received
    out["hours"] = round(out["hours"], 1)
    out["hours_confirmed"] = round(out["hours_confirmed"], 1)
    return out


def _check_all(c: Cast) -> None:
    admin = c.platform_admin
    for name in SCOPES:
        obj = getattr(c, name)
        kind = "area" if isinstance(obj, Area) else "unit"
        node = figures.node_get_for(admin, f"{kind}:{obj.pk}")
        for period_kind in PERIODS:
            p = period_of(period_kind, today=TODAY)
            f = figures.figures_for(admin, node, p, today=TODAY)
            assert _got(f, kind) == _recount(kind, obj, p), (name, period_kind)
    # The district's unit ranking agrees with each unit's own figures.
    district = figures.node_get_for(admin, f"area:{c.district.pk}")
    p = period_of("this_year", today=TODAY)
    ranking = {
        r.id: r.person_times
        for r in figures.figures_for(admin, district, p, today=TODAY).unit_ranking
    }
    for unit in (c.tax, c.justice):
        own = figures.figures_for(
            admin, figures.node_get_for(admin, f"unit:{unit.pk}"), p, today=TODAY
        )
        assert ranking[unit.pk] == own.person_times, unit.name


WRITE = st.one_of(
    st.tuples(st.just("attend"), st.integers(0, 7), st.integers(0, 4), st.booleans()),
    st.tuples(st.just("check_out"), st.integers(0, 7), st.integers(0, 4), st.integers(1, 6)),
    st.tuples(st.just("cancel"), st.integers(0, 7)),
    st.tuples(st.just("move"), st.integers(0, 7), st.integers(0, 3)),
    st.tuples(st.just("transfer"), st.integers(0, 2), st.integers(1, 5)),
    st.tuples(st.just("report"), st.integers(0, 2), st.integers(0, 1), st.integers(1, 5)),
    st.tuples(st.just("decide"), st.integers(0, 2), st.booleans(), st.integers(1, 5)),
)


def _apply(c: Cast, world: World, op: tuple[Any, ...]) -> None:
    acts = sorted(world.activities.values(), key=lambda a: a.pk)
    people = [
        c.member_record,
        c.tax_colleague,
        c.justice_member,
        c.xingguang_resident,
        c.chenhui_resident,
    ]
    in_service = people[:3]
    places = [c.chenhui, c.xingguang, c.chenhui_grid1, c.qinghe]
    kind = op[0]
    if kind == "attend":
        activity, member = Activity.objects.get(pk=acts[op[1]].pk), people[op[2]]
        if not Attendance.objects.filter(activity=activity, member=member).exists():
            Attendance.objects.create(
                activity=activity,
                member=member,
                method="manual",
                hours=Decimal("1.5"),
                hours_confirmed=op[3],
            )
    elif kind == "check_out":  # the QR check-out's way: update(), then say so
        found = Attendance.objects.filter(activity_id=acts[op[1]].pk, member=people[op[2]]).first()
        if found is not None:
            Attendance.objects.filter(pk=found.pk).update(
                hours=Decimal(op[3]), hours_confirmed=False
            )
            written.send(sender=Attendance, instance=found)
    elif kind == "cancel":
        activity = Activity.objects.get(pk=acts[op[1]].pk)
        activity.status = Activity.Status.CANCELLED
        activity.save()
    elif kind == "move":  # as the admin does: save the row with another place
        activity = Activity.objects.get(pk=acts[op[1]].pk)
        activity.area = places[op[2]]
        activity.save()
    elif kind == "transfer":
        member = Member.objects.get(pk=in_service[op[1]].pk)
        target = c.justice_branch if member.unit_id == c.tax.pk else c.tax_branch
        member_transfer(
            actor=c.platform_admin,
            member=member.public_id,
            to_org=target.pk,
            effective_on=dt.date(2026, op[2], 1),
        )
    elif kind == "report":
        member = in_service[op[1]]
        if not MemberReport.objects.filter(member=member, status="submitted").exists():
            MemberReport.objects.create(
                member=member,
                community=(c.chenhui, c.xingguang)[op[2]],
                grid=c.chenhui_grid1 if op[2] == 0 else None,
                submitted_at=at(dt.date(2026, op[3], 2)),
            )
    elif kind == "decide":
        report = MemberReport.objects.filter(member=in_service[op[1]], status="submitted").first()
        if report is None:
            return
        when = max(at(dt.date(2026, op[3], 3)), report.submitted_at + dt.timedelta(hours=1))
        if op[2]:
            for old in MemberReport.objects.filter(member=report.member, status="confirmed"):
                old.status, old.ended_at = "superseded", when
                old.save()
            report.status, report.decided_at, report.confirmed_at = "confirmed", when, when
        else:
            report.status, report.decided_at, report.reject_reason = "rejected", when, "不符合"
        report.save()


@pytest.fixture
def world(cast: Cast) -> World:
    w = build_world(cast)
    rollups_refresh(today=TODAY)
    return w


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
@given(writes=st.lists(WRITE, min_size=1, max_size=8))
def test_every_figure_equals_a_recount_in_sql_after_random_writes(
    world: World, writes: list[tuple[Any, ...]]
) -> None:
    c = world.cast
    try:
        with transaction.atomic():
            _check_all(c)
            for op in writes:
                _apply(c, world, op)
            _check_all(c)  # the months marked are read raw
            rollups_refresh(today=TODAY)
            _check_all(c)  # and rebuilt
            raise Rollback
    except Rollback:
        pass
