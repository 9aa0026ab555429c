"""Vote integrity: each eligible voter counts once, tallies equal ballots, refusals leave tallies unchanged, and a
secret ballot cannot be linked to its voter."""

from datetime import timedelta

import pytest

from gongzhi.consult import selectors, services
from gongzhi.consult.models import Ballot, Elector, Participation, Vote
from gongzhi.core.errors import Conflict, Forbidden, NotFound, ServiceError
from gongzhi.ledger.models import AuditEvent

from .conftest import MONDAY, World

pytestmark = pytest.mark.django_db


def open_vote(w: World, **kw: object) -> Vote:
    args: dict[str, object] = {
        "actor": w.user("worker"),
        "meeting_or_scope": w.community,
        "question": "是否同意在小区增设电动自行车充电棚",
        "method": Vote.Method.PERSON,
        "electorate": Vote.Electorate.COMMUNITY,
        "closes_at": MONDAY + timedelta(days=3),
        "now": MONDAY,
    }
    args.update(kw)
    return services.vote_open(**args)  # type: ignore[arg-type]


@pytest.mark.clause("R5.2")
def test_each_eligible_voter_counts_once_and_tallies_equal_ballots(world: World) -> None:
    vote = open_vote(world)
    assert vote.electorate_count == 10  # 10 adults; the minor is not an elector
    choices = ["yes"] * 6 + ["no"] * 3 + ["abstain"]
    for user, choice in zip(world.voters, choices, strict=True):
        services.vote_cast(actor=user, vote=vote, choice=choice, now=MONDAY + timedelta(hours=1))
    with pytest.raises(Conflict, match="只能投一次"):
        services.vote_cast(actor=world.voters[0], vote=vote, choice="no", now=MONDAY + timedelta(hours=2))
    live = selectors.vote_result(vote)
    assert (live.yes, live.no, live.abstain, live.participants) == (6, 3, 1, 10)
    vote = services.vote_close(actor=world.user("worker"), vote=vote, now=MONDAY + timedelta(days=3))
    result = selectors.vote_result(vote)
    assert (result.yes, result.no, result.abstain, result.participants) == (6, 3, 1, 10)
    assert result.yes is not None and result.no is not None and result.abstain is not None
    assert result.yes + result.no + result.abstain == Ballot.objects.filter(vote=vote).count()
    assert Participation.objects.filter(vote=vote).count() == 10
    assert result.passed and not result.failed


@pytest.mark.clause("R5.2")
def test_refusals_leave_the_tally_unchanged(world: World) -> None:
    vote = open_vote(world)
    services.vote_cast(actor=world.voters[0], vote=vote, choice="yes", now=MONDAY)
    # A resident of another community cannot even see the vote.
    with pytest.raises(NotFound):
        services.vote_cast(actor=world.outsider, vote=vote, choice="yes", now=MONDAY)
    # Staff without a resident record in the electorate are refused.
    with pytest.raises(Forbidden):
        services.vote_cast(actor=world.user("worker"), vote=vote, choice="yes", now=MONDAY)
    # A bad choice.
    with pytest.raises(ServiceError):
        services.vote_cast(actor=world.voters[1], vote=vote, choice="maybe", now=MONDAY)
    # After the closing time.
    with pytest.raises(Conflict, match="表决已经结束"):
        services.vote_cast(actor=world.voters[2], vote=vote, choice="no", now=MONDAY + timedelta(days=3))
    services.vote_close(actor=world.user("worker"), vote=vote, now=MONDAY + timedelta(days=3))
    with pytest.raises(Conflict, match="表决已经结束"):
        services.vote_cast(actor=world.voters[3], vote=vote, choice="no", now=MONDAY + timedelta(hours=1))
    vote.refresh_from_db()
    assert (vote.participant_count, vote.yes_count, vote.no_count) == (1, 1, 0)
    assert Ballot.objects.filter(vote=vote).count() == 1


