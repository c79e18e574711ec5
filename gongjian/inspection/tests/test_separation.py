"""Separation of duties in rectification reviews: the account that reported a rectification,
or anyone holding a post of the responsible side, cannot accept or return it — on the page and
through the API alike."""

from __future__ import annotations

import pytest
from django.test import Client

from gongjian.accounts.models import User
from gongjian.core.errors import PermissionDenied
from gongjian.inspection import services
from gongjian.inspection.models import Finding
from gongjian.inspection.tests.helpers import finding, inspection, jpeg
from gongjian.orgs.models import RoleAssignment
from gongjian.testing.cast import Cast, make_member, make_user

pytestmark = pytest.mark.django_db


def _submitted(c: Cast) -> Finding:
    f = finding(c, inspection(c))
    services.rectification_submit(
        actor=c.community_secretary,
        finding_id=f.public_id,
        text="已整改",
        photo_files=[("a.jpg", jpeg((200, 200)))],
    )
    return f


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # posts are read once per actor


def test_the_account_that_reported_cannot_review_even_as_an_inspector(cast: Cast) -> None:
    f = _submitted(cast)
    # When the secretary leaves the community post and becomes an inspector of the inspection
    own = make_member("晨辉书记", cast.chenhui_org, user=cast.community_secretary, in_service=False)
    RoleAssignment.objects.filter(user=cast.community_secretary).delete()
    services.inspectors_add(
        actor=cast.district_admin, inspection_id=f.inspection.public_id, member_ids=[own.public_id]
    )
    # Then the rectification they reported is not theirs to review
    with pytest.raises(PermissionDenied, match="提交整改的人不能复核"):
        services.rectification_review(
            actor=_fresh(cast.community_secretary), finding_id=f.public_id, passed=True
        )
    f.refresh_from_db()
    assert f.status == "submitted"


def test_a_holder_of_the_responsible_post_cannot_review_even_as_an_inspector(cast: Cast) -> None:
    f = _submitted(cast)
    # Given a second administrator of 晨辉社区 who is also an inspector (did not report it)
    deputy = make_user("chenhui_deputy", "晨辉副书记")
    RoleAssignment.objects.create(user=deputy, role="community_admin", area=cast.chenhui)
    record = make_member("晨辉副书记", cast.chenhui_org, user=deputy, in_service=False)
    services.inspectors_add(
        actor=cast.district_admin,
        inspection_id=f.inspection.public_id,
        member_ids=[record.public_id],
    )
    # Then neither the page nor the API lets them pass or return it
    with pytest.raises(PermissionDenied, match="整改责任方"):
        services.rectification_review(actor=_fresh(deputy), finding_id=f.public_id, passed=True)
    client = Client()
    client.force_login(deputy)
    page = client.post(f"/inspection/findings/{f.public_id}/review/", {"result": "passed"})
    assert page.status_code == 403
    assert "整改责任方" in page.content.decode()
    api = client.post(
        f"/api/v1/inspection/findings/{f.public_id}/review",
        {"passed": True},
        content_type="application/json",
    )
    assert api.status_code == 403
    assert "整改责任方" in api.json()["message"]
    f.refresh_from_db()
    assert f.status == "submitted"
    # And an inspector outside the responsible side still may
    services.rectification_review(actor=cast.member, finding_id=f.public_id, passed=True)
    f.refresh_from_db()
    assert f.status == "closed"
