"""Every write of the study app: resolved through the caller's scope, validated, atomic,
audited (ADR 0013).

Who does what:
- the organiser of a session is whoever may change its party organisation (its unit's
  administrator, the area posts above it, the platform): schedules, marks attendance, records
  the session as held, confirms make-ups;
- a member checks in with the rotating code (`service.tokens`), asks for leave, submits notes
  and make-ups;
- the working committee edits the rules of its district; the platform administrator the
  standard ones.

Counters (`invited_count`, `present_count`, `leave_count`) change only by `F()` updates in the
transaction that changes the attendance, with the session's row locked first.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core import files
from gongjian.core.access import not_own, one
from gongjian.core.audit import audit_record
from gongjian.core.errors import ApplicationError, Conflict, PermissionDenied
from gongjian.core.updates import model_update
from gongjian.core.validation import clean_choice, clean_int, clean_text, invalid
from gongjian.orgs import scope
from gongjian.orgs import selectors as org_selectors
from gongjian.orgs.models import Area, Member, PartyOrg
from gongjian.orgs.services import NoticeDraft, notices_send
from gongjian.service import tokens
from gongjian.study import recurrence, selectors
from gongjian.study.models import (
    Attendance,
    Audience,
    Kind,
    Material,
    Plan,
    RulePeriod,
    StudyRule,
    StudySession,
)

CHECKIN_OPENS_BEFORE = dt.timedelta(hours=1)
MAX_SESSION_HOURS = 12
MAX_INVITED = 2000
MAX_MATERIAL_BYTES = 20 * 1024 * 1024
NOTE_MIN = 10
NOTE_MAX = 2000


class CheckinRefused(ApplicationError):
    code = "checkin_refused"
    status = 400


def _local(value: dt.datetime) -> str:
    return f"{timezone.localtime(value):%Y年%m月%d日 %H:%M}"


# Rules ----------------------------------------------------------------------------------------


@transaction.atomic
def rule_save(
    *,
    actor: Any,
    kind: str,
    period: str,
    minimum: Any,
    is_active: bool = True,
    district_id: int | None = None,
    note: str = "",
) -> StudyRule:
    """Set the rule of one kind for a district (a working committee, for its own district) or
    the standard rule (the platform administrator, `district_id=None`)."""
    kind = clean_choice("kind", kind, _("会议类型"), Kind.choices)
    period = clean_choice("period", period, _("周期"), RulePeriod.choices)
    number = clean_int("minimum", minimum, _("最少次数"), minimum=1, maximum=31) or 1
    note = clean_text("note", note, _("依据"), 200, required=False)
    district = _rule_district(actor, district_id)
    existing = StudyRule.objects.select_for_update().filter(district=district, kind=kind).first()
    if existing is None:
        rule = StudyRule.objects.create(
            kind=kind,
            period=period,
            minimum=number,
            district=district,
            is_active=is_active,
            note=note,
        )
        audit_record(action="create", obj=rule, changes={"kind": [None, kind]})
        return rule
    model_update(
        instance=existing,
        data={"period": period, "minimum": number, "is_active": is_active, "note": note},
        allowed=("period", "minimum", "is_active", "note"),
    )
    return existing


def _rule_district(actor: Any, district_id: int | None) -> Area | None:
    paths = scope.committee_paths(actor)
    if paths is None:  # the platform administrator
        if district_id is None:
            return None
        return one(Area.objects.filter(kind=Area.Kind.DISTRICT), _("区不存在"), pk=district_id)
    if not paths:
        raise PermissionDenied(_("只有机关工委可以修改组织生活规则"))
    districts = Area.objects.filter(kind=Area.Kind.DISTRICT, path__in=paths)
    if district_id is None:
        found = list(districts[:2])
        if len(found) != 1:
            raise invalid("district", _("请选择适用的区"))
        return found[0]
    return one(districts, _("区不存在或不在您的管辖范围"), pk=district_id)


@transaction.atomic
def rule_reset(*, actor: Any, rule_id: Any) -> None:
    """Remove a district's own rule: the standard one applies there again."""
    paths = scope.committee_paths(actor)
    qs = StudyRule.objects.filter(district__isnull=False)
    if paths is not None:
        if not paths:
            raise PermissionDenied(_("只有机关工委可以修改组织生活规则"))
        qs = qs.filter(district__path__in=paths)
    rule = one(qs, _("规则不存在或无权修改"), pk=rule_id, lock=True)
    audit_record(action="delete", obj=rule, changes={"kind": [rule.kind, None]})
    rule.delete()


