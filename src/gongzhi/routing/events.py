"""Audit event types of the routing domain."""

from typing import Any

from gongzhi.ledger.services import record_event

MODEL_TRAINED = "routing.model_trained"
FEEDBACK_RECORDED = "routing.feedback_recorded"

EVENT_TYPES = (MODEL_TRAINED, FEEDBACK_RECORDED)


def model_trained(*, actor: Any, model: Any) -> None:
    record_event(
        actor=actor,
        action=MODEL_TRAINED,
        target=model,
        after={
            "version": model.version,
            "n_seed": model.n_seed,
            "n_handled": model.n_handled,
            "n_feedback": model.n_feedback,
            "metrics": model.metrics,
        },
    )


def feedback_recorded(*, actor: Any, feedback: Any) -> None:
    record_event(
        actor=actor,
        action=FEEDBACK_RECORDED,
        target=feedback,
        scope_path=feedback.scope_path,
        after={
            "target": f"{feedback.target_type}:{feedback.target_id}",
            "model_version": feedback.model_version,
            "suggested": [feedback.suggested_type, feedback.suggested_category, feedback.suggested_unit],
            "final": [feedback.final_type, feedback.final_category, feedback.final_unit],
            "accepted": feedback.accepted,
        },
    )
