"""`pytest --wall-time HH:MM`: run the tests as if the clock in Casablanca read HH:MM today.

The clock keeps ticking from there (time-machine moves time.time, datetime.now and friends, not the
monotonic clock), in this process and its threads. Processes the tests start run on the real clock:
each of them reads one clock, so the hour cannot make two clocks disagree inside it.
A test that passes at 10:00 but not at 00:30 or 23:30 depends on the hour it runs; see
tests/test_any_hour.py, which runs the clock-sensitive tests at both.
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

CASABLANCA = ZoneInfo("Africa/Casablanca")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--wall-time", metavar="HH:MM", help="run as if Casablanca's clock read HH:MM today")


def pytest_configure(config: pytest.Config) -> None:
    wall = config.getoption("--wall-time")
    if not wall:
        return
    import time_machine

    today = datetime.now(CASABLANCA).date()
    destination = datetime.combine(today, time.fromisoformat(wall), tzinfo=CASABLANCA)
    traveller = time_machine.travel(destination, tick=True)
    traveller.start()
    config.add_cleanup(traveller.stop)


def pytest_report_header(config: pytest.Config) -> str | None:
    wall = config.getoption("--wall-time")
    return f"wall clock moved to {wall} Casablanca ({datetime.now(CASABLANCA).isoformat()})" if wall else None
