"""An integration calling with an API token is named in the audit log, even where the service
takes its actor from the request context."""

from __future__ import annotations

from django.test import Client

from gongjian.accounts.services import api_token_create
from gongjian.core.models import AuditLog
from gongjian.service.models import Signup
from gongjian.service.tests.helpers import publish
from gongjian.testing.cast import Cast


def test_a_sign_up_made_with_a_token_is_audited_as_its_owner(cast: Cast) -> None:
    activity = publish(cast)
    _token, key = api_token_create(user=cast.member, name="城市App")
    response = Client(HTTP_AUTHORIZATION=f"Bearer {key}").post(
        f"/api/v1/service/activities/{activity.public_id}/signup",
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 201, response.content
    signup = Signup.objects.get(activity=activity)
    entry = AuditLog.objects.get(object_type="service.signup", object_id=str(signup.pk))
    assert entry.actor_id == cast.member.pk
    assert entry.actor_label == cast.member.username
    assert entry.ip == "10.1.2.3"
