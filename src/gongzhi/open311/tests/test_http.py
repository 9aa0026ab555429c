"""Open311 GeoReport v2 over HTTP: catalog, POST through the intake service, public reads, errors, keys."""

import io
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from gongzhi.appeals.models import Appeal, AppealType, Channel, IdempotencyKey, Status
from gongzhi.ledger.models import AuditEvent
from gongzhi.open311 import services
from gongzhi.open311.models import ApiKey

from .conftest import World

pytestmark = [pytest.mark.django_db, pytest.mark.clause("R14.3")]

BASE = "/open311/v2"


def post(client: Client, world: World, headers: Any = None, **fields: Any) -> Any:
    data = {
        "api_key": world.plaintext,
        "service_code": "CS-05",
        "address_id": world.community.code,
        "description": "泰山北路蓝剑花园门口一排路灯不亮，晚上很黑，请尽快维修。",
        "first_name": "明",
        "last_name": "李",
        "phone": "13800138000",
    }
    data.update(fields)
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(f"{BASE}/requests.json", data, headers=headers or {})


def error_of(response: Any) -> dict[str, Any]:
    body = response.json()
    assert isinstance(body, list) and set(body[0]) >= {"code", "description"}
    assert body[0]["code"] == response.status_code
    return dict(body[0])


def test_discovery_and_service_catalog(world: World) -> None:
    client = Client()
    discovery = client.get(f"{BASE}/discovery.json").json()
    assert discovery["endpoints"][0]["url"].endswith("/open311/v2")
    assert client.get(f"{BASE}/").status_code == 302
    services_json = client.get(f"{BASE}/services.json").json()
    codes = {s["service_code"] for s in services_json}
    assert {"CS-05", "ZJ-01", "QT"} <= codes
    assert "CS" not in codes  # a parent category is a group, not a service
    lamp = next(s for s in services_json if s["service_code"] == "CS-05")
    assert lamp["service_name"] == "路灯照明" and lamp["group"] == "城市管理" and lamp["metadata"] is True
    xml = client.get(f"{BASE}/services.xml")
    assert xml["Content-Type"].startswith("text/xml")
    root = ET.fromstring(xml.content)  # noqa: S314
    assert root.tag == "services" and len(root.findall("service")) == len(services_json)
    definition = client.get(f"{BASE}/services/CS-05.json").json()
    attribute = definition["attributes"][0]
    assert attribute["code"] == "appeal_type"
    assert {v["key"] for v in attribute["values"]} == set(AppealType.values)
    missing = client.get(f"{BASE}/services/NOPE.json")
    assert missing.status_code == 404 and error_of(missing)["error"] == "unknown_service"
    assert client.get(f"{BASE}/services.json?jurisdiction_id=999999999999").status_code == 404


def test_post_goes_through_intake_and_a_retry_creates_nothing(world: World) -> None:
    client = Client()
    first = post(client, world, headers={"Idempotency-Key": "app-42"})
    assert first.status_code == 201
    answer = first.json()[0]
    appeal = Appeal.objects.get(number=answer["service_request_id"])
    assert appeal.channel == Channel.OPEN311 and appeal.category.code == "CS-05" and appeal.place == world.community
    assert appeal.contact_name == "李明" and "13800138000" not in appeal.contact_mobile_masked
    assert answer["pickup_code"]
    assert AuditEvent.objects.filter(action="appeals.accepted", target_id=str(appeal.pk)).exists()
    assert IdempotencyKey.objects.get(key="app-42").owner == f"open311:{world.key.pk}"

    retry = post(client, world, headers={"Idempotency-Key": "app-42"})
    assert retry.status_code == 201 and retry.json() == first.json()
    assert Appeal.objects.count() == 1

    changed = post(client, world, headers={"Idempotency-Key": "app-42"}, description="另一件事：井盖丢了")
    assert changed.status_code == 409 and error_of(changed)["error"] == "idempotency_mismatch"
    assert Appeal.objects.count() == 1

    # the same key from another client is that client's own key
    _other, other_plain = services.apikey_issue(actor=_admin(), client="另一个客户端")
    other = post(client, world, headers={"Idempotency-Key": "app-42"}, api_key=other_plain)
    assert other.status_code == 201 and other.json()[0]["service_request_id"] != answer["service_request_id"]


def _admin() -> Any:
    from gongzhi.people.models import User

    return User.objects.get(username="admin")


def test_type_comes_from_the_attribute_or_the_routing_suggestion(world: World) -> None:
    client = Client()
    given = post(client, world, **{"attribute[appeal_type]": "complaint"})
    assert Appeal.objects.get(number=given.json()[0]["service_request_id"]).appeal_type == "complaint"
    asked = post(client, world, service_code="MZ-01", description="请问低保怎么申请？需要带什么材料？")
    assert Appeal.objects.get(number=asked.json()[0]["service_request_id"]).appeal_type == "consult"
    bad = post(client, world, **{"attribute[appeal_type]": "shout"})
    assert bad.status_code == 400 and error_of(bad)["error"] == "invalid_appeal_type"


