"""What a security test sent the importers: a bare carriage return inside a CSV field, a NUL
after the first 4 KiB, an impossible date, a row with several errors at once; and what an
upload leaves behind: nothing in plaintext, nothing after commit, discard, refusal or an hour."""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from gongjian.core import synthetic
from gongjian.core.models import ImportBatch
from gongjian.orgs.models import Member
from gongjian.testing.cast import Cast

HEADER = "姓名,身份证号,手机号,入党日期,所在党组织编码,在职党员"
ID_NUMBER = re.compile(rb"(?<![0-9A-Za-z_-])\d{17}[\dXx](?![0-9A-Za-z_-])")
PHONE = re.compile(rb"(?<![0-9A-Za-z_-])1[3-9]\d{9}(?![0-9A-Za-z_-])")


def _id(n: int) -> str:
    return synthetic.id_number(birth=dt.date(1975, 1, 1) + dt.timedelta(days=n), seq=n)


def _row(n: int, *, joined: str = "2005-07-01", name: str = "") -> str:
    return f"{name or '党员' + str(n)},{_id(n)},{synthetic.phone(700_000 + n)},{joined},TAX-1,是"


def _file(text: str | bytes, name: str = "members.csv") -> SimpleUploadedFile:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page_upload(client: Client, data: str | bytes) -> Any:
    return client.post(reverse("orgs:import_start"), {"kind": "members", "file": _file(data)})


def _import_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "imports"
    return [p for p in root.rglob("*") if p.is_file()] if root.is_dir() else []


def _token(response: Any) -> str:
    assert response.status_code == 302, response.content.decode()[-1500:]
    return str(response["Location"]).rstrip("/").rsplit("/", 1)[-1]


# Inputs that crashed ----------------------------------------------------------------------------


def test_a_bare_carriage_return_inside_a_field_is_read_not_a_crash(cast: Cast) -> None:
    client = _client(cast.unit_admin)
    quoted = f'{HEADER}\n"王\r小明",{_id(1)},,2005-07-01,TAX-1,是\n'
    response = _page_upload(client, quoted)
    batch = ImportBatch.objects.get(token=_token(response))
    assert batch.status == ImportBatch.Status.CHECKED
    assert batch.row_count == 1
    bare = f"{HEADER}\r{_row(2)}\r{_row(3)}\r"
    batch = ImportBatch.objects.get(token=_token(_page_upload(client, bare)))
    assert batch.row_count == 2
    api = client.post("/api/v1/imports/members", {"file": _file(f"{HEADER}\n王\r明,{_id(4)}\n")})
    assert api.status_code < 500


def test_a_nul_after_the_first_4_kib_is_refused_and_leaves_no_file(cast: Cast) -> None:
    client = _client(cast.unit_admin)
    rows = "\n".join(_row(n) for n in range(100))
    text = f"{HEADER}\n{rows}\n"
    assert len(text.encode()) > 4096
    data = text.encode()[:5000] + b"\x00" + text.encode()[5000:]
    files_before = set(_import_files())
    batches_before = ImportBatch.objects.count()
    response = _page_upload(client, data)
    assert 400 <= response.status_code < 500
    assert "空字符" in response.content.decode()
    api = client.post("/api/v1/imports/members", {"file": _file(data)})
    assert 400 <= api.status_code < 500
    assert ImportBatch.objects.count() == batches_before
    assert set(_import_files()) == files_before


def test_an_impossible_date_is_refused_naming_row_and_column(cast: Cast) -> None:
    client = _client(cast.unit_admin)
    response = _page_upload(client, f"{HEADER}\n{_row(1)}\n{_row(2, joined='2015-13-01')}\n")
    batch = ImportBatch.objects.get(token=_token(response))
    assert batch.status == ImportBatch.Status.INVALID
    assert [(e["row"], e["column"]) for e in batch.errors] == [(3, "入党日期")]


def test_every_error_of_a_row_is_reported_at_once(cast: Cast) -> None:
    client = _client(cast.unit_admin)
    good = _id(5)
    bad_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    line = f"甲,{bad_check},12345,2015-13-01,TAX-1,也许"
    batch = ImportBatch.objects.get(token=_token(_page_upload(client, f"{HEADER}\n{line}\n")))
    columns = sorted(e["column"] for e in batch.errors if e["row"] == 2)
    assert columns == sorted(["身份证号", "手机号", "入党日期", "在职党员"])


# What an upload leaves behind ----------------------------------------------------------------


def _assert_no_plaintext(paths: list[Path]) -> None:
    for path in paths:
        data = path.read_bytes()
        assert not ID_NUMBER.search(data), f"a whole ID number in {path.name}"
        assert not PHONE.search(data), f"a whole phone in {path.name}"


def test_uploads_are_kept_encrypted_and_only_until_commit_or_discard(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    client = _client(cast.unit_admin)
    text = f"{HEADER}\n{_row(10)}\n{_row(11)}\n"
    # Checked: kept, encrypted
    token = _token(_page_upload(client, text))
    batch = ImportBatch.objects.get(token=token)
    kept = Path(batch.file.path)
    assert kept.is_file()
    _assert_no_plaintext([kept])
    assert _id(10).encode() not in kept.read_bytes()
    # Committed: the rows are in, the file is gone
    preview = reverse("orgs:import_preview", args=[token])
    with django_capture_on_commit_callbacks(execute=True):
        with_commit = client.post(preview, {"action": "commit"})
    assert with_commit.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    assert Member.objects.filter(name="党员10").exists()
    assert not kept.exists()
    assert not batch.file.name
    # Discarded: gone
    token = _token(_page_upload(client, f"{HEADER}\n{_row(12)}\n"))
    batch = ImportBatch.objects.get(token=token)
    kept = Path(batch.file.path)
    discard = reverse("orgs:import_preview", args=[token])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(discard, {"action": "discard"}).status_code == 302
    assert not kept.exists()
    # Refused: never written
    files_before = set(_import_files())
    token = _token(_page_upload(client, f"{HEADER}\n{_row(13, joined='2015-13-01')}\n"))
    assert ImportBatch.objects.get(token=token).status == ImportBatch.Status.INVALID
    assert set(_import_files()) == files_before


def test_the_purge_discards_abandoned_batches_and_stray_files(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    client = _client(cast.unit_admin)
    token = _token(_page_upload(client, f"{HEADER}\n{_row(20)}\n"))
    batch = ImportBatch.objects.get(token=token)
    kept = Path(batch.file.path)
    stray = kept.parent / "left-by-a-crash.bin"
    stray.write_bytes(b"ciphertext")
    # Within the hour both stay
    call_command("import_purge")
    assert kept.exists()
    assert stray.exists()
    # Two hours later the batch is abandoned and the stray file goes
    old = time.time() - 7200
    os.utime(stray, (old, old))
    os.utime(kept, (old, old))
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=batch.created_at - dt.timedelta(hours=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_purge")
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DISCARDED
    assert not kept.exists()
    assert not stray.exists()
    # And the abandoned batch can no longer be committed
    preview = reverse("orgs:import_preview", args=[token])
    assert client.post(preview, {"action": "commit"}).status_code in (302, 409)
    assert not Member.objects.filter(name="党员20").exists()


def test_no_import_file_holds_a_plaintext_id_number_or_phone(cast: Cast) -> None:
    """The grep over every kept import file (the whole suite's, on this worker, so far)."""
    client = _client(cast.unit_admin)
    _page_upload(client, f"{HEADER}\n{_row(30)}\n")
    _assert_no_plaintext(_import_files())
