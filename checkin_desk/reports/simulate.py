"""Simulated days of scans, written straight into the scans table: for the demo, the benchmarks and
screenshots. Realistic shape (morning and early-afternoon peaks in local time, re-entries, refusals,
walk-ins, reprints, a few offline conflicts), deterministic for a seed. Not for real events.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

from checkin_desk.storage.store import Store
from checkin_desk.util.clock import iso, zone

REFUSALS = [("unknown", 40), ("wrong_day", 25), ("cancelled", 15), ("blocked", 8), ("malformed", 12)]
REPRINT_REASONS = ["badge lost", "name misspelt", "badge damaged", "wrong category", "printer jam"]


def _local_time(rng: random.Random, day: str, tz) -> datetime:
    # Doors 09:00-18:00; a morning peak around 10:00 and a smaller one after lunch.
    hour = rng.gauss(10.2, 0.8) if rng.random() < 0.65 else rng.gauss(14.5, 1.2)
    hour = min(max(hour, 9.0), 17.95)
    d = datetime.fromisoformat(day)
    local = datetime(d.year, d.month, d.day, tzinfo=tz) + timedelta(hours=hour)
    return local.replace(microsecond=rng.randrange(0, 1000) * 1000)


def simulate(
    store: Store,
    *,
    scans: int = 10_000,
    days: list[str] | None = None,
    desks: int = 6,
    seed: int = 7,
    walk_ins: int = 0,
) -> int:
    """Add about `scans` scans by the event's attendees on `days` (default: every event day).

    Returns the number of scans written.
    """
    rng = random.Random(seed)
    event = store.event()
    tz = zone(event.timezone)
    days = list(days or event.days)
    codes = [
        (code, status, days_valid)
        for code, status, days_valid in store.conn.execute("SELECT code, status, days FROM attendees")
    ]
    if not codes or not days:
        return 0
    desk_names = [f"desk-{i + 1}" for i in range(desks)]
    rows: list[tuple] = []
    jobs: list[tuple] = []
    badged: set[str] = set()
    entered: dict[tuple[str, str], str] = {}
    now_iso = iso(datetime.now(UTC))
    walk_in_rows = []
    for i in range(walk_ins):
        code = f"W{seed:02d}{i:08d}"
        walk_in_rows.append((code, "Walk", f"In {i}", "visitor", "walk_in", now_iso))
        codes.append((code, "valid", ""))

    def add(code, attendee, at, day, desk, status, admitted, reentry=0, badge=0, offline=1):
        rows.append(
            (
                str(uuid.UUID(int=rng.getrandbits(128))),
                code,
                attendee,
                iso(at),
                day,
                desk,
                status,
                admitted,
                reentry,
                badge,
                offline,
            )
        )

    while len(rows) < scans:
        day = rng.choice(days)
        desk = rng.choice(desk_names)
        roll = rng.random()
        at = _local_time(rng, day, tz)
        if roll < 0.03:  # a refusal
            status = rng.choices([r for r, _ in REFUSALS], [w for _, w in REFUSALS])[0]
            code, _, _ = rng.choice(codes)
            attendee = None if status in ("unknown", "malformed") else code
            add("" if status == "malformed" else code, attendee, at, day, desk, status, 0)
            continue
        code, status, valid_days = rng.choice(codes)
        if status != "valid" or (valid_days and day not in valid_days.split(",")):
            add(code, code, at, day, desk, "wrong_day" if status == "valid" else status, 0)
            continue
        first = entered.get((code, day))
        if first is None:
            badge = int(code not in badged)
            badged.add(code)
            entered[(code, day)] = desk
            add(code, code, at, day, desk, "ok", 1, 0, badge)
            if badge:
                jobs.append((code, rows[-1][0], 0, None, None, desk, iso(at)))
            if rng.random() < 0.002:  # the same pass admitted at another desk while apart
                other = rng.choice([d for d in desk_names if d != desk] or desk_names)
                add(code, code, at + timedelta(minutes=rng.randint(1, 40)), day, other, "ok", 1, 0, 0)
        else:
            later = at + timedelta(minutes=rng.randint(30, 240))
            if later.astimezone(tz).date().isoformat() != day:
                later = at
            add(code, code, later, day, desk, "already_checked_in", 1, 1, 0)
    for k in range(max(1, len(badged) // 200)):
        code = rng.choice(sorted(badged)) if k < 3 else rng.choice(list(badged))
        jobs.append((code, None, 1, rng.choice(REPRINT_REASONS), "supervisor", desk_names[0], now_iso))
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO attendees (code, first_name, last_name, category, origin, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            walk_in_rows,
        )
        conn.executemany(
            "INSERT INTO scans (uuid, code, attendee_code, at, day, desk, kind, status, admitted, reentry, "
            "badge, offline) VALUES (?, ?, ?, ?, ?, ?, 'entry', ?, ?, ?, ?, ?)",
            rows,
        )
        conn.executemany(
            "INSERT INTO print_jobs (uuid, attendee_code, scan_uuid, reprint, reason, allowed_by, state, desk, "
            "created_at, updated_at, printed_at) VALUES (?, ?, ?, ?, ?, ?, 'printed', ?, ?, ?, ?)",
            [
                (str(uuid.UUID(int=rng.getrandbits(128))), c, s, r, reason, by, d, at, at, at)
                for c, s, r, reason, by, d, at in jobs
            ],
        )
    return len(rows)