def png() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (0, 120, 200)).save(out, format="PNG")
    out.seek(0)
    out.name = "lamp.png"
    return out


def test_a_photo_goes_with_the_request(world: World) -> None:
    response = post(Client(), world, media=png())
    assert response.status_code == 201
    appeal = Appeal.objects.get(number=response.json()[0]["service_request_id"])
    assert appeal.photos.count() == 1


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"api_key": None}, 403, "invalid_api_key"),
        ({"api_key": "g311_wrong"}, 403, "invalid_api_key"),
        ({"service_code": ""}, 400, "missing_service_code"),
        ({"service_code": "NOPE"}, 400, "unknown_category"),
        ({"description": ""}, 400, None),
        ({"description": "路灯" * 50_000}, 400, None),
        ({"address_id": ""}, 400, "missing_location"),
        ({"address_id": "", "lat": "31.13", "long": "104.39"}, 400, "location_unsupported"),
        ({"address_id": "440300000000"}, 400, "place_outside"),
        ({"address_id": "510603000000"}, 400, "place_outside"),  # a county is not a place inside it
        ({"media_url": "http://example.com/a.jpg"}, 400, "media_url_unsupported"),
        ({"phone": "12345"}, 400, None),
    ],
)
def test_bad_posts_answer_4xx_and_write_nothing(world: World, fields: dict[str, Any], status: int, code: str) -> None:
    before = AuditEvent.objects.count()
    response = post(Client(), world, **fields)
    assert response.status_code == status, response.content
    error = error_of(response)
    if code:
        assert error["error"] == code
    assert not Appeal.objects.exists()
    assert AuditEvent.objects.count() == before


def test_a_photo_that_is_not_an_image_is_refused(world: World) -> None:
    fake = io.BytesIO(b"MZ\x90\x00 not an image")
    fake.name = "photo.jpg"
    response = post(Client(), world, media=fake)
    assert response.status_code == 400
    assert not Appeal.objects.exists()


def test_a_key_posts_only_inside_its_scope_and_revoked_keys_stop(world: World) -> None:
    client = Client()
    outside = post(client, world, address_id=world.other_county_community.code)
    assert outside.status_code == 403 and error_of(outside)["error"] == "outside_key_scope"
    services.apikey_revoke(actor=_admin(), key=world.key)
    assert post(client, world).status_code == 403
    assert not Appeal.objects.exists()


def test_demo_key_only_in_the_demo(world: World, settings: Any) -> None:
    settings.GONGZHI_DEMO = True
    services.demo_key_ensure()
    services.demo_key_ensure()
    assert ApiKey.objects.filter(is_demo=True).count() == 1
    assert post(Client(), world, api_key="demo-key").status_code == 201
    settings.GONGZHI_DEMO = False
    assert post(Client(), world, api_key="demo-key").status_code == 403
    ApiKey.objects.all().delete()
    assert services.demo_key_ensure() is None


