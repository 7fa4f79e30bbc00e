"""The print queue end to end through a real socket, and every printer fault the door sees."""

from __future__ import annotations

import pytest

from checkin_desk.printing import PrinterConfig, PrintWorker, add_printer, get_job, jobs
from checkin_desk.printing.queue import counts
from printing.printing_helpers import JobWatcher, decode_qr


def network_printer(store, name, emu, *, pool_order=0, profile="TM-T20II"):
    return add_printer(
        store, PrinterConfig(name, "escpos-network", emu.address, profile, pool_order=pool_order)
    )


@pytest.fixture
def watcher():
    return JobWatcher()


@pytest.fixture
def make_worker(db_path, clock, renderer, fast_settings, watcher):
    started = []

    def make(**kwargs):
        options = dict(on_change=watcher, settings=fast_settings, renderer=renderer, clock=clock)
        options.update(kwargs)
        worker = PrintWorker(db_path, "desk-1", **options)
        worker.start()
        started.append(worker)
        return worker

    yield make
    for worker in started:
        assert worker.stop(timeout=10)


def test_scan_prints_a_badge_whose_qr_is_the_code(store, desk, emulator, make_worker, watcher):
    network_printer(store, "thermal-1", emulator)
    worker = make_worker()
    outcome = desk.scan("sce-1\r\n")
    assert outcome.print_badge and outcome.print_job_id
    worker.wake()
    job = watcher.wait_state(outcome.print_job_id, "printed")
    assert job.printer == "thermal-1" and job.attempts == 1 and job.printed_at
    assert emulator.wait_for_badges(1)
    (badge,) = emulator.badges
    assert badge.size[0] == 576
    assert decode_qr(badge.path) == ["SCE-1"]
    assert get_job(store, outcome.print_job_id).state == "printed"


def test_the_real_badge_renderer_end_to_end(store, desk, emulator, db_path, clock, watcher):
    badges = pytest.importorskip("checkin_desk.badges", reason="the badges branch is not merged yet")
    assert hasattr(badges, "render_badge_raster")
    network_printer(store, "thermal-1", emulator, profile="TM-T88V")
    worker = PrintWorker(db_path, "desk-1", on_change=watcher, clock=clock)  # default renderer: badges
    worker.start()
    try:
        outcome = desk.scan("SCE-2")
        worker.wake()
        watcher.wait_state(outcome.print_job_id, "printed", timeout=30)
    finally:
        assert worker.stop()
    (badge,) = emulator.badges
    assert badge.size[0] == 512
    assert decode_qr(badge.path) == ["SCE-2"]


def test_badges_come_out_in_scan_order_one_each(store, desk, emulator, make_worker, watcher):
    network_printer(store, "thermal-1", emulator)
    worker = make_worker()
    ids = []
    for n in range(1, 7):
        ids.append(desk.scan(f"SCE-{n}").print_job_id)
        worker.wake()
    for job_id in ids:
        watcher.wait_state(job_id, "printed")
    assert [decode_qr(b.path) for b in emulator.badges] == [[f"SCE-{n}"] for n in range(1, 7)]
    assert [j.id for j in jobs(store, 10)] == ids[::-1]
    assert counts(store, "desk-1") == {"queued": 0, "sending": 0, "printed": 6, "failed": 0}


def test_refused_then_back_retries_with_backoff(store, desk, emulator, make_worker, watcher, clock):
    network_printer(store, "thermal-1", emulator)
    emulator.set_mode("refuse")
    assert emulator.wait_for(lambda e: e._listener is None, 5)
    worker = make_worker()
    job_id = desk.scan("SCE-1").print_job_id
    worker.wake()
    job = watcher.wait_attempts(job_id, 1)
    assert job.state == "queued" and job.printer_attempts == 1
    assert "printer thermal-1: cannot connect to 127.0.0.1" in job.last_error
    assert "check that it is switched on" in job.last_error
    assert job.next_attempt_at  # 10 s later on the fake clock
    # Scanning goes on meanwhile.
    assert desk.scan("SCE-2").print_job_id
    worker.wake()
    assert watcher.wait_attempts(job_id, 1).attempts == 1  # not due yet: no new attempt on a wake
    emulator.set_mode("normal")
    assert emulator.wait_for(lambda e: e._listener is not None, 5)
    clock.advance(10)
    worker.wake()
    watcher.wait_state(job_id, "printed")
    assert len(emulator.badges) >= 1 and decode_qr(emulator.badges[0].path) == ["SCE-1"]


