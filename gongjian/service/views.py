"""Pages of volunteer service. Thin: parse, call one selector or service, render. A broken rule
becomes a page in `core.web` (ADR 0010); lists and their exports come from `lists.py`."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core.exports import file_response
from gongjian.core.masking import mask_name
from gongjian.core.pages import paginate, query_without_page
from gongjian.core.replica import reads_from_replica
from gongjian.core.web import action, done
from gongjian.service import certificate, lists, selectors, services, tokens
from gongjian.service.forms import ActivityForm, CategoryForm, OutcomeForm, TeamForm
from gongjian.service.models import Activity, Signup

_SCAN_KEY = "service_scan"


def _year(request: HttpRequest) -> int | None:
    return lists.YEAR.parse(request.GET.get("year", ""))  # type: ignore[no-any-return]


# Activities ---------------------------------------------------------------------------------


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    listing = lists.ACTIVITIES.page(request)
    counted = listing.filters["when"] in selectors.FIGURE_KINDS
    return render(
        request,
        "service/activity_list.html",
        {
            **vars(listing),  # page, raw, filters, query
            "households": (
                selectors.households_of(listing.page.paginator.object_list) if counted else None
            ),
            "categories": selectors.category_list(),
            "member": selectors.member_of(request.user),
            "is_organiser": selectors.may_organise(request.user),
        },
    )


@login_required
def activity_create(request: HttpRequest) -> HttpResponse:
    form = ActivityForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        activities = services.activity_publish(
            actor=request.user, **{**data, "occurrences": data["occurrences"] or 1}
        )
        if len(activities) > 1:
            message = _("已发布%(n)d次周期活动") % {"n": len(activities)}
        else:
            message = _("活动已发布")
        to = reverse("service:activity_detail", args=[activities[0].public_id])
        return done(request, message, to=to)
    return render(request, "service/activity_form.html", {"form": form})


@login_required
def activity_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = request.user
    activity = selectors.activity_get_for(actor, public_id)
    member = selectors.member_of(actor)
    signup = selectors.signup_of(member=member, activity=activity)
    may_manage = selectors.activity_may_manage(actor, activity)
    context: dict[str, Any] = {
        "activity": activity,
        "signup": signup,
        "position": selectors.waiting_position(signup) if signup else 0,
        "attendance": selectors.attendance_of(member=member, activity=activity),
        "may_manage": may_manage,
        "member": member,
        "outcome": getattr(activity, "outcome", None),
    }
    if may_manage:
        context["confirmed"] = selectors.signup_list(
            activity=activity, status=Signup.Status.CONFIRMED
        )
        context["waiting"] = selectors.signup_list(activity=activity, status=Signup.Status.WAITING)
    return render(request, "service/activity_detail.html", context)


@action(back="service:activity_detail")
def activity_cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    services.activity_cancel(
        actor=request.user, activity=public_id, reason=request.POST.get("reason", "")
    )
    return done(request, _("活动已取消，已通知所有报名的党员"))


@action(back="service:activity_detail")
def signup(request: HttpRequest, public_id: str) -> HttpResponse:
    result = services.signup_create(actor=request.user, activity=public_id)
    if result.status == Signup.Status.CONFIRMED:
        return done(request, _("报名成功，活动前一天会提醒您"))
    messages.warning(
        request,
        _("名额已满，您已进入候补名单，第%(n)d位；有人取消时将按顺序自动递补")
        % {"n": selectors.position_at_signup(result)},
    )
    return done(request)


@action(back="service:activity_detail")
def signup_cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    services.signup_cancel(actor=request.user, activity=public_id)
    return done(request, _("已取消报名"))


# Check-in -----------------------------------------------------------------------------------


def _qr_kind(request: HttpRequest) -> str:
    kind = request.GET.get("kind", "in")
    return kind if kind in tokens.KINDS else "in"


@login_required
def activity_qr(request: HttpRequest, public_id: str) -> HttpResponse:
    activity = selectors.activity_get_for(request.user, public_id, write=True)
    return render(
        request,
        "service/activity_qr.html",
        {"activity": activity, "kind": _qr_kind(request), "code": _qr_svg(request, activity)},
    )


def _qr_svg(request: HttpRequest, activity: Activity) -> dict[str, Any]:
    kind = _qr_kind(request)
    token = services.checkin_token(actor=request.user, activity=activity, kind=kind)
    url = request.build_absolute_uri(reverse("service:checkin", args=[token]))
    svg = segno.make(url, error="m").svg_inline(scale=6, dark="#222", light="#fff")
    left = tokens.WINDOW_SECONDS - int(time.time()) % tokens.WINDOW_SECONDS
    return {"svg": svg, "url": url, "seconds_left": left}


@login_required
def activity_qr_code(request: HttpRequest, public_id: str) -> HttpResponse:
    """The code alone, for the page's htmx refresh every 30 seconds."""
    activity = selectors.activity_get_for(request.user, public_id, write=True)
    response = render(request, "service/_qr_code.html", {"code": _qr_svg(request, activity)})
    response["Cache-Control"] = "no-store"
    return response


