"""Pages of the study app. Thin: parse, call one service or selector, render (ADR 0010)."""

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

from gongjian.core.validation import clean_int
from gongjian.core.web import action, done, form_data, set_back
from gongjian.orgs import selectors as org_selectors
from gongjian.service import tokens
from gongjian.study import selectors, services
from gongjian.study.forms import RuleForm, SessionForm, session_times
from gongjian.study.lists import ATTENDANCES, COMPLIANCE, MAKEUPS, SESSIONS, compliance_spec
from gongjian.study.models import Attendance, StudySession

_SCAN_KEY = "study_scan"


def _detail(public_id: Any) -> str:
    return reverse("study:session_detail", args=[public_id])


# Sessions -------------------------------------------------------------------------------------


@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    listing = SESSIONS.page(request)
    return render(
        request,
        "study/session_list.html",
        {
            "listing": listing,
            "is_organiser": selectors.is_organiser(request.user),
            "kinds": SESSIONS.filters[1].options(),
            "statuses": StudySession.Status.choices,
        },
    )


session_export = SESSIONS.export_view()


@login_required
def session_new(request: HttpRequest) -> HttpResponse:
    """Choose the organisation, then the session's form with its members to pick from."""
    orgs = selectors.organisable_orgs(actor=request.user, q=request.GET.get("q", "")[:50])
    org = None
    members: list[tuple[str, str]] = []
    if request.GET.get("org"):
        org = org_selectors.party_org_get_for(request.user, request.GET["org"], write=True)
        members = selectors.invitable_members(actor=request.user, org=org)
    form = SessionForm(
        initial={"party_org": org.pk if org else None, "occurrences": 1}, members=members
    )
    return render(
        request,
        "study/session_form.html",
        {"orgs": orgs[:300], "org": org, "form": form, "q": request.GET.get("q", "")},
    )


@action(back=lambda: reverse("study:session_new"))
def session_create(request: HttpRequest) -> HttpResponse:
    org_id = request.POST.get("party_org", "")
    if org_id.isdigit():
        # Back to the same organisation's form on a refusal.
        set_back(request, f"{reverse('study:session_new')}?org={org_id}")
    picked = [(m, m) for m in request.POST.getlist("members")]
    data = form_data(SessionForm, request.POST, members=picked)
    starts_at, ends_at = session_times(data)
    made = services.session_schedule(
        actor=request.user,
        party_org_id=data["party_org"],
        kind=data["kind"],
        topic=data["topic"],
        speaker=data["speaker"],
        place=data["place"],
        description=data["description"],
        starts_at=starts_at,
        ends_at=ends_at,
        audience=data["audience"],
        member_ids=data["members"],
        repeat=data["repeat"],
        occurrences=data["occurrences"],
        links=[(data["link_title"], data["link_url"])],
    )
    message = _("已安排%(n)d次学习") % {"n": len(made.sessions)}
    if made.moved:
        moves = "、".join(f"{a:%m月%d日}→{b:%m月%d日}" for a, b in made.moved)
        message += _("，遇节假日顺延：%(m)s") % {"m": moves}
    return done(request, message, to=_detail(made.sessions[0].public_id))


@login_required
def session_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    session = selectors.session_get_for(request.user, public_id)
    organiser = selectors.organised_sessions(actor=request.user).filter(pk=session.pk).exists()
    return render(
        request,
        "study/session_detail.html",
        {
            "session": session,
            "organiser": organiser,
            "mine": selectors.my_attendance(actor=request.user, session=session),
            "materials": selectors.session_materials(session=session),
            "attendances": (
                selectors.session_attendances(actor=request.user, session=session)
                if organiser
                else []
            ),
            "now": timezone.now(),
            "marks": [
                (Attendance.Status.PRESENT, _("出席")),
                (Attendance.Status.LEAVE, _("请假")),
                (Attendance.Status.ABSENT, _("缺席")),
            ],
        },
    )


