"""Signed codes through the hub: revocations and the event's public key reach every desk by sync."""

from __future__ import annotations

import json
import uuid

import psycopg
import pytest

from checkin_desk import cli
from checkin_desk.domain.models import Status
from checkin_desk.sync import hub as hubsql
from checkin_desk.sync import hub_schema
from checkin_desk.sync.loop import HUB_DSN_SETTING
from checkin_desk.trust import keys, signing
from sync.conftest import HUB_EVENT, admin_query, as_released

pytestmark = pytest.mark.hub


@pytest.fixture
def event_key():
    """The event's key pair; the private file sits in the test's own config dir."""
    path, public = keys.generate()
    return keys.load_private(path), public


def run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _reissue_at_a(make_desk, dsn_a, event_key):
    key, public = event_key
    a = make_desk("desk-a", dsn_a)
    signing.set_public_key(a.store, public)
    a.sync()
    old = signing.issue(a.store, a.store.lookup("SCE-1"), key)
    new = a.desk.reissue_pass("SCE-1", reason="badge lost", supervisor="sara")
    assert a.sync().pushed >= 1
    return a, old, new


def test_reissue_at_one_desk_refuses_the_old_code_at_another_after_sync_offline(
    hub_dsn, hub_admin_dsn, make_desk, proxy, event_key
):
    b = make_desk("desk-b", proxy.dsn(hub_dsn))
    signing.set_public_key(b.store, event_key[1])
    b.sync()
    _, old, new = _reissue_at_a(make_desk, hub_dsn, event_key)
    assert admin_query(hub_admin_dsn, "SELECT code, below_issue, desk FROM revocations") == [
        ("SCE-1", 1, "desk-a")
    ]
    report = b.sync()
    assert report.pulled_revocations == 1
    assert signing.revocation(b.store, "SCE-1") == 1
    assert b.sync().pulled_revocations == 0  # its own cursor: not pulled twice
    proxy.cut()
    refused = b.desk.scan(old)
    assert (refused.status, refused.admitted, refused.offline) == (Status.CANCELLED, False, True)
    assert "replaced" in refused.message
    b.clock.advance(5)
    admitted = b.desk.scan(new)
    assert admitted.status is Status.OK and admitted.offline


def test_reissue_at_one_desk_refuses_the_old_code_at_another_online(
    hub_dsn, hub_admin_dsn, make_desk, event_key
):
    b = make_desk("desk-b", hub_dsn)
    signing.set_public_key(b.store, event_key[1])
    b.sync()
    _, old, new = _reissue_at_a(make_desk, hub_dsn, event_key)
    # B has not pulled the revocation yet, but it is online: the hub itself refuses the old issue.
    refused = b.desk.scan(old)
    assert (refused.status, refused.admitted, refused.offline) == (Status.CANCELLED, False, False)
    assert admin_query(hub_admin_dsn, "SELECT status, admitted FROM scans WHERE desk = 'desk-b'") == [
        ("cancelled", False)
    ]
    b.sync()
    b.clock.advance(5)
    assert b.desk.scan(old).status is Status.CANCELLED  # and after the sync, on the desk itself
    b.clock.advance(5)
    admitted = b.desk.scan(new)
    assert admitted.status is Status.OK and not admitted.offline


def test_hub_keeps_the_highest_bound_per_code_and_ignores_junk(hub_dsn, make_desk):
    policy = None
    with psycopg.connect(hub_dsn) as conn:
        policy = hubsql.policy(conn)
        items = [
            (1, "revocation", "SCE-2", {"code": "SCE-2 ", "below_issue": 3, "reason": "lost"}),
            (2, "revocation", "SCE-2", {"code": "SCE-2", "below_issue": 2, "reason": "older"}),
            (3, "revocation", "X", {"code": "", "below_issue": 5}),
            (4, "revocation", "X", {"code": "SCE-3", "below_issue": "many"}),
            (5, "revocation", "X", {"code": "SCE-3", "below_issue": -1}),
        ]
        with conn.transaction():
            first = hubsql.receive(conn, "desk-x", "uid:desk-x", items, policy)
        with conn.transaction():
            again = hubsql.receive(conn, "desk-x", "uid:desk-x", items, policy)  # a re-push
        assert (first.revocations, again.revocations) == (1, 0)
        assert conn.execute("SELECT code, below_issue, reason FROM revocations").fetchall() == [
            ("SCE-2", 3, "lost")
        ]
    d = make_desk("desk-1", hub_dsn)
    assert d.sync().pulled_revocations == 1 and signing.revocation(d.store, "SCE-2") == 3
    with psycopg.connect(hub_dsn) as conn, conn.transaction():
        hubsql.receive(
            conn,
            "desk-y",
            "uid:desk-y",
            [(1, "revocation", "SCE-2", {"code": "SCE-2", "below_issue": 4})],
            policy,
        )
    assert d.sync().pulled_revocations == 1 and signing.revocation(d.store, "SCE-2") == 4


