"""Every read of the consult app, through the caller's scope (ADR 0015).

- a suggestion is seen by the working committee of its district (and the platform), by the
  unit it is or was assigned to, by the area posts of the area it concerns, and by its
  submitter;
- a consultation by the working committee of its district, its organising unit's
  administrator, and the members invited to it (or who took part);
- a studio or post by everyone of its district (it is a public place), changed by the
  committee and by its unit's administrator.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.consult.models import (
    Assignment,
    Attendance,
    Category,
    Consultation,
    Contribution,
    Invitation,
    Photo,
    Shift,
    Studio,
    Suggestion,
    UnitDuty,
)
from gongjian.core.access import one
from gongjian.core.errors import NotFound
from gongjian.core.queries import any_of, as_uuid, moments_q
from gongjian.core.search import search_q
from gongjian.core.validation import clean_int
from gongjian.orgs import scope
from gongjian.orgs import selectors as org_selectors
from gongjian.orgs.models import Area, Member, Unit

# Suggestions ----------------------------------------------------------------------------------


def _committee_q(actor: Any, prefix: str = "") -> Q:
    """What the working committee of the actor's districts sees: rows of those districts, by
    the district's id (the rows' `district` is always a district), so the composite indexes
    that start with it serve the lists."""
    paths = scope.committee_paths(actor)
    if paths is None:
        return Q()
    if not paths:
        return scope.NOTHING
    ids = list(
        Area.objects.filter(kind=Area.Kind.DISTRICT)
        .filter(any_of(*[Q(path__startswith=p) for p in paths]))
        .values_list("pk", flat=True)
    )
    return Q(**{f"{prefix}district_id__in": ids}) if ids else scope.NOTHING


def _unit_ids(actor: Any) -> tuple[int, ...]:
    return scope.posts_of(actor).unit_ids


def handling_q(actor: Any) -> Q:
    """The suggestions the caller's unit holds now (assigned, replied)."""
    ids = _unit_ids(actor)
    return Q(unit_id__in=ids) if ids else scope.NOTHING


def suggestion_q(actor: Any) -> Q:
    posts = scope.posts_of(actor)
    if posts.superuser:
        return Q()
    parts = [_committee_q(actor)]
    if posts.unit_ids:
        # What is or was assigned to the unit: every assignment, the current one included,
        # has its row (one semi-join on the assignment's unit index).
        was = Assignment.objects.filter(unit_id__in=posts.unit_ids).values("suggestion_id")
        parts.append(Q(pk__in=was))
    for path in posts.paths():
        parts.append(Q(area__path__startswith=path))
    if posts.member_id is not None:
        parts.append(Q(member_id=posts.member_id))
    parts = [p for p in parts if p != scope.NOTHING]
    return any_of(*parts) if parts else scope.NOTHING


def suggestions_to_decide(*, actor: Any) -> QuerySet[Suggestion]:
    """What the working committee (or the platform) accepts, declines, merges and assigns."""
    return Suggestion.objects.filter(_committee_q(actor))


def suggestions_to_handle(*, actor: Any) -> QuerySet[Suggestion]:
    """What the caller's unit handles: assigned to it now."""
    return Suggestion.objects.filter(handling_q(actor))


def suggestions_of_submitter(*, actor: Any) -> QuerySet[Suggestion]:
    member = org_selectors.member_of(actor)
    if member is None:
        return Suggestion.objects.none()
    return Suggestion.objects.filter(member=member)


def is_committee(actor: Any) -> bool:
    paths = scope.committee_paths(actor)
    return paths is None or bool(paths)


