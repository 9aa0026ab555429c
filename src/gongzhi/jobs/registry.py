"""Importers that domains plug into the long-job mechanism (`register`), looked up by key."""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from gongzhi.core.spreadsheets import Column, ParsedRow, RowError

from .models import ImportJob


@dataclass
class BatchResult:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)


class FirstLoad(Protocol):
    """An importer's first-load mode (`ImportJob.Mode.FIRST_LOAD`): an all-or-nothing run into empty tables that the
    importer may prepare for a bulk load (e.g. drop secondary indexes and foreign keys, rebuild them at the end).

    `refuse(actor)` raises a ServiceError when the load may not start (tables not empty); it is asked at submission
    and again by `begin`. `begin(job, actor)` runs inside the run's transaction before the first batch;
    `complete(job, actor, errors)` after the last one, in the same transaction: it returns the row errors only the
    whole load can show (e.g. duplicates across batches) and, when there are none and `errors` is 0, restores what
    `begin` removed. Any error rolls the whole run back."""

    def refuse(self, actor: Any) -> None: ...

    def begin(self, job: ImportJob, actor: Any) -> None: ...

    def complete(self, job: ImportJob, actor: Any, errors: int) -> list[RowError]: ...


@dataclass(frozen=True)
class Importer:
    """`apply_batch(job, actor, rows)` validates and writes one batch inside the runner's transaction and must be
    idempotent (re-running a job, or re-importing a file, updates rather than duplicates)."""

    key: str
    title: str
    columns: Sequence[Column]
    authorize: Callable[[Any], None]  # (actor) -> None, raises Forbidden
    apply_batch: Callable[[ImportJob, Any, list[ParsedRow]], BatchResult]
    scope_path: Callable[[Any], str] = lambda actor: ""
    batch_size: int = 1000
    max_rows: int = 200_000
    finish: Callable[[ImportJob, Any], None] | None = None  # audit record of the whole run, in its transaction
    # Optional own reader (handle, columns, max_rows=, filename=) -> ParsedRow stream, used instead of
    # jobs.tables.read_table when an importer prepares rows itself (e.g. in worker processes); it must yield one
    # ParsedRow per non-blank data row and raise the same ServiceErrors (headers, row limit) as read_table.
    reader: Callable[..., Iterator[ParsedRow]] | None = None
    first_load: FirstLoad | None = None  # offers ImportJob.Mode.FIRST_LOAD


_importers: dict[str, Importer] = {}


def register(importer: Importer) -> None:
    _importers[importer.key] = importer


def importer(key: str) -> Importer:
    return _importers[key]


def registered() -> list[Importer]:
    return list(_importers.values())
