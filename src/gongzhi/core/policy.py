"""Permission policies (Wagtail-style): one object per domain answers `can` and `visible`; unknown actions are denied.

A user holds *grants*: a role at a territory node. A policy lists, per action, the roles that may perform it; the
user may act on an object when one of those grants' nodes is the object's node or one of its ancestors.
"""

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from .actors import is_system
from .errors import Forbidden, NotFound
from .scope import union_q, within

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Grant:
    role: str
    path: str
    division_id: int
    unit_id: int | None = None


class GrantHolder(Protocol):
    @property
    def is_authenticated(self) -> bool: ...

    def active_grants(self) -> Sequence[Grant]: ...


def grants_of(user: Any) -> Sequence[Grant]:
    if user is None or not getattr(user, "is_authenticated", False):
        return ()
    holder: GrantHolder = user
    return holder.active_grants()


class Policy:
    """Deny by default: an action is allowed only to the roles listed for it, inside their subtrees."""

    def __init__(self, domain: str, rules: Mapping[str, Iterable[str]], *, scope_field: str = "scope_path") -> None:
        self.domain = domain
        self.rules: dict[str, frozenset[str]] = {action: frozenset(roles) for action, roles in rules.items()}
        self.scope_field = scope_field

    @property
    def actions(self) -> list[str]:
        return sorted(self.rules)

    def grants_for(self, user: Any, action: str) -> list[Grant]:
        roles = self.rules.get(action)
        if roles is None:
            logger.warning("policy %s: unknown action %r denied", self.domain, action)
            return []
        return [g for g in grants_of(user) if g.role in roles]

    def allows(self, user: Any, action: str) -> bool:
        """May the user perform `action` anywhere at all (for menus and object-less pages)?"""
        return bool(self.grants_for(user, action))

    def roots(self, user: Any, action: str) -> list[str]:
        return [g.path for g in self.grants_for(user, action)]

    def object_path(self, obj: Any) -> str:
        path = getattr(obj, self.scope_field)
        if not isinstance(path, str):
            raise TypeError(f"{type(obj).__name__}.{self.scope_field} is not a scope path")
        return path

    def can(self, user: Any, action: str, obj: Any) -> bool:
        return within(self.object_path(obj), self.roots(user, action))

    def visible(self, user: Any, action: str, queryset: QuerySet[M]) -> QuerySet[M]:
        """The rows of `queryset` in the user's subtrees; a model may name its own path column as `scope_field`."""
        field = getattr(queryset.model, "scope_field", self.scope_field)
        q = union_q(field, self.roots(user, action))
        return queryset.none() if q is None else queryset.filter(q)

    def get(self, user: Any, action: str, queryset: QuerySet[M], **lookup: Any) -> M:
        """The object, or NotFound whether it is missing or outside the user's scope (no existence oracle)."""
        try:
            return self.visible(user, action, queryset).get(**lookup)
        except (ObjectDoesNotExist, ValueError, TypeError) as exc:
            raise NotFound(_("未找到该记录，或您无权查看。")) from exc

    def require_at(self, actor: Any, action: str, path: str) -> None:
        """The services' check before a write at a scope path: SYSTEM (seeds, tasks) passes; otherwise the actor needs
        `action` somewhere (else Forbidden) and at or above `path` (else NotFound: out of scope reads as missing)."""
        if is_system(actor):
            return
        if not self.allows(actor, action):
            raise Forbidden(_("您没有执行此操作的权限。"))
        if not within(path, self.roots(actor, action)):
            raise NotFound(_("未找到该记录，或您无权查看。"))

    def require(self, user: Any, action: str, obj: Any | None = None, *, view_action: str | None = None) -> None:
        """Raise unless allowed; an object the user may not even see answers NotFound, one they see, Forbidden."""
        if obj is None:
            if not self.allows(user, action):
                raise Forbidden(_("您没有执行此操作的权限。"))
            return
        if self.can(user, action, obj):
            return
        if view_action is not None and self.can(user, view_action, obj):
            raise Forbidden(_("您没有执行此操作的权限。"))
        raise NotFound(_("未找到该记录，或您无权查看。"))
