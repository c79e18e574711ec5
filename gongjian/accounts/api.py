"""The caller's own sessions and API tokens, and a platform administrator's reset of another
account's second factor: the same services as the account security page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from gongjian.accounts import selectors, services

router = Router(tags=["accounts"])


class SessionOut(Schema):
    id: int
    created_at: dt.datetime
    last_active: dt.datetime | None = None
    ip: str | None
    user_agent: str
    method: str
    current: bool = False


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None
    revoked: bool


class TokenIn(Schema):
    name: str = Field(max_length=100)
    days: int = Field(90, ge=1, le=90, description="有效天数，最长90天")


class TokenCreated(TokenOut):
    key: str = Field(description="令牌密钥，只返回这一次")


@router.get("/sessions", response=list[SessionOut], summary="我的登录会话")
def session_list(request: HttpRequest) -> Any:
    rows = selectors.my_sessions(actor=request.user)
    key = request.session.session_key if hasattr(request, "session") else None
    for r in rows:
        r.current = r.session_key == key  # type: ignore[attr-defined]
    return rows


@router.delete("/sessions/{session_id}", response={204: None}, summary="结束一个登录会话")
def session_delete(request: HttpRequest, session_id: int) -> Any:
    services.user_session_end(actor=request.user, session_id=session_id)
    return Status(204, None)


@router.get("/tokens", response=list[TokenOut], summary="我的接口令牌")
def token_list(request: HttpRequest) -> Any:
    return list(selectors.my_tokens(actor=request.user))


@router.post("/tokens", response={201: TokenCreated}, summary="创建接口令牌（管理岗位）")
def token_create(request: HttpRequest, payload: TokenIn) -> Any:
    token, key = services.api_token_create_for(
        actor=request.user, name=payload.name, days=payload.days
    )
    token.key = key  # type: ignore[attr-defined]
    return Status(201, token)


@router.delete("/tokens/{token_id}", response={204: None}, summary="吊销接口令牌")
def token_delete(request: HttpRequest, token_id: int) -> Any:
    services.api_token_revoke(actor=request.user, token_id=token_id)
    return Status(204, None)


@router.post(
    "/users/{user_id}/second-factor/reset",
    response={204: None},
    summary="重置他人的动态口令（平台管理员，记入审计日志）",
)
def second_factor_reset(request: HttpRequest, user_id: int) -> Any:
    services.second_factor_reset(actor=request.user, user_id=user_id)
    return Status(204, None)
