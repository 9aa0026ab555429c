"""The Merkle log in the database: leaves and complete-subtree hashes as rows, one writer at a time.

Appends happen inside the caller's transaction. The single writer is enforced by a transaction-scoped advisory
lock on PostgreSQL and by SQLite's BEGIN IMMEDIATE (set for every transaction in the settings). Each connection
keeps the right edge of the tree (the "peaks", O(log n) hashes) and knows without a query whether it is still
current (see `Mark`), so after the first append of a transaction an event costs one statement on PostgreSQL (audit
row, leaf and subtree hashes together). `batch()` buffers the rows of many appends and writes them with COPY /
executemany before the caller's transaction ends.
"""

import json
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from typing import Any, TypeVar

from django.db import connections, transaction

from gongzhi.core.db import repeating_cursor, sequence_of

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
        """Fetch many subtree hashes in one query (proofs need O(log n) of them): one primary-key lookup per hash,
        joined by UNION ALL, so a proof costs one round trip and O(log n) index probes on SQLite and PostgreSQL."""
        keys = sorted(set(keys))
        if not keys:
            return {}
        connection = connections["default"]
        if connection.vendor == "postgresql":
            # One short statement of fixed shape (arrays as parameters) instead of one branch per key: planning a
            # UNION ALL of ~30 lookups cost more than running them; being of fixed shape, it is also prepared on the
            # connection after a few runs (`_cursor`).
            leaves = [index for level, index in keys if level == 0]
            nodes = [(level, index) for level, index in keys if level > 0]
            with _cursor(connection) as cursor:
                cursor.execute(
                    _SQL["get_many"], [leaves, [level for level, _i in nodes], [index for _l, index in nodes]]
                )
                return {(lv, ix): _bytes(h) for lv, ix, h in cursor.fetchall()}
        leaf = 'SELECT 0, "index", leaf_hash FROM ledger_leaf WHERE "index" = %s'
        node = 'SELECT level, "index", hash FROM ledger_treenode WHERE level = %s AND "index" = %s'
        sql = " UNION ALL ".join(leaf if level == 0 else node for level, _index in keys)
        params = [v for level, index in keys for v in ((index,) if level == 0 else (level, index))]
        with _cursor(connections["default"]) as cursor:
            cursor.execute(sql, params)
            return {(lv, ix): _bytes(h) for lv, ix, h in cursor.fetchall()}


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


def inclusion(index: int, size: int) -> tuple[bytes, list[bytes]]:
    """The leaf hash and its inclusion proof, from one query."""
    return _with_prefetch(lambda s: (s.get(0, index), merkle.inclusion_proof(s, index, size)))


def consistency_proof(first: int, second: int) -> list[bytes]:
    return _with_prefetch(lambda s: merkle.consistency_proof(s, first, second))


Mark = tuple[int, Callable[[], None], tuple[str, ...]]
"""Where a no-op on-commit callback sits in `connection.run_on_commit`, the callback, and the savepoint stack then.

Django drops on-commit callbacks when their transaction ends and drops those registered while a savepoint was active
when that savepoint is rolled back (always a suffix of the list). So a mark is still alive exactly as long as rows
written next to it are still part of the transaction: the writer uses marks to know, without a query, that its cached
tree edge (and its pre-allocated ids and the writer lock) are still current, and a batch uses them to drop the
buffered rows of a rolled-back savepoint."""


def _alive(connection: Any, mark: Mark | None) -> bool:
    if mark is None:
        return False
    pending: list[Any] = connection.run_on_commit
    return mark[0] < len(pending) and pending[mark[0]][1] is mark[1]


def _mark(connection: Any, alias: str, previous: Mark | None) -> Mark:
    """A mark for rows written now; reuses `previous` when it shares their fate (alive, same savepoint stack)."""
    stack = tuple(connection.savepoint_ids)
    if previous is not None and previous[2] == stack and _alive(connection, previous):
        return previous
    marker = _noop.__get__(object())  # a fresh bound method: identity is all that matters
    position = len(connection.run_on_commit)
    transaction.on_commit(marker, using=alias)
    return (position, marker, stack)


def _noop(self: object) -> None:
    """The on-commit marker of an append (does nothing)."""


