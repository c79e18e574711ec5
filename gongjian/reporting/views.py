"""Pages of 双报到. Thin: parse, call one selector or service, render. A broken rule becomes a
page in `core.web` (ADR 0010); lists and their exports come from `lists.py`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gongjian.core.exports import file_response
from gongjian.core.pages import paginate, query_without_page
from gongjian.core.replica import reads_from_replica
from gongjian.core.web import action, done, is_safe_url, posted
from gongjian.orgs import scope
from gongjian.orgs import selectors as org_selectors
from gongjian.orgs import services as org_services
from gongjian.reporting import lists, posters, selectors, services
from gongjian.reporting.models import MemberReport, OrgReport

# The member -----------------------------------------------------------------------------------


@login_required
def my_report(request: HttpRequest) -> HttpResponse:
    actor = request.user
    reports = list(selectors.my_reports(actor=actor))
    return render(
        request,
        "reporting/my_report.html",
        {
            "me": selectors.my_member(actor),
            "reports": reports,
            "current": next((r for r in reports if r.status == "confirmed"), None),
            "pending": next((r for r in reports if r.status == "submitted"), None),
            "notices": selectors.my_notices(actor=actor).filter(read_at__isnull=True)[:5],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_form(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return report_submit(request)
    data = request.GET
    places = selectors.report_form_places(
        code=data.get("c", "").strip(),
        street=data.get("street"),
        community=data.get("community"),
        grid=data.get("grid"),
    )
    return render(
        request, "reporting/report_form.html", {"me": selectors.my_member(request.user), **places}
    )


@action()  # a refusal goes back to the form as the member had it (the referring page)
def report_submit(request: HttpRequest) -> HttpResponse:
    services.member_report_submit(
        actor=request.user,
        community=request.POST.get("community", ""),
        grid=request.POST.get("grid") or None,
    )
    return done(request, _("报到已提交，请等待社区确认"), to=reverse("reporting:my_report"))


@login_required
def places(request: HttpRequest) -> HttpResponse:
    """The options of the next select (htmx): the communities of a street, or the grids of a
    community. Names only, from the public directory of places."""
    options, by_community = selectors.place_options(
        street=request.GET.get("street", ""), community=request.GET.get("community")
    )
    label = _("不选网格") if by_community else _("请选择社区")
    return render(request, "reporting/_options.html", {"options": options, "label": label})


@action(back="reporting:my_report")
def report_withdraw(request: HttpRequest, report_id: str) -> HttpResponse:
    services.member_report_withdraw(actor=request.user, report=report_id)
    return done(request, _("已撤回报到"))


@login_required
def notices(request: HttpRequest) -> HttpResponse:
    qs = selectors.my_notices(actor=request.user)
    return render(
        request,
        "reporting/notices.html",
        {"page": paginate(request, qs, 30), "query": query_without_page(request)},
    )


@action(back="reporting:notices")
def notice_read(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = org_services.notice_mark_read(actor=request.user, notice_id=notice_id)
    return done(request, to=notice.link if is_safe_url(request, notice.link) else None)


# The community --------------------------------------------------------------------------------


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    listing = lists.REPORTS.page(request)
    return render(
        request,
        "reporting/report_list.html",
        {
            **vars(listing),  # page, raw, filters, query
            "status": listing.filters["status"],
            "decidable": selectors.member_report_decidable_ids(actor=actor, reports=listing.rows),
            "statuses": MemberReport.Status.choices,
            "communities": selectors.communities_of(actor).select_related(None).only("id", "name"),
        },
    )


@action(back="reporting:report_list")
def report_decide(request: HttpRequest) -> HttpResponse:
    n = services.member_reports_decide(
        actor=request.user,
        reports=request.POST.getlist("ids"),
        **posted(request, "action", "reason"),
    )
    return done(request, _("已处理%(n)d条报到") % {"n": n})


@login_required
def roster(request: HttpRequest) -> HttpResponse:
    """The members behind a 双报到 figure: a scope's in-service members on a day, by state."""
    listing = lists.ROSTER.page(request)
    return render(request, "reporting/roster.html", {**vars(listing), "listing": listing})


@login_required
def residents(request: HttpRequest) -> HttpResponse:
    actor = request.user
    listing = lists.RESIDENTS.page(request)
    return render(
        request,
        "reporting/residents.html",
        {
            **vars(listing),  # page, raw, filters, query
            "may_unmask_phone": scope.may_unmask(actor, field_name="phone"),
            "grids": selectors.grids_of(actor),
        },
    )


