"""The roll-up's indexes (ADR 0018): a node is `path LIKE 'node%'`, which a btree serves on
PostgreSQL only with `varchar_pattern_ops` unless the database's collation is C."""

from __future__ import annotations

from typing import Any

from django.db import migrations

POSTGRES = (
    "CREATE INDEX answer_rollup ON forms_answer "
    "(round_id, counted, path varchar_pattern_ops) INCLUDE (field_id, number)",
    "CREATE INDEX return_round_path ON forms_return (round_id, path varchar_pattern_ops)",
)
OTHERS = (
    "CREATE INDEX answer_rollup ON forms_answer (round_id, counted, path, field_id, number)",
    "CREATE INDEX return_round_path ON forms_return (round_id, path)",
)


def create(apps: Any, schema_editor: Any) -> None:
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else OTHERS
    for sql in statements:
        schema_editor.execute(sql)


def drop(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute("DROP INDEX IF EXISTS answer_rollup")
    schema_editor.execute("DROP INDEX IF EXISTS return_round_path")


class Migration(migrations.Migration):
    dependencies = [("forms", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
