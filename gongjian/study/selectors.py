"""Every read of the study app, through the caller's scope.

A session is seen by whoever sees its party organisation (`orgs.scope.party_org_q`) and by
the members asked to it; it is organised (changed) by whoever may change that organisation.
The compliance table (ADR 0013) is counted by the database in one aggregate per set of rules:
the held sessions of each branch per kind and per month, quarter or year of the rule, and how
many of those periods reached the rule's minimum.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core.access import one
from gongjian.core.errors import NotFound
from gongjian.core.periods import Period, month_end
from gongjian.core.queries import as_uuid, days_q
from gongjian.core.search import search_q
from gongjian.core.validation import object_id
from gongjian.orgs import scope
from gongjian.orgs import selectors as org_selectors
from gongjian.orgs.models import Area, PartyOrg, Unit
from gongjian.study.models import (
    PERIOD_MONTHS,
    Attendance,
    Kind,
    Material,
    RulePeriod,
    StudyRule,
    StudySession,
)

# The party organisations regular organisational life (三会一课) is asked of.
BRANCH_KINDS = (PartyOrg.Kind.BRANCH, PartyOrg.Kind.JOINT_BRANCH)


def session_q(actor: Any, *, write: bool = False) -> Q:
    q = scope.scope_q(actor, area=("party_org__area",), unit=("party_org__unit",), write=write)
    member_id = scope.posts_of(actor).member_id
    if not write and member_id is not None and q:  # an empty Q() is everything already
        invited = Attendance.objects.filter(session=OuterRef("pk"), member_id=member_id)
        q = q | Q(Exists(invited))
    return q


def organised_sessions(*, actor: Any) -> QuerySet[StudySession]:
    """The sessions the caller may change (schedule, mark, record, confirm)."""
    return StudySession.objects.filter(session_q(actor, write=True))


def is_organiser(actor: Any) -> bool:
    posts = scope.posts_of(actor)
    return posts.superuser or bool(posts.paths(write=True)) or bool(posts.unit_ids)


def _place_q(prefix: str, *, area: Area | None, unit: Unit | None) -> Q:
    q = Q()
    if area is not None:
        q &= Q(**{f"{prefix}area__path__startswith": area.path}) | Q(
            **{f"{prefix}unit__area__path__startswith": area.path}
        )
    if unit is not None:
        q &= Q(**{f"{prefix}unit": unit})
    return q


def session_list(
    *,
    actor: Any,
    q: str = "",
    kind: str = "",
    status: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
    year: int | None = None,
    org: int | None = None,
    area: int | None = None,
    unit: int | None = None,
    mine: bool = False,
) -> QuerySet[StudySession]:
    qs = StudySession.objects.filter(session_q(actor)).select_related(
        "party_org__unit", "party_org__area"
    )
    if mine:
        member_id = scope.posts_of(actor).member_id
        qs = qs.filter(attendances__member_id=member_id) if member_id else qs.none()
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(held_on__year=year)
    qs = qs.filter(days_q("held_on", start, end))
    if org:
        qs = qs.filter(party_org_id=org)
    the_area, the_unit = org_selectors.area_unit_for(actor, area, unit)
    qs = qs.filter(_place_q("party_org__", area=the_area, unit=the_unit))
    if q:
        qs = qs.filter(search_q(q, "", "party_org", raw=("topic", "party_org__name", "speaker")))
    return qs.order_by("-starts_at", "-id")


def session_get_for(actor: Any, public_id: Any, *, write: bool = False) -> StudySession:
    return one(
        StudySession.objects.filter(session_q(actor, write=write)).select_related(
            "party_org__unit", "party_org__area", "plan"
        ),
        _("学习活动不存在或无权查看"),
        public_id=public_id,
    )


def organisable_orgs(*, actor: Any, q: str = "") -> QuerySet[PartyOrg]:
    """The party organisations the caller may schedule sessions for."""
    qs = PartyOrg.objects.filter(scope.party_org_q(actor, write=True)).select_related("unit")
    if q:
        qs = qs.filter(search_q(q, "", raw=("name",)))
    return qs.order_by("path")


def invitable_members(*, actor: Any, org: PartyOrg) -> list[tuple[str, str]]:
    """The members of an organisation (and its unit), as choices for a list of invitees."""
    qs = org_selectors.member_list(actor=actor).filter(
        Q(party_org__path__startswith=org.path) | Q(unit_id=org.unit_id)
        if org.unit_id
        else Q(party_org__path__startswith=org.path)
    )
    return [(str(m.public_id), f"{m.name}（{m.party_org.name}）") for m in qs[:500]]


def session_materials(*, session: StudySession) -> QuerySet[Material]:
    return session.materials.all()


def material_get_for(actor: Any, session_id: Any, material_id: Any) -> Material:
    session = session_get_for(actor, session_id)
    found = session.materials.filter(pk=object_id(material_id)).exclude(file="").first()
    if found is None:
        raise NotFound(_("材料不存在"))
    return found


def session_attendances(*, actor: Any, session: StudySession) -> QuerySet[Attendance]:
    """Everyone asked to a session, for its organiser."""
    organised = organised_sessions(actor=actor).filter(pk=session.pk)
    return (
        Attendance.objects.filter(session__in=organised)
        .select_related("member__party_org")
        .order_by("member__name", "id")
    )


def my_attendance(*, actor: Any, session: StudySession) -> Attendance | None:
    member_id = scope.posts_of(actor).member_id
    if member_id is None:
        return None
    return Attendance.objects.filter(session=session, member_id=member_id).first()


def attendance_q(actor: Any) -> Q:
    member_id = scope.posts_of(actor).member_id
    q = scope.scope_q(actor, area=("session__party_org__area",), unit=("session__party_org__unit",))
    if not q:  # the platform: everything
        return q
    q |= Q(session__in=organised_sessions(actor=actor).values("pk"))
    if member_id is not None:
        q |= Q(member_id=member_id)
    return q


def attendance_list(
    *,
    actor: Any,
    q: str = "",
    status: str = "",
    makeup: str = "",
    session: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
    area: int | None = None,
    unit: int | None = None,
    mine: bool = False,
    makeups: bool = False,
) -> QuerySet[Attendance]:
    """Attendance records: an organiser's, and a member's own; `makeups`: those with a
    make-up only."""
    qs = Attendance.objects.filter(attendance_q(actor)).select_related(
        "member__party_org", "session__party_org"
    )
    if mine:
        member_id = scope.posts_of(actor).member_id
        qs = qs.filter(member_id=member_id) if member_id else qs.none()
    if status:
        qs = qs.filter(status=status)
    if makeup:
        qs = qs.filter(makeup=makeup)
    if makeups:
        qs = qs.exclude(makeup="")
    if session:
        key = as_uuid(session)
        qs = qs.filter(session__public_id=key) if key else qs.none()
    qs = qs.filter(days_q("session__held_on", start, end))
    if start or end:
        qs = qs.exclude(session__status=StudySession.Status.CANCELLED)
    the_area, the_unit = org_selectors.area_unit_for(actor, area, unit)
    qs = qs.filter(_place_q("session__party_org__", area=the_area, unit=the_unit))
    if q:
        qs = qs.filter(
            search_q(q, "member__name_folded", "session", raw=("member__name", "session__topic"))
        )
    return qs.order_by("-session__starts_at", "member__name", "id")


@dataclass
class Record:
    """A member's study in one year."""

    year: int
    rows: list[Attendance]
    invited: int = 0
    present: int = 0
    leave: int = 0
    absent: int = 0
    makeups_due: int = 0
    makeups_done: int = 0
    notes: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