def suggestion_list(
    *,
    actor: Any,
    q: str = "",
    status: str = "",
    category: str = "",
    source: str = "",
    overdue: bool = False,
    mine: bool = False,
    handling: bool = False,
    start: dt.date | None = None,
    end: dt.date | None = None,
    replied_start: dt.date | None = None,
    replied_end: dt.date | None = None,
    on_time: bool = False,
    rating: str = "",
    accepted: bool = False,
    area: int | None = None,
    unit: int | None = None,
    consultation: str = "",
) -> QuerySet[Suggestion]:
    """Suggestions; `start`/`end`: submitted then; `replied_*`: replied then; `overdue`:
    assigned and past the deadline (the chase list); `handling`: held by the caller's unit;
    `mine`: the caller's own; `accepted`: went past acceptance (accepted, assigned, replied,
    closed)."""
    if handling:
        qs = Suggestion.objects.filter(handling_q(actor))
    elif mine:
        qs = suggestions_of_submitter(actor=actor)
    else:
        qs = Suggestion.objects.filter(suggestion_q(actor))
    qs = qs.select_related("category", "unit", "area")
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category__code=category)
    if source:
        qs = qs.filter(source=source)
    if overdue:
        qs = qs.filter(status=Suggestion.Status.ASSIGNED, due_on__lt=timezone.localdate())
    if accepted:
        qs = qs.filter(status__in=("accepted", "assigned", "replied", "closed"))
    qs = qs.filter(moments_q("submitted_at", start, end))
    qs = qs.filter(moments_q("replied_at", replied_start, replied_end))
    if replied_start or replied_end:
        qs = qs.filter(replied_at__isnull=False)
    if on_time:
        qs = qs.filter(on_time=True)
    if rating:
        qs = qs.filter(rating=rating)
    if consultation:
        key = as_uuid(consultation)
        qs = qs.filter(consultation__public_id=key) if key else qs.none()
    the_area, the_unit = org_selectors.area_unit_for(actor, area, unit)
    if the_area is not None:
        qs = qs.filter(
            Q(area__path__startswith=the_area.path) | Q(district__path__startswith=the_area.path)
        )
    if the_unit is not None:
        qs = qs.filter(unit=the_unit)
    if q:
        qs = qs.filter(search_q(q, "", raw=("title",)))
    if overdue or handling:
        return qs.order_by("due_on", "id")
    return qs.order_by("-submitted_at", "-id")


def suggestion_get_for(actor: Any, public_id: Any) -> Suggestion:
    return one(
        Suggestion.objects.filter(suggestion_q(actor)).select_related(
            "category", "unit", "area", "member", "district", "merged_into"
        ),
        _("意见建议不存在或无权查看"),
        public_id=public_id,
    )


def may_see_identity(actor: Any, suggestion: Suggestion) -> bool:
    """Units and area posts see the text, not who wrote it, unless the submitter agreed; the
    working committee and the submitter see it."""
    if suggestion.share_identity:
        return True
    posts = scope.posts_of(actor)
    if posts.member_id is not None and posts.member_id == suggestion.member_id:
        return True
    return suggestions_to_decide(actor=actor).filter(pk=suggestion.pk).exists()


def submitter_label(actor: Any, suggestion: Suggestion) -> str:
    if not may_see_identity(actor, suggestion):
        return _("（提出人未公开身份）")
    if suggestion.member_id:
        return suggestion.member.name if suggestion.member else ""
    return suggestion.submitter_name or _("群众")


def suggestion_history(*, suggestion: Suggestion) -> dict[str, Any]:
    return {
        "assignments": list(suggestion.assignments.select_related("unit").order_by("id")),
        "replies": list(suggestion.replies.select_related("unit").order_by("id")),
        "ratings": list(suggestion.ratings.order_by("round")),
        "merged": list(suggestion.merged.order_by("id")),
        "photos": list(suggestion.photos.all()),
    }


def may_handle(actor: Any, suggestion: Suggestion) -> bool:
    return suggestions_to_handle(actor=actor).filter(pk=suggestion.pk).exists()


def may_decide(actor: Any, suggestion: Suggestion) -> bool:
    return suggestions_to_decide(actor=actor).filter(pk=suggestion.pk).exists()


def is_submitter(actor: Any, suggestion: Suggestion) -> bool:
    member_id = scope.posts_of(actor).member_id
    return member_id is not None and member_id == suggestion.member_id


def category_list() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).order_by("code")


def merge_targets(*, suggestion: Suggestion) -> QuerySet[Suggestion]:
    return (
        Suggestion.objects.filter(district_id=suggestion.district_id)
        .exclude(pk=suggestion.pk)
        .exclude(status__in=("declined", "merged"))
        .order_by("-submitted_at")
    )


def units_of_district(*, district: Area) -> QuerySet[Unit]:
    return Unit.objects.filter(area__path__startswith=district.path).order_by("code")


def unit_duties(*, district: Area) -> list[tuple[int, str, str]]:
    """(unit id, name, stated duties) of the units of a district that take suggestions."""
    rows = UnitDuty.objects.filter(
        unit__area__path__startswith=district.path, takes_suggestions=True
    ).values_list("unit_id", "unit__name", "duties")
    return list(rows)


