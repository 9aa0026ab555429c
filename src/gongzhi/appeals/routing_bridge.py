"""The bridge to `gongzhi.routing` (R8.1), used only when that app is installed: suggestions for the dispatcher
(type, category and handling unit with confidence and the words that drove them), staff feedback when the
dispatcher accepts or overrides, and handled appeals as training examples. Routing never imports appeals."""

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.utils.module_loading import import_string

from gongzhi.core.errors import ServiceError
from gongzhi.people.models import Unit

from .models import Appeal, AppealType, Category, Status

logger = logging.getLogger(__name__)


def available() -> bool:
    return apps.is_installed("gongzhi.routing")


@dataclass(frozen=True)
class Hint:
    label: str
    code: str
    confidence: int  # percent
    words: tuple[str, ...]


@dataclass(frozen=True)
class Suggestions:
    appeal_type: Hint
    category: Hint
    unit: Hint
    unit_obj: Unit | None
    raw: Any


def unit_code(unit: Unit) -> str:
    """The routing label of a unit: `department:<name without the county>`, `street_office`, `residents_committee`."""
    if unit.kind == Unit.Kind.DEPARTMENT:
        county = unit.division.name if unit.division_id else ""
        name = unit.name[len(county) :] if county and unit.name.startswith(county) else unit.name
        return f"department:{name}"
    return str(unit.kind)


def resolve_unit(code: str, appeal: Appeal) -> Unit | None:
    if code.startswith("department:"):
        county = appeal.scope_path[:6]
        name = code.split(":", 1)[1]
        return (
            Unit.objects.filter(scope_path=county, kind=Unit.Kind.DEPARTMENT, name__endswith=name, is_active=True)
            .select_related("division")
            .first()
        )
    if code == Unit.Kind.STREET_OFFICE:
        return Unit.objects.filter(scope_path=appeal.scope_path[:9], kind=code, is_active=True).first()
    if code == Unit.Kind.RESIDENTS_COMMITTEE:
        return Unit.objects.filter(scope_path=appeal.scope_path[:12], kind=code, is_active=True).first()
    return None


def suggest_for(appeal: Appeal) -> Suggestions | None:
    if not available() or not appeal.text.strip():
        return None
    try:
        suggest = import_string("gongzhi.routing.services.suggest")
        raw = suggest(appeal.text)
    except (ImportError, ServiceError) as exc:
        logger.info("no routing suggestion for %s: %s", appeal.number, exc)
        return None
    types = dict(AppealType.choices)
    category = Category.objects.filter(code=raw.category.label).first()
    unit = resolve_unit(raw.unit.label, appeal)

    def hint(reason: Any, label: str) -> Hint:
        return Hint(label, str(reason.label), round(float(reason.confidence) * 100), tuple(reason.words)[:6])

    return Suggestions(
        appeal_type=hint(raw.type, str(types.get(raw.type.label, raw.type.label))),
        category=hint(raw.category, category.name if category else raw.category.label),
        unit=hint(raw.unit, unit.name if unit else raw.unit.label),
        unit_obj=unit,
        raw=raw,
    )


def feedback(*, actor: Any, appeal: Appeal, suggestions: Suggestions | None) -> None:
    """Tell routing what the dispatcher decided (accepted or overridden); best effort, never blocks a dispatch."""
    if not available() or appeal.handling_unit is None:
        return
    try:
        record = import_string("gongzhi.routing.services.record_feedback")
        record(
            actor=actor,
            target=("appeals.appeal", str(appeal.pk)),
            scope_path=appeal.scope_path,
            text=appeal.text,
            suggestion=suggestions.raw if suggestions else None,
            final_type=appeal.appeal_type,
            final_category=appeal.category.code,
            final_unit=unit_code(appeal.handling_unit),
        )
    except (ImportError, ServiceError) as exc:
        logger.warning("routing feedback for %s not recorded: %s", appeal.number, exc)


def handled_examples(limit: int = 50_000) -> Iterator[Any]:
    """Closed appeals with their final type, category and unit, newest first, as routing training examples."""
    example = import_string("gongzhi.routing.services.Example")
    rows = (
        Appeal.objects.filter(status__in=(Status.CLOSED, Status.ARCHIVED), handling_unit__isnull=False)
        .select_related("category", "handling_unit__division")
        .order_by("-pk")[:limit]
    )
    for appeal in rows.iterator(chunk_size=2000):
        assert appeal.handling_unit is not None
        yield example(
            text=appeal.text,
            type=appeal.appeal_type,
            category=appeal.category.code,
            unit=unit_code(appeal.handling_unit),
        )


def register() -> None:
    if available():
        import_string("gongzhi.routing.services.register_handled_source")(handled_examples)


@dataclass(frozen=True)
class Similar:
    appeal: Appeal
    score: int  # percent


def similar_open(appeal: Appeal, *, limit: int = 5, pool: int = 300) -> list[Similar]:
    """共性问题 at the desk: open appeals in the same street whose text is near this one (near-duplicates to merge)."""
    return similar_to_text(appeal.text, street_path=appeal.street_path, exclude=appeal.pk, limit=limit, pool=pool)


def similar_to_text(
    text: str, *, street_path: str, exclude: int | None = None, limit: int = 5, pool: int = 300
) -> list[Similar]:
    """Open appeals in a street whose text is near `text`: shown at intake, before a new appeal is written, and to the
    dispatcher. Reads at most `pool` of the street's open appeals (the partial open-appeals index), nearest first."""
    if not available() or not text.strip() or len(street_path) != 9:
        return []
    from .selectors import OPEN_VALUES

    open_here = Appeal.objects.filter(street_path=street_path, status__in=OPEN_VALUES)
    if exclude is not None:
        open_here = open_here.exclude(pk=exclude)
    candidates = list(open_here.select_related("place", "category").order_by("-due_at", "-id")[:pool])
    try:
        similar = import_string("gongzhi.routing.services.similar")
        matches = similar(text, [(a.pk, a.text) for a in candidates], threshold=0.3, limit=limit)
    except (ImportError, ServiceError) as exc:
        logger.info("no similar appeals in %s: %s", street_path, exc)
        return []
    by_pk = {a.pk: a for a in candidates}
    return [Similar(by_pk[m.key], round(m.score * 100)) for m in matches if m.key in by_pk]


@dataclass(frozen=True)
class CommonProblem:
    place: str
    words: tuple[str, ...]
    appeals: list[Appeal]


def common_problems(queryset: Any, *, pool: int = 2000) -> list[CommonProblem]:
    """共性问题: recent open appeals clustered by topic within a community (`routing.cluster`), largest first."""
    if not available():
        return []
    rows = list(queryset.select_related("place", "category").order_by("-id")[:pool])
    try:
        cluster = import_string("gongzhi.routing.services.cluster")
        item = import_string("gongzhi.routing.services.Item")
        groups = cluster([item(key=a.pk, text=a.text, place=a.community_path) for a in rows])
    except (ImportError, ServiceError) as exc:
        logger.info("no clustering: %s", exc)
        return []
    by_pk = {a.pk: a for a in rows}
    return [
        CommonProblem(g.place, tuple(g.words), sorted((by_pk[k] for k in g.keys if k in by_pk), key=lambda a: a.pk))
        for g in groups
    ]
