"""Every read of the forms app, through the caller's scope.

- a form is seen by the posts at or above its owning area (its designers) and by every filler
  with a return in one of its rounds;
- a return by its filler (the community's or the unit's posts) and the area posts above it;
- a return is filled by its own filler's post only (the community administrator of that
  community, the unit administrator of that unit); approved by a writing area post strictly
  above the filler (the street for a community, the district for a unit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils.translation import gettext as _

from gongjian.core.access import one
from gongjian.core.errors import NotFound
from gongjian.core.queries import any_of, days_q
from gongjian.core.search import search_q
from gongjian.core.validation import public_key
from gongjian.forms.models import Answer, Approval, Field, Form, Return, Round
from gongjian.orgs import scope
from gongjian.orgs import selectors as org_selectors
from gongjian.orgs.models import Area, PartyOrg, Role, Unit

FORM_NOT_FOUND = "报表不存在或无权查看"
RETURN_NOT_FOUND = "填报不存在或无权查看"
ROUND_NOT_FOUND = "报告期不存在或无权查看"


def return_q(actor: Any, prefix: str = "") -> Q:
    return scope.scope_q(actor, area=(f"{prefix}area",), unit=(f"{prefix}unit",))


def fill_q(actor: Any) -> Q:
    """The returns the caller fills: those of the communities it administers and the units."""
    posts = scope.posts_of(actor)
    if posts.superuser:
        return Q()
    own = posts.area_paths.get(Role.COMMUNITY_ADMIN, ())
    parts = []
    if own:
        parts.append(Q(area__path__in=list(own)))
    if posts.unit_ids:
        parts.append(Q(unit__in=list(posts.unit_ids)))
    return any_of(*parts) if parts else scope.NOTHING


def approve_q(actor: Any, prefix: str = "") -> Q:
    """The returns (or street nodes, with `prefix` pointing at a path) the caller approves: a
    writing area post strictly above the filler."""
    posts = scope.posts_of(actor)
    if posts.superuser:
        return Q()
    parts = [
        Q(**{f"{prefix}path__startswith": p}) & ~Q(**{f"{prefix}path": p})
        for p in posts.paths(write=True)
    ]
    return any_of(*parts) if parts else scope.NOTHING


def return_approve_q(actor: Any) -> Q:
    """The returns the caller approves: `approve_q`, except that a party organisation's
    return is approved above its community (whose administrator fills it), not by it."""
    posts = scope.posts_of(actor)
    if posts.superuser:
        return Q()
    own = list(posts.paths(write=True))
    q = approve_q(actor)
    return q & ~Q(org__isnull=False, area__path__in=own) if own else q


def design_q(actor: Any, prefix: str = "") -> Q:
    """Forms the caller designs: a district or street post at or above the owning area."""
    posts = scope.posts_of(actor)
    if posts.superuser:
        return Q()
    paths = [
        p
        for role in (Role.DISTRICT_ADMIN, Role.STREET_ADMIN)
        for p in posts.area_paths.get(role, ())
    ]
    parts = [Q(**{f"{prefix}owner__path__startswith": p}) for p in paths]
    return any_of(*parts) if parts else scope.NOTHING


def form_q(actor: Any) -> Q:
    filling = Return.objects.filter(return_q(actor), round__form=OuterRef("pk"))
    return any_of(scope.scope_q(actor, area=("owner",)), Q(Exists(filling)))


def may_design(actor: Any) -> bool:
    posts = scope.posts_of(actor)
    return posts.superuser or bool(
        posts.area_paths.get(Role.DISTRICT_ADMIN) or posts.area_paths.get(Role.STREET_ADMIN)
    )


def design_areas(*, actor: Any) -> QuerySet[Area]:
    """Where the caller may own a form: the districts and streets of its posts."""
    posts = scope.posts_of(actor)
    qs = Area.objects.filter(kind__in=(Area.Kind.DISTRICT, Area.Kind.STREET))
    if posts.superuser:
        return qs
    paths = [
        p
        for role in (Role.DISTRICT_ADMIN, Role.STREET_ADMIN)
        for p in posts.area_paths.get(role, ())
    ]
    return qs.filter(path__in=paths) if paths else qs.none()


def branch_kinds() -> list[tuple[str, str]]:
    """The kinds of party organisation a form may be filled by ("every branch of a kind")."""
    return [(str(k), str(label)) for k, label in PartyOrg.Kind.choices]


def listable_fillers(*, actor: Any) -> tuple[QuerySet[Area], QuerySet[Unit]]:
    """The communities and units a designer may list as a form's fillers: those under the
    districts and streets of its posts."""
    paths = list(design_areas(actor=actor).values_list("path", flat=True))
    if not paths:
        return Area.objects.none(), Unit.objects.none()
    under = any_of(*[Q(path__startswith=p) for p in paths])
    units = any_of(*[Q(area__path__startswith=p) for p in paths])
    return (
        Area.objects.filter(under, kind=Area.Kind.COMMUNITY).order_by("path"),
        Unit.objects.filter(units).order_by("code"),
    )


# Forms ----------------------------------------------------------------------------------------


def form_list(*, actor: Any, q: str = "", status: str = "", frequency: str = "") -> QuerySet[Form]:
    qs = (
        Form.objects.filter(form_q(actor))
        .select_related("owner")
        .annotate(round_count=Count("rounds", distinct=True))
    )
    if status:
        qs = qs.filter(status=status)
    if frequency:
        qs = qs.filter(frequency=frequency)
    if q:
        qs = qs.filter(search_q(q, "", raw=("title",)))
    return qs.order_by("-created_at", "-id")


def form_get_for(actor: Any, public_id: Any, *, design: bool = False, lock: bool = False) -> Form:
    qs = Form.objects.filter(design_q(actor) if design else form_q(actor)).select_related("owner")
    return one(
        qs, _(FORM_NOT_FOUND), public_id=public_key(public_id, message=_(FORM_NOT_FOUND)), lock=lock
    )


def may_design_form(actor: Any, form: Form) -> bool:
    return Form.objects.filter(design_q(actor), pk=form.pk).exists()


def fields_of(form: Form, version: int | None = None) -> list[Field]:
    version = form.version if version is None else version
    return [f for f in form.fields.all() if f.in_version(version)]


def version_in_use(form: Form) -> bool:
    """A round uses the form's current version: a change of design makes the next one."""
    return form.rounds.filter(version=form.version).exists()


