"""The writes of this app: rebuilding the monthly rollups (docs/adr/0007) and the month's
bit of the members' yearly masks (docs/adr/0009) — the domain tables are only read, through
the SQL that `service.figures` gives: this app writes its own tables with it — and numbering
an issue of the work briefing (`briefing_issue`)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from gongjian.core.audit import audit_record
from gongjian.reports.models import (
    BriefingIssue,
    MemberPlaceFact,
    MemberYearFact,
    RollupMonth,
    ServiceFact,
    UnitServiceFact,
)
from gongjian.reports.types import month_end, next_month
from gongjian.service import figures as service_figures

local_midnight = service_figures.local_midnight


def last_complete_month(today: dt.date) -> dt.date:
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def months_all(*, today: dt.date) -> list[dt.date]:
    """Every complete month since the first activity (a full rebuild)."""
    first = service_figures.first_activity_start()
    if first is None:
        return []
    last = last_complete_month(today)
    month = timezone.localtime(first).date().replace(day=1)
    out = []
    while month <= last:
        out.append(month)
        month = next_month(month)
    return out


def months_to_refresh(*, today: dt.date) -> list[dt.date]:
    """Every complete month since the first activity that has no rollup yet or a dirty one:
    exactly the months some write touched since they were built (every write that changes
    them marks them, `signals.py`)."""
    first = service_figures.first_activity_start()
    if first is None:
        return []
    last = last_complete_month(today)
    month = timezone.localtime(first).date().replace(day=1)
    built = dict(RollupMonth.objects.values_list("month", "dirty"))
    out = []
    while month <= last:
        if built.get(month, True):
            out.append(month)
        month = next_month(month)
    return out


def _sql_month_facts() -> tuple[str, str]:
    """One `INSERT … SELECT` per rollup table, reading the month's served attendances from
    the temporary table `service.figures.month_served_sql` makes; parameters: the month, then
    the month's `lo, hi` (places) and nothing more (units)."""
    places, units = service_figures.month_facts_sql(lead="%s, ")
    service = f"""
        INSERT INTO {ServiceFact._meta.db_table}
            (month, area_id, community_id, path, category_id,
             activities, person_times, hours, households, hours_confirmed)
        {places}
    """
    unit = f"""
        INSERT INTO {UnitServiceFact._meta.db_table}
            (month, unit_id, category_id, person_times, hours)
        {units}
    """
    return service, unit


def month_bit(month: dt.date) -> int:
    """The bit of `month` in a member's yearly mask (`MemberYearFact.months`)."""
    return 1 << (month.month - 1)


def _sql_people() -> list[tuple[str, str]]:
    """The month's bit of the members' yearly masks, as (statement, parameter names) pairs:
    cleared where the member (at that place) has no attendance at a published activity of the
    month any more, set where they have one and it is not set yet, and the rows left empty
    removed. Only what changed is written, so refreshing a month again costs reads, not a
    rewrite of every mask. Bitwise `&`, `|`, `~` and `INSERT … ON CONFLICT DO UPDATE … WHERE`
    read the same on PostgreSQL and SQLite (whose upsert needs the `WHERE` of the `SELECT`,
    present here)."""
    source, where, member = service_figures.served_sql()
    year, place = MemberYearFact._meta.db_table, MemberPlaceFact._meta.db_table
    served = f"SELECT 1 FROM {source}"  # noqa: S608 - SQL of the service app, values as parameters
    clear_year = f"""
        UPDATE {year} SET months = months & ~%s
        WHERE year = %s AND (months & %s) <> 0
          AND NOT EXISTS ({served} AND {member} = {year}.member_id)
    """  # noqa: S608
    clear_place = f"""
        UPDATE {place} SET months = months & ~%s
        WHERE year = %s AND (months & %s) <> 0
          AND NOT EXISTS ({served} AND {member} = {place}.member_id
                          AND {where} = {place}.area_id)
    """  # noqa: S608
    set_year = f"""
        INSERT INTO {year} (year, member_id, months)
        SELECT %s, {member}, %s
        FROM {source}
        GROUP BY {member}
        ON CONFLICT (year, member_id) DO UPDATE SET months = {year}.months | excluded.months
        WHERE ({year}.months & excluded.months) = 0
    """  # noqa: S608
    set_place = f"""
        INSERT INTO {place} (year, area_id, member_id, months)
        SELECT %s, {where}, {member}, %s
        FROM {source}
        GROUP BY {where}, {member}
        ON CONFLICT (year, area_id, member_id)
        DO UPDATE SET months = {place}.months | excluded.months
        WHERE ({place}.months & excluded.months) = 0
    """  # noqa: S608
    drop = "DELETE FROM {t} WHERE year = %s AND months = 0"
    return [
        (clear_year, "bit year bit"),
        (clear_place, "bit year bit"),
        (set_year, "year bit"),
        (set_place, "year bit"),
        (drop.format(t=year), "year"),
        (drop.format(t=place), "year"),
    ]


