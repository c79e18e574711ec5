"""Sending one text message through the backend named by `settings.SMS_BACKEND`.

- `off` (the default): nothing can be sent; `sms_enabled()` says so before anyone tries.
- `log`: a log line with the phone masked, for development and the demo; nothing leaves.
- `http`: a JSON POST `{"phone", "text", "sign"}` to `settings.SMS_URL`, with
  `Authorization: Bearer <SMS_TOKEN>` when a token is set. The gateway (a provider's or an
  in-house one) adds the signature `sign` and delivers. Any 2xx answer means accepted;
  anything else, redirects included, is an `SmsError`.

An `SmsError`'s message names the status or the reason, never the phone number. A backend
that is misconfigured raises `ImproperlyConfigured` instead: it is the operator's to fix, not
a failed attempt of one message.
"""

from __future__ import annotations

import http.client
import json
import logging
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from gongjian.core.logging import redact
from gongjian.core.masking import mask_phone

BACKENDS = ("off", "log", "http")
TIMEOUT_SECONDS = 10
REASON_MAX = 120

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The message was not accepted. Its text is safe to store and to log."""


def backend() -> str:
    """The configured backend, checked."""
    name = str(getattr(settings, "SMS_BACKEND", "off") or "off").strip().lower()
    if name not in BACKENDS:
        raise ImproperlyConfigured(
            f"GONGJIAN_SMS_BACKEND is {name!r}; expected one of {', '.join(BACKENDS)}"
        )
    return name


def sms_enabled() -> bool:
    """Whether a message can leave at all (the backend is not `off`)."""
    return backend() != "off"


def send_sms(*, phone: str, text: str) -> None:
    """Hand `text` for `phone` to the configured backend; return once it is accepted, or raise
    `SmsError` saying why not."""
    name = backend()
    if name == "off":
        raise SmsError(_("短信发送未开启（GONGJIAN_SMS_BACKEND=off）"))
    if not phone:
        raise SmsError(_("没有手机号"))
    if name == "log":
        # WARNING, so that it shows under the default log level: nothing was delivered.
        logger.warning("SMS not delivered (log backend) to %s: %s", mask_phone(phone), text)
        return
    _send_http(phone=phone, text=text)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirected POST would come back as a GET without its body: refuse it instead."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _url() -> str:
    url = str(getattr(settings, "SMS_URL", "") or "")
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        raise ImproperlyConfigured(
            "GONGJIAN_SMS_BACKEND is http: set GONGJIAN_SMS_URL to the gateway's http(s) URL"
        )
    return url


def _failure(message: str) -> SmsError:
    """An error whose text holds no phone number, even if the gateway echoed one."""
    return SmsError(redact(message)[:REASON_MAX])


def _send_http(*, phone: str, text: str) -> None:
    url = _url()
    payload = {"phone": phone, "text": text, "sign": str(getattr(settings, "SMS_SIGN", ""))}
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked in _url()
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"},
    )
    token = str(getattr(settings, "SMS_TOKEN", "") or "")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            status = int(response.status)
            reason = str(response.reason)
            response.read(64 * 1024)
    except urllib.error.HTTPError as exc:
        raise _failure(_("短信网关返回 HTTP %(status)s %(reason)s") % _http(exc)) from None
    except urllib.error.URLError as exc:
        raise _failure(_("无法连接短信网关：%(reason)s") % {"reason": exc.reason}) from None
    except TimeoutError:
        raise _failure(_("短信网关%(seconds)d秒内未应答") % {"seconds": TIMEOUT_SECONDS}) from None
    except (OSError, http.client.HTTPException) as exc:
        reason = str(exc) or type(exc).__name__
        raise _failure(_("短信网关连接出错：%(reason)s") % {"reason": reason}) from None
    if not 200 <= status < 300:
        raise _failure(
            _("短信网关返回 HTTP %(status)s %(reason)s") % {"status": status, "reason": reason}
        )


def _http(exc: urllib.error.HTTPError) -> dict[str, object]:
    exc.close()
    return {"status": exc.code, "reason": exc.reason}