# Scheduling -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    """What `session_schedule` made: the sessions, and the dates moved off a holiday."""

    sessions: list[StudySession]
    moved: list[tuple[dt.date, dt.date]]


def _invitees(
    *, actor: Any, org: PartyOrg, audience: str, member_ids: Sequence[Any]
) -> list[Member]:
    if audience == Audience.BRANCH:
        members = list(Member.objects.filter(party_org__path__startswith=org.path, is_active=True))
    elif audience == Audience.UNIT:
        if org.unit_id is None:
            raise invalid("audience", _("该组织不属于单位，请选择本组织全体党员或指定党员"))
        members = list(Member.objects.filter(unit_id=org.unit_id, is_active=True))
    else:
        keys = []
        for raw in member_ids:
            try:
                keys.append(uuid.UUID(str(raw)))
            except ValueError:
                raise invalid("members", _("参加人员中有无效的党员")) from None
        if not keys:
            raise invalid("members", _("请选择参加人员"))
        members = list(
            org_selectors.member_list(actor=actor).filter(public_id__in=set(keys)).distinct()
        )
        if len(members) != len(set(keys)):
            raise invalid("members", _("参加人员中有不存在或不在您管理范围内的党员"))
    if not members:
        raise invalid("audience", _("参加范围内没有党员"))
    if len(members) > MAX_INVITED:
        raise invalid("audience", _("参加人数不能超过%(n)d人") % {"n": MAX_INVITED})
    return members


