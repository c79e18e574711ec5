"""Members' accounts, seen from the log-in policy (`accounts.directory`): who is on record
with a mobile number, the account a member gets on first use, which posts need a second
factor; and a member who leaves the record (or is deleted) loses access at once, through any
door (a service, the Django admin)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save, pre_delete
from django.utils.translation import gettext as _

from gongjian.accounts import services as account_services
from gongjian.accounts.models import User
from gongjian.core import crypto
from gongjian.core.audit import audit_record
from gongjian.orgs import scope
from gongjian.orgs.models import Member, Role

# The posts that can unmask personal information or export lists (ADR 0011).
SECOND_FACTOR_ROLES = frozenset(
    {Role.DISTRICT_ADMIN, Role.STREET_ADMIN, Role.COMMUNITY_ADMIN, Role.UNIT_ADMIN}
)


def _members_with(phone: str) -> list[Member]:
    return list(
        Member.objects.filter(phone_hash=crypto.blind_index(phone), is_active=True)
        .select_related("user")
        .order_by("pk")[:2]
    )


class MemberDirectory:
    """The `accounts.directory.Directory` of the members on record."""

    def on_record(self, phone: str) -> bool:
        members = _members_with(phone)
        if len(members) != 1:
            return False
        user = members[0].user
        return user is None or user.is_active

    @transaction.atomic
    def account_for(self, phone: str) -> User | None:
        members = _members_with(phone)
        if len(members) != 1:
            return None
        member = (
            Member.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=members[0].pk)
        )
        if member.user is not None:
            return member.user if member.user.is_active else None
        user = account_services.user_create(
            username=f"m{member.public_id.hex[:12]}",
            password=None,
            display_name=member.name,
            phone=phone,
        )
        member.user = user
        member.save(update_fields=["user", "updated_at"])
        audit_record(
            action="activate",
            obj=member,
            actor=user,
            changes={"user": [None, user.pk]},
            reason=_("党员用登记的手机号首次登录，开通账号"),
        )
        return user

    def needs_second_factor(self, user: Any) -> bool:
        if getattr(user, "is_superuser", False) or getattr(user, "is_staff", False):
            return True
        return bool(scope.posts_of(user).roles & SECOND_FACTOR_ROLES)


def _end_access(member: Member, reason: str) -> None:
    if member.user_id and User.objects.filter(pk=member.user_id, is_active=True).exists():
        account_services.user_access_end(user=member.user, reason=reason)  # type: ignore[arg-type]


def _member_saved(sender: Any, instance: Member, **kwargs: Any) -> None:
    if not instance.is_active:
        _end_access(instance, _("党员已不在册"))


def _member_deleted(sender: Any, instance: Member, **kwargs: Any) -> None:
    _end_access(instance, _("党员档案已删除"))


def connect() -> None:
    """Called by `orgs.apps` when the app is ready."""
    from gongjian.accounts.directory import register

    register(MemberDirectory())
    post_save.connect(_member_saved, sender=Member, dispatch_uid="orgs_member_access")
    pre_delete.connect(_member_deleted, sender=Member, dispatch_uid="orgs_member_access_del")
