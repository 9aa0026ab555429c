"""Audit event types of the residents domain. Personal data appears only masked (or not at all) in before/after."""

from typing import Any

from django.db import transaction

from gongzhi.ledger.services import record_event

from .models import AccessLog, GroupFlag, Household, ProxyConsent, Resident, SubjectRequest

RESIDENT_REGISTERED = "residents.resident_registered"
RESIDENT_UPDATED = "residents.resident_updated"
HOUSEHOLD_CREATED = "residents.household_created"
FLAG_ADDED = "residents.flag_added"
FLAG_REMOVED = "residents.flag_removed"
FLAGS_DESTROYED = "residents.flags_destroyed"
REVEALED = "residents.revealed"
REVEAL_REFUSED = "residents.reveal_refused"
ACCOUNT_LINKED = "residents.account_linked"
CONSENT_RECORDED = "residents.consent_recorded"
CONSENT_REVOKED = "residents.consent_revoked"
ACCOUNT_CLAIM_REFUSED = "residents.account_claim_refused"
HOUSEHOLD_UPDATED = "residents.household_updated"
RESIDENT_ERASED = "residents.resident_erased"
REQUEST_FILED = "residents.request_filed"
REQUEST_HANDLED = "residents.request_handled"
IMPORT_BATCH = "residents.import_batch"
EXPORTED = "residents.exported"
SUBJECT_DOWNLOAD = "residents.subject_download"
KEYS_ROTATED = "residents.keys_rotated"
INDEX_KEY_ROTATED = "residents.index_key_rotated"
EVENT_TYPES = (
    RESIDENT_REGISTERED,
    RESIDENT_UPDATED,
    HOUSEHOLD_CREATED,
    FLAG_ADDED,
    FLAG_REMOVED,
    FLAGS_DESTROYED,
    REVEALED,
    REVEAL_REFUSED,
    ACCOUNT_LINKED,
    CONSENT_RECORDED,
    CONSENT_REVOKED,
    ACCOUNT_CLAIM_REFUSED,
    HOUSEHOLD_UPDATED,
    RESIDENT_ERASED,
    REQUEST_FILED,
    REQUEST_HANDLED,
    IMPORT_BATCH,
    EXPORTED,
    SUBJECT_DOWNLOAD,
    KEYS_ROTATED,
    INDEX_KEY_ROTATED,
)


def resident_snapshot(resident: Resident) -> dict[str, Any]:
    return {
        "name": resident.name,
        "id_number": resident.id_masked,
        "phone": resident.phone_masked,
        "residence_status": resident.residence_status,
        "household": str(resident.household.public_id) if resident.household else None,
        "relation": resident.relation,
        "scope_path": resident.scope_path,
    }


def resident_registered(*, actor: Any, resident: Resident) -> None:
    record_event(
        actor=actor,
        action=RESIDENT_REGISTERED,
        target=resident,
        scope_path=resident.scope_path,
        after=resident_snapshot(resident),
    )


def resident_updated(*, actor: Any, resident: Resident, before: dict[str, Any]) -> None:
    record_event(
        actor=actor,
        action=RESIDENT_UPDATED,
        target=resident,
        scope_path=resident.scope_path,
        before=before,
        after=resident_snapshot(resident),
    )


def household_created(*, actor: Any, household: Household) -> None:
    record_event(
        actor=actor,
        action=HOUSEHOLD_CREATED,
        target=household,
        scope_path=household.scope_path,
        after={"household_no": household.household_no, "address": household.address_masked},
    )


def flag_added(*, actor: Any, flag: GroupFlag) -> None:
    # The group itself is sensitive (特定身份): the record says a flag was added, with its source, not which group.
    record_event(
        actor=actor,
        action=FLAG_ADDED,
        target=flag.resident,
        scope_path=flag.scope_path,
        after={"flag": flag.pk, "source": flag.source, "purpose": flag.purpose},
    )


def flag_removed(*, actor: Any, flag: GroupFlag) -> None:
    record_event(
        actor=actor, action=FLAG_REMOVED, target=flag.resident, scope_path=flag.scope_path, before={"flag": flag.pk}
    )


def flags_destroyed(*, actor: Any, count: int, day: str) -> None:
    record_event(
        actor=actor, action=FLAGS_DESTROYED, target=("residents.groupflag", "*"), after={"count": count, "day": day}
    )


def revealed(*, actor: Any, log: AccessLog, masked: str) -> None:
    record_event(
        actor=actor,
        action=REVEALED,
        target=log.resident,
        scope_path=log.scope_path,
        role=log.viewer_role,
        after={"field": log.field, "value": masked, "purpose": log.purpose},
    )


