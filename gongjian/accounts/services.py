"""Log-in policy: lockout by account, password rules and age, API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.accounts import selectors
from gongjian.accounts.models import ApiToken, User
from gongjian.core import crypto
from gongjian.core.audit import audit_record
from gongjian.core.errors import ApplicationError, ValidationFailed
from gongjian.core.validators import normalize_mobile


class LoginRefused(ApplicationError):
    code = "login_refused"
    status = 401


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.LOCKOUT_WINDOW_MINUTES)


def user_login_check(*, request: HttpRequest | None, login: str, password: str) -> User:
    """Check a log-in. Five failures within fifteen minutes lock the account (not the IP: a
    whole office shares one address); while locked even the right password is refused."""
    now = timezone.now()
    user = selectors.user_find_by_login(login=login)
    if user is not None and user.locked_until and user.locked_until > now:
        audit_record(
            action="login_failed",
            obj=user,
            actor_label=user.username,
            success=False,
            reason="locked",
        )
        raise LoginRefused(
            _("登录失败次数过多，账号已临时锁定，请%(m)d分钟后再试")
            % {"m": settings.LOCKOUT_WINDOW_MINUTES},
            code="locked",
        )
    authenticated = authenticate(request, username=login, password=password)
    if authenticated is None:
        if user is not None:
            _record_failure(user, now)
        audit_record(
            action="login_failed",
            obj=user,
            object_type="accounts.user",
            actor_label=user.username if user else login[:150],
            success=False,
            reason="bad credentials",
        )
        raise LoginRefused(_("账号或密码不正确"))
    User.objects.filter(pk=authenticated.pk).update(
        failed_login_count=0, first_failed_login_at=None, locked_until=None
    )
    return authenticated


def _record_failure(user: User, now: dt.datetime) -> None:
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.first_failed_login_at is None or locked.first_failed_login_at < now - _window():
            User.objects.filter(pk=user.pk).update(failed_login_count=1, first_failed_login_at=now)
            return
        User.objects.filter(pk=user.pk).update(failed_login_count=F("failed_login_count") + 1)
        locked.refresh_from_db(fields=["failed_login_count"])
        if locked.failed_login_count >= settings.LOCKOUT_FAILURES:
            User.objects.filter(pk=user.pk).update(locked_until=now + _window())


def user_password_expired(*, user: User) -> bool:
    if settings.PASSWORD_MAX_AGE_DAYS <= 0 or not user.has_usable_password():
        return False
    changed = user.password_changed_at
    return changed is None or changed < timezone.now() - dt.timedelta(
        days=settings.PASSWORD_MAX_AGE_DAYS
    )


@transaction.atomic
def user_set_password(*, user: User, password: str, field: str = "new_password1") -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), fields={field: list(exc.messages)}) from None
    if user.check_password(password):
        message = _("新密码不能与当前密码相同")
        raise ValidationFailed(message, fields={field: [message]})
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])
    audit_record(action="password_change", obj=user)


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    display_name: str = "",
    phone: str = "",
    is_superuser: bool = False,
    validate: bool = True,
) -> User:
    user = User(
        username=username,
        display_name=display_name,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    if phone:
        phone = normalize_mobile(phone)
        if User.objects.filter(phone_hash=crypto.blind_index(phone)).exists():
            message = _("该手机号已被其他账号使用")
            raise ValidationFailed(message, fields={"phone": [message]})
        user.phone = phone
        user.phone_hash = crypto.blind_index(phone)
    if User.objects.filter(username=username).exists():
        message = _("用户名已存在")
        raise ValidationFailed(message, fields={"username": [message]})
    if password:
        if validate:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise ValidationFailed(
                    " ".join(exc.messages), fields={"password": list(exc.messages)}
                ) from None
        user.set_password(password)
        user.password_changed_at = timezone.now()
    else:
        user.set_unusable_password()
    user.save()
    audit_record(action="create", obj=user, changes={"username": [None, username]})
    return user


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str, days: int | None = 365) -> tuple[ApiToken, str]:
    key = "gj_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[3:11],
        key_hash=_hash_key(key),
        expires_at=timezone.now() + dt.timedelta(days=days) if days else None,
    )
    audit_record(action="create", obj=token, changes={"name": [None, name]})
    return token, key


def api_token_authenticate(*, key: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash_key(key), revoked=False)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.expires_at and token.expires_at < now:
        return None
    if token.last_used_at is None or token.last_used_at < now - dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
