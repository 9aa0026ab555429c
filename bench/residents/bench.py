"""Residents benchmark: prints figures (it is not a timed test). PostgreSQL only, on a throw-away database.

    .venv/bin/python bench/residents/bench.py                               # Deyang scale: 3.5 M residents
    .venv/bin/python bench/residents/bench.py --residents 200000 --xlsx 50000   # a quicker run

Phases (each in its own process, so peak memory is the phase's own):
  generate  synthetic Deyang residents (valid ID numbers of 5106xx area codes, unique; households of 1–5 people in
            every community of the seeded territory; special groups) into a CSV, and a separate .xlsx;
  copy      raw PostgreSQL COPY of the same CSV rows into a plain table of text columns — the baseline;
  upsert    the normal import path (gongzhi.jobs runner + residents importer: parse, GB 11643 check, mobile check,
            AES-GCM of ID/phone/address/groups, HMAC blind index, upsert by blind index) on the first --upsert-rows
            rows of the CSV into empty tables, skip-bad-rows mode (a transaction per 2,000-row batch); RSS sampled
            at every batch; CPU per row of the import process, its workers and the PostgreSQL backend;
  import    the whole CSV in the first-load mode (same pipeline; indexes and foreign keys dropped for the load and
            rebuilt and validated after, all-or-nothing) into the emptied tables;
  xlsx      the normal path from the .xlsx file (Excel's shared-strings layout): new residents into the full table;
  lookup    exact lookup by ID number through the blind index at full size (p50/p95/p99 of 1,000);
  page      the community worker's resident list page through the Django test client (p50/p95 of 200 requests,
            with filters and pages), and the page's lookup by ID number (POST → redirect; p50/p95 of 200).
Database: GONGZHI_PG_URL (default postgres://postgres@127.0.0.1:5432/) + BENCH_DB (default gongzhi_bench_residents),
dropped first; files in BENCH_DIR (default /tmp/gongzhi-bench-residents).
"""

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("GONGZHI_PG_URL", "postgres://postgres@127.0.0.1:5432/")
DB = os.environ.get("BENCH_DB", "gongzhi_bench_residents")
WORK = Path(os.environ.get("BENCH_DIR", "/tmp/gongzhi-bench-residents"))  # noqa: S108 — throw-away files
CSV_FILE = WORK / "residents.csv"
XLSX_FILE = WORK / "residents.xlsx"
SAMPLE_FILE = WORK / "sample.json"