class _Writer:
    """This connection's writer state: the tree's right edge and, on PostgreSQL, audit ids taken from the sequence
    while holding the writer lock (so ids stay in leaf order). Valid while `mark` is alive."""

    def __init__(self) -> None:
        self.edge: merkle.StreamingRoot | None = None
        self.last: tuple[int, bytes] | None = None  # the last leaf when `edge` was current (reused across transactions)
        self.mark: Mark | None = None
        self.ids: list[int] = []
        self.used = 0  # ids used in this transaction: the next refill doubles, up to 1,024


class _State(threading.local):
    """Per thread (so per connection) and per database alias."""

    def __init__(self) -> None:
        self.writers: dict[str, _Writer] = {}
        self.batches: dict[str, _Batch] = {}


_state = _State()


def _writer(alias: str) -> _Writer:
    writer = _state.writers.get(alias)
    if writer is None:
        writer = _state.writers[alias] = _Writer()
    return writer


def forget_edge() -> None:
    """Drop the cached right edge (after the tables were changed behind the writer's back, e.g. in tests)."""
    _state.writers.clear()


def _cursor(connection: Any) -> Any:
    """A cursor for the ledger's hot statements. On PostgreSQL the platform's cursor for repeated statements
    (`core.db.repeating_cursor`), unwrapped: a plain psycopg cursor on Django's connection (same transaction) with
    server-side parameter binding, so each append statement is prepared on the connection after a few runs — Django's
    client-side-binding cursor costs several times more per INSERT, and the ledger runs for every write."""
    return repeating_cursor(connection, wrapped=False)


def lock_writer(alias: str = "default") -> None:
    connection = connections[alias]
    if connection.vendor == "postgresql":
        with _cursor(connection) as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_ID])


def _sequence(alias: str) -> str:
    return sequence_of(AuditEvent._meta.db_table, alias)


def _current_edge(connection: Any, alias: str) -> merkle.StreamingRoot:
    """The tree's right edge with the writer lock held. One round trip when the cached edge is not known current:
    on PostgreSQL the lock, the last leaf and a first audit id are sent together (pipelined, run in that order, so
    the last leaf is read after the lock is granted)."""
    writer = _writer(alias)
    if writer.edge is not None and _alive(connection, writer.mark):
        return writer.edge
    writer.mark, writer.ids, writer.used = None, [], 0
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        raw = connection.connection
        sequence = _sequence(alias)
        with _cursor(connection) as lock, _cursor(connection) as last, _cursor(connection) as ids:
            with raw.pipeline():
                lock.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_ID])
                last.execute(_SQL["last"])
                ids.execute("SELECT nextval(%s)", [sequence])
            row = last.fetchone()
            writer.ids = [ids.fetchone()[0]]
    else:
        with _cursor(connection) as cursor:  # SQLite: BEGIN IMMEDIATE already holds the write lock
            cursor.execute(_SQL["last"])
            row = cursor.fetchone()
    if row is None:
        edge = merkle.StreamingRoot()
    elif writer.edge is not None and writer.last == (row[0], _bytes(row[1])):
        edge = writer.edge  # nobody wrote since this connection's last append
    else:
        size = row[0] + 1
        edge = _with_prefetch(lambda s: merkle.StreamingRoot.from_store(s, size))
    writer.edge, writer.last = edge, None
    return edge


def _next_id(connection: Any, alias: str, writer: _Writer, at_least: int = 1) -> int:
    """An audit-event id from the sequence, taken while holding the writer lock (PostgreSQL)."""
    if not writer.ids:
        count = max(at_least, min(1024, max(1, writer.used)))
        with _cursor(connection) as cursor:
            cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [_sequence(alias), count])
            writer.ids = [row[0] for row in cursor.fetchall()]
        writer.ids.reverse()
    writer.used += 1
    return writer.ids.pop()


