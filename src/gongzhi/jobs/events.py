"""Audit event types of the long-job mechanism."""

from typing import Any

from gongzhi.ledger.services import record_event

from .models import ImportJob

IMPORT_SUBMITTED = "jobs.import_submitted"
IMPORT_FINISHED = "jobs.import_finished"
EVENT_TYPES = (IMPORT_SUBMITTED, IMPORT_FINISHED)


def _snapshot(job: ImportJob) -> dict[str, Any]:
    return {
        "importer": job.importer,
        "mode": job.mode,
        "status": job.status,
        "filename": job.filename,
        "size_bytes": job.size_bytes,
        "rows_read": job.rows_read,
        "created": job.created,
        "updated": job.updated,
        "error_rows": job.error_rows,
    }


def import_submitted(*, actor: Any, job: ImportJob) -> None:
    record_event(actor=actor, action=IMPORT_SUBMITTED, target=job, scope_path=job.scope_path, after=_snapshot(job))


def import_finished(*, actor: Any, job: ImportJob) -> None:
    record_event(actor=actor, action=IMPORT_FINISHED, target=job, scope_path=job.scope_path, after=_snapshot(job))
