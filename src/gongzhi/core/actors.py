"""The system as an actor: seeds, migrations and scheduled tasks act as SYSTEM, never as an anonymous user."""

from typing import Any


class SystemActor:
    is_authenticated = False
    is_system = True
    pk = None

    def __str__(self) -> str:
        return "system"


SYSTEM = SystemActor()


def is_system(actor: Any) -> bool:
    return actor is SYSTEM
