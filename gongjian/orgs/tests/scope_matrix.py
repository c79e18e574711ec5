"""The scope matrix of the orgs app: which person may see which object, and how each page
route must answer each person of the cast (see gongjian/testing/matrix.py)."""

from __future__ import annotations

from django.urls import reverse

from gongjian.testing.cast import Cast
from gongjian.testing.matrix import PEOPLE, Answer, Entry, everyone, only

# object → the people who may see it
VISIBLE: dict[str, set[str]] = {
    "area:chenhui": {"platform_admin", "district_admin", "street_admin", "community_secretary"},
    "area:chenhui_grid1": {
        "platform_admin",
        "district_admin",
        "street_admin",
        "community_secretary",
        "grid_leader",
    },
    "area:xingguang": {"platform_admin", "district_admin"},
    "unit:tax": {"platform_admin", "district_admin", "unit_admin"},
    "unit:justice": {"platform_admin", "district_admin"},
    "org:tax_branch": {"platform_admin", "district_admin", "unit_admin"},
    "org:justice_branch": {"platform_admin", "district_admin"},
    "org:chenhui_org": {"platform_admin", "district_admin", "street_admin", "community_secretary"},
    "org:xingguang_org": {"platform_admin", "district_admin"},
    "member:member_record": {
        "platform_admin",
        "district_admin",
        "street_admin",
        "community_secretary",
        "grid_leader",
        "unit_admin",
        "member",
    },
    "member:tax_colleague": {"platform_admin", "district_admin", "unit_admin"},
    "member:justice_member": {"platform_admin", "district_admin"},
    "member:xingguang_resident": {"platform_admin", "district_admin"},
    "member:chenhui_resident": {
        "platform_admin",
        "district_admin",
        "street_admin",
        "community_secretary",
    },
}


AREA_WRITERS = {"platform_admin", "district_admin", "street_admin", "community_secretary"}


# Every page route, with how each person must be answered. A route missing here fails
# test_every_route_is_in_the_matrix, so a new page can't skip the scope check.
def _all(status: int) -> Answer:
    return everyone(status)


def _visible(obj: str, yes: int = 200, no: int = 404) -> Answer:
    return only(VISIBLE[obj], yes, no)


def _post_data(c: Cast) -> dict[str, str]:
    return {"field": "id_number", "reason": "核对身份", "to_org": str(c.tax_committee.pk)}


