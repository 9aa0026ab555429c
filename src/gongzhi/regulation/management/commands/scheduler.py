"""`gongzhi scheduler`: enqueue the manifests' periodic tasks when due (run one process per deployment)."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongzhi.core.schedule import enqueue_due


class Command(BaseCommand):
    help = "Enqueue due periodic tasks declared in the domain manifests; --once for a single pass (cron)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument("--tick", type=float, default=15.0, help="seconds between passes")

    def handle(self, *args: Any, **options: Any) -> None:
        from gongzhi.regulation.registry import manifests

        while True:
            entries = [p for m in manifests() for p in m.periodic]
            for name in enqueue_due(entries):
                self.stdout.write(f"enqueued {name}")
            if options["once"]:
                return
            time.sleep(options["tick"])
