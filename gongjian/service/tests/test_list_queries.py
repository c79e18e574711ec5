"""The volunteer-service pages cost the same number of queries for a few rows as for many: no
query per row (N+1)."""

from __future__ import annotations

import pytest
from django.test import Client

from gongjian.service import services
from gongjian.service.tests.helpers import publish, volunteer
from gongjian.testing.cast import Cast
from gongjian.testing.queries import page_queries

pytestmark = pytest.mark.django_db


def test_pages_cost_the_same_for_one_row_as_for_seven(cast: Cast) -> None:
    # Given one activity that one member signed up for
    user, _member = volunteer(cast)
    first = publish(cast, quota=20)
    services.signup_create(actor=user, activity=first)
    admin, member = Client(), Client()
    admin.force_login(cast.district_admin)
    member.force_login(user)
    pages = {
        "activities (committee)": (admin, "/service/"),
        "activities (member)": (member, "/service/"),
        "activity with its sign-ups": (admin, f"/service/a/{first.public_id}/"),
        "my service": (member, "/service/me/"),
        "statistics": (admin, "/service/stats/"),
    }
    before = {name: page_queries(client, url) for name, (client, url) in pages.items()}

    # When six more activities are published, the member signs up for each, and six more
    # members sign up for the first
    for _i in range(6):
        services.signup_create(actor=user, activity=publish(cast, quota=20))
        services.signup_create(actor=volunteer(cast)[0], activity=first)
    after = {name: page_queries(client, url) for name, (client, url) in pages.items()}

    # Then every page sends as many queries as before
    assert after == before
    # (and they do show the rows: seven activities, the first one's seven volunteers)
    listing = admin.get("/service/").content.decode()
    assert listing.count(f"/service/a/{first.public_id}/") >= 1
    assert listing.count("/service/a/") >= 7
    detail = admin.get(f"/service/a/{first.public_id}/").content.decode()
    assert detail.count("志愿者") >= 7
