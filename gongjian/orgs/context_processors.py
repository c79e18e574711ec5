from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from gongjian.orgs import scope


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    posts = scope.posts_of(user)
    return {"posts": posts, "is_manager": posts.is_staff_like}
