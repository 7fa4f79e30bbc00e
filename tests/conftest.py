"""Every test gets its own data directory, config and database: never the user's."""

from __future__ import annotations

import os

# Qt aborts the whole process without a display: this must happen before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", "/tmp/checkin-desk-escpos-cache")

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from checkin_desk.domain.models import Attendee, EventInfo, PassStatus
from checkin_desk.services.desk import Desk
from checkin_desk.storage.store import Store

pytest_plugins = ["tests.wall_clock", "tests.camera.fixtures"]

DATA = Path(__file__).parent / "data"
EVENT = EventInfo("Smart City Expo Casablanca 2027", ("2027-04-18", "2027-04-19", "2027-04-20"))
# 10:00 in Casablanca on the first day (UTC+1 then).
DAY1_MORNING = datetime(2027, 4, 18, 9, 0, tzinfo=UTC)


def search_terms(conn) -> list[tuple[str, int, str]]:
    """Every (word, attendee id, column) the search index holds: it is contentless, so this is the
    only way to see what it keeps (fts5vocab)."""
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_terms USING fts5vocab(main, attendee_search, 'instance')"
    )
    return conn.execute("SELECT term, doc, col FROM temp.search_terms ORDER BY doc, col, term").fetchall()


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("CHECKIN_DESK_HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    return home


@pytest.fixture
def store(tmp_path) -> Store:
    s = Store.open(tmp_path / "event.sqlite", create=True)
    s.init_event(EVENT)
    yield s
    s.close()


PEOPLE = (
    Attendee("SCE-1", "Benoît", "Lefèvre", "Lydec", category="visitor", email="benoit@lydec.ma"),
    Attendee("SCE-2", "أحمد", "العلوي", "OCP Group", category="speaker"),
    Attendee("SCE-3", "伟", "王", "上海电气集团", category="delegation"),
    Attendee("SCE-4", "Noël", "Moreau", category="press", status=PassStatus.CANCELLED),
    Attendee(
        "SCE-5", "Zoé", "Dubois", category="visitor", status=PassStatus.BLOCKED, notes="Voir superviseur"
    ),
    Attendee("SCE-6", "Salma", "Berrada", category="visitor", days=("2027-04-19",)),
)


@pytest.fixture
def people(store) -> Store:
    store.upsert_attendees(PEOPLE)
    return store


class FakeClock:
    def __init__(self, start: datetime = DAY1_MORNING):
        self.now = start
        self.mono = 1000.0

    def __call__(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.mono

    def advance(self, seconds: float) -> None:
        from datetime import timedelta

        self.now += timedelta(seconds=seconds)
        self.mono += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def desk(people, clock) -> Desk:
    return Desk(people, "desk-1", "amina", clock=clock, monotonic=clock.monotonic)


def event_day(n: int) -> date:
    return date.fromisoformat(EVENT.days[n])
