import os
import sqlite3
import stat

import pytest
from conftest import search_terms

from checkin_desk.domain.models import Attendee
from checkin_desk.storage import schema
from checkin_desk.storage.store import Store, StoreError


def test_new_database_is_ours_versioned_wal_full_sync_and_private(tmp_path):
    path = tmp_path / "e.sqlite"
    s = Store.open(path, create=True)
    assert s.conn.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
    assert s.conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert s.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_missing_database_is_not_created_without_asking(tmp_path):
    with pytest.raises(StoreError, match="no event database"):
        Store.open(tmp_path / "nope.sqlite")
    assert not (tmp_path / "nope.sqlite").exists()


def test_foreign_sqlite_file_is_refused_and_untouched(tmp_path):
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos (id INTEGER)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="another program"):
        Store.open(path)
    assert path.read_bytes() == before


def test_corrupt_file_is_refused_and_untouched(tmp_path):
    path = tmp_path / "corrupt.sqlite"
    path.write_bytes(b"this is not a database at all" * 100)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a readable event database"):
        Store.open(path)
    assert path.read_bytes() == before


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "new.sqlite"
    Store.open(path, create=True).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer checkin-desk"):
        Store.open(path)


def test_locked_database_gives_a_clear_message(tmp_path):
    path = tmp_path / "locked.sqlite"
    Store.open(path, create=True).close()
    holder = sqlite3.connect(path)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="locked"):
            s = Store.open(path)
            s.conn.execute("PRAGMA busy_timeout = 50")
            s.set_setting("x", 1)
    finally:
        holder.close()


def test_settings_round_trip_and_event(store):
    store.set_setting("event_name", "Expo")
    assert store.get_setting("event_name") == "Expo"
    assert store.event().timezone == "Africa/Casablanca"
    assert store.event().days[0] == "2027-04-18"
    assert "speaker" in store.categories()


def test_reimport_updates_changed_rows_and_never_touches_scans(desk):
    store = desk.store
    desk.scan("SCE-1")
    scans_before = store.conn.execute("SELECT * FROM scans").fetchall()
    changed = Attendee("SCE-1", "Benoît", "Lefèvre", "Lydec SA", category="vip", email="benoit@lydec.ma")
    report = store.upsert_attendees([changed, Attendee("SCE-9", "Nouveau", "Venu")])
    assert (report.inserted, report.updated) == (1, 1)
    assert store.lookup("SCE-1").company == "Lydec SA"
    assert store.search("lydec sa")[0].code == "SCE-1"
    assert store.conn.execute("SELECT * FROM scans").fetchall() == scans_before
    again = store.upsert_attendees([changed])
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 1)


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("benoit", "SCE-1"),
        ("BENO", "SCE-1"),
        ("lef ben", "SCE-1"),
        ("lydec", "SCE-1"),
        ("benoit@lydec", "SCE-1"),
        ("احمد", "SCE-2"),
        ("العلوى", "SCE-2"),  # alef maksura written for final yeh: a common spelling variant
        ("王", "SCE-3"),
        ("sce-5", "SCE-5"),
    ],
)
def test_search(people, query, code):
    results = people.search(query)
    if code is None:
        assert results == [] or results[0].code != "SCE-2"
    else:
        assert results and results[0].code == code


def test_search_ranks_names_above_company_and_caps_results(store):
    store.upsert_attendees(
        [Attendee(f"C-{i}", "Karim", f"Nom{i}", "Société Générale") for i in range(80)]
        + [Attendee("G-1", "Générale", "Dupont", "Lydec")]
    )
    results = store.search("generale")
    assert len(results) == 50
    assert results[0].code == "G-1"


def test_search_of_junk_or_huge_text_is_empty_not_an_error(people):
    assert people.search("") == []
    assert people.search('"*) OR 1=1 --') == []
    assert people.search("x" * 1_000_000) == []


