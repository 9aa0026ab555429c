"""Reference data cached per process under a version token that every write of that data moves in its own
transaction: the one way a domain keeps slow-changing tables (the territory tree, the appeal catalog and deadline
rules, the working calendar) out of its hot paths without ever serving a stale row.

- `RefVersion(name, token)` holds one token per kind of reference data. `bump(name)` gives it a fresh random token in
  the writer's transaction; models that inherit `VersionedModel` do it on every save and delete, whoever writes (a
  service, the admin site, a shell).
- `cached(name, key, load)` answers `load()` as of the current token of `name`. The tokens are read in one query:
  once per `snapshot()` block (a service that reads several kinds, e.g. an appeal intake reads the place, the
  category, the deadline rules and the calendar under one read), otherwise once per call.
- Tokens are random, not counters: a token written by a transaction that rolls back is never seen by anyone else, so
  nothing cached under it can be served later (a counter would come back, attached to other data). A reader reads the
  token before the data, so under READ COMMITTED it caches data at least as new as its token.
- Callers receive fresh objects: model instances are stored as their column values and rebuilt per call
  (`cached_instance`, `cached_instances`), so no request can alter what another reads.
- A write that bypasses the model (`QuerySet.update`, raw SQL, a data migration) must call `bump` itself; processes
  are restarted on deploy, which also clears the caches.

The grants cache of `people` uses the same bounded `ProcessCache`, keyed by the user row's own version.
"""

import secrets
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ClassVar, TypeVar

from django.db import models, transaction

from .cache import ProcessCache
from .models import RefVersion

V = TypeVar("V")
M = TypeVar("M", bound=models.Model)


CACHE: ProcessCache[tuple[str, str, Hashable], Any] = ProcessCache(size=50_000)
_snapshot: ContextVar[dict[str, str] | None] = ContextVar("gongzhi_refdata_snapshot", default=None)


def _read() -> dict[str, str]:
    return dict(RefVersion.objects.values_list("name", "token"))


def tokens() -> dict[str, str]:
    """The current token of every kind of reference data (the snapshot's, inside `snapshot()`)."""
    held = _snapshot.get()
    return held if held is not None else _read()


@contextmanager
def snapshot() -> Iterator[None]:
    """Read the tokens once for the block; nested blocks share the outermost read."""
    if _snapshot.get() is not None:
        yield
        return
    marker = _snapshot.set(_read())
    try:
        yield
    finally:
        _snapshot.reset(marker)


def cached(name: str, key: Hashable, load: Callable[[], V | None]) -> V | None:
    """`load()` as of the current token of `name`; a None answer (not found) is never cached."""
    entry = (name, tokens().get(name, ""), key)
    found: V | None = CACHE.get(entry)
    if found is None:
        found = load()
        if found is not None:
            CACHE.put(entry, found)
    return found


def _columns(model: type[models.Model]) -> tuple[str, ...]:
    return tuple(f.attname for f in model._meta.concrete_fields)


def cached_instance(name: str, key: Hashable, model: type[M], load: Callable[[], M | None]) -> M | None:
    """The model instance `load()` finds, cached as its column values and rebuilt (a fresh instance) per call."""

    def values() -> tuple[Any, ...] | None:
        instance = load()
        return None if instance is None else tuple(getattr(instance, c) for c in _columns(model))

    row = cached(name, key, values)
    return None if row is None else model.from_db("default", _columns(model), row)


def cached_instances(name: str, key: Hashable, model: type[M], load: Callable[[], Sequence[M]]) -> list[M]:
    """The instances `load()` lists (an empty list included), rebuilt per call."""
    rows = cached(name, key, lambda: tuple(tuple(getattr(i, c) for c in _columns(model)) for i in load()))
    return [model.from_db("default", _columns(model), row) for row in rows or ()]


def bump(name: str) -> None:
    """Move the token of `name` in the caller's transaction: every process reads the data again once it commits."""
    token = secrets.token_hex(8)
    if not RefVersion.objects.filter(name=name).update(token=token):
        _row, created = RefVersion.objects.get_or_create(name=name, defaults={"token": token})
        if not created:  # another writer created it first
            RefVersion.objects.filter(name=name).update(token=token)
    held = _snapshot.get()
    if held is not None:
        held[name] = token  # the rest of this block reads its own write


class VersionedModel(models.Model):
    """Reference data: every save and delete moves the token of `refdata_name`, in the same transaction."""

    refdata_name: ClassVar[str]

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        with transaction.atomic():
            super().save(*args, **kwargs)
            bump(self.refdata_name)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        with transaction.atomic():
            result = super().delete(*args, **kwargs)
            bump(self.refdata_name)
        return result