@action(back="study:session_detail")
def session_cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    services.session_cancel(
        actor=request.user, session_id=public_id, reason=request.POST.get("reason", "")
    )
    return done(request, _("已取消，已通知参加人员"))


@action(back="study:session_detail")
def session_record(request: HttpRequest, public_id: str) -> HttpResponse:
    services.session_record(
        actor=request.user, session_id=public_id, summary=request.POST.get("summary", "")
    )
    return done(request, _("已记录召开情况，未参加的党员已收到补学通知"))


@action(back="study:session_detail")
def material_add(request: HttpRequest, public_id: str) -> HttpResponse:
    services.material_add(
        actor=request.user,
        session_id=public_id,
        title=request.POST.get("title", ""),
        url=request.POST.get("url", ""),
        upload=request.FILES.get("file"),
    )
    return done(request, _("已添加学习材料"))


@login_required
def material_download(request: HttpRequest, public_id: str, material_id: str) -> FileResponse:
    material = selectors.material_get_for(request.user, public_id, material_id)
    return FileResponse(
        material.file.open("rb"),
        as_attachment=True,
        filename=f"{material.title}.{material.file.name.rsplit('.', 1)[-1]}",
        content_type=material.content_type or "application/octet-stream",
    )


# Check-in -------------------------------------------------------------------------------------


def _qr(request: HttpRequest, public_id: str) -> dict[str, Any]:
    token = services.checkin_token(actor=request.user, session_id=public_id)
    url = request.build_absolute_uri(reverse("study:checkin", args=[token]))
    svg = segno.make(url, error="m").svg_inline(scale=6, dark="#222", light="#fff")
    left = tokens.WINDOW_SECONDS - int(time.time()) % tokens.WINDOW_SECONDS
    return {"svg": svg, "url": url, "seconds_left": left}


@login_required
def session_qr(request: HttpRequest, public_id: str) -> HttpResponse:
    session = selectors.session_get_for(request.user, public_id, write=True)
    return render(
        request, "study/session_qr.html", {"session": session, "code": _qr(request, public_id)}
    )


@login_required
def session_qr_code(request: HttpRequest, public_id: str) -> HttpResponse:
    """The code alone, for the page's refresh every 30 seconds."""
    response = render(request, "study/_qr_code.html", {"code": _qr(request, public_id)})
    response["Cache-Control"] = "no-store"
    return response


def checkin(request: HttpRequest, token: str) -> HttpResponse:
    """A member's scan. A good code is remembered for five minutes while they log in."""
    scan = services.scan_for(token, pending=request.session.get(_SCAN_KEY))
    if not request.user.is_authenticated:
        request.session[_SCAN_KEY] = services.pending_scan(token, scan)
        return redirect_to_login(request.get_full_path())
    attendance, message, changed = services.attendance_scan(actor=request.user, scan=scan)
    request.session.pop(_SCAN_KEY, None)
    return render(
        request,
        "study/checkin_result.html",
        {"attendance": attendance, "message": message, "changed": changed},
    )


@action(back="study:session_detail")
def attendance_mark(request: HttpRequest, public_id: str) -> HttpResponse:
    services.attendance_mark(
        actor=request.user,
        session_id=public_id,
        member_id=request.POST.get("member", ""),
        status=request.POST.get("status", ""),
    )
    return done(request, _("已登记"))


@action(back="study:session_detail")
def leave(request: HttpRequest, public_id: str) -> HttpResponse:
    services.leave_request(
        actor=request.user, session_id=public_id, reason=request.POST.get("reason", "")
    )
    return done(request, _("已请假，学习后请按通知补学"))


@action(back="study:session_detail")
def note(request: HttpRequest, public_id: str) -> HttpResponse:
    attendance = services.note_submit(
        actor=request.user, session_id=public_id, text=request.POST.get("note", "")
    )
    if attendance.makeup == Attendance.MakeUp.SUBMITTED:
        return done(request, _("补学心得已提交，等待组织者确认"))
    return done(request, _("心得已提交"))