def test_reads_expose_public_fields_only_and_filter(world: World) -> None:
    client = Client()
    lamp = post(client, world, description="<script>alert(1)</script>路灯不亮 13800138000").json()[0]
    post(client, world, service_code="ZJ-01", description="物业擅自涨停车费")
    post(
        client,
        world,
        service_code="CS-02",
        description="举报有人违章搭建彩钢棚",
        **{"attribute[appeal_type]": "report"},
    )
    listing = client.get(f"{BASE}/requests.json")
    assert listing.status_code == 200
    rows = listing.json()
    assert len(rows) == 2  # 举报 are never listed
    body = listing.content.decode()
    for secret in ("13800138000", "李明", "<script>", "路灯不亮", "138****8000"):
        assert secret not in body
    row = next(r for r in rows if r["service_request_id"] == lamp["service_request_id"])
    assert row["status"] == "open" and row["service_code"] == "CS-05" and row["address_id"] == world.community.code
    assert row["description"] == "" and row["expected_datetime"] > row["requested_datetime"]

    assert [r["service_code"] for r in client.get(f"{BASE}/requests.json?service_code=ZJ-01").json()] == ["ZJ-01"]
    assert len(client.get(f"{BASE}/requests.json?status=open").json()) == 2
    assert client.get(f"{BASE}/requests.json?status=closed").json() == []
    Appeal.objects.filter(number=lamp["service_request_id"]).update(status=Status.CLOSED)
    closed = client.get(f"{BASE}/requests.json?status=closed").json()
    assert [r["service_request_id"] for r in closed] == [lamp["service_request_id"]]
    by_id = client.get(f"{BASE}/requests.json?service_request_id={lamp['service_request_id']},DY0")
    assert [r["status"] for r in by_id.json()] == ["closed"]
    assert client.get(f"{BASE}/requests.json?jurisdiction_id={world.community.code}").json()
    assert client.get(f"{BASE}/requests.json?jurisdiction_id={world.other_county_community.code}").json() == []
    assert (
        client.get(f"{BASE}/requests.json?start_date=2020-01-01T00:00:00Z&end_date=2020-01-31T00:00:00Z").json() == []
    )

    page = client.get(f"{BASE}/requests.json?page_size=1")
    assert len(page.json()) == 1 and 'rel="next"' in page["Link"]
    following = client.get(page["Link"].split(";")[0].strip("<>").replace("http://testserver", ""))
    assert len(following.json()) == 1 and following.json()[0] != page.json()[0] and "Link" not in following

    detail = client.get(f"{BASE}/requests/{lamp['service_request_id']}.json").json()
    assert detail[0]["service_request_id"] == lamp["service_request_id"]
    xml = ET.fromstring(client.get(f"{BASE}/requests/{lamp['service_request_id']}.xml").content)  # noqa: S314
    assert xml.find("request/service_request_id").text == lamp["service_request_id"]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("status=pending", 400),
        ("start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", 400),
        ("start_date=yesterday", 400),
        ("start_date=2026-03-01T00:00:00Z&end_date=2026-02-01T00:00:00Z", 400),
        ("page_size=ten", 400),
        ("page_after=NOPE", 400),
        ("jurisdiction_id=000000000000", 404),
    ],
)
def test_bad_reads(world: World, query: str, status: int) -> None:
    response = Client().get(f"{BASE}/requests.json?{query}")
    assert response.status_code == status
    error_of(response)


def test_missing_request_and_hidden_report(world: World) -> None:
    client = Client()
    assert client.get(f"{BASE}/requests/DY000.json").status_code == 404
    report = post(client, world, service_code="CS-02", **{"attribute[appeal_type]": "report"}).json()[0]
    hidden = client.get(f"{BASE}/requests/{report['service_request_id']}.json")
    assert hidden.status_code == 404
    xml = client.get(f"{BASE}/requests/DY000.xml")
    assert xml.status_code == 404 and ET.fromstring(xml.content).tag == "errors"  # noqa: S314


def test_admin_issues_and_revokes_keys(world: World, client_for: Any) -> None:
    admin = client_for("admin")
    page = admin.get("/open311/keys/")
    assert page.status_code == 200 and "旌阳区便民 App" in page.content.decode()
    issued = admin.post("/open311/keys/", {"client": "什邡市 12345 对接", "scope": "", "note": "测试"})
    text = issued.content.decode()
    assert issued.status_code == 200 and "g311_" in text
    key = ApiKey.objects.get(client="什邡市 12345 对接")
    plaintext = text.split("<code>")[1].split("</code>")[0]
    assert key.key_hash != plaintext and plaintext not in str(list(ApiKey.objects.values()))
    assert services.authenticate(plaintext) == key
    assert AuditEvent.objects.filter(action="open311.key_issued", target_id=str(key.pk)).exists()
    assert admin.post("/open311/keys/", {"client": ""}).status_code == 400
    assert admin.post(f"/open311/keys/{key.pk}/revoke/").status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert AuditEvent.objects.filter(action="open311.key_revoked", target_id=str(key.pk)).exists()
    assert admin.post("/open311/keys/999999/revoke/").status_code == 404
    for username in ("county_authority", "street_official", "resident"):
        assert client_for(username).get("/open311/keys/").status_code == 403


def test_a_provisional_deadline_is_marked_in_the_post_answer_and_the_reads(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Filed on 28 December 2026, a 投诉's 15 working days run into 2027, whose calendar is not entered: accepted, and
    `expected_datetime` is a 暂定期限 that `service_notice` says is provisional."""
    from datetime import datetime

    from django.utils import timezone

    from gongzhi.workdays import calendar

    monkeypatch.setattr(calendar, "_bundled_years", lambda: range(2004, 2027))  # the bundled data ends with 2026
    moment = timezone.make_aware(datetime(2026, 12, 28, 10))
    monkeypatch.setattr(timezone, "now", lambda: moment)
    client = Client()
    posted = post(client, world, **{"attribute[appeal_type]": "complaint"})
    assert posted.status_code == 201, posted.content
    [answer] = posted.json()
    assert "暂定" in answer["service_notice"]
    [request] = client.get(f"{BASE}/requests/{answer['service_request_id']}.json").json()
    assert request["expected_datetime"].startswith("2027-01-18") and "暂定" in request["service_notice"]
    final = post(client, world, **{"attribute[appeal_type]": "consult"})  # 29–31 December: final
    assert "暂定" not in final.json()[0]["service_notice"]
