from datetime import UTC, datetime

import pytest
from reportdata import add_scan, make_fixed

from checkin_desk import reports
from checkin_desk.domain.models import EventInfo
from checkin_desk.reports import figures
from checkin_desk.storage.store import Store


@pytest.fixture
def fixed(people):
    return make_fixed(people)


AFTER = datetime(2027, 4, 21, 12, 0, tzinfo=UTC)


def by(rows, attr):
    return {getattr(r, attr): r for r in rows}


def test_totals_by_day_and_day_boundary_in_casablanca_time(fixed):
    f = figures.compute(fixed, now=AFTER)
    t = f.totals
    assert (t.unique_attendees, t.entries, t.reentries, t.refused, t.overrides) == (5, 8, 1, 2, 1)
    days = by(f.by_day, "day")
    assert [d.day for d in f.by_day] == ["2027-04-18", "2027-04-19", "2027-04-20"]
    assert (days["2027-04-18"].unique_attendees, days["2027-04-18"].entries) == (2, 4)
    # SCE-3 scanned at 23:30 UTC on the 18th: 00:30 on the 19th in Casablanca.
    assert (days["2027-04-19"].unique_attendees, days["2027-04-19"].entries) == (4, 4)
    assert (days["2027-04-20"].entries, days["2027-04-20"].note) == (0, "no scans")
    assert f.scope == "desk" and "this desk" in f.scope_label


def test_hours_are_local_and_arrivals_add_up_to_unique(fixed):
    f = figures.compute(fixed, now=AFTER)
    hours = {r.label: (r.arrivals, r.entries) for r in f.by_hour}
    assert hours == {
        "2027-04-18 09:00": (3, 3),  # SCE-1 09:05, SCE-2 09:10 and 09:25 (the conflict)
        "2027-04-18 12:00": (0, 1),  # SCE-1's re-entry
        "2027-04-19 00:00": (1, 1),
        "2027-04-19 10:00": (3, 3),
    }
    quarters = {r.label: r.arrivals for r in f.by_quarter}
    assert quarters["2027-04-18 09:00"] == 2 and quarters["2027-04-18 09:15"] == 1
    assert all(r.start.tzinfo is not None for r in f.by_quarter)


def test_categories_no_shows_walk_ins_and_no_division_by_zero(fixed):
    f = figures.compute(fixed, now=AFTER)
    cats = by(f.by_category, "category")
    v = cats["visitor"]
    # Registered visitors: SCE-1, SCE-5, SCE-6 (the walk-in is not pre-registered).
    assert (v.registered, v.arrived, v.arrived_registered, v.no_shows, v.walk_ins, v.entries) == (
        3,
        3,
        2,
        1,
        1,
        5,
    )
    assert v.show_rate == round(2 / 3, 4)
    press = cats["press"]  # only a cancelled pass: nobody registered, rate undefined
    assert (press.registered, press.arrived, press.show_rate) == (0, 0, None)
    assert (f.totals.registered, f.totals.arrived_registered, f.totals.no_shows) == (5, 4, 1)
    assert (f.walk_ins_registered, f.walk_ins_admitted) == (1, 1)


def test_desks_refusals_badges_and_conflicts(fixed):
    f = figures.compute(fixed, now=AFTER)
    desks = {d.desk: (d.arrivals, d.entries, d.refused) for d in f.by_desk}
    assert desks == {"desk-1": (5, 5, 2), "desk-2": (2, 3, 0)}
    assert {r.key: r.count for r in f.refused} == {"cancelled": 1, "unknown": 1}
    assert (f.badges.first_badges, f.badges.printed, f.badges.reprints, f.badges.pending) == (1, 1, 1, 1)
    assert [(r.label, r.count) for r in f.badges.reprint_reasons] == [("badge lost", 1)]
    assert f.offline.conflict_count == 1
    (c,) = f.offline.conflicts
    assert (c.attendee_code, c.day, c.desks) == ("SCE-2", "2027-04-18", ("desk-1", "desk-2"))
    assert c.first_at.strftime("%H:%M") == "09:10" and c.last_at.strftime("%H:%M") == "09:25"
    assert f.offline.offline_entries == 8


