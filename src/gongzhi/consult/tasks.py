"""Background work of the consult domain; idempotent."""

from django_tasks import task


@task()
def consult_hourly() -> None:
    """Close votes whose time has passed."""
    from .services import close_due_votes

    close_due_votes()
