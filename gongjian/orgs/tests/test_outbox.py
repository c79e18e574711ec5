"""The outbox delivered: reminders queued by a unit administrator reach the members' phones
through the SMS gateway (`gongjian outbox_send`), once each, with failures counted and kept."""

from __future__ import annotations

import io
import logging
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from gongjian.conftest import GATEWAY_TOKEN
from gongjian.core.masking import mask_phone
from gongjian.orgs import services as org_services
from gongjian.orgs.models import Member, OutboxMessage
from gongjian.reporting import services
from gongjian.testing.cast import Cast, make_member
from gongjian.testing.sms_gateway import FakeGateway, closed_url

pytestmark = pytest.mark.django_db


def _remind(cast: Cast) -> list[OutboxMessage]:
    """The tax bureau's two unreported members reminded: two SMS in the outbox, oldest first."""
    assert services.reminders_send(actor=cast.unit_admin, unit=cast.tax) == 2
    return list(OutboxMessage.objects.order_by("created_at", "id"))


def _send(**options: Any) -> str:
    out = io.StringIO()
    call_command("outbox_send", stdout=out, **options)
    return out.getvalue()


def _states() -> list[tuple[str, int]]:
    return list(
        OutboxMessage.objects.order_by("created_at", "id").values_list("status", "attempts")
    )


def test_reminders_reach_the_gateway_once(cast: Cast, sms_gateway: FakeGateway) -> None:
    # Given two reminders in the outbox
    messages = _remind(cast)
    # When the outbox is sent
    output = _send()
    # Then the gateway receives each, oldest first: the phone in full, the text, the signature
    assert [r.json for r in sms_gateway.received] == [
        {"phone": m.member.phone, "text": m.body, "sign": "【共建平台】"} for m in messages
    ]
    assert {m.member.phone for m in messages} == {
        cast.member_record.phone,
        cast.tax_colleague.phone,
    }
    first = sms_gateway.received[0]
    assert first.path == "/sms/send"
    assert first.headers["authorization"] == f"Bearer {GATEWAY_TOKEN}"
    assert first.headers["content-type"].startswith("application/json")
    # And each message is marked sent
    assert _states() == [("sent", 1), ("sent", 1)]
    assert all(m.sent_at is not None for m in OutboxMessage.objects.all())
    assert "sent: 2, failed: 0" in output
    # And a second run sends nothing again
    assert "sent: 0, failed: 0" in _send()
    assert len(sms_gateway.received) == 2


def test_a_gateway_error_is_retried_until_the_third_failure(
    cast: Cast, sms_gateway: FakeGateway
) -> None:
    # Given two reminders and a gateway that answers 500
    _remind(cast)
    sms_gateway.status = 500
    # When the outbox is sent once
    result = org_services.outbox_deliver()
    # Then both attempts failed, the messages stay pending with the error, no phone in it
    assert (result.sent, result.failed, result.given_up) == (0, 2, 0)
    assert _states() == [("pending", 1), ("pending", 1)]
    for message in OutboxMessage.objects.select_related("member"):
        assert message.error == "短信网关返回 HTTP 500 Internal Server Error"
        assert message.member.phone not in message.error
    # When it is sent twice more
    org_services.outbox_deliver()
    assert _states() == [("pending", 2), ("pending", 2)]
    result = org_services.outbox_deliver()
    # Then the third failure marks them failed, and they are not tried again
    assert (result.failed, result.given_up) == (2, 2)
    assert _states() == [("failed", 3), ("failed", 3)]
    assert org_services.outbox_deliver().failed == 0
    assert len(sms_gateway.received) == 6


def test_a_message_sent_after_a_failure_forgets_the_error(
    cast: Cast, sms_gateway: FakeGateway
) -> None:
    # Given a gateway that fails the first request only
    _remind(cast)
    sms_gateway.statuses = [503]
    # When the outbox is sent twice
    first = org_services.outbox_deliver()
    second = org_services.outbox_deliver()
    # Then the first message goes out on the second run, after the other
    assert (first.sent, first.failed, second.sent, second.failed) == (1, 1, 1, 0)
    assert _states() == [("sent", 2), ("sent", 1)]
    assert set(OutboxMessage.objects.values_list("error", flat=True)) == {""}


def test_a_refused_connection_is_a_failure_not_a_crash(cast: Cast, settings: Any) -> None:
    # Given the http backend pointed at a port where nothing listens
    _remind(cast)
    settings.SMS_BACKEND, settings.SMS_URL = "http", closed_url()
    # When the outbox is sent
    output = _send()
    # Then both attempts failed and are kept, pending
    assert "sent: 0, failed: 2" in output
    assert _states() == [("pending", 1), ("pending", 1)]
    errors = set(OutboxMessage.objects.values_list("error", flat=True))
    assert len(errors) == 1
    assert errors.pop().startswith("无法连接短信网关")


