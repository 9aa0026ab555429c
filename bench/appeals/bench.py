"""Appeals benchmark: prints figures (it is not a timed test). PostgreSQL only, on a throw-away database.

    .venv/bin/python bench/appeals/bench.py                      # Deyang scale: 5 M appeals over five years
    .venv/bin/python bench/appeals/bench.py --appeals 500000     # a quicker run (the figures say what N was run)

Phases (each in its own process):
  setup      migrate, seed the whole Deyang territory and the demo people, the category catalog; an API token for
             the street official (旌阳街道) and the county authority (旌阳区);
  recent     generate the most recent year (1/5 of N) of appeals and their timeline events by COPY, newest open,
             older closed, and build the AppealStat rollups the services keep incrementally (INSERT … SELECT);
  dashboard  the county dashboard (GET /api/v1/appeals/stats for the last 365 days, by category) through the
             Django test client — measured here with one year of history …
  history    … then the four older years (4/5 of N) are generated the same way …
  dashboard  … and measured again: the figure must not grow with history (rollups, not scans);
  http       gunicorn on 127.0.0.1 (4 sync workers) and `wrk` (or a Python client when wrk is missing) at 32
             connections: the staff queue API of one street (GET /api/v1/appeals/queue, bearer token) beside a bare
             Django view running one indexed list-20 query on the same table (same filter, same order) in the same
             run; p50/p99 and req/s of each, and the ratio;
  intake     appeals/s through the intake service `appeal_submit` (portal channel, contact mobile encrypted,
             deadline from the working calendar, ledger event, rollup) — one process, then two in parallel.
Database: GONGZHI_PG_URL (default postgres://postgres@127.0.0.1:5432/) + gongzhi_bench_appeals, dropped first.
"""

import argparse
import io
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PG_URL = os.environ.get("GONGZHI_PG_URL", "postgres://postgres@127.0.0.1:5432/")
DB = "gongzhi_bench_appeals"
WORK = Path(os.environ.get("BENCH_DIR", "/tmp/gongzhi-bench-appeals"))  # noqa: S108 — throw-away files
TOKENS = WORK / "tokens.json"
PORT = int(os.environ.get("BENCH_PORT", "8733"))
STREET = "510603001000"  # 旌阳街道, the street official's street
COUNTY = "510603000000"
OPEN = ("received", "dispatched", "disputed", "returned", "handling")
YEAR = timedelta(days=365)


def setup_django(fresh: bool = False) -> None:
    if fresh:
        import psycopg

        with psycopg.connect(PG_URL + "postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DB}")
            conn.execute(f"CREATE DATABASE {DB}")
    os.environ["GONGZHI_DATABASE_URL"] = PG_URL + DB
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.config.settings.test")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def phase_setup() -> dict[str, Any]:
    setup_django(fresh=True)
    from django.core.management import call_command

    from gongzhi.appeals.services import catalog_load_default
    from gongzhi.people.demo import seed_people
    from gongzhi.people.models import User
    from gongzhi.people.services import api_token_create
    from gongzhi.territory.demo import seed_territory
    from gongzhi.territory.models import Division

    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    seed_territory()
    seed_people()
    catalog_load_default()
    WORK.mkdir(parents=True, exist_ok=True)
    tokens = {}
    for username in ("street_official", "county_authority"):
        _token, raw = api_token_create(actor=User.objects.get(username=username), name="bench", days=30)
        tokens[username] = raw
    TOKENS.write_text(json.dumps(tokens))
    return {
        "communities": Division.objects.filter(level="community").count(),
        "seconds": round(time.perf_counter() - start, 1),
    }


# ---- generation ---------------------------------------------------------------------------------------------------


