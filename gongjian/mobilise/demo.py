"""Demo data of mobilisation on top of the orgs demo: a past mobilisation of the reported size
(370 cadres of 43 units sent to 4 towns and 77 villages and communities, all arrived that
afternoon, 15 checkpoints each with a temporary branch and a duty roster of two months, 17
vanguard teams, stood down), and one under way today: 区税务局 still has cadres to name, the
demo member has been named and not yet confirmed, half of the others have arrived — so the
board, the picker and the cadre's link all show something real. Deterministic from the seed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from gongjian.core.audit import audit_record
from gongjian.mobilise.models import (
    Arrival,
    Dispatch,
    Duty,
    Group,
    Mobilisation,
    Place,
    Quota,
    Shift,
)
from gongjian.orgs.models import Area, Member, PartyOrg

CADRES = 370
UNITS = 43
VILLAGES = 77
CHECKPOINTS = 15
TEAMS = 17
ROSTER_DAYS = 60
SHIFT_HOURS = 8
VILLAGE_NAMES = ("石桥村", "柳溪村", "龙潭村", "白沙村", "桃源村")


def _apportion(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def build(ctx: Any) -> None:
    rng = ctx.rng_for("mobilise")
    tz = timezone.get_current_timezone()
    today: dt.date = ctx.today
    district = ctx.district
    district_user = ctx.users.get("district")
    units = sorted(ctx.units.values(), key=lambda u: u.code)
    tax = ctx.unit_named("区税务局")
    chosen = [tax, *[u for u in units if u != tax][: UNITS - 1]]
    streets = sorted(ctx.streets.values(), key=lambda a: a.code)
    communities = sorted(ctx.communities.values(), key=lambda a: a.code)
    committee = PartyOrg.objects.filter(code="SFQ-GW").first()
    members_of: dict[int, list[Member]] = {}
    for m in Member.objects.filter(unit__in=chosen, in_service=True, is_active=True).order_by("pk"):
        members_of.setdefault(m.unit_id or 0, []).append(m)
    demo_member = Member.objects.filter(user__username="member").first()

    # The past mobilisation ------------------------------------------------------------------
    began = dt.datetime.combine(today - dt.timedelta(days=120), dt.time(14, 0), tzinfo=tz)
    past = Mobilisation.objects.create(
        district=district,
        title="关于调度安排区直机关干部支援基层一线疫情防控工作的通知",
        reason="按照“到点、到村居、到户、到人”的原则，区直机关干部下沉镇街、村（社区）和检查站点支援一线。",
        starts_at=began,
        contact="区直机关工委 组织科 0571-00000000",
        status=Mobilisation.Status.STOOD_DOWN,
        stood_down_at=began + dt.timedelta(days=ROSTER_DAYS + 1),
        created_by=district_user,
    )
    towns = [
        Place.objects.create(mobilisation=past, name=f"{s.name}", kind=Place.Kind.TOWN, area=s)
        for s in streets[:4]
    ]
    # The district's 74 communities and, beyond them, villages (村) of the streets the cadres
    # went to: areas of the community level whose local kind is a village.
    extra_villages = []
    for k, name in enumerate(VILLAGE_NAMES[: max(0, VILLAGES - len(communities))]):
        street = streets[k % 4]
        code = f"{street.code}V{k + 1:02d}"
        extra_villages.append(
            Area(
                code=code,
                name=name,
                kind=Area.Kind.COMMUNITY,
                local_kind=Area.LocalKind.VILLAGE,
                parent=street,
                path=f"{street.path}{code}/",
                depth=street.depth + 1,
            )
        )
    Area.objects.bulk_create(extra_villages)
    village_areas = communities + extra_villages
    villages = []
    for k in range(VILLAGES):
        area = village_areas[k] if k < len(village_areas) else None
        name = area.name if area else f"云栖村{k - len(village_areas) + 1}组"
        parent = (
            towns[k % len(towns)]
            if area is None
            else next((t for t in towns if t.area_id == area.parent_id), towns[0])
        )
        villages.append(
            Place(mobilisation=past, name=name, kind=Place.Kind.VILLAGE, area=area, parent=parent)
        )
    checkpoints = [
        Place(
            mobilisation=past,
            name=f"{towns[k % 4].name}{k // 4 + 1}号检查站",
            kind=Place.Kind.CHECKPOINT,
            area=towns[k % 4].area,
            parent=towns[k % 4],
        )
        for k in range(CHECKPOINTS)
    ]
    Place.objects.bulk_create(villages + checkpoints)
    # 12 cadres at each checkpoint (180), the rest in the villages (190)
    slots: list[Place] = [c for c in checkpoints for _ in range(12)]
    rest = CADRES - len(slots)
    slots += [villages[k % VILLAGES] for k in range(rest)]
    per_unit = _apportion(CADRES, UNITS)
    quotas: dict[tuple[int, int], Quota] = {}
    dispatches: list[Dispatch] = []
    at = 0
    for unit, n in zip(chosen, per_unit, strict=True):
        people = members_of.get(unit.pk, [])[:n]
        for m in people:
            place = slots[at]
            at += 1
            key = (unit.pk, place.pk)
            if key not in quotas:
                quotas[key] = Quota(
                    mobilisation=past, unit=unit, place=place, count=0, from_at=began
                )
            quotas[key].count += 1
            dispatches.append(
                Dispatch(
                    mobilisation=past,
                    quota=quotas[key],
                    place=place,
                    unit=unit,
                    member=m,
                    confirmed_at=began + dt.timedelta(minutes=rng.randrange(5, 40)),
                    active=False,
                    named_by=district_user,
                )
            )
    Quota.objects.bulk_create(list(quotas.values()))
    for d in dispatches:
        d.quota_id = d.quota.pk
    Dispatch.objects.bulk_create(dispatches, batch_size=1000)
    Arrival.objects.bulk_create(
        [
            Arrival(
                dispatch=d,
                mobilisation=past,
                place=d.place,
                arrived_at=began + dt.timedelta(minutes=rng.randrange(40, 200)),
                method=Arrival.Method.QR if rng.random() < 0.9 else Arrival.Method.MARKED,
            )
            for d in dispatches
        ],
        batch_size=1000,
    )
    # Rosters: three 8-hour shifts a day at each checkpoint, four cadres each, for two months
    by_place: dict[int, list[Dispatch]] = {}
    for d in dispatches:
        by_place.setdefault(d.place.pk, []).append(d)
    shifts: list[Shift] = []
    for c in checkpoints:
        for day in range(ROSTER_DAYS):
            for s in range(24 // SHIFT_HOURS):
                start = began + dt.timedelta(days=day, hours=2 + s * SHIFT_HOURS)
                shifts.append(
                    Shift(
                        place=c,
                        starts_at=start,
                        ends_at=start + dt.timedelta(hours=SHIFT_HOURS),
                        need=4,
                    )
                )
    Shift.objects.bulk_create(shifts, batch_size=2000)
    duties: list[Duty] = []
    for i, shift in enumerate(shifts):
        crew = by_place.get(shift.place.pk, [])
        if len(crew) < 12:
            continue
        s = i % 3
        for d in crew[s * 4 : s * 4 + 4]:
            late = rng.randrange(0, 10)
            duties.append(
                Duty(
                    shift=shift,
                    dispatch=d,
                    member_id=d.member_id,
                    checked_in_at=shift.starts_at + dt.timedelta(minutes=late),
                    checked_out_at=shift.ends_at + dt.timedelta(minutes=rng.randrange(0, 15)),
                )
            )
    Duty.objects.bulk_create(duties, batch_size=5000)
    # 15 temporary branches (one at each checkpoint), 17 vanguard teams in the villages
    groups = 0
    for k, c in enumerate(checkpoints):
        crew = by_place.get(c.pk, [])
        org = PartyOrg.objects.create(
            code=f"SFQ-LS{k + 1:02d}",
            name=f"{c.name}临时党支部",
            kind=PartyOrg.Kind.TEMPORARY_BRANCH,
            parent=committee,
            area=c.area or district,
            secretary=crew[0].member.name if crew else "",
            path=f"{committee.path if committee else '/'}SFQ-LS{k + 1:02d}/",
            depth=(committee.depth + 1) if committee else 0,
        )
        g = Group.objects.create(
            mobilisation=past,
            kind=Group.Kind.TEMPORARY_BRANCH,
            name=org.name,
            place=c,
            party_org=org,
            leader=crew[0].member if crew else None,
        )
        g.members.set([d.member_id for d in crew])
        groups += 1
    for k in range(TEAMS):
        village = villages[k * 4 % VILLAGES]
        crew = by_place.get(village.pk, []) + by_place.get(villages[(k * 4 + 1) % VILLAGES].pk, [])
        g = Group.objects.create(
            mobilisation=past,
            kind=Group.Kind.VANGUARD_TEAM,
            name=f"党员抗疫先锋队第{k + 1}队",
            place=village,
            leader=crew[0].member if crew else None,
        )
        g.members.set([d.member_id for d in crew])
        groups += 1

    # One under way today ---------------------------------------------------------------------
    now = timezone.now()
    live = Mobilisation.objects.create(
        district=district,
        title="关于组织区直机关干部支援防汛一线的通知",
        reason="强降雨期间，区直机关干部下沉沿江村（社区）协助巡查、转移群众。",
        starts_at=now - dt.timedelta(hours=1),
        contact="区直机关工委 组织科 0571-00000000",
        created_by=district_user,
    )
    live_places = [
        Place(mobilisation=live, name=c.name, kind=Place.Kind.VILLAGE, area=c)
        for c in communities[:8]
    ] + [
        Place(mobilisation=live, name="江堤1号值守点", kind=Place.Kind.CHECKPOINT, area=streets[-1])
    ]
    Place.objects.bulk_create(live_places)
    live_units = chosen[:10]
    live_quotas = [
        Quota(
            mobilisation=live, unit=u, place=live_places[k % len(live_places)], count=4, from_at=now
        )
        for k, u in enumerate(live_units)
    ]
    Quota.objects.bulk_create(live_quotas)
    live_dispatches = []
    for q in live_quotas:
        people = [m for m in members_of.get(q.unit_id, []) if m.pk != getattr(demo_member, "pk", 0)]
        taken = (
            people[-4:]
            if q.unit_id != tax.pk
            else ([demo_member] if demo_member else []) + people[-1:]
        )
        for m in taken:
            live_dispatches.append(
                Dispatch(
                    mobilisation=live,
                    quota=q,
                    place=q.place,
                    unit_id=q.unit_id,
                    member=m,
                    named_by=district_user,
                )
            )
    Dispatch.objects.bulk_create(live_dispatches)
    arrivals = []
    for k, d in enumerate(live_dispatches):
        if d.member_id == getattr(demo_member, "pk", None):
            continue
        if k % 3 != 2:
            d.confirmed_at = now - dt.timedelta(minutes=50 - k % 40)
        if k % 2 == 0 and d.confirmed_at:
            arrivals.append(
                Arrival(
                    dispatch=d,
                    mobilisation=live,
                    place=d.place,
                    arrived_at=now - dt.timedelta(minutes=k % 30),
                    method=Arrival.Method.QR,
                )
            )
    Dispatch.objects.bulk_update(live_dispatches, ["confirmed_at"])
    Arrival.objects.bulk_create(arrivals)
    checkpoint = live_places[-1]
    checkpoint.leader = next(
        (d.member for d in live_dispatches if d.place.pk == checkpoint.pk), None
    )
    checkpoint.save(update_fields=["leader", "updated_at"])
    start = now.replace(minute=0, second=0, microsecond=0)
    Shift.objects.bulk_create(
        [
            Shift(
                place=checkpoint,
                starts_at=start + dt.timedelta(hours=4 * k),
                ends_at=start + dt.timedelta(hours=4 * k + 4),
                need=2,
            )
            for k in range(3)
        ]
    )
    audit_record(
        action="import",
        object_type="mobilise.demo",
        object_repr="下沉动员演示数据",
        changes={
            "cadres": len(dispatches),
            "units": len({d.unit_id for d in dispatches}),
            "villages": len(villages),
            "checkpoints": len(checkpoints),
            "duties": len(duties),
            "groups": groups,
            "live_dispatches": len(live_dispatches),
        },
        actor_label="gongjian demo",
    )
    ctx.log(
        f"下沉动员：{len(dispatches)}名干部、{len({d.unit_id for d in dispatches})}个单位、"
        f"{len(villages)}个村（社区）、值守{len(duties)}人次、临时党支部和先锋队{groups}个"
    )
