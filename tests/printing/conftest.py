"""Fixtures of the printing tests: a fresh event database, a fake clock, a quick stand-in renderer."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime, timedelta

import pytest
import qrcode
from PIL import Image, ImageDraw

from checkin_desk.domain.models import Attendee, EventInfo
from checkin_desk.printing import DispatchSettings, PrinterEmulator, Timeouts
from checkin_desk.services.desk import Desk
from checkin_desk.storage.store import Store

# python-escpos pickles its capabilities here rather than in a new temp dir per process.
os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", "/tmp/checkin-desk-escpos-cache")
os.makedirs(os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"], exist_ok=True)

EVENT = EventInfo("Smart City Expo Casablanca 2027", ("2027-04-18", "2027-04-19", "2027-04-20"))
DAY1_MORNING = datetime(2027, 4, 18, 9, 0, tzinfo=UTC)
PEOPLE = tuple(
    Attendee(f"SCE-{n}", first, last, company, category=category)
    for n, (first, last, company, category) in enumerate(
        [
            ("Benoît", "Lefèvre", "Lydec", "visitor"),
            ("أحمد", "العلوي", "OCP Group", "speaker"),
            ("Salma", "Berrada", "Casa Transports", "press"),
            ("Youssef", "Amrani", "Masen", "exhibitor"),
            ("Lina", "Tazi", "ONEE", "vip"),
            ("Omar", "Idrissi", "Wafa", "visitor"),
        ],
        start=1,
    )
)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("CHECKIN_DESK_HOME", str(home))
    return home


class FakeClock:
    """The desk's and the worker's wall clock: moves only when a test says so (backoff without sleeping)."""

    def __init__(self, start: datetime = DAY1_MORNING):
        self.now = start
        self.mono = 1000.0
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self.now

    def monotonic(self) -> float:
        return self.mono

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += timedelta(seconds=seconds)
            self.mono += seconds


class QuickRenderer:
    """A stand-in for checkin_desk.badges with the same two calls: a QR of the code and a bar per line.

    Fast and deterministic, for the fault tests; the end-to-end test also runs with the real renderer.
    """

    def __init__(self):
        self.calls: list[tuple[str, str, int, int]] = []

    def raster(self, attendee, *, event, categories, template, width_dots, dpi, qr_text=None):
        self.calls.append((attendee.code, template, width_dots, dpi))
        qr = qrcode.QRCode(border=0, box_size=max(2, width_dots // 80))
        qr.add_data(qr_text or attendee.code)
        qr_img = qr.make_image().get_image().convert("1")
        height = qr_img.height + 120
        img = Image.new("1", (width_dots, height), 1)
        img.paste(qr_img, ((width_dots - qr_img.width) // 2, 40))
        ImageDraw.Draw(img).rectangle((8, 8, width_dots - 9, 20), fill=0)
        return img

    def pdf(self, attendee, *, event, categories, template, qr_text=None):
        import io

        from reportlab.lib.pagesizes import A6
        from reportlab.pdfgen import canvas

        buf = io.BytesIO()
        c = canvas.Canvas(buf, pagesize=A6)
        c.drawString(40, 300, f"{attendee.full_name} {attendee.code}")
        c.showPage()
        c.save()
        return buf.getvalue()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "event.sqlite"
    s = Store.open(path, create=True)
    s.init_event(EVENT)
    s.upsert_attendees(PEOPLE)
    s.close()
    return path


@pytest.fixture
def store(db_path):
    s = Store.open(db_path)
    yield s
    s.close()


@pytest.fixture
def desk(store, clock) -> Desk:
    return Desk(store, "desk-1", "amina", clock=clock, monotonic=clock.monotonic)


@pytest.fixture
def renderer() -> QuickRenderer:
    return QuickRenderer()


@pytest.fixture
def fast_settings() -> DispatchSettings:
    # Backoff in fake-clock seconds; short real timeouts for the stalled printer.
    return DispatchSettings(
        max_attempts=2, backoff=lambda n: 10.0 * n, timeouts=Timeouts(connect=1.0, io=1.0, status=0.5)
    )


@pytest.fixture
def emulator(tmp_path):
    emu = PrinterEmulator(tmp_path / "emulator-a").start()
    yield emu
    emu.stop()


@pytest.fixture
def emulator_b(tmp_path):
    emu = PrinterEmulator(tmp_path / "emulator-b").start()
    yield emu
    emu.stop()
