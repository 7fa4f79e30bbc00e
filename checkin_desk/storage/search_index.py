"""What the attendee search index (the FTS5 table `attendee_search`) holds, and how rows enter and leave it.

Since schema 6 the index is contentless (content=''): it stores tokens, not a second copy of every
name and e-mail, which halves its size and keeps personal data in one table. It keeps no token
counts per row either (columnsize=0): they serve bm25 ranking, and search ranks by tiers instead. The price is that
removing a row needs the values it was indexed with; they are computed again from the attendee row
(search_values is deterministic), which is why every write goes through this module.
The attendee code is not in the index: an exact code and a code prefix are found by the code's own
unique index (Store.search), and the random part of 1,000,000 codes made a third of the index.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import time
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from checkin_desk.util.textnorm import fold

INSERT = "INSERT INTO attendee_search (rowid, names, company, email) VALUES (?, ?, ?, ?)"
DELETE = "INSERT INTO attendee_search (attendee_search, rowid, names, company, email) VALUES ('delete', ?, ?, ?, ?)"
CREATE = """
CREATE VIRTUAL TABLE attendee_search USING fts5(
    names, company, email,
    tokenize = "unicode61 remove_diacritics 0",
    prefix = '2 3',
    content = '',
    detail = column,
    columnsize = 0
)"""

# Names and companies repeat a lot across a list: fold each distinct value once.
_fold_cached = lru_cache(maxsize=65536)(fold)


def _folded(text: str) -> str:
    # Plain ASCII needs no folding: the unicode61 tokenizer splits it on the same characters as
    # fold() and lower-cases it, so both give the same tokens (test_search_index checks it). This
    # spares a million e-mail addresses their Python pass in a large import.
    return text if text.isascii() else _fold_cached(text)


def columns(first: str, last: str, company: str, email: str) -> tuple[str, str, str]:
    """The index's three columns: names, company, e-mail, folded (accents, Arabic letter forms, case)."""
    return (f"{_folded(first)} {_folded(last)}", _folded(company), _folded(email))


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


def adopt(conn: sqlite3.Connection, built: str | Path) -> None:
    """Make the index the one another SQLite file holds, built there by CREATE and INSERT.

    A first import's parser process builds the index while this process writes the attendee rows
    (import_worker), so that the two halves of the work run on two cores. An FTS5 index is
    ordinary rows in its shadow tables; copying them gives the same index as inserting every row
    here (tests compare every token). Only for an empty index, in the caller's transaction.
    """
    # Quoted: a folder named "Salon #3" or "100% pro" must not cut or change the URI.
    source = sqlite3.connect(f"file:{quote(Path(built).as_posix())}?mode=ro", uri=True)
    try:
        tables = _shadow_tables(source)
        # A new table: this connection's FTS5 object may keep the old index's layout in memory.
        conn.execute("DROP TABLE attendee_search")
        conn.execute(CREATE)
        if tables != _shadow_tables(conn):
            raise RuntimeError(f"the search index built in {built} has other tables: {tables}")
        for table in tables:
            conn.execute(f"DELETE FROM {table}")
            rows = source.execute(f"SELECT * FROM {table}")
            while batch := rows.fetchmany(500):
                conn.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(batch[0]))})", batch)
    finally:
        source.close()


def _shadow_tables(conn: sqlite3.Connection) -> list[str]:
    return [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'attendee\\_search\\_%' "
            "ESCAPE '\\' ORDER BY name"
        )
    ]


class Builder:
    """The index built in a file of its own (see adopt): no journal, no sync, it is thrown away on
    any failure. Rows are added in the order of their ids, which keeps FTS5's position lists appending."""

    def __init__(self, path: str | Path):
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode = OFF")
        self.conn.execute("PRAGMA synchronous = OFF")
        self.conn.execute("PRAGMA cache_size = -8192")
        self.conn.execute(CREATE)
        # Merge segments 16 at a time instead of 4 while building: a quarter less work for
        # 1,000,000 rows, and searches are as fast (measured). finish() removes the setting again,
        # so that the adopted index behaves as one built row by row.
        self.conn.execute("INSERT INTO attendee_search (attendee_search, rank) VALUES ('automerge', 16)")
        self.conn.execute("BEGIN")

    def add(self, numbered_rows: Iterable[tuple]) -> None:
        """Rows as (id, *values in store.ATTENDEE_FIELDS order)."""
        self.conn.executemany(INSERT, [(row[0], *search_values(row[1:])) for row in numbered_rows])

    def finish(self) -> None:
        self.conn.execute("DELETE FROM attendee_search_config WHERE k = 'automerge'")
        self.conn.execute("COMMIT")
        self.conn.close()

    def abandon(self) -> None:
        self.conn.close()


# fold() depends on Python's Unicode tables, which a Python upgrade may change; a row indexed under
# one version and removed under another would leave words behind (a contentless index cannot check
# itself). The version that built the index is kept, and the index is built again when it differs.
UNICODE_SETTING = "search_index_unicode"


def reindex_if_unicode_changed(conn: sqlite3.Connection) -> bool:
    """Called when an event database is opened; returns whether it re-indexed."""
    current = json.dumps(unicodedata.unidata_version)
    query = "SELECT value FROM settings WHERE key = ?"
    if (row := conn.execute(query, (UNICODE_SETTING,)).fetchone()) and row[0] == current:
        return False
    conn.execute("BEGIN IMMEDIATE")
    try:
        row = conn.execute(query, (UNICODE_SETTING,)).fetchone()  # another connection may have done it
        rebuilt = row is not None and row[0] != current
        if rebuilt:
            clear(conn)
            fill(conn)
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (UNICODE_SETTING, current),
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return rebuilt


# -- scratch files ----------------------------------------------------------------------------------
#
# A first import's Builder writes into a scratch file: owner-only, beside the event database (or in
# the system's temporary folder when that folder cannot be written), removed when the import ends.
# A killed import leaves its file; the next import removes it once it is this old, which no running
# import's file can be (it is written continuously). A purge removes them all: they hold words of
# attendees' names.
SCRATCH_PREFIX = ".import-search-"
SCRATCH_STALE_SECONDS = 24 * 3600


def _scratch_folders(db_path: str) -> list[Path]:
    folders = [Path(tempfile.gettempdir())]
    if db_path != ":memory:":
        folders.insert(0, Path(db_path).resolve().parent)
    return folders


def new_scratch_file(db_path: str) -> Path:
    for folder in _scratch_folders(db_path):
        try:
            fd, name = tempfile.mkstemp(prefix=SCRATCH_PREFIX, suffix=".sqlite", dir=folder)
        except OSError:  # a folder we may read but not write: try the next
            continue
        os.close(fd)
        return Path(name)
    raise OSError(f"no folder to write an import's scratch file in ({_scratch_folders(db_path)})")


def sweep_scratch_files(db_path: str, older_than: float = SCRATCH_STALE_SECONDS) -> list[Path]:
    """Remove the scratch files that are `older_than` seconds old (all of them when 0: a purge must
    not keep one because the machine's clock is behind its mtime); returns those removed."""
    removed = []
    for folder in _scratch_folders(db_path):
        for old in folder.glob(f"{SCRATCH_PREFIX}*.sqlite"):
            try:
                if older_than <= 0 or time.time() - old.stat().st_mtime >= older_than:
                    old.unlink()
                    removed.append(old)
            except OSError:  # gone meanwhile, or not ours to remove
                pass
    return removed
