"""The hub's PostgreSQL schema, versioned like the desk's: one migration per change, never edited.

Pulls follow a change cursor `(txid, seq)`: every row carries the id of the transaction that last
wrote it (`txid`, xid8) and a number from one sequence (`seq`). A desk only pulls rows whose
transaction is older than the oldest still running in the hub's database (see `hub._HORIZON`), so
a row written by a slow transaction can never slip in behind a cursor that already moved past it.

Desks connect with their own role (default `checkin_desk`): read what they pull, insert scans,
audit events, audit anchors and conflicts; walk-ins, attendee edits, cancelled check-ins, revocations
and the row lock of an online decision go through SECURITY DEFINER functions that do only that (schema 5).
No UPDATE, no DELETE, no DDL: a stolen desk credential can add to the history, not rewrite it.
"""

from __future__ import annotations

import re

import psycopg
from psycopg import sql

from checkin_desk.errors import CheckinDeskError

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

# Version 5: desks can add to the hub's history, never rewrite it. A desk role keeps SELECT and
# INSERT (scans without their hub-side columns, audit events, conflicts) and loses every UPDATE:
# what a desk may change goes through the functions below, which run as the hub's owner (SECURITY
# DEFINER) and only do that one thing — lock attendee rows for a decision, cancel a scan (kept, with
# who and why, in scan_cancels), apply a walk-in or an edit (kept in attendee_changes), raise a
# revocation's bound, record a desk's contact. The event gets its identity: a desk refuses to sync
# with the hub of another event.
V5 = """
INSERT INTO hub_settings (key, value) VALUES ('event_id', to_jsonb(gen_random_uuid()::text))
    ON CONFLICT (key) DO NOTHING;

CREATE TABLE scan_cancels (
    id bigserial PRIMARY KEY,
    scan_uuid uuid NOT NULL,
    desk text NOT NULL,
    cancelled_at timestamptz NOT NULL,               -- the desk's clock: shown, never used to order
    reason text NOT NULL DEFAULT '',
    hub_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE FUNCTION checkin_lock_attendees(p_codes text[])
RETURNS TABLE (code text, first_name text, last_name text, company text, job_title text, country text,
               email text, phone text, category text, days text, status text, notes text,
               first_name_latin text, last_name_latin text)
LANGUAGE sql SECURITY DEFINER AS $$
    SELECT a.code, a.first_name, a.last_name, a.company, a.job_title, a.country, a.email, a.phone,
           a.category, a.days, a.status, a.notes, a.first_name_latin, a.last_name_latin
    FROM attendees a WHERE a.code = ANY(p_codes) ORDER BY a.code FOR UPDATE
$$;

CREATE FUNCTION checkin_cancel_scan(p_uuid uuid, p_desk text, p_at timestamptz, p_reason text)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE changed integer;
BEGIN
    UPDATE scans SET cancelled_at = p_at, cancel_reason = left(coalesce(p_reason, ''), 500)
        WHERE uuid = p_uuid AND cancelled_at IS NULL;
    GET DIAGNOSTICS changed = ROW_COUNT;
    IF changed > 0 THEN
        INSERT INTO scan_cancels (scan_uuid, desk, cancelled_at, reason)
            VALUES (p_uuid, left(coalesce(p_desk, ''), 200), p_at, left(coalesce(p_reason, ''), 500));
    END IF;
    RETURN changed;
END $$;

CREATE FUNCTION checkin_receive_attendee(p_key text, p_desk text, p_kind text, p_payload jsonb)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    v_code text := p_payload->>'code';
    v_status text := coalesce(nullif(p_payload->>'status', ''), 'valid');
BEGIN
    IF coalesce(v_code, '') = '' OR p_kind NOT IN ('walk_in', 'edit') THEN
        RETURN 0;
    END IF;
    IF v_status NOT IN ('valid', 'cancelled', 'blocked', 'unpaid') THEN
        v_status := 'valid';
    END IF;
    INSERT INTO attendee_changes (change_key, code, kind, desk, payload)
        VALUES (p_key, v_code, p_kind, left(coalesce(p_desk, ''), 200), p_payload)
        ON CONFLICT (change_key) DO NOTHING;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;
    -- Edits arrive whole (every field); the last one the hub receives wins.
    INSERT INTO attendees (code, first_name, last_name, company, job_title, country, email, phone,
                           category, days, status, notes, first_name_latin, last_name_latin, origin)
    VALUES (v_code, coalesce(p_payload->>'first_name', ''), coalesce(p_payload->>'last_name', ''),
            coalesce(p_payload->>'company', ''), coalesce(p_payload->>'job_title', ''),
            coalesce(p_payload->>'country', ''), coalesce(p_payload->>'email', ''),
            coalesce(p_payload->>'phone', ''), coalesce(nullif(p_payload->>'category', ''), 'visitor'),
            coalesce(p_payload->>'days', ''), v_status, coalesce(p_payload->>'notes', ''),
            coalesce(p_payload->>'first_name_latin', ''), coalesce(p_payload->>'last_name_latin', ''), p_kind)
    ON CONFLICT (code) DO UPDATE SET first_name = excluded.first_name, last_name = excluded.last_name,
        company = excluded.company, job_title = excluded.job_title, country = excluded.country,
        email = excluded.email, phone = excluded.phone, category = excluded.category,
        days = excluded.days, status = excluded.status, notes = excluded.notes,
        first_name_latin = excluded.first_name_latin, last_name_latin = excluded.last_name_latin,
        updated_at = clock_timestamp();
    RETURN 1;
END $$;

CREATE FUNCTION checkin_raise_revocation(p_code text, p_below integer, p_revoked_at text, p_reason text,
                                         p_desk text)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE changed integer;
BEGIN
    IF coalesce(p_code, '') = '' OR p_below IS NULL OR p_below < 0 THEN
        RETURN 0;
    END IF;
    INSERT INTO revocations AS r (code, below_issue, revoked_at, reason, desk)
    VALUES (p_code, p_below, left(coalesce(p_revoked_at, ''), 64), left(coalesce(p_reason, ''), 500),
            left(coalesce(p_desk, ''), 200))
    ON CONFLICT (code) DO UPDATE SET below_issue = excluded.below_issue, revoked_at = excluded.revoked_at,
        reason = excluded.reason, desk = excluded.desk, hub_at = clock_timestamp()
        WHERE excluded.below_issue > r.below_issue;
    GET DIAGNOSTICS changed = ROW_COUNT;
    RETURN changed;
END $$;

CREATE FUNCTION checkin_touch_desk(p_name text, p_uid text, p_now timestamptz, p_pushed bigint,
                                   p_pending bigint, p_version text)
RETURNS double precision LANGUAGE sql SECURITY DEFINER AS $$
    INSERT INTO desks AS d (name, uid, last_contact, last_push, pushed, clock_skew_s, pending, app_version)
    VALUES (left(p_name, 200), left(p_uid, 200), clock_timestamp(),
            CASE WHEN p_pushed > 0 THEN clock_timestamp() END, greatest(p_pushed, 0),
            extract(epoch FROM (p_now - clock_timestamp())), greatest(p_pending, 0), left(p_version, 50))
    ON CONFLICT (name) DO UPDATE SET uid = excluded.uid, last_contact = excluded.last_contact,
        last_push = coalesce(excluded.last_push, d.last_push), pushed = d.pushed + excluded.pushed,
        clock_skew_s = excluded.clock_skew_s, pending = excluded.pending, app_version = excluded.app_version
    RETURNING clock_skew_s
$$;
"""

