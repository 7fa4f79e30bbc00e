"""The dashboard shows the reports' snapshot, computed on the worker, never blocking a scan."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from checkin_desk.gui import dashboard_text
from gui.conftest import scan
from tests.reports.reportdata import make_fixed

DAY2_1040 = datetime(2027, 4, 19, 9, 40, tzinfo=UTC)  # 10:40 in Casablanca on day 2


@pytest.fixture
def fixed_window(qtbot, window, people, clock):
    make_fixed(people)
    clock.now = DAY2_1040
    return window


def show_dashboard(qtbot, window):
    with qtbot.waitSignal(window.dashboard.refreshed, timeout=10_000):
        window.toggle_dashboard()
    return window.dashboard


def test_values_shown_match_the_fixed_data_set(qtbot, fixed_window):
    view = show_dashboard(qtbot, fixed_window)
    assert view.active and view.snapshot.today == "2027-04-19"
    values = {key: tile.value.text() for key, tile in view.tiles.items()}
    assert values == {"today": "4", "total": "5", "last15": "1", "refused": "0"}
    assert view.tiles["today"].caption.text() == "Arrivés aujourd'hui"
    points = {label: (today, prev) for label, today, prev in view.arrivals.points}
    assert points["09:00"] == (0, 2) and points["10:00"] == (2, 0) and points["10:30"] == (1, 0)
    assert view.arrivals.caption == ""
    assert "veille (2027-04-18)" in view.arrivals.legend[1]
    rows = {
        label: (colour, arrived, registered) for label, colour, arrived, registered in view.by_category.rows
    }
    visitor = next(r for label, r in rows.items() if label.lower().startswith("visit"))
    assert visitor[1:] == (3, 3) and visitor[0].startswith("#")
    table = {
        view.table.item(r, 0).text(): [view.table.item(r, c).text() for c in range(9)]
        for r in range(view.table.rowCount())
    }
    assert table["desk-1"][1] == "oui" and table["desk-1"][5] == "3"
    assert view.wait.text().startswith("Attente estimée")
    assert "Accueils nécessaires pour 5 min" in view.needed.text()
    assert view.explain.text()  # the forecast in words
    fixed_window.translator.set_language("ar")
    assert view.tiles["today"].caption.text() == "الحضور اليوم"
    assert view.explain.text() and "الانتظار" in view.wait.text()


def test_an_empty_day_shows_captions_instead_of_charts(qtbot, window, clock):
    clock.now = datetime(2027, 4, 18, 8, 0, tzinfo=UTC)
    view = show_dashboard(qtbot, window)
    assert view.arrivals.points == []
    assert view.arrivals.caption == "Aucune entrée aujourd'hui (2027-04-18) et pas de veille à comparer"
    assert view.by_category.caption.startswith("Aucune entrée aujourd'hui")
    assert view.tiles["today"].value.text() == "0"
    assert "Personne n'est arrivé" in view.explain.text()
    view.grab()  # paints the captions without error


def test_a_slow_snapshot_never_blocks_scanning(qtbot, fixed_window, people, clock):
    view = fixed_window.dashboard
    release, started = threading.Event(), threading.Event()
    real = view.reader.compute
    calls = []

    def slow_snapshot(source, now):  # a big event: the snapshot holds the db worker
        calls.append(now)
        started.set()
        assert release.wait(30)
        return real(source, now)

    view.reader.compute = slow_snapshot
    fixed_window.toggle_dashboard()
    assert view.busy and started.wait(5)
    try:
        view.refresh()  # the timer fires again while the first one runs: skipped, not queued
        assert view.skipped == 1
        fixed_window.toggle_dashboard()  # back to the desk while the snapshot is still computing
        clock.advance(60)
        for code in ("SCE-2", "SCE-3"):
            scan(qtbot, fixed_window, code)
            clock.advance(5)
            assert fixed_window.banner.kind in ("admitted", "already")
        assert (
            people.conn.execute(
                "SELECT count(*) FROM scans WHERE day = '2027-04-19' AND desk = 'desk-1'"
            ).fetchone()[0]
            >= 2
        )
        assert len(calls) == 1
    finally:
        release.set()
    qtbot.waitUntil(lambda: not view.busy and view.snapshot is not None, timeout=10_000)
    assert not view.active and not view._timer.isActive()  # hidden: no more refreshes
    assert len(calls) == 1


def test_forecast_words_for_every_state():
    from checkin_desk.reports import forecast as fc

    tr = lambda key, **v: dashboard_text.MESSAGES[key][0].format(**v)  # noqa: E731
    rate = fc.DeskRate("d", 10, 5, 30.0, "2027-04-18T10:00:00+00:00", True)
    assert "pas de file" in dashboard_text.forecast_sentence(fc.forecast(0, 15, [rate]), tr)
    assert "sous l'objectif" in dashboard_text.forecast_sentence(fc.forecast(15, 15, [rate]), tr)
    over = fc.forecast(60, 15, [rate])
    assert "s'allonge de 2,0" in dashboard_text.forecast_sentence(over, tr)
    assert "la file s'allonge" in dashboard_text.wait_headline(over, tr)
    closed = dashboard_text.forecast_sentence(fc.forecast(10, 15, []), tr)
    assert "Aucun accueil" in closed and "rythme supposé : 20 s" in closed
