"""The scope matrix of 模范机关创建: how each page route answers each person of the cast (see
gongjian/testing/matrix.py), and every API operation.

The campaign of the cast's district is seen by everyone with a post or a membership in the
district (not the outsider); an assessment's detail only by the working committee and the
unit (区税务局's administrator); the working committee alone manages."""

from __future__ import annotations

from django.urls import reverse

from gongjian.evaluation import services
from gongjian.evaluation.models import (
    Assessment,
    Brand,
    Campaign,
    Case,
    Evidence,
    Framework,
    Objection,
)
from gongjian.evaluation.tests import helpers as h
from gongjian.testing.cast import Cast
from gongjian.testing.matrix import PEOPLE, Answer, Entry, everyone, only

COMMITTEE = {"platform_admin", "district_admin"}
TAX_DETAIL = {"platform_admin", "district_admin", "unit_admin"}
IN_DISTRICT = set(PEOPLE) - {"outsider"}
TEMPLATE_READERS = IN_DISTRICT - {"member"}


def _campaign(c: Cast) -> Campaign:
    return h.campaign(c, h.framework(c, evidence=False))


def _tax(c: Cast) -> Assessment:
    return h.assessment(_campaign(c), c.tax)


def _published(c: Cast) -> Campaign:
    campaign = _campaign(c)
    a = h.assessment(campaign, c.tax)
    # Filled in and submitted by the unit: the district, who reviews, may not have submitted it.
    services.assessment_save(
        actor=c.unit_admin,
        assessment=a,
        scores={h.ind(campaign, "1.1").pk: (90, ""), h.ind(campaign, "2.1").pk: (80, "")},
    )
    services.assessment_submit(actor=c.unit_admin, assessment=a, today=h.TODAY)
    h.approve(c, a)
    return services.campaign_publish(actor=c.district_admin, campaign=campaign)


def _evidence(c: Cast) -> Evidence:
    a = _tax(c)
    return services.evidence_add(
        actor=c.unit_admin, assessment=a, indicator=None, files=[("记录.png", h.png())]
    )[0]


def _objection(c: Cast) -> Objection:
    campaign = _published(c)
    return Objection.objects.create(assessment=h.assessment(campaign, c.tax), text="异议")


def _draft_framework(c: Cast) -> Framework:
    return services.framework_create(
        actor=c.district_admin, code="matrix-fw", name="矩阵体系", area=c.district
    )


def _seeded() -> Framework:
    return Framework.objects.get(code="wushuang-wuxing")


def _brand(c: Cast) -> Brand:
    return Brand.objects.create(party_org=c.tax_branch, name="税心向党", description="简介")


def _case(c: Cast) -> Case:
    return Case.objects.create(campaign=_campaign(c), unit=c.tax, title="案例", summary="简介")


def _award_url(c: Cast) -> str:
    campaign = _published(c)
    award = services.award_create(actor=c.district_admin, campaign=campaign, unit=c.tax)
    return reverse("evaluation:award_certificate", args=[award.public_id])


def _posts(people: set[str], yes: int = 302, no: int = 404) -> Answer:
    return {p: yes if p in people else no for p in PEOPLE}


