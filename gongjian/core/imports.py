"""The import pipeline every app's spreadsheets go through: check the file, read it, validate
every row, show a preview, then write all rows in one transaction or none.

An app describes one kind of import with an `Importer`: its columns, a `validate` that
turns rows into prepared objects or row/column errors, and a `write`.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core import crypto, jobs
from gongjian.core.audit import audit_record
from gongjian.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from gongjian.core.exports import XLSX_TYPE, file_response, write_xlsx
from gongjian.core.files import check_spreadsheet, read_upload
from gongjian.core.jobs import Outcome, Progress
from gongjian.core.models import ImportBatch, Job
from gongjian.core.tabular import Table, read_table

PREVIEW_ROWS = 20
IMPORT_DIR = "imports"
MAX_ERRORS_KEPT = 5000


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool = False
    help: str = ""
    example: str = ""
    personal: bool = False  # masked in previews and error reports


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Prepared:
    """What `validate` hands to `write`: anything the importer needs, plus the errors."""

    items: list[Any] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@dataclass(frozen=True)
class Importer:
    kind: str
    title: Any  # a lazily translated string
    columns: Sequence[Column]
    validate: Callable[[Any, list[tuple[int, dict[str, str]]]], Prepared]
    write: Callable[[Any, Prepared], int]
    may_use: Callable[[Any], bool]
    list_view: str = ""  # the URL name of the list the imported records show in

    def label(self, key: str) -> str:
        for c in self.columns:
            if c.key == key:
                return c.label
        return key


_REGISTRY: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    _REGISTRY[importer.kind] = importer
    return importer


def importer_get(kind: str) -> Importer:
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise NotFound(_("没有这种导入类型")) from None


def importers() -> list[Importer]:
    return list(_REGISTRY.values())


def _normalise_header(text: str) -> str:
    return text.strip().rstrip("*＊").strip().lower()


def map_columns(
    importer: Importer, table: Table
) -> tuple[list[tuple[int, dict[str, str]]], list[RowError]]:
    """Rows keyed by column key; a header may be the Chinese label or the key."""
    by_header: dict[str, str] = {}
    for column in importer.columns:
        by_header[_normalise_header(column.label)] = column.key
        by_header[column.key.lower()] = column.key
    mapping: dict[str, str] = {}
    for header in table.header:
        key = by_header.get(_normalise_header(header))
        if key:
            mapping[header] = key
    errors = [
        RowError(1, c.label, _("缺少必填列“%(col)s”") % {"col": c.label})
        for c in importer.columns
        if c.required and c.key not in mapping.values()
    ]
    rows = [
        (line, {mapping[h]: v for h, v in values.items() if h in mapping})
        for line, values in table.rows
    ]
    return rows, errors


def _mask(importer: Importer, key: str, value: str) -> str:
    from gongjian.core.masking import mask_id_number, mask_phone

    for c in importer.columns:
        if c.key == key and c.personal:
            return mask_id_number(value) if len(value) > 11 else mask_phone(value)
    return value


def _check(
    importer: Importer, actor: Any, data: bytes, filename: str, progress: Progress | None = None
) -> tuple[Prepared, list[tuple[int, dict[str, str]]]]:
    upload = check_spreadsheet(data, name=filename)
    if progress is not None:
        progress(0, None, _("正在读取文件"))
    table = read_table(upload)
    rows, header_errors = map_columns(importer, table)
    if header_errors:
        return Prepared(errors=header_errors), rows
    if not rows:
        return Prepared(errors=[RowError(2, "", _("表格没有数据行"))]), rows
    if progress is not None:
        rows = progress.counting(rows, stage=_("正在校验"))
    return importer.validate(actor, rows), rows


def _fill(batch: ImportBatch, importer: Importer, prepared: Prepared, rows: Any) -> None:
    errors = sorted(prepared.errors, key=lambda e: (e.row, e.column))
    batch.preview = [
        {
            "row": line,
            "values": [_mask(importer, c.key, values.get(c.key, "")) for c in importer.columns],
        }
        for line, values in list(rows[:PREVIEW_ROWS])
    ]
    batch.status = ImportBatch.Status.INVALID if errors else ImportBatch.Status.CHECKED
    batch.row_count = len(rows)
    batch.errors = [e.as_dict() for e in errors[:MAX_ERRORS_KEPT]]


def _may_import(actor: Any, importer: Importer) -> None:
    if not importer.may_use(actor):
        raise PermissionDenied(_("您的岗位不能导入%(t)s") % {"t": importer.title})


def import_check(*, actor: Any, kind: str, data: bytes, filename: str) -> ImportBatch:
    """Check an upload and keep it for the preview; writes no domain record."""
    importer = importer_get(kind)
    _may_import(actor, importer)
    prepared, rows = _check(importer, actor, data, filename)
    batch = ImportBatch(
        token=secrets.token_urlsafe(24), kind=kind, filename=filename[:200], actor=actor
    )
    _fill(batch, importer, prepared, rows)
    if batch.status == ImportBatch.Status.CHECKED:
        # Kept for the commit only, encrypted like a personal field (`import_purge` removes
        # what is abandoned, and what a crash between these two lines leaves); a refused
        # file is not kept at all.
        batch.file.save(f"{batch.token}.bin", ContentFile(crypto.encrypt_bytes(data)), save=False)
    batch.save()
    return batch


def import_check_start(*, actor: Any, kind: str, upload: Any) -> Job:
    """Keep an upload (encrypted) and check its rows in the background: the file's type and
    size are checked here, in the request; the rows by the job `import.check`, whose result
    is the preview page."""
    importer = importer_get(kind)
    _may_import(actor, importer)
    name = getattr(upload, "name", "") or "upload"
    data = read_upload(upload, name=name)
    check_spreadsheet(data, name=name)
    batch = ImportBatch(
        token=secrets.token_urlsafe(24),
        kind=kind,
        filename=name[:200],
        actor=actor,
        status=ImportBatch.Status.CHECKING,
    )
    batch.file.save(f"{batch.token}.bin", ContentFile(crypto.encrypt_bytes(data)), save=False)
    batch.save()
    return jobs.job_start(
        actor=actor,
        kind="import.check",
        title=_("校验%(t)s：%(f)s") % {"t": importer.title, "f": batch.filename},
        params={"token": batch.token},
    )


@jobs.handler("import.check")
def _job_check(job: Job, progress: Progress) -> Outcome:
    actor = job.actor
    batch = ImportBatch.objects.filter(token=job.params.get("token"), actor=actor).first()
    if batch is None or batch.status != ImportBatch.Status.CHECKING:
        raise ApplicationError(_("导入批次不存在或已处理"), code="batch_state")
    importer = importer_get(batch.kind)
    try:
        _may_import(actor, importer)
        prepared, rows = _check(importer, actor, _kept_data(batch), batch.filename, progress)
    except ApplicationError:
        # A file refused as a whole (unreadable, wrong header…) leaves nothing behind, as in
        # the request; the job keeps the reason.
        _delete_file(batch)
        batch.delete()
        raise
    _fill(batch, importer, prepared, rows)
    if batch.status == ImportBatch.Status.INVALID:
        _delete_file(batch)
    batch.save()
    url = reverse("orgs:import_preview", args=[batch.token])
    if batch.errors:
        summary = _("共%(n)d行，发现%(e)d处错误，未导入任何数据") % {
            "n": batch.row_count,
            "e": len(batch.errors),
        }
        return Outcome(summary, url=url, label=_("查看错误"))
    summary = _("共%(n)d行，全部通过校验，请确认导入") % {"n": batch.row_count}
    return Outcome(summary, url=url, label=_("预览并确认导入"))


def _drop_file(batch: ImportBatch) -> None:
    """Forget the kept upload: the row loses its name now, the file goes once the transaction
    has committed (a rollback keeps both)."""
    name = batch.file.name
    if not name:
        return
    storage = batch.file.storage
    batch.file.name = ""
    transaction.on_commit(lambda: storage.delete(name))


def _delete_file(batch: ImportBatch) -> None:
    """Forget a refused upload at once: it was kept only to be checked."""
    name = batch.file.name
    if name:
        batch.file.storage.delete(name)
        batch.file.name = ""


def import_purge(*, older_than: dt.timedelta) -> tuple[int, int]:
    """Discard the checked batches nobody committed for `older_than`, delete their files and
    any file under the import folder that no checked batch names (left by a crash).
    Returns (batches expired, files deleted)."""
    from django.core.files.storage import default_storage

    cutoff = timezone.now() - older_than
    expired = 0
    with transaction.atomic():
        stale = ImportBatch.objects.select_for_update().filter(
            status=ImportBatch.Status.CHECKED, created_at__lt=cutoff
        )
        for batch in stale:
            batch.status = ImportBatch.Status.DISCARDED
            _drop_file(batch)
            batch.save(update_fields=["status", "file", "updated_at"])
            expired += 1
    in_hand = (
        ImportBatch.Status.CHECKING,
        ImportBatch.Status.CHECKED,
        ImportBatch.Status.COMMITTING,
    )
    kept = set(
        ImportBatch.objects.filter(status__in=in_hand)
        .exclude(file="")
        .values_list("file", flat=True)
    )
    deleted = 0
    root = Path(default_storage.path(IMPORT_DIR)) if _local(default_storage) else None
    if root is not None and root.is_dir():
        for path in root.rglob("*"):
            name = path.relative_to(Path(default_storage.path(""))).as_posix()
            if path.is_file() and name not in kept:
                if dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC) < cutoff:
                    path.unlink(missing_ok=True)
                    deleted += 1
    return expired, deleted


def _local(storage: Any) -> bool:
    try:
        storage.path("")
    except NotImplementedError:
        return False
    return True


def _token(token: str) -> str:
    """A batch token as a URL gives it; one that cannot be a token matches no batch."""
    text = str(token)
    return "" if "\x00" in text or len(text) > 64 else text


def import_check_file(*, actor: Any, kind: str, upload: Any) -> ImportBatch:
    """`import_check` of an uploaded file (read within the size limit)."""
    name = getattr(upload, "name", "") or ""
    data = read_upload(upload, name=name)
    return import_check(actor=actor, kind=kind, data=data, filename=name or "upload")


def import_batch_get_for(actor: Any, token: str) -> ImportBatch:
    batch = ImportBatch.objects.filter(token=_token(token), actor=actor).first()
    if batch is None:
        raise NotFound(_("导入批次不存在"))
    return batch


def import_job_of(batch: ImportBatch) -> Job | None:
    """The latest background job of a batch (its check or its commit), if any."""
    return (
        Job.objects.filter(actor_id=batch.actor_id, kind__startswith="import.")
        .filter(params__token=batch.token)
        .order_by("-created_at")
        .first()
    )


def import_batches_of(actor: Any, *, limit: int = 10) -> list[ImportBatch]:
    """The actor's latest uploads, newest first."""
    if not getattr(actor, "is_authenticated", False):
        return []
    return list(ImportBatch.objects.filter(actor=actor)[:limit])


