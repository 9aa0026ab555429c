"""The residents' import (the first user of gongzhi.jobs): CSV or Excel, validated row by row, upserted by ID number.

Rows are prepared (parsed, validated, encrypted, blind-indexed) by `prepare.py`, in worker processes for large files;
`apply_batch` only writes: on PostgreSQL a COPY of the prepared text into a session temp table, then one
`INSERT … SELECT` per table (households, residents with `ON CONFLICT (id_index) DO UPDATE`, flags).

Re-importing a file updates the same residents (the ID number's blind index is unique) and never duplicates them; the
same ID number twice in one file is an error on the later row, across batches too (each upsert remembers its job and
row). Households are found or created by (community, 户号).
"""

from collections.abc import Callable, Generator, Sequence
from datetime import date
from typing import IO, Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gongzhi.core.actors import is_system
from gongzhi.core.errors import ServiceError
from gongzhi.core.spreadsheets import Column, ParsedRow, RowError
from gongzhi.jobs.models import ImportJob
from gongzhi.jobs.registry import BatchResult, Importer
from gongzhi.territory.models import Building, Division, Level, ResidentialComplex

from . import events, identity, vault
from .models import GroupFlag, Household, Relation, ResidenceStatus, Resident, SpecialGroup
from .permissions import policy
from .prepare import Context, Prepared, parse_groups, read_prepared
from .services import group_index


def _choice_map(choices: Any) -> dict[str, str]:
    """Accepted cells for a choice column: the (Chinese) labels and the keys."""
    return {str(label): str(value) for value, label in choices.choices} | {str(v): str(v) for v in choices.values}


def _choice(choices: Any, what: str) -> Callable[[str], str]:
    accepted = _choice_map(choices)
    labels = "、".join(str(label) for _value, label in choices.choices)

    def parse(text: str) -> str:
        if text in accepted:
            return accepted[text]
        raise ValueError(_("%(what)s应为：%(options)s") % {"what": what, "options": labels})

    return parse


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(_("日期格式应为 YYYY-MM-DD")) from None


def _code(text: str) -> str:
    if not text.isdigit() or len(text) not in (12, 15):
        raise ValueError(_("应为 12 位社区代码或 15 位网格代码"))
    return text


COLUMNS = (
    Column("name", "姓名", ("name",), max_length=40),
    Column("id_number", "身份证号", ("id_number", "公民身份号码"), max_length=18, parse=identity.parse_id),
    Column("phone", "手机号", ("phone", "联系电话"), required=False, max_length=20, parse=identity.parse_mobile),
    Column("community_code", "社区代码", ("community_code",), max_length=12, parse=_code),
    Column("grid_code", "网格代码", ("grid_code",), required=False, max_length=15, parse=_code),
    Column("household_no", "户号", ("household_no",), max_length=30),
    Column("relation", "与户主关系", ("relation",), parse=_choice(Relation, "与户主关系")),
    Column("residence_status", "居住状态", ("residence_status",), parse=_choice(ResidenceStatus, "居住状态")),
    Column("complex_code", "小区编码", ("complex_code",), required=False, max_length=20),
    Column("building", "楼栋号", ("building",), required=False, max_length=20),
    Column("unit", "单元", ("unit",), required=False, max_length=10),
    Column("room", "室", ("room",), required=False, max_length=10),
    Column("address", "详细地址", ("address",), required=False, max_length=120),
    Column("groups", "特殊人群", ("groups",), required=False, max_length=200, parse=parse_groups),
    Column("flag_source", "标识来源", ("flag_source",), required=False, max_length=80),
    Column("flag_since", "认定日期", ("flag_since",), required=False, max_length=10, parse=_date),
)
HEADER = {c.key: c.header for c in COLUMNS}


BATCH_SIZE = 2000