@transaction.atomic
def session_schedule(
    *,
    actor: Any,
    party_org_id: Any,
    kind: str,
    topic: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    speaker: str = "",
    description: str = "",
    place: str = "",
    audience: str = Audience.BRANCH,
    member_ids: Sequence[Any] = (),
    repeat: str = "",
    occurrences: Any = 1,
    links: Sequence[tuple[str, str]] = (),
) -> Schedule:
    """Schedule one session, or a recurring plan of them laid out on the Chinese calendar;
    invite the organisation, its unit, or named members."""
    org = one(
        PartyOrg.objects.filter(scope.party_org_q(actor, write=True)),
        _("组织不存在或不在您的管理范围"),
        pk=party_org_id if party_org_id not in (None, "") else "x",
    )
    kind = clean_choice("kind", kind, _("类型"), Kind.choices)
    topic = clean_text("topic", topic, _("主题"), 100)
    speaker = clean_text("speaker", speaker, _("主讲人"), 50, required=False)
    description = clean_text(
        "description", description, _("内容"), 5000, required=False, multiline=True
    )
    place = clean_text("place", place, _("地点"), 100, required=False)
    audience = clean_choice("audience", audience, _("参加范围"), Audience.choices)
    if not isinstance(starts_at, dt.datetime) or not isinstance(ends_at, dt.datetime):
        raise invalid("starts_at", _("请填写开始和结束时间"))
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise invalid("starts_at", _("时间须带时区"))
    if ends_at <= starts_at:
        raise invalid("ends_at", _("结束时间应晚于开始时间"))
    if ends_at - starts_at > dt.timedelta(hours=MAX_SESSION_HOURS):
        raise invalid("ends_at", _("一次学习不能超过%(n)d小时") % {"n": MAX_SESSION_HOURS})
    today = timezone.localdate()
    if timezone.localtime(starts_at).date() < today - dt.timedelta(days=366):
        raise invalid("starts_at", _("只能补录一年以内的学习"))
    repeat = repeat or ""
    count = 1
    if repeat:
        repeat = clean_choice("repeat", repeat, _("重复"), Plan.Frequency.choices)
        count = (
            clean_int(
                "occurrences",
                occurrences,
                _("次数"),
                minimum=1,
                maximum=recurrence.MAX_OCCURRENCES,
            )
            or 1
        )
    clean_links = [_link(title, url) for title, url in links if (title or url)]
    members = _invitees(actor=actor, org=org, audience=audience, member_ids=member_ids)

    local_start = timezone.localtime(starts_at)
    duration = ends_at - starts_at
    plan: Plan | None = None
    moved: list[tuple[dt.date, dt.date]] = []
    if repeat:
        days = recurrence.layout(repeat, local_start.date(), count)
        moved = [(o.planned, o.day) for o in days if o.moved]
        plan = Plan.objects.create(
            frequency=repeat,
            first_date=local_start.date(),
            occurrences=count,
            moved=[[a.isoformat(), b.isoformat()] for a, b in moved],
            created_by=actor,
        )
        dates = [o.day for o in days]
    else:
        dates = [local_start.date()]
    tz = timezone.get_current_timezone()
    sessions = []
    for day in dates:
        start = dt.datetime.combine(day, local_start.time().replace(tzinfo=None), tzinfo=tz)
        sessions.append(
            StudySession(
                kind=kind,
                topic=topic,
                speaker=speaker,
                description=description,
                party_org=org,
                place=place,
                starts_at=start,
                ends_at=start + duration,
                held_on=day,
                month_index=StudySession.month_of(day),
                audience=audience,
                plan=plan,
                invited_count=len(members),
                created_by=actor,
            )
        )
    StudySession.objects.bulk_create(sessions)
    sessions = list(
        StudySession.objects.filter(public_id__in=[s.public_id for s in sessions]).order_by(
            "starts_at", "id"
        )
    )
    Attendance.objects.bulk_create(
        [Attendance(session=s, member=m) for s in sessions for m in members], batch_size=2000
    )
    Material.objects.bulk_create(
        [Material(session=s, title=t, url=u) for s in sessions for t, u in clean_links]
    )
    for s in sessions:
        audit_record(
            action="create",
            obj=s,
            changes={
                "kind": [None, kind],
                "starts_at": [None, s.starts_at.isoformat()],
                "invited": [None, len(members)],
                "plan": [None, plan.pk if plan else None],
            },
        )
    first = sessions[0] if sessions else None
    if first is not None and first.held_on >= today:
        label = Kind(kind).label
        notices_send(
            notices=[
                NoticeDraft(
                    member_id=m.pk,
                    kind="study.invited",
                    title=_("学习通知：%(t)s") % {"t": topic},
                    body=_("%(org)s将于%(when)s召开%(kind)s，地点：%(place)s")
                    % {
                        "org": org.name,
                        "when": _local(first.starts_at),
                        "kind": label,
                        "place": place or _("另行通知"),
                    },
                    link=f"/study/s/{first.public_id}/",
                    key=f"study.invited:{first.pk}:{m.pk}",
                )
                for m in members
            ]
        )
    return Schedule(sessions=sessions, moved=moved)


def _link(title: str, url: str) -> tuple[str, str]:
    title = clean_text("links", title, _("材料标题"), 100)
    url = clean_text("links", url, _("材料链接"), 300)
    if not url.startswith(("https://", "http://")):
        raise invalid("links", _("材料链接应以http://或https://开头"))
    return title, url


def _session_for_write(actor: Any, session_id: Any) -> StudySession:
    return one(
        selectors.organised_sessions(actor=actor),
        _("学习活动不存在或无权管理"),
        public_id=session_id,
        lock=True,
    )