PAGE_MATRIX: dict[str, Entry] = {
    "orgs:member_create": (
        "get",
        lambda c: reverse("orgs:member_create"),
        only(
            {
                "platform_admin",
                "district_admin",
                "street_admin",
                "community_secretary",
                "unit_admin",
            }
        ),
    ),
    "orgs:member_edit": (
        "get",
        lambda c: reverse("orgs:member_edit", args=[c.member_record.public_id]),
        only({"platform_admin", "district_admin", "unit_admin"}),
    ),
    "orgs:role_list": ("get", lambda c: reverse("orgs:role_list"), _all(200)),
    "orgs:role_export": ("get", lambda c: reverse("orgs:role_export"), _all(200)),
    "orgs:role_revoke": (
        "post",
        lambda c: reverse("orgs:role_revoke", args=[c.grid_leader.role_assignments.get().pk]),
        only({"platform_admin", "district_admin", "street_admin", "community_secretary"}, 302),
    ),
    "home": ("get", lambda c: reverse("home"), _all(200)),
    "orgs:tree": ("get", lambda c: reverse("orgs:tree"), _all(200)),
    "orgs:area_new": ("get", lambda c: reverse("orgs:area_new"), only(AREA_WRITERS)),
    "orgs:area_edit": (
        "get",
        lambda c: reverse("orgs:area_edit", args=[c.chenhui.pk]),
        only(AREA_WRITERS),
    ),
    "orgs:unit_new": ("get", lambda c: reverse("orgs:unit_new"), only(AREA_WRITERS)),
    "orgs:unit_edit": (
        "get",
        lambda c: reverse("orgs:unit_edit", args=[c.tax.pk]),
        only({"platform_admin", "district_admin", "unit_admin"}),
    ),
    "orgs:party_org_new": (
        "get",
        lambda c: reverse("orgs:party_org_new"),
        only(AREA_WRITERS | {"unit_admin"}),
    ),
    "orgs:party_org_edit": (
        "get",
        lambda c: reverse("orgs:party_org_edit", args=[c.tax_branch.pk]),
        only({"platform_admin", "district_admin", "unit_admin"}),
    ),
    # Deleting and moving: the confirmation pages, for those who may change the record.
    "orgs:area_delete": (
        "get",
        lambda c: reverse("orgs:area_delete", args=[c.chenhui.pk]),
        only(AREA_WRITERS),
    ),
    "orgs:area_move": (
        "get",
        lambda c: reverse("orgs:area_move", args=[c.chenhui.pk]),
        only(AREA_WRITERS),
    ),
    "orgs:unit_delete": (
        "get",
        lambda c: reverse("orgs:unit_delete", args=[c.tax.pk]),
        only({"platform_admin", "district_admin", "unit_admin"}),
    ),
    "orgs:unit_move": (
        "get",
        lambda c: reverse("orgs:unit_move", args=[c.tax.pk]),
        only({"platform_admin", "district_admin", "unit_admin"}),
    ),
    "orgs:party_org_delete": (
        "get",
        lambda c: reverse("orgs:party_org_delete", args=[c.tax_branch.pk]),
        only({"platform_admin", "district_admin", "unit_admin"}),
    ),
    "orgs:party_org_move": (
        "get",
        lambda c: reverse("orgs:party_org_move", args=[c.tax_branch.pk]),
        only({"platform_admin", "district_admin", "unit_admin"}),
    ),
    # A picker answers everyone, with the people and places the caller sees (none for some).
    "orgs:pick": ("get", lambda c: reverse("orgs:pick", args=["member"]) + "?q=李", _all(200)),
    "orgs:area_list": ("get", lambda c: reverse("orgs:area_list"), _all(200)),
    "orgs:area_export": ("get", lambda c: reverse("orgs:area_export"), _all(200)),
    "orgs:unit_list": ("get", lambda c: reverse("orgs:unit_list"), _all(200)),
    "orgs:unit_export": ("get", lambda c: reverse("orgs:unit_export"), _all(200)),
    "orgs:party_org_export": ("get", lambda c: reverse("orgs:party_org_export"), _all(200)),
    "orgs:unit_detail": (
        "get",
        lambda c: reverse("orgs:unit_detail", args=[c.tax.pk]),
        _visible("unit:tax"),
    ),
    "orgs:member_list": ("get", lambda c: reverse("orgs:member_list"), _all(200)),
    "orgs:member_export": ("get", lambda c: reverse("orgs:member_export"), _all(200)),
    "orgs:member_detail": (
        "get",
        lambda c: reverse("orgs:member_detail", args=[c.member_record.public_id]),
        _visible("member:member_record"),
    ),
    "orgs:member_unmask": (
        "post",
        lambda c: reverse("orgs:member_unmask", args=[c.member_record.public_id]),
        # id_number: platform, district and unit administrators, and the member themself;
        # the street, community and grid posts see the member but may not unmask the ID.
        {
            "platform_admin": 200,
            "district_admin": 200,
            "street_admin": 403,
            "community_secretary": 403,
            "grid_leader": 403,
            "unit_admin": 200,
            "member": 200,
            "outsider": 404,
        },
        _post_data,
    ),
    "orgs:member_transfer": (
        "post",
        lambda c: reverse("orgs:member_transfer", args=[c.tax_colleague.public_id]),
        {
            p: 302 if p in {"platform_admin", "district_admin", "unit_admin"} else 404
            for p in PEOPLE
        },
    ),
    "orgs:import_start": ("get", lambda c: reverse("orgs:import_start"), _all(200)),
    "orgs:import_template": (
        "get",
        lambda c: reverse("orgs:import_template", args=["members"]),
        _all(200),
    ),
    "orgs:import_preview": (
        "get",
        lambda c: reverse("orgs:import_preview", args=["nobody-s-batch"]),
        _all(404),
    ),
    "orgs:import_errors": (
        "get",
        lambda c: reverse("orgs:import_errors", args=["nobody-s-batch"]),
        _all(404),
    ),
    "accounts:password_change": ("get", lambda c: reverse("accounts:password_change"), _all(200)),
    "accounts:logout": ("post", lambda c: reverse("accounts:logout"), _all(302)),
}


# The API: every operation in the schema is listed here and exercised in its own tests.
API_MATRIX: set[tuple[str, str]] = {
    ("post", "/api/v1/imports/{kind}"),
    ("post", "/api/v1/imports/{token}/discard"),
    ("get", "/api/v1/imports/{kind}/template"),
    ("get", "/api/v1/posts"),
    ("post", "/api/v1/posts"),
    ("delete", "/api/v1/posts/{post_id}"),
    ("get", "/api/v1/areas"),
    ("get", "/api/v1/areas/{area_id}"),
    ("post", "/api/v1/areas"),
    ("patch", "/api/v1/areas/{area_id}"),
    ("delete", "/api/v1/areas/{area_id}"),
    ("post", "/api/v1/areas/{area_id}/move"),
    ("get", "/api/v1/units"),
    ("get", "/api/v1/units/{unit_id}"),
    ("post", "/api/v1/units"),
    ("patch", "/api/v1/units/{unit_id}"),
    ("delete", "/api/v1/units/{unit_id}"),
    ("post", "/api/v1/units/{unit_id}/move"),
    ("get", "/api/v1/party-orgs"),
    ("get", "/api/v1/party-orgs/{org_id}"),
    ("post", "/api/v1/party-orgs"),
    ("patch", "/api/v1/party-orgs/{org_id}"),
    ("delete", "/api/v1/party-orgs/{org_id}"),
    ("post", "/api/v1/party-orgs/{org_id}/move"),
    ("get", "/api/v1/members"),
    ("get", "/api/v1/members/{member_id}"),
    ("post", "/api/v1/members"),
    ("patch", "/api/v1/members/{member_id}"),
    ("post", "/api/v1/members/{member_id}/transfer"),
    ("post", "/api/v1/members/{member_id}/unmask"),
}
