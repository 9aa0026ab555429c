"""Row preparation for the residents' import: parse, validate, encrypt and blind-index a chunk of raw rows.

No database access and no Django models here, so chunks can be prepared in worker processes: `read_prepared` (the
importer's reader, plugged into gongzhi.jobs) streams the uploaded CSV/xlsx in chunks of the importer's batch size,
hands them to a process pool (fork: the workers inherit the lookup tables and keys built before the pool starts) and
yields one `ParsedRow` per data row whose values carry the prepared chunk. `importer.apply_batch` then only writes:
on PostgreSQL the chunk already is COPY text (`Prepared.residents_copy`, `Prepared.flags_copy`).

Validation is the same as the generic `core.spreadsheets` parsing with the same messages: a fast path for the usual
row, and the generic `_parse_row` for any row the fast path does not accept (so error texts stay identical).
"""

import base64
import csv
import hashlib
import hmac
import io
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import IO, Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from gongzhi.core.errors import ServiceError
from gongzhi.core.spreadsheets import Column, ParsedRow, RowError, _cell_text, _map_headers, _parse_row
from gongzhi.jobs.tables import _csv_encoding

from . import identity, vault

NONCE_BYTES = vault.NONCE_BYTES


@dataclass
class Prepared:
    """One chunk, prepared: its errors, the good rows' keys, and what to write (COPY text or plain records)."""

    errors: list[RowError] = field(default_factory=list)
    keys: list[tuple[int, str, str]] = field(default_factory=list)  # (row, id blind index, scope path)
    residents_copy: bytes = b""
    flags_copy: bytes = b""
    records: list[dict[str, Any]] = field(default_factory=list)  # without COPY (other databases)
    flags: list[tuple[int, str, bytes, str, date, str]] = field(default_factory=list)  # (row, index, …)


@dataclass(frozen=True)
class Context:
    """Everything a worker needs, built once per job in the parent before the pool forks."""

    columns: tuple[Column, ...]
    mapping: dict[str, int]
    headers: dict[str, str]
    divisions: dict[str, tuple[int, str, str, int | None]]  # code -> (id, path, level, parent id); active only
    complexes: dict[str, tuple[int, str]]  # code -> (id, scope path)
    buildings: dict[tuple[int, str], int]  # (complex id, number) -> id
    relations: dict[str, str]  # label or value -> value
    statuses: dict[str, str]
    key_id: str
    key: bytes
    index_key: bytes
    group_indexes: dict[str, str]
    today: date
    language: str
    copy_text: bool
    default_source: str


_CTX: Context | None = None


def set_context(ctx: Context) -> None:
    global _CTX
    _CTX = ctx


NULL = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _esc(text: str) -> str:
    """COPY text format: backslash, tab and line breaks escaped."""
    return text.translate(_ESCAPES)


def _bytea(blob: bytes | None) -> str:
    return "\\N" if blob is None else "\\\\x" + blob.hex()


class _Crypto:
    """One AESGCM object per key, nonces drawn from the OS in bulk, HMAC states keyed once per field."""

    def __init__(self, ctx: Context) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        kid = ctx.key_id.encode()
        self.prefix = vault.MAGIC + bytes([len(kid)]) + kid
        self.aes = AESGCM(ctx.key)
        self.nonces = b""
        self.offset = 0
        self.macs = {f: hmac.new(ctx.index_key, f.encode() + b"\x00", hashlib.sha256) for f in ("id_number", "phone")}

    def random(self, size: int) -> bytes:
        if self.offset + size > len(self.nonces):
            self.nonces, self.offset = os.urandom(NONCE_BYTES * 8192), 0
        self.offset += size
        return self.nonces[self.offset - size : self.offset]

    def encrypt(self, field: bytes, text: str) -> bytes:
        nonce = self.random(NONCE_BYTES)
        return self.prefix + nonce + self.aes.encrypt(nonce, text.encode(), field)

    def uuid7(self) -> str:
        """A time-ordered UUID (RFC 9562 version 7: 48-bit milliseconds, 74 random bits): new records land at the
        right edge of the public_id index instead of on a random page of it."""
        ms = time.time_ns() // 1_000_000
        r = int.from_bytes(self.random(10), "big")
        a, b = r >> 68, r & ((1 << 62) - 1)
        return f"{ms:012x}7{a:03x}{8 | (b >> 60):x}{b & ((1 << 60) - 1):015x}"

    def index(self, field: str, value: str) -> str:
        mac = self.macs[field].copy()
        mac.update(value.encode())
        return base64.urlsafe_b64encode(mac.digest()[:16]).decode().rstrip("=")


