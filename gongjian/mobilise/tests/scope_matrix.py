"""The scope matrix of the mobilise app (see gongjian/testing/matrix.py).

The objects: a mobilisation of 示范区 with a village and a checkpoint; the tax bureau sends
two (the cast's member and their colleague, both named) and the justice bureau one to the
village; two shifts at the village, one for each of the tax cadres."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from gongjian.mobilise import services
from gongjian.mobilise.models import Dispatch, Duty, Mobilisation, Place, Quota, Shift
from gongjian.testing.cast import Cast
from gongjian.testing.matrix import Entry, everyone, only

COMMITTEE = {"platform_admin", "district_admin"}
# The committee, the unit asked for cadres, the cadre sent.
SEES = COMMITTEE | {"unit_admin", "member"}


def mobilisation(c: Cast) -> Mobilisation:
    found = Mobilisation.objects.filter(title="矩阵动员").first()
    if found:
        return found
    m = services.mobilisation_issue(
        actor=c.district_admin,
        title="矩阵动员",
        starts_at=timezone.now(),
        places=[("矩阵村", "village", None, ""), ("矩阵检查站", "checkpoint", None, "")],
        quotas=[(c.tax.pk, "矩阵村", 2, None), (c.justice.pk, "矩阵村", 1, None)],
    )
    services.cadres_name(
        actor=c.unit_admin,
        quota_id=Quota.objects.get(mobilisation=m, unit=c.tax).pk,
        member_ids=[c.member_record.public_id, c.tax_colleague.public_id],
    )
    village = Place.objects.get(mobilisation=m, name="矩阵村")
    now = timezone.now()
    for i, member in enumerate((c.member_record, c.tax_colleague)):
        shift = services.shift_create(
            actor=c.district_admin,
            place_id=village.public_id,
            starts_at=now + dt.timedelta(hours=4 * i),
            ends_at=now + dt.timedelta(hours=4 * i + 4),
            need=2,
        )
        services.duty_assign(
            actor=c.district_admin,
            shift_id=shift.public_id,
            dispatch_id=Dispatch.objects.get(member=member).public_id,
        )
    return m


def _m(name: str) -> Any:
    return lambda c: reverse(name, args=[mobilisation(c).public_id])


def place(c: Cast, name: str = "矩阵村") -> Place:
    return Place.objects.get(mobilisation=mobilisation(c), name=name)


def dispatch(c: Cast) -> Dispatch:
    mobilisation(c)
    return Dispatch.objects.get(member=c.member_record)


def duty(c: Cast) -> Duty:
    return Duty.objects.get(dispatch=dispatch(c))


def _other_duty(c: Cast) -> Duty:
    mobilisation(c)
    return Duty.objects.filter(member=c.tax_colleague).get()


def _duty(name: str) -> Any:
    return lambda c: reverse(name, args=[duty(c).pk])


PAGE_MATRIX: dict[str, Entry] = {
    "mobilise:mobilisation_list": (
        "get",
        lambda c: reverse("mobilise:mobilisation_list"),
        everyone(200),
    ),
    "mobilise:mobilisation_export": (
        "get",
        lambda c: reverse("mobilise:mobilisation_export"),
        everyone(200),
    ),
    "mobilise:mobilisation_issue": (
        "post",
        lambda c: reverse("mobilise:mobilisation_issue"),
        only(COMMITTEE, 302, 403),
        lambda c: {
            "title": "支援通知",
            "starts_at": "2026-12-01T15:00",
            "place_rows": "1",
            "quota_rows": "1",
            "place_kind_1": "town",
            "place_name_1": "青禾镇",
            "quota_unit_1": c.tax.code,
            "quota_place_1": "青禾镇",
            "quota_count_1": "3",
        },
    ),
    "mobilise:mobilisation_new": (
        "get",
        lambda c: reverse("mobilise:mobilisation_new"),
        only(COMMITTEE, 200, 403),
    ),
    "mobilise:my_tasks": ("get", lambda c: reverse("mobilise:my_tasks"), everyone(200)),
    "mobilise:mobilisation_detail": ("get", _m("mobilise:mobilisation_detail"), only(SEES)),
    "mobilise:board": ("get", _m("mobilise:board"), only(SEES)),
    "mobilise:board_live": ("get", _m("mobilise:board_live"), only(SEES)),
    "mobilise:name_cadres": ("get", _m("mobilise:name_cadres"), only(SEES)),
    # The tax bureau's quota is full: back with the reason (302) for those who may name
    "mobilise:cadres_name": (
        "post",
        _m("mobilise:cadres_name"),
        only(COMMITTEE | {"unit_admin"}, 302),
        lambda c: {
            "quota": str(Quota.objects.get(mobilisation=mobilisation(c), unit=c.tax).pk),
            "members": str(c.tax_colleague.public_id),
        },
    ),
    "mobilise:dispatch_list": ("get", _m("mobilise:dispatch_list"), only(SEES)),
    "mobilise:dispatch_export": ("get", _m("mobilise:dispatch_export"), only(SEES)),
    "mobilise:place_list": ("get", _m("mobilise:place_list"), only(SEES)),
    "mobilise:place_export": ("get", _m("mobilise:place_export"), only(SEES)),
    "mobilise:group_list": ("get", _m("mobilise:group_list"), only(SEES)),
    "mobilise:group_export": ("get", _m("mobilise:group_export"), only(SEES)),
    "mobilise:group_form": (
        "post",
        _m("mobilise:group_form"),
        only(COMMITTEE, 302),
        lambda c: {
            "kind": "vanguard_team",
            "name": "先锋队",
            "members": str(c.member_record.public_id),
        },
    ),
    "mobilise:stand_down": ("post", _m("mobilise:stand_down"), only(COMMITTEE, 302)),
    # The cadre's own link: it opens for whoever holds it
    "mobilise:dispatch": (
        "get",
        lambda c: reverse("mobilise:dispatch", args=[dispatch(c).public_id]),
        everyone(200),
    ),
    "mobilise:dispatch_confirm": (
        "post",
        lambda c: reverse("mobilise:dispatch_confirm", args=[dispatch(c).public_id]),
        everyone(302),
    ),
    "mobilise:dispatch_withdraw": (
        "post",
        lambda c: reverse("mobilise:dispatch_withdraw", args=[dispatch(c).public_id]),
        only(COMMITTEE | {"unit_admin"}, 302),
    ),
    "mobilise:arrival_mark": (
        "post",
        lambda c: reverse("mobilise:arrival_mark", args=[dispatch(c).public_id]),
        only(COMMITTEE, 302),
    ),
    # The page a place's QR code opens is public; checking in is the cadre's own
    "mobilise:place": (
        "get",
        lambda c: reverse("mobilise:place", args=[place(c).public_id]),
        everyone(200),
    ),
    "mobilise:arrival_checkin": (
        "post",
        lambda c: reverse("mobilise:arrival_checkin", args=[place(c).public_id]),
        only({"member"}),
    ),
    "mobilise:place_qr": (
        "get",
        lambda c: reverse("mobilise:place_qr", args=[place(c).public_id]),
        only(SEES),
    ),
    "mobilise:shift_create": (
        "post",
        lambda c: reverse("mobilise:shift_create", args=[place(c, "矩阵检查站").public_id]),
        only(COMMITTEE, 302),
        lambda c: {"starts_at": "2026-12-01T08:00", "ends_at": "2026-12-01T12:00", "need": "2"},
    ),
    "mobilise:place_leader": (
        "post",
        lambda c: reverse("mobilise:place_leader", args=[place(c).public_id]),
        only(COMMITTEE, 302),
        lambda c: {"member": str(c.member_record.public_id)},
    ),
    "mobilise:duty_assign": (
        "post",
        lambda c: reverse(
            "mobilise:duty_assign",
            args=[Shift.objects.filter(place=place(c)).order_by("starts_at").last().public_id],  # type: ignore[union-attr]
        ),
        only(COMMITTEE, 302),
        lambda c: {"dispatch": str(dispatch(c).public_id)},
    ),
    "mobilise:duty_swap": (
        "post",
        _duty("mobilise:duty_swap"),
        only(COMMITTEE, 302),
        lambda c: {"other": str(_other_duty(c).pk)},
    ),
    "mobilise:duty_check_in": (
        "post",
        _duty("mobilise:duty_check_in"),
        only(COMMITTEE | {"member"}, 302),
    ),
    # Not checked in: back with the reason (302)
    "mobilise:duty_check_out": (
        "post",
        _duty("mobilise:duty_check_out"),
        only(COMMITTEE | {"member"}, 302),
    ),
}

API_MATRIX: set[tuple[str, str]] = {
    ("get", "/api/v1/mobilise/mobilisations"),
    ("post", "/api/v1/mobilise/mobilisations"),
    ("get", "/api/v1/mobilise/mobilisations/{mobilisation_id}"),
    ("get", "/api/v1/mobilise/mobilisations/{mobilisation_id}/board"),
    ("get", "/api/v1/mobilise/mobilisations/{mobilisation_id}/dispatches"),
    ("post", "/api/v1/mobilise/dispatches"),
    ("post", "/api/v1/mobilise/dispatches/{dispatch_id}/confirm"),
    ("post", "/api/v1/mobilise/dispatches/{dispatch_id}/mark"),
    ("post", "/api/v1/mobilise/arrivals"),
    ("post", "/api/v1/mobilise/places/{place_id}/leader"),
    ("post", "/api/v1/mobilise/mobilisations/{mobilisation_id}/groups"),
    ("post", "/api/v1/mobilise/mobilisations/{mobilisation_id}/stand-down"),
}
