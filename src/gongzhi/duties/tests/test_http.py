import io
from datetime import date
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from gongzhi.core.actors import SYSTEM
from gongzhi.duties import services
from gongzhi.duties.demo import seed_duties
from gongzhi.duties.models import AdmissionApplication, DutyListVersion, Task, ViolationCase

from .conftest import TODAY, World


@pytest.mark.clause("R10.1")
def test_residents_see_the_list_in_force_without_signing_in(world: World) -> None:
    page = Client().get("/duties/?county=510603000000")
    text = page.content.decode()
    assert page.status_code == 200
    assert "召集居民会议" in text and "招商引资" in text and "负面清单事项" in text
    assert "《中华人民共和国社会保险法》第二十五条" in text


@pytest.mark.clause("D24")
def test_anyone_can_check_a_certificate_by_its_code(world: World) -> None:
    certificate = services.certificate_issue(
        actor=world.user("worker"),
        community=world.community,
        requested="ZM-001",
        holder_name="唐建国",
        purpose="申请公租房",
        content="居住证明",
        today=TODAY,
    )
    page = Client().get(f"/duties/certificates/check/?code={certificate.verification_code}")
    text = page.content.decode()
    assert page.status_code == 200 and certificate.number in text and "唐**" in text and "唐建国" not in text
    assert Client().get("/duties/certificates/check/?code=ZZZZ").status_code == 404


@pytest.mark.clause("D24")
def test_the_certificate_page_refuses_a_forbidden_certificate_with_the_reason(world: World, client_for: Any) -> None:
    response = client_for("worker").post(
        "/duties/certificates/",
        {"requested": "无犯罪记录证明", "holder_name": "张三", "purpose": "求职", "content": "x"},
    )
    assert response.status_code == 400
    assert "民发〔2020〕20号" in response.content.decode()


@pytest.mark.clause("R10.2")
def test_sending_through_the_page_shows_the_gate_reason(world: World, client_for: Any) -> None:
    client = client_for("dept_official")
    response = client.post(
        "/duties/tasks/new/",
        {"community": world.community.code, "kind": "data_request", "matter_code": "XX-1", "title": "报表"},
        follow=True,
    )
    assert response.status_code == 200 and "未经准入审批" in response.content.decode()
    task = Task.objects.get(title="报表")
    # Another county's worker cannot see it: 404, the same as a missing task.
    assert client_for("worker_gh").get(f"/duties/tasks/{task.pk}/").status_code == 404
    assert client_for("worker").get(f"/duties/tasks/{task.pk}/").status_code == 200


def test_staff_pages_render_for_their_roles(world: World, client_for: Any) -> None:
    pages = {
        "county_authority": [
            "/duties/lists/",
            f"/duties/lists/{world.version.pk}/",
            "/duties/applications/",
            "/duties/violations/",
            "/duties/corrections/",
            "/duties/evaluations/",
            "/duties/lists/new/",
        ],
        "dept_official": ["/duties/applications/new/", "/duties/tasks/new/", "/duties/tasks/"],
        "worker": ["/duties/tasks/", "/duties/tasks/report/", "/duties/certificates/", "/duties/corrections/"],
        "street_official": ["/duties/corrections/new/", "/duties/evaluations/"],
    }
    for username, urls in pages.items():
        client = client_for(username)
        for url in urls:
            assert client.get(url).status_code == 200, (username, url)
    assert client_for("worker").get("/duties/applications/new/").status_code == 403


