"""A unit administrator sees who among the unit's members has an account (a rate, a chase
list, an export), invites those without one through the outbox, at most once a day each; a
member who leaves the record, or is deleted, loses their account's access at once."""

from __future__ import annotations

import io
from typing import Any

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from gongjian.accounts import services as account_services
from gongjian.accounts.models import ApiToken, User, UserSession
from gongjian.orgs.models import Member, Notice, OutboxMessage
from gongjian.testing.cast import PASSWORD, Cast, make_member
from gongjian.testing.queries import page_queries


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_unit_s_rate_counts_members_with_an_account(cast: Cast) -> None:
    # 区税务局 has two members on record: 李晓东 (with an account) and 王静 (without)
    response = _client(cast.unit_admin).get(reverse("orgs:accounts_rates"))
    assert response.status_code == 200
    rows = response.context["listing"].rows
    assert [(r.name, r.total, r.done) for r in rows] == [("区税务局", 2, 1)]
    html = response.content.decode()
    assert "50%" in html
    # Each number links to the members it counts.
    assert f"{reverse('orgs:accounts_members')}?account=no&unit={cast.tax.pk}" in html


def test_the_chase_list_shows_those_without_an_account_first_and_filters(cast: Cast) -> None:
    client = _client(cast.unit_admin)
    response = client.get(reverse("orgs:accounts_members"), {"unit": cast.tax.pk})
    names = [m.name for m in response.context["listing"].rows]
    assert names == ["王静", "李晓东"]
    response = client.get(
        reverse("orgs:accounts_members"), {"unit": str(cast.tax.pk), "account": "no"}
    )
    assert [m.name for m in response.context["listing"].rows] == ["王静"]
    # A unit outside the scope is not found; a malformed one is a clear 400.
    assert (
        client.get(reverse("orgs:accounts_members"), {"unit": cast.justice.pk}).status_code == 404
    )
    assert client.get(reverse("orgs:accounts_members"), {"unit": "x"}).status_code == 400


