"""Masking everywhere, reveal with permission and purpose (logged, shown to the resident), scope, subject rights."""

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client

from gongzhi.core.errors import Forbidden, NotFound, ServiceError
from gongzhi.ledger.models import AuditEvent
from gongzhi.residents import services
from gongzhi.residents.models import AccessLog, GroupFlag, SpecialGroup

pytestmark = [pytest.mark.django_db, pytest.mark.clause("R12.3")]


def test_worker_pages_show_masked_values_only(registry: dict[str, Any], client_for: Callable[[str], Client]) -> None:
    worker = client_for("worker")
    granny = registry["granny"]
    plain_id = services.plaintext(granny, "id_number")
    for url in (
        "/residents/",
        f"/residents/r/{granny.public_id}/",
        f"/residents/households/{registry['home'].public_id}/",
        "/residents/households/",
        "/residents/care/?group=elderly_alone",
        f"/api/v1/residents/residents/{granny.public_id}",
        "/api/v1/residents/residents",
    ):
        response = worker.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert plain_id not in body and "13981234567" not in body, url
        assert "no-store" in response.get("Cache-Control", "") or url.startswith("/api/"), url
    assert granny.id_masked in worker.get("/residents/").content.decode()
    assert "唐素芬" in worker.get("/residents/care/?group=elderly_alone").content.decode()
    assert "唐建国" not in worker.get("/residents/care/?group=elderly_alone").content.decode()
    # A masked list view creates no access record.
    assert not AccessLog.objects.exists()


def test_out_of_scope_answers_404(registry: dict[str, Any], client_for: Callable[[str], Client]) -> None:
    other = client_for("worker_gh")
    granny = registry["granny"]
    assert other.get(f"/residents/r/{granny.public_id}/").status_code == 404
    assert other.get("/residents/r/not-a-uuid/").status_code == 404
    assert "唐素芬" not in other.get("/residents/").content.decode()
    assert (
        other.post(
            f"/residents/r/{granny.public_id}/reveal/", {"reveal-field": "id_number", "reveal-purpose": "核实身份信息"}
        ).status_code
        == 404
    )


def test_reveal_refused_without_permission_and_logged(
    registry: dict[str, Any], user_named: Callable[[str], Any]
) -> None:
    granny = registry["granny"]
    grid_worker = user_named("grid_worker")  # sees the masked record in their grid, may not reveal
    with pytest.raises(Forbidden):
        services.reveal(actor=grid_worker, resident=granny, field="id_number", purpose="核实身份信息")
    assert AuditEvent.objects.filter(action="residents.reveal_refused", target_id=str(granny.pk)).exists()
    assert not AccessLog.objects.exists()
    with pytest.raises(NotFound):
        services.reveal(actor=user_named("worker_gh"), resident=granny, field="id_number", purpose="核实身份信息")


def test_reveal_with_permission_needs_purpose_is_logged_and_resident_sees_it(
    registry: dict[str, Any], client_for: Callable[[str], Client]
) -> None:
    granny = registry["granny"]
    worker = client_for("worker")
    refused = worker.post(
        f"/residents/r/{granny.public_id}/reveal/", {"reveal-field": "id_number", "reveal-purpose": ""}
    )
    assert refused.status_code == 400 and not AccessLog.objects.exists()
    api_refused = worker.post(
        f"/api/v1/residents/residents/{granny.public_id}/reveal",
        {"field": "phone", "purpose": "x"},
        content_type="application/json",
    )
    assert api_refused.status_code == 400 and api_refused.json()["fields"]["purpose"]
    response = worker.post(
        f"/residents/r/{granny.public_id}/reveal/",
        {"reveal-field": "id_number", "reveal-purpose": "办理高龄津贴核对身份"},
    )
    assert response.status_code == 200 and response["X-Gongzhi-Disclosure"] == "reveal"
    assert services.plaintext(granny, "id_number") in response.content.decode()
    log = AccessLog.objects.get()
    assert (log.viewer.username, log.field, log.purpose) == ("worker", "id_number", "办理高龄津贴核对身份")
    event = AuditEvent.objects.get(action="residents.revealed")
    assert (event.after or {})["value"] == granny.id_masked and (event.after or {})["purpose"] == "办理高龄津贴核对身份"
    mine = client_for("resident").get("/residents/me/")
    assert mine.status_code == 200
    page = mine.content.decode()
    assert "办理高龄津贴核对身份" in page and "社区工作者 张丽" in page
    assert granny.id_masked in page


