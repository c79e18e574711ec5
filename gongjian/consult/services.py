"""Every write of the consult app: resolved through the caller's scope, validated, atomic,
audited (ADR 0015).

A suggestion's states, and who moves it:

    submitted ─accept→ accepted ─assign→ assigned ─reply→ replied ─rate→ closed
        │                  ▲                │                  │
        ├─decline→ declined └─hand back once─┘                  └─不满意, once→ assigned
        └─merge→ merged (also from accepted)

- the working committee of the suggestion's district (or the platform) accepts, declines,
  merges and assigns (to a unit, with a deadline in working days on the Chinese calendar);
- the unit it is assigned to replies, or hands it back once with a reason;
- its submitter rates the reply; 不满意 sends it back to the same unit once for re-handling.

Every transition is one audited change on the suggestion's locked row.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.consult import deadlines, routing, selectors
from gongjian.consult.models import (
    Assignment,
    Attendance,
    Category,
    Consultation,
    Contribution,
    Invitation,
    Photo,
    Rating,
    Reply,
    Shift,
    Studio,
    Suggestion,
    UnitDuty,
)
from gongjian.core import crypto, files, photos
from gongjian.core.access import not_own, one, public_ids, user_of
from gongjian.core.audit import audit_record
from gongjian.core.errors import ApplicationError, Conflict, PermissionDenied
from gongjian.core.validation import (
    clean_choice,
    clean_date,
    clean_decimal,
    clean_int,
    clean_text,
    invalid,
)
from gongjian.orgs import scope
from gongjian.orgs import selectors as org_selectors
from gongjian.orgs.models import Area, Member, Role, RoleAssignment, Unit
from gongjian.orgs.services import NoticeDraft, notices_send
from gongjian.service import tokens

MAX_PHOTOS = 3
MAX_TEXT = 2000
MAX_WORKDAYS = 90


class CheckinRefused(ApplicationError):
    code = "checkin_refused"
    status = 400


def _district_of_member(member: Member) -> Area | None:
    place = member.unit.area if member.unit_id and member.unit else member.home_community
    if place is None:
        place = member.party_org.area if member.party_org.area_id else None
    if place is None:
        return None
    return Area.objects.filter(path=scope.district_path(place.path)).first()


def _member_ids_of_unit_admins(unit_id: int) -> list[int]:
    users = RoleAssignment.objects.filter(role=Role.UNIT_ADMIN, unit_id=unit_id).values("user_id")
    return list(Member.objects.filter(user_id__in=users).values_list("pk", flat=True))


def _member_ids_of_committee(district: Area) -> list[int]:
    users = RoleAssignment.objects.filter(role=Role.DISTRICT_ADMIN, area=district).values("user_id")
    return list(Member.objects.filter(user_id__in=users).values_list("pk", flat=True))


def _tell(member_ids: Sequence[int], s: Suggestion, *, kind: str, title: str, key: str) -> int:
    return len(
        notices_send(
            notices=[
                NoticeDraft(
                    member_id=mid,
                    kind=kind,
                    title=title,
                    body=s.title[:60],
                    link=f"/consult/suggestions/{s.public_id}/",
                    key=f"{key}:{mid}",
                )
                for mid in member_ids
            ]
        )
    )


def _move(s: Suggestion, to: str, *, reason: str = "", **fields: Any) -> None:
    before = s.status
    s.status = to
    for name, value in fields.items():
        setattr(s, name, value)
    s.save()
    changes: dict[str, Any] = {"status": [before, to]}
    for name, value in fields.items():
        changes[name] = [None, value.isoformat() if hasattr(value, "isoformat") else str(value)]
    audit_record(action="update", obj=s, changes=changes, reason=reason)


def _suggestion_text(title: Any, text: Any) -> tuple[str, str]:
    return (
        clean_text("title", title, _("标题"), 100),
        clean_text("text", text, _("内容"), MAX_TEXT, multiline=True),
    )


def _category(category_id: Any) -> Category:
    if category_id in (None, ""):
        raise invalid("category", _("请选择类别"))
    return one(
        Category.objects.filter(is_active=True),
        _("类别不存在"),
        **({"pk": category_id} if str(category_id).isdigit() else {"code": str(category_id)[:32]}),
    )


def _area_in(district: Area, area_id: Any) -> Area | None:
    if area_id in (None, ""):
        return None
    return one(
        Area.objects.filter(path__startswith=district.path),
        _("涉及区域不存在或不在本区"),
        pk=area_id,
    )


# Suggestions: submitting ----------------------------------------------------------------------


@transaction.atomic
def suggestion_submit(
    *,
    actor: Any,
    title: str,
    text: str,
    category_id: Any,
    area_id: Any = None,
    share_identity: bool = False,
    consultation_id: Any = None,
    photo_files: Sequence[tuple[str, bytes]] = (),
) -> Suggestion:
    """A member (or committee member, deputy) submits a suggestion from a phone."""
    member = org_selectors.member_required(actor)
    title, text = _suggestion_text(title, text)
    category = _category(category_id)
    photos.clean_all(photo_files, most=MAX_PHOTOS)
    district = _district_of_member(member)
    if district is None:
        raise invalid("area", _("您的档案没有所在单位或社区，无法确定受理的区"))
    area = _area_in(district, area_id)
    consultation = None
    source = Suggestion.Source.MEMBER
    if consultation_id not in (None, ""):
        consultation = one(
            Consultation.objects.filter(selectors.consultation_q(actor)),
            _("协商活动不存在或无权查看"),
            public_id=consultation_id,
        )
        source = Suggestion.Source.CONSULTATION
    s = Suggestion.objects.create(
        district=district,
        title=title,
        text=text,
        category=category,
        area=area,
        source=source,
        member=member,
        share_identity=bool(share_identity),
        consultation=consultation,
        submitted_at=timezone.now(),
    )
    photos.store(Photo, photo_files, most=MAX_PHOTOS, suggestion=s)
    audit_record(
        action="create",
        obj=s,
        changes={"title": [None, title], "category": [None, category.code]},
    )
    _tell(
        _member_ids_of_committee(district),
        s,
        kind="consult.submitted",
        title=_("收到新的意见建议"),
        key=f"consult.submitted:{s.pk}",
    )
    return s


# A grid visit's issue, passed on as a suggestion (grid.services.issue_pass) ----------------------

GRID_CATEGORY = {"hazard": "08-safety", "dispute": "01-urban"}


def suggestion_from_grid_issue(actor: Any, issue: Any, category_id: Any = None) -> str:
    """The grid app hands over an issue found on a household visit (it has checked the caller
    may pass it on): a suggestion of the visit's community, in the category chosen or the one
    its kind suggests, submitted by the caller's member record when there is one."""
    visit = issue.visit
    grid = visit.grid
    district = Area.objects.filter(path=scope.district_path(grid.path)).first()
    if district is None:
        raise invalid("target", _("该网格不在任何区内"))
    category = _category(category_id or GRID_CATEGORY.get(issue.kind, "11-other"))
    title, text = _suggestion_text(
        issue.description[:50],
        _("%(g)s入户走访（%(d)s）发现：%(t)s")
        % {"g": grid.name, "d": f"{visit.visited_on:%Y年%m月%d日}", "t": issue.description},
    )
    s = Suggestion.objects.create(
        district=district,
        title=title,
        text=text,
        category=category,
        area_id=grid.parent_id or grid.pk,
        source=Suggestion.Source.GRID,
        member=org_selectors.member_of(actor),
        submitted_at=timezone.now(),
    )
    audit_record(
        action="create",
        obj=s,
        changes={
            "title": [None, title],
            "category": [None, category.code],
            "source": [None, "grid"],
        },
    )
    _tell(
        _member_ids_of_committee(district),
        s,
        kind="consult.submitted",
        title=_("收到新的意见建议"),
        key=f"consult.submitted:{s.pk}",
    )
    return str(s.public_id)


