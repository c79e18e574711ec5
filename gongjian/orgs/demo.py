"""A deterministic fictional demo district: 示范区 with its streets, communities, grids, units,
party organisations, about 7,000 members, and one log-in for each role.

`build_orgs` writes the areas, units, party organisations, members, users and posts, and returns
a `DemoContext`; `build_apps` then hands that context to every other app's `<app>.demo.build`,
in INSTALLED_APPS order, so each domain adds its own demo data on top. `gongjian demo` runs
both in one transaction.

Same seed, same data: every random draw comes from a `random.Random` seeded from the seed and a
fixed label, and nothing depends on set or dict-hash order. Dates are drawn as offsets from
`today`, so names, codes, numbers and counts do not depend on the day the demo is built.

Nothing here resembles a real person: names come from `core.synthetic`, ID numbers use the
fictional region code 110199, phones the reserved range 1990xxxxxxx.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from gongjian.accounts.models import User
from gongjian.core import crypto, synthetic
from gongjian.core.audit import audit_record
from gongjian.core.cn import numeral
from gongjian.orgs import history
from gongjian.orgs.models import Area, Member, PartyOrg, Role, RoleAssignment, Unit

# The one documented password of every demo log-in (see docs/demo.md). It passes the
# project's validators: 18 characters, three classes, not a common password.
DEMO_PASSWORD = "Gongjian-Demo-2026"  # noqa: S105 - a published demo password
DEFAULT_SEED = 2026
DISTRICT_CODE = "SFQ"
DISTRICT_NAME = "示范区"
# The working committee of the district's units (区直机关工委).
WORKING_COMMITTEE_CODE = "SFQ-GW"
IN_SERVICE_MEMBERS = 5500
COMMUNITY_MEMBERS = 1500
BATCH = 1000

# Four streets and their communities (19/19/18/18); 晨辉社区 comes first and has 7 grids.
STREETS: list[tuple[str, list[str]]] = [
    (
        "青禾街道",
        (
            "晨辉 青禾 禾丰 锦绣 和平 春晖 朝阳 翠苑 兴华 康乐 "
            "怡园 嘉禾 金桥 荷塘 柳岸 丰泽 文昌 育才 清风"
        ).split(),
    ),
    (
        "东湖街道",
        (
            "星光 东湖 湖滨 映月 莲花 碧波 明珠 湖畔 鹭洲 渔港 "
            "泉水 观澜 晴川 水岸 静湖 澄湖 芦花 柳湾 新湖"
        ).split(),
    ),
    (
        "云栖街道",
        (
            "云栖 栖霞 松涛 竹林 枫林 紫云 翠峰 桂香 梅岭 兰亭 "
            "云杉 山泉 茶园 杏坛 青松 白云 彩虹 锦屏"
        ).split(),
    ),
    (
        "望江街道",
        (
            "望江 江南 江湾 帆影 海棠 长乐 福寿 安居 永宁 建设 "
            "新华 胜利 幸福 友谊 光明 团结 民主 振兴"
        ).split(),
    ),
]
CHENHUI = "晨辉社区"
CHENHUI_GRIDS = 7

# The district's units (区直机关单位): name, category, relative size. Sizes are uneven on
# purpose: a few large organs (public security, court, health, tax) and many small ones.
UNITS: list[tuple[str, str, int]] = [
    ("区委办公室", "党委部门", 2),
    ("区人大常委会机关", "人大", 4),
    ("区政府办公室", "行政", 4),
    ("区政协机关", "政协", 4),
    ("区纪委监委机关", "纪检监察", 4),
    ("区委组织部", "党委部门", 2),
    ("区委宣传部", "党委部门", 2),
    ("区委统战部", "党委部门", 2),
    ("区委政法委", "党委部门", 2),
    ("区委党校", "党委部门", 2),
    ("区法院", "审判", 9),
    ("区检察院", "检察", 6),
    ("区公安分局", "行政", 14),
    ("区发展改革委", "行政", 2),
    ("区教育局", "行政", 8),
    ("区科技局", "行政", 2),
    ("区工业和信息化局", "行政", 2),
    ("区民政局", "行政", 4),
    ("区司法局", "行政", 4),
    ("区财政局", "行政", 4),
    ("区人社局", "行政", 4),
    ("区自然资源局", "行政", 4),
    ("区生态环境局", "行政", 2),
    ("区住建局", "行政", 4),
    ("区城管局", "行政", 9),
    ("区交通运输局", "行政", 4),
    ("区水务局", "行政", 2),
    ("区农业农村局", "行政", 4),
    ("区商务局", "行政", 2),
    ("区文化和旅游局", "行政", 2),
    ("区卫健委", "行政", 9),
    ("区退役军人事务局", "行政", 2),
    ("区应急管理局", "行政", 2),
    ("区审计局", "行政", 2),
    ("区国资委", "行政", 2),
    ("区市场监管局", "行政", 8),
    ("区统计局", "行政", 1),
    ("区医保局", "行政", 2),
    ("区信访局", "行政", 1),
    ("区政务服务局", "行政", 4),
    ("区体育局", "行政", 1),
    ("区税务局", "行政", 8),
    ("区机关事务管理局", "行政", 2),
    ("区投资促进局", "行政", 1),
    ("区档案馆", "事业单位", 1),
    ("区融媒体中心", "事业单位", 2),
    ("区总工会", "群团", 1),
    ("团区委", "群团", 1),
    ("区妇联", "群团", 1),
    ("区科协", "群团", 1),
    ("区残联", "群团", 1),
    ("区工商联", "群团", 1),
    ("区红十字会", "群团", 1),
    ("区委老干部局", "党委部门", 1),
    ("区委网信办", "党委部门", 1),
]
TAX = "区税务局"
# Units whose committee has a general-branch layer (党总支) above some of its branches.
GENERAL_BRANCH_UNITS = ("区法院", "区公安分局", "区卫健委", "区教育局")
# Temporary branches (临时党支部): formed for a task, their members stay in their own branches.
TEMPORARY_BRANCHES = (
    ("区应急管理局", "区应急管理局防汛抢险临时党支部"),
    ("区城管局", "区城管局创城攻坚临时党支部"),
)
# A joint branch (联合党支部) of the small businesses around one community.
JOINT_BRANCH_COMMUNITY = "湖滨社区"
ROAD_NAMES = "青禾路 东湖路 云栖大道 望江路 晨辉街 文昌路 建设路 兴华街 育才路 明珠大道".split()

PROBATIONARY_SHARE = 0.05
HOMELESS_SHARE = 0.03  # in-service members who have not yet said where they live


@dataclass(frozen=True)
class DemoLogin:
    """One demo log-in, as printed by `gongjian demo` and listed in docs/demo.md."""

    username: str
    role: str
    scope: str


@dataclass
class DemoContext:
    """What the orgs part of the demo made, handed to every other app's `demo.build`."""

    seed: int
    rng: random.Random
    today: dt.date
    district: Area
    streets: dict[str, Area]
    communities: dict[str, Area]
    grids: dict[str, Area]
    units: dict[str, Unit]
    orgs: dict[str, PartyOrg]
    users: dict[str, User]
    logins: list[DemoLogin]
    log: Callable[[str], None]
    password: str = DEMO_PASSWORD
    counts: dict[str, int] = field(default_factory=dict)

    def rng_for(self, label: str) -> random.Random:
        """A generator of its own for one app or one part, so that adding draws elsewhere
        does not change what that part makes."""
        return random.Random(f"{self.seed}:{label}")

    def unit_named(self, name: str) -> Unit:
        return next(u for u in self.units.values() if u.name == name)

    def community_named(self, name: str) -> Area:
        return next(a for a in self.communities.values() if a.name == name)


