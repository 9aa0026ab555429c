"""Ledger keys: the Ed25519 checkpoint signer and the HMAC key that binds audit-event contents without revealing them.

Production reads them from settings or the environment (`GONGZHI_LEDGER_SIGNER`, a signed-note private key text,
and `GONGZHI_LEDGER_HMAC_KEY`, base64 of at least 32 random bytes). The demo and test settings (`GONGZHI_DEMO`)
generate both on first use into `VAR_DIR`, which is never committed.
"""

import base64
import os
import secrets
from collections.abc import Callable
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .checkpoint import generate_signer, parse_signer

DEFAULT_ORIGIN = "gongzhi.deyang.gov.cn/ledger"


def origin() -> str:
    """The log's name: the first line of every checkpoint and the name of its signing key."""
    return str(
        getattr(settings, "GONGZHI_LEDGER_ORIGIN", "") or os.environ.get("GONGZHI_LEDGER_ORIGIN", DEFAULT_ORIGIN)
    )


def _configured(name: str) -> str:
    return str(getattr(settings, name, "") or os.environ.get(name, "")).strip()


def _demo_file(name: str, make: Callable[[], str]) -> str:
    if not getattr(settings, "GONGZHI_DEMO", False):
        raise ImproperlyConfigured(f"{name} must be set outside the demo (see docs/ledger.md).")
    var_dir = Path(settings.VAR_DIR)
    var_dir.mkdir(parents=True, exist_ok=True)
    path = var_dir / name.lower()
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


@cache
def signer_text() -> str:
    text = _configured("GONGZHI_LEDGER_SIGNER")
    if not text:
        text = _demo_file("GONGZHI_LEDGER_SIGNER", lambda: generate_signer(origin())[0])
    signer = parse_signer(text)
    if signer.name != origin():
        raise ImproperlyConfigured(f"the ledger signer is named {signer.name!r}, the origin is {origin()!r}")
    return text


@cache
def verifier_text() -> str:
    return parse_signer(signer_text()).verifier().text()


@cache
def hmac_key() -> bytes:
    text = _configured("GONGZHI_LEDGER_HMAC_KEY")
    if not text:
        text = _demo_file("GONGZHI_LEDGER_HMAC_KEY", lambda: base64.b64encode(secrets.token_bytes(32)).decode())
    key = base64.b64decode(text)
    if len(key) < 32:
        raise ImproperlyConfigured("GONGZHI_LEDGER_HMAC_KEY must decode to at least 32 bytes.")
    return key
