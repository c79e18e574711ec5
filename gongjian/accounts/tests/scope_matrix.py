"""The scope matrix of the log-in pages and of the member-account pages (issue 12): how each
route must answer each person of the cast (see gongjian/testing/matrix.py). Every person is
logged in with a verified second factor, as after a real log-in."""

from __future__ import annotations

from django.urls import reverse

from gongjian.testing.cast import Cast
from gongjian.testing.matrix import PEOPLE, Entry, everyone, only

STAFF = {"platform_admin", "district_admin", "street_admin", "community_secretary", "unit_admin"}
WRITERS = {"platform_admin", "district_admin", "unit_admin"}


def _leave(c: Cast) -> dict[str, str]:
    return {"reason": "调离本单位"}


PAGE_MATRIX: dict[str, Entry] = {
    "accounts:code_start": ("get", lambda c: reverse("accounts:code_start"), everyone(200)),
    # SMS is off in the tests: the form comes back saying so, whoever asks.
    "accounts:code_send": ("post", lambda c: reverse("accounts:code_send"), everyone(400)),
    "accounts:code_verify": ("get", lambda c: reverse("accounts:code_verify"), everyone(302)),
    "accounts:set_password": ("get", lambda c: reverse("accounts:set_password"), everyone(200)),
    # Staff have enrolled (they go on to the security page); others may enrol if they wish.
    "accounts:otp_enrol": ("get", lambda c: reverse("accounts:otp_enrol"), only(STAFF, 302, 200)),
    "accounts:otp_verify": ("get", lambda c: reverse("accounts:otp_verify"), only(STAFF, 200, 302)),
    "accounts:recovery_codes_renew": (
        "post",
        lambda c: reverse("accounts:recovery_codes_renew"),
        only(STAFF, 200, 302),
    ),
    "accounts:security": ("get", lambda c: reverse("accounts:security"), everyone(200)),
    "accounts:session_end": (
        "post",
        lambda c: reverse("accounts:session_end", args=[999999]),
        everyone(404),
    ),
    "accounts:token_create": (
        "post",
        lambda c: reverse("accounts:token_create"),
        only(STAFF, 200, 403),
        lambda c: {"name": "测试对接", "days": "30"},
    ),
    "accounts:token_revoke": (
        "post",
        lambda c: reverse("accounts:token_revoke", args=[999999]),
        everyone(404),
    ),
    "orgs:accounts_rates": ("get", lambda c: reverse("orgs:accounts_rates"), everyone(200)),
    "orgs:accounts_rates_export": (
        "get",
        lambda c: reverse("orgs:accounts_rates_export"),
        everyone(200),
    ),
    "orgs:accounts_members": ("get", lambda c: reverse("orgs:accounts_members"), everyone(200)),
    "orgs:accounts_members_export": (
        "get",
        lambda c: reverse("orgs:accounts_members_export"),
        everyone(200),
    ),
    "orgs:accounts_invite": (
        "post",
        lambda c: reverse("orgs:accounts_invite"),
        only(WRITERS, 302, 404),
        lambda c: {"unit": str(c.tax.pk)},
    ),
    "orgs:member_leave": (
        "post",
        lambda c: reverse("orgs:member_leave", args=[c.tax_colleague.public_id]),
        {p: 302 if p in WRITERS else 404 for p in PEOPLE},
        _leave,
    ),
}

API_MATRIX: set[tuple[str, str]] = {
    ("get", "/api/v1/accounts/sessions"),
    ("delete", "/api/v1/accounts/sessions/{session_id}"),
    ("get", "/api/v1/accounts/tokens"),
    ("post", "/api/v1/accounts/tokens"),
    ("delete", "/api/v1/accounts/tokens/{token_id}"),
    ("post", "/api/v1/accounts/users/{user_id}/second-factor/reset"),
    ("get", "/api/v1/member-accounts"),
    ("get", "/api/v1/member-accounts/rates"),
    ("post", "/api/v1/member-accounts/invitations"),
    ("post", "/api/v1/members/{member_id}/leave"),
}
