"""Key rotation: re-encrypt every vault column under the current key (`rotate`), or recompute every blind index
under the current index key from the decrypted values (`rotate_index`); in batches, each batch its own transaction.

Resumable and idempotent: rows already under the current key are skipped, so an interrupted run is simply re-run.
"""

from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.db.models import Model

from gongzhi.core.actors import SYSTEM

from . import events, vault
from .models import GroupFlag, Household, Resident, SubjectRequest

# (model, [(column, vault field name)])
COLUMNS: list[tuple[type[Model], list[tuple[str, str]]]] = [
    (Resident, [("id_enc", "id_number"), ("phone_enc", "phone")]),
    (Household, [("address_enc", "address")]),
    (GroupFlag, [("group_enc", "group"), ("note_enc", "note")]),
    (SubjectRequest, [("details_enc", "request")]),
]


def rotate(*, batch_size: int = 2000, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    current = vault.keyring().current
    done: dict[str, int] = {}
    for model, columns in COLUMNS:
        label = model._meta.model_name or ""
        count = 0
        last_pk = 0
        while True:
            names = [c for c, _f in columns]
            rows = list(model._default_manager.filter(pk__gt=last_pk).order_by("pk").values("pk", *names)[:batch_size])
            if not rows:
                break
            last_pk = rows[-1]["pk"]
            stale: list[dict[str, Any]] = [
                r for r in rows if any(r[c] is not None and vault.needs_rotation(r[c]) for c, _f in columns)
            ]
            if stale:
                with transaction.atomic():
                    objs = []
                    for r in stale:
                        obj = model(pk=r["pk"])
                        for column, field in columns:
                            blob = r[column]
                            if blob is not None:
                                setattr(obj, column, vault.encrypt(field, vault.decrypt(field, blob)))
                            else:
                                setattr(obj, column, None)
                        objs.append(obj)
                    model._default_manager.bulk_update(objs, [c for c, _f in columns])
                    events.keys_rotated(actor=SYSTEM, table=label, count=len(stale), key_id=current)
                count += len(stale)
            if progress is not None:
                progress(label, count)
        done[label] = count
    return done


def _resident_indexes(row: dict[str, Any], key_id: str) -> dict[str, Any]:
    """A resident's blind indexes recomputed from its decrypted ID and mobile numbers. An erased record keeps its
    placeholder (its ID number was overwritten with an empty one)."""
    changes: dict[str, Any] = {"index_key": key_id, "id_index": row["id_index"]}
    if row["erased_at"] is None:
        changes["id_index"] = vault.blind_index("id_number", vault.decrypt("id_number", row["id_enc"]))
    blob = row["phone_enc"]
    changes["phone_index"] = vault.blind_index("phone", vault.decrypt("phone", blob)) if blob is not None else ""
    return changes


def _flag_indexes(row: dict[str, Any], key_id: str) -> dict[str, Any]:
    return {"index_key": key_id, "group_index": vault.blind_index("group", vault.decrypt("group", row["group_enc"]))}


# (model, columns read, function computing the new values of the columns written)
INDEXED: list[tuple[type[Model], list[str], Callable[[dict[str, Any], str], dict[str, Any]], list[str]]] = [
    (
        Resident,
        ["id_enc", "id_index", "phone_enc", "erased_at"],
        _resident_indexes,
        ["id_index", "phone_index", "index_key"],
    ),
    (GroupFlag, ["group_enc"], _flag_indexes, ["group_index", "index_key"]),
]


def _write(model: type[Model], changes: list[tuple[int, dict[str, Any]]], columns: list[str]) -> None:
    """Write a batch of recomputed text columns: on PostgreSQL one `UPDATE … FROM (VALUES …)` (bulk_update's CASE
    per column grows with the square of the batch), elsewhere bulk_update."""
    if connection.vendor != "postgresql":
        objs = []
        for pk, values in changes:
            obj = model(pk=pk)
            for name, value in values.items():
                setattr(obj, name, value)
            objs.append(obj)
        model._default_manager.bulk_update(objs, columns)
        return
    table = model._meta.db_table
    row = "(%s::bigint" + ", %s::text" * len(columns) + ")"
    params: list[Any] = []
    for pk, values in changes:
        params.append(pk)
        params.extend(values[c] for c in columns)
    assignments = ", ".join(f"{c} = v.{c}" for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS t SET {assignments} FROM (VALUES {', '.join([row] * len(changes))}) "  # noqa: S608
            f"AS v(id, {', '.join(columns)}) WHERE t.id = v.id",
            params,
        )


def index_rotation_stale() -> dict[str, int]:
    """Rows per table whose blind indexes are not (known to be) under the current index key."""
    current = vault.index_key_id()
    return {
        model._meta.model_name or "": model._default_manager.exclude(index_key=current).count()
        for model, *_r in INDEXED
    }


def rotate_index(*, batch_size: int = 2000, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Recompute the blind indexes (ID number, mobile, special group) of every row not under the current index key,
    from the decrypted values, and record the key id on the row; a ledger event per batch."""
    current = vault.index_key_id()
    done: dict[str, int] = {}
    for model, columns, compute, written in INDEXED:
        label = model._meta.model_name or ""
        count = 0
        last_pk = 0
        while True:
            # Read and write each batch under row locks: a concurrent edit (a new mobile number) either lands
            # before the batch reads it or waits for it, so no index is computed from a value being replaced.
            with transaction.atomic():
                rows = list(
                    model._default_manager.filter(pk__gt=last_pk)
                    .order_by("pk")
                    .select_for_update()
                    .values("pk", "index_key", *columns)[:batch_size]
                )
                if not rows:
                    break
                last_pk = rows[-1]["pk"]
                stale = [r for r in rows if r["index_key"] != current]
                if stale:
                    _write(model, [(r["pk"], compute(r, current)) for r in stale], written)
                    events.index_key_rotated(actor=SYSTEM, table=label, count=len(stale), key_id=current)
            count += len(stale)
            if progress is not None:
                progress(label, count)
        done[label] = count
    return done