def public_form_enabled() -> bool:
    return bool(getattr(settings, "CONSULT_PUBLIC_FORM", False))


def public_code_send(*, phone: str, ip: str | None = None) -> None:
    """Text a resident the code that proves their number (accounts' SMS code service)."""
    from gongjian.accounts import services as account_services

    if not public_form_enabled():
        raise PermissionDenied(_("群众意见建议表单未开启"), code="public_off")
    account_services.sms_code_send(phone=phone, purpose="suggest", ip=ip)


@transaction.atomic
def suggestion_submit_public(
    *,
    phone: str,
    code: str,
    name: str,
    title: str,
    text: str,
    category_id: Any,
    studio_id: Any = None,
    district_id: Any = None,
    area_id: Any = None,
    share_identity: bool = False,
    photo_files: Sequence[tuple[str, bytes]] = (),
) -> Suggestion:
    """A resident without an account, from a studio's QR code or the public form, with the
    SMS code texted to their phone. The phone is kept encrypted and shown masked."""
    from gongjian.accounts import services as account_services

    if not public_form_enabled():
        raise PermissionDenied(_("群众意见建议表单未开启"), code="public_off")
    name = clean_text("name", name, _("姓名"), 50, required=False)
    title, text = _suggestion_text(title, text)
    category = _category(category_id)
    photos.clean_all(photo_files, most=MAX_PHOTOS)
    studio = None
    if studio_id not in (None, ""):
        studio = selectors.studio_public(studio_id)
        district = studio.district
    elif district_id not in (None, ""):
        district = one(Area.objects.filter(kind=Area.Kind.DISTRICT), _("区不存在"), pk=district_id)
    else:
        found = list(Area.objects.filter(kind=Area.Kind.DISTRICT)[:2])
        if len(found) != 1:
            raise invalid("district", _("请选择所在区"))
        district = found[0]
    area = _area_in(district, area_id) or (studio.area if studio else None)
    mobile = account_services.sms_code_check(phone=phone, code=code, purpose="suggest")
    s = Suggestion.objects.create(
        district=district,
        title=title,
        text=text,
        category=category,
        area=area,
        source=Suggestion.Source.STUDIO if studio else Suggestion.Source.PUBLIC,
        submitter_name=name,
        submitter_phone=mobile,
        submitter_phone_hash=crypto.blind_index(mobile),
        share_identity=bool(share_identity),
        studio=studio,
        submitted_at=timezone.now(),
    )
    photos.store(Photo, photo_files, most=MAX_PHOTOS, suggestion=s)
    audit_record(
        action="create",
        obj=s,
        actor_label=_("群众"),
        changes={"title": [None, title], "source": [None, s.source]},
    )
    return s