_SQL = {
    "last": 'SELECT "index", leaf_hash FROM ledger_leaf ORDER BY "index" DESC LIMIT 1',
    "get_many": 'SELECT 0, "index", leaf_hash FROM ledger_leaf WHERE "index" = ANY(%s::bigint[]) UNION ALL '
    'SELECT t.level, t."index", t.hash FROM unnest(%s::smallint[], %s::bigint[]) AS k(level, idx) '
    'JOIN ledger_treenode t ON t.level = k.level AND t."index" = k.idx',
    "leaf": 'INSERT INTO ledger_leaf ("index", kind, event_type, data, leaf_hash, event_id) '
    "VALUES (%s, %s, %s, %s, %s, %s)",
    "node": 'INSERT INTO ledger_treenode (level, "index", hash) VALUES (%s, %s, %s)',
    "append_leaf": 'WITH leaf AS (INSERT INTO ledger_leaf ("index", kind, event_type, data, leaf_hash, event_id) '
    "VALUES (%s, %s, %s, %s, %s, %s)) "
    'INSERT INTO ledger_treenode (level, "index", hash) '
    "SELECT * FROM unnest(%s::smallint[], %s::bigint[], %s::bytea[])",
    "copy_leaves": 'COPY ledger_leaf ("index", kind, event_type, data, leaf_hash, event_id) FROM STDIN',
    "copy_nodes": 'COPY ledger_treenode (level, "index", hash) FROM STDIN',
    "leaves": 'SELECT "index", data, leaf_hash, kind, event_id FROM ledger_leaf WHERE "index" > %s '
    'ORDER BY "index" LIMIT %s',
}

LeafRow = tuple[int, str, str, bytes, bytes, int | None]


def append(
    *,
    kind: str,
    event_type: str,
    make_data: Callable[[int], bytes],
    event: AuditEvent | None = None,
    alias: str = "default",
) -> int:
    """Append one leaf in the caller's transaction; `make_data(index)` builds its bytes once the index is known.
    Returns the leaf's index. `event`, if given, must already be stored (see `append_event`)."""
    connection = connections[alias]
    if not connection.in_atomic_block:
        raise RuntimeError("ledger appends must run inside the writer's transaction")
    pending = _state.batches.get(alias)
    if pending is not None:
        return pending.add(kind, event_type, make_data, event, None)
    edge = _current_edge(connection, alias)
    return _append_now(connection, alias, edge, kind, event_type, make_data, event, None)


def append_event(event: AuditEvent, *, make_data: Callable[[int], bytes], alias: str = "default") -> int:
    """INSERT a new audit event and append its leaf, in the caller's transaction (the path of `record_event`).

    On PostgreSQL the event's id comes from its sequence while the writer lock is held and the audit row, the leaf
    and the subtree hashes go to the server in one pipelined round trip; inside `batch()` they are buffered and
    written with COPY when the batch ends. Returns the leaf's index."""
    if event.pk is not None:
        raise ValueError("audit events are append-only")
    connection = connections[alias]
    if not connection.in_atomic_block:
        raise RuntimeError("ledger appends must run inside the writer's transaction")
    pending = _state.batches.get(alias)
    if pending is not None:
        return pending.add(Leaf.Kind.EVENT, event.action, make_data, event, pending.event_row(event))
    edge = _current_edge(connection, alias)
    if connection.vendor != "postgresql":
        insert_event(event, alias)
        return _append_now(connection, alias, edge, Leaf.Kind.EVENT, event.action, make_data, event, None)
    event.pk = _next_id(connection, alias, _writer(alias))
    row = _event_row(event, connection)
    _mark_written(event, alias)
    return _append_now(connection, alias, edge, Leaf.Kind.EVENT, event.action, make_data, event, row)


def _append_now(
    connection: Any,
    alias: str,
    edge: merkle.StreamingRoot,
    kind: str,
    event_type: str,
    make_data: Callable[[int], bytes],
    event: AuditEvent | None,
    event_row: list[Any] | None,
) -> int:
    writer = _writer(alias)
    previous, writer.mark, writer.last = writer.mark, None, None  # until this append has fully succeeded
    index = edge.size
    data = make_data(index)
    digest = merkle.leaf_hash(data)
    upper = edge.append(digest)[1:]
    leaf = (index, kind, event_type, data, digest, event.pk if event else None)
    if connection.vendor == "postgresql":
        # One statement (audit row, leaf and subtree hashes through data-modifying CTEs): one round trip.
        levels, indexes, hashes = [n[0] for n in upper], [n[1] for n in upper], [n[2] for n in upper]
        with _cursor(connection) as cursor:
            if event_row is not None:
                cursor.execute(_append_event_sql(), [*event_row, *leaf, levels, indexes, hashes])
            else:
                cursor.execute(_SQL["append_leaf"], [*leaf, levels, indexes, hashes])
    else:
        with _cursor(connection) as cursor:
            cursor.execute(_SQL["leaf"], leaf)
            if len(upper) == 1:
                cursor.execute(_SQL["node"], list(upper[0]))
            elif upper:
                cursor.executemany(_SQL["node"], upper)
    writer.last = (index, digest)
    writer.mark = _mark(connection, alias, previous)
    return index


