"""Points-ledger benchmark (D11): prints figures, it is not a timed test.

    GONGZHI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongzhi_bench_autonomy \\
        DJANGO_SETTINGS_MODULE=gongzhi.config.settings.test .venv/bin/python bench/autonomy/bench.py [--accounts 100000]

The database named in GONGZHI_DATABASE_URL is migrated and filled (use a throw-away one). Measured on a ledger of
`--accounts` holder accounts with 2 transactions each plus one busy account with 5,000 entries (bulk-inserted rows
shaped like the service's):
  * balance (SUM over the account's entries, index `points_entry_account`) — median and p99 over random accounts, and
    for the busy account;
  * a page of 50 entries (keyset, newest first) for the busy account;
  * `points_apply` through the real write path (rule check, two entries, audit event + ledger leaf), per second;
  * `redeem` (row locks on account and item, balance check, two entries, audit event), per second;
  * `expirable` for the busy account.
"""

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))


def timed(fn, n: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _i in range(n):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def summary(ms: list[float]) -> str:
    ms = sorted(ms)
    return f"median {statistics.median(ms):.2f} ms, p99 {ms[int(len(ms) * 0.99) - 1]:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=100_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from gongzhi.autonomy import services
    from gongzhi.autonomy.models import PointsAccount, PointsEntry, PointsTransaction
    from gongzhi.people.demo import seed_people
    from gongzhi.people.models import User
    from gongzhi.residents.demo import link_demo_accounts
    from gongzhi.territory.demo import seed_territory
    from gongzhi.territory.models import Division, Level

    seed_territory(communities_per_street=2)
    seed_people()
    link_demo_accounts()
    community = Division.objects.filter(parent__code="510603001000", level=Level.COMMUNITY).order_by("path").first()
    assert community is not None
    worker = User.objects.get(username="worker")
    print(f"backend: {connection.vendor}")

    # an adopted convention with one award rule, through the services (SYSTEM stands in for the vote's outcome)
    from gongzhi.autonomy.models import ConventionVersion, PointsRule

    rule = PointsRule.objects.filter(version__status=ConventionVersion.Status.IN_FORCE, code="JF-B").first()
    if rule is None:
        version = services.convention_create(
            actor=worker,
            community=community,
            kind="convention",
            title=f"基准公约{time.time():.0f}",
            body="第一条 基准。",
        )
        rule = services.rule_add(actor=worker, version=version, code="JF-B", kind="award", title="志愿服务", points=1)
        ConventionVersion.objects.filter(pk=version.pk).update(status=ConventionVersion.Status.IN_FORCE)
        rule = PointsRule.objects.get(pk=rule.pk)

    issuance = services._system_account(community, PointsAccount.Kind.ISSUANCE)
    existing = PointsAccount.objects.filter(kind=PointsAccount.Kind.HOUSEHOLD, household__isnull=True).count()
    if existing < args.accounts:
        start = time.perf_counter()
        batch = 5_000
        for offset in range(existing, args.accounts, batch):
            accounts = PointsAccount.objects.bulk_create(
                [
                    PointsAccount(community=community, scope_path=community.path, kind=PointsAccount.Kind.HOUSEHOLD)
                    for _i in range(min(batch, args.accounts - offset))
                ]
            )
            txs = PointsTransaction.objects.bulk_create(
                [
                    PointsTransaction(
                        community=community,
                        scope_path=community.path,
                        kind="award",
                        rule=rule,
                        basis="基准",
                        recorder=worker,
                        occurred_on=date(2026, 1, 1) + timedelta(days=i % 300),
                    )
                    for i in range(2 * len(accounts))
                ]
            )
            entries = []
            for i, tx in enumerate(txs):
                account = accounts[i // 2]
                entries += [
                    PointsEntry(transaction=tx, account=account, amount=3),
                    PointsEntry(transaction=tx, account=issuance, amount=-3),
                ]
            PointsEntry.objects.bulk_create(entries, batch_size=10_000)
        print(
            f"filled {args.accounts:,} accounts / {2 * args.accounts:,} transactions"
            f" in {time.perf_counter() - start:.1f} s"
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE autonomy_pointsentry; ANALYZE autonomy_pointsaccount; ANALYZE autonomy_pointstransaction"
            )
    busy = (
        PointsAccount.objects.filter(kind=PointsAccount.Kind.HOUSEHOLD, household__isnull=True).order_by("id").first()
    )
    assert busy is not None
    have = busy.entries.count()
    if have < 5_000:
        txs = PointsTransaction.objects.bulk_create(
            [
                PointsTransaction(
                    community=community,
                    scope_path=community.path,
                    kind="award",
                    rule=rule,
                    basis="基准",
                    recorder=worker,
                    occurred_on=date(2026, 1, 1),
                )
                for _i in range(5_000 - have)
            ]
        )
        PointsEntry.objects.bulk_create(
            [
                e
                for tx in txs
                for e in (
                    PointsEntry(transaction=tx, account=busy, amount=1),
                    PointsEntry(transaction=tx, account=issuance, amount=-1),
                )
            ],
            batch_size=10_000,
        )
    total = PointsEntry.objects.count()
    print(f"entries in the ledger: {total:,}")
    ids = list(
        PointsAccount.objects.filter(kind=PointsAccount.Kind.HOUSEHOLD, household__isnull=True).values_list(
            "id", flat=True
        )[:100_000]
    )
    sample = [PointsAccount(pk=i) for i in random.Random(1).sample(ids, min(500, len(ids)))]
    it = iter(sample * 2)
    print("balance, random account:", summary(timed(lambda: services.balance(next(it)), len(sample))))
    print("balance, busy account (5,000 entries):", summary(timed(lambda: services.balance(busy), 200)))
    print(
        "entries page (50, keyset) of the busy account:",
        summary(timed(lambda: list(busy.entries.select_related("transaction").order_by("-id")[:50]), 200)),
    )
    print("expirable, busy account:", summary(timed(lambda: services.expirable(busy, as_of=date(2026, 11, 1)), 100)))

    granny = services.my_resident(User.objects.get(username="resident"))
    n = 300
    start = time.perf_counter()
    for _i in range(n):
        services.points_apply(actor=worker, rule=rule, resident=granny, note="基准")
    print(f"points_apply (service path with audit event and ledger leaf): {n / (time.perf_counter() - start):.0f}/s")
    item = services.catalogue_save(
        actor=worker, community=community, name="基准兑换", cost=1, funding_source="基准资金来源", stock=10_000
    )
    user = User.objects.get(username="resident")
    start = time.perf_counter()
    for _i in range(200):
        services.redeem(actor=user, item=item)
    print(f"redeem (row locks, balance check, entries, audit event): {200 / (time.perf_counter() - start):.0f}/s")


if __name__ == "__main__":
    main()