def past_assignments(*, district: Area, per_unit: int = 40) -> dict[int, list[str]]:
    """The titles of the suggestions each unit of a district replied to, newest first (at most
    `per_unit` each): what the unit has shown it handles."""
    out: dict[int, list[str]] = {}
    units = list(
        Unit.objects.filter(area__path__startswith=district.path).values_list("pk", flat=True)
    )
    rows = (
        Assignment.objects.filter(
            unit_id__in=units, status=Assignment.Status.REPLIED, rehandle=False
        )
        .order_by("-id")
        .values_list("unit_id", "suggestion__title")[: per_unit * 200]
    )
    for unit_id, title in rows:
        bucket = out.setdefault(unit_id, [])
        if len(bucket) < per_unit:
            bucket.append(title)
    return out


def photo_get_for(actor: Any, public_id: Any) -> Photo:
    key = as_uuid(public_id)
    photo = Photo.objects.filter(public_id=key).first() if key else None
    if photo is not None:
        if (
            photo.suggestion_id
            and Suggestion.objects.filter(suggestion_q(actor), pk=photo.suggestion_id).exists()
        ):
            return photo
        if (
            photo.contribution_id
            and Contribution.objects.filter(
                consultation__in=Consultation.objects.filter(consultation_q(actor)),
                pk=photo.contribution_id,
            ).exists()
        ):
            return photo
    raise NotFound(_("照片不存在或无权查看"))


# Unit rates -----------------------------------------------------------------------------------


def unit_rates(
    *, actor: Any, start: dt.date | None = None, end: dt.date | None = None
) -> list[dict[str, Any]]:
    """Per unit of the caller's districts: assigned, replied, replied on time, rated, rated
    satisfied or basically satisfied; handling, on-time and satisfaction rates. Every unit is
    shown beside the others (the rates are the district's to compare)."""
    paths = scope.districts_of(actor)
    qs = Suggestion.objects.filter(unit__isnull=False)
    if paths is not None:
        if not paths:
            return []
        qs = qs.filter(any_of(*[Q(district__path__startswith=p) for p in paths]))
    qs = qs.filter(moments_q("submitted_at", start, end))
    rows = (
        qs.values("unit_id", "unit__name")
        .annotate(
            assigned=Count("id"),
            replied=Count("id", filter=Q(status__in=("replied", "closed"))),
            on_time=Count("id", filter=Q(on_time=True)),
            rated=Count("id", filter=~Q(rating="")),
            satisfied=Count("id", filter=Q(rating__in=("satisfied", "basic"))),
            overdue=Count("id", filter=Q(status="assigned", due_on__lt=timezone.localdate())),
        )
        .order_by("unit__name")
    )
    mine = set(_unit_ids(actor))
    out = []
    for r in rows:
        out.append(
            {
                **r,
                "handling_rate": r["replied"] / r["assigned"] if r["assigned"] else 0.0,
                "on_time_rate": r["on_time"] / r["replied"] if r["replied"] else 0.0,
                "satisfaction_rate": r["satisfied"] / r["rated"] if r["rated"] else 0.0,
                "mine": r["unit_id"] in mine,
            }
        )
    out.sort(key=lambda r: (-r["handling_rate"], -r["on_time_rate"], r["unit__name"]))
    return out


# Consultations --------------------------------------------------------------------------------


def _organising_q(actor: Any, prefix: str = "", *, write: bool = False) -> Q:
    posts = scope.posts_of(actor)
    if posts.superuser:
        return Q()
    parts = [_committee_q(actor, prefix)]
    if posts.unit_ids:
        parts.append(Q(**{f"{prefix}unit_id__in": posts.unit_ids}))
    parts = [p for p in parts if p != scope.NOTHING]
    return any_of(*parts) if parts else scope.NOTHING


def _member_districts(actor: Any) -> list[str]:
    member = org_selectors.member_of(actor)
    if member is None:
        return []
    places = [
        member.unit.area.path if member.unit_id and member.unit else "",
        member.home_community.path if member.home_community_id and member.home_community else "",
    ]
    return sorted({scope.district_path(p) for p in places if p})


def consultation_q(actor: Any) -> Q:
    """Organisers; invitees and participants; and, for an online consultation (网络议政),
    every member of its district, who may post opinions."""
    member_id = scope.posts_of(actor).member_id
    parts = [_organising_q(actor)]
    if member_id is not None:
        invited = Invitation.objects.filter(consultation=OuterRef("pk"), member_id=member_id)
        came = Attendance.objects.filter(consultation=OuterRef("pk"), member_id=member_id)
        parts += [Q(Exists(invited)), Q(Exists(came))]
        districts = _member_districts(actor)
        if districts:
            parts.append(Q(form=Consultation.Form.ONLINE, district__path__in=districts))
    parts = [p for p in parts if p != scope.NOTHING]
    return any_of(*parts) if parts else scope.NOTHING


