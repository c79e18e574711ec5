"""Notices and the outbox: every app tells a member something the same way, an in-app notice
(the one inbox), and, when asked, a text through the outbox that `gongjian outbox_send`
delivers."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core import sms
from gongjian.core.validation import invalid
from gongjian.orgs import selectors
from gongjian.orgs.models import Member, Notice, OutboxMessage
from gongjian.orgs.selectors import Ref

logger = logging.getLogger("gongjian.orgs.services")


@dataclass(frozen=True)
class NoticeDraft:
    """One notice for one member. `key` makes it idempotent (a notice with the same key is not
    sent twice: "one reminder a day" is a key with the date in it); `sms`, when given, is the
    text of a message queued in the outbox beside the notice (under `sms:<key>`)."""

    member_id: int
    kind: str
    title: str
    body: str = ""
    link: str = ""
    key: str | None = None
    sms: str = ""


@transaction.atomic
def notices_send(*, notices: Sequence[NoticeDraft]) -> list[int]:
    """Send the notices (and their texts) whose key is new; returns the members newly told.
    Callers have already decided who may be told; this writes no audit entry of its own (the
    caller's action is the audited one)."""
    keys = [n.key for n in notices if n.key]
    already = set(Notice.objects.filter(key__in=keys).values_list("key", flat=True))
    fresh = [n for n in notices if not n.key or n.key not in already]
    seen: set[str] = set()
    unique = []
    for n in fresh:
        if n.key and n.key in seen:
            continue
        if n.key:
            seen.add(n.key)
        unique.append(n)
    Notice.objects.bulk_create(
        [
            Notice(
                member_id=n.member_id,
                kind=n.kind[:32],
                title=n.title[:100],
                body=n.body,
                link=n.link[:200],
                key=n.key,
            )
            for n in unique
        ],
        ignore_conflicts=True,
    )
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                member_id=n.member_id,
                channel=OutboxMessage.Channel.SMS,
                body=n.sms,
                key=f"sms:{n.key}" if n.key else None,
            )
            for n in unique
            if n.sms
        ],
        ignore_conflicts=True,
    )
    return [n.member_id for n in unique]


@transaction.atomic
def notice_mark_read(*, actor: Any, notice_id: Ref) -> Notice:
    notice = selectors.notice_get_for(actor, notice_id, lock=True)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at", "updated_at"])
    return notice


# Delivering the outbox -------------------------------------------------------------------------

OUTBOX_MAX_ATTEMPTS = 3
# A run stops after this many failures in a row: the gateway is likely down, and going on would
# spend an attempt of every pending message on it.
OUTBOX_STOP_AFTER_FAILURES_IN_A_ROW = 5


@dataclass
class DeliveryResult:
    """One run of `outbox_deliver`. `failed` counts the attempts that failed in this run,
    `given_up` those of them whose message is now `failed` for good; `skipped` the pending
    messages left for later (WeChat, or every message while SMS is off)."""

    sent: int = 0
    failed: int = 0
    given_up: int = 0
    skipped: int = 0
    sms_off: bool = False
    stopped_early: bool = False


def outbox_deliver(*, limit: int = 500, now: dt.datetime | None = None) -> DeliveryResult:
    """Send up to `limit` pending SMS messages, oldest first, through `core.sms`.

    Each message is claimed, sent and marked in a transaction of its own: on PostgreSQL its
    row stays locked (`SKIP LOCKED` for the others) while it is sent, so two runs never send
    one message twice, and what was marked sent stays sent if the run dies later. (SQLite's
    writers take turns anyway.) A failure increments `attempts` and records the error; the
    third one marks the message `failed`. A member without a phone, or no longer on record
    (`is_active` false), fails at once. WeChat
    messages stay pending: no channel sends them yet. `now` stamps `sent_at`."""
    if limit < 1:
        raise invalid("limit", _("每次至少发送1条"))
    result = DeliveryResult()
    pending = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
    result.skipped = pending.filter(channel=OutboxMessage.Channel.WECHAT).count()
    sms_pending = pending.filter(channel=OutboxMessage.Channel.SMS).order_by("created_at", "id")
    if not sms.sms_enabled():
        result.sms_off = True
        result.skipped += sms_pending.count()
        logger.warning("outbox: SMS is off (GONGJIAN_SMS_BACKEND=off), %d left", result.skipped)
        return result
    if connection.features.has_select_for_update_skip_locked:
        sms_pending = sms_pending.select_for_update(skip_locked=True)
    tried: list[int] = []
    in_a_row = 0
    while len(tried) < limit:
        with transaction.atomic():
            message = sms_pending.exclude(pk__in=tried).first()
            if message is None:
                break
            tried.append(message.pk)
            outcome = _outbox_send_one(message, now=now)
            message.save(update_fields=["status", "attempts", "sent_at", "error", "updated_at"])
        if outcome == "sent":
            result.sent += 1
            in_a_row = 0
            continue
        result.failed += 1
        result.given_up += message.status == OutboxMessage.Status.FAILED
        logger.warning("outbox: message %s not sent: %s", message.pk, message.error)
        if outcome == "gateway":
            in_a_row += 1
        if in_a_row >= OUTBOX_STOP_AFTER_FAILURES_IN_A_ROW:
            result.stopped_early = True
            break
    log = logger.warning if result.failed else logger.info
    log(
        "outbox: %d sent, %d failed (%d given up), %d skipped%s",
        result.sent,
        result.failed,
        result.given_up,
        result.skipped,
        ", stopped after failures in a row" if result.stopped_early else "",
    )
    return result


def _outbox_send_one(message: OutboxMessage, *, now: dt.datetime | None) -> str:
    """Send one SMS and mark the message (unsaved): "sent"; "no_phone" when the member has
    none or is no longer on record; "gateway" when sending failed. The phone is read and
    decrypted here, for this message only, and kept nowhere."""
    error_max = OutboxMessage._meta.get_field("error").max_length or 200
    phone, active = (
        Member.objects.filter(pk=message.member_id).values_list("phone", "is_active").first()
    ) or ("", False)
    if not active:
        message.status = OutboxMessage.Status.FAILED
        message.error = _("该党员已不在册，不再发送")[:error_max]
        return "no_phone"
    if not phone:
        message.status = OutboxMessage.Status.FAILED
        message.error = _("该党员未登记手机号，无法发送短信")[:error_max]
        return "no_phone"
    message.attempts += 1
    try:
        sms.send_sms(phone=phone, text=message.body)
    except sms.SmsError as exc:
        message.error = str(exc)[:error_max]
        if message.attempts >= OUTBOX_MAX_ATTEMPTS:
            message.status = OutboxMessage.Status.FAILED
        return "gateway"
    message.status = OutboxMessage.Status.SENT
    message.sent_at = now or timezone.now()
    message.error = ""
    return "sent"
