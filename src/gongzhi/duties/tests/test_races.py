"""Two reviewers decide one application at the same moment on two database connections: one wins, one conflicts."""

import threading
from datetime import date
from typing import Any

import pytest
from django.db import connection, connections

from gongzhi.core.errors import Conflict
from gongzhi.duties import services
from gongzhi.duties.models import AdmissionApplication, DutyItem
from gongzhi.people.models import User

from .conftest import TODAY, World, application_values


@pytest.mark.postgres
@pytest.mark.clause("R10.1")
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_at_once_one_wins_the_other_gets_a_conflict(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks across connections need PostgreSQL")
    application = services.application_submit(actor=world.user("dept_official"), today=TODAY, **application_values())
    barrier = threading.Barrier(2)
    outcomes: list[Any] = []

    def review(admit: bool) -> None:
        try:
            reviewer = User.objects.get(username="county_authority")
            barrier.wait(timeout=10)
            decided = services.application_decide(
                actor=reviewer,
                application=application,
                admit=admit,
                meeting_reference="纪要" + ("准" if admit else "否"),
                meeting_date=date(2026, 3, 10),
                refusal_ground="" if admit else "other",
            )
            outcomes.append(decided.status)
        except Conflict as exc:
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=review, args=(admit,)) for admit in (True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    conflicts = [o for o in outcomes if isinstance(o, Conflict)]
    winners = [o for o in outcomes if not isinstance(o, Conflict)]
    assert len(conflicts) == 1 and len(winners) == 1, outcomes
    assert conflicts[0].code == "already_decided" and conflicts[0].status == 409
    application.refresh_from_db()
    assert application.status == winners[0]
    # Exactly one admitted item at most, never two.
    assert DutyItem.objects.filter(admission=application).count() == (
        1 if application.status == AdmissionApplication.Status.ADMITTED else 0
    )
