"""Every write of this app: validated, scoped, atomic, audited — one module per flow.

Each service takes the ids a page or the API gives (or objects the caller already holds) and
resolves what it writes through the caller's scope in the query it writes with.
"""

from __future__ import annotations

from gongjian.orgs.services.accounts import (
    ACCOUNT_INVITE,
    InviteResult,
    member_accounts_invite,
    member_leave,
)
from gongjian.orgs.services.areas import (
    area_check,
    area_create,
    area_local_kind_check,
    area_path,
    area_update,
)
from gongjian.orgs.services.members import (
    MEMBER_EDITABLE,
    MEMBER_STATUSES,
    NAME_LABEL,
    member_clean,
    member_create,
    member_transfer,
    member_unmask,
    member_update,
)
from gongjian.orgs.services.notices import (
    OUTBOX_MAX_ATTEMPTS,
    OUTBOX_STOP_AFTER_FAILURES_IN_A_ROW,
    DeliveryResult,
    NoticeDraft,
    notice_mark_read,
    notices_send,
    outbox_deliver,
)
from gongjian.orgs.services.party_orgs import party_org_create, party_org_path, party_org_update
from gongjian.orgs.services.posts import role_assign, role_assign_by_login, role_revoke
from gongjian.orgs.services.units import unit_create, unit_update

__all__ = [
    "ACCOUNT_INVITE",
    "MEMBER_EDITABLE",
    "MEMBER_STATUSES",
    "NAME_LABEL",
    "OUTBOX_MAX_ATTEMPTS",
    "OUTBOX_STOP_AFTER_FAILURES_IN_A_ROW",
    "DeliveryResult",
    "InviteResult",
    "NoticeDraft",
    "area_check",
    "area_create",
    "area_local_kind_check",
    "area_path",
    "area_update",
    "member_accounts_invite",
    "member_clean",
    "member_create",
    "member_leave",
    "member_transfer",
    "member_unmask",
    "member_update",
    "notice_mark_read",
    "notices_send",
    "outbox_deliver",
    "party_org_create",
    "party_org_path",
    "party_org_update",
    "role_assign",
    "role_assign_by_login",
    "role_revoke",
    "unit_create",
    "unit_update",
]
