"""The 居民自治 pages answer every role in scope, refuse others with 404/403, and carry the main journeys."""

from datetime import date

import pytest

from gongzhi.autonomy import services
from gongzhi.autonomy.models import Inquiry, PointsObjection, PointsTransaction

from .conftest import TODAY, World

pytestmark = pytest.mark.django_db


@pytest.mark.clause("R5.1")
@pytest.mark.clause("R5.3")
@pytest.mark.clause("R7.2")
def test_every_page_renders_for_its_users(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    worker = world.user("worker")
    services.points_apply(actor=worker, rule=world.deduction, resident=world.head, note="高空抛物")
    item = services.item_open(
        actor=world.user("supervisor"),
        community=world.community,
        area="finance",
        title="春节慰问品采购",
        description="核对发票",
    )
    inquiry = services.inquiry_ask(  # a fixed day: the reply deadline is strict, so it must not reach an unknown year
        actor=world.user("supervisor"), community=world.community, question="采购比价记录？", today=date(2026, 11, 2)
    )
    activity = services.activity_create(
        actor=worker,
        community=world.community,
        kind="moral_lecture",
        title="道德讲堂",
        description="家风故事",
        place="党群服务中心",
        starts_at=__import__("django.utils.timezone", fromlist=["now"]).now().replace(year=2026, month=12, day=30),
        capacity=30,
    )
    selection = services.selection_create(
        actor=worker, community=world.community, year=2026, title="2026 年度文明家庭评选", criteria="家庭和睦"
    )
    pages = {
        "worker": [
            "/autonomy/conventions/",
            "/autonomy/conventions/new/",
            f"/autonomy/versions/{world.version.pk}/",
            f"/autonomy/versions/{world.version.pk}/diff/",
            "/autonomy/points/admin/?q=唐",
            "/autonomy/catalogue/",
            "/autonomy/supervision/",
            "/autonomy/supervision/election/?q=唐 刘",
            f"/autonomy/supervision/items/{item.pk}/",
            f"/autonomy/supervision/inquiries/{inquiry.pk}/",
            "/autonomy/culture/",
            f"/autonomy/culture/activities/{activity.pk}/",
            f"/autonomy/culture/selections/{selection.pk}/",
        ],
        "household_head": [
            "/autonomy/points/",
            "/autonomy/catalogue/",
            "/autonomy/supervision/requests/new/",
            f"/autonomy/versions/{world.version.pk}/",
            f"/autonomy/culture/selections/{selection.pk}/",
        ],
        "supervisor": ["/autonomy/supervision/", f"/autonomy/supervision/items/{item.pk}/"],
        "street_official": [f"/autonomy/versions/{world.version.pk}/", "/autonomy/supervision/"],
    }
    for username, urls in pages.items():
        c = client_for(username)
        for url in urls:
            response = c.get(url)
            assert response.status_code == 200, (username, url, response.status_code)
    # out of scope: 广汉's worker sees none of this community's objects
    other = client_for("worker_gh")
    assert other.get(f"/autonomy/versions/{world.version.pk}/").status_code == 404
    assert other.get(f"/autonomy/supervision/items/{item.pk}/").status_code == 404
    # residents do not reach staff pages
    assert client_for("resident").get("/autonomy/points/admin/").status_code == 403
    assert client_for("resident").get("/autonomy/supervision/").status_code == 403


@pytest.mark.clause("D11")
def test_a_deduction_is_contested_and_reversed_through_the_pages(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    worker = client_for("worker")
    page = worker.get("/autonomy/points/admin/?q=唐建国").content.decode()
    assert "唐建国" in page
    response = worker.post(
        "/autonomy/points/admin/",
        {
            "q": "唐建国",
            "rule": str(world.deduction.pk),
            "resident": str(world.head.public_id),
            "note": "3 月 5 日高空抛物",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    deduction = PointsTransaction.objects.get(kind="deduction")
    head = client_for("household_head")
    mine = head.get("/autonomy/points/").content.decode()
    assert 'data-testid="balance">-5<' in mine and "提出异议" in mine
    assert head.post(f"/autonomy/points/{deduction.pk}/object/", {"reason": "当天不在家"}).status_code == 302
    objection = PointsObjection.objects.get(deduction=deduction)
    assert client_for("resident").get(f"/autonomy/points/{deduction.pk}/object/").status_code == 404
    response = worker.post(
        f"/autonomy/points/objections/{objection.pk}/", {"upheld": "1", "decision": "监控显示非本户所为"}
    )
    assert response.status_code == 302
    assert 'data-testid="balance">0<' in head.get("/autonomy/points/").content.decode()


@pytest.mark.clause("D11")
def test_a_fine_rule_is_refused_on_the_page(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    worker = world.user("worker")
    draft = services.version_draft(
        actor=worker, convention=world.version.convention, body="第一条 草稿。", change_note="x"
    )
    response = client_for("worker").post(
        f"/autonomy/versions/{draft.pk}/",
        {
            "action": "rule",
            "code": "KF-02",
            "kind": "deduction",
            "title": "乱扔垃圾",
            "points": "2",
            "text": "罚款 20 元",
        },
    )
    assert response.status_code == 400 and "没有行政处罚权" in response.content.decode()


@pytest.mark.clause("R5.3")
def test_an_inquiry_answered_late_shows_the_overdue_flag(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    inquiry = services.inquiry_ask(
        actor=world.user("supervisor"),
        community=world.community,
        question="公益性岗位补贴明细？",
        working_days=3,
        today=TODAY,
    )
    response = client_for("worker").post(f"/autonomy/supervision/inquiries/{inquiry.pk}/", {"answer": "已补充公开"})
    assert response.status_code == 302
    inquiry = Inquiry.objects.get(pk=inquiry.pk)
    assert inquiry.overdue and inquiry.answered_on is not None and inquiry.answered_on > date(2026, 3, 5)
    page = client_for("supervisor").get("/autonomy/supervision/").content.decode()
    assert 'data-testid="overdue"' in page


@pytest.mark.clause("R5.3")
def test_a_resident_request_reaches_the_committee(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    resident = client_for("resident")
    response = resident.post(
        "/autonomy/supervision/requests/new/", {"subject": "电梯维修基金使用", "details": "请公开明细"}
    )
    assert response.status_code == 302
    url = response["Location"]
    assert resident.get(url).status_code == 200
    assert client_for("household_head").get(url).status_code == 404  # another resident's request
    supervisor = client_for("supervisor")
    assert supervisor.post(url, {"accept": "1", "area": "finance", "response": "已立项"}).status_code == 302
    assert "已立项" in resident.get(url).content.decode()


def test_the_pages_speak_english_when_asked(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    from django.utils import translation

    worker = client_for("worker")
    try:
        page = worker.get("/autonomy/conventions/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        worker.post("/accounts/preferences/", {"language": "en", "next": "/"})
        page = worker.get("/autonomy/conventions/").content.decode()
        points = client_for("household_head")
        points.post("/accounts/preferences/", {"language": "en", "next": "/"})
        mine = points.get("/autonomy/points/").content.decode()
    finally:
        translation.activate("zh-hans")
    assert "conventions and charters" in page and "居民公约与自治章程" not in page
    assert "Personal points" in mine and "个人积分" not in mine
