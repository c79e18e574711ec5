"""The recount: given the test district with its months rolled up, random writes (sign-ins,
QR check-outs through the service's own write, cancellations, places moved, transfers with
past dates, members leaving the service or the roll on past days, reports submitted, confirmed,
rejected and moved) and then every figure of several scopes (district, street, community,
grid, two units) and periods (ending on several days of the year: the roster figures are
counted as of each period's end, from the members' spells) equals a recount written here
directly in SQL over the tables, before the rollups are rebuilt and after. Runs on
SQLite and PostgreSQL alike (the same SQL)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongjian.orgs.models import Area, Member
from gongjian.orgs.services import member_leave, member_transfer, member_update
from gongjian.reporting.models import MemberReport
from gongjian.reports import figures
from gongjian.reports.services import local_midnight, rollups_refresh
from gongjian.reports.tests.world import TODAY, World, at, build_world
from gongjian.reports.types import Period, period_of
from gongjian.service.models import Activity, Attendance, Outcome
from gongjian.service.services.attendance import _scan_out as scan_out
from gongjian.testing.cast import Cast

ACT = Activity._meta.db_table
ATT = Attendance._meta.db_table
OUT = Outcome._meta.db_table
AREA = Area._meta.db_table
MEMBER = Member._meta.db_table
REPORT = MemberReport._meta.db_table
UNIT_TABLE = "orgs_unit"

SCOPES = ("district", "qinghe", "chenhui", "chenhui_grid1", "tax", "justice")
PERIODS = ("this_year", "last_month", "last_year", "this_month")
# Periods ending on other days of the year, between the writes' effective dates (the roster
# figures are counted as of each period's end).
CUSTOM = ((dt.date(2026, 1, 1), dt.date(2026, 2, 14)), (dt.date(2026, 3, 1), dt.date(2026, 4, 20)))


def _periods() -> list[Period]:
    named = [period_of(kind, today=TODAY) for kind in PERIODS]
    return named + [period_of("custom", today=TODAY, start=a, end=b) for a, b in CUSTOM]


class Rollback(Exception):
    pass


ROLL = ("unit_id", "in_service", "is_active", "home_community_id", "home_grid_id")


@dataclass
class Ledger:
    """The test's own account of who belonged where and when: each member's row as the world
    left it (on the roll from their joining day), and every change the writes made, with
    the day it took effect. A change counts from its day; of two on the same day, the later
    recorded. The recount reads the roster from here, never from the spells."""

    start: dict[int, tuple[dt.date | None, dict[str, Any]]] = field(default_factory=dict)
    events: list[tuple[dt.date, int, int, str, Any]] = field(default_factory=list)

    @classmethod
    def of_members(cls) -> Ledger:
        rows = Member.objects.values_list("pk", "joined_on", *ROLL)
        return cls({pk: (joined, dict(zip(ROLL, rest, strict=True))) for pk, joined, *rest in rows})

    def state(self, member_id: int, day: dt.date) -> dict[str, Any] | None:
        joined, first = self.start[member_id]
        if joined is not None and day < joined:
            return None
        out = dict(first)
        for when, _seq, who, name, value in sorted(self.events):
            if who == member_id and when <= day:
                out[name] = value
        return out

    def note(self, member_id: int, day: dt.date, **values: Any) -> None:
        """A write changed these fields from `day` (those that differ from the present)."""
        now = self.state(member_id, dt.date.max) or {}
        for name, value in values.items():
            if now.get(name) != value:
                self.events.append((day, len(self.events), member_id, name, value))

    def roster(self, day: dt.date, where: Any) -> list[int]:
        """The in-service members on the roll on `day` whose state there meets `where`."""
        out = []
        for pk in sorted(self.start):
            s = self.state(pk, day)
            if s is not None and s["in_service"] and s["is_active"] and where(s):
                out.append(pk)
        return out


def _ids(sql: str, params: list[Any]) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


def _one(sql: str, params: list[Any]) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        value = cursor.fetchone()[0]
    return value


def _members(ids: list[int]) -> tuple[str, list[Any]]:
    if not ids:
        return f"FROM {MEMBER} m WHERE 1 = 0", []
    return f"FROM {MEMBER} m WHERE m.id IN ({', '.join(['%s'] * len(ids))})", list(ids)


def _recount(kind: str, obj: Any, p: Period, ledger: Ledger) -> dict[str, Any]:
    """Every figure, in plain SQL; the roster of the period's end from the ledger."""
    as_sql = connection.ops.adapt_datetimefield_value  # aware moments as the column stores them
    lo, hi = as_sql(local_midnight(p.start)), as_sql(local_midnight(p.end + dt.timedelta(days=1)))
    moment = as_sql(local_midnight(min(p.end, TODAY) + dt.timedelta(days=1)))
    # The roll as it stood on the period's last day (or today), by the ledger.
    end = min(p.end, TODAY)
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
        members, margs = _members(ledger.roster(end, lambda s: s["unit_id"] == obj.pk))
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
            units = _ids(
                f"SELECT u.id FROM {UNIT_TABLE} u JOIN {AREA} ua ON ua.id = u.area_id WHERE ua.path LIKE %s",  # noqa: S608, E501
                [like],
            )
            members, margs = _members(ledger.roster(end, lambda s: s["unit_id"] in units))
            to_area, targs = "", []
        elif obj.kind == "grid":
            members, margs = _members(ledger.roster(end, lambda s: s["home_grid_id"] == obj.pk))
            to_area, targs = "AND r.grid_id = %s", [obj.pk]
        else:
            homes = _ids(f"SELECT id FROM {AREA} WHERE path LIKE %s", [like])  # noqa: S608
            members, margs = _members(ledger.roster(end, lambda s: s["home_community_id"] in homes))
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
            f"SELECT COUNT(*) {members} AND EXISTS (SELECT 1 FROM {REPORT} r WHERE r.member_id = m.id AND {cond} {to_area})",  # noqa: S608, E501
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


