"""Who may see a whole ID number or phone is decided against *that* member, and no one widens
their own posts: the combination a security test found (a street administrator makes itself a
unit's administrator, then unmasks every member of its street) is closed on both sides."""

from __future__ import annotations

import pytest

from gongjian.core.errors import PermissionDenied
from gongjian.orgs import scope, services
from gongjian.orgs.models import RoleAssignment, Unit
from gongjian.testing.cast import Cast, make_area, make_user


def test_a_unit_administrator_unmasks_only_members_of_its_unit(cast: Cast) -> None:
    # The street administrator also administers a unit of its own street (given by the district).
    own = Unit.objects.create(code="U-QH", name="青禾街道办", area=cast.qinghe, category="行政")
    RoleAssignment.objects.create(user=cast.street_admin, role="unit_admin", unit=own)
    scope.forget_posts(cast.street_admin)
    # 李晓东 lives in the street but belongs to the tax bureau: the unit post does not reach him.
    assert not scope.may_unmask(
        cast.street_admin, field_name="id_number", member=cast.member_record
    )
    assert scope.may_unmask(cast.street_admin, field_name="phone", member=cast.member_record)
    with pytest.raises(PermissionDenied):
        services.member_unmask(
            actor=cast.street_admin,
            member=cast.member_record,
            field_name="id_number",
            reason="核对",
        )


def test_the_tax_administrator_unmasks_its_own_members_only(cast: Cast) -> None:
    assert scope.may_unmask(cast.unit_admin, field_name="id_number", member=cast.tax_colleague)
    assert not scope.may_unmask(cast.unit_admin, field_name="id_number", member=cast.justice_member)
    assert not scope.may_unmask(cast.unit_admin, field_name="phone", member=cast.xingguang_resident)


def test_area_posts_unmask_phones_only_inside_their_area(cast: Cast) -> None:
    assert scope.may_unmask(
        cast.community_secretary, field_name="phone", member=cast.chenhui_resident
    )
    assert not scope.may_unmask(
        cast.community_secretary, field_name="phone", member=cast.xingguang_resident
    )
    assert not scope.may_unmask(
        cast.community_secretary, field_name="id_number", member=cast.chenhui_resident
    )
    assert scope.may_unmask(cast.grid_leader, field_name="phone", member=cast.member_record)
    assert not scope.may_unmask(cast.grid_leader, field_name="phone", member=cast.chenhui_resident)


def test_a_district_administrator_unmasks_its_district_not_another(cast: Cast) -> None:
    assert scope.may_unmask(cast.district_admin, field_name="id_number", member=cast.justice_member)
    other = make_area("OT", "他区", "district")
    stranger = make_user("otherdistrict", "他区管理员")
    RoleAssignment.objects.create(user=stranger, role="district_admin", area=other)
    assert not scope.may_unmask(stranger, field_name="id_number", member=cast.justice_member)
    assert not scope.may_unmask(stranger, field_name="phone", member=cast.justice_member)


def test_no_one_gives_themself_a_post(cast: Cast) -> None:
    own = services.unit_create(
        actor=cast.street_admin, code="U-QH", name="青禾街道办", area=cast.qinghe, category="行政"
    )
    with pytest.raises(PermissionDenied):
        services.role_assign(
            actor=cast.street_admin, user=cast.street_admin, role="unit_admin", unit=own
        )
    with pytest.raises(PermissionDenied):
        services.role_assign(
            actor=cast.street_admin,
            user=cast.street_admin,
            role="community_admin",
            area=cast.chenhui,
        )
    assert not RoleAssignment.objects.filter(user=cast.street_admin).exclude(role="street_admin")


def test_no_one_gives_a_post_wider_than_theirs(cast: Cast) -> None:
    from gongjian.core.errors import NotFound

    with pytest.raises((PermissionDenied, NotFound)):
        services.role_assign(
            actor=cast.street_admin, user=cast.outsider, role="district_admin", area=cast.district
        )
    with pytest.raises((PermissionDenied, NotFound)):
        services.role_assign(
            actor=cast.street_admin, user=cast.outsider, role="street_admin", area=cast.donghu
        )
    # A unit administrator does not give posts at all, not even at its own unit.
    with pytest.raises(PermissionDenied):
        services.role_assign(
            actor=cast.unit_admin, user=cast.outsider, role="unit_admin", unit=cast.tax
        )
    assert not RoleAssignment.objects.filter(user=cast.outsider).exists()


def test_the_last_district_post_is_not_revoked_by_its_holder(cast: Cast) -> None:
    post = RoleAssignment.objects.get(user=cast.district_admin, role="district_admin")
    with pytest.raises(PermissionDenied):
        services.role_revoke(actor=cast.district_admin, assignment=post)
    assert RoleAssignment.objects.filter(pk=post.pk).exists()
    # With a second district administrator, the holder may step down.
    second = make_user("district2", "区工委管理员二")
    RoleAssignment.objects.create(user=second, role="district_admin", area=cast.district)
    services.role_revoke(actor=cast.district_admin, assignment=post)
    assert not RoleAssignment.objects.filter(pk=post.pk).exists()


# The edit page and the reason -----------------------------------------------------------------


def test_the_member_edit_page_shows_no_whole_phone_and_keeps_it_when_left_empty(cast: Cast) -> None:
    from django.test import Client
    from django.urls import reverse

    from gongjian.core.models import AuditLog
    from gongjian.orgs.models import Member

    client = Client()
    client.force_login(cast.district_admin)
    target = cast.tax_colleague
    url = reverse("orgs:member_edit", args=[target.public_id])
    before = AuditLog.objects.filter(action="unmask").count()
    page = client.get(url).content.decode()
    assert target.phone not in page
    assert target.phone[-4:] in page  # the masked number, as the placeholder
    assert AuditLog.objects.filter(action="unmask").count() == before
    form = {"name": "王静", "phone": "", "status": target.status}
    assert client.post(url, form).status_code == 302
    assert Member.objects.get(pk=target.pk).phone == target.phone
    assert client.post(url, {**form, "clear_phone": "on"}).status_code == 302
    assert Member.objects.get(pk=target.pk).phone == ""


@pytest.mark.parametrize("reason", ["", "   ", "\u200b"])
def test_unmasking_refuses_an_empty_reason(cast: Cast, reason: str) -> None:
    from django.test import Client

    from gongjian.core.errors import ValidationFailed
    from gongjian.core.models import AuditLog

    with pytest.raises(ValidationFailed):
        services.member_unmask(
            actor=cast.district_admin, member=cast.tax_colleague, field_name="phone", reason=reason
        )
    client = Client()
    client.force_login(cast.district_admin)
    url = f"/api/v1/members/{cast.tax_colleague.public_id}/unmask"
    response = client.post(
        url, {"field": "phone", "reason": reason}, content_type="application/json"
    )
    assert response.status_code in (400, 422)
    assert cast.tax_colleague.phone not in response.content.decode()
    assert not AuditLog.objects.filter(action="unmask", success=True).exists()
