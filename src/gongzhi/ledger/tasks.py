"""Background work of the ledger: sign a checkpoint when the log has grown (idempotent)."""

from django_tasks import task

from .services import checkpoint_sign


@task()
def sign_checkpoint_task() -> int | None:
    """Sign a checkpoint of the current tree if it grew since the last one; returns the signed tree size."""
    checkpoint = checkpoint_sign()
    return None if checkpoint is None else checkpoint.tree_size
