"""Background work of the consult domain; idempotent."""

from django_tasks import task


@task()
def consult_hourly() -> None:
    """Close votes whose time has passed; recompute provisional answer deadlines (in case a calendar change was
    missed, e.g. the bundled calendar data was upgraded)."""
    from .services import close_due_votes, question_deadlines_recompute

    close_due_votes()
    question_deadlines_recompute()