def _year_masks_sql(bits: list[int]) -> list[str]:
    """The members' yearly masks of one year written afresh from its months' attendances (bit
    per month summed over the distinct months: their OR, on both databases). Parameters: the
    year, then `service.figures.months_served_sql`'s."""
    served = service_figures.months_served_sql(bits)
    year, place = MemberYearFact._meta.db_table, MemberPlaceFact._meta.db_table
    return [
        f"""INSERT INTO {year} (year, member_id, months)
            SELECT %s, s.member_id, SUM(DISTINCT s.bit) FROM ({served}) s
            GROUP BY s.member_id""",  # noqa: S608 - SQL of the service app, values as parameters
        f"""INSERT INTO {place} (year, area_id, member_id, months)
            SELECT %s, s.place_id, s.member_id, SUM(DISTINCT s.bit) FROM ({served}) s
            GROUP BY s.place_id, s.member_id""",  # noqa: S608
    ]


#: From this many months of one year to rebuild, its masks are written once for the whole
#: year (`_year_refresh`) instead of month by month: one pass over the year's attendances
#: against four statements per month.
YEAR_AT_ONCE = 4


def _month_facts(month: dt.date, *, masks: bool) -> tuple[int, int, float]:
    """Rebuild one month's facts (and, with `masks`, its bit of the yearly masks) in one
    transaction. Returns the month's rollup record, the version it was read at and when."""
    record, _created = RollupMonth.objects.get_or_create(month=month, defaults={"dirty": True})
    version = record.version
    started = time.monotonic()
    ops = connection.ops
    lo = ops.adapt_datetimefield_value(local_midnight(month))
    hi = ops.adapt_datetimefield_value(local_midnight(next_month(month)))
    service_sql, unit_sql = _sql_month_facts()
    served_create, served_drop = service_figures.month_served_sql()
    with transaction.atomic():
        ServiceFact.objects.filter(month=month).delete()
        UnitServiceFact.objects.filter(month=month).delete()
        with connection.cursor() as cursor:
            # The month's attendances, found once; created and dropped inside this
            # transaction (so a transaction-pooled connection never keeps it).
            cursor.execute(served_drop)
            cursor.execute(served_create, [lo, hi])
            if connection.vendor == "postgresql":
                cursor.execute(f"ANALYZE {service_figures.SERVED}")
            cursor.execute(service_sql, [month, lo, hi])
            cursor.execute(unit_sql, [month])
            if masks:
                values = {"bit": month_bit(month), "year": month.year}
                for sql, names in _sql_people():
                    cursor.execute(sql, [values[name] for name in names.split()])
            cursor.execute(served_drop)
        if masks:
            _mark_clean([(record.pk, version, started)])
    return record.pk, version, started


def _mark_clean(built: list[tuple[int, int, float]]) -> int:
    """Mark clean the months built, each only if no write came since it was read (its version
    unchanged): a month written meanwhile stays dirty and is read raw until the next refresh."""
    done = 0
    for pk, version, started in built:
        done += RollupMonth.objects.filter(pk=pk, version=version).update(
            dirty=False,
            refreshed_at=timezone.now(),
            duration_ms=int((time.monotonic() - started) * 1000),
        )
    return done