def test_paper_out_moves_the_job_to_the_next_printer_at_once(
    store, desk, emulator, emulator_b, make_worker, watcher
):
    network_printer(store, "left", emulator, pool_order=1)
    network_printer(store, "right", emulator_b, pool_order=2)
    emulator.set_mode("paper-out")
    worker = make_worker()
    job_id = desk.scan("SCE-3").print_job_id
    worker.wake()
    job = watcher.wait_state(job_id, "printed", printer="right")
    assert job.attempts == 2
    assert [decode_qr(b.path) for b in emulator_b.badges] == [["SCE-3"]]
    assert emulator.badges == [] and emulator.discarded == 0  # asked first, sent nothing
    history = [(j.state, j.printer) for j in watcher.history if j.id == job_id]
    assert history == [("sending", "left"), ("queued", "right"), ("sending", "right"), ("printed", "right")]
    # The next scan avoids the printer that is out of paper.
    job2 = desk.scan("SCE-4").print_job_id
    worker.wake()
    assert watcher.wait_state(job2, "printed").printer == "right"
    assert len(emulator_b.badges) == 2


def test_a_stalled_printer_never_blocks_scanning(
    store, desk, emulator, emulator_b, make_worker, watcher, clock
):
    network_printer(store, "left", emulator, pool_order=1)
    network_printer(store, "right", emulator_b, pool_order=2)
    emulator.set_mode("stall")
    worker = make_worker()
    job_id = desk.scan("SCE-1").print_job_id
    worker.wake()
    assert watcher.wait_state(job_id, "sending", printer="left")
    # The worker is now waiting on the stalled printer; scans go through meanwhile, and the job is
    # still stuck in "sending" when they are done, so they did not wait for the stall to end.
    for n in (2, 3):
        assert desk.scan(f"SCE-{n}").admitted
    assert get_job(store, job_id).state == "sending"
    job = watcher.wait_attempts(job_id, 1)
    assert "did not answer the status query" in job.last_error
    clock.advance(10)
    worker.wake()
    watcher.wait_state(job_id, "printed", printer="right")
    moved = [j for j in watcher.history if j.id == job_id and j.state == "queued" and j.printer == "right"]
    assert len(moved) == 1 and moved[0].last_error.endswith("; moved to printer right")  # 2nd failure
    emulator.set_mode("normal")  # the hung printer is reset: what it held is lost, not printed late
    for later in jobs(store, 10):
        watcher.wait_state(later.id, "printed")
    assert [decode_qr(b.path)[0] for b in emulator_b.badges] == ["SCE-1", "SCE-2", "SCE-3"]
    assert emulator.badges == []


def test_printer_disappears_mid_job_then_the_job_is_sent_again(
    store, desk, emulator, make_worker, watcher, clock
):
    network_printer(store, "thermal-1", emulator)
    emulator.drop_next_job(after_bytes=2000)
    worker = make_worker()
    job_id = desk.scan("SCE-5").print_job_id
    worker.wake()
    job = watcher.wait_attempts(job_id, 1)
    assert job.state == "queued"
    assert "printer thermal-1:" in job.last_error
    assert emulator.discarded == 1 and emulator.badges == []
    clock.advance(10)
    worker.wake()
    watcher.wait_state(job_id, "printed")
    assert [decode_qr(b.path) for b in emulator.badges] == [["SCE-5"]]


def test_nothing_is_lost_across_a_restart(
    db_path, store, desk, emulator, make_worker, watcher, renderer, fast_settings, clock
):
    network_printer(store, "thermal-1", emulator)
    ids = [desk.scan(f"SCE-{n}").print_job_id for n in (1, 2, 3)]
    # A desk that died while sending job 1: the row says 'sending'.
    with store.transaction() as conn:
        conn.execute(
            "UPDATE print_jobs SET state = 'sending', attempts = 1, printer = 'thermal-1' WHERE id = ?",
            (ids[0],),
        )
    store.close()
    worker = make_worker()  # opens the database afresh
    for job_id in ids:
        watcher.wait_state(job_id, "printed")
    assert [decode_qr(b.path)[0] for b in emulator.badges] == ["SCE-1", "SCE-2", "SCE-3"]
    assert worker.stop()


