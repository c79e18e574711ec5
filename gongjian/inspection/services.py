"""Every write of the inspection app: resolved through the caller's scope, validated, atomic,
audited (ADR 0014).

The two sides of a finding:
- the inspecting side: whoever may change the inspection (its unit's administrator, the
  working committee of its district, the platform) and its inspectors; records findings and
  reviews rectifications;
- the responsible side: the administrators of the responsible unit or community (and the
  area posts above that community) who are not of the inspecting side; rectifies.

States: open → submitted → closed, or submitted → returned (a shorter deadline restarts) →
submitted …; every change is one audited transition on the finding's locked row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core import photos
from gongjian.core.access import not_own, one, public_ids
from gongjian.core.audit import audit_record
from gongjian.core.errors import Conflict, PermissionDenied
from gongjian.core.validation import clean_choice, clean_date, clean_int, clean_text, invalid
from gongjian.inspection import deadlines, selectors
from gongjian.inspection.models import (
    Campaign,
    Finding,
    Inspection,
    Photo,
    Place,
    Rectification,
    Task,
    TaskReport,
)
from gongjian.orgs import scope
from gongjian.orgs import selectors as org_selectors
from gongjian.orgs.models import Area, Member, PartyOrg, Role, RoleAssignment, Unit
from gongjian.orgs.services import NoticeDraft, notices_send

MAX_WORKDAYS = 60


# Inspections ----------------------------------------------------------------------------------


@transaction.atomic
def inspection_create(
    *,
    actor: Any,
    kind: str,
    subject: str,
    led_by: str,
    starts_on: Any,
    ends_on: Any,
    unit_id: Any = None,
    district_id: Any = None,
    inspector_ids: Sequence[Any] = (),
    description: str = "",
    places: Sequence[tuple[str, str, Any, str]] = (),
) -> Inspection:
    """A unit's administrator inspects for the unit; the working committee for the district.
    `places`: (name, kind, area id or None, address)."""
    kind = clean_choice("kind", kind, _("类型"), Inspection.Kind.choices)
    subject = clean_text("subject", subject, _("主题"), 100)
    led_by = clean_choice("led_by", led_by, _("组织方"), Inspection.LedBy.choices)
    description = clean_text(
        "description", description, _("说明"), 5000, required=False, multiline=True
    )
    start = clean_date("starts_on", starts_on, _("开始日期"))
    end = clean_date("ends_on", ends_on, _("结束日期"))
    if start is None or end is None or end < start:
        raise invalid("ends_on", _("结束日期不能早于开始日期"))
    unit = None
    if unit_id not in (None, ""):
        unit = one(
            Unit.objects.filter(scope.unit_q(actor, write=True)),
            _("单位不存在或不在您的管理范围"),
            pk=unit_id,
        )
        district = Area.objects.get(path=scope.district_path(unit.area.path))
    else:
        district = org_selectors.committee_district(
            actor, district_id, refused=_("请以单位名义组织督导，或由机关工委组织")
        )
    inspectors = _members(actor, inspector_ids, "inspectors")
    inspection = Inspection.objects.create(
        kind=kind,
        subject=subject,
        led_by=led_by,
        district=district,
        unit=unit,
        starts_on=start,
        ends_on=end,
        description=description,
        created_by=actor,
    )
    inspection.inspectors.set(inspectors)
    for name, place_kind, area_id, address in places:
        _place_make(actor, inspection, name, place_kind, area_id, address)
    audit_record(
        action="create",
        obj=inspection,
        changes={"subject": [None, subject], "inspectors": [None, len(inspectors)]},
    )
    return inspection


def _members(actor: Any, ids: Sequence[Any], field: str) -> list[Member]:
    keys = public_ids(ids)
    if not keys:
        return []
    found = list(org_selectors.member_list(actor=actor).filter(public_id__in=keys).distinct())
    if len(found) != len(keys):
        raise invalid(field, _("督导人员中有不存在或不在您管理范围内的党员"))
    return found


def _place_make(
    actor: Any, inspection: Inspection, name: str, kind: str, area_id: Any, address: str
) -> Place:
    name = clean_text("place_name", name, _("点位名称"), 100)
    kind = clean_choice("place_kind", kind, _("点位类型"), Place.Kind.choices)
    address = clean_text("address", address, _("地址"), 200, required=False)
    area = None
    if area_id not in (None, ""):
        area = one(
            Area.objects.filter(path__startswith=inspection.district.path),
            _("区域不存在或不在本区"),
            pk=area_id,
        )
    place = Place.objects.create(
        inspection=inspection, name=name, kind=kind, area=area, address=address
    )
    audit_record(action="create", obj=place, changes={"name": [None, name]})
    return place


@transaction.atomic
def place_add(
    *, actor: Any, inspection_id: Any, name: str, kind: str, area_id: Any = None, address: str = ""
) -> Place:
    inspection = one(
        selectors.inspections_for_write(actor=actor),
        _("督导不存在或无权管理"),
        public_id=inspection_id,
        lock=True,
    )
    return _place_make(actor, inspection, name, kind, area_id, address)


@transaction.atomic
def inspectors_add(*, actor: Any, inspection_id: Any, member_ids: Sequence[Any]) -> Inspection:
    """Name more inspectors (members the caller may look up in the register)."""
    inspection = one(
        selectors.inspections_for_write(actor=actor),
        _("督导不存在或无权管理"),
        public_id=inspection_id,
        lock=True,
    )
    members = _members(actor, member_ids, "inspectors")
    if not members:
        raise invalid("inspectors", _("请选择督导人员"))
    inspection.inspectors.add(*members)
    audit_record(
        action="update", obj=inspection, changes={"inspectors": [None, [m.pk for m in members]]}
    )
    return inspection


# Findings -------------------------------------------------------------------------------------


def _responsible(
    inspection: Inspection, unit_id: Any, area_id: Any
) -> tuple[Unit | None, Area | None]:
    if unit_id not in (None, "") and area_id not in (None, ""):
        raise invalid("responsible", _("责任单位和责任社区只能选一个"))
    if unit_id not in (None, ""):
        unit = one(
            Unit.objects.filter(area__path__startswith=inspection.district.path),
            _("责任单位不存在或不在本区"),
            pk=unit_id,
        )
        return unit, None
    if area_id not in (None, ""):
        area = one(
            Area.objects.filter(
                path__startswith=inspection.district.path, kind=Area.Kind.COMMUNITY
            ),
            _("责任社区不存在或不在本区"),
            pk=area_id,
        )
        return None, area
    raise invalid("responsible", _("请选择责任单位或责任社区"))


@transaction.atomic
def finding_record(
    *,
    actor: Any,
    inspection_id: Any,
    description: str,
    category: str,
    severity: str,
    workdays: Any,
    responsible_unit_id: Any = None,
    responsible_area_id: Any = None,
    place_id: Any = None,
    photo_files: Sequence[tuple[str, bytes]] = (),
) -> Finding:
    """An inspector records a finding on the spot, assigned to a responsible unit or community
    with a deadline in working days from today."""
    inspection = one(
        selectors.inspections_for_finding(actor=actor),
        _("督导不存在或您不是督导人员"),
        public_id=inspection_id,
        lock=True,
    )
    description = clean_text("description", description, _("问题描述"), 2000, multiline=True)
    category = clean_choice("category", category, _("问题类别"), Finding.Category.choices)
    severity = clean_choice("severity", severity, _("严重程度"), Finding.Severity.choices)
    days = clean_int("workdays", workdays, _("整改时限"), minimum=1, maximum=MAX_WORKDAYS) or 1
    unit, area = _responsible(inspection, responsible_unit_id, responsible_area_id)
    place = None
    if place_id not in (None, ""):
        place = one(inspection.places.all(), _("点位不存在"), pk=place_id, lock=True)
    today = timezone.localdate()
    finding = Finding.objects.create(
        inspection=inspection,
        place=place,
        description=description,
        category=category,
        severity=severity,
        responsible_unit=unit,
        responsible_area=area,
        workdays=days,
        due_on=deadlines.add_workdays(today, days),
        found_at=timezone.now(),
        found_by=actor,
    )
    photos.store(Photo, photo_files, sized=True, finding=finding)
    if place is not None and place.visited_on is None:
        place.visited_on = today
        place.save(update_fields=["visited_on", "updated_at"])
    audit_record(
        action="create",
        obj=finding,
        changes={
            "responsible": [None, str(unit or area)],
            "due_on": [None, finding.due_on.isoformat()],
            "photos": [None, len(photo_files)],
        },
    )
    _tell_responsible(
        finding,
        kind="inspection.assigned",
        title=_("督导发现问题，请按期整改"),
        body=_("%(d)s（期限：%(due)s）")
        % {"d": description[:60], "due": f"{finding.due_on:%Y年%m月%d日}"},
        key=f"inspection.assigned:{finding.pk}",
    )
    return finding


def _responsible_users(finding: Finding) -> list[int]:
    """The member records of the administrators of the responsible side."""
    if finding.responsible_unit_id:
        q = Q(role=Role.UNIT_ADMIN, unit_id=finding.responsible_unit_id)
    else:
        q = Q(role=Role.COMMUNITY_ADMIN, area_id=finding.responsible_area_id)
    users = RoleAssignment.objects.filter(q).values("user_id")
    return list(Member.objects.filter(user_id__in=users).values_list("pk", flat=True))


def _tell_responsible(finding: Finding, *, kind: str, title: str, body: str, key: str) -> int:
    return len(
        notices_send(
            notices=[
                NoticeDraft(
                    member_id=mid,
                    kind=kind,
                    title=title,
                    body=body,
                    link=f"/inspection/findings/{finding.public_id}/",
                    key=f"{key}:{mid}",
                )
                for mid in _responsible_users(finding)
            ]
        )
    )


@transaction.atomic
def rectification_submit(
    *,
    actor: Any,
    finding_id: Any,
    text: str,
    photo_files: Sequence[tuple[str, bytes]] = (),
) -> Rectification:
    """The responsible side reports what it did, with evidence photos."""
    finding = one(
        selectors.findings_to_rectify(actor=actor),
        _("问题不存在或不由您整改"),
        public_id=finding_id,
        lock=True,
    )
    text = clean_text("text", text, _("整改情况"), 2000, multiline=True)
    if finding.status not in (Finding.Status.OPEN, Finding.Status.RETURNED):
        raise Conflict(_("该问题已提交整改或已销号"), code="not_open")
    if not photo_files:
        raise invalid("photos", _("请上传整改后的照片"))
    rect = Rectification.objects.create(
        finding=finding, text=text, submitted_by=actor, due_on=finding.due_on
    )
    photos.store(Photo, photo_files, sized=True, rectification=rect)
    before = finding.status
    finding.status = Finding.Status.SUBMITTED
    finding.save(update_fields=["status", "updated_at"])
    audit_record(action="update", obj=finding, changes={"status": [before, "submitted"]})
    return rect


def holds_responsible_post(actor: Any, finding: Finding) -> bool:
    """Whether the actor holds a post of the side responsible for the finding itself: the
    responsible unit's administrator, or a post on the responsible area (not one above it,
    from which a street or district inspects the places below). The platform may act as both."""
    posts = scope.posts_of(actor)
    if posts.superuser:
        return False
    if finding.responsible_unit_id is not None and finding.responsible_unit_id in posts.unit_ids:
        return True
    if finding.responsible_area_id is not None:
        path = Area.objects.filter(pk=finding.responsible_area_id).values_list("path", flat=True)
        held = {p for paths in posts.area_paths.values() for p in paths}
        return bool(held & set(path))
    return False


@transaction.atomic
def rectification_review(
    *,
    actor: Any,
    finding_id: Any,
    passed: bool,
    reason: str = "",
    workdays: Any = None,
) -> Finding:
    """The inspecting side passes the rectification (the finding is closed) or returns it
    with a reason, which restarts a shorter deadline (half the last, unless given shorter)."""
    finding = one(
        selectors.findings_to_review(actor=actor),
        _("问题不存在或不由您复核"),
        public_id=finding_id,
        lock=True,
    )
    if finding.status != Finding.Status.SUBMITTED:
        raise Conflict(_("只有待复核的问题可以复核"), code="not_submitted")
    rect = finding.rectifications.select_for_update().filter(result="").order_by("-id").first()
    if rect is None:
        raise Conflict(_("没有待复核的整改"), code="not_submitted")
    # Separation of duties: the account that reported the rectification, or anyone holding a
    # post of the responsible side, may not accept or return it (the platform may act as both,
    # but not on its own report).
    not_own(actor, rect.submitted_by_id, message=_("提交整改的人不能复核这项整改"))
    if holds_responsible_post(actor, finding):
        raise PermissionDenied(_("您担任该问题整改责任方的职务，不能复核本方的整改"))
    now = timezone.now()
    rect.reviewed_by = actor
    rect.reviewed_at = now
    if passed:
        rect.result = Rectification.Result.PASSED
        rect.review_reason = clean_text("reason", reason, _("复核意见"), 200, required=False)
        finding.status = Finding.Status.CLOSED
        finding.closed_at = now
        finding.on_time = timezone.localtime(rect.created_at).date() <= rect.due_on
    else:
        rect.result = Rectification.Result.RETURNED
        rect.review_reason = clean_text("reason", reason, _("退回原因"), 200)
        shorter = deadlines.return_workdays(finding.workdays)
        days = shorter
        if workdays not in (None, ""):
            days = (
                clean_int("workdays", workdays, _("整改时限"), minimum=1, maximum=max(shorter, 1))
                or shorter
            )
        finding.status = Finding.Status.RETURNED
        finding.workdays = days
        finding.due_on = deadlines.add_workdays(timezone.localdate(), days)
        finding.returns += 1
    rect.save()
    finding.save()
    audit_record(
        action="update",
        obj=finding,
        changes={
            "status": ["submitted", finding.status],
            "due_on": [None, finding.due_on.isoformat()],
            "reason": [None, rect.review_reason],
        },
    )
    if not passed:
        _tell_responsible(
            finding,
            kind="inspection.returned",
            title=_("整改被退回，请重新整改"),
            body=_("%(r)s（新期限：%(due)s）")
            % {"r": rect.review_reason, "due": f"{finding.due_on:%Y年%m月%d日}"},
            key=f"inspection.returned:{finding.pk}:{finding.returns}",
        )
    return finding


def reminders_send(*, today: dt.date | None = None) -> int:
    """Reminders to the responsible side: the working day before the deadline, on the day,
    and once when it has passed; and to assignees of tasks due tomorrow. Idempotent by key:
    running it twice a day sends nothing new."""
    today = today or timezone.localdate()
    tomorrow = deadlines.next_workday_after(today)
    sent = 0
    open_ = Finding.objects.filter(status__in=(Finding.Status.OPEN, Finding.Status.RETURNED))
    for stage, qs, title in (
        ("before", open_.filter(due_on__gt=today, due_on__lte=tomorrow), _("整改期限将至")),
        ("due", open_.filter(due_on=today), _("今天是整改期限")),
        ("overdue", open_.filter(due_on__lt=today), _("整改已逾期")),
    ):
        for finding in qs.select_related("responsible_unit", "responsible_area"):
            sent += _tell_responsible(
                finding,
                kind=f"inspection.{stage}",
                title=title,
                body=_("%(d)s（期限：%(due)s）")
                % {"d": finding.description[:60], "due": f"{finding.due_on:%Y年%m月%d日}"},
                key=f"inspection.{stage}:{finding.pk}:{finding.due_on.isoformat()}",
            )
    return sent


# Campaigns and supervised tasks ---------------------------------------------------------------


@transaction.atomic
def campaign_create(
    *, actor: Any, title: str, due_on: Any, description: str = "", unit_id: Any = None
) -> Campaign:
    title = clean_text("title", title, _("名称"), 100)
    description = clean_text(
        "description", description, _("目标要求"), 5000, required=False, multiline=True
    )
    due = clean_date("due_on", due_on, _("完成期限"), not_before=timezone.localdate())
    if due is None:
        raise invalid("due_on", _("请填写完成期限"))
    unit = None
    if unit_id not in (None, ""):
        unit = one(
            Unit.objects.filter(scope.unit_q(actor, write=True)),
            _("单位不存在或不在您的管理范围"),
            pk=unit_id,
        )
        district = Area.objects.get(path=scope.district_path(unit.area.path))
    else:
        district = org_selectors.committee_district(
            actor,
            refused=_("请以单位名义发起督办，或由机关工委发起"),
            choose=_("请选择牵头单位"),
        )
    campaign = Campaign.objects.create(
        title=title,
        description=description,
        district=district,
        unit=unit,
        due_on=due,
        created_by=actor,
    )
    audit_record(action="create", obj=campaign, changes={"title": [None, title]})
    return campaign


@transaction.atomic
def tasks_assign(
    *,
    actor: Any,
    campaign_id: Any,
    title: str,
    target: str,
    due_on: Any,
    party_org_ids: Sequence[Any] = (),
    unit_ids: Sequence[Any] = (),
) -> list[Task]:
    """Break a campaign into tasks: one for each branch or unit named, with its target."""
    campaign = one(
        selectors.campaigns_for_write(actor=actor),
        _("督办工作不存在或无权管理"),
        public_id=campaign_id,
        lock=True,
    )
    title = clean_text("title", title, _("任务"), 100)
    target = clean_text("target", target, _("目标"), 200)
    due = clean_date("due_on", due_on, _("期限"), not_before=timezone.localdate())
    if due is None or due > campaign.due_on:
        raise invalid("due_on", _("期限不能晚于督办工作的完成期限"))
    org_keys = {int(i) for i in party_org_ids if str(i).isdigit()}
    unit_keys = {int(i) for i in unit_ids if str(i).isdigit()}
    if not org_keys and not unit_keys:
        raise invalid("assignees", _("请选择承办支部或单位"))
    within = Q(area__path__startswith=campaign.district.path) | Q(
        unit__area__path__startswith=campaign.district.path
    )
    orgs = list(PartyOrg.objects.filter(within, pk__in=org_keys))
    units = list(
        Unit.objects.filter(area__path__startswith=campaign.district.path, pk__in=unit_keys)
    )
    if campaign.unit_id is not None:
        orgs = [o for o in orgs if o.unit_id == campaign.unit_id]
        units = [u for u in units if u.pk == campaign.unit_id]
    if len(orgs) != len(org_keys) or len(units) != len(unit_keys):
        raise invalid("assignees", _("承办方中有不存在或不在范围内的组织"))
    tasks = [
        Task(campaign=campaign, party_org=o, title=title, target=target, due_on=due) for o in orgs
    ]
    tasks += [
        Task(campaign=campaign, unit=u, title=title, target=target, due_on=due) for u in units
    ]
    Task.objects.bulk_create(tasks)
    audit_record(
        action="create",
        obj=campaign,
        changes={"tasks": [None, len(tasks)], "title": [None, title]},
    )
    return tasks


@transaction.atomic
def task_report(
    *,
    actor: Any,
    task_id: Any,
    percent: Any,
    text: str,
    photo_files: Sequence[tuple[str, bytes]] = (),
) -> TaskReport:
    """The assignee reports progress (a percentage, what was done, evidence); 100 % completes
    the task. Progress never goes back."""
    task = one(
        selectors.tasks_to_report(actor=actor),
        _("督办事项不存在或不由您承办"),
        public_id=task_id,
        lock=True,
    )
    value = clean_int("percent", percent, _("进度"), minimum=0, maximum=100)
    value = value or 0
    text = clean_text("text", text, _("进展情况"), 2000, multiline=True)
    if task.status == Task.Status.COMPLETED:
        raise Conflict(_("该事项已完成"), code="completed")
    if value < task.progress:
        raise invalid("percent", _("进度不能低于上次报告的%(n)d%%") % {"n": task.progress})
    report = TaskReport.objects.create(task=task, percent=value, text=text, reported_by=actor)
    photos.store(Photo, photo_files, sized=True, report=report)
    before = task.progress
    task.progress = value
    if value == 100:
        task.status = Task.Status.COMPLETED
        task.completed_at = timezone.now()
    task.save()
    audit_record(action="update", obj=task, changes={"progress": [before, value]})
    return report
