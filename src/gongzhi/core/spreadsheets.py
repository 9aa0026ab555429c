"""Excel import and export shared by every domain: header checks, row-level errors in Chinese, streaming output.

Reading uses openpyxl's read-only mode and writing its write-only mode, so memory stays flat as files grow.
"""

import csv
import io
import zipfile
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from .errors import ServiceError

Parser = Callable[[str], Any]


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # Chinese header written in templates and exports
    aliases: tuple[str, ...] = ()  # other accepted headers (English, older templates)
    required: bool = True
    max_length: int = 200
    parse: Parser | None = None

    def accepts(self, header: str) -> bool:
        normalized = header.strip().lower()
        return normalized in {self.header.lower(), self.key.lower(), *(a.lower() for a in self.aliases)}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any]
    errors: list[RowError] = field(default_factory=list)


def _open_workbook(upload: IO[bytes]) -> Any:
    head = upload.read(4)
    upload.seek(0)
    if head != b"PK\x03\x04":
        raise ServiceError(
            _("文件不是有效的 Excel（.xlsx）文件。"), code="not_xlsx", fields={"file": _("请上传 .xlsx 文件")}
        )
    try:
        return load_workbook(upload, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ServiceError(
            _("无法读取 Excel 文件，文件可能已损坏。"), code="bad_xlsx", fields={"file": _("文件已损坏或格式不正确")}
        ) from exc


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV file with a UTF-8 BOM, which Excel opens with Chinese intact."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode()


def read_rows(upload: IO[bytes], columns: Sequence[Column], *, max_rows: int) -> Generator[ParsedRow, None, None]:
    """Yield every data row of the first sheet as parsed values with its own errors; bad headers fail the file."""
    workbook = _open_workbook(upload)
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_row = next(rows, None)
        if header_row is None:
            raise ServiceError(_("文件是空的：第一行应为表头。"), code="empty_file", fields={"file": _("没有表头")})
        mapping = _map_headers([_cell_text(h) for h in header_row], columns)
        for offset, raw in enumerate(rows, start=2):
            if offset - 1 > max_rows:
                raise ServiceError(_("文件超过 %(n)s 行的上限，请分批导入。") % {"n": max_rows}, code="too_many_rows")
            if raw is None or all(v is None or _cell_text(v) == "" for v in raw):
                continue
            yield _parse_row(offset, raw, mapping, columns)
    finally:
        workbook.close()


def _map_headers(headers: list[str], columns: Sequence[Column]) -> dict[str, int]:
    mapping: dict[str, int] = {}
    unknown: list[str] = []
    for index, header in enumerate(headers):
        if not header:
            continue
        column = next((c for c in columns if c.accepts(header)), None)
        if column is None:
            unknown.append(header)
        elif column.key not in mapping:
            mapping[column.key] = index
    missing = [c.header for c in columns if c.required and c.key not in mapping]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(_("缺少列：%(cols)s") % {"cols": "、".join(missing)})
        if unknown:
            parts.append(_("无法识别的列：%(cols)s") % {"cols": "、".join(unknown)})
        expected = "、".join(c.header for c in columns)
        raise ServiceError(
            _("表头不正确（%(detail)s）。应为：%(expected)s。") % {"detail": "；".join(parts), "expected": expected},
            code="bad_headers",
            fields={"file": "；".join(parts)},
        )
    return mapping


def _parse_row(number: int, raw: Sequence[Any], mapping: dict[str, int], columns: Sequence[Column]) -> ParsedRow:
    row = ParsedRow(row=number, values={})
    for column in columns:
        index = mapping.get(column.key)
        text = _cell_text(raw[index]) if index is not None and index < len(raw) else ""
        if not text:
            if column.required:
                row.errors.append(RowError(number, column.header, _("必填项为空")))
            row.values[column.key] = None
            continue
        if len(text) > column.max_length:
            row.errors.append(RowError(number, column.header, _("超过 %(n)s 个字符") % {"n": column.max_length}))
            continue
        if column.parse is None:
            row.values[column.key] = text
            continue
        try:
            row.values[column.key] = column.parse(text)
        except (ValueError, ServiceError) as exc:
            row.errors.append(RowError(number, column.header, str(exc)))
    return row


def workbook_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str = "Sheet1") -> bytes:
    """A write-only workbook: constant memory per row, for exports of any size."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def error_report(errors: Iterable[RowError]) -> bytes:
    """The downloadable row-level error report: 行号 / 列 / 原因."""
    return workbook_bytes(
        [_("行号"), _("列"), _("原因")], ((e.row, e.column, e.message) for e in errors), title=_("错误报告")
    )


def template(columns: Sequence[Column]) -> bytes:
    return workbook_bytes([c.header for c in columns], [], title=_("导入模板"))