@transaction.atomic
def session_cancel(*, actor: Any, session_id: Any, reason: str) -> StudySession:
    session = _session_for_write(actor, session_id)
    reason = clean_text("reason", reason, _("取消原因"), 200)
    if session.status != StudySession.Status.SCHEDULED:
        raise Conflict(_("只有待召开的学习可以取消"), code="not_scheduled")
    session.status = StudySession.Status.CANCELLED
    session.cancel_reason = reason
    session.save(update_fields=["status", "cancel_reason", "updated_at"])
    audit_record(action="update", obj=session, changes={"status": ["scheduled", "cancelled"]})
    member_ids = list(session.attendances.values_list("member_id", flat=True))
    notices_send(
        notices=[
            NoticeDraft(
                member_id=mid,
                kind="study.cancelled",
                title=_("学习取消：%(t)s") % {"t": session.topic},
                body=reason,
                link=f"/study/s/{session.public_id}/",
                key=f"study.cancelled:{session.pk}:{mid}",
            )
            for mid in member_ids
        ]
    )
    return session


@transaction.atomic
def session_record(*, actor: Any, session_id: Any, summary: str) -> StudySession:
    """The organiser records the session as held: who had not come is absent, and whoever was
    on leave or absent gets a make-up (补学)."""
    session = _session_for_write(actor, session_id)
    summary = clean_text("summary", summary, _("会议纪要"), 5000, multiline=True)
    if session.status != StudySession.Status.SCHEDULED:
        raise Conflict(_("该学习已召开或已取消"), code="not_scheduled")
    if session.starts_at > timezone.now():
        raise invalid("summary", _("学习开始后才能记录召开情况"))
    session.attendances.filter(status=Attendance.Status.INVITED).update(
        status=Attendance.Status.ABSENT, updated_at=timezone.now()
    )
    missed = session.attendances.filter(
        status__in=(Attendance.Status.LEAVE, Attendance.Status.ABSENT),
        makeup=Attendance.MakeUp.NONE,
    )
    missed_ids = list(missed.values_list("member_id", flat=True))
    missed.update(makeup=Attendance.MakeUp.ASSIGNED, updated_at=timezone.now())
    session.status = StudySession.Status.HELD
    session.summary = summary
    session.save(update_fields=["status", "summary", "updated_at"])
    audit_record(
        action="update",
        obj=session,
        changes={
            "status": ["scheduled", "held"],
            "present": [None, session.present_count],
            "makeups": [None, len(missed_ids)],
        },
    )
    notices_send(
        notices=[
            NoticeDraft(
                member_id=mid,
                kind="study.makeup",
                title=_("请补学：%(t)s") % {"t": session.topic},
                body=_("您未参加%(kind)s，请阅读学习材料并提交补学心得。")
                % {"kind": session.get_kind_display()},
                link=f"/study/s/{session.public_id}/",
                key=f"study.makeup:{session.pk}:{mid}",
            )
            for mid in missed_ids
        ]
    )
    return session


# Materials ------------------------------------------------------------------------------------


@transaction.atomic
def material_add(
    *, actor: Any, session_id: Any, title: str, url: str = "", upload: Any = None
) -> Material:
    session = _session_for_write(actor, session_id)
    if session.status == StudySession.Status.CANCELLED:
        raise Conflict(_("学习已取消"), code="cancelled")
    title = clean_text("title", title, _("材料标题"), 100)
    if upload is None:
        _title, url = _link(title, url)
        material = Material.objects.create(session=session, title=title, url=url)
    else:
        data = files.read_upload(upload, max_bytes=MAX_MATERIAL_BYTES)
        # PDF, Word, PowerPoint, Excel, JPEG or PNG, told by its bytes
        checked = files.check_document(
            data, name=getattr(upload, "name", ""), max_bytes=MAX_MATERIAL_BYTES
        )
        material = Material(session=session, title=title, content_type=checked.content_type)
        material.file.save(f"{uuid.uuid4().hex}.{checked.kind}", ContentFile(data), save=False)
        material.save()
    audit_record(action="create", obj=material, changes={"session": [None, session.pk]})
    return material


