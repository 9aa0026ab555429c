"""A job's page, its progress partial (polled by htmx while it runs) and its row-level error report."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from gongzhi.core.access import signed_in

from .models import ImportJob
from .services import error_report_bytes, job_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def job_url(name: str, job: ImportJob, *args: str) -> str:
    return reverse(f"jobs:{name}", args=[str(job.public_id), *args])


def _context(job: ImportJob) -> dict[str, object]:
    counts = job.live_progress()
    return {
        "job": job,
        "counts": counts,
        "progress_url": job_url("progress", job),
        "report_xlsx": job_url("errors", job, "xlsx"),
        "report_csv": job_url("errors", job, "csv"),
        "errors": list(job.row_errors.all()[:100]) if job.is_finished else [],
    }


@signed_in
def job_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    job = job_for(viewer=request.user, public_id=public_id)
    return render(request, "jobs/job.html", _context(job))


@signed_in
def job_progress(request: HttpRequest, public_id: str) -> HttpResponse:
    job = job_for(viewer=request.user, public_id=public_id)
    response = render(request, "jobs/_progress.html", _context(job))
    if job.is_finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # show the finished page with its error list
    return response


@signed_in
def job_errors(request: HttpRequest, public_id: str, fmt: str) -> HttpResponse:
    job = job_for(viewer=request.user, public_id=public_id)
    fmt = "csv" if fmt == "csv" else "xlsx"
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else XLSX
    response = HttpResponse(error_report_bytes(job, fmt=fmt), content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''import-errors-{job.public_id}.{fmt}"
    response["Cache-Control"] = "no-store"
    return response