Entry = tuple[LeafRow, list[Any] | None, Mark]


class _Flush:
    """Rows written by a batch inside a savepoint the batch did not begin in: they die if that savepoint rolls back,
    possibly with entries recorded before it, so they are kept until the savepoint is released."""

    def __init__(self, base: merkle.StreamingRoot, entries: list[Entry], mark: Mark, extra: frozenset[str]) -> None:
        self.base, self.entries, self.mark, self.extra = base, entries, mark, extra


class _Batch:
    """Ledger rows buffered in memory until the batch ends (or holds `FLUSH_AT` leaves), then written together.

    Indexes and audit ids are assigned at once, so callers see them as usual. Each buffered leaf carries the mark of
    the savepoint stack it was recorded in; before anything else is recorded or written, rows recorded in a savepoint
    that was rolled back since are dropped (and rows written early inside that savepoint but recorded before it are
    buffered again), so the leaves stay gap-free and never outlive, nor are outlived by, their write."""

    def __init__(self, connection: Any, alias: str, base: merkle.StreamingRoot) -> None:
        self.connection, self.alias = connection, alias
        self.stack = tuple(connection.savepoint_ids)  # the level the batch runs at
        self.base = base.copy()  # the tree as written in the database so far
        self.entries: list[Entry] = []
        self.pending: list[_Flush] = []  # written inside savepoints still open
        self.mark: Mark | None = None
        self.postgres = connection.vendor == "postgresql"
        self.next_id = 0
        self.sqlite_ids = not self.postgres
        self.last: tuple[int, bytes] | None = None  # the last leaf written
        self.written: Mark | None = None  # a mark that lives as long as the rows written so far

    def event_row(self, event: AuditEvent) -> list[Any]:
        self.sync()
        if self.postgres:
            event.pk = _next_id(self.connection, self.alias, _writer(self.alias), at_least=64)
        else:
            if self.sqlite_ids:  # SQLite: the write lock is ours (BEGIN IMMEDIATE); continue after the largest id
                with self.connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT MAX(m) FROM (SELECT MAX(id) AS m FROM ledger_auditevent UNION ALL "
                        "SELECT seq FROM sqlite_sequence WHERE name = 'ledger_auditevent')"
                    )
                    self.next_id = (cursor.fetchone()[0] or 0) + 1
                self.sqlite_ids = False
            event.pk = self.next_id
            self.next_id += 1
        row = _event_row(event, self.connection)
        _mark_written(event, self.alias)
        return row

    def add(
        self,
        kind: str,
        event_type: str,
        make_data: Callable[[int], bytes],
        event: AuditEvent | None,
        event_row: list[Any] | None,
    ) -> int:
        if event_row is None:
            self.sync()
        index = self.base.size + len(self.entries)
        data = make_data(index)
        self.mark = _mark(self.connection, self.alias, self.mark)
        leaf = (index, kind, event_type, data, merkle.leaf_hash(data), event.pk if event else None)
        self.entries.append((leaf, event_row, self.mark))
        if len(self.entries) >= FLUSH_AT:
            self.flush()
        return index

    def sync(self) -> None:
        """Catch up with savepoints released or rolled back since the last call."""
        connection = self.connection
        if self.pending:
            open_now = set(connection.savepoint_ids)
            dead = next((i for i, f in enumerate(self.pending) if not _alive(connection, f.mark)), None)
            if dead is not None:
                # Rolled back: the database is back where that write began; what was recorded before the savepoint
                # is buffered again (later writes died with it too: rollbacks undo a suffix).
                self.base = self.pending[dead].base
                self.entries = [e for f in self.pending[dead:] for e in f.entries] + self.entries
                del self.pending[dead:]
            # Released into the batch's own level: those rows now live exactly as long as the batch.
            self.pending = [f for f in self.pending if f.extra & open_now]
        entries = self.entries
        if entries and not _alive(connection, entries[-1][2]):
            while entries and not _alive(connection, entries[-1][2]):  # a rolled-back savepoint's suffix
                entries.pop()

    def flush(self) -> None:
        self.sync()
        if not self.entries:
            return
        edge = self.base.copy()
        leaves, events, nodes = [], [], []
        for leaf, event_row, _ in self.entries:
            leaves.append(leaf)
            if event_row is not None:
                events.append(event_row)
            created = edge.append(leaf[4])
            if len(created) > 1:
                nodes.extend(created[1:])
        _write_rows(self.connection, events, leaves, nodes)
        self.written = _mark(self.connection, self.alias, self.mark)
        extra = frozenset(self.connection.savepoint_ids) - frozenset(self.stack)
        if extra:
            self.pending.append(_Flush(self.base, self.entries, self.written, extra))
        self.last = (leaves[-1][0], leaves[-1][4])
        self.base = edge
        self.entries = []


