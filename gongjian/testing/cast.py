"""A small world and its people, so permission tests read as stories.

示范区 has two streets: 青禾街道 (with 晨辉社区 and its grids) and 东湖街道 (with 星光社区).
Two units: 区税务局 (the cast's unit) and 区司法局 (outside the unit admin's scope).

- district_admin — the working committee's administrator of 示范区;
- street_admin — 青禾街道;
- community_secretary — 晨辉社区;
- grid_leader — 晨辉社区第一网格;
- unit_admin — 区税务局;
- member — an in-service member of 区税务局 who lives in 晨辉社区第一网格;
- outsider — logged in, with no post and no member record.

The posts that need a second factor (platform, district, street, community and unit
administrators) have an enrolled authenticator (`totp_code` gives its current code).
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from gongjian.accounts.models import TotpDevice, User
from gongjian.core import crypto, synthetic
from gongjian.orgs.models import Area, Member, PartyOrg, RoleAssignment, Unit

PASSWORD = "Cast-Passw0rd!2026"
_seq = itertools.count(1)


def make_area(code: str, name: str, kind: str, parent: Area | None = None) -> Area:
    return Area.objects.create(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        path=f"{parent.path if parent else '/'}{code}/",
        depth=(parent.depth + 1) if parent else 0,
    )


def make_org(
    code: str,
    name: str,
    kind: str,
    *,
    parent: PartyOrg | None = None,
    unit: Unit | None = None,
    area: Area | None = None,
) -> PartyOrg:
    return PartyOrg.objects.create(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        unit=unit,
        area=area,
        path=f"{parent.path if parent else '/'}{code}/",
        depth=(parent.depth + 1) if parent else 0,
    )


def make_member(
    name: str,
    org: PartyOrg,
    *,
    unit: Unit | None = None,
    user: User | None = None,
    in_service: bool = True,
    home: Area | None = None,
    grid: Area | None = None,
    **extra: Any,
) -> Member:
    n = next(_seq)
    id_number = synthetic.id_number(birth=dt.date(1980, 1, 1) + dt.timedelta(days=n), seq=n)
    phone = synthetic.phone(n)
    return Member.objects.create(
        name=name,
        gender="male" if int(id_number[16]) % 2 else "female",
        birth_date=dt.date(1980, 1, 1) + dt.timedelta(days=n),
        id_number=id_number,
        id_number_hash=crypto.blind_index(id_number),
        phone=phone,
        phone_hash=crypto.blind_index(phone),
        party_org=org,
        unit=unit if unit is not None else org.unit,
        user=user,
        in_service=in_service,
        home_community=home,
        home_grid=grid,
        **extra,
    )


def make_user(username: str, display_name: str = "", **extra: Any) -> User:
    user = User(username=username, display_name=display_name or username, **extra)
    user.set_password(PASSWORD)
    from django.utils import timezone

    user.password_changed_at = timezone.now()
    user.save()
    return user


def enrol_totp(user: User) -> TotpDevice:
    """A confirmed authenticator for `user` (as if they had scanned the QR code)."""
    device: TotpDevice = TotpDevice.objects.create(user=user, name="动态口令", confirmed=True)
    return device


def totp_code(user: User, *, fresh: bool = True) -> str:
    """The code the user's authenticator shows now (or, when this step's code was already
    used, the next step's, which the one-step tolerance accepts)."""
    import time

    device = TotpDevice.objects.get(user=user, confirmed=True)
    at = time.time()
    totp = device.totp(at)
    if fresh and totp.t() <= device.last_t:
        totp = device.totp(at + device.step)
    return f"{totp.token():0{device.digits}d}"


@dataclass
class Cast:
    district: Area
    qinghe: Area
    donghu: Area
    chenhui: Area
    chenhui_grid1: Area
    chenhui_grid2: Area
    xingguang: Area
    xingguang_grid1: Area
    tax: Unit
    justice: Unit
    working_committee: PartyOrg
    tax_committee: PartyOrg
    tax_branch: PartyOrg
    justice_committee: PartyOrg
    justice_branch: PartyOrg
    chenhui_org: PartyOrg
    xingguang_org: PartyOrg
    member_record: Member
    tax_colleague: Member
    justice_member: Member
    xingguang_resident: Member
    chenhui_resident: Member
    platform_admin: User
    district_admin: User
    street_admin: User
    community_secretary: User
    grid_leader: User
    unit_admin: User
    member: User
    outsider: User

    @property
    def people(self) -> dict[str, User]:
        return {
            "platform_admin": self.platform_admin,
            "district_admin": self.district_admin,
            "street_admin": self.street_admin,
            "community_secretary": self.community_secretary,
            "grid_leader": self.grid_leader,
            "unit_admin": self.unit_admin,
            "member": self.member,
            "outsider": self.outsider,
        }