_crypto: tuple[Context, _Crypto] | None = None


def _crypto_for(ctx: Context) -> _Crypto:
    global _crypto
    if _crypto is None or _crypto[0] is not ctx:
        _crypto = (ctx, _Crypto(ctx))
    return _crypto[1]


@cache
def _group_labels(language: str) -> dict[str, str]:
    from .models import SpecialGroup

    return {str(label): str(value) for value, label in SpecialGroup.choices}


def parse_groups(text: str) -> list[str]:
    """特殊人群 column: labels (or keys) separated by 、 , ; (full or half width)."""
    from .models import SpecialGroup

    by_label = _group_labels(translation.get_language() or "")
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


def _text(raw: Sequence[Any], index: int | None) -> str:
    if index is None or index >= len(raw):
        return ""
    value = raw[index]
    return value.strip() if value.__class__ is str else _cell_text(value)


def _fast(raw: Sequence[Any], ctx: Context) -> dict[str, Any] | None:
    """The usual row, checked quickly; None sends the row to the generic parser (which words the errors)."""
    values: dict[str, Any] = {}
    for column in ctx.columns:
        text = _text(raw, ctx.mapping.get(column.key))
        if not text:
            if column.required:
                return None
        elif len(text) > column.max_length:
            return None
        values[column.key] = text
    try:
        values["id_number"] = identity.parse_id(values["id_number"], today=ctx.today)
        phone = values["phone"]
        if phone and not identity._MOBILE.match(phone):
            values["phone"] = identity.parse_mobile(phone)
        for key in ("community_code", "grid_code"):
            code = values[key]
            if code and (not code.isdigit() or len(code) not in (12, 15)):
                return None
        relation = ctx.relations.get(values["relation"])
        status = ctx.statuses.get(values["residence_status"])
        if relation is None or status is None:
            return None
        values["relation"], values["residence_status"] = relation, status
        if values["groups"]:
            values["groups"] = parse_groups(values["groups"])
        values["flag_since"] = date.fromisoformat(values["flag_since"][:10]) if values["flag_since"] else None
    except ValueError:
        return None
    return values


def _generic(number: int, raw: Sequence[Any], ctx: Context, errors: list[RowError]) -> dict[str, Any] | None:
    parsed = _parse_row(number, raw, ctx.mapping, ctx.columns)
    if parsed.errors:
        errors.extend(parsed.errors)
        return None
    return {k: ("" if v is None and k != "flag_since" else v) for k, v in parsed.values.items()}


def _resolve(number: int, v: dict[str, Any], ctx: Context, errors: list[RowError]) -> tuple[Any, ...] | None:
    """(community id, grid id, scope path, complex id, building id), or None with the row's error."""
    headers = ctx.headers
    community = ctx.divisions.get(v["community_code"])
    if community is None or community[2] != "community":
        errors.append(
            RowError(number, headers["community_code"], _("找不到社区代码 %(c)s") % {"c": v["community_code"]})
        )
        return None
    grid = None
    if v["grid_code"]:
        grid = ctx.divisions.get(v["grid_code"])
        if grid is None or grid[2] != "grid" or grid[3] != community[0]:
            errors.append(RowError(number, headers["grid_code"], _("网格代码不存在或不属于该社区")))
            return None
    complex_id = building_id = None
    if v["complex_code"]:
        found = ctx.complexes.get(v["complex_code"])
        if found is None or not found[1].startswith(community[1]):
            errors.append(RowError(number, headers["complex_code"], _("小区编码不存在或不属于该社区")))
            return None
        complex_id = found[0]
        if v["building"]:
            building_id = ctx.buildings.get((complex_id, v["building"]))
            if building_id is None:
                errors.append(RowError(number, headers["building"], _("该小区没有这个楼栋")))
                return None
    elif v["building"]:
        errors.append(RowError(number, headers["building"], _("填写楼栋号时须填写小区编码")))
        return None
    return (
        community[0],
        grid[0] if grid is not None else None,
        grid[1] if grid is not None else community[1],
        complex_id,
        building_id,
    )


