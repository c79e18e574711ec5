"""The log-in policy (ADR 0011), every door alike: password log-in with throttling by account
and source address, SMS codes (activation, log-in, reset), password rules and age, second
factors for staff, sessions and API tokens, and ending an account's access."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from importlib import import_module
from typing import Any

import django_otp
from django.conf import settings
from django.contrib.auth import login as django_login
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.accounts import selectors
from gongjian.accounts.directory import directory
from gongjian.accounts.models import (
    ApiToken,
    PasswordHistory,
    RecoveryCodes,
    SmsCode,
    Throttle,
    TotpDevice,
    User,
    UserSession,
    recovery_code_hash,
)
from gongjian.core import context, crypto, sms
from gongjian.core.audit import audit_record
from gongjian.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from gongjian.core.masking import mask_phone
from gongjian.core.validation import clean_int, clean_text, invalid
from gongjian.core.validators import normalize_mobile

logger = logging.getLogger(__name__)

BACKEND = "gongjian.accounts.backends.PhoneOrUsernameBackend"
SESSION_LOGIN_AT = "gongjian_login_at"
SESSION_OTP_AT = "gongjian_otp_at"
SESSION_MUST_SET_PASSWORD = "gongjian_must_set_password"  # noqa: S105 - a session key
SESSION_METHOD = "gongjian_login_method"

CODE_DIGITS = 6
CODE_VALID = dt.timedelta(minutes=5)
CODE_TRIES = 5
CODE_SPACING = dt.timedelta(seconds=60)
CODES_PER_DAY = 10
RECOVERY_CODES = 10
PASSWORD_HISTORY = 5


class LoginRefused(ApplicationError):
    code = "login_refused"
    status = 401


class Throttled(ApplicationError):
    """Too many attempts: the same answer whether or not the account or number exists."""

    code = "throttled"
    status = 429


class CodeRefused(ApplicationError):
    code = "code_refused"
    status = 400


class SecondFactorRequired(Exception):
    """The log-in policy asks for a (fresh) second factor before going on. Not an
    `ApplicationError`: nothing the caller sent was wrong; `SessionPolicyMiddleware` answers
    it with the code page (or a 403 in the API), as it answers an unverified session."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _now() -> dt.datetime:
    return timezone.now()


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.LOCKOUT_WINDOW_MINUTES)


def _keyed(label: str, value: str) -> str:
    """A keyed hash for throttle keys and codes: no phone or typed name in plain text."""
    return crypto.blind_index(f"{label}:{value}")


# Throttles ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    key: str
    limit: int
    window: dt.timedelta
    kind: str  # pair, account, source, sms, sms-source


@dataclass
class Taken:
    """Counters taken for one attempt, to be released if it succeeds."""

    limits: list[Limit]
    at: dt.datetime


def throttle_take(limits: list[Limit], *, now: dt.datetime | None = None) -> Taken:
    """Count one attempt against every limit, atomically and before the attempt is checked:
    the rows are created if missing, locked in key order, and either all counted or none.
    Raises `Throttled` (naming the first limit that refused) while a limit is reached or
    locked. A limit of 0 is off."""
    now = now or _now()
    limits = sorted((x for x in limits if x.limit > 0), key=lambda x: x.key)
    if not limits:
        return Taken([], now)
    with transaction.atomic():
        Throttle.objects.bulk_create(
            [Throttle(key=x.key, count=0, window_started_at=now) for x in limits],
            ignore_conflicts=True,
        )
        rows = {
            t.key: t
            for t in Throttle.objects.select_for_update()
            .filter(key__in=[x.key for x in limits])
            .order_by("key")
        }
        refused: tuple[Limit, Throttle] | None = None
        for x in limits:
            row = rows[x.key]
            if row.window_started_at <= now - x.window:
                row.count, row.window_started_at = 0, now
            if (row.locked_until and row.locked_until > now) or row.count >= x.limit:
                refused = refused or (x, row)
        if refused is None:
            for x in limits:
                row = rows[x.key]
                row.count += 1
                row.last_at = now
                if row.count >= x.limit and not (row.locked_until and row.locked_until > now):
                    row.locked_until = now + x.window
        for row in rows.values():
            row.save(update_fields=["count", "window_started_at", "locked_until", "last_at"])
    if refused is not None:
        limit, row = refused
        until = row.locked_until if row.locked_until and row.locked_until > now else None
        raise _throttled(limit, until or row.window_started_at + limit.window, now)
    return Taken(limits, now)


