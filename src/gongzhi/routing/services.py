"""Appeal routing (R8.1): suggestions, staff feedback and training. The public API for the appeals app:

    suggest(text) -> Suggestion            # type, category code, unit code, each with confidence and top words
    record_feedback(actor=, target=, scope_path=, text=, suggestion=, final_type=, final_category=, final_unit=)
    train(actor=, handled=None) -> RoutingModel
    register_handled_source(fn)            # fn() -> Iterable[Example]: handled appeals, wired by the appeals app
    similar(text, candidates) / cluster(items)   # re-exported from .similarity

Routing sits below the appeals app and never imports it: handled appeals reach training through a source the appeals
app registers (or through `train(handled=...)`), as plain `Example`s.
"""

import hashlib
import hmac
import pickle
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from gongzhi.core.actors import SYSTEM
from gongzhi.core.errors import ServiceError

from . import events
from .corpus import Example, seed_examples
from .learn import Reason, Router, combine, evaluate, fit
from .models import Feedback, RoutingModel
from .similarity import Group, Item, Match, cluster, similar

__all__ = [
    "Example",
    "Group",
    "Item",
    "Match",
    "Suggestion",
    "cluster",
    "record_feedback",
    "register_handled_source",
    "similar",
    "suggest",
    "train",
]

OVERRIDE_WEIGHT = 3.0  # a staff correction teaches more than a template text


@dataclass(frozen=True)
class Suggestion:
    type: Reason
    category: Reason
    unit: Reason
    model_version: int | None  # None: no trained model in the database yet, the seed corpus alone answered

    def as_dict(self) -> dict[str, Any]:
        def one(r: Reason) -> dict[str, Any]:
            return {"code": r.label, "confidence": round(r.confidence, 3), "words": list(r.words)}

        return {
            "type": one(self.type),
            "category": one(self.category),
            "unit": one(self.unit),
            "model_version": self.model_version,
        }


_handled_sources: list[Callable[[], Iterable[Example]]] = []
_cache: dict[int | None, Router] = {}
_lock = threading.Lock()


def register_handled_source(source: Callable[[], Iterable[Example]]) -> None:
    """The appeals app registers a function yielding its handled appeals (final type, category and unit)."""
    if source not in _handled_sources:
        _handled_sources.append(source)


def _sign(blob: bytes) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), blob, hashlib.sha256).hexdigest()


def _load(version: int) -> Router:
    row = RoutingModel.objects.only("blob", "digest").get(version=version)
    blob = bytes(row.blob)
    if not hmac.compare_digest(_sign(blob), row.digest):
        raise ServiceError(_("分派建议模型签名不符，拒绝加载"), code="routing_model_tampered")
    router: Router = pickle.loads(blob)  # noqa: S301 -- written by train() and HMAC-checked above
    return router


def _router() -> tuple[Router, int | None]:
    version = RoutingModel.objects.filter(is_active=True).values_list("version", flat=True).first()
    with _lock:
        router = _cache.get(version)
        if router is None:
            router = _load(version) if version is not None else fit(seed_examples())
            _cache.clear()
            _cache[version] = router
    return router, version


def suggest(text: str) -> Suggestion:
    """Suggest appeal type, category code and handling-unit code for a text (R8.1); staff decide."""
    if not text or not text.strip():
        raise ServiceError(_("诉求内容为空，无法给出建议"), code="empty_text")
    router, version = _router()
    reasons = router.predict(text)
    return Suggestion(type=reasons["type"], category=reasons["category"], unit=reasons["unit"], model_version=version)


def record_feedback(
    *,
    actor: Any,
    target: tuple[str, str],
    scope_path: str,
    text: str,
    suggestion: Suggestion | None,
    final_type: str,
    final_category: str,
    final_unit: str,
) -> Feedback:
    """Staff accepted or overrode a suggestion; the record feeds the next training (overrides weigh more)."""
    if not (final_type and final_category and final_unit):
        raise ServiceError(_("确定的类型、分类和承办单位都必须填写"), code="incomplete_feedback")
    accepted = suggestion is not None and (
        suggestion.type.label,
        suggestion.category.label,
        suggestion.unit.label,
    ) == (final_type, final_category, final_unit)
    with transaction.atomic():
        fb = Feedback.objects.create(
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            target_type=target[0],
            target_id=target[1],
            scope_path=scope_path,
            text=text[:4000],
            model_version=suggestion.model_version if suggestion else None,
            suggested_type=suggestion.type.label if suggestion else "",
            suggested_category=suggestion.category.label if suggestion else "",
            suggested_unit=suggestion.unit.label if suggestion else "",
            final_type=final_type,
            final_category=final_category,
            final_unit=final_unit,
            accepted=accepted,
        )
        events.feedback_recorded(actor=actor, feedback=fb)
    return fb


def _feedback_examples() -> Iterable[Example]:
    # the latest decision per target wins: combine() keeps the last label per text
    for fb in Feedback.objects.order_by("created_at", "pk").iterator(chunk_size=2000):
        yield Example(
            text=fb.text,
            type=fb.final_type,
            category=fb.final_category,
            unit=fb.final_unit,
            weight=1.0 if fb.accepted else OVERRIDE_WEIGHT,
        )


def train(*, actor: Any = SYSTEM, handled: Iterable[Example] | None = None, activate: bool = True) -> RoutingModel:
    """Train a new version on the seed corpus, handled appeals and staff feedback; store it with its held-out
    accuracy and make it the active model."""
    seed = list(seed_examples())
    handled_list: list[Example] = list(handled) if handled is not None else []
    if handled is None:
        for source in _handled_sources:
            handled_list.extend(source())
    feedback = list(_feedback_examples())
    examples = combine(seed, handled_list, feedback)
    evaluation = evaluate(examples)
    router = fit(examples)
    blob = pickle.dumps(router, protocol=pickle.HIGHEST_PROTOCOL)
    with transaction.atomic():
        latest = RoutingModel.objects.select_for_update().aggregate(v=Max("version"))["v"] or 0
        if activate:
            RoutingModel.objects.filter(is_active=True).update(is_active=False)
        row = RoutingModel.objects.create(
            version=latest + 1,
            is_active=activate,
            n_seed=len(seed),
            n_handled=len(handled_list),
            n_feedback=len(feedback),
            metrics=evaluation.as_dict(),
            labels={head: sorted(str(c) for c in clf.classes_) for head, clf in router.heads.items()},
            blob=blob,
            digest=_sign(blob),
        )
        events.model_trained(actor=actor, model=row)
    return row


def acceptance_rate() -> float | None:
    """Share of suggestions staff accepted unchanged (None before any feedback)."""
    total = Feedback.objects.count()
    if not total:
        return None
    return Feedback.objects.filter(accepted=True).count() / total
