"""Hostile input: whatever a scanner, a file or a user sends, no crash, no hang, no partial write."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checkin_desk.domain import codes
from checkin_desk.domain.models import Status
from checkin_desk.imports.readers import ImportFileError, import_file
from checkin_desk.services.desk import Desk
from checkin_desk.storage.store import Store
from tests.conftest import EVENT, PEOPLE, FakeClock

FIXTURES = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=2000,  # milliseconds per example: a hang fails the test
    max_examples=60,
)
SCAN_TEXT = st.one_of(
    st.text(max_size=600),
    st.binary(max_size=600),
    st.from_regex(r"S1:[A-Z2-7]{0,200}", fullmatch=True),
    st.sampled_from(PEOPLE).map(lambda a: a.code),
    st.text(alphabet="\u202e\u200b\u2066\ufeff\x00\r\n\t SCE-1", max_size=30),
)


def snapshot(store: Store) -> tuple:
    return tuple(
        store.conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
        for table in ("attendees", "scans", "outbox", "print_jobs", "audit_log")
    )


@FIXTURES
@given(raw=SCAN_TEXT)
def test_any_scan_text_gives_an_outcome_and_exactly_one_scan_row(desk, event_key, raw):
    before = desk.store.conn.execute("SELECT count(*) FROM scans").fetchone()[0]
    desk._last_read = None
    outcome = desk.scan(raw)
    assert isinstance(outcome.status, Status)
    after = desk.store.conn.execute("SELECT count(*) FROM scans").fetchone()[0]
    assert after == before + 1
    if outcome.status is Status.OK or outcome.status is Status.ALREADY_CHECKED_IN:
        assert outcome.attendee is not None
    if isinstance(raw, str) and raw.startswith("S1:") and codes.parse(raw).ok:
        # Nobody can guess a signature: random signed-looking text is never admitted.
        assert outcome.status is Status.INVALID_SIGNATURE


CELL = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ['=HYPERLINK("http://x")', "+212 661", "\u202eevil", "J1", "2027-04-18", "vip", "annulé"]
    ),
)
HEADERS = st.lists(
    st.sampled_from(["Code", "Nom", "Prénom", "Email", "Catégorie", "Jours", "Statut", "Société", "x", ""]),
    min_size=1,
    max_size=8,
)


def _fresh_store(folder: Path) -> Store:
    store = Store.open(folder / "event.sqlite", create=True)
    store.init_event(EVENT)
    store.upsert_attendees(PEOPLE)
    return store


def _check_import(path: Path, skip_invalid: bool) -> None:
    store = _fresh_store(path.parent)
    try:
        before = snapshot(store)
        try:
            result = import_file(store, path, skip_invalid=skip_invalid)
        except ImportFileError:
            assert snapshot(store) == before
            return
        if not result.written:
            assert snapshot(store) == before  # nothing half-imported
        else:
            assert result.error_count == 0 or skip_invalid
            assert store.attendee_count() == len(PEOPLE) + result.upsert.inserted
    finally:
        store.close()


@FIXTURES
@given(
    header=HEADERS,
    rows=st.lists(st.lists(CELL, max_size=9), max_size=12),
    delimiter=st.sampled_from([",", ";", "\t"]),
    skip=st.booleans(),
)
def test_any_csv_imports_cleanly_or_not_at_all(header, rows, delimiter, skip):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "list.csv"
        lines = [delimiter.join(header)] + [delimiter.join(c.replace("\n", " ") for c in row) for row in rows]
        path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
        _check_import(path, skip)


@FIXTURES
@given(data=st.binary(max_size=400))
def test_any_bytes_as_csv_xlsx_or_json_are_handled(data):
    with tempfile.TemporaryDirectory() as folder:
        for name in ("list.csv", "list.xlsx", "list.json"):
            path = Path(folder) / name
            path.write_bytes(data)
            _check_import(path, skip_invalid=True)


JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=10,
)


@FIXTURES
@given(
    items=st.lists(
        st.dictionaries(
            st.sampled_from(["code", "first_name", "last_name", "email", "category", "days", "status", "?"]),
            JSON_VALUE,
        ),
        max_size=8,
    )
    | JSON_VALUE,
    skip=st.booleans(),
)
def test_any_json_imports_cleanly_or_not_at_all(items, skip):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "list.json"
        path.write_text(json.dumps(items), encoding="utf-8")
        _check_import(path, skip)


@FIXTURES
@given(
    header=HEADERS,
    rows=st.lists(st.lists(CELL | st.integers() | st.floats(allow_nan=False), max_size=8), max_size=8),
)
def test_any_xlsx_imports_cleanly_or_not_at_all(header, rows):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "list.xlsx"
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(header)
        for row in rows:
            # openpyxl refuses control characters in cells: a real file cannot hold them either.
            sheet.append([v if not isinstance(v, str) else "".join(ch for ch in v if ch >= " ") for v in row])
        book.save(path)
        _check_import(path, skip_invalid=False)


# -- names that imitate other names -------------------------------------------------------------------


SPOOFS = {
    "\u202eadiaN": "adiaN",  # right-to-left override: would display "Nadia"
    "Na\u200bdia": "Nadia",  # zero-width space
    "Na\u200ddia": "Nadia",  # zero-width joiner
    "\u2066Nadia\u2069": "Nadia",  # isolate
    "Nadia\ufeff": "Nadia",  # byte order mark
    "N\u00adadia": "Nadia",  # soft hyphen
    "Nadia\u0000": "Nadia",
}


def test_spoofing_characters_are_removed_on_import(store, tmp_path):
    path = tmp_path / "list.csv"
    lines = ["Code,Prénom,Nom"] + [f"SP-{i},{name},Alami" for i, name in enumerate(SPOOFS)]
    path.write_text("\n".join(lines).replace("\u0000", "\u0001"), encoding="utf-8")
    assert import_file(store, path).written
    names = [store.lookup(f"SP-{i}").first_name for i in range(len(SPOOFS))]
    assert names == [clean.replace("\u0000", "") for clean in SPOOFS.values()]
    assert all(not any(ch in name for ch in "\u202e\u200b\u200d\u2066\u2069\ufeff\u00ad") for name in names)
    # A search for the real name finds the look-alikes as what they now are: plain "Nadia".
    assert len([a for a in store.search("Nadia Alami") if a.first_name == "Nadia"]) == 6


def test_spoofing_characters_are_removed_from_walk_ins_and_edits(people):
    desk = Desk(people, "desk-1", clock=FakeClock())
    for raw, clean in SPOOFS.items():
        outcome = desk.register_walk_in(first_name=raw, last_name="Ala\u200bmi", company="\u202eOCP")
        assert outcome.attendee.first_name == clean
        assert outcome.attendee.last_name == "Alami" and outcome.attendee.company == "OCP"
    edited = desk.edit_attendee("SCE-1", {"last_name": "Lef\u200bèvre\u202e"}, supervisor="y")
    assert edited.last_name == "Lefèvre"
