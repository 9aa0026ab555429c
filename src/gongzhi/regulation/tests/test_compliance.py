import json
from io import StringIO

import pytest
from django.core.management import call_command

from gongzhi.regulation.compliance import matrix
from gongzhi.regulation.registry import known_clause_ids


def test_registry_holds_every_mechanisms_clause() -> None:
    assert len(known_clause_ids()) == 64
    assert {"R2.2", "R10.2", "R14.3", "R22", "D14", "D25"} <= known_clause_ids()


@pytest.mark.clause("R22")
def test_compliance_json_lists_all_64_clauses_with_honest_statuses() -> None:
    out = StringIO()
    call_command("compliance", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert len(data["clauses"]) == 64
    by_id = {c["id"]: c for c in data["clauses"]}
    assert set(by_id["R13"]) == {"id", "title", "section", "status", "features", "tests"}
    assert by_id["R13"]["status"] == "missing"  # economic entities of the residents' committee: not built yet
    assert by_id["R3.2"]["status"] == "implemented" and by_id["R3.2"]["tests"]
    assert by_id["D16"]["status"] == "partial"
    for clause in data["clauses"]:
        if clause["status"] == "implemented":
            assert clause["features"] and clause["tests"], clause["id"]


def test_a_feature_without_tests_is_only_partial(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "src").mkdir()
    rows = {r.id: r for r in matrix(root=tmp_path)}
    assert rows["R3.2"].status == "partial" and rows["R3.2"].tests == []
    assert rows["R13"].status == "missing"


@pytest.mark.django_db
def test_compliance_page_is_for_the_authority_only(client_for) -> None:  # type: ignore[no-untyped-def]
    assert client_for("county_authority").get("/compliance/").status_code == 200
    assert client_for("worker").get("/compliance/").status_code == 403
