"""Inserting many rows at once without building a model instance per row.

`bulk_create` builds and compiles every object field by field; for an import of ten thousand
members that is most of the time. `insert_rows` prepares each value with its field's own
`get_db_prep_save` where the field transforms it (encryption, UUIDs, dates, JSON), so it is
stored exactly as the ORM would store it, and sends the rows with COPY on PostgreSQL and one
`executemany` per batch elsewhere. It fills `created_at`/`updated_at`; it does
not return primary keys. `update_rows` writes a different value to each of many rows in one
statement per thousand rows.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple, cast

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
    sql, table, columns, stamped, prep = _plan(model, tuple(fields), connection.vendor)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
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
        if len(batch) == 1:  # one audit entry of a request: no executemany set-up
            cursor.execute(sql, batch[0])
            count += 1
        elif batch:
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


class _Plan(NamedTuple):
    sql: str
    table: str
    columns: str
    stamped: tuple[str, ...]
    prep: tuple[Callable[[Any], Any], ...]


@functools.lru_cache(maxsize=64)
def _plan(model: type[models.Model], fields: tuple[str, ...], vendor: str) -> _Plan:
    """The statement and the value converters for these fields, built once per model, fields
    and database vendor (a sign-up rush writes one audit row per request)."""
    meta = model._meta
    by_attname = {f.attname: f for f in meta.concrete_fields}
    stamped = tuple(n for n in ("created_at", "updated_at") if n not in fields and n in by_attname)
    model_fields = [by_attname[n] for n in (*fields, *stamped)]
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in model_fields)
    placeholders = ", ".join(["%s"] * len(model_fields))
    table = connection.ops.quote_name(meta.db_table)
    return _Plan(
        sql=f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608
        table=table,
        columns=columns,
        stamped=stamped,
        prep=tuple(_converter(f) for f in model_fields[: len(fields)]),
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


# Writing many rows at once --------------------------------------------------------------------

UPDATE_CHUNK = 1000


def update_rows(
    model: type[models.Model], fields: list[str], rows: Sequence[tuple[Any, ...]]
) -> int:
    """Write different values to many rows in one statement per thousand rows: `UPDATE … FROM`
    a `VALUES` list (PostgreSQL, and SQLite ≥ 3.33). `bulk_update` builds a `CASE WHEN` per
    field with a branch per row, which takes seconds for a few thousand rows. Each row is
    `(pk, value, …)` in the order of `fields`."""
    if not rows:
        return 0
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [cast("models.Field[Any, Any]", model._meta.get_field(f)) for f in fields]
    names = ["id"] + [f"v{i}" for i in range(len(fields))]
    if connection.vendor == "postgresql":
        sets = ", ".join(
            f"{connection.ops.quote_name(c.column)} = CAST(v.v{i} AS {c.db_type(connection)})"
            for i, c in enumerate(columns)
        )
    else:
        sets = ", ".join(
            f"{connection.ops.quote_name(c.column)} = v.v{i}" for i, c in enumerate(columns)
        )
    pk = connection.ops.quote_name(model._meta.pk.column)
    written = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), UPDATE_CHUNK):
            chunk = rows[start : start + UPDATE_CHUNK]
            placeholders = ", ".join("(" + ", ".join(["%s"] * len(names)) + ")" for _row in chunk)
            params: list[Any] = []
            for row in chunk:
                params.append(row[0])
                params.extend(
                    c.get_db_prep_save(v, connection) for c, v in zip(columns, row[1:], strict=True)
                )
            sql = (
                f"WITH v({', '.join(names)}) AS (VALUES {placeholders}) "  # noqa: S608 - names are ours
                f"UPDATE {table} SET {sets} FROM v WHERE {table}.{pk} = v.id"
            )
            cursor.execute(sql, params)
            written += cursor.rowcount
    return written
