"""Pages of the mobilise app. Thin: parse, call one service or selector, render (ADR 0010).

A cadre's link (`d/<id>/`) is theirs and cannot be guessed: it opens without logging in, to
confirm from the text message. Checking in by a place's QR code (`p/<id>/`) asks the
logged-in cadre, or takes the cadre's link."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjian.core.errors import PermissionDenied
from gongjian.core.web import action, done, form_page, posted
from gongjian.mobilise import selectors, services
from gongjian.mobilise.lists import DISPATCHES, GROUPS, MOBILISATIONS, PLACES
from gongjian.mobilise.models import Group, Place
from gongjian.orgs import selectors as org_selectors


@login_required
def mobilisation_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "mobilise/mobilisation_list.html",
        {
            "listing": MOBILISATIONS.page(request),
            "may_issue": selectors.may_issue(request.user),
        },
    )


mobilisation_export = MOBILISATIONS.export_view()


PLACE_ROWS, QUOTA_ROWS, MAX_ROWS = 6, 10, 500


def _rows(request: HttpRequest, key: str, default: int) -> int:
    """How many rows a table of the issuing form shows: as posted (plus 10 when more were
    asked for), else from the address, else `default`."""
    source = request.POST if request.method == "POST" else request.GET
    text = str(source.get(f"{key}_rows", "")).strip()
    n = int(text) if text.isascii() and text.isdigit() and len(text) < 5 else default
    if request.method == "POST" and source.get("more") == key:
        n += 10
    return max(1, min(n, MAX_ROWS))


def _issue_context(request: HttpRequest, **_url: object) -> dict[str, object]:
    """The issuing form's tables, each row with what was typed or picked (by name)."""
    p = request.POST
    places: list[dict[str, Any]] = [
        {
            "n": i,
            "name": p.get(f"place_name_{i}", ""),
            "kind": p.get(f"place_kind_{i}", ""),
            "area": p.get(f"place_area_{i}", ""),
            "town": p.get(f"place_town_{i}", ""),
        }
        for i in range(1, _rows(request, "place", PLACE_ROWS) + 1)
    ]
    quotas: list[dict[str, Any]] = [
        {
            "n": i,
            "unit": p.get(f"quota_unit_{i}", ""),
            "place": p.get(f"quota_place_{i}", ""),
            "count": p.get(f"quota_count_{i}", ""),
            "from_at": p.get(f"quota_from_{i}", ""),
        }
        for i in range(1, _rows(request, "quota", QUOTA_ROWS) + 1)
    ]
    areas = org_selectors.area_names_by_code(
        actor=request.user, codes=[r["area"] for r in places if r["area"]]
    )
    units = org_selectors.unit_names_by_code(
        actor=request.user, codes=[r["unit"] for r in quotas if r["unit"]]
    )
    for r in places:
        r["area_label"] = areas.get(r["area"], "")
    for r in quotas:
        r["unit_label"] = units.get(r["unit"], "")
    typed = {k: v for k, v in p.items() if k in ("title", "reason", "contact", "starts_at")}
    return {
        "places": places,
        "quotas": quotas,
        "kinds": Place.Kind.choices,
        "now": timezone.localtime(),
        "typed": typed,
    }


@login_required
def mobilisation_new(request: HttpRequest) -> HttpResponse:
    """The form that issues a mobilisation: the places and each unit's quota as table rows,
    areas and units picked by name."""
    if not selectors.may_issue(request.user):
        raise PermissionDenied(_("只有机关工委可以发布动员令"))
    return render(request, "mobilise/mobilisation_new.html", _issue_context(request))


@login_required
@require_POST
@form_page("mobilise/mobilisation_new.html", _issue_context)
def mobilisation_issue(request: HttpRequest) -> HttpResponse:
    p = request.POST
    if p.get("more") in ("place", "quota"):  # more rows, nothing issued yet
        return render(request, "mobilise/mobilisation_new.html", _issue_context(request))
    n_places, n_quotas = _rows(request, "place", PLACE_ROWS), _rows(request, "quota", QUOTA_ROWS)
    places = [
        (
            p.get(f"place_name_{i}", ""),
            p.get(f"place_kind_{i}", ""),
            p.get(f"place_area_{i}", "") or None,
            p.get(f"place_town_{i}", ""),
        )
        for i in range(1, n_places + 1)
    ]
    quotas = [
        (
            p.get(f"quota_unit_{i}", ""),
            p.get(f"quota_place_{i}", ""),
            p.get(f"quota_count_{i}", ""),
            p.get(f"quota_from_{i}", "") or None,
        )
        for i in range(1, n_quotas + 1)
    ]
    made = services.mobilisation_issue(
        actor=request.user,
        **posted(request, "title", "reason", "contact", "starts_at"),
        places=places,
        quotas=quotas,
    )
    return done(
        request,
        _("动员令已发布，已通知各单位"),
        to=reverse("mobilise:mobilisation_detail", args=[made.public_id]),
    )


