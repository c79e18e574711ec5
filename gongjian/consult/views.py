"""Pages of the consult app. Thin: parse, call one service or selector, render (ADR 0010).
The member's pages (submit, follow, rate, check in, post an opinion, my duty record) are made
for a phone."""

from __future__ import annotations

import time
from typing import Any

import segno
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjian.consult import pdf, selectors, services
from gongjian.consult.lists import (
    ATTENDANCES,
    CONSULTATIONS,
    DUTY_RECORDS,
    STUDIOS,
    SUGGESTIONS,
    UNIT_RATES,
)
from gongjian.consult.models import Consultation, Rating, Studio, Suggestion
from gongjian.core import context, photos
from gongjian.core.web import action, done, posted
from gongjian.orgs import selectors as org_selectors
from gongjian.service import tokens


def _flag(request: HttpRequest, name: str) -> bool:
    return request.POST.get(name, "") in ("1", "on", "true")


# Suggestions ----------------------------------------------------------------------------------


@login_required
def suggestion_list(request: HttpRequest) -> HttpResponse:
    listing = SUGGESTIONS.page(request)
    return render(
        request,
        "consult/suggestion_list.html",
        {
            "listing": listing,
            "statuses": Suggestion.Status.choices,
            "committee": selectors.is_committee(request.user),
        },
    )


suggestion_export = SUGGESTIONS.export_view()


@login_required
def suggestion_new(request: HttpRequest) -> HttpResponse:
    member = org_selectors.member_required(request.user)
    return render(
        request,
        "consult/suggestion_form.html",
        {
            "categories": selectors.category_list(),
            "member": member,
            "consultation": request.GET.get("consultation", "")[:64],
        },
    )


@action(back="consult:suggestion_new")
def suggestion_create(request: HttpRequest) -> HttpResponse:
    p = request.POST
    s = services.suggestion_submit(
        actor=request.user,
        title=p.get("title", ""),
        text=p.get("text", ""),
        category_id=p.get("category", ""),
        area_id=p.get("area", ""),
        share_identity=_flag(request, "share_identity"),
        consultation_id=p.get("consultation", ""),
        photo_files=photos.photo_files(request.FILES.getlist("photos")),
    )
    return done(
        request,
        _("意见建议已提交，可在“我的建议”中查看办理进度"),
        to=reverse("consult:suggestion_detail", args=[s.public_id]),
    )


@login_required
def suggestion_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    s = selectors.suggestion_get_for(request.user, public_id)
    decide = selectors.may_decide(request.user, s)
    ctx: dict[str, Any] = {
        "s": s,
        "history": selectors.suggestion_history(suggestion=s),
        "submitter": selectors.submitter_label(request.user, s),
        "phone": s.submitter_phone_masked if decide else "",
        "may_decide": decide,
        "may_handle": selectors.may_handle(request.user, s),
        "is_submitter": selectors.is_submitter(request.user, s),
        "ratings": Rating.Value.choices,
        "today": timezone.localdate(),
    }
    if decide and s.status == Suggestion.Status.ACCEPTED:
        ctx["proposals"] = services.suggestion_propose(actor=request.user, suggestion_id=public_id)
        ctx["units"] = selectors.units_of_district(district=s.district)
    if decide and s.status in (Suggestion.Status.SUBMITTED, Suggestion.Status.ACCEPTED):
        ctx["targets"] = selectors.merge_targets(suggestion=s)[:30]
    return render(request, "consult/suggestion_detail.html", ctx)


@action(back="consult:suggestion_detail")
def suggestion_accept(request: HttpRequest, public_id: str) -> HttpResponse:
    services.suggestion_accept(actor=request.user, suggestion_id=public_id)
    return done(request, _("已受理，请交办承办单位"))


@action(back="consult:suggestion_detail")
def suggestion_decline(request: HttpRequest, public_id: str) -> HttpResponse:
    services.suggestion_decline(
        actor=request.user, suggestion_id=public_id, reason=request.POST.get("reason", "")
    )
    return done(request, _("已不予受理"))


@action(back="consult:suggestion_detail")
def suggestion_merge(request: HttpRequest, public_id: str) -> HttpResponse:
    services.suggestion_merge(
        actor=request.user, suggestion_id=public_id, into_id=request.POST.get("into", "")
    )
    return done(request, _("已合并"))


