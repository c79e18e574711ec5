"""Every write of the mobilise app: resolved through the caller's scope, validated, atomic,
audited.

The flow: the working committee issues a mobilisation with its places and, for each unit,
how many cadres it sends where and from when (`mobilisation_issue`; every unit
administrator is told at once, in-app and by text) → a unit administrator names the cadres
(`cadres_name`: only the unit's own members, none already deployed, never over the quota;
each cadre is sent a link) → the cadre confirms from the link (`dispatch_confirm`) → arrives:
checks in at the place by its QR code (`arrival_checkin`, only at the assigned place) or is
marked by the place's leader (`arrival_mark`, audited) → duty rosters at checkpoints
(`shift_create`, `duty_assign`, `duty_swap`, `duty_check_in` / `duty_check_out`) →
temporary branches and vanguard teams (`group_form`) → stand-down
(`mobilisation_stand_down`).

What must never happen is the database's to refuse: one arrival per dispatch (a one-to-one
row; 20 parallel check-ins write one), one active dispatch per member (a partial unique
constraint), one duty per member and shift. Counting against a quota takes the quota's row
lock.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from gongjian.core.access import key_of, one, public_ids, user_of
from gongjian.core.audit import audit_append, audit_record
from gongjian.core.contacts import contact_unmask, contact_values, split_contact
from gongjian.core.errors import Conflict, NotFound, ValidationFailed
from gongjian.core.validation import clean_choice, clean_int, clean_text, invalid
from gongjian.mobilise import selectors
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
from gongjian.orgs import scope
from gongjian.orgs import selectors as org_selectors
from gongjian.orgs.models import Area, Member, PartyOrg, Role, RoleAssignment, Unit
from gongjian.orgs.services import NoticeDraft, notices_send

MAX_PLACES = 2000
MAX_QUOTAS = 20000


def clean_moment(field: str, value: Any, label: str) -> dt.datetime:
    """A moment as a page or the API sends it (`2026-12-01T15:00`, aware or local)."""
    if isinstance(value, dt.datetime):
        moment = value
    else:
        text = str(value or "").strip().replace(" ", "T")
        moment = parse_datetime(text) if text else None  # type: ignore[assignment]
        if moment is None:
            raise invalid(field, _("%(l)s格式不正确，应如2026-12-01 15:00") % {"l": label})
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_current_timezone())
    return moment


# Issue ----------------------------------------------------------------------------------------


@transaction.atomic
def mobilisation_issue(
    *,
    actor: Any,
    title: str,
    starts_at: Any,
    places: Sequence[tuple[str, str, Any, str]],
    quotas: Sequence[tuple[Any, str, Any, Any]],
    reason: str = "",
    contact: str = "",
    district_id: Any = None,
) -> Mobilisation:
    """The working committee issues a mobilisation. `places`: rows of (name, kind, area id or
    code or None, name of the town it belongs to or ""); `quotas`: rows of (unit id or code,
    place name, count, from when or None for `starts_at`). Rows left wholly empty (a table's
    spare rows) are skipped; an error names the row (counted from 1) and the field. Every
    unit administrator asked is told at once."""
    title = clean_text("title", title, _("动员令"), 100)
    reason = clean_text("reason", reason, _("事由"), 4000, required=False, multiline=True)
    contact_parts = split_contact("contact", contact, _("联系人及电话"), 100)
    start = clean_moment("starts_at", starts_at, _("到岗时间"))
    district = org_selectors.committee_district(
        actor, district_id, refused=_("只有机关工委可以发布动员令")
    )
    place_rows = [(n, row) for n, row in enumerate(places, start=1) if not _blank(row)]
    quota_rows = [(n, row) for n, row in enumerate(quotas, start=1) if not _blank(row)]
    if not place_rows:
        raise invalid("places", _("请至少填写一个支援点位"))
    if len(place_rows) > MAX_PLACES or len(quota_rows) > MAX_QUOTAS:
        raise invalid("places", _("点位或派员任务过多"))
    if not quota_rows:
        raise invalid("quotas", _("请至少为一个单位分配派员任务"))
    mobilisation = Mobilisation.objects.create(
        district=district,
        title=title,
        reason=reason,
        starts_at=start,
        **contact_values(contact_parts),
        created_by=user_of(actor),
    )
    made = _places_make(mobilisation, place_rows)
    units = _by_ref(
        Unit.objects.filter(area__path__startswith=district.path), [q[0] for _n, q in quota_rows]
    )
    rows = []
    seen: set[tuple[int, str]] = set()
    asked: dict[int, Unit] = {}
    for n, (unit_ref, place_name, count, from_at) in quota_rows:

        def bad(message: str, n: int = n) -> Exception:
            return invalid("quotas", _("派员任务第%(n)s行：%(m)s") % {"n": n, "m": message})

        if str(unit_ref or "").strip() == "":
            raise bad(_("请选择单位"))
        unit = units.get(str(unit_ref).strip())
        if unit is None:
            raise bad(_("单位不存在或不在本区"))
        if str(place_name or "").strip() == "":
            raise bad(_("请填写点位名称"))
        place = made.get(str(place_name).strip())
        if place is None:
            raise bad(_("点位“%(p)s”不在支援点位中") % {"p": place_name})
        if (unit.pk, place.name) in seen:
            raise bad(_("%(u)s到%(p)s的任务重复") % {"u": unit.name, "p": place.name})
        seen.add((unit.pk, place.name))
        try:
            k = clean_int("quotas", count, _("派员人数"), minimum=1, maximum=10000)
            when = clean_moment("quotas", from_at, _("到岗时间")) if from_at else start
        except ValidationFailed as exc:
            raise bad(exc.message) from None
        asked[unit.pk] = unit
        rows.append(Quota(mobilisation=mobilisation, unit=unit, place=place, count=k, from_at=when))
    Quota.objects.bulk_create(rows, batch_size=1000)
    audit_record(
        action="create",
        obj=mobilisation,
        changes={"title": [None, title], "places": [None, len(made)], "quotas": [None, len(rows)]},
    )
    _tell_units(mobilisation, list(asked.values()))
    return mobilisation


def _blank(row: Sequence[Any]) -> bool:
    return all(str(x if x is not None else "").strip() == "" for x in row)


def _number_or_zero(value: Any) -> int:
    text = str(value if value is not None else "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 18 else 0


def _by_ref(qs: Any, refs: Sequence[Any]) -> dict[str, Any]:
    """The rows of `qs` that `refs` name — by id (a number, as the API sends) or by code (as a
    picker sends) — keyed by the ref as given (text)."""
    texts = {str(r).strip() for r in refs if str(r if r is not None else "").strip()}
    found = {}
    by_code = {o.code: o for o in qs.filter(code__in=texts)}
    by_id = {str(o.pk): o for o in qs.filter(pk__in=[_number_or_zero(t) for t in texts])}
    for text in texts:
        hit = by_code.get(text) or by_id.get(text)
        if hit is not None:
            found[text] = hit
    return found


def _places_make(
    mobilisation: Mobilisation, places: Sequence[tuple[int, tuple[str, str, Any, str]]]
) -> dict[str, Place]:
    """The places, from numbered rows (name, kind, area id or code, town's name). A row with
    an area and no name takes the area's name; a village or checkpoint whose town is not
    named belongs to the town row of its area's street, when there is one."""
    areas = _by_ref(
        Area.objects.filter(path__startswith=mobilisation.district.path), [p[1][2] for p in places]
    )
    made: dict[str, Place] = {}
    town_of_area: dict[int, Place] = {}
    for n, (name, kind, area_ref, parent_name) in places:

        def bad(message: str, n: int = n) -> Exception:
            return invalid("places", _("支援点位第%(n)s行：%(m)s") % {"n": n, "m": message})

        area = None
        if str(area_ref if area_ref is not None else "").strip():
            area = areas.get(str(area_ref).strip())
            if area is None:
                raise bad(_("所在区域不在本区"))
        try:
            name = clean_text("places", name or (area.name if area else ""), _("点位名称"), 100)
            kind = clean_choice("places", kind, _("点位类型"), Place.Kind.choices)
        except ValidationFailed as exc:
            raise bad(exc.message) from None
        if name in made:
            raise bad(_("点位“%(p)s”重复") % {"p": name})
        parent_name = str(parent_name or "").strip()
        parent = made.get(parent_name) if parent_name else None
        if parent_name and (parent is None or parent.kind != Place.Kind.TOWN):
            raise bad(_("所属镇街“%(t)s”须是上面列出的镇街点位") % {"t": parent_name})
        if parent is None and kind != Place.Kind.TOWN and area is not None:
            street = area if area.kind == Area.Kind.STREET else None
            parent = town_of_area.get(area.parent_id or 0) or (
                town_of_area.get(street.pk) if street else None
            )
        made[name] = Place.objects.create(
            mobilisation=mobilisation, name=name, kind=kind, area=area, parent=parent
        )
        if kind == Place.Kind.TOWN and area is not None:
            town_of_area[area.pk] = made[name]
    return made


def _link(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def _tell_units(mobilisation: Mobilisation, units: list[Unit], suffix: str = "") -> None:
    admins = RoleAssignment.objects.filter(
        role=Role.UNIT_ADMIN, unit__in=units, user__member__isnull=False
    ).values_list("user__member__id", "unit__name")
    link = _link("mobilise:mobilisation_detail", mobilisation.public_id)
    when = timezone.localtime(mobilisation.starts_at)
    drafts = [
        NoticeDraft(
            member_id=member_id,
            kind="mobilise.issued",
            title=_("动员令：%(t)s") % {"t": mobilisation.title},
            body=_("请%(u)s立即确定下沉人员，%(w)s前到岗")
            % {"u": unit_name, "w": f"{when:%m月%d日%H:%M}"},
            link=link,
            key=f"mobilise.issued:{mobilisation.pk}:{member_id}{suffix}",
            sms=_("【动员令】%(t)s：请%(u)s立即在平台确定下沉人员，%(w)s前到岗。")
            % {"t": mobilisation.title, "u": unit_name, "w": f"{when:%m月%d日%H:%M}"},
        )
        for member_id, unit_name in admins
    ]
    if drafts:
        transaction.on_commit(lambda: notices_send(notices=drafts))


def _running(actor: Any, mobilisation_id: Any, *, lock: bool = False) -> Mobilisation:
    return one(
        selectors.mobilisations_to_run(actor=actor),
        _("动员不存在或无权管理"),
        public_id=mobilisation_id,
        lock=lock,
    )


def _open(mobilisation: Mobilisation) -> None:
    if mobilisation.status != Mobilisation.Status.ISSUED:
        raise Conflict(_("该动员已撤收"))


@transaction.atomic
def quota_set(
    *,
    actor: Any,
    mobilisation_id: Any,
    unit_id: Any,
    place_id: Any,
    count: Any,
    from_at: Any = None,
) -> Quota:
    """The committee asks a unit for more (or fewer) cadres at a place, or a new place: never
    fewer than it has already named. The unit's administrators are told."""
    mobilisation = _running(actor, mobilisation_id, lock=True)
    _open(mobilisation)
    place = one(mobilisation.places.all(), _("点位不存在"), public_id=place_id)
    unit = one(
        Unit.objects.filter(area__path__startswith=mobilisation.district.path),
        _("单位不存在或不在本区"),
        pk=unit_id,
    )
    n = clean_int("count", count, _("派员人数"), minimum=1, maximum=10000)
    when = clean_moment("from_at", from_at, _("到岗时间")) if from_at else mobilisation.starts_at
    quota = (
        Quota.objects.select_for_update()
        .filter(mobilisation=mobilisation, unit=unit, place=place)
        .first()
    )
    if quota is None:
        quota = Quota.objects.create(
            mobilisation=mobilisation, unit=unit, place=place, count=n, from_at=when
        )
        before = None
    else:
        named = Dispatch.objects.filter(quota=quota).count()
        if n < named:
            raise invalid("count", _("已选派%(n)d人，人数不能少于已选派人数") % {"n": named})
        before = quota.count
        quota.count = n
        quota.save(update_fields=["count", "updated_at"])
    audit_record(action="update", obj=quota, changes={"count": [before, n]})
    _tell_units(mobilisation, [unit], f":quota:{quota.pk}:{n}")
    return quota


@transaction.atomic
def place_leader_set(*, actor: Any, place_id: Any, member_id: Any) -> Place:
    """The committee names a place's leader (点位负责人) from the cadres sent there: the
    leader marks arrivals and keeps the place's duty roster."""
    place = one(
        Place.objects.filter(mobilisation__in=selectors.mobilisations_to_run(actor=actor)),
        _("点位不存在或无权管理"),
        public_id=place_id,
        lock=True,
    )
    dispatch = Dispatch.objects.filter(place=place, member__public_id=key_of(member_id)).first()
    if dispatch is None:
        raise invalid("member", _("负责人须是派到该点位的下沉人员"))
    before = place.leader_id
    place.leader_id = dispatch.member_id
    place.save(update_fields=["leader", "updated_at"])
    audit_record(action="update", obj=place, changes={"leader": [before, dispatch.member_id]})
    return place


# Naming cadres --------------------------------------------------------------------------------


@transaction.atomic
def cadres_name(*, actor: Any, quota_id: Any, member_ids: Sequence[Any]) -> list[Dispatch]:
    """A unit administrator (or the committee) names cadres of the quota's unit for its
    place: only the unit's own active members, none deployed elsewhere, never over the
    quota (its row locked). Each cadre is sent a text with the place, the time, the contact
    and their link."""
    quotas = Quota.objects.filter(selectors.unit_or_committee_q(actor))
    quota = one(quotas, _("派员任务不存在或无权管理"), pk=quota_id, lock=True)
    mobilisation = quota.mobilisation
    _open(mobilisation)
    keys = public_ids(member_ids)
    if not keys:
        raise invalid("members", _("请选择下沉人员"))
    members = list(
        Member.objects.filter(public_id__in=keys).select_for_update(of=("self",)).order_by("pk")
    )
    if len(members) != len(keys) or any(
        m.unit_id != quota.unit_id or not m.is_active for m in members
    ):
        raise invalid("members", _("只能选派本单位在册的党员干部"))
    taken = dict(
        Dispatch.objects.filter(member__in=members, active=True).values_list(
            "member__name", "mobilisation__title"
        )
    )
    if taken:
        name, where = next(iter(taken.items()))
        raise Conflict(_("%(n)s已在“%(w)s”中下沉，不能重复选派") % {"n": name, "w": where})
    named = Dispatch.objects.filter(quota=quota).count()
    if named + len(members) > quota.count:
        raise Conflict(
            _("%(p)s只需%(c)d人，已选派%(n)d人")
            % {"p": quota.place.name, "c": quota.count, "n": named}
        )
    try:
        with transaction.atomic():
            made = Dispatch.objects.bulk_create(
                [
                    Dispatch(
                        mobilisation=mobilisation,
                        quota=quota,
                        place_id=quota.place_id,
                        unit_id=quota.unit_id,
                        member=m,
                        named_by=user_of(actor),
                    )
                    for m in members
                ]
            )
    except IntegrityError:
        raise Conflict(_("有人员已被选派，请刷新后重试")) from None
    audit_record(
        action="name",
        obj=quota,
        changes={"members": [None, [m.pk for m in members]], "place": quota.place.name},
    )
    when = timezone.localtime(quota.from_at)
    drafts = [
        NoticeDraft(
            member_id=d.member_id,
            kind="mobilise.named",
            title=_("下沉任务：%(p)s") % {"p": quota.place.name},
            body=_("请于%(w)s到%(p)s报到。联系人：%(c)s")
            % {
                "w": f"{when:%m月%d日%H:%M}",
                "p": quota.place.name,
                "c": mobilisation.contact_masked,
            },
            link=_link("mobilise:dispatch", d.public_id),
            key=f"mobilise.named:{d.pk}",
            sms=_("【下沉任务】请于%(w)s到%(p)s报到，联系人%(c)s。收到请点击确认：%(l)s")
            % {
                "w": f"{when:%m月%d日%H:%M}",
                "p": quota.place.name,
                # The cadre needs the whole number to call; the outbox keeps it encrypted.
                "c": mobilisation.contact_with_phone,
                "l": _link("mobilise:dispatch", d.public_id),
            },
        )
        for d in made
    ]
    transaction.on_commit(lambda: notices_send(notices=drafts))
    return made


@transaction.atomic
def dispatch_withdraw(*, actor: Any, dispatch_id: Any) -> None:
    """The unit takes back a cadre it named (before arrival), to name someone else."""
    dispatch = one(
        Dispatch.objects.filter(selectors.unit_or_committee_q(actor)),
        _("派员不存在或无权管理"),
        public_id=dispatch_id,
        lock=True,
    )
    if Arrival.objects.filter(dispatch=dispatch).exists():
        raise Conflict(_("已到岗的人员不能撤回"))
    audit_record(action="delete", obj=dispatch, changes={"member": [dispatch.member_id, None]})
    dispatch.delete()


@transaction.atomic
def dispatch_confirm(*, dispatch_id: Any) -> Dispatch:
    """The cadre replies 收到 from their link: one conditional update (a second tap changes
    nothing)."""
    dispatch = selectors.dispatch_by_token(dispatch_id)
    now = timezone.now()
    changed = Dispatch.objects.filter(pk=dispatch.pk, confirmed_at__isnull=True).update(
        confirmed_at=now, updated_at=now
    )
    if changed:
        audit_append(
            action="confirm", obj=dispatch, actor=None, changes={"confirmed_at": now.isoformat()}
        )
        dispatch.confirmed_at = now
    return dispatch


# Arrival --------------------------------------------------------------------------------------


def _arrive(dispatch: Dispatch, place: Place, method: str, by: Any = None) -> tuple[Arrival, bool]:
    """One arrival per dispatch: the one-to-one row refuses a second (inserted with ON
    CONFLICT DO NOTHING, then read), so any number of simultaneous check-ins write one."""
    if dispatch.place_id != place.pk:
        raise Conflict(_("这不是您的任务点位，请到%(p)s报到") % {"p": dispatch.place.name})
    if not dispatch.active:
        raise Conflict(_("该动员已撤收"))
    now = timezone.now()
    Arrival.objects.bulk_create(
        [
            Arrival(
                dispatch=dispatch,
                mobilisation_id=dispatch.mobilisation_id,
                place=place,
                arrived_at=now,
                method=method,
                marked_by=user_of(by) if by is not None else None,
            )
        ],
        ignore_conflicts=True,
    )
    arrival = Arrival.objects.get(dispatch=dispatch)
    fresh = arrival.arrived_at == now
    if fresh:
        if dispatch.confirmed_at is None:
            Dispatch.objects.filter(pk=dispatch.pk, confirmed_at__isnull=True).update(
                confirmed_at=now, updated_at=now
            )
        audit_append(
            action="arrive",
            obj=arrival,
            actor=by,
            changes={"dispatch": dispatch.pk, "method": method},
        )
    return arrival, fresh


@transaction.atomic
def arrival_checkin(*, actor: Any, place_id: Any) -> tuple[Arrival, bool]:
    """The logged-in cadre checks in at the place whose QR code they scanned: only at the
    place they were sent to. Returns the arrival and whether it is new."""
    place = selectors.place_get(public_id=place_id)
    member_id = scope.posts_of(actor).member_id
    dispatch = (
        Dispatch.objects.filter(mobilisation_id=place.mobilisation_id, member_id=member_id)
        .select_related("place")
        .first()
        if member_id
        else None
    )
    if dispatch is None:
        raise NotFound(_("您没有该动员的下沉任务"))
    return _arrive(dispatch, place, Arrival.Method.QR, actor)


@transaction.atomic
def arrival_by_link(*, dispatch_id: Any, place_id: Any) -> tuple[Arrival, bool]:
    """The cadre checks in from their link, with the place's code scanned from its QR."""
    dispatch = selectors.dispatch_by_token(dispatch_id)
    place = selectors.place_get(public_id=place_id)
    return _arrive(dispatch, place, Arrival.Method.QR)


@transaction.atomic
def arrival_mark(*, actor: Any, dispatch_id: Any) -> tuple[Arrival, bool]:
    """The place's leader (or the committee) marks a cadre arrived: audited as theirs."""
    dispatch = one(
        Dispatch.objects.filter(place__in=selectors.places_led(actor=actor)).select_related(
            "place"
        ),
        _("派员不存在或您不是该点位负责人"),
        public_id=dispatch_id,
    )
    arrival, fresh = _arrive(dispatch, dispatch.place, Arrival.Method.MARKED, actor)
    if fresh:
        audit_record(action="mark", obj=arrival, changes={"member": dispatch.member_id})
    return arrival, fresh


# Duty rosters ---------------------------------------------------------------------------------


@transaction.atomic
def shift_create(
    *, actor: Any, place_id: Any, starts_at: Any, ends_at: Any, need: Any = 1
) -> Shift:
    place = one(
        selectors.places_led(actor=actor).select_related("mobilisation"),
        _("点位不存在或您不是该点位负责人"),
        public_id=place_id,
    )
    _open(place.mobilisation)
    start = clean_moment("starts_at", starts_at, _("开始时间"))
    end = clean_moment("ends_at", ends_at, _("结束时间"))
    if end <= start:
        raise invalid("ends_at", _("结束时间应晚于开始时间"))
    if end - start > dt.timedelta(hours=24):
        raise invalid("ends_at", _("一个班次不超过24小时"))
    n = clean_int("need", need, _("需要人数"), minimum=1, maximum=500)
    shift = Shift.objects.create(place=place, starts_at=start, ends_at=end, need=n)
    audit_record(action="create", obj=shift, changes={"place": place.name})
    return shift


def _overlapping(member_id: int, shift: Shift, *, other_than: Sequence[int] = ()) -> bool:
    return (
        Duty.objects.filter(
            member_id=member_id,
            shift__starts_at__lt=shift.ends_at,
            shift__ends_at__gt=shift.starts_at,
        )
        .exclude(pk__in=other_than)
        .exists()
    )


@transaction.atomic
def duty_assign(*, actor: Any, shift_id: Any, dispatch_id: Any) -> Duty:
    """A cadre sent to the shift's place, on the shift: at one place per shift (no duty that
    overlaps it elsewhere), never over the shift's need."""
    shift = one(
        Shift.objects.filter(place__in=selectors.places_led(actor=actor)),
        _("班次不存在或您不是该点位负责人"),
        public_id=shift_id,
        lock=True,
    )
    dispatch = one(
        Dispatch.objects.filter(place_id=shift.place_id, active=True),
        _("该人员不是本点位的下沉人员"),
        public_id=dispatch_id,
        lock=True,
    )
    if _overlapping(dispatch.member_id, shift):
        raise Conflict(_("该人员在这个时段已有值守班次"))
    if shift.duties.count() >= shift.need:
        raise Conflict(_("该班次已排满"))
    duty = Duty.objects.create(shift=shift, dispatch=dispatch, member_id=dispatch.member_id)
    audit_record(action="create", obj=duty, changes={"member": dispatch.member_id})
    return duty


@transaction.atomic
def duty_swap(*, actor: Any, duty_id: Any, other_id: Any) -> tuple[Duty, Duty]:
    """Two cadres of one place exchange their shifts (neither checked in yet)."""
    duties = Duty.objects.filter(shift__place__in=selectors.places_led(actor=actor))
    first = one(duties, _("值守不存在或无权管理"), pk=duty_id, lock=True)
    second = one(duties, _("值守不存在或无权管理"), pk=other_id, lock=True)
    if first.shift_id == second.shift_id:
        raise invalid("other", _("请选择另一个班次的值守"))
    if first.checked_in_at or second.checked_in_at:
        raise Conflict(_("已签到的值守不能调换"))
    a_shift, b_shift = first.shift, second.shift
    if _overlapping(first.member_id, b_shift, other_than=(first.pk,)) or _overlapping(
        second.member_id, a_shift, other_than=(second.pk,)
    ):
        raise Conflict(_("调换后有人在同一时段有两个班次"))
    if Duty.objects.filter(shift=b_shift, member_id=first.member_id).exists() or (
        Duty.objects.filter(shift=a_shift, member_id=second.member_id).exists()
    ):
        raise Conflict(_("调换后有人在同一班次出现两次"))
    a_member, a_dispatch = first.member_id, first.dispatch_id
    first.member_id, first.dispatch_id = second.member_id, second.dispatch_id
    second.member_id, second.dispatch_id = a_member, a_dispatch
    first.save(update_fields=["member", "dispatch", "updated_at"])
    second.save(update_fields=["member", "dispatch", "updated_at"])
    audit_record(
        action="swap",
        obj=first,
        changes={"duties": [first.pk, second.pk], "members": [first.member_id, second.member_id]},
    )
    return first, second


def _my_duty(actor: Any, duty_id: Any) -> Duty:
    member_id = scope.posts_of(actor).member_id
    q = Q(shift__place__in=selectors.places_led(actor=actor))
    if member_id is not None:
        q = q | Q(member_id=member_id)
    return one(
        Duty.objects.filter(q).select_related("shift"),
        _("值守不存在或无权操作"),
        pk=duty_id,
        lock=True,
    )


@transaction.atomic
def duty_check_in(*, actor: Any, duty_id: Any) -> Duty:
    duty = _my_duty(actor, duty_id)
    if duty.checked_in_at is not None:
        raise Conflict(_("已签到"))
    now = timezone.now()
    if now < duty.shift.starts_at - dt.timedelta(hours=1) or now > duty.shift.ends_at:
        raise Conflict(_("不在该班次的时间内"))
    duty.checked_in_at = now
    duty.save(update_fields=["checked_in_at", "updated_at"])
    audit_record(action="check_in", obj=duty, changes={"at": now.isoformat()})
    return duty


@transaction.atomic
def duty_check_out(*, actor: Any, duty_id: Any) -> Duty:
    duty = _my_duty(actor, duty_id)
    if duty.checked_in_at is None:
        raise Conflict(_("尚未签到"))
    if duty.checked_out_at is not None:
        raise Conflict(_("已签退"))
    now = timezone.now()
    duty.checked_out_at = max(now, duty.checked_in_at)
    duty.save(update_fields=["checked_out_at", "updated_at"])
    audit_record(action="check_out", obj=duty, changes={"at": now.isoformat()})
    return duty


# Temporary branches and vanguard teams --------------------------------------------------------


@transaction.atomic
def group_form(
    *,
    actor: Any,
    mobilisation_id: Any,
    kind: str,
    name: str,
    place_id: Any = None,
    leader_id: Any = None,
    member_ids: Sequence[Any] = (),
) -> Group:
    """A temporary branch (a `temporary_branch` party organisation under the district's
    working committee, at the place's area) or a vanguard team, with cadres of the
    mobilisation as its members."""
    mobilisation = _running(actor, mobilisation_id, lock=True)
    _open(mobilisation)
    kind = clean_choice("kind", kind, _("类别"), Group.Kind.choices)
    name = clean_text("name", name, _("名称"), 100)
    if Group.objects.filter(mobilisation=mobilisation, name=name).exists():
        raise Conflict(_("名称“%(n)s”已使用") % {"n": name})
    place = None
    if place_id not in (None, ""):
        place = one(mobilisation.places.all(), _("点位不存在"), public_id=place_id)
    keys = public_ids(member_ids)
    dispatched = Member.objects.filter(
        public_id__in=keys, dispatches__mobilisation=mobilisation
    ).distinct()
    members = list(dispatched)
    if len(members) != len(keys):
        raise invalid("members", _("成员须是本次动员的下沉人员"))
    leader = None
    if leader_id not in (None, ""):
        leader = next((m for m in members if m.public_id == key_of(leader_id)), None)
        if leader is None:
            raise invalid("leader", _("书记或队长须是成员之一"))
    party_org = None
    if kind == Group.Kind.TEMPORARY_BRANCH:
        area = (place.area if place and place.area else None) or mobilisation.district
        committee = PartyOrg.objects.filter(
            kind=PartyOrg.Kind.WORKING_COMMITTEE, area=mobilisation.district
        ).first()
        n = Group.objects.filter(mobilisation=mobilisation).count() + 1
        party_org = PartyOrg(
            code=f"MOB{mobilisation.pk}-{n}-{uuid.uuid4().hex[:6]}",
            name=name,
            kind=PartyOrg.Kind.TEMPORARY_BRANCH,
            parent=committee,
            area=area,
            secretary=leader.name if leader else "",
        )
        party_org.path = f"{committee.path if committee else '/'}{party_org.code}/"
        party_org.depth = committee.depth + 1 if committee else 0
        party_org.save()
        audit_record(action="create", obj=party_org, changes={"kind": "temporary_branch"})
    group = Group.objects.create(
        mobilisation=mobilisation,
        kind=kind,
        name=name,
        place=place,
        party_org=party_org,
        leader=leader,
    )
    group.members.set(members)
    audit_record(action="create", obj=group, changes={"kind": kind, "members": len(members)})
    return group


# Stand-down -----------------------------------------------------------------------------------


@transaction.atomic
def mobilisation_stand_down(*, actor: Any, mobilisation_id: Any) -> Mobilisation:
    """The mobilisation ends: its cadres are free to be sent elsewhere; its figures stay."""
    mobilisation = _running(actor, mobilisation_id, lock=True)
    _open(mobilisation)
    now = timezone.now()
    released = Dispatch.objects.filter(mobilisation=mobilisation, active=True).update(
        active=False, updated_at=now
    )
    Duty.objects.filter(
        shift__place__mobilisation=mobilisation,
        checked_in_at__isnull=False,
        checked_out_at__isnull=True,
    ).update(checked_out_at=now, updated_at=now)
    mobilisation.status = Mobilisation.Status.STOOD_DOWN
    mobilisation.stood_down_at = now
    mobilisation.save(update_fields=["status", "stood_down_at", "updated_at"])
    audit_record(action="stand_down", obj=mobilisation, changes={"released": released})
    return mobilisation


def mobilisation_contact_unmask(*, actor: Any, mobilisation_id: Any, reason: str) -> str:
    """The mobilisation's contact with its whole mobile number, for anyone who sees the
    mobilisation (the committee, the units and places asked, the cadres sent); audited."""
    found = selectors.mobilisation_get_for(actor, mobilisation_id)
    return contact_unmask(actor=actor, obj=found, allowed=True, reason=reason)
