"""Every write of the grid app: resolved through the caller's scope, validated, atomic,
audited.

- households: a community (or the street or district above it) keeps its households per
  grid, by hand or imported (`importers.py`, all-or-nothing); the head's phone and ID number
  are stored encrypted with a blind index, and revealed only through `household_unmask`;
- assignments: the area posts over a grid assign any member they see; a unit administrator
  sends the unit's own members down to a grid of the unit's district (下沉网格); one open
  assignment per member and grid (a named unique constraint);
- visits: a grid leader or an assigned cadre (or an area post) logs a visit to a household
  of the grid (or a new one) with what was found;
- issues: `issue_pass` hands an issue on to another app, through that app's own service
  (a co-building demand, an inspection finding) or, for a suggestion, through the handler
  the consult app registers (`pass_handler_register`): the seam this app leaves for it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core import crypto
from gongjian.core.access import key_of, one, user_of
from gongjian.core.audit import audit_record
from gongjian.core.errors import Conflict, PermissionDenied
from gongjian.core.validation import clean_choice, clean_date, clean_int, clean_text, invalid
from gongjian.core.validators import normalize_mobile, parse_id_number
from gongjian.grid import selectors
from gongjian.grid.models import Assignment, Household, Issue, Visit
from gongjian.orgs import scope
from gongjian.orgs import selectors as org_selectors
from gongjian.orgs.models import Area, Member

FLAGS = ("elderly_alone", "hardship", "empty_nest")


def _truthy(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "on", "yes", "是", "√")


def personal_fields(*, phone: Any = "", id_number: Any = "") -> dict[str, str]:
    """The encrypted head's phone and ID number and their blind indexes (both optional)."""
    out = {"head_phone": "", "head_phone_hash": "", "head_id_number": "", "head_id_number_hash": ""}
    phone_text = str(phone or "").strip()
    if phone_text:
        mobile = normalize_mobile(phone_text, field_name="head_phone")
        out.update(head_phone=mobile, head_phone_hash=crypto.blind_index(mobile))
    id_text = str(id_number or "").strip()
    if id_text:
        parsed = parse_id_number(id_text, field_name="head_id_number").value
        out.update(head_id_number=parsed, head_id_number_hash=crypto.blind_index(parsed))
    return out


def household_fields(
    *,
    head_name: Any,
    building: Any = "",
    entrance: Any = "",
    room: Any = "",
    address: Any = "",
    head_phone: Any = "",
    head_id_number: Any = "",
    size: Any = 1,
    note: Any = "",
    **flags: Any,
) -> dict[str, Any]:
    """A household's fields, checked; the same rules for the form, the API and the import."""
    fields: dict[str, Any] = {
        "head_name": clean_text("head_name", head_name, _("户主姓名"), 50),
        "building": clean_text("building", building, _("楼栋"), 20, required=False),
        "entrance": clean_text("entrance", entrance, _("单元"), 20, required=False),
        "room": clean_text("room", room, _("房号"), 20, required=False),
        "address": clean_text("address", address, _("地址"), 200, required=False),
        "size": clean_int(
            "size", size if size not in (None, "") else 1, _("人口数"), minimum=1, maximum=50
        ),
        "note": clean_text("note", note, _("备注"), 200, required=False),
    }
    if not fields["room"] and not fields["address"]:
        raise invalid("room", _("请填写房号（楼栋、单元、房号）或村组地址"))
    fields.update(personal_fields(phone=head_phone, id_number=head_id_number))
    for flag in FLAGS:
        fields[flag] = _truthy(flags.get(flag, False))
    return fields


def _grid_to_visit(actor: Any, grid_id: Any, *, write: bool = False) -> Area:
    qs = (
        selectors.grids(actor=actor, write=True) if write else selectors.grids_to_visit(actor=actor)
    )
    return one(qs, _("网格不存在或不在您的管理范围"), pk=grid_id)


def _taken() -> Conflict:
    return Conflict(_("该网格已有同一地址的住户"))


