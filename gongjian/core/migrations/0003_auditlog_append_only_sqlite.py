"""SQLite, the embedded default, guards the audit log in the database too: no UPDATE ever, no
DELETE of an entry younger than the retention period (184 days), as the PostgreSQL trigger
does (0002)."""

from __future__ import annotations

from django.db import migrations

CREATE = [
    """CREATE TRIGGER IF NOT EXISTS core_auditlog_no_update BEFORE UPDATE ON core_auditlog
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS core_auditlog_no_recent_delete BEFORE DELETE ON core_auditlog
       WHEN OLD.created_at > strftime('%Y-%m-%d %H:%M:%f', 'now', '-184 days')
       BEGIN SELECT RAISE(ABORT, 'audit entries are kept at least 184 days'); END""",
]
DROP = [
    "DROP TRIGGER IF EXISTS core_auditlog_no_update",
    "DROP TRIGGER IF EXISTS core_auditlog_no_recent_delete",
]


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "sqlite":
        for statement in CREATE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "sqlite":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_auditlog_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
