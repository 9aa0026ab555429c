"""Enqueue background tasks so that they run only if the surrounding transaction commits: a rollback never leaves a
job behind, and a commit never loses one."""

from typing import Any

from django.db import router, transaction


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """With the database queue (django-tasks-db, the default backend) on the transaction's own database, the task row
    is written inside the transaction: it commits or rolls back with the write it belongs to (a transactional outbox —
    a crash between commit and enqueue cannot lose it, and there is no second commit, which on a disk-bound server
    costs as much as the whole write). Any other backend (Redis/RQ for scale-out, the suite's immediate backend) is
    handed the task after the commit, so no worker can pick it up before the data it reads exists."""
    if _transactional_queue(task):
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs))


def _transactional_queue(task: Any) -> bool:
    try:
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the database queue is a declared dependency
        return False
    if not isinstance(task.get_backend(), DatabaseBackend):
        return False
    alias = router.db_for_write(DBTaskResult)
    return bool(transaction.get_connection(alias).in_atomic_block)
