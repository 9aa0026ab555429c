"""The embedded default: SQLite in var/, demo data, DEBUG off-by-default pages with locally served assets."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR


def _local_secret() -> str:
    """A per-checkout secret kept in var/ so that sessions survive restarts; production sets GONGZHI_SECRET_KEY."""
    import secrets

    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("GONGZHI_SECRET_KEY") or _local_secret()
DEBUG = os.environ.get("GONGZHI_DEBUG", "") == "1"
GONGZHI_DEMO = True

# Residents' vault: keys generated into var/ unless GONGZHI_VAULT_KEYS is set.
GONGZHI_VAULT_DEV_KEYS = True