@pytest.mark.clause("R10.1")
def test_list_export_and_import_round_trip(world: World, client_for: Any) -> None:
    client = client_for("county_authority")
    exported = client.get(f"/duties/lists/{world.version.pk}/export.xlsx")
    assert exported.status_code == 200
    rows = list(load_workbook(io.BytesIO(exported.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("类别", "事项编码", "事项名称") and len(rows) == 6
    draft = services.list_version_create(
        actor=SYSTEM, county=world.county, title="草稿", effective_from=date(2026, 9, 1)
    )
    upload = io.BytesIO(exported.content)
    upload.name = "list.xlsx"
    response = client.post(f"/duties/lists/{draft.pk}/import/", {"file": upload})
    assert response.status_code == 302
    assert draft.items.count() == 5
    # A file naming a forbidden certificate writes nothing and names the row.
    bad_draft = services.list_version_create(
        actor=SYSTEM, county=world.county, title="草稿2", effective_from=date(2026, 10, 1)
    )
    from gongzhi.core.spreadsheets import workbook_bytes
    from gongzhi.duties.spreadsheets import COLUMNS

    content = workbook_bytes(
        [c.header for c in COLUMNS],
        [["依法履职事项", "A-1", "召集居民会议", "组织法"], ["证明事项", "Z-1", "亲属关系证明", "无"]],
    )
    upload = io.BytesIO(content)
    upload.name = "bad.xlsx"
    response = client.post(f"/duties/lists/{bad_draft.pk}/import/", {"file": upload})
    assert response.status_code == 400 and "民发〔2020〕20号" in response.content.decode()
    assert bad_draft.items.count() == 0


@pytest.mark.clause("R10.1")
def test_api_application_missing_resources_names_the_fields(world: World, client_for: Any) -> None:
    client = client_for("dept_official")
    response = client.post(
        "/api/v1/duties/applications",
        {
            "category": "assistance",
            "code": "ZR-9",
            "name": "某项协助",
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-31",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "incomplete_application"
    assert {"legal_basis", "community_role", "resources", "funds_yuan"} <= set(body["fields"])


@pytest.mark.clause("R10.2")
def test_api_gate_check_and_task_send(world: World, client_for: Any) -> None:
    client = client_for("dept_official")
    decision = client.get(f"/api/v1/duties/gate?community={world.community.code}&matter_code=FM-001").json()
    assert decision["allowed"] is False and decision["outcome"] == "violation" and decision["code"] == "negative_list"
    assert not ViolationCase.objects.exists()  # asking writes nothing
    inspection = client.get(f"/api/v1/duties/gate?community={world.community.code}&matter_code=XZ-001&kind=inspection")
    assert inspection.json()["code"] == "department_inspection"
    street = client_for("street_official").get(
        f"/api/v1/duties/gate?community={world.community.code}&matter_code=XZ-001&kind=inspection"
    )
    assert street.json()["allowed"] is True
    sent = client.post(
        "/api/v1/duties/tasks",
        {"community": world.community.code, "kind": "work_item", "matter_code": "XZ-001", "title": "医保登记"},
        content_type="application/json",
    )
    assert sent.status_code == 201 and sent.json()["status"] == "delivered"
    assert sent.json()["funds_yuan"] == "3000.00"


@pytest.mark.clause("R10.1")
def test_api_second_decision_is_a_conflict(world: World, client_for: Any) -> None:
    from .conftest import application_values

    application = services.application_submit(actor=world.user("dept_official"), today=TODAY, **application_values())
    client = client_for("county_authority")
    payload = {"admit": True, "meeting_reference": "纪要1号", "meeting_date": "2026-03-10"}
    url = f"/api/v1/duties/applications/{application.pk}/decision"
    assert client.post(url, payload, content_type="application/json").status_code == 200
    again = client.post(url, payload | {"admit": False}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "already_decided"
    assert client_for("worker_gh").post(url, payload, content_type="application/json").status_code == 404


def test_demo_seed_is_idempotent(deyang: None) -> None:
    seed_duties()
    seed_duties()
    assert DutyListVersion.objects.count() == 1
    assert AdmissionApplication.objects.filter(status="submitted").count() == 1
    assert Task.objects.filter(status="refused").count() == 1
    case = ViolationCase.objects.get()
    assert case.status == "published" and case.notice_disclosure_id is not None


@pytest.mark.clause("R10.1")
def test_review_pages_and_work_items(world: World, client_for: Any) -> None:
    from .conftest import application_values

    application = services.application_submit(actor=world.user("dept_official"), today=TODAY, **application_values())
    client = client_for("county_authority")
    assert "准入审批：老旧小区改造意愿征集" in client.get("/").content.decode()  # 我的待办
    page = client.post(f"/duties/applications/{application.pk}/", {"decide": "1", "admit": "1"})
    assert page.status_code == 400 and "请填写联席会议纪要文号" in page.content.decode()
    done = client.post(
        f"/duties/applications/{application.pk}/",
        {"decide": "1", "admit": "1", "meeting_reference": "纪要6号", "meeting_date": "2026-03-10"},
    )
    assert done.status_code == 302
    reviewed = client.post(
        f"/duties/applications/{application.pk}/",
        {"review": "1", "year": "2026", "keep": "0", "note": "居民会议不认可"},
    )
    assert reviewed.status_code == 302
    application.refresh_from_db()
    assert application.status == "exited" and application.exit_reason == "annual_review"


def test_the_task_list_api_costs_the_same_queries_for_many_tasks(
    world: World, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for("county_authority")
    client.get("/api/v1/duties/tasks")  # warm the session and grants
    for i in range(3):
        services.task_send(
            actor=world.user("dept_official"),
            community=world.community,
            kind="work_item",
            matter_code="LZ-001",
            title=f"t{i}",
        )
    with django_assert_max_num_queries(12) as few:
        assert len(client.get("/api/v1/duties/tasks").json()["items"]) == 3
    for i in range(20):
        services.task_send(
            actor=world.user("dept_official"),
            community=world.community,
            kind="work_item",
            matter_code="XX",
            title=f"u{i}",
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("/api/v1/duties/tasks").json()["items"]) == 23
