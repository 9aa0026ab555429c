import io

import pytest
from openpyxl import Workbook, load_workbook

from gongzhi.jobs.models import ImportJob
from gongzhi.territory.models import Division

pytestmark = pytest.mark.django_db

HEADERS = ["区划代码", "名称", "类型", "上级代码", "常住人口", "户数"]


def xlsx(rows: list[list[object]], headers: list[str] = HEADERS) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "divisions.xlsx"
    return buffer


def upload(client, data: io.BytesIO, mode: str = "atomic"):  # type: ignore[no-untyped-def]
    return client.post("/territory/import/", {"file": data, "mode": mode})


def run_upload(client, capture, data: io.BytesIO, mode: str = "atomic") -> ImportJob:  # type: ignore[no-untyped-def]
    """Submit through the page; the job runs on commit (inline in tests) and the page sends the user to its job."""
    with capture(execute=True):
        response = upload(client, data, mode)
    assert response.status_code == 302 and "/jobs/" in response["Location"], response.content.decode()[-2000:]
    return ImportJob.objects.latest("created_at")


@pytest.mark.clause("R3.2")
def test_import_creates_nodes_including_parents_from_the_same_file(  # type: ignore[no-untyped-def]
    client_for, django_capture_on_commit_callbacks
) -> None:
    client = client_for("county_authority")
    job = run_upload(
        client,
        django_capture_on_commit_callbacks,
        xlsx(
            [
                ["510603001070", "桂花社区", "社区", "510603001", 5200, 1900],
                ["510603001070001", "桂花社区第1网格", "综合网格", "510603001070", 2600, 950],
            ]
        ),
    )
    assert (job.status, job.created, job.error_rows) == ("succeeded", 2, 0)
    parent = Division.objects.get(code="510603001070001").parent
    assert parent is not None and parent.code == "510603001070"
    assert "已完成" in client.get(f"/jobs/{job.public_id}/").content.decode()


BAD_ROWS = [
    ["510603001071", "好社区", "社区", "510603001", 5200, 1900],
    ["51060300107A", "坏代码", "社区", "510603001", 1, 1],
    ["510603001072", "坏类型", "居委会", "510603001", 1, 1],
    ["510603001073", "越权社区", "社区", "510681001", 1, 1],
    ["510603001071", "重复", "社区", "510603001", 1, 1],
    ["510603001074", "负数", "社区", "510603001", -5, 1],
    ["510603001075", "", "社区", "510603001", 1, 1],
]
BAD_REASONS = [
    (3, "只能包含数字"),
    (4, "未知的区划类型"),
    (5, "不在您的管理范围内"),
    (6, "已存在"),
    (7, "不能为负数"),
    (8, "必填项为空"),
]


@pytest.mark.clause("R3.2")
def test_bad_rows_get_row_level_messages_and_nothing_is_written(  # type: ignore[no-untyped-def]
    client_for, django_capture_on_commit_callbacks
) -> None:
    client = client_for("county_authority")
    before = Division.objects.count()
    job = run_upload(client, django_capture_on_commit_callbacks, xlsx(BAD_ROWS))
    assert job.status == "failed" and Division.objects.count() == before
    errors = {(e.row, e.message) for e in job.row_errors.all()}
    for row, reason in BAD_REASONS:
        assert any(r == row and reason in message for r, message in errors), (row, reason, errors)
    report = client.get(f"/jobs/{job.public_id}/errors.xlsx")
    rows = list(load_workbook(io.BytesIO(report.content), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("行号", "列", "原因") and len(rows) - 1 == len(errors)


def test_skip_bad_rows_keeps_the_good_ones(client_for, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    client = client_for("county_authority")
    job = run_upload(client, django_capture_on_commit_callbacks, xlsx(BAD_ROWS), mode="skip")
    assert (job.status, job.created) == ("partial", 1)
    assert Division.objects.filter(code="510603001071", name="好社区").exists()


def test_wrong_headers_and_non_excel_files_are_refused(client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("county_authority")
    response = upload(client, xlsx([["1", "2"]], headers=["编号", "名字"]))
    assert response.status_code == 400 and "缺少列" in response.content.decode()
    fake = io.BytesIO(b"<html>not excel</html>")
    fake.name = "divisions.xlsx"
    response = upload(client, fake)
    assert response.status_code == 400 and "Excel" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_export_round_trips_through_the_template_columns(client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("street_official")
    response = client.get("/territory/510603001000/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("区划代码", "名称", "类型", "上级代码")
    codes = {r[0] for r in rows[1:]}
    assert "510603001000" in codes and all(str(c).startswith("510603001") for c in codes)


@pytest.mark.clause("R2.2")
def test_pages_show_only_the_viewers_subtree(client_for) -> None:  # type: ignore[no-untyped-def]
    worker = client_for("worker")
    own = worker.get("/").content.decode()
    assert "我的辖区" in own
    guanghan = Division.objects.filter(path__startswith="510681", level="community").first()
    assert guanghan is not None
    assert worker.get(f"/territory/{guanghan.code}/").status_code == 404
    assert worker.get("/territory/000000000000/").status_code == 404
    assert worker.get("/territory/import/").status_code == 403


def test_api_lists_scope_only_and_errors_have_one_shape(client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("street_official")
    page = client.get("/api/v1/territory/divisions", {"level": "community", "limit": 200}).json()
    assert page["items"] and all(i["code"].startswith("510603001") for i in page["items"])
    bad = client.get("/api/v1/territory/divisions", {"limit": "abc"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert bad.status_code == 422 and set(bad.json()) == {"code", "message", "fields"}
    assert bad.json()["fields"]["limit"] == "应为整数"
    english = client.get("/api/v1/territory/divisions", {"limit": 0}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400 and english.json()["code"] == "invalid"
    assert client.get("/api/v1/territory/divisions/510681000000").status_code == 404
    created = client.post(
        "/api/v1/territory/divisions/510603001000/children",
        {"code": "510603001080", "name": "x" * 61, "kind": "community"},
        content_type="application/json",
    )
    assert created.status_code == 422 and "name" in created.json()["fields"]


def test_api_designation_by_authority(client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("county_authority")
    response = client.post(
        "/api/v1/territory/divisions/510603001000/children",
        {"code": "510603001081", "name": "接口社区", "kind": "community", "population": 100},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["parent_code"] == "510603001000"
    again = client.post(
        "/api/v1/territory/divisions/510603001000/children",
        {"code": "510603001081", "name": "接口社区", "kind": "community"},
        content_type="application/json",
    )
    assert again.status_code == 409 and again.json()["code"] == "conflict"


def test_division_detail_api_includes_history(client_for) -> None:  # type: ignore[no-untyped-def]
    body = client_for("street_official").get("/api/v1/territory/divisions/510603001000").json()
    assert body["code"] == "510603001000" and body["designations"][0]["action"] == "designate"
