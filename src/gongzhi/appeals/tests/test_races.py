"""Concurrent steps on two database connections (PostgreSQL row locks): one wins, the other is a clean 409, and a
concurrent retry with one idempotency key creates one appeal."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from gongzhi.appeals import services
from gongzhi.appeals.models import Appeal, AppealEvent, IdempotencyKey, Status
from gongzhi.core.errors import Conflict
from gongzhi.people.models import User

from .conftest import World, submit

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.clause("R14.3"),
    pytest.mark.django_db(transaction=True),
]


def race(*jobs: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(len(jobs))
    outcomes: list[Any] = []

    def run(job: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes.append(job())
        except Conflict as exc:
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_sign_and_return_at_once_one_wins(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks across connections need PostgreSQL")
    appeal = submit(world, category="ZJ-01")
    services.appeal_dispatch(actor=world.user("county_authority"), appeal=appeal)

    def dept() -> Any:
        return User.objects.get(username="dept_official")

    outcomes = race(
        lambda: services.appeal_sign(actor=dept(), appeal=appeal.pk),
        lambda: services.appeal_dispute(actor=dept(), appeal=appeal.pk, reason="不属于本部门"),
    )
    conflicts = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(conflicts) == 1 and conflicts[0].code == "wrong_status", outcomes
    final = Appeal.objects.get(pk=appeal.pk)
    assert final.status in (Status.HANDLING, Status.DISPUTED)
    assert AppealEvent.objects.filter(appeal=final, kind__in=("signed", "disputed")).count() == 1


def test_concurrent_retries_with_one_key_create_one_appeal(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks across connections need PostgreSQL")

    def post() -> Any:
        return submit(world, actor=User.objects.get(username="resident"), idempotency_key="same-key").pk

    outcomes = race(post, post, post)
    assert len(set(outcomes)) == 1, outcomes
    assert Appeal.objects.count() == 1 and IdempotencyKey.objects.count() == 1