def throttle_release(taken: Taken, *, reset: tuple[str, ...] = ("pair",)) -> None:
    """An attempt succeeded: it does not count. Limits of a kind in `reset` start again (a
    right password clears its account and address pair)."""
    for x in taken.limits:
        if x.kind in reset:
            Throttle.objects.filter(key=x.key).update(count=0, locked_until=None)
        else:
            Throttle.objects.filter(key=x.key, count__gt=0).update(count=F("count") - 1)
            Throttle.objects.filter(key=x.key, count__lt=x.limit, locked_until__gt=taken.at).update(
                locked_until=None
            )


def _throttled(limit: Limit, until: dt.datetime, now: dt.datetime) -> Throttled:
    seconds = max(1, int((until - now).total_seconds()) + 1)
    minutes = max(1, (seconds + 59) // 60)
    if limit.kind == "sms":
        if limit.window > dt.timedelta(hours=1):
            message = _("该手机号今天获取验证码的次数已达上限，请明天再试")
        else:
            message = _("获取验证码太频繁，请%(s)d秒后再试") % {"s": seconds}
    elif limit.kind == "sms-source":
        message = _("获取验证码的请求太多，请%(m)d分钟后再试") % {"m": minutes}
    else:
        message = _("登录失败次数过多，请%(m)d分钟后再试，或使用短信验证码登录") % {"m": minutes}
    return Throttled(message, detail={"retry_after": seconds, "limit": limit.kind})


def _account_key(user: User | None, login: str) -> str:
    """The account a log-in names: the user, or a keyed hash of what was typed, so that a
    name on no account is throttled (and answered) exactly like one that is."""
    if user is not None:
        return f"u{user.pk}"
    text = login.strip().lower()
    try:
        text = normalize_mobile(text)
    except ValidationFailed:
        pass
    return "n" + _keyed("login", text)[:40]


def _source(ip: str | None) -> str:
    return ip or "unknown"


def login_limits(account: str, ip: str | None) -> list[Limit]:
    window = _window()
    source = _source(ip)
    return [
        Limit(f"pair:{account}:{source}", settings.LOCKOUT_FAILURES, window, "pair"),
        Limit(f"account:{account}", settings.LOCKOUT_ACCOUNT_FAILURES, window, "account"),
        Limit(f"source:{source}", settings.LOCKOUT_SOURCE_FAILURES, window, "source"),
    ]


# Password log-in ------------------------------------------------------------------------------


def _login_label(login: str) -> str:
    try:
        return mask_phone(normalize_mobile(login))
    except ValidationFailed:
        return login.strip()[:150]


def user_login_check(*, request: HttpRequest | None, login: str, password: str) -> User:
    """Check a password log-in through every door (the log-in page, the Django admin's).

    The attempt is counted first, under row locks (ADR 0011): five failures of one account
    from one address in fifteen minutes lock that pair; fifty from all addresses lock the
    account's password log-in and tell its owner; an SMS code still gets the owner in. While
    a limit holds even the right password is refused, and nothing says whether the account
    exists. Every attempt is audited."""
    ip = context.client_ip(request) if request is not None else context.current().ip
    login = clean_text("login", login, _("用户名或手机号"), 150)
    if "\x00" in (password or "") or len(password or "") > 128:
        raise invalid("password", _("密码不正确"))
    user = selectors.user_find_by_login(login=login)
    account = _account_key(user, login)
    label = user.username if user is not None else _login_label(login)
    try:
        taken = throttle_take(login_limits(account, ip))
    except Throttled as exc:
        audit_record(
            action="login_failed",
            obj=user,
            object_type="accounts.user",
            actor_label=label,
            success=False,
            reason=f"throttled:{exc.detail.get('limit')}",
            ip=ip,
        )
        raise
    if user is None:
        User().set_password(password)  # the hasher runs anyway: timing tells nothing
        ok = False
    else:
        ok = user.check_password(password) and user.is_active
    if not ok:
        audit_record(
            action="login_failed",
            obj=user,
            object_type="accounts.user",
            actor_label=label,
            success=False,
            reason="bad credentials",
            ip=ip,
        )
        if user is not None:
            _notify_if_account_locked(user, account)
        raise LoginRefused(_("账号或密码不正确"))
    throttle_release(taken)
    assert user is not None  # noqa: S101 - ok implies a user
    return user


def _notify_if_account_locked(user: User, account: str) -> None:
    """When failures from every address together lock the account: an audit entry, and a
    text to its owner (at most once a day)."""
    now = _now()
    row = Throttle.objects.filter(key=f"account:{account}", locked_until__gt=now).first()
    if row is None:
        return
    notify = row.notified_at is None or row.notified_at < now - dt.timedelta(days=1)
    if not notify:
        return
    Throttle.objects.filter(pk=row.pk).update(notified_at=now)
    audit_record(
        action="login_locked",
        obj=user,
        actor_label=user.username,
        success=False,
        reason=_("多个地址的登录失败次数过多，账号的密码登录已暂停"),
    )
    phone = user.phone
    if phone and sms.sms_enabled():
        text = _(
            "您的共建平台账号近%(m)d分钟内密码登录失败次数过多，密码登录已暂停。"
            "如非本人操作，请及时修改密码；您仍可使用短信验证码登录。"
        ) % {"m": settings.LOCKOUT_WINDOW_MINUTES}
        transaction.on_commit(lambda: _send_quietly(phone, text))


def _send_quietly(phone: str, text: str) -> None:
    try:
        sms.send_sms(phone=phone, text=text)
    except sms.SmsError as exc:
        logger.warning("SMS to %s not sent: %s", mask_phone(phone), exc)


def session_begin(request: HttpRequest, user: User, *, method: str) -> None:
    """Log `user` in on this request (a new session key), remember the session for the
    account security page, and audit the log-in."""
    django_login(request, user, backend=BACKEND)
    request.session[SESSION_METHOD] = method
    if request.session.session_key is None:
        request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "ip": context.client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200],
            "method": method,
        },
    )
    audit_record(action="login", obj=user, actor=user, reason=method, ip=context.client_ip(request))