@action(back="consult:suggestion_detail")
def suggestion_assign(request: HttpRequest, public_id: str) -> HttpResponse:
    s = services.suggestion_assign(
        actor=request.user,
        suggestion_id=public_id,
        unit_id=request.POST.get("unit", ""),
        workdays=request.POST.get("workdays", ""),
        due_on=request.POST.get("due_on", ""),
    )
    due = f"{s.due_on:%Y年%m月%d日}" if s.due_on else ""
    return done(request, _("已交办，办理期限%(d)s") % {"d": due})


@action(back="consult:suggestion_detail")
def suggestion_hand_back(request: HttpRequest, public_id: str) -> HttpResponse:
    services.suggestion_hand_back(
        actor=request.user, suggestion_id=public_id, reason=request.POST.get("reason", "")
    )
    return done(request, _("已退回，等待重新交办"), to=reverse("consult:suggestion_list"))


@action(back="consult:suggestion_detail")
def suggestion_reply(request: HttpRequest, public_id: str) -> HttpResponse:
    f = request.FILES.get("attachment")
    upload = (f.name or "", f.read(10 * 1024 * 1024 + 1)) if f else None
    services.suggestion_reply(
        actor=request.user,
        suggestion_id=public_id,
        text=request.POST.get("text", ""),
        attachment=upload,
    )
    return done(request, _("已答复"))


@action(back="consult:suggestion_detail")
def suggestion_rate(request: HttpRequest, public_id: str) -> HttpResponse:
    rating = services.suggestion_rate(
        actor=request.user,
        suggestion_id=public_id,
        value=request.POST.get("value", ""),
        comment=request.POST.get("comment", ""),
    )
    if rating.suggestion.status == Suggestion.Status.ASSIGNED:
        return done(request, _("已评价：不满意，已交承办单位重新办理"))
    return done(request, _("感谢您的评价"))


@login_required
def reply_attachment(request: HttpRequest, public_id: str, reply_id: int) -> FileResponse:
    reply = selectors.reply_attachment_get_for(request.user, public_id, reply_id)
    return FileResponse(
        reply.attachment.open("rb"), as_attachment=True, filename=reply.attachment_name or "附件"
    )


@login_required
def photo(request: HttpRequest, public_id: str) -> FileResponse:
    found = selectors.photo_get_for(request.user, public_id)
    response = FileResponse(found.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def unit_rates(request: HttpRequest) -> HttpResponse:
    return render(request, "consult/unit_rates.html", {"listing": UNIT_RATES.page(request)})


unit_rates_export = UNIT_RATES.export_view()


# Public form (residents without an account) ---------------------------------------------------


def public_form(request: HttpRequest) -> HttpResponse:
    studio = None
    if request.GET.get("studio"):
        studio = selectors.studio_public(request.GET["studio"])
    return render(
        request,
        "consult/public_form.html",
        {
            "enabled": services.public_form_enabled(),
            "studio": studio,
            "categories": selectors.category_list(),
            "phone": request.session.get("consult_public_phone", ""),
        },
    )


@require_POST
def public_code(request: HttpRequest) -> HttpResponse:
    phone = request.POST.get("phone", "")
    services.public_code_send(phone=phone, ip=context.client_ip(request))
    request.session["consult_public_phone"] = phone[:20]
    return done(request, _("验证码已发送，5分钟内有效"), to=_public_back(request))


def _public_back(request: HttpRequest) -> str:
    studio = request.POST.get("studio", "")[:64]
    base = reverse("consult:public_form")
    return f"{base}?studio={studio}" if studio else base


@require_POST
def public_submit(request: HttpRequest) -> HttpResponse:
    p = request.POST
    services.suggestion_submit_public(
        **posted(request, "phone", "code", "name", "title", "text"),
        category_id=p.get("category", ""),
        studio_id=p.get("studio", ""),
        area_id=p.get("area", ""),
        share_identity=_flag(request, "share_identity"),
        photo_files=photos.photo_files(request.FILES.getlist("photos")),
    )
    request.session.pop("consult_public_phone", None)
    return render(request, "consult/public_done.html", {})


# Consultations --------------------------------------------------------------------------------


@login_required
def consultation_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "consult/consultation_list.html",
        {
            "listing": CONSULTATIONS.page(request),
            "may_organise": selectors.may_organise(request.user),
            "levels": Consultation.Level.choices,
            "forms": Consultation.Form.choices,
            "units": org_selectors.unit_list(actor=request.user, write=True)[:200],
        },
    )