# Attendance -----------------------------------------------------------------------------------


def checkin_token(*, actor: Any, session_id: Any) -> str:
    """The code the organiser's screen shows now (it changes every 30 seconds)."""
    session = one(
        selectors.organised_sessions(actor=actor),
        _("学习活动不存在或无权管理"),
        public_id=session_id,
    )
    return tokens.make(session.public_id, "in")


SCAN_GRACE_SECONDS = 300


def scan_for(token: str, *, pending: dict[str, Any] | None = None) -> tokens.Scan:
    """The scan of a code; a code that expired while its member was logging in still counts
    for five minutes when the page remembered it (`pending`: the scan as first read)."""
    try:
        return tokens.read(token)
    except tokens.ExpiredToken:
        if (
            pending
            and pending.get("token") == token
            and float(pending.get("until", 0)) > timezone.now().timestamp()
        ):
            return tokens.Scan(
                activity_public_id=uuid.UUID(str(pending["session"])),
                kind=str(pending["kind"]),
                window=int(pending["window"]),
            )
        raise CheckinRefused(
            _("二维码已过期，请扫描现场屏幕上的最新二维码"), code="expired_code"
        ) from None
    except tokens.BadToken:
        raise CheckinRefused(_("二维码无效，请扫描组织者出示的二维码"), code="bad_code") from None


def pending_scan(token: str, scan: tokens.Scan) -> dict[str, Any]:
    """What a page remembers of a good scan while its member logs in."""
    return {
        "token": token,
        "session": str(scan.activity_public_id),
        "kind": scan.kind,
        "window": scan.window,
        "until": timezone.now().timestamp() + SCAN_GRACE_SECONDS,
    }


_COUNTER: dict[str, str] = {
    Attendance.Status.PRESENT: "present_count",
    Attendance.Status.LEAVE: "leave_count",
}


def _move(attendance: Attendance, to: str, **fields: Any) -> None:
    """Change an attendance's status (the session's row already locked) and the counters."""
    before = attendance.status
    changes: dict[str, Any] = {}
    if before in _COUNTER:
        changes[_COUNTER[before]] = F(_COUNTER[before]) - 1
    if to in _COUNTER:
        name = _COUNTER[to]
        changes[name] = (changes.pop(name) + 1) if name in changes else F(name) + 1
    if changes:
        StudySession.objects.filter(pk=attendance.session_id).update(**changes)
    attendance.status = to
    for name, value in fields.items():
        setattr(attendance, name, value)
    attendance.save(update_fields=["status", "updated_at", *fields])
    audit_record(
        action="update",
        obj=attendance,
        changes={"status": [before, to], **{k: [None, str(v)] for k, v in fields.items()}},
    )


def _locked_session(public_id: uuid.UUID) -> StudySession | None:
    return StudySession.objects.select_for_update().filter(public_id=public_id).first()


