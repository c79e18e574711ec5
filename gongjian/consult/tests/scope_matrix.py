"""The scope matrix of the consult app (see gongjian/testing/matrix.py).

The objects: suggestions of the cast's member about 晨辉社区 (submitted; accepted; assigned to
区税务局; replied); a district consultation of 示范区 the member is invited to; a studio of the
working committee in 晨辉社区 with the member on it."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from gongjian.consult import services
from gongjian.consult.models import Consultation, Studio, Suggestion
from gongjian.consult.tests import helpers
from gongjian.testing.cast import Cast
from gongjian.testing.matrix import Entry, everyone, only

COMMITTEE = {"platform_admin", "district_admin"}
# A suggestion about 晨辉社区: the committee, the area posts above it, its submitter.
SEES = COMMITTEE | {"street_admin", "community_secretary", "member"}
STAFF_AND_MEMBER = set(everyone(0)) - {"outsider"}


def _s(c: Cast, title: str) -> Suggestion:
    found = Suggestion.objects.filter(title=title).first()
    return found or helpers.suggestion(c, title=title, photo_files=[("a.jpg", helpers.jpeg())])


def submitted(c: Cast) -> Suggestion:
    return _s(c, "矩阵建议")


def accepted(c: Cast) -> Suggestion:
    s = _s(c, "矩阵已受理")
    if s.status == "submitted":
        services.suggestion_accept(actor=c.district_admin, suggestion_id=s.public_id)
    return s


def assigned(c: Cast) -> Suggestion:
    s = _s(c, "矩阵办理中")
    if s.status == "submitted":
        services.suggestion_accept(actor=c.district_admin, suggestion_id=s.public_id)
        services.suggestion_assign(
            actor=c.district_admin, suggestion_id=s.public_id, unit_id=c.tax.pk
        )
    return s


def replied(c: Cast) -> Suggestion:
    s = _s(c, "矩阵已答复")
    if s.status == "submitted":
        services.suggestion_accept(actor=c.district_admin, suggestion_id=s.public_id)
        services.suggestion_assign(
            actor=c.district_admin, suggestion_id=s.public_id, unit_id=c.tax.pk
        )
        services.suggestion_reply(actor=c.unit_admin, suggestion_id=s.public_id, text="已办理")
    return s


def with_attachment(c: Cast) -> Suggestion:
    s = _s(c, "矩阵附件")
    if s.status == "submitted":
        services.suggestion_accept(actor=c.district_admin, suggestion_id=s.public_id)
        services.suggestion_assign(
            actor=c.district_admin, suggestion_id=s.public_id, unit_id=c.tax.pk
        )
        services.suggestion_reply(
            actor=c.unit_admin,
            suggestion_id=s.public_id,
            text="见附件",
            attachment=("答复函.pdf", b"%PDF-1.4\n%%EOF\n"),
        )
    return s


def consultation(c: Cast) -> Consultation:
    found = Consultation.objects.filter(topic="矩阵协商").first()
    if found:
        return found
    made = helpers.consultation(c, topic="矩阵协商")
    services.invitations_add(
        actor=c.district_admin,
        consultation_id=made.public_id,
        member_ids=[c.member_record.public_id],
    )
    return made


def studio(c: Cast) -> Studio:
    return Studio.objects.filter(name="晨辉委员工作室").first() or helpers.studio(c)


def _sug(name: str, which: Any) -> Any:
    return lambda c: reverse(name, args=[which(c).public_id])


def _con(name: str) -> Any:
    return lambda c: reverse(name, args=[consultation(c).public_id])


def _url(name: str) -> Any:
    return lambda c: reverse(name)


def _curate(c: Cast) -> dict[str, Any]:
    made = services.contribution_add(
        actor=c.district_admin,
        consultation_id=consultation(c).public_id,
        kind="speech",
        member_id=c.member_record.public_id,
        text="矩阵发言",
    )
    return {"contribution": str(made.public_id), "featured": "1"}


PAGE_MATRIX: dict[str, Entry] = {
    "consult:suggestion_list": ("get", _url("consult:suggestion_list"), everyone(200)),
    "consult:suggestion_export": ("get", _url("consult:suggestion_export"), everyone(200)),
    # Only a member submits (the others have no member record: told why)
    "consult:suggestion_new": ("get", _url("consult:suggestion_new"), only({"member"}, 200, 403)),
    "consult:suggestion_create": (
        "post",
        _url("consult:suggestion_create"),
        only({"member"}, 302, 403),
        lambda c: {"title": "公交站台缺少遮阳棚", "text": "夏天等车太晒", "category": "02-traffic"},
    ),
    "consult:suggestion_detail": ("get", _sug("consult:suggestion_detail", submitted), only(SEES)),
    "consult:suggestion_accept": (
        "post",
        _sug("consult:suggestion_accept", submitted),
        only(COMMITTEE, 302),
    ),
    "consult:suggestion_decline": (
        "post",
        _sug("consult:suggestion_decline", submitted),
        only(COMMITTEE, 302),
        lambda c: {"reason": "重复"},
    ),
    "consult:suggestion_merge": (
        "post",
        _sug("consult:suggestion_merge", submitted),
        only(COMMITTEE, 302),
        lambda c: {"into": str(_s(c, "矩阵合并目标").public_id)},
    ),
    "consult:suggestion_assign": (
        "post",
        _sug("consult:suggestion_assign", accepted),
        only(COMMITTEE, 302),
        lambda c: {"unit": str(c.tax.pk)},
    ),
    # The unit holding it only
    "consult:suggestion_hand_back": (
        "post",
        _sug("consult:suggestion_hand_back", assigned),
        only({"unit_admin"}, 302),
        lambda c: {"reason": "不属于本单位"},
    ),
    "consult:suggestion_reply": (
        "post",
        _sug("consult:suggestion_reply", assigned),
        only({"unit_admin"}, 302),
        lambda c: {"text": "已办理"},
    ),
    # Its submitter only (the others have no member record: told why)
    "consult:suggestion_rate": (
        "post",
        _sug("consult:suggestion_rate", replied),
        only({"member"}, 302, 403),
        lambda c: {"value": "satisfied"},
    ),
    "consult:photo": (
        "get",
        lambda c: reverse("consult:photo", args=[submitted(c).photos.first().public_id]),  # type: ignore[union-attr]
        only(SEES),
    ),
    # Whoever sees the suggestion, and the unit that replied
    "consult:reply_attachment": (
        "get",
        lambda c: reverse(
            "consult:reply_attachment",
            args=[with_attachment(c).public_id, with_attachment(c).replies.get().pk],
        ),
        only(SEES | {"unit_admin"}),
    ),
    "consult:unit_rates": ("get", _url("consult:unit_rates"), everyone(200)),
    "consult:unit_rates_export": ("get", _url("consult:unit_rates_export"), everyone(200)),
    # The public form is off unless configured
    "consult:public_form": ("get", _url("consult:public_form"), everyone(200)),
    "consult:public_code": (
        "post",
        _url("consult:public_code"),
        everyone(403),
        lambda c: {"phone": "13912345678"},
    ),
    "consult:public_submit": (
        "post",
        _url("consult:public_submit"),
        everyone(403),
        lambda c: {"phone": "13912345678", "code": "123456", "title": "t", "text": "t"},
    ),
    "consult:consultation_list": ("get", _url("consult:consultation_list"), everyone(200)),
    "consult:consultation_export": ("get", _url("consult:consultation_export"), everyone(200)),
    # The committee for the district, a unit's administrator for the unit; others told why
    "consult:consultation_create": (
        "post",
        _url("consult:consultation_create"),
        only(COMMITTEE | {"unit_admin"}, 302, 403),
        lambda c: {
            "level": "district",
            "form": "sector",
            "topic": "界别协商",
            "starts_at": "2099-03-01T09:00",
            "ends_at": "2099-03-01T11:00",
            "place": "会议室",
        },
    ),
    "consult:consultation_detail": (
        "get",
        _con("consult:consultation_detail"),
        only(COMMITTEE | {"member"}),
    ),
    "consult:invitations_add": (
        "post",
        _con("consult:invitations_add"),
        only(COMMITTEE, 302),
        lambda c: {"units": str(c.tax.pk)},
    ),
    "consult:invitation_answer": (
        "post",
        _con("consult:invitation_answer"),
        only({"member"}, 302, 403),
        lambda c: {"accept": "1"},
    ),
    "consult:contribution_add": (
        "post",
        _con("consult:contribution_add"),
        only(COMMITTEE, 302),
        lambda c: {"kind": "speech", "member": str(c.member_record.public_id), "text": "发言"},
    ),
    "consult:contribution_curate": (
        "post",
        _con("consult:contribution_curate"),
        only(COMMITTEE, 302),
        _curate,
    ),
    "consult:consultation_record": (
        "post",
        _con("consult:consultation_record"),
        only(COMMITTEE, 302),
        lambda c: {"minutes": "纪要", "status": "held"},
    ),
    "consult:consultation_qr": ("get", _con("consult:consultation_qr"), only(COMMITTEE)),
    # A scan: the member is checked in; the others have no member record (told why)
    "consult:checkin": (
        "get",
        lambda c: reverse(
            "consult:checkin",
            args=[
                services.checkin_token(
                    actor=c.district_admin, consultation_id=consultation(c).public_id
                )
            ],
        ),
        only({"member"}, 200, 403),
    ),
    "consult:attendance_list": ("get", _url("consult:attendance_list"), everyone(200)),
    "consult:attendance_export": ("get", _url("consult:attendance_export"), everyone(200)),
    "consult:studio_list": ("get", _url("consult:studio_list"), everyone(200)),
    "consult:studio_export": ("get", _url("consult:studio_export"), everyone(200)),
    "consult:studio_create": (
        "post",
        _url("consult:studio_create"),
        only(COMMITTEE, 302, 403),
        lambda c: {"kind": "post", "name": "党员先锋岗"},
    ),
    # A studio is a public place: everyone of its district
    "consult:studio_detail": (
        "get",
        lambda c: reverse("consult:studio_detail", args=[studio(c).public_id]),
        only(STAFF_AND_MEMBER),
    ),
    "consult:shift_record": (
        "post",
        lambda c: reverse("consult:shift_record", args=[studio(c).public_id]),
        only(COMMITTEE, 302),
        lambda c: {
            "member": str(c.member_record.public_id),
            "on": timezone.localdate().isoformat(),
            "hours": "2",
        },
    ),
    # One's own record: only a member has one
    "consult:duty_record": ("get", _url("consult:duty_record"), only({"member"}, 200, 403)),
    "consult:duty_record_pdf": (
        "get",
        _url("consult:duty_record_pdf"),
        only({"member"}, 200, 403),
    ),
    "consult:duty_records": ("get", _url("consult:duty_records"), everyone(200)),
    "consult:duty_records_export": ("get", _url("consult:duty_records_export"), everyone(200)),
    "consult:unit_duties": ("get", _url("consult:unit_duties"), everyone(200)),
    # The unit's own administrator, or the working committee of its district
    "consult:unit_duty_set": (
        "post",
        lambda c: reverse("consult:unit_duty_set", args=[c.tax.pk]),
        only(COMMITTEE | {"unit_admin"}, 302),
        lambda c: {"duties": "税收征管；纳税服务"},
    ),
}

API_MATRIX: set[tuple[str, str]] = {
    ("get", "/api/v1/consult/suggestions"),
    ("post", "/api/v1/consult/suggestions"),
    ("post", "/api/v1/consult/public/code"),
    ("post", "/api/v1/consult/public/suggestions"),
    ("get", "/api/v1/consult/suggestions/{suggestion_id}"),
    ("get", "/api/v1/consult/suggestions/{suggestion_id}/proposals"),
    ("post", "/api/v1/consult/suggestions/{suggestion_id}/accept"),
    ("post", "/api/v1/consult/suggestions/{suggestion_id}/decline"),
    ("post", "/api/v1/consult/suggestions/{suggestion_id}/merge"),
    ("post", "/api/v1/consult/suggestions/{suggestion_id}/assign"),
    ("post", "/api/v1/consult/suggestions/{suggestion_id}/hand-back"),
    ("post", "/api/v1/consult/suggestions/{suggestion_id}/reply"),
    ("post", "/api/v1/consult/suggestions/{suggestion_id}/rate"),
    ("get", "/api/v1/consult/unit-rates"),
    ("get", "/api/v1/consult/consultations"),
    ("post", "/api/v1/consult/consultations"),
    ("get", "/api/v1/consult/consultations/{consultation_id}"),
    ("post", "/api/v1/consult/consultations/{consultation_id}/invitations"),
    ("post", "/api/v1/consult/consultations/{consultation_id}/answer"),
    ("post", "/api/v1/consult/checkin"),
    ("post", "/api/v1/consult/consultations/{consultation_id}/contributions"),
    ("post", "/api/v1/consult/consultations/{consultation_id}/record"),
    ("get", "/api/v1/consult/studios"),
    ("post", "/api/v1/consult/studios"),
    ("post", "/api/v1/consult/studios/{studio_id}/shifts"),
    ("get", "/api/v1/consult/duty-records/me"),
    ("get", "/api/v1/consult/duty-records/{member_id}"),
    ("get", "/api/v1/consult/unit-duties"),
    ("put", "/api/v1/consult/unit-duties/{unit_id}"),
}