# Suggestions: deciding and assigning ----------------------------------------------------------


def _to_decide(actor: Any, suggestion_id: Any) -> Suggestion:
    s = one(
        selectors.suggestions_to_decide(actor=actor),
        _("意见建议不存在或无权受理"),
        public_id=suggestion_id,
        lock=True,
    )
    # Separation of duties: whoever put the suggestion forward does not accept, decline,
    # merge or assign it, whatever committee post they also hold.
    if s.member_id is not None:
        submitter = Member.objects.filter(pk=s.member_id).values_list("user_id", flat=True)
        not_own(actor, *submitter, message=_("您是这条意见建议的提出人，不能受理或交办它"))
    return s


@transaction.atomic
def suggestion_accept(*, actor: Any, suggestion_id: Any) -> Suggestion:
    s = _to_decide(actor, suggestion_id)
    if s.status != Suggestion.Status.SUBMITTED:
        raise Conflict(_("只有待受理的意见建议可以受理"), code="not_submitted")
    _move(s, Suggestion.Status.ACCEPTED, decided_at=timezone.now())
    return s


@transaction.atomic
def suggestion_decline(*, actor: Any, suggestion_id: Any, reason: str) -> Suggestion:
    s = _to_decide(actor, suggestion_id)
    reason = clean_text("reason", reason, _("不予受理原因"), 200)
    if s.status != Suggestion.Status.SUBMITTED:
        raise Conflict(_("只有待受理的意见建议可以不予受理"), code="not_submitted")
    _move(
        s,
        Suggestion.Status.DECLINED,
        reason=reason,
        decided_at=timezone.now(),
        decline_reason=reason,
    )
    if s.member_id:
        _tell(
            [s.member_id],
            s,
            kind="consult.declined",
            title=_("您的意见建议未予受理"),
            key=f"consult.declined:{s.pk}",
        )
    return s


@transaction.atomic
def suggestion_merge(*, actor: Any, suggestion_id: Any, into_id: Any) -> Suggestion:
    """A duplicate joins the suggestion it repeats; its submitter follows that one."""
    s = _to_decide(actor, suggestion_id)
    if s.status not in (Suggestion.Status.SUBMITTED, Suggestion.Status.ACCEPTED):
        raise Conflict(_("只有待受理或待交办的意见建议可以合并"), code="not_open")
    into = one(
        selectors.suggestions_to_decide(actor=actor).filter(district_id=s.district_id),
        _("要合并到的意见建议不存在或不在本区"),
        public_id=into_id,
        lock=True,
    )
    if into.pk == s.pk:
        raise invalid("into", _("不能合并到自身"))
    if into.status in (Suggestion.Status.DECLINED, Suggestion.Status.MERGED):
        raise invalid("into", _("不能合并到已合并或不予受理的意见建议"))
    _move(s, Suggestion.Status.MERGED, merged_into=into, decided_at=timezone.now())
    if s.member_id:
        _tell(
            [s.member_id],
            s,
            kind="consult.merged",
            title=_("您的意见建议已与同类建议合并办理"),
            key=f"consult.merged:{s.pk}",
        )
    return s


PROFILE_SECONDS = 600


def _profiles_key(district_id: int) -> str:
    return f"consult:unit-profiles:{district_id}"


def unit_profiles(district: Area) -> list[routing.UnitProfile]:
    """The units of a district the proposal scores: duties and past assignments, kept in the
    cache for ten minutes (a new reply joins a unit's history within that time; changed
    duties at once)."""
    cached = cache.get(_profiles_key(district.pk))
    if cached is None:
        past = selectors.past_assignments(district=district)
        cached = [
            (uid, name, duties, tuple(past.get(uid, ())))
            for uid, name, duties in selectors.unit_duties(district=district)
        ]
        cache.set(_profiles_key(district.pk), cached, PROFILE_SECONDS)
    return [
        routing.UnitProfile(unit_id=uid, name=name, duties=duties, past=past)
        for uid, name, duties, past in cached
    ]


def suggestion_propose(*, actor: Any, suggestion_id: Any) -> list[routing.Proposal]:
    """The units the platform proposes for a suggestion, best first, with reasons (read)."""
    s = one(
        selectors.suggestions_to_decide(actor=actor),
        _("意见建议不存在或无权受理"),
        public_id=suggestion_id,
    )
    return routing.propose(s.title, s.text, unit_profiles(s.district))


