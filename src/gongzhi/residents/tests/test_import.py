"""Import and export: templates, streaming import through jobs, row-level error reports, both modes, idempotent
re-import, and bad input that changes nothing already stored."""

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from openpyxl import Workbook, load_workbook

from gongzhi.jobs.models import ImportJob
from gongzhi.residents.models import GroupFlag, Household, Resident

from .conftest import import_csv, person

pytestmark = [pytest.mark.django_db, pytest.mark.clause("R12.3")]


def upload(client: Client, content: bytes, name: str = "people.csv", mode: str = "atomic") -> Any:
    """Post a file the way the page does; tasks run inline after commit, like the worker would."""
    return client.post("/residents/import/", {"file": SimpleUploadedFile(name, content), "mode": mode})


def run_upload(client: Client, django_capture_on_commit_callbacks: Any, content: bytes, **kw: str) -> ImportJob:
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, content, **kw)
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.latest("created_at")


def snapshot() -> list[tuple[Any, ...]]:
    return list(Resident.objects.order_by("id_index").values_list("id_index", "name", "phone_index", "household_id"))


def test_templates_download(client_for: Callable[[str], Client]) -> None:
    worker = client_for("worker")
    xlsx = worker.get("/residents/import/template.xlsx")
    headers = [c.value for c in next(load_workbook(io.BytesIO(xlsx.content)).worksheets[0].iter_rows(max_row=1))]
    assert headers[:3] == ["姓名", "身份证号", "手机号"]
    assert worker.get("/residents/import/template.csv").content.decode("utf-8-sig").startswith("姓名,身份证号,手机号")


def test_import_then_reimport_updates_never_duplicates(
    client_for: Callable[[str], Client], community: Any, django_capture_on_commit_callbacks: Any
) -> None:
    worker = client_for("worker")
    rows = [person(community.code, n) for n in range(1, 10)]
    rows[0]["groups"] = "独居老人、老年人"
    rows[0]["flag_source"] = "2024 年摸底"
    job = run_upload(worker, django_capture_on_commit_callbacks, import_csv(rows))
    assert (job.status, job.created, job.updated, job.error_rows) == ("succeeded", 9, 0, 0)
    assert Resident.objects.count() == 9 and Household.objects.count() == 4
    assert GroupFlag.objects.count() == 2
    assert not job.workdir.exists()  # the stored upload (plaintext!) is gone after the run
    page = worker.get(f"/jobs/{job.public_id}/")
    assert "已完成" in page.content.decode()
    rows[1]["name"] = "改名了"
    again = run_upload(worker, django_capture_on_commit_callbacks, import_csv(rows), mode="skip")
    assert (again.status, again.created, again.updated) == ("succeeded", 0, 9)
    assert Resident.objects.count() == 9 and GroupFlag.objects.count() == 2
    assert Resident.objects.filter(name="改名了").count() == 1


