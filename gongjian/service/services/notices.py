"""The notices of volunteer service, sent to the one inbox (`orgs.Notice`) with
`orgs.services.notices_send`: a reminder the day before, a cancellation, a promotion from the
waiting list. Each links to its activity's page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.orgs import services as org_services
from gongjian.service import selectors
from gongjian.service.models import Activity, Signup

# The kinds of notice this app sends (`orgs.Notice.kind`), all under `selectors.NOTICE_PREFIX`.
REMINDER = "service.reminder"
CANCELLED = "service.cancelled"
PROMOTED = "service.promoted"


def when(value: dt.datetime) -> str:
    """A moment as the notices and messages of this app write it (local time)."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _link(activity: Activity) -> str:
    return reverse("service:activity_detail", args=[activity.public_id])


def cancelled_send(*, activity: Activity, member_ids: Iterable[int], reason: str) -> list[int]:
    body = _("您报名的活动“%(title)s”（%(when)s）已取消：%(reason)s") % {
        "title": activity.title,
        "when": when(activity.starts_at),
        "reason": reason,
    }
    return org_services.notices_send(
        notices=[
            org_services.NoticeDraft(
                member_id=m, kind=CANCELLED, title=_("活动取消"), body=body, link=_link(activity)
            )
            for m in member_ids
        ]
    )


def promoted_send(*, activity: Activity, member_id: int) -> None:
    body = _("有人取消报名，您已从候补转为正式报名：“%(title)s”，%(when)s，%(place)s") % {
        "title": activity.title,
        "when": when(activity.starts_at),
        "place": activity.address,
    }
    org_services.notices_send(
        notices=[
            org_services.NoticeDraft(
                member_id=member_id,
                kind=PROMOTED,
                title=_("候补转正"),
                body=body,
                link=_link(activity),
            )
        ]
    )


def reminder_key(*, activity_id: int, member_id: int) -> str:
    """One reminder per member and activity, whoever sends it and however often."""
    return f"{REMINDER}:{activity_id}:{member_id}"


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """A notice to everyone confirmed for an activity that starts tomorrow (local date).
    Idempotent: each sign-up is reminded once, claimed by a conditional UPDATE (and the
    notice's key says the same)."""
    now = now or timezone.now()
    tomorrow = timezone.localtime(now).date() + dt.timedelta(days=1)
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(tomorrow, dt.time.min, tz)
    end = start + dt.timedelta(days=1)
    sent = 0
    due = (
        Signup.objects.filter(
            status=Signup.Status.CONFIRMED,
            reminded_at__isnull=True,
            activity__status=Activity.Status.PUBLISHED,
            activity__starts_at__gte=start,
            activity__starts_at__lt=end,
        )
        .select_related("activity")
        .order_by("id")
    )
    for signup in due.iterator(chunk_size=500):
        with transaction.atomic():
            claimed = Signup.objects.filter(pk=signup.pk, reminded_at__isnull=True).update(
                reminded_at=now
            )
            if not claimed:
                continue
            activity = signup.activity
            body = _("明天%(when)s有您报名的活动“%(title)s”，地点：%(place)s") % {
                "when": timezone.localtime(activity.starts_at).strftime("%H:%M"),
                "title": activity.title,
                "place": activity.address,
            }
            org_services.notices_send(
                notices=[
                    org_services.NoticeDraft(
                        member_id=signup.member_id,
                        kind=REMINDER,
                        title=_("活动提醒"),
                        body=body,
                        link=_link(activity),
                        key=reminder_key(activity_id=activity.pk, member_id=signup.member_id),
                    )
                ]
            )
            sent += 1
    return sent


@transaction.atomic
def notices_mark_read(*, actor: Any) -> int:
    """Mark the caller's unread notices of volunteer service read, through the inbox's own
    service. Returns how many."""
    unread = list(
        selectors.notice_list(actor=actor).filter(read_at__isnull=True).values_list("pk", flat=True)
    )
    for pk in unread:
        org_services.notice_mark_read(actor=actor, notice_id=pk)
    return len(unread)
