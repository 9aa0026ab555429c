"""Background work of the territory domain; every task is idempotent."""

from django_tasks import task

from .services import division_rollup_figures


@task()
def division_rollup(division_id: int) -> None:
    division_rollup_figures(division_id=division_id)