@transaction.atomic
def import_discard(*, actor: Any, token: str) -> ImportBatch:
    """Give up a checked batch: it can no longer be committed. A batch already committed,
    invalid or discarded is refused."""
    batch = ImportBatch.objects.select_for_update().filter(token=_token(token), actor=actor).first()
    if batch is None:
        raise NotFound(_("导入批次不存在"))
    if batch.status != ImportBatch.Status.CHECKED:
        raise ApplicationError(
            _("该批次不能放弃（状态：%(s)s）") % {"s": batch.get_status_display()},
            code="batch_state",
        )
    batch.status = ImportBatch.Status.DISCARDED
    _drop_file(batch)
    batch.save(update_fields=["status", "file", "updated_at"])
    audit_record(
        actor=actor,
        action="update",
        obj=batch,
        changes={"status": [ImportBatch.Status.CHECKED, ImportBatch.Status.DISCARDED]},
        object_repr=batch.filename,
    )
    return batch


def _kept_data(batch: ImportBatch) -> bytes:
    if not batch.file.name:
        raise ApplicationError(_("该批次的文件已过期，请重新上传"), code="batch_state")
    try:
        with batch.file.open("rb") as f:
            return crypto.decrypt_bytes(f.read())
    except (FileNotFoundError, ValueError):
        raise ApplicationError(_("该批次的文件已过期，请重新上传"), code="batch_state") from None


