"""Full verification of the ledger from its stored leaves, and the checkpoint monitor (trust on first use).

`verify_ledger` trusts nothing stored except the leaf bytes and the signatures: it recomputes every leaf hash and
every complete-subtree hash, checks each leaf names its own position, checks each audit-event leaf against the
audit row it records, checks every checkpoint's signature and root, and each consecutive pair's consistency proof.
It stops at the first problem and names the first bad leaf index it can attribute.
"""

import base64
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from . import keys, merkle, store
from .checkpoint import CheckpointError, open_checkpoint
from .leaves import claims_index
from .models import AuditEvent, Checkpoint, Leaf
from .services import event_leaf_bytes


class LedgerInvalid(Exception):
    def __init__(self, message: str, index: int | None = None) -> None:
        super().__init__(message)
        self.index = index


@dataclass
class VerifyResult:
    leaves: int = 0
    nodes: int = 0
    checkpoints: int = 0
    events: int = 0
    notes: list[str] = field(default_factory=list)


def _check_chunk_events(rows: list[tuple[int, bytes, bytes, str, int | None]], key: bytes) -> int:
    ids = [event_id for _i, _d, _h, kind, event_id in rows if kind == Leaf.Kind.EVENT and event_id is not None]
    events = AuditEvent.objects.in_bulk(ids) if ids else {}
    for index, data, _h, kind, event_id in rows:
        if kind != Leaf.Kind.EVENT:
            continue
        event = events.get(event_id) if event_id is not None else None
        if event is None:
            raise LedgerInvalid(f"leaf {index}: the audit event it records (#{event_id}) is missing", index)
        if event_leaf_bytes(event, index, key) != data:
            raise LedgerInvalid(f"leaf {index}: audit event #{event_id} no longer matches its leaf", index)
    return len(ids)


def _check_unledgered_events(result: VerifyResult) -> None:
    """Every audit event written since the ledger began has a leaf; older ones predate the ledger (noted only)."""
    first = Leaf.objects.filter(event__isnull=False).order_by("index").values_list("event_id", flat=True).first()
    missing = AuditEvent.objects.filter(leaf__isnull=True)
    if first is not None:
        stray = missing.filter(id__gt=first).order_by("id").values_list("id", flat=True).first()
        if stray is not None:
            raise LedgerInvalid(f"audit event #{stray} has no ledger leaf: it was written outside record_event")
        missing = missing.filter(id__lt=first)
    older = missing.count()
    if older:
        result.notes.append(f"{older} audit events predate the ledger and have no leaf")


def _chunks(chunk: int) -> Iterator[list[tuple[int, bytes, bytes, str, int | None]]]:
    batch: list[tuple[int, bytes, bytes, str, int | None]] = []
    for row in store.iter_leaves(chunk):
        batch.append(row)
        if len(batch) == chunk:
            yield batch
            batch = []
    if batch:
        yield batch


def verify_ledger(
    *, check_events: bool = True, chunk: int = 10_000, progress: Callable[[int], None] | None = None
) -> VerifyResult:
    """Recompute the whole log; raise LedgerInvalid naming the first bad index."""
    result = VerifyResult()
    verifier, origin = keys.verifier_text(), keys.origin()
    key = keys.hmac_key()
    checkpoints = list(Checkpoint.objects.order_by("tree_size"))
    by_size = {c.tree_size: c for c in checkpoints}
    roots: dict[int, bytes] = {}
    acc = merkle.StreamingRoot()
    expected = 0
    leaf_hash, append = merkle.leaf_hash, acc.append
    for rows in _chunks(chunk):
        created: list[merkle.Node] = []
        for index, data, digest, _kind, _event_id in rows:
            if index != expected:
                raise LedgerInvalid(f"leaf {expected} is missing (the next stored leaf is {index})", expected)
            if leaf_hash(data) != digest:
                raise LedgerInvalid(f"leaf {index}: its bytes do not match its stored hash", index)
            if not claims_index(data, index):
                raise LedgerInvalid(f"leaf {index}: its bytes name another position (reordered or moved)", index)
            nodes = append(digest)
            if len(nodes) > 1:
                created.extend(nodes[1:])
            expected += 1
            if expected in by_size:
                roots[expected] = acc.root()
        if check_events:
            result.events += _check_chunk_events(rows, key)
        # Compare every complete subtree completed in this chunk with the stored one.
        by_level: dict[int, dict[int, bytes]] = {}
        for level, index, value in created:
            by_level.setdefault(level, {})[index] = value
        for level, values in by_level.items():
            stored = store.nodes_between(level, min(values), max(values))
            for index, value in values.items():
                if stored.get(index) != value:
                    first = index << level
                    raise LedgerInvalid(
                        f"subtree hash level {level} #{index} (leaves {first}–{first + (1 << level) - 1}) "
                        "is missing or does not match the leaves",
                        first,
                    )
            result.nodes += len(values)
        if progress:
            progress(expected)
    result.leaves = expected
    if check_events:
        _check_unledgered_events(result)
    previous: Checkpoint | None = None
    for cp in checkpoints:
        try:
            opened = open_checkpoint(cp.signed_note, verifier, origin=origin)
        except CheckpointError as exc:
            raise LedgerInvalid(f"checkpoint of size {cp.tree_size}: bad signature or format ({exc})") from exc
        if opened.tree_size != cp.tree_size or opened.root_hash != bytes(cp.root_hash):
            raise LedgerInvalid(f"checkpoint of size {cp.tree_size}: stored fields differ from the signed note")
        start = previous.tree_size if previous else 0
        if cp.tree_size > expected:
            raise LedgerInvalid(
                f"checkpoint of size {cp.tree_size} covers leaves that are missing (only {expected} stored)", expected
            )
        if roots[cp.tree_size] != opened.root_hash:
            raise LedgerInvalid(
                f"checkpoint of size {cp.tree_size}: the leaves no longer hash to its signed root; "
                f"the first rewritten leaf is at index {start} or later",
                start,
            )
        if previous is not None:
            proof = store.consistency_proof(previous.tree_size, cp.tree_size)
            if not merkle.verify_consistency(
                previous.tree_size, cp.tree_size, bytes(previous.root_hash), opened.root_hash, proof
            ):
                raise LedgerInvalid(
                    f"checkpoints {previous.tree_size} → {cp.tree_size} are not consistent", previous.tree_size
                )
        previous = cp
        result.checkpoints += 1
    return result