@transaction.atomic
def suggestion_assign(
    *,
    actor: Any,
    suggestion_id: Any,
    unit_id: Any,
    workdays: Any = None,
    due_on: Any = None,
) -> Suggestion:
    """Assign an accepted suggestion to a unit of its district, with a deadline: `due_on`
    (not in the past), or `workdays` working days from today, or the category's."""
    s = _to_decide(actor, suggestion_id)
    if s.status != Suggestion.Status.ACCEPTED:
        raise Conflict(_("只有已受理的意见建议可以交办"), code="not_accepted")
    if unit_id in (None, ""):
        raise invalid("unit", _("请选择承办单位"))
    unit = one(
        Unit.objects.filter(area__path__startswith=s.district.path),
        _("承办单位不存在或不在本区"),
        pk=unit_id,
    )
    today = timezone.localdate()
    due = clean_date("due_on", due_on, _("办理期限"), required=False, not_before=today)
    if due is not None:
        days = max(1, deadlines.workdays_between(today, due))
    else:
        days = (
            clean_int(
                "workdays", workdays, _("办理时限"), minimum=1, maximum=MAX_WORKDAYS, required=False
            )
            or s.category.workdays
        )
        due = deadlines.add_workdays(today, days)
    proposals = routing.propose(s.title, s.text, unit_profiles(s.district), top=1)
    proposed = bool(proposals) and proposals[0].unit_id == unit.pk
    Assignment.objects.create(
        suggestion=s,
        unit=unit,
        workdays=days,
        due_on=due,
        assigned_by=user_of(actor),
        proposed=proposed,
        reasons=proposals[0].reasons if proposed else [],
    )
    _move(s, Suggestion.Status.ASSIGNED, unit=unit, due_on=due)
    _tell(
        _member_ids_of_unit_admins(unit.pk),
        s,
        kind="consult.assigned",
        title=_("交办意见建议，请于%(d)s前答复") % {"d": f"{due:%Y年%m月%d日}"},
        key=f"consult.assigned:{s.pk}:{s.handbacks}:{s.rehandles}",
    )
    return s


def _active_assignment(s: Suggestion) -> Assignment:
    found = s.assignments.select_for_update().filter(status=Assignment.Status.ACTIVE).first()
    if found is None:
        raise Conflict(_("该意见建议没有办理中的交办"), code="not_assigned")
    return found


def _to_handle(actor: Any, suggestion_id: Any) -> Suggestion:
    return one(
        selectors.suggestions_to_handle(actor=actor),
        _("意见建议不存在或未交办给您的单位"),
        public_id=suggestion_id,
        lock=True,
    )


@transaction.atomic
def suggestion_hand_back(*, actor: Any, suggestion_id: Any, reason: str) -> Suggestion:
    """The unit says it is not theirs, once, with a reason: the committee assigns again."""
    s = _to_handle(actor, suggestion_id)
    reason = clean_text("reason", reason, _("退回原因"), 200)
    if s.status != Suggestion.Status.ASSIGNED:
        raise Conflict(_("只有办理中的意见建议可以退回"), code="not_assigned")
    if s.handbacks >= 1:
        raise Conflict(_("该意见建议已退回过一次，不能再退回"), code="handed_back")
    if s.rehandles:
        raise Conflict(_("重新办理的意见建议不能退回"), code="rehandle")
    a = _active_assignment(s)
    a.status = Assignment.Status.HANDED_BACK
    a.handback_reason = reason
    a.ended_at = timezone.now()
    a.save()
    _move(s, Suggestion.Status.ACCEPTED, reason=reason, unit=None, due_on=None, handbacks=1)
    _tell(
        _member_ids_of_committee(s.district),
        s,
        kind="consult.handed_back",
        title=_("承办单位退回意见建议，请重新交办"),
        key=f"consult.handed_back:{s.pk}",
    )
    return s


@transaction.atomic
def suggestion_reply(
    *,
    actor: Any,
    suggestion_id: Any,
    text: str,
    attachment: tuple[str, bytes] | None = None,
) -> Reply:
    """The unit the suggestion is assigned to answers it (text, an optional document)."""
    s = _to_handle(actor, suggestion_id)
    text = clean_text("text", text, _("答复内容"), MAX_TEXT, multiline=True)
    checked = None
    if attachment is not None and attachment[1]:
        checked = files.check_document(attachment[1], name=attachment[0])
    if s.status != Suggestion.Status.ASSIGNED:
        raise Conflict(_("只有办理中的意见建议可以答复"), code="not_assigned")
    a = _active_assignment(s)
    now = timezone.now()
    reply = Reply(suggestion=s, assignment=a, unit=a.unit, text=text, replied_by=user_of(actor))
    if checked is not None and attachment is not None:
        reply.attachment_name = clean_text("attachment", attachment[0], _("附件名"), 200)
        reply.attachment.save(
            f"{uuid.uuid4().hex}.{checked.kind}", ContentFile(attachment[1]), save=False
        )
    reply.save()
    a.status = Assignment.Status.REPLIED
    a.ended_at = now
    a.save()
    on_time = timezone.localdate() <= (s.due_on or a.due_on)
    _move(s, Suggestion.Status.REPLIED, replied_at=now, on_time=on_time)
    if s.member_id:
        _tell(
            [s.member_id],
            s,
            kind="consult.replied",
            title=_("您的意见建议已答复，请评价"),
            key=f"consult.replied:{s.pk}:{s.rehandles}",
        )
    return reply


