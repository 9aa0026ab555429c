"""Concurrent ballots on separate PostgreSQL connections: a ballot cast twice at once counts once, and many voters at
once all count, with tallies equal to ballots."""

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from gongzhi.consult import services
from gongzhi.consult.models import Ballot, Participation, Topic, TopicSupport, Vote
from gongzhi.core.errors import Conflict
from gongzhi.people.models import User

from .conftest import World


def run_at_once(n: int, work: Any) -> list[Any]:
    barrier = threading.Barrier(n)
    outcomes: list[Any] = []
    lock = threading.Lock()

    def body(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            result = work(i)
        except Exception as exc:
            result = exc
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


@pytest.mark.postgres
@pytest.mark.clause("R5.2")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("secret", [False, True])
def test_same_ballot_cast_concurrently_counts_once(world: World, secret: bool) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks across connections need PostgreSQL")
    vote = services.vote_open(
        actor=world.user("worker"),
        meeting_or_scope=world.community,
        question="并发投票测试",
        method=Vote.Method.PERSON,
        electorate=Vote.Electorate.COMMUNITY,
        closes_at=timezone.now() + timedelta(days=1),
        secret=secret,
    )
    voter_id = world.voters[0].pk

    def cast(i: int) -> Any:
        return services.vote_cast(actor=User.objects.get(pk=voter_id), vote=vote, choice="yes" if i % 2 else "no")

    outcomes = run_at_once(4, cast)
    conflicts = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(conflicts) == 3 and all(c.code == "already_voted" for c in conflicts), outcomes
    assert Participation.objects.filter(vote=vote).count() == 1
    assert Ballot.objects.filter(vote=vote).count() == 1


@pytest.mark.postgres
@pytest.mark.clause("R5.2")
@pytest.mark.django_db(transaction=True)
def test_many_voters_at_once_all_count(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks across connections need PostgreSQL")
    vote = services.vote_open(
        actor=world.user("worker"),
        meeting_or_scope=world.community,
        question="并发多人投票",
        method=Vote.Method.PERSON,
        electorate=Vote.Electorate.COMMUNITY,
        closes_at=timezone.now() + timedelta(days=1),
        secret=True,
    )
    ids = [u.pk for u in world.voters]

    def cast(i: int) -> Any:
        return services.vote_cast(actor=User.objects.get(pk=ids[i]), vote=vote, choice="yes" if i < 7 else "no")

    outcomes = run_at_once(len(ids), cast)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    vote = services.vote_close(actor=world.user("worker"), vote=vote)
    assert (vote.participant_count, vote.yes_count, vote.no_count) == (10, 7, 3)
    assert Ballot.objects.filter(vote=vote).count() == 10


@pytest.mark.postgres
@pytest.mark.clause("R5.2")
@pytest.mark.django_db(transaction=True)
def test_topic_support_concurrently_counts_once(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks across connections need PostgreSQL")
    topic = services.topic_raise(actor=world.voters[0], community=world.community, title="楼道照明", body="楼道灯坏了")
    voter_id = world.voters[1].pk
    outcomes = run_at_once(4, lambda i: services.topic_support(actor=User.objects.get(pk=voter_id), topic=topic))
    assert len([o for o in outcomes if isinstance(o, Conflict)]) == 3, outcomes
    topic = Topic.objects.get(pk=topic.pk)
    assert topic.support_count == 1 == TopicSupport.objects.filter(topic=topic).count()