def rollup_month_refresh(*, month: dt.date) -> bool:
    """Rebuild one month. True when it ends clean; False when a write came in meanwhile
    (the month stays dirty and is read raw until the next refresh)."""
    pk, version, _started = _month_facts(month.replace(day=1), masks=True)
    return RollupMonth.objects.filter(pk=pk, version=version, dirty=False).exists()


def _year_refresh(
    year: int, months: list[dt.date], *, today: dt.date, tick: Callable[[], None]
) -> None:
    """Rebuild `months` (of one `year`) and the year's masks at once: each month's facts in
    its own transaction, left dirty; then, in one transaction, the year's masks written afresh
    over every complete month of the year and the months marked clean (those no write came to
    since they were read). Until then the months read raw, so no figure mixes new facts with
    old masks."""
    built = []
    for month in months:
        built.append(_month_facts(month, masks=False))
        tick()
    complete = [dt.date(year, m, 1) for m in range(1, 13) if month_end(dt.date(year, m, 1)) < today]
    ops = connection.ops
    ends = [ops.adapt_datetimefield_value(local_midnight(next_month(m))) for m in complete]
    start = ops.adapt_datetimefield_value(local_midnight(complete[0]))
    with transaction.atomic():
        MemberYearFact.objects.filter(year=year).delete()
        MemberPlaceFact.objects.filter(year=year).delete()
        with connection.cursor() as cursor:
            for sql in _year_masks_sql([month_bit(m) for m in complete]):
                cursor.execute(sql, [year, *ends, start, ends[-1]])
        _mark_clean(built)


def rollups_refresh(
    *,
    months: Iterable[dt.date] | None = None,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[dt.date]:
    """Rebuild the given months, or those `months_to_refresh` names. Only complete months are
    ever rolled up: the current month is always read from the raw tables. `progress(done,
    total)` is told after each month. A year with `YEAR_AT_ONCE` months or more to rebuild
    (a full rebuild, a first build) has its masks written once for the year."""
    today = today or timezone.localdate()
    wanted = sorted({m.replace(day=1) for m in months} if months is not None else [])
    if months is None:
        wanted = months_to_refresh(today=today)
    wanted = [m for m in wanted if month_end(m) < today]
    built = 0

    def tick() -> None:
        nonlocal built
        built += 1
        if progress is not None:
            progress(built, len(wanted))

    if progress is not None and wanted:
        progress(0, len(wanted))
    for year in sorted({m.year for m in wanted}):
        of_year = [m for m in wanted if m.year == year]
        if len(of_year) >= YEAR_AT_ONCE:
            _year_refresh(year, of_year, today=today, tick=tick)
            continue
        for month in of_year:
            _month_facts(month, masks=True)
            tick()
    done = wanted
    if done:
        # Fresh statistics for the planner: with none (a first build), it guesses a handful
        # of mask rows per year and scans them all instead of one index range per place.
        with connection.cursor() as cursor:
            for model in (ServiceFact, UnitServiceFact, MemberYearFact, MemberPlaceFact):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return done


def briefing_issue(
    *, actor: Any, issuer: str, scope_key: str, scope_name: str, period_label: str
) -> BriefingIssue:
    """The next issue (期号) of `issuer`'s briefing this year, recorded and audited; two
    downloads at once get two numbers (the database keeps them unique, the loser retries)."""
    year = timezone.localdate().year
    for _attempt in range(5):
        try:
            with transaction.atomic():
                last = (
                    BriefingIssue.objects.filter(issuer=issuer, year=year)
                    .order_by("-number")
                    .values_list("number", flat=True)
                    .first()
                )
                issue = BriefingIssue.objects.create(
                    issuer=issuer,
                    year=year,
                    number=(last or 0) + 1,
                    scope_key=scope_key,
                    scope_name=scope_name,
                    period_label=period_label,
                    issued_by=actor if getattr(actor, "pk", None) else None,
                )
        except IntegrityError:
            continue
        audit_record(action="create", obj=issue, changes={"number": issue.number})
        return issue
    raise RuntimeError("briefing issue numbering kept colliding")
