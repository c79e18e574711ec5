"""Pages of volunteer service. Thin: parse, resolve access, call one selector or service."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from decimal import Decimal, InvalidOperation
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
from django.views.decorators.http import require_POST

from gongjian.core.errors import ApplicationError, NotFound
from gongjian.core.pages import file_response, paginate, query_without_page, xlsx_export
from gongjian.orgs import scope
from gongjian.orgs import selectors as org_selectors
from gongjian.service import certificate, selectors, services, tokens
from gongjian.service.forms import ActivityForm, CategoryForm, OutcomeForm, TeamForm
from gongjian.service.models import Activity, Signup

_SCAN_KEY = "service_scan"
_SCAN_GRACE_SECONDS = 300


def _get(fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _fail(request: HttpRequest, exc: ApplicationError) -> None:
    messages.error(request, exc.message)


def _year(request: HttpRequest) -> int | None:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else None


# Activities ---------------------------------------------------------------------------------


def _list_filters(request: HttpRequest) -> tuple[dict[str, Any], dict[str, str]]:
    raw = {k: request.GET.get(k, "").strip() for k in ("q", "category", "when", "near", "mine")}
    filters: dict[str, Any] = {"q": raw["q"], "when": raw["when"] or "upcoming"}
    if raw["when"] == "all":
        filters["when"] = ""
    if raw["category"]:
        filters["category"] = _get(selectors.category_get, raw["category"])
    filters["near"] = raw["near"] == "1"
    filters["manage"] = raw["mine"] == "1"
    return filters, raw


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    filters, raw = _list_filters(request)
    qs = selectors.activity_list(actor=request.user, **filters)
    member = selectors.member_of(request.user)
    return render(
        request,
        "service/activity_list.html",
        {
            "page": paginate(request, qs, 20),
            "raw": raw,
            "categories": selectors.category_list(),
            "query": query_without_page(request),
            "member": member,
            "is_organiser": scope.posts_of(request.user).is_staff_like
            or selectors.team_list(actor=request.user, write=True).exists(),
        },
    )


@login_required
def activity_export(request: HttpRequest) -> HttpResponse:
    filters, raw = _list_filters(request)
    qs = selectors.activity_list(actor=request.user, **filters)
    return xlsx_export(
        what=_("志愿服务活动"),
        headers=[
            _("标题"),
            _("服务类别"),
            _("地点"),
            _("详细地址"),
            _("开始时间"),
            _("结束时间"),
            _("名额"),
            _("已报名"),
            _("组织单位"),
            _("服务队"),
            _("状态"),
        ],
        rows=(
            (
                a.title,
                a.category.name,
                a.area.name,
                a.address,
                timezone.localtime(a.starts_at).strftime("%Y-%m-%d %H:%M"),
                timezone.localtime(a.ends_at).strftime("%Y-%m-%d %H:%M"),
                a.quota,
                a.confirmed_count,
                a.unit.name if a.unit else "",
                a.team.name if a.team else "",
                a.state_label,
            )
            for a in qs.iterator(chunk_size=1000)
        ),
        filters=raw,
    )


@login_required
def activity_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    form = ActivityForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            activities = services.activity_publish(
                actor=actor,
                title=data["title"],
                category=data["category"],
                area=data["area"],
                address=data["address"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                quota=data["quota"],
                signup_opens_at=data["signup_opens_at"],
                signup_closes_at=data["signup_closes_at"],
                audience=data["audience"],
                unit=data["unit"],
                team=data["team"],
                description=data["description"],
                repeat=data["repeat"],
                occurrences=data["occurrences"] or 1,
            )
        except ApplicationError as exc:
            for field, errors in exc.detail.get("fields", {}).items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            if not exc.detail.get("fields"):
                form.add_error(None, exc.message)
        else:
            if len(activities) > 1:
                messages.success(request, _("已发布%(n)d次周期活动") % {"n": len(activities)})
            else:
                messages.success(request, _("活动已发布"))
            return redirect("service:activity_detail", activities[0].public_id)
    return render(request, "service/activity_form.html", {"form": form})


@login_required
def activity_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = request.user
    activity = _get(selectors.activity_get_for, actor, public_id)
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


@login_required
@require_POST
def activity_cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    activity = _get(selectors.activity_get_for, request.user, public_id, write=True)
    try:
        services.activity_cancel(
            actor=request.user, activity=activity, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("活动已取消，已通知所有报名的党员"))
    except ApplicationError as exc:
        _fail(request, exc)
    return redirect("service:activity_detail", activity.public_id)


@login_required
@require_POST
def signup(request: HttpRequest, public_id: str) -> HttpResponse:
    activity = _get(selectors.activity_for_signup, public_id)
    try:
        result = services.signup_create(actor=request.user, activity=activity.public_id)
    except ApplicationError as exc:
        _fail(request, exc)
    else:
        if result.status == Signup.Status.CONFIRMED:
            messages.success(request, _("报名成功，活动前一天会提醒您"))
        else:
            messages.warning(
                request,
                _("名额已满，您已进入候补名单，第%(n)d位；有人取消时将按顺序自动递补")
                % {"n": selectors.position_at_signup(result)},
            )
    return redirect("service:activity_detail", activity.public_id)


@login_required
@require_POST
def signup_cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    activity = _get(selectors.activity_for_signup, public_id)
    try:
        services.signup_cancel(actor=request.user, activity=activity)
        messages.success(request, _("已取消报名"))
    except ApplicationError as exc:
        _fail(request, exc)
    return redirect("service:activity_detail", activity.public_id)


# Check-in -----------------------------------------------------------------------------------


def _qr_kind(request: HttpRequest) -> str:
    kind = request.GET.get("kind", "in")
    return kind if kind in tokens.KINDS else "in"


@login_required
def activity_qr(request: HttpRequest, public_id: str) -> HttpResponse:
    activity = _get(selectors.activity_get_for, request.user, public_id, write=True)
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
    activity = _get(selectors.activity_get_for, request.user, public_id, write=True)
    response = render(request, "service/_qr_code.html", {"code": _qr_svg(request, activity)})
    response["Cache-Control"] = "no-store"
    return response


def checkin(request: HttpRequest, token: str) -> HttpResponse:
    """The member's scan. A good code is remembered in the session for five minutes, so
    logging in on the way does not make it expire."""
    try:
        scan = services.read_scan(token)
    except ApplicationError as exc:
        pending = request.session.get(_SCAN_KEY)
        if not (
            pending and pending.get("token") == token and pending.get("until", 0) > time.time()
        ):
            return render(
                request,
                "service/checkin_result.html",
                {"ok": False, "message": exc.message},
                status=400,
            )
        scan = tokens.Scan(
            activity_public_id=uuid.UUID(pending["activity"]),
            kind=pending["kind"],
            window=pending["window"],
        )
    else:
        request.session[_SCAN_KEY] = {
            "token": token,
            "activity": str(scan.activity_public_id),
            "kind": scan.kind,
            "window": scan.window,
            "until": time.time() + _SCAN_GRACE_SECONDS,
        }
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        attendance, message, changed = services.attendance_scan(actor=request.user, scan=scan)
    except ApplicationError as exc:
        return render(
            request,
            "service/checkin_result.html",
            {"ok": False, "message": exc.message},
            status=exc.status,
        )
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
    actor = request.user
    activity = _get(selectors.activity_get_for, actor, public_id, write=True)
    if request.method == "POST":
        member = _get(org_selectors.member_get_for, actor, request.POST.get("member", ""))
        hours: Decimal | None = None
        raw_hours = request.POST.get("hours", "").strip()
        try:
            if raw_hours:
                hours = Decimal(raw_hours)
            services.attendance_mark(
                actor=actor,
                activity=activity,
                member=member,
                present=request.POST.get("present", "1") == "1",
                checked_in_at=_parse_dt(request.POST.get("checked_in_at", "")),
                checked_out_at=_parse_dt(request.POST.get("checked_out_at", "")),
                hours=hours,
            )
            messages.success(request, _("已更新%(name)s的签到记录") % {"name": member.name})
        except InvalidOperation:
            messages.error(request, _("服务时长应为数字"))
        except ApplicationError as exc:
            _fail(request, exc)
        return redirect("service:attendance", activity.public_id)
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


@login_required
def attendance_export(request: HttpRequest, public_id: str) -> HttpResponse:
    activity = _get(selectors.activity_get_for, request.user, public_id, write=True)
    return xlsx_export(
        what=_("签到记录"),
        headers=[
            _("姓名"),
            _("工作单位"),
            _("签到时间"),
            _("签退时间"),
            _("方式"),
            _("服务时长"),
            _("积分"),
        ],
        rows=(
            (
                a.member.name,
                a.member.unit.name if a.member.unit else "",
                timezone.localtime(a.checked_in_at).strftime("%Y-%m-%d %H:%M")
                if a.checked_in_at
                else "",
                timezone.localtime(a.checked_out_at).strftime("%Y-%m-%d %H:%M")
                if a.checked_out_at
                else "",
                a.get_method_display(),
                float(a.hours),
                float(a.points),
            )
            for a in selectors.attendance_list(activity=activity)
        ),
        filters={"activity": str(activity.public_id)},
    )


@login_required
def outcome(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = request.user
    activity = _get(selectors.activity_get_for, actor, public_id, write=True)
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
        try:
            photos = [
                (f.name or "", f.read(services.MAX_PHOTO_BYTES + 1))
                for f in request.FILES.getlist("photos")
            ]
            services.outcome_record(
                actor=actor, activity=activity, photos=photos, **form.cleaned_data
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("活动成效已保存"))
            return redirect("service:activity_detail", activity.public_id)
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
                "attended": set(
                    selectors.member_attendances(member=member).values_list(
                        "activity_id", flat=True
                    )
                ),
                "notices": selectors.notice_list(member=member)[:20],
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
    data = certificate.certificate_pdf(member=member, attendances=attendances, year=year)
    name = _("志愿服务时长证明-%(name)s.pdf") % {"name": member.name}
    response = file_response(data, filename=name, content_type="application/pdf")
    return response


@login_required
@require_POST
def notices_read(request: HttpRequest) -> HttpResponse:
    services.notices_mark_read(actor=request.user)
    return redirect("service:my_service")


# Statistics -------------------------------------------------------------------------------------


def _stats_args(request: HttpRequest) -> dict[str, Any]:
    by = request.GET.get("by", "category")
    return {"by": by if by in selectors.STAT_DIMENSIONS else "category", "year": _year(request)}


@login_required
def stats(request: HttpRequest) -> HttpResponse:
    args = _stats_args(request)
    rows = selectors.service_stats(actor=request.user, **args)
    top = max((r["person_times"] for r in rows), default=0)
    return render(
        request,
        "service/stats.html",
        {
            "rows": rows,
            "top": top,
            "by": args["by"],
            "year": args["year"],
            "dimensions": [(k, v[1]) for k, v in selectors.STAT_DIMENSIONS.items()],
            "figures": selectors.activity_figures(actor=request.user, year=args["year"]),
            "query": request.GET.urlencode(),
            "years": range(timezone.localdate().year, timezone.localdate().year - 4, -1),
        },
    )


@login_required
def stats_export(request: HttpRequest) -> HttpResponse:
    args = _stats_args(request)
    rows = selectors.service_stats(actor=request.user, **args)
    return xlsx_export(
        what=_("志愿服务统计"),
        headers=[
            str(selectors.STAT_DIMENSIONS[args["by"]][1]),
            _("活动数"),
            _("人次"),
            _("服务时长（小时）"),
        ],
        rows=((r["key"], r["activities"], r["person_times"], float(r["hours"])) for r in rows),
        filters=args,
    )


# Teams and categories ----------------------------------------------------------------------------


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    form = TeamForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            captain = org_selectors.member_get_for(actor, data["captain"])
            team = services.team_create(
                actor=actor,
                name=data["name"],
                kind=data["kind"],
                captain=captain,
                area=data["area"],
                unit=data["unit"],
                category=data["category"],
                description=data["description"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("服务队已建立"))
            return redirect("service:team_detail", team.public_id)
    q = request.GET.get("q", "").strip()
    return render(
        request,
        "service/team_list.html",
        {
            "page": paginate(request, selectors.team_list(actor=actor, q=q), 50),
            "q": q,
            "form": form,
            "may_create": scope.posts_of(actor).is_staff_like,
            "query": query_without_page(request),
        },
    )


@login_required
def team_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = request.user
    team = _get(selectors.team_get_for, actor, public_id)
    may_manage = selectors.team_list(actor=actor, write=True).filter(pk=team.pk).exists()
    if request.method == "POST":
        if not may_manage:
            raise Http404(_("服务队不存在或无权查看"))
        member = _get(org_selectors.member_get_for, actor, request.POST.get("member", ""))
        try:
            if request.POST.get("remove") == "1":
                services.team_member_remove(actor=actor, team=team, member=member)
                messages.success(request, _("已移除%(name)s") % {"name": member.name})
            else:
                services.team_member_add(actor=actor, team=team, member=member)
                messages.success(request, _("已加入%(name)s") % {"name": member.name})
        except ApplicationError as exc:
            _fail(request, exc)
        return redirect("service:team_detail", team.public_id)
    return render(
        request,
        "service/team_detail.html",
        {
            "team": team,
            "memberships": selectors.team_members(team=team),
            "may_manage": may_manage,
            "activities": selectors.activity_list(actor=actor, team=team)[:20],
        },
    )


@login_required
def category_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        editing = request.POST.get("id", "")
        try:
            services.category_save(
                actor=actor,
                category=selectors.category_get(editing) if editing else None,
                code=data["code"] or "",
                name=data["name"],
                colour=data["colour"],
                description=data["description"],
                order=data["order"] or 0,
                is_active=data["is_active"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("服务类别已保存"))
            return redirect("service:category_list")
    return render(
        request,
        "service/category_list.html",
        {
            "categories": selectors.category_list(include_inactive=True),
            "form": form,
            "may_edit": services._is_district_admin(actor),
        },
    )