def _quiet(_msg: str) -> None:
    return None


def _area(code: str, name: str, kind: str, parent: Area | None) -> Area:
    return Area(
        code=code,
        name=name,
        kind=kind,
        local_kind=str(Area.LOCAL_KINDS.get(Area.Kind(kind), ("",))[0]),
        parent=parent,
        path=f"{parent.path if parent else '/'}{code}/",
        depth=(parent.depth + 1) if parent else 0,
    )


def _org(
    code: str,
    name: str,
    kind: str,
    *,
    parent: PartyOrg | None = None,
    unit: Unit | None = None,
    area: Area | None = None,
    secretary: str = "",
) -> PartyOrg:
    return PartyOrg(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        unit=unit,
        area=area,
        secretary=secretary,
        path=f"{parent.path if parent else '/'}{code}/",
        depth=(parent.depth + 1) if parent else 0,
    )


def _apportion(total: int, weights: list[float], floor: int = 0) -> list[int]:
    """Split `total` by `weights` into whole numbers (largest remainder), each at least
    `floor`."""
    scale = sum(weights)
    raw = [total * w / scale for w in weights]
    out = [max(floor, int(r)) for r in raw]
    rest = total - sum(out)
    by_remainder = sorted(range(len(raw)), key=lambda i: (-(raw[i] - int(raw[i])), i))
    for i in by_remainder[: max(rest, 0)]:
        out[i] += 1
    return out