def build_context(columns: Sequence[Column], mapping: dict[str, int]) -> Context:
    """The lookup tables and keys the workers inherit: all active communities and grids, 小区 and 楼栋 (a few tens of
    thousands of small tuples at city scale), so preparing a row never queries the database."""
    _refuse_during_index_rotation()
    ring = vault.keyring()
    divisions: dict[str, tuple[int, str, str, int | None]] = {
        code: (int(pk), str(path), str(level), parent)
        for code, pk, path, level, parent in Division.objects.filter(
            level__in=(Level.COMMUNITY, Level.GRID), is_active=True
        ).values_list("code", "id", "path", "level", "parent_id")
    }
    return Context(
        columns=tuple(columns),
        mapping=mapping,
        headers=HEADER,
        divisions=divisions,
        complexes={
            code: (pk, path) for code, pk, path in ResidentialComplex.objects.values_list("code", "id", "scope_path")
        },
        buildings={(c, n): pk for pk, c, n in Building.objects.values_list("id", "complex_id", "number")},
        relations=RELATIONS,
        statuses=STATUSES,
        key_id=ring.current,
        key=ring.keys[ring.current],
        index_key=ring.index_key,
        group_indexes={g: group_index(g) for g in SpecialGroup.values},
        today=timezone.localdate(),
        language=get_language() or "zh-hans",
        copy_text=connection.vendor == "postgresql",
        default_source=_("批量导入"),
    )


def reader(
    handle: IO[bytes], columns: Sequence[Column], *, max_rows: int, filename: str
) -> Generator[ParsedRow, None, None]:
    return read_prepared(
        handle, columns, max_rows=max_rows, filename=filename, batch_size=BATCH_SIZE, context=build_context
    )


def _refuse_during_index_rotation() -> None:
    """The upsert matches a resident by one blind index (the current key's); while rows may still carry indexes under
    another key, an import could register a second record for the same person."""
    if vault.index_rotation_pending():
        raise ServiceError(_("正在更换盲索引密钥，暂停导入：请在轮换完成、旧密钥移除后再导入。"), code="index_rotation")


def _authorize(actor: Any) -> None:
    if not is_system(actor):
        policy.require(actor, "import")
    _refuse_during_index_rotation()


def _scope(actor: Any) -> str:
    roots = sorted(policy.roots(actor, "import"), key=len)
    return roots[0] if roots else ""


def _chunks_of(rows: list[ParsedRow]) -> list[Prepared]:
    """The prepared chunks behind a batch; the reader's chunks are the runner's batches, never split."""
    chunks: dict[int, Prepared] = {}
    counts: dict[int, int] = {}
    for row in rows:
        prepared = row.values["_prepared"]
        chunks.setdefault(id(prepared), prepared)
        counts[id(prepared)] = counts.get(id(prepared), 0) + 1
        if counts[id(prepared)] == 1 and row.values["_rows"] != sum(
            1 for r in rows if r.values["_prepared"] is prepared
        ):
            raise RuntimeError("residents import: a batch splits a prepared chunk (batch_size must equal BATCH_SIZE)")
    return list(chunks.values())


def apply_batch(job: ImportJob, actor: Any, rows: list[ParsedRow]) -> BatchResult:
    """Write one batch of prepared rows. Rows rejected here (outside the importer's scope, registered elsewhere, or
    an ID number already imported from an earlier row of this job) become row errors and change nothing."""
    result = BatchResult()
    chunks = _chunks_of(rows)
    keys: list[tuple[int, str, str]] = []
    for chunk in chunks:
        result.errors.extend(chunk.errors)
        keys.extend(chunk.keys)
    roots = None if is_system(actor) else tuple(policy.roots(actor, "import"))
    outside: set[int] = set()
    if roots is not None:
        for number, _index, path in keys:
            if not path.startswith(roots):
                outside.add(number)
                result.errors.append(RowError(number, HEADER["community_code"], _("该社区不在您的管理范围内")))
    if len(outside) < len(keys):
        if connection.vendor != "postgresql":
            writer: _PostgresWriter | _OrmWriter = _OrmWriter(job, chunks)
        elif job.mode == ImportJob.Mode.FIRST_LOAD:
            writer = _FirstLoadWriter(job, chunks)
        else:
            writer = _PostgresWriter(job, chunks)
        written, refused = writer.write(outside, roots)
        for number, old_job, old_row, _old_scope in refused:
            if old_job == job.pk and old_row != number:
                message = _("与第 %(n)s 行的身份证号重复") % {"n": old_row}
            else:
                message = _("该居民登记在您的辖区以外，请联系所在社区办理迁移")
            result.errors.append(RowError(number, HEADER["id_number"], message))
        result.created = sum(1 for created in written.values() if created)
        result.updated = len(written) - result.created
        if written:
            events.import_batch(
                actor=actor,
                job_id=job.pk,
                scope_path=job.scope_path,
                first_row=rows[0].row,
                last_row=rows[-1].row,
                created=result.created,
                updated=result.updated,
            )
    result.errors.sort(key=lambda e: e.row)
    return result


