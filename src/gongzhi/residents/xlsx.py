"""Streaming .xlsx rows for the residents' import."""

from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any

from gongzhi.core.spreadsheets import _open_workbook


def stream_rows(handle: IO[bytes]) -> tuple[Iterator[Sequence[Any]], Callable[[], None]]:
    workbook = _open_workbook(handle)
    sheet = workbook.worksheets[0]
    return sheet.iter_rows(values_only=True), workbook.close
