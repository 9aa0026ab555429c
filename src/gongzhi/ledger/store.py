"""The Merkle log in the database: leaves and complete-subtree hashes as rows, one writer at a time.

Appends happen inside the caller's transaction. The single writer is enforced by a transaction-scoped advisory
lock on PostgreSQL and by SQLite's BEGIN IMMEDIATE (set for every transaction in the settings). Each connection
keeps the right edge of the tree (the "peaks", O(log n) hashes) between appends so that an append costs one read
(the last leaf, to check the cached edge is still current) and at most two writes.
"""

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any, TypeVar

from django.db import connections, transaction
from django.db.models import Q

from . import merkle
from .models import AuditEvent, Leaf, TreeNode

T = TypeVar("T")
LOCK_ID = 0x676F6E67  # "gong": the advisory lock key of the ledger's single writer


def _bytes(value: bytes | memoryview) -> bytes:
    return bytes(value)


class DbHashStore:
    """`merkle.HashStore` over the ledger tables: level 0 from the leaves, higher levels from `TreeNode`."""

    def get(self, level: int, index: int) -> bytes:
        if level == 0:
            row = Leaf.objects.filter(index=index).values_list("leaf_hash", flat=True).first()
        else:
            row = TreeNode.objects.filter(level=level, index=index).values_list("hash", flat=True).first()
        if row is None:
            raise KeyError(f"no stored subtree at level {level}, index {index}")
        return _bytes(row)

    def put_many(self, items: Iterable[merkle.Node]) -> None:
        TreeNode.objects.bulk_create(TreeNode(level=lv, index=ix, hash=h) for lv, ix, h in items if lv > 0)

    def get_many(self, keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
        """Fetch many subtree hashes in at most two queries (proofs need O(log n) of them)."""
        keys = set(keys)
        found: dict[tuple[int, int], bytes] = {}
        leaves = [ix for lv, ix in keys if lv == 0]
        if leaves:
            for ix, h in Leaf.objects.filter(index__in=leaves).values_list("index", "leaf_hash"):
                found[(0, ix)] = _bytes(h)
        q = Q()
        for lv, ix in keys:
            if lv > 0:
                q |= Q(level=lv, index=ix)
        if q:
            for lv, ix, h in TreeNode.objects.filter(q).values_list("level", "index", "hash"):
                found[(lv, ix)] = _bytes(h)
        return found


class _Recorder:
    """A store that records which subtrees an algorithm reads (answering zeros) so they can be fetched at once."""

    def __init__(self) -> None:
        self.keys: list[tuple[int, int]] = []

    def get(self, level: int, index: int) -> bytes:
        self.keys.append((level, index))
        return bytes(merkle.HASH_SIZE)

    def put_many(self, items: Iterable[merkle.Node]) -> None:  # pragma: no cover - never written
        raise TypeError("read-only hash store: proof algorithms never write")


class _Prefetched:
    def __init__(self, nodes: dict[tuple[int, int], bytes]) -> None:
        self.nodes = nodes

    def get(self, level: int, index: int) -> bytes:
        try:
            return self.nodes[(level, index)]
        except KeyError:
            raise KeyError(f"no stored subtree at level {level}, index {index}") from None

    def put_many(self, items: Iterable[merkle.Node]) -> None:  # pragma: no cover - never written
        raise TypeError("read-only hash store: proof algorithms never write")


def _with_prefetch(run: Callable[[merkle.HashStore], T]) -> T:
    """Run a read-only merkle algorithm twice: once to learn which nodes it reads, then over those nodes fetched in
    two queries, so a proof at millions of leaves costs two round trips instead of dozens."""
    recorder = _Recorder()
    run(recorder)
    return run(_Prefetched(DbHashStore().get_many(recorder.keys)))


def tree_size() -> int:
    last = Leaf.objects.order_by("-index").values_list("index", flat=True).first()
    return 0 if last is None else last + 1


def root(size: int) -> bytes:
    return _with_prefetch(lambda s: merkle.root(s, size))


def inclusion_proof(index: int, size: int) -> list[bytes]:
    return _with_prefetch(lambda s: merkle.inclusion_proof(s, index, size))


def consistency_proof(first: int, second: int) -> list[bytes]:
    return _with_prefetch(lambda s: merkle.consistency_proof(s, first, second))


class _Edge(threading.local):
    """Per-thread (so per-connection) cache of the tree's right edge and of the transaction it is valid in."""

    def __init__(self) -> None:
        self.by_alias: dict[str, tuple[int, bytes, merkle.StreamingRoot, object]] = {}
        self.batches: dict[str, _Batch] = {}


class _Batch:
    def __init__(self, edge: merkle.StreamingRoot) -> None:
        self.edge = edge
        self.leaves: list[tuple[int, str, str, bytes, bytes, int | None]] = []
        self.nodes: list[merkle.Node] = []


_edge = _Edge()


def forget_edge() -> None:
    """Drop the cached right edge (after the tables were changed behind the writer's back, e.g. in tests)."""
    _edge.by_alias.clear()


def _still_in_transaction_of(connection: Any, marker: object) -> bool:
    """Is this still the transaction (and savepoint) of the append that left `marker`?

    Every append registers a no-op on-commit callback as its marker. Django clears the on-commit list when the
    transaction commits or rolls back and drops the callbacks of a rolled-back savepoint, so the marker still being
    the last entry means nothing has been undone since and the writer lock is still held: the cached edge is
    current without reading the database. Anything else (another callback registered since, a new transaction)
    merely falls back to reading the last leaf."""
    pending: list[Any] = getattr(connection, "run_on_commit", None) or []
    return bool(pending) and pending[-1][1] is marker


def _cursor(connection: Any) -> Any:
    """A cursor for the ledger's hot statements. On PostgreSQL a plain psycopg cursor on Django's connection (same
    transaction) with server-side parameter binding: Django's client-side-binding cursor costs several times more
    per INSERT, and the ledger runs a few INSERTs for every write of the platform."""
    if connection.vendor == "postgresql":
        import psycopg

        connection.ensure_connection()
        return psycopg.Cursor(connection.connection)
    return connection.cursor()


def lock_writer(alias: str = "default") -> None:
    connection = connections[alias]
    if connection.vendor == "postgresql":
        with _cursor(connection) as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_ID])


