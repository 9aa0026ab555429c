"""Pages and API of the appeals domain."""

import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from gongzhi.appeals import services
from gongzhi.appeals.models import Appeal, AppealPhoto, IdempotencyKey, Status

from .conftest import World, submit

pytestmark = [pytest.mark.django_db, pytest.mark.clause("R14.3")]


def png_upload() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 90, 0)).save(out, format="PNG")
    return SimpleUploadedFile("p.png", out.getvalue(), content_type="image/png")


def test_resident_submits_on_the_portal_and_follows_it_without_an_account(world: World, client_for: Any) -> None:
    client = client_for("resident")
    page = client.get("/appeals/new/")
    assert page.status_code == 200 and world.community.name in page.content.decode()
    response = client.post(
        "/appeals/new/",
        {
            "appeal_type": "complaint",
            "category": "CS-04",
            "place": world.community.code,
            "text": "<script>alert('x')</script>夜间施工噪声",
            "photos": [png_upload()],
            "idempotency_key": "form-1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    appeal = Appeal.objects.get()
    assert AppealPhoto.objects.filter(appeal=appeal).count() == 1
    detail = client.get(response["Location"]).content.decode()
    assert "&lt;script&gt;" in detail and "<script>alert" not in detail
    assert client.get("/appeals/").content.decode().count(appeal.number) == 1
    # The public follow-up page needs the 提取码; a wrong one says so and shows nothing.
    anonymous = Client()
    wrong = anonymous.get("/appeals/track/", {"number": appeal.number, "code": "XXXXXX"}).content.decode()
    assert "夜间施工噪声" not in wrong
    # A double submit (same form key) answers the original.
    client.post(
        "/appeals/new/",
        {
            "appeal_type": "complaint",
            "category": "CS-04",
            "place": world.community.code,
            "text": "<script>alert('x')</script>夜间施工噪声",
            "photos": [png_upload()],
            "idempotency_key": "form-1",
        },
    )
    assert Appeal.objects.count() == 1


def test_track_page_shows_status_with_the_right_code(world: World) -> None:
    appeal = submit(world)
    page = Client().get("/appeals/track/", {"number": appeal.number, "code": appeal.pickup_code}).content.decode()
    assert appeal.number in page and "受理" in page


def test_guessing_a_pickup_code_locks_the_number_for_that_client_for_the_cool_off(world: World) -> None:
    """After five wrong 提取码 for one appeal from one client even the right code is refused to that client for the
    cool-off (429); the resident elsewhere still gets in, other appeals are unaffected, and numbers that do not exist
    are not counted."""
    from django.utils import timezone

    from gongzhi.people.models import LoginThrottle

    appeal, other = submit(world), submit(world, text="路灯不亮，晚上出行不便。")
    guesser, resident = Client(REMOTE_ADDR="203.0.113.7"), Client(REMOTE_ADDR="198.51.100.20")
    for attempt in range(5):
        wrong = guesser.get("/appeals/track/", {"number": appeal.number, "code": f"WRONG{attempt}"})
        assert wrong.status_code == 200 and "编号或提取码不正确" in wrong.content.decode()
    right = guesser.get("/appeals/track/", {"number": appeal.number, "code": appeal.pickup_code})
    assert right.status_code == 429 and "失败次数过多" in right.content.decode()
    assert "受理" not in right.content.decode().split("失败次数过多")[1]
    own = resident.get("/appeals/track/", {"number": appeal.number, "code": appeal.pickup_code})
    assert own.status_code == 200 and appeal.number in own.content.decode()
    fine = guesser.get("/appeals/track/", {"number": other.number, "code": other.pickup_code})
    assert fine.status_code == 200 and other.number in fine.content.decode()
    for attempt in range(8):
        guesser.get("/appeals/track/", {"number": f"DY20269999{attempt:04d}", "code": "WRONG1"})
    assert not LoginThrottle.objects.filter(username__startswith="track:dy20269999").exists()
    LoginThrottle.objects.filter(username__startswith=f"track:{appeal.number}".lower()).update(
        locked_until=timezone.now()
    )
    again = guesser.get("/appeals/track/", {"number": appeal.number, "code": appeal.pickup_code})
    assert again.status_code == 200 and appeal.number in again.content.decode()


def test_guessing_from_many_addresses_locks_the_number_for_everyone(world: World, settings: Any) -> None:
    """The per-number ceiling: wrong codes from all clients together lock the number for everyone, so spreading the
    guesses over many addresses does not help."""
    settings.GONGZHI_TRACK_MAX_FAILURES_PER_NUMBER = 6
    appeal = submit(world)
    for n in range(6):
        Client(REMOTE_ADDR=f"203.0.113.{n + 1}").get("/appeals/track/", {"number": appeal.number, "code": "WRONG1"})
    late = Client(REMOTE_ADDR="198.51.100.20").get(
        "/appeals/track/", {"number": appeal.number, "code": appeal.pickup_code}
    )
    assert late.status_code == 429


def test_the_client_key_trusts_only_the_configured_proxies(settings: Any) -> None:
    from django.test import RequestFactory

    from gongzhi.core.http import client_key

    factory = RequestFactory()
    spoofed = factory.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    settings.GONGZHI_TRUSTED_PROXIES = 0
    assert client_key(spoofed) == "10.0.0.5"  # no proxy trusted: the header is the client's claim
    settings.GONGZHI_TRUSTED_PROXIES = 1
    assert client_key(spoofed) == "203.0.113.9"  # what nginx appended; "1.2.3.4" came from the client
    v6 = factory.get("/", REMOTE_ADDR="2001:db8:1:2:3:4:5:6")
    settings.GONGZHI_TRUSTED_PROXIES = 0
    assert client_key(v6) == "2001:db8:1:2::/64"
    assert client_key(factory.get("/", REMOTE_ADDR="not-an-address")) == "unknown"


def test_api_intake_with_idempotency_key(world: World, client_for: Any) -> None:
    client = client_for("resident")
    body = {"appeal_type": "help", "category": "MZ-02", "place": world.community.code, "text": "独居老人需要助餐"}
    first = client.post("/api/v1/appeals/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc")
    assert first.status_code == 201, first.content
    again = client.post("/api/v1/appeals/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc")
    assert again.status_code == 200 and again.json()["number"] == first.json()["number"] and again.json()["replayed"]
    assert again.json()["pickup_code"] == first.json()["pickup_code"]
    assert Appeal.objects.count() == 1 and IdempotencyKey.objects.count() == 1
    other = client.post(
        "/api/v1/appeals/", {**body, "text": "别的事"}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc"
    )
    assert other.status_code == 409 and other.json()["code"] == "idempotency_mismatch"


def test_api_intake_with_photos_as_multipart(world: World, client_for: Any) -> None:
    """`POST /api/v1/appeals/with-photos`: the same intake with photos; a file that is not an image refuses the
    whole appeal (nothing written), and a retry with the same key answers the original."""
    client = client_for("resident")
    body = {"appeal_type": "complaint", "category": "CS-04", "place": world.community.code, "text": "夜间施工噪声扰民"}
    bad = client.post(
        "/api/v1/appeals/with-photos",
        {**body, "photos": [SimpleUploadedFile("x.png", b"%PDF-1.4 not an image", content_type="image/png")]},
    )
    assert bad.status_code == 400 and bad.json()["code"] == "photo_invalid"
    assert not Appeal.objects.exists() and not AppealPhoto.objects.exists()
    first = client.post(
        "/api/v1/appeals/with-photos", {**body, "photos": [png_upload(), png_upload()]}, HTTP_IDEMPOTENCY_KEY="m-1"
    )
    assert first.status_code == 201, first.content
    appeal = Appeal.objects.get(number=first.json()["number"])
    assert AppealPhoto.objects.filter(appeal=appeal).count() == 2 and appeal.channel == "api"
    again = client.post(
        "/api/v1/appeals/with-photos", {**body, "photos": [png_upload(), png_upload()]}, HTTP_IDEMPOTENCY_KEY="m-1"
    )
    assert again.status_code == 200 and again.json()["replayed"] and AppealPhoto.objects.count() == 2
    without = client.post("/api/v1/appeals/with-photos", {**body, "text": "楼道灯不亮"})
    assert without.status_code == 201


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "长" * 100_000}, "text"),
        ({"category": "NOPE"}, "category"),
        ({"place": "510603"}, "place"),
    ],
)
def test_api_bad_input_answers_4xx_and_writes_nothing(
    world: World, client_for: Any, change: dict[str, str], field: str
) -> None:
    body = {"appeal_type": "help", "category": "MZ-02", "place": world.community.code, "text": "需要帮助", **change}
    response = client_for("resident").post("/api/v1/appeals/", body, content_type="application/json")
    assert response.status_code == 400 and field in response.json()["fields"]
    assert not Appeal.objects.exists()