@transaction.atomic
def household_create(*, actor: Any, grid_id: Any, **values: Any) -> Household:
    """A community keeps a household of one of its grids; a grid's cadre may add one met on a
    visit."""
    grid = _grid_to_visit(actor, grid_id)
    fields = household_fields(**values)
    if Household.objects.filter(
        grid=grid, **{k: fields[k] for k in ("building", "entrance", "room", "address")}
    ).exists():
        raise _taken()
    try:
        with transaction.atomic():
            household = Household.objects.create(grid=grid, **fields)
    except IntegrityError:
        raise _taken() from None
    audit_record(
        action="create",
        obj=household,
        changes={"grid": [None, grid.pk], "flags": [None, household.flags]},
    )
    return household


@transaction.atomic
def household_flags_update(*, actor: Any, household_id: Any, **flags: Any) -> Household:
    household = one(
        Household.objects.filter(selectors.grid_q(actor, "grid__")),
        _("住户不存在或无权查看"),
        public_id=household_id,
        lock=True,
    )
    before = household.flags
    for flag in FLAGS:
        if flag in flags:
            setattr(household, flag, _truthy(flags[flag]))
    household.save(update_fields=[*FLAGS, "updated_at"])
    audit_record(action="update", obj=household, changes={"flags": [before, household.flags]})
    return household


PERSONAL = ("head_phone", "head_id_number")
ADDRESS = ("building", "entrance", "room", "address")


def _household_to_keep(actor: Any, household_id: Any) -> Household:
    """A household of a grid the caller keeps (an area post over it, not a grid's cadre)."""
    return one(
        Household.objects.filter(selectors.grid_q(actor, "grid__", write=True)),
        _("住户不存在或不在您的管理范围"),
        public_id=household_id,
        lock=True,
    )


@transaction.atomic
def household_update(
    *,
    actor: Any,
    household_id: Any,
    grid_id: Any = None,
    clear_head_phone: Any = False,
    clear_head_id_number: Any = False,
    is_active: Any = None,
    **values: Any,
) -> Household:
    """Change a household: its grid (one the caller keeps), address, head, size, note and
    flags. The head's phone and ID number are kept when left blank (they are shown masked),
    replaced when given, emptied with `clear_*`; the audit says which of them changed, never
    their values. `is_active=False` takes it off the register (moved out) and keeps its
    visits."""
    household = _household_to_keep(actor, household_id)
    grid = (
        household.grid
        if grid_id in (None, "") or str(grid_id) == str(household.grid_id)
        else _grid_to_visit(actor, grid_id, write=True)
    )
    given = {k: values.get(k, "") for k in PERSONAL}
    fields = household_fields(**{**values, "head_phone": "", "head_id_number": ""})
    for k in PERSONAL:
        fields.pop(k)
        fields.pop(f"{k}_hash")
    new_personal = personal_fields(phone=given["head_phone"], id_number=given["head_id_number"])
    personal: dict[str, str] = {}
    for k, clear in (("head_phone", clear_head_phone), ("head_id_number", clear_head_id_number)):
        if str(given[k] or "").strip():
            personal[k], personal[f"{k}_hash"] = new_personal[k], new_personal[f"{k}_hash"]
        elif _truthy(clear):
            personal[k], personal[f"{k}_hash"] = "", ""
    taken = Household.objects.filter(grid=grid, **{k: fields[k] for k in ADDRESS}).exclude(
        pk=household.pk
    )
    if taken.exists():
        raise _taken()
    before = {k: getattr(household, k) for k in fields} | {"grid": household.grid_id}
    before_flags = household.flags
    changed_personal = [
        k for k in PERSONAL if k in personal and getattr(household, k) != personal[k]
    ]
    household.grid = grid
    for k, v in {**fields, **personal}.items():
        setattr(household, k, v)
    if is_active is not None:
        household.is_active = _truthy(is_active)
    try:
        with transaction.atomic():
            household.save()
    except IntegrityError:
        raise _taken() from None
    after = {k: getattr(household, k) for k in fields} | {"grid": household.grid_id}
    changes: dict[str, Any] = {
        k: [before[k], after[k]] for k in after if before[k] != after[k] and k not in FLAGS
    }
    if before_flags != household.flags:
        changes["flags"] = [before_flags, household.flags]
    for k in changed_personal:
        changes[k] = ["***", "***"]
    if is_active is not None:
        changes["is_active"] = [None, household.is_active]
    audit_record(action="update", obj=household, changes=changes)
    return household