@action(back="study:makeup_list")
def makeup_confirm(request: HttpRequest, attendance_id: str) -> HttpResponse:
    services.makeup_confirm(actor=request.user, attendance_id=attendance_id)
    return done(request, _("已确认补学"))


@action(back="study:makeup_list")
def makeup_return(request: HttpRequest, attendance_id: str) -> HttpResponse:
    services.makeup_return(
        actor=request.user, attendance_id=attendance_id, reason=request.POST.get("reason", "")
    )
    return done(request, _("已退回"))


# Records, make-ups and attendance lists -------------------------------------------------------


@login_required
def my_study(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("year", "")
    year = clean_int("year", raw, _("年度"), minimum=2000, maximum=2100, required=False)
    record = selectors.my_record(actor=request.user, year=year)
    return render(request, "study/my_study.html", {"record": record})


@login_required
def attendance_list(request: HttpRequest) -> HttpResponse:
    listing = ATTENDANCES.page(request)
    return render(
        request,
        "study/attendance_list.html",
        {"listing": listing, "statuses": Attendance.Status.choices, "title": _("参加记录")},
    )


attendance_export = ATTENDANCES.export_view()


@login_required
def makeup_list(request: HttpRequest) -> HttpResponse:
    """The make-ups waiting for the organiser's confirmation."""
    listing = MAKEUPS.page(request)
    return render(
        request,
        "study/makeup_list.html",
        {"listing": listing, "makeups": MAKEUPS.filters[1].options()},
    )


makeup_export = MAKEUPS.export_view()


# Compliance and rules -------------------------------------------------------------------------


@login_required
def compliance(request: HttpRequest) -> HttpResponse:
    listing = COMPLIANCE.page(request)
    every = listing.page.paginator.object_list
    kinds = selectors.rule_kinds()
    period = selectors.period_for(
        **{k: listing.filters[k] for k in ("year", "quarter", "month", "start", "end")}
    )
    return render(
        request,
        "study/compliance.html",
        {
            "listing": listing,
            "period": period,
            "kinds": [(k, dict(SESSIONS.filters[1].options())[k]) for k in kinds],
            "total": len(every),
            "behind": sum(1 for r in every if r.behind),
            "quarters": COMPLIANCE.filters[1].options(),
            "months": COMPLIANCE.filters[2].options(),
        },
    )


@login_required
def compliance_export(request: HttpRequest) -> HttpResponse:
    return compliance_spec(selectors.rule_kinds()).export(request)


@login_required
def branch_compliance(request: HttpRequest, org_id: str) -> HttpResponse:
    filters = COMPLIANCE.parse(request.GET)
    period = selectors.period_for(
        **{k: filters[k] for k in ("year", "quarter", "month", "start", "end")}
    )
    org, lines = selectors.branch_compliance(actor=request.user, org_id=org_id, period=period)
    return render(
        request,
        "study/branch_compliance.html",
        {"org": org, "lines": lines, "period": period, "query": request.GET.urlencode()},
    )


@login_required
def rule_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "study/rule_list.html",
        {
            "groups": selectors.rule_list(actor=request.user),
            "may_edit": selectors.may_edit_rules(request.user),
            "form": RuleForm(initial={"is_active": True, "minimum": 1}),
        },
    )


@action(back="study:rule_list")
def rule_save(request: HttpRequest) -> HttpResponse:
    data = form_data(RuleForm, request.POST)
    services.rule_save(
        actor=request.user,
        kind=data["kind"],
        period=data["period"],
        minimum=data["minimum"],
        is_active=data["is_active"],
        district_id=data["district"],
        note=data["note"],
    )
    return done(request, _("规则已保存"))


@action(back="study:rule_list")
def rule_reset(request: HttpRequest, rule_id: str) -> HttpResponse:
    services.rule_reset(actor=request.user, rule_id=rule_id)
    return done(request, _("已恢复为标准规则"))