def test_one_day_report(fixed):
    f = figures.compute(fixed, day="2027-04-19", now=AFTER)
    assert (f.totals.unique_attendees, f.totals.entries, f.totals.refused, f.totals.overrides) == (4, 4, 0, 1)
    assert [d.day for d in f.by_day] == ["2027-04-19"]
    assert f.offline.conflict_count == 0
    assert (f.walk_ins_registered, f.walk_ins_admitted) == (1, 1)


def test_legacy_counts_still_work(fixed):
    assert [(r.key, r.unique_attendees, r.entries) for r in reports.counts(fixed, "day")] == [
        ("2027-04-18", 2, 4),
        ("2027-04-19", 4, 4),
    ]
    assert reports.totals(fixed).unique_attendees == 5
    assert {r.key: r.entries for r in reports.counts(fixed, "desk")} == {"desk-1": 5, "desk-2": 3}
    assert reports.counts(fixed, "hour")[0].key == "2027-04-18 09:00"


def test_empty_event_is_labelled_not_divided_by_zero(store):
    f = figures.compute(store, now=AFTER)
    assert f.totals.unique_attendees == 0 and f.totals.show_rate is None
    assert [d.note for d in f.by_day] == ["no scans"] * 3
    assert f.by_hour == [] and "No admitted entries yet." in f.notes
    future = figures.compute(store, now=datetime(2027, 1, 1, tzinfo=UTC))
    assert [d.note for d in future.by_day] == ["not yet"] * 3


def test_desk_with_a_wrong_clock_is_counted_and_pointed_out(fixed):
    add_scan(fixed, "SCE-2", "2024-01-01T10:00:00+00:00", "desk-9")
    f = figures.compute(fixed, now=AFTER)
    assert f.totals.entries == 9
    odd = by(f.by_day, "day")["2024-01-01"]
    assert odd.entries == 1 and "clock" in odd.note
    (w,) = f.clock_warnings
    assert (w.desk, w.outside_event) == ("desk-9", 1)
    assert by(f.by_desk, "desk")["desk-9"].note == "clock wrong?"


def _ramadan_store(tmp_path, days):
    s = Store.open(tmp_path / "r.sqlite", create=True)
    s.init_event(EventInfo("Expo", days))
    s.upsert_attendees([reports_attendee(c) for c in ("A", "B", "C")])
    return s


def reports_attendee(code):
    from checkin_desk.domain.models import Attendee

    return Attendee(code, code, code)


def test_end_of_ramadan_offset_change_is_bucketed_by_local_time(tmp_path):
    # Casablanca is UTC+0 during Ramadan 2027 and back to UTC+1 from 2027-03-14 02:00 UTC.
    s = _ramadan_store(tmp_path, ("2027-03-13", "2027-03-14"))
    add_scan(s, "A", "2027-03-13T09:30:00+00:00")
    add_scan(s, "A", "2027-03-14T09:30:00+00:00")
    f = figures.compute(s, now=AFTER)
    assert [r.label for r in f.by_hour] == ["2027-03-13 09:00", "2027-03-14 10:00"]
    assert [r.start.utcoffset().total_seconds() for r in f.by_hour] == [0, 3600]


def test_the_hour_that_repeats_when_ramadan_starts_stays_two_rows(tmp_path):
    # 2027-02-07 02:00 UTC: clocks go back from 03:00 to 02:00, so 02:xx local happens twice.
    s = _ramadan_store(tmp_path, ("2027-02-07",))
    add_scan(s, "A", "2027-02-07T01:30:00+00:00")  # 02:30 UTC+1
    add_scan(s, "B", "2027-02-07T02:30:00+00:00")  # 02:30 UTC+0
    f = figures.compute(s, now=AFTER)
    assert [(r.label, r.arrivals) for r in f.by_hour] == [
        ("2027-02-07 02:00 (UTC+1)", 1),
        ("2027-02-07 02:00 (UTC+0)", 1),
    ]
    assert f.by_day[0].unique_attendees == 2


def test_a_source_can_be_swapped_for_a_hub(fixed):
    class Hub(reports.LocalSource):
        scope = "hub"

        @property
        def scope_label(self):
            return "all desks (hub)"

    f = figures.compute(Hub(fixed), now=AFTER)
    assert (f.scope, f.scope_label, f.totals.unique_attendees) == ("hub", "all desks (hub)", 5)
