"""Every read of this app: each caller sees only their own sessions and tokens."""

from __future__ import annotations

import datetime as dt
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.accounts.models import ApiToken, TotpDevice, User, UserSession
from gongjian.core import crypto
from gongjian.core.errors import NotFound, ValidationFailed
from gongjian.core.validation import object_id
from gongjian.core.validators import normalize_mobile


def user_find_by_login(*, login: str) -> User | None:
    """The user whose username, or whose mobile number, is `login`."""
    login = login.strip()
    if not login or "\x00" in login or len(login) > 150:
        return None
    user = User.objects.filter(username=login).first()
    if user is not None:
        return user
    try:
        phone = normalize_mobile(login)
    except ValidationFailed:
        return None
    return User.objects.filter(phone_hash=crypto.blind_index(phone)).first()


def user_get_for_admin(actor: Any, pk: int | str) -> User:
    """Any account, for a platform administrator; not found for everyone else."""
    if not getattr(actor, "is_superuser", False):
        raise NotFound(_("账号不存在"))
    user = User.objects.filter(pk=object_id(pk, message=_("账号不存在"))).first()
    if user is None:
        raise NotFound(_("账号不存在"))
    return user


def my_sessions(*, actor: Any) -> list[UserSession]:
    """The actor's sessions that are still open, newest first, each with `last_active` (for
    the database session store) and `current` filled in by the caller's page."""
    rows = list(UserSession.objects.filter(user_id=actor.pk).order_by("-created_at", "-id")[:50])
    if not rows:
        return rows
    expiry: dict[str, dt.datetime | None]
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db":
        from django.contrib.sessions.models import Session

        expiry = dict(
            Session.objects.filter(
                session_key__in=[r.session_key for r in rows], expire_date__gt=timezone.now()
            ).values_list("session_key", "expire_date")
        )
    else:
        store = import_module(settings.SESSION_ENGINE).SessionStore
        expiry = {r.session_key: None for r in rows if store().exists(r.session_key)}
    gone = [r.pk for r in rows if r.session_key not in expiry]
    if gone:
        UserSession.objects.filter(pk__in=gone).delete()
    live = [r for r in rows if r.session_key in expiry]
    for r in live:
        until = expiry[r.session_key]
        r.last_active = (  # type: ignore[attr-defined]
            until - dt.timedelta(seconds=settings.SESSION_COOKIE_AGE) if until else None
        )
    return live


def user_session_get_for(actor: Any, pk: int | str) -> UserSession:
    row = (
        UserSession.objects.filter(user_id=actor.pk, pk=object_id(pk, message=_("会话不存在")))
        .select_related("user")
        .first()
    )
    if row is None:
        raise NotFound(_("会话不存在"))
    return row


def my_tokens(*, actor: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user_id=actor.pk).order_by("-created_at", "-id")


def api_token_get_for(actor: Any, pk: int | str) -> ApiToken:
    token = my_tokens(actor=actor).filter(pk=object_id(pk, message=_("令牌不存在"))).first()
    if token is None:
        raise NotFound(_("令牌不存在"))
    return token


def totp_device_of(user: Any, *, confirmed: bool = True) -> TotpDevice | None:
    device: TotpDevice | None = (
        TotpDevice.objects.filter(user_id=user.pk, confirmed=confirmed).order_by("-id").first()
    )
    return device
