from __future__ import annotations

import time
from base64 import b32encode
from binascii import unhexlify
from typing import Any, ClassVar
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.util import random_hex

from gongjian.core import crypto
from gongjian.core.fields import EncryptedTextField
from gongjian.core.models import TimeStampedModel


class User(AbstractUser):  # type: ignore[django-manager-missing]
    """A person who logs in, with a username or a mainland mobile number."""

    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = EncryptedTextField(_("手机号"), blank=True, default="")
    phone_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    objects: ClassVar[UserManager[User]] = UserManager()  # type: ignore[assignment]

    class Meta:
        ordering = ("username",)
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username


class ApiToken(TimeStampedModel):
    """A token for integrations: only its hash is kept; the key is shown once. It stops
    working at `expires_at` (at most 90 days after it was made) and after 30 idle days."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    expires_at = models.DateTimeField(_("有效期至"), null=True, blank=True)
    revoked = models.BooleanField(_("已吊销"), default=False)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Throttle(TimeStampedModel):
    """One counter of the log-in policy (ADR 0011), taken under a row lock before the password
    or the code is checked. `key` names what is counted: `pair:<account>:<source>` (failed
    log-ins of one account from one address), `account:<account>` (from every address),
    `source:<address>` (for every account), `sms:<phone hash>` and `sms-source:<address>`
    (texts sent). Only keyed hashes of accounts and phones appear in keys."""

    key = models.CharField(max_length=160, unique=True)
    count = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)
    last_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("key",)
        verbose_name = _("登录限制计数")
        verbose_name_plural = _("登录限制计数")

    def __str__(self) -> str:
        return self.key


class SmsCode(TimeStampedModel):
    """A six-digit code texted to a phone: only its keyed hash is kept. Valid five minutes,
    used once, at most five tries. `delivered` is false for a number on no record: the row
    exists so that such a number is answered and rate-limited exactly like one on record,
    but nothing was sent and no code can match."""

    class Purpose(models.TextChoices):
        LOGIN = "login", _("登录或激活")
        RESET = "reset", _("重置密码")
        SUGGEST = "suggest", _("群众提交意见建议")

    phone_hash = models.CharField(max_length=64)
    purpose = models.CharField(_("用途"), max_length=16, choices=Purpose.choices)
    code_hash = models.CharField(max_length=64, editable=False)
    expires_at = models.DateTimeField(_("有效期至"))
    tries = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    delivered = models.BooleanField(default=False)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        indexes = [models.Index(fields=("phone_hash", "purpose", "created_at"))]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.created_at:%Y-%m-%d %H:%M}"


class PasswordHistory(TimeStampedModel):
    """A password hash a user had, so that the last five are not used again."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128, editable=False)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class UserSession(TimeStampedModel):
    """A session a user logged in with, so that they can see their sessions and end them."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_sessions")
    session_key = models.CharField(max_length=64, unique=True, editable=False)
    ip = models.GenericIPAddressField(_("登录地址"), null=True, blank=True)
    user_agent = models.CharField(_("设备"), max_length=200, blank=True)
    method = models.CharField(_("登录方式"), max_length=16, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("登录会话")
        verbose_name_plural = _("登录会话")

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"


def _default_key() -> str:
    return str(random_hex(20))


class TotpDevice(TimestampMixin, ThrottlingMixin, Device):  # type: ignore[misc]
    """A TOTP authenticator (RFC 6238) as a django-otp device, its secret encrypted like every
    personal field (ADR 0011). The algorithm, throttling and session binding are django-otp's
    (`django_otp.oath.TOTP`, `ThrottlingMixin`, `django_otp.login`); only where the key lives
    differs from `otp_totp.TOTPDevice`, whose key column is plain hex."""

    key = EncryptedTextField(default=_default_key, editable=False)
    step = models.PositiveSmallIntegerField(default=30)  # type: ignore[var-annotated]
    t0 = models.BigIntegerField(default=0)  # type: ignore[var-annotated]
    digits = models.PositiveSmallIntegerField(default=6)  # type: ignore[var-annotated]
    tolerance = models.PositiveSmallIntegerField(default=1)  # type: ignore[var-annotated]
    drift = models.SmallIntegerField(default=0)  # type: ignore[var-annotated]
    last_t = models.BigIntegerField(default=-1)  # type: ignore[var-annotated]
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)  # type: ignore[var-annotated]

    class Meta(Device.Meta):  # type: ignore[misc]
        ordering = ("user_id", "id")
        verbose_name = _("动态口令设备")
        verbose_name_plural = _("动态口令设备")
        constraints = [
            models.UniqueConstraint(
                fields=("user",), condition=models.Q(confirmed=True), name="totp_one_per_user"
            )
        ]

    @property
    def bin_key(self) -> bytes:
        return unhexlify(self.key.encode())

    @property
    def base32_key(self) -> str:
        return b32encode(self.bin_key).decode().rstrip("=")

    def totp(self, at: float | None = None) -> TOTP:
        totp = TOTP(self.bin_key, self.step, self.t0, self.digits, self.drift)
        totp.time = time.time() if at is None else at
        return totp

    def verify_token(self, token: Any) -> bool:
        """The same checks as `otp_totp.TOTPDevice.verify_token`: throttled, one use per time
        step (`last_t`), one step of clock tolerance each way."""
        allowed, _info = self.verify_is_allowed()
        if not allowed:
            return False
        text = str(token or "").strip()
        verified = False
        if text.isascii() and text.isdigit() and len(text) == self.digits:
            totp = self.totp()
            verified = bool(totp.verify(int(text), self.tolerance, self.last_t + 1))
            if verified:
                self.last_t = totp.t()
                self.drift = totp.drift
                self.throttle_reset(commit=False)
                self.set_last_used_timestamp(commit=False)
                self.save()
        if not verified:
            self.throttle_increment(commit=True)
        return verified

    def get_throttle_factor(self) -> int:
        return int(getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1))

    @property
    def config_url(self) -> str:
        """The otpauth:// URL an authenticator app reads from the QR code."""
        issuer = str(getattr(settings, "OTP_TOTP_ISSUER", "") or "").replace(":", "")
        label = f"{issuer}:{self.user.get_username()}" if issuer else self.user.get_username()
        params = urlencode(
            {
                "secret": self.base32_key,
                "algorithm": "SHA1",
                "digits": self.digits,
                "period": self.step,
            }
        )
        if issuer:
            params += f"&issuer={quote(issuer)}"
        return f"otpauth://totp/{quote(label)}?{params}"


def recovery_code_hash(code: str) -> str:
    """What is stored of a recovery code: 16 hex digits of a keyed hash (django-otp's static
    token column holds 16 characters)."""
    normal = "".join(str(code).split()).lower().replace("-", "")
    return crypto.blind_index(f"recovery:{normal}")[:16]


class RecoveryCodes(StaticDevice):  # type: ignore[misc]
    """django-otp's static device for the one-time recovery codes, with each code stored as a
    keyed hash instead of in plain text."""

    class Meta:
        proxy = True
        verbose_name = _("恢复码")
        verbose_name_plural = _("恢复码")

    def verify_token(self, token: Any) -> bool:
        text = str(token or "")
        if "\x00" in text or len(text) > 32:
            return False
        return bool(super().verify_token(recovery_code_hash(text)))