@transaction.atomic
def attendance_scan(*, actor: Any, scan: tokens.Scan) -> tuple[Attendance, str, bool]:
    """Check the caller in with a code already read (`scan_for`). Scanning twice changes
    nothing and says so; a member on leave who comes after all is present."""
    member = org_selectors.member_required(actor)
    session = _locked_session(scan.activity_public_id)
    if session is None or scan.kind != "in":
        raise CheckinRefused(_("二维码无效，请扫描组织者出示的二维码"), code="bad_code")
    if session.status == StudySession.Status.CANCELLED:
        raise CheckinRefused(_("学习已取消"), code="cancelled")
    now = timezone.now()
    if now < session.starts_at - CHECKIN_OPENS_BEFORE:
        raise CheckinRefused(_("签到尚未开始，开始前1小时起可签到"), code="too_early")
    if now > session.ends_at:
        raise CheckinRefused(_("学习已结束，不能签到"), code="too_late")
    attendance = (
        Attendance.objects.select_for_update().filter(session=session, member=member).first()
    )
    if attendance is None:
        raise CheckinRefused(
            _("您不在本次学习的参加人员名单中，如需参加请联系组织者"), code="not_invited"
        )
    if attendance.status == Attendance.Status.PRESENT:
        when = _local(attendance.checked_in_at or now)
        return attendance, _("您已于%(when)s签到，无需重复扫码") % {"when": when}, False
    _move(
        attendance,
        Attendance.Status.PRESENT,
        checked_in_at=now,
        method=Attendance.Method.QR,
        makeup=Attendance.MakeUp.NONE,
    )
    return attendance, _("签到成功：%(t)s") % {"t": session.topic}, True


@transaction.atomic
def attendance_mark(*, actor: Any, session_id: Any, member_id: Any, status: str) -> Attendance:
    """The organiser marks a member present, on leave or absent (a member without a phone, or
    after the fact). On a session already held, missing it means a make-up."""
    session = _session_for_write(actor, session_id)
    status = clean_choice(
        "status",
        status,
        _("出席情况"),
        [Attendance.Status.PRESENT, Attendance.Status.LEAVE, Attendance.Status.ABSENT],
    )
    if session.status == StudySession.Status.CANCELLED:
        raise Conflict(_("学习已取消"), code="cancelled")
    if status == Attendance.Status.ABSENT and session.status == StudySession.Status.SCHEDULED:
        raise invalid("status", _("学习召开后才能登记缺席"))
    if session.starts_at - CHECKIN_OPENS_BEFORE > timezone.now() and status != "leave":
        raise invalid("status", _("学习尚未开始，不能登记出席"))
    attendance = one(
        Attendance.objects.filter(session=session),
        _("该党员不在本次学习的参加人员名单中"),
        member__public_id=member_id,
        lock=True,
    )
    if attendance.status == status:
        return attendance
    fields: dict[str, Any] = {}
    if status == Attendance.Status.PRESENT:
        fields = {
            "checked_in_at": attendance.checked_in_at or session.starts_at,
            "method": Attendance.Method.MANUAL,
            "makeup": Attendance.MakeUp.NONE,
        }
    elif session.status == StudySession.Status.HELD and not attendance.makeup:
        fields = {"makeup": Attendance.MakeUp.ASSIGNED}
    _move(attendance, status, **fields)
    return attendance


@transaction.atomic
def leave_request(*, actor: Any, session_id: Any, reason: str) -> Attendance:
    """A member asks for leave (请假) with a reason, before the session ends."""
    member = org_selectors.member_required(actor)
    reason = clean_text("reason", reason, _("请假事由"), 200)
    session = selectors.session_get_for(actor, session_id)
    session = _locked_session(session.public_id) or session
    attendance = one(
        Attendance.objects.filter(session=session, member=member),
        _("您不在本次学习的参加人员名单中"),
        lock=True,
    )
    if session.status != StudySession.Status.SCHEDULED or session.ends_at < timezone.now():
        raise Conflict(_("学习已结束或已取消，不能请假"), code="closed")
    if attendance.status == Attendance.Status.PRESENT:
        raise Conflict(_("您已签到，不能请假"), code="present")
    if attendance.status == Attendance.Status.LEAVE:
        attendance.leave_reason = reason
        attendance.save(update_fields=["leave_reason", "updated_at"])
        audit_record(action="update", obj=attendance, changes={"leave_reason": [None, reason]})
        return attendance
    _move(attendance, Attendance.Status.LEAVE, leave_reason=reason)
    return attendance


