"""The hub's PostgreSQL schema, versioned like the desk's: one migration per change, never edited.

Pulls follow a change cursor `(txid, seq)`: every row carries the id of the transaction that last
wrote it (`txid`, xid8) and a number from one sequence (`seq`). A desk only pulls rows whose
transaction is older than the oldest still running in the hub's database (see `hub._HORIZON`), so
a row written by a slow transaction can never slip in behind a cursor that already moved past it.

Desks connect with their own role (default `checkin_desk`): read what they pull, insert scans,
walk-ins, attendee edits and revocations (raise a revocation's bound), cancel a check-in, lock an
attendee row for an online decision. No DELETE, no DDL, nothing else.
"""

from __future__ import annotations

import re

import psycopg
from psycopg import sql

HUB_APPLICATION = "checkin-desk hub"

V1 = """
CREATE TABLE hub_meta (
    key text PRIMARY KEY,
    value text NOT NULL
);
CREATE SEQUENCE change_seq;
CREATE FUNCTION bump_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.txid := pg_current_xact_id();
    NEW.seq := nextval('change_seq');
    RETURN NEW;
END $$;

CREATE TABLE hub_settings (
    key text PRIMARY KEY,
    value jsonb NOT NULL,
    txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    seq bigint NOT NULL DEFAULT nextval('change_seq')
);
CREATE INDEX hub_settings_changes ON hub_settings (txid, seq);
CREATE TRIGGER hub_settings_change BEFORE UPDATE ON hub_settings
    FOR EACH ROW WHEN (OLD.value IS DISTINCT FROM NEW.value) EXECUTE FUNCTION bump_change();

CREATE TABLE attendees (
    code text PRIMARY KEY,
    first_name text NOT NULL DEFAULT '',
    last_name text NOT NULL DEFAULT '',
    company text NOT NULL DEFAULT '',
    job_title text NOT NULL DEFAULT '',
    country text NOT NULL DEFAULT '',
    email text NOT NULL DEFAULT '',
    phone text NOT NULL DEFAULT '',
    category text NOT NULL DEFAULT 'visitor',
    days text NOT NULL DEFAULT '',
    status text NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'cancelled', 'blocked')),
    notes text NOT NULL DEFAULT '',
    origin text NOT NULL DEFAULT 'import',
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    seq bigint NOT NULL DEFAULT nextval('change_seq')
);
CREATE INDEX attendees_changes ON attendees (txid, seq);
CREATE TRIGGER attendees_change BEFORE UPDATE ON attendees
    FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW) EXECUTE FUNCTION bump_change();

CREATE TABLE scans (
    uuid uuid PRIMARY KEY,
    code text NOT NULL,
    raw text NOT NULL DEFAULT '',
    attendee_code text,
    at timestamptz NOT NULL,                         -- the desk's clock: shown, never used to order
    day text NOT NULL,
    hub_at timestamptz NOT NULL DEFAULT clock_timestamp(),  -- received by the hub: the order on the hub
    desk text NOT NULL,
    operator text NOT NULL DEFAULT '',
    kind text NOT NULL CHECK (kind IN ('entry', 'badge')),
    status text NOT NULL,
    admitted boolean NOT NULL,
    reentry boolean NOT NULL DEFAULT false,
    badge boolean NOT NULL DEFAULT false,
    offline boolean NOT NULL,                        -- decided on the desk, not on the hub
    override_reason text,
    cancelled_at timestamptz,
    cancel_reason text,
    hub_status text,                                 -- what the hub's rules said when an offline scan arrived
    txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    seq bigint NOT NULL DEFAULT nextval('change_seq')
);
CREATE INDEX scans_by_attendee ON scans (attendee_code, hub_at) WHERE admitted AND kind = 'entry';
CREATE INDEX scans_changes ON scans (txid, seq);
CREATE TRIGGER scans_change BEFORE UPDATE ON scans
    FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW) EXECUTE FUNCTION bump_change();

-- Walk-ins and attendee edits made at desks, as received (the attendees table holds the result).
CREATE TABLE attendee_changes (
    change_key text PRIMARY KEY,                     -- desk uid + outbox id: a re-push is a no-op
    code text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('walk_in', 'edit')),
    desk text NOT NULL,
    payload jsonb NOT NULL,
    hub_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE VIEW walk_ins AS
    SELECT code, desk, hub_at, payload FROM attendee_changes WHERE kind = 'walk_in';

-- Other desk records worth keeping centrally (audit entries, reprints).
CREATE TABLE desk_events (
    change_key text PRIMARY KEY,
    desk text NOT NULL,
    kind text NOT NULL,
    ref text NOT NULL,
    payload jsonb NOT NULL,
    hub_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE desks (
    name text PRIMARY KEY,
    uid text NOT NULL,
    last_contact timestamptz NOT NULL DEFAULT clock_timestamp(),
    last_push timestamptz,
    pushed bigint NOT NULL DEFAULT 0,
    clock_skew_s double precision NOT NULL DEFAULT 0,   -- desk clock minus hub clock, at last contact
    pending bigint NOT NULL DEFAULT 0,                  -- rows waiting in the desk's outbox, at last contact
    app_version text NOT NULL DEFAULT ''
);

-- Offline scans the hub would have decided differently (e.g. one pass admitted at two desks while
-- they were apart). Both entries are kept; this says which one came second and why.
CREATE TABLE conflicts (
    id bigserial PRIMARY KEY,
    scan_uuid uuid NOT NULL UNIQUE REFERENCES scans (uuid),
    attendee_code text,
    day text NOT NULL,
    desk text NOT NULL,
    desk_status text NOT NULL,
    hub_status text NOT NULL,
    reason text NOT NULL,
    earlier_scan uuid,
    earlier_desk text,
    detected_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
"""

