"""`gongjian demo`: the fictional demo district has the documented shape, its people are
synthetic, its log-ins work, the same seed gives the same district, and a second run refuses."""

from __future__ import annotations

import datetime as dt
import importlib.machinery
import io
import sys
import types
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Avg, Count, F
from django.utils import timezone

from gongjian.accounts.models import TotpDevice, User
from gongjian.core import crypto, synthetic
from gongjian.core.validators import parse_id_number
from gongjian.orgs import demo, history
from gongjian.orgs.models import (
    Area,
    Member,
    MemberSpell,
    MemberTransfer,
    PartyOrg,
    RoleAssignment,
    Unit,
)
from gongjian.testing.cast import Cast

BRANCH_KINDS = ("branch", "temporary_branch", "joint_branch")


@pytest.fixture(autouse=True)
def _forget_content_types() -> Iterator[None]:
    """`--reset` flushes, which recreates the content types; don't leak cached ones."""
    yield
    ContentType.objects.clear_cache()


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def _snapshot() -> dict[str, Any]:
    return {
        "areas": list(Area.objects.order_by("code").values_list("code", "name")),
        "units": list(Unit.objects.order_by("code").values_list("code", "name", "address")),
        "orgs": list(PartyOrg.objects.order_by("code").values_list("code", "name", "secretary")),
        "members": list(
            Member.objects.order_by("id").values_list(
                "name", "id_number_hash", "party_org__code", "home_grid__code", "status"
            )
        ),
    }


@pytest.mark.django_db
def test_small_district_has_the_full_structure() -> None:
    # Given an empty database, when the orgs part is built at 5% of the members
    ctx = demo.build_orgs(seed=7, scale=0.05)

    # then the areas: 4 streets, 74 communities (19/19/18/18), about 7 grids each
    district = Area.objects.get(kind="district")
    assert (district.code, district.name) == ("SFQ", "示范区")
    streets = Area.objects.filter(kind="street").annotate(n=Count("children")).order_by("code")
    assert [s.n for s in streets] == [19, 19, 18, 18]
    assert Area.objects.filter(kind="community").count() == 74
    grids = Area.objects.filter(kind="community").annotate(n=Count("children"))
    assert 6.5 <= grids.aggregate(avg=Avg("n"))["avg"] <= 7.5
    assert {g.n for g in grids} <= set(range(5, 10))
    assert len({g.n for g in grids}) >= 3, "the number of grids should vary"
    chenhui = Area.objects.get(name="晨辉社区")
    assert chenhui.children.count() == 7
    assert chenhui.children.order_by("code").first().name == "晨辉社区第一网格"  # type: ignore[union-attr]

    # and 55 units, each with one committee under the working committee and 2–5 branches
    wc = PartyOrg.objects.get(kind="working_committee")
    assert wc.area == district
    assert Unit.objects.count() == 55
    for unit in Unit.objects.all():
        committees = PartyOrg.objects.filter(unit=unit, kind="committee")
        assert [c.parent_id for c in committees] == [wc.pk], unit.name
        branches = PartyOrg.objects.filter(unit=unit, kind="branch").count()
        assert 2 <= branches <= 5, unit.name
        assert all(
            o.path.startswith(committees[0].path) for o in PartyOrg.objects.filter(unit=unit)
        )
    assert PartyOrg.objects.filter(kind="general_branch").count() >= 2
    assert PartyOrg.objects.filter(kind="branch", parent__kind="general_branch").exists()
    assert PartyOrg.objects.filter(kind="temporary_branch").count() >= 2
    assert PartyOrg.objects.filter(kind="joint_branch").count() >= 1

    # and every community has its committee, attached to the community, with branches
    for community in Area.objects.filter(kind="community"):
        committee = PartyOrg.objects.get(area=community, kind="committee")
        assert committee.children.filter(kind__in=BRANCH_KINDS).count() >= 2, community.name

    # and the context hands all of it on to the other apps' builders
    assert len(ctx.streets) == 4
    assert len(ctx.communities) == 74
    assert len(ctx.grids) == Area.objects.filter(kind="grid").count()
    assert len(ctx.units) == 55
    assert len(ctx.orgs) == PartyOrg.objects.count()
    assert ctx.unit_named("区税务局").name == "区税务局"
    assert ctx.community_named("晨辉社区") == chenhui
    assert ctx.rng_for("x").random() == ctx.rng_for("x").random()
    assert 250 <= Member.objects.count() <= 450


