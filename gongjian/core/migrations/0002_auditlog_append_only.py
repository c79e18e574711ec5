"""On PostgreSQL the database itself refuses to change or delete audit rows (deletes only past
the retention period). SQLite has its own triggers (0003)."""

from __future__ import annotations

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION core_auditlog_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'the audit log is append-only';
    END IF;
    IF OLD.created_at > now() - interval '184 days' THEN
        RAISE EXCEPTION 'audit entries are kept at least 184 days';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_auditlog_guard ON core_auditlog;
CREATE TRIGGER core_auditlog_guard BEFORE UPDATE OR DELETE ON core_auditlog
    FOR EACH ROW EXECUTE FUNCTION core_auditlog_guard();
"""

DROP = """
DROP TRIGGER IF EXISTS core_auditlog_guard ON core_auditlog;
DROP FUNCTION IF EXISTS core_auditlog_guard();
"""


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
