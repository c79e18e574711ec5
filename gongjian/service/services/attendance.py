"""Check-in and check-out by QR code, attendance marked by hand, hours and points.

One attendance per member and activity (ADR 0004): a check-in is one INSERT guarded by the
unique (activity, member); a check-out is a conditional UPDATE, so a second scan changes
nothing and says so."""

from __future__ import annotations

import datetime as dt
import math
import time
import uuid
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core.audit import audit_record, diff, snapshot
from gongjian.core.errors import ApplicationError, Conflict, NotFound
from gongjian.core.figures import written
from gongjian.core.validation import clean_choice, clean_decimal, invalid
from gongjian.orgs import selectors as org_selectors
from gongjian.orgs.models import Member
from gongjian.orgs.selectors import member_required
from gongjian.service import selectors, tokens
from gongjian.service.models import Activity, Attendance, Signup
from gongjian.service.services.notices import when

CHECKIN_OPENS_BEFORE = dt.timedelta(hours=1)
CHECKOUT_CLOSES_AFTER = dt.timedelta(hours=2)
# A good code scanned before logging in still counts this long after (the log-in must not make
# it expire).
SCAN_GRACE_SECONDS = 300


class CheckinRefused(ApplicationError):
    code = "checkin_refused"
    status = 400


# Points -------------------------------------------------------------------------------------
# Hours are counted in half hours, rounded down; one point per hour of service.

POINTS_PER_HOUR = Decimal("1")


def hours_between(start: dt.datetime, end: dt.datetime) -> Decimal:
    seconds = max(0.0, (end - start).total_seconds())
    halves = math.floor(seconds / 1800)
    return min(Decimal(halves) / 2, Decimal(24))


def points_for(hours: Decimal) -> Decimal:
    return (hours * POINTS_PER_HOUR).quantize(Decimal("0.1"))


def served_hours(activity: Activity, checked_in_at: dt.datetime, out: dt.datetime) -> Decimal:
    """From check-in to check-out, within the activity's own hours."""
    return hours_between(max(checked_in_at, activity.starts_at), min(out, activity.ends_at))


def _hours_text(hours: Decimal) -> str:
    return f"{hours.normalize():f}"


# Codes --------------------------------------------------------------------------------------


def checkin_token(*, actor: Any, activity: Activity | uuid.UUID | str, kind: str) -> str:
    """The code the organiser's screen shows now."""
    found = selectors.activity_get_for(actor, activity, write=True)
    kind = clean_choice("kind", kind, _("签到或签退"), tokens.KINDS)
    return tokens.make(found.public_id, kind)


def _remembered(token: str, memo: Any) -> tokens.Scan | None:
    if not isinstance(memo, dict) or memo.get("token") != token:
        return None
    if memo.get("until", 0) <= time.time():
        return None
    return tokens.Scan(
        activity_public_id=uuid.UUID(str(memo["activity"])),
        kind=str(memo["kind"]),
        window=int(memo["window"]),
    )


def scan_read(token: str, *, remembered: Any = None) -> tuple[tokens.Scan, dict[str, Any]]:
    """The scan of a code, and what to remember of it (in the caller's session): a good code
    is remembered for five minutes, so a member who logs in on the way is not told it
    expired. Refused with a reason for a forged or expired code not remembered."""
    try:
        scan = tokens.read(token)
    except (tokens.ExpiredToken, tokens.BadToken) as exc:
        kept = _remembered(token, remembered)
        if kept is None:
            if isinstance(exc, tokens.ExpiredToken):
                raise CheckinRefused(
                    _("二维码已过期，请扫描现场屏幕上的最新二维码"), code="expired_code"
                ) from None
            raise CheckinRefused(
                _("二维码无效，请扫描组织者出示的二维码"), code="bad_code"
            ) from None
        return kept, remembered
    return scan, {
        "token": token,
        "activity": str(scan.activity_public_id),
        "kind": scan.kind,
        "window": scan.window,
        "until": time.time() + SCAN_GRACE_SECONDS,
    }