@transaction.atomic
def household_delete(*, actor: Any, household_id: Any) -> str:
    """Delete a household entered by mistake. One already visited is refused (its visits and
    the coverage they count stay); take it off the register instead."""
    household = _household_to_keep(actor, household_id)
    visits = household.visits.count()
    if visits:
        raise Conflict(
            _("该住户已有%(n)s次走访记录，不能删除；如已迁出，请在修改中取消“在册”") % {"n": visits}
        )
    label = str(household)
    audit_record(
        action="delete",
        obj=household,
        changes={"grid": [household.grid_id, None], "place": [household.place, None]},
    )
    household.delete()
    return label


def household_unmask(*, actor: Any, household_id: Any, field_name: str, reason: str = "") -> str:
    """The whole phone or ID number of a household's head; always audited (refusals too)."""
    if field_name not in ("head_phone", "head_id_number"):
        raise invalid("field", _("只能查看户主电话或身份证号"))
    household = selectors.household_get_for(actor, household_id)
    reason = clean_text("reason", reason, _("查看原因"), 500, required=False)
    posts = scope.posts_of(actor)
    allowed = selectors.may_unmask(actor)
    if field_name == "head_id_number":
        allowed = posts.superuser or bool(posts.paths(write=True))
    if not allowed:
        audit_record(
            actor=actor,
            action="unmask",
            obj=household,
            success=False,
            reason=reason or "refused",
            changes={"field": field_name},
        )
        raise PermissionDenied(_("您的岗位不能查看完整的个人信息"))
    audit_record(
        actor=actor,
        action="unmask",
        obj=household,
        reason=reason or _("未填写"),
        changes={"field": field_name},
    )
    return str(getattr(household, field_name) or "")


# Assignments ----------------------------------------------------------------------------------


@transaction.atomic
def assignment_create(
    *,
    actor: Any,
    grid_id: Any,
    member_id: Any,
    role: str,
    starts_on: Any,
    ends_on: Any = None,
) -> Assignment:
    """A grid leader or a member sent down, from `starts_on` (to `ends_on`, when known)."""
    role = clean_choice("role", role, _("职责"), Assignment.Role.choices)
    start = clean_date("starts_on", starts_on, _("开始日期"))
    end = clean_date("ends_on", ends_on, _("结束日期"), required=False)
    if end is not None and end < start:
        raise invalid("ends_on", _("结束日期不能早于开始日期"))
    posts = scope.posts_of(actor)
    managed = selectors.grids(actor=actor, write=True).filter(pk=_id(grid_id)).first()
    key = key_of(member_id)
    if managed is not None:
        grid = managed
        member = (
            org_selectors.member_list(actor=actor).filter(public_id=key).first()
            or Member.objects.filter(
                public_id=key, unit__area__path__startswith=scope.district_path(grid.path)
            ).first()
        )
    elif posts.unit_ids:
        # A unit sends its own members down to a grid of its district.
        member = (
            Member.objects.filter(public_id=key, unit_id__in=posts.unit_ids, is_active=True)
            .select_related("unit__area")
            .first()
        )
        if member is None:
            raise invalid("member", _("只能安排本单位的党员下沉网格"))
        grid = one(
            Area.objects.filter(
                kind=Area.Kind.GRID,
                path__startswith=scope.district_path(member.unit.area.path),  # type: ignore[union-attr]
            ),
            _("网格不存在或不在本区"),
            pk=grid_id,
        )
        role = Assignment.Role.SENT_DOWN
    else:
        raise PermissionDenied(_("只有社区、街道、区级管理员或派出单位可以安排网格力量"))
    if member is None:
        raise invalid("member", _("党员不存在或不在您的管理范围"))
    one(Member.objects.all(), _("党员不存在"), pk=member.pk, lock=True)
    # One assignment of a member to a grid at a time (the member's row locked above).
    overlapping = Assignment.objects.filter(grid=grid, member=member).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=start)
    )
    if end is not None:
        overlapping = overlapping.filter(starts_on__lte=end)
    if overlapping.exists():
        raise Conflict(_("%(n)s在这段时间已在该网格") % {"n": member.name})
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                grid=grid,
                member=member,
                role=role,
                unit=member.unit if role == Assignment.Role.SENT_DOWN else None,
                starts_on=start,
                ends_on=end,
                assigned_by=user_of(actor),
            )
    except IntegrityError:
        raise Conflict(_("%(n)s已在该网格") % {"n": member.name}) from None
    audit_record(
        action="create",
        obj=assignment,
        changes={"grid": [None, grid.pk], "member": [None, member.pk], "role": [None, role]},
    )
    return assignment


