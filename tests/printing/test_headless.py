"""Printing without a window: the terminal desk, `scan --print` and `printers work`, end to end.

Each runs as staff run it, `python -m checkin_desk ...` in its own process, against a loopback network
printer (the emulator) in this process; the badges are read back from what the printer received.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from checkin_desk.domain.models import EventInfo
from checkin_desk.printing import PrinterConfig, add_printer, counts, jobs
from checkin_desk.printing.worker_lock import WorkerLock
from checkin_desk.storage.store import Store
from checkin_desk.util.clock import today
from printing.conftest import PEOPLE
from printing.printing_helpers import decode_qr

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def live_db(tmp_path):
    """An event running now (yesterday to tomorrow, so that midnight during the test changes nothing)."""
    middle = today("Africa/Casablanca")
    days = tuple((middle + timedelta(days=d)).isoformat() for d in (-1, 0, 1))
    path = tmp_path / "live.sqlite"
    store = Store.open(path, create=True)
    store.init_event(EventInfo("Smart City Expo Casablanca 2027", days))
    store.upsert_attendees(PEOPLE)
    store.close()
    return path


def cli(db, *args, stdin: bytes | None = None, timeout: float = 90) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "checkin_desk", "--db", str(db), "--desk", "door-1", *args],
        input=stdin,
        capture_output=True,
        env=env,
        timeout=timeout,
    )


def popen(db, *args) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "checkin_desk", "--db", str(db), "--desk", "door-1", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def add_network_printer(db, emulator, **options) -> None:
    store = Store.open(db)
    try:
        add_printer(
            store, PrinterConfig("thermal-1", "escpos-network", emulator.address, "TM-T20II", **options)
        )
    finally:
        store.close()


def job_states(db) -> dict[str, int]:
    store = Store.open(db)
    try:
        return counts(store)
    finally:
        store.close()


def test_the_terminal_desk_prints_every_admitted_scan(live_db, emulator):
    add_network_printer(live_db, emulator)
    codes = [p.code for p in PEOPLE]
    stdin = ("\n".join([*codes, "NOBODY-1", codes[0]]) + "\n").encode()
    done = cli(live_db, "desk", stdin=stdin)
    err = done.stderr.decode()
    assert done.returncode == 0, err
    assert len(done.stdout.decode().splitlines()) == len(codes) + 2  # one answer per line, as before
    assert f"{len(codes)} badges printed" in err
    assert emulator.wait_for_badges(len(codes))
    assert [decode_qr(b.path) for b in emulator.badges] == [[c] for c in codes]  # in scan order
    assert job_states(live_db) == {"queued": 0, "sending": 0, "printed": len(codes), "failed": 0}


def test_the_terminal_desk_says_which_badges_are_left(live_db, emulator):
    add_network_printer(live_db, emulator)
    emulator.set_mode("paper-out")
    # The wait must outlast one attempt (fonts load first); the badges never come out within it.
    done = cli(live_db, "desk", "--print-wait", "8", stdin=b"SCE-1\nSCE-3\n")
    err = done.stderr.decode()
    assert done.returncode == 1
    assert "waiting up to 8 s for 2 badges to print" in err
    assert "job 1 (SCE-1) still queued: printer thermal-1: out of paper; the badge was not sent" in err
    assert "job 2 (SCE-3) still queued" in err
    assert emulator.badges == []
    assert job_states(live_db)["queued"] == 2  # nothing lost: the next worker sends them


def test_the_terminal_desk_without_a_printer_says_so_and_keeps_the_jobs(live_db):
    # A badge due and not printed fails the run as a dead printer does: exit 1, one line naming it.
    done = cli(live_db, "desk", stdin=b"SCE-1\nSCE-3\n")
    err = done.stderr.decode().splitlines()
    assert done.returncode == 1
    assert (
        err[0]
        == "checkin-desk: no printer is configured for desk door-1: its badges stay queued (exit status 1 if one is due)"
    )
    assert sum("no printer is configured" in line for line in err) == 2  # once at the start, once at the end
    assert err[-1].startswith(
        "checkin-desk: 2 badges not printed, still queued (job 1 (SCE-1), job 2 (SCE-3)): "
        "no printer is configured for desk door-1"
    )
    assert job_states(live_db)["queued"] == 2


def test_the_terminal_desk_without_a_scan_to_print_exits_zero_without_a_printer(live_db):
    done = cli(live_db, "desk", stdin=b"")
    assert done.returncode == 0
    assert done.stderr.decode().splitlines() == [
        "checkin-desk: no printer is configured for desk door-1: its badges stay queued (exit status 1 if one is due)"
    ]


def test_scan_print_waits_for_its_badge(live_db, emulator):
    add_network_printer(live_db, emulator)
    done = cli(live_db, "scan", "sce-2", "--print")
    assert done.returncode == 0, done.stderr.decode()
    assert "1 badge printed" in done.stderr.decode()
    assert [decode_qr(b.path) for b in emulator.badges] == [["SCE-2"]]


def test_scan_print_exits_non_zero_when_the_badge_did_not_print(live_db, emulator):
    add_network_printer(live_db, emulator)
    emulator.set_mode("refuse")
    assert emulator.wait_for(lambda e: e._listener is None, 5)
    done = cli(live_db, "scan", "SCE-2", "--print", "--print-wait", "5")
    assert done.returncode == 1
    assert "job 1 (SCE-2) still queued: printer thermal-1: cannot connect to" in done.stderr.decode()
    assert "ADMIT" in done.stdout.decode()  # the check-in itself stands


def wait_for_line(stream, prefix: str, deadline: float) -> str:
    while time.monotonic() < deadline:
        line = stream.readline()
        if line.startswith(prefix):
            return line
        assert line, f"the process ended before saying {prefix!r}"
    raise AssertionError(f"no line starting with {prefix!r}")


def test_printers_work_drains_the_queue_refuses_a_second_and_stops_on_ctrl_c(live_db, emulator):
    add_network_printer(live_db, emulator)
    for code in ("SCE-1", "SCE-2", "SCE-3"):
        assert cli(live_db, "scan", code).returncode == 0
    assert job_states(live_db)["queued"] == 3
    worker = popen(live_db, "printers", "work")
    try:
        wait_for_line(worker.stdout, "print worker for desk door-1 running", time.monotonic() + 30)
        second = cli(live_db, "printers", "work")
        assert second.returncode == 1
        assert "a print worker for desk door-1 of this event is already running (process " in (
            second.stderr.decode()
        )
        assert emulator.wait_for_badges(3, timeout=30)
        # A scan made while it runs is printed too.
        assert cli(live_db, "scan", "SCE-4").returncode == 0
        assert emulator.wait_for_badges(4, timeout=30)
        worker.send_signal(signal.SIGINT)
        out, err = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()
    assert worker.returncode == 0, err
    assert out.rstrip().endswith("print worker for desk door-1 stopped")
    assert "#4 printed SCE-4 on thermal-1" in out
    assert [decode_qr(b.path)[0] for b in emulator.badges] == ["SCE-1", "SCE-2", "SCE-3", "SCE-4"]
    assert not WorkerLock(live_db, "door-1").busy()  # the lock went with it


def test_a_killed_worker_leaves_no_lock_behind(live_db, emulator):
    add_network_printer(live_db, emulator)
    worker = popen(live_db, "printers", "work")
    try:
        wait_for_line(worker.stdout, "print worker for desk door-1 running", time.monotonic() + 30)
        assert WorkerLock(live_db, "door-1").busy()
        worker.kill()  # kill -9
        worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert not WorkerLock(live_db, "door-1").busy()
    assert cli(live_db, "scan", "SCE-5", "--print").returncode in (0, 1)  # blocked pass: no job
    done = cli(live_db, "printers", "work", "--exit-when-empty")
    assert done.returncode == 0, done.stderr.decode()


def test_a_second_worker_in_one_process_stands_by_and_takes_over(db_path, store, desk, emulator):
    """The window and `printers work` on one desk: one sends, the other waits, none prints twice."""
    from checkin_desk.printing import PrintWorker

    add_printer(store, PrinterConfig("thermal-1", "escpos-network", emulator.address, "TM-T20II"))
    first = PrintWorker(db_path, "desk-1", poll_interval=0.05)
    second = PrintWorker(db_path, "desk-1", poll_interval=0.05)
    first.start()
    second.start()
    try:
        ids = [desk.scan(f"SCE-{n}").print_job_id for n in (1, 2)]
        first.wake()
        second.wake()
        assert emulator.wait_for_badges(2)
        # Whichever thread took the desk's lock first sends; the other stands by (on a loaded machine
        # the second one started may well be the first to ask).
        deadline = time.monotonic() + 30
        while not (first.standing_by or second.standing_by) and time.monotonic() < deadline:
            first.wake()
            second.wake()
            time.sleep(0.01)  # polling the workers' flags with a deadline, not timing anything
        sender, standby = (second, first) if first.standing_by else (first, second)
        assert standby.standing_by == os.getpid() and sender.standing_by is None
        assert sender.stop()
        third = desk.scan("SCE-3").print_job_id
        standby.wake()
        assert emulator.wait_for_badges(3)
    finally:
        first.stop()
        second.stop()
    assert [decode_qr(b.path)[0] for b in emulator.badges] == ["SCE-1", "SCE-2", "SCE-3"]
    assert {j.id: j.state for j in jobs(store)} == {ids[0]: "printed", ids[1]: "printed", third: "printed"}


def test_exit_when_empty_ends_non_zero_and_names_the_badges_that_keep_failing(live_db, tmp_path):
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("badges cannot go in here")
    store = Store.open(live_db)
    try:
        add_printer(store, PrinterConfig("pdf", "pdf-folder", str(not_a_folder)))
    finally:
        store.close()
    assert cli(live_db, "scan", "SCE-1").returncode == 0  # admitted, its badge queued
    done = cli(live_db, "printers", "work", "--exit-when-empty", timeout=120)
    err = done.stderr.decode()
    assert done.returncode == 1, err
    assert "(SCE-1) still queued" in err and "cannot write to folder" in err
    assert "1 badge(s) failed on every printer of desk door-1 and stay queued" in err
    store = Store.open(live_db)
    try:
        assert counts(store, "door-1")["queued"] == 1  # nothing changed: it stays for the next worker
    finally:
        store.close()
