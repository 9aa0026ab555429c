"""`gongzhi ledger checkpoint|verify|monitor`: sign a checkpoint now, re-verify the whole log, watch for rewrites."""

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongzhi.ledger.services import checkpoint_sign
from gongzhi.ledger.verification import HttpSource, LedgerInvalid, LocalSource, Source, monitor, verify_ledger


class Command(BaseCommand):
    help = "The Merkle ledger: sign a checkpoint, verify everything from the stored leaves, or monitor checkpoints."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("checkpoint", help="sign a checkpoint now if the log has grown")
        verify = sub.add_parser("verify", help="recompute the tree from the stored leaves and check every checkpoint")
        verify.add_argument("--skip-events", action="store_true", help="do not compare event leaves with audit rows")
        watch = sub.add_parser("monitor", help="check the latest checkpoint extends the last trusted one (TOFU)")
        watch.add_argument("--state", required=True, type=Path, help="file remembering the last trusted checkpoint")
        watch.add_argument("--url", default="", help="monitor another installation over HTTP (base URL)")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "checkpoint":
                checkpoint = checkpoint_sign()
                if checkpoint is None:
                    self.stdout.write("the log has not grown since the last checkpoint; nothing signed")
                else:
                    self.stdout.write(checkpoint.signed_note, ending="")
            elif action == "verify":
                started = time.monotonic()
                result = verify_ledger(check_events=not options["skip_events"])
                self.stdout.write(
                    f"OK: {result.leaves} leaves, {result.nodes} subtree hashes, {result.events} audit events and "
                    f"{result.checkpoints} checkpoints verified in {time.monotonic() - started:.1f}s"
                )
                for note in result.notes:
                    self.stdout.write(f"note: {note}")
            else:
                source: Source = HttpSource(options["url"]) if options["url"] else LocalSource()
                self.stdout.write(monitor(source, options["state"]))
        except LedgerInvalid as exc:
            where = f" (first bad index: {exc.index})" if exc.index is not None else ""
            raise CommandError(f"LEDGER INVALID{where}: {exc}") from exc
