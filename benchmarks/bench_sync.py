"""Hub sync figures, each beside its floor (bare psycopg on the same server) as a ratio.

1. First sync of 100,000 attendees into an empty desk (target <= 10 s).
   Floor: one bare SELECT of the same rows through psycopg.
2. Online scan decision through the hub on loopback, p99 (target <= 25 ms).
   Floor: one bare INSERT + SELECT round trip pair.
3. 20 desks (processes) scanning at a steady pace, hub throughput and p99 (target >= 200 scans/s,
   p99 <= 100 ms). Floor: the same 20 processes doing bare INSERT + SELECT pairs at the same pace.
4. `audit verify` with a hub (local chain + every anchor the hub holds for the desk), and one sync's
   anchor. Floors: the local chain check alone; one bare INSERT.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_sync.py [--small] [--audit-only]

Uses a temporary database on $CHECKIN_DESK_BENCH_PG (default: the local server as postgres), dropped
at the end.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import psycopg
from psycopg import conninfo, sql

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checkin_desk.domain.models import Attendee, EventInfo
from checkin_desk.services.audit_check import check_audit
from checkin_desk.storage import audit
from checkin_desk.storage.store import HUB_DSN_SETTING, Store
from checkin_desk.sync import HubDecider, SyncLoop, audit_anchor, hub_schema
from checkin_desk.sync import hub as hubsql
from checkin_desk.util.clock import iso, local_day, today, utc_now

ADMIN = os.environ.get("CHECKIN_DESK_BENCH_PG", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")
TZ = "Africa/Casablanca"


def p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def scan_dict(code: str, desk: str) -> dict:
    now = utc_now()
    return {
        "uuid": str(uuid.uuid4()),
        "code": code,
        "at": iso(now),
        "day": local_day(now, TZ),
        "desk": desk,
        "operator": "bench",
        "kind": "entry",
    }


def bench_first_sync(admin_dsn: str, desk_dsn: str, n: int) -> None:
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        started = time.perf_counter()
        hubsql.import_attendees(
            conn,
            (Attendee(f"B{i:07d}", f"Prénom{i}", f"Nom{i}", company=f"Société {i % 500}") for i in range(n)),
        )
        imported = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "desk.sqlite", create=True)
        store.init_event(EventInfo("bench", (today(TZ).isoformat(),), TZ))
        loop = SyncLoop(store, "bench-desk", desk_dsn)
        started = time.perf_counter()
        report = loop.run_once()
        took = time.perf_counter() - started
        loop.close()
        assert store.attendee_count() >= n, store.attendee_count()
        store.close()
    with psycopg.connect(desk_dsn) as conn:
        started = time.perf_counter()
        rows = conn.execute("SELECT * FROM attendees").fetchall()
        floor = time.perf_counter() - started
    assert len(rows) >= n
    print(f"hub import of {n} attendees: {imported:.2f} s")
    print(
        f"first sync of {report.pulled_attendees} attendees ({report.pages} pages): {took:.2f} s "
        f"(target <= {10 * n / 100_000:.1f} s) | floor bare SELECT {floor:.2f} s | ratio {took / floor:.1f}x"
    )


def bare_pair(conn: psycopg.Connection, i: int) -> None:
    conn.execute("INSERT INTO bench_floor (id, v) VALUES (%s, %s)", (str(uuid.uuid4()), i))
    conn.execute("SELECT v FROM bench_floor WHERE id = %s", ("x",)).fetchone()


def bench_online_p99(admin_dsn: str, desk_dsn: str, n: int) -> None:
    decider = HubDecider(desk_dsn, "bench-online")
    latencies, offline = [], 0
    codes = [f"B{i:07d}" for i in range(n)]
    decider.decide(scan_dict(codes[0], "bench-online"), 2.0)  # connect
    for code in codes[1:]:
        started = time.perf_counter()
        result = decider.decide(scan_dict(code, "bench-online"), 0.3)
        latencies.append(time.perf_counter() - started)
        offline += result is None
    decider.close()
    floor = []
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        for i in range(n):
            started = time.perf_counter()
            bare_pair(conn, i)
            floor.append(time.perf_counter() - started)
    print(
        f"online decision x{len(latencies)}: p50 {ms(statistics.median(latencies))}, p99 {ms(p(latencies, 0.99))} "
        f"(target <= 25 ms), {offline} fell back offline | floor bare INSERT+SELECT p99 {ms(p(floor, 0.99))} "
        f"| ratio {p(latencies, 0.99) / p(floor, 0.99):.1f}x"
    )


def _desk_worker(dsn: str, desk: str, codes: list[str], rate: float, seconds: float, bare: bool, out) -> None:
    random.seed(desk)
    if bare:
        conn = psycopg.connect(dsn, autocommit=True)
    else:
        decider = HubDecider(dsn, desk)
        decider.decide(scan_dict(codes[0], desk), 2.0)
    latencies, offline = [], 0
    interval = 1.0 / rate
    start = time.perf_counter()
    next_at = start
    i = 0
    while time.perf_counter() - start < seconds:
        now = time.perf_counter()
        if now < next_at:
            time.sleep(next_at - now)
        # Mostly new arrivals, some passes shared with other desks (re-entries, queue jumpers).
        code = random.choice(codes)
        t0 = time.perf_counter()
        if bare:
            bare_pair(conn, i)
        else:
            offline += decider.decide(scan_dict(code, desk), 0.3) is None
        latencies.append(time.perf_counter() - t0)
        next_at += interval
        i += 1
    out.put((latencies, offline))


def bench_many_desks(admin_dsn: str, desk_dsn: str, desks: int, rate: float, seconds: float, n: int) -> None:
    ctx = mp.get_context("fork")
    results = {}
    for label, bare, dsn in (("hub", False, desk_dsn), ("floor", True, admin_dsn)):
        out = ctx.Queue()
        codes = [f"B{i:07d}" for i in range(n)]
        procs = [
            ctx.Process(target=_desk_worker, args=(dsn, f"desk-{d:02d}", codes, rate, seconds, bare, out))
            for d in range(desks)
        ]
        started = time.perf_counter()
        for proc in procs:
            proc.start()
        collected = [out.get() for _ in procs]
        for proc in procs:
            proc.join()
        elapsed = time.perf_counter() - started
        latencies = [x for lat, _ in collected for x in lat]
        offline = sum(o for _, o in collected)
        results[label] = (len(latencies) / seconds, p(latencies, 0.99), offline, elapsed)
    (rate_hub, p99_hub, off, _), (rate_floor, p99_floor, _, _) = results["hub"], results["floor"]
    print(
        f"{desks} desks at {rate:g} scans/s each for {seconds:g} s: {rate_hub:.0f} scans/s, p99 {ms(p99_hub)} "
        f"(targets >= 200/s, <= 100 ms), {off} fell back offline | floor {rate_floor:.0f}/s p99 {ms(p99_floor)} "
        f"| p99 ratio {p99_hub / p99_floor:.1f}x"
    )


def bench_audit_verify(admin_dsn: str, desk_dsn: str, entries: int) -> None:
    """A desk whose log has `entries` entries, anchored every 10 entries (one sync each time)."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "desk.sqlite", create=True)
        store.init_event(EventInfo("Bench", (today(TZ).isoformat(),), TZ))
        # The administrator's DSN (trust auth, no password): nothing is written to the password file.
        store.set_setting(HUB_DSN_SETTING, admin_dsn)
        store.set_setting("sync_desk_uid", "bench-desk")
        with (
            psycopg.connect(desk_dsn, autocommit=True) as hub,
            psycopg.connect(admin_dsn, autocommit=True) as bare,
        ):
            for i in range(entries):
                with store.transaction() as conn:
                    audit.append(conn, desk="d", operator="o", action="reprint", subject=f"C{i}", details={})
                if (i + 1) % 10 == 0:
                    audit_anchor.record(hub, "bench-desk", "d", audit.head(store.conn))
            anchor_times, floor_times = [], []
            for i in range(200):
                with store.transaction() as conn:
                    audit.append(conn, desk="d", operator="o", action="reprint", subject=f"X{i}", details={})
                started = time.perf_counter()
                audit_anchor.record(hub, "bench-desk", "d", audit.head(store.conn))
                anchor_times.append(time.perf_counter() - started)
                started = time.perf_counter()
                bare.execute("INSERT INTO bench_floor (id, v) VALUES (%s, %s)", (str(uuid.uuid4()), i))
                floor_times.append(time.perf_counter() - started)
        anchors = entries // 10 + 200
        checks, floors = [], []
        for _ in range(5):
            started = time.perf_counter()
            result = check_audit(store)
            checks.append(time.perf_counter() - started)
            assert result.intact, result
            started = time.perf_counter()
            assert audit.verify(store.conn) == []
            floors.append(time.perf_counter() - started)
        store.close()
    print(
        f"audit verify with hub: {entries + 200} entries, {anchors} anchors, median {ms(statistics.median(checks))} "
        f"| floor local chain only {ms(statistics.median(floors))} "
        f"| ratio {statistics.median(checks) / statistics.median(floors):.1f}x"
    )
    print(
        f"anchor at a sync whose head changed: median {ms(statistics.median(anchor_times))} "
        f"| floor bare INSERT {ms(statistics.median(floor_times))} "
        f"| ratio {statistics.median(anchor_times) / statistics.median(floor_times):.1f}x"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="10,000 attendees, shorter runs")
    parser.add_argument("--audit-only", action="store_true", help="only the audit verify and anchor figures")
    args = parser.parse_args()
    n = 10_000 if args.small else 100_000
    admin = psycopg.connect(ADMIN, autocommit=True)
    name = f"checkin_bench_{secrets.token_hex(4)}"
    role = f"bench_desk_{secrets.token_hex(3)}"
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin_dsn = conninfo.make_conninfo(ADMIN, dbname=name)
    try:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            hub_schema.migrate(conn)
            hub_schema.ensure_desk_role(conn, role, "bench")
            first = today(TZ)
            days = [(first + timedelta(days=d)).isoformat() for d in range(3)]
            hubsql.set_settings(conn, {"event_days": days, "timezone": TZ})
            conn.execute("CREATE TABLE bench_floor (id text PRIMARY KEY, v int)")
        desk_dsn = conninfo.make_conninfo(admin_dsn, user=role, password="bench")
        print(f"PostgreSQL {admin.info.server_version}, {os.cpu_count()} CPUs, loopback")
        bench_audit_verify(admin_dsn, desk_dsn, 1_000 if args.small else 10_000)
        if args.audit_only:
            return 0
        bench_first_sync(admin_dsn, desk_dsn, n)
        bench_online_p99(admin_dsn, desk_dsn, 500 if args.small else 3000)
        bench_many_desks(admin_dsn, desk_dsn, 20, 10.0, 3.0 if args.small else 15.0, n)
    finally:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
        admin.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
