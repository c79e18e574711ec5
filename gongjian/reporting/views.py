"""Pages of 双报到. Thin: parse, resolve access, call one selector or service, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongjian.core.errors import ApplicationError, NotFound
from gongjian.core.masking import mask_phone
from gongjian.core.pages import file_response, paginate, query_without_page, xlsx_export
from gongjian.orgs import scope
from gongjian.orgs import selectors as org_selectors
from gongjian.orgs import services as org_services
from gongjian.orgs.models import Area
from gongjian.reporting import posters, selectors, services
from gongjian.reporting.models import MemberReport, OrgReport


def _get(fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _area(pk: str, kind: str) -> Area | None:
    """A place from the public directory (for the member's form): None when absent."""
    if not pk or not str(pk).isdigit():
        return None
    return org_selectors.area_directory(kind=kind).filter(pk=int(pk)).first()


def _date(request: HttpRequest) -> dt.date:
    raw = request.GET.get("date", "").strip()
    if raw:
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            messages.warning(request, _("日期格式应为YYYY-MM-DD，已按今天统计"))
    return timezone.localdate()


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
    actor = request.user
    data = request.POST if request.method == "POST" else request.GET
    community: Area | None = None
    code = request.GET.get("c", "").strip()
    if code:
        community = org_selectors.area_directory(kind=Area.Kind.COMMUNITY).filter(code=code).first()
    community = _area(data.get("community", ""), Area.Kind.COMMUNITY) or community
    grid = _area(data.get("grid", ""), Area.Kind.GRID)
    street = (community.parent if community else None) or _area(
        data.get("street", ""), Area.Kind.STREET
    )
    error, status = "", 200
    if request.method == "POST":
        try:
            services.member_report_submit(actor=actor, community=community, grid=grid)
        except ApplicationError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, _("报到已提交，请等待社区确认"))
            return redirect("reporting:my_report")
    streets = org_selectors.area_directory(kind=Area.Kind.STREET).order_by("path")
    return render(
        request,
        "reporting/report_form.html",
        {
            "me": selectors.my_member(actor),
            "streets": streets,
            "communities": org_selectors.area_directory(parent=street).order_by("path")
            if street
            else [],
            "grids": org_selectors.area_directory(parent=community).order_by("path")
            if community
            else [],
            "street": street,
            "community": community,
            "grid": grid,
            "error": error,
        },
        status=status,
    )


@login_required
def places(request: HttpRequest) -> HttpResponse:
    """The options of the next select (htmx): the communities of a street, or the grids of a
    community. Names only, from the public directory of places."""
    if "community" in request.GET:
        parent = _area(request.GET["community"], Area.Kind.COMMUNITY)
        label = _("不选网格")
    else:
        parent = _area(request.GET.get("street", ""), Area.Kind.STREET)
        label = _("请选择社区")
    options = org_selectors.area_directory(parent=parent).order_by("path") if parent else []
    return render(request, "reporting/_options.html", {"options": options, "label": label})


@login_required
@require_POST
def report_withdraw(request: HttpRequest, report_id: str) -> HttpResponse:
    report = selectors.my_reports(actor=request.user).filter(public_id=report_id).first()
    if report is None:
        raise Http404(_("报到记录不存在或无权查看"))
    try:
        services.member_report_withdraw(actor=request.user, report=report)
    except NotFound as exc:
        raise Http404(exc.message) from None
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已撤回报到"))
    return redirect("reporting:my_report")


@login_required
def notices(request: HttpRequest) -> HttpResponse:
    qs = selectors.my_notices(actor=request.user)
    return render(
        request,
        "reporting/notices.html",
        {"page": paginate(request, qs, 30), "query": query_without_page(request)},
    )


