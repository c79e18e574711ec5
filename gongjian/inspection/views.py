"""Pages of the inspection app. Thin: parse, call one service or selector, render (ADR 0010)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core import photos
from gongjian.core.web import action, done, posted
from gongjian.inspection import selectors, services
from gongjian.inspection.lists import CAMPAIGNS, FINDINGS, INSPECTIONS, PLACES, TASKS
from gongjian.inspection.models import Finding, Inspection, Place
from gongjian.orgs import selectors as org_selectors

# Inspections ----------------------------------------------------------------------------------


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "inspection/inspection_list.html",
        {
            "listing": INSPECTIONS.page(request),
            "kinds": Inspection.Kind.choices,
            "may_inspect": selectors.may_inspect(request.user),
        },
    )


inspection_export = INSPECTIONS.export_view()


@login_required
def inspection_new(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "inspection/inspection_form.html",
        {
            "kinds": Inspection.Kind.choices,
            "led_by": Inspection.LedBy.choices,
            "place_kinds": Place.Kind.choices,
            "units": org_selectors.unit_list(actor=request.user, write=True)[:200],
            "today": timezone.localdate(),
        },
    )


@action(back="inspection:inspection_new")
def inspection_create(request: HttpRequest) -> HttpResponse:
    p = request.POST
    places = [
        (name, kind, "", address)
        for name, kind, address in zip(
            p.getlist("place_name"),
            p.getlist("place_kind"),
            p.getlist("place_address"),
            strict=False,
        )
        if name.strip()
    ]
    inspection = services.inspection_create(
        actor=request.user,
        **posted(request, "kind", "subject", "led_by", "starts_on", "ends_on"),
        unit_id=p.get("unit", ""),
        inspector_ids=p.getlist("inspectors"),
        description=p.get("description", ""),
        places=places,
    )
    return done(
        request,
        _("督导已创建"),
        to=reverse("inspection:inspection_detail", args=[inspection.public_id]),
    )


@login_required
def inspection_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    inspection = selectors.inspection_get_for(request.user, public_id)
    inspecting = selectors.is_inspecting_side(request.user, inspection)
    q = request.GET.get("q", "").strip()[:50]
    return render(
        request,
        "inspection/inspection_detail.html",
        {
            "inspection": inspection,
            "inspectors": inspection.inspectors.all(),
            "q": q,
            "candidates": (
                org_selectors.member_list(actor=request.user, q=q)[:20] if q and inspecting else []
            ),
            "places": inspection.places.select_related("area"),
            "findings": selectors.finding_list(
                actor=request.user, inspection=str(inspection.public_id)
            )[:100],
            "inspecting": inspecting,
            "communities": selectors.responsible_choices(inspection=inspection)[1]
            if inspecting
            else [],
            "place_kinds": Place.Kind.choices,
        },
    )


@action(back="inspection:inspection_detail")
def inspectors_add(request: HttpRequest, public_id: str) -> HttpResponse:
    services.inspectors_add(
        actor=request.user, inspection_id=public_id, member_ids=request.POST.getlist("members")
    )
    return done(request, _("已添加督导人员"))


@action(back="inspection:inspection_detail")
def place_add(request: HttpRequest, public_id: str) -> HttpResponse:
    services.place_add(
        actor=request.user,
        inspection_id=public_id,
        name=request.POST.get("name", ""),
        kind=request.POST.get("kind", ""),
        area_id=request.POST.get("area", ""),
        address=request.POST.get("address", ""),
    )
    return done(request, _("已添加点位"))


@login_required
def place_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "inspection/table_page.html",
        {"listing": PLACES.page(request), "title": _("督导点位"), "export": "place_export"},
    )


place_export = PLACES.export_view()


# Findings -------------------------------------------------------------------------------------


@login_required
def finding_new(request: HttpRequest, public_id: str) -> HttpResponse:
    """The finding form, for a phone: it keeps a draft when the network drops and sends it
    when the network is back (`static/inspection/finding_draft.js`)."""
    inspection = selectors.inspection_to_inspect(request.user, public_id)
    units, communities = selectors.responsible_choices(inspection=inspection)
    return render(
        request,
        "inspection/finding_form.html",
        {
            "inspection": inspection,
            "places": inspection.places.all(),
            "units": units,
            "communities": communities,
            "categories": Finding.Category.choices,
            "severities": Finding.Severity.choices,
        },
    )


@action(back="inspection:finding_new")
def finding_create(request: HttpRequest, public_id: str) -> HttpResponse:
    p = request.POST
    finding = services.finding_record(
        actor=request.user,
        inspection_id=public_id,
        **posted(request, "description", "category", "severity", "workdays"),
        responsible_unit_id=p.get("responsible_unit", ""),
        responsible_area_id=p.get("responsible_area", ""),
        place_id=p.get("place", ""),
        photo_files=photos.photo_files(request.FILES.getlist("photos")),
    )
    return done(
        request,
        _("问题已记录，整改期限%(d)s") % {"d": f"{finding.due_on:%Y年%m月%d日}"},
        to=reverse("inspection:finding_detail", args=[finding.public_id]),
    )


@login_required
def finding_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "inspection/finding_list.html",
        {"listing": FINDINGS.page(request), "statuses": Finding.Status.choices},
    )


finding_export = FINDINGS.export_view()


@login_required
def finding_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    finding = selectors.finding_get_for(request.user, public_id)
    return render(
        request,
        "inspection/finding_detail.html",
        {
            "finding": finding,
            "photos": finding.photos.all(),
            "history": selectors.finding_history(finding=finding),
            "may_rectify": selectors.findings_to_rectify(actor=request.user)
            .filter(pk=finding.pk)
            .exists(),
            "may_review": selectors.findings_to_review(actor=request.user)
            .filter(pk=finding.pk)
            .exists(),
            "today": timezone.localdate(),
        },
    )


@action(back="inspection:finding_detail")
def rectify(request: HttpRequest, public_id: str) -> HttpResponse:
    services.rectification_submit(
        actor=request.user,
        finding_id=public_id,
        text=request.POST.get("text", ""),
        photo_files=photos.photo_files(request.FILES.getlist("photos")),
    )
    return done(request, _("整改情况已提交，等待复核"))


@action(back="inspection:finding_detail")
def review(request: HttpRequest, public_id: str) -> HttpResponse:
    passed = request.POST.get("result") == "passed"
    services.rectification_review(
        actor=request.user,
        finding_id=public_id,
        passed=passed,
        reason=request.POST.get("reason", ""),
        workdays=request.POST.get("workdays", ""),
    )
    return done(request, _("已销号") if passed else _("已退回，重新计算整改期限"))


@login_required
def photo(request: HttpRequest, public_id: str) -> FileResponse:
    found = selectors.photo_get_for(request.user, public_id)
    response = FileResponse(found.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


# Campaigns and tasks --------------------------------------------------------------------------


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "inspection/campaign_list.html",
        {
            "listing": CAMPAIGNS.page(request),
            "may_inspect": selectors.may_inspect(request.user),
            "units": org_selectors.unit_list(actor=request.user, write=True)[:200],
        },
    )


campaign_export = CAMPAIGNS.export_view()


@action(back="inspection:campaign_list")
def campaign_create(request: HttpRequest) -> HttpResponse:
    campaign = services.campaign_create(
        actor=request.user,
        **posted(request, "title", "due_on", "description"),
        unit_id=request.POST.get("unit", ""),
    )
    return done(
        request,
        _("督办工作已创建，请分解任务"),
        to=reverse("inspection:campaign_detail", args=[campaign.public_id]),
    )


@login_required
def campaign_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    campaign = selectors.campaign_get_for(request.user, public_id)
    tasks = list(selectors.task_list(actor=request.user, campaign=str(campaign.public_id)))
    manage = selectors.campaigns_for_write(actor=request.user).filter(pk=campaign.pk).exists()
    done_count = sum(1 for t in tasks if t.status == "completed")
    return render(
        request,
        "inspection/campaign_detail.html",
        {
            "campaign": campaign,
            "tasks": tasks,
            "done_count": done_count,
            "average": round(sum(t.progress for t in tasks) / len(tasks)) if tasks else 0,
            "manage": manage,
            "assignees": selectors.assignee_choices(campaign=campaign) if manage else [],
            "assignee_units": selectors.assignee_units(campaign=campaign) if manage else [],
        },
    )


@action(back="inspection:campaign_detail")
def tasks_assign(request: HttpRequest, public_id: str) -> HttpResponse:
    tasks = services.tasks_assign(
        actor=request.user,
        campaign_id=public_id,
        **posted(request, "title", "target", "due_on"),
        party_org_ids=request.POST.getlist("party_orgs"),
        unit_ids=request.POST.getlist("units"),
    )
    return done(request, _("已分解为%(n)d个督办事项") % {"n": len(tasks)})


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "inspection/table_page.html",
        {"listing": TASKS.page(request), "title": _("督办事项"), "export": "task_export"},
    )


task_export = TASKS.export_view()


@login_required
def task_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    task = selectors.task_get_for(request.user, public_id)
    return render(
        request,
        "inspection/task_detail.html",
        {
            "task": task,
            "reports": task.reports.prefetch_related("photos"),
            "may_report": selectors.may_report(request.user, task),
        },
    )


@action(back="inspection:task_detail")
def task_report(request: HttpRequest, public_id: str) -> HttpResponse:
    services.task_report(
        actor=request.user,
        task_id=public_id,
        percent=request.POST.get("percent", ""),
        text=request.POST.get("text", ""),
        photo_files=photos.photo_files(request.FILES.getlist("photos")),
    )
    return done(request, _("进展已报告"))