def reveal_refused(*, actor: Any, resident: Resident, field: str) -> None:
    """Recorded in its own transaction: the refusal that follows must not roll it back."""
    with transaction.atomic():
        record_event(
            actor=actor,
            action=REVEAL_REFUSED,
            target=resident,
            scope_path=resident.scope_path,
            after={"field": field, "outcome": "refused"},
        )


def account_linked(*, actor: Any, resident: Resident) -> None:
    record_event(
        actor=actor,
        action=ACCOUNT_LINKED,
        target=resident,
        scope_path=resident.scope_path,
        after={"account": resident.account_id},
    )


def consent_recorded(*, actor: Any, consent: ProxyConsent) -> None:
    record_event(
        actor=actor,
        action=CONSENT_RECORDED,
        target=consent.resident,
        scope_path=consent.scope_path,
        after={
            "consent": consent.pk,
            "agent": consent.agent_id,
            "unit": consent.unit_id,
            "purpose": consent.purpose,
            "matters": consent.matters,
            "method": consent.method,
            "evidence": consent.evidence,
            "given_on": consent.given_on.isoformat(),
            "expires_on": consent.expires_on.isoformat(),
        },
    )


def consent_revoked(*, actor: Any, consent: ProxyConsent) -> None:
    record_event(
        actor=actor,
        action=CONSENT_REVOKED,
        target=consent.resident,
        scope_path=consent.scope_path,
        after={"consent": consent.pk, "revoked_at": consent.revoked_at.isoformat() if consent.revoked_at else None},
    )


def account_claim_refused(*, actor: Any, reason: str) -> None:
    """A resident's attempt to link their account that matched no record (in its own transaction)."""
    with transaction.atomic():
        record_event(actor=actor, action=ACCOUNT_CLAIM_REFUSED, target=actor, scope_path="", after={"reason": reason})


def household_updated(*, actor: Any, household: Household, before: dict[str, Any]) -> None:
    record_event(
        actor=actor,
        action=HOUSEHOLD_UPDATED,
        target=household,
        scope_path=household.scope_path,
        before=before,
        after=household_snapshot(household),
    )


def household_snapshot(household: Household) -> dict[str, Any]:
    return {
        "household_no": household.household_no,
        "grid": household.grid_id,
        "complex": household.complex_id,
        "building": household.building_id,
        "address": household.address_masked,
    }


def resident_erased(*, actor: Any, resident: Resident, digest: str, fields: list[str]) -> None:
    """Erasure (个人信息保护法 art. 47): the ledger keeps which fields went and a digest, never the values."""
    record_event(
        actor=actor,
        action=RESIDENT_ERASED,
        target=resident,
        scope_path=resident.scope_path,
        after={"fields": fields, "digest": digest},
    )


def request_filed(*, actor: Any, request: SubjectRequest, proxy: bool) -> None:
    record_event(
        actor=actor,
        action=REQUEST_FILED,
        target=request,
        scope_path=request.scope_path,
        after={"kind": request.kind, "field": request.field, "due_on": request.due_on.isoformat(), "proxy": proxy},
    )


def request_handled(*, actor: Any, request: SubjectRequest) -> None:
    record_event(
        actor=actor,
        action=REQUEST_HANDLED,
        target=request,
        scope_path=request.scope_path,
        after={"status": request.status},
    )


def import_batch(
    *, actor: Any, job_id: int, scope_path: str, first_row: int, last_row: int, created: int, updated: int
) -> None:
    record_event(
        actor=actor,
        action=IMPORT_BATCH,
        target=("jobs.importjob", str(job_id)),
        scope_path=scope_path,
        after={"rows": f"{first_row}-{last_row}", "created": created, "updated": updated},
    )


def exported(*, actor: Any, scope_path: str, rows: int, masked: bool, fmt: str, filters: dict[str, Any]) -> None:
    with transaction.atomic():
        record_event(
            actor=actor,
            action=EXPORTED,
            target=("residents.resident", "*"),
            scope_path=scope_path,
            after={"rows": rows, "masked": masked, "format": fmt, "filters": filters},
        )


def subject_download(*, actor: Any, resident: Resident, fmt: str) -> None:
    with transaction.atomic():
        record_event(
            actor=actor, action=SUBJECT_DOWNLOAD, target=resident, scope_path=resident.scope_path, after={"format": fmt}
        )


def keys_rotated(*, actor: Any, table: str, count: int, key_id: str) -> None:
    record_event(
        actor=actor,
        action=KEYS_ROTATED,
        target=(f"residents.{table}", "*"),
        after={"count": count, "under": key_id},  # not "key_id": the ledger scrubs names containing "key"
    )


def index_key_rotated(*, actor: Any, table: str, count: int, key_id: str) -> None:
    """One batch of blind indexes recomputed under the index key `key_id` (counts only, never a value)."""
    record_event(
        actor=actor,
        action=INDEX_KEY_ROTATED,
        target=(f"residents.{table}", "*"),
        after={"count": count, "under": key_id},
    )
