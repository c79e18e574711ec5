"""Separation of duties: whoever puts a suggestion forward does not accept, decline, merge or
assign it, whatever committee post they hold."""

from __future__ import annotations

import pytest
from django.test import Client

from gongjian.consult import services
from gongjian.consult.models import Suggestion
from gongjian.consult.tests.helpers import suggestion
from gongjian.core.errors import PermissionDenied
from gongjian.testing.cast import Cast, make_member

pytestmark = pytest.mark.django_db


def test_the_submitter_cannot_decide_their_own_suggestion(cast: Cast) -> None:
    # Given the district administrator, a member too, puts a suggestion forward
    make_member("区管理员", cast.tax_branch, user=cast.district_admin)
    own = suggestion(cast, actor=cast.district_admin)
    # Then accepting or declining it is refused, on the page too, and nothing changes
    with pytest.raises(PermissionDenied, match="提出人"):
        services.suggestion_accept(actor=cast.district_admin, suggestion_id=own.public_id)
    with pytest.raises(PermissionDenied, match="提出人"):
        services.suggestion_decline(
            actor=cast.district_admin, suggestion_id=own.public_id, reason="重复"
        )
    client = Client()
    client.force_login(cast.district_admin)
    page = client.post(f"/consult/suggestions/{own.public_id}/accept/")
    assert page.status_code == 403
    assert "不能受理或交办" in page.content.decode()
    api = client.post(f"/api/v1/consult/suggestions/{own.public_id}/accept")
    assert api.status_code == 403
    assert "提出人" in api.json()["message"]
    assert Suggestion.objects.get(pk=own.pk).status == "submitted"
    # And another member's suggestion they accept as before
    other = suggestion(cast)
    services.suggestion_accept(actor=cast.district_admin, suggestion_id=other.public_id)
    assert Suggestion.objects.get(pk=other.pk).status == "accepted"
