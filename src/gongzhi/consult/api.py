"""Consult API (reads): topics, meetings with their record, votes with results (a secret vote's counts stay hidden
until it closes), decisions with legal opinions and progress. Ballots are never exposed per voter for secret votes."""

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from gongzhi.core.api import Page, paginate

from . import selectors
from .models import Decision, Meeting, Topic, Vote
from .permissions import policy

router = Router(tags=["consult 民主协商"])


class TopicOut(Schema):
    id: int
    community: str = Field(..., alias="community.code")
    title: str
    body: str
    raised_by_name: str
    raised_as_staff: bool
    threshold: int
    support_count: int
    status: str
    screen_reason: str
    created_at: datetime


class AgendaOut(Schema):
    position: int
    title: str
    topic_id: int | None


class StatementOut(Schema):
    seq: int
    speaker: str
    text: str


class MeetingOut(Schema):
    id: int
    community: str = Field(..., alias="community.code")
    form: str
    title: str
    starts_at: datetime
    place: str
    noticed_on: date
    notice_working_days: int
    status: str


class MeetingDetailOut(MeetingOut):
    notice: str
    minutes: str
    attended: int
    agenda: list[AgendaOut]
    statements: list[StatementOut]


class ResultOut(Schema):
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
    passed: bool


class VoteOut(Schema):
    id: int
    community: str = Field(..., alias="community.code")
    meeting_id: int | None
    question: str
    method: str
    electorate: str
    secret: bool
    majority: str
    quorum: str
    major_278: bool
    subject_type: str
    subject_id: str
    opens_at: datetime
    closes_at: datetime
    status: str
    outcome: str


class OpinionOut(Schema):
    advisor_name: str
    conclusion: str
    basis: str
    conditions: str
    given_at: datetime


class ProgressOut(Schema):
    percent: int
    note: str
    at: datetime


class DecisionOut(Schema):
    id: int
    community: str = Field(..., alias="community.code")
    title: str
    body: str
    is_major: bool
    status: str
    vote_id: int | None
    topic_id: int | None
    meeting_id: int | None
    adopted_at: datetime | None
    override_reason: str
    progress: str
    progress_percent: int
    feedback_disclosure_id: int | None


class DecisionDetailOut(DecisionOut):
    opinions: list[OpinionOut]
    progress_entries: list[ProgressOut]


@router.get("/topics", response=Page[TopicOut], summary="Topics in scope 议题")
def list_topics(
    request: HttpRequest, status: Topic.Status | None = None, limit: int = 50, offset: int = 0
) -> dict[str, object]:
    qs = selectors.topic_list(viewer=request.user, status=status).select_related("community")
    return paginate(qs, limit=limit, offset=offset)


@router.get("/topics/{pk}", response=TopicOut, summary="One topic 议题")
def get_topic(request: HttpRequest, pk: int) -> Topic:
    return policy.get(request.user, "view", Topic.objects.select_related("community"), pk=pk)


@router.get("/meetings", response=Page[MeetingOut], summary="Consultation meetings 协商会议")
def list_meetings(request: HttpRequest, limit: int = 50, offset: int = 0) -> dict[str, object]:
    return paginate(selectors.meeting_list(viewer=request.user).select_related("community"), limit=limit, offset=offset)


@router.get("/meetings/{pk}", response=MeetingDetailOut, summary="A meeting with agenda, record and minutes")
def get_meeting(request: HttpRequest, pk: int) -> Meeting:
    meeting: Meeting = policy.get(request.user, "view", Meeting.objects.select_related("community", "gathering"), pk=pk)
    meeting.attended = meeting.gathering.participants.filter(status="attended").count()  # type: ignore[attr-defined]
    return meeting


@router.get("/votes", response=Page[VoteOut], summary="Votes in scope 表决")
def list_votes(
    request: HttpRequest, status: Vote.Status | None = None, limit: int = 50, offset: int = 0
) -> dict[str, object]:
    qs = selectors.vote_list(viewer=request.user, status=status).select_related("community")
    return paginate(qs, limit=limit, offset=offset)


@router.get("/votes/{pk}", response=VoteOut, summary="One vote 表决")
def get_vote(request: HttpRequest, pk: int) -> Vote:
    return policy.get(request.user, "view", Vote.objects.select_related("community"), pk=pk)


@router.get("/votes/{pk}/result", response=ResultOut, summary="A vote's result (hidden while a secret vote is open)")
def get_vote_result(request: HttpRequest, pk: int) -> dict[str, object]:
    vote = policy.get(request.user, "view", Vote.objects.all(), pk=pk)
    r = selectors.vote_result(vote)
    return {**r.__dict__, "passed": r.passed}


@router.get("/decisions", response=Page[DecisionOut], summary="Decisions in scope 决定")
def list_decisions(
    request: HttpRequest, status: Decision.Status | None = None, limit: int = 50, offset: int = 0
) -> dict[str, object]:
    qs = selectors.decision_list(viewer=request.user, status=status).select_related("community")
    return paginate(qs, limit=limit, offset=offset)


@router.get("/decisions/{pk}", response=DecisionDetailOut, summary="A decision with legal opinions and progress")
def get_decision(request: HttpRequest, pk: int) -> Decision:
    return policy.get(
        request.user,
        "view",
        Decision.objects.select_related("community").prefetch_related("opinions", "progress_entries"),
        pk=pk,
    )
