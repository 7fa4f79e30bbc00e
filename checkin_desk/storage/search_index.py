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
import re
import sqlite3
import tempfile
import time
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from urllib.parse import quote

try:
    import fcntl
except ImportError:  # Windows: scratch files are swept by age
    fcntl = None  # type: ignore[assignment]

from checkin_desk.util import romanize
from checkin_desk.util.textnorm import fold

INSERT = "INSERT INTO attendee_search (rowid, names, company, email, sounds) VALUES (?, ?, ?, ?, ?)"
DELETE = (
    "INSERT INTO attendee_search (attendee_search, rowid, names, company, email, sounds) "
    "VALUES ('delete', ?, ?, ?, ?, ?)"
)
# names: the name as written, folded, in Latin letters too when the list gives them, and for
# Chinese each character, the name whole and its pinyin; sounds: the names' sound keys (romanize),
# which Arabic and Latin spellings of one name share.
CREATE = """
CREATE VIRTUAL TABLE attendee_search USING fts5(
    names, company, email, sounds,
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


def _name_columns(first: str, last: str, first_latin: str, last_latin: str) -> tuple[str, str]:
    if first.isascii() and last.isascii() and not (first_latin or last_latin):
        # Most names of most lists: two cached look-ups, no tuple of four to hash (1,000,000 rows
        # hold nearly as many distinct names, but few distinct first or last names).
        first_keys, last_keys = _part_keys(first), _part_keys(last)
        sounds = first_keys if not last_keys else last_keys if not first_keys else f"{first_keys} {last_keys}"
        return f"{first} {last}", sounds
    return _other_name_columns(first, last, first_latin, last_latin)


@lru_cache(maxsize=65536)
def _part_keys(part: str) -> str:
    return " ".join(romanize.name_sound_keys(part))


@lru_cache(maxsize=16384)
def _other_name_columns(first: str, last: str, first_latin: str, last_latin: str) -> tuple[str, str]:
    names = [_folded(first), _folded(last), _folded(first_latin), _folded(last_latin)]
    for part in (first, last):
        if not part.isascii():
            words = _fold_cached(part).split()
            if len(words) > 1 and romanize.has_arabic(part):
                names.append("".join(words))  # عبد الله is also found as عبدالله
    if romanize.has_cjk(first + last):
        names.extend(romanize.chinese_name_terms(first, last))
    sounds = romanize.name_sound_keys(first, last, first_latin, last_latin)
    return " ".join(n for n in names if n), " ".join(sounds)


def columns(
    first: str, last: str, company: str, email: str, first_latin: str = "", last_latin: str = ""
) -> tuple[str, str, str, str]:
    """The index's columns: names, company, e-mail, folded (accents, Arabic letter forms, case), and sounds."""
    names, sounds = _name_columns(first, last, first_latin, last_latin)
    return (names, _folded(company), _folded(email), sounds)


def search_values(values: tuple) -> tuple[str, str, str, str]:
    """The index's columns for one attendee row (in store.ATTENDEE_FIELDS order)."""
    return columns(values[1], values[2], values[3], values[6], values[12], values[13])


def remove(conn: sqlite3.Connection, rows: Iterable[tuple]) -> None:
    """Take attendees out of the index; each row is (id, *values in ATTENDEE_FIELDS order) as stored."""
    conn.executemany(DELETE, ((row[0], *search_values(row[1:])) for row in rows))


def clear(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO attendee_search (attendee_search) VALUES ('delete-all')")


def fill(conn: sqlite3.Connection) -> None:
    """Index every attendee (the migration that made the index contentless; the table starts empty)."""
    rows = conn.execute(
        "SELECT id, first_name, last_name, company, email, first_name_latin, last_name_latin FROM attendees"
    )
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


def index_version() -> str:
    """What the index's words depend on: Python's Unicode tables, the sound keys, pypinyin's data."""
    try:
        pinyin = metadata.version("pypinyin")
    except metadata.PackageNotFoundError:
        pinyin = ""
    return json.dumps([unicodedata.unidata_version, romanize.VERSION, pinyin])


def reindex_if_unicode_changed(conn: sqlite3.Connection) -> bool:
    """Called when an event database is opened; returns whether it re-indexed."""
    current = json.dumps(index_version())
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
        mark_current(conn)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return rebuilt


def mark_current(conn: sqlite3.Connection) -> None:
    """Record that the index holds what this version's search_values give (in the caller's transaction)."""
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (UNICODE_SETTING, json.dumps(index_version())),
    )


