"""Audit event types of accounts, roles and security."""

from typing import Any

from gongzhi.ledger.services import record_event

from .models import ApiToken, RoleAssignment, Unit, User

ACCOUNT_CREATED = "people.account_created"
ROLE_ASSIGNED = "people.role_assigned"
ROLE_ENDED = "people.role_ended"
ACCOUNT_LOCKED = "people.account_locked"
ACCOUNT_UNLOCKED = "people.account_unlocked"
SECOND_FACTOR_ENROLLED = "people.second_factor_enrolled"
SECOND_FACTOR_RESET = "people.second_factor_reset"
TOKEN_CREATED = "people.api_token_created"  # noqa: S105 — an event name
TOKEN_REVOKED = "people.api_token_revoked"  # noqa: S105 — an event name
UNIT_CREATED = "people.unit_created"
EVENT_TYPES = (
    ACCOUNT_CREATED,
    ROLE_ASSIGNED,
    ROLE_ENDED,
    ACCOUNT_LOCKED,
    ACCOUNT_UNLOCKED,
    SECOND_FACTOR_ENROLLED,
    SECOND_FACTOR_RESET,
    TOKEN_CREATED,
    TOKEN_REVOKED,
    UNIT_CREATED,
)


def account_event(*, actor: Any, action: str, user: User, scope_path: str = "", **after: Any) -> None:
    record_event(
        actor=actor, action=action, target=user, scope_path=scope_path, after={"username": user.username, **after}
    )


def role_assigned(*, actor: Any, assignment: RoleAssignment) -> None:
    record_event(
        actor=actor,
        action=ROLE_ASSIGNED,
        target=assignment,
        scope_path=assignment.scope_path,
        after={
            "user": assignment.user.username,
            "role": assignment.role,
            "division": assignment.division.code,
            "unit": assignment.unit_id,
            "starts_on": assignment.starts_on.isoformat(),
            "ends_on": assignment.ends_on.isoformat() if assignment.ends_on else None,
        },
    )


def role_ended(*, actor: Any, assignment: RoleAssignment, previous_end: str | None) -> None:
    record_event(
        actor=actor,
        action=ROLE_ENDED,
        target=assignment,
        scope_path=assignment.scope_path,
        before={"ends_on": previous_end},
        after={"ends_on": assignment.ends_on.isoformat() if assignment.ends_on else None},
    )


def token_event(*, actor: Any, action: str, token: ApiToken) -> None:
    record_event(actor=actor, action=action, target=token, after={"name": token.name, "prefix": token.prefix})


def unit_created(*, actor: Any, unit: Unit) -> None:
    record_event(
        actor=actor,
        action=UNIT_CREATED,
        target=unit,
        scope_path=unit.scope_path,
        after={"name": unit.name, "kind": unit.kind, "division": unit.division.code},
    )
