"""The event database's schema, one migration per change.

`PRAGMA user_version` holds the number of migrations applied; `PRAGMA application_id` marks the
file as ours so that we never migrate (and so never alter) somebody else's SQLite file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from checkin_desk.storage import search_index

APPLICATION_ID = 0x43484B44  # "CHKD"

V1 = """
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL            -- JSON
);
CREATE TABLE categories (
    key TEXT PRIMARY KEY,
    label_fr TEXT NOT NULL,
    label_en TEXT NOT NULL,
    label_ar TEXT NOT NULL,
    colour TEXT NOT NULL,          -- #RRGGBB, used on colour badges
    position INTEGER NOT NULL DEFAULT 100
);
CREATE TABLE attendees (
    id INTEGER PRIMARY KEY,        -- rowid, shared with the search index
    code TEXT NOT NULL UNIQUE,     -- what the QR holds, normalised (codes.normalise)
    first_name TEXT NOT NULL DEFAULT '',
    last_name TEXT NOT NULL DEFAULT '',
    company TEXT NOT NULL DEFAULT '',
    job_title TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT 'visitor',
    days TEXT NOT NULL DEFAULT '', -- comma-separated ISO dates; '' = every day of the event
    status TEXT NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'cancelled', 'blocked')),
    notes TEXT NOT NULL DEFAULT '',
    origin TEXT NOT NULL DEFAULT 'import',   -- import | walk_in | demo | hub
    updated_at TEXT NOT NULL
);
CREATE VIRTUAL TABLE attendee_search USING fts5(
    names, company, email,
    tokenize = "unicode61 remove_diacritics 0",
    prefix = '2 3'
);
CREATE TABLE scans (
    uuid TEXT PRIMARY KEY,
    code TEXT NOT NULL,            -- normalised code; '' when the scan was malformed
    raw TEXT NOT NULL DEFAULT '',  -- what was scanned, when it was not a code (truncated)
    attendee_code TEXT,            -- NULL when no attendee matched
    at TEXT NOT NULL,              -- desk clock, UTC ISO 8601
    day TEXT NOT NULL,             -- event-local day of `at`
    hub_at TEXT,                   -- when the hub received it (hub clock), once synced
    desk TEXT NOT NULL,
    operator TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL CHECK (kind IN ('entry', 'badge')),
    status TEXT NOT NULL,
    admitted INTEGER NOT NULL,
    reentry INTEGER NOT NULL DEFAULT 0,
    badge INTEGER NOT NULL DEFAULT 0,        -- this scan queued the attendee's badge
    offline INTEGER NOT NULL DEFAULT 1,      -- decided on this desk, not on the hub
    override_reason TEXT,                    -- a supervisor admitted despite a refusal
    cancelled_at TEXT,                       -- a supervisor cancelled this check-in
    cancel_reason TEXT,
    origin TEXT NOT NULL DEFAULT 'local'     -- local | hub (another desk's scan, pulled)
);
CREATE INDEX scans_by_attendee ON scans (attendee_code, at) WHERE admitted = 1;
CREATE INDEX scans_by_time ON scans (at);
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,            -- scan | attendee | scan_cancel | audit | print_job
    ref TEXT NOT NULL,             -- uuid or code of the row it carries
    payload TEXT NOT NULL,         -- JSON
    created_at TEXT NOT NULL
);
CREATE TABLE printers (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL,            -- escpos-network | escpos-usb | escpos-serial | escpos-file | escpos-cups | cups | pdf-folder
    target TEXT NOT NULL,          -- host:port, vid:pid, device, queue or folder
    profile TEXT,                  -- printer profile (dot width, dpi, cutter)
    template TEXT,                 -- badge template; NULL = by category
    pool_order INTEGER NOT NULL DEFAULT 0,   -- position in the desk's pool; lower first
    enabled INTEGER NOT NULL DEFAULT 1,
    options TEXT NOT NULL DEFAULT '{}'       -- JSON
);
CREATE TABLE print_jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    attendee_code TEXT NOT NULL,
    scan_uuid TEXT,
    reprint INTEGER NOT NULL DEFAULT 0,
    reason TEXT,                   -- why a reprint was made
    allowed_by TEXT,               -- who allowed it
    template TEXT,
    printer TEXT,                  -- printer it was last given to
    state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sending', 'printed', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    next_attempt_at TEXT,
    desk TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    printed_at TEXT
);
CREATE INDEX print_jobs_open ON print_jobs (state, id);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    desk TEXT NOT NULL,
    operator TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    details TEXT NOT NULL DEFAULT '{}',      -- JSON
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
"""

# The print queue: failures on the printer a job currently has, so that "move to the next
# printer after N failures" survives a restart; and the worker's lookup of its desk's next job.
V2_PRINT_QUEUE = """
ALTER TABLE print_jobs ADD COLUMN printer_attempts INTEGER NOT NULL DEFAULT 0;
CREATE INDEX print_jobs_by_desk ON print_jobs (desk, state, id);
"""

# Reports: covering partial indexes so that attendance figures read small indexes in order
# instead of the whole scans table. The WHERE clauses must match reports.source.COUNTED word for word.
V3_REPORT_INDEXES = """
CREATE INDEX scans_counted_by_day ON scans (day, attendee_code, at, desk, offline, reentry)
    WHERE kind = 'entry' AND admitted = 1 AND cancelled_at IS NULL;
