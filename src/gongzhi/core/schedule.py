"""Periodic work: domains declare `Periodic` entries in their manifests; `gongzhi scheduler` enqueues the due ones.

The scheduler only enqueues (it never runs work itself), so any worker — the database queue or Redis — runs the
tasks, and a task must be idempotent because a crash between enqueue and bookkeeping may enqueue it twice.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import PeriodicRun


@dataclass(frozen=True)
class Periodic:
    name: str
    every: timedelta
    task: Any  # a django-tasks Task taking no arguments


def enqueue_due(entries: Iterable[Periodic], *, now: datetime | None = None) -> list[str]:
    """Enqueue every entry whose interval has passed; returns the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for entry in entries:
        with transaction.atomic():
            run = PeriodicRun.objects.select_for_update().filter(name=entry.name).first()
            if run is not None and run.last_enqueued_at + entry.every > now:
                continue
            if run is None:
                PeriodicRun.objects.create(name=entry.name, last_enqueued_at=now)
            else:
                run.last_enqueued_at = now
                run.save(update_fields=["last_enqueued_at"])
            transaction.on_commit(entry.task.enqueue)
        enqueued.append(entry.name)
    return enqueued