@pytest.mark.django_db(transaction=True)
def test_full_demo_district() -> None:
    # Given an empty database, when the full demo is built through the command
    out = _run("--reset")

    # then it has about 7,000 members, most of them in service
    members = Member.objects.all()
    assert 6500 <= members.count() <= 7500
    in_service = members.filter(in_service=True)
    assert 5000 <= in_service.count() <= 6000
    assert not in_service.filter(unit__isnull=True).exists()
    assert not members.filter(in_service=False, unit__isnull=False).exists()
    # The year's history: transfers on past days, and one member who left the service.
    today = timezone.localdate()
    transfers = MemberTransfer.objects.all()
    assert transfers.count() == 5
    assert transfers.filter(effective_on__lt=today - dt.timedelta(days=30)).count() == 4
    for t in transfers:
        assert history.state_on(t.member, t.effective_on).unit_id == t.to_unit_id
        before = history.state_on(t.member, t.effective_on - dt.timedelta(days=1))
        assert before is not None
        assert before.unit_id == t.from_unit_id != t.to_unit_id
    left = MemberSpell.objects.filter(in_service=False, valid_to=None, member__unit=None)
    leavers = [
        s for s in left if MemberSpell.objects.filter(member=s.member_id, in_service=True).exists()
    ]
    assert [s.valid_from for s in leavers] == [today - dt.timedelta(days=90)]
    assert MemberSpell.objects.filter(valid_to=None).count() == members.count()
    # spread unevenly over the units
    sizes = sorted(Unit.objects.annotate(n=Count("members")).values_list("n", flat=True))
    assert sizes[-1] >= 5 * sizes[0]
    # and attached to branches, never to a committee or the working committee
    assert set(members.values_list("party_org__kind", flat=True).distinct()) <= set(BRANCH_KINDS)

    # every ID number is valid, unique, in the fictional region; phones in 1990xxxxxxx
    today = timezone.localdate()
    ids = []
    for m in members.only(
        "id_number", "id_number_hash", "phone", "phone_hash", "gender", "birth_date", "joined_on"
    ):
        parsed = parse_id_number(m.id_number)
        assert m.id_number.startswith(synthetic.DEMO_REGION)
        assert (parsed.birth_date, parsed.gender) == (m.birth_date, m.gender)
        assert m.id_number_hash == crypto.blind_index(m.id_number)
        assert m.phone.startswith("1990")
        assert len(m.phone) == 11
        assert m.phone_hash == crypto.blind_index(m.phone)
        assert m.joined_on is not None
        assert m.birth_date + dt.timedelta(days=18 * 365) <= m.joined_on <= today
        ids.append(m.id_number)
    assert len(set(ids)) == len(ids)
    # stored encrypted: no plain number in the table
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM orgs_member")
        raw = cursor.fetchall()
    assert not any(row[0] in ids or row[1].startswith("1990") for row in raw)

    # about 5% probationary, some deputies and CPPCC members, ~3% without a home yet
    probationary = members.filter(status="probationary").count() / members.count()
    assert 0.03 <= probationary <= 0.07
    assert members.filter(is_deputy=True).count() >= 20
    assert members.filter(is_committee_member=True).count() >= 20
    homeless = in_service.filter(home_community__isnull=True).count() / in_service.count()
    assert 0.01 <= homeless <= 0.06
    assert not members.filter(home_community__isnull=False, home_grid__isnull=True).exists()
    assert (
        not members.exclude(home_grid__parent=F("home_community"))
        .filter(home_grid__isnull=False)
        .exists()
    )

    # and the demo log-ins work with the documented password, each with its post
    assert "Gongjian-Demo-2026" in out
    validate_password(demo.DEMO_PASSWORD)
    expected = {
        "admin": None,
        "district": ("district_admin", "示范区"),
        "street": ("street_admin", "青禾街道"),
        "community": ("community_admin", "晨辉社区"),
        "grid": ("grid_leader", "晨辉社区第一网格"),
        "unit": ("unit_admin", "区税务局"),
        "member": None,
    }
    for username, post in expected.items():
        user = authenticate(username=username, password=demo.DEMO_PASSWORD)
        assert user is not None, username
        assert username in out
        assert user.password_changed_at is not None
        assert user.password_changed_at > timezone.now() - dt.timedelta(hours=1)
        roles = [(p.role, str(p.area or p.unit)) for p in RoleAssignment.objects.filter(user=user)]
        assert roles == ([post] if post else []), username
    assert User.objects.get(username="admin").is_superuser
    # The log-ins with a password are the demo's; the other accounts are members of 区税务局
    # who activated theirs by SMS code (no password), most of them but not all.
    assert User.objects.exclude(password__startswith="!").count() <= 15
    tax = Member.objects.filter(unit__name="区税务局", is_active=True)
    activated = tax.filter(user__isnull=False).count()
    assert 0.7 * tax.count() <= activated < tax.count()
    staff = ("admin", "district", "street", "community", "unit")
    assert set(
        TotpDevice.objects.filter(confirmed=True).values_list("user__username", flat=True)
    ) == set(staff)
    assert "GONGJIANDEMOSECRETKEYFORTOTPQRST" in out
    me = Member.objects.get(user__username="member")
    assert (me.unit.name, me.home_community.name) == ("区税务局", "晨辉社区")  # type: ignore[union-attr]
    assert me.in_service

    # seven grid leaders for the seven grids of 晨辉社区, all members of 区税务局
    leaders = RoleAssignment.objects.filter(role="grid_leader", area__parent__name="晨辉社区")
    assert sorted(p.area.name for p in leaders) == sorted(  # type: ignore[union-attr]
        Area.objects.filter(parent__name="晨辉社区").values_list("name", flat=True)
    )
    assert leaders.count() == 7
    assert all(Member.objects.get(user=p.user).unit.name == "区税务局" for p in leaders)  # type: ignore[union-attr]
    for p in leaders:
        assert authenticate(username=p.user.username, password=demo.DEMO_PASSWORD) is not None


