"""The dispatcher sees routing suggestions (R8.1) when gongzhi.routing is installed, and the decision is fed back."""

from typing import Any

import pytest
from django.apps import apps

from .conftest import World, submit

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.clause("R8.1"),
    pytest.mark.skipif(not apps.is_installed("gongzhi.routing"), reason="gongzhi.routing is not installed"),
]


def test_suggestions_on_the_detail_page_and_feedback_on_dispatch(world: World, client_for: Any) -> None:
    from gongzhi.appeals import routing_bridge

    appeal = submit(world, category="ZJ-01", text="小区物业不作为，电梯坏了一个月没人修，楼道灯也不亮。")
    hints = routing_bridge.suggest_for(appeal)
    assert hints is not None and 0 <= hints.unit.confidence <= 100
    client = client_for("county_authority")
    page = client.get(f"/appeals/{appeal.pk}/").content.decode()
    assert "智能建议" in page and "置信度" in page
    client.post(f"/appeals/{appeal.pk}/act/dispatch/", {"unit": str(world.housing.pk), "suggested": "1"})
    feedback = apps.get_model("routing", "Feedback")
    assert feedback.objects.filter(final_unit="department:住房和城乡建设局").exists()
    assert routing_bridge.unit_code(world.housing) == "department:住房和城乡建设局"
