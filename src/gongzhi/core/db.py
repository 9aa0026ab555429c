"""Small database helpers shared by the domains (PostgreSQL specifics behind one name each)."""

import re
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, models

from .cache import ProcessCache


@cache
def sequence_of(table: str, alias: str = "default") -> str:
    """The name of the sequence behind `table`'s `id` (PostgreSQL)."""
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        return str(cursor.fetchone()[0])


def next_id(model: type[models.Model], alias: str = "default") -> int | None:
    """A primary key taken from the model's sequence before the INSERT (PostgreSQL), so a value derived from it (an
    appeal number) goes into the same INSERT instead of a second UPDATE of a freshly written row; None on a database
    without sequences (SQLite: insert first, then derive)."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [sequence_of(model._meta.db_table, alias)])
        return int(cursor.fetchone()[0])


def repeating_cursor(connection: Any, *, wrapped: bool = True) -> Any:
    """A cursor for a statement the process runs over and over: on PostgreSQL one that binds parameters on the server,
    so psycopg prepares the statement after `prepare_threshold` runs on a connection (settings: 5; psycopg keeps a
    bounded LRU of them and deallocates what falls out) and PostgreSQL stops planning it on every call. Django's own
    cursors bind on the client and never prepare, so every other query of the platform is sent as before. Elsewhere
    the connection's own cursor. Wrapped as Django wraps its cursors (error translation, execute wrappers, capture)
    unless `wrapped=False`: the ledger's appends use the raw psycopg cursor (pipeline mode, binary results) in the
    same transaction."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    import psycopg
    from django.db.backends.postgresql.base import ServerBindingCursor  # type: ignore[attr-defined]
    from django.db.backends.postgresql.psycopg_any import register_tzloader  # type: ignore[import-untyped]

    connection.close_if_health_check_failed()  # as Django's cursor() does
    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = ServerBindingCursor(connection.connection)
    timestamptz = psycopg.adapters.types["timestamptz"].oid
    if connection.timezone_name == "UTC" and connection.timezone is UTC:
        # psycopg's compiled loader answers in the session's zone, which Django set to UTC: the same values as
        # Django's loader (a pure-Python subclass, ~10 µs a value) gives, several times cheaper.
        raw.adapters.register_loader(timestamptz, psycopg.adapters.get_loader(timestamptz, psycopg.pq.Format.TEXT))
    elif connection.timezone != raw.adapters.get_loader(timestamptz, psycopg.pq.Format.TEXT).timezone:
        register_tzloader(connection.timezone, raw)  # as Django's create_cursor does
    if not wrapped:
        return raw
    return connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)


class HotQuery:
    """A query on a hot path (every API request runs it) whose SQL the ORM builds and compiles once per shape and
    connection, then runs with each call's values — the ORM still describes the query (joins, columns, scope, order),
    only its per-call compilation (~0.6 ms of Python for a list or a select_related lookup) is saved.

    `rows(shape, build, **values)`: `shape` is everything that changes the SQL's text (which scope column, whether a
    keyset cursor is present, the LIMIT, constant lists); `values` are the scalars that only fill its placeholders
    (str, int or aware datetime). On a miss `build(slots)` is called with a unique stand-in per value and must return a
    `values_list` queryset; each stand-in must reach the SQL as a plain parameter (an exact or range lookup, not a
    transformed one such as `startswith`), else `ValueError`. Rows come back as tuples, through the same database
    converters the ORM applies (booleans and datetimes on SQLite, JSON). On PostgreSQL the statement is prepared per
    connection (`repeating_cursor`), so it is not planned again on every call."""

    _INT_BASE = 1_987_650_000  # inside 32-bit range: out-of-range integers make the ORM compile a different query

    def __init__(self, name: str, size: int = 512) -> None:
        self.name = name
        self._compiled: ProcessCache[tuple[Any, ...], tuple[str, list[tuple[str | None, Any]], dict[int, Any]]]
        self._compiled = ProcessCache(size=size)

    def _stand_in(self, index: int, value: Any) -> Any:
        if isinstance(value, bool):
            raise TypeError(f"{self.name}: a bool belongs in the shape, not in the values")
        if isinstance(value, str):
            return f"\x1f{self.name}:{index}\x1f"
        if isinstance(value, int):
            return self._INT_BASE + index
        if isinstance(value, datetime):
            return datetime(1970, 1, 1, 0, 0, 0, 424_200 + index, tzinfo=UTC)
        raise TypeError(f"{self.name}: values must be str, int or datetime, not {type(value).__name__}")

    @staticmethod
    def _adapt(connection: Any, value: Any) -> Any:
        return connection.ops.adapt_datetimefield_value(value) if isinstance(value, datetime) else value

    def _compile(
        self,
        connection: Any,
        alias: str,
        build: Callable[[dict[str, Any]], "models.QuerySet[Any]"],
        values: dict[str, Any],
    ) -> tuple[str, list[tuple[str | None, Any]], dict[int, Any]]:
        """(sql, one (slot name, None) or (None, constant) per placeholder, converters). On PostgreSQL the constants
        are written into the SQL as literals (quoted by psycopg), so the prepared statement's generic plan still sees,
        e.g., the open statuses that a partial index's predicate names; only the slots stay parameters."""
        slots = {name: self._stand_in(i, value) for i, (name, value) in enumerate(sorted(values.items()))}
        compiler = build(slots).query.get_compiler(using=alias)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # e.g. `__in=()`: no row can match, whatever the values (the ORM answers [] too)
            return "", [], {}
        adapted = {name: self._adapt(connection, stand_in) for name, stand_in in slots.items()}
        template: list[tuple[str | None, Any]] = []
        for param in params:
            name = next((n for n, s in adapted.items() if type(param) is type(s) and param == s), None)
            template.append((name, None) if name is not None else (None, param))
        missing = set(slots) - {name for name, _ in template}
        leaked = [
            c for n, c in template if n is None and any(isinstance(s, str) and s in str(c) for s in adapted.values())
        ]
        if missing or leaked:  # a transformed stand-in (a LIKE pattern) would be frozen into the SQL as a constant
            raise ValueError(f"{self.name}: {sorted(missing) or leaked} did not reach the SQL as plain parameters")
        if connection.vendor == "postgresql":
            pieces, placeholder = [], iter(template)
            for piece in re.split(r"(%%|%s)", sql):
                if piece == "%s":
                    name, constant = next(placeholder)
                    if name is None:
                        piece = connection.ops.compose_sql("%s", [constant]).replace("%", "%%")
                pieces.append(piece)
            sql, template = "".join(pieces), [(name, None) for name, _ in template if name is not None]
        converters = compiler.get_converters([column for column, _, _ in compiler.select])
        return sql, template, converters

    def rows(
        self,
        shape: tuple[Any, ...],
        build: Callable[[dict[str, Any]], models.QuerySet[Any]],
        *,
        using: str = "default",
        **values: Any,
    ) -> list[tuple[Any, ...]]:
        connection = connections[using]
        key = (shape, using, id(connection), tuple(sorted(values)))
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compile(connection, using, build, values)
            self._compiled.put(key, compiled)
        sql, template, converters = compiled
        if not sql:
            return []
        bound = [constant if name is None else self._adapt(connection, values[name]) for name, constant in template]
        with repeating_cursor(connection) as cursor:
            cursor.execute(sql, bound)
            fetched = cursor.fetchall()
        if not converters:
            return [tuple(row) for row in fetched]
        result = []
        for row in fetched:
            row = list(row)
            for position, (functions, expression) in converters.items():
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            result.append(tuple(row))
        return result