def _current_edge(connection: Any, cursor: Any, alias: str) -> merkle.StreamingRoot:
    cached = _edge.by_alias.get(alias)
    if cached is not None and _still_in_transaction_of(connection, cached[3]):
        return cached[2]
    lock_writer(alias)
    cursor.execute(_SQL["last"])
    last = cursor.fetchone()
    if last is None:
        return merkle.StreamingRoot()
    if cached is not None and cached[0] == last[0] and cached[1] == _bytes(last[1]):
        return cached[2]
    return merkle.StreamingRoot.from_store(DbHashStore(), last[0] + 1)


_SQL = {
    "last": 'SELECT "index", leaf_hash FROM ledger_leaf ORDER BY "index" DESC LIMIT 1',
    "leaf": 'INSERT INTO ledger_leaf ("index", kind, event_type, data, leaf_hash, event_id) '
    "VALUES (%s, %s, %s, %s, %s, %s)",
    "node": 'INSERT INTO ledger_treenode (level, "index", hash) VALUES (%s, %s, %s)',
    "leaves": 'SELECT "index", data, leaf_hash, kind, event_id FROM ledger_leaf WHERE "index" > %s '
    'ORDER BY "index" LIMIT %s',
    "nodes": 'SELECT "index", hash FROM ledger_treenode WHERE level = %s AND "index" BETWEEN %s AND %s',
}


def append(
    *,
    kind: str,
    event_type: str,
    make_data: Callable[[int], bytes],
    event: AuditEvent | None = None,
    alias: str = "default",
) -> int:
    """Append one leaf in the caller's transaction; `make_data(index)` builds its bytes once the index is known.
    Returns the leaf's index. (Plain SQL: this runs once per service write, so it is kept to three statements.)"""
    connection = connections[alias]
    if not connection.in_atomic_block:
        raise RuntimeError("ledger appends must run inside the writer's transaction")
    pending = _edge.batches.get(alias)
    if pending is not None:
        index = pending.edge.size
        data = make_data(index)
        digest = merkle.leaf_hash(data)
        pending.leaves.append((index, kind, event_type, data, digest, event.pk if event else None))
        pending.nodes.extend(n for n in pending.edge.append(digest) if n[0] > 0)
        return index
    with _cursor(connection) as cursor:
        edge = _current_edge(connection, cursor, alias)
        _edge.by_alias.pop(alias, None)  # until this append has fully succeeded
        index = edge.size
        data = make_data(index)
        digest = merkle.leaf_hash(data)
        cursor.execute(_SQL["leaf"], [index, kind, event_type, data, digest, event.pk if event else None])
        upper = [(lv, ix, h) for lv, ix, h in edge.append(digest) if lv > 0]
        if len(upper) == 1:
            cursor.execute(_SQL["node"], list(upper[0]))
        elif upper:
            cursor.executemany(_SQL["node"], upper)
    _remember(alias, index, digest, edge)
    return index