def _tsv(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def phase_generate(n: int, part: str) -> dict[str, Any]:
    """COPY `n` appeals (and their events) accepted in the last year (`recent`) or the four years before (`history`)."""
    setup_django()
    from django.db import connection
    from django.utils import timezone

    from gongzhi.appeals.models import Appeal, AppealEvent, AppealStat, Category, DeadlineRuleSet
    from gongzhi.people.models import Unit
    from gongzhi.routing.corpus import seed_examples
    from gongzhi.territory.models import Division

    rng = random.Random(14 if part == "recent" else 41)
    texts = [e.text for e in seed_examples()]
    parents = set(Category.objects.exclude(parent=None).values_list("parent_id", flat=True))
    categories = [c.pk for c in Category.objects.all() if c.pk not in parents]
    communities = list(Division.objects.filter(level="community").values_list("pk", "path"))
    departments: dict[str, list[int]] = {}
    for unit_id, path in Unit.objects.filter(kind=Unit.Kind.DEPARTMENT).values_list("pk", "scope_path"):
        departments.setdefault(path[:6], []).append(unit_id)
    rule_set = DeadlineRuleSet.objects.order_by("-effective_from").first()
    assert rule_set is not None
    now = timezone.now()
    newest, oldest = (now, now - YEAR) if part == "recent" else (now - YEAR, now - 5 * YEAR)
    span = (newest - oldest).total_seconds()
    appeal_fields = [f for f in Appeal._meta.concrete_fields]
    event_fields = [f for f in AppealEvent._meta.concrete_fields]
    with connection.cursor() as cur:
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM appeals_appeal")
        first_id = cur.fetchone()[0] + 1
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM appeals_appealevent")
        event_id = cur.fetchone()[0] + 1

    def defaults(fields: list[Any]) -> dict[str, Any]:
        out = {}
        for f in fields:
            if f.has_default():
                out[f.attname] = f.get_default()
            elif f.null:
                out[f.attname] = None
            else:
                out[f.attname] = ""
        return out

    appeal_defaults, event_defaults = defaults(appeal_fields), defaults(event_fields)
    a_index = {f.attname: i for i, f in enumerate(appeal_fields)}
    e_index = {f.attname: i for i, f in enumerate(event_fields)}
    a_base = [_tsv(appeal_defaults[f.attname]) for f in appeal_fields]
    e_base = [_tsv(event_defaults[f.attname]) for f in event_fields]
    types = ["complaint"] * 4 + ["help"] * 3 + ["consult"] * 2 + ["suggestion", "report", "praise"]
    start = time.perf_counter()
    appeals_written = events_written = 0
    batch = 20_000
    conn = connection.connection
    assert conn is not None
    a_cols = ", ".join(f.column for f in appeal_fields)
    e_cols = ", ".join(f.column for f in event_fields)
    raw = conn  # psycopg connection under Django's
    with raw.cursor() as cur:
        # timestamps in increasing order, so ids follow time as they do in production
        moments = sorted(rng.random() for _ in range(n))
        for chunk_start in range(0, n, batch):
            a_buf, e_buf = io.StringIO(), io.StringIO()
            for i in range(chunk_start, min(n, chunk_start + batch)):
                pk = first_id + i
                accepted = oldest + timedelta(seconds=moments[i] * span)
                age = (now - accepted).days
                community_id, path = communities[rng.randrange(len(communities))]
                kind = types[rng.randrange(len(types))]
                days = 3 if kind == "consult" else 15 if kind in ("complaint", "report") else 7
                due = accepted + timedelta(days=days * 7 // 5 + 1)
                text = texts[rng.randrange(len(texts))]
                if age > 30:
                    status = "archived" if age > 365 else "closed"
                else:
                    status = rng.choice(("received", "dispatched", "handling", "handling", "replied", "closed"))
                unit = None if status == "received" else rng.choice(departments.get(path[:6], [None]))  # type: ignore[list-item]
                dispatched = accepted + timedelta(hours=2) if status != "received" else None
                signed = accepted + timedelta(hours=20) if status not in ("received", "dispatched") else None
                replied = accepted + timedelta(days=days - 1) if status in ("replied", "closed", "archived") else None
                closed = accepted + timedelta(days=days + 1) if status in ("closed", "archived") else None
                row = a_base.copy()
                for name, value in (
                    ("id", pk),
                    ("number", f"DY{accepted.year}{pk:08d}"),
                    ("pickup_hash", f"{pk:064x}"),
                    ("appeal_type", kind),
                    ("category_id", categories[rng.randrange(len(categories))]),
                    ("title", text[:20]),
                    ("text", text),
                    ("place_id", community_id),
                    ("scope_path", path),
                    ("county_path", path[:6]),
                    ("street_path", path[:9]),
                    ("community_path", path[:12]),
                    ("channel", "12345"),
                    ("status", status),
                    ("rule_set_id", rule_set.pk),
                    ("accepted_at", accepted),
                    ("signoff_due_at", accepted + timedelta(days=1) if dispatched else None),
                    ("warn_at", accepted + (due - accepted) * 0.8),
                    ("due_at", due),
                    ("handling_unit_id", unit),
                    ("dispatched_at", dispatched),
                    ("signed_at", signed),
                    ("signed_on_time", True if signed else None),
                    ("replied_at", replied),
                    ("replied_on_time", True if replied else None),
                    ("reply", "已处理并电话答复诉求人。" if replied else ""),
                    ("satisfaction", rng.choice((3, 4, 5, 5, 5)) if closed else None),
                    ("solved", True if closed else None),
                    ("closed_at", closed),
                    ("created_at", accepted),
                ):
                    index = a_index.get(name)
                    if index is not None:
                        row[index] = _tsv(value)
                a_buf.write("\t".join(row) + "\n")
                for event_kind, at in (
                    ("accepted", accepted),
                    ("dispatched", dispatched),
                    ("signed", signed),
                    ("replied", replied),
                    ("closed", closed),
                ):
                    if at is None:
                        continue
                    ev = e_base.copy()
                    ev[e_index["id"]] = str(event_id)
                    ev[e_index["appeal_id"]] = str(pk)
                    ev[e_index["kind"]] = event_kind
                    ev[e_index["at"]] = at.isoformat()
                    ev[e_index["actor_label"]] = "bench"
                    ev[e_index["unit_id"]] = _tsv(None if event_kind == "accepted" else unit)
                    ev[e_index["data"]] = "{}"
                    e_buf.write("\t".join(ev) + "\n")
                    event_id += 1
                    events_written += 1
                appeals_written += 1
            with cur.copy(f"COPY appeals_appeal ({a_cols}) FROM STDIN") as copy:
                copy.write(a_buf.getvalue())
            with cur.copy(f"COPY appeals_appealevent ({e_cols}) FROM STDIN") as copy:
                copy.write(e_buf.getvalue())
            conn.commit()
        copy_seconds = time.perf_counter() - start
        # the rollups the services keep incrementally, built once in bulk for the generated rows
        rollup_start = time.perf_counter()
        cur.execute(
            """
            INSERT INTO appeals_appealstat (day, appeal_type, category_id, county_path, street_path, unit_id, unit_key,
                received, dispatched, signed, signed_on_time, replied, replied_on_time, closed, satisfaction_sum,
                satisfaction_count, solved, overdue, excluded)
            SELECT (accepted_at AT TIME ZONE 'Asia/Shanghai')::date, appeal_type, category_id, substr(scope_path, 1, 6),
                substr(scope_path, 1, 9), handling_unit_id, COALESCE(handling_unit_id, 0), count(*),
                count(dispatched_at), count(signed_at), count(*) FILTER (WHERE signed_on_time), count(replied_at),
                count(*) FILTER (WHERE replied_on_time), count(closed_at), COALESCE(sum(satisfaction), 0),
                count(satisfaction), count(*) FILTER (WHERE solved), count(*) FILTER (WHERE overdue), 0
            FROM appeals_appeal WHERE id >= %s
            GROUP BY 1, 2, 3, 4, 5, 6, 7
            ON CONFLICT (day, appeal_type, category_id, street_path, unit_key) DO UPDATE SET
                received = appeals_appealstat.received + EXCLUDED.received,
                dispatched = appeals_appealstat.dispatched + EXCLUDED.dispatched,
                signed = appeals_appealstat.signed + EXCLUDED.signed,
                signed_on_time = appeals_appealstat.signed_on_time + EXCLUDED.signed_on_time,
                replied = appeals_appealstat.replied + EXCLUDED.replied,
                replied_on_time = appeals_appealstat.replied_on_time + EXCLUDED.replied_on_time,
                closed = appeals_appealstat.closed + EXCLUDED.closed,
                satisfaction_sum = appeals_appealstat.satisfaction_sum + EXCLUDED.satisfaction_sum,
                satisfaction_count = appeals_appealstat.satisfaction_count + EXCLUDED.satisfaction_count,
                solved = appeals_appealstat.solved + EXCLUDED.solved,
                overdue = appeals_appealstat.overdue + EXCLUDED.overdue
            """,
            [first_id],
        )
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('appeals_appeal', 'id'), (SELECT max(id) FROM appeals_appeal))"
        )
        for table in ("appeals_appealevent", "appeals_appealstat"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608
        conn.commit()
        rollup_seconds = time.perf_counter() - rollup_start
        cur.execute("ANALYZE appeals_appeal")
        cur.execute("ANALYZE appeals_appealevent")
        cur.execute("ANALYZE appeals_appealstat")
        conn.commit()
    return {
        "part": part,
        "appeals": appeals_written,
        "events": events_written,
        "copy_seconds": round(copy_seconds, 1),
        "appeals_per_s": round(appeals_written / copy_seconds),
        "rows_per_s": round((appeals_written + events_written) / copy_seconds),
        "rollup_seconds": round(rollup_seconds, 1),
        "total_appeals": Appeal.objects.order_by("-id").values_list("id", flat=True).first(),
        "stat_rows": AppealStat.objects.count(),
    }


# ---- measurements -------------------------------------------------------------------------------------------------


def phase_dashboard() -> dict[str, Any]:
    setup_django()
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    token = json.loads(TOKENS.read_text())["county_authority"]
    client = Client(headers={"Authorization": f"Bearer {token}"})
    urls = [f"/api/v1/appeals/stats?by={by}" for by in ("category", "type", "street", "unit")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
    timings = []
    for i in range(100):
        start = time.perf_counter()
        response = client.get(urls[i % len(urls)])
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    from gongzhi.appeals.models import Appeal, AppealStat

    return {
        "appeals_in_db": Appeal.objects.order_by("-id").values_list("id", flat=True).first(),
        "stat_rows": AppealStat.objects.count(),
        "p50_ms": round(statistics.median(timings), 1),
        "p99_ms": round(timings[int(len(timings) * 0.99) - 1], 1),
    }


def _wrk(url: str, headers: dict[str, str], seconds: int) -> dict[str, float]:
    command = ["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency"]
    for k, v in headers.items():
        command += ["-H", f"{k}: {v}"]
    out = subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout
    result: dict[str, float] = {}
    for line in out.splitlines():
        parts = line.split()
        if line.strip().startswith(("50%", "99%")):
            value = parts[1]
            ms = (
                float(value[:-2])
                if value.endswith("ms")
                else float(value[:-2]) / 1000
                if value.endswith("us")
                else float(value[:-1]) * 1000
            )
            result["p50_ms" if parts[0] == "50%" else "p99_ms"] = round(ms, 2)
        elif line.startswith("Requests/sec:"):
            result["req_per_s"] = round(float(parts[1]), 1)
        elif "Non-2xx" in line:
            result["non_2xx"] = float(parts[-1])
    return result


def _python_load(url: str, headers: dict[str, str], seconds: int) -> dict[str, float]:
    import http.client
    import threading
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    timings: list[float] = []
    errors = [0]
    stop = time.perf_counter() + seconds
    lock = threading.Lock()

    def worker() -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        while time.perf_counter() < stop:
            start = time.perf_counter()
            conn.request("GET", f"{parts.path}?{parts.query}", headers=headers)
            response = conn.getresponse()
            response.read()
            with lock:
                timings.append((time.perf_counter() - start) * 1000)
                if response.status != 200:
                    errors[0] += 1
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)

    threads = [threading.Thread(target=worker) for _ in range(32)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    timings.sort()
    return {
        "p50_ms": round(statistics.median(timings), 2),
        "p99_ms": round(timings[int(len(timings) * 0.99) - 1], 2),
        "req_per_s": round(len(timings) / (time.perf_counter() - began), 1),
        "non_2xx": errors[0],
    }


def phase_http(seconds: int) -> dict[str, Any]:
    token = json.loads(TOKENS.read_text())["street_official"]
    env = dict(os.environ)
    env.update(
        GONGZHI_DATABASE_URL=PG_URL + DB,
        DJANGO_SETTINGS_MODULE="bench_settings",
        PYTHONPATH=f"{HERE}{os.pathsep}{ROOT / 'src'}",
    )
    gunicorn = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "bench_wsgi:application",
        "--bind",
        f"127.0.0.1:{PORT}",
        "--workers",
        "4",
        "--access-logfile",
        "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null",
    ]
    log = (WORK / "gunicorn.log").open("w")
    server = subprocess.Popen(gunicorn, env=env, cwd=HERE, stdout=log, stderr=log)
    try:
        import urllib.request

        base = f"http://127.0.0.1:{PORT}"
        queue_url = f"{base}/api/v1/appeals/queue?limit=20"
        bare_url = f"{base}/bench/bare?street={STREET[:9]}"
        auth = {"Authorization": f"Bearer {token}"}
        for _ in range(100):
            try:
                urllib.request.urlopen(bare_url, timeout=2).read()  # noqa: S310 — our own local server
                break
            except OSError:
                time.sleep(0.3)
        check = urllib.request.Request(queue_url, headers=auth)  # noqa: S310
        cold = time.perf_counter()
        body = json.loads(urllib.request.urlopen(check, timeout=120).read())  # noqa: S310
        cold_ms = (time.perf_counter() - cold) * 1000
        for _ in range(8):  # every worker answers once before measuring (first API request per process is slow)
            urllib.request.urlopen(check, timeout=120).read()  # noqa: S310
        bare_body = json.loads(urllib.request.urlopen(bare_url, timeout=10).read())  # noqa: S310
        assert body["items"], "no open appeals in the street: generate more"
        assert [i["number"] for i in body["items"]] == [i["number"] for i in bare_body["items"]]
        load = _wrk if shutil.which("wrk") else _python_load
        results = {}
        for name, url, headers in (("bare", bare_url, {}), ("queue", queue_url, auth), ("bare_again", bare_url, {})):
            load(url, headers, 3)  # warm-up
            results[name] = load(url, headers, seconds)
        results["first_queue_request_ms"] = round(cold_ms)
        results["client"] = {"tool": "wrk" if load is _wrk else "python threads", "connections": 32, "seconds": seconds}
        return results
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def phase_intake(count: int, workers: int) -> dict[str, Any]:
    if workers > 1:
        command = [sys.executable, __file__, "--phase", "intake", "--intake", str(count // workers), "--workers", "1"]
        start = time.perf_counter()
        procs = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(workers)]
        outs = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
        elapsed = time.perf_counter() - start
        total = sum(o["appeals"] for o in outs)
        return {"workers": workers, "appeals": total, "appeals_per_s": round(total / elapsed, 1), "per_process": outs}
    setup_django()
    from gongzhi.appeals.services import Contact, appeal_submit
    from gongzhi.core.actors import SYSTEM
    from gongzhi.routing.corpus import seed_examples
    from gongzhi.territory.models import Division

    rng = random.Random(os.getpid())
    examples = list(seed_examples())
    places = list(Division.objects.filter(level="community", path__startswith="510603").values_list("code", flat=True))
    start = time.perf_counter()
    for i in range(count):
        e = examples[rng.randrange(len(examples))]
        appeal_submit(
            actor=SYSTEM,
            channel="open311",
            appeal_type=e.type,
            category=e.category,
            place=places[rng.randrange(len(places))],
            text=e.text,
            contact=Contact(name="张三", mobile=f"139{rng.randrange(10**8):08d}"),
            idempotency_key=f"bench-{os.getpid()}-{i}",
            idempotency_owner="bench",
        )
    elapsed = time.perf_counter() - start
    return {"workers": 1, "appeals": count, "seconds": round(elapsed, 1), "appeals_per_s": round(count / elapsed, 1)}


def run_phase(name: str, *extra: str) -> dict[str, Any]:
    command = [sys.executable, __file__, "--phase", name, *extra]
    print(f"== {name} {' '.join(extra)}", flush=True)
    output = subprocess.run(command, check=True, text=True, stdout=subprocess.PIPE).stdout
    lines = output.strip().splitlines()
    for line in lines[:-1]:
        print(line)
    result: dict[str, Any] = json.loads(lines[-1])
    print(json.dumps(result, ensure_ascii=False, indent=1), flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--appeals", type=int, default=5_000_000)
    parser.add_argument("--seconds", type=int, default=20, help="load duration per endpoint")
    parser.add_argument("--intake", type=int, default=2000, help="appeals submitted through the intake service")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--phase", default="")
    parser.add_argument("--part", default="recent")
    args = parser.parse_args()
    if args.phase:
        phases = {
            "setup": phase_setup,
            "generate": lambda: phase_generate(args.appeals, args.part),
            "dashboard": phase_dashboard,
            "http": lambda: phase_http(args.seconds),
            "intake": lambda: phase_intake(args.intake, args.workers),
        }
        print(json.dumps(phases[args.phase](), default=str))
        return
    recent_n = args.appeals // 5
    history_n = args.appeals - recent_n
    started = time.perf_counter()
    setup = run_phase("setup")
    recent = run_phase("generate", "--appeals", str(recent_n), "--part", "recent")
    dash_1 = run_phase("dashboard")
    history = run_phase("generate", "--appeals", str(history_n), "--part", "history")
    dash_5 = run_phase("dashboard")
    http = run_phase("http", "--seconds", str(args.seconds))
    intake_1 = run_phase("intake", "--intake", str(args.intake // 2), "--workers", "1")
    intake_2 = run_phase("intake", "--intake", str(args.intake), "--workers", str(args.workers))
    gen_rows = recent["appeals"] + history["appeals"] + recent["events"] + history["events"]
    gen_seconds = recent["copy_seconds"] + history["copy_seconds"]
    q, bare = http["queue"], http["bare"]
    print("\n== summary")
    print(
        f"appeals run       {recent['appeals'] + history['appeals']:>12,} (asked {args.appeals:,}) in "
        f"{setup['communities']:,} communities; events {recent['events'] + history['events']:,}"
    )
    print(
        f"generation        {gen_rows / gen_seconds:>12,.0f} rows/s by COPY "
        f"({(recent['appeals'] + history['appeals']) / gen_seconds:,.0f} appeals/s with their events)"
    )
    print(
        f"dashboard (1 y)   p50 {dash_1['p50_ms']:.1f} ms p99 {dash_1['p99_ms']:.1f} ms at {dash_1['appeals_in_db']:,} "
        f"appeals; (5 y) p50 {dash_5['p50_ms']:.1f} ms p99 {dash_5['p99_ms']:.1f} ms at {dash_5['appeals_in_db']:,} "
        f"(target < 100 ms, flat)"
    )
    print(
        f"bare list-20      {bare['req_per_s']:>9,.0f} req/s p50 {bare['p50_ms']:.1f} ms p99 {bare['p99_ms']:.1f} ms "
        f"(again after the queue: {http['bare_again']['req_per_s']:,.0f} req/s)"
    )
    print(
        f"staff queue API   {q['req_per_s']:>9,.0f} req/s p50 {q['p50_ms']:.1f} ms p99 {q['p99_ms']:.1f} ms "
        f"= {q['req_per_s'] / bare['req_per_s']:.0%} of bare (target >= 60 %, p99 < 50 ms)"
    )
    print(
        f"intake            {intake_1['appeals_per_s']:>9,.1f} appeals/s in one process, "
        f"{intake_2['appeals_per_s']:,.1f} in {intake_2['workers']} (target >= 200)"
    )
    print(f"total             {time.perf_counter() - started:,.0f} s")


if __name__ == "__main__":
    main()
