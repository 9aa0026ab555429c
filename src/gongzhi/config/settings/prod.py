"""Production overlay: secrets and hosts from the environment, PostgreSQL expected, secure cookies."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

SECRET_KEY = os.environ.get("GONGZHI_SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("GONGZHI_SECRET_KEY must be set in production.")
DEBUG = False
GONGZHI_DEMO = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
