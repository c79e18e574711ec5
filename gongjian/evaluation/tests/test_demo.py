"""The demo's evaluation part on a small district: every screen has something to show."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongjian.evaluation.models import Assessment, Award, Brand, Campaign, Case, CaseVote
from gongjian.orgs import demo

pytestmark = pytest.mark.django_db


def test_the_demo_assesses_every_unit_and_fills_every_screen(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    ctx = demo.build_orgs(scale=0.05)
    from gongjian.evaluation import demo as evaluation_demo

    evaluation_demo.build(ctx)
    units = len(ctx.units)
    statuses = dict(Campaign.objects.values_list("framework__code", "status"))
    assert statuses == {
        "wushuang-wuxing": "locked",
        "liuxing-jiguan": "published",
        "wuge-jianchi": "open",
    }
    for c in Campaign.objects.exclude(status="open"):
        assert c.assessments.filter(rank__isnull=False).count() == units
    assert Award.objects.count() == 6
    assert Brand.objects.filter(status="recognised").exists()
    assert Case.objects.filter(status="named").count() == 10
    assert CaseVote.objects.exists()
    tax = Assessment.objects.get(campaign__framework__code="wuge-jianchi", unit__name="区税务局")
    assert tax.status == "draft"
    client = Client()
    client.force_login(ctx.users["unit"])
    page = client.get(reverse("evaluation:assessment_detail", args=[tax.public_id]))
    assert page.status_code == 200
    assert "平台数据" in page.content.decode()
    client.force_login(ctx.users["member"])
    for name in ("campaign_list", "brand_list", "case_list", "award_list"):
        assert client.get(reverse(f"evaluation:{name}")).status_code == 200
