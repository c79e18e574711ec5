"""What the organisation app puts on a workbench (`core.workbench`): the notice inbox, and the
shortcuts of those who keep the records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from gongjian.core.workbench import MINE, SHORTCUT, WAITING, Item
from gongjian.orgs import scope, selectors


def may_keep_records(actor: Any) -> bool:
    """Posts that write areas' or units' records (a grid leader only reads)."""
    posts = scope.posts_of(actor)
    return posts.superuser or bool(posts.paths(write=True)) or bool(posts.unit_ids)


def items(*, actor: Any, today: dt.date) -> list[Item]:
    out: list[Item] = []
    posts = scope.posts_of(actor)
    if posts.member_id is not None:
        unread = selectors.unread_notice_count(actor=actor)
        out.append(
            Item(WAITING, _("未读通知"), reverse("reporting:notices"), count=unread, order=1)
        )
        out.append(
            Item(
                MINE,
                _("我的通知"),
                reverse("reporting:notices"),
                detail=_("%(n)s 条未读") % {"n": unread} if unread else _("没有未读通知"),
                order=90,
            )
        )
    if may_keep_records(actor):
        out.append(Item(SHORTCUT, _("新增党员"), reverse("orgs:member_create"), order=60))
        out.append(Item(SHORTCUT, _("党员名册"), reverse("orgs:member_list"), order=61))
        out.append(Item(SHORTCUT, _("批量导入"), reverse("orgs:import_start"), order=62))
    elif posts.is_staff_like:
        out.append(Item(SHORTCUT, _("党员名册"), reverse("orgs:member_list"), order=61))
    return out
