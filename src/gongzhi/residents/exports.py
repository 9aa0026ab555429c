"""Exports in the import template's columns: masked unless the exporter holds the reveal permission and states a
purpose; every export is logged (who, how many rows, masked or not, filters)."""

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from gongzhi.core.spreadsheets import workbook_bytes

from . import events, vault
from .importer import COLUMNS
from .models import Resident
from .permissions import policy
from .services import group_labels

HEADERS = [c.header for c in COLUMNS[:14]]


def may_export_plaintext(viewer: Any, roots: list[str]) -> bool:
    """Plaintext only when every exported row lies inside the viewer's reveal scope."""
    reveal_roots = policy.roots(viewer, "reveal")
    return bool(roots) and all(any(r.startswith(rr) for rr in reveal_roots) for r in roots)


def _rows(qs: QuerySet[Resident], plain: bool) -> Iterator[list[Any]]:
    qs = qs.select_related("household", "household__complex", "household__building", "community", "grid")
    for r in qs.prefetch_related("flags").iterator(chunk_size=2000):
        h = r.household
        address = ""
        if h is not None:
            address = vault.decrypt("address", h.address_enc) if plain and h.address_enc else h.address_masked
        yield [
            r.name,
            vault.decrypt("id_number", r.id_enc) if plain else r.id_masked,
            (vault.decrypt("phone", r.phone_enc) if r.phone_enc else "") if plain else r.phone_masked,
            r.community.code,
            r.grid.code if r.grid else "",
            h.household_no if h else "",
            r.get_relation_display(),
            r.get_residence_status_display(),
            h.complex.code if h and h.complex else "",
            h.building.number if h and h.building else "",
            "",
            "",
            address,
            "、".join(group_labels(r.flags.all())) if plain else ("***" if r.flags.all() else ""),
        ]


def export(
    *, viewer: Any, qs: QuerySet[Resident], plain: bool, fmt: str, scope_path: str, filters: dict[str, Any]
) -> bytes:
    events.exported(actor=viewer, scope_path=scope_path, rows=qs.count(), masked=not plain, fmt=fmt, filters=filters)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(HEADERS)
        writer.writerows(_rows(qs, plain))
        return ("\ufeff" + buffer.getvalue()).encode()
    return workbook_bytes(HEADERS, _rows(qs, plain), title="居民")
