"""The residents import's first-load mode (the city-wide initial load into empty tables): the same validation,
encryption, blind indexes, duplicate detection and error report as the normal import, all-or-nothing, refused when
the tables hold anything; on PostgreSQL the secondary indexes and foreign keys are dropped for the load and every one
is back (and validated) afterwards, or left untouched when the load rolls back."""

import dataclasses
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, override_settings

from gongzhi.core.actors import SYSTEM
from gongzhi.core.errors import ServiceError
from gongzhi.jobs.models import ImportJob
from gongzhi.jobs.services import import_run, import_submit
from gongzhi.residents import vault
from gongzhi.residents.models import GroupFlag, Household, Resident

from .conftest import import_csv, person

pytestmark = [pytest.mark.django_db, pytest.mark.clause("R12.3")]


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 7 rows in two worker processes, so households and duplicates cross batches."""
    from gongzhi.jobs import registry
    from gongzhi.residents import importer

    monkeypatch.setattr(importer, "BATCH_SIZE", 7)
    monkeypatch.setitem(registry._importers, "residents", dataclasses.replace(importer.IMPORTER, batch_size=7))


def schema() -> dict[str, set[tuple[Any, ...]]]:
    """Every index and constraint of the loaded tables, with its columns and kind."""
    out = {}
    with connection.cursor() as cursor:
        for model in (Resident, Household, GroupFlag):
            found = connection.introspection.get_constraints(cursor, model._meta.db_table)
            out[model._meta.db_table] = {
                (name, tuple(c["columns"]), c["unique"], c["index"], bool(c["foreign_key"]), c["primary_key"])
                for name, c in found.items()
            }
    return out


def first_load(path: Path, progress: Any = None) -> ImportJob:
    job = import_submit(
        actor=SYSTEM, importer_key="residents", upload=path.open("rb"), filename=path.name, mode="first", enqueue=False
    )
    return import_run(job_id=job.pk, progress=progress)


@override_settings(GONGZHI_IMPORT_WORKERS=2, GONGZHI_IMPORT_POOL_MIN_BYTES=0)
def test_first_load_from_the_command_line_then_everything_is_back(
    community: Any, small_batches: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = schema()
    rows = [person(community.code, n) for n in range(1, 26)]  # households of 3 cross the 7-row batches
    rows[0]["groups"] = "老年人、独居老人"
    rows[2]["address"], rows[2]["unit"], rows[2]["room"] = "泰山北路8号", "2", "301"  # IMP-1's first row
    path = tmp_path / "city.csv"
    path.write_bytes(import_csv(rows))
    call_command("import_file", "residents", str(path), "--mode", "first")
    assert "已完成: 25 rows, 25 new" in capsys.readouterr().out
    job = ImportJob.objects.get()
    assert (job.mode, job.status, job.created, job.updated, job.error_rows) == ("first", "succeeded", 25, 0, 0)
    assert Resident.objects.count() == 25 and GroupFlag.objects.count() == 2
    assert Household.objects.count() == len({r["household_no"] for r in rows}) == 9
    stored = Resident.objects.get(import_row=2)
    assert vault.decrypt("id_number", stored.id_enc) == rows[0]["id_number"]
    assert stored.id_index == vault.blind_index("id_number", rows[0]["id_number"])
    assert stored.phone_enc is not None and vault.decrypt("phone", stored.phone_enc) == rows[0]["phone"]
    assert stored.household is not None and stored.household.household_no == rows[0]["household_no"]
    assert stored.household.members.count() == 2  # rows 2 and 3 (person 1 and 2) share IMP-0
    home = Resident.objects.get(import_row=4).household
    assert home is not None and home.address_masked.startswith("泰山") and home.address_enc is not None
    assert "泰山北路8号" in vault.decrypt("address", home.address_enc)
    assert schema() == before  # every index, unique constraint and foreign key is back as it was
    # The unique blind index is back: the normal import of the same file updates, never duplicates.
    again = import_submit(
        actor=SYSTEM, importer_key="residents", upload=path.open("rb"), filename=path.name, mode="skip", enqueue=False
    )
    again = import_run(job_id=again.pk)
    assert (again.status, again.created, again.updated) == ("succeeded", 0, 25)
    assert Resident.objects.count() == 25 and GroupFlag.objects.count() == 2


@override_settings(GONGZHI_IMPORT_WORKERS=2, GONGZHI_IMPORT_POOL_MIN_BYTES=0)
def test_first_load_errors_roll_everything_back_with_the_normal_report(
    client_for: Callable[[str], Client], community: Any, small_batches: None, tmp_path: Path
) -> None:
    before = schema()
    rows = [person(community.code, n) for n in range(1, 26)]
    rows[20]["id_number"] = rows[1]["id_number"]  # row 22 repeats row 3, two batches later
    rows[10]["id_number"] = rows[10]["id_number"][:17] + ("1" if rows[10]["id_number"][17] != "1" else "2")
    path = tmp_path / "city.csv"
    path.write_bytes(import_csv(rows))
    during: list[set[str]] = []
    job = first_load(path, progress=lambda job, fraction: during.append({c[0] for c in schema()["residents_resident"]}))
    assert during and all(
        ("resident_unique_id_index" in names) == (connection.vendor != "postgresql") for names in during
    )  # on PostgreSQL the load runs without the unique blind index (and the other secondary indexes)
    assert (job.status, job.created, job.error_rows) == ("failed", 0, 2)
    assert "未写入任何数据" in job.message
    messages = {(e.row, e.message) for e in job.row_errors.all()}
    assert (22, "与第 3 行的身份证号重复") in messages
    assert any(row == 12 and "校验码" in m for row, m in messages)
    assert not Resident.objects.exists() and not Household.objects.exists() and not GroupFlag.objects.exists()
    assert schema() == before  # the dropped indexes came back with the rollback
    # Fixed, the same file loads.
    rows[20]["id_number"] = person(community.code, 99)["id_number"]
    rows[10]["id_number"] = person(community.code, 98)["id_number"]
    path.write_bytes(import_csv(rows))
    assert first_load(path).status == "succeeded" and Resident.objects.count() == 25
    assert schema() == before


def test_first_load_only_into_empty_tables(registry: dict[str, Any], community: Any, tmp_path: Path) -> None:
    path = tmp_path / "city.csv"
    path.write_bytes(import_csv([person(community.code, n) for n in range(1, 4)]))
    with pytest.raises(ServiceError) as refused:
        first_load(path)
    assert refused.value.code == "not_empty" and "空表" in str(refused.value.message)
    with pytest.raises(CommandError, match="空表"):
        call_command("import_file", "residents", str(path), "--mode", "first")
    assert Resident.objects.count() == 2 and not ImportJob.objects.exists()


def test_first_load_refused_at_run_when_rows_arrived_since_submission(
    community: Any, registry: dict[str, Any], tmp_path: Path
) -> None:
    """Checked again under the table lock when the run starts (the tables may have been filled since)."""
    path = tmp_path / "city.csv"
    path.write_bytes(import_csv([person(community.code, n) for n in range(1, 4)]))
    job = ImportJob.objects.create(
        importer="residents", mode="first", filename="city.csv", stored_file=str(path), size_bytes=100
    )
    before = schema()
    job = import_run(job_id=job.pk)
    assert job.status == "failed" and "空表" in job.message and job.created == 0
    assert Resident.objects.count() == 2 and schema() == before


def test_first_load_is_not_offered_on_the_page(client_for: Callable[[str], Client], community: Any) -> None:
    worker = client_for("worker")
    page = worker.get("/residents/import/").content.decode()
    assert "全部成功才写入" in page and "首次全量导入" not in page
    content = import_csv([person(community.code, 1)])
    response = worker.post("/residents/import/", {"file": SimpleUploadedFile("p.csv", content), "mode": "first"})
    assert response.status_code == 400 and not ImportJob.objects.exists() and not Resident.objects.exists()


def test_first_load_needs_an_importer_that_has_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from gongzhi.jobs import registry
    from gongzhi.residents import importer

    plain = dataclasses.replace(importer.IMPORTER, key="plain", first_load=None)
    monkeypatch.setitem(registry._importers, "plain", plain)
    content = import_csv([])
    with pytest.raises(ServiceError) as refused:
        import_submit(actor=SYSTEM, importer_key="plain", upload=io.BytesIO(content), filename="t.csv", mode="first")
    assert refused.value.fields == {"mode": "取值无效"} and not ImportJob.objects.exists()