@login_required
@require_POST
def notice_read(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = _get(org_services.notice_mark_read, actor=request.user, notice_id=notice_id)
    return redirect(notice.link or reverse("reporting:notices"))


# The community --------------------------------------------------------------------------------


def _report_filters(request: HttpRequest) -> tuple[dict[str, Any], dict[str, str]]:
    raw = {k: request.GET.get(k, "").strip() for k in ("q", "status", "community")}
    if "status" not in request.GET:
        raw["status"] = MemberReport.Status.SUBMITTED
    filters: dict[str, Any] = {"q": raw["q"], "status": raw["status"]}
    if raw["community"]:
        filters["community"] = _get(selectors.community_get_for, request.user, raw["community"])
    return filters, raw


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    filters, raw = _report_filters(request)
    qs = selectors.member_report_list(actor=actor, **filters)
    page = paginate(request, qs, 50)
    decidable = set(
        selectors.member_report_list(actor=actor, decidable=True)
        .filter(pk__in=[r.pk for r in page], status=MemberReport.Status.SUBMITTED)
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "reporting/report_list.html",
        {
            "page": page,
            "raw": raw,
            "decidable": decidable,
            "statuses": MemberReport.Status.choices,
            "communities": selectors.communities_of(actor).select_related(None).only("id", "name"),
            "query": query_without_page(request),
        },
    )


@login_required
def report_export(request: HttpRequest) -> HttpResponse:
    filters, raw = _report_filters(request)
    qs = selectors.member_report_list(actor=request.user, **filters)
    return xlsx_export(
        what=_("党员报到"),
        headers=[
            _("姓名"),
            _("工作单位"),
            _("街道"),
            _("社区"),
            _("网格"),
            _("状态"),
            _("提交时间"),
            _("确认时间"),
            _("退回原因"),
        ],
        rows=(
            (
                r.member.name,
                r.member.unit.name if r.member.unit else "",
                r.community.parent.name if r.community.parent else "",
                r.community.name,
                r.grid.name if r.grid else "",
                r.get_status_display(),
                timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M"),
                timezone.localtime(r.confirmed_at).strftime("%Y-%m-%d %H:%M")
                if r.confirmed_at
                else "",
                r.reject_reason,
            )
            for r in qs.iterator(chunk_size=2000)
        ),
        filters=raw,
    )


@login_required
@require_POST
def report_decide(request: HttpRequest) -> HttpResponse:
    actor = request.user
    ids = request.POST.getlist("ids")
    reports = list(
        selectors.member_report_list(actor=actor).filter(
            public_id__in=[i for i in ids if _is_uuid(i)]
        )
    )
    if len(reports) != len(set(ids)) or not ids:
        raise Http404(_("报到记录不存在或无权查看"))
    try:
        n = services.member_reports_decide(
            actor=actor,
            reports=reports,
            action=request.POST.get("action", ""),
            reason=request.POST.get("reason", ""),
        )
    except NotFound as exc:
        raise Http404(exc.message) from None
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已处理%(n)d条报到") % {"n": n})
    return redirect(request.POST.get("next") or reverse("reporting:report_list"))


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _resident_filters(request: HttpRequest) -> tuple[dict[str, Any], dict[str, str]]:
    actor = request.user
    raw = {k: request.GET.get(k, "").strip() for k in ("q", "community", "grid")}
    filters: dict[str, Any] = {"q": raw["q"]}
    if raw["community"]:
        filters["community"] = _get(org_selectors.area_get_for, actor, raw["community"])
    if raw["grid"]:
        filters["grid"] = _get(org_selectors.area_get_for, actor, raw["grid"])
    return filters, raw


@login_required
def residents(request: HttpRequest) -> HttpResponse:
    actor = request.user
    filters, raw = _resident_filters(request)
    qs = selectors.residents(actor=actor, **filters)
    return render(
        request,
        "reporting/residents.html",
        {
            "page": paginate(request, qs, 50),
            "raw": raw,
            "may_unmask_phone": scope.may_unmask(actor, field_name="phone"),
            "grids": org_selectors.area_list(actor=actor, kind=Area.Kind.GRID).select_related(
                "parent"
            ),
            "query": query_without_page(request),
        },
    )


@login_required
def residents_export(request: HttpRequest) -> HttpResponse:
    filters, raw = _resident_filters(request)
    qs = selectors.residents(actor=request.user, **filters)
    return xlsx_export(
        what=_("居住党员"),
        headers=[_("社区"), _("网格"), _("姓名"), _("手机号"), _("工作单位"), _("在职党员")],
        rows=(
            (
                m.home_community.name if m.home_community else "",
                m.home_grid.name if m.home_grid else "",
                m.name,
                mask_phone(m.phone),
                m.unit.name if m.unit else "",
                _("是") if m.in_service else _("否"),
            )
            for m in qs.iterator(chunk_size=2000)
        ),
        filters=raw,
    )


@login_required
def poster(request: HttpRequest) -> HttpResponse:
    actor = request.user
    communities = selectors.communities_of(actor).select_related("parent")
    raw = request.GET.get("community", "").strip()
    community = _get(selectors.community_get_for, actor, raw) if raw else communities.first()
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
    community = _get(selectors.community_get_for, request.user, community_id)
    data = posters.qr_png(posters.report_link(request, community))
    return HttpResponse(data, content_type="image/png")


@login_required
def poster_pdf(request: HttpRequest, community_id: int) -> HttpResponse:
    community = _get(selectors.community_get_for, request.user, community_id)
    data = posters.poster_pdf(community, posters.report_link(request, community))
    return file_response(
        data, filename=f"{community.name}-报到海报.pdf", content_type="application/pdf"
    )


# The unit -------------------------------------------------------------------------------------


def _unit_filters(request: HttpRequest) -> tuple[Any, dict[str, str]]:
    actor = request.user
    raw = {k: request.GET.get(k, "").strip() for k in ("unit", "state", "q")}
    if raw["unit"]:
        unit = _get(org_selectors.unit_get_for, actor, raw["unit"])
    else:
        unit = org_selectors.unit_list(actor=actor).first()
    return unit, raw


@login_required
def unit_status(request: HttpRequest) -> HttpResponse:
    actor = request.user
    unit, raw = _unit_filters(request)
    page = None
    figures = None
    if unit is not None:
        qs = selectors.unit_members_status(actor=actor, unit=unit, state=raw["state"], q=raw["q"])
        page = paginate(request, qs, 50)
        figures = selectors.unit_rate_for(unit=unit, on=timezone.localdate())
    return render(
        request,
        "reporting/unit_status.html",
        {
            "unit": unit,
            "page": page,
            "raw": raw,
            "figures": figures,
            "units": org_selectors.unit_list(actor=actor)
            .select_related(None)
            .only("id", "name")[:500],
            "may_remind": unit is not None
            and org_selectors.unit_list(actor=actor, write=True).filter(pk=unit.pk).exists(),
            "query": query_without_page(request),
        },
    )


@login_required
def unit_status_export(request: HttpRequest) -> HttpResponse:
    unit, raw = _unit_filters(request)
    if unit is None:
        raise Http404(_("没有可查看的单位"))
    qs = selectors.unit_members_status(
        actor=request.user, unit=unit, state=raw["state"], q=raw["q"]
    )
    return xlsx_export(
        what=_("单位报到情况"),
        headers=[_("姓名"), _("所在党组织"), _("居住社区"), _("报到状态")],
        rows=(
            (
                m.name,
                m.party_org.name,
                m.home_community.name if m.home_community else "",
                _state_label(m),
            )
            for m in qs.iterator(chunk_size=2000)
        ),
        filters=raw,
    )


def _state_label(member: Any) -> str:
    if member.has_confirmed:
        return _("已确认")
    return _("待确认") if member.has_pending else _("未报到")


@login_required
@require_POST
def remind(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _get(org_selectors.unit_get_for, request.user, unit_id, write=True)
    try:
        n = services.reminders_send(actor=request.user, unit=unit)
    except NotFound as exc:
        raise Http404(exc.message) from None
    if n:
        messages.success(request, _("已提醒%(n)d名未报到的党员") % {"n": n})
    else:
        messages.info(request, _("没有需要提醒的党员（今天已提醒过的不再重复提醒）"))
    return redirect(f"{reverse('reporting:unit_status')}?unit={unit.pk}")


# Rates ----------------------------------------------------------------------------------------

LEVEL_LABELS = {
    "unit": _("单位"),
    "org": _("党组织"),
    "community": _("社区"),
    "street": _("街道"),
}


def _rate_args(request: HttpRequest) -> tuple[str, dt.date, str]:
    level = request.GET.get("level", "unit")
    if level not in selectors.LEVELS:
        level = "unit"
    return level, _date(request), request.GET.get("q", "").strip()


def _rate_rows(request: HttpRequest) -> tuple[str, dt.date, str, list[selectors.RateRow]]:
    level, on, q = _rate_args(request)
    rows = selectors.rates(actor=request.user, level=level, on=on)
    if q:
        rows = [r for r in rows if q in r.name or q == r.code]
    return level, on, q, rows


@login_required
def rates(request: HttpRequest) -> HttpResponse:
    level, on, q, rows = _rate_rows(request)
    # The headline: the sum of the level's own rows (units; the top organisations; the
    # communities' received reports), so the page costs no query beyond its level's.
    overall = selectors.overall_rate([r for r in rows if level != "org" or r.top])
    return render(
        request,
        "reporting/rates.html",
        {
            "page": paginate(request, rows, 100),
            "level": level,
            "levels": [(k, _(str(v))) for k, v in LEVEL_LABELS.items()],
            "on": on,
            "q": q,
            "overall": overall,
            "member_level": level in ("unit", "org"),
            "query": query_without_page(request),
        },
    )


@login_required
def rates_export(request: HttpRequest) -> HttpResponse:
    level, on, q, rows = _rate_rows(request)
    if level in ("unit", "org"):
        headers = [
            _("编码"),
            _("名称"),
            _("在职党员"),
            _("已报到"),
            _("待确认"),
            _("未报到"),
            _("报到率"),
        ]
        data = [(r.code, r.name, r.total, r.done, r.pending, r.missing, r.percent) for r in rows]
    else:
        headers = [
            _("编码"),
            _("名称"),
            _("收到报到"),
            _("已确认"),
            _("待确认"),
            _("结对组织"),
            _("确认率"),
        ]
        data = [(r.code, r.name, r.total, r.done, r.pending, r.pairs, r.percent) for r in rows]
    return xlsx_export(
        what=_("报到率-%(l)s") % {"l": LEVEL_LABELS[level]},
        headers=headers,
        rows=data,
        filters={"level": level, "date": on.isoformat(), "q": q},
    )


# Pairings -------------------------------------------------------------------------------------


@login_required
def pairing_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    raw = {k: request.GET.get(k, "").strip() for k in ("q", "status")}
    qs = selectors.org_report_list(actor=actor, q=raw["q"], status=raw["status"])
    page = paginate(request, qs, 50)
    ids = [r.pk for r in page]
    return render(
        request,
        "reporting/pairing_list.html",
        {
            "page": page,
            "raw": raw,
            "statuses": OrgReport.Status.choices,
            "decidable": set(
                selectors.org_report_list(actor=actor, decidable=True)
                .filter(pk__in=ids)
                .values_list("pk", flat=True)
            ),
            "endable": set(
                OrgReport.objects.filter(selectors.org_report_end_q(actor), pk__in=ids).values_list(
                    "pk", flat=True
                )
            ),
            "orgs": selectors.pairable_orgs(actor=actor)
            .select_related(None)
            .only("id", "name")[:500],
            "streets": org_selectors.area_directory(kind=Area.Kind.STREET).order_by("path"),
            "query": query_without_page(request),
        },
    )


@login_required
def pairing_export(request: HttpRequest) -> HttpResponse:
    raw = {k: request.GET.get(k, "").strip() for k in ("q", "status")}
    qs = selectors.org_report_list(actor=request.user, q=raw["q"], status=raw["status"])
    return xlsx_export(
        what=_("组织结对"),
        headers=[_("党组织"), _("单位"), _("社区"), _("状态"), _("结对内容"), _("原因")],
        rows=(
            (
                r.party_org.name,
                r.party_org.unit.name if r.party_org.unit else "",
                r.community.name,
                r.get_status_display(),
                r.note,
                r.reason,
            )
            for r in qs
        ),
        filters=raw,
    )


@login_required
@require_POST
def pairing_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    org = _get(org_selectors.party_org_get_for, actor, request.POST.get("party_org", ""))
    community = _area(request.POST.get("community", ""), Area.Kind.COMMUNITY)
    try:
        services.org_report_create(
            actor=actor, party_org=org, community=community, note=request.POST.get("note", "")
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已提交结对，等待社区确认"))
    return redirect("reporting:pairing_list")


@login_required
@require_POST
def pairing_decide(request: HttpRequest, pairing_id: int) -> HttpResponse:
    actor = request.user
    pairing = _get(selectors.org_report_get_for, actor, pairing_id)
    action = request.POST.get("action", "")
    reason = request.POST.get("reason", "")
    try:
        if action == "confirm":
            services.org_report_confirm(actor=actor, org_report=pairing)
        elif action == "reject":
            services.org_report_reject(actor=actor, org_report=pairing, reason=reason)
        elif action == "end":
            services.org_report_end(actor=actor, org_report=pairing, reason=reason)
        else:
            messages.error(request, _("操作应为确认、退回或结束"))
            return redirect("reporting:pairing_list")
    except NotFound as exc:
        raise Http404(exc.message) from None
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已处理"))
    return redirect("reporting:pairing_list")
