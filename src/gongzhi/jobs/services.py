"""Submit and run imports: the upload is stored under MEDIA_ROOT, read as a stream, written in batches.

All-or-nothing runs every batch in one transaction and rolls it back when any row has an error; skip-bad-rows
commits each batch and keeps the good rows. Progress goes to a side file (readable while a transaction is open) and
to the job row. The stored upload is deleted when the run ends, whatever the outcome.
"""

import json
import logging
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.actors import SYSTEM
from gongzhi.core.errors import NotFound, ServiceError
from gongzhi.core.spreadsheets import ParsedRow, RowError, csv_bytes, error_report
from gongzhi.core.tasks import enqueue_on_commit

from . import events
from .models import ImportJob, ImportRowError
from .registry import BatchResult, Importer, importer
from .tables import read_header, read_table

logger = logging.getLogger(__name__)

MAX_STORED_ERRORS = 10_000
Progress = Callable[[ImportJob, float], None]  # (job, fraction of the file read)


def max_upload_bytes() -> int:
    return int(getattr(settings, "GONGZHI_IMPORT_MAX_BYTES", 400 * 1024 * 1024))


class _Rollback(Exception):
    pass


def import_submit(
    *, actor: Any, importer_key: str, upload: IO[bytes], filename: str, mode: str, enqueue: bool = True
) -> ImportJob:
    """Check the file's size, type and header now (an immediate clear answer), store it, and queue the run."""
    try:
        imp = importer(importer_key)
    except KeyError as exc:
        raise NotFound(_("未知的导入类型。")) from exc
    imp.authorize(actor)
    if mode not in ImportJob.Mode.values or (mode == ImportJob.Mode.FIRST_LOAD and imp.first_load is None):
        raise ServiceError(_("请选择导入方式。"), fields={"mode": _("取值无效")})
    if mode == ImportJob.Mode.FIRST_LOAD:
        assert imp.first_load is not None
        imp.first_load.refuse(actor)
    suffix = Path(filename).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ServiceError(_("只接受 .xlsx 或 .csv 文件。"), code="bad_type", fields={"file": _("文件类型不支持")})
    size = _size_of(upload)
    if size > max_upload_bytes():
        raise ServiceError(
            _("文件过大（%(mb)s MB），上限为 %(max)s MB，请分批导入。")
            % {"mb": size // (1024 * 1024), "max": max_upload_bytes() // (1024 * 1024)},
            code="too_large",
            fields={"file": _("文件过大")},
        )
    read_header(upload, imp.columns, filename=filename, reader=imp.reader)
    with transaction.atomic():
        job = ImportJob.objects.create(
            importer=imp.key,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            scope_path=imp.scope_path(actor),
            mode=mode,
            filename=Path(filename).name[:200],
            size_bytes=size,
        )
        job.workdir.mkdir(parents=True, exist_ok=True)
        target = job.workdir / f"upload{suffix}"
        upload.seek(0)
        with target.open("wb") as out:
            shutil.copyfileobj(upload, out, 1024 * 1024)
        target.chmod(0o600)
        job.stored_file = str(target)
        job.save(update_fields=["stored_file"])
        events.import_submitted(actor=actor, job=job)
        if enqueue:
            from .tasks import run_import

            enqueue_on_commit(run_import, job.pk)
    return job


def _size_of(upload: IO[bytes]) -> int:
    upload.seek(0, 2)
    size = upload.tell()
    upload.seek(0)
    return size


def _batches(rows: Iterator[ParsedRow], size: int) -> Iterator[list[ParsedRow]]:
    batch: list[ParsedRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _write_progress(job: ImportJob) -> None:
    data = {"rows_read": job.rows_read, "created": job.created, "updated": job.updated, "error_rows": job.error_rows}
    try:
        tmp = job.workdir / "progress.tmp"
        tmp.write_text(json.dumps(data))
        tmp.replace(job.workdir / "progress.json")
    except OSError:
        logger.warning("import %s: progress file not writable", job.public_id)


def _absorb(job: ImportJob, result: BatchResult, rows: list[ParsedRow], kept: list[RowError]) -> None:
    job.rows_read += len(rows)
    job.created += result.created
    job.updated += result.updated
    job.error_rows += len({e.row for e in result.errors})
    room = MAX_STORED_ERRORS - len(kept)
    if room > 0:
        kept.extend(result.errors[:room])


def _run_batches(
    job: ImportJob,
    imp: Importer,
    actor: Any,
    rows: Iterator[ParsedRow],
    kept: list[RowError],
    per_batch: bool,
    progress: Progress | None,
    handle: IO[bytes],
) -> None:
    size = max(job.size_bytes, 1)
    for batch in _batches(rows, imp.batch_size):
        if per_batch:
            with transaction.atomic():
                result = imp.apply_batch(job, actor, batch)
                ImportRowError.objects.bulk_create(
                    ImportRowError(job=job, row=e.row, column=e.column[:60], message=e.message[:300])
                    for e in result.errors[: max(0, MAX_STORED_ERRORS - len(kept))]
                )
                _absorb(job, result, batch, kept)
                job.save(update_fields=["rows_read", "created", "updated", "error_rows"])
        else:
            _absorb(job, imp.apply_batch(job, actor, batch), batch, kept)
        _write_progress(job)
        if progress is not None:
            progress(job, min(handle.tell() / size, 1.0))


def import_run(*, job_id: int, progress: Progress | None = None) -> ImportJob:
    """Run (or re-run after a crash) one job; a finished job is left as it is, so the task is idempotent."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.is_finished:
            return job
        job.status = ImportJob.Status.RUNNING
        job.started_at = timezone.now()
        job.rows_read = job.created = job.updated = job.error_rows = 0
        job.save()
        job.row_errors.all().delete()
    imp = importer(job.importer)
    actor = job.created_by or SYSTEM
    kept: list[RowError] = []
    first_load = imp.first_load if job.mode == ImportJob.Mode.FIRST_LOAD else None
    atomic = job.mode in (ImportJob.Mode.ALL_OR_NOTHING, ImportJob.Mode.FIRST_LOAD)
    try:
        with Path(job.stored_file).open("rb") as handle:
            rows = (imp.reader or read_table)(handle, imp.columns, max_rows=imp.max_rows, filename=job.filename)
            if atomic:
                with transaction.atomic():
                    if first_load is not None:
                        first_load.begin(job, actor)
                    _run_batches(job, imp, actor, rows, kept, False, progress, handle)
                    if first_load is not None:
                        late = first_load.complete(job, actor, job.error_rows)
                        _absorb(job, BatchResult(errors=late), [], kept)
                        kept.sort(key=lambda e: e.row)
                    if job.error_rows:
                        raise _Rollback
                    _finish(job, imp, actor, ImportJob.Status.SUCCEEDED, "")
            else:
                _run_batches(job, imp, actor, rows, kept, True, progress, handle)
                status = ImportJob.Status.PARTIAL if job.error_rows else ImportJob.Status.SUCCEEDED
                with transaction.atomic():
                    _finish(job, imp, actor, status, "")
    except _Rollback:
        with transaction.atomic():
            ImportRowError.objects.bulk_create(
                ImportRowError(job=job, row=e.row, column=e.column[:60], message=e.message[:300]) for e in kept
            )
            message = _("共 %(rows)s 行，%(n)s 行有错误，未写入任何数据。") % {
                "rows": job.rows_read,
                "n": job.error_rows,
            }
            job.created = job.updated = 0
            _finish(job, imp, actor, ImportJob.Status.FAILED, message)
    except (ServiceError, OSError) as exc:
        message = str(exc.message) if isinstance(exc, ServiceError) else _("无法读取上传的文件。")
        with transaction.atomic():
            if atomic:
                job.created = job.updated = 0
            _finish(job, imp, actor, ImportJob.Status.FAILED, message)
    finally:
        shutil.rmtree(job.workdir, ignore_errors=True)
    return job


def _finish(job: ImportJob, imp: Importer, actor: Any, status: str, message: str) -> None:
    job.status = status
    job.message = message[:500]
    job.finished_at = timezone.now()
    job.save()
    if imp.finish is not None:
        imp.finish(job, actor)
    events.import_finished(actor=actor, job=job)


def job_for(*, viewer: Any, public_id: str) -> ImportJob:
    """A job is visible to whoever submitted it (the only person who saw the file)."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound(_("未找到该记录，或您无权查看。")) from None
    job = ImportJob.objects.filter(public_id=key, created_by_id=getattr(viewer, "pk", None)).first()
    if job is None:
        raise NotFound(_("未找到该记录，或您无权查看。"))
    return job


def error_report_bytes(job: ImportJob, *, fmt: str) -> bytes:
    errors = (RowError(e.row, e.column, e.message) for e in job.row_errors.all().iterator(chunk_size=2000))
    if fmt == "csv":
        return csv_bytes([_("行号"), _("列"), _("原因")], ((e.row, e.column, e.message) for e in errors))
    return error_report(errors)
