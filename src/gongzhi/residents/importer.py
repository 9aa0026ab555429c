"""The residents' import (the first user of gongzhi.jobs): CSV or Excel, validated row by row, upserted by ID number.

Re-importing a file updates the same residents (the ID number's blind index is unique) and never duplicates them; the
same ID number twice in one file is an error on the later row, across batches too (each upsert remembers its job and
row). Households are found or created by (community, 户号).
"""

import uuid
from collections.abc import Callable
from datetime import date
from functools import cache
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gongzhi.core.actors import is_system
from gongzhi.core.spreadsheets import Column, ParsedRow, RowError
from gongzhi.jobs.models import ImportJob
from gongzhi.jobs.registry import BatchResult, Importer
from gongzhi.territory.models import Building, Division, Level, ResidentialComplex

from . import events, identity, vault
from .models import GroupFlag, Household, Relation, ResidenceStatus, Resident, SpecialGroup
from .permissions import policy
from .services import group_index, seal_address, seal_phone


def _choice(choices: Any, what: str) -> Callable[[str], str]:
    by_label: dict[str, str] = {str(label): str(value) for value, label in choices.choices}

    def parse(text: str) -> str:
        if text in by_label:
            return by_label[text]
        if text in choices.values:
            return str(text)
        raise ValueError(_("%(what)s应为：%(options)s") % {"what": what, "options": "、".join(by_label)})

    return parse


@cache
def _group_labels(language: str) -> dict[str, str]:
    return {str(label): str(value) for value, label in SpecialGroup.choices}


def _groups(text: str) -> list[str]:
    by_label = _group_labels(get_language() or "")
    found = []
    for part in text.replace("，", "、").replace(",", "、").replace(";", "、").replace("；", "、").split("、"):
        part = part.strip()
        if not part:
            continue
        value = by_label.get(part) or (part if part in SpecialGroup.values else None)
        if value is None:
            raise ValueError(_("未知的人群类别：%(g)s") % {"g": part[:20]})
        found.append(value)
    return sorted(set(found))


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
    Column("groups", "特殊人群", ("groups",), required=False, max_length=200, parse=_groups),
    Column("flag_source", "标识来源", ("flag_source",), required=False, max_length=80),
    Column("flag_since", "认定日期", ("flag_since",), required=False, max_length=10, parse=_date),
)
HEADER = {c.key: c.header for c in COLUMNS}


class _Lookups:
    """Per-job caches of divisions, complexes and buildings (small: one entry per code seen)."""

    def __init__(self) -> None:
        """Preloaded in three queries (a few thousand small rows at city scale) instead of one query per code."""
        fields = ("id", "code", "path", "level", "parent_id", "is_active")
        active = Division.objects.filter(level__in=(Level.COMMUNITY, Level.GRID), is_active=True).only(*fields)
        self.divisions: dict[str, Division | None] = {d.code: d for d in active}
        self.complexes: dict[str, ResidentialComplex | None] = {
            c.code: c for c in ResidentialComplex.objects.only("id", "code", "scope_path")
        }
        self.buildings: dict[tuple[int, str], Building | None] = {
            (b.complex_id, b.number): b for b in Building.objects.only("id", "complex_id", "number")
        }

    def division(self, code: str, level: str) -> Division | None:
        if code not in self.divisions:
            self.divisions[code] = Division.objects.filter(code=code, level=level, is_active=True).first()
        found = self.divisions[code]
        return found if found is not None and found.level == level else None

    def complex(self, code: str) -> ResidentialComplex | None:
        if code not in self.complexes:
            self.complexes[code] = ResidentialComplex.objects.filter(code=code).first()
        return self.complexes[code]

    def building(self, complex: ResidentialComplex, number: str) -> Building | None:
        key = (complex.pk, number)
        if key not in self.buildings:
            self.buildings[key] = Building.objects.filter(complex=complex, number=number).first()
        return self.buildings[key]


_lookups: dict[int, _Lookups] = {}


def _authorize(actor: Any) -> None:
    if not is_system(actor):
        policy.require(actor, "import")


def _scope(actor: Any) -> str:
    roots = sorted(policy.roots(actor, "import"), key=len)
    return roots[0] if roots else ""