def read_scan(token: str) -> tokens.Scan:
    """The scan of a code, or a refusal saying why it does not count."""
    return scan_read(token)[0]


# Scanning -----------------------------------------------------------------------------------


@transaction.atomic
def attendance_scan(*, actor: Any, scan: tokens.Scan) -> tuple[Attendance, str, bool]:
    """Check the caller in or out with a code already read (see `read_scan`). Returns the
    attendance, a message for the person, and whether anything changed: scanning twice, or
    out before in, changes nothing and says so."""
    member = member_required(actor)
    activity = (
        Activity.objects.select_related("category")
        .filter(public_id=scan.activity_public_id)
        .first()
    )
    if activity is None:
        raise CheckinRefused(_("二维码无效，请扫描组织者出示的二维码"), code="bad_code")
    now = timezone.now()
    if activity.status == Activity.Status.CANCELLED:
        raise CheckinRefused(_("活动已取消"), code="cancelled")
    signup = Signup.objects.filter(
        activity=activity, member=member, status=Signup.Status.CONFIRMED
    ).exists()
    if not signup:
        raise CheckinRefused(
            _("您没有本活动的报名名额，如需参加请联系组织者登记"), code="not_signed_up"
        )
    if scan.kind == "in":
        return _scan_in(activity, member, now)
    return _scan_out(activity, member, now)


def _scan_in(activity: Activity, member: Member, now: dt.datetime) -> tuple[Attendance, str, bool]:
    if now < activity.starts_at - CHECKIN_OPENS_BEFORE:
        raise CheckinRefused(_("签到尚未开始，活动开始前1小时起可签到"), code="too_early")
    if now > activity.ends_at:
        raise CheckinRefused(_("活动已结束，不能签到"), code="too_late")
    attendance, created = _check_in(activity=activity, member=member, at=now)
    if created:
        return attendance, _("签到成功：%(title)s") % {"title": activity.title}, True
    return (
        attendance,
        _("您已于%(when)s签到，无需重复扫码") % {"when": when(attendance.checked_in_at or now)},
        False,
    )


def _scan_out(activity: Activity, member: Member, now: dt.datetime) -> tuple[Attendance, str, bool]:
    if now < activity.starts_at:
        raise CheckinRefused(_("活动尚未开始，不能签退"), code="too_early")
    if now > activity.ends_at + CHECKOUT_CLOSES_AFTER:
        raise CheckinRefused(_("签退时间已过，请联系组织者确认时长"), code="too_late")
    found = Attendance.objects.filter(activity=activity, member=member).first()
    if found is None or found.checked_in_at is None:
        raise CheckinRefused(_("您还没有签到，请先扫签到码"), code="not_checked_in")
    attendance = found
    hours = served_hours(activity, found.checked_in_at, now)
    changed = Attendance.objects.filter(
        pk=attendance.pk, checked_out_at__isnull=True, hours_confirmed=False
    ).update(checked_out_at=now, hours=hours, points=points_for(hours), updated_at=now)
    attendance.refresh_from_db()
    if changed:  # hours are a figure: the dashboard recounts this activity's month
        written.send(sender=Attendance, instance=attendance)
    if not changed:
        return (
            attendance,
            _("您已于%(when)s签退，无需重复扫码")
            % {"when": when(attendance.checked_out_at or now)},
            False,
        )
    audit_record(
        action="update",
        obj=attendance,
        object_repr=f"{member.name} @ {activity.title}",
        changes={"checked_out_at": [None, now.isoformat()], "hours": [None, str(hours)]},
    )
    return (
        attendance,
        _("签退成功，本次服务%(h)s小时") % {"h": _hours_text(attendance.hours)},
        True,
    )


