"""Audit event types of the consult domain. A secret ballot's choice never enters an event."""

from typing import Any

from django.db.models import Model

from gongzhi.ledger.services import record_event

GATHERING_CREATED = "consult.gathering_created"
PARTICIPANT_CHANGED = "consult.participant_changed"
TOPIC_RAISED = "consult.topic_raised"
TOPIC_SUPPORTED = "consult.topic_supported"
TOPIC_SCREENED = "consult.topic_screened"
MEETING_CONVENED = "consult.meeting_convened"
MEETING_RECORDED = "consult.meeting_recorded"
MEETING_CLOSED = "consult.meeting_closed"
OWNER_SHARE_RECORDED = "consult.owner_share_recorded"
VOTE_OPENED = "consult.vote_opened"
VOTE_PARTICIPATED = "consult.vote_participated"
VOTE_CLOSED = "consult.vote_closed"
DECISION_DRAFTED = "consult.decision_drafted"
OPINION_GIVEN = "consult.legal_opinion_given"
DECISION_ADOPTED = "consult.decision_adopted"
DECISION_PROGRESS = "consult.decision_progress"
DECISION_FEEDBACK = "consult.decision_feedback_published"
ALERT_RAISED = "consult.street_alert_raised"
ALERT_HANDLED = "consult.street_alert_handled"
QUESTION_ASKED = "consult.legal_question_asked"
QUESTION_ANSWERED = "consult.legal_question_answered"
QUESTION_DUE_RECOMPUTED = "consult.legal_question_due_recomputed"

EVENT_TYPES = (
    GATHERING_CREATED,
    PARTICIPANT_CHANGED,
    TOPIC_RAISED,
    TOPIC_SUPPORTED,
    TOPIC_SCREENED,
    MEETING_CONVENED,
    MEETING_RECORDED,
    MEETING_CLOSED,
    OWNER_SHARE_RECORDED,
    VOTE_OPENED,
    VOTE_PARTICIPATED,
    VOTE_CLOSED,
    DECISION_DRAFTED,
    OPINION_GIVEN,
    DECISION_ADOPTED,
    DECISION_PROGRESS,
    DECISION_FEEDBACK,
    ALERT_RAISED,
    ALERT_HANDLED,
    QUESTION_ASKED,
    QUESTION_DUE_RECOMPUTED,
    QUESTION_ANSWERED,
)


def record(
    action: str,
    *,
    actor: Any,
    target: Model | tuple[str, str],
    scope_path: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """One audit event in the caller's transaction (see gongzhi.ledger.services.record_event)."""
    if action not in EVENT_TYPES:
        raise ValueError(f"unknown consult event {action}")
    record_event(actor=actor, action=action, target=target, scope_path=scope_path, before=before, after=after)