def _may_import_at(actor: Any, path: str) -> bool:
    return is_system(actor) or any(path.startswith(root) for root in policy.roots(actor, "import"))


def apply_batch(job: ImportJob, actor: Any, rows: list[ParsedRow]) -> BatchResult:
    result = BatchResult()
    lookups = _lookups.get(job.pk) or _lookups.setdefault(job.pk, _Lookups())
    good: list[tuple[ParsedRow, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    for row in rows:
        if row.errors:
            result.errors.extend(row.errors)
            continue
        resolved = _resolve(row, actor, lookups, result.errors)
        if resolved is None:
            continue
        index = vault.blind_index("id_number", row.values["id_number"].value)
        if index in seen:
            result.errors.append(
                RowError(row.row, HEADER["id_number"], _("与第 %(n)s 行的身份证号重复") % {"n": seen[index]})
            )
            continue
        seen[index] = row.row
        resolved["id_index"] = index
        good.append((row, resolved))
    if not good:
        return result
    existing = {
        r["id_index"]: r
        for r in Resident.objects.filter(id_index__in=[v["id_index"] for _row, v in good]).values(
            "id_index", "import_job", "import_row", "scope_path"
        )
    }
    accepted: list[tuple[ParsedRow, dict[str, Any]]] = []
    for row, v in good:
        old = existing.get(v["id_index"])
        if old is not None and old["import_job"] == job.pk and old["import_row"] != row.row:
            result.errors.append(
                RowError(row.row, HEADER["id_number"], _("与第 %(n)s 行的身份证号重复") % {"n": old["import_row"]})
            )
        elif old is not None and not _may_import_at(actor, old["scope_path"]):
            result.errors.append(
                RowError(row.row, HEADER["id_number"], _("该居民登记在您的辖区以外，请联系所在社区办理迁移"))
            )
        else:
            accepted.append((row, v))
    if not accepted:
        return result
    households = _households(accepted)
    now = timezone.now()
    records = []
    for row, v in accepted:
        parsed = row.values["id_number"]
        phone = row.values["phone"] or ""
        records.append(
            {
                "public_id": uuid.uuid4(),
                "name": row.values["name"],
                "id_enc": vault.encrypt("id_number", parsed.value),
                "id_index": v["id_index"],
                "id_masked": parsed.masked,
                "birth_date": parsed.birth_date,
                "sex": parsed.sex,
                **seal_phone(phone),
                "residence_status": row.values["residence_status"],
                "household_id": households[(v["community"].pk, row.values["household_no"])],
                "relation": row.values["relation"],
                "community_id": v["community"].pk,
                "grid_id": v["grid"].pk if v["grid"] is not None else None,
                "scope_path": v["grid"].path if v["grid"] is not None else v["community"].path,
                "import_job": job.pk,
                "import_row": row.row,
                "created_at": now,
                "updated_at": now,
            }
        )
    ids = _upsert_postgresql(records) if connection.vendor == "postgresql" else _upsert_orm(records)
    _flags(accepted, [(ids[r["id_index"]], r["scope_path"]) for r in records])
    created = sum(1 for _row, v in accepted if v["id_index"] not in existing)
    result.created += created
    result.updated += len(accepted) - created
    events.import_batch(
        actor=actor,
        job_id=job.pk,
        scope_path=job.scope_path,
        first_row=rows[0].row,
        last_row=rows[-1].row,
        created=created,
        updated=len(accepted) - created,
    )
    return result


def _resolve(row: ParsedRow, actor: Any, lookups: _Lookups, errors: list[RowError]) -> dict[str, Any] | None:
    values = row.values
    community = lookups.division(values["community_code"], Level.COMMUNITY)
    if community is None:
        errors.append(
            RowError(row.row, HEADER["community_code"], _("找不到社区代码 %(c)s") % {"c": values["community_code"]})
        )
        return None
    grid = None
    if values["grid_code"]:
        grid = lookups.division(values["grid_code"], Level.GRID)
        if grid is None or grid.parent_id != community.pk:
            errors.append(RowError(row.row, HEADER["grid_code"], _("网格代码不存在或不属于该社区")))
            return None
    path = grid.path if grid is not None else community.path
    if not _may_import_at(actor, path):
        errors.append(RowError(row.row, HEADER["community_code"], _("该社区不在您的管理范围内")))
        return None
    complex = building = None
    if values["complex_code"]:
        complex = lookups.complex(values["complex_code"])
        if complex is None or not complex.scope_path.startswith(community.path):
            errors.append(RowError(row.row, HEADER["complex_code"], _("小区编码不存在或不属于该社区")))
            return None
        if values["building"]:
            building = lookups.building(complex, values["building"])
            if building is None:
                errors.append(RowError(row.row, HEADER["building"], _("该小区没有这个楼栋")))
                return None
    elif values["building"]:
        errors.append(RowError(row.row, HEADER["building"], _("填写楼栋号时须填写小区编码")))
        return None
    return {"community": community, "grid": grid, "complex": complex, "building": building}


def _households(accepted: list[tuple[ParsedRow, dict[str, Any]]]) -> dict[tuple[int, str], int]:
    """Household ids by (community, 户号): found, or created (COPY + INSERT … RETURNING on PostgreSQL)."""
    keys = {(v["community"].pk, row.values["household_no"]) for row, v in accepted}
    found = {key: h.pk for key, h in _existing_households(keys).items()}
    new: dict[tuple[int, str], Household] = {}
    for row, v in accepted:
        key = (v["community"].pk, row.values["household_no"])
        if key in found or key in new:
            continue
        household = Household(
            household_no=row.values["household_no"],
            community=v["community"],
            grid=v["grid"],
            scope_path=v["grid"].path if v["grid"] is not None else v["community"].path,
            complex=v["complex"],
            building=v["building"],
        )
        seal_address(
            household, address=row.values["address"] or "", unit=row.values["unit"] or "", room=row.values["room"] or ""
        )
        new[key] = household
    if not new:
        return found
    if connection.vendor == "postgresql":
        now = timezone.now()
        rows = (tuple(getattr(h, c) for c in HOUSEHOLD_COLUMNS[1:9]) for h in new.values())
        rows = ((uuid.uuid4(), *row, now, now) for row in rows)
        returned = _copy_insert(
            HOUSEHOLD_STAGE,
            HOUSEHOLD_COLUMNS,
            rows,
            Household._meta.db_table,
            "RETURNING community_id, household_no, id",
        )
        return found | {(community, number): pk for community, number, pk in returned}
    Household.objects.bulk_create(new.values())
    if any(h.pk is None for h in new.values()):  # backends that return no ids from bulk inserts
        return found | {key: h.pk for key, h in _existing_households(set(new)).items()}
    return found | {key: h.pk for key, h in new.items()}


HOUSEHOLD_COLUMNS = (
    "public_id",
    "household_no",
    "community_id",
    "grid_id",
    "scope_path",
    "complex_id",
    "building_id",
    "address_enc",
    "address_masked",
    "created_at",
    "updated_at",
)
HOUSEHOLD_STAGE = """CREATE TEMP TABLE IF NOT EXISTS residents_import_households (
    public_id uuid, household_no varchar(30), community_id bigint, grid_id bigint, scope_path varchar(15),
    complex_id bigint, building_id bigint, address_enc bytea, address_masked varchar(40), created_at timestamptz,
    updated_at timestamptz)"""
FLAG_COLUMNS = ("resident_id", "scope_path", "group_enc", "group_index", "since", "source", "purpose", "recorded_at")
FLAG_STAGE = """CREATE TEMP TABLE IF NOT EXISTS residents_import_flags (
    resident_id bigint, scope_path varchar(15), group_enc bytea, group_index varchar(32), since date,
    source varchar(80), purpose varchar(12), recorded_at timestamptz)"""


def _copy_insert(ddl: str, columns: tuple[str, ...], rows: Any, table: str, tail: str) -> list[tuple[Any, ...]]:
    """COPY rows into a session temp table (created by `ddl`), then one INSERT … SELECT into `table` + `tail`."""
    stage = ddl.split()[6]  # CREATE TEMP TABLE IF NOT EXISTS <stage> (…)
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        cursor.execute(ddl)
        cursor.execute(f"TRUNCATE {stage}")
        with cursor.cursor.copy(f"COPY {stage} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {stage} {tail}")  # noqa: S608 — fixed names
        return list(cursor.fetchall()) if "RETURNING" in tail else []


def _existing_households(keys: set[tuple[int, str]]) -> dict[tuple[int, str], Household]:
    """One query for the whole batch: candidates by number and community, matched on the pair."""
    numbers = {number for _community, number in keys}
    communities = {community for community, _number in keys}
    candidates = Household.objects.filter(household_no__in=numbers, community_id__in=communities)
    return {
        (h.community_id, h.household_no): h
        for h in candidates.only("id", "community_id", "household_no")
        if (h.community_id, h.household_no) in keys
    }


def _upsert_orm(records: list[dict[str, Any]]) -> dict[str, int]:
    Resident.objects.bulk_create(
        [Resident(**r) for r in records],
        update_conflicts=True,
        unique_fields=["id_index"],
        update_fields=UPDATE_FIELDS,
    )
    return dict(Resident.objects.filter(id_index__in=[r["id_index"] for r in records]).values_list("id_index", "pk"))


UPDATE_FIELDS = [
    "name",
    "phone_enc",
    "phone_index",
    "phone_masked",
    "residence_status",
    "household",
    "relation",
    "community",
    "grid",
    "scope_path",
    "import_job",
    "import_row",
    "updated_at",
]
STAGE_COLUMNS = (
    "public_id",
    "name",
    "id_enc",
    "id_index",
    "id_masked",
    "birth_date",
    "sex",
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
    "created_at",
    "updated_at",
)
STAGE_DDL = """CREATE TEMP TABLE IF NOT EXISTS residents_import_stage (
    public_id uuid, name varchar(40), id_enc bytea, id_index varchar(32), id_masked varchar(18), birth_date date,
    sex varchar(1), phone_enc bytea, phone_index varchar(32), phone_masked varchar(11), residence_status varchar(12),
    household_id bigint, relation varchar(12), community_id bigint, grid_id bigint, scope_path varchar(15),
    import_job bigint, import_row integer, created_at timestamptz, updated_at timestamptz)"""


def _upsert_postgresql(records: list[dict[str, Any]]) -> dict[str, int]:
    """COPY the batch into a session-local stage table, then one INSERT … ON CONFLICT (id_index) DO UPDATE."""
    table = Resident._meta.db_table
    columns = ", ".join(STAGE_COLUMNS)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in (f if f in STAGE_COLUMNS else f"{f}_id" for f in UPDATE_FIELDS))
    with connection.cursor() as cursor:
        cursor.execute(STAGE_DDL)
        cursor.execute("TRUNCATE residents_import_stage")
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        with raw.copy(f"COPY residents_import_stage ({columns}) FROM STDIN") as copy:
            for r in records:
                copy.write_row(tuple(r[c] for c in STAGE_COLUMNS))
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM residents_import_stage "  # noqa: S608 — fixed names
            f"ON CONFLICT (id_index) DO UPDATE SET {updates} RETURNING id_index, id"
        )
        return dict(cursor.fetchall())