# Version 2: revocations of signed codes, one row per attendee code with the highest bound any desk
# sent (a signed code with issue < below_issue is refused). Pulled by desks like the other tables.
# Revocations that a version-1 hub kept as opaque desk_events are moved in.
V2 = """
CREATE TABLE revocations (
    code text PRIMARY KEY,
    below_issue integer NOT NULL CHECK (below_issue >= 0),
    revoked_at text NOT NULL DEFAULT '',             -- as the revoking desk said: shown, never used to order
    reason text NOT NULL DEFAULT '',
    desk text NOT NULL DEFAULT '',
    hub_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    seq bigint NOT NULL DEFAULT nextval('change_seq')
);
CREATE INDEX revocations_changes ON revocations (txid, seq);
CREATE TRIGGER revocations_change BEFORE UPDATE ON revocations
    FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW) EXECUTE FUNCTION bump_change();

INSERT INTO revocations (code, below_issue, revoked_at, reason, desk)
SELECT DISTINCT ON (code) code, below_issue, revoked_at, reason, desk FROM (
    SELECT upper(trim(payload->>'code')) AS code,
           least((payload->>'below_issue')::bigint, 2147483647)::integer AS below_issue,
           coalesce(payload->>'revoked_at', '') AS revoked_at,
           coalesce(payload->>'reason', '') AS reason, desk, hub_at
    FROM desk_events
    WHERE kind = 'revocation' AND payload->>'code' <> ''
      AND payload->>'below_issue' ~ '^[0-9]{1,18}$'
) old
ORDER BY code, below_issue DESC, hub_at;

-- Desk roles of a version-1 hub get the new table even when `hub init --no-desk-role` migrates it.
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT DISTINCT grantee FROM information_schema.role_table_grants
             WHERE table_name = 'desk_events' AND privilege_type = 'INSERT' AND grantee <> current_user
    LOOP
        EXECUTE format('GRANT SELECT, INSERT, UPDATE ON revocations TO %I', r.grantee);
    END LOOP;
END $$;
"""

# Version 3: the issue number of the signed code a scan read (NULL for plain codes and for scans
# pushed by older desks). An offline scan of a code that a re-issued pass revoked is admitted by a
# desk that had not pulled the revocation; with its issue on the hub, reconciliation flags it.
V3 = """
ALTER TABLE scans ADD COLUMN issue integer;
"""

# Version 4: lists from registration systems (desk schema 7): a pass registered but not yet paid
# ('unpaid', refused at the door with that reason), and the name in Latin letters beside a name in
# another script. The CHECK is replaced by its wider form; no existing row changes.
V4 = """
ALTER TABLE attendees DROP CONSTRAINT IF EXISTS attendees_status_check;
ALTER TABLE attendees ADD CONSTRAINT attendees_status_check
    CHECK (status IN ('valid', 'cancelled', 'blocked', 'unpaid'));
ALTER TABLE attendees ADD COLUMN first_name_latin text NOT NULL DEFAULT '';
ALTER TABLE attendees ADD COLUMN last_name_latin text NOT NULL DEFAULT '';
"""

# Each entry is applied once, in order; never edit a released one, add a new one.
MIGRATIONS: list[str] = [V1, V2, V3, V4]
HUB_SCHEMA_VERSION = len(MIGRATIONS)

