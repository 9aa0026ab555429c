"""The Merkle log under the audit path (R8.1): every write is a leaf in the same transaction, no personal data in a
leaf, the stored tree matches the reference, checkpoints are signed, and tampering is caught by `ledger verify` and
rewritten history by `ledger monitor`."""

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from gongzhi.core.actors import SYSTEM
from gongzhi.ledger import keys, leaves, merkle, store
from gongzhi.ledger.checkpoint import Checkpoint as SignedCheckpoint
from gongzhi.ledger.checkpoint import open_checkpoint, sign_checkpoint
from gongzhi.ledger.models import AuditEvent, Checkpoint, Disclosure, Leaf, TreeNode
from gongzhi.ledger.services import checkpoint_sign, disclosure_publish, event_leaf_bytes, record_event

pytestmark = pytest.mark.django_db


def add_events(n: int, scope: str = "510603001001") -> list[AuditEvent]:
    with transaction.atomic():
        return [
            record_event(
                actor=SYSTEM,
                action="test.thing_changed",
                target=("test.thing", str(i)),
                scope_path=scope,
                before={"name": "唐婆婆", "phone": "13800000000"},
                after={"name": f"唐婆婆{i}", "phone": "13900000000"},
            )
            for i in range(n)
        ]


def publish(title: str = "2026 年第三季度财务收支公开") -> Disclosure:
    return disclosure_publish(
        actor=SYSTEM,
        scope_path="510603001001",
        scope_name="文庙社区",
        category=Disclosure.Category.SPENDING,
        title=title,
        body="收入 186,400.00 元\n支出 171,850.00 元",
    )