def consultations_for_write(*, actor: Any) -> QuerySet[Consultation]:
    return Consultation.objects.filter(_organising_q(actor))


def may_organise(actor: Any) -> bool:
    posts = scope.posts_of(actor)
    return posts.superuser or bool(scope.committee_paths(actor)) or bool(posts.unit_ids)


def consultation_list(
    *,
    actor: Any,
    q: str = "",
    level: str = "",
    form: str = "",
    status: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
    area: int | None = None,
    unit: int | None = None,
) -> QuerySet[Consultation]:
    """Consultations; `start`/`end`: held (started) then."""
    qs = (
        Consultation.objects.filter(consultation_q(actor))
        .select_related("unit", "district")
        .annotate(
            invited_count=Count("invitations", distinct=True),
            attended_count=Count("attendances", distinct=True),
        )
    )
    if level:
        qs = qs.filter(level=level)
    if form:
        qs = qs.filter(form=form)
    if status:
        qs = qs.filter(status=status)
    qs = qs.filter(moments_q("starts_at", start, end))
    the_area, the_unit = org_selectors.area_unit_for(actor, area, unit)
    if the_area is not None:
        qs = qs.filter(district__path__startswith=scope.district_path(the_area.path))
    if the_unit is not None:
        qs = qs.filter(unit=the_unit)
    if q:
        qs = qs.filter(search_q(q, "", raw=("topic",)))
    return qs.order_by("-starts_at", "-id")


def consultation_get_for(actor: Any, public_id: Any) -> Consultation:
    return one(
        Consultation.objects.filter(consultation_q(actor)).select_related("unit", "district"),
        _("协商活动不存在或无权查看"),
        public_id=public_id,
    )


def may_manage_consultation(actor: Any, consultation: Consultation) -> bool:
    return consultations_for_write(actor=actor).filter(pk=consultation.pk).exists()


def invitation_of(*, actor: Any, consultation: Consultation) -> Invitation | None:
    member_id = scope.posts_of(actor).member_id
    if member_id is None:
        return None
    return consultation.invitations.filter(member_id=member_id).first()


def consultation_people(*, consultation: Consultation) -> dict[str, Any]:
    return {
        "invitations": list(consultation.invitations.select_related("member__unit")),
        "attendances": list(consultation.attendances.select_related("member")),
        "contributions": list(
            consultation.contributions.select_related("member")
            .prefetch_related("photos")
            .order_by("-featured", "created_at")
        ),
        "suggestions": list(consultation.suggestions.order_by("-submitted_at")[:50]),
    }


def attendance_list(
    *,
    actor: Any,
    q: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
    area: int | None = None,
    unit: int | None = None,
) -> QuerySet[Attendance]:
    """Participation (person-times) at the consultations the caller sees; `start`/`end`: the
    consultation started then."""
    qs = Attendance.objects.filter(
        consultation__in=consultation_list(actor=actor, start=start, end=end, area=area, unit=unit)
        .order_by()
        .values("pk")
    ).select_related("consultation", "member")
    if q:
        qs = qs.filter(search_q(q, "member__name_folded", raw=("member__name",)))
    return qs.order_by("-consultation__starts_at", "id")


# Studios and posts ----------------------------------------------------------------------------


def studio_q(actor: Any) -> Q:
    paths = scope.districts_of(actor)
    if paths is None:
        return Q()
    member = org_selectors.member_of(actor)
    parts = [Q(district__path__startswith=p) for p in paths]
    if member is not None:
        parts.append(Q(members=member))
        if member.unit_id and member.unit:
            parts.append(Q(district__path__startswith=scope.district_path(member.unit.area.path)))
    return any_of(*parts) if parts else scope.NOTHING


def studios_for_write(*, actor: Any) -> QuerySet[Studio]:
    posts = scope.posts_of(actor)
    if posts.superuser:
        return Studio.objects.all()
    parts = [_committee_q(actor)]
    if posts.unit_ids:
        parts.append(Q(unit_id__in=posts.unit_ids))
    parts = [p for p in parts if p != scope.NOTHING]
    return Studio.objects.filter(any_of(*parts)) if parts else Studio.objects.none()


def studio_list(
    *,
    actor: Any,
    q: str = "",
    kind: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Studio]:
    """Studios and posts, with their shifts (activities) counted in the period."""
    shifts = Q()
    if start:
        shifts &= Q(shifts__on__gte=start)
    if end:
        shifts &= Q(shifts__on__lte=end)
    qs = (
        Studio.objects.filter(studio_q(actor))
        .distinct()
        .select_related("area", "unit", "district")
        .annotate(
            member_count=Count("members", distinct=True),
            shift_count=Count("shifts", filter=shifts, distinct=True),
        )
    )
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(search_q(q, "", raw=("name",)))
    return qs.order_by("kind", "name", "id")