def _may_update(roots: tuple[str, ...] | None, job: ImportJob, number: int, old: tuple[Any, ...]) -> bool:
    """An existing record is updated unless it is outside the importer's scope or an earlier row of this job wrote
    it (the same ID number twice in one file; a re-run of the same job may rewrite its own rows)."""
    old_job, old_row, old_scope = old
    if old_job == job.pk and old_row != number:
        return False
    return roots is None or old_scope.startswith(roots)


STAGE = "residents_import_rows"
STAGE_COLUMNS = (
    "import_row, public_id, household_public_id, id_index, name, id_enc, id_masked, birth_date, sex, phone_enc, "
    "phone_index, phone_masked, "
    "residence_status, relation, community_id, grid_id, scope_path, household_no, complex_id, building_id, "
    "address_enc, address_masked"
)
STAGE_DDL = f"""CREATE TEMP TABLE IF NOT EXISTS {STAGE} (
    import_row integer, public_id uuid, household_public_id uuid, id_index varchar(32), name varchar(40), id_enc bytea,
    id_masked varchar(18), birth_date date,
    sex varchar(1), phone_enc bytea, phone_index varchar(32), phone_masked varchar(11), residence_status varchar(12),
    relation varchar(12), community_id bigint, grid_id bigint, scope_path varchar(15), household_no varchar(30),
    complex_id bigint, building_id bigint, address_enc bytea, address_masked varchar(40))"""
FLAG_STAGE = "residents_import_flag_rows"
FLAG_COLUMNS = "import_row, id_index, group_enc, group_index, since, source"
FLAG_DDL = f"""CREATE TEMP TABLE IF NOT EXISTS {FLAG_STAGE} (
    import_row integer, id_index varchar(32), group_enc bytea, group_index varchar(32), since date,
    source varchar(80))"""
UPDATED_ON_REIMPORT = (
    "name",
    "phone_enc",
    "phone_index",
    "phone_masked",
    "residence_status",
    "household_id",
    "relation",
    "community_id",
    "grid_id",
    "scope_path",
    "import_job",
    "import_row",
    "index_key",
    "updated_at",
)


