"""The demo event starts on the venue's today, not the machine's (a machine on Shanghai time is a day
ahead of Casablanca every evening: every demo scan was refused as the wrong day)."""

import time

from checkin_desk.services import demo
from checkin_desk.util.clock import local_day, utc_now


def test_the_demo_event_starts_today_in_casablanca_whatever_the_machines_zone(monkeypatch):
    monkeypatch.setenv("TZ", "ZZZ-23")  # UTC+23: the machine's date is a day ahead of Casablanca's
    time.tzset()
    try:
        assert demo.event_info().days[0] == local_day(utc_now(), "Africa/Casablanca")
    finally:
        monkeypatch.undo()
        time.tzset()