def studio_get_for(actor: Any, public_id: Any) -> Studio:
    return one(
        Studio.objects.filter(studio_q(actor))
        .distinct()
        .select_related("area", "unit", "district"),
        _("工作室或先锋岗不存在或无权查看"),
        public_id=public_id,
    )


def studio_public(public_id: Any) -> Studio:
    """A studio or post reached from its QR code, by anyone (its name and place are public)."""
    return one(
        Studio.objects.select_related("district"), _("工作室或先锋岗不存在"), public_id=public_id
    )


def studio_shifts(*, studio: Studio) -> QuerySet[Shift]:
    return studio.shifts.select_related("member").order_by("-on", "id")


# Duty records ---------------------------------------------------------------------------------


def duty_record_for(actor: Any, member_id: Any = None, *, year: Any = None) -> Any:
    """The duty record of a member the caller sees (their own when no member is named)."""
    from gongjian.consult import records

    year = clean_int("year", year, _("年度"), minimum=2000, maximum=2100, required=False) or (
        timezone.localdate().year
    )
    member: Member | None
    if member_id in (None, ""):
        member = org_selectors.member_required(actor)
    else:
        member = one(
            org_selectors.member_list(actor=actor, include_inactive=True).select_related(
                "unit", "party_org"
            ),
            _("党员不存在或无权查看"),
            public_id=member_id,
        )
    return records.duty_record(member=member, year=year)


def duty_records_of_unit(
    *, actor: Any, year: Any = None, unit: int | None = None
) -> list[dict[str, Any]]:
    """The duty records of a unit's members for a year (its administrator's unit when none
    is named), one row per member with each line by its item."""
    from gongjian.consult import records

    year = clean_int("year", year, _("年度"), minimum=2000, maximum=2100, required=False) or (
        timezone.localdate().year
    )
    if unit:
        the_unit = org_selectors.unit_get_for(actor, unit)
    else:
        ids = scope.posts_of(actor).unit_ids
        if len(ids) != 1:
            return []
        the_unit = Unit.objects.get(pk=ids[0])
    members = org_selectors.member_list(actor=actor, unit=the_unit).order_by("name", "id")[:1000]
    out = []
    for m in members:
        rec = records.duty_record(member=m, year=year)
        out.append({"member": m, "lines": {x.item: x for x in rec.lines}, "score": rec.score})
    return out


# Units' stated duties -------------------------------------------------------------------------


def unit_duty_list(*, actor: Any, q: str = "") -> QuerySet[Unit]:
    """The units of the caller's districts with their stated duties (what the proposal reads),
    and whether the caller may change each."""
    paths = scope.districts_of(actor)
    qs = Unit.objects.select_related("consult_duty").order_by("code")
    if paths is not None:
        if not paths:
            return qs.none()
        qs = qs.filter(any_of(*[Q(area__path__startswith=p) for p in paths]))
    if q:
        qs = qs.filter(search_q(q, "", raw=("name", "short_name"), exact=("code",)))
    return qs


def units_for_duties(*, actor: Any) -> QuerySet[Unit]:
    """The units whose duties the caller may state: their own unit, or the working
    committee's district."""
    return Unit.objects.filter(scope.unit_q(actor, write=True) | scope.committee_q(actor, "area"))


def reply_attachment_get_for(actor: Any, suggestion_id: Any, reply_id: Any) -> Any:
    """A reply's attachment, for whoever sees the suggestion."""
    s = suggestion_get_for(actor, suggestion_id)
    reply = s.replies.filter(pk=reply_id).exclude(attachment="").first()
    if reply is None:
        raise NotFound(_("附件不存在"))
    return reply


def category_picks(*, actor: Any, q: str = "", value: str = "") -> list[org_selectors.Pick]:
    """The active categories of suggestions by name, for a picker (a visit's issue passed on
    as a suggestion chooses one; none chosen, the issue's kind decides)."""
    qs = Category.objects.filter(is_active=True)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code=q))
    if value:
        qs = qs.filter(Q(code=value) | Q(pk=int(value) if value.isdigit() else 0))
    return [
        org_selectors.Pick(
            value=c.code,
            label=c.name,
            detail=_("办理时限%(n)s个工作日") % {"n": c.workdays},
        )
        for c in qs.order_by("code")[:20]
    ]