@transaction.atomic
def suggestion_rate(*, actor: Any, suggestion_id: Any, value: str, comment: str = "") -> Rating:
    """The submitter rates the reply. 不满意 the first time sends it back to the same unit for
    re-handling with a fresh deadline; otherwise the suggestion is closed."""
    member = org_selectors.member_required(actor)
    s = one(
        Suggestion.objects.filter(member=member),
        _("意见建议不存在或不是您提出的"),
        public_id=suggestion_id,
        lock=True,
    )
    value = clean_choice("value", value, _("评价"), Rating.Value.choices)
    comment = clean_text("comment", comment, _("评价意见"), 200, required=False)
    round_ = s.rehandles + 1
    if s.ratings.filter(round=round_).exists() or s.status == Suggestion.Status.CLOSED:
        raise Conflict(_("您已评价过本次答复"), code="rated")
    if s.status != Suggestion.Status.REPLIED:
        raise Conflict(_("意见建议尚未答复，不能评价"), code="not_replied")
    try:
        with transaction.atomic():
            rating = Rating.objects.create(suggestion=s, round=round_, value=value, comment=comment)
    except IntegrityError:
        raise Conflict(_("您已评价过本次答复"), code="rated") from None
    if value == Rating.Value.UNSATISFIED and s.rehandles == 0 and s.unit_id:
        today = timezone.localdate()
        days = s.category.workdays
        due = deadlines.add_workdays(today, days)
        Assignment.objects.create(
            suggestion=s,
            unit_id=s.unit_id,
            workdays=days,
            due_on=due,
            rehandle=True,
            assigned_by=user_of(actor),
        )
        _move(
            s,
            Suggestion.Status.ASSIGNED,
            reason=comment,
            rehandles=1,
            due_on=due,
            replied_at=None,
            on_time=None,
            rating="",
        )
        _tell(
            _member_ids_of_unit_admins(s.unit_id),
            s,
            kind="consult.rehandle",
            title=_("提出人对答复不满意，请重新办理"),
            key=f"consult.rehandle:{s.pk}",
        )
    else:
        _move(s, Suggestion.Status.CLOSED, closed_at=timezone.now(), rating=value)
    return rating


@transaction.atomic
def unit_duty_set(
    *, actor: Any, unit_id: Any, duties: str, takes_suggestions: bool = True
) -> UnitDuty:
    """A unit's stated duties (its own administrator, or the working committee)."""
    unit = one(
        selectors.units_for_duties(actor=actor), _("单位不存在或不在您的管理范围"), pk=unit_id
    )
    duties = clean_text("duties", duties, _("职责"), 4000, multiline=True)
    row, created = UnitDuty.objects.update_or_create(
        unit=unit, defaults={"duties": duties, "takes_suggestions": bool(takes_suggestions)}
    )
    audit_record(
        action="create" if created else "update", obj=row, changes={"duties": [None, duties[:100]]}
    )
    district = Area.objects.filter(path=scope.district_path(unit.area.path)).first()
    if district is not None:
        cache.delete(_profiles_key(district.pk))
    return row


def reminders_send(*, today: dt.date | None = None) -> int:
    """Reminders to the unit handling a suggestion: the working day before its deadline and
    on the day; the day after, once, that it is overdue (it is on the district's chase list).
    Idempotent by key: running it twice a day sends nothing new."""
    today = today or timezone.localdate()
    tomorrow = deadlines.next_workday_after(today)
    assigned = Suggestion.objects.filter(status=Suggestion.Status.ASSIGNED)
    sent = 0
    for stage, qs, title in (
        (
            "before",
            assigned.filter(due_on__gt=today, due_on__lte=tomorrow),
            _("意见建议办理期限将至"),
        ),
        ("due", assigned.filter(due_on=today), _("今天是意见建议办理期限")),
        ("overdue", assigned.filter(due_on__lt=today), _("意见建议办理已逾期")),
    ):
        for s in qs.only("pk", "public_id", "title", "unit_id", "due_on").iterator():
            if s.unit_id is None or s.due_on is None:
                continue
            sent += _tell(
                _member_ids_of_unit_admins(s.unit_id),
                s,
                kind=f"consult.{stage}",
                title=title,
                key=f"consult.{stage}:{s.pk}:{s.due_on.isoformat()}",
            )
    return sent


# Consultations --------------------------------------------------------------------------------


def _organiser_district(actor: Any, unit: Unit | None, district_id: Any, message: str) -> Area:
    if unit is not None:
        return Area.objects.get(path=scope.district_path(unit.area.path))
    return org_selectors.committee_district(actor, district_id, refused=message)