def test_a_version_4_database_gets_the_scan_issue_column_and_keeps_its_scans(tmp_path):
    path = tmp_path / "v4.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    schema.migrate(conn, upto=4)
    conn.execute(
        "INSERT INTO scans (uuid, code, attendee_code, at, day, desk, kind, status, admitted) "
        "VALUES ('u1', 'A1', 'A1', '2027-04-18T09:00:00.000+00:00', '2027-04-18', 'd1', 'entry', 'ok', 1)"
    )
    conn.close()
    store = Store.open(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION >= 5
    assert store.conn.execute("SELECT uuid, issue FROM scans").fetchall() == [("u1", None)]


def _indexed_terms(store, code, *, sounds=False):
    """Every (word, column) the search index holds for one attendee (its sound keys if asked)."""
    (attendee_id,) = store.conn.execute("SELECT id FROM attendees WHERE code = ?", (code,)).fetchone()
    return sorted(
        (term, col)
        for term, doc, col in search_terms(store.conn)
        if doc == attendee_id and (sounds or col != "sounds")
    )


def test_an_update_takes_the_old_words_out_of_the_search_index(store):
    store.upsert_attendees([Attendee("A-1", "Benoît", "Lefèvre", "Lydec", email="b@lydec.ma")])
    store.upsert_attendees([Attendee("A-1", "Salma", "Tazi", "OCP", email="salma@ocp.ma")])
    assert store.search("lefevre") == [] and store.search("lydec") == []
    assert [a.code for a in store.search("tazi")] == ["A-1"]
    assert _indexed_terms(store, "A-1") == [
        ("ma", "email"), ("ocp", "company"), ("ocp", "email"), ("salma", "email"), ("salma", "names"),
        ("tazi", "names"),
    ]  # fmt: skip


def test_a_code_repeated_in_one_upsert_leaves_one_index_row(store):
    store.upsert_attendees([Attendee("A-1", "Old", "Name")])
    store.upsert_attendees(
        [
            Attendee("A-1", "Middle", "Name"),
            Attendee("A-1", "Last", "Word"),
            Attendee("B-1", "New", "One"),
            Attendee("B-1", "Newer", "One"),
        ]
    )
    assert _indexed_terms(store, "A-1") == [("last", "names"), ("word", "names")]
    assert _indexed_terms(store, "B-1") == [("newer", "names"), ("one", "names")]
    assert store.search("middle") == []


def test_a_code_typed_in_part_is_found_from_its_start(store):
    store.upsert_attendees([Attendee(f"SCE26-{i:04d}", "Karim", f"Nom{i}") for i in range(30)])
    assert [a.code for a in store.search("sce26-001")] == [f"SCE26-{i:04d}" for i in range(10, 20)]
    assert [a.code for a in store.search("SCE26-0007")] == ["SCE26-0007"]
    assert store.search("ZZZ") == []


def test_a_version_5_database_gets_the_contentless_search_index_and_finds_its_attendees(tmp_path):
    path = tmp_path / "v5.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    schema.migrate(conn, upto=5)
    conn.execute(
        "INSERT INTO attendees (id, code, first_name, last_name, company, email, updated_at) VALUES "
        "(1, 'A1', 'Benoît', 'Lefèvre', 'Lydec', 'b@lydec.ma', 'x'), (2, 'A2', 'أحمد', 'العلوي', '', '', 'x')"
    )
    # As version 5 indexed them: a copy of the text, the code among the names.
    conn.execute(
        "INSERT INTO attendee_search (rowid, names, company, email) VALUES "
        "(1, 'benoit lefevre a1', 'lydec', 'b lydec ma'), (2, 'احمد العلوي a2', '', '')"
    )
    conn.close()
    store = Store.open(path)
    sql = store.conn.execute("SELECT sql FROM sqlite_master WHERE name = 'attendee_search'").fetchone()[0]
    assert "content = ''" in sql and "detail = column" in sql
    assert [a.code for a in store.search("benoit lydec")] == ["A1"]
    assert [a.code for a in store.search("احمد")] == ["A2"]
    assert _indexed_terms(store, "A1") == [
        ("b", "email"), ("benoit", "names"), ("lefevre", "names"), ("lydec", "company"), ("lydec", "email"),
        ("ma", "email"),
    ]  # fmt: skip


def test_search_for_a_word_with_an_underscore_finds_it(store):
    store.upsert_attendees([Attendee("A-1", "Jean_Pierre", "Dupont", "Acme", email="jean_pierre@acme.ma")])
    for query in ("jean_pierre", "jean_pierre@acme.ma", "Jean_P", "jean"):
        assert [a.code for a in store.search(query)] == ["A-1"], query
    assert store.search("\u19b5\u19b6x") == []  # characters SQLite's tables split on: no rows, no error


def test_the_search_index_is_built_again_when_python_unicode_tables_changed(tmp_path):
    from checkin_desk.storage import search_index

    path = tmp_path / "e.sqlite"
    store = Store.open(path, create=True)
    store.upsert_attendees([Attendee("A-1", "Benoît", "Lefèvre", "Lydec")])
    # As if an older Python had indexed it: a stale word, and its Unicode version.
    store.conn.execute(search_index.INSERT, (1, "stale", "", "", ""))
    store.conn.execute(
        "UPDATE settings SET value = '\"9.0.0\"' WHERE key = ?", (search_index.UNICODE_SETTING,)
    )
    store.close()
    store = Store.open(path)
    assert store.search("stale") == [] and [a.code for a in store.search("benoit")] == ["A-1"]
    assert _indexed_terms(store, "A-1") == [("benoit", "names"), ("lefevre", "names"), ("lydec", "company")]
    store.close()
    # Same tables: nothing to do.
    assert search_index.reindex_if_unicode_changed(Store.open(path).conn) is False
