"""`gongzhi seed_demo`: every domain seeds its Deyang demo data through its own services (idempotent)."""

import time
from typing import Any

from django.core.management.base import BaseCommand

from gongzhi.regulation.registry import manifests


class Command(BaseCommand):
    help = "Seed the Deyang demo data of every domain, in manifest order; existing data is kept."

    def handle(self, *args: Any, **options: Any) -> None:
        for m in sorted(manifests(), key=lambda m: m.seed_order):
            if m.seed is None:
                continue
            started = time.monotonic()
            self.stdout.write(f"seeding {m.app_label} …", ending="")
            self.stdout.flush()
            m.seed()
            self.stdout.write(f" {time.monotonic() - started:.1f}s")
