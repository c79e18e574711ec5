"""The scope matrix of the inspection app (see gongjian/testing/matrix.py).

The objects: a district-led inspection of 示范区 by its working committee with the cast's
member as an inspector; a finding at its station assigned to 晨辉社区 (with a photo); a 创文
campaign of the district with a task for 区税务局第一党支部."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from gongjian.inspection.models import Campaign, Finding, Inspection, Task
from gongjian.inspection.tests import helpers
from gongjian.testing.cast import Cast
from gongjian.testing.matrix import Entry, everyone, only

COMMITTEE = {"platform_admin", "district_admin"}
INSPECTING = COMMITTEE | {"member"}
# The responsible side of the finding: 晨辉社区 and the street above it.
RESPONSIBLE = {"community_secretary", "street_admin"}
SEES = INSPECTING | RESPONSIBLE
CAMPAIGN = COMMITTEE | {"unit_admin"}


def inspection(c: Cast) -> Inspection:
    found = Inspection.objects.filter(subject="矩阵督导").first()
    return found or helpers.inspection(c, subject="矩阵督导")


def finding(c: Cast) -> Finding:
    found = Finding.objects.filter(inspection__subject="矩阵督导").first()
    return found or helpers.finding(c, inspection(c))


def task(c: Cast) -> Task:
    found = Task.objects.filter(campaign__title="创文攻坚", party_org=c.tax_branch).first()
    return found or next(t for t in helpers.campaign(c)[1] if t.party_org_id == c.tax_branch.pk)


def campaign(c: Cast) -> Campaign:
    return task(c).campaign


def _i(name: str) -> Any:
    return lambda c: reverse(name, args=[inspection(c).public_id])


def _f(name: str) -> Any:
    return lambda c: reverse(name, args=[finding(c).public_id])


def _finding_data(c: Cast) -> dict[str, Any]:
    return {
        "description": "公园健身器材损坏",
        "category": "facilities",
        "severity": "major",
        "workdays": "3",
        "responsible_area": str(c.chenhui.pk),
    }


PAGE_MATRIX: dict[str, Entry] = {
    "inspection:inspection_list": (
        "get",
        lambda c: reverse("inspection:inspection_list"),
        everyone(200),
    ),
    "inspection:inspection_export": (
        "get",
        lambda c: reverse("inspection:inspection_export"),
        everyone(200),
    ),
    "inspection:inspection_new": (
        "get",
        lambda c: reverse("inspection:inspection_new"),
        everyone(200),
    ),
    # A district-led inspection: the working committee only; others are told why (403).
    "inspection:inspection_create": (
        "post",
        lambda c: reverse("inspection:inspection_create"),
        only(COMMITTEE, 302, 403),
        lambda c: {
            "kind": "check",
            "subject": "医院督查",
            "led_by": "district",
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-02",
        },
    ),
    # Seen by the responsible side of its finding too.
    "inspection:inspection_detail": (
        "get",
        lambda c: reverse("inspection:inspection_detail", args=[finding(c).inspection.public_id]),
        only(SEES),
    ),
    "inspection:place_add": (
        "post",
        _i("inspection:place_add"),
        only(COMMITTEE, 302),
        lambda c: {"name": "育才学校", "kind": "school"},
    ),
    "inspection:inspectors_add": (
        "post",
        _i("inspection:inspectors_add"),
        only(COMMITTEE, 302),
        lambda c: {"members": str(c.tax_colleague.public_id)},
    ),
    "inspection:finding_new": ("get", _i("inspection:finding_new"), only(INSPECTING)),
    "inspection:finding_create": (
        "post",
        _i("inspection:finding_create"),
        only(INSPECTING, 302),
        _finding_data,
    ),
    "inspection:place_list": ("get", lambda c: reverse("inspection:place_list"), everyone(200)),
    "inspection:place_export": (
        "get",
        lambda c: reverse("inspection:place_export"),
        everyone(200),
    ),
    "inspection:finding_list": (
        "get",
        lambda c: reverse("inspection:finding_list"),
        everyone(200),
    ),
    "inspection:finding_export": (
        "get",
        lambda c: reverse("inspection:finding_export"),
        everyone(200),
    ),
    "inspection:finding_detail": ("get", _f("inspection:finding_detail"), only(SEES)),
    # The responsible side only (the platform may act for anyone); no photo: sent back (302).
    "inspection:rectify": (
        "post",
        _f("inspection:rectify"),
        only(RESPONSIBLE | {"platform_admin"}, 302),
        lambda c: {"text": "已清运"},
    ),
    # The inspecting side only; nothing submitted yet: sent back with the reason (302).
    "inspection:review": (
        "post",
        _f("inspection:review"),
        only(INSPECTING, 302),
        lambda c: {"result": "passed"},
    ),
    "inspection:photo": (
        "get",
        lambda c: reverse("inspection:photo", args=[finding(c).photos.first().public_id]),  # type: ignore[union-attr]
        only(SEES),
    ),
    "inspection:campaign_list": (
        "get",
        lambda c: reverse("inspection:campaign_list"),
        everyone(200),
    ),
    "inspection:campaign_export": (
        "get",
        lambda c: reverse("inspection:campaign_export"),
        everyone(200),
    ),
    "inspection:campaign_create": (
        "post",
        lambda c: reverse("inspection:campaign_create"),
        only(COMMITTEE, 302, 403),
        lambda c: {"title": "创卫攻坚", "due_on": "2099-12-31"},
    ),
    "inspection:campaign_detail": (
        "get",
        lambda c: reverse("inspection:campaign_detail", args=[campaign(c).public_id]),
        only(CAMPAIGN),
    ),
    "inspection:tasks_assign": (
        "post",
        lambda c: reverse("inspection:tasks_assign", args=[campaign(c).public_id]),
        only(COMMITTEE, 302),
        lambda c: {"title": "环境整治", "target": "清理楼道", "due_on": "2099-01-01"},
    ),
    "inspection:task_list": ("get", lambda c: reverse("inspection:task_list"), everyone(200)),
    "inspection:task_export": ("get", lambda c: reverse("inspection:task_export"), everyone(200)),
    "inspection:task_detail": (
        "get",
        lambda c: reverse("inspection:task_detail", args=[task(c).public_id]),
        only(CAMPAIGN),
    ),
    "inspection:task_report": (
        "post",
        lambda c: reverse("inspection:task_report", args=[task(c).public_id]),
        only(CAMPAIGN, 302),
        lambda c: {"percent": "40", "text": "已开展4次"},
    ),
}

API_MATRIX: set[tuple[str, str]] = {
    ("get", "/api/v1/inspection/inspections"),
    ("post", "/api/v1/inspection/inspections"),
    ("get", "/api/v1/inspection/inspections/{inspection_id}"),
    ("post", "/api/v1/inspection/inspections/{inspection_id}/inspectors"),
    ("post", "/api/v1/inspection/inspections/{inspection_id}/findings"),
    ("get", "/api/v1/inspection/findings"),
    ("get", "/api/v1/inspection/findings/{finding_id}"),
    ("post", "/api/v1/inspection/findings/{finding_id}/rectify"),
    ("post", "/api/v1/inspection/findings/{finding_id}/review"),
    ("get", "/api/v1/inspection/campaigns"),
    ("post", "/api/v1/inspection/campaigns"),
    ("post", "/api/v1/inspection/campaigns/{campaign_id}/tasks"),
    ("get", "/api/v1/inspection/tasks"),
    ("post", "/api/v1/inspection/tasks/{task_id}/reports"),
}