class _PostgresWriter:
    """COPY the prepared text into session temp tables, then one set-based statement per table; the upsert itself
    refuses the rows it must not update (`ON CONFLICT … DO UPDATE … WHERE`), so a fresh import never reads first."""

    def __init__(self, job: ImportJob, chunks: list[Prepared]) -> None:
        self.job = job
        self.chunks = chunks
        self.key_id = vault.index_key_id()

    def _stage(self, cursor: Any) -> None:
        # The session's stage tables: created at most once per session and transaction (a rollback in all-or-nothing
        # mode drops them with everything else). A catalog probe is far cheaper than CREATE … IF NOT EXISTS.
        cursor.execute("SELECT to_regclass(%s), to_regclass(%s)", [f"pg_temp.{STAGE}", f"pg_temp.{FLAG_STAGE}"])
        stage, flag_stage = cursor.fetchone()
        if stage is None:
            cursor.execute(STAGE_DDL)
        if flag_stage is None:
            cursor.execute(FLAG_DDL)
        cursor.execute(f"TRUNCATE {STAGE}, {FLAG_STAGE}")
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        with raw.copy(f"COPY {STAGE} ({STAGE_COLUMNS}) FROM STDIN") as copy:
            for chunk in self.chunks:
                copy.write(chunk.residents_copy)
        if any(chunk.flags_copy for chunk in self.chunks):
            with raw.copy(f"COPY {FLAG_STAGE} ({FLAG_COLUMNS}) FROM STDIN") as copy:
                for chunk in self.chunks:
                    copy.write(chunk.flags_copy)

    def _households(self, cursor: Any) -> list[int]:
        """户: the first row of each new (community, 户号) creates it; existing households are left as they are.
        Returns the ids of the households created."""
        cursor.execute(
            f"INSERT INTO {Household._meta.db_table} (public_id, household_no, community_id, grid_id, scope_path, "  # noqa: S608
            "complex_id, building_id, address_enc, address_masked, created_at, updated_at) "
            "SELECT DISTINCT ON (community_id, household_no) COALESCE(household_public_id, gen_random_uuid()), "
            "household_no, community_id, "
            "grid_id, scope_path, complex_id, building_id, address_enc, address_masked, now(), now() "
            f"FROM {STAGE} ORDER BY community_id, household_no, import_row "
            "ON CONFLICT (community_id, household_no) DO NOTHING RETURNING id"
        )
        return [pk for (pk,) in cursor.fetchall()]

    def write(
        self, outside: set[int], roots: tuple[str, ...] | None
    ) -> tuple[dict[int, bool], list[tuple[int, Any, Any, str]]]:
        households = Household._meta.db_table
        residents = Resident._meta.db_table
        patterns = [r.replace("%", "").replace("_", "") + "%" for r in roots] if roots is not None else ["%"]
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in UPDATED_ON_REIMPORT)
        with connection.cursor() as cursor:
            self._stage(cursor)
            if outside:
                for table in (STAGE, FLAG_STAGE):
                    cursor.execute(f"DELETE FROM {table} WHERE import_row = ANY(%s)", [sorted(outside)])  # noqa: S608
            new_households = self._households(cursor)
            cursor.execute(
                f"WITH up AS (INSERT INTO {residents} AS r (public_id, name, id_enc, id_index, id_masked, birth_date, "  # noqa: S608
                "sex, phone_enc, phone_index, phone_masked, residence_status, household_id, relation, community_id, "
                "grid_id, scope_path, import_job, import_row, index_key, created_at, updated_at) "
                "SELECT s.public_id, s.name, s.id_enc, s.id_index, s.id_masked, s.birth_date, s.sex, s.phone_enc, "
                "s.phone_index, s.phone_masked, s.residence_status, h.id, s.relation, s.community_id, s.grid_id, "
                "s.scope_path, %s, s.import_row, %s, now(), now() "
                f"FROM {STAGE} s JOIN {households} h ON h.community_id = s.community_id "
                "AND h.household_no = s.household_no "
                f"ON CONFLICT (id_index) DO UPDATE SET {updates} "
                "WHERE (r.import_job IS DISTINCT FROM %s OR r.import_row = EXCLUDED.import_row) "
                "AND r.scope_path LIKE ANY(%s) "
                "RETURNING r.id, r.import_row, r.scope_path, (r.xmax = 0) AS created), "
                f"flags AS (INSERT INTO {GroupFlag._meta.db_table} (resident_id, scope_path, group_enc, group_index, "
                "index_key, since, source, purpose, recorded_at) "
                "SELECT up.id, up.scope_path, f.group_enc, f.group_index, %s, f.since, f.source, 'routine', now() "
                f"FROM {FLAG_STAGE} f JOIN up ON up.import_row = f.import_row "
                "ON CONFLICT (resident_id, group_index) DO NOTHING) "
                "SELECT import_row, created FROM up",
                [self.job.pk, self.key_id, self.job.pk, patterns, self.key_id],
            )
            written: dict[int, bool] = dict(cursor.fetchall())
            refused: list[tuple[int, Any, Any, str]] = []
            if sum(len(c.keys) for c in self.chunks) - len(outside) > len(written):
                cursor.execute(
                    f"SELECT s.import_row, r.import_job, r.import_row, r.scope_path FROM {STAGE} s "  # noqa: S608
                    f"JOIN {residents} r ON r.id_index = s.id_index"
                )
                refused = [row for row in cursor.fetchall() if row[0] not in written]
                if new_households:  # households created only for refused rows would be left empty: remove them
                    cursor.execute(
                        f"DELETE FROM {households} h WHERE h.id = ANY(%s) AND NOT EXISTS "  # noqa: S608
                        f"(SELECT 1 FROM {residents} m WHERE m.household_id = h.id)",
                        [new_households],
                    )
        return written, refused


