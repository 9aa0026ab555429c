"""The job runner as a background task; re-running a finished job does nothing."""

from django_tasks import task

from .services import import_run


@task()
def run_import(job_id: int) -> None:
    import_run(job_id=job_id)