def _id(value: Any) -> int:
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 18 else 0


@transaction.atomic
def assignment_end(*, actor: Any, assignment_id: Any, ends_on: Any = None) -> Assignment:
    assignment = one(
        selectors.assignments_for_write(actor=actor),
        _("网格力量不存在或无权管理"),
        pk=assignment_id,
        lock=True,
    )
    end = clean_date("ends_on", ends_on, _("结束日期"), required=False) or timezone.localdate()
    if end < assignment.starts_on:
        raise invalid("ends_on", _("结束日期不能早于开始日期"))
    if assignment.ends_on is not None and assignment.ends_on <= end:
        raise Conflict(_("该安排已结束"))
    before = assignment.ends_on
    assignment.ends_on = end
    assignment.save(update_fields=["ends_on", "updated_at"])
    audit_record(
        action="update",
        obj=assignment,
        changes={"ends_on": [before and before.isoformat(), end.isoformat()]},
    )
    return assignment


# Visits and issues ----------------------------------------------------------------------------


@transaction.atomic
def visit_log(
    *,
    actor: Any,
    household_id: Any = None,
    grid_id: Any = None,
    new_household: dict[str, Any] | None = None,
    visited_on: Any = None,
    met: str = "",
    notes: str = "",
    issues: Sequence[tuple[str, str]] = (),
) -> Visit:
    """A visit to a household of a grid the caller may visit (or to a new household of that
    grid, given as `new_household` with `grid_id`), with the issues found: (kind, text)."""
    day = clean_date("visited_on", visited_on or timezone.localdate(), _("走访日期"))
    if day > timezone.localdate():
        raise invalid("visited_on", _("走访日期不能晚于今天"))
    met = clean_text("met", met, _("见到"), 100, required=False)
    notes = clean_text("notes", notes, _("走访情况"), 4000, required=False, multiline=True)
    cleaned = []
    for kind, text in issues:
        if not str(text or "").strip() and not str(kind or "").strip():
            continue
        cleaned.append(
            (
                clean_choice("issue_kind", kind, _("问题类型"), Issue.Kind.choices),
                clean_text("issue", text, _("问题描述"), 2000, multiline=True),
            )
        )
    if len(cleaned) > 20:
        raise invalid("issue", _("一次走访最多记录20个问题"))
    if household_id not in (None, ""):
        household = one(
            Household.objects.filter(
                grid__in=selectors.grids_to_visit(actor=actor), is_active=True
            ),
            _("住户不存在或不在您走访的网格"),
            public_id=household_id,
        )
    elif new_household is not None:
        household = household_create(actor=actor, grid_id=grid_id, **new_household)
    else:
        raise invalid("household", _("请选择走访的住户，或登记新住户"))
    visit = Visit.objects.create(
        household=household,
        grid_id=household.grid_id,
        visitor=org_selectors.member_of(actor),
        visited_on=day,
        met=met,
        notes=notes,
        logged_by=user_of(actor),
    )
    Issue.objects.bulk_create([Issue(visit=visit, kind=k, description=t) for k, t in cleaned])
    audit_record(
        action="create",
        obj=visit,
        changes={"household": [None, household.pk], "issues": [None, len(cleaned)]},
    )
    return visit