@login_required
def poster(request: HttpRequest) -> HttpResponse:
    actor = request.user
    communities = selectors.communities_of(actor).select_related("parent")
    raw = request.GET.get("community", "").strip()
    community = selectors.community_get_for(actor, raw) if raw else communities.first()
    return render(
        request,
        "reporting/poster.html",
        {
            "community": community,
            "communities": communities[:500],
            "link": posters.report_link(request, community) if community else "",
        },
    )


@login_required
def poster_png(request: HttpRequest, community_id: int) -> HttpResponse:
    community = selectors.community_get_for(request.user, community_id)
    data = posters.qr_png(posters.report_link(request, community))
    return HttpResponse(data, content_type="image/png")


@login_required
def poster_pdf(request: HttpRequest, community_id: int) -> HttpResponse:
    community = selectors.community_get_for(request.user, community_id)
    data = posters.poster_pdf(community, posters.report_link(request, community))
    return file_response(
        data, filename=f"{community.name}-报到海报.pdf", content_type="application/pdf"
    )


# The unit -------------------------------------------------------------------------------------


@login_required
@reads_from_replica
def unit_status(request: HttpRequest) -> HttpResponse:
    actor = request.user
    unit = selectors.status_unit(actor, request.GET.get("unit", "").strip())
    context: dict[str, Any] = {"unit": unit, "page": None, "figures": None}
    if unit is not None:
        listing = lists.UNIT_MEMBERS.page(request)
        context.update(
            {
                **vars(listing),  # page, raw, filters, query
                "figures": selectors.unit_rate_for(unit=unit, on=timezone.localdate()),
                "may_remind": selectors.may_remind(actor, unit),
            }
        )
    units = org_selectors.unit_list(actor=actor).select_related(None).only("id", "name")
    context["units"] = units[:500]
    return render(request, "reporting/unit_status.html", context)


@action(back=lambda unit_id: f"{reverse('reporting:unit_status')}?unit={unit_id}")
def remind(request: HttpRequest, unit_id: int) -> HttpResponse:
    n = services.reminders_send(actor=request.user, unit=unit_id)
    if n:
        return done(request, _("已提醒%(n)d名未报到的党员") % {"n": n})
    messages.info(request, _("没有需要提醒的党员（今天已提醒过的不再重复提醒）"))
    return done(request)


# Rates ----------------------------------------------------------------------------------------


@login_required
@reads_from_replica
def rates(request: HttpRequest) -> HttpResponse:
    spec = lists.rates_for(request.GET)
    listing = spec.page(request)
    filters = listing.filters
    rows = list(listing.page.paginator.object_list)
    level = filters["level"]
    return render(
        request,
        "reporting/rates.html",
        {
            "page": listing.page,
            "level": level,
            "levels": lists.LEVEL.options(),
            "on": filters["on"] or timezone.localdate(),
            "q": filters["q"],
            # The headline: the sum of the level's own rows (units; the top organisations; the
            # communities' received reports), so the page costs no query beyond its level's.
            "overall": selectors.overall_rate([r for r in rows if level != "org" or r.top]),
            "member_level": level in ("unit", "org"),
            "query": listing.query,
        },
    )


# Pairings -------------------------------------------------------------------------------------


@login_required
def pairing_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    listing = lists.PAIRINGS.page(request)
    return render(
        request,
        "reporting/pairing_list.html",
        {
            **vars(listing),  # page, raw, filters, query
            "statuses": OrgReport.Status.choices,
            "decidable": selectors.org_report_decidable_ids(actor=actor, reports=listing.rows),
            "endable": selectors.org_report_endable_ids(actor=actor, reports=listing.rows),
            "orgs": selectors.pairable_orgs(actor=actor)
            .select_related(None)
            .only("id", "name")[:500],
            "streets": org_selectors.area_directory(kind="street").order_by("path"),
        },
    )


@action(back="reporting:pairing_list")
def pairing_create(request: HttpRequest) -> HttpResponse:
    services.org_report_create(
        actor=request.user,
        **posted(request, "party_org", "community", "note"),
    )
    return done(request, _("已提交结对，等待社区确认"))


@action(back="reporting:pairing_list")
def pairing_decide(request: HttpRequest, pairing_id: int) -> HttpResponse:
    services.org_report_decide(
        actor=request.user,
        org_report=pairing_id,
        **posted(request, "action", "reason"),
    )
    return done(request, _("已处理"))