def _grid_counts(rng: random.Random, n: int) -> list[int]:
    """Grids per community, 5 to 9 and 7 on average: pairs around 7, shuffled."""
    counts: list[int] = []
    while len(counts) < n:
        d = rng.choice((0, 1, 1, 2))
        counts.extend((7 - d, 7 + d))
    counts = counts[:n]
    rng.shuffle(counts)
    return counts


class _People:
    """Draws members: unique ID numbers (birth date + sequence), phones, join dates."""

    def __init__(self, rng: random.Random, today: dt.date) -> None:
        self.rng = rng
        self.today = today
        self.used: set[str] = set()  # membership only, never iterated
        self.n = 0

    def member(
        self,
        *,
        org: PartyOrg,
        unit: Unit | None,
        in_service: bool,
        min_age: int,
        max_age: int,
        male_share: float,
        deputy_share: float,
        committee_share: float,
        home: tuple[Area, Area] | None,
    ) -> Member:
        rng = self.rng
        self.n += 1
        male = rng.random() < male_share
        birth = self.today - dt.timedelta(days=rng.randint(min_age * 365 + 5, max_age * 365))
        while True:
            # The 17th digit is odd for men, even for women.
            seq = rng.randrange(0, 500) * 2 + (1 if male else 0)
            id_number = synthetic.id_number(birth=birth, seq=seq)
            if id_number not in self.used:
                self.used.add(id_number)
                break
        phone = synthetic.phone(100_000 + self.n * 7)
        probationary = rng.random() < PROBATIONARY_SHARE
        adult = birth + dt.timedelta(days=18 * 366)
        if probationary:
            joined = self.today - dt.timedelta(days=rng.randint(30, 360))
        else:
            span = (self.today - dt.timedelta(days=400) - adult).days
            joined = adult + dt.timedelta(days=rng.randint(0, max(span, 0)))
        return Member(
            name=synthetic.name(rng),
            gender=Member.Gender.MALE if male else Member.Gender.FEMALE,
            birth_date=birth,
            id_number=id_number,
            id_number_hash=crypto.blind_index(id_number),
            phone=phone,
            phone_hash=crypto.blind_index(phone),
            status=Member.Status.PROBATIONARY if probationary else Member.Status.FULL,
            joined_on=joined,
            party_org=org,
            unit=unit,
            in_service=in_service,
            is_deputy=rng.random() < deputy_share,
            is_committee_member=rng.random() < committee_share,
            home_community=home[0] if home else None,
            home_grid=home[1] if home else None,
        )


def build_orgs(
    *,
    seed: int = DEFAULT_SEED,
    scale: float = 1.0,
    today: dt.date | None = None,
    log: Callable[[str], None] | None = None,
) -> DemoContext:
    """Write the demo district into an empty database and return what was made.

    `scale` multiplies the number of members only (for quick tests); the areas, units,
    party organisations, users and posts are always the full set.
    """
    log = log or _quiet
    today = today or timezone.localdate()
    with transaction.atomic():
        ctx = _build(seed=seed, scale=scale, today=today, log=log)
    return ctx


