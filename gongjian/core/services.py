"""Writes that know no domain: re-encrypting the personal fields of every app under a new key."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils.translation import gettext as _

from gongjian.core import crypto
from gongjian.core.audit import audit_record
from gongjian.core.errors import ApplicationError
from gongjian.core.fields import EncryptedTextField

FIELD_KEY_ROTATE_BATCH = 1000
_FAILURES_SHOWN = 20


@dataclass
class FieldKeyCount:
    """One encrypted field of one model: values seen, re-encrypted, blind indexes changed."""

    label: str
    values: int = 0
    reencrypted: int = 0
    reindexed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"values": self.values, "reencrypted": self.reencrypted, "reindexed": self.reindexed}


@dataclass(frozen=True)
class EncryptedColumn:
    """An `EncryptedTextField` and its `<name>_hash` blind-index sibling, if the model has one."""

    model: type[models.Model]
    field: EncryptedTextField
    hash_field: models.Field[Any, Any] | None

    @property
    def label(self) -> str:
        return f"{self.model._meta.label_lower}.{self.field.name}"


@dataclass
class FieldKeyRotation:
    counts: list[FieldKeyCount] = field(default_factory=list)
    dry_run: bool = False


def encrypted_columns() -> list[EncryptedColumn]:
    """Every concrete `EncryptedTextField` of every installed model, in a stable order."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        local = {f.name: f for f in model._meta.local_concrete_fields}
        for f in model._meta.local_concrete_fields:
            if isinstance(f, EncryptedTextField):
                found.append(EncryptedColumn(model, f, local.get(f"{f.name}_hash")))
    return sorted(found, key=lambda c: c.label)


def field_key_rotate(
    *, dry_run: bool = False, batch_size: int = FIELD_KEY_ROTATE_BATCH
) -> FieldKeyRotation:
    """Re-encrypt every personal field under `settings.FIELD_KEY` and recompute its blind
    index from the decrypted value, in one transaction: if any value decrypts under no known
    key, nothing is written and the error names each such row. A value already under the
    current key is left as it is, so a second run changes nothing. `dry_run` checks that
    every value decrypts and counts what would change, writing nothing."""
    columns = encrypted_columns()
    by_model: dict[type[models.Model], list[EncryptedColumn]] = {}
    for column in columns:
        by_model.setdefault(column.model, []).append(column)
    counts = {c.label: FieldKeyCount(c.label) for c in columns}
    failures: list[tuple[str, Any, str]] = []
    connection = connections[DEFAULT_DB_ALIAS]
    with transaction.atomic(using=DEFAULT_DB_ALIAS):
        if not dry_run and connection.vendor == "postgresql":
            # Writes to these tables wait until the rotation is over; reads go on.
            tables = sorted({m._meta.db_table for m in by_model})
            with connection.cursor() as cursor:
                for table in tables:
                    quoted = connection.ops.quote_name(table)
                    cursor.execute(f"LOCK TABLE {quoted} IN EXCLUSIVE MODE")
        for model, model_columns in by_model.items():
            _rotate_model(
                model,
                model_columns,
                counts=counts,
                failures=failures,
                write=not dry_run,
                batch_size=batch_size,
            )
        if failures:
            shown = "; ".join(
                _("%(model)s 主键 %(pk)s 的 %(field)s") % {"model": m, "pk": pk, "field": f}
                for m, pk, f in failures[:_FAILURES_SHOWN]
            )
            if len(failures) > _FAILURES_SHOWN:
                shown += " …"
            raise ApplicationError(
                _(
                    "有 %(count)d 个个人信息字段无法用当前密钥或旧密钥解密，未写入任何内容："
                    "%(rows)s。请把加密它们的密钥加入 GONGJIAN_FIELD_KEYS_OLD 后重试。"
                )
                % {"count": len(failures), "rows": shown},
                code="field_key_unknown",
                detail={
                    "failures": [
                        {"model": m, "pk": str(pk), "field": f}
                        for m, pk, f in failures[:_FAILURES_SHOWN]
                    ],
                    "count": len(failures),
                },
            )
        if not dry_run:
            audit_record(
                action="update",
                object_type="core.field_key",
                object_repr=_("个人信息字段密钥轮换"),
                changes={label: count.as_dict() for label, count in counts.items()},
                actor_label="gongjian field_key_rotate",
            )
    return FieldKeyRotation(counts=list(counts.values()), dry_run=dry_run)


def _rotate_model(
    model: type[models.Model],
    columns: list[EncryptedColumn],
    *,
    counts: dict[str, FieldKeyCount],
    failures: list[tuple[str, Any, str]],
    write: bool,
    batch_size: int,
) -> None:
    """Walk one table by primary key, `batch_size` rows at a time, reading the stored tokens
    as they are (no decrypting converter) and updating only what changes."""
    connection = connections[DEFAULT_DB_ALIAS]
    qn = connection.ops.quote_name
    pk = qn(model._meta.pk.column)
    table = qn(model._meta.db_table)
    selected = [pk]
    for c in columns:
        selected.append(qn(c.field.column))
        selected.append(qn(c.hash_field.column) if c.hash_field is not None else "NULL")
    select = f"SELECT {', '.join(selected)} FROM {table}"  # noqa: S608
    last: Any = None
    with connection.cursor() as cursor:
        while True:
            if last is None:
                cursor.execute(f"{select} ORDER BY {pk} LIMIT %s", [batch_size])
            else:
                after = f"{select} WHERE {pk} > %s ORDER BY {pk} LIMIT %s"
                cursor.execute(after, [last, batch_size])
            rows = cursor.fetchall()
            if not rows:
                return
            last = rows[-1][0]
            updates: dict[tuple[str, ...], list[list[Any]]] = {}
            for row in rows:
                changed = _rotate_row(row, columns, counts=counts, failures=failures)
                if changed and write and not failures:
                    names = tuple(sorted(changed))
                    updates.setdefault(names, []).append([changed[n] for n in names] + [row[0]])
            for names, params in updates.items():
                assignments = ", ".join(f"{qn(n)} = %s" for n in names)
                cursor.executemany(
                    f"UPDATE {table} SET {assignments} WHERE {pk} = %s",  # noqa: S608
                    params,
                )


def _rotate_row(
    row: tuple[Any, ...],
    columns: list[EncryptedColumn],
    *,
    counts: dict[str, FieldKeyCount],
    failures: list[tuple[str, Any, str]],
) -> dict[str, Any]:
    """The columns of one row to write: tokens not under the current key, stale indexes."""
    changed: dict[str, Any] = {}
    for n, c in enumerate(columns):
        token, stored_hash = row[1 + 2 * n], row[2 + 2 * n]
        if token is None or token == "":
            continue
        count = counts[c.label]
        count.values += 1
        plain = crypto.decrypt_current(token)
        if plain is None:
            try:
                plain = crypto.decrypt(token)
            except ValueError:
                failures.append((c.model._meta.label_lower, row[0], c.field.name))
                continue
            changed[c.field.column] = crypto.encrypt(plain)
            count.reencrypted += 1
        if c.hash_field is not None:
            index = crypto.blind_index(plain)
            if index != stored_hash:
                changed[c.hash_field.column] = index
                count.reindexed += 1
    return changed