def rules_of(form: Form, version: int) -> list[Any]:
    return [r for r in form.rules.select_related("left", "right") if r.in_version(version)]


def round_list(*, actor: Any, form: Form) -> QuerySet[Round]:
    qs = form.rounds.annotate(
        expected=Count("returns"),
        received=Count("returns", filter=Q(returns__status__in=Return.RECEIVED)),
        on_time=Count("returns", filter=Q(returns__on_time=True)),
    )
    return qs.order_by("-start")


def round_get_for(actor: Any, pk: Any, *, design: bool = False, lock: bool = False) -> Round:
    q = design_q(actor, "form__") if design else Q(form__in=Form.objects.filter(form_q(actor)))
    return one(
        Round.objects.filter(q).select_related("form", "form__owner"),
        _(ROUND_NOT_FOUND),
        pk=pk,
        lock=lock,
    )


# Returns --------------------------------------------------------------------------------------


def return_list(
    *,
    actor: Any,
    q: str = "",
    status: str = "",
    form: str = "",
    round: int | None = None,
    mine: bool = False,
    approving: bool = False,
    late: bool = False,
    area: int | None = None,
    unit: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Return]:
    qs = Return.objects.filter(return_q(actor)).select_related(
        "round", "round__form", "area", "unit", "org"
    )
    if mine:
        qs = qs.filter(fill_q(actor))
    if approving:  # waiting for the caller's approval (not those it submitted itself)
        qs = qs.filter(return_approve_q(actor), status=Return.Status.SUBMITTED)
        if getattr(actor, "is_authenticated", False):
            qs = qs.exclude(submitted_by=actor)
    if status:
        qs = qs.filter(status=status)
    if form:
        qs = qs.filter(round__form__public_id=public_key(form, message=_(FORM_NOT_FOUND)))
    if round:
        qs = qs.filter(round_id=round)
    if late:
        qs = qs.filter(Q(on_time=False) | Q(submitted_at__isnull=True))
    if area:
        qs = qs.filter(path__startswith=org_selectors.area_get_for(actor, area).path)
    if unit:
        qs = qs.filter(unit=org_selectors.unit_get_for(actor, unit))
    qs = qs.filter(days_q("round__end", start, end))
    if q:
        qs = qs.filter(
            search_q(
                q,
                "area",
                "unit",
                "org",
                "round__form",
                raw=("area__name", "unit__name", "org__name", "round__form__title"),
            )
        )
    return qs.order_by("round__due_on", "path", "id")