def _build(*, seed: int, scale: float, today: dt.date, log: Callable[[str], None]) -> DemoContext:
    rng_areas = random.Random(f"{seed}:areas")
    rng_orgs = random.Random(f"{seed}:orgs")
    rng_people = random.Random(f"{seed}:members")

    # Areas: district → 4 streets → 74 communities → ~7 grids each.
    district = _area(DISTRICT_CODE, DISTRICT_NAME, Area.Kind.DISTRICT, None)
    district.save()
    streets = [
        _area(f"{DISTRICT_CODE}{i:02d}", name, Area.Kind.STREET, district)
        for i, (name, _c) in enumerate(STREETS, start=1)
    ]
    Area.objects.bulk_create(streets, batch_size=BATCH)
    communities: list[Area] = []
    for street, (_s, names) in zip(streets, STREETS, strict=True):
        communities += [
            _area(f"{street.code}{j:02d}", f"{n}社区", Area.Kind.COMMUNITY, street)
            for j, n in enumerate(names, start=1)
        ]
    Area.objects.bulk_create(communities, batch_size=BATCH)
    grid_counts = iter(_grid_counts(rng_areas, len(communities) - 1))
    grids_of: dict[str, list[Area]] = {}
    for c in communities:
        n = CHENHUI_GRIDS if c.name == CHENHUI else next(grid_counts)
        grids_of[c.code] = [
            _area(f"{c.code}{k:02d}", f"{c.name}第{numeral(k)}网格", Area.Kind.GRID, c)
            for k in range(1, n + 1)
        ]
    grids = [g for c in communities for g in grids_of[c.code]]
    Area.objects.bulk_create(grids, batch_size=BATCH)
    log(f"区域：1个区，{len(streets)}个街道，{len(communities)}个社区，{len(grids)}个网格")

    # Units and their party organisations under the working committee.
    units = [
        Unit(
            code=f"{DISTRICT_CODE}-U{i:02d}",
            name=name,
            short_name=name.removeprefix("区"),
            category=category,
            area=district,
            address=f"{DISTRICT_NAME}{rng_orgs.choice(ROAD_NAMES)}{rng_orgs.randint(1, 299)}号",
        )
        for i, (name, category, _w) in enumerate(UNITS, start=1)
    ]
    Unit.objects.bulk_create(units, batch_size=BATCH)
    wc = _org(
        WORKING_COMMITTEE_CODE,
        f"{DISTRICT_NAME}直属机关工委",
        PartyOrg.Kind.WORKING_COMMITTEE,
        area=district,
        secretary=synthetic.name(rng_orgs),
    )
    wc.save()
    committees = [
        _org(
            f"{u.code}-DW",
            f"{u.name}党委",
            PartyOrg.Kind.COMMITTEE,
            parent=wc,
            unit=u,
            secretary=synthetic.name(rng_orgs),
        )
        for u in units
    ]
    PartyOrg.objects.bulk_create(committees, batch_size=BATCH)

    # Members per unit: uneven by the unit's size, with some noise; the tax bureau keeps
    # enough people for the seven grid leaders and the demo member at any scale.
    in_service_total = max(len(units) * 2, round(IN_SERVICE_MEMBERS * scale))
    weights = [w * rng_orgs.uniform(0.75, 1.25) for _n, _c, w in UNITS]
    per_unit = _apportion(in_service_total, weights, floor=2)
    tax_index = next(i for i, u in enumerate(units) if u.name == TAX)
    per_unit[tax_index] = max(per_unit[tax_index], CHENHUI_GRIDS + 3)

    general_branches: list[PartyOrg] = []
    branch_plan: list[tuple[Unit, PartyOrg, int]] = []  # unit, committee, branch count
    for unit, committee, size in zip(units, committees, per_unit, strict=True):
        n_branches = 2 if size < 40 else 3 if size < 100 else 4 if size < 200 else 5
        n_branches = min(5, n_branches + (1 if rng_orgs.random() < 0.2 else 0))
        if unit.name in GENERAL_BRANCH_UNITS:
            n_branches = max(n_branches, 4)
            general_branches.append(
                _org(
                    f"{unit.code}-ZZ1",
                    f"{unit.name}机关党总支",
                    PartyOrg.Kind.GENERAL_BRANCH,
                    parent=committee,
                    unit=unit,
                    secretary=synthetic.name(rng_orgs),
                )
            )
        branch_plan.append((unit, committee, n_branches))
    PartyOrg.objects.bulk_create(general_branches, batch_size=BATCH)
    general_of = {g.unit_id: g for g in general_branches}

    branches_of: dict[int, list[PartyOrg]] = {}
    unit_branches: list[PartyOrg] = []
    for unit, committee, n_branches in branch_plan:
        general = general_of.get(unit.pk)
        made = []
        for k in range(1, n_branches + 1):
            # Under a general branch: all but the last two branches.
            parent = general if general is not None and k <= n_branches - 2 else committee
            made.append(
                _org(
                    f"{unit.code}-{k:02d}",
                    f"{unit.name}第{numeral(k)}党支部",
                    PartyOrg.Kind.BRANCH,
                    parent=parent,
                    unit=unit,
                    secretary=synthetic.name(rng_orgs),
                )
            )
        branches_of[unit.pk] = made
        unit_branches += made
    committee_of = {c.unit_id: c for c in committees}
    by_name = {u.name: u for u in units}
    temporary = [
        _org(
            f"{by_name[unit_name].code}-LS{k}",
            name,
            PartyOrg.Kind.TEMPORARY_BRANCH,
            parent=committee_of[by_name[unit_name].pk],
            unit=by_name[unit_name],
            secretary=synthetic.name(rng_orgs),
        )
        for k, (unit_name, name) in enumerate(TEMPORARY_BRANCHES, start=1)
    ]
    PartyOrg.objects.bulk_create(unit_branches + temporary, batch_size=BATCH)

    # Every community has a community committee attached to its area, with two or three
    # branches; one has a joint branch of the businesses around it.
    community_committees = [
        _org(
            f"{c.code}-DW",
            f"{c.name}党委",
            PartyOrg.Kind.COMMITTEE,
            area=c,
            secretary=synthetic.name(rng_orgs),
        )
        for c in communities
    ]
    PartyOrg.objects.bulk_create(community_committees, batch_size=BATCH)
    community_branches_of: dict[str, list[PartyOrg]] = {}
    community_branches: list[PartyOrg] = []
    for c, committee in zip(communities, community_committees, strict=True):
        made = [
            _org(
                f"{c.code}-{k:02d}",
                f"{c.name}第{numeral(k)}党支部",
                PartyOrg.Kind.BRANCH,
                parent=committee,
                area=c,
                secretary=synthetic.name(rng_orgs),
            )
            for k in range(1, rng_orgs.choice((2, 2, 3)) + 1)
        ]
        if c.name == JOINT_BRANCH_COMMUNITY:
            made.append(
                _org(
                    f"{c.code}-LH1",
                    f"{c.name}沿街商户联合党支部",
                    PartyOrg.Kind.JOINT_BRANCH,
                    parent=committee,
                    area=c,
                    secretary=synthetic.name(rng_orgs),
                )
            )
        community_branches_of[c.code] = made
        community_branches += made
    PartyOrg.objects.bulk_create(community_branches, batch_size=BATCH)
    all_orgs = [wc, *committees, *general_branches, *unit_branches, *temporary]
    all_orgs += [*community_committees, *community_branches]
    log(f"党组织：{len(all_orgs)}个（{len(units)}个单位党委，{len(communities)}个社区党委）")

    # Members: in-service members of the units, then community members not in service.
    people = _People(rng_people, today)

    def somewhere(rng: random.Random) -> tuple[Area, Area]:
        c = rng.choice(communities)
        return c, rng.choice(grids_of[c.code])

    members: list[Member] = []
    for unit, size in zip(units, per_unit, strict=True):
        org_choices = branches_of[unit.pk]
        deputy_share = 0.08 if unit.name == "区人大常委会机关" else 0.012
        committee_share = 0.10 if unit.name == "区政协机关" else 0.015
        for _i in range(size):
            home = None if rng_people.random() < HOMELESS_SHARE else somewhere(rng_people)
            members.append(
                people.member(
                    org=rng_people.choice(org_choices),
                    unit=unit,
                    in_service=True,
                    min_age=23,
                    max_age=59,
                    male_share=0.55,
                    deputy_share=deputy_share,
                    committee_share=committee_share,
                    home=home,
                )
            )
    community_total = max(len(communities), round(COMMUNITY_MEMBERS * scale))
    per_community = _apportion(
        community_total, [rng_people.uniform(0.5, 1.5) for _c in communities], floor=1
    )
    for c, size in zip(communities, per_community, strict=True):
        for _i in range(size):
            members.append(
                people.member(
                    org=rng_people.choice(community_branches_of[c.code]),
                    unit=None,
                    in_service=False,
                    min_age=25,
                    max_age=88,
                    male_share=0.45,
                    deputy_share=0.01,
                    committee_share=0.01,
                    home=(c, rng_people.choice(grids_of[c.code])),
                )
            )

    # The tax bureau's people of the seed story: the first seven of its members lead the
    # seven grids of 晨辉社区, the eighth is the ordinary demo member who lives there.
    chenhui = next(c for c in communities if c.name == CHENHUI)
    chenhui_grids = grids_of[chenhui.code]
    tax = units[tax_index]
    tax_people = [m for m in members if m.unit is tax][: CHENHUI_GRIDS + 1]
    for m, grid in zip(tax_people, [*chenhui_grids, chenhui_grids[0]], strict=True):
        m.home_community, m.home_grid = chenhui, grid
    Member.objects.bulk_create(members, batch_size=BATCH)
    history.spells_new(members, batch_size=BATCH)
    in_service = sum(1 for m in members if m.in_service)
    log(f"党员：{len(members)}名（在职党员{in_service}名）")

    # Log-ins and posts: one for each role, seven grid leaders for 晨辉社区.
    street = next(s for s in streets if s.pk == chenhui.parent_id)
    chenhui_org = next(o for o in community_committees if o.area_id == chenhui.pk)
    users: dict[str, User] = {}
    logins: list[DemoLogin] = []
    posts: list[RoleAssignment] = []
    password = make_password(DEMO_PASSWORD)  # hashed once: the hasher is slow on purpose
    now = timezone.now()

    def user(
        username: str, display: str, role: str, scope: str, *, superuser: bool = False
    ) -> User:
        u = User(
            username=username,
            display_name=display,
            is_superuser=superuser,
            is_staff=superuser,
            password=password,
            password_changed_at=now,
        )
        validate_password(DEMO_PASSWORD, u)
        users[username] = u
        logins.append(DemoLogin(username, role, scope))
        return u

    user("admin", "平台管理员", "平台管理员", "全平台", superuser=True)
    user("district", "区直机关工委管理员", str(Role.DISTRICT_ADMIN.label), district.name)
    user("street", f"{street.name}管理员", str(Role.STREET_ADMIN.label), street.name)
    user(
        "community",
        chenhui_org.secretary,
        f"{Role.COMMUNITY_ADMIN.label}（社区书记）",
        chenhui.name,
    )
    leaders = tax_people[:CHENHUI_GRIDS]
    for k, (m, grid) in enumerate(zip(leaders, chenhui_grids, strict=True), start=1):
        user(
            "grid" if k == 1 else f"grid{k}",
            m.name,
            f"{Role.GRID_LEADER.label}（{tax.name}党员）",
            grid.name,
        )
    user("unit", f"{tax.name}党建管理员", str(Role.UNIT_ADMIN.label), tax.name)
    demo_member = tax_people[CHENHUI_GRIDS]
    user("member", demo_member.name, "在职党员", f"{tax.name}，居住在{chenhui.name}")
    User.objects.bulk_create(list(users.values()))

    posts.append(RoleAssignment(user=users["district"], role=Role.DISTRICT_ADMIN, area=district))
    posts.append(RoleAssignment(user=users["street"], role=Role.STREET_ADMIN, area=street))
    posts.append(RoleAssignment(user=users["community"], role=Role.COMMUNITY_ADMIN, area=chenhui))
    for k, grid in enumerate(chenhui_grids, start=1):
        username = "grid" if k == 1 else f"grid{k}"
        posts.append(RoleAssignment(user=users[username], role=Role.GRID_LEADER, area=grid))
    posts.append(RoleAssignment(user=users["unit"], role=Role.UNIT_ADMIN, unit=tax))
    RoleAssignment.objects.bulk_create(posts)
    for k, m in enumerate(leaders, start=1):
        m.user = users["grid" if k == 1 else f"grid{k}"]
    demo_member.user = users["member"]
    Member.objects.bulk_update([*leaders, demo_member], ["user"])
    activated = _member_accounts(
        [m for m in members if m.unit is tax and m.user is None], rng=random.Random(f"{seed}:acc")
    )
    log(f"账号：{len(users)}个，岗位：{len(posts)}个；{tax.name}党员已开通账号{activated}个")

    moves = _history(members, units=units, tax=tax, admin=users["admin"], today=today, seed=seed)
    log(f"组织关系转接：{moves}人次（含补录的往期转接），年内离开在职岗位1人")

    counts = {
        "streets": len(streets),
        "communities": len(communities),
        "grids": len(grids),
        "units": len(units),
        "party_orgs": len(all_orgs),
        "members": len(members),
        "in_service_members": in_service,
        "users": len(users),
        "posts": len(posts),
    }
    audit_record(
        action="import",
        object_type="orgs.demo",
        object_repr=f"{DISTRICT_NAME}演示数据",
        changes={"seed": seed, "scale": scale, **counts},
        actor_label="gongjian demo",
    )
    return DemoContext(
        seed=seed,
        rng=random.Random(f"{seed}:apps"),
        today=today,
        district=district,
        streets={s.code: s for s in streets},
        communities={c.code: c for c in communities},
        grids={g.code: g for g in grids},
        units={u.code: u for u in units},
        orgs={o.code: o for o in all_orgs},
        users=users,
        logins=logins,
        log=log,
        counts=counts,
    )


