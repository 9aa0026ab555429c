"""The dispatcher sees routing suggestions (R8.1) when gongzhi.routing is installed, and the decision is fed back."""

from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

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


def test_similar_open_appeals_and_common_problems_taken_up_as_one(world: World, client_for: Any) -> None:
    from gongzhi.appeals.models import Appeal, Status

    texts = [
        "小区门口的路灯坏了，晚上一片漆黑，老人出门不安全。",
        "我们小区门口路灯坏了好几天，晚上漆黑一片。",
        "小区门口路灯不亮，晚上出门很不安全，请尽快维修。",
    ]
    appeals = [submit(world, category="CS-05", appeal_type="help", text=t) for t in texts]
    submit(world, category="MZ-03", appeal_type="consult", text="灵活就业人员医保怎么缴费？")
    # The common-problems page looks at the last 30 days: move the acceptance time (not the deadlines, which need
    # calendar data for their year) to today.
    Appeal.objects.update(accepted_at=timezone.now())
    client = client_for("county_authority")
    page = client.get(f"/appeals/{appeals[0].pk}/").content.decode()
    assert "相似在办诉求" in page and appeals[1].number in page
    common = client.get("/appeals/common/").content.decode()
    assert "路灯" in common and appeals[2].number in common
    response = client.post("/appeals/common/", {"appeal": [str(a.pk) for a in appeals]})
    assert response.status_code == 302
    merged = Appeal.objects.filter(merged_into=appeals[0])
    assert merged.count() == 2 and all(a.status == Status.MERGED for a in merged)


def test_similar_open_appeals_are_shown_while_typing_without_showing_residents_each_others_words(
    world: World, client_for: Any
) -> None:
    """共性问题 at intake: a worker sees the near appeals to link; a resident learns only that similar ones exist."""
    text = "小区门口的路灯坏了，晚上一片漆黑，老人出门不安全。"
    first = submit(world, category="CS-05", appeal_type="help", text=text)
    typed = {"text": "我们小区门口路灯坏了好几天，晚上漆黑一片。", "place": world.community.code}

    staff_page = client_for("county_authority").get("/appeals/similar/", typed).content.decode()
    assert first.number in staff_page and "路灯坏了" in staff_page and "相似度" in staff_page

    resident_page = client_for("resident").get("/appeals/similar/", typed).content.decode()
    assert "正在办理" in resident_page
    assert first.number not in resident_page and "老人出门不安全" not in resident_page

    unrelated = {"text": "灵活就业人员医保怎么缴费？需要带什么材料？", "place": world.community.code}
    assert first.number not in client_for("county_authority").get("/appeals/similar/", unrelated).content.decode()
    assert client_for("resident").get("/appeals/similar/", {"text": "", "place": "nope"}).content.decode().strip() == ""
