"""The model-organ pages cost the same number of queries for a few rows as for many: no query
per row (N+1). Cases here; brands are one per branch at a time, too few in the cast to grow."""

from __future__ import annotations

import pytest
from django.test import Client

from gongjian.evaluation import services
from gongjian.evaluation.tests import helpers as h
from gongjian.testing.cast import Cast
from gongjian.testing.queries import page_queries

pytestmark = pytest.mark.django_db


def test_pages_cost_the_same_for_one_row_as_for_seven(cast: Cast) -> None:
    # Given a campaign with one shortlisted case
    c = h.campaign(cast)

    def add(i: int) -> None:
        case = services.case_submit(
            actor=cast.unit_admin, campaign=c, unit=cast.tax, title=f"案例{i}", summary="简介"
        )
        services.case_shortlist(actor=cast.district_admin, case=case, shortlisted=True)

    add(0)
    admin = Client()
    admin.force_login(cast.district_admin)
    pages = {
        "campaigns": "/evaluation/",
        "campaign": f"/evaluation/c/{c.pk}/",
        "cases": "/evaluation/cases/",
        "frameworks": "/evaluation/frameworks/",
    }
    before = {name: page_queries(admin, url) for name, url in pages.items()}

    # When six more cases come in
    for i in range(1, 7):
        add(i)
    after = {name: page_queries(admin, url) for name, url in pages.items()}

    # Then every page sends as many queries as before, and shows the seven
    assert after == before
    assert admin.get("/evaluation/cases/").content.decode().count("案例") >= 7