def return_get_for(
    actor: Any, public_id: Any, *, fill: bool = False, approve: bool = False, lock: bool = False
) -> Return:
    q = return_q(actor)
    if fill:
        q = fill_q(actor)
    if approve:
        q = return_approve_q(actor)
    qs = Return.objects.filter(q).select_related("round", "round__form", "area", "unit", "org")
    return one(
        qs,
        _(RETURN_NOT_FOUND),
        lock=lock,
        public_id=public_key(public_id, message=_(RETURN_NOT_FOUND)),
    )


def may_fill(actor: Any, ret: Return) -> bool:
    return Return.objects.filter(fill_q(actor), pk=ret.pk).exists()


def may_approve(actor: Any, ret: Return) -> bool:
    return Return.objects.filter(return_approve_q(actor), pk=ret.pk).exists()


def answers_of(ret: Return) -> dict[int, Answer]:
    return {a.field_id: a for a in ret.answers.all()}


def chase_list(*, actor: Any, round: int) -> QuerySet[Return]:
    """Who has not yet sent the round's return (not started, draft, or returned)."""
    rnd = round_get_for(actor, round)
    return (
        Return.objects.filter(return_q(actor), round=rnd)
        .exclude(status__in=Return.RECEIVED)
        .select_related("round", "round__form", "area", "unit", "org")
        .order_by("path", "id")
    )


# Roll-up --------------------------------------------------------------------------------------


@dataclass
class Tally:
    """Completeness and timeliness of a node: expected, received (submitted or approved),
    on time, approved; and the totals of the approved returns by field id."""

    expected: int = 0
    received: int = 0
    on_time: int = 0
    approved: int = 0
    totals: dict[int, Decimal | None] = field(default_factory=dict)

    @property
    def completeness(self) -> Decimal | None:
        return _pct(self.received, self.expected)

    @property
    def timeliness(self) -> Decimal | None:
        return _pct(self.on_time, self.expected)


def _pct(a: Any, b: Any) -> Decimal | None:
    if not b:
        return None
    return (Decimal(a) * 100 / Decimal(b)).quantize(Decimal("0.1"))


def _counts(qs: QuerySet[Return], by: Any = None) -> dict[Any, dict[str, int]]:
    agg = {
        "expected": Count("id"),
        "received": Count("id", filter=Q(status__in=Return.RECEIVED)),
        "on_time": Count("id", filter=Q(on_time=True)),
        "approved": Count("id", filter=Q(status=Return.Status.APPROVED)),
    }
    if by is None:
        return {None: qs.aggregate(**agg)}
    rows = qs.annotate(node=by).values("node").annotate(**agg).order_by()
    return {row.pop("node"): row for row in rows}


def _sums(qs: QuerySet[Answer], by: Any = None) -> dict[Any, dict[int, Decimal | None]]:
    rows = qs.filter(counted=True, number__isnull=False)
    out: dict[Any, dict[int, Decimal | None]] = {}
    if by is None:
        for r in rows.values("field_id").annotate(total=Sum("number")).order_by():
            out.setdefault(None, {})[r["field_id"]] = r["total"]
    else:
        grouped = rows.annotate(node=by).values("node", "field_id")
        for r in grouped.annotate(total=Sum("number")).order_by():
            out.setdefault(r["node"], {})[r["field_id"]] = r["total"]
    return out


def _ratios(totals: dict[int, Decimal | None], fields: list[Field]) -> None:
    """A percentage field made of two others is their totals' ratio, never an average."""
    for f in fields:
        if f.ratio:
            num = totals.get(f.numerator_id or 0)
            den = totals.get(f.denominator_id or 0)
            totals[f.pk] = _pct(num or 0, den) if den else None
        elif f.kind == Field.Kind.PERCENTAGE:
            totals.pop(f.pk, None)  # a typed percentage has no meaningful sum


def _depth(path: str) -> int:
    return path.strip("/").count("/") + 1


