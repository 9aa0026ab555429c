"""Background work of the duties domain; every task is idempotent."""

from django_tasks import task

from .services import admissions_expire, corrections_mark_overdue


@task()
def duties_daily() -> None:
    """Admitted items past their validity exit; correction orders past their deadline become overdue."""
    admissions_expire()
    corrections_mark_overdue()