def session_end(request: HttpRequest) -> None:
    from django.contrib.auth import logout

    user = request.user
    if user.is_authenticated:
        audit_record(action="logout", obj=user, actor=user)
        key = request.session.session_key
        if key:
            UserSession.objects.filter(session_key=key).delete()
    logout(request)


def _session_store() -> Any:
    return import_module(settings.SESSION_ENGINE).SessionStore


@transaction.atomic
def user_session_end(*, actor: Any, session_id: int | str) -> None:
    """End one of the actor's own sessions (on any device)."""
    row = selectors.user_session_get_for(actor, session_id)
    _session_store()(session_key=row.session_key).delete()
    audit_record(action="logout", obj=actor, actor=actor, reason=_("在账号安全页结束会话"))
    row.delete()


def _end_all_sessions(user: User) -> int:
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    store = _session_store()
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(user=user).delete()
    return len(keys)


@transaction.atomic
def user_access_end(*, user: User, reason: str, actor: Any = None) -> None:
    """Close an account at once: it can no longer log in, its sessions end and its tokens are
    revoked (a member who left the unit or was deleted)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    was_active = user.is_active
    if was_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    sessions = _end_all_sessions(user)
    tokens = ApiToken.objects.filter(user=user, revoked=False).update(revoked=True)
    if not (was_active or sessions or tokens):
        return
    audit_record(
        action="update",
        obj=user,
        actor=actor,
        changes={"is_active": [True, False], "sessions": sessions, "tokens": tokens},
        reason=reason[:500],
    )


# SMS codes ------------------------------------------------------------------------------------


def _clean_phone(phone: Any) -> str:
    text = "" if phone is None else str(phone)
    if "\x00" in text or len(text) > 32:
        raise invalid("phone", _("手机号格式不正确，应为11位手机号码"))
    return normalize_mobile(text)


def _code_hash(phone_hash: str, purpose: str, code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{phone_hash}:{purpose}:{code}".encode(), hashlib.sha256
    ).hexdigest()


def _on_record(phone: str) -> bool:
    user = User.objects.filter(phone_hash=crypto.blind_index(phone)).first()
    if user is not None:
        return user.is_active
    return directory().on_record(phone)


def sms_code_send(*, phone: str, purpose: str, ip: str | None = None) -> None:
    """Text a six-digit code to `phone` if it is on record; answer the same either way.

    At most one code per number per minute and ten a day (counted for numbers on no record
    too, so that the limits tell nothing), and a limit per source address. The code is kept
    as a keyed hash, valid five minutes; a new code replaces the previous one."""
    if purpose not in SmsCode.Purpose.values:
        raise invalid("purpose", _("验证码用途不正确"))
    if not sms.sms_enabled():
        raise ApplicationError(
            _("短信服务未开启，暂不能使用验证码，请使用密码登录或联系管理员"),
            code="sms_off",
        )
    mobile = _clean_phone(phone)
    ip = ip if ip is not None else context.current().ip
    phone_hash = crypto.blind_index(mobile)
    now = _now()
    throttle_take(
        [
            Limit(f"sms-gap:{phone_hash}", 1, CODE_SPACING, "sms"),
            Limit(f"sms:{phone_hash}", CODES_PER_DAY, dt.timedelta(days=1), "sms"),
            Limit(
                f"sms-source:{_source(ip)}",
                settings.SMS_CODES_PER_SOURCE_HOUR,
                dt.timedelta(hours=1),
                "sms-source",
            ),
        ],
        now=now,
    )
    # A resident leaving a suggestion has no record: the code proves the number is theirs.
    on_record = purpose == SmsCode.Purpose.SUGGEST or _on_record(mobile)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    with transaction.atomic():
        SmsCode.objects.filter(phone_hash=phone_hash, purpose=purpose, used_at=None).update(
            used_at=now
        )
        SmsCode.objects.create(
            phone_hash=phone_hash,
            purpose=purpose,
            code_hash=_code_hash(phone_hash, purpose, code) if on_record else "",
            expires_at=now + CODE_VALID,
            delivered=on_record,
        )
        audit_record(
            action="sms_code",
            object_type="accounts.smscode",
            object_repr=mask_phone(mobile),
            changes={"purpose": purpose, "sent": on_record},
            ip=ip,
        )
    if on_record:
        whats: dict[str, str] = {
            SmsCode.Purpose.RESET: _("重置密码"),
            SmsCode.Purpose.SUGGEST: _("提交意见建议"),
        }
        what = whats.get(purpose, _("登录"))
        text = _("您的共建平台%(what)s验证码为%(code)s，%(m)d分钟内有效。请勿告诉他人。") % {
            "what": what,
            "code": code,
            "m": CODE_VALID.seconds // 60,
        }
        _send_quietly(mobile, text)


def sms_code_check(*, phone: str, code: str, purpose: str) -> str:
    """The normalised phone, if `code` is the latest code sent to it for `purpose`, unused,
    unexpired and within five tries; else `CodeRefused` saying which (the same for a number
    on no record)."""
    mobile = _clean_phone(phone)
    text = "".join(str(code or "").split())
    if not (text.isascii() and text.isdigit() and len(text) == CODE_DIGITS):
        raise invalid("code", _("验证码应为6位数字"))
    phone_hash = crypto.blind_index(mobile)
    now = _now()
    refusal: str | None = None
    with transaction.atomic():
        latest = (
            SmsCode.objects.select_for_update()
            .filter(phone_hash=phone_hash, purpose=purpose)
            .order_by("-created_at", "-id")
            .first()
        )
        if latest is None:
            refusal = _("请先获取验证码")
        elif latest.used_at is not None:
            refusal = _("验证码已使用或已失效，请重新获取")
        elif latest.expires_at <= now:
            refusal = _("验证码已过期，请重新获取")
        elif latest.tries >= CODE_TRIES:
            refusal = _("验证码错误次数过多，请重新获取")
        else:
            latest.tries += 1
            matches = latest.delivered and hmac.compare_digest(
                latest.code_hash, _code_hash(phone_hash, purpose, text)
            )
            if matches:
                latest.used_at = now
            else:
                left = CODE_TRIES - latest.tries
                refusal = (
                    _("验证码不正确，还可尝试%(n)d次") % {"n": left}
                    if left
                    else _("验证码错误次数过多，请重新获取")
                )
            latest.save(update_fields=["tries", "used_at", "updated_at"])
    if refusal is not None:
        raise CodeRefused(refusal, detail={"fields": {"code": [refusal]}})
    return mobile


def user_login_by_code(*, request: HttpRequest, phone: str, code: str, purpose: str) -> User:
    """Log in with a texted code: a member on record without an account gets one now
    (activation). The password throttles do not apply: the owner gets in while locked."""
    ip = context.client_ip(request)
    try:
        mobile = sms_code_check(phone=phone, code=code, purpose=purpose)
    except ApplicationError as exc:
        audit_record(
            action="login_failed",
            object_type="accounts.user",
            actor_label=_login_label(str(phone or "")[:32]),
            success=False,
            reason=f"sms code: {exc.message}"[:500],
            ip=ip,
        )
        raise
    user = User.objects.filter(phone_hash=crypto.blind_index(mobile)).first()
    if user is None:
        user = directory().account_for(mobile)
    if user is None or not user.is_active:
        raise LoginRefused(_("该手机号没有可登录的账号，请联系所在单位的党组织管理员"))
    session_begin(request, user, method="sms")
    if purpose == SmsCode.Purpose.RESET:
        request.session[SESSION_MUST_SET_PASSWORD] = True
    return user


# Passwords ------------------------------------------------------------------------------------


def user_password_expired(*, user: Any) -> bool:
    if settings.PASSWORD_MAX_AGE_DAYS <= 0 or not user.has_usable_password():
        return False
    changed = user.password_changed_at
    return changed is None or changed < timezone.now() - dt.timedelta(
        days=settings.PASSWORD_MAX_AGE_DAYS
    )


def _validate_new_password(user: User, password: str, field: str) -> None:
    if "\x00" in password or len(password) > 128:
        raise invalid(field, _("密码不能超过128个字符，且不能包含空字符"))
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), fields={field: list(exc.messages)}) from None


@transaction.atomic
def user_set_password(
    *, user: User, password: str, field: str = "new_password1", old_password: str | None = None
) -> User:
    """Set a new password: the project's rules, not the username or phone, not one of the
    last five. With `old_password`, the current one must be given too."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if old_password is not None and not user.check_password(old_password):
        raise invalid("old_password", _("当前密码不正确"))
    if user.has_usable_password() and user.check_password(password):
        raise invalid(field, _("新密码不能与当前密码相同"))
    _validate_new_password(user, password, field)
    if user.has_usable_password():
        PasswordHistory.objects.create(user=user, password=user.password)
    keep = list(
        PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[
            : PASSWORD_HISTORY - 1
        ]
    )
    PasswordHistory.objects.filter(user=user).exclude(pk__in=keep).delete()
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])
    audit_record(action="password_change", obj=user, actor=user)
    return user


