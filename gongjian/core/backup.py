"""Backups that can be restored, and a drill that proves it.

A backup is a directory:

- `database.dump` — PostgreSQL: `pg_dump --format=custom` of the snapshot the manifest was
  counted in (`pg_export_snapshot`, so the counts and the dump are the same moment); or
  `database.sqlite3` — SQLite: a copy through SQLite's online backup API;
- `media.tar` — the uploaded files (evidence, photos, posters);
- `manifest.json` — when, which database, the applied migrations, every table's row count and
  checksum, every media file's size and SHA-256, and a reminder that personal fields are in it
  as ciphertext only: the field key (`GONGJIAN_FIELD_KEY`) is not in a backup and must be kept
  apart from it.

`restore` puts a backup into a database (and the media into a folder); `drill` restores into a
scratch database and compares every table's count and checksum with the manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection as default_connection

MANIFEST = "manifest.json"
KEY_NOTE = (
    "Personal fields (ID numbers, phones) are stored here as ciphertext. The field key "
    "(GONGJIAN_FIELD_KEY, and GONGJIAN_FIELD_KEYS_OLD) is not part of a backup: keep it apart "
    "from the backups, or they cannot be read — and keep it secret, or they can be read by "
    "whoever holds both."
)
_CHUNK = 5000


class BackupError(Exception):
    pass


@dataclass
class TableCheck:
    table: str
    rows: int
    checksum: str


@dataclass
class DrillResult:
    tables: list[tuple[str, TableCheck, TableCheck | None]] = field(default_factory=list)
    media_ok: bool = True

    @property
    def ok(self) -> bool:
        return self.media_ok and all(
            restored is not None
            and (restored.rows, restored.checksum) == (source.rows, source.checksum)
            for _t, source, restored in self.tables
        )


# Counting ------------------------------------------------------------------------------------
# Counted through plain DB-API connections (psycopg, sqlite3) on both sides of a drill, so a
# value reads back the same however Django would convert it.

_TABLES = {
    "postgresql": "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()",
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
}


def _canonical(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def table_check(cursor: Any, table: str) -> TableCheck:
    """The row count and a SHA-256 over every row, rows in the order of all their columns."""
    quoted_table = '"' + table.replace('"', '""') + '"'
    cursor.execute(f"SELECT * FROM {quoted_table} LIMIT 0")  # noqa: S608 - a catalogued name
    columns = [d[0] for d in cursor.description]
    order = ", ".join(str(i) for i in range(1, len(columns) + 1))
    cursor.execute(f"SELECT * FROM {quoted_table} ORDER BY {order}")  # noqa: S608
    digest = hashlib.sha256()
    rows = 0
    while True:
        batch = cursor.fetchmany(_CHUNK)
        if not batch:
            break
        for row in batch:
            digest.update("\x1f".join(_canonical(v) for v in row).encode())
            digest.update(b"\x1e")
        rows += len(batch)
    return TableCheck(table=table, rows=rows, checksum=digest.hexdigest())


def database_checks(raw: Any, vendor: str) -> list[TableCheck]:
    """Every table of a DB-API connection."""
    cursor = raw.cursor()
    try:
        cursor.execute(_TABLES[vendor])
        tables = sorted(r[0] for r in cursor.fetchall())
        return [table_check(cursor, t) for t in tables]
    finally:
        cursor.close()


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def media_files(root: Path) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    if not root.exists():
        return out
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        out[str(path.relative_to(root))] = {
            "bytes": path.stat().st_size,
            "sha256": _file_sha256(path),
        }
    return out


# PostgreSQL ------------------------------------------------------------------------------------


def _pg_params(settings_dict: dict[str, Any], name: str | None = None) -> dict[str, str]:
    return {
        "host": str(settings_dict.get("HOST") or "localhost"),
        "port": str(settings_dict.get("PORT") or "5432"),
        "user": str(settings_dict.get("USER") or ""),
        "password": str(settings_dict.get("PASSWORD") or ""),
        "dbname": name or str(settings_dict["NAME"]),
    }


def _pg_connect(params: dict[str, str], *, autocommit: bool = False) -> Any:
    import psycopg

    conninfo = psycopg.conninfo.make_conninfo(**{k: v for k, v in params.items() if v})
    return psycopg.connect(conninfo, autocommit=autocommit)


def _pg_env(params: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"PGHOST": params["host"], "PGPORT": params["port"], "PGDATABASE": params["dbname"]})
    if params["user"]:
        env["PGUSER"] = params["user"]
    if params["password"]:
        env["PGPASSWORD"] = params["password"]
    return env


def _run(args: list[str], env: dict[str, str]) -> None:
    tool = shutil.which(args[0])
    if tool is None:
        raise BackupError(f"{args[0]} not found: install the PostgreSQL client tools")
    done = subprocess.run([tool, *args[1:]], env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{args[0]} failed: {done.stderr.strip()[:500]}")


def _pg_backup(params: dict[str, str], target: Path) -> tuple[list[TableCheck], list[str]]:
    """Count and dump the same moment: a REPEATABLE READ transaction exports its snapshot and
    pg_dump reads that snapshot."""
    with _pg_connect(params) as raw:
        raw.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = raw.execute("SELECT pg_export_snapshot()").fetchone()[0]
        _run(
            ["pg_dump", "--format=custom", f"--snapshot={snapshot}", "--file", str(target)],
            _pg_env(params),
        )
        checks = database_checks(raw, "postgresql")
        migrations = [
            f"{a}.{n}"
            for a, n in raw.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        ]
        raw.rollback()
    return checks, migrations


def _pg_restore(params: dict[str, str], dump: Path) -> None:
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--clean",
            "--if-exists",
            "--exit-on-error",
            "--dbname",
            params["dbname"],
            str(dump),
        ],
        _pg_env(params),
    )


# The whole backup -------------------------------------------------------------------------------


def backup(target_dir: Path) -> Path:
    """Write a backup of the default database and the media into a new directory under
    `target_dir`; returns it."""
    conn = default_connection
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    out = target_dir / f"gongjian-backup-{stamp}"
    out.mkdir(parents=True, exist_ok=False)
    if conn.vendor == "postgresql":
        database_file = "database.dump"
        checks, migrations = _pg_backup(_pg_params(conn.settings_dict), out / database_file)
    elif conn.vendor == "sqlite":
        database_file = "database.sqlite3"
        conn.ensure_connection()
        copy = sqlite3.connect(out / database_file)
        try:
            conn.connection.backup(copy)
            checks = database_checks(copy, "sqlite")
            migrations = [
                f"{a}.{n}"
                for a, n in copy.execute(
                    "SELECT app, name FROM django_migrations ORDER BY app, name"
                )
            ]
        finally:
            copy.close()
    else:
        raise BackupError(f"no backup for the {conn.vendor} database")
    media_root = Path(settings.MEDIA_ROOT)
    files = media_files(media_root)
    with tarfile.open(out / "media.tar", "w") as archive:
        for name in files:
            archive.add(media_root / name, arcname=name)
    manifest = {
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "database": {"vendor": conn.vendor, "file": database_file},
        "migrations": migrations,
        "tables": {c.table: {"rows": c.rows, "checksum": c.checksum} for c in checks},
        "media": files,
        "field_key": KEY_NOTE,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
    return out


def read_manifest(source: Path) -> dict[str, Any]:
    path = source / MANIFEST
    if not path.exists():
        raise BackupError(f"{path} not found: not a backup directory")
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in archive.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"unsafe path in media.tar: {member.name}")
        members.append(member)
    return members


def restore_media(source: Path, media_root: Path) -> None:
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / "media.tar") as archive:
        archive.extractall(media_root, members=_safe_members(archive), filter="data")


def restore(source: Path, *, database: dict[str, Any], media_root: Path) -> None:
    """Restore a backup into `database` (Django settings of one database) and `media_root`.
    PostgreSQL: into an existing database, replacing what the backup holds (`--clean`); SQLite:
    into the file the settings name, which must not exist yet."""
    manifest = read_manifest(source)
    vendor = manifest["database"]["vendor"]
    if vendor == "postgresql":
        _pg_restore(_pg_params(database), source / manifest["database"]["file"])
    elif vendor == "sqlite":
        target = Path(str(database["NAME"]))
        if target.exists():
            raise BackupError(f"{target} exists: restore into a new file")
        shutil.copyfile(source / manifest["database"]["file"], target)
    else:
        raise BackupError(f"unknown database in the manifest: {vendor}")
    restore_media(source, media_root)


@contextmanager
def _scratch_postgres(params: dict[str, str]) -> Iterator[dict[str, str]]:
    name = f"{params['dbname']}_drill_{os.getpid()}"
    admin_params = {**params, "dbname": "postgres"}
    with _pg_connect(admin_params, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**params, "dbname": name}
    finally:
        with _pg_connect(admin_params, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def drill(*, keep: Path | None = None) -> DrillResult:
    """Back up, restore into a scratch database and folder, and compare every table's count
    and checksum, and every media file, with the manifest. `keep`: leave the backup there."""
    work = Path(tempfile.mkdtemp(prefix="gongjian-drill-"))
    try:
        source = backup(keep or work)
        manifest = read_manifest(source)
        vendor = manifest["database"]["vendor"]
        dump = source / manifest["database"]["file"]
        if vendor == "postgresql":
            with _scratch_postgres(_pg_params(default_connection.settings_dict)) as scratch:
                _pg_restore(scratch, dump)
                with _pg_connect(scratch) as raw:
                    restored = {c.table: c for c in database_checks(raw, vendor)}
        else:
            target = work / "restored.sqlite3"
            shutil.copyfile(dump, target)
            with closing(sqlite3.connect(target)) as raw:
                restored = {c.table: c for c in database_checks(raw, vendor)}
        result = DrillResult()
        for table, values in sorted(manifest["tables"].items()):
            source_check = TableCheck(table, values["rows"], values["checksum"])
            result.tables.append((table, source_check, restored.get(table)))
        media_dir = work / "media"
        restore_media(source, media_dir)
        result.media_ok = media_files(media_dir) == manifest["media"]
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def database_settings(url: str) -> dict[str, Any]:
    """The Django settings of a database URL (for `restore --database`)."""
    import environ

    parsed: dict[str, Any] = environ.Env.db_url_config(url)
    return parsed