def _datetime(field: str, value: Any, label: str, *, required: bool = True) -> dt.datetime | None:
    if value in (None, ""):
        if required:
            raise invalid(field, _("请填写%(label)s") % {"label": label})
        return None
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value).strip()[:32])
        except ValueError:
            raise invalid(field, _("%(label)s不是有效时间") % {"label": label}) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_current_timezone())
    return moment


@transaction.atomic
def consultation_create(
    *,
    actor: Any,
    level: str,
    form: str,
    topic: str,
    starts_at: Any,
    ends_at: Any,
    place: str = "",
    online_until: Any = None,
    description: str = "",
    unit_id: Any = None,
    district_id: Any = None,
) -> Consultation:
    """A unit's administrator organises for the unit; the working committee for the district.
    An online consultation (网络议政) takes opinions until `online_until`."""
    level = clean_choice("level", level, _("层级"), Consultation.Level.choices)
    form = clean_choice("form", form, _("形式"), Consultation.Form.choices)
    topic = clean_text("topic", topic, _("议题"), 200)
    place = clean_text("place", place, _("地点"), 200, required=False)
    description = clean_text(
        "description", description, _("说明"), 5000, required=False, multiline=True
    )
    start = _datetime("starts_at", starts_at, _("开始时间"))
    end = _datetime("ends_at", ends_at, _("结束时间"))
    if start is None or end is None or end < start:
        raise invalid("ends_at", _("结束时间不能早于开始时间"))
    window = _datetime("online_until", online_until, _("网上征集截止"), required=False)
    if form == Consultation.Form.ONLINE:
        if window is None:
            raise invalid("online_until", _("网络议政请填写网上征集截止时间"))
        if window < timezone.now():
            raise invalid("online_until", _("网上征集截止时间不能早于现在"))
    elif not place:
        raise invalid("place", _("请填写地点"))
    unit = None
    if unit_id not in (None, ""):
        unit = one(
            Unit.objects.filter(scope.unit_q(actor, write=True)),
            _("单位不存在或不在您的管理范围"),
            pk=unit_id,
        )
    elif not scope.is_committee(actor):
        units = list(Unit.objects.filter(pk__in=scope.posts_of(actor).unit_ids)[:2])
        if len(units) == 1:
            unit = units[0]
    district = _organiser_district(
        actor, unit, district_id, _("请以单位名义组织协商，或由机关工委组织")
    )
    c = Consultation.objects.create(
        district=district,
        unit=unit,
        level=level,
        form=form,
        topic=topic,
        description=description,
        starts_at=start,
        ends_at=end,
        place=place,
        online_until=window,
        created_by=user_of(actor),
    )
    audit_record(action="create", obj=c, changes={"topic": [None, topic], "form": [None, form]})
    return c


def _to_manage(actor: Any, consultation_id: Any) -> Consultation:
    return one(
        selectors.consultations_for_write(actor=actor),
        _("协商活动不存在或无权管理"),
        public_id=consultation_id,
        lock=True,
    )


@transaction.atomic
def invitations_add(
    *,
    actor: Any,
    consultation_id: Any,
    member_ids: Sequence[Any] = (),
    unit_ids: Sequence[Any] = (),
    who: str = "all",
) -> int:
    """Invite members by list, or by unit (all its members, or its committee members or
    deputies). Inviting someone twice changes nothing. Returns how many were new."""
    c = _to_manage(actor, consultation_id)
    who = clean_choice("who", who, _("邀请对象"), [("all", ""), ("committee", ""), ("deputy", "")])
    keys = public_ids(member_ids)
    unit_keys = {int(i) for i in unit_ids if str(i).strip().isdigit()}
    if not keys and not unit_keys:
        raise invalid("members", _("请选择邀请的人员或单位"))
    found = (
        list(
            Member.objects.filter(public_id__in=keys, is_active=True).filter(
                unit__area__path__startswith=c.district.path
            )
        )
        if keys
        else []
    )
    if len(found) != len(keys):
        raise invalid("members", _("邀请名单中有不存在或不在本区的人员"))
    if unit_keys:
        units = Unit.objects.filter(pk__in=unit_keys, area__path__startswith=c.district.path)
        if units.count() != len(unit_keys):
            raise invalid("units", _("邀请单位中有不存在或不在本区的单位"))
        qs = Member.objects.filter(unit__in=units, is_active=True)
        if who == "committee":
            qs = qs.filter(is_committee_member=True)
        elif who == "deputy":
            qs = qs.filter(is_deputy=True)
        found += list(qs)
    existing = set(c.invitations.values_list("member_id", flat=True))
    new = [
        Invitation(consultation=c, member=m)
        for m in {m.pk: m for m in found}.values()
        if m.pk not in existing
    ]
    Invitation.objects.bulk_create(new, ignore_conflicts=True)
    audit_record(
        action="update", obj=c, changes={"invitations": [len(existing), len(existing) + len(new)]}
    )
    notices_send(
        notices=[
            NoticeDraft(
                member_id=i.member_id,
                kind="consult.invited",
                title=_("邀请您参加协商议政活动"),
                body=c.topic[:60],
                link=f"/consult/c/{c.public_id}/",
                key=f"consult.invited:{c.pk}:{i.member_id}",
            )
            for i in new
        ]
    )
    return len(new)


