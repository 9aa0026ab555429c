"""Audit event types of the appeals domain: every workflow step is one ledger event in the step's transaction."""

from typing import Any

from gongzhi.ledger.services import record_event

PREFIX = "appeals."
STEPS = (
    "accepted",
    "direct",
    "dispatched",
    "dispatch_refused",
    "signed",
    "progress",
    "returned",
    "disputed",
    "dispute_decided",
    "reassigned",
    "extension_requested",
    "extension_decided",
    "urged",
    "escalated",
    "replied",
    "visited",
    "redo",
    "closed",
    "archived",
    "merged",
    "reopened",
    "excluded",
    "deadline_recomputed",
)
CATALOG_SAVED = "appeals.catalog_saved"
ROUTE_SAVED = "appeals.route_saved"
RULES_SAVED = "appeals.rules_saved"
IMPORT_FINISHED = "appeals.import_finished"

EVENT_TYPES = (*(PREFIX + s for s in STEPS), CATALOG_SAVED, ROUTE_SAVED, RULES_SAVED, IMPORT_FINISHED)


def appeal_step(*, actor: Any, appeal: Any, step: str, before: str, detail: dict[str, Any]) -> None:
    """One workflow step; `detail` never carries the contact's mobile (only the mask is kept anywhere readable)."""
    if step not in STEPS:
        raise ValueError(f"unknown appeal step {step!r}")
    record_event(
        actor=actor,
        action=PREFIX + step,
        target=appeal,
        scope_path=appeal.scope_path,
        before={"status": before},
        after={"number": appeal.number, "status": appeal.status, **detail},
    )


def catalog_saved(*, actor: Any, category: Any) -> None:
    record_event(
        actor=actor,
        action=CATALOG_SAVED,
        target=category,
        after={"code": category.code, "name": category.name, "parent": category.parent_id},
    )


def route_saved(*, actor: Any, route: Any) -> None:
    record_event(
        actor=actor,
        action=ROUTE_SAVED,
        target=route,
        scope_path=route.scope_path,
        after={
            "category": route.category.code,
            "handler_kind": route.handler_kind,
            "unit": route.unit.name if route.unit_id else "",
            "matter_code": route.matter_code,
        },
    )


def rules_saved(*, actor: Any, rules: Any) -> None:
    record_event(
        actor=actor,
        action=RULES_SAVED,
        target=rules,
        after={"name": rules.name, "version": rules.version, "days": rules.days, "signoff": rules.signoff_days},
    )


def import_finished(*, actor: Any, job: Any) -> None:
    record_event(
        actor=actor,
        action=IMPORT_FINISHED,
        target=job,
        scope_path=job.scope_path,
        after={"created": job.created, "updated": job.updated, "error_rows": job.error_rows},
    )
