"""Signing up and cancelling: the hot path of a rush (ADR 0004).

A place is taken by one conditional UPDATE of `Activity.confirmed_count` (with a CHECK that it
never passes the quota); sign-ups are unique per (activity, member). Every transaction that
locks an activity and its sign-ups locks the activity first.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core.audit import audit_append, audit_insert_select, audit_record
from gongjian.core.errors import ApplicationError, Conflict, NotFound
from gongjian.orgs.models import Member
from gongjian.orgs.selectors import member_required
from gongjian.service import selectors
from gongjian.service.models import Activity, Audience, Signup
from gongjian.service.services import notices


class SignupRefused(ApplicationError):
    code = "signup_refused"
    status = 409


def _signup_refusal(member: Member, activity: Activity, now: dt.datetime) -> str | None:
    if activity.status == Activity.Status.CANCELLED:
        return _("活动已取消，不能报名")
    if activity.ends_at <= now:
        return _("活动已结束，不能报名")
    if now < activity.signup_opens_at:
        return _("报名尚未开始，%(when)s开始报名") % {
            "when": notices.when(activity.signup_opens_at)
        }
    if now > activity.signup_closes_at:
        return _("报名已于%(when)s截止") % {"when": notices.when(activity.signup_closes_at)}
    if not selectors.activity_is_open_to(member, activity):
        return {
            Audience.RESIDENTS: _("本活动仅限向%(c)s报到的党员报名"),
            Audience.UNIT: _("本活动仅限%(u)s的党员报名"),
            Audience.TEAM: _("本活动仅限%(t)s的队员报名"),
        }.get(Audience(activity.audience), _("您不在本活动的报名范围内")) % {
            "c": activity.community.name if activity.community else "",
            "u": activity.unit.name if activity.unit else "",
            "t": activity.team.name if activity.team else "",
        }
    return None


def signup_create(*, actor: Any, activity: Activity | uuid.UUID | str) -> Signup:
    """Take a place if one is left, else join the waiting list. One conditional UPDATE takes
    the place; the unique (activity, member) keeps one sign-up per member.

    The hot path of a rush: the caller's member record, the activity and the caller's earlier
    sign-up are read in one statement; then, on PostgreSQL, the place, the sign-up and its
    audit entry are written by one more (`_signup_write_at_once`), elsewhere by one UPDATE,
    one INSERT and the audit entry in a transaction. Either way the writes stand or fall
    together, and the rules that matter under concurrency (the quota, the activity still
    published, one sign-up per member) are checked by the writes themselves."""
    public_id = activity.public_id if isinstance(activity, Activity) else activity
    target = selectors.signup_target(actor=actor, public_id=public_id)
    member, found = target.member, target.activity
    if member is None:
        member = member_required(actor)  # raises: the account has no member record
    if found is None:
        raise NotFound(_("活动不存在"))
    now = timezone.now()
    refusal = _signup_refusal(member, found, now)
    if refusal:
        raise SignupRefused(refusal)
    earlier_id, earlier_status = target.earlier_id, target.earlier_status
    if earlier_id is not None and earlier_status != Signup.Status.CANCELLED:
        earlier = Signup.objects.get(pk=earlier_id)
        raise Conflict(_signup_state_text(earlier), code="already_signed_up")
    if earlier_id is None and connection.vendor == "postgresql":
        return _signup_write_at_once(member=member, activity=found, now=now)
    with transaction.atomic():
        return _signup_write(member=member, activity=found, now=now, earlier_id=earlier_id)


def _signup_write(
    *, member: Member, activity: Activity, now: dt.datetime, earlier_id: int | None
) -> Signup:
    """The writes of `signup_create`, statement by statement (in its transaction)."""
    # The place (ADR 0004), in SQL: the ORM's `filter(confirmed_count__lt=F("quota"))
    # .update(...)` costs ~1 ms of Python to compile on every sign-up of a rush.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE service_activity SET confirmed_count = confirmed_count + 1"
            " WHERE id = %s AND status = %s AND confirmed_count < quota",
            [activity.pk, Activity.Status.PUBLISHED.value],
        )
        took = cursor.rowcount == 1
    if (
        not took
        and not Activity.objects.filter(pk=activity.pk, status=Activity.Status.PUBLISHED).exists()
    ):
        raise SignupRefused(_("活动已取消，不能报名"))
    status = Signup.Status.CONFIRMED if took else Signup.Status.WAITING
    waiting_since = None if took else now
    if earlier_id is not None:
        changed = Signup.objects.filter(pk=earlier_id, status=Signup.Status.CANCELLED).update(
            status=status, waiting_since=waiting_since, cancelled_at=None, updated_at=now
        )
        if not changed:
            # Someone signed this member up a moment ago; the place taken above is given back
            # by the rollback this error causes.
            raise Conflict(_("您已报名该活动"), code="already_signed_up")
        signup = Signup(
            pk=earlier_id,
            activity=activity,
            member=member,
            status=status,
            waiting_since=waiting_since,
        )
    else:
        # No savepoint: a duplicate (a second request of the same member a moment ago) ends
        # this transaction with the error, which rolls back the place taken above.
        try:
            signup_id, ahead = _signup_insert(
                activity_id=activity.pk,
                member_id=member.pk,
                status=status,
                now=now,
                waiting=not took,
            )
        except IntegrityError:
            raise Conflict(_("您已报名该活动"), code="already_signed_up") from None
        signup = Signup(
            pk=signup_id,
            activity=activity,
            member=member,
            status=status,
            waiting_since=waiting_since,
            created_at=now,
            updated_at=now,
        )
        signup.position_at_signup = None if ahead is None else ahead + 1
    audit_append(
        action="create",
        obj=signup,
        object_repr=f"{member.name} → {activity.title}",
        changes={"status": [None, status]},
    )
    return signup


def _signup_write_at_once(*, member: Member, activity: Activity, now: dt.datetime) -> Signup:
    """The writes of a first sign-up in one statement (PostgreSQL): the place if one is left,
    the sign-up (confirmed or waiting), its audit entry, and the count of those waiting ahead.
    In autocommit it is its own transaction (no BEGIN and COMMIT round trips in a rush); a
    duplicate sign-up fails the whole statement, so a place taken is never kept."""
    at = connection.ops.adapt_datetimefield_value(now)
    published = Activity.Status.PUBLISHED.value
    audit_sql, audit_params = audit_insert_select(
        action="create",
        object_type=Signup._meta.label_lower,
        object_repr=f"{member.name} → {activity.title}",
        object_id_sql="new.id::text",
        changes_sql="jsonb_build_object('status', jsonb_build_array(NULL, new.status))",
        source="new",
    )
    sql = f"""
