from datetime import timedelta

import pytest
from django.utils import timezone

from gongzhi.core.schedule import Periodic, enqueue_due


class FakeTask:
    def __init__(self) -> None:
        self.calls = 0

    def enqueue(self) -> None:
        self.calls += 1


@pytest.mark.django_db(transaction=True)
def test_due_tasks_are_enqueued_once_per_interval() -> None:
    task = FakeTask()
    entry = Periodic("demo.tick", timedelta(minutes=5), task)
    now = timezone.now()
    assert enqueue_due([entry], now=now) == ["demo.tick"]
    assert enqueue_due([entry], now=now + timedelta(minutes=4)) == []
    assert enqueue_due([entry], now=now + timedelta(minutes=5)) == ["demo.tick"]
    assert task.calls == 2