PAGE_MATRIX: dict[str, Entry] = {
    "evaluation:campaign_list": (
        "get",
        lambda c: reverse("evaluation:campaign_list"),
        everyone(200),
    ),
    "evaluation:campaign_export": (
        "get",
        lambda c: reverse("evaluation:campaign_export"),
        everyone(200),
    ),
    "evaluation:campaign_create": (
        "get",
        lambda c: reverse("evaluation:campaign_create"),
        only(COMMITTEE),
    ),
    "evaluation:campaign_detail": (
        "get",
        lambda c: reverse("evaluation:campaign_detail", args=[_campaign(c).pk]),
        only(IN_DISTRICT),
    ),
    "evaluation:assessment_export": (
        "get",
        lambda c: reverse("evaluation:assessment_export", args=[_campaign(c).pk]),
        only(IN_DISTRICT),
    ),
    "evaluation:campaign_publish": (
        "post",
        lambda c: reverse("evaluation:campaign_publish", args=[_campaign(c).pk]),
        _posts(COMMITTEE),
    ),
    "evaluation:campaign_lock": (
        "post",
        lambda c: reverse("evaluation:campaign_lock", args=[_campaign(c).pk]),
        _posts(COMMITTEE),
    ),
    "evaluation:results": (
        "get",
        lambda c: reverse("evaluation:results", args=[_published(c).pk]),
        only(IN_DISTRICT),
    ),
    "evaluation:results_export": (
        "get",
        lambda c: reverse("evaluation:results_export", args=[_published(c).pk]),
        only(IN_DISTRICT),
    ),
    "evaluation:cases_name_top": (
        "post",
        lambda c: reverse("evaluation:cases_name_top", args=[_campaign(c).pk]),
        _posts(COMMITTEE),
    ),
    "evaluation:award_create": (
        "post",
        lambda c: reverse("evaluation:award_create", args=[_published(c).pk]),
        _posts(COMMITTEE),
        lambda c: {"unit": str(c.tax.pk)},
    ),
    "evaluation:assessment_detail": (
        "get",
        lambda c: reverse("evaluation:assessment_detail", args=[_tax(c).public_id]),
        only(TAX_DETAIL),
    ),
    "evaluation:assessment_submit": (
        "post",
        lambda c: reverse("evaluation:assessment_submit", args=[_tax(c).public_id]),
        _posts(TAX_DETAIL),
    ),
    "evaluation:assessment_review": (
        "post",
        lambda c: reverse("evaluation:assessment_review", args=[_tax(c).public_id]),
        _posts(TAX_DETAIL),
        lambda c: {"action": "approve"},
    ),
    "evaluation:evidence_upload": (
        "post",
        lambda c: reverse("evaluation:evidence_upload", args=[_tax(c).public_id]),
        _posts(TAX_DETAIL),
    ),
    "evaluation:objection_submit": (
        "post",
        lambda c: reverse("evaluation:objection_submit", args=[_tax(c).public_id]),
        _posts(TAX_DETAIL),
        lambda c: {"text": "异议"},
    ),
    "evaluation:objection_answer": (
        "post",
        lambda c: reverse("evaluation:objection_answer", args=[_objection(c).pk]),
        _posts(COMMITTEE),
        lambda c: {"uphold": "0", "reply": "维持"},
    ),
    "evaluation:evidence_file": (
        "get",
        lambda c: reverse("evaluation:evidence_file", args=[_evidence(c).public_id]),
        only(TAX_DETAIL),
    ),
    "evaluation:evidence_delete": (
        "post",
        lambda c: reverse("evaluation:evidence_delete", args=[_evidence(c).public_id]),
        _posts(TAX_DETAIL),
    ),
    "evaluation:framework_list": (
        "get",
        lambda c: reverse("evaluation:framework_list"),
        everyone(200),
    ),
    "evaluation:framework_create": (
        "post",
        lambda c: reverse("evaluation:framework_create"),
        _posts(COMMITTEE, no=403),
        lambda c: {"code": "new-fw", "name": "新体系", "area": str(c.district.pk)},
    ),
    "evaluation:framework_detail": (
        "get",
        lambda c: reverse("evaluation:framework_detail", args=[_seeded().pk]),
        only(TEMPLATE_READERS),
    ),
    "evaluation:indicator_save": (
        "post",
        lambda c: reverse("evaluation:indicator_save", args=[_draft_framework(c).pk]),
        _posts(COMMITTEE),
        lambda c: {"code": "1", "name": "学习型机关", "weight": "100"},
    ),
    "evaluation:indicator_delete": (
        "post",
        lambda c: (
            lambda fw: reverse(
                "evaluation:indicator_delete",
                args=[
                    fw.pk,
                    services.indicator_save(
                        actor=c.district_admin, framework=fw, code="1", name="指标", weight=100
                    ).pk,
                ],
            )
        )(_draft_framework(c)),
        _posts(COMMITTEE),
    ),
    "evaluation:framework_publish": (
        "post",
        lambda c: reverse("evaluation:framework_publish", args=[_draft_framework(c).pk]),
        _posts(COMMITTEE),
    ),
    "evaluation:framework_copy": (
        "post",
        lambda c: reverse("evaluation:framework_copy", args=[_seeded().pk]),
        {p: 302 if p in COMMITTEE else 404 for p in PEOPLE},
        lambda c: {"area": str(c.district.pk), "code": "copy-matrix"},
    ),
    "evaluation:brand_list": ("get", lambda c: reverse("evaluation:brand_list"), everyone(200)),
    "evaluation:brand_export": ("get", lambda c: reverse("evaluation:brand_export"), everyone(200)),
    "evaluation:brand_apply": (
        "get",
        lambda c: reverse("evaluation:brand_apply"),
        only(TAX_DETAIL),
    ),
    "evaluation:brand_detail": (
        "get",
        lambda c: reverse("evaluation:brand_detail", args=[_brand(c).public_id]),
        only(TAX_DETAIL),
    ),
    "evaluation:brand_review": (
        "post",
        lambda c: reverse("evaluation:brand_review", args=[_brand(c).public_id]),
        _posts(COMMITTEE),
        lambda c: {"action": "recognise"},
    ),
    "evaluation:case_list": ("get", lambda c: reverse("evaluation:case_list"), everyone(200)),
    "evaluation:case_export": ("get", lambda c: reverse("evaluation:case_export"), everyone(200)),
    "evaluation:case_submit": (
        "get",
        lambda c: (_campaign(c), reverse("evaluation:case_submit"))[1],
        only(TAX_DETAIL),
    ),
    "evaluation:case_detail": (
        "get",
        lambda c: reverse("evaluation:case_detail", args=[_case(c).public_id]),
        only(IN_DISTRICT),
    ),
    "evaluation:case_shortlist": (
        "post",
        lambda c: reverse("evaluation:case_shortlist", args=[_case(c).public_id]),
        _posts(COMMITTEE),
        lambda c: {"shortlisted": "1"},
    ),
    "evaluation:case_vote": (
        "post",
        lambda c: reverse("evaluation:case_vote", args=[_case(c).public_id]),
        # Only a member votes; the posts without a member record are refused.
        {p: 302 if p == "member" else 404 if p == "outsider" else 403 for p in PEOPLE},
    ),
    "evaluation:award_list": ("get", lambda c: reverse("evaluation:award_list"), everyone(200)),
    "evaluation:award_export": ("get", lambda c: reverse("evaluation:award_export"), everyone(200)),
    "evaluation:award_certificate": ("get", _award_url, only(IN_DISTRICT)),
}


API_MATRIX: set[tuple[str, str]] = {
    ("get", "/api/v1/evaluation/metrics"),
    ("get", "/api/v1/evaluation/frameworks"),
    ("get", "/api/v1/evaluation/frameworks/{framework_id}"),
    ("get", "/api/v1/evaluation/campaigns"),
    ("get", "/api/v1/evaluation/campaigns/{campaign_id}"),
    ("get", "/api/v1/evaluation/campaigns/{campaign_id}/results"),
    ("post", "/api/v1/evaluation/campaigns/{campaign_id}/publish"),
    ("get", "/api/v1/evaluation/assessments/{assessment_id}"),
    ("post", "/api/v1/evaluation/assessments/{assessment_id}/scores"),
    ("post", "/api/v1/evaluation/assessments/{assessment_id}/submit"),
    ("post", "/api/v1/evaluation/assessments/{assessment_id}/review"),
    ("post", "/api/v1/evaluation/assessments/{assessment_id}/objections"),
    ("get", "/api/v1/evaluation/cases"),
    ("post", "/api/v1/evaluation/cases/{case_id}/vote"),
    ("get", "/api/v1/evaluation/brands"),
}