def my_record(*, actor: Any, year: int | None = None) -> Record:
    member = org_selectors.member_required(actor)
    return member_record(member=member, year=year or timezone.localdate().year)


def member_record(*, member: Any, year: int) -> Record:
    rows = list(
        Attendance.objects.filter(member=member, session__held_on__year=year)
        .exclude(session__status=StudySession.Status.CANCELLED)
        .select_related("session__party_org")
        .order_by("-session__starts_at", "id")
    )
    record = Record(year=year, rows=rows)
    for a in rows:
        record.invited += 1
        if a.status == Attendance.Status.PRESENT:
            record.present += 1
            label = a.session.get_kind_display()
            record.by_kind[label] = record.by_kind.get(label, 0) + 1
        elif a.status == Attendance.Status.LEAVE:
            record.leave += 1
        elif a.status == Attendance.Status.ABSENT:
            record.absent += 1
        if a.makeup in (Attendance.MakeUp.ASSIGNED, Attendance.MakeUp.RETURNED):
            record.makeups_due += 1
        if a.makeup == Attendance.MakeUp.CONFIRMED:
            record.makeups_done += 1
        if a.note:
            record.notes += 1
    return record


# Rules ---------------------------------------------------------------------------------------


def rules_for(district: Area | None) -> list[StudyRule]:
    """The rules in force in a district: the standard ones, each replaced by the district's own
    rule of the same kind; inactive ones left out."""
    rows = StudyRule.objects.filter(Q(district__isnull=True) | Q(district=district))
    chosen: dict[str, StudyRule] = {}
    for rule in sorted(rows, key=lambda r: r.district_id is not None):
        chosen[rule.kind] = rule
    order = [k for k, _label in Kind.choices]
    return sorted((r for r in chosen.values() if r.is_active), key=lambda r: order.index(r.kind))


