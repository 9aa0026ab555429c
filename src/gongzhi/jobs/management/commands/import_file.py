"""Run an import from the command line with a progress bar: `gongzhi import_file residents people.csv --mode skip`."""

import sys
import time
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongzhi.core.actors import SYSTEM
from gongzhi.core.errors import ServiceError
from gongzhi.jobs.models import ImportJob
from gongzhi.jobs.registry import registered
from gongzhi.jobs.services import import_run, import_submit


class Command(BaseCommand):
    help = "Import a .xlsx or .csv file through a registered importer, showing progress."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("importer", help="importer key, e.g. residents")
        parser.add_argument("path")
        parser.add_argument("--mode", choices=ImportJob.Mode.values, default=ImportJob.Mode.ALL_OR_NOTHING)
        parser.add_argument("--user", default="", help="act as this account (default: the system)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["importer"] not in {i.key for i in registered()}:
            raise CommandError(f"unknown importer; known: {', '.join(sorted(i.key for i in registered()))}")
        actor: Any = get_user_model().objects.get(username=options["user"]) if options["user"] else SYSTEM
        path = Path(options["path"])
        started = time.monotonic()
        try:
            with path.open("rb") as handle:
                job = import_submit(
                    actor=actor,
                    importer_key=options["importer"],
                    upload=handle,
                    filename=path.name,
                    mode=options["mode"],
                    enqueue=False,
                )
        except ServiceError as exc:
            raise CommandError(str(exc.message)) from exc

        def bar(current: ImportJob, fraction: float) -> None:
            elapsed = max(time.monotonic() - started, 1e-6)
            rate = current.rows_read / elapsed
            filled = int(fraction * 30)
            sys.stderr.write(
                f"\r[{'#' * filled}{'.' * (30 - filled)}] {fraction:>4.0%} "
                f"{current.rows_read:>10,} rows  {rate:>9,.0f} rows/s  "
                f"new {current.created:,}  updated {current.updated:,}  errors {current.error_rows:,}"
            )
            sys.stderr.flush()

        job = import_run(job_id=job.pk, progress=bar)
        sys.stderr.write("\n")
        self.stdout.write(
            f"{job.get_status_display()}: {job.rows_read} rows, {job.created} new, {job.updated} updated, "
            f"{job.error_rows} rows with errors ({time.monotonic() - started:.1f} s) {job.message}"
        )