@login_required
def mobilisation_detail(request: HttpRequest, mobilisation: str) -> HttpResponse:
    found = selectors.mobilisation_get_for(request.user, mobilisation)
    return render(
        request,
        "mobilise/mobilisation_detail.html",
        {
            "m": found,
            "running": selectors.is_running(request.user, found),
            "quotas": selectors.quotas_of_unit(actor=request.user, mobilisation=found)[:200],
            "groups": selectors.group_list(actor=request.user, mobilisation=found)[:50],
        },
    )


@action(back="mobilise:mobilisation_detail")
def mobilisation_contact(request: HttpRequest, mobilisation: str) -> HttpResponse:
    """The contact with its whole mobile number (htmx), audited."""
    value = services.mobilisation_contact_unmask(
        actor=request.user, mobilisation_id=mobilisation, reason=request.POST.get("reason", "")
    )
    return render(request, "orgs/_unmasked.html", {"value": value, "field": "contact_phone"})


def _board(request: HttpRequest, mobilisation: str, template: str) -> HttpResponse:
    found = selectors.mobilisation_get_for(request.user, mobilisation)
    return render(
        request,
        template,
        {
            "m": found,
            "board": selectors.board_cached(mobilisation=found),
            "now": timezone.localtime(),
        },
    )


@login_required
def board(request: HttpRequest, mobilisation: str) -> HttpResponse:
    """The district's board: per unit and per place, named / confirmed / arrived, laggards
    first, refreshed every few seconds (htmx)."""
    return _board(request, mobilisation, "mobilise/board.html")


@login_required
def board_live(request: HttpRequest, mobilisation: str) -> HttpResponse:
    return _board(request, mobilisation, "mobilise/_board.html")


@login_required
def name_cadres(request: HttpRequest, mobilisation: str) -> HttpResponse:
    found = selectors.mobilisation_get_for(request.user, mobilisation)
    q = request.GET.get("q", "").strip()[:50]
    return render(
        request,
        "mobilise/name_cadres.html",
        {
            "m": found,
            "q": q,
            "quotas": selectors.quotas_of_unit(actor=request.user, mobilisation=found)[:200],
            "candidates": selectors.cadre_candidates(actor=request.user, mobilisation=found, q=q),
        },
    )


@action(back="mobilise:name_cadres")
def cadres_name(request: HttpRequest, mobilisation: str) -> HttpResponse:
    made = services.cadres_name(
        actor=request.user,
        quota_id=request.POST.get("quota", ""),
        member_ids=request.POST.getlist("members"),
    )
    return done(request, _("已选派%(n)d人，已发送通知") % {"n": len(made)})


@login_required
def dispatch_list(request: HttpRequest, mobilisation: str) -> HttpResponse:
    found = selectors.mobilisation_get_for(request.user, mobilisation)
    return render(
        request,
        "mobilise/dispatch_list.html",
        {"m": found, "listing": DISPATCHES.page(request, mobilisation=found)},
    )


dispatch_export = DISPATCHES.export_view()


@login_required
def place_list(request: HttpRequest, mobilisation: str) -> HttpResponse:
    found = selectors.mobilisation_get_for(request.user, mobilisation)
    return render(
        request,
        "mobilise/place_list.html",
        {"m": found, "listing": PLACES.page(request, mobilisation=found)},
    )


place_export = PLACES.export_view()


@login_required
def group_list(request: HttpRequest, mobilisation: str) -> HttpResponse:
    found = selectors.mobilisation_get_for(request.user, mobilisation)
    return render(
        request,
        "mobilise/group_list.html",
        {
            "m": found,
            "listing": GROUPS.page(request, mobilisation=found),
            "running": selectors.is_running(request.user, found),
            "kinds": Group.Kind.choices,
            "places": found.places.all()[:500],
        },
    )


group_export = GROUPS.export_view()


@action(back="mobilise:group_list")
def group_form(request: HttpRequest, mobilisation: str) -> HttpResponse:
    p = request.POST
    services.group_form(
        actor=request.user,
        mobilisation_id=mobilisation,
        kind=p.get("kind", ""),
        name=p.get("name", ""),
        place_id=p.get("place", ""),
        leader_id=p.get("leader", ""),
        member_ids=[m for m in p.get("members", "").replace("，", ",").split(",") if m.strip()],
    )
    return done(request, _("已组建"))


