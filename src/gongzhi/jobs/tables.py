"""Reading uploaded tables for imports: .xlsx through core.spreadsheets, .csv streamed here (UTF-8 or GB18030)."""

import csv
import io
from collections.abc import Callable, Generator, Sequence
from typing import IO, Any

from django.utils.translation import gettext as _

from gongzhi.core.errors import ServiceError
from gongzhi.core.spreadsheets import Column, ParsedRow, _cell_text, _map_headers, _parse_row, read_rows


def read_header(
    upload: IO[bytes], columns: Sequence[Column], *, filename: str = ".xlsx", reader: Callable[..., Any] | None = None
) -> None:
    """Check only the header row (the file's type and columns), for an immediate answer before a long import;
    `reader` is the importer's own reader when it has one (the same checks with its memory behaviour)."""
    rows = (reader or read_table)(upload, columns, max_rows=1, filename=filename)
    try:
        next(rows, None)
    except ServiceError as exc:
        if exc.code != "too_many_rows":
            raise
    finally:
        rows.close()
    upload.seek(0)


def read_table(
    upload: IO[bytes], columns: Sequence[Column], *, max_rows: int, filename: str
) -> Generator[ParsedRow, None, None]:
    """`read_rows` for .xlsx, `read_csv_rows` for .csv (by the uploaded file's name)."""
    if filename.lower().endswith(".csv"):
        return read_csv_rows(upload, columns, max_rows=max_rows)
    return read_rows(upload, columns, max_rows=max_rows)


def _csv_encoding(upload: IO[bytes]) -> str:
    head = upload.read(65536)
    upload.seek(0)
    if head[:4] == b"PK\x03\x04" or b"\x00" in head:
        raise ServiceError(
            _("文件不是有效的 CSV 文本文件。"),
            code="not_csv",
            fields={"file": _("请上传 UTF-8 或 GBK 编码的 .csv 文件")},
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError as exc:
            if encoding == "utf-8-sig" and exc.start >= len(head) - 3:
                return encoding  # a multi-byte character cut by the sniffing window
            continue
        return encoding
    raise ServiceError(_("无法识别 CSV 文件的编码，请另存为 UTF-8。"), code="bad_encoding")


def read_csv_rows(upload: IO[bytes], columns: Sequence[Column], *, max_rows: int) -> Generator[ParsedRow, None, None]:
    """Stream a CSV file (UTF-8 with or without BOM, or GBK/GB18030 as saved by Excel) like `read_rows`."""
    text = io.TextIOWrapper(upload, encoding=_csv_encoding(upload), newline="")
    try:
        rows = csv.reader(text)
        try:
            header_row = next(rows, None)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ServiceError(_("CSV 文件格式不正确。"), code="bad_csv") from exc
        if header_row is None:
            raise ServiceError(_("文件是空的：第一行应为表头。"), code="empty_file", fields={"file": _("没有表头")})
        mapping = _map_headers([_cell_text(h) for h in header_row], columns)
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
            if not any(v.strip() for v in raw):
                continue
            yield _parse_row(number, raw, mapping, columns)
    finally:
        text.detach()