def _flags(accepted: list[tuple[ParsedRow, dict[str, Any]]], residents: list[tuple[int, str]]) -> None:
    flags = []
    today = timezone.localdate()
    for (row, _v), (pk, scope_path) in zip(accepted, residents, strict=True):
        for group in row.values["groups"] or ():
            flags.append(
                GroupFlag(
                    resident_id=pk,
                    scope_path=scope_path,
                    group_enc=vault.encrypt("group", group),
                    group_index=group_index(group),
                    since=row.values["flag_since"] or today,
                    source=(row.values["flag_source"] or _("批量导入"))[:80],
                )
            )
    if flags and connection.vendor == "postgresql":
        now = timezone.now()
        rows = (
            (f.resident_id, f.scope_path, f.group_enc, f.group_index, f.since, f.source, "routine", now) for f in flags
        )
        _copy_insert(FLAG_STAGE, FLAG_COLUMNS, rows, GroupFlag._meta.db_table, "ON CONFLICT DO NOTHING")
    elif flags:
        GroupFlag.objects.bulk_create(flags, ignore_conflicts=True)


def finish(job: ImportJob, actor: Any) -> None:
    _lookups.pop(job.pk, None)


IMPORTER = Importer(
    key="residents",
    title="居民与户",
    columns=COLUMNS,
    authorize=_authorize,
    apply_batch=apply_batch,
    scope_path=_scope,
    batch_size=2000,
    max_rows=5_000_000,
    finish=finish,
)
