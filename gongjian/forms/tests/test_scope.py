"""Pages and the API allow the same things: for each person of the cast, the API's answer
for 晨辉社区's return and the round matches the page matrix's."""

from __future__ import annotations

import pytest
from django.test import Client

from gongjian.forms.tests import scope_matrix as m
from gongjian.testing.cast import Cast
from gongjian.testing.matrix import PEOPLE


@pytest.mark.parametrize("person", PEOPLE)
def test_the_api_sees_what_the_pages_see(cast: Cast, person: str) -> None:
    ret = m.ret(cast)
    client = Client()
    client.force_login(cast.people[person])
    seen = person in m.SEES
    detail = client.get(f"/api/v1/forms/returns/{ret.public_id}")
    assert detail.status_code == (200 if seen else 404)
    ids = [r["id"] for r in client.get("/api/v1/forms/returns?page_size=100").json()["items"]]
    assert (str(ret.public_id) in ids) is seen
    rollup = client.get(f"/api/v1/forms/rounds/{ret.round_id}/rollup")
    assert rollup.status_code == (200 if seen else 404)
    approve = client.post(f"/api/v1/forms/returns/{ret.public_id}/approve")
    # Not submitted yet: the approvers are refused with a conflict, the rest see nothing.
    assert approve.status_code == (409 if person in m.APPROVERS else 404)
    fill = client.post(
        f"/api/v1/forms/returns/{ret.public_id}",
        {"values": {"in_service": "3"}},
        content_type="application/json",
    )
    assert fill.status_code == (200 if person in {"platform_admin", "community_secretary"} else 404)