consultation_export = CONSULTATIONS.export_view()


@action(back="consult:consultation_list")
def consultation_create(request: HttpRequest) -> HttpResponse:
    p = request.POST
    c = services.consultation_create(
        actor=request.user,
        **posted(
            request,
            "level",
            "form",
            "topic",
            "starts_at",
            "ends_at",
            "place",
            "online_until",
            "description",
        ),
        unit_id=p.get("unit", ""),
    )
    return done(
        request,
        _("协商活动已创建，请邀请参加人员"),
        to=reverse("consult:consultation_detail", args=[c.public_id]),
    )


@login_required
def consultation_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    c = selectors.consultation_get_for(request.user, public_id)
    manage = selectors.may_manage_consultation(request.user, c)
    return render(
        request,
        "consult/consultation_detail.html",
        {
            "c": c,
            **selectors.consultation_people(consultation=c),
            "manage": manage,
            "invitation": selectors.invitation_of(actor=request.user, consultation=c),
            "units": selectors.units_of_district(district=c.district)[:200] if manage else [],
            "open_online": c.is_online
            and c.online_until is not None
            and c.online_until > timezone.now(),
            "is_member": org_selectors.member_of(request.user) is not None,
        },
    )


@action(back="consult:consultation_detail")
def invitations_add(request: HttpRequest, public_id: str) -> HttpResponse:
    n = services.invitations_add(
        actor=request.user,
        consultation_id=public_id,
        member_ids=[x for x in request.POST.get("members", "").split() if x],
        unit_ids=request.POST.getlist("units"),
        who=request.POST.get("who", "all"),
    )
    return done(request, _("已邀请%(n)d人") % {"n": n})


@action(back="consult:consultation_detail")
def invitation_answer(request: HttpRequest, public_id: str) -> HttpResponse:
    inv = services.invitation_answer(
        actor=request.user, consultation_id=public_id, accept=request.POST.get("accept") == "1"
    )
    return done(request, inv.get_status_display())


@action(back="consult:consultation_detail")
def contribution_add(request: HttpRequest, public_id: str) -> HttpResponse:
    services.contribution_add(
        actor=request.user,
        consultation_id=public_id,
        text=request.POST.get("text", ""),
        kind=request.POST.get("kind", "opinion"),
        member_id=request.POST.get("member", ""),
        photo_files=photos.photo_files(request.FILES.getlist("photos")),
    )
    return done(request, _("已发表"))


@action(back="consult:consultation_detail")
def contribution_curate(request: HttpRequest, public_id: str) -> HttpResponse:
    featured = request.POST.get("featured")
    services.contribution_curate(
        actor=request.user,
        contribution_id=request.POST.get("contribution", ""),
        featured=None if featured is None else featured == "1",
        into_id=request.POST.get("into", ""),
    )
    return done(request, _("已更新"))


@action(back="consult:consultation_detail")
def consultation_record(request: HttpRequest, public_id: str) -> HttpResponse:
    services.consultation_record(
        actor=request.user,
        consultation_id=public_id,
        **posted(request, "minutes", "outcome", "summary"),
        status=request.POST.get("status", "held"),
    )
    return done(request, _("已保存"))


def _qr(request: HttpRequest, public_id: str) -> dict[str, Any]:
    token = services.checkin_token(actor=request.user, consultation_id=public_id)
    url = request.build_absolute_uri(reverse("consult:checkin", args=[token]))
    svg = segno.make(url, error="m").svg_inline(scale=6, dark="#222", light="#fff")
    left = tokens.WINDOW_SECONDS - int(time.time()) % tokens.WINDOW_SECONDS
    return {"svg": svg, "url": url, "seconds_left": left}


@login_required
def consultation_qr(request: HttpRequest, public_id: str) -> HttpResponse:
    c = selectors.consultation_get_for(request.user, public_id)
    response = render(
        request, "consult/consultation_qr.html", {"c": c, "code": _qr(request, public_id)}
    )
    response["Cache-Control"] = "no-store"
    return response