@transaction.atomic
def invitation_answer(*, actor: Any, consultation_id: Any, accept: bool) -> Invitation:
    member = org_selectors.member_required(actor)
    inv = one(
        Invitation.objects.filter(member=member),
        _("您没有收到该协商活动的邀请"),
        consultation__public_id=consultation_id,
        lock=True,
    )
    if inv.consultation.status != Consultation.Status.PLANNED:
        raise Conflict(_("协商活动已召开或已取消，不能再答复"), code="not_planned")
    before = inv.status
    inv.status = Invitation.Status.CONFIRMED if accept else Invitation.Status.DECLINED
    inv.answered_at = timezone.now()
    inv.save()
    audit_record(action="update", obj=inv, changes={"status": [before, inv.status]})
    return inv


def checkin_token(*, actor: Any, consultation_id: Any) -> str:
    """The code the organiser's screen shows now (it changes every 30 seconds; the service
    app's rotating codes)."""
    c = one(
        selectors.consultations_for_write(actor=actor),
        _("协商活动不存在或无权管理"),
        public_id=consultation_id,
    )
    return tokens.make(c.public_id, "in")


CHECKIN_OPENS_BEFORE = dt.timedelta(hours=1)


@transaction.atomic
def attendance_scan(*, actor: Any, token: str) -> tuple[Attendance, bool]:
    """Check the caller in with the code on the organiser's screen. Scanning twice changes
    nothing. Invited or not, a member of the district who is there is counted (the organiser
    sees who came)."""
    try:
        scan = tokens.read(token)
    except tokens.ExpiredToken:
        raise CheckinRefused(
            _("二维码已过期，请扫描现场屏幕上的最新二维码"), code="expired_code"
        ) from None
    except tokens.BadToken:
        raise CheckinRefused(_("二维码无效，请扫描组织者出示的二维码"), code="bad_code") from None
    member = org_selectors.member_required(actor)
    c = Consultation.objects.select_for_update().filter(public_id=scan.activity_public_id).first()
    if c is None or scan.kind != "in":
        raise CheckinRefused(_("二维码无效，请扫描组织者出示的二维码"), code="bad_code")
    if c.status == Consultation.Status.CANCELLED:
        raise CheckinRefused(_("协商活动已取消"), code="cancelled")
    now = timezone.now()
    if now < c.starts_at - CHECKIN_OPENS_BEFORE:
        raise CheckinRefused(_("签到尚未开始，开始前1小时起可签到"), code="too_early")
    if now > c.ends_at:
        raise CheckinRefused(_("协商活动已结束，不能签到"), code="too_late")
    found = Attendance.objects.filter(consultation=c, member=member).first()
    if found is not None:
        return found, False
    attendance = Attendance.objects.create(
        consultation=c, member=member, checked_in_at=now, method=Attendance.Method.QR
    )
    audit_record(action="create", obj=attendance, changes={"method": [None, "qr"]})
    return attendance, True


@transaction.atomic
def attendance_mark(*, actor: Any, consultation_id: Any, member_id: Any) -> Attendance:
    """The organiser records a member who came without scanning (an invitee)."""
    c = _to_manage(actor, consultation_id)
    inv = one(
        c.invitations.all(),
        _("该人员不在邀请名单中"),
        member__public_id=member_id,
    )
    attendance, created = Attendance.objects.get_or_create(
        consultation=c,
        member_id=inv.member_id,
        defaults={"checked_in_at": timezone.now(), "method": Attendance.Method.MANUAL},
    )
    if created:
        audit_record(action="create", obj=attendance, changes={"method": [None, "manual"]})
    return attendance


@transaction.atomic
def contribution_add(
    *,
    actor: Any,
    consultation_id: Any,
    text: str,
    kind: str = "opinion",
    member_id: Any = None,
    photo_files: Sequence[tuple[str, bytes]] = (),
) -> Contribution:
    """A member posts an opinion to an online consultation before its deadline (text, up to 3
    images); the organiser records a speech or written contribution of a participant."""
    kind = clean_choice("kind", kind, _("类型"), Contribution.Kind.choices)
    text = clean_text("text", text, _("内容"), MAX_TEXT, multiline=True)
    photos.clean_all(photo_files, most=MAX_PHOTOS)
    if kind == Contribution.Kind.OPINION:
        member = org_selectors.member_required(actor)
        c = one(
            Consultation.objects.filter(selectors.consultation_q(actor)),
            _("协商活动不存在或无权查看"),
            public_id=consultation_id,
            lock=True,
        )
        if not c.is_online or c.online_until is None:
            raise Conflict(_("只有网络议政可以在网上发表意见"), code="not_online")
        if timezone.now() > c.online_until:
            raise Conflict(_("网上意见征集已截止"), code="closed")
    else:
        c = _to_manage(actor, consultation_id)
        member = one(
            Member.objects.filter(
                Q(consult_invitations__consultation=c) | Q(consult_attendances__consultation=c)
            ).distinct(),
            _("发言人不在邀请或参加名单中"),
            public_id=member_id,
        )
    contribution = Contribution.objects.create(consultation=c, member=member, kind=kind, text=text)
    photos.store(Photo, photo_files, most=MAX_PHOTOS, contribution=contribution)
    audit_record(action="create", obj=contribution, changes={"kind": [None, kind]})
    return contribution