FLUSH_AT = 10_000


def _write_rows(connection: Any, events: list[list[Any]], leaves: list[LeafRow], nodes: list[merkle.Node]) -> None:
    """Audit rows first (leaves reference them), then leaves and subtree hashes: COPY on PostgreSQL, one
    `executemany` per table on SQLite."""
    if connection.vendor == "postgresql":
        with _cursor(connection) as cursor:
            for sql, rows in ((_event_copy_sql(), events), (_SQL["copy_leaves"], leaves), (_SQL["copy_nodes"], nodes)):
                if rows:
                    with cursor.copy(sql) as copy:
                        for row in rows:
                            copy.write_row(row)
    else:
        with connection.cursor() as cursor:
            if events:
                cursor.executemany(_event_sql(connection.vendor, with_id=True), events)
            cursor.executemany(_SQL["leaf"], leaves)
            if nodes:
                cursor.executemany(_SQL["node"], nodes)


@contextmanager
def batch(alias: str = "default") -> Iterator[None]:
    """Buffer the ledger rows (audit rows, leaves, subtree hashes) of many appends and write them together when the
    block ends — COPY on PostgreSQL, `executemany` on SQLite — still inside the caller's transaction:
    `with transaction.atomic(), store.batch(): …` (or `services.ledger_batch()`).

    Every event still gets its audit row and leaf in the transaction of its write, with its id and leaf index known
    at once. Inside the block the buffered rows cannot be read back (queries do not see them; roots and proofs
    cover the rows written before the block). Rows recorded inside a savepoint that rolls back are dropped. An
    exception leaves the buffer unwritten and must roll the transaction back (it does when it propagates out of
    `atomic`)."""
    connection = connections[alias]
    if not connection.in_atomic_block:
        raise RuntimeError("a ledger batch must run inside the writer's transaction")
    if alias in _state.batches:  # nested: the outermost batch writes
        yield
        return
    pending = _state.batches[alias] = _Batch(connection, alias, _current_edge(connection, alias))
    writer = _writer(alias)
    writer.mark = None  # the batch owns the edge until it ends
    try:
        yield
        pending.flush()
        if pending.written is not None:
            writer.edge, writer.last = pending.base, pending.last
            writer.mark = pending.written if _alive(connection, pending.written) else None
    except BaseException:
        # The buffered rows are lost: make sure the writes they record cannot commit without them (this rolls back
        # the innermost savepoint around the batch, or the transaction).
        transaction.set_rollback(True, using=alias)
        raise
    finally:
        del _state.batches[alias]


def _mark_written(event: AuditEvent, alias: str) -> None:
    event._state.adding = False
    event._state.db = alias


def _event_row(event: AuditEvent, connection: Any) -> list[Any]:
    """The INSERT parameters of a new audit event (id first), prepared by the model's own fields, so they are stored
    exactly as `save()` would store them (a `str` for a text column is stored as it is, which is what the field
    would do, without the call chain)."""
    row: list[Any] = [event.pk]
    for field, attname, text, auto in _event_preparers():
        value = field.pre_save(event, True) if auto else getattr(event, attname)
        row.append(value if text and value.__class__ is str else field.get_db_prep_save(value, connection))
    return row


@cache
def _event_preparers() -> list[tuple[Any, str, bool, bool]]:
    from django.db.models import CharField, TextField

    return [
        (
            f,
            f.attname,
            isinstance(f, CharField | TextField) and not f.is_relation,
            bool(getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)),
        )
        for f in _event_fields()
    ]


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
        cursor.execute(_event_sql(connection.vendor, returning=returning), params)
        event.pk = cursor.fetchone()[0] if returning else cursor.lastrowid
    _mark_written(event, alias)


@cache
def _event_fields() -> list[Any]:
    return [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]