def checkin(request: HttpRequest, token: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    attendance, new = services.attendance_scan(actor=request.user, token=token)
    return render(request, "consult/checkin_result.html", {"attendance": attendance, "new": new})


@login_required
def attendance_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "consult/table_page.html",
        {
            "listing": ATTENDANCES.page(request),
            "title": _("参加协商人次"),
            "export": "attendance_export",
        },
    )


attendance_export = ATTENDANCES.export_view()


# Studios and posts ----------------------------------------------------------------------------


@login_required
def studio_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "consult/studio_list.html",
        {
            "listing": STUDIOS.page(request),
            "kinds": Studio.Kind.choices,
            "may_create": selectors.may_organise(request.user),
            "units": org_selectors.unit_list(actor=request.user, write=True)[:200],
        },
    )


studio_export = STUDIOS.export_view()


@action(back="consult:studio_list")
def studio_create(request: HttpRequest) -> HttpResponse:
    p = request.POST
    studio = services.studio_create(
        actor=request.user,
        kind=p.get("kind", ""),
        name=p.get("name", ""),
        area_id=p.get("area", ""),
        unit_id=p.get("unit", ""),
        address=p.get("address", ""),
        hours=p.get("hours", ""),
        member_ids=[x for x in p.get("members", "").split() if x],
    )
    return done(request, _("已设立"), to=reverse("consult:studio_detail", args=[studio.public_id]))


@login_required
def studio_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    studio = selectors.studio_get_for(request.user, public_id)
    url = request.build_absolute_uri(f"{reverse('consult:public_form')}?studio={studio.public_id}")
    return render(
        request,
        "consult/studio_detail.html",
        {
            "studio": studio,
            "members": studio.members.all(),
            "shifts": selectors.studio_shifts(studio=studio)[:100],
            "manage": selectors.studios_for_write(actor=request.user).filter(pk=studio.pk).exists(),
            "qr": segno.make(url, error="m").svg_inline(scale=5, dark="#222", light="#fff"),
            "qr_url": url,
            "today": timezone.localdate(),
        },
    )


@action(back="consult:studio_detail")
def shift_record(request: HttpRequest, public_id: str) -> HttpResponse:
    services.shift_record(
        actor=request.user,
        studio_id=public_id,
        member_id=request.POST.get("member", ""),
        **posted(request, "on", "hours", "note"),
    )
    return done(request, _("值守已登记"))


# Duty records ---------------------------------------------------------------------------------


@login_required
def duty_record(request: HttpRequest) -> HttpResponse:
    record = selectors.duty_record_for(
        request.user, request.GET.get("member", ""), year=request.GET.get("year") or None
    )
    return render(request, "consult/duty_record.html", {"record": record})


@login_required
def duty_record_pdf(request: HttpRequest) -> HttpResponse:
    record = selectors.duty_record_for(
        request.user, request.GET.get("member", ""), year=request.GET.get("year") or None
    )
    response = HttpResponse(pdf.duty_record_pdf(record), content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''duty-record-{record.year}.pdf"
    return response


@login_required
def duty_records(request: HttpRequest) -> HttpResponse:
    return render(request, "consult/duty_records.html", {"listing": DUTY_RECORDS.page(request)})


duty_records_export = DUTY_RECORDS.export_view()


# Units' stated duties -------------------------------------------------------------------------


@login_required
def unit_duties(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:50]
    return render(
        request,
        "consult/unit_duties.html",
        {
            "units": selectors.unit_duty_list(actor=request.user, q=q)[:200],
            "editable": set(
                selectors.units_for_duties(actor=request.user).values_list("pk", flat=True)[:1000]
            ),
            "q": q,
        },
    )


@action(back="consult:unit_duties")
def unit_duty_set(request: HttpRequest, unit_id: int) -> HttpResponse:
    services.unit_duty_set(
        actor=request.user,
        unit_id=unit_id,
        duties=request.POST.get("duties", ""),
        takes_suggestions=request.POST.get("takes_suggestions", "1") == "1",
    )
    return done(request, _("职责已保存，平台将据此推荐承办单位"))