def test_a_version_1_hub_is_migrated_by_hub_init_and_keeps_its_revocations(
    hub_admin_dsn, tmp_path, capsys, monkeypatch
):
    role = "desk_v1_" + hub_admin_dsn.rsplit("_", 1)[-1][:8]
    # A hub as the previous release made it: schema 1 and a desk role with schema 1's grants.
    with monkeypatch.context() as m:
        as_released(m, 1)
        with psycopg.connect(hub_admin_dsn, autocommit=True) as conn:
            assert hub_schema.migrate(conn) == (0, 1)
            hub_schema.ensure_desk_role(conn, role, "v1-secret")
            # Version 1 kept pushed revocations as opaque desk events.
            for key, payload in (
                ("u:1", '{"code": "SCE-1", "below_issue": 1, "reason": "lost"}'),
                ("u:2", '{"code": "SCE-1", "below_issue": 2, "reason": "lost again"}'),
                ("u:3", '{"code": "SCE-4", "below_issue": "junk"}'),
            ):
                conn.execute(
                    "INSERT INTO desk_events (change_key, desk, kind, ref, payload) "
                    "VALUES (%s, 'desk-1', 'revocation', 'x', %s::jsonb)",
                    (key, payload),
                )
    try:
        code, out, err = run(capsys, "hub", "init", "--dsn", hub_admin_dsn, "--no-desk-role")
        assert code == 0, err
        assert f"schema version 1 -> {hub_schema.HUB_SCHEMA_VERSION}" in out
        assert admin_query(hub_admin_dsn, "SELECT code, below_issue, reason FROM revocations") == [
            ("SCE-1", 2, "lost again")
        ]
        # The old desk role may use the new table without `hub init` touching roles.
        desk_dsn = psycopg.conninfo.make_conninfo(hub_admin_dsn, user=role, password="v1-secret")
        with psycopg.connect(desk_dsn) as conn:
            items, cursor = hubsql.pull_revocations(conn, hubsql.START)
            assert [i["code"] for i in items] == ["SCE-1"] and cursor != hubsql.START
        code, out, err = run(capsys, "hub", "init", "--dsn", hub_admin_dsn, "--no-desk-role")
        assert "up to date" in out
    finally:
        admin_query(hub_admin_dsn, f"DROP OWNED BY {role}")
        admin_query(hub_admin_dsn, f"DROP ROLE IF EXISTS {role}")


def test_published_public_key_lets_a_desk_that_never_had_one_verify_after_one_sync(
    hub_dsn, hub_admin_dsn, make_desk, tmp_path, capsys, event_key
):
    key, public = event_key
    made_here = tmp_path / "keymaker.sqlite"
    assert (
        run(capsys, "--db", str(made_here), "event", "create", "--name", "Expo", "--days", "2027-04-18")[0]
        == 0
    )
    assert run(capsys, "--db", str(made_here), "keys", "import-public", public)[0] == 0
    code, out, err = run(capsys, "--db", str(made_here), "hub", "publish-key", "--dsn", hub_admin_dsn)
    assert code == 0, err
    assert keys.fingerprint(public) in out
    settings = dict(admin_query(hub_admin_dsn, "SELECT key, value::text FROM hub_settings"))
    assert settings[signing.PUBLIC_KEY_SETTING] == f'"{public}"'
    assert not any("PRIVATE" in value for value in settings.values())  # only the public half travels

    b = make_desk("desk-b", hub_dsn)
    assert signing.public_key(b.store) is None
    token = codes_for(key, "SCE-2")
    assert b.desk.scan(token).status is Status.INVALID_SIGNATURE  # no key yet
    b.sync()
    assert signing.public_key(b.store) == public
    b.clock.advance(5)
    assert b.desk.scan(token).status is Status.OK

    # Publishing the same key again is a no-op; another key needs --replace.
    code, out, _ = run(capsys, "--db", str(made_here), "hub", "publish-key", "--dsn", hub_admin_dsn)
    assert code == 0 and "already has" in out
    other = keys.public_text(keys.Ed25519PrivateKey.generate().public_key())
    code, _, err = run(capsys, "hub", "publish-key", "--dsn", hub_admin_dsn, "--key", other)
    assert code != 0 and "--replace" in err
    code, _, err = run(capsys, "hub", "publish-key", "--dsn", hub_admin_dsn, "--key", "ed25519:nonsense")
    assert code != 0


