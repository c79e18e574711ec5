"""The demo's second factors: every demo login whose post needs one (platform, district,
street, community and unit administrators) is enrolled with one published TOTP secret,
printed by `gongjian demo` beside the logins, so a demonstrator adds it to any authenticator
app once. Like the demo password, it is for the demo only."""

from __future__ import annotations

from base64 import b32decode
from typing import Any

from gongjian.accounts import services
from gongjian.accounts.models import TotpDevice

# 32 base32 characters: a 20-byte key, the size authenticator apps expect.
DEMO_TOTP_SECRET = "GONGJIANDEMOSECRETKEYFORTOTPQRST"  # noqa: S105 - a published demo secret


def demo_key_hex() -> str:
    return b32decode(DEMO_TOTP_SECRET).hex()


def build(ctx: Any) -> None:
    users = [u for u in ctx.users.values() if services.second_factor_needed(u)]
    TotpDevice.objects.bulk_create(
        [TotpDevice(user=u, name="动态口令", confirmed=True, key=demo_key_hex()) for u in users]
    )
    ctx.counts["totp_devices"] = len(users)
    ctx.log(f"动态口令：{len(users)}个管理岗位账号已绑定演示密钥")
