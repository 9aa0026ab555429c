"""Production overlay: secrets and hosts from the environment, PostgreSQL expected, secure cookies."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

SECRET_KEY = os.environ.get("GONGZHI_SECRET_KEY", "")
# Secrets production refuses to start without (the demo generates them into var/): Django's, the ledger's
# checkpoint signer and leaf HMAC key (docs/ledger.md), and the residents' vault keys (docs/residents.md).
for _name in (
    "GONGZHI_SECRET_KEY",
    "GONGZHI_LEDGER_SIGNER",
    "GONGZHI_LEDGER_HMAC_KEY",
    "GONGZHI_VAULT_KEYS",
    "GONGZHI_VAULT_INDEX_KEY",
):
    if not os.environ.get(_name):
        raise ImproperlyConfigured(f"{_name} must be set in production.")
GONGZHI_LEDGER_SIGNER = os.environ["GONGZHI_LEDGER_SIGNER"]
GONGZHI_LEDGER_HMAC_KEY = os.environ["GONGZHI_LEDGER_HMAC_KEY"]
DEBUG = False
GONGZHI_DEMO = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
