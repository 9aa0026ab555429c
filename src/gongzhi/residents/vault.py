"""The personal-data vault: AES-256-GCM field encryption with the key id in every ciphertext, and HMAC blind indexes.

Ciphertext layout: b"G1" | key-id length (1 byte) | key id (ASCII) | 12-byte nonce | ciphertext+tag. The field name is
bound in as associated data, so a value cannot be moved from one column to another. Keys come from
`GONGZHI_VAULT_KEYS` (JSON: {"current": id, "keys": {id: base64}}) and `GONGZHI_VAULT_INDEX_KEY` (base64); the
dev/demo/test settings generate them into VAR_DIR on first use.

Blind-index keys: `GONGZHI_VAULT_INDEX_KEY` is one base64 key (id "i1"), or, to rotate it, JSON like the field keys
({"current": id, "keys": {id: base64}}). Every row records the id of the index key its blind indexes were computed
under (`index_key`); `gongzhi rotate_index_key` recomputes the indexes of the other rows from their decrypted values.
While more than one index key is configured, lookups try every key (`blind_indexes`) and imports are refused (their
upsert matches one index only); see docs/residents.md.
"""

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MAGIC = b"G1"
NONCE_BYTES = 12


DEFAULT_INDEX_KEY_ID = "i1"  # the id of a blind-index key configured as a bare base64 string


@dataclass(frozen=True)
class Keyring:
    current: str
    keys: dict[str, bytes]
    index_key: bytes  # the current blind-index key
    index_current: str = DEFAULT_INDEX_KEY_ID
    index_keys: dict[str, bytes] | None = None  # every configured blind-index key by id (rotation), current included

    def all_index_keys(self) -> dict[str, bytes]:
        return self.index_keys or {self.index_current: self.index_key}

    def cipher(self, key_id: str) -> AESGCM:
        return _cipher(self.keys[key_id])


@cache
def _cipher(key: bytes) -> AESGCM:
    return AESGCM(key)


def _dev_keyfile() -> Path:
    return Path(settings.VAR_DIR) / "vault_keys.json"


def _generate_dev_keys(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "current": "dev1",
        "keys": {"dev1": base64.b64encode(secrets.token_bytes(32)).decode()},
        "index": base64.b64encode(secrets.token_bytes(32)).decode(),
    }
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data))
    tmp.chmod(0o600)
    try:
        os.link(tmp, path)  # atomic: two processes starting together agree on one keyfile
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


def _parse(raw_keys: str, raw_index: str) -> Keyring:
    try:
        data = json.loads(raw_keys)
        keys = {str(k): base64.b64decode(v) for k, v in data["keys"].items()}
        current = str(data["current"])
        if raw_index.lstrip().startswith("{"):
            index_data = json.loads(raw_index)
            index_keys = {str(k): base64.b64decode(v) for k, v in index_data["keys"].items()}
            index_current = str(index_data["current"])
        else:
            index_keys, index_current = {DEFAULT_INDEX_KEY_ID: base64.b64decode(raw_index)}, DEFAULT_INDEX_KEY_ID
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ImproperlyConfigured("GONGZHI_VAULT_KEYS / GONGZHI_VAULT_INDEX_KEY are malformed") from exc
    if current not in keys or any(len(k) != 32 for k in keys.values()):
        raise ImproperlyConfigured("vault keys must be 32 bytes and the current key must be listed")
    if index_current not in index_keys or any(len(k) < 32 for k in index_keys.values()):
        raise ImproperlyConfigured("blind-index keys must be at least 32 bytes and the current key must be listed")
    if any(len(k.encode()) > 32 or not k.isascii() for k in [*keys, *index_keys]):
        raise ImproperlyConfigured("vault key ids must be short ASCII strings")
    return Keyring(
        current=current,
        keys=keys,
        index_key=index_keys[index_current],
        index_current=index_current,
        index_keys=index_keys,
    )


@cache
def keyring() -> Keyring:
    if settings.GONGZHI_VAULT_KEYS:
        return _parse(settings.GONGZHI_VAULT_KEYS, settings.GONGZHI_VAULT_INDEX_KEY)
    if not getattr(settings, "GONGZHI_VAULT_DEV_KEYS", False):
        raise ImproperlyConfigured("GONGZHI_VAULT_KEYS and GONGZHI_VAULT_INDEX_KEY must be set in production")
    path = _dev_keyfile()
    if not path.exists():
        _generate_dev_keys(path)
    data = json.loads(path.read_text())
    return _parse(json.dumps({"current": data["current"], "keys": data["keys"]}), data["index"])


def reset_keyring() -> None:
    """Forget cached keys (after rotation in configuration, and in tests)."""
    keyring.cache_clear()


def encrypt(field: str, plaintext: str, *, key_id: str | None = None) -> bytes:
    ring = keyring()
    kid = key_id or ring.current
    nonce = secrets.token_bytes(NONCE_BYTES)
    kid_bytes = kid.encode()
    body = ring.cipher(kid).encrypt(nonce, plaintext.encode(), field.encode())
    return MAGIC + bytes([len(kid_bytes)]) + kid_bytes + nonce + body


def key_id_of(blob: bytes | memoryview) -> str:
    blob = bytes(blob)
    if blob[:2] != MAGIC:
        raise ValueError("not a vault ciphertext")
    return blob[3 : 3 + blob[2]].decode()


def decrypt(field: str, blob: bytes | memoryview) -> str:
    data = bytes(blob)
    kid = key_id_of(data)
    start = 3 + data[2]
    nonce, body = data[start : start + NONCE_BYTES], data[start + NONCE_BYTES :]
    ring = keyring()
    if kid not in ring.keys:
        raise ImproperlyConfigured(f"vault key {kid!r} is not configured (needed to decrypt)")
    return ring.cipher(kid).decrypt(nonce, body, field.encode()).decode()


def blind_index(field: str, normalized: str, *, key_id: str | None = None) -> str:
    """HMAC-SHA256 of the normalized value under the (current) index key, per field, cut to 128 bits, base64url
    (22 chars).

    Not hex: runs of hex digits would look like ID or phone numbers to the plaintext scanners."""
    ring = keyring()
    key = ring.index_key if key_id is None else ring.all_index_keys()[key_id]
    mac = hmac.new(key, f"{field}\x00{normalized}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()[:16]).decode().rstrip("=")


def blind_indexes(field: str, normalized: str) -> list[str]:
    """The value's blind index under every configured index key, the current one first: what a lookup must match
    while an index-key rotation is under way (one value otherwise)."""
    ring = keyring()
    others = [k for k in ring.all_index_keys() if k != ring.index_current]
    return [blind_index(field, normalized), *(blind_index(field, normalized, key_id=k) for k in others)]


def index_key_id() -> str:
    """The id of the current blind-index key, recorded on every row whose indexes are computed under it."""
    return keyring().index_current


def index_rotation_pending() -> bool:
    """More than one blind-index key configured: a rotation is under way (or its old key not yet removed)."""
    return len(keyring().all_index_keys()) > 1


def needs_rotation(blob: bytes | memoryview) -> bool:
    return key_id_of(bytes(blob)) != keyring().current
