"""Settings for the benchmark's gunicorn and intake: the test settings plus a URLconf with the bare comparison view,
and the production task backend (the database queue), so a resident notice is queued with the appeal and delivered by
the worker, as in production — not inline in the request as the test settings' immediate backend does."""

from gongzhi.config.settings.test import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
