"""Key rotation: re-encrypt every vault column under the current key, in batches, each batch its own transaction.

Resumable and idempotent: rows already under the current key are skipped, so an interrupted run is simply re-run.
"""

from collections.abc import Callable
from typing import Any

from django.db import transaction
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
                    events.keys_rotated(actor=SYSTEM, table=label, count=len(objs), key_id=current)
                count += len(stale)
            if progress is not None:
                progress(label, count)
        done[label] = count
    return done
