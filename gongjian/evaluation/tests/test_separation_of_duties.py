"""Separation of duties: whoever submits an assessment, applies for a brand, submits a case or
raises an objection cannot approve it at any level, whatever other posts they hold."""

from __future__ import annotations

import pytest

from gongjian.core.errors import PermissionDenied
from gongjian.evaluation import services
from gongjian.evaluation.models import Assessment
from gongjian.evaluation.tests import helpers as h
from gongjian.orgs.models import RoleAssignment
from gongjian.testing.cast import Cast, make_user


@pytest.fixture(autouse=True)
def _media(settings: object, tmp_path: object) -> None:
    settings.MEDIA_ROOT = str(tmp_path)  # type: ignore[attr-defined]


def test_the_unit_that_submits_its_assessment_does_not_review_it(cast: Cast) -> None:
    a = h.assessment(h.campaign(cast), cast.tax)
    h.fill(cast, a)
    a.refresh_from_db()
    assert a.submitted_by_id == cast.unit_admin.pk
    with pytest.raises(PermissionDenied):
        services.assessment_review(actor=cast.unit_admin, assessment=a, action="approve")
    a.refresh_from_db()
    assert a.status == Assessment.Status.SUBMITTED
    # Another reviewer of the unit's level may.
    services.assessment_review(actor=cast.district_admin, assessment=a, action="approve")
    a.refresh_from_db()
    assert a.status == Assessment.Status.REVIEWED


def test_a_submitter_with_a_district_post_does_not_approve_at_the_final_level(cast: Cast) -> None:
    # The tax administrator also holds a district post (given by the platform).
    RoleAssignment.objects.create(user=cast.unit_admin, role="district_admin", area=cast.district)
    a = h.assessment(h.campaign(cast), cast.tax)
    h.fill(cast, a)
    a = services.assessment_review(actor=cast.district_admin, assessment=a, action="approve")
    assert a.status == Assessment.Status.REVIEWED
    with pytest.raises(PermissionDenied):
        services.assessment_review(actor=cast.unit_admin, assessment=a, action="approve")
    second = make_user("district2", "区工委管理员二")
    RoleAssignment.objects.create(user=second, role="district_admin", area=cast.district)
    a = services.assessment_review(actor=second, assessment=a, action="approve")
    assert a.status == Assessment.Status.APPROVED


def test_the_api_refuses_the_submitter_too(cast: Cast) -> None:
    from django.test import Client

    a = h.assessment(h.campaign(cast), cast.tax)
    h.fill(cast, a)
    client = Client()
    client.force_login(cast.unit_admin)
    url = f"/api/v1/evaluation/assessments/{a.public_id}/review"
    response = client.post(url, {"action": "approve"}, content_type="application/json")
    assert response.status_code in (403, 404)
    a.refresh_from_db()
    assert a.status == Assessment.Status.SUBMITTED
