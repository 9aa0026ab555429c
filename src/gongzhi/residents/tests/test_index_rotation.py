"""Blind-index key rotation: every row records its index key; with a new current key configured (the old one kept),
lookups, care lists and duplicate checks match under both keys, imports are refused, and `rotate_index_key`
recomputes the indexes from the decrypted values in batches (ledgered, resumable) until every row is under the new
key; then the old key can go."""

import base64
import json
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, override_settings

from gongzhi.core.actors import SYSTEM
from gongzhi.core.errors import Conflict
from gongzhi.jobs.models import ImportJob
from gongzhi.ledger.models import AuditEvent
from gongzhi.residents import events, selectors, services, vault
from gongzhi.residents.models import GroupFlag, Resident, SpecialGroup

from .conftest import import_csv, person

pytestmark = [pytest.mark.django_db, pytest.mark.clause("R12.3")]

NEW_KEY = base64.b64encode(b"n" * 32).decode()


def b64(key: bytes) -> str:
    return base64.b64encode(key).decode()


@pytest.fixture
def index_keys() -> Iterator[Callable[[dict[str, str], str], None]]:
    """Configure the field keys as they are and the given blind-index keys (JSON form)."""
    old = vault.keyring()
    field_keys = json.dumps({"current": old.current, "keys": {k: b64(v) for k, v in old.keys.items()}})
    overrides: list[Any] = []

    def configure(keys: dict[str, str], current: str) -> None:
        while overrides:
            overrides.pop().disable()
        override = override_settings(
            GONGZHI_VAULT_KEYS=field_keys, GONGZHI_VAULT_INDEX_KEY=json.dumps({"current": current, "keys": keys})
        )
        override.enable()
        overrides.append(override)
        vault.reset_keyring()

    yield configure
    while overrides:
        overrides.pop().disable()
    vault.reset_keyring()


def test_index_keys_configuration() -> None:
    keys = json.dumps({"current": "a", "keys": {"a": b64(b"a" * 32)}})
    ring = vault._parse(keys, json.dumps({"current": "i2", "keys": {"i1": b64(b"x" * 32), "i2": NEW_KEY}}))
    assert (ring.index_current, ring.index_key, sorted(ring.all_index_keys())) == ("i2", b"n" * 32, ["i1", "i2"])
    plain = vault._parse(keys, b64(b"x" * 32))
    assert (plain.index_current, plain.all_index_keys()) == (vault.DEFAULT_INDEX_KEY_ID, {"i1": b"x" * 32})
    for bad in (
        json.dumps({"current": "i3", "keys": {"i1": NEW_KEY}}),  # current not listed
        json.dumps({"current": "i1", "keys": {"i1": b64(b"short")}}),
        "{not json",
    ):
        with pytest.raises(ImproperlyConfigured):
            vault._parse(keys, bad)


def test_rotation_keeps_lookups_working_refuses_imports_and_recomputes_every_index(
    registry: dict[str, Any],
    community: Any,
    client_for: Callable[[str], Client],
    user_named: Callable[[str], Any],
    index_keys: Callable[[dict[str, str], str], None],
    django_capture_on_commit_callbacks: Any,
) -> None:
    worker = client_for("worker")
    rows = [person(community.code, n) for n in range(1, 5)]
    rows[0]["groups"] = "老年人"
    with django_capture_on_commit_callbacks(execute=True):
        worker.post("/residents/import/", {"file": SimpleUploadedFile("p.csv", import_csv(rows)), "mode": "atomic"})
    assert Resident.objects.count() == 6 and GroupFlag.objects.count() == 2
    old = vault.keyring()
    assert {r.index_key for r in Resident.objects.all()} == {vault.DEFAULT_INDEX_KEY_ID}  # recorded on every write
    assert {f.index_key for f in GroupFlag.objects.all()} == {vault.DEFAULT_INDEX_KEY_ID}
    granny = registry["granny"]
    granny_id = services.plaintext(granny, "id_number")
    erased = Resident.objects.get(import_row=5)
    services.resident_erase(actor=SYSTEM, resident=erased)
    erased.refresh_from_db()
    marker = erased.id_index

    index_keys({"i1": b64(old.index_key), "i2": NEW_KEY}, "i2")  # the new key current, the old one kept
    assert vault.index_rotation_pending()
    # Lookups still find records indexed under the old key.
    response = worker.post("/residents/lookup/", {"id_number": granny_id})
    assert response.status_code == 302 and str(granny.public_id) in response["Location"]
    assert "唐素芬" in worker.get("/residents/?group=elderly_alone").content.decode()
    assert selectors.care_count(viewer=user_named("worker")) == 1
    # Duplicate checks too: the same ID number, the same flag.
    with pytest.raises(Conflict):
        services.resident_register(
            actor=SYSTEM, place=registry["place"], name="重复", id_number=granny_id, residence_status="registered"
        )
    with pytest.raises(Conflict):
        services.flag_add(
            actor=SYSTEM, resident=granny, group=SpecialGroup.ELDERLY_ALONE, since=date.today(), source="x"
        )
    # Claiming an account matches both blind indexes under the old key.
    claimed = services.account_claim(
        actor=user_named("household_head"), id_number=rows[1]["id_number"], phone=rows[1]["phone"]
    )
    assert claimed.import_row == 3
    # Imports are refused while two index keys are configured.
    refused = worker.post("/residents/import/", {"file": SimpleUploadedFile("p.csv", import_csv(rows)), "mode": "skip"})
    assert refused.status_code == 400 and "正在更换盲索引密钥" in refused.content.decode()
    assert ImportJob.objects.count() == 1

    call_command("rotate_index_key", "--check")
    call_command("rotate_index_key", "--batch-size", "2")
    assert {r.index_key for r in Resident.objects.all()} == {"i2"}
    assert {f.index_key for f in GroupFlag.objects.all()} == {"i2"}
    for resident in Resident.objects.filter(erased_at__isnull=True):
        plain = vault.decrypt("id_number", resident.id_enc)
        assert resident.id_index == vault.blind_index("id_number", plain, key_id="i2")
        assert resident.id_index != vault.blind_index("id_number", plain, key_id="i1")
        if resident.phone_enc is not None:
            assert resident.phone_index == vault.blind_index("phone", vault.decrypt("phone", resident.phone_enc))
    assert Resident.objects.get(pk=erased.pk).id_index == marker  # an erased record keeps its placeholder
    for flag in GroupFlag.objects.all():
        assert flag.group_index == vault.blind_index("group", vault.decrypt("group", flag.group_enc), key_id="i2")
    batches = AuditEvent.objects.filter(action=events.INDEX_KEY_ROTATED)
    assert sum((e.after or {})["count"] for e in batches) == 6 + 2 and batches.count() == 3 + 1
    assert {(e.after or {})["under"] for e in batches} == {"i2"}
    call_command("rotate_index_key")  # resumable, idempotent: nothing left
    assert AuditEvent.objects.filter(action=events.INDEX_KEY_ROTATED).count() == 4

    index_keys({"i2": NEW_KEY}, "i2")  # the old key removed
    assert not vault.index_rotation_pending()
    assert selectors.resident_by_id_number(viewer=user_named("worker"), id_number=granny_id).pk == granny.pk
    assert "唐素芬" in worker.get("/residents/?group=elderly_alone").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        again = worker.post(
            "/residents/import/", {"file": SimpleUploadedFile("p.csv", import_csv(rows)), "mode": "skip"}
        )
    assert again.status_code == 302
    job = ImportJob.objects.latest("created_at")
    assert (job.created, job.updated) == (1, 3)  # the erased row's number registers again; the rest update