def _event_columns(with_id: bool) -> list[str]:
    quote = connections["default"].ops.quote_name
    return [quote(f.column) for f in ([AuditEvent._meta.pk] if with_id else []) + _event_fields()]


@cache
def _event_sql(vendor: str, *, returning: bool = False, with_id: bool = False) -> str:
    columns = _event_columns(with_id)
    quote = connections["default"].ops.quote_name
    sql = (
        f"INSERT INTO {quote(AuditEvent._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    return sql + (f" RETURNING {quote('id')}" if returning else "")


@cache
def _append_event_sql() -> str:
    """PostgreSQL: the audit row, its leaf and the subtree hashes the leaf completes, in one statement."""
    return f"WITH event AS ({_event_sql('postgresql', with_id=True)}), {_SQL['append_leaf'].removeprefix('WITH ')}"


@cache
def _event_copy_sql() -> str:
    quote = connections["default"].ops.quote_name
    return f"COPY {quote(AuditEvent._meta.db_table)} ({', '.join(_event_columns(True))}) FROM STDIN"


def iter_leaf_chunks(chunk: int = 20_000) -> Iterator[list[tuple[int, bytes, bytes, str, int | None]]]:
    """Lists of (index, data, leaf_hash, kind, event_id) in index order, fetched in keyset chunks with plain SQL (the
    hot loop of a full verification; on PostgreSQL in binary format, so bytea needs no hex decoding)."""
    connection = connections["default"]
    start = -1
    cursor = _cursor(connection)
    if connection.vendor == "postgresql":
        import psycopg

        cursor.format = psycopg.pq.Format.BINARY
    with cursor:
        while True:
            cursor.execute(_SQL["leaves"], [start, chunk])
            rows = cursor.fetchall()
            if not rows:
                return
            if connection.vendor != "postgresql":
                rows = [(i, bytes(d), bytes(h), k, e) for i, d, h, k, e in rows]
            yield rows
            start = rows[-1][0]


def node_runs(ranges: list[tuple[int, int, int]]) -> dict[int, list[tuple[int, bytes]]]:
    """Stored subtree hashes for several (level, low, high) ranges, in one query: {level: [(index, hash), …]} in
    index order (binary results on PostgreSQL: no hex decoding of ~one hash per leaf during a full verification)."""
    if not ranges:
        return {}
    one = 'SELECT level, "index", hash FROM ledger_treenode WHERE level = %s AND "index" BETWEEN %s AND %s'
    sql = " UNION ALL ".join([one] * len(ranges))
    out: dict[int, list[tuple[int, bytes]]] = {level: [] for level, _low, _high in ranges}
    connection = connections["default"]
    with _cursor(connection) as cursor:
        if connection.vendor == "postgresql":
            import psycopg

            cursor.format = psycopg.pq.Format.BINARY
        cursor.execute(sql, [v for r in ranges for v in r])
        for level, index, value in cursor.fetchall():
            out[level].append((index, value))
    for rows in out.values():
        rows.sort()  # already in order in practice (primary-key range scans): linear
    return out


def event_rows(low: int, high: int) -> dict[int, tuple[Any, ...]]:
    """Audit rows with id in [low, high] as {id: (id, occurred_at, actor_id, actor_role, scope_path, action,
    target_type, target_id, before, after)}, with the values the model's fields would give (aware datetimes, decoded
    JSON) but without the ORM's per-row converters: a full verification reads every audit row."""
    connection = connections["default"]
    sql = (
        "SELECT id, occurred_at, actor_id, actor_role, scope_path, action, target_type, target_id, before, after "
        "FROM ledger_auditevent WHERE id BETWEEN %s AND %s"
    )
    with _cursor(connection) as cursor:
        cursor.execute(sql, [low, high])
        rows = cursor.fetchall()
    # As the fields' from_db_value: JSON arrives as text (Django registers a text loader for jsonb on PostgreSQL;
    # SQLite stores text) and is decoded; SQLite datetimes are naive UTC, PostgreSQL's are aware already.
    loads = json.loads
    return {
        row[0]: (
            row[0],
            _aware(row[1]),
            *row[2:8],
            loads(row[8]) if isinstance(row[8], str) else row[8],
            loads(row[9]) if isinstance(row[9], str) else row[9],
        )
        for row in rows
    }


def _aware(value: datetime | str) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