def rss_mb() -> tuple[float, float]:
    """(current RSS, peak RSS) of this process in MB, from /proc."""
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            key, amount = line.split(":")
            values[key] = int(amount.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


def setup_django(fresh: bool) -> None:
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

    from gongzhi.people.demo import seed_people
    from gongzhi.territory.demo import seed_territory

    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    seed_territory()
    seed_people()
    from gongzhi.territory.models import Division

    return {"communities": Division.objects.filter(level="community").count(), "seconds": time.perf_counter() - start}


class UniqueIds:
    """Valid, unique ID numbers: the 3-digit sequence counts up per (area, birth date, sex)."""

    def __init__(self) -> None:
        self.counters: dict[tuple[str, date, str], int] = {}

    def make(self, rng: random.Random, birth: date, sex: str) -> str:
        from gongzhi.residents.fake import DEYANG_AREAS
        from gongzhi.residents.identity import check_digit

        area = rng.choice(DEYANG_AREAS)
        key = (area, birth, sex)
        n = self.counters.get(key, 0)
        self.counters[key] = n + 1
        seq = n * 2 + (1 if sex == "M" else 0)
        first = f"{area}{birth:%Y%m%d}{seq:03d}"
        return first + check_digit(first)


def phase_generate(residents: int, xlsx_rows: int) -> dict[str, Any]:
    setup_django(fresh=False)
    from gongzhi.residents import fake
    from gongzhi.residents.identity import parse_id
    from gongzhi.residents.importer import COLUMNS
    from gongzhi.territory.models import Division, ResidentialComplex

    WORK.mkdir(parents=True, exist_ok=True)
    rng = random.Random(5106)
    ids = UniqueIds()
    today = date.today()
    communities = list(Division.objects.filter(level="community", is_active=True).order_by("path"))
    grids: dict[int, list[Any]] = {}
    for g in Division.objects.filter(level="grid", is_active=True).order_by("path"):
        grids.setdefault(g.parent_id or 0, []).append(g)
    complexes: dict[str, list[Any]] = {}
    for c in ResidentialComplex.objects.prefetch_related("buildings"):
        complexes.setdefault(c.scope_path[:12], []).append((c, [b.number for b in c.buildings.all()]))
    keys = [c.key for c in COLUMNS]

    def people() -> Any:
        serial = 0
        while True:
            for community in communities:
                serial += 1
                options = complexes.get(community.path, [])
                complex, buildings = rng.choice(options) if options and rng.random() < 0.7 else (None, [])
                grid_list = grids.get(community.pk, [])
                grid = next((g for g in grid_list if complex and complex.scope_path == g.path), None)
                if grid is None and grid_list:
                    grid = rng.choice(grid_list)
                for row in fake.household_rows(
                    rng,
                    household_no=f"B{serial:08d}",
                    community_code=community.code,
                    grid_code=grid.code if grid else "",
                    complex_code=complex.code if complex else "",
                    building=rng.choice(buildings) if buildings else "",
                    today=today,
                ):
                    parsed = parse_id(row["id_number"])
                    row["id_number"] = ids.make(rng, parsed.birth_date, parsed.sex)
                    yield row

    start = time.perf_counter()
    stream = people()
    sample: list[str] = []
    households = set()
    with CSV_FILE.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.header for c in COLUMNS])
        for n in range(residents):
            row = next(stream)
            households.add(row["household_no"])
            if len(sample) < 1000:
                sample.append(row["id_number"])
            elif rng.random() < 1000 / (n + 1):
                sample[rng.randrange(1000)] = row["id_number"]
            writer.writerow([row.get(k, "") for k in keys])
    csv_seconds = time.perf_counter() - start
    household_count = len(households)
    del households
    SAMPLE_FILE.write_text(json.dumps(sample))
    start = time.perf_counter()
    # As Excel writes it: every text cell in the shared-strings table (openpyxl writes inline strings, which hides
    # the cost of that table when reading).
    from gongzhi.residents.tests.xlsx_shared import write_shared_xlsx

    def xlsx_rows_() -> Any:
        yield [c.header for c in COLUMNS]
        for _n in range(xlsx_rows):
            row = next(stream)
            yield [row.get(k, "") for k in keys]

    write_shared_xlsx(XLSX_FILE, xlsx_rows_())
    return {
        "residents": residents,
        "households": household_count,
        "csv_mb": CSV_FILE.stat().st_size / 1e6,
        "csv_seconds": csv_seconds,
        "xlsx_rows": xlsx_rows,
        "xlsx_mb": XLSX_FILE.stat().st_size / 1e6,
        "xlsx_seconds": time.perf_counter() - start,
    }