class _FirstLoadWriter(_PostgresWriter):
    """First-load mode: the tables were empty and their secondary indexes and foreign keys are dropped (`FIRST_LOAD`),
    so the rows go in with a plain INSERT from the stage (no conflict to check: duplicates across batches are found
    once, at the end, by `_FirstLoad.complete`). Households keep their unique (community, 户号) index: a household
    may span batches."""

    def write(
        self, outside: set[int], roots: tuple[str, ...] | None
    ) -> tuple[dict[int, bool], list[tuple[int, Any, Any, str]]]:
        households = Household._meta.db_table
        with connection.cursor() as cursor:
            self._stage(cursor)
            if outside:
                for table in (STAGE, FLAG_STAGE):
                    cursor.execute(f"DELETE FROM {table} WHERE import_row = ANY(%s)", [sorted(outside)])  # noqa: S608
            self._households(cursor)
            cursor.execute(
                f"WITH up AS (INSERT INTO {Resident._meta.db_table} (public_id, name, id_enc, id_index, id_masked, "  # noqa: S608
                "birth_date, sex, phone_enc, phone_index, phone_masked, residence_status, household_id, relation, "
                "community_id, grid_id, scope_path, import_job, import_row, index_key, created_at, updated_at) "
                "SELECT s.public_id, s.name, s.id_enc, s.id_index, s.id_masked, s.birth_date, s.sex, s.phone_enc, "
                "s.phone_index, s.phone_masked, s.residence_status, h.id, s.relation, s.community_id, s.grid_id, "
                "s.scope_path, %s, s.import_row, %s, now(), now() "
                f"FROM {STAGE} s JOIN {households} h ON h.community_id = s.community_id "
                "AND h.household_no = s.household_no "
                "RETURNING id, import_row, scope_path), "
                f"flags AS (INSERT INTO {GroupFlag._meta.db_table} (resident_id, scope_path, group_enc, group_index, "
                "index_key, since, source, purpose, recorded_at) "
                "SELECT up.id, up.scope_path, f.group_enc, f.group_index, %s, f.since, f.source, 'routine', now() "
                f"FROM {FLAG_STAGE} f JOIN up ON up.import_row = f.import_row) "
                "SELECT import_row FROM up",
                [self.job.pk, self.key_id, self.key_id],
            )
            return {row: True for (row,) in cursor.fetchall()}, []


# The load's tables, and the one index each keeps (besides the primary key) while loading.
_LOADED = (Resident, Household, GroupFlag)
_KEPT = {"household_unique_no_in_community"}
_SAVED = "residents_first_load_ddl"


