"""The terminal desk under the faults of a real desk: scanners ending scans with CR or Tab, another
program holding the database (a 300,000-row import), a full disk, a read-only file or folder.
Every scan gets an answer; none is lost; the desk never stops."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from checkin_desk.cli.scanning import split_scans
from checkin_desk.storage import faults, recording
from checkin_desk.storage.store import Store
from tests.desk_faults import ROOT, DeskProcess, LockHolder, fill, small_disk, unprivileged


def make_event(path: Path, attendees: int = 60) -> list[str]:
    """A demo event at `path`; returns codes of attendees valid today on every day."""
    subprocess.run(
        [sys.executable, "-m", "checkin_desk", "--db", str(path), "demo", "--attendees", str(attendees)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    store = Store.open(path)
    try:
        return [a.code for a in store.attendees("status = 'valid' AND days = ''")]
    finally:
        store.close()


def rows(path: Path, query: str) -> list[tuple]:
    store = Store.open(path)
    try:
        return store.conn.execute(query).fetchall()
    finally:
        store.close()


def wait_for(condition, timeout: float = 30.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"still waiting after {timeout} s: {what}")
        time.sleep(0.05)


# -- scans end at CR, LF, CRLF or Tab ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("chunks", "scans"),
    [
        ([b"A\rB\rC\r"], [b"A", b"B", b"C"]),
        ([b"A\r\nB\r\nC\r\n"], [b"A", b"B", b"C"]),
        ([b"A\tB\tC"], [b"A", b"B", b"C"]),
        ([b"A\nB\r", b"\nC\t\t\r\n\nD"], [b"A", b"B", b"C", b"D"]),  # CRLF split across two reads
        ([b"SC", b"E-1", b"\r"], [b"SCE-1"]),
        ([b"\r\n\r\n\t"], []),
    ],
)
def test_cr_lf_crlf_and_tab_each_end_a_scan(chunks, scans):
    assert list(split_scans(chunks)) == scans


def test_a_scan_longer_than_any_code_is_cut_and_the_next_one_is_whole():
    assert list(split_scans([b"x" * 5000, b"y" * 5000 + b"\nSCE-2\n"], limit=4096)) == [b"x" * 4096, b"SCE-2"]


def test_a_cr_only_stream_gives_one_answer_per_scan(tmp_path):
    db = tmp_path / "event.sqlite"
    codes = make_event(db)
    stream = f"{codes[0]}\r{codes[1]}\r{codes[2]}\r{codes[3]}\t{codes[4]}\r\n".encode()
    done = subprocess.run(
        [sys.executable, "-m", "checkin_desk", "--db", str(db), "desk", "--json"],
        input=stream,
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )
    import json

    answers = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [(a["code"], a["status"]) for a in answers] == [(c, "ok") for c in codes[:5]]
    # This event has no printer: the five badges were due and stay queued, which fails the run.
    assert done.returncode == 1 and "5 badges not printed" in done.stderr.decode(), done.stderr


# -- another program holds the database -------------------------------------------------------------


def test_the_message_for_a_locked_database_names_the_program_holding_it(tmp_path):
    db = tmp_path / "event.sqlite"
    make_event(db, 10)
    holder = LockHolder(db)
    try:
        assert faults.lock_holders(db) == [holder.proc.pid]
        import sqlite3

        conn = sqlite3.connect(db, timeout=0.05, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError) as info:
            conn.execute("BEGIN IMMEDIATE")
        conn.close()
        problem = faults.fault(info.value, db)
        assert problem.kind == "busy" and str(holder.proc.pid) in str(problem)
        assert LockHolder.NAME in str(problem)
    finally:
        holder.release()
    assert faults.lock_holders(db) == []


def test_scans_while_another_program_holds_the_database_are_answered_and_none_is_lost(tmp_path):
    db = tmp_path / "event.sqlite"
    codes = make_event(db)
    desk = DeskProcess(db)
    try:
        first = desk.scan(codes[0])
        assert first["status"] == "ok" and not first.get("waiting")
        holder = LockHolder(db)
        answers = [desk.scan(code) for code in codes[1:6]]
        again = desk.scan(codes[1])  # the same person again: the waiting scans count
        assert [a["status"] for a in answers] == ["ok"] * 5 and all(a["waiting"] for a in answers)
        assert all(LockHolder.NAME in a["held_by"] for a in answers)
        assert again["status"] == "already_checked_in" and again["first_entry"]["desk"] == "desk-t"
        assert rows(db, "SELECT count(*) FROM scans") == [(1,)]  # the database itself is untouched
        holder.release()
        # The desk moves them in by itself when its input is idle.
        wait_for(lambda: rows(db, "SELECT count(*) FROM scans") == [(7,)], what="waiting scans moved in")
        assert desk.finish_all_recorded()
    finally:
        desk.kill()
    uuids = {a["scan_uuid"] for a in [first, *answers, again]}
    assert {r[0] for r in rows(db, "SELECT uuid FROM scans")} == uuids
    assert {r[0] for r in rows(db, "SELECT scan_uuid FROM print_jobs")} == {
        a["scan_uuid"] for a in [first, *answers]
    }
    assert {r[0] for r in rows(db, "SELECT ref FROM outbox WHERE kind = 'scan'")} == uuids
    store = Store.open(db)
    try:
        assert recording.waiting_count(store) == 0
        assert oct(os.stat(recording.waiting_path(str(db))).st_mode & 0o777) == "0o600"
    finally:
        store.close()


def test_moving_waiting_scans_twice_changes_nothing(tmp_path):
    """A crash between the event database's commit and the waiting file's: moved again, not doubled."""
    db = tmp_path / "event.sqlite"
    codes = make_event(db, 10)
    from checkin_desk.services.desk import Desk

    store = Store.open(db)
    holder = LockHolder(db)
    try:
        outcome = Desk(store, "d").scan(codes[0])
    finally:
        holder.release()
    assert outcome.extra["waiting"]
    items = store.waiting.rows()
    assert recording.drain(store) == 1
    store.waiting.conn.execute(
        "INSERT INTO waiting (uuid, attendee_code, at, day, desk, entry, badge, record) VALUES (?, ?, ?, ?, ?, 1, 1, ?)",
        (
            outcome.scan_uuid,
            codes[0],
            outcome.at,
            items[0][1]["scan"]["day"],
            "d",
            __import__("json").dumps(items[0][1]),
        ),
    )
    assert recording.drain(store) == 1
    assert store.conn.execute("SELECT count(*) FROM scans").fetchone()[0] == 1
    assert store.conn.execute("SELECT count(*) FROM print_jobs").fetchone()[0] == 1
    assert store.conn.execute("SELECT count(*) FROM outbox WHERE kind = 'scan'").fetchone()[0] == 1
    store.close()


@pytest.mark.slow
def test_scanning_during_a_300k_row_import_into_the_same_database(tmp_path):
    db = tmp_path / "event.sqlite"
    codes = make_event(db, 40)
    import csv

    listing = tmp_path / "list.csv"
    with listing.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["code", "first_name", "last_name", "company", "email"])
        for i in range(300_000):
            writer.writerow([f"IMP{i:06d}", f"Prénom{i}", f"Nom{i}", f"Société {i % 400}", f"p{i}@x.ma"])
    desk = DeskProcess(db)
    importer = subprocess.Popen(
        [sys.executable, "-m", "checkin_desk", "--db", str(db), "import", str(listing)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    try:
        wait_for(
            lambda: faults.lock_holders(db) or importer.poll() is not None, 60, "the import takes the lock"
        )
        during = []  # as fast as the desk answers, until the import is done: first entries, then re-entries
        while importer.poll() is None and len(during) < 5000:
            during.append(desk.scan(codes[len(during) % len(codes)]))
        out, err = importer.communicate(timeout=300)
        assert importer.returncode == 0, err
        assert b"300000 new" in out
        assert len(during) >= 10, "the import ended before the desk could scan during it"
        first = len(set(codes[: len(during)]))
        expected = ["ok"] * first + ["already_checked_in"] * (len(during) - first)
        assert [a["status"] for a in during] == expected  # every scan answered, and decided right
        assert any(a.get("waiting") for a in during)
        after = desk.scan(codes[0])
        assert after["status"] == "already_checked_in"
        wait_for(lambda: rows(db, "SELECT count(*) FROM scans") == [(len(during) + 1,)], what="all scans in")
        assert rows(db, "SELECT count(*) FROM print_jobs") == [(first,)]
        assert desk.finish_all_recorded()
    finally:
        desk.kill()
        if importer.poll() is None:
            importer.kill()
            importer.communicate()
    assert rows(db, "SELECT count(*) FROM attendees WHERE code LIKE 'IMP%'") == [(300_000,)]


# -- read-only file, read-only folder, full disk ----------------------------------------------------


def test_a_read_only_event_file_is_said_in_words_and_the_scan_is_kept_until_it_is_writable(tmp_path):
    db = tmp_path / "event.sqlite"
    codes = make_event(db, 10)
    os.chmod(db, 0o400)
    desk = DeskProcess(db, prefix=unprivileged())
    try:
        answer = desk.scan(codes[0])
        assert answer["status"] == "not_recorded" and not answer["admitted"] and answer["kept"] == 1
        assert f"the file {db} is read-only" in answer["error"]
        assert "internal error" not in answer["error"]
        # SQLite made its -shm file as read-only as the database: the operator fixes both.
        for path in tmp_path.glob("event.sqlite*"):
            os.chmod(path, 0o600)
        retried = desk.answer()  # tried again while the input is idle
        assert retried["status"] == "ok" and retried["retried"] and retried["code"] == codes[0]
        assert desk.scan(codes[1])["status"] == "ok"
        assert desk.finish_all_recorded()
    finally:
        for path in tmp_path.glob("event.sqlite*"):
            os.chmod(path, 0o600)
        desk.kill()
    assert rows(db, "SELECT count(*) FROM scans") == [(2,)]


def test_a_desk_started_on_files_left_read_only_recovers_once_they_are_fixed(tmp_path):
    """A first run on a 0400 file leaves SQLite's -shm (and -wal) 0400 too. The next desk, started
    after only the database was fixed, is told the -shm is read-only; once that is fixed as told,
    it records the scan it kept and the next ones without a restart."""
    db = tmp_path / "event.sqlite"
    codes = make_event(db, 10)
    os.chmod(db, 0o400)
    first = DeskProcess(db, "--retry-for", "0", prefix=unprivileged())
    try:
        assert first.scan(codes[0])["status"] == "not_recorded"
        assert first.finish() == 1
    finally:
        first.kill()
    left = sorted(p.name for p in tmp_path.glob("event.sqlite-*"))
    assert left and all(os.stat(tmp_path / name).st_mode & 0o777 == 0o400 for name in left)
    os.chmod(db, 0o600)
    desk = DeskProcess(db, prefix=unprivileged())
    try:
        kept = desk.scan(codes[1])
        assert kept["status"] == "not_recorded" and "read-only" in kept["error"]
        for name in left:
            os.chmod(tmp_path / name, 0o600)
        retried = desk.answer()
        assert (retried["code"], retried["status"], retried.get("retried")) == (codes[1], "ok", True)
        assert desk.scan(codes[2])["status"] == "ok"
        assert desk.finish_all_recorded()
    finally:
        for path in tmp_path.glob("event.sqlite*"):
            os.chmod(path, 0o600)
        desk.kill()
    assert sorted(rows(db, "SELECT code FROM scans")) == sorted([(codes[1],), (codes[2],)])


def test_a_read_only_folder_is_said_in_words_and_the_desk_waits_for_it(tmp_path):
    folder = tmp_path / "events"
    folder.mkdir()
    db = folder / "event.sqlite"
    codes = make_event(db, 10)
    os.chmod(folder, 0o500)
    desk = DeskProcess(db, prefix=unprivileged())
    try:
        answers = [desk.scan(codes[0]), desk.scan(codes[1])]
        assert [(a["status"], a["kept"]) for a in answers] == [("not_recorded", 1), ("not_recorded", 2)]
        assert f"the folder {folder} is read-only" in answers[0]["error"]
        os.chmod(folder, 0o700)
        retried = [desk.answer(), desk.answer()]
        assert [(a["code"], a["status"], a["retried"]) for a in retried] == [
            (codes[0], "ok", True),
            (codes[1], "ok", True),
        ]
        assert desk.finish_all_recorded()
    finally:
        os.chmod(folder, 0o700)
        desk.kill()
    assert rows(db, "SELECT count(*) FROM scans") == [(2,)]


def test_scans_never_recorded_are_named_at_the_end(tmp_path):
    db = tmp_path / "event.sqlite"
    codes = make_event(db, 10)
    os.chmod(db, 0o400)
    try:
        desk = DeskProcess(db, "--retry-for", "0", prefix=unprivileged())
        assert desk.scan(codes[0])["status"] == "not_recorded"
        assert desk.finish() == 1
        assert "1 scan(s) were NOT recorded" in "".join(desk.errors) and codes[0] in "".join(desk.errors)
    finally:
        for path in tmp_path.glob("event.sqlite*"):
            os.chmod(path, 0o600)
    assert rows(db, "SELECT count(*) FROM scans") == [(0,)]


def test_a_full_disk_is_said_in_words_and_the_scan_recorded_once_there_is_room(tmp_path):
    with small_disk(tmp_path / "disk", "6m") as disk:
        db = disk / "event.sqlite"
        codes = make_event(db, 30)
        desk = DeskProcess(db)
        try:
            assert desk.scan(codes[0])["status"] == "ok"
            filler = fill(disk)
            answer = desk.scan(codes[1])
            assert answer["status"] == "not_recorded" and answer["kept"] == 1
            assert f"the disk holding {disk} is full" in answer["error"]
            assert "cannot rollback" not in answer["error"] and "internal error" not in answer["error"]
            filler.unlink()
            retried = desk.answer()
            assert (retried["code"], retried["status"], retried["retried"]) == (codes[1], "ok", True)
            assert desk.finish_all_recorded()
        finally:
            desk.kill()
        assert rows(db, "SELECT count(*) FROM scans") == [(2,)]


def test_a_disk_full_before_the_desk_opened_the_file_is_called_full(tmp_path):
    """With no -shm yet, SQLite's first write on a full disk fails growing it (SQLITE_IOERR_SHMSIZE)."""
    with small_disk(tmp_path / "disk", "6m") as disk:
        db = disk / "event.sqlite"
        codes = make_event(db, 30)
        assert not list(disk.glob("event.sqlite-*"))
        filler = fill(disk)
        done = subprocess.run(
            [sys.executable, "-m", "checkin_desk", "--db", str(db), "scan", codes[0]],
            capture_output=True,
            cwd=ROOT,
            timeout=120,
        )
        filler.unlink()
        assert done.returncode == 1
        assert f"the disk holding {disk} is full" in done.stderr.decode(), done.stderr
        assert b"SHMSIZE" not in done.stderr