def checkin(request: HttpRequest, token: str) -> HttpResponse:
    """The member's scan. A good code is remembered in the session for five minutes, so
    logging in on the way does not make it expire (`services.scan_read`)."""
    scan, memo = services.scan_read(token, remembered=request.session.get(_SCAN_KEY))
    request.session[_SCAN_KEY] = memo
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    attendance, message, changed = services.attendance_scan(actor=request.user, scan=scan)
    request.session.pop(_SCAN_KEY, None)
    return render(
        request,
        "service/checkin_result.html",
        {"ok": True, "changed": changed, "message": message, "attendance": attendance},
    )


def _parse_dt(value: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


@login_required
def attendance(request: HttpRequest, public_id: str) -> HttpResponse:
    """The organiser's attendance sheet: who signed up, who came, hours; marks by hand."""
    if request.method == "POST":
        return attendance_mark(request, public_id=public_id)
    activity = selectors.activity_get_for(request.user, public_id, write=True)
    rows = selectors.attendance_sheet(activity=activity)
    return render(
        request,
        "service/attendance.html",
        {
            "activity": activity,
            "page": paginate(request, rows, 100),
            "query": query_without_page(request),
        },
    )


@action(back="service:attendance")
def attendance_mark(request: HttpRequest, public_id: str) -> HttpResponse:
    marked = services.attendance_mark(
        actor=request.user,
        activity=public_id,
        member=request.POST.get("member", ""),
        present=request.POST.get("present", "1") == "1",
        checked_in_at=_parse_dt(request.POST.get("checked_in_at", "")),
        checked_out_at=_parse_dt(request.POST.get("checked_out_at", "")),
        hours=request.POST.get("hours", "").strip() or None,
    )
    if marked is None:
        return done(request, _("已撤销签到记录"))
    return done(request, _("已更新%(name)s的签到记录") % {"name": marked.member.name})


@login_required
def outcome(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = request.user
    activity = selectors.activity_get_for(actor, public_id, write=True)
    existing = getattr(activity, "outcome", None)
    initial = (
        {
            "households_visited": existing.households_visited,
            "people_served": existing.people_served,
            "leaflets": existing.leaflets,
            "summary": existing.summary,
        }
        if existing
        else None
    )
    form = OutcomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        photos = [
            (f.name or "", f.read(services.MAX_PHOTO_BYTES + 1))
            for f in request.FILES.getlist("photos")
        ]
        services.outcome_record(actor=actor, activity=activity, photos=photos, **form.cleaned_data)
        to = reverse("service:activity_detail", args=[activity.public_id])
        return done(request, _("活动成效已保存"), to=to)
    return render(
        request,
        "service/outcome_form.html",
        {"activity": activity, "form": form, "outcome": existing},
    )


# The member's own ------------------------------------------------------------------------------


@login_required
def my_service(request: HttpRequest) -> HttpResponse:
    member = selectors.member_of(request.user)
    context: dict[str, Any] = {"member": member}
    if member is not None:
        year = _year(request)
        context.update(
            {
                "summary": selectors.member_summary(member=member, year=year),
                "year": year,
                "page": paginate(request, selectors.member_activities(member=member), 20),
                "attended": selectors.member_attended_ids(member=member),
                "notices": selectors.notice_list(actor=request.user)[:20],
                "query": query_without_page(request),
            }
        )
    return render(request, "service/my_service.html", context)


@login_required
def certificate_download(request: HttpRequest) -> HttpResponse:
    member = selectors.member_of(request.user)
    if member is None:
        raise Http404(_("您的账号未关联党员档案"))
    year = _year(request)
    attendances = list(selectors.member_attendances(member=member, year=year))
    cert = services.certificate_issue(member=member, attendances=attendances, year=year)
    link = request.build_absolute_uri(reverse("service:certificate_verify", args=[cert.number]))
    data = certificate.certificate_pdf(
        member=member, attendances=attendances, cert=cert, verify_link=link
    )
    name = _("志愿服务时长证明-%(name)s.pdf") % {"name": member.name}
    return file_response(data, filename=name, content_type="application/pdf")


def certificate_check(request: HttpRequest) -> HttpResponse:
    """The public page where a certificate's number is typed in (no log-in)."""
    typed = request.GET.get("n", "").strip().upper()[:32]
    number = "".join(ch for ch in typed if ch.isascii() and (ch.isalnum() or ch == "-"))
    if number:
        return redirect("service:certificate_verify", number=number)
    return render(request, "service/certificate_verify.html", {"cert": None, "number": ""})


def certificate_verify(request: HttpRequest, number: str) -> HttpResponse:
    """Public: whether a certificate with this number was issued, its figures and the
    holder's masked name; nothing else about the member."""
    cert = selectors.certificate_by_number(number)
    masked = mask_name(cert.member.name) if cert else ""
    return render(
        request,
        "service/certificate_verify.html",
        {"cert": cert, "number": number, "masked_name": masked},
        status=200 if cert else 404,
    )


@action(back="service:my_service")
def notices_read(request: HttpRequest) -> HttpResponse:
    services.notices_mark_read(actor=request.user)
    return done(request)


# Statistics -------------------------------------------------------------------------------------


@login_required
@reads_from_replica
def stats(request: HttpRequest) -> HttpResponse:
    spec = lists.stats_for(request.GET)
    filters = spec.parse(request.GET)
    rows = spec.rows(actor=request.user, **filters)
    today = timezone.localdate()
    return render(
        request,
        "service/stats.html",
        {
            "rows": rows,
            "top": max((r["person_times"] for r in rows), default=0),
            "by": filters["by"],
            "year": filters["year"],
            "dimensions": lists.BY.options(),
            "figures": selectors.activity_figures(actor=request.user, year=filters["year"]),
            "query": request.GET.urlencode(),
            "years": range(today.year, today.year - 4, -1),
        },
    )


@login_required
@reads_from_replica
def records(request: HttpRequest) -> HttpResponse:
    """参与记录: the attendances behind a number of person-times, people or hours."""
    listing = lists.RECORDS.page(request)
    return render(
        request,
        "service/records.html",
        {
            **vars(listing),  # page, raw, filters, query
            "listing": listing,
            "summary": selectors.records_summary(listing.page.paginator.object_list),
        },
    )


# Teams and categories ----------------------------------------------------------------------------


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    form = TeamForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        team = services.team_create(actor=actor, **form.cleaned_data)
        to = reverse("service:team_detail", args=[team.public_id])
        return done(request, _("服务队已建立"), to=to)
    q = request.GET.get("q", "").strip()
    return render(
        request,
        "service/team_list.html",
        {
            "page": paginate(request, selectors.team_list(actor=actor, q=q), 50),
            "q": q,
            "form": form,
            "may_create": selectors.may_found_teams(actor),
            "query": query_without_page(request),
        },
    )


@login_required
def team_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    if request.method == "POST":
        return team_member_change(request, public_id=public_id)
    actor = request.user
    team = selectors.team_get_for(actor, public_id)
    return render(
        request,
        "service/team_detail.html",
        {
            "team": team,
            "memberships": selectors.team_members(team=team),
            "may_manage": selectors.team_may_manage(actor, team),
            "activities": selectors.activity_list(actor=actor, team=team)[:20],
        },
    )


@action(back="service:team_detail")
def team_member_change(request: HttpRequest, public_id: str) -> HttpResponse:
    member = request.POST.get("member", "")
    if request.POST.get("remove") == "1":
        removed = services.team_member_remove(actor=request.user, team=public_id, member=member)
        return done(request, _("已移除%(name)s") % {"name": removed.name})
    added = services.team_member_add(actor=request.user, team=public_id, member=member)
    return done(request, _("已加入%(name)s") % {"name": added.member.name})


@login_required
def category_list(request: HttpRequest) -> HttpResponse:
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.category_save(
            actor=request.user, category=request.POST.get("id", ""), **form.cleaned_data
        )
        return done(request, _("服务类别已保存"), to=reverse("service:category_list"))
    return render(
        request,
        "service/category_list.html",
        {
            "categories": selectors.category_list(include_inactive=True),
            "form": form,
            "may_edit": services.may_configure(request.user),
        },
    )