@transaction.atomic
def contribution_curate(
    *, actor: Any, contribution_id: Any, featured: bool | None = None, into_id: Any = None
) -> Contribution:
    """The organiser features an opinion, or merges it into another of the same consultation."""
    contribution = one(
        Contribution.objects.filter(
            consultation__in=selectors.consultations_for_write(actor=actor)
        ),
        _("意见不存在或无权管理"),
        public_id=contribution_id,
        lock=True,
    )
    changes: dict[str, Any] = {}
    if featured is not None:
        changes["featured"] = [contribution.featured, bool(featured)]
        contribution.featured = bool(featured)
    if into_id not in (None, ""):
        into = one(
            Contribution.objects.filter(consultation_id=contribution.consultation_id),
            _("要合并到的意见不存在"),
            public_id=into_id,
        )
        if into.pk == contribution.pk:
            raise invalid("into", _("不能合并到自身"))
        contribution.merged_into = into
        changes["merged_into"] = [None, str(into.public_id)]
    contribution.save()
    audit_record(action="update", obj=contribution, changes=changes)
    return contribution


@transaction.atomic
def consultation_record(
    *,
    actor: Any,
    consultation_id: Any,
    minutes: str = "",
    outcome: str = "",
    summary: str = "",
    status: str = "held",
) -> Consultation:
    """Minutes, outcome and the summary of opinions; held or cancelled."""
    c = _to_manage(actor, consultation_id)
    status = clean_choice("status", status, _("状态"), Consultation.Status.choices)
    before = {"status": c.status}
    c.minutes = clean_text("minutes", minutes, _("会议纪要"), 20000, required=False, multiline=True)
    c.outcome = clean_text("outcome", outcome, _("协商成果"), 5000, required=False, multiline=True)
    c.summary = clean_text("summary", summary, _("意见综述"), 5000, required=False, multiline=True)
    c.status = status
    c.save()
    audit_record(action="update", obj=c, changes={"status": [before["status"], status]})
    return c


# Studios and posts ----------------------------------------------------------------------------


@transaction.atomic
def studio_create(
    *,
    actor: Any,
    kind: str,
    name: str,
    area_id: Any = None,
    unit_id: Any = None,
    address: str = "",
    hours: str = "",
    member_ids: Sequence[Any] = (),
    district_id: Any = None,
) -> Studio:
    kind = clean_choice("kind", kind, _("类型"), Studio.Kind.choices)
    name = clean_text("name", name, _("名称"), 100)
    address = clean_text("address", address, _("地址"), 200, required=False)
    hours = clean_text("hours", hours, _("开放时间"), 200, required=False)
    unit = None
    if unit_id not in (None, ""):
        unit = one(
            Unit.objects.filter(scope.unit_q(actor, write=True)),
            _("单位不存在或不在您的管理范围"),
            pk=unit_id,
        )
    district = _organiser_district(
        actor, unit, district_id, _("请以单位名义设立，或由机关工委设立")
    )
    area = _area_in(district, area_id)
    keys = public_ids(member_ids)
    members = list(Member.objects.filter(public_id__in=keys)) if keys else []
    if len(members) != len(keys):
        raise invalid("members", _("成员中有不存在的人员"))
    studio = Studio.objects.create(
        kind=kind, name=name, district=district, area=area, unit=unit, address=address, hours=hours
    )
    studio.members.set(members)
    audit_record(
        action="create", obj=studio, changes={"name": [None, name], "members": [None, len(members)]}
    )
    return studio


@transaction.atomic
def shift_record(
    *, actor: Any, studio_id: Any, member_id: Any, on: Any, hours: Any, note: str = ""
) -> Shift:
    """A member's duty at the studio or post on one day."""
    studio = one(
        selectors.studios_for_write(actor=actor),
        _("工作室或先锋岗不存在或无权管理"),
        public_id=studio_id,
        lock=True,
    )
    member = one(studio.members.all(), _("该人员不是本工作室/先锋岗成员"), public_id=member_id)
    day = clean_date("on", on, _("日期"))
    if day > timezone.localdate():
        raise invalid("on", _("日期不能晚于今天"))
    amount = clean_decimal("hours", hours, _("时长"), minimum=Decimal("0.5"), maximum=Decimal("24"))
    if amount is None:
        raise invalid("hours", _("请填写时长"))
    note = clean_text("note", note, _("接待情况"), 200, required=False)
    if Shift.objects.filter(studio=studio, member=member, on=day).exists():
        raise Conflict(_("该成员当天的值守已登记"), code="duplicate")
    shift = Shift.objects.create(studio=studio, member=member, on=day, hours=amount, note=note)
    audit_record(action="create", obj=shift, changes={"hours": [None, str(amount)]})
    return shift
