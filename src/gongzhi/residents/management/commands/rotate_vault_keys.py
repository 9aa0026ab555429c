"""Re-encrypt the residents' vault under the current key: `gongzhi rotate_vault_keys`.

Rotation procedure: add the new key to GONGZHI_VAULT_KEYS and make it "current" (keep the old one), restart, run this
command, then remove the old key. New writes use the current key at once; reads work throughout (key id in each
ciphertext)."""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongzhi.residents import vault
from gongzhi.residents.rotation import rotate


class Command(BaseCommand):
    help = "Re-encrypt every vault column under the current key, in batches (resumable)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args: Any, **options: Any) -> None:
        def show(table: str, count: int) -> None:
            sys.stderr.write(f"\r{table}: {count:,} re-encrypted")
            sys.stderr.flush()

        done = rotate(batch_size=options["batch_size"], progress=show)
        sys.stderr.write("\n")
        summary = ", ".join(f"{table} {count}" for table, count in done.items())
        self.stdout.write(f"current key {vault.keyring().current}: {summary}")
