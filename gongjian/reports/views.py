"""The dashboard (驾驶舱), its full-screen mode, the briefing preview and download. Thin: every
figure comes from `figures.figures_for`; the rankings' exports are declared in `lists.py`, a
scope the caller may not see is the 404 page (`core.web`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from gongjian.core import jobs
from gongjian.core.exports import file_response
from gongjian.core.figures import Scope
from gongjian.core.figures import list_url as _url
from gongjian.core.replica import reads_from_replica
from gongjian.core.web import action
from gongjian.reporting import figures as reporting_figures
from gongjian.reports import briefing_text, figures, selectors
from gongjian.reports import jobs as reports_jobs
from gongjian.reports.types import Figures
from gongjian.service import calendar
from gongjian.service import figures as service_figures

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _selection(request: HttpRequest) -> tuple[figures.Node, Any, dict[str, str]]:
    raw = {k: request.GET.get(k, "").strip() for k in ("node", "period", "start", "end")}
    node, period = selectors.selection_for(request.user, **raw)
    raw["node"] = node.key
    raw["period"] = period.kind
    return node, period, raw


def links(node: figures.Node, f: Figures) -> dict[str, str]:
    unit = node.unit_id or ""
    where = figures.scope_of(node)
    return {
        "units": _url("orgs:unit_detail", unit) if unit else _url("orgs:unit_list"),
        "party_orgs": _url("orgs:tree"),
        "members": _url("orgs:member_list", unit=unit),
        "in_service": reporting_figures.roster_url(where, f.as_of),
        "reported": reporting_figures.roster_url(where, f.as_of, "confirmed"),
        "pending": reporting_figures.roster_url(where, f.as_of, "pending"),
        "reports_received": reporting_figures.roster_url(where, f.as_of, "received"),
        "reports_waiting": reporting_figures.roster_url(where, f.as_of, "awaiting"),
        "pairings": reporting_figures.pairings_url(where, f.as_of),
        "activities": service_figures.activities_url(where, f.period, "held"),
        "planned": service_figures.activities_url(where, f.period, "planned"),
        "organised": service_figures.activities_url(where, f.period, "organised"),
        "person_times": service_figures.records_url(where, f.period),
        "people": service_figures.records_url(where, f.period),
        "hours": service_figures.records_url(where, f.period),
        "hours_confirmed": service_figures.records_url(where, f.period),
        "households": service_figures.activities_url(
            where, f.period, "organised" if unit else "held"
        ),
        "resources": _url("cobuild:resource_list"),
        "demands": _url("cobuild:demand_list"),
        "matched": _url("cobuild:match_list"),
        "signed": _url("cobuild:agreement_list"),
        "projects": _url("cobuild:project_list"),
        "unit_export": "",
    }


def row_links(node: figures.Node, f: Figures) -> dict[str, list[tuple[Any, dict[str, str]]]]:
    """The rows of the board's tables with the lists behind their numbers: each service
    category's activities (or, for a unit, its organised ones for the households) and
    attendances, by category id; each ranked unit's roster on the period's end and its
    members' attendances over the period."""
    where = figures.scope_of(node)
    ids = {c.code: c.id for c in service_figures.categories()}
    organised = "organised" if node.is_unit else "held"
    categories = []
    for c in f.categories:
        pk = ids.get(c.code)
        categories.append(
            (
                c,
                {
                    "activities": service_figures.activities_url(
                        where, f.period, "held", category=pk
                    ),
                    "records": service_figures.records_url(where, f.period, category=pk),
                    "households": service_figures.activities_url(
                        where, f.period, organised, category=pk
                    ),
                },
            )
        )

    def unit_row(u: Any) -> tuple[Any, dict[str, str]]:
        own = Scope(unit_id=u.id)
        return (
            u,
            {
                "in_service": reporting_figures.roster_url(own, f.as_of),
                "reported": reporting_figures.roster_url(own, f.as_of, "confirmed"),
                "records": service_figures.records_url(own, f.period),
            },
        )

    return {
        "categories": categories,
        "top_units": [unit_row(u) for u in f.top_units()],
        "bottom_units": [unit_row(u) for u in f.bottom_units()],
    }