@pytest.mark.clause("R5.2")
def test_household_vote_one_ballot_per_household(world: World) -> None:
    vote = open_vote(world, method=Vote.Method.HOUSEHOLD)
    assert vote.electorate_count == Elector.objects.filter(vote=vote).count()
    assert Elector.objects.filter(vote=vote, household__in=world.households).count() == 5
    services.vote_cast(actor=world.voters[0], vote=vote, choice="yes", now=MONDAY)
    with pytest.raises(Conflict, match="只能投一次"):  # the spouse in the same household
        services.vote_cast(actor=world.voters[1], vote=vote, choice="no", now=MONDAY)
    services.vote_cast(actor=world.voters[2], vote=vote, choice="no", now=MONDAY)
    assert Participation.objects.filter(vote=vote).count() == 2


@pytest.mark.clause("R5.2")
def test_secret_ballot_hidden_until_close_and_unlinkable_in_the_database(world: World) -> None:
    vote = open_vote(world, secret=True, quorum=Vote.Quorum.HALF)
    choices = {0: "yes", 1: "no", 2: "yes", 3: "yes", 4: "abstain", 5: "no"}
    for i, choice in choices.items():
        services.vote_cast(actor=world.voters[i], vote=vote, choice=choice, now=MONDAY + timedelta(minutes=i))
    hidden = selectors.vote_result(vote)
    assert hidden.hidden and hidden.yes is None and hidden.participants == 6
    # In the tables: ballots carry no elector, no timestamp column; participations carry no choice.
    ballot_fields = {f.name for f in Ballot._meta.concrete_fields}
    assert ballot_fields == {"id", "vote", "choice", "area", "elector"}
    assert not Ballot.objects.filter(vote=vote, elector__isnull=False).exists()
    assert {f.name for f in Participation._meta.concrete_fields} == {"id", "vote", "elector", "cast_by", "on_site"}
    # The audit trail records participation but never the choice of a secret ballot.
    for event in AuditEvent.objects.filter(action="consult.vote_participated", target_id=str(vote.pk)):
        assert "choice" not in (event.after or {})
    before_ids = set(Ballot.objects.filter(vote=vote).values_list("id", flat=True))
    vote = services.vote_close(actor=world.user("worker"), vote=vote, now=MONDAY + timedelta(days=3))
    # The box was re-mixed: every ballot has a fresh random key.
    after_ids = set(Ballot.objects.filter(vote=vote).values_list("id", flat=True))
    assert before_ids.isdisjoint(after_ids) and len(after_ids) == 6
    result = selectors.vote_result(vote)
    assert (result.yes, result.no, result.abstain) == (3, 2, 1)
    # Quorum met (6 of 10 > half), but 3 of 6 is not 过半数 (strictly more than half): failed.
    assert result.quorum_met and result.failed and vote.outcome == Vote.Outcome.FAILED


@pytest.mark.clause("R5.2")
def test_scheduler_closes_due_votes_only(world: World) -> None:
    due = open_vote(world)
    later = open_vote(world, closes_at=MONDAY + timedelta(days=10))
    services.vote_cast(actor=world.voters[0], vote=due, choice="yes", now=MONDAY)
    assert services.close_due_votes(now=MONDAY + timedelta(days=4)) == 1
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.status == Vote.Status.CLOSED and due.outcome == Vote.Outcome.PASSED and due.yes_count == 1
    assert later.status == Vote.Status.OPEN


@pytest.mark.clause("R5.2")
def test_vote_open_refuses_bad_configurations(world: World) -> None:
    with pytest.raises(ServiceError, match="不低于二分之一"):
        open_vote(world, majority=Vote.Majority.CUSTOM, majority_custom=(1, 3))
    with pytest.raises(ServiceError, match="须在会议中发起"):
        open_vote(world, electorate=Vote.Electorate.MEETING)
    with pytest.raises(ServiceError) as late:
        open_vote(world, closes_at=MONDAY - timedelta(hours=1))
    assert "closes_at" in late.value.fields
    with pytest.raises(NotFound):  # a worker of another county cannot open a vote here
        open_vote(world, actor=world.user("worker_gh"))
    assert not Vote.objects.exists()
