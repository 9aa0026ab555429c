"""Pages and API through every role: the journey's pages answer, refusals are clear, and no page or API response of
any role ever links a secret ballot to its voter."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from gongzhi.consult import services
from gongzhi.consult.models import Ballot, Decision, LegalQuestion, Participation, Topic, Vote
from gongzhi.people.demo import DEMO_ACCOUNTS

from .conftest import World

pytestmark = pytest.mark.django_db

ROLES = [a.username for a in DEMO_ACCOUNTS]


def secret_vote(w: World) -> Vote:
    vote = services.vote_open(
        actor=w.user("worker"),
        meeting_or_scope=w.community,
        question="无记名：同意调整停车收费",
        method=Vote.Method.PERSON,
        electorate=Vote.Electorate.COMMUNITY,
        secret=True,
        closes_at=timezone.now() + timedelta(days=2),
    )
    # voter0 votes yes, voter1 votes no — their names must never appear next to a choice.
    services.vote_cast(actor=w.voters[0], vote=vote, choice="yes")
    services.vote_cast(actor=w.voters[1], vote=vote, choice="no")
    return vote


def pages_for(vote: Vote) -> list[str]:
    return [
        "/consult/",
        "/consult/votes/",
        f"/consult/votes/{vote.pk}/",
        f"/api/v1/consult/votes/{vote.pk}",
        f"/api/v1/consult/votes/{vote.pk}/result",
        "/api/v1/consult/votes",
    ]


@pytest.mark.clause("R5.2")
def test_secret_ballot_unlinkable_through_every_role_pages_and_api(
    world: World, client_for: Callable[[str], Client]
) -> None:
    vote = secret_vote(world)
    names = [world.residents[0].name, world.residents[1].name]
    usernames = [*ROLES, "voter0", "voter1"]
    for username in usernames:
        client = client_for(username)
        for url in pages_for(vote):
            response = client.get(url)
            assert response.status_code in (200, 302, 403, 404), (username, url, response.status_code)
            text = response.content.decode()
            # While open, no counts by choice are shown to anyone.
            if response.status_code == 200 and url.endswith("/result"):
                data = response.json()
                assert data["hidden"] is True and data["yes"] is None and data["no"] is None, username
            for name in names:
                for choice in ("赞成", "反对", '"yes"', '"no"'):
                    line = [ln for ln in text.splitlines() if name in ln and choice in ln]
                    assert not line, (username, url, line)
    services.vote_close(actor=world.user("worker"), vote=vote)
    for username in usernames:
        client = client_for(username)
        for url in pages_for(vote):
            text = client.get(url).content.decode()
            for name in names:
                assert not [ln for ln in text.splitlines() if name in ln and ("赞成" in ln or "反对" in ln)], url
    # The tables: ballots hold no voter reference; the participation table holds no choice.
    assert list(Ballot.objects.filter(vote=vote).values_list("elector_id", flat=True)) == [None, None]
    assert sorted(Ballot.objects.filter(vote=vote).values_list("choice", flat=True)) == ["no", "yes"]
    assert Participation.objects.filter(vote=vote).count() == 2


@pytest.mark.clause("R5.2")
def test_resident_raises_supports_and_votes_through_pages(world: World, client_for: Callable[[str], Client]) -> None:
    c = client_for("voter0")
    response = c.post("/consult/", {"title": "增设健身步道", "body": "小区内缺少散步的地方"})
    topic = Topic.objects.get(title="增设健身步道")
    assert response.status_code == 302 and response["Location"] == f"/consult/topics/{topic.pk}/"
    c1 = client_for("voter1")
    assert c1.post(f"/consult/topics/{topic.pk}/", {"step": "support"}).status_code == 302
    page = c1.get(f"/consult/topics/{topic.pk}/").content.decode()
    assert "您已支持该议题" in page
    # A second support is refused with a clear message, the count unchanged.
    response = c1.post(f"/consult/topics/{topic.pk}/", {"step": "support"}, follow=True)
    topic.refresh_from_db()
    assert topic.support_count == 1
    vote = services.vote_open(
        actor=world.user("worker"),
        meeting_or_scope=world.community,
        question="同意建设健身步道",
        method=Vote.Method.PERSON,
        electorate=Vote.Electorate.COMMUNITY,
        closes_at=timezone.now() + timedelta(days=2),
    )
    assert c.post(f"/consult/votes/{vote.pk}/", {"step": "ballot", "choice": "yes"}).status_code == 302
    response = c.post(f"/consult/votes/{vote.pk}/", {"step": "ballot", "choice": "no"}, follow=True)
    assert "只能投一次" in response.content.decode()
    outsider = client_for("outsider")
    assert outsider.get(f"/consult/votes/{vote.pk}/").status_code == 404
    assert Participation.objects.filter(vote=vote).count() == 1


@pytest.mark.clause("R6.2")
def test_major_matter_pages_block_adoption_until_opinion(world: World, client_for: Callable[[str], Client]) -> None:
    worker = client_for("worker")
    response = worker.post("/consult/decisions/", {"title": "出租活动室", "body": "出租给培训机构", "is_major": "on"})
    decision = Decision.objects.get(title="出租活动室")
    assert response.status_code == 302
    response = worker.post(f"/consult/decisions/{decision.pk}/", {"step": "adopt"}, follow=True)
    assert "法律顾问出具书面法律意见" in response.content.decode()
    decision.refresh_from_db()
    assert decision.status == Decision.Status.DRAFT
    advisor = client_for("legal_advisor")
    assert "出具法律意见" in advisor.get(f"/consult/decisions/{decision.pk}/").content.decode()
    advisor.post(
        f"/consult/decisions/{decision.pk}/",
        {"step": "opinion", "conclusion": "non_compliant", "basis": "公益设施不得出租经营"},
    )
    response = worker.post(f"/consult/decisions/{decision.pk}/", {"step": "adopt", "override_reason": "短"})
    assert response.status_code == 400
    worker.post(
        f"/consult/decisions/{decision.pk}/",
        {"step": "adopt", "override_reason": "居民代表会议已同意，仅限白天出租且收入公开"},
    )
    decision.refresh_from_db()
    assert decision.status == Decision.Status.ADOPTED
    street = client_for("street_official")
    assert "出租活动室" in street.get("/consult/alerts/").content.decode()
    api = advisor.get(f"/api/v1/consult/decisions/{decision.pk}").json()
    assert api["opinions"][0]["conclusion"] == "non_compliant" and api["status"] == "adopted"


@pytest.mark.clause("R6.1")
def test_legal_question_pages(world: World, client_for: Callable[[str], Client]) -> None:
    c = client_for("voter0")
    response = c.post("/consult/legal/", {"category": "labour", "question": "单位拖欠工资怎么办？"})
    q = LegalQuestion.objects.get(question="单位拖欠工资怎么办？")
    assert response.status_code == 302
    assert client_for("voter1").get(f"/consult/legal/{q.pk}/").status_code == 404  # another resident
    advisor = client_for("legal_advisor")
    assert "单位拖欠工资" in advisor.get("/consult/legal/").content.decode()
    advisor.post(f"/consult/legal/{q.pk}/", {"answer": "可向劳动保障监察机构投诉或申请劳动仲裁。"})
    assert "劳动仲裁" in c.get(f"/consult/legal/{q.pk}/").content.decode()


def test_every_page_answers_for_every_role(world: World, client_for: Callable[[str], Client]) -> None:
    vote = secret_vote(world)
    urls = [
        "/consult/",
        "/consult/meetings/",
        "/consult/votes/",
        f"/consult/votes/{vote.pk}/",
        "/consult/decisions/",
        "/consult/activities/",
        "/consult/legal/",
        "/consult/alerts/",
        "/api/v1/consult/topics",
        "/api/v1/consult/meetings",
        "/api/v1/consult/decisions",
        "/",
    ]
    for username in ROLES:
        client = client_for(username)
        for url in urls:
            status = client.get(url).status_code
            assert status in (200, 403, 404), (username, url, status)


@pytest.mark.clause("R6.1")
def test_activity_signup_and_attendance_pages(world: World, client_for: Callable[[str], Client]) -> None:
    from gongzhi.consult.models import Gathering, Participant

    organiser = client_for("legal_advisor")
    starts = timezone.localtime() + timedelta(minutes=30)
    response = organiser.post(
        "/consult/activities/",
        {
            "kind": "legal_education",
            "title": "民法典进社区",
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "place": "党群服务中心",
            "capacity": "1",
        },
    )
    gathering = Gathering.objects.get(title="民法典进社区")
    assert response.status_code == 302
    page = client_for("voter0").get(f"/consult/activities/{gathering.pk}/").content.decode()
    assert "报名参加" in page and "民法典进社区" in page
    assert client_for("voter0").post(f"/consult/activities/{gathering.pk}/", {"step": "register"}).status_code == 302
    full = client_for("voter1").post(f"/consult/activities/{gathering.pk}/", {"step": "register"}, follow=True)
    assert "名额已满" in full.content.decode()
    mine = Participant.objects.get(gathering=gathering, user=world.voters[0])
    organiser.post(
        f"/consult/activities/{gathering.pk}/",
        {"step": "attend", "attend-participant": str(mine.pk), "attend-attended": "1"},
    )
    mine.refresh_from_db()
    if timezone.localdate() == timezone.localtime(gathering.starts_at).date():
        assert mine.status == Participant.Status.ATTENDED
    assert "报名和出席" in organiser.get(f"/consult/activities/{gathering.pk}/").content.decode()


def test_consult_pages_speak_english(world: World, client_for: Callable[[str], Client]) -> None:
    client = client_for("voter0")
    client.post("/accounts/preferences/", {"language": "en", "next": "/"})
    page = client.get("/consult/").content.decode()
    assert "Raise a topic" in page and "提出议题" not in page


@pytest.mark.clause("R5.2")
def test_household_vote_page_tells_the_spouse_the_household_has_voted(
    world: World, client_for: Callable[[str], Client]
) -> None:
    vote = services.vote_open(
        actor=world.user("worker"),
        meeting_or_scope=world.community,
        question="一户一票：同意更换单元门禁",
        method=Vote.Method.HOUSEHOLD,
        electorate=Vote.Electorate.COMMUNITY,
        closes_at=timezone.now() + timedelta(days=2),
    )
    assert (
        client_for("voter0").post(f"/consult/votes/{vote.pk}/", {"step": "ballot", "choice": "yes"}).status_code == 302
    )
    spouse = client_for("voter1")
    assert "您家已投票" in spouse.get(f"/consult/votes/{vote.pk}/").content.decode()
    refused = spouse.post(f"/consult/votes/{vote.pk}/", {"step": "ballot", "choice": "no"}, follow=True)
    assert "只能投一次" in refused.content.decode()
    assert Participation.objects.filter(vote=vote).count() == 1
