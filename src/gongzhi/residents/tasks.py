"""Background work of the residents domain; every task is idempotent."""

from django_tasks import task

from .services import destroy_expired_flags


@task()
def destroy_expired() -> None:
    """Delete emergency-purpose data past its destruction date (daily)."""
    destroy_expired_flags()
