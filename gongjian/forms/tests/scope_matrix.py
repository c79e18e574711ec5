"""The scope matrix of the forms app (see gongjian/testing/matrix.py).

The objects: a monthly return of 示范区 for every community (two approval levels), opened for
this month; 晨辉社区's return in it (not yet filled)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from gongjian.forms.models import Form, Return, Round
from gongjian.forms.tests import helpers
from gongjian.testing.cast import Cast
from gongjian.testing.matrix import Entry, everyone, only

COMMITTEE = {"platform_admin", "district_admin"}
DESIGNERS = COMMITTEE | {"street_admin"}
# The form and its round: the district, and the street and community through 晨辉's return.
SEES = COMMITTEE | {"street_admin", "community_secretary"}
# 晨辉's return is approved by the posts strictly above it.
APPROVERS = COMMITTEE | {"street_admin"}


def form(c: Cast) -> Form:
    return rnd(c).form


def rnd(c: Cast) -> Round:
    found = Round.objects.filter(form__title="双报到和志愿服务月报").first()
    return found or helpers.this_month(c, helpers.monthly_form(c))


def ret(c: Cast) -> Return:
    return Return.objects.get(round=rnd(c), area=c.chenhui)


def _f(name: str, *extra: Any) -> Any:
    return lambda c: reverse(name, args=[form(c).public_id, *[e(c) for e in extra]])


def _r(name: str) -> Any:
    return lambda c: reverse(name, args=[rnd(c).pk])


def _ret(name: str) -> Any:
    return lambda c: reverse(name, args=[ret(c).public_id])


PAGE_MATRIX: dict[str, Entry] = {
    "forms:form_list": ("get", lambda c: reverse("forms:form_list"), everyone(200)),
    "forms:form_export": ("get", lambda c: reverse("forms:form_export"), everyone(200)),
    "forms:form_new": ("get", lambda c: reverse("forms:form_new"), everyone(200)),
    # Only a district or street post designs; others are told why (403).
    "forms:form_create": (
        "post",
        lambda c: reverse("forms:form_create"),
        only(DESIGNERS, 302, 403),
        lambda c: {"title": "矩阵报表", "frequency": "monthly", "fillers": "communities"},
    ),
    "forms:form_detail": ("get", _f("forms:form_detail"), only(SEES)),
    "forms:field_add": (
        "post",
        _f("forms:field_add"),
        only(COMMITTEE, 302),
        lambda c: {"code": "extra", "label": "补充", "kind": "integer"},
    ),
    "forms:form_edit": (
        "post",
        _f("forms:form_edit"),
        only(COMMITTEE, 302),
        lambda c: {
            "title": "双报到和志愿服务月报",
            "fillers": "communities",
            "due_day": "5",
            "approval_levels": "2",
        },
    ),
    "forms:field_edit": (
        "post",
        _f("forms:field_edit"),
        only(COMMITTEE, 302),
        lambda c: {"code": "note", "label": "工作亮点和不足"},
    ),
    "forms:field_move": (
        "post",
        _f("forms:field_move"),
        only(COMMITTEE, 302),
        lambda c: {"code": "note", "direction": "up"},
    ),
    "forms:rule_edit": (
        "post",
        _f("forms:rule_edit"),
        only(COMMITTEE, 302),
        lambda c: {
            "rule": str(form(c).rules.filter(until__isnull=True).first().pk),  # type: ignore[union-attr]
            "left": "in_service",
            "op": "gte",
            "constant": "0",
            "message": "不能为负数",
        },
    ),
    "forms:rule_remove": (
        "post",
        _f("forms:rule_remove"),
        only(COMMITTEE, 302),
        lambda c: {"rule": str(form(c).rules.filter(until__isnull=True).last().pk)},  # type: ignore[union-attr]
    ),
    "forms:field_remove": (
        "post",
        _f("forms:field_remove"),
        only(COMMITTEE, 302),
        lambda c: {"code": "note"},
    ),
    "forms:rule_add": (
        "post",
        _f("forms:rule_add"),
        only(COMMITTEE, 302),
        lambda c: {"left": "activities", "op": "gte", "constant": "0"},
    ),
    "forms:form_status": (
        "post",
        _f("forms:form_status"),
        only(COMMITTEE, 302),
        lambda c: {"status": "active"},
    ),
    "forms:round_open": (
        "post",
        _f("forms:round_open"),
        only(COMMITTEE, 302),
        lambda c: {"day": "2020-01-15"},
    ),
    "forms:field_history": (
        "get",
        _f("forms:field_history", lambda c: form(c).fields.get(code="in_service").pk),
        only(SEES),
    ),
    "forms:round_detail": ("get", _r("forms:round_detail"), only(SEES)),
    "forms:round_export": ("get", _r("forms:round_export"), only(SEES)),
    "forms:chase_list": ("get", _r("forms:chase_list"), only(SEES)),
    "forms:chase_export": ("get", _r("forms:chase_export"), only(SEES)),
    "forms:round_remind": ("post", _r("forms:round_remind"), only(COMMITTEE, 302)),
    "forms:round_lock": ("post", _r("forms:round_lock"), only(COMMITTEE, 302)),
    # The district approves a street's total (refused while its returns are not approved:
    # back with the message); the street does not approve its own.
    "forms:street_review": (
        "post",
        _r("forms:street_review"),
        only(COMMITTEE, 302),
        lambda c: {"area": str(c.qinghe.pk), "approve": "1"},
    ),
    "forms:return_list": ("get", lambda c: reverse("forms:return_list"), everyone(200)),
    "forms:return_export": ("get", lambda c: reverse("forms:return_export"), everyone(200)),
    "forms:return_detail": ("get", _ret("forms:return_detail"), only(SEES)),
    "forms:return_print": ("get", _ret("forms:return_print"), only(SEES)),
    # Not yet submitted: the approvers are sent back with the message; others see nothing.
    "forms:return_approve": ("post", _ret("forms:return_approve"), only(APPROVERS, 302)),
    "forms:return_send_back": (
        "post",
        _ret("forms:return_send_back"),
        only(APPROVERS, 302),
        lambda c: {"reason": "请核对"},
    ),
}

API_MATRIX: set[tuple[str, str]] = {
    ("get", "/api/v1/forms/forms"),
    ("post", "/api/v1/forms/forms"),
    ("get", "/api/v1/forms/forms/{form_id}"),
    ("get", "/api/v1/forms/forms/{form_id}/fields"),
    ("post", "/api/v1/forms/forms/{form_id}/fields"),
    ("post", "/api/v1/forms/forms/{form_id}/rules"),
    ("get", "/api/v1/forms/forms/{form_id}/rules"),
    ("post", "/api/v1/forms/forms/{form_id}/rules/{rule_id}/edit"),
    ("post", "/api/v1/forms/forms/{form_id}/rules/{rule_id}/remove"),
    ("post", "/api/v1/forms/forms/{form_id}/settings"),
    ("post", "/api/v1/forms/forms/{form_id}/fields/{code}/edit"),
    ("post", "/api/v1/forms/forms/{form_id}/fields/{code}/move"),
    ("post", "/api/v1/forms/forms/{form_id}/fields/{code}/remove"),
    ("get", "/api/v1/forms/forms/{form_id}/fields/{field_id}/history"),
    ("post", "/api/v1/forms/forms/{form_id}/status"),
    ("post", "/api/v1/forms/forms/{form_id}/rounds"),
    ("get", "/api/v1/forms/rounds/{round_id}/rollup"),
    ("get", "/api/v1/forms/rounds/{round_id}/chase"),
    ("post", "/api/v1/forms/rounds/{round_id}/remind"),
    ("post", "/api/v1/forms/rounds/{round_id}/lock"),
    ("post", "/api/v1/forms/rounds/{round_id}/streets"),
    ("get", "/api/v1/forms/returns"),
    ("get", "/api/v1/forms/returns/{return_id}"),
    ("post", "/api/v1/forms/returns/{return_id}"),
    ("post", "/api/v1/forms/returns/{return_id}/approve"),
    ("post", "/api/v1/forms/returns/{return_id}/send-back"),
}
