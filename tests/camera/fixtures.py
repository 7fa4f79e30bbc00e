"""(A pytest plugin, see tests/conftest.py.) One generated camera set per test session: an event (the project's own badges, a signed code,
pretix secrets) and a video showing their codes in a known order. Each test gets its own copy of
the event database."""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from checkin_desk.domain.models import Attendee, EventInfo
from checkin_desk.storage.store import Store
from checkin_desk.trust import keys, signing
from tests.camera.scenes import SceneMaker, Shot, pretix_secret, pretix_signed_secret, write_video

SIZE = (640, 480)
FPS = 10.0
HOLD, GAP = 6, 4  # frames: 0.6 s in front of the camera, 0.4 s of nothing before the next


@dataclass
class CameraSet:
    db: Path  # the event, never scanned: copy it before use
    video: Path
    shots: list[Shot]
    expected: list[tuple[str | None, str]]  # (attendee code, status) of each scan, in order
    frames: int


def _event() -> EventInfo:
    # Yesterday to tomorrow: "today" is an event day whichever clock the desk under test uses.
    today = date.today()
    return EventInfo(
        "Smart City Expo Casablanca", tuple((today + timedelta(days=d)).isoformat() for d in (-1, 0, 1))
    )


@pytest.fixture(scope="session")
def camera_set(tmp_path_factory) -> CameraSet:
    folder = tmp_path_factory.mktemp("camera-set")
    rng = random.Random(18)
    pretix = pretix_secret(rng)
    pretix_signed = pretix_signed_secret(rng)
    people = [
        Attendee("SCE-CAM-1", "Benoît", "Lefèvre", "Lydec", category="visitor"),
        Attendee("SCE-CAM-2", "أحمد", "العلوي", "OCP Group", category="speaker"),
        Attendee(pretix, "Salma", "Berrada", "Inwi", category="visitor"),
        Attendee(pretix_signed, "伟", "王", "上海电气集团", category="delegation"),
        Attendee("SCE-CAM-3", "Yassine", "Bennani", "OCP Group", category="visitor"),
        Attendee("SCE-CAM-4", "Zoé", "Dubois", category="press"),
        Attendee("SCE-CAM-5", "Noël", "Moreau", category="exhibitor"),
    ]
    db = folder / "event.sqlite"
    store = Store.open(db, create=True)
    event = _event()
    store.init_event(event)
    store.upsert_attendees(people)
    key_path, public = keys.generate(folder / "event-key.pem")
    signing.set_public_key(store, public)
    token = signing.issue(store, store.lookup("SCE-CAM-2"), keys.load_private(key_path))
    categories = store.categories()
    store.close()
    shots = [
        Shot("SCE-CAM-1", "badge-thermal"),
        Shot("SCE-CAM-1", "badge-thermal"),  # shown again after a gap: still the same scan
        Shot(pretix, "phone", "normal"),
        Shot("SCE-CAM-2", "badge-a6", qr_text=token),
        Shot(pretix_signed, "phone", "inverted"),
        Shot("SCE-CAM-3", "phone", "dim"),
        Shot("SCE-CAM-4", "phone", "low-contrast"),
        Shot("SCE-CAM-5", "phone", "moire"),
        Shot("SCE-CAM-404", "phone", "glare"),  # not on the list: refused, recorded
    ]
    expected = [
        ("SCE-CAM-1", "ok"),
        (pretix, "ok"),
        ("SCE-CAM-2", "ok"),
        (pretix_signed, "ok"),
        ("SCE-CAM-3", "ok"),
        ("SCE-CAM-4", "ok"),
        ("SCE-CAM-5", "ok"),
        (None, "unknown"),
    ]
    maker = SceneMaker(SIZE, event, categories, seed=18)
    maker.attendees = {a.code: a for a in people}
    frames = [frame for frame, _code in maker.frames(shots, HOLD, GAP)]
    video = write_video(folder / "desk-camera.avi", frames, SIZE, FPS)
    return CameraSet(db, video, shots, expected, len(frames))


@pytest.fixture
def camera_event(camera_set, tmp_path) -> Path:
    """A fresh copy of the set's event database."""
    copy = tmp_path / "event.sqlite"
    shutil.copy(camera_set.db, copy)
    return copy


def recorded(db: Path) -> list[tuple[str | None, str]]:
    store = Store.open(db)
    try:
        return store.conn.execute("SELECT attendee_code, status FROM scans ORDER BY rowid").fetchall()
    finally:
        store.close()
