"""Pages of 直联共建. Thin: parse, call one selector or service, render (ADR 0010: a broken
rule raised by a service becomes its page in `core.web`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gongjian.cobuild import forms, jobs, lists, selectors, services
from gongjian.cobuild import importers as _importers  # noqa: F401 - registers the importers
from gongjian.cobuild.models import Campaign, Match, Priority, Project
from gongjian.core.files import read_upload
from gongjian.core.web import action, done, form_data, job_done, posted, ranked_choices, safe_next


def _mine(name: str, campaign_id: int) -> str:
    return reverse(name, args=[campaign_id]) + "?mine=1"


def _project_url(project_id: Any) -> str:
    return reverse("cobuild:project_detail", args=[project_id])


# Campaigns -----------------------------------------------------------------------------------


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "cobuild/campaign_list.html",
        {
            "listing": lists.CAMPAIGNS.page(request),
            "statuses": Campaign.Status.choices,
            "districts": selectors.committee_districts(request.user),
            "form": forms.CampaignForm(initial={"year": timezone.localdate().year}),
        },
    )


@action(back="cobuild:campaign_list")
def campaign_create(request: HttpRequest) -> HttpResponse:
    data = form_data(forms.CampaignForm, request.POST)
    campaign = services.campaign_create(
        actor=request.user, district=request.POST.get("district"), **data
    )
    return done(
        request, _("已发起共建活动"), to=reverse("cobuild:campaign_detail", args=[campaign.pk])
    )


@login_required
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    actor = request.user
    campaign = selectors.campaign_get_for(actor, campaign_id)
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
            "my_resources": []
            if manage
            else selectors.resource_list(actor=actor, campaign=campaign, write=True)[:50],
            "my_demands": []
            if manage
            else selectors.demand_list(actor=actor, campaign=campaign, write=True)[:50],
        },
    )


@action(back="cobuild:campaign_detail")
def campaign_update(request: HttpRequest, campaign_id: int) -> HttpResponse:
    data = form_data(forms.CampaignForm, request.POST)
    data.pop("year", None)
    services.campaign_update(actor=request.user, campaign=campaign_id, **data)
    return done(request, _("已保存"))


@action(back="cobuild:campaign_detail")
def campaign_advance(request: HttpRequest, campaign_id: int) -> HttpResponse:
    services.campaign_advance(
        actor=request.user, campaign=campaign_id, to=request.POST.get("to", "")
    )
    return done(request, _("活动阶段已更新"))


# Resources -----------------------------------------------------------------------------------


@login_required
def resource_list(request: HttpRequest, campaign_id: int) -> HttpResponse:
    actor = request.user
    campaign = selectors.campaign_get_for(actor, campaign_id)
    listing = lists.RESOURCES.page(request, campaign=campaign)
    return render(
        request,
        "cobuild/resource_list.html",
        {
            "campaign": campaign,
            "listing": listing,
            "editable": selectors.editable_resources(actor=actor, rows=listing.rows),
            "categories": selectors.categories(campaign=campaign),
            "units": selectors.units_for_resources(actor=actor)[:500],
            "areas": selectors.service_areas(campaign=campaign),
            "form": forms.ResourceForm(initial={"capacity": 1}),
        },
    )


@action(back=lambda campaign_id: _mine("cobuild:resource_list", campaign_id))
def resource_create(request: HttpRequest, campaign_id: int) -> HttpResponse:
    data = form_data(forms.ResourceForm, request.POST)
    services.resource_create(
        actor=request.user, campaign=campaign_id, unit=request.POST.get("unit"), **data
    )
    return done(request, _("已添加资源"))


@login_required
@require_http_methods(["GET", "POST"])
def resource_edit(request: HttpRequest, resource_id: int) -> HttpResponse:
    if request.method == "POST":
        return _resource_save(request, resource_id=resource_id)
    resource = selectors.resource_get_for(request.user, resource_id, write=True)
    form = forms.ResourceForm(
        initial={
            "title": resource.title,
            "description": resource.description,
            "category": resource.category,
            "capacity": resource.capacity,
            "area": resource.area_id,
            "contact": resource.contact_masked,  # sent back masked, it keeps the number
        }
    )
    return render(
        request,
        "cobuild/item_form.html",
        {
            "item": resource,
            "kind": "resource",
            "form": form,
            "areas": selectors.service_areas(campaign=resource.campaign),
            "campaign": resource.campaign,
        },
    )


@action(back="cobuild:resource_edit")
def _resource_save(request: HttpRequest, resource_id: int) -> HttpResponse:
    data = form_data(forms.ResourceForm, request.POST)
    resource = services.resource_update(actor=request.user, resource=resource_id, **data)
    return done(request, _("已保存"), to=_mine("cobuild:resource_list", resource.campaign_id))


@action(back=lambda resource_id: reverse("cobuild:campaign_list"))
def resource_contact(request: HttpRequest, resource_id: int) -> HttpResponse:
    """The contact with its whole mobile number (htmx, into the row), audited."""
    value = services.resource_contact_unmask(
        actor=request.user, resource=resource_id, reason=request.POST.get("reason", "")
    )
    return render(request, "orgs/_unmasked.html", {"value": value, "field": "contact_phone"})


@action()
def resource_delete(request: HttpRequest, resource_id: int) -> HttpResponse:
    campaign_id = services.resource_delete(actor=request.user, resource=resource_id)
    return done(request, _("已删除资源"), to=_mine("cobuild:resource_list", campaign_id))


@login_required
@require_http_methods(["GET", "POST"])
def resource_preferences(request: HttpRequest, resource_id: int) -> HttpResponse:
    if request.method == "POST":
        return _resource_choose(request, resource_id=resource_id)
    actor = request.user
    resource = selectors.resource_get_for(actor, resource_id, write=True)
    return render(
        request,
        "cobuild/preferences.html",
        {
            "item": resource,
            "kind": "resource",
            "campaign": resource.campaign,
            "chosen": selectors.preferences_of(resource=resource),
            "options": selectors.demand_list(
                actor=actor, campaign=resource.campaign, q=request.GET.get("q", "")
            )[:300],
            "chosen_by_others": selectors.chosen_by_others(resource=resource),
            "max": services.MAX_PREFERENCES,
        },
    )


@action(back="cobuild:resource_preferences")
def _resource_choose(request: HttpRequest, resource_id: int) -> HttpResponse:
    services.resource_preferences_set(
        actor=request.user, resource=resource_id, demand_ids=ranked_choices(request.POST, "chosen")
    )
    return done(request, _("已保存双向选择"))


# Demands -------------------------------------------------------------------------------------


@login_required
def demand_list(request: HttpRequest, campaign_id: int) -> HttpResponse:
    actor = request.user
    campaign = selectors.campaign_get_for(actor, campaign_id)
    listing = lists.DEMANDS.page(request, campaign=campaign)
    return render(
        request,
        "cobuild/demand_list.html",
        {
            "campaign": campaign,
            "listing": listing,
            "editable": selectors.editable_demands(actor=actor, rows=listing.rows),
            "categories": selectors.categories(campaign=campaign),
            "priorities": Priority.choices,
            "communities": selectors.communities_for_demands(actor=actor)
            .filter(path__startswith=campaign.district.path)
            .only("id", "name")[:500],
            "form": forms.DemandForm(),
        },
    )


@action(back=lambda campaign_id: _mine("cobuild:demand_list", campaign_id))
def demand_create(request: HttpRequest, campaign_id: int) -> HttpResponse:
    data = form_data(forms.DemandForm, request.POST)
    services.demand_create(
        actor=request.user, campaign=campaign_id, community=request.POST.get("community"), **data
    )
    return done(request, _("已添加需求"))


@login_required
@require_http_methods(["GET", "POST"])
def demand_edit(request: HttpRequest, demand_id: int) -> HttpResponse:
    if request.method == "POST":
        return _demand_save(request, demand_id=demand_id)
    demand = selectors.demand_get_for(request.user, demand_id, write=True)
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


@action(back="cobuild:demand_edit")
def _demand_save(request: HttpRequest, demand_id: int) -> HttpResponse:
    data = form_data(forms.DemandForm, request.POST)
    demand = services.demand_update(actor=request.user, demand=demand_id, **data)
    return done(request, _("已保存"), to=_mine("cobuild:demand_list", demand.campaign_id))


@action()
def demand_delete(request: HttpRequest, demand_id: int) -> HttpResponse:
    campaign_id = services.demand_delete(actor=request.user, demand=demand_id)
    return done(request, _("已删除需求"), to=_mine("cobuild:demand_list", campaign_id))


@login_required
@require_http_methods(["GET", "POST"])
def demand_preferences(request: HttpRequest, demand_id: int) -> HttpResponse:
    if request.method == "POST":
        return _demand_choose(request, demand_id=demand_id)
    actor = request.user
    demand = selectors.demand_get_for(actor, demand_id, write=True)
    return render(
        request,
        "cobuild/preferences.html",
        {
            "item": demand,
            "kind": "demand",
            "campaign": demand.campaign,
            "chosen": selectors.preferences_of(demand=demand),
            "options": selectors.resource_list(
                actor=actor, campaign=demand.campaign, q=request.GET.get("q", "")
            )[:300],
            "chosen_by_others": selectors.chosen_by_others(demand=demand),
            "max": services.MAX_PREFERENCES,
        },
    )


@action(back="cobuild:demand_preferences")
def _demand_choose(request: HttpRequest, demand_id: int) -> HttpResponse:
    services.demand_preferences_set(
        actor=request.user, demand=demand_id, resource_ids=ranked_choices(request.POST, "chosen")
    )
    return done(request, _("已保存双向选择"))


# Matching ------------------------------------------------------------------------------------


@login_required
def matching(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get_for(request.user, campaign_id, manage=True)
    return render(
        request,
        "cobuild/matching.html",
        {
            "campaign": campaign,
            **selectors.matching_board(campaign=campaign),
            "listing": lists.PROPOSALS.page(request, campaign=campaign),
            "statuses": Match.Status.choices,
            "figures": selectors.campaign_figures(campaign=campaign),
        },
    )


@action(back="cobuild:matching")
def match_run(request: HttpRequest, campaign_id: int) -> HttpResponse:
    return job_done(request, jobs.match_start(actor=request.user, campaign=campaign_id))


@action(back="cobuild:matching")
def match_confirm(request: HttpRequest, campaign_id: int) -> HttpResponse:
    services.matches_confirm(
        actor=request.user, campaign=campaign_id, match_ids=request.POST.getlist("ids") or None
    )
    return done(request, _("已确认配对"))


@action()
def match_decide(request: HttpRequest, match_id: int) -> HttpResponse:
    match = services.match_decide(
        actor=request.user,
        match=match_id,
        **posted(request, "action", "note"),
    )
    board = reverse("cobuild:matching", args=[match.campaign_id])
    return done(request, _("已处理"), to=safe_next(request, board))


@action(back="cobuild:matching")
def pair_rule_create(request: HttpRequest, campaign_id: int) -> HttpResponse:
    services.pair_rule_create(
        actor=request.user,
        campaign=campaign_id,
        demand=request.POST.get("demand"),
        resource=request.POST.get("resource"),
        **posted(request, "kind", "note"),
    )
    return done(request, _("已保存，重新运行匹配后生效"))


@action()
def pair_rule_delete(request: HttpRequest, rule_id: int) -> HttpResponse:
    campaign_id = services.pair_rule_delete(actor=request.user, rule=rule_id)
    return done(
        request,
        _("已取消，重新运行匹配后生效"),
        to=reverse("cobuild:matching", args=[campaign_id]),
    )


# Agreements ----------------------------------------------------------------------------------


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    listing = lists.AGREEMENTS.page(request)
    return render(
        request,
        "cobuild/agreement_list.html",
        {"listing": listing, **selectors.signing_sides(actor=actor, matches=listing.rows)},
    )


@action(back="cobuild:agreement_list")
def agreement_sign(request: HttpRequest, match_id: int) -> HttpResponse:
    services.agreement_sign(
        actor=request.user,
        match=match_id,
        **posted(request, "side", "project_name"),
    )
    return done(request, _("已签约"))


# Projects ------------------------------------------------------------------------------------


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "cobuild/project_list.html",
        {"listing": lists.PROJECTS.page(request), "statuses": Project.Status.choices},
    )


@login_required
def project_detail(request: HttpRequest, project_id: str) -> HttpResponse:
    actor = request.user
    project = selectors.project_get_for(actor, project_id)
    writable = selectors.may_write_project(actor, project)
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


@action(back=_project_url)
def project_update(request: HttpRequest, project_id: str) -> HttpResponse:
    data = form_data(forms.ProjectForm, request.POST)
    services.project_update(actor=request.user, project=project_id, **data)
    return done(request, _("已更新项目"))


@action(back=_project_url)
def milestone_add(request: HttpRequest, project_id: str) -> HttpResponse:
    data = form_data(forms.MilestoneForm, request.POST)
    services.milestone_add(actor=request.user, project=project_id, **data)
    return done(request, _("已添加节点"))


@action()
def milestone_done(request: HttpRequest, milestone_id: int) -> HttpResponse:
    milestone = services.milestone_done(actor=request.user, milestone=milestone_id)
    return done(request, _("节点已完成"), to=_project_url(milestone.project.public_id))


@action(back=_project_url)
def progress_add(request: HttpRequest, project_id: str) -> HttpResponse:
    photos = [
        (f.name or "photo", read_upload(f, max_bytes=services.MAX_PHOTO_BYTES))
        for f in request.FILES.getlist("photos")[: services.MAX_PHOTOS + 1]
    ]
    services.progress_add(
        actor=request.user, project=project_id, text=request.POST.get("text", ""), photos=photos
    )
    return done(request, _("已报送进展"))


@login_required
def photo(request: HttpRequest, photo_id: int) -> FileResponse:
    found = selectors.photo_get_for(request.user, photo_id)
    response = FileResponse(found.image.open("rb"), content_type=found.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@action(back=_project_url)
def project_rate(request: HttpRequest, project_id: str) -> HttpResponse:
    services.project_rate(
        actor=request.user,
        project=project_id,
        **posted(request, "stars", "comment"),
    )
    return done(request, _("已评价"))
