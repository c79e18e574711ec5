"""`core.sms.send_sms` against a stand-in gateway on 127.0.0.1: what counts as accepted, and
that no error it raises ever carries the phone number."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from gongjian.core import sms
from gongjian.testing.sms_gateway import FakeGateway

PHONE = "13800138000"


def test_any_2xx_is_accepted(sms_gateway: FakeGateway) -> None:
    sms_gateway.status = 202
    sms.send_sms(phone=PHONE, text="您好")
    assert sms_gateway.received[0].json == {"phone": PHONE, "text": "您好", "sign": "【共建平台】"}


def test_a_redirect_is_an_error_not_followed(sms_gateway: FakeGateway) -> None:
    # A followed redirect would turn the POST into a GET without the message, and answer 200
    sms_gateway.statuses = [302]
    with pytest.raises(sms.SmsError, match="HTTP 302"):
        sms.send_sms(phone=PHONE, text="您好")
    assert len(sms_gateway.received) == 1


def test_an_error_never_carries_the_phone_even_if_the_gateway_echoes_it(
    sms_gateway: FakeGateway,
) -> None:
    sms_gateway.status, sms_gateway.reason = 400, f"bad number {PHONE}"
    with pytest.raises(sms.SmsError) as caught:
        sms.send_sms(phone=PHONE, text="您好")
    assert PHONE not in str(caught.value)
    assert str(caught.value).startswith("短信网关返回 HTTP 400")


def test_a_gateway_that_does_not_answer_in_time_is_an_error(
    sms_gateway: FakeGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sms, "TIMEOUT_SECONDS", 0.2)
    sms_gateway.delay = 1.0
    with pytest.raises(sms.SmsError, match="未应答"):
        sms.send_sms(phone=PHONE, text="您好")


def test_without_a_token_no_authorization_is_sent(sms_gateway: FakeGateway, settings: Any) -> None:
    settings.SMS_TOKEN = ""
    sms.send_sms(phone=PHONE, text="您好")
    assert "authorization" not in sms_gateway.received[0].headers


def test_off_refuses_and_a_wrong_configuration_stops_the_run(settings: Any) -> None:
    settings.SMS_BACKEND = "off"
    assert not sms.sms_enabled()
    with pytest.raises(sms.SmsError):
        sms.send_sms(phone=PHONE, text="您好")
    settings.SMS_BACKEND = "carrier-pigeon"
    with pytest.raises(ImproperlyConfigured, match="GONGJIAN_SMS_BACKEND"):
        sms.sms_enabled()
    settings.SMS_BACKEND, settings.SMS_URL = "http", "ftp://gateway.example"
    with pytest.raises(ImproperlyConfigured, match="GONGJIAN_SMS_URL"):
        sms.send_sms(phone=PHONE, text="您好")