class _FirstLoad:
    """`ImportJob.Mode.FIRST_LOAD` for the residents' import: the city-wide initial load into empty tables.

    In the run's one transaction: lock the residents, households and flags tables (ACCESS EXCLUSIVE: nobody reads or
    writes them until the load commits or rolls back), refuse unless all three are empty, drop their secondary
    indexes, unique constraints and foreign keys (their definitions saved in a transaction-local temp table), load,
    then look for the same ID number on two rows (the unique index is not there to refuse them), and rebuild every
    index and constraint — re-adding a foreign key checks every row. Any row error rolls back the whole run,
    DDL included, so the tables are either loaded with every index in place or left as they were. Other databases
    (SQLite) keep their indexes: the mode is then an all-or-nothing import into empty tables."""

    def refuse(self, actor: Any) -> None:
        if any(model.objects.exists() for model in _LOADED):
            raise ServiceError(
                _("首次全量导入只能导入到空表：已有居民、户或特殊人群记录，请改用普通导入。"), code="not_empty"
            )

    def begin(self, job: ImportJob, actor: Any) -> None:
        if connection.vendor != "postgresql":
            self.refuse(actor)
            return
        tables = [m._meta.db_table for m in _LOADED]
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE")
            self.refuse(actor)
            cursor.execute(f"CREATE TEMP TABLE {_SAVED} (seq serial, restore text) ON COMMIT DROP")
            for table in tables:
                # Unique constraints and foreign keys (not the primary key, not check constraints), then plain
                # indexes that back no constraint.
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC, conname",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    if name in _KEPT:
                        continue
                    cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
                    cursor.execute(
                        f"INSERT INTO {_SAVED} (restore) VALUES (%s)",  # noqa: S608
                        [f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}"],
                    )
                cursor.execute(
                    "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                    "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass "
                    "AND NOT i.indisprimary "
                    "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) "
                    "ORDER BY c.relname",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    if name in _KEPT:
                        continue
                    cursor.execute(f'DROP INDEX "{name}"')
                    cursor.execute(f"INSERT INTO {_SAVED} (restore) VALUES (%s)", [definition])  # noqa: S608

    def complete(self, job: ImportJob, actor: Any, errors: int) -> list[RowError]:
        if connection.vendor != "postgresql":
            return []
        late: list[RowError] = []
        with connection.cursor() as cursor:
            # The same ID number on two rows: every row after the first is an error (as the upsert words it).
            cursor.execute(
                f"SELECT array_agg(import_row ORDER BY import_row) FROM {Resident._meta.db_table} "  # noqa: S608
                "WHERE import_job = %s GROUP BY id_index HAVING count(*) > 1",
                [job.pk],
            )
            for (numbers,) in cursor.fetchall():
                first = numbers[0]
                message = _("与第 %(n)s 行的身份证号重复") % {"n": first}
                late.extend(RowError(n, HEADER["id_number"], message) for n in numbers[1:])
            if errors or late:
                return late  # the run rolls back, the dropped indexes with it
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            # Indexes first (constraints are checked faster with them), then unique constraints and foreign keys:
            # each ADD CONSTRAINT … FOREIGN KEY validates every row.
            cursor.execute(f"SELECT restore FROM {_SAVED} ORDER BY starts_with(restore, 'ALTER'), seq")  # noqa: S608
            for (statement,) in cursor.fetchall():
                cursor.execute(statement)
            for model in _LOADED:
                cursor.execute(f"ANALYZE {model._meta.db_table}")
        return late


class _OrmWriter:
    """Other databases (SQLite in tests and the demo): the same writes through bulk_create."""

    def __init__(self, job: ImportJob, chunks: list[Prepared]) -> None:
        self.job = job
        self.records = [r for chunk in chunks for r in chunk.records]
        self.flags = [f for chunk in chunks for f in chunk.flags]

    def write(
        self, outside: set[int], roots: tuple[str, ...] | None
    ) -> tuple[dict[int, bool], list[tuple[int, Any, Any, str]]]:
        by_index = {r["id_index"]: r["import_row"] for r in self.records if r["import_row"] not in outside}
        found = Resident.objects.filter(id_index__in=list(by_index)).values_list(
            "id_index", "import_job", "import_row", "scope_path"
        )
        existing = {by_index[index]: (job, row, path) for index, job, row, path in found}
        refused = [(n, *old) for n, old in existing.items() if not _may_update(roots, self.job, n, old)]
        rejected = outside | {n for n, *_old in refused}
        records = [r for r in self.records if r["import_row"] not in rejected]
        if not records:
            return {}, refused
        keys = {(r["community_id"], r["household_no"]) for r in records}
        candidates = Household.objects.filter(
            household_no__in={n for _c, n in keys}, community_id__in={c for c, _n in keys}
        ).values_list("community_id", "household_no", "id")
        households = {(c, n): pk for c, n, pk in candidates if (c, n) in keys}
        new: dict[tuple[int, str], Household] = {}
        for r in records:
            key = (r["community_id"], r["household_no"])
            if key not in households and key not in new:
                new[key] = Household(
                    household_no=r["household_no"],
                    community_id=r["community_id"],
                    grid_id=r["grid_id"],
                    scope_path=r["scope_path"],
                    complex_id=r["complex_id"],
                    building_id=r["building_id"],
                    address_enc=r["address_enc"],
                    address_masked=r["address_masked"],
                )
        Household.objects.bulk_create(new.values())
        households |= {
            (c, n): pk
            for c, n, pk in Household.objects.filter(
                household_no__in={n for _c, n in new}, community_id__in={c for c, _n in new}
            ).values_list("community_id", "household_no", "id")
            if (c, n) in new
        }
        now = timezone.now()
        key_id = vault.index_key_id()
        columns = {f.attname for f in Resident._meta.concrete_fields}
        Resident.objects.bulk_create(
            [
                Resident(
                    **{k: v for k, v in r.items() if k in columns and k != "public_id"},
                    household_id=households[(r["community_id"], r["household_no"])],
                    import_job=self.job.pk,
                    index_key=key_id,
                    created_at=now,
                    updated_at=now,
                )
                for r in records
            ],
            update_conflicts=True,
            unique_fields=["id_index"],
            update_fields=[f.removesuffix("_id") for f in UPDATED_ON_REIMPORT],
        )
        ids = dict(Resident.objects.filter(id_index__in=[r["id_index"] for r in records]).values_list("id_index", "id"))
        paths = {r["id_index"]: r["scope_path"] for r in records}
        GroupFlag.objects.bulk_create(
            [
                GroupFlag(
                    resident_id=ids[index],
                    scope_path=paths[index],
                    group_enc=enc,
                    group_index=gindex,
                    index_key=key_id,
                    since=since,
                    source=source,
                )
                for number, index, enc, gindex, since, source in self.flags
                if number not in rejected
            ],
            ignore_conflicts=True,
        )
        return {r["import_row"]: r["import_row"] not in existing for r in records}, refused


RELATIONS = _choice_map(Relation)
STATUSES = _choice_map(ResidenceStatus)

IMPORTER = Importer(
    key="residents",
    title="居民与户",
    columns=COLUMNS,
    authorize=_authorize,
    apply_batch=apply_batch,
    scope_path=_scope,
    batch_size=BATCH_SIZE,
    max_rows=5_000_000,
    reader=reader,
    first_load=_FirstLoad(),
)