def prepare_chunk(rows: list[tuple[int, Sequence[Any]]]) -> Prepared:
    """Validate, resolve, deduplicate (within the chunk), encrypt and blind-index one chunk of (row number, cells)."""
    ctx = _CTX
    assert ctx is not None, "set_context() first"
    if translation.get_language() != ctx.language:
        translation.activate(ctx.language)
    crypto = _crypto_for(ctx)
    out = Prepared()
    errors = out.errors
    seen: dict[str, int] = {}
    households: set[tuple[int, str]] = set()
    lines: list[str] = []
    flag_lines: list[str] = []
    from .services import address_text

    for number, raw in rows:
        v = _fast(raw, ctx)
        if v is None:
            v = _generic(number, raw, ctx, errors)
            if v is None:
                continue
        place = _resolve(number, v, ctx, errors)
        if place is None:
            continue
        community_id, grid_id, scope_path, complex_id, building_id = place
        parsed: identity.IdNumber = v["id_number"]
        id_index = crypto.index("id_number", parsed.value)
        if id_index in seen:
            errors.append(
                RowError(number, ctx.headers["id_number"], _("与第 %(n)s 行的身份证号重复") % {"n": seen[id_index]})
            )
            continue
        seen[id_index] = number
        out.keys.append((number, id_index, scope_path))
        phone = v["phone"]
        phone_enc = crypto.encrypt(b"phone", phone) if phone else None
        phone_index = crypto.index("phone", phone) if phone else ""
        phone_masked = identity.mask_mobile(phone) if phone else ""
        address_enc = None
        address_masked = ""
        household_id = ""
        household_key = (community_id, v["household_no"])
        if household_key not in households:  # the first row of a household in the chunk carries its address
            households.add(household_key)
            household_id = crypto.uuid7() if ctx.copy_text else ""
            address = address_text(address=v["address"], unit=v["unit"], room=v["room"])
            if address:
                address_enc = crypto.encrypt(b"address", address)
                address_masked = identity.mask_text(address)
        id_enc = crypto.encrypt(b"id_number", parsed.value)
        since = v["flag_since"] or ctx.today
        source = (v["flag_source"] or ctx.default_source)[:80]
        groups = [(crypto.encrypt(b"group", g), ctx.group_indexes[g]) for g in v["groups"] or ()]
        if ctx.copy_text:
            lines.append(
                f"{number}\t{crypto.uuid7()}\t{household_id or NULL}\t{id_index}\t{_esc(v['name'])}\t"
                f"{_bytea(id_enc)}\t{parsed.masked}\t"
                f"{parsed.birth_date.isoformat()}\t{parsed.sex}\t{_bytea(phone_enc)}\t{phone_index}\t{phone_masked}\t"
                f"{v['residence_status']}\t{v['relation']}\t{community_id}\t{grid_id or NULL}\t{scope_path}\t"
                f"{_esc(v['household_no'])}\t{complex_id or NULL}\t{building_id or NULL}\t{_bytea(address_enc)}\t"
                f"{_esc(address_masked)}\n"
            )
            for enc, index in groups:
                flag_lines.append(
                    f"{number}\t{id_index}\t{_bytea(enc)}\t{index}\t{since.isoformat()}\t{_esc(source)}\n"
                )
        else:
            out.records.append(
                {
                    "import_row": number,
                    "id_index": id_index,
                    "name": v["name"],
                    "id_enc": id_enc,
                    "id_masked": parsed.masked,
                    "birth_date": parsed.birth_date,
                    "sex": parsed.sex,
                    "phone_enc": phone_enc,
                    "phone_index": phone_index,
                    "phone_masked": phone_masked,
                    "residence_status": v["residence_status"],
                    "relation": v["relation"],
                    "community_id": community_id,
                    "grid_id": grid_id,
                    "scope_path": scope_path,
                    "household_no": v["household_no"],
                    "complex_id": complex_id,
                    "building_id": building_id,
                    "address_enc": address_enc,
                    "address_masked": address_masked,
                }
            )
            out.flags.extend((number, id_index, enc, index, since, source) for enc, index in groups)
    out.residents_copy = "".join(lines).encode()
    out.flags_copy = "".join(flag_lines).encode()
    return out


# -- the reader ---------------------------------------------------------------------------------------------------