def test_a_junk_key_on_the_hub_does_not_replace_the_desks_own(hub_dsn, hub_admin_dsn, make_desk, event_key):
    b = make_desk("desk-b", hub_dsn)
    signing.set_public_key(b.store, event_key[1])
    admin_query(
        hub_admin_dsn,
        "INSERT INTO hub_settings (key, value) VALUES (%s, to_jsonb('not a key'::text))",
        (signing.PUBLIC_KEY_SETTING,),
    )
    b.sync()
    assert signing.public_key(b.store) == event_key[1]


def codes_for(key, code: str) -> str:
    from checkin_desk.domain import codes

    return codes.sign_code(key, codes.SignedPayload(code, "visitor", ()))


def test_old_code_admitted_offline_after_a_reissue_is_a_conflict_on_the_hub(
    hub_dsn, hub_admin_dsn, make_desk, proxy, event_key, capsys
):
    """SECURITY.md's gap: desk B, offline since the pass was re-issued at A, still admits the old
    badge. The scan carries its issue number, so when it reaches the hub it is flagged."""
    b = make_desk("desk-b", proxy.dsn(hub_dsn))
    signing.set_public_key(b.store, event_key[1])
    b.sync()
    proxy.cut()  # B is cut off before the re-issue
    a, old, new = _reissue_at_a(make_desk, hub_dsn, event_key)
    assert a.desk.scan(new).status is Status.OK  # the holder of the new badge, online at A
    replayed = b.desk.scan(old)  # the old badge at B: B cannot know it was replaced
    assert (replayed.status, replayed.admitted, replayed.offline) == (Status.OK, True, True)
    assert b.store.conn.execute(
        "SELECT issue FROM scans WHERE uuid = ?", (replayed.scan_uuid,)
    ).fetchone() == (0,)
    proxy.restore()
    assert b.sync().conflicts == 1
    assert b.sync().conflicts == 0  # pushed once, judged once
    rows = admin_query(
        hub_admin_dsn, "SELECT desk, desk_status, hub_status, reason, earlier_desk FROM conflicts"
    )
    assert len(rows) == 1
    desk, desk_status, hub_status, reason, earlier_desk = rows[0]
    assert (desk, desk_status, hub_status, earlier_desk) == ("desk-b", "ok", "cancelled", "desk-a")
    assert reason.startswith("revoked badge used offline: issue 0") and "issue 1 or later" in reason
    assert admin_query(hub_admin_dsn, "SELECT desk, issue FROM scans ORDER BY hub_at") == [
        ("desk-a", 1),
        ("desk-b", 0),
    ]
    # Both entries happened; the person is counted once, at the hub and in the report.
    code, out, err = run(capsys, "hub", "status", "--dsn", hub_admin_dsn, "--json")
    assert code == 0, err
    status = json.loads(out)
    assert (status["unique_attendees"], status["entries"], status["conflicts"]) == (1, 2, 1)
    code, out, err = run(capsys, "hub", "conflicts", "--dsn", hub_admin_dsn)
    assert code == 0, err
    assert "revoked badge used offline" in out and "desk-b admitted it offline" in out
    assert "first entry: desk-a" in out
    code, out, err = run(capsys, "hub", "status", "--dsn", hub_admin_dsn)
    assert code == 0, err
    assert (
        "2 entries, 1 unique attendee" in out
        and "1 unique attendees" not in out
        and "conflicts       1" in out
    )
    b.store.set_setting(HUB_DSN_SETTING, proxy.dsn(hub_dsn))
    code, out, err = run(capsys, "--db", str(b.path), "--desk", "desk-b", "report")
    assert code == 0, err
    report = json.loads(out)
    assert (report["totals"]["unique_attendees"], report["totals"]["entries"]) == (1, 2)
    assert report["offline"]["conflict_count"] == 1
    assert report["offline"]["conflicts"][0]["reason"].startswith("revoked badge used offline")


def test_a_plain_code_or_a_junk_issue_number_is_never_a_revocation_conflict(hub_dsn, make_desk):
    with psycopg.connect(hub_dsn) as conn:
        policy = hubsql.policy(conn)
        with conn.transaction():
            hubsql.receive(
                conn,
                "desk-x",
                "uid:desk-x",
                [(1, "revocation", "SCE-2", {"code": "SCE-2", "below_issue": 2})],
                policy,
            )
        base = {
            "code": "SCE-2",
            "attendee_code": "SCE-2",
            "day": HUB_EVENT.days[0],
            "desk": "desk-x",
            "kind": "entry",
        }
        scans = [
            {
                **base,
                "uuid": str(uuid.uuid4()),
                "at": "2027-04-18T09:00:00+00:00",
                "status": "ok",
                "admitted": 1,
                "badge": 1,
                "offline": 1,
                "issue": issue,
            }
            for issue in (None, "many", -3, 2**40, True, 2)  # plain, junk, junk, junk, junk, a valid issue
        ]
        with conn.transaction():
            result = hubsql.receive(
                conn,
                "desk-x",
                "uid:desk-x",
                [(n, "scan", s["uuid"], s) for n, s in enumerate(scans, 2)],
                policy,
            )
        assert result.scans_new == len(scans)
        reasons = [r for (r,) in conn.execute("SELECT reason FROM conflicts").fetchall()]
        assert reasons and not any(r.startswith("revoked") for r in reasons)
        assert conn.execute("SELECT count(*) FROM scans WHERE issue IS NOT NULL").fetchone()[0] == 1