def chart_data(f: Figures) -> dict[str, Any]:
    return {
        "months": [m.month for m in f.months],
        "month_activities": [m.activities for m in f.months],
        "month_person_times": [m.person_times for m in f.months],
        "categories": [
            {"name": c.name, "value": c.person_times, "itemStyle": {"color": c.colour}}
            for c in f.categories
        ],
        "category_hours": [round(c.hours, 1) for c in f.categories],
        "category_names": [c.name for c in f.categories],
        "top_units": [[u.name, round((u.rate or 0) * 100, 1)] for u in f.top_units(10)],
        "bottom_units": [[u.name, round((u.rate or 0) * 100, 1)] for u in f.bottom_units(10)],
        "top_communities": [[c.name, c.person_times] for c in f.top_communities(10)],
        "bottom_communities": [[c.name, c.person_times] for c in f.bottom_communities(10)],
    }


def _context(request: HttpRequest) -> dict[str, Any]:
    node, period, raw = _selection(request)
    f = figures.figures_for(request.user, node, period)
    query = urlencode(raw)
    return {
        "f": f,
        "node": node,
        "raw": raw,
        "query": query,
        "links": links(node, f),
        "row_links": row_links(node, f),
        "charts": chart_data(f),
        "options": figures.node_options(request.user),
        "period_kinds": [
            ("this_year", _("今年以来")),
            ("this_month", _("本月")),
            ("last_month", _("上月")),
            ("last_year", _("去年")),
            ("custom", _("自定义")),
        ],
        "headline": briefing_text.headline(f),
        "rate": briefing_text.pct(f.reporting_rate),
    }


@login_required
@reads_from_replica
def dashboard(request: HttpRequest) -> HttpResponse:
    context = _context(request)
    context["holiday_warning"] = calendar.next_year_warning(timezone.localdate())
    context["app_figures"] = selectors.app_figures(
        request.user, context["node"], context["f"].period
    )
    context["may_refresh_rollups"] = reports_jobs.may_refresh_rollups(request.user)
    template = "reports/screen.html" if request.GET.get("screen") else "reports/dashboard.html"
    return render(request, template, context)


@login_required
@reads_from_replica
def briefing_preview(request: HttpRequest) -> HttpResponse:
    context = _context(request)
    f = context["f"]
    context["doc"] = briefing_text.compose(
        f, selectors.app_figures(request.user, context["node"], f.period)
    )
    return render(request, "reports/briefing.html", context)


@login_required
@reads_from_replica
def briefing_docx(request: HttpRequest) -> HttpResponse:
    """The briefing at once, in the request (for scripts); the page makes it as a background
    job (`briefing_generate`)."""
    _node, _period, raw = _selection(request)
    data, filename = reports_jobs.briefing_document(request.user, raw)
    return file_response(data, filename=filename, content_type=DOCX_TYPE)


@action(back="reports:briefing")
def briefing_generate(request: HttpRequest) -> HttpResponse:
    """Make the briefing of the chosen scope and period in the background; its page shows
    the progress and then the download."""
    job = jobs.job_checked(reports_jobs.briefing_start(actor=request.user, raw=request.POST.dict()))
    return redirect("core:job_detail", job_id=job.public_id)


@action(back="reports:dashboard")
def rollups_refresh(request: HttpRequest) -> HttpResponse:
    """Rebuild the dashboard's monthly rollups in the background (the working committee)."""
    job = jobs.job_checked(
        reports_jobs.rollups_start(actor=request.user, full=request.POST.get("full") == "1")
    )
    return redirect("core:job_detail", job_id=job.public_id)
