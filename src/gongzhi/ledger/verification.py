"""Full verification of the ledger from its stored leaves, and the checkpoint monitor (trust on first use).

`verify_ledger` trusts nothing stored except the leaf bytes and the signatures: it recomputes every leaf hash and
every complete-subtree hash, checks each leaf names its own position, checks each audit-event leaf against the
audit row it records, checks every checkpoint's signature and root, and each consecutive pair's consistency proof.
It stops at the first problem and names the first bad leaf index it can attribute.
"""

import base64
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from . import keys, merkle, store
from .checkpoint import CheckpointError, open_checkpoint
from .leaves import event_bytes
from .models import AuditEvent, Checkpoint, Leaf


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
    """Rebuild each audit-event leaf of the chunk from its audit row (one range query, no model instances)."""
    event_kind = str(Leaf.Kind.EVENT.value)
    ids = [event_id for _i, _d, _h, kind, event_id in rows if kind == event_kind and event_id is not None]
    events = store.event_rows(min(ids), max(ids)) if ids else {}
    for index, data, _h, kind, event_id in rows:
        if kind != event_kind:
            continue
        row = events.get(event_id) if event_id is not None else None
        if row is None or event_id is None:
            raise LedgerInvalid(f"leaf {index}: the audit event it records (#{event_id}) is missing", index)
        _id, occurred_at, actor_id, role, scope_path, action, target_type, target_id, before, after = row
        rebuilt = event_bytes(
            index=index,
            event_id=event_id,
            occurred_at=occurred_at,
            actor_id=actor_id,
            role=role,
            scope_path=scope_path,
            action=action,
            target_type=target_type,
            target_id=target_id,
            before=before,
            after=after,
            key=key,
        )
        if rebuilt != data:
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


def _root(peaks: list[bytes]) -> bytes:
    if not peaks:
        return merkle.EMPTY_ROOT
    result = peaks[-1]
    for peak in reversed(peaks[:-1]):
        result = merkle.node_hash(peak, result)
    return result


def _check_subtrees(created: list[list[bytes]], first: list[int], result: VerifyResult) -> None:
    """Compare the complete subtrees completed in one chunk (per level, consecutive indexes from first[level])
    with the stored ones, fetched in one query."""
    ranges = [(i + 1, first[i], first[i] + len(values) - 1) for i, values in enumerate(created)]
    stored = store.node_runs(ranges)
    for level, low, high in ranges:
        values, rows = created[level - 1], stored[level]
        if [value for _i, value in rows] != values or (rows and rows[0][0] != low) or len(rows) != high - low + 1:
            by_index = dict(rows)
            bad = next(low + k for k, value in enumerate(values) if by_index.get(low + k) != value)
            start = bad << level
            raise LedgerInvalid(
                f"subtree hash level {level} #{bad} (leaves {start}–{start + (1 << level) - 1}) "
                "is missing or does not match the leaves",
                start,
            )
        result.nodes += len(values)


def verify_ledger(
    *, check_events: bool = True, chunk: int = 20_000, progress: Callable[[int], None] | None = None
) -> VerifyResult:
    """Recompute the whole log; raise LedgerInvalid naming the first bad index.

    The loop below is the cost of a full verification at millions of leaves, so it is written out by hand: one
    SHA-256 per leaf and per interior node (RFC 9162), a byte search for the leaf's own index, and a stack of peaks;
    leaves arrive in large chunks as plain tuples and each chunk's subtree hashes are compared in one query."""
    result = VerifyResult()
    verifier, origin = keys.verifier_text(), keys.origin()
    key = keys.hmac_key()
    checkpoints = list(Checkpoint.objects.order_by("tree_size"))
    by_size = {c.tree_size for c in checkpoints}
    roots: dict[int, bytes] = {}
    sha256 = hashlib.sha256
    peaks: list[bytes] = []
    expected = 0
    for rows in store.iter_leaf_chunks(chunk):
        created: list[list[bytes]] = []
        first: list[int] = []
        for index, data, digest, _kind, _event_id in rows:
            if index != expected:
                raise LedgerInvalid(f"leaf {expected} is missing (the next stored leaf is {index})", expected)
            if sha256(b"\x00" + data).digest() != digest:
                raise LedgerInvalid(f"leaf {index}: its bytes do not match its stored hash", index)
            if b'"index":%d,' % index not in data:
                raise LedgerInvalid(f"leaf {index}: its bytes name another position (reordered or moved)", index)
            current, position, level = digest, index, 0
            while position & 1:
                current = sha256(b"\x01" + peaks.pop() + current).digest()
                position >>= 1
                level += 1
                if level > len(created):
                    created.append([])
                    first.append(position)
                created[level - 1].append(current)
            peaks.append(current)
            expected += 1
            if expected in by_size:
                roots[expected] = _root(peaks)
        if check_events:
            result.events += _check_chunk_events(rows, key)
        _check_subtrees(created, first, result)
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