def test_a_version_2_hub_is_migrated_and_its_scans_kept_without_an_issue(hub_admin_dsn, capsys, monkeypatch):
    role = "desk_v2_" + hub_admin_dsn.rsplit("_", 1)[-1][:8]
    day = HUB_EVENT.days[0]
    with monkeypatch.context() as m:  # the hub as the previous release made it
        as_released(m, 2)
        with psycopg.connect(hub_admin_dsn, autocommit=True) as conn:
            assert hub_schema.migrate(conn) == (0, 2)
            hub_schema.ensure_desk_role(conn, role, "v2-secret")
            hubsql.set_settings(conn, {"event_days": list(HUB_EVENT.days), "timezone": HUB_EVENT.timezone})
            conn.execute("INSERT INTO attendees (code, last_name) VALUES ('SCE-1', 'Benali')")
            conn.execute("INSERT INTO revocations (code, below_issue) VALUES ('SCE-1', 1)")
            conn.execute(
                "INSERT INTO scans (uuid, code, attendee_code, at, day, desk, kind, status, admitted, offline) "
                "VALUES (gen_random_uuid(), 'SCE-1', 'SCE-1', now(), %s, 'desk-1', 'entry', 'ok', true, false)",
                (day,),
            )
    try:
        code, out, err = run(capsys, "hub", "init", "--dsn", hub_admin_dsn, "--no-desk-role")
        assert code == 0, err
        assert f"schema version 2 -> {hub_schema.HUB_SCHEMA_VERSION}" in out
        assert admin_query(hub_admin_dsn, "SELECT desk, issue FROM scans") == [("desk-1", None)]
        # The old desk role pushes a scan with its issue number into the new column.
        desk_dsn = psycopg.conninfo.make_conninfo(hub_admin_dsn, user=role, password="v2-secret")
        scan = {
            "uuid": str(uuid.uuid4()),
            "code": "SCE-1",
            "attendee_code": "SCE-1",
            "at": "2027-04-18T09:00:00+00:00",
            "day": day,
            "desk": "desk-2",
            "kind": "entry",
            "status": "ok",
            "admitted": 1,
            "badge": 1,
            "offline": 1,
            "issue": 0,
        }
        with psycopg.connect(desk_dsn) as conn:
            policy = hubsql.policy(conn)
            with conn.transaction():
                result = hubsql.receive(
                    conn, "desk-2", "uid:desk-2", [(1, "scan", scan["uuid"], scan)], policy
                )
        assert result.conflicts == 1
        (reason,) = admin_query(hub_admin_dsn, "SELECT reason FROM conflicts")[0]
        assert reason.startswith("revoked badge used offline")
    finally:
        admin_query(hub_admin_dsn, f"DROP OWNED BY {role}")
        admin_query(hub_admin_dsn, f"DROP ROLE IF EXISTS {role}")


def test_the_plain_code_of_a_signed_or_reissued_pass_is_refused_everywhere(
    hub_dsn, hub_admin_dsn, make_desk, proxy, event_key
):
    key, public = event_key
    offline = make_desk("desk-c", proxy.dsn(hub_dsn))
    offline.sync()
    proxy.cut()
    a, _, new = _reissue_at_a(make_desk, hub_dsn, event_key)
    signing.issue(a.store, a.store.lookup("SCE-2"), key)  # signed, never re-issued
    a.sync()
    b = make_desk("desk-b", hub_dsn)  # has pulled nothing: the hub refuses on its own
    signing.set_public_key(b.store, public)
    for code in ("SCE-1", "SCE-2"):
        refused = b.desk.scan(code)
        assert (refused.status, refused.admitted, refused.offline) == (Status.CANCELLED, False, False), code
        b.clock.advance(5)
    assert b.desk.scan(new).status is Status.OK
    # A desk cut off since before the re-issue admits the plain code; the hub flags it when it arrives.
    assert offline.desk.scan("SCE-1").admitted
    proxy.restore()
    offline.sync()
    (reason,) = admin_query(hub_admin_dsn, "SELECT reason FROM conflicts WHERE desk = 'desk-c'")[0]
    assert "plain code of a signed pass" in reason
    # Once it has pulled, it refuses the plain code by itself.
    offline.clock.advance(60)
    proxy.cut()
    assert offline.desk.scan("SCE-2").status is Status.CANCELLED