# The year's history (ADR 0030): a few members moved between units during the year, some of
# the moves recorded late with their earlier effective date, and one left the service, so the
# figures of a past month differ from today's (docs/demo.md).
TRANSFER_DAYS_AGO = (200, 120, 75, 45, 0)
LEFT_SERVICE_DAYS_AGO = 90


def _history(
    members: list[Member], *, units: list[Unit], tax: Unit, admin: User, today: dt.date, seed: int
) -> int:
    """Transfers through the service, on past days (the year's), and one member who left the
    service; members of the seed story (those with an account, 区税务局's) are left alone."""
    from gongjian.orgs.services import member_transfer, member_update

    rng = random.Random(f"{seed}:history")
    latest = min(today, timezone.localdate())  # the services refuse a day after today
    first = latest - dt.timedelta(days=max(TRANSFER_DAYS_AGO) + 1)
    movable = [
        m
        for m in members
        if m.in_service and m.unit is not None and m.unit is not tax and m.user_id is None
        if m.joined_on is None or m.joined_on < first
    ]
    chosen = rng.sample(movable, min(len(movable), len(TRANSFER_DAYS_AGO) + 1))
    branches = {
        o.unit_id: o
        for o in PartyOrg.objects.filter(kind=PartyOrg.Kind.BRANCH, unit__isnull=False).order_by(
            "-code"
        )
    }
    moved = 0
    for m, days_ago in zip(chosen, TRANSFER_DAYS_AGO, strict=False):
        others = [u for u in units if u.pk != m.unit_id and u.pk in branches and u is not tax]
        target = rng.choice(others)
        member_transfer(
            actor=admin,
            member=m.public_id,
            to_org=branches[target.pk].pk,
            effective_on=latest - dt.timedelta(days=days_ago),
            reason="工作调动",
        )
        moved += 1
    if len(chosen) > len(TRANSFER_DAYS_AGO):
        leaver = chosen[-1]
        member_update(
            actor=admin,
            member=leaver.public_id,
            in_service=False,
            unit=None,  # retired: no longer in a unit's service
            effective_on=latest - dt.timedelta(days=LEFT_SERVICE_DAYS_AGO),
        )
    return moved