# ---------------------------------------------------------------------------------------------------------------
# Monitor: remember the last trusted checkpoint; every new one must be signed by the same key and consistent.


class Source(Protocol):
    def verifier(self) -> str: ...

    def latest_note(self) -> str: ...

    def consistency(self, first: int, second: int) -> list[bytes]: ...


class LocalSource:
    """This installation's own database."""

    def verifier(self) -> str:
        return keys.verifier_text()

    def latest_note(self) -> str:
        latest = Checkpoint.objects.order_by("-tree_size").first()
        if latest is None:
            raise LedgerInvalid("the ledger has no signed checkpoint yet")
        return latest.signed_note

    def consistency(self, first: int, second: int) -> list[bytes]:
        return store.consistency_proof(first, second)


class HttpSource:
    """Another installation over its public HTTP interface (what an outside monitor or witness uses)."""

    def __init__(self, base_url: str, timeout: float = 20) -> None:
        self.base = base_url.rstrip("/")
        self.timeout = timeout

    def _get(self, path: str) -> bytes:
        from urllib.request import urlopen

        with urlopen(self.base + path, timeout=self.timeout) as response:  # noqa: S310 - operator-given URL
            body: bytes = response.read()
            return body

    def verifier(self) -> str:
        return self._get("/ledger/verifier-key").decode().strip()

    def latest_note(self) -> str:
        return self._get("/ledger/checkpoint").decode()

    def consistency(self, first: int, second: int) -> list[bytes]:
        body: dict[str, Any] = json.loads(self._get(f"/api/v1/ledger/proof/consistency?first={first}&second={second}"))
        return [base64.b64decode(p) for p in body["proof"]]


def monitor(source: Source, state_file: Path) -> str:
    """Check the latest checkpoint against the remembered one and remember it; returns a one-line summary."""
    state: dict[str, Any] = json.loads(state_file.read_text()) if state_file.exists() else {}
    verifier = state.get("verifier") or source.verifier()
    origin = state.get("origin") or keys.origin()
    try:
        latest = open_checkpoint(source.latest_note(), verifier, origin=origin)
    except CheckpointError as exc:
        raise LedgerInvalid(f"the latest checkpoint does not verify with the trusted key: {exc}") from exc
    if not state:
        summary = f"trusting on first use: {origin} size {latest.tree_size}"
    else:
        old_size, old_root = int(state["tree_size"]), base64.b64decode(state["root_hash"])
        if latest.tree_size < old_size:
            raise LedgerInvalid(f"the log shrank from {old_size} to {latest.tree_size} leaves", latest.tree_size)
        proof = source.consistency(old_size, latest.tree_size)
        if not merkle.verify_consistency(old_size, latest.tree_size, old_root, latest.root_hash, proof):
            raise LedgerInvalid(
                f"the checkpoint of size {latest.tree_size} is not an extension of the trusted one of size "
                f"{old_size}: history was rewritten",
                old_size,
            )
        summary = f"consistent: {origin} {old_size} → {latest.tree_size}"
    state_file.write_text(
        json.dumps(
            {
                "origin": origin,
                "verifier": verifier,
                "tree_size": latest.tree_size,
                "root_hash": base64.b64encode(latest.root_hash).decode(),
            },
            indent=2,
        )
    )
    return summary
