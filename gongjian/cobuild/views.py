"""Pages of 直联共建. Thin: parse, resolve access, call one selector or service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongjian.cobuild import forms, selectors, services
from gongjian.cobuild import importers as _importers  # noqa: F401 - registers the importers
from gongjian.cobuild.models import Campaign, Match, PairRule, Priority, Project
from gongjian.core.errors import ApplicationError, NotFound, PermissionDenied
from gongjian.core.files import read_upload
from gongjian.core.pages import paginate, query_without_page, xlsx_export
from gongjian.orgs.models import Area


def _get(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _act(request: HttpRequest, fn: Callable[[], Any], success: str) -> Any:
    """Run one service for a POST: not found → 404, not allowed → 403, any other broken rule
    → its message on the next page."""
    try:
        result = fn()
    except NotFound as exc:
        raise Http404(exc.message) from None
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, success)
    return result


def _back(request: HttpRequest, default: str) -> HttpResponse:
    nxt = request.POST.get("next", "")
    return redirect(nxt if nxt.startswith("/") and not nxt.startswith("//") else default)


def _fmt(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _campaign(request: HttpRequest, campaign_id: int, *, manage: bool = False) -> Campaign:
    campaign: Campaign = _get(selectors.campaign_get_for, request.user, campaign_id, manage=manage)
    return campaign


def _area(pk: Any) -> Area | None:
    if not pk or not str(pk).isdigit():
        return None
    return Area.objects.filter(pk=int(pk)).first()


def _areas_of(campaign: Campaign) -> Any:
    return Area.objects.filter(
        path__startswith=campaign.district.path,
        kind__in=(Area.Kind.DISTRICT, Area.Kind.STREET, Area.Kind.COMMUNITY),
    ).only("id", "name", "kind", "path")


# Campaigns -----------------------------------------------------------------------------------


def _campaign_filters(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip() for k in ("q", "status")}


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    raw = _campaign_filters(request)
    qs = selectors.campaign_list(actor=request.user, **raw)
    return render(
        request,
        "cobuild/campaign_list.html",
        {
            "page": paginate(request, qs, 30),
            "raw": raw,
            "statuses": Campaign.Status.choices,
            "districts": selectors.districts_managed(request.user),
            "form": forms.CampaignForm(initial={"year": timezone.localdate().year}),
            "query": query_without_page(request),
        },
    )


@login_required
def campaign_export(request: HttpRequest) -> HttpResponse:
    raw = _campaign_filters(request)
    qs = selectors.campaign_list(actor=request.user, **raw)
    return xlsx_export(
        what=_("共建活动"),
        headers=[_("活动名称"), _("年度"), _("区"), _("状态"), _("清单截止"), _("签约截止")],
        rows=(
            (c.name, c.year, c.district.name, c.get_status_display(), c.lists_due, c.signing_due)
            for c in qs
        ),
        filters=raw,
    )


@login_required
@require_POST
def campaign_create(request: HttpRequest) -> HttpResponse:
    form = forms.CampaignForm(request.POST)
    if not form.is_valid():
        messages.error(request, forms.first_error(form))
        return redirect("cobuild:campaign_list")
    district = _area(request.POST.get("district"))
    campaign = _act(
        request,
        lambda: services.campaign_create(
            actor=request.user, district=district, **form.cleaned_data
        ),
        _("已发起共建活动"),
    )
    if campaign is None:
        return redirect("cobuild:campaign_list")
    return redirect("cobuild:campaign_detail", campaign_id=campaign.pk)


@login_required
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    actor = request.user
    campaign = _campaign(request, campaign_id)
    manage = selectors.may_manage(actor, campaign)
    return render(
        request,
        "cobuild/campaign_detail.html",
        {
            "campaign": campaign,
            "figures": selectors.campaign_figures(campaign=campaign),
            "manage": manage,
            "next_states": [
                (s, Campaign.Status(s).label) for s in services.TRANSITIONS[campaign.status]
            ],
            "form": forms.CampaignForm(
                initial={
                    "name": campaign.name,
                    "year": campaign.year,
                    "description": campaign.description,
                    "lists_due": campaign.lists_due,
                    "preferences_due": campaign.preferences_due,
                    "signing_due": campaign.signing_due,
                }
            ),
            "my_resources": selectors.resource_list(actor=actor, campaign=campaign, write=True)[:50]
            if not manage
            else [],
            "my_demands": selectors.demand_list(actor=actor, campaign=campaign, write=True)[:50]
            if not manage
            else [],
        },
    )


@login_required
@require_POST
def campaign_update(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id, manage=True)
    form = forms.CampaignForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("year", None)
        _act(
            request,
            lambda: services.campaign_update(actor=request.user, campaign=campaign, **data),
            _("已保存"),
        )
    else:
        messages.error(request, forms.first_error(form))
    return redirect("cobuild:campaign_detail", campaign_id=campaign.pk)


@login_required
@require_POST
def campaign_advance(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id, manage=True)
    to = request.POST.get("to", "")
    _act(
        request,
        lambda: services.campaign_advance(actor=request.user, campaign=campaign, to=to),
        _("活动阶段已更新"),
    )
    return redirect("cobuild:campaign_detail", campaign_id=campaign.pk)


# Resources -----------------------------------------------------------------------------------


def _resource_filters(request: HttpRequest) -> tuple[dict[str, Any], dict[str, str]]:
    raw = {k: request.GET.get(k, "").strip() for k in ("q", "category", "mine")}
    return {"q": raw["q"], "category": raw["category"], "mine": raw["mine"] == "1"}, raw


@login_required
def resource_list(request: HttpRequest, campaign_id: int) -> HttpResponse:
    actor = request.user
    campaign = _campaign(request, campaign_id)
    filters, raw = _resource_filters(request)
    qs = selectors.resource_list(actor=actor, campaign=campaign, **filters)
    page = paginate(request, qs, 50)
    editable = set(
        selectors.resource_list(actor=actor, campaign=campaign, write=True)
        .filter(pk__in=[r.pk for r in page])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "cobuild/resource_list.html",
        {
            "campaign": campaign,
            "page": page,
            "raw": raw,
            "editable": editable,
            "categories": selectors.categories(campaign=campaign),
            "units": selectors.units_for_resources(actor=actor)[:500],
            "areas": _areas_of(campaign),
            "form": forms.ResourceForm(initial={"capacity": 1}),
            "query": query_without_page(request),
        },
    )


@login_required
def resource_export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id)
    filters, raw = _resource_filters(request)
    qs = selectors.resource_list(actor=request.user, campaign=campaign, **filters)
    return xlsx_export(
        what=_("资源清单"),
        headers=[
            _("单位"),
            _("资源名称"),
            _("资源内容"),
            _("类别"),
            _("可服务社区数"),
            _("已确认"),
            _("服务区域"),
            _("联系人及电话"),
        ],
        rows=(
            (
                r.unit.name,
                r.title,
                r.description,
                r.category,
                r.capacity,
                getattr(r, "confirmed", 0),
                r.area.name if r.area else _("全区"),
                r.contact,
            )
            for r in qs
        ),
        filters={"campaign": campaign.pk, **raw},
    )


@login_required
@require_POST
def resource_create(request: HttpRequest, campaign_id: int) -> HttpResponse:
    actor = request.user
    campaign = _campaign(request, campaign_id)
    unit = (
        selectors.units_for_resources(actor=actor)
        .filter(
            pk=int(request.POST.get("unit") or 0)
            if str(request.POST.get("unit", "")).isdigit()
            else 0
        )
        .first()
    )
    if unit is None:
        raise Http404(_("请选择您管理的单位"))
    form = forms.ResourceForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["area"] = _area(data.get("area"))
        _act(
            request,
            lambda: services.resource_create(actor=actor, campaign=campaign, unit=unit, **data),
            _("已添加资源"),
        )
    else:
        messages.error(request, forms.first_error(form))
    return redirect(reverse("cobuild:resource_list", args=[campaign.pk]) + "?mine=1")


@login_required
@require_http_methods(["GET", "POST"])
def resource_edit(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = _get(selectors.resource_get_for, request.user, resource_id, write=True)
    if request.method == "POST":
        form = forms.ResourceForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["area"] = _area(data.get("area"))
            done = _act(
                request,
                lambda: services.resource_update(actor=request.user, resource=resource, **data),
                _("已保存"),
            )
            if done is not None:
                return redirect(
                    reverse("cobuild:resource_list", args=[resource.campaign_id]) + "?mine=1"
                )
        else:
            messages.error(request, forms.first_error(form))
    else:
        form = forms.ResourceForm(
            initial={
                "title": resource.title,
                "description": resource.description,
                "category": resource.category,
                "capacity": resource.capacity,
                "area": resource.area_id,
                "contact": resource.contact,
            }
        )
    return render(
        request,
        "cobuild/item_form.html",
        {
            "item": resource,
            "kind": "resource",
            "form": form,
            "areas": _areas_of(resource.campaign),
            "campaign": resource.campaign,
        },
    )


@login_required
@require_POST
def resource_delete(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = _get(selectors.resource_get_for, request.user, resource_id, write=True)
    _act(
        request,
        lambda: services.resource_delete(actor=request.user, resource=resource),
        _("已删除资源"),
    )
    return redirect(reverse("cobuild:resource_list", args=[resource.campaign_id]) + "?mine=1")


@login_required
@require_http_methods(["GET", "POST"])
def resource_preferences(request: HttpRequest, resource_id: int) -> HttpResponse:
    actor = request.user
    resource = _get(selectors.resource_get_for, actor, resource_id, write=True)
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("chosen") if i.isdigit()]
        done = _act(
            request,
            lambda: services.resource_preferences_set(
                actor=actor, resource=resource, demand_ids=ids
            ),
            _("已保存双向选择"),
        )
        if done is not None:
            return redirect("cobuild:resource_preferences", resource_id=resource.pk)
    options = selectors.demand_list(
        actor=actor, campaign=resource.campaign, q=request.GET.get("q", "")
    )
    return render(
        request,
        "cobuild/preferences.html",
        {
            "item": resource,
            "kind": "resource",
            "campaign": resource.campaign,
            "chosen": selectors.preferences_of(resource=resource),
            "options": options[:300],
            "chosen_by_others": selectors.chosen_by_others(resource=resource),
            "max": services.MAX_PREFERENCES,
        },
    )


# Demands -------------------------------------------------------------------------------------


def _demand_filters(request: HttpRequest) -> tuple[dict[str, Any], dict[str, str]]:
    raw = {k: request.GET.get(k, "").strip() for k in ("q", "category", "priority", "mine")}
    return {
        "q": raw["q"],
        "category": raw["category"],
        "priority": raw["priority"],
        "mine": raw["mine"] == "1",
    }, raw


@login_required
def demand_list(request: HttpRequest, campaign_id: int) -> HttpResponse:
    actor = request.user
    campaign = _campaign(request, campaign_id)
    filters, raw = _demand_filters(request)
    qs = selectors.demand_list(actor=actor, campaign=campaign, **filters)
    page = paginate(request, qs, 50)
    editable = set(
        selectors.demand_list(actor=actor, campaign=campaign, write=True)
        .filter(pk__in=[d.pk for d in page])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "cobuild/demand_list.html",
        {
            "campaign": campaign,
            "page": page,
            "raw": raw,
            "editable": editable,
            "categories": selectors.categories(campaign=campaign),
            "priorities": Priority.choices,
            "communities": selectors.communities_for_demands(actor=actor)
            .filter(path__startswith=campaign.district.path)
            .only("id", "name")[:500],
            "form": forms.DemandForm(),
            "query": query_without_page(request),
        },
    )


@login_required
def demand_export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id)
    filters, raw = _demand_filters(request)
    qs = selectors.demand_list(actor=request.user, campaign=campaign, **filters)
    return xlsx_export(
        what=_("需求清单"),
        headers=[
            _("街道"),
            _("社区"),
            _("需求名称"),
            _("需求内容"),
            _("类别"),
            _("优先级"),
            _("期望完成时间"),
            _("已匹配"),
        ],
        rows=(
            (
                d.community.parent.name if d.community.parent else "",
                d.community.name,
                d.title,
                d.description,
                d.category,
                d.get_priority_display(),
                d.needed_by,
                _("是") if getattr(d, "confirmed", 0) else _("否"),
            )
            for d in qs
        ),
        filters={"campaign": campaign.pk, **raw},
    )


@login_required
@require_POST
def demand_create(request: HttpRequest, campaign_id: int) -> HttpResponse:
    actor = request.user
    campaign = _campaign(request, campaign_id)
    raw = str(request.POST.get("community", ""))
    community = (
        selectors.communities_for_demands(actor=actor).filter(pk=int(raw)).first()
        if raw.isdigit()
        else None
    )
    if community is None:
        raise Http404(_("请选择您管理的社区"))
    form = forms.DemandForm(request.POST)
    if form.is_valid():
        _act(
            request,
            lambda: services.demand_create(
                actor=actor, campaign=campaign, community=community, **form.cleaned_data
            ),
            _("已添加需求"),
        )
    else:
        messages.error(request, forms.first_error(form))
    return redirect(reverse("cobuild:demand_list", args=[campaign.pk]) + "?mine=1")


@login_required
@require_http_methods(["GET", "POST"])
def demand_edit(request: HttpRequest, demand_id: int) -> HttpResponse:
    demand = _get(selectors.demand_get_for, request.user, demand_id, write=True)
    if request.method == "POST":
        form = forms.DemandForm(request.POST)
        if form.is_valid():
            done = _act(
                request,
                lambda: services.demand_update(
                    actor=request.user, demand=demand, **form.cleaned_data
                ),
                _("已保存"),
            )
            if done is not None:
                return redirect(
                    reverse("cobuild:demand_list", args=[demand.campaign_id]) + "?mine=1"
                )
        else:
            messages.error(request, forms.first_error(form))
    else:
        form = forms.DemandForm(
            initial={
                "title": demand.title,
                "description": demand.description,
                "category": demand.category,
                "priority": demand.priority,
                "needed_by": demand.needed_by,
            }
        )
    return render(
        request,
        "cobuild/item_form.html",
        {"item": demand, "kind": "demand", "form": form, "campaign": demand.campaign},
    )


@login_required
@require_POST
def demand_delete(request: HttpRequest, demand_id: int) -> HttpResponse:
    demand = _get(selectors.demand_get_for, request.user, demand_id, write=True)
    _act(
        request,
        lambda: services.demand_delete(actor=request.user, demand=demand),
        _("已删除需求"),
    )
    return redirect(reverse("cobuild:demand_list", args=[demand.campaign_id]) + "?mine=1")


@login_required
@require_http_methods(["GET", "POST"])
def demand_preferences(request: HttpRequest, demand_id: int) -> HttpResponse:
    actor = request.user
    demand = _get(selectors.demand_get_for, actor, demand_id, write=True)
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("chosen") if i.isdigit()]
        done = _act(
            request,
            lambda: services.demand_preferences_set(actor=actor, demand=demand, resource_ids=ids),
            _("已保存双向选择"),
        )
        if done is not None:
            return redirect("cobuild:demand_preferences", demand_id=demand.pk)
    options = selectors.resource_list(
        actor=actor, campaign=demand.campaign, q=request.GET.get("q", "")
    )
    return render(
        request,
        "cobuild/preferences.html",
        {
            "item": demand,
            "kind": "demand",
            "campaign": demand.campaign,
            "chosen": selectors.preferences_of(demand=demand),
            "options": options[:300],
            "chosen_by_others": selectors.chosen_by_others(demand=demand),
            "max": services.MAX_PREFERENCES,
        },
    )


# Matching ------------------------------------------------------------------------------------


@login_required
def matching(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id, manage=True)
    run = selectors.latest_run(campaign=campaign)
    raw = {k: request.GET.get(k, "").strip() for k in ("q", "status")}
    page = paginate(request, selectors.run_matches(run=run, **raw), 50) if run else None
    return render(
        request,
        "cobuild/matching.html",
        {
            "campaign": campaign,
            "run": run,
            "page": page,
            "raw": raw,
            "statuses": Match.Status.choices,
            "unmatched": selectors.unmatched_demands(run=run) if run else [],
            "rules": selectors.pair_rules(campaign=campaign),
            "figures": selectors.campaign_figures(campaign=campaign),
            # (the campaign's key is loaded too: a related manager reads it on every row)
            "demands": campaign.demands.select_related("community").only(
                "id", "title", "campaign_id", "community__name"
            ),
            "resources": campaign.resources.select_related("unit").only(
                "id", "title", "campaign_id", "unit__name"
            ),
            "query": query_without_page(request),
        },
    )


@login_required
def matching_export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id, manage=True)
    run = selectors.latest_run(campaign=campaign)
    qs = selectors.run_matches(run=run) if run else Match.objects.none()
    return xlsx_export(
        what=_("匹配结果"),
        headers=[
            _("社区"),
            _("需求"),
            _("单位"),
            _("资源"),
            _("匹配分"),
            _("匹配理由"),
            _("状态"),
        ],
        rows=(
            (
                m.demand.community.name,
                m.demand.title,
                m.resource.unit.name,
                m.resource.title,
                round(m.score, 3),
                "；".join(m.reasons),
                m.get_status_display(),
            )
            for m in qs
        ),
        filters={"campaign": campaign.pk, "run": run.pk if run else None},
    )


@login_required
@require_POST
def match_run(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id, manage=True)
    _act(
        request,
        lambda: services.match_run(actor=request.user, campaign=campaign),
        _("匹配已完成"),
    )
    return redirect("cobuild:matching", campaign_id=campaign.pk)


@login_required
@require_POST
def match_confirm(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id, manage=True)
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()] or None
    _act(
        request,
        lambda: services.matches_confirm(actor=request.user, campaign=campaign, match_ids=ids),
        _("已确认配对"),
    )
    return redirect("cobuild:matching", campaign_id=campaign.pk)


@login_required
@require_POST
def match_decide(request: HttpRequest, match_id: int) -> HttpResponse:
    match = _get(selectors.match_get_for, request.user, match_id, manage=True)
    _act(
        request,
        lambda: services.match_decide(
            actor=request.user,
            match=match,
            action=request.POST.get("action", ""),
            note=request.POST.get("note", ""),
        ),
        _("已处理"),
    )
    return _back(request, reverse("cobuild:matching", args=[match.campaign_id]))


@login_required
@require_POST
def pair_rule_create(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id, manage=True)
    d, r = request.POST.get("demand", ""), request.POST.get("resource", "")
    demand = (
        campaign.demands.select_related("community").filter(pk=int(d)).first()
        if d.isdigit()
        else None
    )
    resource = (
        campaign.resources.select_related("area").filter(pk=int(r)).first() if r.isdigit() else None
    )
    _act(
        request,
        lambda: services.pair_rule_create(
            actor=request.user,
            campaign=campaign,
            demand=demand,
            resource=resource,
            kind=request.POST.get("kind", ""),
            note=request.POST.get("note", ""),
        ),
        _("已保存，重新运行匹配后生效"),
    )
    return redirect("cobuild:matching", campaign_id=campaign.pk)


@login_required
@require_POST
def pair_rule_delete(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule: PairRule = _get(selectors.pair_rule_get_for, request.user, rule_id)
    _act(
        request,
        lambda: services.pair_rule_delete(actor=request.user, rule=rule),
        _("已取消，重新运行匹配后生效"),
    )
    return redirect("cobuild:matching", campaign_id=rule.campaign_id)


# Agreements ----------------------------------------------------------------------------------


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    q = request.GET.get("q", "").strip()
    qs = selectors.confirmed_matches(actor=actor, q=q)
    page = paginate(request, qs, 50)
    return render(
        request,
        "cobuild/agreement_list.html",
        {
            "page": page,
            "q": q,
            "unit_side": {m.pk for m in page if selectors.may_sign_unit_side(actor, m.resource)},
            "community_side": {
                m.pk for m in page if selectors.may_sign_community_side(actor, m.demand.community)
            },
            "query": query_without_page(request),
        },
    )


@login_required
def agreement_export(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    qs = selectors.confirmed_matches(actor=request.user, q=q)
    rows = []
    for m in qs:
        agreement = getattr(m, "agreement", None)
        rows.append(
            (
                m.campaign.name,
                m.demand.community.name,
                m.demand.title,
                m.resource.unit.name,
                m.resource.title,
                agreement.project_name if agreement else "",
                _fmt(agreement.unit_signed_at) if agreement else "",
                _fmt(agreement.community_signed_at) if agreement else "",
            )
        )
    return xlsx_export(
        what=_("共建签约"),
        headers=[
            _("活动"),
            _("社区"),
            _("需求"),
            _("单位"),
            _("资源"),
            _("项目名称"),
            _("单位签约"),
            _("社区签约"),
        ],
        rows=rows,
        filters={"q": q},
    )


@login_required
@require_POST
def agreement_sign(request: HttpRequest, match_id: int) -> HttpResponse:
    match = _get(selectors.match_get_for, request.user, match_id)
    _act(
        request,
        lambda: services.agreement_sign(
            actor=request.user,
            match=match,
            side=request.POST.get("side", ""),
            project_name=request.POST.get("project_name", ""),
        ),
        _("已签约"),
    )
    return _back(request, reverse("cobuild:agreement_list"))


# Projects ------------------------------------------------------------------------------------


def _project_filters(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip() for k in ("q", "status")}


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    raw = _project_filters(request)
    qs = selectors.project_list(actor=request.user, q=raw["q"], status=raw["status"])
    return render(
        request,
        "cobuild/project_list.html",
        {
            "page": paginate(request, qs, 50),
            "raw": raw,
            "statuses": Project.Status.choices,
            "query": query_without_page(request),
        },
    )


@login_required
def project_export(request: HttpRequest) -> HttpResponse:
    raw = _project_filters(request)
    qs = selectors.project_list(actor=request.user, q=raw["q"], status=raw["status"])
    return xlsx_export(
        what=_("共建项目"),
        headers=[
            _("项目名称"),
            _("活动"),
            _("社区"),
            _("单位"),
            _("状态"),
            _("开始日期"),
            _("结束日期"),
            _("评分"),
        ],
        rows=(
            (
                p.name,
                p.campaign.name,
                p.agreement.match.demand.community.name,
                p.agreement.match.resource.unit.name,
                p.get_status_display(),
                p.starts_on,
                p.ends_on,
                p.rating.stars if hasattr(p, "rating") else "",
            )
            for p in qs
        ),
        filters=raw,
    )


@login_required
def project_detail(request: HttpRequest, project_id: str) -> HttpResponse:
    actor = request.user
    project = _get(selectors.project_get_for, actor, project_id)
    writable = (
        selectors.project_list(actor=actor)
        .filter(selectors.project_q(actor, write=True), pk=project.pk)
        .exists()
    )
    community = project.agreement.match.demand.community
    return render(
        request,
        "cobuild/project_detail.html",
        {
            "project": project,
            "match": project.agreement.match,
            "milestones": project.milestones.all(),
            "updates": project.updates.select_related("author").prefetch_related("photos"),
            "rating": getattr(project, "rating", None),
            "writable": writable,
            "may_rate": writable and selectors.may_sign_community_side(actor, community),
            "next_states": [
                (s, Project.Status(s).label) for s in services.PROJECT_TRANSITIONS[project.status]
            ],
            "form": forms.ProjectForm(
                initial={"starts_on": project.starts_on, "ends_on": project.ends_on}
            ),
            "milestone_form": forms.MilestoneForm(),
            "max_photos": services.MAX_PHOTOS,
        },
    )


def _project_url(project: Project) -> str:
    return reverse("cobuild:project_detail", args=[project.public_id])


@login_required
@require_POST
def project_update(request: HttpRequest, project_id: str) -> HttpResponse:
    project = _get(selectors.project_get_for, request.user, project_id, write=True)
    form = forms.ProjectForm(request.POST)
    if form.is_valid():
        _act(
            request,
            lambda: services.project_update(
                actor=request.user, project=project, **form.cleaned_data
            ),
            _("已更新项目"),
        )
    else:
        messages.error(request, forms.first_error(form))
    return redirect(_project_url(project))


@login_required
@require_POST
def milestone_add(request: HttpRequest, project_id: str) -> HttpResponse:
    project = _get(selectors.project_get_for, request.user, project_id, write=True)
    form = forms.MilestoneForm(request.POST)
    if form.is_valid():
        _act(
            request,
            lambda: services.milestone_add(
                actor=request.user, project=project, **form.cleaned_data
            ),
            _("已添加节点"),
        )
    else:
        messages.error(request, forms.first_error(form))
    return redirect(_project_url(project))


@login_required
@require_POST
def milestone_done(request: HttpRequest, milestone_id: int) -> HttpResponse:
    milestone = _get(selectors.milestone_get_for, request.user, milestone_id, write=True)
    _act(
        request,
        lambda: services.milestone_done(actor=request.user, milestone=milestone),
        _("节点已完成"),
    )
    return redirect(_project_url(milestone.project))


@login_required
@require_POST
def progress_add(request: HttpRequest, project_id: str) -> HttpResponse:
    project = _get(selectors.project_get_for, request.user, project_id, write=True)

    def add() -> Any:
        files = request.FILES.getlist("photos")
        photos = [
            (f.name or "photo", read_upload(f, max_bytes=services.MAX_PHOTO_BYTES))
            for f in files[: services.MAX_PHOTOS + 1]
        ]
        return services.progress_add(
            actor=request.user, project=project, text=request.POST.get("text", ""), photos=photos
        )

    _act(request, add, _("已报送进展"))
    return redirect(_project_url(project))


@login_required
def photo(request: HttpRequest, photo_id: int) -> FileResponse:
    found = _get(selectors.photo_get_for, request.user, photo_id)
    response = FileResponse(found.image.open("rb"), content_type=found.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def project_rate(request: HttpRequest, project_id: str) -> HttpResponse:
    project = _get(selectors.project_get_for, request.user, project_id, write=True)
    raw = request.POST.get("stars", "")
    stars = int(raw) if raw.isdigit() else None
    _act(
        request,
        lambda: services.project_rate(
            actor=request.user,
            project=project,
            stars=stars,
            comment=request.POST.get("comment", ""),
        ),
        _("已评价"),
    )
    return redirect(_project_url(project))
