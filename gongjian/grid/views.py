"""Pages of the grid app. Thin: parse, call one service or selector, render (ADR 0010)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core.lists import Listing
from gongjian.core.web import action, done, posted
from gongjian.grid import selectors, services
from gongjian.grid.lists import ASSIGNMENTS, COVERAGE, HOUSEHOLDS, ISSUES, VISITS
from gongjian.grid.models import Assignment, Issue

HOUSEHOLD_FIELDS = (
    "head_name",
    "building",
    "entrance",
    "room",
    "address",
    "head_phone",
    "head_id_number",
    "size",
    "note",
)


def _household_values(request: HttpRequest, prefix: str = "") -> dict[str, str]:
    p = request.POST
    values = {k: p.get(prefix + k, "") for k in HOUSEHOLD_FIELDS}
    values.update({f: p.get(prefix + f, "") for f in services.FLAGS})
    return values


def _table(
    request: HttpRequest, listing: Listing, title: str, export: str, **extra: object
) -> HttpResponse:
    selects = [
        (name, options, listing.raw.get(name, ""))
        for name, options in listing.choices.items()
        if name != "flag"
    ]
    return render(
        request,
        "grid/table.html",
        {
            "listing": listing,
            "pairs": list(zip(listing.rows, listing.table(), strict=True)),
            "selects": selects,
            "title": title,
            "export": export,
            **extra,
        },
    )


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    return _table(
        request,
        COVERAGE.page(request),
        _("走访覆盖"),
        "coverage_export",
        targets=selectors.TARGETS,
        coverage=True,
    )


coverage_export = COVERAGE.export_view()


@login_required
def cadres(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = selectors.coverage_by_cadre(actor=request.user, start=today.replace(day=1), end=today)[
        :200
    ]
    return render(request, "grid/cadres.html", {"rows": rows, "start": today.replace(day=1)})


# Households -----------------------------------------------------------------------------------


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "grid/household_list.html",
        {
            "listing": HOUSEHOLDS.page(request),
            "grids": selectors.grid_choices(actor=request.user),
            "may_manage": selectors.may_manage(request.user),
        },
    )


household_export = HOUSEHOLDS.export_view()


@action(back="grid:household_list")
def household_create(request: HttpRequest) -> HttpResponse:
    household = services.household_create(
        actor=request.user, grid_id=request.POST.get("grid", ""), **_household_values(request)
    )
    return done(
        request,
        _("住户已登记"),
        to=reverse("grid:household_detail", args=[household.public_id]),
    )


@login_required
def household_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    household = selectors.household_get_for(request.user, public_id)
    return render(
        request,
        "grid/household_detail.html",
        {
            "household": household,
            "visits": selectors.household_visits(household=household)[:50],
            "may_unmask": selectors.may_unmask(request.user),
            "may_edit": selectors.may_keep(request.user, household),
        },
    )


@login_required
def household_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    household = selectors.household_get_for(request.user, public_id, write=True)
    return render(
        request,
        "grid/household_edit.html",
        {"household": household, "grids": selectors.grid_choices(actor=request.user, write=True)},
    )


@action(back="grid:household_edit")
def household_update(request: HttpRequest, public_id: str) -> HttpResponse:
    values = _household_values(request)
    p = request.POST
    household = services.household_update(
        actor=request.user,
        household_id=public_id,
        grid_id=p.get("grid", ""),
        clear_head_phone=p.get("clear_head_phone", ""),
        clear_head_id_number=p.get("clear_head_id_number", ""),
        is_active=p.get("is_active", "") if p.get("is_active_shown") else None,
        **values,
    )
    return done(
        request, _("住户已保存"), to=reverse("grid:household_detail", args=[household.public_id])
    )


@action(back="grid:household_edit")
def household_delete(request: HttpRequest, public_id: str) -> HttpResponse:
    label = services.household_delete(actor=request.user, household_id=public_id)
    return done(request, _("已删除住户%(h)s") % {"h": label}, to=reverse("grid:household_list"))


@action(back="grid:household_detail")
def household_unmask(request: HttpRequest, public_id: str) -> HttpResponse:
    field_name = request.POST.get("field", "")
    value = services.household_unmask(
        actor=request.user,
        household_id=public_id,
        field_name=field_name,
        reason=request.POST.get("reason", ""),
    )
    return render(request, "orgs/_unmasked.html", {"value": value, "field": field_name})


@action(back="grid:household_detail")
def household_flags(request: HttpRequest, public_id: str) -> HttpResponse:
    services.household_flags_update(
        actor=request.user,
        household_id=public_id,
        **{f: request.POST.get(f, "") for f in services.FLAGS},
    )
    return done(request, _("已更新"))


# Assignments ----------------------------------------------------------------------------------


@login_required
def assignment_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "grid/assignment_list.html",
        {
            "listing": ASSIGNMENTS.page(request),
            "grids": selectors.grid_choices(actor=request.user),
            "roles": Assignment.Role.choices,
            "today": timezone.localdate(),
        },
    )


assignment_export = ASSIGNMENTS.export_view()


@action(back="grid:assignment_list")
def assignment_create(request: HttpRequest) -> HttpResponse:
    p = request.POST
    services.assignment_create(
        actor=request.user,
        grid_id=p.get("grid", ""),
        member_id=p.get("member", ""),
        **posted(request, "role", "starts_on", "ends_on"),
    )
    return done(request, _("已安排到网格"))


@action(back="grid:assignment_list")
def assignment_end(request: HttpRequest, pk: int) -> HttpResponse:
    services.assignment_end(
        actor=request.user, assignment_id=pk, ends_on=request.POST.get("ends_on", "")
    )
    return done(request, _("已结束该安排"))


# Visits ---------------------------------------------------------------------------------------


@login_required
def visit_list(request: HttpRequest) -> HttpResponse:
    return render(request, "grid/visit_list.html", {"listing": VISITS.page(request)})


visit_export = VISITS.export_view()


@login_required
def visit_new(request: HttpRequest) -> HttpResponse:
    """The visit form, for a phone: a household of the caller's grids (found by name or
    address), or a new one."""
    q = request.GET.get("q", "").strip()[:50]
    chosen = request.GET.get("household", "")
    household = selectors.household_get_for(request.user, chosen) if chosen else None
    return render(
        request,
        "grid/visit_form.html",
        {
            "household": household,
            "q": q,
            "found": selectors.household_list(actor=request.user, q=q)[:20] if q else [],
            "grids": selectors.grid_choices(actor=request.user),
            "kinds": Issue.Kind.choices,
            "today": timezone.localdate(),
        },
    )


@action(back="grid:visit_new")
def visit_create(request: HttpRequest) -> HttpResponse:
    p = request.POST
    household = p.get("household", "")
    visit = services.visit_log(
        actor=request.user,
        household_id=household,
        grid_id=p.get("grid", ""),
        new_household=None if household else _household_values(request, "new_"),
        **posted(request, "visited_on", "met", "notes"),
        issues=list(zip(p.getlist("issue_kind"), p.getlist("issue"), strict=False)),
    )
    return done(request, _("走访已记录"), to=reverse("grid:visit_detail", args=[visit.public_id]))


@login_required
def visit_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    visit = selectors.visit_get_for(request.user, public_id)
    # A need most often becomes a co-building demand: that destination comes first.
    order = [Issue.PassedTo.DEMAND, Issue.PassedTo.FINDING, Issue.PassedTo.SUGGESTION]
    labels = dict(Issue.PassedTo.choices)
    targets = [(str(k), labels[k]) for k in order]
    first = targets[0][0]
    return render(
        request,
        "grid/visit_detail.html",
        {
            "visit": visit,
            "issues": visit.issues.all(),
            "targets": targets,
            "first_target": first,
            "picks": selectors.pass_target_picks(actor=request.user, to=first),
            "target": selectors.pass_target(first),
        },
    )


@login_required
def pass_targets(request: HttpRequest) -> HttpResponse:
    """The choices (radio buttons named `target`) of what an issue is passed into, for the
    destination `to`, by the name typed in `target_q` (htmx, like the orgs pickers)."""
    to = request.GET.get("to", "")
    q = (request.GET.get("target_q") or "").strip()
    target = selectors.pass_target(to)
    picks = selectors.pass_target_picks(actor=request.user, to=to, q=q)
    return render(
        request,
        "grid/_pass_targets.html",
        {"picks": picks, "field": "target", "q": q, "target": target},
    )


# Issues ---------------------------------------------------------------------------------------


@login_required
def issue_list(request: HttpRequest) -> HttpResponse:
    return _table(request, ISSUES.page(request), _("走访问题"), "issue_export", issues=True)


issue_export = ISSUES.export_view()


@action(back="grid:issue_list")
def issue_pass(request: HttpRequest, public_id: str) -> HttpResponse:
    issue = services.issue_pass(
        actor=request.user,
        issue_id=public_id,
        to=request.POST.get("to", ""),
        target_id=request.POST.get("target", ""),
    )
    return done(request, _("已转为%(t)s") % {"t": issue.get_passed_to_display()})


@action(back="grid:issue_list")
def issue_resolve(request: HttpRequest, public_id: str) -> HttpResponse:
    services.issue_resolve(actor=request.user, issue_id=public_id)
    return done(request, _("已标记为解决"))
