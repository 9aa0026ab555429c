"""DP-02: after the demo data and the flows that touch personal data, neither the SQLite database file nor a
PostgreSQL dump holds a plaintext ID number or mobile number (checked both by the exact values and by pattern)."""

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from gongzhi.residents import services
from gongzhi.residents.identity import find_valid_ids

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.clause("R12.3")]

MOBILE = re.compile(r"(?<![0-9A-Za-z\-])1[3-9]\d{9}(?![0-9A-Za-z\-])")


def database_text(tmp_path: Path) -> str:
    if connection.vendor == "sqlite":
        target = tmp_path / "copy.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(target)])
        return target.read_bytes().decode("latin-1")
    settings = connection.settings_dict
    command = ["pg_dump", "--no-owner", "-h", settings["HOST"] or "127.0.0.1", "-p", str(settings["PORT"] or 5432)]
    command += ["-U", settings["USER"] or "postgres", settings["NAME"]]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603


def test_no_plaintext_id_or_mobile_at_rest(deyang: None, client_for: Any, tmp_path: Path) -> None:
    from gongzhi.residents.demo import seed_residents
    from gongzhi.residents.models import Resident

    assert seed_residents(first=60, others=6) > 200
    granny = Resident.objects.get(account__username="resident")
    worker = client_for("worker")
    worker.post(
        f"/residents/r/{granny.public_id}/reveal/", {"reveal-field": "id_number", "reveal-purpose": "核实身份办理补贴"}
    )
    worker.post("/residents/export/", {"fmt": "csv", "purpose": "报送高龄津贴名单"})
    client_for("resident").post(
        "/residents/me/request/", {"kind": "correction", "field": "手机号", "details": "新手机号 13700001234"}
    )
    plaintexts = set()
    for resident in Resident.objects.all():
        plaintexts.add(services.plaintext(resident, "id_number"))
        if resident.phone_enc:
            plaintexts.add(services.plaintext(resident, "phone"))
    plaintexts.add("13700001234")
    assert len(plaintexts) > 300
    dump = database_text(tmp_path)
    assert len(dump) > 100_000
    leaked = [p for p in plaintexts if p in dump]
    assert leaked == [], f"{len(leaked)} plaintext values found at rest"
    assert find_valid_ids(dump) == []
    assert MOBILE.findall(dump) == []
