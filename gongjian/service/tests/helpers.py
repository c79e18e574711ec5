"""Builders the service tests share: activities and members with log-ins."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from gongjian.accounts.models import User
from gongjian.orgs.models import Area, Member
from gongjian.service import services
from gongjian.service.models import Activity, Audience, ServiceCategory
from gongjian.testing.cast import Cast, make_member, make_user

_seq = itertools.count(1)


def volunteer(cast: Cast, *, home: Area | None = None, name: str = "") -> tuple[User, Member]:
    """A member of 区税务局 with a log-in, living in 晨辉社区 unless told otherwise."""
    n = next(_seq)
    user = make_user(f"vol{n}", name or f"志愿者{n}")
    member = make_member(
        name or f"志愿者{n}",
        cast.tax_branch,
        user=user,
        home=home or cast.chenhui,
        grid=cast.chenhui_grid1 if home is None else None,
    )
    return user, member


def category(code: str = "green") -> ServiceCategory:
    """A seeded category; seeded again where a transactional test flushed the seed."""
    if not ServiceCategory.objects.exists():
        services.categories_seed()
    return ServiceCategory.objects.get(code=code)


def publish(
    cast: Cast,
    *,
    actor: Any = None,
    quota: int = 2,
    starts_in: dt.timedelta = dt.timedelta(days=2),
    hours: int = 2,
    audience: str = Audience.OPEN,
    **extra: Any,
) -> Activity:
    now = timezone.now()
    starts = now + starts_in
    defaults: dict[str, Any] = {
        "title": "晨辉社区环境整治",
        "category": category(),
        "area": cast.chenhui,
        "address": "晨辉社区中心广场",
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=hours),
        "quota": quota,
        "signup_opens_at": now - dt.timedelta(hours=1),
        "signup_closes_at": starts,
        "audience": audience,
    }
    defaults.update(extra)
    return services.activity_publish(actor=actor or cast.community_secretary, **defaults)[0]


def shift(activity: Activity, delta: dt.timedelta) -> Activity:
    """Move an activity in time (as if the clock had moved the other way)."""
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=activity.starts_at + delta,
        ends_at=activity.ends_at + delta,
        signup_opens_at=activity.signup_opens_at + delta,
        signup_closes_at=activity.signup_closes_at + delta,
    )
    activity.refresh_from_db()
    return activity
