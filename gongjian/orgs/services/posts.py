"""Posts (role assignments): who administers which area or unit."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gongjian.core.audit import audit_record
from gongjian.core.errors import ApplicationError, NotFound, PermissionDenied
from gongjian.core.validation import invalid
from gongjian.orgs import scope, selectors
from gongjian.orgs.models import AREA_ROLES, Area, Role, RoleAssignment
from gongjian.orgs.selectors import Ref


@transaction.atomic
def role_assign(
    *, actor: Any, user: Any, role: str, area: Ref | None = None, unit: Ref | None = None
) -> RoleAssignment:
    """Give `user` a post: a unit administrator at a unit, any other post at an area of its
    level; both must be within what the actor may change (so never wider than a post the
    actor holds), by an actor who may give posts at all, and never to the actor itself."""
    if role not in Role.values:
        raise invalid("role", _("角色不正确"))
    if not scope.may_assign_posts(actor):
        raise PermissionDenied(_("您的岗位不能分配岗位"))
    if getattr(user, "pk", None) == actor.pk and not getattr(actor, "is_superuser", False):
        raise PermissionDenied(_("不能给自己分配岗位"))
    place = workplace = None
    if role == Role.UNIT_ADMIN:
        if unit is None or area is not None:
            raise invalid("unit", _("单位管理员须指定单位"))
        workplace = selectors.unit_get_for(actor, unit, write=True)
    else:
        if area is None or unit is not None:
            raise invalid("area", _("该角色须指定区域"))
        place = selectors.area_get_for(actor, area, write=True)
        wanted = AREA_ROLES[Role(role)]
        if place.kind != wanted:
            raise invalid(
                "area",
                _("%(role)s应设在%(kind)s一级")
                % {"role": Role(role).label, "kind": Area.Kind(wanted).label},
            )
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, area=place, unit=workplace
    )
    if not created:
        raise ApplicationError(_("该用户已有此岗位"), code="duplicate")
    scope.forget_posts(user)
    audit_record(
        actor=actor,
        action="role_change",
        obj=assignment,
        changes={
            "role": [None, role],
            "user": [None, user.pk],
            "area": [None, place.pk if place else None],
            "unit": [None, workplace.pk if workplace else None],
        },
    )
    return assignment


@transaction.atomic
def role_revoke(*, actor: Any, assignment: Ref) -> None:
    """Take a post away. The holder of a district's last district administrator post may not
    revoke it: the district would be left with no one to administer it."""
    assignment = selectors.role_assignment_get_for(actor, assignment, write=True, lock=True)
    if (
        assignment.role == Role.DISTRICT_ADMIN
        and assignment.user_id == actor.pk
        and not RoleAssignment.objects.filter(role=Role.DISTRICT_ADMIN, area=assignment.area_id)
        .exclude(pk=assignment.pk)
        .select_for_update()
        .exists()
    ):
        raise PermissionDenied(_("这是本区最后一个区级管理员岗位，不能撤销自己的岗位"))
    audit_record(
        actor=actor,
        action="role_change",
        obj=assignment,
        changes={"role": [assignment.role, None], "user": [assignment.user_id, None]},
    )
    scope.forget_posts(assignment.user)
    assignment.delete()


def role_assign_by_login(
    *, actor: Any, login: str, role: str, area_code: str = "", unit_code: str = ""
) -> RoleAssignment:
    """Give an existing account (found by username or phone) a post at an area or a unit,
    both named by code: what the page and the API both call."""
    from gongjian.accounts.selectors import user_find_by_login

    if not scope.may_assign_posts(actor):
        raise PermissionDenied(_("您的岗位不能分配岗位"))
    user = user_find_by_login(login=login) if login.strip() else None
    if user is None:
        raise invalid("login", _("找不到该用户名或手机号对应的账号"))
    area = unit = None
    try:
        if role == Role.UNIT_ADMIN:
            unit = selectors.unit_get_by_code_for(actor, unit_code, write=True)
        else:
            area = selectors.area_get_by_code_for(actor, area_code, write=True)
    except NotFound as exc:
        field = "unit_code" if role == Role.UNIT_ADMIN else "area_code"
        raise invalid(field, exc.message) from None
    return role_assign(actor=actor, user=user, role=role, area=area, unit=unit)