def test_an_shm_size_error_is_a_full_disk(tmp_path):
    import sqlite3

    error = sqlite3.OperationalError("disk I/O error")
    error.sqlite_errorcode = faults.SQLITE_IOERR | (19 << 8)  # SQLITE_IOERR_SHMSIZE
    error.sqlite_errorname = "SQLITE_IOERR_SHMSIZE"
    problem = faults.fault(error, tmp_path / "event.sqlite")
    assert problem.kind == "full" and f"the disk holding {tmp_path} is full" in str(problem)
    error.sqlite_errorcode = faults.SQLITE_IOERR | (3 << 8)  # a write error with room left: not "full"
    assert faults.fault(error, tmp_path / "event.sqlite").kind == "io"


@pytest.mark.slow
def test_kill_9_while_scans_wait_beside_a_busy_database_loses_no_acknowledged_scan(tmp_path):
    """Ten times: another program holds the database, the desk answers three scans from the waiting
    file, a fourth is sent and the desk is killed (-9) before or while answering it. Every scan the
    desk acknowledged is in the database once the next desk has moved them in; none twice."""
    db = tmp_path / "event.sqlite"
    codes = make_event(db, 80)
    acknowledged: list[str] = []
    for round_number in range(10):
        holder = LockHolder(db)
        desk = DeskProcess(db, desk=f"desk-{round_number}")
        try:
            for i in range(3):
                answer = desk.scan(codes[(round_number * 4 + i) % len(codes)])
                assert answer["status"] == "ok" and answer["waiting"]
                acknowledged.append(answer["scan_uuid"])
            desk.send(codes[(round_number * 4 + 3) % len(codes)].encode() + b"\n")
        finally:
            desk.kill()
            holder.release()
    store = Store.open(db)
    try:
        recording.drain(store)
        recorded = [r[0] for r in store.conn.execute("SELECT uuid FROM scans")]
        assert recording.waiting_count(store) == 0
    finally:
        store.close()
    assert set(acknowledged) <= set(recorded) and len(recorded) == len(set(recorded))
    assert len(recorded) - len(acknowledged) <= 10  # at most the one unanswered scan per round


