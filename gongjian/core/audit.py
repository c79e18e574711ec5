"""Writing the audit log. Services call `audit_record` (`audit_append` on a hot path); nothing
else writes it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

from gongjian.core import context
from gongjian.core.bulk import insert_rows
from gongjian.core.models import AuditLog

# Fields whose values never go into the audit log in plain text.
_SECRET_FIELDS = frozenset({"password", "id_number", "phone", "id_number_hash", "phone_hash"})
# …nor those of the same kind under another name (`contact_phone`, `head_id_number_hash`).
_SECRET_SUFFIXES = ("_phone", "_phone_hash", "_id_number", "_id_number_hash")


def _masked(value: Any) -> bool:
    """A value a service has already replaced by markers (`["***", "***"]`)."""
    items = value if isinstance(value, list | tuple) else [value]
    return all(isinstance(i, str) and i.startswith("***") for i in items)


def is_secret(key: str) -> bool:
    """Whether a field's value is kept out of the audit log (a marker stands in). A dotted
    key names a column in a summary (`orgs.member.phone`: counts), not a value."""
    return key in _SECRET_FIELDS or ("." not in key and key.endswith(_SECRET_SUFFIXES))


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """What changed between two snapshots, with personal values replaced by a marker."""
    out: dict[str, Any] = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if is_secret(key):
            out[key] = ["***", "***(已修改)"]
        else:
            out[key] = [_jsonable(old), _jsonable(new)]
    return out


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return {name: _jsonable(getattr(obj, name)) for name in names}


def _entry(
    *,
    action: str,
    obj: models.Model | None,
    object_type: str,
    object_id: str,
    object_repr: str,
    changes: dict[str, Any] | None,
    actor: Any,
    actor_label: str = "",
    success: bool = True,
    reason: str = "",
    ip: str | None = None,
) -> dict[str, Any]:
    """An entry's fields: the actor and address of the request unless given, personal values
    masked, texts cut to their columns."""
    ctx = context.current()
    actor = actor if actor is not None else ctx.user
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    return {
        "actor": actor,
        "actor_label": actor_label or (actor.get_username() if actor is not None else ""),
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr[:200],
        "changes": {
            k: (["***", "***(已修改)"] if is_secret(k) and not _masked(v) else v)
            for k, v in (changes or {}).items()
        },
        "ip": ip if ip is not None else ctx.ip,
        "success": success,
        "reason": reason[:500],
    }


def audit_record(
    *,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    actor: Any = None,
    actor_label: str = "",
    success: bool = True,
    reason: str = "",
    ip: str | None = None,
) -> AuditLog:
    entry = AuditLog(
        **_entry(
            action=action,
            obj=obj,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr,
            changes=changes,
            actor=actor,
            actor_label=actor_label,
            success=success,
            reason=reason,
            ip=ip,
        )
    )
    entry.save()
    return entry


def audit_append(
    *,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    actor: Any = None,
) -> None:
    """The same entry as `audit_record`, written as one plain INSERT without building a model
    instance, for hot paths (a sign-up rush) that have no use for the entry."""
    values = _entry(
        action=action,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        changes=changes,
        actor=actor,
    )
    user = values.pop("actor")
    values["actor_id"] = user.pk if user is not None else None
    insert_rows(AuditLog, [values], fields=tuple(values))


def audit_insert_select(
    *,
    action: str,
    object_type: str,
    object_repr: str,
    object_id_sql: str,
    changes_sql: str,
    source: str,
    actor: Any = None,
) -> tuple[str, list[Any]]:
    """The entry of `audit_append` as an `INSERT … SELECT … FROM source`, one entry per row of
    `source`, the object's id and the changes given as SQL expressions over that row: for a hot
    path that writes its row and the row's entry in one statement (a data-modifying `WITH`:
    PostgreSQL only). Returns the statement and its parameters."""
    values = _entry(
        action=action,
        obj=None,
        object_type=object_type,
        object_id="",
        object_repr=object_repr,
        changes=None,
        actor=actor,
    )
    user = values["actor"]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    table = connection.ops.quote_name(AuditLog._meta.db_table)
    sql = (
        f"INSERT INTO {table} (created_at, actor_id, actor_label, action, object_type,"  # noqa: S608
        " object_id, object_repr, changes, ip, success, reason)"
        f" SELECT %s, %s, %s, %s, %s, {object_id_sql}, %s, {changes_sql}, %s::inet, %s, %s"
        f" FROM {source}"
    )
    params = [
        now,
        user.pk if user is not None else None,
        values["actor_label"],
        values["action"],
        values["object_type"],
        values["object_repr"],
        values["ip"],
        values["success"],
        values["reason"],
    ]
    return sql, params


def audit_purge_expired() -> int:
    """Delete entries older than the retention period (at least 184 days). The only delete."""
    cutoff = timezone.now() - dt.timedelta(days=settings.AUDIT_RETENTION_DAYS)
    table = AuditLog._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE created_at < %s", [cutoff])  # noqa: S608
        return int(cursor.rowcount)