# -- scratch files ----------------------------------------------------------------------------------
#
# A first import's Builder writes into a scratch file: owner-only, beside the event database (or in
# the system's temporary folder when that folder cannot be written), removed when the import ends.
# The import holds an exclusive lock on it (flock) while it runs; the kernel drops the lock when the
# process dies, however it dies. The next import removes a scratch file nobody holds at once (it
# holds words of attendees' names); where locks are not available, once it is a day old, which no
# running import's file can be (it is written continuously). A purge removes them all.
SCRATCH_PREFIX = ".import-search-"
SCRATCH_STALE_SECONDS = 24 * 3600
_HELD: dict[str, int] = {}  # scratch file -> the descriptor that holds its lock


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
        if fcntl is not None:
            os.set_inheritable(fd, False)
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        _HELD[name] = fd
        return Path(name)
    raise OSError(f"no folder to write an import's scratch file in ({_scratch_folders(db_path)})")


def remove_scratch_file(path: Path) -> None:
    path.unlink(missing_ok=True)
    if (fd := _HELD.pop(str(path), None)) is not None:
        os.close(fd)


def _held_by_a_live_import(path: Path) -> bool | None:
    """Whether a running import holds this scratch file; None when locks cannot tell."""
    if fcntl is None:
        return None
    if str(path) in _HELD:
        return True
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:  # a file system without flock
        return None
    finally:
        os.close(fd)
    return False


def sweep_scratch_files(db_path: str, older_than: float = SCRATCH_STALE_SECONDS) -> list[Path]:
    """Remove the scratch files of imports that are no longer running (or `older_than` seconds old
    where that cannot be told); returns those removed. 0 removes them all, whatever their mtime
    says: a purge must not keep one because the machine's clock is behind."""
    removed = []
    for folder in _scratch_folders(db_path):
        for old in folder.glob(f"{SCRATCH_PREFIX}*.sqlite"):
            try:
                held = _held_by_a_live_import(old) if older_than > 0 else False
                stale = time.time() - old.stat().st_mtime >= older_than
                if held is False or (held is None and stale):
                    old.unlink()
                    removed.append(old)
            except OSError:  # gone meanwhile, or not ours to remove
                pass
    return removed


# -- queries ------------------------------------------------------------------------------------------


def _quoted(terms: Iterable[str], prefix: bool = False) -> str:
    star = "*" if prefix else ""
    return " ".join(f'"{t}"{star}' for t in terms)


def query_tiers(text: str) -> list[str]:
    """FTS5 queries for a search, strictest first (see Store.search): each tier's rows rank above
    the next one's.

    1. every word a whole name word (for Chinese: every character);
    2. every word the start of a name word;
    3. a Chinese query in pinyin (王伟 finds Wang Wei);
    4. the sound keys (محمد finds Mohamed, Mohammed finds محمد);
    5. every word the start of a name, company or e-mail word.
    """
    # fold() keeps "_" inside a word; the index's tokenizer splits on it (and detail=column
    # refuses the phrase a split term would become).
    words = fold(text).replace("_", " ").split()[:6]
    terms: list[str] = []
    for word in words:
        if romanize.has_cjk(word):
            terms.extend(ch if romanize.is_cjk_char(ch) else "" for ch in word)
            terms.extend(re.findall(r"[^\W\u3400-\u9fff\uf900-\ufaff]+", word))
        elif len(word) > 1 or not word.isascii():
            terms.append(word)
    terms = [t for t in dict.fromkeys(terms) if t][:8]
    tiers: list[str] = []
    if terms:
        tiers.append(f"names: ({_quoted(terms)})")
        tiers.append(f"names: ({_quoted(terms, prefix=True)})")
    if romanize.has_cjk(text):
        pinyin = [f"({_quoted(a)})" for word in words for a in romanize.cjk_query_alternatives(word)]
        if pinyin:
            tiers.append(f"names: ({' OR '.join(pinyin[:12])})")
    sounds = [f"({_quoted(k.lower() for k in keys)})" for keys in romanize.query_sound_keys(text)]
    if sounds:
        tiers.append(f"sounds: ({' OR '.join(sounds)})")
    if terms:
        tiers.append(_quoted(terms, prefix=True))
    return tiers
