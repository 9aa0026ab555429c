"""Enqueue background tasks only once the surrounding transaction commits, so a rollback never leaves a job behind."""

from typing import Any

from django.db import transaction


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
