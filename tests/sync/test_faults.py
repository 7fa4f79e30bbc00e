"""Faults: the hub hangs, the network drops mid-scan and mid-sync, the hub restarts, a desk clock
is hours off, a desk process is killed mid-sync. Nothing lost, nothing doubled."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest

from checkin_desk.domain.models import Attendee, Status
from checkin_desk.sync import HubError
from checkin_desk.sync import hub as hubsql
from sync.conftest import HUB_EVENT, FakeClock, admin_query

pytestmark = pytest.mark.hub
ROOT = Path(__file__).resolve().parents[2]


def many(n: int, prefix: str = "BULK-") -> list[Attendee]:
    return [Attendee(f"{prefix}{i:06d}", f"First{i}", f"Last{i}", company="Co") for i in range(n)]


def load_hub(admin_dsn: str, attendees) -> None:
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        hubsql.import_attendees(conn, attendees)


def local_uuids(store) -> set[str]:
    return {r[0] for r in store.conn.execute("SELECT uuid FROM scans WHERE origin = 'local'")}


def hub_uuids(admin_dsn: str, desk: str) -> list[str]:
    return [r[0] for r in admin_query(admin_dsn, "SELECT uuid::text FROM scans WHERE desk = %s", (desk,))]


def scan_without_hanging(desk, code: str):
    """Scan on a thread; a scan still waiting on the hub after 10 s means the deadline was not kept.
    (How long the fallback takes is a benchmark figure, benchmarks/bench_sync.py, not an assert.)"""
    result: list = []
    thread = threading.Thread(target=lambda: result.append(desk.scan(code)), daemon=True)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive(), f"the scan of {code} is still waiting on the hub"
    return result[0]


def test_a_hanging_hub_falls_back_to_an_offline_decision(hub_dsn, make_desk, proxy):
    rig = make_desk("desk-1", proxy.dsn(hub_dsn))
    rig.sync()
    assert not rig.desk.scan("SCE-1").offline
    proxy.blackhole()
    rig.clock.advance(5)
    outcome = scan_without_hanging(rig.desk, "SCE-2")
    assert outcome.offline and outcome.status == Status.OK
    assert rig.decider.online is False
    proxy.cut()
    rig.clock.advance(5)
    assert scan_without_hanging(rig.desk, "SCE-3").offline


def test_hub_cut_mid_scan_and_mid_sync_then_every_scan_on_the_hub_exactly_once(
    hub_dsn, hub_admin_dsn, make_desk, proxy
):
    load_hub(hub_admin_dsn, many(300))
    rig = make_desk("desk-1", proxy.dsn(hub_dsn), push_batch=20)
    rig.sync()
    for i in range(0, 100):
        rig.clock.advance(2)
        rig.desk.scan(f"BULK-{i:06d}")
    proxy.cut()  # mid-scan: the desk keeps scanning offline
    for i in range(100, 200):
        rig.clock.advance(2)
        assert rig.desk.scan(f"BULK-{i:06d}").offline
    proxy.restore()
    pushed = []

    def cut_after_two_batches(kind, count):
        pushed.append(count)
        if kind == "push" and len(pushed) == 2:
            proxy.cut()

    rig.loop.on_page = cut_after_two_batches
    with pytest.raises(HubError, match=r"lost|nothing answers"):
        rig.sync()
    assert rig.loop.state.online is False and rig.loop.state.pending > 0
    proxy.restore()
    rig.loop.on_page = None
    rig.sync()
    assert rig.loop.pending() == 0
    on_hub = hub_uuids(hub_admin_dsn, "desk-1")
    assert len(on_hub) == len(set(on_hub)) == 200
    assert set(on_hub) == local_uuids(rig.store)
    assert admin_query(hub_admin_dsn, "SELECT count(*) FROM conflicts")[0][0] == 0


def test_hub_restarted_mid_push_nothing_lost_or_doubled(hub_dsn, hub_admin_dsn, make_desk, proxy):
    load_hub(hub_admin_dsn, many(200))
    rig = make_desk("desk-1", proxy.dsn(hub_dsn), push_batch=25)
    rig.sync()
    proxy.cut()
    for i in range(150):
        rig.clock.advance(2)
        rig.desk.scan(f"BULK-{i:06d}")
    proxy.restore()
    role = psycopg.conninfo.conninfo_to_dict(hub_dsn)["user"]
    calls = []

    def restart(kind, count):
        calls.append(count)
        if len(calls) == 3:  # every desk session is killed, as a server restart would
            admin_query(
                hub_admin_dsn,
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s",
                (role,),
            )

    rig.loop.on_page = restart
    with pytest.raises(HubError):
        rig.sync()
    rig.loop.on_page = None
    rig.sync()
    on_hub = hub_uuids(hub_admin_dsn, "desk-1")
    assert len(on_hub) == len(set(on_hub)) == 150 and set(on_hub) == local_uuids(rig.store)


def test_interrupted_first_pull_resumes_where_it_stopped(hub_dsn, hub_admin_dsn, make_desk):
    load_hub(hub_admin_dsn, many(5000))
    rig = make_desk("desk-1", hub_dsn, page_size=1000)

    class Crash(Exception):
        pass

    def crash_after_three_pages(kind, count):
        if kind == "attendees" and count >= 3000:
            raise Crash

    rig.loop.on_page = crash_after_three_pages
    with pytest.raises(Crash):
        rig.sync()
    assert rig.store.attendee_count() == 3000
    rig.loop.on_page = None
    report = rig.sync()
    assert report.pulled_attendees == 2006  # the rest only, not from the start
    assert rig.store.attendee_count() == 5006


# Wall times at the hub (Casablanca) that a clock-dependent test must survive: mid-morning, just
# after midnight (a desk five hours behind is on the day before) and just before midnight.
WALL_TIMES = ["10:00", "00:30", "23:30"]


def casablanca(day: str, hhmm: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=ZoneInfo("Africa/Casablanca"))


@pytest.mark.parametrize("wall", WALL_TIMES)
def test_desk_clock_hours_off_is_ordered_by_hub_time_and_reported(
    wall, hub_dsn, hub_admin_dsn, hub_clock, make_desk, proxy
):
    now = casablanca(HUB_EVENT.days[1], wall)
    hub_clock.set(now)
    early = make_desk("desk-early", proxy.dsn(hub_dsn), clock=FakeClock(now - timedelta(hours=5)))
    right = make_desk("desk-right", proxy.dsn(hub_dsn), clock=FakeClock(now))
    early.sync()
    right.sync()
    proxy.cut()
    right.desk.scan("SCE-1")
    right.clock.advance(30)
    early.desk.scan("SCE-1")  # its clock says five hours earlier, but it happened later
    proxy.restore()
    right.sync()
    assert early.sync().conflicts == 1
    assert "behind the hub" in early.loop.state.message
    (desk,) = admin_query(hub_admin_dsn, "SELECT desk FROM conflicts")[0]
    assert desk == "desk-early"
    skew = admin_query(hub_admin_dsn, "SELECT clock_skew_s FROM desks WHERE name = 'desk-early'")[0][0]
    assert -5 * 3600 - 60 < skew < -5 * 3600 + 60
    # Online, the hub's clock says which day it is: the wrong desk clock does not matter.
    early.clock.advance(3600)
    assert early.desk.scan("SCE-2").status == Status.OK


def test_the_test_hub_clock_is_the_one_the_hub_decides_by(hub_dsn, hub_clock, make_desk):
    """The fixture moves the instant the hub's own SQL reads, for the desks' role too."""
    hub_clock.set(casablanca(HUB_EVENT.days[2], "23:30"))
    with psycopg.connect(hub_dsn, autocommit=True) as conn:
        hub_now = conn.execute("SELECT clock_timestamp()").fetchone()[0]
    assert abs((hub_now - casablanca(HUB_EVENT.days[2], "23:30")).total_seconds()) < 60
    desk = make_desk("desk-1", hub_dsn, clock=FakeClock(casablanca(HUB_EVENT.days[0], "10:00")))
    outcome = desk.desk.scan("SCE-6")  # a pass for the second day only; the hub says it is the third
    assert outcome.status == Status.WRONG_DAY and not outcome.offline


def _run_sync(db: Path, home: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CHECKIN_DESK_HOME": str(home)}
    return subprocess.Popen(
        [sys.executable, "-m", "checkin_desk", "--db", str(db), "--desk", "desk-k", "sync", "--once", *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _finish(proc: subprocess.Popen, timeout: float = 60.0) -> tuple[int, str]:
    _, err = proc.communicate(timeout=timeout)
    return proc.returncode, err.decode()


def _count(db: Path, query: str) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return conn.execute(query).fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def _kill_when(proc: subprocess.Popen, condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if condition():
            break
        time.sleep(0.005)
    assert proc.poll() is None, f"the sync ended before it could be killed: {_finish(proc)}"
    os.kill(proc.pid, signal.SIGKILL)
    assert _finish(proc)[0] == -signal.SIGKILL


@pytest.mark.slow
def test_desk_process_killed_mid_pull_and_mid_push_loses_and_doubles_nothing(
    hub_dsn, hub_admin_dsn, make_desk, tmp_path
):
    load_hub(hub_admin_dsn, many(40000))
    rig = make_desk("desk-k", hub_dsn)
    rig.loop.close()
    rig.store.set_setting("hub_dsn", hub_dsn)
    db = rig.path
    # Mid-pull.
    proc = _run_sync(db, tmp_path, "--page-size", "500")
    _kill_when(proc, lambda: _count(db, "SELECT count(*) FROM attendees") > 1000)
    assert _count(db, "SELECT count(*) FROM attendees") < 40006
    code, err = _finish(_run_sync(db, tmp_path))
    assert code == 0, err
    assert _count(db, "SELECT count(*) FROM attendees") == 40006
    # Mid-push: 3000 scans decided offline.
    rig.decider.close()
    rig.desk.online = None
    for i in range(3000):
        rig.clock.advance(2)
        rig.desk.scan(f"BULK-{i:06d}")
    assert _count(db, "SELECT count(*) FROM outbox") == 3000
    proc = _run_sync(db, tmp_path, "--push-batch", "20")
    _kill_when(proc, lambda: _count(db, "SELECT count(*) FROM outbox") < 2800)
    assert _count(db, "SELECT count(*) FROM outbox") > 0
    code, err = _finish(_run_sync(db, tmp_path))
    assert code == 0, err
    assert _count(db, "SELECT count(*) FROM outbox") == 0
    on_hub = hub_uuids(hub_admin_dsn, "desk-k")
    assert len(on_hub) == len(set(on_hub)) == 3000
    assert set(on_hub) == local_uuids(rig.store)