def build_cast() -> Cast:
    district = make_area("SF", "示范区", "district")
    qinghe = make_area("SF01", "青禾街道", "street", district)
    donghu = make_area("SF02", "东湖街道", "street", district)
    chenhui = make_area("SF0101", "晨辉社区", "community", qinghe)
    g1 = make_area("SF010101", "晨辉社区第一网格", "grid", chenhui)
    g2 = make_area("SF010102", "晨辉社区第二网格", "grid", chenhui)
    xingguang = make_area("SF0201", "星光社区", "community", donghu)
    xg1 = make_area("SF020101", "星光社区第一网格", "grid", xingguang)
    tax = Unit.objects.create(code="U-TAX", name="区税务局", area=district, category="行政")
    justice = Unit.objects.create(code="U-JUS", name="区司法局", area=district, category="行政")
    wc = make_org("WC", "示范区直属机关工委", "working_committee", area=district)
    tax_c = make_org("TAX", "区税务局党委", "committee", parent=wc, unit=tax)
    tax_b = make_org("TAX-1", "区税务局第一党支部", "branch", parent=tax_c, unit=tax)
    jus_c = make_org("JUS", "区司法局党委", "committee", parent=wc, unit=justice)
    jus_b = make_org("JUS-1", "区司法局第一党支部", "branch", parent=jus_c, unit=justice)
    chenhui_org = make_org("CH", "晨辉社区党委", "committee", area=chenhui)
    xg_org = make_org("XG", "星光社区党委", "committee", area=xingguang)

    platform_admin = make_user("platform", "平台管理员", is_superuser=True, is_staff=True)
    district_admin = make_user("district", "区工委管理员")
    street_admin = make_user("street", "青禾街道管理员")
    secretary = make_user("secretary", "晨辉社区书记")
    grid_leader = make_user("gridleader", "第一网格网格长")
    unit_admin = make_user("unitadmin", "税务局党建管理员")
    member_user = make_user("member", "税务局党员")
    outsider = make_user("outsider", "外部人员")
    RoleAssignment.objects.create(user=district_admin, role="district_admin", area=district)
    RoleAssignment.objects.create(user=street_admin, role="street_admin", area=qinghe)
    RoleAssignment.objects.create(user=secretary, role="community_admin", area=chenhui)
    RoleAssignment.objects.create(user=grid_leader, role="grid_leader", area=g1)
    RoleAssignment.objects.create(user=unit_admin, role="unit_admin", unit=tax)
    for staff in (platform_admin, district_admin, street_admin, secretary, unit_admin):
        enrol_totp(staff)

    member_record = make_member("李晓东", tax_b, user=member_user, home=chenhui, grid=g1)
    colleague = make_member("王静", tax_b, home=xingguang, grid=xg1)
    justice_member = make_member("赵敏", jus_b, home=xingguang, grid=xg1)
    xg_resident = make_member("孙强", xg_org, in_service=False, home=xingguang, grid=xg1)
    ch_resident = make_member("周红", chenhui_org, in_service=False, home=chenhui, grid=g2)
    return Cast(
        district=district,
        qinghe=qinghe,
        donghu=donghu,
        chenhui=chenhui,
        chenhui_grid1=g1,
        chenhui_grid2=g2,
        xingguang=xingguang,
        xingguang_grid1=xg1,
        tax=tax,
        justice=justice,
        working_committee=wc,
        tax_committee=tax_c,
        tax_branch=tax_b,
        justice_committee=jus_c,
        justice_branch=jus_b,
        chenhui_org=chenhui_org,
        xingguang_org=xg_org,
        member_record=member_record,
        tax_colleague=colleague,
        justice_member=justice_member,
        xingguang_resident=xg_resident,
        chenhui_resident=ch_resident,
        platform_admin=platform_admin,
        district_admin=district_admin,
        street_admin=street_admin,
        community_secretary=secretary,
        grid_leader=grid_leader,
        unit_admin=unit_admin,
        member=member_user,
        outsider=outsider,
    )
