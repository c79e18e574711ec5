"""Pages of 模范机关创建. Thin: parse, resolve access, call one selector or service, render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
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

from gongjian.core.errors import ApplicationError, NotFound, PermissionDenied
from gongjian.core.files import read_upload
from gongjian.core.pages import file_response, paginate, query_without_page, xlsx_export
from gongjian.evaluation import certificate, metrics, selectors, services
from gongjian.evaluation.models import (
    Assessment,
    Brand,
    Campaign,
    Case,
    Evidence,
    Framework,
    Indicator,
)
from gongjian.orgs import scope
from gongjian.orgs import selectors as org_selectors
from gongjian.orgs.models import Area


def _get(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _do(request: HttpRequest, fn: Callable[..., Any], done: str, **kwargs: Any) -> Any:
    """Call a service for a POST: not-found is a 404, a refusal of the person a 403, any
    other refusal a message."""
    try:
        result = fn(actor=request.user, **kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from None
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, done)
    return result if result is not None else True


def _files(request: HttpRequest, field: str = "files") -> list[tuple[str, bytes]]:
    out = []
    for f in request.FILES.getlist(field):
        try:
            out.append((f.name or "", read_upload(f, max_bytes=services.EVIDENCE_MAX_BYTES)))
        except ApplicationError as exc:
            raise _Refused(exc) from None
    return out


class _Refused(Exception):
    def __init__(self, exc: ApplicationError) -> None:
        self.exc = exc


def _date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw.strip()) if raw and raw.strip() else None
    except ValueError:
        return None


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    nxt = request.POST.get("next", "")
    return redirect(nxt if nxt.startswith("/") and not nxt.startswith("//") else fallback)


def _districts(actor: Any) -> list[Area]:
    return [
        a
        for a in org_selectors.area_list(actor=actor, kind=Area.Kind.DISTRICT, write=True)
        if services._administers(actor, a)
    ]


# Campaigns ------------------------------------------------------------------------------------


def _campaign_filters(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip() for k in ("q", "status")}


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    raw = _campaign_filters(request)
    qs = selectors.campaign_list(actor=actor, **raw)
    return render(
        request,
        "evaluation/campaign_list.html",
        {
            "page": paginate(request, qs, 30),
            "raw": raw,
            "statuses": Campaign.Status.choices,
            "mine": selectors.my_assessments(actor=actor)[:20],
            "may_create": bool(_districts(actor)),
            "query": query_without_page(request),
        },
    )


@login_required
def campaign_export(request: HttpRequest) -> HttpResponse:
    raw = _campaign_filters(request)
    qs = selectors.campaign_list(actor=request.user, **raw)
    return xlsx_export(
        what=_("创建活动"),
        headers=[_("名称"), _("考评体系"), _("考评期"), _("自评截止"), _("单位数"), _("状态")],
        rows=(
            (
                c.name,
                c.framework.name,
                f"{c.period_start}—{c.period_end}",
                c.submit_by.isoformat(),
                c.unit_count,  # type: ignore[attr-defined]
                c.get_status_display(),
            )
            for c in qs
        ),
        filters=raw,
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    districts = _districts(actor)
    if not districts:
        raise Http404(_("只有区直机关工委可以发起创建活动"))
    frameworks = selectors.framework_list(actor=actor).filter(status=Framework.Status.PUBLISHED)
    error, status = "", 200
    data = request.POST if request.method == "POST" else None
    if data is not None:
        area = next((a for a in districts if str(a.pk) == data.get("area")), districts[0])
        fw = frameworks.filter(pk=data.get("framework") or 0).first()
        units = org_selectors.unit_list(actor=actor).filter(area__path__startswith=area.path)
        if data.get("units") != "all":
            units = units.filter(pk__in=[int(u) for u in data.getlist("unit") if u.isdigit()])
        try:
            if fw is None:
                raise services._invalid("framework", _("请选择考评体系"))
            campaign = services.campaign_create(
                actor=actor,
                framework=fw,
                area=area,
                name=data.get("name", ""),
                period_start=_date(data.get("period_start", "")),
                period_end=_date(data.get("period_end", "")),
                submit_by=_date(data.get("submit_by", "")),
                review_by=_date(data.get("review_by", "")),
                vote_until=_date(data.get("vote_until", "")),
                excellent_min=data.get("excellent_min") or 90,
                good_min=data.get("good_min") or 80,
                passing_min=data.get("passing_min") or 60,
                objection_days=int(data.get("objection_days") or 7),
                units=list(units),
            )
        except NotFound as exc:
            raise Http404(exc.message) from None
        except (ApplicationError, ValueError) as exc:
            error = getattr(exc, "message", str(exc))
            status = getattr(exc, "status", 400)
        else:
            messages.success(request, _("创建活动已发起"))
            return redirect("evaluation:campaign_detail", campaign.pk)
    year = timezone.localdate().year - 1
    return render(
        request,
        "evaluation/campaign_form.html",
        {
            "districts": districts,
            "frameworks": frameworks,
            "units": org_selectors.unit_list(actor=actor)
            .filter(area__path__startswith=districts[0].path)
            .select_related(None)
            .only("id", "name"),
            "data": data,
            "defaults": {
                "name": _("%(y)d年度模范机关创建") % {"y": year},
                "period_start": dt.date(year, 1, 1),
                "period_end": dt.date(year, 12, 31),
                "submit_by": timezone.localdate() + dt.timedelta(days=30),
            },
            "error": error,
        },
        status=status,
    )


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    campaign = _get(selectors.campaign_get_for, actor, pk)
    raw = {k: request.GET.get(k, "").strip() for k in ("q", "status")}
    qs = selectors.assessment_list(actor=actor, campaign=campaign, **raw)
    manage = selectors.campaign_may_manage(actor, campaign)
    return render(
        request,
        "evaluation/campaign_detail.html",
        {
            "campaign": campaign,
            "page": paginate(request, qs, 50),
            "raw": raw,
            "statuses": Assessment.Status.choices,
            "manage": manage,
            "progress": selectors.campaign_progress(campaign) if manage else None,
            "objections": selectors.objection_list(actor=actor, campaign=campaign)[:50],
            "results_visible": selectors.results_visible(actor, campaign),
            "query": query_without_page(request),
        },
    )


@login_required
def assessment_export(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    campaign = _get(selectors.campaign_get_for, actor, pk)
    raw = {k: request.GET.get(k, "").strip() for k in ("q", "status")}
    qs = selectors.assessment_list(actor=actor, campaign=campaign, **raw)
    return xlsx_export(
        what=_("测评进度"),
        headers=[
            _("单位编码"),
            _("单位"),
            _("状态"),
            _("提交时间"),
            _("退回次数"),
            _("总分"),
            _("等次"),
            _("排名"),
        ],
        rows=(
            (
                a.unit.code,
                a.unit.name,
                a.get_status_display(),
                timezone.localtime(a.submitted_at).strftime("%Y-%m-%d %H:%M")
                if a.submitted_at
                else "",
                a.return_count,
                a.total if a.total is not None else "",
                a.get_grade_display(),
                a.rank or "",
            )
            for a in qs
        ),
        filters={"campaign": campaign.pk, **raw},
    )


@login_required
@require_POST
def campaign_publish(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _get(selectors.campaign_get_for, request.user, pk)
    _do(
        request,
        services.campaign_publish,
        _("结果已计算并公布"),
        campaign=campaign,
        published_on=_date(request.POST.get("published_on", "")),
    )
    return redirect("evaluation:campaign_detail", campaign.pk)


@login_required
@require_POST
def campaign_lock(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _get(selectors.campaign_get_for, request.user, pk)
    _do(request, services.campaign_lock, _("结果已锁定"), campaign=campaign)
    return redirect("evaluation:campaign_detail", campaign.pk)


@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    campaign = _get(selectors.campaign_get_for, actor, pk)
    visible = selectors.results_visible(actor, campaign)
    q = request.GET.get("q", "").strip()
    rows = selectors.results(campaign=campaign, q=q) if visible else []
    own = (
        set(
            selectors.assessment_list(actor=actor, campaign=campaign).values_list(
                "unit_id", flat=True
            )
        )
        if visible
        else set()
    )
    return render(
        request,
        "evaluation/results.html",
        {
            "campaign": campaign,
            "visible": visible,
            "page": paginate(request, rows, 100),
            "own": own,
            "q": q,
            "query": query_without_page(request),
            "manage": selectors.campaign_may_manage(actor, campaign),
            "awards": selectors.award_list(actor=actor, campaign=campaign),
        },
    )


@login_required
def results_export(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    campaign = _get(selectors.campaign_get_for, actor, pk)
    if not selectors.results_visible(actor, campaign):
        raise Http404(_("结果尚未公布"))
    return xlsx_export(
        what=_("测评结果"),
        headers=[_("排名"), _("单位"), _("总分"), _("等次")],
        rows=(
            (r.rank or "", r.unit_name, r.total if r.total is not None else "", r.grade_label)
            for r in selectors.results(campaign=campaign)
        ),
        filters={"campaign": campaign.pk},
    )


# Assessments ----------------------------------------------------------------------------------


def _scores_from(
    request: HttpRequest, sheet: list[selectors.ScoreRow], comment: str
) -> dict[int, tuple[Any, str]]:
    out: dict[int, tuple[Any, str]] = {}
    for row in sheet:
        key = f"score_{row.indicator.pk}"
        if row.is_leaf and not row.indicator.is_computed and key in request.POST:
            out[row.indicator.pk] = (
                request.POST.get(key, ""),
                request.POST.get(f"{comment}_{row.indicator.pk}", ""),
            )
    return out


@login_required
@require_http_methods(["GET", "POST"])
def assessment_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = request.user
    a = _get(selectors.assessment_get_for, actor, public_id)
    sheet = selectors.assessment_sheet(a, live=True)
    if request.method == "POST":
        done = _do(
            request,
            services.assessment_save,
            _("自评已保存"),
            assessment=a,
            scores=_scores_from(request, sheet, "statement"),
            summary=request.POST.get("summary"),
        )
        if done:
            return redirect("evaluation:assessment_detail", a.public_id)
        sheet = selectors.assessment_sheet(a, live=True)
    may_fill = selectors.may_fill(actor, a)
    is_open = a.campaign.status == Campaign.Status.OPEN
    leaves = [r for r in sheet if r.is_leaf]
    return render(
        request,
        "evaluation/assessment_detail.html",
        {
            "a": a,
            "campaign": a.campaign,
            "sheet": sheet,
            "editable": may_fill and is_open and a.status == Assessment.Status.DRAFT,
            "committee_review": may_fill and a.status == Assessment.Status.SUBMITTED,
            "final_review": a.status == Assessment.Status.REVIEWED
            and selectors.may_review_final(actor, a),
            "may_object": may_fill
            and a.campaign.status == Campaign.Status.PUBLISHED
            and a.status == Assessment.Status.APPROVED,
            "objections": a.objections.all(),
            "general_evidence": a.evidence.filter(indicator__isnull=True),
            "self_total": _sum(leaves, lambda s: s.self_score),
            "max_mb": services.EVIDENCE_MAX_BYTES // (1024 * 1024),
        },
    )


def _sum(rows: list[selectors.ScoreRow], pick: Callable[[Any], Decimal | None]) -> Decimal:
    total = Decimal(0)
    for r in rows:
        s = r.score
        if s is None:
            continue
        v = r.points if r.indicator.is_computed else pick(s)
        if v is not None:
            total += v / r.indicator.max_score * r.indicator.weight
    return total.quantize(Decimal("0.01"))


@login_required
@require_POST
def assessment_submit(request: HttpRequest, public_id: str) -> HttpResponse:
    a = _get(selectors.assessment_get_for, request.user, public_id)
    _do(request, services.assessment_submit, _("自评已提交"), assessment=a)
    return redirect("evaluation:assessment_detail", a.public_id)


@login_required
@require_POST
def assessment_review(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = request.user
    a = _get(selectors.assessment_get_for, actor, public_id)
    sheet = selectors.assessment_sheet(a)
    action = request.POST.get("action", "")
    _do(
        request,
        services.assessment_review,
        _("已退回") if action == services.RETURN else _("已审核通过"),
        assessment=a,
        action=action,
        scores=_scores_from(request, sheet, "comment"),
        reason=request.POST.get("reason", ""),
    )
    return redirect("evaluation:assessment_detail", a.public_id)


@login_required
@require_POST
def evidence_upload(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = request.user
    a = _get(selectors.assessment_get_for, actor, public_id)
    indicator = None
    raw = request.POST.get("indicator", "")
    if raw:
        indicator = Indicator.objects.filter(
            framework=a.campaign.framework, pk=int(raw) if raw.isdigit() else 0
        ).first()
        if indicator is None:
            raise Http404(_("指标不存在"))
    try:
        files = _files(request)
    except _Refused as exc:
        messages.error(request, exc.exc.message)
    else:
        _do(
            request,
            services.evidence_add,
            _("已上传%(n)d个文件") % {"n": len(files)},
            assessment=a,
            indicator=indicator,
            files=files,
        )
    return redirect("evaluation:assessment_detail", a.public_id)


@login_required
def evidence_file(request: HttpRequest, public_id: str) -> FileResponse:
    """A file, only for whoever may see what it belongs to; images and PDFs shown inline."""
    ev: Evidence = _get(selectors.evidence_get_for, request.user, public_id)
    try:
        handle = ev.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("文件已不存在")) from None
    inline = ev.is_image or ev.kind == Evidence.Kind.PDF
    response = FileResponse(
        handle,
        content_type=ev.content_type,
        as_attachment=not inline and request.GET.get("inline") != "1",
        filename=ev.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def evidence_delete(request: HttpRequest, public_id: str) -> HttpResponse:
    ev: Evidence = _get(selectors.evidence_get_for, request.user, public_id)
    if ev.assessment_id:
        fallback = reverse("evaluation:assessment_detail", args=[ev.assessment.public_id])  # type: ignore[union-attr]
    elif ev.brand_id:
        fallback = reverse("evaluation:brand_detail", args=[ev.brand.public_id])  # type: ignore[union-attr]
    else:
        fallback = reverse("evaluation:case_detail", args=[ev.case.public_id])  # type: ignore[union-attr]
    _do(request, services.evidence_delete, _("已删除文件"), evidence=ev)
    return redirect(fallback)


@login_required
@require_POST
def objection_submit(request: HttpRequest, public_id: str) -> HttpResponse:
    a = _get(selectors.assessment_get_for, request.user, public_id)
    _do(
        request,
        services.objection_submit,
        _("异议已提交"),
        assessment=a,
        text=request.POST.get("text", ""),
    )
    return redirect("evaluation:assessment_detail", a.public_id)


@login_required
@require_POST
def objection_answer(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _get(selectors.objection_get_for, request.user, pk)
    _do(
        request,
        services.objection_answer,
        _("已答复异议"),
        objection=obj,
        uphold=request.POST.get("uphold") == "1",
        reply=request.POST.get("reply", ""),
    )
    return redirect("evaluation:campaign_detail", obj.assessment.campaign_id)


# Frameworks -----------------------------------------------------------------------------------


@login_required
def framework_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    q = request.GET.get("q", "").strip()
    return render(
        request,
        "evaluation/framework_list.html",
        {
            "page": paginate(request, selectors.framework_list(actor=actor, q=q), 30),
            "q": q,
            "districts": _districts(actor),
            "superuser": scope.posts_of(actor).superuser,
            "query": query_without_page(request),
        },
    )


@login_required
@require_POST
def framework_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    districts = _districts(actor)
    area = next((a for a in districts if str(a.pk) == request.POST.get("area")), None)
    fw = _do(
        request,
        services.framework_create,
        _("考评体系已新建"),
        code=request.POST.get("code", ""),
        name=request.POST.get("name", ""),
        description=request.POST.get("description", ""),
        area=area,
    )
    if isinstance(fw, Framework):
        return redirect("evaluation:framework_detail", fw.pk)
    return redirect("evaluation:framework_list")


@login_required
def framework_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    fw = _get(selectors.framework_get_for, actor, pk)
    writable = selectors.framework_list(actor=actor, write=True).filter(pk=fw.pk).exists()
    return render(
        request,
        "evaluation/framework_detail.html",
        {
            "fw": fw,
            "tree": selectors.framework_tree(fw),
            "writable": writable and not fw.campaigns.exists(),
            "problems": services.framework_problems(fw) if writable else [],
            "metrics": metrics.registry().values(),
            "methods": Indicator.Method.choices,
            "districts": _districts(actor),
        },
    )


@login_required
@require_POST
def indicator_save(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    fw = _get(selectors.framework_get_for, actor, pk, write=True)
    p = request.POST
    indicator = parent = None
    if p.get("indicator"):
        indicator = _get(selectors.indicator_get_for, actor, p["indicator"], write=True)
    if p.get("parent"):
        parent = _get(selectors.indicator_get_for, actor, p["parent"], write=True)
    _do(
        request,
        services.indicator_save,
        _("指标已保存"),
        framework=fw,
        indicator=indicator,
        parent=parent,
        code=p.get("code", ""),
        name=p.get("name", ""),
        weight=p.get("weight", ""),
        max_score=p.get("max_score") or 100,
        rubric=p.get("rubric", ""),
        evidence_required=p.get("evidence_required") == "1",
        method=p.get("method", Indicator.Method.MANUAL),
        metric=p.get("metric", ""),
        thresholds=p.get("thresholds", ""),
        order=int(p.get("order") or 0) if (p.get("order") or "0").isdigit() else 0,
    )
    return redirect("evaluation:framework_detail", fw.pk)


@login_required
@require_POST
def indicator_delete(request: HttpRequest, pk: int, indicator_id: int) -> HttpResponse:
    fw = _get(selectors.framework_get_for, request.user, pk, write=True)
    ind = _get(selectors.indicator_get_for, request.user, indicator_id, write=True)
    if ind.framework_id != fw.pk:
        raise Http404(_("指标不存在"))
    _do(request, services.indicator_delete, _("指标已删除"), indicator=ind)
    return redirect("evaluation:framework_detail", fw.pk)


@login_required
@require_POST
def framework_publish(request: HttpRequest, pk: int) -> HttpResponse:
    fw = _get(selectors.framework_get_for, request.user, pk, write=True)
    _do(request, services.framework_publish, _("考评体系已发布"), framework=fw)
    return redirect("evaluation:framework_detail", fw.pk)


@login_required
@require_POST
def framework_copy(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    fw = _get(selectors.framework_get_for, actor, pk)
    districts = _districts(actor)
    area = next((a for a in districts if str(a.pk) == request.POST.get("area")), None)
    if area is None:
        raise Http404(_("只有区直机关工委可以复制考评体系"))
    copy = _do(
        request,
        services.framework_copy,
        _("已复制，可修改副本"),
        framework=fw,
        area=area,
        code=request.POST.get("code", ""),
        name=request.POST.get("name", ""),
    )
    if isinstance(copy, Framework):
        return redirect("evaluation:framework_detail", copy.pk)
    return redirect("evaluation:framework_detail", fw.pk)


# Brands ---------------------------------------------------------------------------------------


def _brand_filters(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip() for k in ("q", "status")}


@login_required
def brand_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    raw = _brand_filters(request)
    return render(
        request,
        "evaluation/brand_list.html",
        {
            "page": paginate(request, selectors.brand_list(actor=actor, **raw), 30),
            "raw": raw,
            "statuses": Brand.Status.choices,
            "may_apply": selectors.brand_branches(actor=actor).exists(),
            "query": query_without_page(request),
        },
    )


@login_required
def brand_export(request: HttpRequest) -> HttpResponse:
    raw = _brand_filters(request)
    return xlsx_export(
        what=_("党建品牌"),
        headers=[_("品牌名称"), _("党支部"), _("单位"), _("状态"), _("党员数"), _("命名日期")],
        rows=(
            (
                b.name,
                b.party_org.name,
                b.party_org.unit.name if b.party_org.unit else "",
                b.get_status_display(),
                b.member_count,  # type: ignore[attr-defined]
                b.recognised_on.isoformat() if b.recognised_on else "",
            )
            for b in selectors.brand_list(actor=request.user, **raw)
        ),
        filters=raw,
    )


@login_required
@require_http_methods(["GET", "POST"])
def brand_apply(request: HttpRequest) -> HttpResponse:
    actor = request.user
    branches = selectors.brand_branches(actor=actor)
    if not branches.exists():
        raise Http404(_("您没有可申报品牌的党支部"))
    error, status = "", 200
    if request.method == "POST":
        org = branches.filter(
            pk=int(request.POST.get("party_org") or 0)
            if (request.POST.get("party_org") or "").isdigit()
            else 0
        ).first()
        try:
            if org is None:
                raise services._invalid("party_org", _("请选择党支部"))
            brand = services.brand_apply(
                actor=actor,
                party_org=org,
                name=request.POST.get("name", ""),
                description=request.POST.get("description", ""),
                files=_files(request),
            )
        except _Refused as exc:
            error, status = exc.exc.message, exc.exc.status
        except NotFound as exc:
            raise Http404(exc.message) from None
        except ApplicationError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, _("品牌申报已提交"))
            return redirect("evaluation:brand_detail", brand.public_id)
    return render(
        request,
        "evaluation/brand_form.html",
        {"branches": branches[:500], "data": request.POST, "error": error},
        status=status,
    )


@login_required
def brand_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = request.user
    brand = _get(selectors.brand_get_for, actor, public_id)
    year = timezone.localdate().year - 1
    return render(
        request,
        "evaluation/brand_detail.html",
        {
            "brand": brand,
            "evidence": brand.evidence.all(),
            "figures": selectors.brand_figures(brand, year=year),
            "year": year,
            "may_review": brand.status == Brand.Status.SUBMITTED
            and selectors.brand_may_review(actor, brand),
        },
    )


@login_required
@require_POST
def brand_review(request: HttpRequest, public_id: str) -> HttpResponse:
    brand = _get(selectors.brand_get_for, request.user, public_id)
    _do(
        request,
        services.brand_review,
        _("已处理品牌申报"),
        brand=brand,
        action=request.POST.get("action", ""),
        reason=request.POST.get("reason", ""),
    )
    return redirect("evaluation:brand_detail", brand.public_id)


# Cases ----------------------------------------------------------------------------------------


def _case_filters(request: HttpRequest) -> tuple[dict[str, Any], dict[str, str]]:
    raw = {k: request.GET.get(k, "").strip() for k in ("q", "status", "campaign")}
    filters: dict[str, Any] = {"q": raw["q"], "status": raw["status"]}
    if raw["campaign"]:
        filters["campaign"] = _get(selectors.campaign_get_for, request.user, raw["campaign"])
    return filters, raw


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    filters, raw = _case_filters(request)
    campaign = filters.get("campaign")
    return render(
        request,
        "evaluation/case_list.html",
        {
            "page": paginate(request, selectors.case_list(actor=actor, **filters), 30),
            "raw": raw,
            "campaign": campaign,
            "campaigns": selectors.campaign_list(actor=actor)[:50],
            "statuses": Case.Status.choices,
            "my_vote": selectors.my_vote(actor=actor, campaign=campaign) if campaign else None,
            "is_member": scope.posts_of(actor).member_id is not None,
            "manage": campaign is not None and selectors.campaign_may_manage(actor, campaign),
            "may_submit": selectors.my_assessments(actor=actor).exists() or bool(_districts(actor)),
            "query": query_without_page(request),
        },
    )


@login_required
def case_export(request: HttpRequest) -> HttpResponse:
    filters, raw = _case_filters(request)
    return xlsx_export(
        what=_("案例"),
        headers=[_("创建活动"), _("案例标题"), _("单位"), _("状态"), _("得票"), _("名次")],
        rows=(
            (
                k.campaign.name,
                k.title,
                k.unit.name,
                k.get_status_display(),
                k.vote_count,
                k.place or "",
            )
            for k in selectors.case_list(actor=request.user, **filters)
        ),
        filters=raw,
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_submit(request: HttpRequest) -> HttpResponse:
    actor = request.user
    choices = list(
        Assessment.objects.filter(
            selectors.unit_level_q(actor), campaign__status__in=("open", "published")
        )
        .select_related("campaign", "unit")
        .order_by("-campaign__period_end", "unit__code")[:500]
    )
    if not choices:
        raise Http404(_("您没有可申报案例的单位"))
    error, status = "", 200
    if request.method == "POST":
        picked = next((a for a in choices if str(a.pk) == request.POST.get("assessment")), None)
        try:
            if picked is None:
                raise services._invalid("assessment", _("请选择创建活动和单位"))
            case = services.case_submit(
                actor=actor,
                campaign=picked.campaign,
                unit=picked.unit,
                title=request.POST.get("title", ""),
                summary=request.POST.get("summary", ""),
                files=_files(request),
            )
        except _Refused as exc:
            error, status = exc.exc.message, exc.exc.status
        except NotFound as exc:
            raise Http404(exc.message) from None
        except ApplicationError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, _("案例已提交"))
            return redirect("evaluation:case_detail", case.public_id)
    return render(
        request,
        "evaluation/case_form.html",
        {"choices": choices, "data": request.POST, "error": error},
        status=status,
    )


@login_required
def case_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = request.user
    case = _get(selectors.case_get_for, actor, public_id)
    return render(
        request,
        "evaluation/case_detail.html",
        {
            "case": case,
            "evidence": case.evidence.all(),
            "my_vote": selectors.my_vote(actor=actor, campaign=case.campaign),
            "is_member": scope.posts_of(actor).member_id is not None,
            "manage": selectors.campaign_may_manage(actor, case.campaign),
        },
    )


@login_required
@require_POST
def case_shortlist(request: HttpRequest, public_id: str) -> HttpResponse:
    case = _get(selectors.case_get_for, request.user, public_id)
    _do(
        request,
        services.case_shortlist,
        _("已更新入围"),
        case=case,
        shortlisted=request.POST.get("shortlisted") == "1",
    )
    return _back(request, reverse("evaluation:case_detail", args=[case.public_id]))


@login_required
@require_POST
def case_vote(request: HttpRequest, public_id: str) -> HttpResponse:
    case = _get(selectors.case_get_for, request.user, public_id)
    _do(request, services.case_vote, _("投票成功，感谢参与"), case=case)
    return _back(request, reverse("evaluation:case_detail", args=[case.public_id]))


@login_required
@require_POST
def cases_name_top(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _get(selectors.campaign_get_for, request.user, pk)
    _do(request, services.cases_name_top, _("十佳案例已产生"), campaign=campaign)
    return redirect(reverse("evaluation:case_list") + f"?campaign={campaign.pk}")


# Awards ---------------------------------------------------------------------------------------


@login_required
def award_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    return render(
        request,
        "evaluation/award_list.html",
        {
            "page": paginate(request, selectors.award_list(actor=request.user, q=q), 50),
            "q": q,
            "query": query_without_page(request),
        },
    )


@login_required
def award_export(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    return xlsx_export(
        what=_("表彰"),
        headers=[_("证书编号"), _("单位"), _("称号"), _("创建活动"), _("授予日期")],
        rows=(
            (w.number, w.unit.name, w.title, w.campaign.name, w.awarded_on.isoformat())
            for w in selectors.award_list(actor=request.user, q=q)
        ),
        filters={"q": q},
    )


@login_required
@require_POST
def award_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    campaign = _get(selectors.campaign_get_for, actor, pk)
    unit = _get(org_selectors.unit_get_for, actor, request.POST.get("unit", ""))
    _do(
        request,
        services.award_create,
        _("已表彰"),
        campaign=campaign,
        unit=unit,
        title=request.POST.get("title", ""),
    )
    return redirect("evaluation:results", campaign.pk)


@login_required
def award_certificate(request: HttpRequest, public_id: str) -> HttpResponse:
    award = _get(selectors.award_get_for, request.user, public_id)
    return file_response(
        certificate.certificate_pdf(award=award),
        filename=f"{award.number}.pdf",
        content_type="application/pdf",
    )
