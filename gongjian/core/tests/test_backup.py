"""A backup can be restored, and the drill proves it: every table's count and checksum and
every media file come back equal. Personal fields stay ciphertext in it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from gongjian.core import backup
from gongjian.orgs.models import Member
from gongjian.testing.cast import build_cast


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    (root / "evidence").mkdir(parents=True)
    (root / "evidence" / "照片.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    settings.MEDIA_ROOT = root
    return root


@pytest.mark.django_db(transaction=True)
def test_a_backup_holds_every_table_and_file_and_no_plaintext(media: Path, tmp_path: Path) -> None:
    cast = build_cast()
    path = backup.backup(tmp_path / "backups")
    manifest = backup.read_manifest(path)
    assert manifest["tables"]["orgs_member"]["rows"] == Member.objects.count()
    assert manifest["media"]["evidence/照片.png"]["bytes"] == 108
    assert "GONGJIAN_FIELD_KEY" in manifest["field_key"]
    phone = cast.member_record.phone
    for part in path.iterdir():
        assert phone.encode() not in part.read_bytes(), part.name


@pytest.mark.django_db(transaction=True)
def test_the_drill_restores_and_finds_everything_equal(media: Path) -> None:
    build_cast()
    result = backup.drill()
    assert result.ok
    tables = {t for t, _s, _r in result.tables}
    assert {"orgs_member", "core_auditlog", "accounts_user"} <= tables
    assert all(r is not None and r.rows == s.rows for _t, s, r in result.tables)


def test_a_changed_row_changes_the_checksum(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "x.sqlite3")
    db.execute("CREATE TABLE t (id integer primary key, name text)")
    db.executemany("INSERT INTO t VALUES (?, ?)", [(1, "晨辉"), (2, "星光")])
    first = backup.table_check(db.cursor(), "t")
    db.execute("UPDATE t SET name = '晨曦' WHERE id = 1")
    second = backup.table_check(db.cursor(), "t")
    assert (first.rows, second.rows) == (2, 2)
    assert first.checksum != second.checksum


@pytest.mark.django_db(transaction=True)
def test_the_command_prints_the_drill(media: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build_cast()
    call_command("backup", "--drill")
    out = capsys.readouterr().out
    assert "Restore drill passed" in out
    assert "orgs_member" in out


@pytest.mark.django_db(transaction=True)
def test_restore_puts_a_sqlite_backup_into_a_new_file(media: Path, tmp_path: Path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite restore path; the PostgreSQL run restores through the drill")
    build_cast()
    path = backup.backup(tmp_path / "b")
    target = tmp_path / "restored.sqlite3"
    backup.restore(path, database={"NAME": str(target)}, media_root=tmp_path / "m")
    restored = sqlite3.connect(target)
    count = restored.execute("SELECT count(*) FROM orgs_member").fetchone()[0]
    assert count == Member.objects.count()
    assert (tmp_path / "m" / "evidence" / "照片.png").exists()
    with pytest.raises(backup.BackupError):
        backup.restore(path, database={"NAME": str(target)}, media_root=tmp_path / "m")
    assert json.loads((path / "manifest.json").read_text("utf-8"))["database"]["vendor"] == "sqlite"
