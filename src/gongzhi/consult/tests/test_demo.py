"""The demo seed runs through the services and leaves the states the demo walks through."""

import pytest

from gongzhi.consult.demo import seed_consult
from gongzhi.consult.models import Decision, LegalQuestion, StreetAlert, Topic, Vote
from gongzhi.consult.selectors import vote_result
from gongzhi.residents.demo import seed_residents

pytestmark = pytest.mark.django_db


def enter_missing_years() -> None:
    """The demo dates its meetings from today: enter this year (and the next) the way an administrator would when the
    bundled calendar lacks them, so the test does not depend on the real date."""
    from datetime import date

    from django.utils import timezone

    from gongzhi.core.actors import SYSTEM
    from gongzhi.workdays import services as workdays
    from gongzhi.workdays.calendar import year_status

    today = timezone.localdate()
    for year in (today.year, today.year + 1):
        if year_status(year) == "missing":
            workdays.override_set(actor=SYSTEM, day=date(year, 1, 1), kind="holiday", name="元旦")
            workdays.year_confirm(actor=SYSTEM, year=year, basis="测试录入")


@pytest.mark.clause("R5.2")
def test_demo_seed(deyang: None) -> None:
    enter_missing_years()
    seed_residents(first=120, others=0)
    assert seed_consult() > 0
    assert seed_consult() == 0  # idempotent
    assert Topic.objects.filter(status=Topic.Status.DECIDED).count() == 1
    council_vote = Vote.objects.get(meeting__form="council")
    assert council_vote.outcome == Vote.Outcome.PASSED and council_vote.participant_count == 24
    secret = Vote.objects.get(secret=True)
    assert secret.status == Vote.Status.OPEN and vote_result(secret).hidden
    owners = Vote.objects.get(method=Vote.Method.OWNERS)
    assert owners.status == Vote.Status.CLOSED and owners.electorate_count == 12
    adopted = Decision.objects.filter(status=Decision.Status.ADOPTED, is_major=True)
    assert adopted.count() == 2 and StreetAlert.objects.count() == 1
    assert Decision.objects.filter(status=Decision.Status.ADOPTED, feedback_disclosure__isnull=False).count() == 1
    assert LegalQuestion.objects.filter(status=LegalQuestion.Status.OPEN).count() == 2


def test_without_this_years_calendar_the_demo_waits_and_writes_nothing(
    deyang: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.utils import timezone

    from gongzhi.workdays import calendar

    year = timezone.localdate().year
    monkeypatch.setattr(calendar, "_bundled_years", lambda: range(2004, year - 1))  # last year and this one missing
    seed_residents(first=120, others=0)
    assert seed_consult() == 0
    assert not Topic.objects.exists() and not Vote.objects.exists()
