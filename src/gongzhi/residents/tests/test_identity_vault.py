"""身份证号 and mobile validation, masks, and the vault's encryption, key ids, blind index and key rotation."""

import json
from datetime import date

import pytest
from django.test import override_settings

from gongzhi.residents import identity, vault

from .conftest import valid_id

pytestmark = pytest.mark.clause("R12.3")


def test_check_digit_birth_date_and_sex() -> None:
    # The standard's worked example: 11010519491231002X.
    parsed = identity.parse_id("11010519491231002x")
    assert (parsed.value, parsed.birth_date, parsed.sex) == ("11010519491231002X", date(1949, 12, 31), "F")
    assert parsed.masked == "110105********002X"
    male = identity.parse_id(valid_id("510603", date(1980, 2, 29), 7, "M"))
    assert male.sex == "M" and male.birth_date == date(1980, 2, 29)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("110105194912310021", "校验码错误"),
        ("110105194902300028", "出生日期不存在"),
        ("11010519491231002", "18 位"),
        ("1101051949123100AX", "18 位"),
        ("110105299901010020", "不合理"),
    ],
)
def test_bad_id_numbers_say_why(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        identity.parse_id(text)


def test_mobile_numbers() -> None:
    assert identity.parse_mobile("+86 139-8123-4567") == "13981234567"
    assert identity.mask_mobile("13981234567") == "139****4567"
    for bad in ("12981234567", "1398123456", "139812345678"):
        with pytest.raises(ValueError):
            identity.parse_mobile(bad)


def test_finder_ignores_masked_and_invalid_numbers() -> None:
    good = valid_id("510603", date(1990, 1, 1), 1)
    text = f"{identity.mask_id(good)} 110105194912310021 x{good}y {good}"
    assert identity.find_valid_ids(text) == [good]


def test_ciphertext_carries_key_id_and_is_bound_to_its_field() -> None:
    blob = vault.encrypt("id_number", "secret")
    assert vault.key_id_of(blob) == vault.keyring().current
    assert b"secret" not in blob
    assert vault.decrypt("id_number", blob) == "secret"
    assert vault.encrypt("id_number", "secret") != blob  # fresh nonce every time
    from cryptography.exceptions import InvalidTag

    with pytest.raises(InvalidTag):
        vault.decrypt("phone", blob)  # moved to another column: refused
    assert vault.blind_index("id_number", "x") == vault.blind_index("id_number", "x") != vault.blind_index("phone", "x")


def test_production_refuses_to_start_without_configured_keys() -> None:
    from django.core.exceptions import ImproperlyConfigured

    with override_settings(GONGZHI_VAULT_KEYS="", GONGZHI_VAULT_DEV_KEYS=False):
        vault.reset_keyring()
        try:
            with pytest.raises(ImproperlyConfigured):
                vault.keyring()
        finally:
            vault.reset_keyring()


@pytest.mark.django_db
def test_rotation_re_encrypts_in_batches_and_old_values_still_read(registry: dict[str, object]) -> None:
    from django.core.management import call_command

    from gongzhi.residents.models import GroupFlag, Resident

    old = vault.keyring()
    new_key = "rot2"
    config = json.dumps(
        {
            "current": new_key,
            "keys": {
                old.current: __import__("base64").b64encode(old.keys[old.current]).decode(),
                new_key: __import__("base64").b64encode(b"k" * 32).decode(),
            },
        }
    )
    index = __import__("base64").b64encode(old.index_key).decode()
    with override_settings(GONGZHI_VAULT_KEYS=config, GONGZHI_VAULT_INDEX_KEY=index):
        vault.reset_keyring()
        try:
            before = {r.pk: vault.decrypt("id_number", r.id_enc) for r in Resident.objects.all()}
            assert {vault.key_id_of(r.id_enc) for r in Resident.objects.all()} == {old.current}
            call_command("rotate_vault_keys", "--batch-size", "1")
            after = {r.pk: vault.decrypt("id_number", r.id_enc) for r in Resident.objects.all()}
            assert after == before
            assert {vault.key_id_of(r.id_enc) for r in Resident.objects.all()} == {new_key}
            assert {vault.key_id_of(f.group_enc) for f in GroupFlag.objects.all()} == {new_key}
            assert Resident.objects.filter(
                id_index=vault.blind_index("id_number", next(iter(before.values())))
            ).exists()
        finally:
            vault.reset_keyring()
