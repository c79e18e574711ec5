"""The scope matrix of the study app (see gongjian/testing/matrix.py).

The objects: a branch committee meeting of 区税务局第一党支部 in two days, scheduled by the
unit's administrator and inviting the branch (the cast's member among them), with a file
among its materials; a rule of 示范区's own."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.urls import reverse

from gongjian.service import tokens
from gongjian.study.models import Attendance, Material, StudyRule, StudySession
from gongjian.study.tests.helpers import schedule
from gongjian.testing.cast import Cast
from gongjian.testing.matrix import Entry, everyone, only

ORGANISERS = {"platform_admin", "district_admin", "unit_admin"}
SEES = ORGANISERS | {"member"}
COMMITTEE = {"platform_admin", "district_admin"}


def session(c: Cast) -> StudySession:
    found = StudySession.objects.filter(topic="矩阵学习").first()
    if found is not None:
        return found
    s = schedule(c, topic="矩阵学习")
    m = Material(session=s, title="学习材料")
    m.file.save("matrix.pdf", ContentFile(b"%PDF-1.4 matrix"), save=True)
    return s


def attendance(c: Cast) -> Attendance:
    return Attendance.objects.get(session=session(c), member=c.member_record)


def rule(c: Cast) -> StudyRule:
    found, _created = StudyRule.objects.get_or_create(
        district=c.district, kind="first_topic", defaults={"period": "month", "minimum": 1}
    )
    return found


def _s(name: str) -> Any:
    return lambda c: reverse(name, args=[session(c).public_id])


def _a(name: str) -> Any:
    return lambda c: reverse(name, args=[attendance(c).public_id])


def _new_session(c: Cast) -> dict[str, Any]:
    return {
        "party_org": c.tax_branch.pk,
        "kind": "theme_day",
        "topic": "主题党日",
        "day": "2027-03-01",
        "start": "15:00",
        "end": "17:00",
        "audience": "branch",
        "occurrences": "1",
    }


PAGE_MATRIX: dict[str, Entry] = {
    "study:session_list": ("get", lambda c: reverse("study:session_list"), everyone(200)),
    "study:session_export": ("get", lambda c: reverse("study:session_export"), everyone(200)),
    "study:session_new": ("get", lambda c: reverse("study:session_new"), everyone(200)),
    # Scheduling for an organisation that is not the caller's to organise: 404.
    "study:session_create": (
        "post",
        lambda c: reverse("study:session_create"),
        only(ORGANISERS, 302),
        _new_session,
    ),
    "study:session_detail": ("get", _s("study:session_detail"), only(SEES)),
    "study:session_cancel": (
        "post",
        _s("study:session_cancel"),
        only(ORGANISERS, 302),
        lambda c: {"reason": "改期"},
    ),
    # Not started yet: the organisers are sent back with the reason.
    "study:session_record": (
        "post",
        _s("study:session_record"),
        only(ORGANISERS, 302),
        lambda c: {"summary": "会议纪要"},
    ),
    "study:material_add": (
        "post",
        _s("study:material_add"),
        only(ORGANISERS, 302),
        lambda c: {"title": "原文", "url": "https://www.example.gov.cn/a.html"},
    ),
    "study:material_download": (
        "get",
        lambda c: reverse(
            "study:material_download",
            args=[session(c).public_id, session(c).materials.exclude(file="").first().pk],  # type: ignore[union-attr]
        ),
        only(SEES),
    ),
    "study:session_qr": ("get", _s("study:session_qr"), only(ORGANISERS)),
    "study:session_qr_code": ("get", _s("study:session_qr_code"), only(ORGANISERS)),
    "study:attendance_mark": (
        "post",
        _s("study:attendance_mark"),
        only(ORGANISERS, 302),
        lambda c: {"member": str(c.member_record.public_id), "status": "leave"},
    ),
    # Only a member asks for leave or writes a note; an account without a member record 403.
    "study:leave": (
        "post",
        _s("study:leave"),
        only({"member"}, 302, 403),
        lambda c: {"reason": "出差"},
    ),
    "study:note": (
        "post",
        _s("study:note"),
        only({"member"}, 302, 403),
        lambda c: {"note": "认真学习了全会精神，深受教育。"},
    ),
    # A good code two days early: the member is told it is too early (400).
    "study:checkin": (
        "get",
        lambda c: reverse("study:checkin", args=[tokens.make(session(c).public_id, "in")]),
        only({"member"}, 400, 403),
    ),
    "study:my_study": ("get", lambda c: reverse("study:my_study"), only({"member"}, 200, 403)),
    "study:attendance_list": ("get", lambda c: reverse("study:attendance_list"), everyone(200)),
    "study:attendance_export": (
        "get",
        lambda c: reverse("study:attendance_export"),
        everyone(200),
    ),
    "study:makeup_list": ("get", lambda c: reverse("study:makeup_list"), everyone(200)),
    "study:makeup_export": ("get", lambda c: reverse("study:makeup_export"), everyone(200)),
    # Nothing submitted yet: the organisers are sent back with the reason.
    "study:makeup_confirm": ("post", _a("study:makeup_confirm"), only(ORGANISERS, 302)),
    "study:makeup_return": (
        "post",
        _a("study:makeup_return"),
        only(ORGANISERS, 302),
        lambda c: {"reason": "请结合工作实际"},
    ),
    "study:compliance": ("get", lambda c: reverse("study:compliance"), everyone(200)),
    "study:compliance_export": (
        "get",
        lambda c: reverse("study:compliance_export"),
        everyone(200),
    ),
    "study:branch_compliance": (
        "get",
        lambda c: reverse("study:branch_compliance", args=[c.tax_branch.pk]),
        only(ORGANISERS),
    ),
    "study:rule_list": ("get", lambda c: reverse("study:rule_list"), everyone(200)),
    "study:rule_save": (
        "post",
        lambda c: reverse("study:rule_save"),
        only(COMMITTEE, 302, 403),
        lambda c: {"kind": "first_topic", "period": "month", "minimum": "1", "is_active": "on"},
    ),
    "study:rule_reset": (
        "post",
        lambda c: reverse("study:rule_reset", args=[rule(c).pk]),
        only(COMMITTEE, 302, 403),
    ),
}

API_MATRIX: set[tuple[str, str]] = {
    ("get", "/api/v1/study/sessions"),
    ("post", "/api/v1/study/sessions"),
    ("get", "/api/v1/study/sessions/{session_id}"),
    ("post", "/api/v1/study/sessions/{session_id}/cancel"),
    ("post", "/api/v1/study/sessions/{session_id}/record"),
    ("post", "/api/v1/study/sessions/{session_id}/materials"),
    ("get", "/api/v1/study/sessions/{session_id}/attendances"),
    ("post", "/api/v1/study/sessions/{session_id}/attendances"),
    ("post", "/api/v1/study/sessions/{session_id}/leave"),
    ("post", "/api/v1/study/sessions/{session_id}/note"),
    ("post", "/api/v1/study/checkin"),
    ("get", "/api/v1/study/attendances"),
    ("post", "/api/v1/study/makeups/{attendance_id}/confirm"),
    ("post", "/api/v1/study/makeups/{attendance_id}/return"),
    ("get", "/api/v1/study/me/record"),
    ("get", "/api/v1/study/compliance"),
    ("get", "/api/v1/study/rules"),
    ("put", "/api/v1/study/rules"),
}