# Member accounts: most members of 区税务局 have activated theirs (issue 12), some have not, so
# the unit's chase list has people in it.
ACTIVATED_SHARE = 0.85


def _member_accounts(members: list[Member], *, rng: random.Random) -> int:
    """Accounts for most of `members`, as if each had activated with the phone on record (no
    password: they log in by SMS code); some logged in lately."""
    chosen = [m for m in members if m.phone and rng.random() < ACTIVATED_SHARE]
    now = timezone.now()
    accounts = [
        User(
            username=f"m{m.public_id.hex[:12]}",
            display_name=m.name,
            phone=m.phone,
            phone_hash=m.phone_hash,
            password=make_password(None),
            last_login=now - dt.timedelta(days=rng.randint(0, 40), minutes=rng.randint(0, 600))
            if rng.random() < 0.7
            else None,
        )
        for m in chosen
    ]
    User.objects.bulk_create(accounts, batch_size=BATCH)
    ids = dict(
        User.objects.filter(username__in=[u.username for u in accounts]).values_list(
            "username", "pk"
        )
    )
    for m, u in zip(chosen, accounts, strict=True):
        m.user_id = ids[u.username]
    Member.objects.bulk_update(chosen, ["user"], batch_size=BATCH)
    return len(chosen)


def app_builders() -> list[tuple[str, Callable[[DemoContext], Any]]]:
    """The `build` function of every other gongjian app that has a `demo` module, in
    INSTALLED_APPS order. Found through the app registry, so this app imports none of them."""
    out = []
    for config in apps.get_app_configs():
        if not config.name.startswith("gongjian.") or config.name == "gongjian.orgs":
            continue
        name = f"{config.name}.demo"
        if importlib.util.find_spec(name) is None:
            continue
        out.append((config.label, importlib.import_module(name).build))
    return out


def build_apps(ctx: DemoContext) -> list[str]:
    """Hand the context to every other app's demo builder; returns the labels of those run."""
    ran = []
    for label, build in app_builders():
        ctx.log(f"{label}：生成演示数据")
        build(ctx)
        ran.append(label)
    return ran
