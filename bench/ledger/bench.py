"""Ledger benchmark: prints figures (it is not a timed test), each beside raw hashlib SHA-256 measured in the same run.

    .venv/bin/python bench/ledger/bench.py                   # appends on SQLite and PostgreSQL, large tree 1M on SQLite
    .venv/bin/python bench/ledger/bench.py --backends postgres --large-on postgres --leaves 10000000
                                                             # the 10-million-leaf figures (~15 min, ~4 GB disk)
    .venv/bin/python bench/ledger/bench.py --backends postgres --large-on postgres --leaves 10000000 --reuse
                                                             # proofs and verify again on the tree already built

Each backend runs in its own process against a throw-away database: a SQLite file under /tmp, and the PostgreSQL
database `gongzhi_bench` (dropped and recreated unless --reuse) on GONGZHI_PG_URL (default
postgres://postgres@127.0.0.1:5432/).

Measured:
  * appends/s through the real write path (`record_event`: audit row + leaf + subtree hashes in one transaction):
    one transaction per event; 1,000 events per transaction; 1,000 per transaction in `ledger_batch()` (audit rows,
    leaves and subtree hashes buffered and written with COPY / executemany before the transaction ends); all events
    in one `ledger_batch()`; and the ledger's own share: leaf appends alone (no audit row), 1,000 per transaction;
  * a full verify of the ledger the appends wrote (every leaf an audit event, rebuilt from its audit row);
  * building a large tree by bulk insert (synthetic disclosure-shaped leaves, hashed with the same code; COPY on
    PostgreSQL);
  * inclusion and consistency proof time at that size (median and p99 of 300, read from the database as the API
    does, and verified);
  * full `verify_ledger` (every leaf re-hashed, every subtree hash and checkpoint checked) at that size;
  * raw hashlib: SHA-256 of a leaf-sized message and of an interior node, per second, as the baseline (before and
    after; the mean is used).
"""

import argparse
import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("GONGZHI_PG_URL", "postgres://postgres@127.0.0.1:5432/")


def hashlib_baseline(seconds: float = 1.0) -> dict[str, float]:
    leaf = b"\x00" + b"x" * 240
    node = b"\x01" + b"y" * 64
    out = {}
    for name, message in (("leaf_msgs_per_s", leaf), ("node_msgs_per_s", node)):
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            for _ in range(10_000):
                hashlib.sha256(message).digest()
            n += 10_000
        out[name] = n / (time.perf_counter() - start)
    return out


