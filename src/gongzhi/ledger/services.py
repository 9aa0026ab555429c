"""The one write path every service calls to leave its audit record (`record_event`), which also appends the
event's leaf to the Merkle log in the same transaction; public disclosures (居务公开) and signed checkpoints."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache, lru_cache
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.context import current_request_id
from gongzhi.core.errors import ServiceError

from . import keys, leaves, store
from .checkpoint import Checkpoint as SignedCheckpoint
from .checkpoint import sign_checkpoint
from .models import AuditEvent, Checkpoint, Disclosure, Leaf

_MASKED_KEYS = frozenset({"password", "secret", "key", "token", "otp", "totp"})

DISCLOSURE_PUBLISHED = "ledger.disclosure_published"
EVENT_TYPES = (DISCLOSURE_PUBLISHED,)


@lru_cache(maxsize=4096)
def _masked(key: str) -> bool:
    lowered = key.lower()
    return any(m in lowered for m in _MASKED_KEYS)


def _scrub(values: dict[str, Any] | None) -> dict[str, Any] | None:
    """Never put credentials into the audit trail; personal data is masked by the services that own it."""
    if values is None:
        return None
    return {k: ("***" if _masked(k) else v) for k, v in values.items()}


@cache
def _event_attnames() -> tuple[str, ...]:
    return tuple(f.attname for f in AuditEvent._meta.concrete_fields)


def event_leaf_bytes(event: AuditEvent, index: int, key: bytes | None = None) -> bytes:
    return leaves.event_bytes(
        index=index,
        event_id=event.pk,
        occurred_at=event.occurred_at,
        actor_id=event.actor_id,
        role=event.actor_role,
        scope_path=event.scope_path,
        action=event.action,
        target_type=event.target_type,
        target_id=event.target_id,
        before=event.before,
        after=event.after,
        key=key,
    )


def record_event(
    *,
    actor: Any,
    action: str,
    target: Model | tuple[str, str],
    scope_path: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    role: str = "",
) -> AuditEvent:
    """Append one audit event and its ledger leaf in the caller's transaction; a rollback removes both with the
    write they record."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must run inside the service's transaction")
    if isinstance(target, Model):
        target_type, target_id = target._meta.label_lower, str(target.pk)
    else:
        target_type, target_id = target
    user = actor if getattr(actor, "is_authenticated", False) else None
    values = {
        "id": None,
        "occurred_at": None,  # auto_now_add: set when the row is prepared
        "actor_id": user.pk if user is not None else None,
        "actor_role": role,
        "scope_path": scope_path,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "before": _scrub(before),
        "after": _scrub(after),
        "request_id": current_request_id(),
    }
    # Positional construction (as Django builds instances from rows) costs a fraction of keyword construction;
    # this runs for every write of the platform.
    row: list[Any] = [values[name] for name in _event_attnames()]
    event = AuditEvent(*row)  # type: ignore[misc]  # django-stubs types a starred argument as the first field
    if user is not None:
        AuditEvent.actor.field.set_cached_value(event, user)
    key = keys.hmac_key()
    store.append_event(event, make_data=lambda index: event_leaf_bytes(event, index, key))
    return event


@contextmanager
def ledger_batch(using: str = "default") -> Iterator[None]:
    """`transaction.atomic()` whose ledger rows (audit rows, leaves, subtree hashes) are buffered and written
    together just before the block ends, inside the transaction: for imports, seeds and any service that records
    many events in one transaction (`with ledger_batch(): …`). Same guarantees as one `record_event` at a time:
    single writer, a rollback (of the block or of a savepoint inside it) leaves neither audit row nor leaf, and the
    tree is identical. Inside the block, the buffered rows are not visible to queries."""
    with transaction.atomic(using=using), store.batch(using):
        yield


def disclosure_publish(
    *,
    actor: Any,
    scope_path: str,
    scope_name: str,
    category: str,
    title: str,
    body: str,
    source: Model | tuple[str, str] | None = None,
    role: str = "",
) -> Disclosure:
    """Publish an item (居务公开) for everyone: its exact bytes become a ledger leaf that anyone can prove is in the
    signed log. The calling domain checks that `actor` may publish for `scope_path`; the item can never be edited
    (publish a correction as a new item). Publishing the same source twice is refused."""
    # Browsers send form text with CRLF; the published bytes use LF so the page's in-browser check matches them.
    title = title.replace("\r\n", "\n").replace("\r", "\n").strip()
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip()
    errors = {}
    if not title or len(title) > 200:
        errors["title"] = _("标题不能为空，且不超过 200 个字符")
    if not body or len(body) > 20_000:
        errors["body"] = _("内容不能为空，且不超过 20000 个字符")
    if category not in Disclosure.Category.values:
        errors["category"] = _("类别无效")
    if not scope_path:
        errors["scope_path"] = _("必须指明发布单位")
    if errors:
        raise ServiceError(_("公开事项填写有误。"), code="invalid", fields=errors)
    if isinstance(source, Model):
        source_type, source_id = source._meta.label_lower, str(source.pk)
    elif source is not None:
        source_type, source_id = source
    else:
        source_type, source_id = "", ""
    with transaction.atomic():
        if source_type and Disclosure.objects.filter(source_type=source_type, source_id=source_id).exists():
            raise ServiceError(_("该事项已经公开过。"), code="already_published", status=409)
        published_at = timezone.now()
        index = store.append(
            kind=Leaf.Kind.DISCLOSURE,
            event_type=DISCLOSURE_PUBLISHED,
            make_data=lambda index: leaves.disclosure_bytes(
                index=index,
                published_at=published_at,
                scope_path=scope_path,
                scope_name=scope_name,
                category=category,
                title=title,
                body=body,
                source_type=source_type,
                source_id=source_id,
            ),
        )
        disclosure = Disclosure.objects.create(
            scope_path=scope_path,
            scope_name=scope_name,
            category=category,
            title=title,
            body=body,
            source_type=source_type,
            source_id=source_id,
            published_at=published_at,
            leaf_id=index,
        )
        record_event(
            actor=actor,
            action=DISCLOSURE_PUBLISHED,
            target=disclosure,
            scope_path=scope_path,
            after={"title": title, "category": category, "leaf_index": index},
            role=role,
        )
        from .tasks import sign_checkpoint_task  # the task module imports these services

        transaction.on_commit(sign_checkpoint_task.enqueue)
    return disclosure


def checkpoint_sign() -> Checkpoint | None:
    """Sign a checkpoint of the current tree if it has grown since the last one (idempotent); None if unchanged."""
    with transaction.atomic():
        store.lock_writer()
        size = store.tree_size()
        last = Checkpoint.objects.order_by("-tree_size").first()
        if size == 0 or (last is not None and last.tree_size >= size):
            return None
        root_hash = store.root(size)
        note = sign_checkpoint(SignedCheckpoint(keys.origin(), size, root_hash), keys.signer_text())
        return Checkpoint.objects.create(tree_size=size, root_hash=root_hash, signed_note=note)