DESK_FUNCTIONS = (
    "checkin_lock_attendees(text[])",
    "checkin_cancel_scan(uuid, text, timestamptz, text)",
    "checkin_receive_attendee(text, text, text, jsonb)",
    "checkin_raise_revocation(text, integer, text, text, text)",
    "checkin_touch_desk(text, text, timestamptz, bigint, bigint, text)",
)


def v5_desks_add_never_rewrite(conn: psycopg.Connection) -> None:
    conn.execute(V5)
    # A SECURITY DEFINER function runs as the hub's owner: it must not find a desk's temporary
    # table or function before the real ones (pg_temp last), and only desk roles may call it.
    path = conn.execute("SHOW search_path").fetchone()[0]
    for function in DESK_FUNCTIONS:
        conn.execute(sql.SQL(f"ALTER FUNCTION {function} SET search_path TO {path}, pg_temp"))
        conn.execute(sql.SQL(f"REVOKE EXECUTE ON FUNCTION {function} FROM PUBLIC"))
    for role in desk_roles(conn):  # desk roles made by an older `hub init` lose their UPDATEs now
        grant_desk(conn, role)


# Version 6: audit anchors. At every sync a desk adds the count and last hash of its audit chain
# here; `audit verify` compares the desk's chain with them. A desk may add anchors but never change
# or remove one, so rewinding the chain on the desk (deleting the newest entries and the head record
# with it) no longer goes unseen once an anchor of the longer chain is on the hub. `hub_at` is the
# hub's clock: a desk cannot set it.
V6 = """
CREATE TABLE audit_anchors (
    id bigserial PRIMARY KEY,
    desk_uid text NOT NULL,                          -- as the desk's pushes are keyed (loop.DESK_UID_SETTING)
    desk text NOT NULL,
    entries bigint NOT NULL CHECK (entries > 0),
    last_hash text NOT NULL CHECK (last_hash ~ '^[0-9a-f]{64}$'),
    hub_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (desk_uid, entries, last_hash)
);
"""


