"""Routing services through the database: versioned models, suggestions, feedback and retraining."""

from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from gongzhi.core.actors import SYSTEM
from gongzhi.core.errors import ServiceError
from gongzhi.ledger.models import AuditEvent
from gongzhi.regulation.registry import manifests
from gongzhi.routing import services
from gongzhi.routing.corpus import Example
from gongzhi.routing.models import Feedback, RoutingModel

pytestmark = pytest.mark.django_db

ODD = "七里河社区的鸽子棚半夜咕咕叫，羽毛飘进窗户"  # a matter the seed corpus has never seen


@pytest.mark.clause("R8.1")
def test_train_stores_a_signed_version_with_its_metrics() -> None:
    first = services.train(actor=SYSTEM)
    assert first.version == 1 and first.is_active
    assert first.n_seed >= 500
    assert first.metrics["accuracy"]["category"] >= 0.9
    assert "CS-05" in first.labels["category"]
    assert AuditEvent.objects.filter(action="routing.model_trained", target_id=str(first.pk)).exists()
    second = services.train(actor=SYSTEM)
    first.refresh_from_db()
    assert second.version == 2 and second.is_active and not first.is_active
    suggestion = services.suggest("小区电梯坏了好几天，物业不修")
    assert suggestion.model_version == 2
    assert suggestion.category.label == "ZJ-03"
    assert suggestion.as_dict()["unit"]["code"] == "department:住房和城乡建设局"


def test_suggest_without_a_stored_model_answers_from_the_seed_corpus() -> None:
    suggestion = services.suggest("泰山北路的路灯不亮了")
    assert suggestion.model_version is None
    assert suggestion.category.label == "CS-05"
    assert suggestion.category.words


def test_suggest_refuses_empty_text() -> None:
    with pytest.raises(ServiceError):
        services.suggest("   ")


def test_a_tampered_model_is_not_loaded() -> None:
    model = services.train()
    RoutingModel.objects.filter(pk=model.pk).update(digest="0" * 64)
    services._cache.clear()
    with pytest.raises(ServiceError) as err:
        services.suggest("路灯不亮")
    assert err.value.code == "routing_model_tampered"


@pytest.mark.clause("R8.1")
def test_staff_overrides_feed_retraining(user_named: Callable[[str], Any]) -> None:
    services.train()
    before = services.suggest(ODD)
    assert before.category.label != "SC-01"
    staff = user_named("street_official")
    feedback = services.record_feedback(
        actor=staff,
        target=("appeals.appeal", "42"),
        scope_path="510603001",
        text=ODD,
        suggestion=before,
        final_type="complaint",
        final_category="SC-01",
        final_unit="department:市场监督管理局",
    )
    assert not feedback.accepted and feedback.suggested_category == before.category.label
    event = AuditEvent.objects.get(action="routing.feedback_recorded", target_id=str(feedback.pk))
    assert event.after is not None
    assert event.after["final"] == ["complaint", "SC-01", "department:市场监督管理局"]
    retrained = services.train()
    assert retrained.n_feedback == 1
    after = services.suggest(ODD)
    assert after.model_version == retrained.version
    assert (after.category.label, after.unit.label) == ("SC-01", "department:市场监督管理局")


def test_accepting_a_suggestion_is_recorded_as_accepted(user_named: Callable[[str], Any]) -> None:
    s = services.suggest("泰山北路的路灯不亮了")
    fb = services.record_feedback(
        actor=user_named("street_official"),
        target=("appeals.appeal", "7"),
        scope_path="510603001",
        text="泰山北路的路灯不亮了",
        suggestion=s,
        final_type=s.type.label,
        final_category=s.category.label,
        final_unit=s.unit.label,
    )
    assert fb.accepted
    assert services.acceptance_rate() == 1.0
    with pytest.raises(ServiceError):
        services.record_feedback(
            actor=SYSTEM,
            target=("appeals.appeal", "8"),
            scope_path="",
            text="x",
            suggestion=None,
            final_type="",
            final_category="QT",
            final_unit="street_office",
        )
    assert Feedback.objects.count() == 1


def test_handled_appeals_reach_training_through_a_registered_source() -> None:
    handled = [Example(ODD, "complaint", "CS-04", "department:综合行政执法局", weight=3.0)] * 2

    def source() -> list[Example]:
        return handled

    services.register_handled_source(source)
    try:
        model = services.train()
    finally:
        services._handled_sources.remove(source)
    assert model.n_handled == 2
    assert services.suggest(ODD).category.label == "CS-04"
    direct = services.train(handled=[])
    assert direct.n_handled == 0


def test_command_and_periodic_task() -> None:
    out = StringIO()
    call_command("routing_train", stdout=out)
    assert "routing model v1" in out.getvalue() and "held-out accuracy" in out.getvalue()
    manifest = next(m for m in manifests() if m.app_label == "routing")
    assert [p.name for p in manifest.periodic] == ["routing.retrain"]
    manifest.periodic[0].task.call()
    assert RoutingModel.objects.get(is_active=True).version == 2


def test_demo_seed_trains_the_first_model_once() -> None:
    from gongzhi.routing.demo import seed_routing

    seed_routing()
    seed_routing()
    assert list(RoutingModel.objects.values_list("version", "is_active")) == [(1, True)]