def _check_in(
    *, activity: Activity, member: Member, at: dt.datetime, method: str = Attendance.Method.QR
) -> tuple[Attendance, bool]:
    """One INSERT guarded by the unique (activity, member): the first of any number of
    simultaneous check-ins creates the attendance; the rest find it."""
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                activity=activity, member=member, checked_in_at=at, method=method
            )
    except IntegrityError:
        return Attendance.objects.get(activity=activity, member=member), False
    audit_record(
        action="create",
        obj=attendance,
        object_repr=f"{member.name} @ {activity.title}",
        changes={"checked_in_at": [None, at.isoformat()], "method": [None, method]},
    )
    return attendance, True


# Marking by hand ------------------------------------------------------------------------------


def _volunteer(actor: Any, activity: Activity, member: Member | uuid.UUID | str) -> Member:
    """The member to mark: one the caller's posts may see, or one signed up for the activity
    (a volunteer from elsewhere); refused naming the field otherwise."""
    key = member.public_id if isinstance(member, Member) else member
    try:
        return org_selectors.member_get_for(actor, key)
    except NotFound:
        pass
    try:
        wanted = uuid.UUID(str(key))
    except ValueError:
        raise invalid("member", _("请选择党员")) from None
    signup = (
        Signup.objects.filter(activity=activity, member__public_id=wanted)
        .select_related("member")
        .first()
    )
    if signup is None:
        raise invalid("member", _("该党员未报名本活动，且不在您的管理范围内"))
    return signup.member


@transaction.atomic
def attendance_mark(
    *,
    actor: Any,
    activity: Activity | uuid.UUID | str,
    member: Member | uuid.UUID | str,
    present: bool = True,
    checked_in_at: dt.datetime | None = None,
    checked_out_at: dt.datetime | None = None,
    hours: Decimal | str | None = None,
) -> Attendance | None:
    """The organiser marks attendance by hand (a member without a phone, or after the fact),
    or confirms the hours; `present=False` removes a mistaken record. Audited."""
    found = selectors.activity_get_for(actor, activity, write=True)
    person = _volunteer(actor, found, member)
    if found.status == Activity.Status.CANCELLED:
        raise Conflict(_("活动已取消"), code="cancelled")
    if timezone.now() < found.starts_at - CHECKIN_OPENS_BEFORE:
        raise invalid("member", _("活动尚未开始，不能登记签到"))
    attendance = (
        Attendance.objects.select_for_update().filter(activity=found, member=person).first()
    )
    if not present:
        if attendance is None:
            raise NotFound(_("该党员没有签到记录"))
        before = snapshot(attendance)
        attendance.delete()
        audit_record(
            action="delete",
            object_type="service.attendance",
            object_id=str(before["id"]),
            object_repr=f"{person.name} @ {found.title}",
            changes=diff(before, {}),
        )
        return None
    checked_in_at = checked_in_at or (attendance.checked_in_at if attendance else None)
    checked_in_at = checked_in_at or found.starts_at
    if checked_out_at is not None and checked_out_at < checked_in_at:
        raise invalid("checked_out_at", _("签退时间不能早于签到时间"))
    confirmed = clean_decimal(
        "hours",
        hours,
        _("服务时长"),
        minimum=Decimal(0),
        maximum=Decimal(24),
        places=6,
        required=False,
    )
    if confirmed is not None:
        served = (confirmed * 2).to_integral_value(rounding="ROUND_FLOOR") / 2
    else:
        out = checked_out_at or (attendance.checked_out_at if attendance else None)
        served = served_hours(found, checked_in_at, out or found.ends_at)
    before = snapshot(attendance) if attendance else {}
    if attendance is None:
        attendance, _created = _check_in(
            activity=found, member=person, at=checked_in_at, method=Attendance.Method.MANUAL
        )
        before = snapshot(attendance)
    attendance.checked_in_at = checked_in_at
    attendance.checked_out_at = checked_out_at or attendance.checked_out_at
    attendance.hours = served
    attendance.points = points_for(served)
    attendance.hours_confirmed = True
    attendance.method = Attendance.Method.MANUAL
    attendance.save()
    audit_record(
        action="update",
        obj=attendance,
        object_repr=f"{person.name} @ {found.title}",
        changes=diff(before, snapshot(attendance)),
    )
    return attendance