CREATE INDEX scans_counted_by_attendee ON scans (attendee_code, day, at, desk, offline, reentry)
    WHERE kind = 'entry' AND admitted = 1 AND cancelled_at IS NULL;
CREATE INDEX scans_counted_by_quarter
    ON scans (substr(at, 1, 13), CAST(substr(at, 15, 2) AS INTEGER) / 15, desk, day, reentry, offline)
    WHERE kind = 'entry' AND admitted = 1 AND cancelled_at IS NULL;
CREATE INDEX scans_refused ON scans (day, status, desk) WHERE admitted = 0;
CREATE INDEX scans_overrides ON scans (day) WHERE override_reason IS NOT NULL AND admitted = 1;
CREATE INDEX attendees_report ON attendees (code, category, origin, status);
CREATE INDEX attendees_by_category ON attendees (category, origin, status, days);
CREATE INDEX print_jobs_by_kind ON print_jobs (reprint, state, created_at);
CREATE INDEX scans_pulled ON scans (hub_at) WHERE origin = 'hub';
"""

# Trust at the door: staff and PIN lockouts, revoked signed codes, codes this machine signed.
V4_SECURITY = """
CREATE TABLE staff (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    role TEXT NOT NULL CHECK (role IN ('operator', 'supervisor', 'admin')),
    pin_hash TEXT NOT NULL,        -- scrypt$n$r$p$salt$hash (roles.hash_pin)
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE auth_failures (
    name TEXT PRIMARY KEY,         -- folded staff name that was tried (known or not)
    failures INTEGER NOT NULL,     -- wrong PINs in a row
    locked_until TEXT,             -- UTC ISO 8601; no attempt is checked before then
    last_failure_at TEXT NOT NULL
);
CREATE TABLE revocations (
    code TEXT PRIMARY KEY,         -- attendee code (inside the signed code)
    below_issue INTEGER NOT NULL,  -- signed codes of this attendee with issue < below_issue are refused
    revoked_at TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    origin TEXT NOT NULL DEFAULT 'local'     -- local | hub
);
CREATE TABLE issued_codes (
    code TEXT PRIMARY KEY,         -- attendee code
    issue INTEGER NOT NULL,
    token TEXT NOT NULL,           -- the signed code the badge's QR carries
    issued_at TEXT NOT NULL
);
-- The audit chain's head (audit.HEAD_SETTING), for databases whose log was written before it was kept.
INSERT OR IGNORE INTO settings (key, value)
    SELECT 'audit_head', json_object('id', id, 'hash', hash) FROM audit_log ORDER BY id DESC LIMIT 1;
"""

# The issue number of the signed code a scan read (NULL for plain codes and older scans). It travels
# to the hub with the scan, so that an offline admission of a code a re-issued pass had revoked is
# flagged there as a conflict (the desk could not know: it had not pulled the revocation yet).
V5_SCAN_ISSUE = """
ALTER TABLE scans ADD COLUMN issue INTEGER;
"""


# The search index without its own copy of the text (content=''), one position list per column
# (detail=column: queries are prefixes and column filters, never phrases) and without the attendee
# code (found by its unique index). At 1,000,000 attendees this is 65 MB instead of 209 MB, and a
# large import writes it in less than half the time. See search_index.py.
V6_SEARCH = """
CREATE VIRTUAL TABLE attendee_search USING fts5(
    names, company, email,
    tokenize = "unicode61 remove_diacritics 0",
    prefix = '2 3',
    content = '',
    detail = column,
    columnsize = 0
)"""


def v6_contentless_search(conn: sqlite3.Connection) -> None:
    from checkin_desk.util.textnorm import fold

    conn.execute("DROP TABLE attendee_search")
    conn.execute(V6_SEARCH)
    rows = conn.execute("SELECT id, first_name, last_name, company, email FROM attendees")
    while batch := rows.fetchmany(5000):
        conn.executemany(
            "INSERT INTO attendee_search (rowid, names, company, email) VALUES (?, ?, ?, ?)",
            [
                (i, f"{fold(first)} {fold(last)}", fold(company), fold(email))
                for i, first, last, company, email in batch
            ],
        )


# Lists from registration systems: a pass may be registered but not yet paid ("unpaid", refused at
# the door with that reason); a name may come with its Latin spelling; and the search index gains
# Chinese characters and pinyin, and the sound keys that let an Arabic and a Latin spelling of a
# name find each other (its words changed: it is built again).
_STATUS_CHECK = "CHECK (status IN ('valid', 'cancelled', 'blocked'))"
_STATUS_CHECK_7 = "CHECK (status IN ('valid', 'cancelled', 'blocked', 'unpaid'))"


def v7_registration_lists(conn: sqlite3.Connection) -> None:
    # Widening a CHECK constraint changes no stored row: SQLite documents editing the schema text
    # for it (https://sqlite.org/lang_altertable.html, "making other kinds of table schema changes"),
    # which spares copying every attendee into a new table.
    (sql,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'attendees'"
    ).fetchone()
    if _STATUS_CHECK not in sql:
        raise sqlite3.DatabaseError("the attendees table is not the one this migration expects")
    (version,) = conn.execute("PRAGMA schema_version").fetchone()
    conn.execute("PRAGMA writable_schema = ON")
    try:
        conn.execute(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'attendees'",
            (sql.replace(_STATUS_CHECK, _STATUS_CHECK_7),),
        )
        conn.execute(f"PRAGMA schema_version = {version + 1}")
    finally:
        conn.execute("PRAGMA writable_schema = OFF")
    conn.execute("ALTER TABLE attendees ADD COLUMN first_name_latin TEXT NOT NULL DEFAULT ''")
    conn.execute("ALTER TABLE attendees ADD COLUMN last_name_latin TEXT NOT NULL DEFAULT ''")
    conn.execute("DROP TABLE attendee_search")
    conn.execute(search_index.CREATE)
    search_index.fill(conn)
    search_index.mark_current(conn)


# A badge printed by hand before the first entry is looked up at that entry's scan (Store.has_badge).
V8_BADGES_BY_ATTENDEE = """
CREATE INDEX print_jobs_by_attendee ON print_jobs (attendee_code, state);
"""


# Each entry is applied once, in order; never edit a released one, add a new one. An entry is an
# SQL script, or a function of the connection when rows must be computed in Python.
MIGRATIONS: list[str | Callable[[sqlite3.Connection], None]] = [
    V1,
    V2_PRINT_QUEUE,
    V3_REPORT_INDEXES,
    V4_SECURITY,
    V5_SCAN_ISSUE,
    v6_contentless_search,
    v7_registration_lists,
    V8_BADGES_BY_ATTENDEE,
]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, upto: int = SCHEMA_VERSION) -> int:
    """Bring the schema up to date (or to version `upto`: how tests make the databases older
    releases made), one migration per transaction. Returns the version reached."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    for number, script in enumerate(MIGRATIONS[version:upto], start=version + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            if callable(script):
                script(conn)
            else:
                for statement in _statements(script):
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return max(version, upto)


def _statements(script: str) -> list[str]:
    # executescript() would commit our transaction; split on ';' at line ends instead.
    parts, current = [], []
    for line in script.splitlines():
        current.append(line)
        if line.rstrip().endswith(";") and sqlite3.complete_statement("\n".join(current)):
            parts.append("\n".join(current))
            current = []
    if "".join(current).strip():
        parts.append("\n".join(current))
    return parts