def user_password_set_by_code(*, request: HttpRequest, password: str) -> User:
    """A password without the old one: only right after a reset by SMS code, or for an
    account that has none yet (a member on first use)."""
    user: Any = request.user
    if not request.session.get(SESSION_MUST_SET_PASSWORD) and user.has_usable_password():
        raise PermissionDenied(_("请在“修改密码”中输入当前密码后再修改"))
    updated = user_set_password(user=user, password=password)
    request.session.pop(SESSION_MUST_SET_PASSWORD, None)
    return updated


def session_keep_after_password(request: HttpRequest, user: User) -> None:
    """After a password change: this session goes on (under a new key), every other session
    of the account ends."""
    from django.contrib.auth import update_session_auth_hash

    old = request.session.session_key
    request.user = user
    update_session_auth_hash(request, user)
    request.session.save()
    new = request.session.session_key
    others = UserSession.objects.filter(user=user).exclude(session_key=old)
    store = _session_store()
    for key in others.values_list("session_key", flat=True):
        store(session_key=key).delete()
    others.delete()
    UserSession.objects.filter(session_key=old).update(session_key=new)


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
            _validate_new_password(user, password, "password")
        user.set_password(password)
        user.password_changed_at = timezone.now()
    else:
        user.set_unusable_password()
    user.save()
    audit_record(action="create", obj=user, changes={"username": [None, username]})
    return user