@pytest.mark.clause("R10.2")
def test_api_dispatch_to_a_community_off_its_list_is_refused(world: World, client_for: Any) -> None:
    appeal = submit(world, category="CS-02")
    client = client_for("county_authority")
    refused = client.post(
        f"/api/v1/appeals/{appeal.number}/dispatch", {"unit_id": world.committee.pk}, content_type="application/json"
    )
    assert refused.status_code == 409 and refused.json()["code"] == "duty_list_refused"
    ok = client.post(f"/api/v1/appeals/{appeal.number}/dispatch", {}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["handling_unit"] == world.enforcement.name


def test_api_queue_is_keyset_paged_and_scoped(world: World, client_for: Any) -> None:
    for i in range(5):
        submit(world, text=f"第{i}件")
    client = client_for("street_official")
    first = client.get("/api/v1/appeals/queue", {"limit": 3}).json()
    assert len(first["items"]) == 3 and first["next"]
    second = client.get("/api/v1/appeals/queue", {"limit": 3, "after": first["next"]}).json()
    assert len(second["items"]) == 2 and second["next"] is None
    assert {i["number"] for i in first["items"]}.isdisjoint({i["number"] for i in second["items"]})
    assert client_for("worker_gh").get("/api/v1/appeals/queue").json()["items"] == []


def test_staff_pages_and_workflow_from_the_detail_page(world: World, client_for: Any) -> None:
    appeal = submit(world, category="ZJ-01")
    dispatcher = client_for("county_authority")
    for url in (
        "/appeals/queue/",
        "/appeals/dispatch/",
        "/appeals/overdue/",
        "/appeals/stats/",
        "/appeals/intake/",
        "/appeals/import/",
    ):
        assert dispatcher.get(url).status_code == 200, url
    dispatcher.post(f"/appeals/{appeal.pk}/act/dispatch/", {"unit": ""})
    dept = client_for("dept_official")
    assert appeal.number in dept.get("/appeals/inbox/").content.decode()
    dept.post(f"/appeals/{appeal.pk}/act/sign/")
    dept.post(f"/appeals/{appeal.pk}/act/reply/", {"reply": "已维修"})
    client_for("resident").post(f"/appeals/{appeal.pk}/act/visit/", {"satisfaction": "5", "solved": "1"})
    assert Appeal.objects.get(pk=appeal.pk).status == Status.CLOSED
    stats = dispatcher.get("/appeals/stats/", {"by": "unit", "start": "2026-01-01", "end": "2026-12-31"})
    assert world.housing.name in stats.content.decode()
    export = dispatcher.get("/appeals/stats.xlsx", {"by": "type", "start": "2026-01-01", "end": "2026-12-31"})
    assert export.status_code == 200 and export.content[:2] == b"PK"
    assert client_for("resident").get("/appeals/queue/").status_code == 403


def test_staff_intake_page_records_consent(world: World, client_for: Any) -> None:
    response = client_for("worker").post(
        "/appeals/intake/",
        {
            "channel": "phone",
            "contact_name": "唐婆婆",
            "contact_mobile": "13812345678",
            "consent_note": "电话中同意代为登记",
            "appeal_type": "help",
            "category": "MZ-02",
            "place": world.community.code,
            "text": "需要上门助浴",
        },
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.channel == "phone" and appeal.consent_note == "电话中同意代为登记"
    page = client_for("worker").get(response["Location"]).content.decode()
    assert "138****5678" in page and "13812345678" not in page


def test_json_12345_file_runs_through_the_jobs_importer(
    world: World, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    tickets = [
        {
            "ticket": "12345-A1",
            "appeal_type": "投诉",
            "category": "CS-01",
            "place": world.community.code,
            "text": "占道经营",
            "accepted_at": "2026-03-02 09:00",
        }
    ]
    upload = SimpleUploadedFile("t.json", json.dumps(tickets, ensure_ascii=False).encode(), "application/json")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("county_authority").post("/appeals/import/", {"file": upload, "mode": "skip"})
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    assert Appeal.objects.filter(external_ref="12345-A1", channel="12345").count() == 1
    services.sweep()  # nothing breaks on imported appeals
