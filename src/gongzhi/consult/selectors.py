"""Reads of the consult domain, scoped through the policy. A secret vote's tallies are unreadable until it closes,
and no read ever joins a ballot to a voter."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from .models import (
    Ballot,
    Choice,
    Decision,
    Gathering,
    LegalQuestion,
    Meeting,
    Participant,
    Participation,
    StreetAlert,
    Topic,
    Vote,
)
from .permissions import policy
from .tally import Counts, evaluate


@dataclass(frozen=True)
class VoteResult:
    """What may be shown of a vote. `hidden` is True while a secret vote is open: then every count is None."""

    hidden: bool
    closed: bool
    outcome: str
    electorate: int
    participants: int
    yes: int | None
    no: int | None
    abstain: int | None
    electorate_area: Decimal
    participant_area: Decimal | None
    yes_area: Decimal | None
    quorum_met: bool | None

    @property
    def passed(self) -> bool:
        return self.closed and self.outcome == Vote.Outcome.PASSED

    @property
    def failed(self) -> bool:
        return self.closed and self.outcome in (Vote.Outcome.FAILED, Vote.Outcome.NO_QUORUM)


def vote_result(vote: Vote) -> VoteResult:
    """The result of a vote: final figures once closed; live figures for an open 记名 vote; only the turnout for an
    open secret vote (who has voted is not secret, how they voted is)."""
    if vote.status == Vote.Status.CLOSED:
        return VoteResult(
            hidden=False,
            closed=True,
            outcome=vote.outcome,
            electorate=vote.electorate_count,
            participants=vote.participant_count,
            yes=vote.yes_count,
            no=vote.no_count,
            abstain=vote.abstain_count,
            electorate_area=vote.electorate_area,
            participant_area=vote.participant_area,
            yes_area=vote.yes_area,
            quorum_met=vote.outcome != Vote.Outcome.NO_QUORUM,
        )
    participants = Participation.objects.filter(vote=vote).count()
    if vote.secret:
        return VoteResult(
            hidden=True,
            closed=False,
            outcome=Vote.Outcome.PENDING,
            electorate=vote.electorate_count,
            participants=participants,
            yes=None,
            no=None,
            abstain=None,
            electorate_area=vote.electorate_area,
            participant_area=None,
            yes_area=None,
            quorum_met=None,
        )
    rows = {
        r["choice"]: (r["n"], r["area"] or Decimal("0"))
        for r in Ballot.objects.filter(vote=vote).values("choice").annotate(n=Count("id"), area=Sum("area"))
    }
    yes, yes_area = rows.get(Choice.YES, (0, Decimal("0")))
    participant_area = sum((a for _n, a in rows.values()), Decimal("0"))
    ev = evaluate(
        vote,
        Counts(
            electorate=vote.electorate_count,
            electorate_area=vote.electorate_area,
            participants=participants,
            participant_area=participant_area,
            yes=yes,
            yes_area=yes_area,
        ),
    )
    return VoteResult(
        hidden=False,
        closed=False,
        outcome=Vote.Outcome.PENDING,
        electorate=vote.electorate_count,
        participants=participants,
        yes=yes,
        no=rows.get(Choice.NO, (0, 0))[0],
        abstain=rows.get(Choice.ABSTAIN, (0, 0))[0],
        electorate_area=vote.electorate_area,
        participant_area=participant_area,
        yes_area=yes_area,
        quorum_met=ev.quorum_met,
    )


def open_ballots(*, viewer: Any, vote: Vote) -> QuerySet[Ballot]:
    """Named ballots of a 记名 vote (who voted how); a secret vote has none to show, ever."""
    if vote.secret or not policy.can(viewer, "view", vote):
        return Ballot.objects.none()
    return Ballot.objects.filter(vote=vote, elector__isnull=False).select_related("elector").order_by("elector_id")


def participations(*, viewer: Any, vote: Vote) -> QuerySet[Participation]:
    """Who has voted (never how), for the committee and oversight roles."""
    if not policy.can(viewer, "view_participation", vote):
        return Participation.objects.none()
    return Participation.objects.filter(vote=vote).select_related("elector").order_by("elector_id")


def topic_list(*, viewer: Any, status: str | None = None) -> QuerySet[Topic]:
    qs = policy.visible(viewer, "view", Topic.objects.all()).order_by("-created_at", "-id")
    return qs.filter(status=status) if status else qs


def meeting_list(*, viewer: Any) -> QuerySet[Meeting]:
    return policy.visible(viewer, "view", Meeting.objects.all()).order_by("-starts_at", "-id")


def gathering_list(*, viewer: Any, kind: str | None = None) -> QuerySet[Gathering]:
    qs = policy.visible(viewer, "view", Gathering.objects.all()).order_by("-starts_at", "-id")
    return qs.filter(kind=kind) if kind else qs


def attendance(gathering: Gathering) -> QuerySet[Participant]:
    return gathering.participants.exclude(status=Participant.Status.CANCELLED).order_by("role", "id")


def vote_list(*, viewer: Any, status: str | None = None) -> QuerySet[Vote]:
    qs = policy.visible(viewer, "view", Vote.objects.all()).order_by("-opens_at", "-id")
    return qs.filter(status=status) if status else qs


def votes_about(subject: Any) -> QuerySet[Vote]:
    """Votes on a subject (a model instance or an ("app.model", id) pair), newest first."""
    if isinstance(subject, tuple):
        subject_type, subject_id = str(subject[0]), str(subject[1])
    else:
        subject_type, subject_id = subject._meta.label_lower, str(subject.pk)
    return Vote.objects.filter(subject_type=subject_type, subject_id=subject_id).order_by("-opens_at", "-id")


def decision_list(*, viewer: Any, status: str | None = None) -> QuerySet[Decision]:
    qs = policy.visible(viewer, "view", Decision.objects.all()).order_by("-created_at", "-id")
    return qs.filter(status=status) if status else qs


def awaiting_opinion(*, viewer: Any) -> QuerySet[Decision]:
    """Major matters in the advisor's communities still without an opinion (the advisor's workload, R6.2)."""
    qs = policy.visible(viewer, "give_opinion", Decision.objects.all())
    return qs.filter(is_major=True, status=Decision.Status.DRAFT, opinions__isnull=True).order_by("created_at")


def alert_list(*, viewer: Any, open_only: bool = False) -> QuerySet[StreetAlert]:
    qs = policy.visible(viewer, "view_alerts", StreetAlert.objects.select_related("decision")).order_by("-raised_at")
    return qs.filter(acknowledged_at__isnull=True) if open_only else qs


def question_list(*, viewer: Any, status: str | None = None) -> QuerySet[LegalQuestion]:
    qs = policy.visible(viewer, "view_questions", LegalQuestion.objects.all()).order_by("due_on", "-id")
    return qs.filter(status=status) if status else qs


def my_questions(*, viewer: Any) -> QuerySet[LegalQuestion]:
    if not getattr(viewer, "is_authenticated", False):
        return LegalQuestion.objects.none()
    return LegalQuestion.objects.filter(asked_by=viewer).order_by("-asked_at", "-id")


def overdue_questions(*, viewer: Any, today: date | None = None) -> QuerySet[LegalQuestion]:
    day = today or timezone.localdate()
    return question_list(viewer=viewer, status=LegalQuestion.Status.OPEN).filter(due_on__lt=day)