# Second factors -------------------------------------------------------------------------------


def second_factor_needed(user: Any) -> bool:
    """Whether this account must give a TOTP code (a post that can unmask or export)."""
    if not settings.OTP_REQUIRED or not getattr(user, "is_authenticated", False):
        return False
    return bool(directory().needs_second_factor(user))


@transaction.atomic
def totp_enrol_start(*, user: User) -> TotpDevice:
    """A new, unconfirmed authenticator for the user (the previous unconfirmed one goes)."""
    TotpDevice.objects.filter(user=user, confirmed=False).delete()
    device: TotpDevice = TotpDevice.objects.create(user=user, name=_("动态口令"), confirmed=False)
    return device


@transaction.atomic
def totp_enrol_confirm(*, user: User, code: str, may_replace: bool = False) -> list[str]:
    """Confirm the unconfirmed authenticator with a code from it: it replaces any previous
    one (only from a session verified with that one: `may_replace`), and ten new recovery
    codes are made (returned once, kept only as hashes)."""
    if not may_replace and TotpDevice.objects.filter(user=user, confirmed=True).exists():
        raise PermissionDenied(_("请先用现有的动态口令完成验证，再更换"))
    device = (
        TotpDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("-id")
        .first()
    )
    if device is None:
        raise invalid("code", _("请先扫描二维码添加动态口令"))
    text = "".join(str(code or "").split())
    if not (text.isascii() and text.isdigit() and len(text) == device.digits):
        raise invalid("code", _("动态口令应为6位数字"))
    if not device.verify_token(text):
        raise invalid("code", _("动态口令不正确，请核对手机时间后重试"))
    TotpDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed", "updated_at"])
    codes = _recovery_codes_make(user)
    audit_record(action="otp_enrol", obj=user, actor=user)
    return codes