@action(back="mobilise:mobilisation_detail")
def stand_down(request: HttpRequest, mobilisation: str) -> HttpResponse:
    services.mobilisation_stand_down(actor=request.user, mobilisation_id=mobilisation)
    return done(request, _("已撤收，人员任务结束"))


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "mobilise/my_tasks.html",
        {
            "dispatches": selectors.my_dispatches(actor=request.user)[:20],
            "duties": selectors.my_duties(actor=request.user)[:50],
        },
    )


# The cadre's link, the place's QR code --------------------------------------------------------


def dispatch(request: HttpRequest, public_id: str) -> HttpResponse:
    found = selectors.dispatch_by_token(public_id)
    return render(
        request,
        "mobilise/dispatch.html",
        {"d": found, "arrival": getattr(found, "arrival", None)},
    )


@require_POST
def dispatch_confirm(request: HttpRequest, public_id: str) -> HttpResponse:
    services.dispatch_confirm(dispatch_id=public_id)
    return redirect("mobilise:dispatch", public_id=public_id)


@action(back="mobilise:mobilisation_list")
def dispatch_withdraw(request: HttpRequest, public_id: str) -> HttpResponse:
    services.dispatch_withdraw(actor=request.user, dispatch_id=public_id)
    return done(request, _("已撤回"))


@action(back="mobilise:mobilisation_list")
def arrival_mark(request: HttpRequest, public_id: str) -> HttpResponse:
    services.arrival_mark(actor=request.user, dispatch_id=public_id)
    return done(request, _("已点名到岗"))


def place(request: HttpRequest, public_id: str) -> HttpResponse:
    """What the QR code at a place opens: check in (logged in, or from the cadre's link)."""
    found = selectors.place_get(public_id=public_id)
    led = (
        request.user.is_authenticated
        and selectors.places_led(actor=request.user).filter(pk=found.pk).exists()
    )
    return render(
        request,
        "mobilise/place.html",
        {
            "place": found,
            "token": request.GET.get("d", "")[:40],
            "led": led,
            "shifts": selectors.shift_list(place=found)[:100] if led else [],
            "dispatches": found.dispatches.select_related("member", "arrival")[:500] if led else [],
        },
    )


@require_POST
def arrival_checkin(request: HttpRequest, public_id: str) -> HttpResponse:
    token = request.POST.get("d", "")
    if token:
        arrival, fresh = services.arrival_by_link(dispatch_id=token, place_id=public_id)
    elif request.user.is_authenticated:
        arrival, fresh = services.arrival_checkin(actor=request.user, place_id=public_id)
    else:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    return render(request, "mobilise/arrived.html", {"arrival": arrival, "fresh": fresh})


@login_required
def place_qr(request: HttpRequest, public_id: str) -> HttpResponse:
    found = selectors.place_get_for(request.user, public_id)
    url = request.build_absolute_uri(reverse("mobilise:place", args=[found.public_id]))
    svg = segno.make(url, error="m").svg_inline(scale=6, dark="#222", light="#fff")
    return HttpResponse(svg, content_type="image/svg+xml")


@action(back="mobilise:place")
def place_leader(request: HttpRequest, public_id: str) -> HttpResponse:
    services.place_leader_set(
        actor=request.user, place_id=public_id, member_id=request.POST.get("member", "")
    )
    return done(request, _("已指定点位负责人"))


@action(back="mobilise:place")
def shift_create(request: HttpRequest, public_id: str) -> HttpResponse:
    p = request.POST
    services.shift_create(
        actor=request.user,
        place_id=public_id,
        starts_at=p.get("starts_at", ""),
        ends_at=p.get("ends_at", ""),
        need=p.get("need", "1"),
    )
    return done(request, _("班次已添加"))


@action()
def duty_assign(request: HttpRequest, public_id: str) -> HttpResponse:
    services.duty_assign(
        actor=request.user, shift_id=public_id, dispatch_id=request.POST.get("dispatch", "")
    )
    return done(request, _("已排班"))


@action()
def duty_swap(request: HttpRequest, pk: int) -> HttpResponse:
    services.duty_swap(actor=request.user, duty_id=pk, other_id=request.POST.get("other", ""))
    return done(request, _("已调换班次"))


@action(back="mobilise:my_tasks")
def duty_check_in(request: HttpRequest, pk: int) -> HttpResponse:
    services.duty_check_in(actor=request.user, duty_id=pk)
    return done(request, _("已签到"))


@action(back="mobilise:my_tasks")
def duty_check_out(request: HttpRequest, pk: int) -> HttpResponse:
    services.duty_check_out(actor=request.user, duty_id=pk)
    return done(request, _("已签退"))
