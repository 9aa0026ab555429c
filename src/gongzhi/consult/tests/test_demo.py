"""The demo seed runs through the services and leaves the states the demo walks through."""

import pytest

from gongzhi.consult.demo import seed_consult
from gongzhi.consult.models import Decision, LegalQuestion, StreetAlert, Topic, Vote
from gongzhi.consult.selectors import vote_result
from gongzhi.residents.demo import seed_residents

pytestmark = pytest.mark.django_db


@pytest.mark.clause("R5.2")
def test_demo_seed(deyang: None) -> None:
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
