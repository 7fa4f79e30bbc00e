"""A printer back after a long stop: a few old badges print, more wait for a supervisor's decision;
today's badges keep printing meanwhile. The real print worker and the ESC/POS printer emulator."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest

from checkin_desk.printing import PrinterConfig, PrinterEmulator, PrintWorker, add_printer
from checkin_desk.services import print_backlog
from checkin_desk.util.clock import iso, utc_now

PEOPLE_CODES = ("SCE-1", "SCE-2", "SCE-3")


class Watch:
    def __init__(self):
        self.cond = threading.Condition()
        self.seen = {}

    def __call__(self, job):
        with self.cond:
            self.seen[job.id] = job
            self.cond.notify_all()

    def wait(self, predicate, timeout=20.0):
        with self.cond:
            assert self.cond.wait_for(lambda: predicate(self.seen), timeout), self.seen


@pytest.fixture
def emulator(tmp_path):
    emu = PrinterEmulator(tmp_path / "printed").start()
    yield emu
    emu.stop()


def queue_old_jobs(store, count: int, minutes_ago: float) -> list[int]:
    """Badges queued `minutes_ago` while the desk had no printer, as the queue holds them."""
    ids = []
    with store.transaction() as conn:
        for n in range(count):
            code = PEOPLE_CODES[n % len(PEOPLE_CODES)]
            ids.append(
                store.insert_print_job(conn, {"uuid": f"old-{n}", "attendee_code": code, "desk": "desk-1"})
            )
        conn.execute(
            "UPDATE print_jobs SET created_at = ?, last_error = 'no printer is configured for desk desk-1'",
            (iso(utc_now() - timedelta(minutes=minutes_ago)),),
        )
    return ids


def start_worker(store, watch):
    worker = PrintWorker(
        store.path, "desk-1", on_change=watch, hold=print_backlog.hold_old_jobs, poll_interval=0.2
    )
    worker.start()
    return worker


def states(store):
    return dict(store.conn.execute("SELECT id, state FROM print_jobs"))


def test_a_few_old_badges_simply_print(people, emulator):
    queue_old_jobs(people, print_backlog.FEW, minutes_ago=20)
    add_printer(people, PrinterConfig("thermique-1", "escpos-network", emulator.address, "TM-T20II"))
    watch = Watch()
    worker = start_worker(people, watch)
    try:
        assert emulator.wait_for_badges(print_backlog.FEW, timeout=30)
    finally:
        worker.stop()
    assert set(states(people).values()) == {"printed"}


def test_many_old_badges_wait_for_a_supervisor_while_new_ones_print(desk, people, emulator):
    old = queue_old_jobs(people, 6, minutes_ago=20)
    add_printer(people, PrinterConfig("thermique-1", "escpos-network", emulator.address, "TM-T20II"))
    watch = Watch()
    worker = start_worker(people, watch)
    try:
        watch.wait(lambda seen: all(seen.get(i) and seen[i].state == "failed" for i in old[:1]))
        assert [job.id for job in print_backlog.held_jobs(people, "desk-1")] == old
        new = desk.reprint("SCE-6", reason="badge abîmé", allowed_by="Karim")  # a badge for someone here now
        worker.wake()
        watch.wait(lambda seen: seen.get(new) is not None and seen[new].state == "printed")
        assert len(emulator.badges) == 1
        assert print_backlog.release_held(desk, supervisor="Karim") == 6
        worker.wake()
        assert emulator.wait_for_badges(7, timeout=60)
        watch.wait(lambda seen: all(seen.get(i) and seen[i].state == "printed" for i in old))
    finally:
        worker.stop()
    assert print_backlog.held_jobs(people, "desk-1") == []
    [(operator, details)] = people.conn.execute(
        "SELECT operator, details FROM audit_log WHERE action = 'print_backlog'"
    ).fetchall()
    assert operator == "Karim" and json.loads(details)["decision"] == "print"
    assert json.loads(details)["jobs"] == 6


def test_a_supervisor_may_decide_not_to_print_them(desk, people, emulator):
    old = queue_old_jobs(people, 5, minutes_ago=30)
    assert print_backlog.hold_old_jobs(people, print_backlog_job(people, old[0]), utc_now())
    assert print_backlog.drop_held(desk, supervisor="Karim") == 5
    add_printer(people, PrinterConfig("thermique-1", "escpos-network", emulator.address, "TM-T20II"))
    watch = Watch()
    worker = start_worker(people, watch)
    try:
        new = desk.reprint("SCE-6", reason="badge abîmé", allowed_by="Karim")
        worker.wake()
        watch.wait(lambda seen: seen.get(new) is not None and seen[new].state == "printed")
    finally:
        worker.stop()
    assert len(emulator.badges) == 1  # only today's badge
    errors = people.conn.execute(
        "SELECT DISTINCT state, last_error FROM print_jobs WHERE id <= ?", (old[-1],)
    )
    assert errors.fetchall() == [("failed", f"{print_backlog.DROPPED} (Karim)")]
    # Decided once: the same badges are never held again.
    assert not print_backlog.hold_old_jobs(people, print_backlog_job(people, old[0]), utc_now())


def print_backlog_job(store, job_id):
    from checkin_desk.printing import get_job

    return get_job(store, job_id)
