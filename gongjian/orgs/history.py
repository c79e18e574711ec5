"""A member's effective-dated history (ADR 0030): one `MemberSpell` per interval in which their
party organisation, unit, in-service state, roll state and home (community, grid) stayed the
same. The open spell is the member's row as it stands; every figure counted "as of" a day reads
the spell valid on that day (`valid_on`).

Only this module writes spells. `Member.save` calls `before_save`/`after_save`, so every save
of the row (a service, the admin, a test) keeps the open spell equal to it; a service that
knows the change took effect earlier sets `member.history_on` (a transfer's `effective_on`,
the day a member left the service) before saving, and the change is written from that day on,
up to the next change of the same field already recorded. Bulk writes (the demo, imports)
call `spells_open` or `record` themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from gongjian.core.figures import written
from gongjian.orgs.models import Member, MemberSpell

# The member's fields the history keeps (attribute names), and the names `update_fields` uses.
FIELDS = ("party_org_id", "unit_id", "in_service", "is_active", "home_community_id", "home_grid_id")
FIELD_NAMES = frozenset({*FIELDS, *(f.removesuffix("_id") for f in FIELDS)})
COLUMNS = ("pk", "joined_on", *(f.removesuffix("_id") for f in FIELDS))  # for `.only()`

Values = dict[str, Any]
FIRST = F("valid_from").asc(nulls_first=True)  # the oldest spell first (NULL: since always)


def valid_on(day: dt.date, prefix: str = "") -> Q:
    """Spells valid on `day` (a spell holds from `valid_from` up to, not including,
    `valid_to`; None at either end is open)."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": day})
    )


def spells_on(day: dt.date) -> QuerySet[MemberSpell]:
    """Every member's spell valid on `day` (at most one each)."""
    return MemberSpell.objects.filter(valid_on(day))


def values_of(obj: Any) -> Values:
    return {f: getattr(obj, f) for f in FIELDS}


def _spell(member_id: int, values: Values, start: dt.date | None, end: dt.date | None) -> Any:
    return MemberSpell(member_id=member_id, valid_from=start, valid_to=end, **values)


def spells_open(members: Iterable[Member]) -> int:
    """One open spell for each of these members that has none, from their joining day (bulk
    writes: the demo, the member import). Returns how many were written."""
    members = list(members)
    have = set(
        MemberSpell.objects.filter(member_id__in=[m.pk for m in members]).values_list(
            "member_id", flat=True
        )
    )
    spells = [_spell(m.pk, values_of(m), m.joined_on, None) for m in members if m.pk not in have]
    MemberSpell.objects.bulk_create(spells, batch_size=1000)
    if spells:
        written.send(sender=MemberSpell, instances=spells)
    return len(spells)


def spells_new(members: Iterable[Member], batch_size: int = 1000) -> None:
    """The first, open spell of each of these members just inserted in bulk (the demo)."""
    MemberSpell.objects.bulk_create(
        [_spell(m.pk, values_of(m), m.joined_on, None) for m in members], batch_size=batch_size
    )


# One open spell for every member that has none, from their joining day, in one statement
# (members loaded in bulk by plain SQL: the benchmarks' generators).
OPEN_ALL_SQL = """
INSERT INTO orgs_memberspell (member_id, party_org_id, unit_id, in_service, is_active,
                              home_community_id, home_grid_id, valid_from, valid_to)
SELECT m.id, m.party_org_id, m.unit_id, m.in_service, m.is_active, m.home_community_id,
       m.home_grid_id, m.joined_on, NULL
FROM orgs_member m
WHERE NOT EXISTS (SELECT 1 FROM orgs_memberspell s WHERE s.member_id = m.id)
"""


def spells_open_all() -> int:
    """`OPEN_ALL_SQL`; returns how many spells it wrote."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(OPEN_ALL_SQL)
        return int(cursor.rowcount)


def before_save(member: Member, update_fields: Any) -> bool:
    """Whether this save may change the history; an existing member saved before they had
    spells (written in bulk) first gets one from the row as it stood."""
    if update_fields is not None and not FIELD_NAMES.intersection(update_fields):
        return False
    if member.pk is None:
        return True
    if not MemberSpell.objects.filter(member_id=member.pk).exists():
        old = Member.objects.filter(pk=member.pk).first()
        if old is not None:
            MemberSpell.objects.create(
                member_id=member.pk, valid_from=old.joined_on, valid_to=None, **values_of(old)
            )
    return True


def after_save(member: Member) -> None:
    """Write what changed on the row into the history, from `member.history_on` (today when
    not set); a new member gets their first, open spell."""
    on = getattr(member, "history_on", None) or timezone.localdate()
    member.history_on = None
    spells = list(MemberSpell.objects.filter(member_id=member.pk).order_by(FIRST, "pk"))
    if not spells:
        MemberSpell.objects.create(
            member_id=member.pk, valid_from=member.joined_on, valid_to=None, **values_of(member)
        )
        return
    now = values_of(member)
    last = values_of(spells[-1])
    changes = {f: v for f, v in now.items() if last[f] != v}
    if changes:
        record(member, on=on, changes=changes, spells=spells)


def _start(day: dt.date | None) -> dt.date:
    return day or dt.date.min


def record(
    member: Member, *, on: dt.date, changes: Values, spells: list[Any] | None = None
) -> None:
    """The fields in `changes` take these values from `on`, until the next change of each
    already recorded after it. The member's row is left equal to the open spell."""
    if spells is None:
        spells = list(MemberSpell.objects.filter(member_id=member.pk).order_by(FIRST, "pk"))
    if not spells:  # written in bulk: the row as it stands, since they joined
        spells = [
            MemberSpell.objects.create(
                member_id=member.pk, valid_from=member.joined_on, **values_of(member)
            )
        ]
    rows: list[list[Any]] = [[s.valid_from, s.valid_to, values_of(s)] for s in spells]
    on = max(on, _start(rows[0][0]))
    i = next(
        (k for k, (lo, hi, _v) in enumerate(rows) if _start(lo) <= on and (hi is None or on < hi)),
        len(rows) - 1,
    )
    lo, hi, values = rows[i]
    if _start(lo) < on:  # split the spell that holds on `on`
        rows[i][1] = on
        rows.insert(i + 1, [on, hi, dict(values)])
        i += 1
    original = [dict(r[2]) for r in rows]
    for field, value in changes.items():
        for k in range(i, len(rows)):
            if k > i and original[k][field] != original[k - 1][field]:
                break  # a later change of this field stands
            rows[k][2][field] = value
    merged: list[list[Any]] = []
    for row in rows:
        if merged and merged[-1][2] == row[2]:
            merged[-1][1] = row[1]
        else:
            merged.append(row)
    MemberSpell.objects.filter(member_id=member.pk).delete()
    MemberSpell.objects.bulk_create([_spell(member.pk, v, a, b) for a, b, v in merged])
    written.send(sender=MemberSpell, instance=member)
    current = merged[-1][2]
    if values_of(member) != current:
        Member.objects.filter(pk=member.pk).update(**current)
        for field, value in current.items():
            setattr(member, field, value)
        written.send(sender=Member, instance=member)


def state_on(member: Member | int, day: dt.date) -> Any:
    """The member's spell valid on `day`, or None (not yet on the records then)."""
    pk = member.pk if isinstance(member, Member) else member
    return MemberSpell.objects.filter(valid_on(day), member_id=pk).first()
