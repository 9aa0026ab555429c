"""`gongzhi compliance [--json]`: the clause → features → tests matrix."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongzhi.regulation.compliance import matrix


class Command(BaseCommand):
    help = "Print the compliance matrix (clause → features → tests); --json for machines."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = matrix()
        if options["json"]:
            self.stdout.write(json.dumps({"clauses": [r.as_dict() for r in rows]}, ensure_ascii=False, indent=2))
            return
        counts: dict[str, int] = {}
        for row in rows:
            counts[row.status] = counts.get(row.status, 0) + 1
            self.stdout.write(f"{row.id:<7} {row.status:<12} {row.title}")
            for feature in row.features:
                self.stdout.write(f"          feature: {feature}")
            for test in row.tests:
                self.stdout.write(f"          test:    {test}")
        summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        self.stdout.write(f"\n{len(rows)} clauses: {summary}")
