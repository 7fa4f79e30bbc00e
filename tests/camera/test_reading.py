"""Decoding and de-duplication, frame by frame, on the generated set."""

from __future__ import annotations

import random

import pytest

from checkin_desk.camera import CameraScanner, Decoder, RecentCodes
from checkin_desk.camera.decoding import aim_box
from tests.camera.fixtures import FPS, GAP, HOLD
from tests.camera.scenes import LOOKS, SceneMaker, Shot, pretix_signed_secret


def test_same_code_within_the_hold_is_one_scan():
    recent = RecentCodes(hold_s=3.0)
    assert recent.is_new("A", 0.0)
    assert not recent.is_new("A", 0.1)
    assert not recent.is_new("A", 2.9)
    assert not recent.is_new("A", 5.8)  # still in view: each sighting restarts the hold
    assert recent.is_new("B", 5.9)  # a different code is a new scan at once
    assert not recent.is_new("A", 6.0)
    assert recent.is_new("A", 9.1)  # gone for more than the hold: a new scan


def test_the_hold_must_not_be_negative():
    with pytest.raises(ValueError, match="zero or more"):
        RecentCodes(hold_s=-1)


def test_codes_of_the_video_come_once_each_with_their_outline(camera_set):
    codes, detections = [], []
    scanner = CameraScanner(
        str(camera_set.video),
        on_code=lambda code, detection: codes.append((code, detection.frame.index)),
        on_frame=detections.append,
    )
    assert scanner.run() == ""
    shown = [shot.qr_text or shot.code for shot in camera_set.shots]
    assert [code for code, _i in codes] == list(dict.fromkeys(shown))  # in order, the repeat once
    assert len(detections) == camera_set.frames
    # Each code is a scan while its shot is on screen, and its outline lies inside the frame.
    for code, index in codes:
        shot = camera_set.shots[index // (HOLD + GAP)]
        assert (shot.qr_text or shot.code) == code
        assert index % (HOLD + GAP) < HOLD
    for detection in detections:
        for read in detection.reads:
            assert len(read.corners) == 4
            assert all(0 <= x <= 640 and 0 <= y <= 480 for x, y in read.corners)
    assert scanner.stats.frames == camera_set.frames
    assert detections[HOLD].frame.at == pytest.approx(HOLD / FPS)


@pytest.mark.parametrize("look", LOOKS)
def test_phone_screens_tilted_30_degrees_read(camera_set, look):
    from tests.camera.fixtures import _event

    maker = SceneMaker((1280, 720), _event(), {}, seed=30)
    code = pretix_signed_secret(random.Random(look))
    frames = [maker.frame(Shot(code, "phone", look), tilt=30.0) for _ in range(10)]
    decoder = Decoder()
    read = sum([r.text for r in decoder.read(f)] == [code] for f in frames)
    assert read >= 9, f"{read}/10 frames of a {look} phone screen read"


def test_aim_box_is_a_centred_square():
    assert aim_box(1280, 720) == (388, 108, 892, 612)
    assert aim_box(640, 480) == (152, 72, 488, 408)
