"""Every read of the inspection app, through the caller's scope (ADR 0014).

- an inspection is seen by its inspecting side (the working committee of its district, its
  unit's administrator), its inspectors, and the sides its findings are assigned to;
- a finding by its inspection's inspecting side and inspectors and by its responsible side;
- a campaign by its running side and by the sides its tasks are assigned to; a task by the
  campaign's running side and its assignee.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core.access import one
from gongjian.core.errors import NotFound
from gongjian.core.queries import any_of, as_uuid, days_q, moments_q
from gongjian.core.search import search_q
from gongjian.inspection.models import (
    Campaign,
    Finding,
    Inspection,
    Photo,
    Place,
    Task,
)
from gongjian.orgs import scope
from gongjian.orgs import selectors as org_selectors
from gongjian.orgs.models import Area, PartyOrg, Unit


def _inspecting_q(actor: Any, prefix: str = "", *, write: bool = False) -> Q:
    return scope.scope_q(actor, area=(f"{prefix}district",), unit=(f"{prefix}unit",), write=write)


def _inspector_q(actor: Any, prefix: str = "") -> Q:
    """The inspections (or, with `prefix="inspection__"`, their findings) the caller is an
    inspector of."""
    member_id = scope.posts_of(actor).member_id
    if member_id is None:
        return scope.NOTHING
    through = Inspection.inspectors.through.objects.filter(
        inspection_id=OuterRef("inspection_id" if prefix else "pk"), member_id=member_id
    )
    return Q(Exists(through))


def _responsible_q(actor: Any, prefix: str = "", *, write: bool = False) -> Q:
    return scope.scope_q(
        actor,
        area=(f"{prefix}responsible_area",),
        unit=(f"{prefix}responsible_unit",),
        write=write,
    )


def inspection_q(actor: Any) -> Q:
    responsible = Finding.objects.filter(_responsible_q(actor), inspection=OuterRef("pk"))
    return any_of(_inspecting_q(actor), _inspector_q(actor), Q(Exists(responsible)))


def inspections_for_write(*, actor: Any) -> QuerySet[Inspection]:
    return Inspection.objects.filter(_inspecting_q(actor, write=True))


def inspections_for_finding(*, actor: Any) -> QuerySet[Inspection]:
    """Where the caller may record findings: the inspecting side and the inspectors."""
    return Inspection.objects.filter(any_of(_inspecting_q(actor, write=True), _inspector_q(actor)))


def may_inspect(actor: Any) -> bool:
    posts = scope.posts_of(actor)
    return posts.superuser or bool(scope.committee_paths(actor)) or bool(posts.unit_ids)


def inspection_list(
    *,
    actor: Any,
    q: str = "",
    kind: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
    area: int | None = None,
    unit: int | None = None,
) -> QuerySet[Inspection]:
    qs = (
        Inspection.objects.filter(inspection_q(actor))
        .select_related("unit", "district")
        .annotate(
            finding_count=Count("findings", distinct=True),
            place_count=Count("places", distinct=True),
        )
    )
    if kind:
        qs = qs.filter(kind=kind)
    qs = qs.filter(days_q("starts_on", start, end))
    the_area, the_unit = org_selectors.area_unit_for(actor, area, unit)
    if the_area is not None:
        visited = Place.objects.filter(
            inspection=OuterRef("pk"), area__path__startswith=the_area.path
        )
        qs = qs.filter(Q(district__path__startswith=the_area.path) | Q(Exists(visited)))
    if the_unit is not None:
        qs = qs.filter(unit=the_unit)
    if q:
        qs = qs.filter(search_q(q, "", raw=("subject",)))
    return qs.order_by("-starts_on", "-id")


def inspection_get_for(actor: Any, public_id: Any, *, write: bool = False) -> Inspection:
    q = _inspecting_q(actor, write=True) if write else inspection_q(actor)
    return one(
        Inspection.objects.filter(q).select_related("unit", "district"),
        _("督导不存在或无权查看"),
        public_id=public_id,
    )


def inspection_to_inspect(actor: Any, public_id: Any) -> Inspection:
    """An inspection the caller may record findings in."""
    return one(
        inspections_for_finding(actor=actor).filter().select_related("district"),
        _("督导不存在或您不是督导人员"),
        public_id=public_id,
    )


def is_inspecting_side(actor: Any, inspection: Inspection) -> bool:
    return inspections_for_finding(actor=actor).filter(pk=inspection.pk).exists()


def place_list(
    *,
    actor: Any,
    q: str = "",
    kind: str = "",
    inspection: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
    area: int | None = None,
    unit: int | None = None,
    visited: bool = False,
) -> QuerySet[Place]:
    """The places of the inspections the caller sees; `start`/`end`: visited in that time."""
    qs = Place.objects.filter(
        inspection__in=Inspection.objects.filter(inspection_q(actor)).values("pk")
    ).select_related("inspection", "area")
    if visited or start or end:
        qs = qs.filter(visited_on__isnull=False)
    qs = qs.filter(days_q("visited_on", start, end))
    if kind:
        qs = qs.filter(kind=kind)
    if inspection:
        key = as_uuid(inspection)
        qs = qs.filter(inspection__public_id=key) if key else qs.none()
    the_area, the_unit = org_selectors.area_unit_for(actor, area, unit)
    if the_area is not None:
        qs = qs.filter(area__path__startswith=the_area.path)
    if the_unit is not None:
        qs = qs.filter(inspection__unit=the_unit)
    if q:
        qs = qs.filter(search_q(q, "", raw=("name", "address")))
    return qs.order_by("-visited_on", "inspection_id", "id")


# Findings -------------------------------------------------------------------------------------


def finding_q(actor: Any) -> Q:
    return any_of(
        _inspecting_q(actor, "inspection__"),
        _inspector_q(actor, "inspection__"),
        _responsible_q(actor),
    )


def findings_to_rectify(*, actor: Any) -> QuerySet[Finding]:
    """The responsible side, which is not the inspecting side (the platform may act as both)."""
    qs = Finding.objects.filter(_responsible_q(actor, write=True))
    if not scope.posts_of(actor).superuser:
        qs = qs.exclude(_inspecting_q(actor, "inspection__", write=True))
        qs = qs.exclude(_inspector_q(actor, "inspection__"))
    return qs


def findings_to_review(*, actor: Any) -> QuerySet[Finding]:
    return Finding.objects.filter(
        any_of(
            _inspecting_q(actor, "inspection__", write=True), _inspector_q(actor, "inspection__")
        )
    )


def finding_list(
    *,
    actor: Any,
    q: str = "",
    status: str = "",
    category: str = "",
    inspection: str = "",
    overdue: bool = False,
    start: dt.date | None = None,
    end: dt.date | None = None,
    closed_start: dt.date | None = None,
    closed_end: dt.date | None = None,
    on_time: bool = False,
    returned: bool = False,
    area: int | None = None,
    unit: int | None = None,
) -> QuerySet[Finding]:
    """Findings; `start`/`end`: found then; `closed_start`/`closed_end`: closed then;
    `overdue`: open or returned past their deadline (the chase list)."""
    qs = Finding.objects.filter(finding_q(actor)).select_related(
        "inspection", "place", "responsible_unit", "responsible_area"
    )
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if inspection:
        key = as_uuid(inspection)
        qs = qs.filter(inspection__public_id=key) if key else qs.none()
    if overdue:
        qs = qs.filter(
            status__in=(Finding.Status.OPEN, Finding.Status.RETURNED),
            due_on__lt=timezone.localdate(),
        )
    qs = qs.filter(moments_q("found_at", start, end))
    qs = qs.filter(moments_q("closed_at", closed_start, closed_end))
    if on_time:
        qs = qs.filter(on_time=True)
    if returned:
        qs = qs.filter(returns__gt=0)
    the_area, the_unit = org_selectors.area_unit_for(actor, area, unit)
    if the_area is not None:
        qs = qs.filter(
            Q(responsible_area__path__startswith=the_area.path)
            | Q(responsible_unit__area__path__startswith=the_area.path)
        )
    if the_unit is not None:
        qs = qs.filter(responsible_unit=the_unit)
    if q:
        qs = qs.filter(
            search_q(
                q,
                "",
                "responsible_unit",
                "responsible_area",
                raw=("description", "responsible_unit__name", "responsible_area__name"),
            )
        )
    if overdue:
        return qs.order_by("due_on", "id")
    return qs.order_by("-found_at", "-id")


def finding_get_for(actor: Any, public_id: Any) -> Finding:
    return one(
        Finding.objects.filter(finding_q(actor)).select_related(
            "inspection__district", "place", "responsible_unit", "responsible_area"
        ),
        _("问题不存在或无权查看"),
        public_id=public_id,
    )


def finding_history(*, finding: Finding) -> list[Any]:
    return list(finding.rectifications.prefetch_related("photos").select_related("submitted_by"))


def photo_get_for(actor: Any, public_id: Any) -> Photo:
    """A photo of a finding, a rectification or a task report the caller sees."""
    key = as_uuid(public_id)
    photo = Photo.objects.filter(public_id=key).first() if key else None
    if photo is not None:
        visible = Finding.objects.filter(finding_q(actor))
        tasks = Task.objects.filter(task_q(actor))
        if photo.finding_id and visible.filter(pk=photo.finding_id).exists():
            return photo
        if (
            photo.rectification_id
            and visible.filter(rectifications=photo.rectification_id).exists()
        ):
            return photo
        if photo.report_id and tasks.filter(reports=photo.report_id).exists():
            return photo
    raise NotFound(_("照片不存在或无权查看"))


# Campaigns and tasks --------------------------------------------------------------------------


def _assignee_q(actor: Any, prefix: str = "", *, write: bool = False) -> Q:
    return scope.scope_q(
        actor,
        area=(f"{prefix}party_org__area",),
        unit=(f"{prefix}party_org__unit", f"{prefix}unit"),
        write=write,
    )


def task_q(actor: Any) -> Q:
    return any_of(_inspecting_q(actor, "campaign__"), _assignee_q(actor))


def campaign_q(actor: Any) -> Q:
    assigned = Task.objects.filter(_assignee_q(actor), campaign=OuterRef("pk"))
    return any_of(_inspecting_q(actor), Q(Exists(assigned)))


def campaigns_for_write(*, actor: Any) -> QuerySet[Campaign]:
    return Campaign.objects.filter(_inspecting_q(actor, write=True))


def tasks_to_report(*, actor: Any) -> QuerySet[Task]:
    return Task.objects.filter(_assignee_q(actor, write=True))


def campaign_list(*, actor: Any, q: str = "") -> QuerySet[Campaign]:
    qs = (
        Campaign.objects.filter(campaign_q(actor))
        .select_related("district", "unit")
        .annotate(
            task_count=Count("tasks", distinct=True),
            done_count=Count("tasks", filter=Q(tasks__status="completed"), distinct=True),
        )
    )
    if q:
        qs = qs.filter(search_q(q, "", raw=("title",)))
    return qs.order_by("-created_at", "-id")


def campaign_get_for(actor: Any, public_id: Any) -> Campaign:
    return one(
        Campaign.objects.filter(campaign_q(actor)).select_related("district", "unit"),
        _("督办工作不存在或无权查看"),
        public_id=public_id,
    )


def task_list(
    *,
    actor: Any,
    q: str = "",
    campaign: str = "",
    status: str = "",
    overdue: bool = False,
    start: dt.date | None = None,
    end: dt.date | None = None,
    area: int | None = None,
    unit: int | None = None,
) -> QuerySet[Task]:
    """Tasks; `start`/`end`: completed then; `overdue`: open past the deadline."""
    qs = Task.objects.filter(task_q(actor)).select_related("campaign", "party_org__unit", "unit")
    if campaign:
        key = as_uuid(campaign)
        qs = qs.filter(campaign__public_id=key) if key else qs.none()
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status=Task.Status.OPEN, due_on__lt=timezone.localdate())
    qs = qs.filter(moments_q("completed_at", start, end))
    the_area, the_unit = org_selectors.area_unit_for(actor, area, unit)
    if the_area is not None:
        qs = qs.filter(
            Q(party_org__area__path__startswith=the_area.path)
            | Q(party_org__unit__area__path__startswith=the_area.path)
            | Q(unit__area__path__startswith=the_area.path)
        )
    if the_unit is not None:
        qs = qs.filter(Q(unit=the_unit) | Q(party_org__unit=the_unit))
    if q:
        qs = qs.filter(
            search_q(q, "", "party_org", "unit", raw=("title", "party_org__name", "unit__name"))
        )
    return qs.order_by("campaign_id", "due_on", "id")


def task_get_for(actor: Any, public_id: Any) -> Task:
    return one(
        Task.objects.filter(task_q(actor)).select_related("campaign", "party_org", "unit"),
        _("督办事项不存在或无权查看"),
        public_id=public_id,
    )


def may_report(actor: Any, task: Task) -> bool:
    return tasks_to_report(actor=actor).filter(pk=task.pk).exists()


def assignee_choices(*, campaign: Campaign) -> list[tuple[str, str]]:
    """The branches a campaign can be broken down to (its unit's, or the district's)."""
    qs = PartyOrg.objects.filter(kind__in=("branch", "joint_branch")).filter(
        Q(area__path__startswith=campaign.district.path)
        | Q(unit__area__path__startswith=campaign.district.path)
    )
    if campaign.unit_id:
        qs = qs.filter(unit_id=campaign.unit_id)
    return [(str(o.pk), o.name) for o in qs.order_by("path")[:500]]


def assignee_units(*, campaign: Campaign) -> list[tuple[str, str]]:
    """The units a campaign's tasks can go to (its own unit, or the district's)."""
    qs = Unit.objects.filter(area__path__startswith=campaign.district.path)
    if campaign.unit_id:
        qs = qs.filter(pk=campaign.unit_id)
    return [(str(u.pk), u.name) for u in qs.order_by("code")[:500]]


def responsible_choices(*, inspection: Inspection) -> tuple[list[Unit], list[Area]]:
    """The units and communities of the inspection's district, for the finding form."""
    units = list(Unit.objects.filter(area__path__startswith=inspection.district.path))
    communities = list(
        Area.objects.filter(
            path__startswith=inspection.district.path, kind=Area.Kind.COMMUNITY
        ).order_by("path")
    )
    return units, communities