def _commit_target(actor: Any, token: str, *, lock: bool) -> ImportBatch:
    qs = ImportBatch.objects.filter(token=_token(token), actor=actor)
    batch = (qs.select_for_update() if lock else qs).first()
    if batch is None:
        raise NotFound(_("导入批次不存在"))
    if batch.status not in (ImportBatch.Status.CHECKED, ImportBatch.Status.COMMITTING):
        raise ApplicationError(
            _("该批次不能导入（状态：%(s)s）") % {"s": batch.get_status_display()},
            code="batch_state",
        )
    return batch


def import_commit(*, actor: Any, token: str, progress: Progress | None = None) -> ImportBatch:
    """Write every row of a checked batch in one transaction, or none. The file is validated
    again at the commit (with progress), so nothing that changed since the preview slips in;
    the batch is locked and its state checked again in the transaction that writes, and the
    database's unique keys refuse what a concurrent write made a duplicate since."""
    batch = _commit_target(actor, token, lock=False)
    importer = importer_get(batch.kind)
    _may_import(actor, importer)
    prepared, _rows = _check(importer, actor, _kept_data(batch), batch.filename, progress)
    if prepared.errors:
        raise ValidationFailed(
            _("文件有%(n)d处错误，未导入任何数据") % {"n": len(prepared.errors)},
            detail={"errors": [e.as_dict() for e in prepared.errors[:100]]},
        )
    if progress is not None:
        progress(len(prepared.items), len(prepared.items), _("正在写入"))
    with transaction.atomic():
        batch = _commit_target(actor, token, lock=True)
        written = importer.write(actor, prepared)
        batch.status = ImportBatch.Status.COMMITTED
        batch.written = written
        _drop_file(batch)
        batch.save(update_fields=["status", "written", "file", "updated_at"])
        audit_record(
            actor=actor,
            action="import",
            obj=batch,
            changes={"kind": batch.kind, "rows": written},
            object_repr=batch.filename,
        )
    return batch


