from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from gongjian.orgs import scope, selectors
from gongjian.orgs.workbench import may_keep_records


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    posts = scope.posts_of(user)
    return {
        "posts": posts,
        "is_manager": posts.is_staff_like,
        "keeps_records": may_keep_records(user),
        "unread_notices": selectors.unread_notice_count(actor=user)
        if posts.member_id is not None
        else None,
    }
