"""Inserting many rows at once without building a model instance per row.

`bulk_create` builds and compiles every object field by field; for an import of ten thousand
members that is most of the time. `insert_rows` prepares each value with its field's own
`get_db_prep_save` where the field transforms it (encryption, UUIDs, dates, JSON), so it is
stored exactly as the ORM would store it, and sends the rows with COPY on PostgreSQL and one
`executemany` per batch elsewhere. It fills `created_at`/`updated_at`; it does
not return primary keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

# Below this many rows a plain INSERT is cheaper than setting up a COPY.
COPY_FROM_ROWS = 100


def insert_rows(
    model: type[models.Model],
    rows: Iterable[Mapping[str, Any]],
    *,
    fields: Sequence[str],
    batch_size: int = 2000,
) -> int:
    """Insert `rows` (dicts keyed by field attname) into `model`'s table; returns the count."""
    meta = model._meta
    names = list(fields)
    by_attname = {f.attname: f for f in meta.concrete_fields}
    stamped = [n for n in ("created_at", "updated_at") if n not in names and n in by_attname]
    names += stamped
    model_fields = [by_attname[n] for n in names]
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in model_fields)
    placeholders = ", ".join(["%s"] * len(names))
    table = connection.ops.quote_name(meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    prep = [_converter(f) for f in model_fields[: len(fields)]]
    count = 0
    batch: list[tuple[Any, ...]] = []
    few = isinstance(rows, Sequence) and len(rows) < COPY_FROM_ROWS
    if connection.vendor == "postgresql" and not few:
        # COPY: one stream, no per-row statement, no client-side quoting of every value.
        copy_sql = f"COPY {table} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(
                    [
                        *(p(row[n]) for p, n in zip(prep, fields, strict=True)),
                        *([now] * len(stamped)),
                    ]
                )
                count += 1
        return count
    with connection.cursor() as cursor:
        for row in rows:
            values = [p(row[n]) for p, n in zip(prep, fields, strict=True)]
            batch.append((*values, *([now] * len(stamped))))
            if len(batch) >= batch_size:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


_PLAIN = (
    models.CharField,
    models.IntegerField,
    models.BigIntegerField,
    models.BooleanField,
    models.ForeignKey,
    models.BigAutoField,
)


def _identity(value: Any) -> Any:
    return value


def _converter(field: Any) -> Callable[[Any], Any]:
    """Plain text, numbers, booleans and keys go as they are; anything the field transforms
    (encryption, UUIDs, dates, JSON, addresses) goes through the field itself."""
    if isinstance(field, _PLAIN) and type(field).get_db_prep_save is models.Field.get_db_prep_save:
        return _identity
    if type(field) is models.TextField:
        return _identity

    def prepare(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    return prepare
