"""Test settings: the same stack as dev, fast hashing, tasks run inline unless a test asks for a real backend."""

from .dev import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
GONGZHI_DEMO = True