def _recovery_codes_make(user: User) -> list[str]:
    RecoveryCodes.objects.filter(user=user).delete()
    device = RecoveryCodes.objects.create(user=user, name=_("恢复码"), confirmed=True)
    codes = [
        f"{secrets.randbelow(10**4):04d}-{secrets.randbelow(10**4):04d}"
        for _i in range(RECOVERY_CODES)
    ]
    for code in codes:
        device.token_set.create(token=recovery_code_hash(code))
    return codes


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    if not TotpDevice.objects.filter(user=user, confirmed=True).exists():
        raise invalid("code", _("请先设置动态口令"))
    codes = _recovery_codes_make(user)
    audit_record(action="otp_recovery_codes", obj=user, actor=user)
    return codes


def second_factor_verify(*, request: HttpRequest, code: str) -> Any:
    """Check a TOTP code or a recovery code of the logged-in user and mark the session
    verified (now). Throttled by django-otp (1, 2, 4 … seconds after each failure)."""
    user: Any = request.user
    text = "".join(str(code or "").split())
    if not text or "\x00" in text or len(text) > 32:
        raise invalid("code", _("请输入6位动态口令或恢复码"))
    device: Any = None
    with transaction.atomic():
        candidates: list[Any] = list(
            TotpDevice.objects.select_for_update().filter(user_id=user.pk, confirmed=True)
        )
        if not (text.isdigit() and len(text) == CODE_DIGITS):
            candidates = list(
                RecoveryCodes.objects.select_for_update().filter(user_id=user.pk, confirmed=True)
            )
        for candidate in candidates:
            allowed, info = candidate.verify_is_allowed()
            if not allowed:
                wait = (info or {}).get("locked_until")
                seconds = int((wait - _now()).total_seconds()) + 1 if wait else 1
                raise Throttled(
                    _("动态口令错误次数过多，请%(s)d秒后再试") % {"s": max(1, seconds)},
                    detail={"retry_after": seconds, "limit": "otp"},
                )
            if candidate.verify_token(text):
                device = candidate
                break
    if device is None:
        audit_record(action="otp_failed", obj=user, actor=user, success=False)
        raise invalid("code", _("动态口令或恢复码不正确"))
    session_verified(request, device)
    audit_record(
        action="otp_verified",
        obj=user,
        actor=user,
        reason="recovery" if isinstance(device, RecoveryCodes) else "totp",
    )
    return device


