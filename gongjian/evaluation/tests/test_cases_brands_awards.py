"""Brands, cases with their vote, and awards with a certificate."""

from __future__ import annotations

from typing import Any

import pytest

from gongjian.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gongjian.evaluation import certificate, selectors, services
from gongjian.evaluation.models import Brand, Case, CaseVote
from gongjian.evaluation.tests import helpers as h
from gongjian.testing.cast import Cast, make_member, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)


def test_a_branch_applies_for_a_brand_and_is_recognised(cast: Cast) -> None:
    with pytest.raises(ValidationFailed, match="佐证材料"):
        services.brand_apply(
            actor=cast.unit_admin, party_org=cast.tax_branch, name="税心向党", description="简介"
        )
    with pytest.raises(NotFound):
        services.brand_apply(
            actor=cast.unit_admin,
            party_org=cast.justice_branch,
            name="法润民心",
            description="简介",
            files=[("a.pdf", h.pdf())],
        )
    brand = services.brand_apply(
        actor=cast.unit_admin,
        party_org=cast.tax_branch,
        name="税心向党",
        description="办税服务进社区",
        files=[("照片.png", h.png())],
    )
    with pytest.raises(Conflict):
        services.brand_apply(
            actor=cast.unit_admin,
            party_org=cast.tax_branch,
            name="再申报",
            description="x",
            files=[("a.pdf", h.pdf())],
        )
    # Only the working committee recognises; the unit may not.
    with pytest.raises(NotFound):
        services.brand_review(actor=cast.unit_admin, brand=brand, action="recognise")
    # Before recognition, the member does not see it; after, everyone does.
    assert not selectors.brand_list(actor=cast.member).filter(pk=brand.pk).exists()
    brand = services.brand_review(actor=cast.district_admin, brand=brand, action="recognise")
    assert brand.status == Brand.Status.RECOGNISED
    row: Any = selectors.brand_list(actor=cast.member).get(pk=brand.pk)
    assert row.member_count == 2
    assert row.evidence_count == 1
    assert selectors.brand_figures(brand, year=2025)["members"] == 2


def test_cases_are_shortlisted_voted_once_and_the_top_ten_named(cast: Cast) -> None:
    c = h.campaign(cast)
    cases = [
        services.case_submit(
            actor=cast.unit_admin, campaign=c, unit=cast.tax, title=f"案例{i}", summary="简介"
        )
        for i in range(12)
    ]
    with pytest.raises(NotFound):
        services.case_submit(
            actor=cast.unit_admin, campaign=c, unit=cast.justice, title="x", summary="y"
        )
    # Not yet shortlisted: no votes.
    with pytest.raises(Conflict, match="入围"):
        services.case_vote(actor=cast.member, case=cases[0])
    for k in cases:
        services.case_shortlist(actor=cast.district_admin, case=k, shortlisted=True)
    services.case_vote(actor=cast.member, case=cases[3])
    with pytest.raises(Conflict, match="限投一票"):
        services.case_vote(actor=cast.member, case=cases[4])
    with pytest.raises(PermissionDenied):
        services.case_vote(actor=cast.unit_admin, case=cases[4])  # no member record
    for i in range(3):
        user = make_user(f"voter{i}")
        make_member(f"投票人{i}", cast.justice_branch, user=user)
        services.case_vote(actor=user, case=cases[5])
    named = services.cases_name_top(actor=cast.district_admin, campaign=c)
    assert [k.pk for k in named[:2]] == [cases[5].pk, cases[3].pk]
    assert len(named) == 10
    assert Case.objects.filter(campaign=c, status="not_selected").count() == 2
    assert CaseVote.objects.filter(campaign=c).count() == 4
    late = make_user("late")
    make_member("迟到", cast.justice_branch, user=late)
    with pytest.raises(Conflict):
        services.case_vote(actor=late, case=cases[5])


def test_a_model_unit_gets_a_certificate(cast: Cast) -> None:
    c = h.campaign(cast)
    a = h.assessment(c, cast.tax)
    with pytest.raises(Conflict):
        services.award_create(actor=cast.district_admin, campaign=c, unit=cast.tax)
    h.fill(cast, a)
    h.approve(cast, a)
    services.campaign_publish(actor=cast.district_admin, campaign=c, published_on=h.TODAY)
    with pytest.raises(ValidationFailed, match="区司法局"):
        services.award_create(actor=cast.district_admin, campaign=c, unit=cast.justice)
    award = services.award_create(actor=cast.district_admin, campaign=c, unit=cast.tax)
    with pytest.raises(Conflict):
        services.award_create(actor=cast.district_admin, campaign=c, unit=cast.tax)
    pdf = certificate.certificate_pdf(award=award)
    assert pdf.startswith(b"%PDF")
    assert selectors.award_get_for(cast.member, award.public_id) == award
    with pytest.raises(NotFound):
        selectors.award_get_for(cast.outsider, award.public_id)