# Passing an issue on: the seam to the apps that handle it ---------------------------------

# target → handler(actor, issue, target_id) → the id of what it made there
PassHandler = Callable[[Any, Issue, Any], str]
_HANDLERS: dict[str, PassHandler] = {}


def pass_handler_register(target: str, handler: PassHandler) -> None:
    """Another app takes issues of a kind (the consult app: `"suggestion"`), without this app
    importing it."""
    _HANDLERS[target] = handler


def _as_demand(actor: Any, issue: Issue, campaign_id: Any) -> str:
    from gongjian.cobuild import services as cobuild_services

    visit = issue.visit
    demand = cobuild_services.demand_create(
        actor=actor,
        campaign=campaign_id,
        community=visit.grid.parent_id,
        title=issue.description[:50],
        description=_("%(g)s入户走访（%(d)s）发现：%(t)s")
        % {"g": visit.grid.name, "d": f"{visit.visited_on:%Y年%m月%d日}", "t": issue.description},
    )
    return str(demand.pk)


_FINDING_CATEGORY = {"hazard": "safety", "need": "service", "dispute": "order", "other": "other"}


def _as_finding(actor: Any, issue: Issue, inspection_id: Any) -> str:
    from gongjian.inspection import services as inspection_services

    visit = issue.visit
    finding = inspection_services.finding_record(
        actor=actor,
        inspection_id=inspection_id,
        description=_("%(g)s入户走访发现：%(t)s") % {"g": visit.grid.name, "t": issue.description},
        category=_FINDING_CATEGORY[issue.kind],
        severity="major" if issue.kind == Issue.Kind.HAZARD else "minor",
        workdays=5,
        responsible_area_id=visit.grid.parent_id,
    )
    return str(finding.public_id)


_BUILT_IN: dict[str, PassHandler] = {"demand": _as_demand, "finding": _as_finding}


@transaction.atomic
def issue_pass(*, actor: Any, issue_id: Any, to: str, target_id: Any = None) -> Issue:
    """Pass an open issue on: `to="demand"` (a demand of the co-building campaign
    `target_id`, for the visit's community), `to="finding"` (a finding of the inspection
    `target_id`, the community responsible) or `to="suggestion"` (through the consult app's
    handler, once it registers one). The issue is linked back to what was made."""
    to = clean_choice("to", to, _("转办去向"), [c for c in Issue.PassedTo.values if c])
    issue = one(
        Issue.objects.filter(selectors.issue_q(actor)).select_related("visit__grid"),
        _("走访问题不存在或无权查看"),
        public_id=issue_id,
        lock=True,
    )
    if issue.status != Issue.Status.OPEN:
        raise Conflict(_("该问题已转办或已解决"))
    handler = _HANDLERS.get(to) or _BUILT_IN.get(to)
    if handler is None:
        raise Conflict(_("意见建议模块尚未接入，请先转为共建需求或督导问题"))
    target = selectors.pass_target_check(actor=actor, to=to, value=target_id)
    ref = handler(actor, issue, target or None)
    issue.status = Issue.Status.PASSED
    issue.passed_to = to
    issue.passed_ref = ref[:64]
    issue.passed_at = timezone.now()
    issue.save(update_fields=["status", "passed_to", "passed_ref", "passed_at", "updated_at"])
    audit_record(action="pass", obj=issue, changes={"passed_to": [None, to], "ref": [None, ref]})
    return issue


@transaction.atomic
def issue_resolve(*, actor: Any, issue_id: Any) -> Issue:
    issue = one(
        Issue.objects.filter(selectors.issue_q(actor)),
        _("走访问题不存在或无权查看"),
        public_id=issue_id,
        lock=True,
    )
    if issue.status == Issue.Status.RESOLVED:
        raise Conflict(_("该问题已解决"))
    before = issue.status
    issue.status = Issue.Status.RESOLVED
    issue.resolved_at = timezone.now()
    issue.save(update_fields=["status", "resolved_at", "updated_at"])
    audit_record(action="update", obj=issue, changes={"status": [before, "resolved"]})
    return issue
