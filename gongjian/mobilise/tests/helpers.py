"""A mobilisation of the reported shape for the tests: 43 units to 4 towns and 77 villages
(and a checkpoint), each unit with cadres of its own."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from gongjian.mobilise import services
from gongjian.mobilise.models import Mobilisation, Place, Quota
from gongjian.orgs.models import Member, Unit
from gongjian.testing.cast import Cast, make_member, make_org

TOWNS = 4
VILLAGES = 77
UNITS = 43


@dataclass
class World:
    units: list[Unit]
    cadres: dict[int, list[Member]]  # unit id → its members


def world(c: Cast, *, cadres_per_unit: int = 3) -> World:
    """The cast's two units and 41 more in 示范区, each with a branch and its cadres (the tax
    bureau's are the cast's member and their colleague, and one more)."""
    units = [c.tax, c.justice]
    for i in range(UNITS - 2):
        units.append(
            Unit.objects.create(code=f"U-M{i:02d}", name=f"区直单位{i + 1:02d}", area=c.district)
        )
    cadres: dict[int, list[Member]] = {c.tax.pk: [c.member_record, c.tax_colleague]}
    cadres[c.justice.pk] = [c.justice_member]
    for unit in units:
        branch = (
            c.tax_branch
            if unit == c.tax
            else c.justice_branch
            if unit == c.justice
            else make_org(
                f"B-{unit.code}",
                f"{unit.name}党支部",
                "branch",
                unit=unit,
                parent=c.working_committee,
            )
        )
        have = cadres.setdefault(unit.pk, [])
        while len(have) < cadres_per_unit:
            have.append(make_member(f"{unit.name}干部{len(have) + 1}", branch, unit=unit))
    return World(units=units, cadres=cadres)


def places() -> list[tuple[str, str, None, str]]:
    out: list[tuple[str, str, None, str]] = []
    for t in range(TOWNS):
        out.append((f"支援镇{t + 1}", "town", None, ""))
    for v in range(VILLAGES):
        out.append((f"支援村{v + 1:02d}", "village", None, f"支援镇{v % TOWNS + 1}"))
    out.append(("青禾检查站", "checkpoint", None, "支援镇1"))
    return out


def quotas(w: World) -> list[tuple[int, str, int, None]]:
    """Unit i: 2 cadres to village i, 1 to village i+43 (villages 44–77); the tax bureau also
    sends 1 to the checkpoint."""
    out: list[tuple[int, str, int, None]] = []
    for i, unit in enumerate(w.units):
        out.append((unit.pk, f"支援村{i + 1:02d}", 2, None))
        if i + UNITS < VILLAGES:
            out.append((unit.pk, f"支援村{i + UNITS + 1:02d}", 1, None))
    out.append((w.units[0].pk, "青禾检查站", 1, None))
    return out


def issue(c: Cast, w: World, **kwargs: object) -> Mobilisation:
    args: dict[str, object] = {
        "actor": c.district_admin,
        "title": "关于调度安排区直机关干部支援基层一线工作的通知",
        "reason": "支援基层一线",
        "contact": "区工委 张主任 13800000000",
        "starts_at": timezone.now(),
        "places": places(),
        "quotas": quotas(w),
    }
    args.update(kwargs)
    return services.mobilisation_issue(**args)  # type: ignore[arg-type]


def quota(m: Mobilisation, unit: Unit, place: str) -> Quota:
    return Quota.objects.get(mobilisation=m, unit=unit, place__name=place)


def place(m: Mobilisation, name: str) -> Place:
    return Place.objects.get(mobilisation=m, name=name)