def _remember(alias: str, index: int, digest: bytes, edge: merkle.StreamingRoot) -> None:
    marker = _noop.__get__(object())  # a fresh bound method: identity is all that matters
    transaction.on_commit(marker, using=alias)
    _edge.by_alias[alias] = (index, digest, edge, marker)


@contextmanager
def batch(alias: str = "default") -> Iterator[None]:
    """Buffer the ledger rows of many appends and write them in two multi-row statements when the block ends,
    still inside the caller's transaction (for imports and seeds: `with transaction.atomic(), store.batch(): …`).

    Every event still gets its leaf in the transaction of its write. Inside the block the tree cannot be read
    (roots, proofs); an exception leaves the rows unwritten and must roll the transaction back (it does when it
    propagates out of `atomic`). A leaf whose event was rolled back by an inner savepoint makes the commit fail on
    the deferred foreign key rather than go unnoticed."""
    connection = connections[alias]
    if not connection.in_atomic_block:
        raise RuntimeError("a ledger batch must run inside the writer's transaction")
    if alias in _edge.batches:  # nested: the outermost batch writes
        yield
        return
    with _cursor(connection) as cursor:
        edge = _current_edge(connection, cursor, alias)
    _edge.by_alias.pop(alias, None)
    pending = _edge.batches[alias] = _Batch(edge)
    try:
        yield
        if pending.leaves:
            with _cursor(connection) as cursor:
                cursor.executemany(_SQL["leaf"], pending.leaves)
                if pending.nodes:
                    cursor.executemany(_SQL["node"], pending.nodes)
            _remember(alias, pending.leaves[-1][0], pending.leaves[-1][4], pending.edge)
    finally:
        del _edge.batches[alias]


def _noop(self: object) -> None:
    """The on-commit marker of an append (does nothing)."""


def insert_event(event: AuditEvent, alias: str = "default") -> None:
    """INSERT one new audit event with plain SQL (the ORM's per-row compilation was most of a write's audit cost);
    values are prepared by the model's own fields, so they are stored exactly as `save()` would store them."""
    if event.pk is not None:
        raise ValueError("audit events are append-only")
    connection = connections[alias]
    fields = _event_fields()
    params = [f.get_db_prep_save(f.pre_save(event, True), connection) for f in fields]
    returning = connection.features.can_return_columns_from_insert
    with _cursor(connection) as cursor:
        cursor.execute(_event_sql(connection.vendor, returning), params)
        event.pk = cursor.fetchone()[0] if returning else cursor.lastrowid
    event._state.adding = False
    event._state.db = alias


@cache
def _event_fields() -> list[Any]:
    return [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]


@cache
def _event_sql(vendor: str, returning: bool) -> str:
    quote = connections["default"].ops.quote_name
    columns = ", ".join(quote(f.column) for f in _event_fields())
    placeholders = ", ".join(["%s"] * len(_event_fields()))
    sql = f"INSERT INTO {quote(AuditEvent._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    return sql + (f" RETURNING {quote('id')}" if returning else "")


def iter_leaves(chunk: int = 5000) -> Iterator[tuple[int, bytes, bytes, str, int | None]]:
    """(index, data, leaf_hash, kind, event_id) in index order, fetched in keyset chunks with plain SQL (this is the
    hot loop of a full verification)."""
    start = -1
    with _cursor(connections["default"]) as cursor:
        while True:
            cursor.execute(_SQL["leaves"], [start, chunk])
            rows = cursor.fetchall()
            if not rows:
                return
            for index, data, digest, kind, event_id in rows:
                yield index, bytes(data), bytes(digest), kind, event_id
            start = rows[-1][0]


def nodes_between(level: int, low: int, high: int) -> dict[int, bytes]:
    """Stored subtree hashes of one level with index in [low, high]."""
    with _cursor(connections["default"]) as cursor:
        cursor.execute(_SQL["nodes"], [level, low, high])
        return {index: bytes(value) for index, value in cursor.fetchall()}