def v6_audit_anchors(conn: psycopg.Connection) -> None:
    conn.execute(V6)
    for role in desk_roles(conn):
        grant_desk(conn, role)


# Each entry is applied once, in order; never edit a released one, add a new one. An entry is an
# SQL script, or a function of the connection (inside the migration's transaction).
MIGRATIONS: list = [V1, V2, V3, V4, v5_desks_add_never_rewrite, v6_audit_anchors]
HUB_SCHEMA_VERSION = len(MIGRATIONS)

# What a desk role may do, table by table: read what it pulls, add rows. Never UPDATE, DELETE or
# TRUNCATE: changes go through DESK_FUNCTIONS. Scans are inserted without the columns the hub
# sets (its receive time, cancellations, the change cursor).
DESK_SCAN_COLUMNS = (
    "uuid, code, raw, attendee_code, at, day, desk, operator, kind, status, admitted, reentry, badge, "
    "offline, override_reason, issue, hub_status"
)
DESK_GRANTS: tuple[tuple[str, str], ...] = (
    ("hub_meta", "SELECT"),
    ("hub_settings", "SELECT"),
    ("attendees", "SELECT"),
    ("scans", f"SELECT, INSERT ({DESK_SCAN_COLUMNS})"),
    ("attendee_changes", "SELECT"),
    ("desk_events", "SELECT, INSERT (change_key, desk, kind, ref, payload)"),
    ("desks", "SELECT"),
    (
        "conflicts",
        "SELECT, INSERT (scan_uuid, attendee_code, day, desk, desk_status, hub_status, reason, "
        "earlier_scan, earlier_desk)",
    ),
    ("walk_ins", "SELECT"),
    ("revocations", "SELECT"),
    ("scan_cancels", "SELECT"),
    ("audit_anchors", "SELECT, INSERT (desk_uid, desk, entries, last_hash)"),
)
DESK_SEQUENCES = ("change_seq", "conflicts_id_seq", "audit_anchors_id_seq")


class HubSchemaError(CheckinDeskError):
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
            if callable(script):
                script(conn)
            else:
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
        grant_desk(conn, role)
    return not exists


def desk_roles(conn: psycopg.Connection) -> list[str]:
    """Roles that `hub init` made desk roles (they may add audit events), other than the owner's.

    Since schema 5 that INSERT is granted on columns, which only column_privileges lists.
    """
    rows = conn.execute(
        "SELECT grantee FROM information_schema.role_table_grants "
        "WHERE table_name = 'desk_events' AND privilege_type = 'INSERT' AND grantee <> current_user "
        "UNION SELECT grantee FROM information_schema.column_privileges "
        "WHERE table_name = 'desk_events' AND privilege_type = 'INSERT' AND grantee <> current_user"
    ).fetchall()
    return sorted(r[0] for r in rows)


def grant_desk(conn: psycopg.Connection, role: str) -> None:
    """Exactly the desk privileges on this hub: everything else a role had here is taken back."""
    ident = sql.Identifier(role)
    conn.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(ident))
    conn.execute(sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {}").format(ident))
    conn.execute(sql.SQL("REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {}").format(ident))
    # A migration half-way through (version 5 granting before version 6 made its table) grants
    # what exists so far; the later migration grants the rest.
    for table, privileges in DESK_GRANTS:
        if _exists(conn, table):
            conn.execute(sql.SQL(f"GRANT {privileges} ON {{}} TO {{}}").format(sql.Identifier(table), ident))
    for sequence in DESK_SEQUENCES:
        if _exists(conn, sequence):
            conn.execute(sql.SQL("GRANT USAGE ON SEQUENCE {} TO {}").format(sql.Identifier(sequence), ident))
    for function in DESK_FUNCTIONS:
        conn.execute(sql.SQL(f"GRANT EXECUTE ON FUNCTION {function} TO {{}}").format(ident))


def _exists(conn: psycopg.Connection, relation: str) -> bool:
    return conn.execute("SELECT to_regclass(%s) IS NOT NULL", (relation,)).fetchone()[0]