def session_verified(request: HttpRequest, device: Any) -> None:
    django_otp.login(request, device)
    request.session[SESSION_OTP_AT] = _now().timestamp()
    request.user.otp_verified_at = _now()  # type: ignore[union-attr]


def second_factor_fresh_required(actor: Any) -> None:
    """For an action that needs a recent code (unmasking an ID number): raises
    `SecondFactorRequired` when the actor's post needs a second factor and the last code was
    given more than `OTP_FRESH_MINUTES` ago (or never, as with an API token)."""
    if not second_factor_needed(actor):
        return
    at = getattr(actor, "otp_verified_at", None)
    fresh = dt.timedelta(minutes=settings.OTP_FRESH_MINUTES)
    if at is None or at < _now() - fresh:
        raise SecondFactorRequired(
            _("查看完整身份证号前，请重新输入动态口令（上次验证已超过%(m)d分钟）")
            % {"m": settings.OTP_FRESH_MINUTES}
        )


@transaction.atomic
def second_factor_reset(*, actor: Any, user_id: int | str) -> User:
    """A platform administrator removes another account's authenticator and recovery codes:
    at its next log-in it enrols again. Its sessions end. Audited."""
    if not getattr(actor, "is_superuser", False):
        raise PermissionDenied(_("只有平台管理员可以重置他人的动态口令"))
    user = selectors.user_get_for_admin(actor, user_id)
    if user.pk == actor.pk:
        raise PermissionDenied(_("不能重置自己的动态口令，请在账号安全页重新设置"))
    TotpDevice.objects.filter(user=user).delete()
    RecoveryCodes.objects.filter(user=user).delete()
    _end_all_sessions(user)
    audit_record(action="otp_reset", obj=user, actor=actor)
    return user


# API tokens -----------------------------------------------------------------------------------


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str, days: Any = 90) -> tuple[ApiToken, str]:
    """A token for an integration, valid `days` (1 to 90); the key is returned once."""
    name = clean_text("name", name, _("令牌名称"), 100)
    limit = settings.API_TOKEN_MAX_DAYS
    days = clean_int(
        "days", limit if days is None else days, _("有效天数"), minimum=1, maximum=limit
    )
    key = "gj_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[3:11],
        key_hash=_hash_key(key),
        expires_at=timezone.now() + dt.timedelta(days=days or limit),
    )
    audit_record(action="create", obj=token, changes={"name": [None, name], "days": days})
    return token, key


def may_make_tokens(user: Any) -> bool:
    """Staff (the posts that can unmask or export) make API tokens; members do not."""
    return bool(getattr(user, "is_superuser", False) or directory().needs_second_factor(user))


@transaction.atomic
def api_token_create_for(*, actor: Any, name: str, days: Any) -> tuple[ApiToken, str]:
    """Staff make their own tokens on the account security page (or the API)."""
    if not may_make_tokens(actor):
        raise PermissionDenied(_("只有管理岗位可以创建接口令牌"))
    return api_token_create(user=actor, name=name, days=days)


@transaction.atomic
def api_token_revoke(*, actor: Any, token_id: int | str) -> ApiToken:
    token = selectors.api_token_get_for(actor, token_id)
    if not token.revoked:
        token.revoked = True
        token.save(update_fields=["revoked", "updated_at"])
        audit_record(action="update", obj=token, changes={"revoked": [False, True]})
    return token


def api_token_authenticate(*, key: str) -> User | None:
    """The owner of a live token: not revoked, not expired, used within the last 30 days,
    its owner active. An owner whose password is past its age gets a 403 saying so."""
    if not key or len(key) > 200:
        return None
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
    idle = dt.timedelta(days=settings.API_TOKEN_IDLE_DAYS)
    if (token.last_used_at or token.created_at) < now - idle:
        return None
    if user_password_expired(user=token.user):
        raise PermissionDenied(_("密码已超过有效期，请先登录平台修改密码"), code="password_expired")
    if token.last_used_at is None or token.last_used_at < now - dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