@transaction.atomic
def note_submit(*, actor: Any, session_id: Any, text: str) -> Attendance:
    """A member's note: a 心得 after attending, or the note of a make-up (补学), which then
    waits for the organiser."""
    member = org_selectors.member_required(actor)
    text = clean_text("note", text, _("心得"), NOTE_MAX, multiline=True)
    if len(text) < NOTE_MIN:
        raise invalid("note", _("心得不能少于%(n)d个字") % {"n": NOTE_MIN})
    session = selectors.session_get_for(actor, session_id)
    attendance = one(
        Attendance.objects.filter(session=session, member=member),
        _("您不在本次学习的参加人员名单中"),
        lock=True,
    )
    now = timezone.now()
    fields: dict[str, Any] = {"note": text, "note_at": now}
    if attendance.status == Attendance.Status.PRESENT:
        pass
    elif attendance.makeup in (Attendance.MakeUp.ASSIGNED, Attendance.MakeUp.RETURNED):
        fields["makeup"] = Attendance.MakeUp.SUBMITTED
    elif attendance.makeup == Attendance.MakeUp.SUBMITTED:
        raise Conflict(_("补学心得已提交，等待组织者确认"), code="submitted")
    elif attendance.makeup == Attendance.MakeUp.CONFIRMED:
        raise Conflict(_("补学已确认，无需再提交"), code="confirmed")
    else:
        raise Conflict(_("签到后或学习召开后才能提交心得"), code="not_yet")
    before = {k: getattr(attendance, k) for k in fields}
    for k, v in fields.items():
        setattr(attendance, k, v)
    attendance.save(update_fields=[*fields, "updated_at"])
    audit_record(
        action="update",
        obj=attendance,
        changes={
            "note": [bool(before["note"]), True],
            **({"makeup": [before["makeup"], fields["makeup"]]} if "makeup" in fields else {}),
        },
    )
    return attendance


def _makeup_for_write(actor: Any, attendance_id: Any) -> Attendance:
    attendance = one(
        Attendance.objects.filter(session__in=selectors.organised_sessions(actor=actor)),
        _("补学记录不存在或无权管理"),
        public_id=attendance_id,
        lock=True,
    )
    # Separation of duties: an organiser does not confirm or return their own make-up.
    submitter = Member.objects.filter(pk=attendance.member_id).values_list("user_id", flat=True)
    not_own(actor, *submitter, message=_("这份补学心得是您本人提交的，不能由您确认或退回"))
    return attendance


@transaction.atomic
def makeup_confirm(*, actor: Any, attendance_id: Any) -> Attendance:
    attendance = _makeup_for_write(actor, attendance_id)
    if attendance.makeup != Attendance.MakeUp.SUBMITTED:
        raise Conflict(_("只有已提交的补学可以确认"), code="not_submitted")
    attendance.makeup = Attendance.MakeUp.CONFIRMED
    attendance.makeup_confirmed_at = timezone.now()
    attendance.save(update_fields=["makeup", "makeup_confirmed_at", "updated_at"])
    audit_record(action="update", obj=attendance, changes={"makeup": ["submitted", "confirmed"]})
    return attendance


@transaction.atomic
def makeup_return(*, actor: Any, attendance_id: Any, reason: str) -> Attendance:
    attendance = _makeup_for_write(actor, attendance_id)
    reason = clean_text("reason", reason, _("退回原因"), 200)
    if attendance.makeup != Attendance.MakeUp.SUBMITTED:
        raise Conflict(_("只有已提交的补学可以退回"), code="not_submitted")
    attendance.makeup = Attendance.MakeUp.RETURNED
    attendance.makeup_reason = reason
    attendance.save(update_fields=["makeup", "makeup_reason", "updated_at"])
    audit_record(action="update", obj=attendance, changes={"makeup": ["submitted", "returned"]})
    notices_send(
        notices=[
            NoticeDraft(
                member_id=attendance.member_id,
                kind="study.makeup_returned",
                title=_("补学心得被退回"),
                body=reason,
                link=f"/study/s/{attendance.session.public_id}/",
            )
        ]
    )
    return attendance