def phase_copy() -> dict[str, Any]:
    import psycopg

    from_columns = 16
    with psycopg.connect(PG_URL + DB, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_raw_copy")
        conn.execute(f"CREATE TABLE bench_raw_copy ({', '.join(f'c{i} text' for i in range(from_columns))})")
        start = time.perf_counter()
        statement = "COPY bench_raw_copy FROM STDIN WITH (FORMAT csv, HEADER true)"
        with conn.cursor() as cur, cur.copy(statement) as copy, CSV_FILE.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        seconds = time.perf_counter() - start
        rows = conn.execute("SELECT count(*) FROM bench_raw_copy").fetchone()[0]  # type: ignore[index]
        conn.execute("DROP TABLE bench_raw_copy")
    return {"rows": rows, "seconds": seconds, "rows_per_s": rows / seconds}


def backend_cpu_seconds(pid: int) -> float:
    """User + system CPU of a PostgreSQL backend, from /proc (the server runs on this machine)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> tuple[float, float]:
    """(this process, its reaped children: the import's worker pool) user + system CPU seconds."""
    import resource

    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def head_csv(rows: int) -> Path:
    """The first `rows` data rows of the bench CSV, as their own file (the upsert phase's input)."""
    target = WORK / f"residents-head-{rows}.csv"
    if not target.exists():
        with CSV_FILE.open("rb") as source, target.open("wb") as out:
            for n, line in enumerate(source):
                if n > rows:
                    break
                out.write(line)
    return target


def phase_import(path: Path, mode: str = "skip", empty_first: bool = False) -> dict[str, Any]:
    setup_django(fresh=False)
    from django.conf import settings
    from django.db import connection

    settings.GONGZHI_IMPORT_MAX_BYTES = 4 * 1024**3  # the whole city in one file (the page's limit is 400 MB)
    from gongzhi.core.actors import SYSTEM
    from gongzhi.jobs.models import ImportJob
    from gongzhi.jobs.services import import_run, import_submit
    from gongzhi.residents.models import GroupFlag, Household, Resident

    if empty_first:  # this bench's own throw-away database: back to empty tables for the next measurement
        with connection.cursor() as cursor:
            tables = ", ".join(m._meta.db_table for m in (GroupFlag, Resident, Household))
            cursor.execute(f"TRUNCATE {tables} CASCADE")
    samples: list[tuple[int, float]] = []
    started = time.perf_counter()

    last_batch = [0.0]

    def progress(job: ImportJob, fraction: float) -> None:
        last_batch[0] = time.perf_counter()
        samples.append((job.rows_read, rss_mb()[0]))
        if len(samples) % 100 == 0:
            rate = job.rows_read / (time.perf_counter() - started)
            print(f"  {fraction:4.0%} {job.rows_read:>9,} rows {rate:>8,.0f}/s rss {samples[-1][1]:.0f} MB", flush=True)

    with path.open("rb") as handle:
        job = import_submit(
            actor=SYSTEM, importer_key="residents", upload=handle, filename=path.name, mode=mode, enqueue=False
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    backend_before, (me_before, kids_before) = backend_cpu_seconds(backend), own_cpu_seconds()
    start = time.perf_counter()
    job = import_run(job_id=job.pk, progress=progress)
    seconds = time.perf_counter() - start
    backend_cpu, (me_cpu, kids_cpu) = backend_cpu_seconds(backend) - backend_before, own_cpu_seconds()
    me_cpu, kids_cpu = me_cpu - me_before, kids_cpu - kids_before
    rows = max(job.rows_read, 1)
    marks = {}
    for pct in (10, 25, 50, 75, 100):
        index = max(0, min(len(samples) - 1, len(samples) * pct // 100 - 1))
        marks[f"rss_mb_at_{pct}pct"] = round(samples[index][1]) if samples else None
    return {
        "file": path.name,
        "mode": mode,
        "status": job.status,
        "message": job.message,
        "rows": job.rows_read,
        "created": job.created,
        "updated": job.updated,
        "error_rows": job.error_rows,
        "residents_in_db": Resident.objects.count(),
        "households_in_db": Household.objects.count(),
        "seconds": seconds,
        "rows_per_s": job.rows_read / seconds,
        # After the last batch: the first-load mode's duplicate check, index rebuild and foreign-key validation.
        "seconds_after_last_batch": time.perf_counter() - last_batch[0] if last_batch[0] else None,
        "cpu_us_per_row": {
            "postgres_backend": round(backend_cpu / rows * 1e6, 1),
            "import_process": round(me_cpu / rows * 1e6, 1),
            "workers": round(kids_cpu / rows * 1e6, 1),
        },
        "peak_rss_mb": rss_mb()[1],
        **marks,
    }


class Viewer:
    """A community worker with a grant at the city node: the lookup goes through the normal policy filter."""

    is_authenticated = True
    pk = 0

    def active_grants(self) -> Any:
        from gongzhi.core.policy import Grant

        return (Grant(role="community_worker", path="5106", division_id=0),)


def phase_lookup() -> dict[str, Any]:
    setup_django(fresh=False)
    from django.db import connection

    from gongzhi.residents.selectors import resident_by_id_number

    sample = json.loads(SAMPLE_FILE.read_text())
    viewer = Viewer()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timings = []
    for id_number in sample:
        start = time.perf_counter()
        resident = resident_by_id_number(viewer=viewer, id_number=id_number)
        timings.append((time.perf_counter() - start) * 1000)
        assert resident.id_masked.endswith(id_number[-4:])
    timings.sort()
    from gongzhi.residents.models import Resident

    return {
        "residents_in_db": Resident.objects.count(),
        "lookups": len(timings),
        "p50_ms": statistics.median(timings),
        "p95_ms": timings[int(len(timings) * 0.95)],
        "p99_ms": timings[int(len(timings) * 0.99)],
    }


def phase_page() -> dict[str, Any]:
    setup_django(fresh=False)
    from django.conf import settings
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from gongzhi.people.models import User
    from gongzhi.residents.models import Resident
    from gongzhi.territory.models import ResidentialComplex

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    user = User.objects.get(username="worker")
    community = user.role_assignments.get().division
    client = Client()
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    grid = community.children.order_by("path").first()
    complex = ResidentialComplex.objects.filter(scope_path__startswith=community.path).first()
    urls = ["/residents/", "/residents/?page=2", "/residents/?page=5", "/residents/?group=elderly"]
    urls += ["/residents/?group=elderly_alone", "/residents/?q=王"]
    if grid is not None:
        urls.append(f"/residents/?under={grid.path}")
    if complex is not None:
        urls.append(f"/residents/?complex={complex.code}")
    for url in urls:
        assert client.get(url).status_code == 200, url
    timings = []
    for i in range(200):
        start = time.perf_counter()
        response = client.get(urls[i % len(urls)])
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    timings.sort()
    # The page's lookup by ID number (POST, answered with a redirect to the record), for residents of the worker's
    # community (decrypted here, in the bench only, to have numbers to type).
    from gongzhi.residents import vault

    numbers = [
        vault.decrypt("id_number", blob)
        for blob in Resident.objects.filter(scope_path__startswith=community.path).values_list("id_enc", flat=True)[
            :200
        ]
    ]
    lookups = []
    for number in numbers:
        start = time.perf_counter()
        response = client.post("/residents/lookup/", {"id_number": number})
        lookups.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 302 and "/residents/r/" in response["Location"], response["Location"]
    lookups.sort()
    return {
        "community_residents": Resident.objects.filter(scope_path__startswith=community.path).count(),
        "requests": len(timings),
        "p50_ms": statistics.median(timings),
        "p95_ms": timings[int(len(timings) * 0.95)],
        "http_lookups": len(lookups),
        "http_lookup_p50_ms": statistics.median(lookups),
        "http_lookup_p95_ms": lookups[int(len(lookups) * 0.95)],
    }


def run_phase(name: str, *extra: str) -> dict[str, Any]:
    command = [sys.executable, __file__, "--phase", name, *extra]
    print(f"== {name}", flush=True)
    output = subprocess.run(command, check=True, capture_output=False, text=True, stdout=subprocess.PIPE).stdout
    lines = output.strip().splitlines()
    for line in lines[:-1]:
        print(line)
    result: dict[str, Any] = json.loads(lines[-1])
    result["load_average"] = os.getloadavg()
    print(json.dumps(result, ensure_ascii=False, indent=1), flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=3_500_000)
    parser.add_argument("--xlsx", type=int, default=500_000)
    parser.add_argument("--upsert-rows", type=int, default=500_000, help="rows of the normal-path (upsert) run")
    parser.add_argument("--phase", default="")
    parser.add_argument("--skip", default="", help="comma-separated phases not to run (e.g. setup,generate)")
    args = parser.parse_args()
    phases = {
        "setup": lambda: phase_setup(),
        "generate": lambda: phase_generate(args.residents, args.xlsx),
        "copy": phase_copy,
        # The normal path (upsert, a transaction per batch) into empty tables, on the first rows of the file…
        "upsert": lambda: phase_import(head_csv(args.upsert_rows), "skip", empty_first=True),
        # … then the first-load mode (indexes and foreign keys dropped and rebuilt) on the whole file.
        "import": lambda: phase_import(CSV_FILE, "first", empty_first=True),
        "lookup": phase_lookup,
        "page": phase_page,
        # The normal path from the .xlsx: new residents into the full table.
        "xlsx": lambda: phase_import(XLSX_FILE),
    }
    if args.phase:
        print(json.dumps(phases[args.phase](), default=str))
        return
    sizes = ["--residents", str(args.residents), "--xlsx", str(args.xlsx), "--upsert-rows", str(args.upsert_rows)]
    skipped = set(filter(None, args.skip.split(",")))
    results = {name: run_phase(name, *sizes) for name in phases if name not in skipped}
    print("\n== summary")
    if "generate" in results:
        print(f"residents {args.residents:,} in {results['generate']['households']:,} households")
    copy_rate = results["copy"]["rows_per_s"]
    print(f"raw COPY               {copy_rate:>10,.0f} rows/s")
    for name, label in (("upsert", "import, normal (CSV)"), ("import", "import, first load"), ("xlsx", "import, xlsx")):
        if name in results:
            r = results[name]
            print(
                f"{label:<22} {r['rows_per_s']:>10,.0f} rows/s = {r['rows_per_s'] / copy_rate:5.1%} of COPY "
                f"(target >= 40%), {r['rows']:,} rows, peak RSS {r['peak_rss_mb']:,.0f} MB (target < 500 MB), "
                f"CPU µs/row {r['cpu_us_per_row']}, load {r['load_average'][0]:.1f}"
            )
    if "lookup" in results:
        lookup = results["lookup"]
        print(
            f"lookup by ID           p50 {lookup['p50_ms']:.2f} p95 {lookup['p95_ms']:.2f} "
            f"p99 {lookup['p99_ms']:.2f} ms "
            f"(target < 5 ms), {lookup['residents_in_db']:,} residents"
        )
    if "page" in results:
        page = results["page"]
        print(f"list page              p50 {page['p50_ms']:.1f} p95 {page['p95_ms']:.1f} ms (target < 100 ms)")
        print(f"lookup page (HTTP POST) p50 {page['http_lookup_p50_ms']:.1f} p95 {page['http_lookup_p95_ms']:.1f} ms")
    print(f"load average at the end {os.getloadavg()} on {os.cpu_count()} cores (machine shared; see docs)")


if __name__ == "__main__":
    main()
