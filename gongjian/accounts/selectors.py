from __future__ import annotations

from gongjian.accounts.models import User
from gongjian.core import crypto
from gongjian.core.errors import ValidationFailed
from gongjian.core.validators import normalize_mobile


def user_find_by_login(*, login: str) -> User | None:
    """The user whose username, or whose mobile number, is `login`."""
    login = login.strip()
    user = User.objects.filter(username=login).first()
    if user is not None:
        return user
    try:
        phone = normalize_mobile(login)
    except ValidationFailed:
        return None
    return User.objects.filter(phone_hash=crypto.blind_index(phone)).first()
