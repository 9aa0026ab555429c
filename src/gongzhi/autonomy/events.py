"""Audit event types of 居民自治; every write records one in the service's transaction."""

from typing import Any

from django.db.models import Model

from gongzhi.ledger.services import record_event

CONVENTION_DRAFTED = "autonomy.convention_drafted"
CONVENTION_COMMENTING = "autonomy.convention_comment_opened"
CONVENTION_COMMENTED = "autonomy.convention_commented"
CONVENTION_VOTE_LINKED = "autonomy.convention_vote_linked"
CONVENTION_ADOPTED = "autonomy.convention_adopted"
CONVENTION_REJECTED = "autonomy.convention_rejected"
CONVENTION_FILED = "autonomy.convention_filed"
CONVENTION_FILING_REVIEWED = "autonomy.convention_filing_reviewed"
CONVENTION_PUBLISHED = "autonomy.convention_published"
CONVENTION_ACKNOWLEDGED = "autonomy.convention_acknowledged"
RULE_ADDED = "autonomy.points_rule_added"
POINTS_POSTED = "autonomy.points_posted"
OBJECTION_FILED = "autonomy.points_objection_filed"
OBJECTION_DECIDED = "autonomy.points_objection_decided"
OBJECTION_DUE_RECOMPUTED = "autonomy.points_objection_due_recomputed"
CATALOGUE_SAVED = "autonomy.redemption_item_saved"
RELATIVE_DECLARED = "autonomy.relative_declared"
ELECTION_RECORDED = "autonomy.supervision_election_recorded"
FINANCE_RECORDED = "autonomy.finance_recorded"
REQUEST_FILED = "autonomy.supervision_request_filed"
REQUEST_HANDLED = "autonomy.supervision_request_handled"
ITEM_OPENED = "autonomy.supervision_item_opened"
FINDING_RECORDED = "autonomy.finding_recorded"
INQUIRY_ASKED = "autonomy.inquiry_asked"
INQUIRY_ANSWERED = "autonomy.inquiry_answered"
INQUIRY_OVERDUE = "autonomy.inquiry_overdue"
INQUIRY_DUE_RECOMPUTED = "autonomy.inquiry_due_recomputed"
ACTIVITY_CREATED = "autonomy.activity_created"
SELECTION_CHANGED = "autonomy.family_selection_changed"
NOMINATION_CHANGED = "autonomy.family_nomination_changed"
FAMILY_OBJECTION = "autonomy.family_objection"

EVENT_TYPES = (
    CONVENTION_DRAFTED,
    CONVENTION_COMMENTING,
    CONVENTION_COMMENTED,
    CONVENTION_VOTE_LINKED,
    CONVENTION_ADOPTED,
    CONVENTION_REJECTED,
    CONVENTION_FILED,
    CONVENTION_FILING_REVIEWED,
    CONVENTION_PUBLISHED,
    CONVENTION_ACKNOWLEDGED,
    RULE_ADDED,
    POINTS_POSTED,
    OBJECTION_FILED,
    OBJECTION_DECIDED,
    OBJECTION_DUE_RECOMPUTED,
    CATALOGUE_SAVED,
    RELATIVE_DECLARED,
    ELECTION_RECORDED,
    FINANCE_RECORDED,
    REQUEST_FILED,
    REQUEST_HANDLED,
    ITEM_OPENED,
    FINDING_RECORDED,
    INQUIRY_ASKED,
    INQUIRY_ANSWERED,
    INQUIRY_OVERDUE,
    INQUIRY_DUE_RECOMPUTED,
    ACTIVITY_CREATED,
    SELECTION_CHANGED,
    NOMINATION_CHANGED,
    FAMILY_OBJECTION,
)


def record(
    action: str,
    *,
    actor: Any,
    target: Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """One audit event for `target` (which carries `scope_path`), in the caller's transaction."""
    assert action in EVENT_TYPES, action
    record_event(
        actor=actor,
        action=action,
        target=target,
        scope_path=str(getattr(target, "scope_path", "")),
        before=before,
        after=after,
    )