def test_worker_stopped_mid_queue_resumes_where_it_left(db_path, desk, store, emulator, make_worker, watcher):
    network_printer(store, "thermal-1", emulator)
    first = make_worker()
    a = desk.scan("SCE-1").print_job_id
    first.wake()
    watcher.wait_state(a, "printed")
    assert first.stop()
    b = desk.scan("SCE-2").print_job_id  # queued while no worker runs
    second = make_worker()
    watcher.wait_state(b, "printed")
    assert second.running
    assert [decode_qr(x.path)[0] for x in emulator.badges] == ["SCE-1", "SCE-2"]


def test_no_printer_configured_keeps_the_job_queued(desk, make_worker, watcher):
    worker = make_worker(poll_interval=0.05)
    job_id = desk.scan("SCE-1").print_job_id
    worker.wake()
    assert watcher.wait(lambda latest: job_id in latest and latest[job_id].last_error)
    job = watcher.latest[job_id]
    assert job.state == "queued" and job.attempts == 0
    assert "no printer is configured for desk desk-1" in job.last_error


def test_a_no_status_printer_that_never_reads_gets_no_job_marked_printed(
    store, desk, emulator, make_worker, watcher, clock
):
    add_printer(
        store,
        PrinterConfig("blind", "escpos-network", emulator.address, "TM-T20II", options={"status": False}),
    )
    emulator.set_mode("stall")
    worker = make_worker()
    job_id = desk.scan("SCE-1").print_job_id
    worker.wake()
    job = watcher.wait_attempts(job_id, 1)
    assert job.state == "queued" and job.printed_at is None
    assert "took the connection but not the last " in job.last_error
    assert "the badge is not marked printed" in job.last_error
    emulator.set_mode("normal")  # the hung printer is reset: what it held is lost
    clock.advance(10)
    worker.wake()
    watcher.wait_state(job_id, "printed")
    assert emulator.wait_for_badges(1)
    assert [decode_qr(b.path) for b in emulator.badges] == [["SCE-1"]]
    assert emulator.status_queries == 0  # it was never asked: --no-status


def test_a_no_status_printer_that_reads_prints_at_once(store, desk, emulator, make_worker, watcher):
    add_printer(
        store,
        PrinterConfig("blind", "escpos-network", emulator.address, "TM-T20II", options={"status": False}),
    )
    worker = make_worker()
    job_id = desk.scan("SCE-2").print_job_id
    worker.wake()
    assert watcher.wait_state(job_id, "printed").attempts == 1
    assert emulator.wait_for_badges(1)
    assert [decode_qr(b.path) for b in emulator.badges] == [["SCE-2"]]


def test_a_name_of_3000_words_does_not_hold_up_the_badges_behind_it(
    db_path, store, desk, emulator, watcher, clock
):
    from checkin_desk.domain.models import Attendee

    words = ("Abdelkrim Benoît-Çağla Ouazzani Touhami محمد 王小明 " * 500).split()[:3000]
    store.upsert_attendees([Attendee("SCE-LONG", " ".join(words), "", " ".join(words[:500]))])
    network_printer(store, "thermal-1", emulator)
    worker = PrintWorker(db_path, "desk-1", on_change=watcher, clock=clock)  # the real renderer
    worker.start()
    try:
        long_job = desk.scan("SCE-LONG").print_job_id
        next_job = desk.scan("SCE-1").print_job_id
        worker.wake()
        watcher.wait_state(long_job, "printed", timeout=30)
        watcher.wait_state(next_job, "printed", timeout=30)
    finally:
        assert worker.stop()
    assert emulator.wait_for_badges(2)
    assert [decode_qr(b.path) for b in emulator.badges] == [["SCE-LONG"], ["SCE-1"]]