WITH took AS (
    UPDATE service_activity SET confirmed_count = confirmed_count + 1
    WHERE id = %s AND status = %s AND confirmed_count < quota
    RETURNING id
), new AS (
    INSERT INTO service_signup (created_at, updated_at, activity_id, member_id, status,
                                waiting_since, promoted_at, cancelled_at, reminded_at)
    SELECT %s, %s, a.id, %s,
           CASE WHEN EXISTS (SELECT 1 FROM took) THEN %s ELSE %s END,
           CASE WHEN EXISTS (SELECT 1 FROM took) THEN NULL ELSE %s::timestamptz END,
           NULL, NULL, NULL
    FROM service_activity a WHERE a.id = %s AND a.status = %s
    RETURNING id, status
), logged AS ({audit_sql})
SELECT new.id, new.status,
       CASE WHEN new.status = %s THEN
           (SELECT COUNT(*) FROM service_signup w
            WHERE w.activity_id = %s AND w.status = %s AND w.waiting_since <= %s)
       END
FROM new
"""  # noqa: S608 - constant text, values as parameters
    confirmed, waiting = Signup.Status.CONFIRMED.value, Signup.Status.WAITING.value
    params = [
        *(activity.pk, published),
        *(at, at, member.pk, confirmed, waiting, at, activity.pk, published),
        *audit_params,
        *(waiting, activity.pk, waiting, at),
    ]
    nested = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    try:
        with nested, connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
    except IntegrityError:
        # Signed up a moment ago by a second request of the same member.
        raise Conflict(_("您已报名该活动"), code="already_signed_up") from None
    if row is None:
        raise SignupRefused(_("活动已取消，不能报名"))
    signup_id, status, ahead = row
    signup = Signup(
        pk=signup_id,
        activity=activity,
        member=member,
        status=status,
        waiting_since=None if status == confirmed else now,
        created_at=now,
        updated_at=now,
    )
    signup.position_at_signup = None if ahead is None else int(ahead) + 1
    return signup


def _signup_insert(
    *, activity_id: int, member_id: int, status: str, now: dt.datetime, waiting: bool
) -> tuple[int, int | None]:
    """`Signup.objects.create(...)` of the hot path as one plain INSERT (the model's save costs
    ~1 ms of Python); returns the new id and, for a place on the waiting list, how many wait
    ahead of it (counted by the same statement, not by one more round trip)."""
    at = connection.ops.adapt_datetimefield_value(now)
    sql = (
        "INSERT INTO service_signup (created_at, updated_at, activity_id, member_id, status,"
        " waiting_since, promoted_at, cancelled_at, reminded_at)"
        " VALUES (%s, %s, %s, %s, %s, %s, NULL, NULL, NULL)"
    )
    params = [at, at, activity_id, member_id, str(status), at if waiting else None]
    with connection.cursor() as cursor:
        if not connection.features.can_return_columns_from_insert:
            cursor.execute(sql, params)
            return int(cursor.lastrowid), None
        if not waiting:
            cursor.execute(sql + " RETURNING id", params)
            return int(cursor.fetchone()[0]), None
        # Those ahead on the waiting list, other than the new row (which PostgreSQL's
        # subquery does not see and SQLite's does): waiting since no later than now.
        cursor.execute(
            sql  # noqa: S608 - constant text, values as parameters
            + " RETURNING id, (SELECT COUNT(*) FROM service_signup w"
            " WHERE w.activity_id = %s AND w.status = %s AND w.waiting_since <= %s"
            " AND w.id <> service_signup.id)",
            [*params, activity_id, Signup.Status.WAITING.value, at],
        )
        signup_id, ahead = cursor.fetchone()
        return int(signup_id), int(ahead)


def _signup_state_text(signup: Signup) -> str:
    if signup.status == Signup.Status.WAITING:
        return _("您已在候补名单中，当前第%(n)d位") % {"n": selectors.waiting_position(signup)}
    return _("您已报名该活动")


@transaction.atomic
def signup_cancel(*, actor: Any, activity: Activity | uuid.UUID | str) -> Signup:
    """Cancel the caller's sign-up. Before the sign-up deadline the first on the waiting list
    takes the freed place, in this same transaction."""
    member = member_required(actor)
    now = timezone.now()
    # Lock order: the activity, then its sign-ups.
    locked = selectors.activity_for_signup(activity, lock=True)
    signup = (
        Signup.objects.select_for_update()
        .filter(activity=locked, member=member)
        .exclude(status=Signup.Status.CANCELLED)
        .first()
    )
    if signup is None:
        # A state of the caller's, not a missing page: said back on the activity's page.
        raise Conflict(_("您没有报名该活动"), code="not_signed_up")
    if locked.starts_at <= now:
        raise SignupRefused(_("活动已开始，不能取消报名；如不能参加请联系组织者"))
    was = signup.status
    signup.status = Signup.Status.CANCELLED
    signup.cancelled_at = now
    signup.save(update_fields=["status", "cancelled_at", "updated_at"])
    promoted = None
    if was == Signup.Status.CONFIRMED:
        if locked.status == Activity.Status.PUBLISHED and now <= locked.signup_closes_at:
            promoted = (
                Signup.objects.select_for_update()
                .filter(activity=locked, status=Signup.Status.WAITING)
                .order_by("waiting_since", "id")
                .first()
            )
        if promoted is not None:
            promoted.status = Signup.Status.CONFIRMED
            promoted.promoted_at = now
            promoted.save(update_fields=["status", "promoted_at", "updated_at"])
            notices.promoted_send(activity=locked, member_id=promoted.member_id)
        else:
            Activity.objects.filter(pk=locked.pk, confirmed_count__gt=0).update(
                confirmed_count=F("confirmed_count") - 1
            )
    audit_record(
        action="update",
        obj=signup,
        object_repr=f"{member.name} → {locked.title}",
        changes={
            "status": [was, Signup.Status.CANCELLED],
            "promoted": promoted.member_id if promoted else None,
        },
    )
    return signup