def test_the_chase_list_exports_to_excel_with_masked_phones(cast: Cast) -> None:
    response = _client(cast.unit_admin).get(
        reverse("orgs:accounts_members_export"), {"account": "no"}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("姓名", "所在党组织", "工作单位", "手机号", "账号")
    assert rows[1][0] == "王静"
    assert "****" in str(rows[1][3])
    assert cast.tax_colleague.phone not in str(rows)


def test_the_chase_list_sends_as_many_queries_for_seven_members_as_for_one(cast: Cast) -> None:
    client = _client(cast.unit_admin)
    url = f"{reverse('orgs:accounts_members')}?unit={cast.tax.pk}"
    before = page_queries(client, url)
    for n in range(6):
        make_member(f"新党员{n}", cast.tax_branch)
    assert page_queries(client, url) == before
    rates = reverse("orgs:accounts_rates")
    assert page_queries(client, rates) == page_queries(_client(cast.district_admin), rates)


def test_invitations_go_through_the_outbox_at_most_once_a_day(cast: Cast) -> None:
    client = _client(cast.unit_admin)
    url = reverse("orgs:accounts_invite")
    response = client.post(url, {"unit": cast.tax.pk}, follow=True)
    assert "已邀请1名党员激活账号" in response.content.decode()
    notice = Notice.objects.get(member=cast.tax_colleague)
    assert notice.kind == "account.invite"
    sms = OutboxMessage.objects.get(member=cast.tax_colleague)
    assert "首次使用/激活" in sms.body
    assert not OutboxMessage.objects.filter(member=cast.member_record).exists()
    # The same day again: nobody is told twice.
    response = client.post(url, {"unit": cast.tax.pk}, follow=True)
    assert "1名今天已邀请过" in response.content.decode()
    assert OutboxMessage.objects.count() == 1


def test_an_imported_roster_is_invited_in_one_action_and_phoneless_members_are_counted(
    cast: Cast,
) -> None:
    for n in range(5):
        make_member(f"导入党员{n}", cast.tax_branch)
    Member.objects.filter(name="导入党员4").update(phone="", phone_hash="")
    response = _client(cast.unit_admin).post(
        "/api/v1/member-accounts/invitations",
        {"unit_id": cast.tax.pk},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json() == {"invited": 5, "already": 0, "no_phone": 1}


def test_chosen_members_are_invited_and_others_refused(cast: Cast) -> None:
    client = _client(cast.unit_admin)
    response = client.post(
        reverse("orgs:accounts_invite"), {"member": [str(cast.tax_colleague.public_id)]}
    )
    assert response.status_code == 302
    assert OutboxMessage.objects.filter(member=cast.tax_colleague).count() == 1
    # A member of another unit is simply not among the actor's: nobody is told.
    client.post(reverse("orgs:accounts_invite"), {"member": [str(cast.justice_member.public_id)]})
    assert not OutboxMessage.objects.filter(member=cast.justice_member).exists()
    # Neither unit nor members: a clear message.
    response = client.post(reverse("orgs:accounts_invite"), {}, follow=True)
    assert "请选择单位" in response.content.decode()


def test_the_api_lists_the_same_as_the_page(cast: Cast) -> None:
    client = _client(cast.unit_admin)
    body = client.get("/api/v1/member-accounts", {"account": "no"}).json()
    assert [m["name"] for m in body["items"]] == ["王静"]
    assert body["items"][0]["phone"].count("*") == 4
    assert client.get("/api/v1/member-accounts", {"unit": "x"}).status_code == 400
    rates = client.get("/api/v1/member-accounts/rates").json()
    assert rates == [
        {
            "unit_id": cast.tax.pk,
            "name": "区税务局",
            "total": 2,
            "done": 1,
            "missing": 1,
            "rate": 0.5,
        }
    ]
    outsider = _client(cast.outsider)
    assert outsider.get("/api/v1/member-accounts").json()["count"] == 0


# Leaving --------------------------------------------------------------------------------------


def _member_logged_in(cast: Cast) -> tuple[Client, str]:
    client = Client()
    response = client.post(reverse("accounts:login"), {"login": "member", "password": PASSWORD})
    assert response.status_code == 302
    _token, key = account_services.api_token_create(user=cast.member, name="自用")
    return client, key


def test_a_member_who_leaves_loses_access_at_once(cast: Cast) -> None:
    client, key = _member_logged_in(cast)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/members").status_code == 200
    # When the unit administrator marks 李晓东 as no longer on record
    response = _client(cast.unit_admin).post(
        reverse("orgs:member_leave", args=[cast.member_record.public_id]), {"reason": "调离本单位"}
    )
    assert response.status_code == 302
    # Then his session and his token are over, and he cannot log in again.
    assert client.get(reverse("home")).status_code == 302
    assert api.get("/api/v1/members").status_code == 401
    assert not UserSession.objects.filter(user=cast.member).exists()
    assert ApiToken.objects.get(user=cast.member).revoked
    again = Client().post(reverse("accounts:login"), {"login": "member", "password": PASSWORD})
    assert again.status_code == 401
    assert not User.objects.get(pk=cast.member.pk).is_active


def test_leaving_needs_a_reason_and_the_post_to_change_the_record(cast: Cast) -> None:
    url = reverse("orgs:member_leave", args=[cast.member_record.public_id])
    response = _client(cast.unit_admin).post(url, {"reason": ""}, follow=True)
    assert "原因不能为空" in response.content.decode()
    assert _client(cast.street_admin).post(url, {"reason": "x"}).status_code == 404
    assert Member.objects.get(pk=cast.member_record.pk).is_active
    api = _client(cast.district_admin).post(
        f"/api/v1/members/{cast.member_record.public_id}/leave",
        {"reason": "退休"},
        content_type="application/json",
    )
    assert api.status_code == 200
    assert not User.objects.get(pk=cast.member.pk).is_active


def test_a_deleted_member_loses_access_too(cast: Cast) -> None:
    client, _key = _member_logged_in(cast)
    admin = _client(cast.platform_admin)
    response = admin.post(
        reverse("admin:orgs_member_delete", args=[cast.member_record.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Member.objects.filter(pk=cast.member_record.pk).exists()
    assert client.get(reverse("home")).status_code == 302
    assert not User.objects.get(pk=cast.member.pk).is_active


def test_a_member_marked_not_on_record_in_the_admin_loses_access(cast: Cast) -> None:
    client, _key = _member_logged_in(cast)
    member: Any = Member.objects.get(pk=cast.member_record.pk)
    member.is_active = False
    member.save()
    assert client.get(reverse("home")).status_code == 302