@pytest.mark.django_db(transaction=True)
def test_same_seed_same_district_after_a_reset() -> None:
    # Given a small demo built with seed 11
    _run("--reset", "--seed", "11", "--scale", "0.05")
    first = _snapshot()
    assert len(first["members"]) > 300

    # when it is reset and built again with the same seed, then it is the same district
    out = _run("--reset", "--seed", "11", "--scale", "0.05")
    assert "已清空" in out
    assert _snapshot() == first
    assert Area.objects.filter(code="SFQ").count() == 1

    # and another seed gives other people in the same streets, communities and units
    _run("--reset", "--seed", "12", "--scale", "0.05")
    other = _snapshot()
    fixed = [a for a in first["areas"] if len(a[0]) <= len("SFQ0101")]
    assert [a for a in other["areas"] if len(a[0]) <= len("SFQ0101")] == fixed
    assert [u[:2] for u in other["units"]] == [u[:2] for u in first["units"]]
    assert [m[0] for m in other["members"]] != [m[0] for m in first["members"]]


@pytest.mark.django_db
def test_a_second_run_without_reset_refuses_and_writes_nothing() -> None:
    # Given a demo district
    demo.build_orgs(scale=0.02)
    before = (Area.objects.count(), Member.objects.count(), User.objects.count())

    # when the command runs again without --reset, then it refuses and writes nothing
    with pytest.raises(CommandError, match="演示数据已存在"):
        _run()
    assert (Area.objects.count(), Member.objects.count(), User.objects.count()) == before


@pytest.mark.django_db
def test_a_database_with_other_data_is_left_alone(cast: Cast) -> None:
    with pytest.raises(CommandError, match="已有数据"):
        _run()
    assert not Area.objects.filter(code="SFQ").exists()
    assert Member.objects.count() == 5


@pytest.mark.django_db
def test_other_apps_demo_builders_run_in_installed_order(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given two apps with a demo module (and orgs, whose own module is not a builder)
    calls: list[tuple[str, demo.DemoContext]] = []
    for name in ("gongjian.accounts.demo", "gongjian.cobuild.demo"):
        module = types.ModuleType(name)
        module.__spec__ = importlib.machinery.ModuleSpec(name, loader=None)

        def build(ctx: demo.DemoContext, name: str = name) -> None:
            calls.append((name, ctx))

        module.build = build  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, name, module)

    # when the demo is built
    ctx = demo.build_orgs(scale=0.02)
    ran = demo.build_apps(ctx)

    # then each builder got the context once, in INSTALLED_APPS order
    assert [r for r in ran if r in ("accounts", "cobuild")] == ["accounts", "cobuild"]
    assert [(n, c is ctx) for n, c in calls] == [
        ("gongjian.accounts.demo", True),
        ("gongjian.cobuild.demo", True),
    ]
