"""Small database helpers shared by the domains (PostgreSQL specifics behind one name each)."""

from functools import cache

from django.db import connections, models


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
