"""Finding anyone in any script: Chinese by characters and pinyin, Arabic and Latin spellings of
one name finding each other, exact matches first."""

import sqlite3
from pathlib import Path

import pytest

from checkin_desk.domain.models import Attendee
from checkin_desk.storage import schema
from checkin_desk.storage.store import Store

NAMES = Path(__file__).parent / "data" / "names_cross_script.tsv"
TOP = 10  # a hit: the person is among the first ten answers


def _rows():
    return [line for line in NAMES.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]


def people():
    header, *rows = _rows()
    assert header.split("\t") == ["script", "given", "family", "latin"]
    out = []
    for row in rows:
        script, given, family, latin = row.split("\t")
        out.append((script, given, family, latin.split("|")))
    return out


def hit_rates(tmp_path) -> dict[str, tuple[int, int]]:
    """(found, tried) in each direction, among every person of the list written both ways."""
    store = Store.open(tmp_path / "names.sqlite", create=True)
    listed = people()
    attendees = []
    for n, (_, given, family, latin) in enumerate(listed):
        attendees.append(Attendee(f"N-{n}", given, family))  # as written in their own script
        first, _, last = latin[0].partition(" ")
        attendees.append(Attendee(f"L-{n}", first, last))  # as a Latin list spells them
    store.upsert_attendees(attendees)
    rates = {"latin->native": [0, 0], "native->latin": [0, 0]}
    for n, (script, given, family, latin) in enumerate(listed):
        for spelling in latin:
            found = [a.code for a in store.search(spelling)][:TOP]
            rates["latin->native"][0] += f"N-{n}" in found
            rates["latin->native"][1] += 1
        native = f"{family}{given}" if script == "zh" else f"{given} {family}"
        found = [a.code for a in store.search(native)][:TOP]
        rates["native->latin"][0] += f"L-{n}" in found
        rates["native->latin"][1] += 1
    store.close()
    return {k: (v[0], v[1]) for k, v in rates.items()}


def test_the_name_list_is_large_enough_and_well_formed():
    listed = people()
    assert len(listed) >= 80
    assert {script for script, *_ in listed} == {"ar", "zh"}
    assert all(latin and all(" " in s or s.isalpha() for s in latin) for *_, latin in listed)


def test_the_name_list_is_found_in_both_directions(tmp_path):
    rates = hit_rates(tmp_path)
    for direction, (found, tried) in rates.items():
        print(f"{direction}: {found}/{tried} = {found / tried:.1%}")
        assert found / tried >= 0.95, (direction, found, tried)


@pytest.fixture
def people_store(store):
    store.upsert_attendees(
        [
            Attendee("ZH-1", "伟", "王", "上海电气"),  # as a list with given / family columns writes it
            Attendee("ZH-2", "李娜"),  # the whole name in one column
            Attendee("AR-1", "محمد", "بناني"),
            Attendee("AR-2", "عبد الله", "التازي"),
            Attendee("AR-3", "عبدالله", "الفاسي"),
            Attendee("LA-1", "Mohamed", "Bennani"),
            Attendee("LA-2", "Mohamedi", "Rami"),
            Attendee("LA-3", "Wang", "Wei"),
            Attendee("LA-4", "Abdellah", "Tazi"),
        ]
    )
    return store


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("王伟", "ZH-1"),  # the name exactly as the window displays it
        ("王 伟", "ZH-1"),
        ("伟", "ZH-1"),
        ("李 娜", "ZH-2"),
        ("李娜", "ZH-2"),
        ("wang wei", "ZH-1"),
        ("wangwei", "ZH-1"),
        ("li na", "ZH-2"),
        ("عبدالله", "AR-2"),  # one word finds the name written in two
        ("عبد الله", "AR-3"),  # and the other way round
        ("mohamed", "AR-1"),
        ("mohammed", "AR-1"),
        ("muhammad", "AR-1"),
        ("abdellah", "AR-2"),
        ("abdallah", "AR-3"),
        ("bennani", "AR-1"),
        ("بناني", "LA-1"),  # an Arabic query finds the same people written in Latin
        ("محمد", "LA-1"),
        ("عبد الله", "LA-4"),
        ("王伟", "LA-3"),
    ],
)
def test_issue_examples_find_the_person(people_store, query, code):
    assert code in [a.code for a in people_store.search(query)]


def test_exact_matches_come_first(people_store):
    assert [a.code for a in people_store.search("mohamed")][:2] == ["LA-1", "LA-2"]  # whole word, then start
    assert [a.code for a in people_store.search("mohamed")][2] == "AR-1"  # then محمد, by its sound
    assert people_store.search("محمد")[0].code == "AR-1"
    assert people_store.search("王伟")[0].code == "ZH-1"


def test_a_schema_6_database_is_migrated_and_finds_across_scripts(tmp_path):
    path = tmp_path / "v6.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    schema.migrate(conn, upto=6)
    conn.execute(
        "INSERT INTO attendees (id, code, first_name, last_name, status, updated_at) VALUES "
        "(1, 'A1', '伟', '王', 'valid', 'x'), (2, 'A2', 'محمد', 'بناني', 'cancelled', 'x')"
    )
    conn.execute(
        "INSERT INTO attendee_search (rowid, names, company, email) VALUES (1, '伟 王', '', ''), (2, 'محمد بناني', '', '')"
    )
    with pytest.raises(sqlite3.IntegrityError):  # version 6 knows three statuses
        conn.execute("UPDATE attendees SET status = 'unpaid' WHERE id = 1")
    conn.close()
    store = Store.open(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    assert [a.code for a in store.search("wang wei")] == ["A1"]
    assert [a.code for a in store.search("mohamed bennani")] == ["A2"]
    assert store.lookup("A2").status == "cancelled" and store.lookup("A1").first_name_latin == ""
    store.conn.execute("UPDATE attendees SET status = 'unpaid' WHERE id = 1")  # version 7 knows 'unpaid'
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with pytest.raises(sqlite3.IntegrityError):
        store.conn.execute("UPDATE attendees SET status = 'maybe' WHERE id = 1")
    store.close()


def test_a_latin_name_from_the_list_is_searchable(store):
    store.upsert_attendees([Attendee("A-1", "محمد الأمين", "بن عبد الله", first_name_latin="Mohamed Amine",
                                     last_name_latin="Benabdellah")])  # fmt: skip
    assert [a.code for a in store.search("benabdellah")] == ["A-1"]
    assert store.lookup("A-1").last_name_latin == "Benabdellah"
