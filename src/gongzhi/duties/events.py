"""Audit event types of the duties domain (one function per event, Saleor-style)."""

from typing import Any

from django.db.models import Model

from gongzhi.ledger.services import record_event

LIST_VERSION_CREATED = "duties.list_version_created"
LIST_ITEM_SAVED = "duties.list_item_saved"
LIST_VERSION_PUBLISHED = "duties.list_version_published"
SETTINGS_CHANGED = "duties.admission_settings_changed"
APPLICATION_SUBMITTED = "duties.application_submitted"
APPLICATION_DECIDED = "duties.application_decided"
APPLICATION_REVIEWED = "duties.application_annual_review"
APPLICATION_EXITED = "duties.application_exited"
TASK_GATED = "duties.task_gated"
TASK_REFUSED_BY_COMMUNITY = "duties.task_refused_by_community"
TASK_REPORTED = "duties.task_reported"
CERTIFICATE_ISSUED = "duties.certificate_issued"
CERTIFICATE_REFUSED = "duties.certificate_refused"
VIOLATION_OPENED = "duties.violation_opened"
VIOLATION_UPDATED = "duties.violation_updated"
CORRECTION_ISSUED = "duties.correction_issued"
CORRECTION_FOLLOWED_UP = "duties.correction_followed_up"
EVALUATION_CHANGED = "duties.evaluation_changed"
EVALUATION_RATED = "duties.evaluation_rated"
EVALUATION_PUBLISHED = "duties.evaluation_published"

EVENT_TYPES = (
    LIST_VERSION_CREATED,
    LIST_ITEM_SAVED,
    LIST_VERSION_PUBLISHED,
    SETTINGS_CHANGED,
    APPLICATION_SUBMITTED,
    APPLICATION_DECIDED,
    APPLICATION_REVIEWED,
    APPLICATION_EXITED,
    TASK_GATED,
    TASK_REFUSED_BY_COMMUNITY,
    TASK_REPORTED,
    CERTIFICATE_ISSUED,
    CERTIFICATE_REFUSED,
    VIOLATION_OPENED,
    VIOLATION_UPDATED,
    CORRECTION_ISSUED,
    CORRECTION_FOLLOWED_UP,
    EVALUATION_CHANGED,
    EVALUATION_RATED,
    EVALUATION_PUBLISHED,
)