def _grouping(children: Sequence[tuple[Any, str]]) -> tuple[Any, Callable[[Any], Any]]:
    """How the rows are grouped by child, and how a group's label maps to a child's key.

    On PostgreSQL, when the children lie at one depth, a row's group is the segment of its
    path at that depth (`split_part`, one cheap expression per row whatever the number of
    children; area codes are unique, so a segment names one area); elsewhere a `CASE` over
    the children's paths. A bucket whose path does not end in `/` (a node's own units,
    `<node>#`) takes the units' segments (`#<id>`)."""
    whole = [(k, p) for k, p in children if p.endswith("/")]
    buckets = [k for k, p in children if not p.endswith("/")]
    depths = {_depth(p) for _k, p in whole}
    if connection.vendor == "postgresql" and len(depths) <= 1 and len(buckets) <= 1:
        depth = depths.pop() if depths else _depth(children[0][1].rstrip("#") or "/") + 1
        by: Any = Func(
            F("path"),
            Value("/"),
            Value(depth + 1),
            function="SPLIT_PART",
            output_field=CharField(),
        )
        exact = {p.rstrip("/").rsplit("/", 1)[-1]: k for k, p in whole}
        bucket = buckets[0] if buckets else None

        def key_of(label: Any) -> Any:
            if label in exact:
                return exact[label]
            if bucket is not None and isinstance(label, str) and label.startswith("#"):
                return bucket
            return None

        return by, key_of
    by = Case(
        *[When(path__startswith=p, then=Value(str(k))) for k, p in children],
        default=Value(""),
        output_field=CharField(),
    )
    keys = {str(k): k for k, _p in children}
    return by, keys.get


def _merge(into: dict[Any, Any], more: dict[Any, Any]) -> None:
    """Add one group's figures to a child's (a child may gather several groups)."""
    for k, v in more.items():
        into[k] = (into.get(k) or 0) + (v or 0)


def rollup(
    *, rnd: Round, path: str, fields: list[Field], children: Sequence[tuple[Any, str]] = ()
) -> tuple[Tally, list[tuple[Any, Tally]]]:
    """The node's tally (returns whose filler lies under `path`) and, for each child (a key
    and a path), its own: two aggregate queries for the node and two for all children."""
    returns = Return.objects.filter(round=rnd, path__startswith=path)
    answers = Answer.objects.filter(round=rnd, path__startswith=path)
    node = Tally(**_counts(returns)[None], totals=_sums(answers).get(None, {}))
    _ratios(node.totals, fields)
    if not children:
        return node, []
    by, key_of = _grouping(children)
    counts: dict[Any, dict[str, int]] = {}
    for label, tallied in _counts(returns, by).items():
        _merge(counts.setdefault(key_of(label), {}), tallied)
    sums: dict[Any, dict[int, Decimal | None]] = {}
    for label, summed in _sums(answers, by).items():
        _merge(sums.setdefault(key_of(label), {}), summed)
    out = []
    for key, _p in children:
        c = counts.get(key, {})
        t = Tally(
            expected=c.get("expected", 0),
            received=c.get("received", 0),
            on_time=c.get("on_time", 0),
            approved=c.get("approved", 0),
            totals=sums.get(key, {}),
        )
        _ratios(t.totals, fields)
        out.append((key, t))
    return node, out


def rollup_node(*, actor: Any, rnd: Round, area: Any = None) -> Area | None:
    """The node a caller looks at: the area named (through its scope), else the form's owner
    when the caller sees it, else None (the caller's own returns only)."""
    if area:
        return org_selectors.area_get_for(actor, area)
    try:
        return org_selectors.area_get_for(actor, rnd.form.owner_id)
    except NotFound:
        pass
    posts = scope.posts_of(actor)
    paths = posts.paths()
    if paths:
        return Area.objects.filter(path=paths[0]).first()
    return None


def street_approvals(*, rnd: Round) -> dict[int, Approval]:
    return {a.area_id: a for a in rnd.approvals.all()}


def history_fields(form: Form) -> list[Field]:
    """The fields whose history can be drawn: the numbers and yes/no of every version, one per
    code (the latest)."""
    latest: dict[str, Field] = {}
    for f in form.fields.all():
        if f.numeric or f.kind == Field.Kind.YESNO:
            if f.code not in latest or f.since >= latest[f.code].since:
                latest[f.code] = f
    return sorted(latest.values(), key=lambda f: (f.until is not None, f.position, f.pk))


