"""The scale-out queue: tasks enqueued on commit travel through the real Redis (RQ) and run in a separate worker."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.redis


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def gongzhi(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(  # noqa: S603 — our own console command
        [sys.executable, "-m", "gongzhi.manage", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout + result.stderr


@pytest.mark.skipif(not redis_reachable() and not os.environ.get("CI"), reason="no Redis on 127.0.0.1:6379")
def test_rollup_task_runs_through_redis_worker(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gongzhi.config.settings.dev",
        "GONGZHI_DATABASE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}",
        "GONGZHI_TASK_BACKEND": "rq",
        "GONGZHI_REDIS_URL": "redis://127.0.0.1:6379/14",
        "GONGZHI_VAR_DIR": str(tmp_path),
    }
    gongzhi(env, "migrate", "-v0")
    subprocess.run(["redis-cli", "-n", "14", "FLUSHDB"], capture_output=True, check=False)  # noqa: S607
    gongzhi(
        env,
        "shell",
        "-c",
        """
from gongzhi.core.actors import SYSTEM
from gongzhi.territory import services
city = services.division_designate(actor=SYSTEM, parent=None, code="5106", name="德阳市", kind="city")
county = services.division_designate(actor=SYSTEM, parent=city, code="510603", name="旌阳区", kind="district")
street = services.division_designate(actor=SYSTEM, parent=county, code="510603001", name="旌阳街道",
                                     kind="subdistrict")
services.division_designate(actor=SYSTEM, parent=street, code="510603001001", name="文庙社区", kind="community",
                            population=4321, households=1500)
""",
    )
    before = gongzhi(
        env,
        "shell",
        "-c",
        "from gongzhi.territory.models import Division as D; print(D.objects.get(code='510603001000').population)",
    )
    assert before.strip().splitlines()[-1] == "None"  # nothing ran in-process: the work waits in Redis
    worker_log = gongzhi(env, "rqworker", "--burst", "default")
    after = gongzhi(
        env,
        "shell",
        "-c",
        "from gongzhi.territory.models import Division as D; print(D.objects.get(code='510600000000').population)",
    )
    assert after.strip().splitlines()[-1] == "4321", worker_log  # the roll-up carried up from the street to the city