def setup_django(backend: str, reuse: bool = False) -> None:
    if backend == "sqlite":
        path = Path("/tmp/gongzhi-bench.sqlite3")  # noqa: S108 - throw-away benchmark database
        for suffix in ("", "-wal", "-shm"):
            if not reuse:
                Path(str(path) + suffix).unlink(missing_ok=True)
        os.environ["GONGZHI_DATABASE_URL"] = f"sqlite:///{path}"
    elif not reuse:
        import psycopg

        with psycopg.connect(PG_URL + "postgres", autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS gongzhi_bench")
            conn.execute("CREATE DATABASE gongzhi_bench")
    if backend != "sqlite":
        os.environ["GONGZHI_DATABASE_URL"] = PG_URL + "gongzhi_bench"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.config.settings.test")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def bench_appends(n: int) -> dict[str, float]:
    from django.db import transaction

    from gongzhi.core.actors import SYSTEM
    from gongzhi.ledger.services import record_event

    def one(i: int) -> None:
        record_event(
            actor=SYSTEM,
            action="bench.thing_changed",
            target=("bench.thing", str(i)),
            scope_path="510603001001",
            before={"name": "张三", "phone": "13800000000", "i": i},
            after={"name": "张三", "phone": "13900000000", "i": i},
        )

    start = time.perf_counter()
    for i in range(n):
        with transaction.atomic():
            one(i)
    single = n / (time.perf_counter() - start)
    start = time.perf_counter()
    for batch in range(0, n, 1000):
        with transaction.atomic():
            for i in range(batch, min(n, batch + 1000)):
                one(i)
    batched = n / (time.perf_counter() - start)
    from gongzhi.ledger import store
    from gongzhi.ledger.services import ledger_batch

    start = time.perf_counter()
    for batch in range(0, n, 1000):
        with ledger_batch():
            for i in range(batch, min(n, batch + 1000)):
                one(i)
    buffered = n / (time.perf_counter() - start)
    start = time.perf_counter()
    with ledger_batch():
        for i in range(n):
            one(i)
    buffered_one = n / (time.perf_counter() - start)
    start = time.perf_counter()
    for batch in range(0, n, 1000):
        with transaction.atomic():
            for _i in range(batch, min(n, batch + 1000)):
                store.append(kind="disclosure", event_type="bench", make_data=leaf_bytes)
    leaf_only = n / (time.perf_counter() - start)
    return {
        "leaf_appends_per_s_no_audit_row": leaf_only,
        "appends_per_s_one_tx_each": single,
        "appends_per_s_1000_per_tx": batched,
        "appends_per_s_1000_per_tx_batch": buffered,
        "appends_per_s_all_in_one_batch": buffered_one,
    }


def leaf_bytes(index: int) -> bytes:
    from gongzhi.ledger.leaves import canonical

    return canonical(
        {"body": "bench", "category": "notice", "index": index, "time": "2026-11-22T00:00:00.000000Z", "type": "b"}
    )


def build_large(target: int) -> dict[str, float]:
    """Append synthetic leaves by bulk insert up to `target` leaves (hashes computed by the same merkle code)."""
    from django.db import connection, transaction

    from gongzhi.ledger import merkle, store

    start_size = store.tree_size()
    acc = merkle.StreamingRoot.from_store(store.DbHashStore(), start_size)
    leaf_sql = (
        'INSERT INTO ledger_leaf ("index", kind, event_type, data, leaf_hash, event_id) '
        "VALUES (%s, 'disclosure', 'bench', %s, %s, NULL)"
    )
    node_sql = 'INSERT INTO ledger_treenode (level, "index", hash) VALUES (%s, %s, %s)'
    started = time.perf_counter()
    index = start_size
    chunk = 200_000
    postgres = connection.vendor == "postgresql"
    while index < target:
        leaves, nodes = [], []
        for i in range(index, min(target, index + chunk)):
            data = leaf_bytes(i)
            digest = merkle.leaf_hash(data)
            leaves.append((i, data, digest))
            nodes.extend(acc.append(digest)[1:])
        with transaction.atomic():
            if postgres:  # COPY, on a plain psycopg cursor in Django's transaction
                with store._cursor(connection) as cursor:
                    with cursor.copy('COPY ledger_leaf ("index", kind, event_type, data, leaf_hash) FROM STDIN') as cp:
                        for i, data, digest in leaves:
                            cp.write_row((i, "disclosure", "bench", data, digest))
                    with cursor.copy('COPY ledger_treenode (level, "index", hash) FROM STDIN') as cp:
                        for node in nodes:
                            cp.write_row(node)
            else:
                with connection.cursor() as cursor:
                    cursor.executemany(leaf_sql, leaves)
                    cursor.executemany(node_sql, nodes)
        index += len(leaves)
        if index % 1_000_000 < chunk:
            print(f"    … {index:,} leaves ({time.perf_counter() - started:.0f}s)", flush=True)
    store.forget_edge()
    elapsed = time.perf_counter() - started
    return {"build_leaves": target - start_size, "build_s": elapsed}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def bench_proofs(size: int, rounds: int = 300) -> dict[str, float]:
    from gongzhi.ledger import merkle, store

    root = store.root(size)
    rng = random.Random(7)
    incl, cons = [], []
    for _ in range(rounds):
        index = rng.randrange(size)
        t = time.perf_counter()
        leaf, proof = store.inclusion(index, size)  # what the API serves: leaf hash and proof, one query
        incl.append(time.perf_counter() - t)
        assert merkle.verify_inclusion(leaf, index, size, proof, root)
    for _ in range(rounds):
        first = rng.randrange(1, size)
        t = time.perf_counter()
        proof = store.consistency_proof(first, size)  # what the API serves (the client has the old root)
        cons.append(time.perf_counter() - t)
        first_root = store.root(first)
        assert merkle.verify_consistency(first, size, first_root, root, proof)
    return {
        "inclusion_ms_median": statistics.median(incl) * 1000,
        "inclusion_ms_p99": percentile(incl, 0.99) * 1000,
        "consistency_ms_median": statistics.median(cons) * 1000,
        "consistency_ms_p99": percentile(cons, 0.99) * 1000,
    }


def bench_verify() -> dict[str, float]:
    from gongzhi.ledger.services import checkpoint_sign
    from gongzhi.ledger.verification import verify_ledger

    checkpoint_sign()
    started = time.perf_counter()
    result = verify_ledger()
    elapsed = time.perf_counter() - started
    return {"verify_leaves": result.leaves, "verify_s": elapsed, "verify_leaves_per_s": result.leaves / elapsed}


def bench_verify_events() -> dict[str, float]:
    """Full verify of the ledger the append benchmark wrote: every leaf is an audit event, rebuilt from its row."""
    from gongzhi.ledger.verification import verify_ledger

    started = time.perf_counter()
    result = verify_ledger()
    elapsed = time.perf_counter() - started
    return {"verify_events_leaves": result.events, "verify_events_per_s": result.events / elapsed}


def run_backend(backend: str, appends: int, leaves: int, reuse: bool = False) -> dict[str, float]:
    setup_django(backend, reuse)
    figures: dict[str, float] = {"load_before": os.getloadavg()[0]}
    figures.update(hashlib_baseline())
    if not reuse:
        figures.update(bench_appends(appends))
        figures.update(bench_verify_events())
    if leaves:
        figures.update(build_large(leaves))
        from gongzhi.ledger import store

        size = store.tree_size()
        figures["tree_size"] = size
        figures.update(bench_proofs(size))
        figures.update(bench_verify())
    figures.update({f"{k}_after": v for k, v in hashlib_baseline().items()})
    figures["load_after"] = os.getloadavg()[0]
    return figures


def report(backend: str, f: dict[str, float]) -> None:
    leaf_rate = (f["leaf_msgs_per_s"] + f["leaf_msgs_per_s_after"]) / 2
    node_rate = (f["node_msgs_per_s"] + f["node_msgs_per_s_after"]) / 2
    print(f"\n== {backend}   (1-minute load average {f['load_before']:.1f} before, {f['load_after']:.1f} after)")
    print(f"  hashlib SHA-256 baseline: {leaf_rate:,.0f} leaf-sized msgs/s, {node_rate:,.0f} node msgs/s")
    keys = ("appends_per_s_one_tx_each", "appends_per_s_1000_per_tx", "appends_per_s_1000_per_tx_batch")
    for key in (*keys, "appends_per_s_all_in_one_batch", "leaf_appends_per_s_no_audit_row"):
        if key not in f:
            continue
        rate = f[key]
        print(f"  {key:32} {rate:>10,.0f} events/s   (= 1/{leaf_rate / rate:,.0f} of raw leaf hashing)")
    if "verify_events_per_s" in f:
        rate = f["verify_events_per_s"]
        print(
            f"  verify of {int(f['verify_events_leaves']):,} audit-event leaves (each rebuilt from its audit row): "
            f"{rate:,.0f} leaves/s; at that rate 10,000,000 event leaves ≈ {10_000_000 / rate:.0f}s (extrapolated)"
        )
    if "tree_size" not in f:
        return
    n = int(f["tree_size"])
    if f["build_leaves"]:
        print(f"  bulk build: {int(f['build_leaves']):,} leaves in {f['build_s']:.1f}s")
    per_hash = 1000 / node_rate  # ms per raw node hash
    for key in ("inclusion_ms_median", "inclusion_ms_p99", "consistency_ms_median", "consistency_ms_p99"):
        print(f"  {key:22} at {n:>11,} leaves: {f[key]:7.2f} ms   (= {f[key] / per_hash:,.0f} raw node hashes)")
    raw_verify = n / leaf_rate + n / node_rate  # every leaf hash and (about) every interior node hash, raw
    print(
        f"  full verify of {n:,} leaves: {f['verify_s']:.1f}s ({f['verify_leaves_per_s']:,.0f} leaves/s; "
        f"raw hashlib for the same hashes: {raw_verify:.1f}s, ratio {f['verify_s'] / raw_verify:.1f}×)"
    )
    if n < 10_000_000:
        scale = 10_000_000 / n
        print(f"  linear extrapolation to 10,000,000 leaves: verify ≈ {f['verify_s'] * scale:.0f}s (not measured)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--appends", type=int, default=5000, help="events appended through record_event")
    parser.add_argument("--leaves", type=int, default=1_000_000, help="large-tree size for proofs and verify")
    parser.add_argument("--large-on", default="sqlite", help="backends that build the large tree")
    parser.add_argument("--reuse", action="store_true", help="proofs and verify on the last run's tree")
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        figures = run_backend(args.child, args.appends, args.leaves, args.reuse)
        print("FIGURES " + json.dumps(figures))
        return
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    for backend in args.backends.split(","):
        leaves = args.leaves if backend in args.large_on.split(",") else 0
        cmd = [sys.executable, __file__, "--child", backend, "--appends", str(args.appends), "--leaves", str(leaves)]
        cmd += ["--reuse"] if args.reuse else []
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
        lines = proc.stdout.splitlines()
        for line in lines:
            if line.startswith("    …"):
                print(line)
        figures_line = next((line for line in lines if line.startswith("FIGURES ")), None)
        if proc.returncode != 0 or figures_line is None:
            print(f"\n== {backend}: failed\n{proc.stderr[-3000:]}")
            continue
        report(backend, json.loads(figures_line.removeprefix("FIGURES ")))


if __name__ == "__main__":
    main()