def _check_all(c: Cast, ledger: Ledger) -> None:
    admin = c.platform_admin
    for name in SCOPES:
        obj = getattr(c, name)
        kind = "area" if isinstance(obj, Area) else "unit"
        node = figures.node_get_for(admin, f"{kind}:{obj.pk}")
        for p in _periods():
            f = figures.figures_for(admin, node, p, today=TODAY)
            assert _got(f, kind) == _recount(kind, obj, p, ledger), (name, p)
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
    st.tuples(st.just("leave"), st.integers(0, 2), st.integers(1, 5), st.booleans()),
    st.tuples(st.just("report"), st.integers(0, 2), st.integers(0, 1), st.integers(1, 5)),
    st.tuples(st.just("decide"), st.integers(0, 2), st.booleans(), st.integers(1, 5)),
)


def _apply(c: Cast, world: World, op: tuple[Any, ...], ledger: Ledger) -> None:
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
    elif kind == "check_out":  # a QR check-out, through the service's own write
        unconfirmed = list(Attendance.objects.filter(hours_confirmed=False).order_by("pk"))
        if not unconfirmed:
            return
        found = unconfirmed[(op[1] * 5 + op[2]) % len(unconfirmed)]
        activity = Activity.objects.get(pk=found.activity_id)
        # Checked in by QR at the start, not out yet (times that no figure reads).
        Attendance.objects.filter(pk=found.pk).update(
            checked_in_at=activity.starts_at, checked_out_at=None
        )
        out = min(activity.starts_at + dt.timedelta(hours=op[3]), activity.ends_at)
        scan_out(activity, Member.objects.get(pk=found.member_id), out)
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
        if not (member.is_active and member.in_service):
            return  # off the roll, or out of the service: no longer transferred between units
        target = c.justice_branch if member.party_org_id == c.tax_branch.pk else c.tax_branch
        day = dt.date(2026, op[2], 1)
        ledger.note(member.pk, day, unit_id=target.unit_id)
        member_transfer(
            actor=c.platform_admin, member=member.public_id, to_org=target.pk, effective_on=day
        )
    elif kind == "leave":  # left the service (retired), or the roll, on a past day
        member = Member.objects.get(pk=in_service[op[1]].pk)
        day = dt.date(2026, op[2], 15)
        if op[3] and member.in_service and member.is_active:
            ledger.note(member.pk, day, in_service=False, unit_id=None)
            member_update(
                actor=c.platform_admin,
                member=member.public_id,
                in_service=False,
                unit=None,
                effective_on=day,
            )
        elif not op[3] and member.is_active:
            ledger.note(member.pk, day, is_active=False)
            member_leave(
                actor=c.platform_admin, member_id=member.public_id, reason="调离", left_on=day
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
            ledger = Ledger.of_members()
            _check_all(c, ledger)
            for op in writes:
                _apply(c, world, op, ledger)
            _check_all(c, ledger)  # the months marked are read raw
            rollups_refresh(today=TODAY)
            _check_all(c, ledger)  # and rebuilt
            raise Rollback
    except Rollback:
        pass
