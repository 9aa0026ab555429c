"""The ledger's public HTTP interface (R8.1, R16) and the auditors' view of the audit trail (R5.3)."""

import base64
import io
import json

import pytest
from django.test import Client
from openpyxl import load_workbook

from gongzhi.core.actors import SYSTEM
from gongzhi.ledger import keys, merkle, store
from gongzhi.ledger.checkpoint import open_checkpoint
from gongzhi.ledger.models import Disclosure, Leaf
from gongzhi.ledger.services import checkpoint_sign, disclosure_publish
from gongzhi.ledger.tests.test_ledger import add_events

pytestmark = pytest.mark.django_db


def b64(text: str) -> bytes:
    return base64.b64decode(text)


@pytest.fixture
def disclosure(deyang: None) -> Disclosure:
    item = disclosure_publish(
        actor=SYSTEM,
        scope_path="510603001001",
        scope_name="文庙社区",
        category=Disclosure.Category.DECISION,
        title="停车管理方案决定",
        body="小区内部道路施划停车位 86 个。\n消防通道全天禁止停车。",
    )
    checkpoint_sign()
    return item


@pytest.mark.clause("R8.1")
def test_checkpoint_and_key_are_public_plain_text(disclosure: Disclosure) -> None:
    client = Client()
    key = client.get("/ledger/verifier-key")
    assert key.status_code == 200 and key["Content-Type"].startswith("text/plain")
    note = client.get("/ledger/checkpoint")
    assert note.status_code == 200 and note["Content-Type"].startswith("text/plain")
    cp = open_checkpoint(note.content, key.content.decode().strip(), origin=keys.origin())
    assert cp.tree_size == store.tree_size()
    listed = client.get("/api/v1/ledger/checkpoints").json()
    assert listed["items"][-1]["signed_note"] == note.content.decode()
    assert b64(listed["items"][-1]["root_hash"]) == cp.root_hash
    sizes = [item["tree_size"] for item in listed["items"]]
    assert sizes == sorted(sizes)


@pytest.mark.clause("R16")
def test_a_disclosure_is_provably_in_the_signed_log_over_http(disclosure: Disclosure) -> None:
    client = Client()
    cp = open_checkpoint(client.get("/ledger/checkpoint").content, keys.verifier_text(), origin=keys.origin())
    index = disclosure.leaf.index
    leaf = client.get(f"/api/v1/ledger/leaves/{index}").json()
    data = b64(leaf["data"])
    assert json.loads(data)["title"] == "停车管理方案决定"
    proof = client.get(f"/api/v1/ledger/proof/inclusion?index={index}&tree_size={cp.tree_size}").json()
    assert b64(proof["leaf_hash"]) == merkle.leaf_hash(data)
    assert merkle.verify_inclusion(
        merkle.leaf_hash(data), index, cp.tree_size, [b64(p) for p in proof["proof"]], cp.root_hash
    )
    # An event leaf shows its hash and type only, never its bytes.
    event_leaf = Leaf.objects.filter(kind=Leaf.Kind.EVENT).order_by("-index").first()
    assert event_leaf is not None
    shown = client.get(f"/api/v1/ledger/leaves/{event_leaf.index}").json()
    assert shown["data"] is None and shown["event_type"] == event_leaf.event_type
    assert b64(shown["leaf_hash"]) == bytes(event_leaf.leaf_hash)


@pytest.mark.clause("R8.1")
def test_consistency_proofs_link_checkpoints_over_http(disclosure: Disclosure) -> None:
    client = Client()
    first = client.get("/api/v1/ledger/checkpoints").json()["items"][-1]
    add_events(5)
    checkpoint_sign()
    second = client.get("/api/v1/ledger/checkpoints?limit=200").json()["items"][-1]
    m, n = first["tree_size"], second["tree_size"]
    body = client.get(f"/api/v1/ledger/proof/consistency?first={m}&second={n}").json()
    assert (body["first"], body["second"]) == (m, n)
    assert merkle.verify_consistency(
        m, n, b64(first["root_hash"]), b64(second["root_hash"]), [b64(p) for p in body["proof"]]
    )