def test_after_a_long_hold_each_scan_moves_a_few_waiting_scans_in_and_still_sees_them_all(tmp_path, clock):
    """Thousands of scans may wait after a long import: no single scan moves them all in (it would
    wait seconds), and those still waiting count for its decision."""
    db = tmp_path / "event.sqlite"
    codes = make_event(db, 80)
    from checkin_desk.services.desk import Desk

    store = Store.open(db)
    clock.now = datetime.now(UTC)  # the demo event is built around today
    desk = Desk(store, "d", clock=clock, monotonic=clock.monotonic)
    count = recording.MOVED_PER_SCAN + 10
    holder = LockHolder(db)
    try:
        waited = [desk.scan(code) for code in codes[:count]]
    finally:
        holder.release()
    assert all(o.extra.get("waiting") for o in waited) and recording.waiting_count(store) == count
    clock.advance(30)
    last = desk.scan(codes[count - 1])  # still in the waiting file when this scan is decided
    assert last.status.value == "already_checked_in" and not last.extra
    assert recording.waiting_count(store) == 10
    assert recording.drain(store) == 10
    assert store.conn.execute("SELECT count(*) FROM scans").fetchone()[0] == count + 1
    store.close()


def test_a_badge_queued_beside_a_busy_database_prints_once_it_is_moved_in(tmp_path):
    db = tmp_path / "event.sqlite"
    codes = make_event(db, 20)
    out = tmp_path / "badges"
    out.mkdir()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "checkin_desk",
            "--db",
            str(db),
            "printers",
            "add",
            "pdf",
            "--pdf-folder",
            str(out),
            "--desk",
            "desk-t",
        ],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    desk = DeskProcess(db)
    holder = LockHolder(db)
    try:
        answer = desk.scan(codes[0])
        assert answer["waiting"] and answer["print_badge"] and answer["print_job_id"] is None
        assert list(out.iterdir()) == []  # no print job exists yet, nothing can print
        holder.release()
        wait_for(lambda: any(out.iterdir()), what="the badge printed once the scan moved in")
        assert desk.finish() == 0
    finally:
        holder.release()
        desk.kill()
    assert [p.name.endswith(f"{codes[0]}.pdf") for p in out.iterdir()] == [True]


def test_a_rebuilt_demo_event_does_not_inherit_the_old_ones_waiting_scans(tmp_path):
    db = tmp_path / "event.sqlite"
    codes = make_event(db, 10)
    from checkin_desk.services.desk import Desk

    store = Store.open(db)
    holder = LockHolder(db)
    try:
        assert Desk(store, "d").scan(codes[0]).extra["waiting"]
    finally:
        holder.release()
        store.close()
    subprocess.run(
        [sys.executable, "-m", "checkin_desk", "--db", str(db), "demo", "--attendees", "10", "--replace"],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    assert not os.path.exists(recording.waiting_path(str(db)))
    assert rows(db, "SELECT count(*) FROM scans") == [(0,)]
