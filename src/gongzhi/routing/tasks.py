"""Background work of the routing domain."""

from django_tasks import task

from .services import train


@task()
def routing_retrain() -> None:
    """Retrain on the seed corpus, handled appeals and staff feedback; a new version becomes active (idempotent in
    effect: a second run trains an equivalent model)."""
    train()