def _raw_csv(handle: IO[bytes]) -> tuple[Iterator[list[str]], list[str], Any]:
    text = io.TextIOWrapper(handle, encoding=_csv_encoding(handle), newline="")
    rows = csv.reader(text)
    try:
        header = next(rows, None)
    except (csv.Error, UnicodeDecodeError) as exc:
        raise ServiceError(_("CSV 文件格式不正确。"), code="bad_csv") from exc
    if header is None:
        raise ServiceError(_("文件是空的：第一行应为表头。"), code="empty_file", fields={"file": _("没有表头")})
    return rows, [_cell_text(h) for h in header], text


def _raw_xlsx(handle: IO[bytes]) -> tuple[Iterator[Sequence[Any]], list[str], Any]:
    from .xlsx import stream_rows

    rows, closer = stream_rows(handle)
    header = next(rows, None)
    if header is None:
        closer()
        raise ServiceError(_("文件是空的：第一行应为表头。"), code="empty_file", fields={"file": _("没有表头")})
    return rows, [_cell_text(h) for h in header], closer


_Chunk = list[tuple[int, Sequence[Any]]]


def _chunks(rows: Iterator[Sequence[Any]], size: int, max_rows: int) -> Iterator[_Chunk]:
    chunk: list[tuple[int, Sequence[Any]]] = []
    number = 1
    while True:
        try:
            raw = next(rows, None)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ServiceError(_("CSV 文件第 %(n)s 行之后无法读取。") % {"n": number}, code="bad_csv") from exc
        if raw is None:
            break
        number += 1
        if number - 1 > max_rows:
            raise ServiceError(_("文件超过 %(n)s 行的上限，请分批导入。") % {"n": max_rows}, code="too_many_rows")
        if not any((v.strip() if v.__class__ is str else _cell_text(v)) for v in raw):
            continue
        chunk.append((number, raw))
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def workers_for(size_bytes: int) -> int:
    """Worker processes for a file: none for small files (forking costs more than it saves)."""
    workers = int(getattr(settings, "GONGZHI_IMPORT_WORKERS", os.cpu_count() or 1))
    threshold = int(getattr(settings, "GONGZHI_IMPORT_POOL_MIN_BYTES", 4 * 1024 * 1024))
    return workers if workers > 1 and size_bytes >= threshold else 0


def read_prepared(
    handle: IO[bytes],
    columns: Sequence[Column],
    *,
    max_rows: int,
    filename: str,
    batch_size: int,
    context: Any,
) -> Generator[ParsedRow, None, None]:
    """The importer's reader: header check, then prepared chunks in file order (in a pool for large files)."""
    is_csv = filename.lower().endswith(".csv")
    rows, header, closer = _raw_csv(handle) if is_csv else _raw_xlsx(handle)
    pool: ProcessPoolExecutor | None = None
    try:
        mapping = _map_headers(header, columns)
        try:
            size = os.fstat(handle.fileno()).st_size
        except (AttributeError, OSError, io.UnsupportedOperation):
            size = 0
        workers = workers_for(size) if max_rows > batch_size else 0
        chunks = _with_context(_chunks(rows, batch_size, max_rows), lambda: set_context(context(columns, mapping)))
        if workers:
            pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
            pending: deque[tuple[list[int], Future[Prepared]]] = deque()
            for chunk in chunks:
                pending.append(([n for n, _raw in chunk], pool.submit(prepare_chunk, chunk)))
                if len(pending) > workers * 2:
                    yield from _emit(*pending.popleft())
            while pending:
                yield from _emit(*pending.popleft())
        else:
            for chunk in chunks:
                yield from _emit([n for n, _raw in chunk], prepare_chunk(chunk))
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if is_csv:
            with suppress(ValueError):  # the upload may already be closed when the generator is collected
                closer.detach()
        else:
            closer()


def _with_context(chunks: Iterator[_Chunk], setup: Callable[[], None]) -> Iterator[_Chunk]:
    """Build the workers' context only once a first chunk is read (a header check reads none)."""
    first = next(chunks, None)
    if first is None:
        return
    setup()
    yield first
    yield from chunks


def _emit(numbers: list[int], prepared: "Prepared | Future[Prepared]") -> Iterator[ParsedRow]:
    result = prepared.result() if isinstance(prepared, Future) else prepared
    values = {"_prepared": result, "_rows": len(numbers)}
    for number in numbers:
        yield ParsedRow(row=number, values=values)
