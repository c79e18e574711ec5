"""The model-organ pages' forms call the same services as the API: a campaign opened, a brand
applied for and a case submitted through the page, bad input sent back naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from gongjian.evaluation.models import Brand, Campaign, Case
from gongjian.evaluation.tests import helpers as h
from gongjian.testing.cast import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _messages(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_committee_opens_a_campaign_on_the_page(cast: Cast) -> None:
    # Given a published framework of the district and its working committee
    fw = h.framework(cast)
    page = _client(cast.district_admin)
    url = reverse("evaluation:campaign_create")
    form = {
        "name": "2025年度模范机关创建",
        "area": str(cast.district.pk),
        "framework": str(fw.pk),
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "submit_by": "2099-01-31",
        "units": "all",
    }

    # When the deadline is not a date
    response = page.post(url, {**form, "submit_by": "2025-13-01"})

    # Then the form comes back naming it, and no campaign is opened
    assert response.status_code == 302
    assert response["Location"] == url
    assert any("自评截止日期" in m for m in _messages(response))
    assert not Campaign.objects.exists()

    # When it is right, every unit of the district takes part
    response = page.post(url, form)
    campaign = Campaign.objects.get()
    assert response["Location"] == reverse("evaluation:campaign_detail", args=[campaign.pk])
    assert set(campaign.assessments.values_list("unit", flat=True)) >= {cast.tax.pk}


def test_a_unit_applies_for_a_brand_and_submits_a_case_on_the_page(cast: Cast) -> None:
    # Given a campaign the unit takes part in
    c = h.campaign(cast)
    a = h.assessment(c, cast.tax)
    page = _client(cast.unit_admin)

    # When a brand comes without its evidence
    apply = reverse("evaluation:brand_apply")
    response = page.post(
        apply, {"party_org": str(cast.tax_branch.pk), "name": "税心向党", "description": "简介"}
    )

    # Then it is refused, naming what is missing
    assert response["Location"] == apply
    assert any("佐证材料" in m for m in _messages(response))
    assert not Brand.objects.exists()

    # And with a file it is submitted
    response = page.post(
        apply,
        {
            "party_org": str(cast.tax_branch.pk),
            "name": "税心向党",
            "description": "简介",
            "files": SimpleUploadedFile("品牌.png", h.png()),
        },
    )
    brand = Brand.objects.get()
    assert response["Location"] == reverse("evaluation:brand_detail", args=[brand.public_id])
    assert brand.evidence.count() == 1

    # And a case names its campaign and unit by the assessment that joins them
    response = page.post(
        reverse("evaluation:case_submit"),
        {"assessment": str(a.pk), "title": "办税服务进社区", "summary": "简介"},
    )
    case = Case.objects.get()
    assert (case.campaign_id, case.unit_id) == (c.pk, cast.tax.pk)
    assert response["Location"] == reverse("evaluation:case_detail", args=[case.public_id])


def test_the_framework_api_gives_thresholds_as_numbers(cast: Cast) -> None:
    # Given a framework with a computed indicator, graded by thresholds
    fw = h.framework(cast)

    # When the API describes it
    body = _client(cast.district_admin).get(f"/api/v1/evaluation/frameworks/{fw.pk}").json()

    # Then each threshold is a pair of numbers, in tree order with the other indicators
    computed = [i for i in body["indicators"] if i["method"] == "computed"]
    assert computed
    for indicator in computed:
        for minimum, score in indicator["thresholds"]:
            assert isinstance(minimum, int | float)
            assert isinstance(score, int | float)
            assert 0 <= score <= float(indicator["max_score"])
    schema = _client(cast.district_admin).get("/api/v1/openapi.json").json()
    pair = schema["components"]["schemas"]["IndicatorOut"]["properties"]["thresholds"]["items"]
    assert [part["type"] for part in pair["prefixItems"]] == ["number", "number"]
