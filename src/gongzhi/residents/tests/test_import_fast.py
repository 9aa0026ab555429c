"""The prepared-row import path: worker processes over chunks, cross-batch duplicates, records registered outside the
importer's scope, Excel files with a shared-strings table (as Excel writes them), memory-flat xlsx reading."""

import dataclasses
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from gongzhi.jobs.models import ImportJob
from gongzhi.residents import vault
from gongzhi.residents.models import GroupFlag, Household, Resident

from .conftest import import_csv, person
from .xlsx_shared import write_shared_xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.clause("R12.3")]


def run(client: Client, capture: Any, content: bytes, name: str = "people.csv", mode: str = "skip") -> ImportJob:
    with capture(execute=True):
        response = client.post("/residents/import/", {"file": SimpleUploadedFile(name, content), "mode": mode})
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.latest("created_at")


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 7 rows and two worker processes even for a tiny file, so chunks, the pool and cross-batch checks
    are exercised."""
    from gongzhi.jobs import registry
    from gongzhi.residents import importer

    monkeypatch.setattr(importer, "BATCH_SIZE", 7)
    monkeypatch.setitem(registry._importers, "residents", dataclasses.replace(importer.IMPORTER, batch_size=7))


@override_settings(GONGZHI_IMPORT_WORKERS=2, GONGZHI_IMPORT_POOL_MIN_BYTES=0)
def test_pool_chunks_cross_batch_duplicates_and_reimport(
    client_for: Callable[[str], Client], community: Any, small_batches: None, django_capture_on_commit_callbacks: Any
) -> None:
    from gongzhi.residents import prepare

    assert prepare.workers_for(10) == 2
    worker = client_for("worker")
    rows = [person(community.code, n) for n in range(1, 26)]
    rows[0]["groups"] = "老年人、独居老人"
    rows[20]["id_number"] = rows[1]["id_number"]  # row 22 repeats row 3, two batches later
    rows[10]["id_number"] = rows[10]["id_number"][:17] + ("1" if rows[10]["id_number"][17] != "1" else "2")
    job = run(worker, django_capture_on_commit_callbacks, import_csv(rows))
    assert (job.status, job.created, job.updated, job.error_rows) == ("partial", 23, 0, 2)
    messages = {(e.row, e.message) for e in job.row_errors.all()}
    assert (22, "与第 3 行的身份证号重复") in messages
    assert any(row == 12 and "校验码" in m for row, m in messages)
    assert Resident.objects.count() == 23 and GroupFlag.objects.count() == 2
    stored = Resident.objects.get(import_row=2)
    assert vault.decrypt("id_number", stored.id_enc) == rows[0]["id_number"]
    assert stored.phone_enc is not None and vault.decrypt("phone", stored.phone_enc) == rows[0]["phone"]
    assert stored.household is not None and stored.household.household_no == rows[0]["household_no"]
    households = Household.objects.count()
    again = run(worker, django_capture_on_commit_callbacks, import_csv(rows))
    assert (again.created, again.updated, again.error_rows) == (0, 23, 2)
    assert Resident.objects.count() == 23 and Household.objects.count() == households
    assert GroupFlag.objects.count() == 2


def test_resident_registered_elsewhere_is_refused_and_nothing_changes(
    client_for: Callable[[str], Client],
    community: Any,
    user_named: Callable[[str], Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    run(client_for("worker"), django_capture_on_commit_callbacks, import_csv([person(community.code, 1)]))
    before = list(Resident.objects.values_list("id", "name", "scope_path", "household_id"))
    households = Household.objects.count()
    other = user_named("worker_gh").role_assignments.get().division
    moved = person(other.code, 1, name="换个名字", household_no="GH-NEW-1")
    fresh = person(other.code, 2, household_no="GH-NEW-2")
    job = run(client_for("worker_gh"), django_capture_on_commit_callbacks, import_csv([moved, fresh]))
    assert (job.status, job.created, job.error_rows) == ("partial", 1, 1)
    assert "辖区以外" in job.row_errors.get().message
    assert (
        list(
            Resident.objects.filter(id__in=[b[0] for b in before]).values_list(
                "id", "name", "scope_path", "household_id"
            )
        )
        == before
    )
    assert Household.objects.count() == households + 1  # GH-NEW-2 only: no empty household left for the refused row


def test_excel_with_shared_strings(
    client_for: Callable[[str], Client], community: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from gongzhi.residents.importer import COLUMNS

    buffer = io.BytesIO()
    rows = [person(community.code, n) for n in range(1, 6)]
    rows[2]["groups"] = "残疾人"
    write_shared_xlsx(buffer, [[c.header for c in COLUMNS], *([r.get(c.key, "") for c in COLUMNS] for r in rows)])
    job = run(client_for("worker"), django_capture_on_commit_callbacks, buffer.getvalue(), name="people.xlsx")
    assert (job.status, job.created, job.error_rows) == ("succeeded", 5, 0)
    assert GroupFlag.objects.count() == 1


def test_disk_strings_and_flat_rows(tmp_path: Any) -> None:
    from gongzhi.residents.xlsx import DiskStrings, stream_rows

    path = tmp_path / "t.xlsx"
    rows: list[list[Any]] = [["姓名", "编号"], ["张三", 1], [], ["李四<&>", 2.5], ["张三", None, "x005F_y"]]
    write_shared_xlsx(path, rows)
    with path.open("rb") as handle:
        stream, close = stream_rows(handle)
        got = list(stream)
        close()
    assert got == [("姓名", "编号"), ("张三", 1), (), ("李四<&>", 2.5), ("张三", None, "y")]
    import zipfile

    with zipfile.ZipFile(path) as z, z.open("xl/sharedStrings.xml") as src:
        strings = DiskStrings(src)
    assert len(strings) == 5 and strings[0] == "姓名" and strings[3] == "李四<&>"
    with pytest.raises(IndexError):
        strings[5]
    strings.close()


def test_stream_rows_match_openpyxl(tmp_path: Any) -> None:
    """The direct shared-string path and openpyxl's own cell parsing for every other cell give openpyxl's values:
    shared and inline strings, numbers, dates (by cell style), booleans, gaps."""
    from datetime import datetime

    from openpyxl import Workbook, load_workbook

    from gongzhi.residents.xlsx import stream_rows

    def trimmed(row: Any) -> tuple[Any, ...]:
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        return tuple(values)

    shared = tmp_path / "shared.xlsx"
    write_shared_xlsx(shared, [["姓名", "编号", "备注"], ["张三", 510603, "a"], ["李四", 2.5, None, "远列"], []])
    inline = tmp_path / "inline.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "认定日期", "是否", "数"])
    sheet.append(["王五", datetime(2024, 3, 1), True, 13981234567])
    sheet.append([None, None, False, "x"])
    sheet["F5"] = "隔行"
    book.save(inline)
    for path in (shared, inline):
        with path.open("rb") as handle:
            stream, close = stream_rows(handle)
            got = [trimmed(r) for r in stream]
            close()
        expected_book = load_workbook(path, read_only=True, data_only=True)
        expected = [trimmed(r) for r in expected_book.worksheets[0].iter_rows(values_only=True)]
        expected_book.close()
        assert got == expected, path.name
    assert got[1] == ("王五", datetime(2024, 3, 1), True, 13981234567)
