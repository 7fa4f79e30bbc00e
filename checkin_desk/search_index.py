"""What the attendee search index (the FTS5 table `attendee_search`) holds, and how rows enter and leave it.

Since schema 6 the index is contentless (content=''): it stores tokens, not a second copy of every
name and e-mail, which halves its size and keeps personal data in one table. The price is that
removing a row needs the values it was indexed with; they are computed again from the attendee row
(search_values is deterministic), which is why every write goes through this module.
The attendee code is not in the index: an exact code and a code prefix are found by the code's own
unique index (Store.search), and the random part of 1,000,000 codes made a third of the index.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from functools import lru_cache

from .textnorm import fold

INSERT = "INSERT INTO attendee_search (rowid, names, company, email) VALUES (?, ?, ?, ?)"
DELETE = "INSERT INTO attendee_search (attendee_search, rowid, names, company, email) VALUES ('delete', ?, ?, ?, ?)"
CREATE = """
CREATE VIRTUAL TABLE attendee_search USING fts5(
    names, company, email,
    tokenize = "unicode61 remove_diacritics 0",
    prefix = '2 3',
    content = '',
    detail = column
)"""

# Names and companies repeat a lot across a list: fold each distinct value once.
_fold_cached = lru_cache(maxsize=65536)(fold)


def columns(first: str, last: str, company: str, email: str) -> tuple[str, str, str]:
    """The index's three columns: names, company, e-mail, folded (accents, Arabic letter forms, case)."""
    return (f"{_fold_cached(first)} {_fold_cached(last)}", _fold_cached(company), fold(email))


def search_values(values: tuple) -> tuple[str, str, str]:
    """The index's columns for one attendee row (in store.ATTENDEE_FIELDS order)."""
    return columns(values[1], values[2], values[3], values[6])


def remove(conn: sqlite3.Connection, rows: Iterable[tuple]) -> None:
    """Take attendees out of the index; each row is (id, *values in ATTENDEE_FIELDS order) as stored."""
    conn.executemany(DELETE, ((row[0], *search_values(row[1:])) for row in rows))


def clear(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO attendee_search (attendee_search) VALUES ('delete-all')")


def fill(conn: sqlite3.Connection) -> None:
    """Index every attendee (the migration that made the index contentless; the table starts empty)."""
    rows = conn.execute("SELECT id, first_name, last_name, company, email FROM attendees")
    while batch := rows.fetchmany(5000):
        conn.executemany(INSERT, [(row[0], *columns(*row[1:])) for row in batch])