@pytest.fixture
def tamper() -> Iterator[None]:
    """Let the test change ledger rows as an attacker with database access would (PostgreSQL's append-only
    triggers are bypassed the way a superuser could); the writer's cached tree edge is dropped afterwards."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    yield
    store.forget_edge()


def verify_fails_at(index: int) -> str:
    with pytest.raises(CommandError) as failure:
        call_command("ledger", "verify")
    assert f"first bad index: {index})" in str(failure.value), str(failure.value)
    return str(failure.value)


@pytest.mark.clause("R8.1")
def test_every_event_is_a_leaf_in_the_same_transaction_without_personal_data(deyang: None) -> None:
    size = store.tree_size()
    (event,) = add_events(1)
    leaf = Leaf.objects.get(event=event)
    assert leaf.index == size and store.tree_size() == size + 1
    data = bytes(leaf.data)
    assert bytes(leaf.leaf_hash) == merkle.leaf_hash(data)
    assert "唐婆婆".encode() not in data and b"1380000" not in data and b"1390000" not in data
    body = json.loads(data)
    assert data == leaves.canonical(body)  # canonical: sorted keys, no whitespace
    assert body["index"] == leaf.index and body["event"] == event.pk and body["action"] == "test.thing_changed"
    assert body["digest"] == leaves.change_digest(event.before, event.after)
    # A rolled-back write leaves neither its event nor its leaf behind.
    with pytest.raises(RuntimeError), transaction.atomic():
        add_events(2)
        raise RuntimeError("refused")
    assert store.tree_size() == size + 1
    # The writer's cached edge notices the rollback: the next appends still build the right tree.
    with transaction.atomic():
        add_events(2)
        with pytest.raises(RuntimeError), transaction.atomic():
            add_events(3)
            raise RuntimeError("refused")
        add_events(1)
    assert store.tree_size() == size + 4
    call_command("ledger", "verify")


@pytest.mark.clause("R8.1")
def test_stored_tree_matches_the_reference_and_proofs_verify(deyang: None) -> None:
    add_events(37)
    size = store.tree_size()
    hashes = [bytes(h) for h in Leaf.objects.order_by("index").values_list("leaf_hash", flat=True)]
    assert len(hashes) == size
    root = merkle.root_from_leaves(hashes)
    assert store.root(size) == root
    for index in (0, size // 3, size - 1):
        assert merkle.verify_inclusion(hashes[index], index, size, store.inclusion_proof(index, size), root)
    for first in (1, size // 2, size - 1):
        first_root = merkle.root_from_leaves(hashes[:first])
        assert merkle.verify_consistency(first, size, first_root, root, store.consistency_proof(first, size))


@pytest.mark.clause("R8.1")
def test_checkpoints_are_signed_once_per_growth(deyang: None) -> None:
    add_events(3)
    cp = checkpoint_sign()
    assert cp is not None and cp.tree_size == store.tree_size()
    opened = open_checkpoint(cp.signed_note, keys.verifier_text(), origin=keys.origin())
    assert (opened.tree_size, opened.root_hash) == (cp.tree_size, bytes(cp.root_hash))
    assert checkpoint_sign() is None  # idempotent: nothing new to sign
    add_events(1)
    assert checkpoint_sign() is not None
    call_command("ledger", "verify")


@pytest.mark.clause("R8.1")
@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_a_changed_byte_in_any_leaf_is_named_by_verify(deyang: None, tamper: None, where: str) -> None:
    add_events(20)
    checkpoint_sign()
    call_command("ledger", "verify")
    size = store.tree_size()
    index = {"first": 0, "middle": size // 2, "last": size - 1}[where]
    leaf = Leaf.objects.get(index=index)
    data = bytearray(bytes(leaf.data))
    data[len(data) // 2] ^= 0x01
    Leaf.objects.filter(index=index).update(data=bytes(data))
    verify_fails_at(index)


@pytest.mark.clause("R8.1")
def test_a_consistently_rehashed_leaf_is_still_caught(deyang: None, tamper: None) -> None:
    events = add_events(5)
    checkpoint_sign()
    leaf = Leaf.objects.get(event=events[2])
    forged = bytes(leaf.data).replace(b'"role":""', b'"role":"x"')
    Leaf.objects.filter(index=leaf.index).update(data=forged, leaf_hash=merkle.leaf_hash(forged))
    verify_fails_at(leaf.index)


@pytest.mark.clause("R8.1")
def test_a_deleted_leaf_is_named_by_verify(deyang: None, tamper: None) -> None:
    add_events(10)
    index = store.tree_size() - 4
    Leaf.objects.filter(index=index).delete()
    verify_fails_at(index)


@pytest.mark.clause("R8.1")
def test_reordered_leaves_are_named_by_verify(deyang: None, tamper: None) -> None:
    add_events(10)
    a, b = store.tree_size() - 5, store.tree_size() - 4
    leaf_a, leaf_b = Leaf.objects.get(index=a), Leaf.objects.get(index=b)
    Leaf.objects.filter(index=a).update(data=leaf_b.data, leaf_hash=leaf_b.leaf_hash, event=None)
    Leaf.objects.filter(index=b).update(data=leaf_a.data, leaf_hash=leaf_a.leaf_hash, event=None)
    verify_fails_at(a)


@pytest.mark.clause("R8.1")
def test_an_altered_audit_event_or_subtree_hash_is_caught(deyang: None, tamper: None) -> None:
    events = add_events(8)
    call_command("ledger", "verify")
    AuditEvent.objects.filter(pk=events[3].pk).update(after={"name": "someone else"})
    verify_fails_at(events[3].leaf.index)
    AuditEvent.objects.filter(pk=events[3].pk).update(after=events[3].after)
    node = TreeNode.objects.order_by("-level").first()
    assert node is not None
    TreeNode.objects.filter(level=node.level, index=node.index).update(hash=bytes(32))
    verify_fails_at(node.index << node.level)


@pytest.mark.clause("R8.1")
def test_an_event_written_around_the_ledger_is_caught(deyang: None) -> None:
    add_events(1)
    with transaction.atomic():
        stray = AuditEvent.objects.create(action="x.y", target_type="x", target_id="1")
    with pytest.raises(CommandError, match=f"#{stray.pk} has no ledger leaf"):
        call_command("ledger", "verify")


@pytest.mark.clause("R8.1")
def test_the_monitor_trusts_on_first_use_then_catches_rewritten_history(
    deyang: None, tamper: None, tmp_path: Path
) -> None:
    state = tmp_path / "monitor.json"
    add_events(6)
    checkpoint_sign()
    call_command("ledger", "monitor", "--state", str(state))
    trusted = json.loads(state.read_text())
    assert trusted["tree_size"] == store.tree_size() and trusted["verifier"] == keys.verifier_text()
    add_events(3)
    checkpoint_sign()
    call_command("ledger", "monitor", "--state", str(state))
    assert json.loads(state.read_text())["tree_size"] == store.tree_size()
    # An insider with the signing key rewrites leaf 1, rebuilds every subtree hash and signs a fresh checkpoint:
    # the new history verifies on its own, but it does not extend what the monitor already trusted.
    forged = bytes(Leaf.objects.get(index=1).data).replace(b'"v":1', b'"v":1 ')
    Leaf.objects.filter(index=1).update(data=forged, leaf_hash=merkle.leaf_hash(forged))
    TreeNode.objects.all().delete()
    hashes = [bytes(h) for h in Leaf.objects.order_by("index").values_list("leaf_hash", flat=True)]
    memory = merkle.MemoryHashStore()
    store.DbHashStore().put_many(merkle.append_leaves(memory, 0, hashes))
    size = len(hashes)
    note = sign_checkpoint(SignedCheckpoint(keys.origin(), size + 0, store.root(size)), keys.signer_text())
    Checkpoint.objects.all().delete()
    Checkpoint.objects.create(tree_size=size, root_hash=store.root(size), signed_note=note)
    with pytest.raises(CommandError, match="history was rewritten"):
        call_command("ledger", "monitor", "--state", str(state))


@pytest.mark.postgres
@pytest.mark.clause("R8.1")
def test_postgres_refuses_updates_and_deletes_of_ledger_rows(deyang: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the append-only triggers exist on PostgreSQL only")
    from django.db import DatabaseError

    add_events(1)
    for table in ("ledger_leaf", "ledger_auditevent", "ledger_treenode"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Leaf.objects.filter(index=0).update(data=b"x")


@pytest.mark.clause("R16")
def test_a_disclosure_carries_its_full_published_bytes(deyang: None) -> None:
    disclosure = publish()
    item = json.loads(bytes(disclosure.leaf.data))
    assert item["title"] == disclosure.title and item["body"] == disclosure.body
    assert item["index"] == disclosure.leaf.index and item["type"] == "disclosure"
    assert AuditEvent.objects.filter(action="ledger.disclosure_published", target_id=str(disclosure.pk)).exists()
    assert base64.b64encode(bytes(disclosure.leaf.leaf_hash))


@pytest.mark.clause("R8.1")
def test_checkpoints_are_signed_on_a_schedule(deyang: None) -> None:
    from gongzhi.ledger.tasks import sign_checkpoint_task
    from gongzhi.regulation.registry import manifest

    (entry,) = manifest("ledger").periodic
    assert entry.task is sign_checkpoint_task and entry.every.total_seconds() == 300
    add_events(2)
    assert sign_checkpoint_task.enqueue().return_value == store.tree_size()
    assert sign_checkpoint_task.enqueue().return_value is None  # nothing new: idempotent


@pytest.mark.clause("R8.1")
def test_a_batch_writes_every_leaf_in_the_same_transaction(deyang: None) -> None:
    size = store.tree_size()
    with transaction.atomic(), store.batch():
        events = add_events(40)
        publish("批量写入中的公开事项")
        assert store.tree_size() == size  # buffered until the batch ends
    assert store.tree_size() == size + 42
    assert [e.leaf.index for e in events] == list(range(size, size + 40))
    add_events(3)  # the writer continues from the batch's edge
    call_command("ledger", "verify")
    with pytest.raises(RuntimeError), transaction.atomic(), store.batch():
        add_events(5)
        raise RuntimeError("refused")
    assert store.tree_size() == size + 45
    call_command("ledger", "verify")


def stored_tree_is_the_reference() -> None:
    """Every stored subtree hash is the one the leaves give, and there is none too many or too few."""
    hashes = [bytes(h) for h in Leaf.objects.order_by("index").values_list("leaf_hash", flat=True)]
    assert [i for i in Leaf.objects.order_by("index").values_list("index", flat=True)] == list(range(len(hashes)))
    expected = {(lv, ix): h for lv, ix, h in merkle.append_leaves(merkle.MemoryHashStore(), 0, hashes) if lv > 0}
    stored = {(lv, ix): bytes(h) for lv, ix, h in TreeNode.objects.values_list("level", "index", "hash")}
    assert stored == expected


@pytest.mark.clause("R8.1")
def test_a_batch_gives_the_same_rows_and_tree_as_one_at_a_time(deyang: None) -> None:
    from gongzhi.ledger.services import ledger_batch

    size, events_before = store.tree_size(), AuditEvent.objects.count()
    with ledger_batch():
        batched = add_events(21)
        assert not AuditEvent.objects.filter(pk__in=[e.pk for e in batched]).exists()  # buffered until the end
    add_events(5)  # one at a time, continuing from the batch's edge
    with ledger_batch():
        add_events(6)
    assert store.tree_size() == size + 32 and AuditEvent.objects.count() == events_before + 32
    ids = [e.pk for e in batched]
    assert ids == sorted(ids) and len(set(ids)) == 21
    for event in batched:  # each stored row is exactly what record_event returned, bound to its leaf
        stored = AuditEvent.objects.get(pk=event.pk)
        assert (stored.action, stored.target_id, stored.after) == (event.action, event.target_id, event.after)
        leaf = Leaf.objects.get(event=stored)
        assert bytes(leaf.data) == event_leaf_bytes(stored, leaf.index)
    stored_tree_is_the_reference()
    call_command("ledger", "verify")


@pytest.mark.clause("R8.1")
def test_a_rolled_back_batch_or_savepoint_leaves_neither_audit_row_nor_leaf(deyang: None) -> None:
    from gongzhi.ledger.services import ledger_batch

    add_events(3)
    size, events_before = store.tree_size(), AuditEvent.objects.count()
    with pytest.raises(RuntimeError), ledger_batch():
        add_events(4)
        raise RuntimeError("refused")
    assert (store.tree_size(), AuditEvent.objects.count()) == (size, events_before)
    with ledger_batch():
        kept = add_events(2)
        with pytest.raises(RuntimeError), transaction.atomic():
            add_events(3)
            raise RuntimeError("refused")
        later = add_events(2)  # takes the indexes the rolled-back savepoint had used
        with transaction.atomic(), pytest.raises(RuntimeError), transaction.atomic():
            add_events(1)
            raise RuntimeError("refused")
    assert store.tree_size() == size + 4 and AuditEvent.objects.count() == events_before + 4
    assert [e.leaf.index for e in kept + later] == list(range(size, size + 4))
    # A batch whose exception was swallowed inside the transaction cannot commit the writes it lost.
    with transaction.atomic():
        try:
            with store.batch():
                add_events(2)
                raise RuntimeError("refused")
        except RuntimeError:
            pass
        assert transaction.get_rollback()
    assert store.tree_size() == size + 4
    stored_tree_is_the_reference()
    call_command("ledger", "verify")


@pytest.mark.clause("R8.1")
def test_a_long_batch_writes_as_it_goes_and_survives_savepoint_rollbacks(
    deyang: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gongzhi.ledger.services import ledger_batch

    monkeypatch.setattr(store, "FLUSH_AT", 4)
    size = store.tree_size()
    with ledger_batch():
        add_events(5)  # four written already, one buffered
        assert store.tree_size() == size + 4
        with pytest.raises(RuntimeError), transaction.atomic():
            add_events(9)  # two more writes inside the savepoint
            raise RuntimeError("refused")
        assert store.tree_size() == size + 4  # the savepoint's rows went with it
        add_events(3)
    assert store.tree_size() == size + 8
    stored_tree_is_the_reference()
    call_command("ledger", "verify")


@pytest.mark.clause("R8.1")
def test_tampering_with_batched_rows_is_caught(deyang: None, tamper: None) -> None:
    from gongzhi.ledger.services import ledger_batch

    with ledger_batch():
        events = add_events(12)
        publish("批量中的公开事项")
    checkpoint_sign()
    call_command("ledger", "verify")
    AuditEvent.objects.filter(pk=events[7].pk).update(scope_path="510603001002")
    verify_fails_at(events[7].leaf.index)


@pytest.mark.clause("R8.1")
@pytest.mark.django_db(transaction=True)
def test_the_monitor_watches_a_live_installation_over_http(live_server: object, tmp_path: Path) -> None:
    """`ledger monitor --url` against a running server, through its public endpoints only."""
    url = str(live_server.url)  # type: ignore[attr-defined]
    state = tmp_path / "monitor.json"
    add_events(3)
    checkpoint_sign()
    call_command("ledger", "monitor", "--state", str(state), "--url", url)
    trusted = json.loads(state.read_text())
    assert trusted["tree_size"] == store.tree_size() and trusted["verifier"] == keys.verifier_text()
    add_events(2)
    checkpoint_sign()
    call_command("ledger", "monitor", "--state", str(state), "--url", url)
    assert json.loads(state.read_text())["tree_size"] == store.tree_size()
    # The server now shows a history whose earlier state differs from what this monitor saw and pinned.
    pinned = json.loads(state.read_text())
    pinned["root_hash"] = base64.b64encode(bytes(32)).decode()
    state.write_text(json.dumps(pinned))
    add_events(1)
    checkpoint_sign()
    with pytest.raises(CommandError, match="history was rewritten"):
        call_command("ledger", "monitor", "--state", str(state), "--url", url)
    # And a checkpoint signed by another key is refused.
    other = json.loads(state.read_text())
    from gongzhi.ledger.checkpoint import generate_signer

    other["verifier"] = generate_signer(keys.origin())[1]
    state.write_text(json.dumps(other))
    with pytest.raises(CommandError, match="does not verify with the trusted key"):
        call_command("ledger", "monitor", "--state", str(state), "--url", url)
