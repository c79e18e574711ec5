"""The page and the API allow the same things: a unit fills and submits through either, the
rules answer the same, and the unit never sees another unit's detail."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongjian.evaluation.models import Assessment
from gongjian.evaluation.tests import helpers as h
from gongjian.testing.cast import Cast

pytestmark = pytest.mark.django_db
FAR = dt.date(2100, 1, 1)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_api_refuses_a_score_above_the_maximum_and_saves_a_valid_one(cast: Cast) -> None:
    c = h.campaign(cast, submit_by=FAR)
    a = h.assessment(c, cast.tax)
    i11 = h.ind(c, "1.1")
    api = _client(cast.unit_admin)
    url = f"/api/v1/evaluation/assessments/{a.public_id}/scores"
    body = {"scores": [{"indicator_id": i11.pk, "score": 120, "text": ""}]}
    response = api.post(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert "超过满分" in response.json()["message"]
    assert f"score_{i11.pk}" in response.json()["detail"]["fields"]
    body["scores"][0]["score"] = 95
    response = api.post(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    row = next(s for s in response.json()["scores"] if s["code"] == "1.1")
    assert row["self_score"] == "95.00" or float(row["self_score"]) == 95
    # Submitting without the required evidence is refused, naming the indicator.
    response = api.post(f"/api/v1/evaluation/assessments/{a.public_id}/submit")
    assert response.status_code == 400
    assert "为民办实事" in response.json()["message"]  # the indicator left unscored
    # Another unit's assessment is not found, by page and by API alike.
    other = h.assessment(c, cast.justice)
    assert api.get(f"/api/v1/evaluation/assessments/{other.public_id}").status_code == 404
    page = api.get(reverse("evaluation:assessment_detail", args=[other.public_id]))
    assert page.status_code == 404


def test_the_page_fills_uploads_and_submits(cast: Cast) -> None:
    c = h.campaign(cast, submit_by=FAR)
    a = h.assessment(c, cast.tax)
    i11, i21 = h.ind(c, "1.1"), h.ind(c, "2.1")
    page = _client(cast.unit_admin)
    url = reverse("evaluation:assessment_detail", args=[a.public_id])
    html = page.get(url).content.decode()
    assert "在职党员报到率" in html
    assert "查看记录" in html  # the computed figure links to its records
    page.post(url, {f"score_{i11.pk}": "101", f"statement_{i11.pk}": ""})
    a.refresh_from_db()
    assert not a.scores.filter(self_score__isnull=False).exists()
    page.post(url, {f"score_{i11.pk}": "90", f"score_{i21.pk}": "80", "summary": "总结"})
    upload = reverse("evaluation:evidence_upload", args=[a.public_id])
    from django.core.files.uploadedfile import SimpleUploadedFile

    page.post(
        upload,
        {"indicator": str(i11.pk), "files": SimpleUploadedFile("记录.png", h.png())},
    )
    ev = a.evidence.get()
    served = page.get(reverse("evaluation:evidence_file", args=[ev.public_id]))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert (
        _client(cast.member)
        .get(reverse("evaluation:evidence_file", args=[ev.public_id]))
        .status_code
        == 404
    )
    page.post(reverse("evaluation:assessment_submit", args=[a.public_id]))
    a.refresh_from_db()
    assert a.status == Assessment.Status.SUBMITTED