@pytest.mark.clause("R8.1")
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/ledger/proof/inclusion",
        "/api/v1/ledger/proof/inclusion?index=abc&tree_size=3",
        "/api/v1/ledger/proof/inclusion?index=-1&tree_size=3",
        "/api/v1/ledger/proof/inclusion?index=3&tree_size=3",
        "/api/v1/ledger/proof/inclusion?index=0&tree_size=0",
        "/api/v1/ledger/proof/inclusion?index=0&tree_size=99999999999",
        "/api/v1/ledger/proof/consistency?first=2",
        "/api/v1/ledger/proof/consistency?first=5&second=4",
        "/api/v1/ledger/proof/consistency?first=0&second=4",
        "/api/v1/ledger/proof/consistency?first=1&second=99999999999",
        "/api/v1/ledger/proof/consistency?first=1.5&second=4",
        "/api/v1/ledger/leaves/99999999999",
        "/api/v1/ledger/leaves/x1",
        "/api/v1/ledger/checkpoints?limit=0",
    ],
)
def test_bad_parameters_answer_400_with_a_clear_message(disclosure: Disclosure, url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 400, (url, response.content)
    body = response.json()
    assert body["message"] and body["fields"], body


@pytest.mark.clause("R16")
def test_disclosure_pages_are_public(disclosure: Disclosure) -> None:
    client = Client()
    listing = client.get("/disclosures/").content.decode()
    assert "停车管理方案决定" in listing
    page = client.get(f"/disclosures/{disclosure.pk}/").content.decode()
    assert "停车管理方案决定" in page and f'data-index="{disclosure.leaf.index}"' in page
    assert "ledger/verify.js" in page and "验证" in page
    assert client.get("/disclosures/999999/").status_code == 404


@pytest.mark.clause("R5.3")
def test_auditors_and_the_supervision_committee_see_events_in_their_scope(client_for, user_named) -> None:  # type: ignore[no-untyped-def]
    from gongzhi.core.policy import grants_of

    supervisor_path = grants_of(user_named("supervisor"))[0].path
    foreign_path = grants_of(user_named("worker_gh"))[0].path
    own = add_events(1, scope=supervisor_path)[0]
    foreign = add_events(1, scope=foreign_path)[0]
    page = client_for("supervisor").get("/audit/?action=test.thing_changed").content.decode()
    assert f"<td>{own.pk}</td>" in page and f"<td>{foreign.pk}</td>" not in page
    auditor = client_for("auditor")
    page = auditor.get("/audit/?action=test.thing_changed").content.decode()
    assert f"<td>{own.pk}</td>" in page and f"<td>{foreign.pk}</td>" in page
    assert f"#{own.leaf.index}" in page
    export = auditor.get("/audit/export.xlsx?action=test.thing_changed")
    assert export.status_code == 200
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[0][0] == "编号" and {r[0] for r in rows[1:]} == {own.pk, foreign.pk}
    assert client_for("supervisor").get("/audit/export.xlsx").status_code == 403
    assert client_for("resident").get("/audit/").status_code == 403


@pytest.mark.clause("R5.3")
def test_an_export_over_the_cap_is_refused_with_a_clear_message(client_for, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from gongzhi.ledger import views

    add_events(3, scope="510603001001")
    monkeypatch.setattr(views, "EXPORT_MAX_ROWS", 2)
    auditor = client_for("auditor")
    refused = auditor.get("/audit/export.xlsx?action=test.thing_changed")
    assert refused.status_code == 302 and refused["Location"] == "/audit/?action=test.thing_changed"
    page = auditor.get(refused["Location"]).content.decode()
    assert "一次最多导出 2 条" in page
    monkeypatch.setattr(views, "EXPORT_MAX_ROWS", 100)
    assert auditor.get("/audit/export.xlsx?action=test.thing_changed").status_code == 200