# What a desk role may do, table by table.
DESK_GRANTS: tuple[tuple[str, str], ...] = (
    ("hub_meta", "SELECT"),
    ("hub_settings", "SELECT"),
    ("attendees", "SELECT, INSERT, UPDATE"),  # walk-ins, edits, and the row lock of an online decision
    ("scans", "SELECT, INSERT, UPDATE"),  # UPDATE: cancelling a check-in, an offline record superseding
    ("attendee_changes", "SELECT, INSERT"),
    ("desk_events", "SELECT, INSERT"),
    ("desks", "SELECT, INSERT, UPDATE"),
    ("conflicts", "SELECT, INSERT"),
    ("walk_ins", "SELECT"),
    ("revocations", "SELECT, INSERT, UPDATE"),  # UPDATE: only ever to a higher bound (hub.receive)
)
DESK_SEQUENCES = ("change_seq", "conflicts_id_seq")


class HubSchemaError(Exception):
    """The database is not a hub this desk can use; the message says what to do."""


def hub_version(conn: psycopg.Connection) -> int | None:
    """The hub's schema version, or None when the database has no hub schema."""
    exists = conn.execute("SELECT to_regclass('hub_meta') IS NOT NULL").fetchone()[0]
    if not exists:
        return None
    row = conn.execute("SELECT value FROM hub_meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else None


def check_version(conn: psycopg.Connection) -> int:
    """Refuse a database that is not a hub, or a hub of a newer (or older) schema than ours."""
    version = hub_version(conn)
    if version is None:
        raise HubSchemaError(
            "this database is not a checkin-desk hub (create it with `checkin-desk hub init`)"
        )
    if version > HUB_SCHEMA_VERSION:
        raise HubSchemaError(
            f"the hub has schema version {version}, newer than this checkin-desk knows ({HUB_SCHEMA_VERSION}): "
            "update checkin-desk on this desk; nothing was changed"
        )
    if version < HUB_SCHEMA_VERSION:
        raise HubSchemaError(
            f"the hub has schema version {version}, older than this checkin-desk ({HUB_SCHEMA_VERSION}): "
            "run `checkin-desk hub init` on it to migrate"
        )
    return version


def migrate(conn: psycopg.Connection) -> tuple[int, int]:
    """Create or migrate the hub schema. Returns (version before, version after)."""
    with conn.transaction():
        # Two `hub init` at once: the second waits, then finds the work done.
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('checkin-desk hub migrate'))")
        before = hub_version(conn) or 0
        if before > HUB_SCHEMA_VERSION:
            raise HubSchemaError(
                f"the hub has schema version {before}, newer than this checkin-desk knows "
                f"({HUB_SCHEMA_VERSION}); nothing was changed"
            )
        for number, script in enumerate(MIGRATIONS[before:], start=before + 1):
            conn.execute(script)
            conn.execute(
                "INSERT INTO hub_meta (key, value) VALUES ('schema_version', %s) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(number),),
            )
        conn.execute(
            "INSERT INTO hub_meta (key, value) VALUES ('application', %s), ('hub_id', gen_random_uuid()::text) "
            "ON CONFLICT (key) DO NOTHING",
            (HUB_APPLICATION,),
        )
    return before, HUB_SCHEMA_VERSION


_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def ensure_desk_role(conn: psycopg.Connection, role: str, password: str | None) -> bool:
    """Create (or update the password of) the desks' role and grant it what desks need, nothing more.

    Returns True when the role was created.
    """
    if not _ROLE_NAME.match(role):
        raise HubSchemaError(f"role name {role!r}: use lower-case letters, digits and _")
    with conn.transaction():
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
        ident = sql.Identifier(role)
        if not exists:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(ident))
        if password is not None:
            # Hashed on this side (as psql's \password does): the server's log never sees the password.
            hashed = conn.pgconn.encrypt_password(password.encode(), role.encode(), b"scram-sha-256").decode()
            conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(ident, sql.Literal(hashed)))
        dbname = conn.info.dbname
        conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(dbname), ident))
        conn.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(ident))
        for table, privileges in DESK_GRANTS:
            conn.execute(sql.SQL(f"GRANT {privileges} ON {{}} TO {{}}").format(sql.Identifier(table), ident))
        for sequence in DESK_SEQUENCES:
            conn.execute(sql.SQL("GRANT USAGE ON SEQUENCE {} TO {}").format(sql.Identifier(sequence), ident))
    return not exists
