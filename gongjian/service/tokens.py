"""Check-in codes: an HMAC (keyed by SECRET_KEY) of the activity's public id, the direction
(in or out) and the number of the 30-second window. A code is good in its own window and the
one before, so one shown just before a change still works; anything else is refused."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from django.utils.crypto import constant_time_compare, salted_hmac

WINDOW_SECONDS = 30
_SALT = "gongjian.service.checkin"
KINDS = ("in", "out")


@dataclass(frozen=True)
class Scan:
    activity_public_id: uuid.UUID
    kind: str
    window: int


class BadToken(Exception):
    """The code was forged or mangled."""


class ExpiredToken(Exception):
    """The code was genuine but is older than the previous window."""


def current_window(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // WINDOW_SECONDS)


def _mac(public_id: uuid.UUID, kind: str, window: int) -> str:
    return salted_hmac(_SALT, f"{public_id.hex}|{kind}|{window}", algorithm="sha256").hexdigest()[
        :32
    ]


def make(public_id: uuid.UUID, kind: str, *, now: float | None = None) -> str:
    if kind not in KINDS:
        raise ValueError(kind)
    window = current_window(now)
    return f"{public_id.hex}-{kind}-{window}-{_mac(public_id, kind, window)}"


def read(token: str, *, now: float | None = None) -> Scan:
    try:
        hex_id, kind, window_s, mac = token.split("-")
        public_id = uuid.UUID(hex=hex_id)
        window = int(window_s)
    except ValueError:
        raise BadToken(token) from None
    if kind not in KINDS or not constant_time_compare(mac, _mac(public_id, kind, window)):
        raise BadToken(token)
    if window not in (current_window(now), current_window(now) - 1):
        raise ExpiredToken(token)
    return Scan(activity_public_id=public_id, kind=kind, window=window)
