"""The scope matrix of 双报到: how each page route answers each person of the cast
(see gongjian/testing/matrix.py), and every API operation."""

from __future__ import annotations

from django.urls import reverse

from gongjian.orgs.models import Notice
from gongjian.reporting.models import MemberReport, OrgReport
from gongjian.testing.cast import Cast
from gongjian.testing.matrix import PEOPLE, Answer, Entry, everyone, only

AREA_CHENHUI = {"platform_admin", "district_admin", "street_admin", "community_secretary"}
UNIT_TAX = {"platform_admin", "district_admin", "unit_admin"}


def _pending(c: Cast) -> MemberReport:
    return MemberReport.objects.create(
        member=c.member_record, community=c.chenhui, grid=c.chenhui_grid1
    )


def _pairing(c: Cast) -> OrgReport:
    return OrgReport.objects.create(party_org=c.tax_committee, community=c.chenhui)


def _notice(c: Cast) -> Notice:
    return Notice.objects.create(member=c.member_record, kind="reminder", title="请报到")


def _posts(people: set[str], yes: int = 302, no: int = 404) -> Answer:
    return {p: yes if p in people else no for p in PEOPLE}


PAGE_MATRIX: dict[str, Entry] = {
    "reporting:my_report": ("get", lambda c: reverse("reporting:my_report"), everyone(200)),
    "reporting:report_form": (
        "post",
        lambda c: reverse("reporting:report_form"),
        # Only a member reports, for themself; a post without a member record is refused.
        {p: 302 if p == "member" else 403 for p in PEOPLE},
        lambda c: {"street": str(c.qinghe.pk), "community": str(c.chenhui.pk)},
    ),
    "reporting:places": (
        "get",
        lambda c: reverse("reporting:places") + f"?street={c.qinghe.pk}",
        everyone(200),
    ),
    "reporting:report_withdraw": (
        "post",
        lambda c: reverse("reporting:report_withdraw", args=[_pending(c).public_id]),
        _posts({"member"}),
    ),
    "reporting:notices": ("get", lambda c: reverse("reporting:notices"), everyone(200)),
    "reporting:notice_read": (
        "post",
        lambda c: reverse("reporting:notice_read", args=[_notice(c).pk]),
        _posts({"member"}),
    ),
    "reporting:report_list": ("get", lambda c: reverse("reporting:report_list"), everyone(200)),
    "reporting:report_export": (
        "get",
        lambda c: reverse("reporting:report_export"),
        everyone(200),
    ),
    "reporting:report_decide": (
        "post",
        lambda c: reverse("reporting:report_decide"),
        # The administrators over 晨辉社区 decide; the grid leader, the unit administrator and
        # the member see the report but may not decide it.
        _posts(AREA_CHENHUI),
        lambda c: {"ids": [str(_pending(c).public_id)], "action": "confirm"},
    ),
    "reporting:roster": ("get", lambda c: reverse("reporting:roster"), everyone(200)),
    "reporting:roster_export": ("get", lambda c: reverse("reporting:roster_export"), everyone(200)),
    "reporting:residents": ("get", lambda c: reverse("reporting:residents"), everyone(200)),
    "reporting:residents_export": (
        "get",
        lambda c: reverse("reporting:residents_export"),
        everyone(200),
    ),
    "reporting:poster": ("get", lambda c: reverse("reporting:poster"), everyone(200)),
    "reporting:poster_png": (
        "get",
        lambda c: reverse("reporting:poster_png", args=[c.chenhui.pk]),
        only(AREA_CHENHUI),
    ),
    "reporting:poster_pdf": (
        "get",
        lambda c: reverse("reporting:poster_pdf", args=[c.chenhui.pk]),
        only(AREA_CHENHUI),
    ),
    "reporting:unit_status": ("get", lambda c: reverse("reporting:unit_status"), everyone(200)),
    "reporting:unit_status_export": (
        "get",
        lambda c: reverse("reporting:unit_status_export"),
        only(UNIT_TAX),
    ),
    "reporting:remind": (
        "post",
        lambda c: reverse("reporting:remind", args=[c.tax.pk]),
        _posts(UNIT_TAX),
    ),
    "reporting:rates": ("get", lambda c: reverse("reporting:rates"), everyone(200)),
    "reporting:rates_export": ("get", lambda c: reverse("reporting:rates_export"), everyone(200)),
    "reporting:pairing_list": ("get", lambda c: reverse("reporting:pairing_list"), everyone(200)),
    "reporting:pairing_export": (
        "get",
        lambda c: reverse("reporting:pairing_export"),
        everyone(200),
    ),
    "reporting:pairing_create": (
        "post",
        lambda c: reverse("reporting:pairing_create"),
        _posts(UNIT_TAX),
        lambda c: {"party_org": str(c.tax_committee.pk), "community": str(c.chenhui.pk)},
    ),
    "reporting:pairing_decide": (
        "post",
        lambda c: reverse("reporting:pairing_decide", args=[_pairing(c).pk]),
        _posts(AREA_CHENHUI),
        lambda c: {"action": "confirm"},
    ),
}


API_MATRIX: set[tuple[str, str]] = {
    ("get", "/api/v1/reporting/places"),
    ("get", "/api/v1/reporting/my-reports"),
    ("post", "/api/v1/reporting/my-reports"),
    ("post", "/api/v1/reporting/my-reports/{report_id}/withdraw"),
    ("get", "/api/v1/reporting/notices"),
    ("post", "/api/v1/reporting/notices/{notice_id}/read"),
    ("get", "/api/v1/reporting/member-reports"),
    ("get", "/api/v1/reporting/member-reports/{report_id}"),
    ("post", "/api/v1/reporting/member-reports/{report_id}/confirm"),
    ("post", "/api/v1/reporting/member-reports/{report_id}/reject"),
    ("post", "/api/v1/reporting/member-reports/decide"),
    ("get", "/api/v1/reporting/residents"),
    ("get", "/api/v1/reporting/roster"),
    ("get", "/api/v1/reporting/units/{unit_id}/members"),
    ("post", "/api/v1/reporting/units/{unit_id}/remind"),
    ("get", "/api/v1/reporting/rates"),
    ("get", "/api/v1/reporting/org-reports"),
    ("post", "/api/v1/reporting/org-reports"),
    ("post", "/api/v1/reporting/org-reports/{org_report_id}/decide"),
}