def field_history(
    *, actor: Any, form: Form, field_id: Any, area: Area | None
) -> tuple[Field, list[tuple[Round, Decimal | None]]]:
    """A field's approved total under a node (else everything the caller sees) across the
    form's rounds (oldest first), in one query, counting only returns in the caller's scope.
    The field is followed by its code through the form's versions (a change of its label or
    its place makes a new row from the next period on). A percentage made of two fields is
    their totals' ratio for each period; a typed percentage has no total."""
    fld = one(form.fields.all(), _("字段不存在"), pk=field_id if str(field_id).isdigit() else 0)
    path = area.path if area is not None else "/"
    codes = {fld.code}
    if fld.ratio:
        codes |= {fld.numerator.code, fld.denominator.code}  # type: ignore[union-attr]
    rows = (
        Answer.objects.filter(
            field__in=Field.objects.filter(form=form, code__in=codes),
            counted=True,
            path__startswith=path,
        )
        .filter(ret__in=Return.objects.filter(return_q(actor), round__form=form))
        .values("round_id", "field__code")
        .annotate(total=Sum("number"))
        .order_by()
    )
    totals: dict[tuple[int, str], Decimal | None] = {
        (r["round_id"], r["field__code"]): r["total"] for r in rows
    }
    out: list[tuple[Round, Decimal | None]] = []
    for r in form.rounds.order_by("start"):
        if fld.ratio:
            num = totals.get((r.pk, fld.numerator.code))  # type: ignore[union-attr]
            den = totals.get((r.pk, fld.denominator.code))  # type: ignore[union-attr]
            out.append((r, _pct(num or 0, den) if den else None))
        elif fld.kind == Field.Kind.PERCENTAGE:
            out.append((r, None))
        else:
            out.append((r, totals.get((r.pk, fld.code))))
    return fld, out


def round_sheet_rows(*, actor: Any, round: Any) -> list[dict[str, Any]]:
    """The rows of a round's sheet, in the caller's scope: each filler's values, then each
    street's approved totals (two queries for the returns and answers, two for the totals)."""
    rnd = round_get_for(actor, round)
    fields = fields_of(rnd.form, rnd.version)
    returns = list(
        Return.objects.filter(return_q(actor), round=rnd).select_related(
            "area", "area__parent", "unit", "unit__area", "org"
        )
    )
    values: dict[int, dict[int, Any]] = {}
    for ret_id, field_id, number, text, date in Answer.objects.filter(
        ret__in=[r.pk for r in returns]
    ).values_list("ret_id", "field_id", "number", "text", "date"):
        values.setdefault(ret_id, {})[field_id] = (
            number if number is not None else (date or text or None)
        )
    rows: list[dict[str, Any]] = []
    streets: dict[int, Area] = {}
    for r in returns:
        parent = r.area.parent if r.area_id else r.unit.area  # type: ignore[union-attr]
        if parent is not None and parent.kind == Area.Kind.STREET:
            streets[parent.pk] = parent
        rows.append(
            {
                "name": r.filler_name,
                "street": parent.name
                if parent is not None and parent.kind == Area.Kind.STREET
                else "",
                "status": r.get_status_display(),
                "submitted_at": r.submitted_at,
                "on_time": {True: "是", False: "否"}.get(r.on_time, ""),  # type: ignore[arg-type]
                "values": values.get(r.pk, {}),
            }
        )
    seen = set(
        Area.objects.filter(scope.area_q(actor), pk__in=list(streets)).values_list("pk", flat=True)
    )
    ordered = sorted((a for a in streets.values() if a.pk in seen), key=lambda a: a.path)
    _node, children = rollup(
        rnd=rnd, path="/", fields=fields, children=[(a.pk, a.path) for a in ordered]
    )
    for area, (_key, tally) in zip(ordered, children, strict=True):
        rows.append(
            {
                "name": _("%(s)s合计（已审核）") % {"s": area.name},
                "street": area.name,
                "status": _("已审核%(a)d/应报%(e)d") % {"a": tally.approved, "e": tally.expected},
                "submitted_at": None,
                "on_time": "",
                "values": tally.totals,
                "total": True,
            }
        )
    return rows
