"""Twenty simultaneous wrong passwords against one account check at most five, and the right
password is refused while the pair is locked: the counter is taken under a row lock before
any password is checked (PostgreSQL, real parallel connections)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.hashers import check_password

from gongjian.accounts import services
from gongjian.accounts.models import User
from gongjian.core import context
from gongjian.core.models import AuditLog
from gongjian.testing.cast import PASSWORD, Cast
from gongjian.testing.parallel import in_parallel, postgresql_only

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_twenty_parallel_wrong_passwords_check_at_most_five(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    postgresql_only()
    checked: list[int] = []
    original = User.check_password

    def counting(self: User, raw: str) -> bool:
        checked.append(1)
        return bool(original(self, raw))

    monkeypatch.setattr(User, "check_password", counting)

    def attempt() -> Any:
        token = context.set_current(context.RequestContext(ip="10.7.7.7"))
        try:
            return services.user_login_check(request=None, login="member", password="Wrong-1x!")
        finally:
            context.reset(token)

    results = in_parallel([attempt] * 20)
    refused = [type(r).__name__ for r in results]
    assert refused.count("LoginRefused") == len(checked) <= 5
    assert refused.count("Throttled") == 20 - len(checked)
    # And the right password is refused while the pair is locked.
    token = context.set_current(context.RequestContext(ip="10.7.7.7"))
    try:
        with pytest.raises(services.Throttled):
            services.user_login_check(request=None, login="member", password=PASSWORD)
    finally:
        context.reset(token)
    assert len(checked) <= 5
    assert AuditLog.objects.filter(action="login_failed", actor_label="member").count() == 21
    assert check_password(PASSWORD, User.objects.get(pk=cast.member.pk).password)