def test_resident_downloads_everything_and_asks_for_correction(
    registry: dict[str, Any], client_for: Callable[[str], Client], user_named: Callable[[str], Any]
) -> None:
    resident = client_for("resident")
    data = resident.get("/residents/me/export.json")
    assert data["X-Gongzhi-Disclosure"] == "subject"
    body = json.loads(data.content)
    assert body["resident"]["id_number"] == services.plaintext(registry["granny"], "id_number")
    assert body["resident"]["phone"] == "13981234567"
    assert body["special_groups"][0]["label"] == "独居老人"
    assert body["household"]["address"].startswith("泰山北路18号")
    xlsx = resident.get("/residents/me/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert resident.get("/residents/me/household/").status_code == 200
    resident.post("/residents/me/request/", {"kind": "correction", "field": "手机号", "details": "手机号已换为新号码"})
    worker = client_for("worker")
    listing = worker.get("/residents/requests/").content.decode()
    assert "唐素芬" in listing
    request = registry["granny"].requests.get()
    assert request.due_on == date.today() + timedelta(days=services.REQUEST_DAYS)
    page = worker.get(f"/residents/requests/{request.public_id}/")
    assert "手机号已换为新号码" in page.content.decode()
    worker.post(f"/residents/requests/{request.public_id}/", {"status": "done", "response": "已更正"})
    request.refresh_from_db()
    assert request.status == "done" and request.handled_by == user_named("worker")
    unlinked = client_for("household_head").get("/residents/me/")  # no linked record in this fixture
    assert unlinked.status_code == 302 and unlinked["Location"] == "/residents/me/link/"


@pytest.mark.clause("R8.3")
def test_staff_act_on_behalf_only_with_recorded_consent(
    registry: dict[str, Any], user_named: Callable[[str], Any]
) -> None:
    granny, worker = registry["granny"], user_named("worker")
    with pytest.raises(Forbidden):
        services.request_file(actor=worker, resident=granny, kind="correction", field="住址", details="搬家")
    services.consent_record(
        actor=worker,
        resident=granny,
        agent=worker,
        matters="代办信息更正",
        evidence="本人签字授权书",
        given_on=date.today(),
        expires_on=date.today() + timedelta(days=30),
    )
    request = services.request_file(actor=worker, resident=granny, kind="correction", field="住址", details="搬家")
    assert AuditEvent.objects.get(action="residents.request_filed", target_id=str(request.pk)).after == {
        **(AuditEvent.objects.get(action="residents.request_filed", target_id=str(request.pk)).after or {}),
        "proxy": True,
    }


def test_emergency_data_needs_destruction_date_and_is_destroyed(registry: dict[str, Any]) -> None:
    from gongzhi.core.actors import SYSTEM

    head = registry["head"]
    with pytest.raises(ServiceError):
        services.flag_add(
            actor=SYSTEM,
            resident=head,
            group=SpecialGroup.SERIOUSLY_ILL,
            since=date.today(),
            source="疫情排查",
            purpose="emergency",
        )
    services.flag_add(
        actor=SYSTEM,
        resident=head,
        group=SpecialGroup.SERIOUSLY_ILL,
        since=date.today(),
        source="疫情排查",
        purpose="emergency",
        destroy_on=date.today() + timedelta(days=10),
    )
    assert services.destroy_expired_flags(today=date.today()) == 0
    assert services.destroy_expired_flags(today=date.today() + timedelta(days=10)) == 1
    assert not GroupFlag.objects.filter(resident=head).exists()


def test_export_masked_unless_reveal_permission_and_purpose_every_export_logged(
    registry: dict[str, Any], client_for: Callable[[str], Client], community: Any
) -> None:
    worker = client_for("worker")
    masked = worker.post("/residents/export/", {"fmt": "csv", "purpose": ""})
    text = masked.content.decode("utf-8-sig")
    assert registry["granny"].id_masked in text and "X-Gongzhi-Disclosure" not in masked
    plain = worker.post("/residents/export/", {"fmt": "csv", "purpose": "向民政局报送高龄津贴名单"})
    assert plain["X-Gongzhi-Disclosure"] == "export"
    assert services.plaintext(registry["granny"], "id_number") in plain.content.decode("utf-8-sig")
    county = client_for("county_authority")  # may export, may not reveal: masked even with a purpose
    county_export = county.post("/residents/export/", {"fmt": "xlsx", "purpose": "统计"})
    assert county_export.status_code == 200 and "X-Gongzhi-Disclosure" not in county_export
    logged = AuditEvent.objects.filter(action="residents.exported").order_by("id")
    assert [(e.after or {})["masked"] for e in logged] == [True, False, True]


def test_lookup_by_id_number_posts_and_redirects(registry: dict[str, Any], client_for: Callable[[str], Client]) -> None:
    worker = client_for("worker")
    plain = services.plaintext(registry["head"], "id_number")
    response = worker.post("/residents/lookup/", {"id_number": plain})
    assert response.status_code == 302 and str(registry["head"].public_id) in response["Location"]
    api = worker.post("/api/v1/residents/lookup", {"id_number": plain}, content_type="application/json")
    assert api.json()["name"] == "唐建国"
    assert (
        client_for("worker_gh")
        .post("/api/v1/residents/lookup", {"id_number": plain}, content_type="application/json")
        .status_code
        == 404
    )
