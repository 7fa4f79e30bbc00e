import sqlite3

from checkin_desk.reports import figures
from checkin_desk.storage import schema
from checkin_desk.storage.store import Store


def test_a_version_1_database_gets_the_report_indexes_and_keeps_its_scans(tmp_path):
    path = tmp_path / "v1.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    schema.migrate(conn, upto=1)
    conn.execute("""INSERT INTO settings VALUES ('event_days', '["2027-04-18"]')""")
    conn.execute("INSERT INTO attendees (code, category, updated_at) VALUES ('A1', 'visitor', '')")
    conn.execute(
        "INSERT INTO scans (uuid, code, attendee_code, at, day, desk, kind, status, admitted) "
        "VALUES ('u1', 'A1', 'A1', '2027-04-18T09:00:00.000+00:00', '2027-04-18', 'd1', 'entry', 'ok', 1)"
    )
    conn.close()
    store = Store.open(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION >= 2
    names = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"scans_counted_by_day", "scans_counted_by_attendee", "scans_counted_by_quarter"} <= names
    f = figures.compute(store)
    assert (f.totals.unique_attendees, f.totals.entries, f.by_hour[0].label) == (1, 1, "2027-04-18 10:00")
