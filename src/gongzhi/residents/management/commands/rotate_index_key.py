"""Recompute the residents' blind indexes under the current index key: `gongzhi rotate_index_key`.

Procedure: configure GONGZHI_VAULT_INDEX_KEY as JSON with the new key as "current" and the old one kept
({"current": "i2", "keys": {"i1": "<old>", "i2": "<new>"}}), restart, run this command (resumable: run it again after
an interruption), then remove the old key and restart. Lookups match under both keys meanwhile; imports are refused
until only one index key is configured."""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongzhi.residents import vault
from gongzhi.residents.rotation import index_rotation_stale, rotate_index


class Command(BaseCommand):
    help = "Recompute every blind index (ID number, mobile, special group) under the current index key, in batches."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument("--check", action="store_true", help="only count the rows not yet under the current key")

    def handle(self, *args: Any, **options: Any) -> None:
        key_id = vault.index_key_id()
        if options["check"]:
            stale = index_rotation_stale()
            summary = ", ".join(f"{table} {count}" for table, count in stale.items())
            self.stdout.write(f"index key {key_id}: rows still to recompute: {summary}")
            return

        def show(table: str, count: int) -> None:
            sys.stderr.write(f"\r{table}: {count:,} recomputed")
            sys.stderr.flush()

        done = rotate_index(batch_size=options["batch_size"], progress=show)
        sys.stderr.write("\n")
        summary = ", ".join(f"{table} {count}" for table, count in done.items())
        others = sorted(k for k in vault.keyring().all_index_keys() if k != key_id)
        hint = (
            f"; every row is under {key_id}: remove {', '.join(others)} from GONGZHI_VAULT_INDEX_KEY" if others else ""
        )
        self.stdout.write(f"index key {key_id}: {summary}{hint}")