def test_bad_rows_all_or_nothing_then_skip_and_error_report(
    client_for: Callable[[str], Client], community: Any, django_capture_on_commit_callbacks: Any
) -> None:
    worker = client_for("worker")
    run_upload(worker, django_capture_on_commit_callbacks, import_csv([person(community.code, 1)]))
    before = snapshot()
    good = [person(community.code, n) for n in range(2, 6)]
    bad_check = person(community.code, 6)
    bad_check["id_number"] = bad_check["id_number"][:17] + ("0" if bad_check["id_number"][17] != "0" else "1")
    bad_date = person(community.code, 7, id_number="510603199002300012")
    duplicate = person(community.code, 8, id_number=good[0]["id_number"])
    unknown = person("510699999999", 9)
    bad_phone = person(community.code, 10, phone="12345")
    rows = [*good, bad_check, bad_date, duplicate, unknown, bad_phone]
    job = run_upload(worker, django_capture_on_commit_callbacks, import_csv(rows))
    assert job.status == "failed" and job.error_rows == 5
    assert snapshot() == before  # all-or-nothing: nothing written
    messages = {(e.row, e.message) for e in job.row_errors.all()}
    assert any("校验码错误" in m for _r, m in messages)
    assert any("出生日期不存在" in m for _r, m in messages)
    assert (8, "与第 2 行的身份证号重复") in messages
    assert any("找不到社区代码" in m for _r, m in messages)
    assert any("手机号" in m for _r, m in messages)
    report = worker.get(f"/jobs/{job.public_id}/errors.xlsx")
    sheet = load_workbook(io.BytesIO(report.content)).worksheets[0]
    assert [c.value for c in next(sheet.iter_rows(max_row=1))] == ["行号", "列", "原因"]
    assert sheet.max_row == 6
    assert "行号" in worker.get(f"/jobs/{job.public_id}/errors.csv").content.decode("utf-8-sig")
    assert client_for("street_official").get(f"/jobs/{job.public_id}/errors.csv").status_code == 404
    skipped = run_upload(worker, django_capture_on_commit_callbacks, import_csv(rows), mode="skip")
    assert (skipped.status, skipped.created, skipped.error_rows) == ("partial", 4, 5)
    assert Resident.objects.count() == 5


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"not a spreadsheet at all", "people.xlsx", "不是有效的 Excel"),
        (import_csv([], header=["姓名", "身份证", "电话"]), "people.csv", "表头不正确"),
        (b"PK\x03\x04garbage", "people.xlsx", "无法读取 Excel"),
        (b"x", "people.txt", "只接受 .xlsx 或 .csv"),
    ],
)
def test_bad_files_are_refused_at_once(
    client_for: Callable[[str], Client], registry: dict[str, Any], content: bytes, name: str, message: str
) -> None:
    before = snapshot()
    response = upload(client_for("worker"), content, name=name)
    assert response.status_code == 400 and message in response.content.decode()
    assert snapshot() == before and not ImportJob.objects.exists()


def test_huge_file_is_refused(client_for: Callable[[str], Client], registry: dict[str, Any]) -> None:
    before = snapshot()
    with override_settings(GONGZHI_IMPORT_MAX_BYTES=1000):
        response = upload(client_for("worker"), import_csv([person("510603001001", n) for n in range(40)]))
    assert response.status_code == 400 and "文件过大" in response.content.decode()
    assert snapshot() == before


def test_xlsx_and_gbk_csv_and_out_of_scope_rows(
    client_for: Callable[[str], Client], community: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from gongzhi.residents.importer import COLUMNS

    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.append([c.header for c in COLUMNS])
    for n in range(1, 4):
        row = person(community.code, n)
        sheet.append([row.get(c.key, "") for c in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    worker = client_for("worker")
    job = run_upload(worker, django_capture_on_commit_callbacks, buffer.getvalue(), name="people.xlsx")
    assert (job.status, job.created) == ("succeeded", 3)
    gbk = import_csv([person(community.code, 20)], encoding="gb18030")
    assert run_upload(worker, django_capture_on_commit_callbacks, gbk).created == 1
    foreign = client_for("worker_gh")
    outside = run_upload(foreign, django_capture_on_commit_callbacks, import_csv([person(community.code, 30)]))
    assert outside.status == "failed" and "不在您的管理范围内" in outside.row_errors.get().message


def test_progress_partial_and_command_line(
    client_for: Callable[[str], Client], community: Any, tmp_path: Any, capsys: Any
) -> None:
    from django.core.management import call_command

    worker = client_for("worker")
    response = upload(worker, import_csv([person(community.code, n) for n in range(1, 4)]))
    job = ImportJob.objects.get()
    progress = worker.get(f"/jobs/{job.public_id}/progress/", HTTP_HX_REQUEST="true")
    assert response.status_code == 302 and 'hx-trigger="every 1s"' in progress.content.decode()
    path = tmp_path / "people.csv"
    path.write_bytes(import_csv([person(community.code, n) for n in range(1, 6)]))
    call_command("import_file", "residents", str(path), "--mode", "skip", "--user", "worker")
    captured = capsys.readouterr()
    assert "rows/s" in captured.err and "100%" in captured.err and "5 rows" in captured.out
    assert Resident.objects.count() == 5
