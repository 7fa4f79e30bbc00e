"""The real desk window on a real X server: one Xvfb + openbox per session (per module for another
screen size), the `checkin-desk` window as a subprocess on a fresh event with its own home directory.

Without the X tools these tests skip and say what is missing; under CI=true they fail instead
(`.ci/setup-x11` installs them).
"""

from __future__ import annotations

import os
import random
from datetime import date, timedelta

import pytest

from checkin_desk.domain.models import Attendee, EventInfo
from checkin_desk.storage.store import Store
from checkin_desk.util.clock import local_day, utc_now
from e2e.xsession import DeskApp, XServer, missing_tools

TZ = "Africa/Casablanca"
SEPARATORS = "-/+=:"


def require_x() -> None:
    missing = missing_tools()
    if missing:
        reason = f"the X11 tests need {', '.join(missing)} (run .ci/setup-x11)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="session")
def x_server():
    require_x()
    server = XServer(1280, 720).start()
    yield server
    server.stop()


def event_days() -> tuple[str, ...]:
    """Yesterday, today and tomorrow in Casablanca: a test that runs across midnight stays in the event."""
    today = date.fromisoformat(local_day(utc_now(), TZ))
    return tuple((today + timedelta(days=n)).isoformat() for n in (-1, 0, 1))


def mixed_case_codes(count: int, seed: int = 12) -> list[str]:
    """Codes as other systems print them: upper and lower case, digits, `-` `/` `+` `=` `:`."""
    rng = random.Random(seed)
    letters = "ABCDEFGHJKMNPQRSTVWXYZabcdefghjkmnpqrstvwxyz"
    codes: list[str] = []
    while len(codes) < count:
        body = [rng.choice(letters + "0123456789") for _ in range(rng.randint(10, 16))]
        for separator in rng.sample(SEPARATORS, 2):
            body.insert(rng.randint(2, len(body) - 1), separator)
        code = rng.choice("SsPpWw") + rng.choice(letters) + "".join(body)
        if code.upper() not in {c.upper() for c in codes}:
            codes.append(code)
    return codes


def make_event(path, attendees, name: str = "Smart City Expo Casablanca") -> None:
    store = Store.open(path, create=True)
    store.init_event(EventInfo(name, event_days(), TZ))
    store.upsert_attendees(attendees)
    store.close()


@pytest.fixture
def launch(tmp_path, x_server):
    """launch(attendees, server=..., args=...) -> a running DeskApp, closed after the test."""
    started: list[DeskApp] = []

    def start(attendees=(), *, server=None, args=(), db=None, prepare=None) -> DeskApp:
        db = db or tmp_path / "event.sqlite"
        if not db.exists():
            make_event(db, list(attendees))
            if prepare is not None:
                prepare(db)
        app = DeskApp(server or x_server, db, tmp_path / "home", args=args or ("gui",))
        started.append(app)
        app.wait_window()
        app.focus()
        return app

    yield start
    for app in started:
        app.close()


def person(code: str, first: str, last: str, **more) -> Attendee:
    return Attendee(code.upper(), first, last, **more)