@transaction.atomic
def import_commit_start(*, actor: Any, token: str) -> Job:
    """Commit a checked batch in the background (the job `import.commit`); the batch shows
    导入中 until the job ends, and cannot be committed twice."""
    batch = _commit_target(actor, token, lock=True)
    if batch.status != ImportBatch.Status.CHECKED:
        raise ApplicationError(_("该批次正在导入，请稍候"), code="batch_state")
    importer = importer_get(batch.kind)
    _may_import(actor, importer)
    batch.status = ImportBatch.Status.COMMITTING
    batch.save(update_fields=["status", "updated_at"])
    return jobs.job_start(
        actor=actor,
        kind="import.commit",
        title=_("导入%(t)s：%(f)s") % {"t": importer.title, "f": batch.filename},
        params={"token": batch.token},
    )


@jobs.handler("import.commit")
def _job_commit(job: Job, progress: Progress) -> Outcome:
    token = str(job.params.get("token", ""))
    try:
        batch = import_commit(actor=job.actor, token=token, progress=progress)
    except Exception:
        # Nothing was written: the batch may be confirmed again (or given up).
        ImportBatch.objects.filter(
            token=_token(token), actor=job.actor, status=ImportBatch.Status.COMMITTING
        ).update(status=ImportBatch.Status.CHECKED)
        raise
    importer = importer_get(batch.kind)
    summary = _("已导入%(n)d条%(t)s") % {"n": batch.written, "t": importer.title}
    if importer.list_view:
        return Outcome(summary, url=reverse(importer.list_view), label=_("查看导入的数据"))
    return Outcome(summary, url=reverse("orgs:import_start"), label=_("返回导入"))


def import_run(*, actor: Any, kind: str, data: bytes, filename: str) -> ImportBatch:
    """Check and, when there is no error, commit: for the API and the command line."""
    batch = import_check(actor=actor, kind=kind, data=data, filename=filename)
    if batch.status == ImportBatch.Status.INVALID:
        return batch
    return import_commit(actor=actor, token=batch.token)


def error_report(batch: ImportBatch) -> bytes:
    headers = [_("行号"), _("列"), _("错误原因")]
    rows = [(e["row"], e["column"], e["message"]) for e in batch.errors]
    return write_xlsx(headers, rows, title=_("错误报告"))


def template_response(kind: str) -> HttpResponse:
    """The blank workbook of an import kind, to download (the page and the API)."""
    importer = importer_get(kind)
    return file_response(
        template_workbook(importer),
        filename=f"{importer.title}导入模板.xlsx",
        content_type=XLSX_TYPE,
    )


def error_report_response(batch: ImportBatch) -> HttpResponse:
    """A batch's errors, row by row, as a workbook to download."""
    return file_response(
        error_report(batch),
        filename=f"导入错误报告-{batch.filename}.xlsx",
        content_type=XLSX_TYPE,
    )


TEMPLATE_TEXT_ROWS = 2000


def is_text_column(column: Column) -> bool:
    """Columns a spreadsheet must keep as typed: personal identifiers and codes."""
    return column.personal or column.key in ("id_number", "phone") or column.key.endswith("code")


def template_workbook(importer: Importer) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    assert ws is not None  # noqa: S101 - a new workbook always has a sheet
    ws.title = importer.title[:31]
    ws.append([c.label + ("*" if c.required else "") for c in importer.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FDE9E7")
    from openpyxl.utils import get_column_letter

    for i, c in enumerate(importer.columns, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = max(12, len(c.label) * 3)
        if is_text_column(c):
            # ID numbers, phones and codes as text, so Excel never turns them into 1.10199E+17
            ws.column_dimensions[letter].number_format = "@"
            for row in range(2, TEMPLATE_TEXT_ROWS + 2):
                ws.cell(row=row, column=i).number_format = "@"
    ws.freeze_panes = "A2"
    notes = wb.create_sheet(_("填写说明"))
    notes.append([_("列"), _("必填"), _("说明"), _("示例")])
    for c in importer.columns:
        notes.append([c.label, _("是") if c.required else _("否"), c.help, c.example])
    notes.append([])
    notes.append(
        [
            _(
                "从第二行起每行一条。整个文件有任何一行错误都不会导入，"
                "系统会给出错误报告。也可以上传UTF-8或GBK编码的CSV文件，表头相同。"
            )
        ]
    )
    import io

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
