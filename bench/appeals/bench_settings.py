"""Settings for the benchmark's gunicorn: the test settings plus a URLconf with the bare comparison view."""

from gongzhi.config.settings.test import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