def rule_list(*, actor: Any) -> list[tuple[Area | None, list[StudyRule], list[StudyRule]]]:
    """For each district the caller's working committee runs (every district for the
    platform administrator, after the standard rules): the rules in force and its own."""
    paths = scope.committee_paths(actor)
    districts = Area.objects.filter(kind=Area.Kind.DISTRICT)
    if paths is not None:
        districts = districts.filter(path__in=paths)
    out: list[tuple[Area | None, list[StudyRule], list[StudyRule]]] = []
    if paths is None:
        out.append((None, rules_for(None), list(StudyRule.objects.filter(district=None))))
    for d in districts.order_by("path"):
        out.append((d, rules_for(d), list(StudyRule.objects.filter(district=d))))
    return out


def rule_kinds() -> list[str]:
    """Every kind some rule asks for (standard or a district's), in order."""
    found = set(StudyRule.objects.filter(is_active=True).values_list("kind", flat=True))
    return [k for k, _label in Kind.choices if k in found]


def may_edit_rules(actor: Any) -> bool:
    paths = scope.committee_paths(actor)
    return paths is None or bool(paths)


# Compliance ----------------------------------------------------------------------------------


def period_for(
    *,
    year: int | None = None,
    quarter: str = "",
    month: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
    today: dt.date | None = None,
) -> Period:
    """The period of the compliance table: a custom range, or a month, quarter or year."""
    today = today or timezone.localdate()
    if start or end:
        end = end or today
        start = start or dt.date(end.year, 1, 1)
        if end < start:
            start, end = end, start
        return Period(start, end, "custom")
    y = year or today.year
    if month:
        first = dt.date(y, int(month), 1)
        return Period(first, month_end(first), "month")
    if quarter:
        first = dt.date(y, 3 * int(quarter) - 2, 1)
        return Period(first, month_end(dt.date(y, 3 * int(quarter), 1)), "quarter")
    return Period(dt.date(y, 1, 1), dt.date(y, 12, 31), "year")


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _bucket_dates(bucket: int, months: int) -> tuple[dt.date, dt.date]:
    first_month = bucket * months
    start = dt.date(first_month // 12, first_month % 12 + 1, 1)
    last_month = first_month + months - 1
    return start, month_end(dt.date(last_month // 12, last_month % 12 + 1, 1))


def due_buckets(rule: StudyRule, period: Period, today: dt.date) -> list[int]:
    """The months (quarters, years) of a rule that lie wholly inside the period and are over
    by today: those a branch must have met."""
    months = PERIOD_MONTHS[RulePeriod(rule.period)]
    out = []
    for b in range(_month_index(period.start) // months, _month_index(period.end) // months + 1):
        first, last = _bucket_dates(b, months)
        if first >= period.start and last <= period.end and last < today:
            out.append(b)
    return out


def bucket_label(bucket: int, period: str) -> str:
    months = PERIOD_MONTHS[RulePeriod(period)]
    first, _last = _bucket_dates(bucket, months)
    if months == 1:
        return f"{first.year}年{first.month}月"
    if months == 3:
        return f"{first.year}年第{(first.month - 1) // 3 + 1}季度"
    return f"{first.year}年"


@dataclass
class Cell:
    rule: StudyRule
    held: int = 0
    due: int = 0
    met: int = 0

    @property
    def ok(self) -> bool:
        return self.met >= self.due

    @property
    def missed(self) -> int:
        return max(self.due - self.met, 0)


@dataclass
class ComplianceRow:
    """One branch. Its cells are made when asked for (a page shows fifty rows of thousands);
    `behind` is read from the plain counts."""

    org_id: int
    name: str
    owner: str  # the unit or the community the branch belongs to
    rules: list[StudyRule]
    dues: list[int]  # per rule: the periods due
    counts: list[tuple[int, int]]  # per rule: sessions held, periods met
    sessions: int = 0
    invited: int = 0
    present: int = 0
    behind: bool = False

    @cached_property
    def cells(self) -> list[Cell]:
        return [
            Cell(rule=r, held=n, due=d, met=m)
            for r, d, (n, m) in zip(self.rules, self.dues, self.counts, strict=True)
        ]

    @property
    def rate(self) -> float | None:
        return self.present / self.invited if self.invited else None

    @property
    def missing(self) -> str:
        return "；".join(
            _("%(kind)s缺%(n)d次") % {"kind": c.rule.get_kind_display(), "n": c.missed}
            for c in self.cells
            if not c.ok
        )

    def cell(self, kind: str) -> Cell | None:
        return next((c for c in self.cells if c.rule.kind == kind), None)


@dataclass
class Compliance:
    period: Period
    rows: list[ComplianceRow]
    kinds: list[str]  # the kinds with a rule somewhere in the table, in order

    @property
    def behind(self) -> int:
        return sum(1 for r in self.rows if r.behind)


def _counts(
    branches: QuerySet[PartyOrg], rules: list[StudyRule], period: Period, today: dt.date
) -> dict[int, tuple[int, int, int, list[tuple[int, int]]]]:
    """Per branch: sessions held, invited, present, and per rule (held, periods met)."""
    dues = [due_buckets(r, period, today) for r in rules]
    if (
        connection.vendor == "postgresql"
        and all(r.minimum == 1 for r in rules)
        and all(len(d) <= 62 for d in dues)
    ):
        return _counts_by_mask(branches, rules, dues, period)
    orgs_sql, orgs_params = branches.values("pk").query.sql_with_params()
    divisor = " ".join("WHEN %s THEN %s" for _r in rules)
    divisor_params: list[Any] = []
    for r in rules:
        divisor_params += [r.kind, PERIOD_MONTHS[RulePeriod(r.period)]]
    bucket = f"(s.month_index / CASE s.kind {divisor} ELSE 1 END)" if rules else "0"
    columns = []
    rules_params: list[Any] = []
    for r in rules:
        due = due_buckets(r, period, today)
        first, last = (due[0], due[-1]) if due else (1, 0)
        columns.append("SUM(CASE WHEN t.kind = %s THEN t.n ELSE 0 END)")
        columns.append(
            "SUM(CASE WHEN t.kind = %s AND t.n >= %s AND t.b >= %s AND t.b <= %s THEN 1 ELSE 0 END)"
        )
        rules_params += [r.kind, r.kind, r.minimum, first, last]
    rules_sql = "".join(f", {c}" for c in columns)
    table = StudySession._meta.db_table
    sql = (
        f"SELECT t.org, SUM(t.n), SUM(t.inv), SUM(t.pres){rules_sql} FROM ("  # noqa: S608
        f" SELECT s.party_org_id AS org, s.kind AS kind, {bucket} AS b, COUNT(*) AS n,"
        " SUM(s.invited_count) AS inv, SUM(s.present_count) AS pres"
        f" FROM {table} s"
        " WHERE s.status = %s AND s.held_on >= %s AND s.held_on <= %s"
        f" AND s.party_org_id IN ({orgs_sql})"
        " GROUP BY 1, 2, 3) t GROUP BY t.org"
    )
    params = [
        *rules_params,
        *divisor_params,
        StudySession.Status.HELD,
        period.start,
        period.end,
        *orgs_params,
    ]
    out: dict[int, tuple[int, int, int, list[tuple[int, int]]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            per_rule = [(int(row[4 + 2 * i]), int(row[5 + 2 * i])) for i in range(len(rules))]
            out[row[0]] = (int(row[1]), int(row[2] or 0), int(row[3] or 0), per_rule)
    return out


def _counts_by_mask(
    branches: QuerySet[PartyOrg],
    rules: list[StudyRule],
    dues: list[list[int]],
    period: Period,
) -> dict[int, tuple[int, int, int, list[tuple[int, int]]]]:
    """The same as `_counts` in one pass over the sessions, grouped by branch alone, where
    every rule asks for one session a period (the standard ones): per rule, a bit for each due
    period with a session (PostgreSQL's BIT_OR), the periods met being the bits set."""
    orgs_sql, orgs_params = branches.values("pk").query.sql_with_params()
    columns = []
    params: list[Any] = []
    for r, due in zip(rules, dues, strict=True):
        months = PERIOD_MONTHS[RulePeriod(r.period)]
        first, last = (due[0], due[-1]) if due else (1, 0)
        columns.append("SUM(CASE WHEN s.kind = %s THEN 1 ELSE 0 END)")
        columns.append(
            "BIT_OR(CASE WHEN s.kind = %s AND s.month_index / %s BETWEEN %s AND %s"
            " THEN CAST(1 AS BIGINT) << (s.month_index / %s - %s) ELSE CAST(0 AS BIGINT) END)"
        )
        params += [r.kind, r.kind, months, first, last, months, first]
    rules_sql = "".join(f", {c}" for c in columns)
    table = StudySession._meta.db_table
    sql = (
        "SELECT s.party_org_id, COUNT(*), SUM(s.invited_count), SUM(s.present_count)"  # noqa: S608
        f"{rules_sql} FROM {table} s"
        " WHERE s.status = %s AND s.held_on >= %s AND s.held_on <= %s"
        f" AND s.party_org_id IN ({orgs_sql}) GROUP BY s.party_org_id"
    )
    params += [StudySession.Status.HELD, period.start, period.end, *orgs_params]
    out: dict[int, tuple[int, int, int, list[tuple[int, int]]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            per_rule = [
                (int(row[4 + 2 * i]), int(row[5 + 2 * i] or 0).bit_count())
                for i in range(len(rules))
            ]
            out[row[0]] = (int(row[1]), int(row[2] or 0), int(row[3] or 0), per_rule)
    return out


def compliance_branches(
    *, actor: Any, q: str = "", area: int | None = None, unit: int | None = None
) -> QuerySet[PartyOrg]:
    the_area, the_unit = org_selectors.area_unit_for(actor, area, unit)
    qs = PartyOrg.objects.filter(scope.party_org_q(actor), kind__in=BRANCH_KINDS).filter(
        _place_q("", area=the_area, unit=the_unit)
    )
    if q:
        qs = qs.filter(search_q(q, "", raw=("name",)))
    return qs


def compliance(
    *,
    actor: Any,
    period: Period,
    q: str = "",
    area: int | None = None,
    unit: int | None = None,
    behind: bool = False,
    today: dt.date | None = None,
) -> Compliance:
    """The compliance table: for every branch in scope, whether each kind of session the
    rules ask for was held as often as asked in every month (quarter, year) of the period that
    is over, with its attendance rate."""
    today = today or timezone.localdate()
    branches = compliance_branches(actor=actor, q=q, area=area, unit=unit)
    info = list(
        branches.order_by("path").values_list(
            "pk", "name", "unit__name", "area__name", "unit__area__path", "area__path"
        )
    )
    district_of: dict[int, str] = {}
    for pk, _n, _u, _a, unit_path, area_path in info:
        district_of[pk] = scope.district_path(unit_path or area_path or "/")
    districts = {
        d.path: d
        for d in Area.objects.filter(kind=Area.Kind.DISTRICT, path__in=set(district_of.values()))
    }
    own_rules = set(
        StudyRule.objects.filter(district__isnull=False).values_list("district__path", flat=True)
    )
    # Districts without rules of their own share the standard set: one query for all of them.
    groups: dict[str | None, list[str]] = defaultdict(list)
    for path in sorted(set(district_of.values())):
        groups[path if path in own_rules else None].append(path)
    rules_of: dict[str, list[StudyRule]] = {}
    counts: dict[int, tuple[int, int, int, list[tuple[int, int]]]] = {}
    for key, paths in groups.items():
        rules = rules_for(districts.get(key) if key else None)
        for p in paths:
            rules_of[p] = rules
        part = branches
        if key is not None or len(groups) > 1:
            cond = Q(pk__in=[])
            for p in paths:
                cond |= Q(area__path__startswith=p) | Q(unit__area__path__startswith=p)
            part = branches.filter(cond)
        counts.update(_counts(part, rules, period, today))
    kinds = sorted({r.kind for rules in rules_of.values() for r in rules})
    dues_of = {
        id(rules): [len(due_buckets(r, period, today)) for r in rules]
        for rules in rules_of.values()
    }
    rows: list[ComplianceRow] = []
    for pk, name, unit_name, area_name, _up, _ap in info:
        rules = rules_of[district_of[pk]]
        dues = dues_of[id(rules)]
        held, invited, present, per_rule = counts.get(pk, (0, 0, 0, [(0, 0)] * len(rules)))
        late = any(m < d for (_n, m), d in zip(per_rule, dues, strict=True))
        if behind and not late:
            continue
        rows.append(
            ComplianceRow(
                org_id=pk,
                name=name,
                owner=unit_name or area_name or "",
                rules=rules,
                dues=dues,
                counts=per_rule,
                sessions=held,
                invited=invited,
                present=present,
                behind=late,
            )
        )
    order = [k for k, _label in Kind.choices]
    return Compliance(period=period, rows=rows, kinds=sorted(kinds, key=order.index))


@dataclass
class BucketLine:
    rule: StudyRule
    label: str
    held: int
    ok: bool


def branch_compliance(
    *, actor: Any, org_id: Any, period: Period, today: dt.date | None = None
) -> tuple[PartyOrg, list[BucketLine]]:
    """One branch, month by month (quarter by quarter): how many of each kind it held."""
    today = today or timezone.localdate()
    org = org_selectors.party_org_get_for(actor, org_id)
    path = org.unit.area.path if org.unit_id and org.unit else (org.area.path if org.area else "/")
    district = Area.objects.filter(kind=Area.Kind.DISTRICT, path=scope.district_path(path)).first()
    held: dict[tuple[str, int], int] = defaultdict(int)
    for kind, day in StudySession.objects.filter(
        party_org=org,
        status=StudySession.Status.HELD,
        held_on__gte=period.start,
        held_on__lte=period.end,
    ).values_list("kind", "held_on"):
        held[(kind, _month_index(day))] += 1
    lines = []
    for rule in rules_for(district):
        months = PERIOD_MONTHS[RulePeriod(rule.period)]
        for b in due_buckets(rule, period, today):
            n = sum(held[(rule.kind, b * months + k)] for k in range(months))
            lines.append(
                BucketLine(
                    rule=rule, label=bucket_label(b, rule.period), held=n, ok=n >= rule.minimum
                )
            )
    return org, lines