def test_off_sends_nothing_and_says_so(cast: Cast, sms_gateway: FakeGateway, settings: Any) -> None:
    # Given two reminders and SMS off (the default)
    _remind(cast)
    settings.SMS_BACKEND = "off"
    # When the outbox is sent
    output = _send()
    # Then nothing reaches the gateway, the command says so and the messages wait untouched
    assert "SMS sending is off" in output
    assert "2 message(s) left pending" in output
    assert sms_gateway.received == []
    assert _states() == [("pending", 0), ("pending", 0)]


def test_log_writes_masked_phones_only(
    cast: Cast, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # Given two reminders and the log backend
    messages = _remind(cast)
    settings.SMS_BACKEND = "log"
    caplog.set_level(logging.INFO)
    # When the outbox is sent
    _send()
    # Then each message is a log line with the phone masked, never in full
    lines = [r.getMessage() for r in caplog.records if r.name == "gongjian.core.sms"]
    assert len(lines) == 2
    for message, line in zip(messages, lines, strict=True):
        assert mask_phone(message.member.phone) in line
        assert message.body in line
    for phone in (cast.member_record.phone, cast.tax_colleague.phone):
        assert phone not in caplog.text
    # And the messages count as sent
    assert _states() == [("sent", 1), ("sent", 1)]


def test_a_member_without_a_phone_fails_with_the_reason(
    cast: Cast, sms_gateway: FakeGateway
) -> None:
    # Given two reminders, one of them for a member whose phone is not on record
    _remind(cast)
    Member.objects.filter(pk=cast.tax_colleague.pk).update(phone="", phone_hash="")
    # When the outbox is sent
    result = org_services.outbox_deliver()
    # Then only the other member's phone reaches the gateway
    assert [r.json["phone"] for r in sms_gateway.received] == [cast.member_record.phone]
    # And the message without a phone fails at once, with the reason
    assert (result.sent, result.failed, result.given_up) == (1, 1, 1)
    failed = OutboxMessage.objects.get(member=cast.tax_colleague)
    assert (failed.status, failed.error) == ("failed", "该党员未登记手机号，无法发送短信")


def test_a_member_no_longer_on_record_is_not_texted(cast: Cast, sms_gateway: FakeGateway) -> None:
    # Given two reminders, one of them for a member who has since left the records
    _remind(cast)
    Member.objects.filter(pk=cast.tax_colleague.pk).update(is_active=False)
    # When the outbox is sent
    result = org_services.outbox_deliver()
    # Then only the other member's phone reaches the gateway, and the other message fails
    assert [r.json["phone"] for r in sms_gateway.received] == [cast.member_record.phone]
    assert (result.sent, result.failed) == (1, 1)
    failed = OutboxMessage.objects.get(member=cast.tax_colleague)
    assert (failed.status, failed.error) == ("failed", "该党员已不在册，不再发送")


def test_wechat_messages_wait_for_a_channel(cast: Cast, sms_gateway: FakeGateway) -> None:
    # Given a reminder by SMS and a message by WeChat
    services.reminders_send(actor=cast.unit_admin, unit=cast.tax)
    OutboxMessage.objects.filter(member=cast.tax_colleague).delete()
    wechat = OutboxMessage.objects.create(
        member=cast.tax_colleague, channel=OutboxMessage.Channel.WECHAT, body="请向居住社区报到"
    )
    # When the outbox is sent
    result = org_services.outbox_deliver(now=timezone.now())
    # Then the SMS goes out and the WeChat message is skipped, still pending
    assert (result.sent, result.failed, result.skipped) == (1, 0, 1)
    wechat.refresh_from_db()
    assert (wechat.status, wechat.attempts) == ("pending", 0)
    assert len(sms_gateway.received) == 1


def test_a_run_sends_at_most_its_limit(cast: Cast, sms_gateway: FakeGateway) -> None:
    _remind(cast)
    assert "sent: 1" in _send(limit=1)
    assert _states() == [("sent", 1), ("pending", 0)]
    with pytest.raises(CommandError):
        _send(limit=0)


def test_a_run_stops_when_the_gateway_keeps_failing(cast: Cast, sms_gateway: FakeGateway) -> None:
    # Given seven messages and a gateway that is down
    for n in range(7):
        member = make_member(f"党员{n}", cast.tax_branch)
        OutboxMessage.objects.create(member=member, channel="sms", body="请向居住社区报到")
    sms_gateway.status = 502
    # When the outbox is sent
    result = org_services.outbox_deliver()
    # Then the run stops after five failures in a row, and the last two keep all their attempts
    assert (result.failed, result.stopped_early) == (5, True)
    assert [a for _s, a in _states()] == [1, 1, 1, 1, 1, 0, 0]
