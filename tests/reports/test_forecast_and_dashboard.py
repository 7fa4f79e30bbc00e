import math
from datetime import UTC, datetime, timedelta

import pytest
from reportdata import make_fixed

from checkin_desk.reports import dashboard_snapshot
from checkin_desk.reports import forecast as fc


@pytest.fixture
def fixed(people):
    return make_fixed(people)


def erlang_c_by_hand(c, a):
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


@pytest.mark.parametrize("c,a", [(1, 0.5), (3, 2.0), (5, 4.2), (12, 10.0)])
def test_erlang_c_matches_the_textbook_formula(c, a):
    assert fc.erlang_c(c, a) == pytest.approx(erlang_c_by_hand(c, a))


def test_known_answers():
    # M/M/1, lambda=0.5, mu=1: Wq = rho / (mu - lambda) = 1 minute.
    assert fc.expected_wait_min(0.5, 1.0, 1) == pytest.approx(1.0)
    # 3 desks, lambda=2, mu=1: C = 4/9, Wq = C / (3 - 2).
    assert fc.expected_wait_min(2.0, 1.0, 3) == pytest.approx(4 / 9)
    assert fc.expected_wait_min(3.0, 1.0, 3) == math.inf
    assert fc.desks_needed(2.0, 1.0, 5.0) == 3  # 2 desks: unstable; 3: 0.44 min
    assert fc.desks_needed(2.0, 1.0, 0.1) == 4
    assert fc.desks_needed(0.0, 1.0, 5.0) == 0


def stream(desk, start, gaps_s, bursts, idle_s=300):
    """`bursts` groups of scans `gaps_s` apart, separated by idle gaps."""
    out, t = [], start
    for _ in range(bursts):
        for gap in gaps_s:
            out.append((desk, t.isoformat()))
            t += timedelta(seconds=gap)
        t += timedelta(seconds=idle_s)
    return out, t


def test_forecast_from_synthetic_streams():
    now = datetime(2027, 4, 18, 10, 0, tzinfo=UTC)
    start = now - timedelta(minutes=30)
    # desk-1 serves one person every 30 s when busy, desk-2 every 60 s; idle gaps are not service.
    s1, _ = stream("desk-1", start, [30] * 4, 4)
    s2, _ = stream("desk-2", start + timedelta(seconds=7), [60] * 3, 4)
    rates = {r.desk: r for r in fc.desk_rates(s1 + s2, now)}
    assert rates["desk-1"].mean_service_s == pytest.approx(30)
    assert rates["desk-2"].mean_service_s == pytest.approx(60)
    assert all(r.open for r in rates.values())
    # 30 arrivals in 15 minutes: lambda = 2/min; mu = mean(2, 1) = 1.5/min; c = 2.
    f = fc.forecast(30, 15, list(rates.values()), target_wait_min=5)
    a = 2 / 1.5
    assert f.arrival_rate_per_min == pytest.approx(2.0)
    assert f.service_rate_per_min == pytest.approx(1.5)
    assert f.expected_wait_min == pytest.approx(erlang_c_by_hand(2, a) / (3 - 2), abs=1e-3)
    assert f.state == "ok" and f.desks_needed == 2 and f.open_desks == 2
    # Twice the crowd: 4/min against 3/min of capacity: the line grows by 1 a minute.
    over = fc.forecast(60, 15, list(rates.values()))
    assert over.state == "overloaded" and over.queue_growth_per_min == pytest.approx(1.0)
    # 3 desks: a = 8/3, Wq = C(3, a) / (4.5 - 4) = 1.6 min, under 5.
    assert erlang_c_by_hand(3, 8 / 3) / 0.5 == pytest.approx(1.595, abs=0.001)
    assert over.desks_needed == 3


def test_forecast_edge_cases():
    idle = fc.forecast(0, 15, [])
    assert idle.state == "idle" and idle.expected_wait_min == 0
    closed = fc.forecast(10, 15, [])
    assert closed.state == "no_open_desks" and closed.service_rate_assumed and closed.desks_needed == 1
    one_scan = fc.desk_rates([("d", "2027-04-18T09:59:00+00:00")], datetime(2027, 4, 18, 10, tzinfo=UTC))
    assert one_scan[0].mean_service_s is None and one_scan[0].open


def test_dashboard_snapshot_shape_and_values(fixed):
    now = datetime(2027, 4, 19, 9, 40, tzinfo=UTC)  # 10:40 in Casablanca on day 2
    snap = dashboard_snapshot(fixed, now)
    assert (snap.today, snap.previous_day) == ("2027-04-19", "2027-04-18")
    assert snap.tiles.arrived_today == 4 and snap.tiles.arrived_total == 5
    assert snap.tiles.last_15_min == 1 and snap.tiles.refused_today == 0
    points = {p.time: p for p in snap.arrivals}
    assert (points["09:00"].today, points["09:00"].previous_day) == (0, 2)
    assert (points["09:15"].previous_day, points["10:00"].today, points["10:30"].today) == (1, 2, 1)
    assert snap.arrivals[0].time == "00:30" and snap.arrivals_caption == ""
    cats = {c.category: c for c in snap.by_category}
    assert (cats["visitor"].arrived_today, cats["visitor"].registered_today) == (
        3,
        3,
    )  # SCE-1, W1, SCE-5 of SCE-1, -5, -6
    desks = {d.desk: d for d in snap.desks}
    assert desks["desk-1"].entries_today == 3 and desks["desk-1"].open
    assert snap.forecast.window_minutes == 15
    d = snap.to_dict()
    assert d["tiles"]["arrived_today"] == 4 and d["generated_at"].endswith("+01:00")


def test_dashboard_on_the_first_morning_of_an_empty_event(store):
    snap = dashboard_snapshot(store, datetime(2027, 4, 18, 8, 0, tzinfo=UTC))
    assert snap.previous_day is None and snap.arrivals == []
    assert "no previous day" in snap.arrivals_caption and snap.by_category_caption
    assert snap.tiles == type(snap.tiles)(0, 0, 0, 0) and snap.forecast.state == "idle"


@pytest.mark.parametrize(
    "moment", ["9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+00:00", "9998-12-31T23:00:00-12:00"]
)
def test_a_now_out_of_range_is_a_usage_error_not_a_crash(store, capsys, isolated_home, moment):
    from checkin_desk import cli

    for argv in (["report", "dashboard", "--now", moment], ["report", "--now", moment, "--local"]):
        assert cli.main(["--db", store.path, *argv]) == 2
        err = capsys.readouterr().err
        assert "out of range" in err and "internal error" not in err
    assert not (isolated_home / "logs" / "crash.log").exists()
    with pytest.raises(ValueError, match="out of range"):
        dashboard_snapshot(store, datetime.fromisoformat(moment))


def test_the_last_day_the_message_names_is_accepted_to_its_last_minute(store, capsys, isolated_home):
    from checkin_desk import cli

    assert cli.main(["--db", store.path, "report", "dashboard", "--now", "9998-12-31T23:59+00:00"]) == 0
    assert "out of range" not in capsys.readouterr().err


def test_the_dashboard_works_at_the_edges_of_its_range(store):
    from checkin_desk.reports.dashboard import EARLIEST_NOW, LATEST_NOW

    for moment in (EARLIEST_NOW, LATEST_NOW):
        assert dashboard_snapshot(store, moment).generated_at.astimezone(UTC) == moment
