"""Streaming .xlsx rows for the residents' import with memory that does not grow with the file.

openpyxl's read-only mode streams the sheet but first loads the workbook's whole shared-strings table into a Python
list, and in an import of people almost every string is unique (ID numbers, names, phones, 户号): ~65 MB per million
rows. `DiskStrings` streams that table into two anonymous temporary files (UTF-8 text and end offsets) and reads each
string back with `os.pread` (the page cache, not the process, holds it), with a small bounded cache for the strings
that repeat (community codes, relations, groups). The XML parse clears what it has read, so it stays flat as well.
"""

import os
import struct
import tempfile
import zipfile
from collections.abc import Callable, Generator, Iterator, Sequence
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._reader import DATA_TAG, ROW_TAG, VALUE_TAG, WorkSheetParser
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse  # defusedxml's when installed, as openpyxl itself

from gongzhi.core.errors import ServiceError
from gongzhi.core.spreadsheets import _open_workbook

_SI = f"{{{SHEET_MAIN_NS}}}si"
_T = f"{{{SHEET_MAIN_NS}}}t"
_RPH = f"{{{SHEET_MAIN_NS}}}rPh"  # phonetic runs are not part of the text
_OFFSET = struct.Struct("<Q")
CACHE_SIZE = 4096
_DIGITS = "0123456789"


class DiskStrings(Sequence[str]):
    """The shared-strings table on disk: string i is bytes [end(i-1), end(i)) of the text file."""

    def __init__(self, source: IO[bytes]) -> None:
        self._text = tempfile.TemporaryFile(prefix="gongzhi-xlsx-")  # noqa: SIM115 — closed in close()
        self._ends = tempfile.TemporaryFile(prefix="gongzhi-xlsx-")  # noqa: SIM115
        self._count = 0
        self._cache: dict[int, str] = {}
        end = 0
        text_buffer: list[bytes] = []
        end_buffer: list[bytes] = []
        root = None
        for event, node in iterparse(source, events=("start", "end")):
            if root is None:
                root = node
            if event != "end" or node.tag != _SI:
                continue
            data = _si_text(node).replace("x005F_", "").encode()
            end += len(data)
            text_buffer.append(data)
            end_buffer.append(_OFFSET.pack(end))
            self._count += 1
            root.clear()  # drop the parsed <si> elements, or the tree keeps every one of them
            if len(end_buffer) >= 8192:
                self._text.write(b"".join(text_buffer))
                self._ends.write(b"".join(end_buffer))
                text_buffer, end_buffer = [], []
        self._text.write(b"".join(text_buffer))
        self._ends.write(b"".join(end_buffer))
        self._text.flush()
        self._ends.flush()

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: Any) -> Any:
        if not isinstance(index, int):
            raise TypeError("DiskStrings supports integer indexes only")
        found = self._cache.get(index)
        if found is not None:
            return found
        if not 0 <= index < self._count:
            raise IndexError(index)
        if index == 0:
            start, end = 0, _OFFSET.unpack(os.pread(self._ends.fileno(), 8, 0))[0]
        else:
            start, end = struct.unpack("<QQ", os.pread(self._ends.fileno(), 16, (index - 1) * 8))
        value = os.pread(self._text.fileno(), end - start, start).decode()
        if len(value) <= 12:  # codes, labels, short names: the values that repeat
            if len(self._cache) >= CACHE_SIZE:
                self._cache.clear()
            self._cache[index] = value
        return value

    def close(self) -> None:
        self._text.close()
        self._ends.close()


def _si_text(node: Any) -> str:
    """The text of a shared string: its <t>, or the <t> of each rich-text run (phonetic hints left out)."""
    parts: list[str] = []
    for child in node:
        if child.tag == _T:
            parts.append(child.text or "")
        elif child.tag != _RPH:
            parts.extend(t.text or "" for t in child.iter(_T))
    return "".join(parts)


class _Reader(ExcelReader):
    def read_strings(self) -> None:
        manifest: Any = self.package
        ct = manifest.find(SHARED_STRINGS)
        if ct is not None:
            with self.archive.open(ct.PartName[1:]) as src:
                self.shared_strings = DiskStrings(src)  # type: ignore[assignment]  # a Sequence[str]

    def read_worksheets(self) -> None:
        """Only where the first worksheet is: openpyxl's ReadOnlyWorksheet would parse a sheet without a
        <dimension> element in full just to size it."""
        self.first_sheet = next(
            (rel.target for _sheet, rel in self.parser.find_sheets() if "chartsheet" not in rel.Type), None
        )


class _FlatParser(WorkSheetParser):
    """openpyxl's sheet parser clears each <row> it has read but leaves it attached to <sheetData>, ~60 bytes a
    row; this one removes it, and skips everything but the cell values (column widths, views, …). A shared-string
    cell with a coordinate (nearly every cell Excel writes for people) is read directly; any other cell goes through
    openpyxl's own `parse_cell`, so values stay identical."""

    _columns: dict[str, int]

    def parse_cell(self, element: Any) -> dict[str, Any]:
        coordinate = element.get("r")
        if coordinate and element.get("t") == "s":
            text = element.findtext(VALUE_TAG, None)
            if text:
                letters = coordinate.rstrip(_DIGITS)
                column = self._columns.get(letters)
                if column is None:
                    column = self._columns.setdefault(letters, column_index_from_string(letters))
                self.col_counter = column
                return {"column": column, "value": self.shared_strings[int(text)], "data_type": "s"}
        return super().parse_cell(element)

    def parse(self) -> Generator[Any, None, None]:
        self._columns = {}
        data = None
        for event, element in iterparse(self.source, events=("start", "end")):
            if event == "start":
                if element.tag == DATA_TAG:
                    data = element
            elif element.tag == ROW_TAG:
                row = self.parse_row(element)
                if data is not None:
                    data.clear()
                yield row


def _dense(parsed: Iterator[tuple[int, list[dict[str, Any]]]]) -> Iterator[Sequence[Any]]:
    """Value tuples by position; rows missing from the file come out empty, so row numbers stay the sheet's."""
    expected = 1
    for index, cells in parsed:
        while expected < index:
            expected += 1
            yield ()
        values: list[Any] = [None] * max((c["column"] for c in cells), default=0)
        for cell in cells:
            values[cell["column"] - 1] = cell["value"]
        expected = index + 1
        yield tuple(values)


def stream_rows(handle: IO[bytes]) -> tuple[Iterator[Sequence[Any]], Callable[[], None]]:
    """Rows of the first sheet as value tuples, and a function that releases the file and the string table."""
    try:
        reader = _Reader(handle, read_only=True, data_only=True)
        reader.read()
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        handle.seek(0)
        _open_workbook(handle)  # raises the shared clear message (not an Excel file / damaged)
        raise
    workbook = reader.wb
    strings = reader.shared_strings
    if reader.first_sheet is None or reader.first_sheet not in reader.valid_files:
        workbook.close()
        raise ServiceError(_("文件是空的：第一行应为表头。"), code="empty_file", fields={"file": _("没有表头")})
    source = reader.archive.open(reader.first_sheet)
    parser = _FlatParser(
        source,
        strings,
        data_only=True,
        epoch=workbook.epoch,
        date_formats=getattr(workbook, "_date_formats", set()),
        timedelta_formats=getattr(workbook, "_timedelta_formats", set()),
    )

    def close() -> None:
        source.close()
        workbook.close()
        if isinstance(strings, DiskStrings):
            strings.close()

    return _dense(parser.parse()), close
