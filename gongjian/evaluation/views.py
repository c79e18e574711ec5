"""Pages of 模范机关创建. Thin: parse, call one selector or service, render (ADR 0010: a
broken rule raised by a service becomes its page in `core.web`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gongjian.core.errors import NotFound
from gongjian.core.exports import file_response
from gongjian.core.files import read_upload
from gongjian.core.web import action, done, posted
from gongjian.evaluation import certificate, lists, metrics, selectors, services
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


def _files(request: HttpRequest, field: str = "files") -> list[tuple[str, bytes]]:
    return [
        (f.name or "", read_upload(f, max_bytes=services.EVIDENCE_MAX_BYTES))
        for f in request.FILES.getlist(field)
    ]


def _scores(post: QueryDict, text: str) -> dict[int, tuple[Any, str]]:
    """The scores of a form: `score_<indicator>` with its `<text>_<indicator>`."""
    return {
        int(key[6:]): (value, post.get(f"{text}_{key[6:]}", ""))
        for key, value in post.items()
        if key.startswith("score_") and key[6:].isdigit() and len(key) < 30
    }


def _url(name: str, *args: Any) -> str:
    return reverse(f"evaluation:{name}", args=args)


# Campaigns ------------------------------------------------------------------------------------


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    return render(
        request,
        "evaluation/campaign_list.html",
        {
            "listing": lists.CAMPAIGNS.page(request),
            "statuses": Campaign.Status.choices,
            "mine": selectors.my_assessments(actor=actor)[:20],
            "may_create": selectors.committee_districts(actor).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _campaign_open(request)
    actor = request.user
    districts = list(selectors.committee_districts(actor))
    if not districts:
        raise NotFound(_("只有区直机关工委可以发起创建活动"))
    year = timezone.localdate().year - 1
    return render(
        request,
        "evaluation/campaign_form.html",
        {
            "districts": districts,
            "frameworks": selectors.framework_list(actor=actor).filter(
                status=Framework.Status.PUBLISHED
            ),
            "units": selectors.campaign_units(actor=actor, area=districts[0]),
            "defaults": {
                "name": _("%(y)d年度模范机关创建") % {"y": year},
                "period_start": dt.date(year, 1, 1),
                "period_end": dt.date(year, 12, 31),
                "submit_by": timezone.localdate() + dt.timedelta(days=30),
            },
        },
    )


@action(back="evaluation:campaign_create")
def _campaign_open(request: HttpRequest) -> HttpResponse:
    p = request.POST
    campaign = services.campaign_create(
        actor=request.user,
        framework=p.get("framework"),
        area=p.get("area"),
        name=p.get("name", ""),
        period_start=p.get("period_start"),
        period_end=p.get("period_end"),
        submit_by=p.get("submit_by"),
        review_by=p.get("review_by"),
        vote_until=p.get("vote_until"),
        excellent_min=p.get("excellent_min") or 90,
        good_min=p.get("good_min") or 80,
        passing_min=p.get("passing_min") or 60,
        objection_days=p.get("objection_days") or 7,
        units=p.getlist("unit"),
        all_units=p.get("units") == "all",
    )
    return done(request, _("创建活动已发起"), to=_url("campaign_detail", campaign.pk))


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    campaign = selectors.campaign_get_for(actor, pk)
    manage = selectors.campaign_may_manage(actor, campaign)
    return render(
        request,
        "evaluation/campaign_detail.html",
        {
            "campaign": campaign,
            "listing": lists.ASSESSMENTS.page(request, campaign=campaign),
            "statuses": Assessment.Status.choices,
            "manage": manage,
            "progress": selectors.campaign_progress(campaign) if manage else None,
            "objections": selectors.objection_list(actor=actor, campaign=campaign)[:50],
            "results_visible": selectors.results_visible(actor, campaign),
        },
    )


@action(back="evaluation:campaign_detail")
def campaign_publish(request: HttpRequest, pk: int) -> HttpResponse:
    services.campaign_publish(
        actor=request.user, campaign=pk, published_on=request.POST.get("published_on")
    )
    return done(request, _("结果已计算并公布"))


@action(back="evaluation:campaign_detail")
def campaign_lock(request: HttpRequest, pk: int) -> HttpResponse:
    services.campaign_lock(actor=request.user, campaign=pk)
    return done(request, _("结果已锁定"))


@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    campaign = selectors.campaign_get_for(actor, pk)
    visible = selectors.results_visible(actor, campaign)
    return render(
        request,
        "evaluation/results.html",
        {
            "campaign": campaign,
            "visible": visible,
            "listing": lists.RESULTS.page(request, campaign=campaign) if visible else None,
            "own": selectors.own_units(actor=actor, campaign=campaign) if visible else set(),
            "manage": selectors.campaign_may_manage(actor, campaign),
            "awards": selectors.award_list(actor=actor, campaign=campaign),
        },
    )


# Assessments ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def assessment_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    if request.method == "POST":
        return _assessment_save(request, public_id=public_id)
    actor = request.user
    a = selectors.assessment_get_for(actor, public_id)
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


@action(back="evaluation:assessment_detail")
def _assessment_save(request: HttpRequest, public_id: str) -> HttpResponse:
    services.assessment_save(
        actor=request.user,
        assessment=public_id,
        scores=_scores(request.POST, "statement"),
        summary=request.POST.get("summary"),
    )
    return done(request, _("自评已保存"))


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


@action(back="evaluation:assessment_detail")
def assessment_submit(request: HttpRequest, public_id: str) -> HttpResponse:
    services.assessment_submit(actor=request.user, assessment=public_id)
    return done(request, _("自评已提交"))


@action(back="evaluation:assessment_detail")
def assessment_review(request: HttpRequest, public_id: str) -> HttpResponse:
    action_name = request.POST.get("action", "")
    services.assessment_review(
        actor=request.user,
        assessment=public_id,
        action=action_name,
        scores=_scores(request.POST, "comment"),
        reason=request.POST.get("reason", ""),
    )
    return done(request, _("已退回") if action_name == services.RETURN else _("已审核通过"))


@action(back="evaluation:assessment_detail")
def evidence_upload(request: HttpRequest, public_id: str) -> HttpResponse:
    files = services.evidence_add(
        actor=request.user,
        assessment=public_id,
        indicator=request.POST.get("indicator"),
        files=_files(request),
    )
    return done(request, _("已上传%(n)d个文件") % {"n": len(files)})


@login_required
def evidence_file(request: HttpRequest, public_id: str) -> FileResponse:
    """A file, only for whoever may see what it belongs to; images and PDFs shown inline."""
    ev = selectors.evidence_get_for(request.user, public_id)
    try:
        handle = ev.file.open("rb")
    except FileNotFoundError:
        raise NotFound(_("文件已不存在")) from None
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


def _owner_url(ev: Evidence) -> str:
    """The page of what a file belongs to."""
    if ev.assessment is not None:
        return _url("assessment_detail", ev.assessment.public_id)
    if ev.brand is not None:
        return _url("brand_detail", ev.brand.public_id)
    assert ev.case is not None  # noqa: S101 - the check constraint holds it
    return _url("case_detail", ev.case.public_id)


@action()
def evidence_delete(request: HttpRequest, public_id: str) -> HttpResponse:
    ev = services.evidence_delete(actor=request.user, evidence=public_id)
    return done(request, _("已删除文件"), to=_owner_url(ev))


@action(back="evaluation:assessment_detail")
def objection_submit(request: HttpRequest, public_id: str) -> HttpResponse:
    services.objection_submit(
        actor=request.user, assessment=public_id, text=request.POST.get("text", "")
    )
    return done(request, _("异议已提交"))


@action()
def objection_answer(request: HttpRequest, pk: int) -> HttpResponse:
    obj = services.objection_answer(
        actor=request.user,
        objection=pk,
        uphold=request.POST.get("uphold") == "1",
        reply=request.POST.get("reply", ""),
    )
    return done(request, _("已答复异议"), to=_url("campaign_detail", obj.assessment.campaign_id))


# Frameworks -----------------------------------------------------------------------------------


@login_required
def framework_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    return render(
        request,
        "evaluation/framework_list.html",
        {
            "listing": lists.FRAMEWORKS.page(request),
            "districts": selectors.committee_districts(actor),
            "superuser": scope.posts_of(actor).superuser,
        },
    )


@action(back="evaluation:framework_list")
def framework_create(request: HttpRequest) -> HttpResponse:
    fw = services.framework_create(
        actor=request.user,
        **posted(request, "code", "name", "description"),
        area=request.POST.get("area"),
    )
    return done(request, _("考评体系已新建"), to=_url("framework_detail", fw.pk))


@login_required
def framework_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    fw = selectors.framework_get_for(actor, pk)
    writable = selectors.framework_writable(actor, fw)
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
            "districts": selectors.committee_districts(actor),
        },
    )


@action(back="evaluation:framework_detail")
def indicator_save(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.POST
    services.indicator_save(
        actor=request.user,
        framework=pk,
        indicator=p.get("indicator"),
        parent=p.get("parent"),
        **posted(request, "code", "name", "weight"),
        max_score=p.get("max_score") or 100,
        rubric=p.get("rubric", ""),
        evidence_required=p.get("evidence_required") == "1",
        method=p.get("method", Indicator.Method.MANUAL),
        metric=p.get("metric", ""),
        thresholds=p.get("thresholds", ""),
        order=p.get("order") or 0,
    )
    return done(request, _("指标已保存"))


@action(back=lambda pk, indicator_id: _url("framework_detail", pk))
def indicator_delete(request: HttpRequest, pk: int, indicator_id: int) -> HttpResponse:
    services.indicator_delete(actor=request.user, indicator=indicator_id, framework=pk)
    return done(request, _("指标已删除"))


@action(back="evaluation:framework_detail")
def framework_publish(request: HttpRequest, pk: int) -> HttpResponse:
    services.framework_publish(actor=request.user, framework=pk)
    return done(request, _("考评体系已发布"))


@action(back="evaluation:framework_detail")
def framework_copy(request: HttpRequest, pk: int) -> HttpResponse:
    copy = services.framework_copy(
        actor=request.user,
        framework=pk,
        area=request.POST.get("area"),
        **posted(request, "code", "name"),
    )
    return done(request, _("已复制，可修改副本"), to=_url("framework_detail", copy.pk))


# Brands ---------------------------------------------------------------------------------------


@login_required
def brand_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "evaluation/brand_list.html",
        {
            "listing": lists.BRANDS.page(request),
            "statuses": Brand.Status.choices,
            "may_apply": selectors.brand_branches(actor=request.user).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def brand_apply(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _brand_apply(request)
    branches = selectors.brand_branches(actor=request.user)
    if not branches.exists():
        raise NotFound(_("您没有可申报品牌的党支部"))
    return render(request, "evaluation/brand_form.html", {"branches": branches[:500]})


@action(back="evaluation:brand_apply")
def _brand_apply(request: HttpRequest) -> HttpResponse:
    brand = services.brand_apply(
        actor=request.user,
        party_org=request.POST.get("party_org"),
        name=request.POST.get("name", ""),
        description=request.POST.get("description", ""),
        files=_files(request),
    )
    return done(request, _("品牌申报已提交"), to=_url("brand_detail", brand.public_id))


@login_required
def brand_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = request.user
    brand = selectors.brand_get_for(actor, public_id)
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


@action(back="evaluation:brand_detail")
def brand_review(request: HttpRequest, public_id: str) -> HttpResponse:
    services.brand_review(
        actor=request.user,
        brand=public_id,
        action=request.POST.get("action", ""),
        reason=request.POST.get("reason", ""),
    )
    return done(request, _("已处理品牌申报"))


# Cases ----------------------------------------------------------------------------------------


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    listing = lists.CASES.page(request)
    chosen = listing.filters["campaign"]
    campaign = selectors.campaign_get_for(actor, chosen) if chosen is not None else None
    return render(
        request,
        "evaluation/case_list.html",
        {
            "listing": listing,
            "campaign": campaign,
            "campaigns": selectors.campaign_list(actor=actor)[:50],
            "statuses": Case.Status.choices,
            "my_vote": selectors.my_vote(actor=actor, campaign=campaign) if campaign else None,
            "is_member": scope.posts_of(actor).member_id is not None,
            "manage": campaign is not None and selectors.campaign_may_manage(actor, campaign),
            "may_submit": selectors.my_assessments(actor=actor).exists()
            or selectors.committee_districts(actor).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_submit(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _case_submit(request)
    choices = list(selectors.case_choices(actor=request.user)[:500])
    if not choices:
        raise NotFound(_("您没有可申报案例的单位"))
    return render(request, "evaluation/case_form.html", {"choices": choices})


@action(back="evaluation:case_submit")
def _case_submit(request: HttpRequest) -> HttpResponse:
    case = services.case_submit(
        actor=request.user,
        assessment=request.POST.get("assessment"),
        **posted(request, "title", "summary"),
        files=_files(request),
    )
    return done(request, _("案例已提交"), to=_url("case_detail", case.public_id))


@login_required
def case_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = request.user
    case = selectors.case_get_for(actor, public_id)
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


@action(back="evaluation:case_detail")
def case_shortlist(request: HttpRequest, public_id: str) -> HttpResponse:
    services.case_shortlist(
        actor=request.user, case=public_id, shortlisted=request.POST.get("shortlisted") == "1"
    )
    return done(request, _("已更新入围"))


@action(back="evaluation:case_detail")
def case_vote(request: HttpRequest, public_id: str) -> HttpResponse:
    services.case_vote(actor=request.user, case=public_id)
    return done(request, _("投票成功，感谢参与"))


@action(back=lambda pk: reverse("evaluation:case_list") + f"?campaign_id={pk}")
def cases_name_top(request: HttpRequest, pk: int) -> HttpResponse:
    services.cases_name_top(actor=request.user, campaign=pk)
    return done(request, _("十佳案例已产生"))


# Awards ---------------------------------------------------------------------------------------


@login_required
def award_list(request: HttpRequest) -> HttpResponse:
    return render(request, "evaluation/award_list.html", {"listing": lists.AWARDS.page(request)})


@action(back="evaluation:results")
def award_create(request: HttpRequest, pk: int) -> HttpResponse:
    services.award_create(
        actor=request.user,
        campaign=pk,
        unit=request.POST.get("unit", ""),
        title=request.POST.get("title", ""),
    )
    return done(request, _("已表彰"))


@login_required
def award_certificate(request: HttpRequest, public_id: str) -> HttpResponse:
    award = selectors.award_get_for(request.user, public_id)
    return file_response(
        certificate.certificate_pdf(award=award),
        filename=f"{award.number}.pdf",
        content_type="application/pdf",
    )