def _record(
    action: str,
    *,
    actor: Any,
    target: Model | tuple[str, str],
    scope_path: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    record_event(actor=actor, action=action, target=target, scope_path=scope_path, before=before, after=after)


def list_version_created(*, actor: Any, version: Any) -> None:
    _record(
        LIST_VERSION_CREATED,
        actor=actor,
        target=version,
        scope_path=version.scope_path,
        after={"number": version.number, "title": version.title, "effective_from": str(version.effective_from)},
    )


def list_item_saved(*, actor: Any, item: Any) -> None:
    _record(
        LIST_ITEM_SAVED,
        actor=actor,
        target=item,
        scope_path=item.scope_path,
        after={"code": item.code, "name": item.name, "category": item.category, "basis": item.legal_basis},
    )


def list_version_published(*, actor: Any, version: Any, closed: list[int]) -> None:
    _record(
        LIST_VERSION_PUBLISHED,
        actor=actor,
        target=version,
        scope_path=version.scope_path,
        after={
            "number": version.number,
            "effective_from": str(version.effective_from),
            "effective_to": str(version.effective_to) if version.effective_to else None,
            "closed_versions": closed,
        },
    )


def admission_settings_changed(*, actor: Any, settings: Any, before: dict[str, Any]) -> None:
    _record(
        SETTINGS_CHANGED,
        actor=actor,
        target=settings,
        scope_path=settings.scope_path,
        before=before,
        after={"lead": settings.lead_working_days, "review": settings.review_working_days},
    )


def application_submitted(*, actor: Any, application: Any) -> None:
    _record(
        APPLICATION_SUBMITTED,
        actor=actor,
        target=application,
        scope_path=application.scope_path,
        after={
            "code": application.code,
            "name": application.name,
            "department": application.department.name,
            "starts_on": str(application.starts_on),
            "review_due_on": str(application.review_due_on),
            "resources": application.resources(),
        },
    )


def application_decided(*, actor: Any, application: Any) -> None:
    _record(
        APPLICATION_DECIDED,
        actor=actor,
        target=application,
        scope_path=application.scope_path,
        before={"status": "submitted"},
        after={
            "status": application.status,
            "meeting_reference": application.meeting_reference,
            "refusal_ground": application.refusal_ground,
        },
    )


def application_reviewed(*, actor: Any, application: Any, keep: bool, note: str) -> None:
    _record(
        APPLICATION_REVIEWED,
        actor=actor,
        target=application,
        scope_path=application.scope_path,
        after={"year": application.review_year, "keep": keep, "note": note},
    )


def application_exited(*, actor: Any, application: Any) -> None:
    _record(
        APPLICATION_EXITED,
        actor=actor,
        target=application,
        scope_path=application.scope_path,
        before={"status": "admitted"},
        after={"status": application.status, "reason": application.exit_reason, "on": str(application.exited_on)},
    )


def task_gated(*, actor: Any, task: Any) -> None:
    _record(
        TASK_GATED,
        actor=actor,
        target=task,
        scope_path=task.scope_path,
        after={
            "sender": task.sender_unit.name,
            "kind": task.kind,
            "matter_code": task.matter_code,
            "status": task.status,
            "reason": task.reason,
            "list_version": task.list_version_id,
        },
    )


def task_refused_by_community(*, actor: Any, task: Any, before: str) -> None:
    _record(
        TASK_REFUSED_BY_COMMUNITY,
        actor=actor,
        target=task,
        scope_path=task.scope_path,
        before={"status": before},
        after={"status": task.status, "note": task.community_note},
    )


def task_reported(*, actor: Any, task: Any) -> None:
    _record(
        TASK_REPORTED,
        actor=actor,
        target=task,
        scope_path=task.scope_path,
        after={"sender": task.sender_unit.name, "title": task.title, "reason": task.reason},
    )


def certificate_issued(*, actor: Any, certificate: Any) -> None:
    _record(
        CERTIFICATE_ISSUED,
        actor=actor,
        target=certificate,
        scope_path=certificate.scope_path,
        after={"number": certificate.number, "item": certificate.item.code, "holder": certificate.holder_masked},
    )


def certificate_refused(*, actor: Any, community: Any, requested: str, reason: str) -> None:
    _record(
        CERTIFICATE_REFUSED,
        actor=actor,
        target=("territory.division", str(community.pk)),
        scope_path=community.path,
        after={"requested": requested, "reason": reason},
    )


def violation_opened(*, actor: Any, case: Any) -> None:
    _record(
        VIOLATION_OPENED,
        actor=actor,
        target=case,
        scope_path=case.scope_path,
        after={"offender": case.offender.name, "source": case.source, "summary": case.summary},
    )


def violation_updated(*, actor: Any, case: Any, before: str, detail: dict[str, Any]) -> None:
    _record(
        VIOLATION_UPDATED,
        actor=actor,
        target=case,
        scope_path=case.scope_path,
        before={"status": before},
        after={"status": case.status, **detail},
    )


def correction_issued(*, actor: Any, order: Any) -> None:
    _record(
        CORRECTION_ISSUED,
        actor=actor,
        target=order,
        scope_path=order.scope_path,
        after={
            "target": order.target_unit.name,
            "issuer": order.issuer,
            "subject": order.subject,
            "deadline": str(order.deadline),
            "source": f"{order.source_type}:{order.source_id}" if order.source_type else "",
        },
    )


def correction_followed_up(*, actor: Any, order: Any, follow_up: Any, before: str) -> None:
    _record(
        CORRECTION_FOLLOWED_UP,
        actor=actor,
        target=order,
        scope_path=order.scope_path,
        before={"status": before},
        after={"status": order.status, "kind": follow_up.kind, "note": follow_up.note},
    )


def evaluation_changed(*, actor: Any, round: Any, detail: dict[str, Any]) -> None:
    _record(
        EVALUATION_CHANGED,
        actor=actor,
        target=round,
        scope_path=round.scope_path,
        after={"status": round.status, **detail},
    )


def evaluation_rated(*, actor: Any, rating: Any) -> None:
    _record(
        EVALUATION_RATED,
        actor=actor,
        target=rating,
        scope_path=rating.round.scope_path,
        after={
            "indicator": rating.indicator.key,
            "rater": rating.rater.name,
            "department": rating.department.name,
            "score": str(rating.score),
        },
    )


def evaluation_published(*, actor: Any, round: Any, totals: dict[str, str]) -> None:
    _record(EVALUATION_PUBLISHED, actor=actor, target=round, scope_path=round.scope_path, after={"totals": totals})
