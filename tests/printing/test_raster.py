"""ESC/POS raster bytes: built by hand, parsed back, pixel for pixel."""

from __future__ import annotations

import random

import pytest
from PIL import Image

from checkin_desk.printing import raster
from checkin_desk.printing.status import QUERY_ALL, PrinterStatus, encode_status, parse_status


def random_image(width: int, height: int, seed: int = 4) -> Image.Image:
    rng = random.Random(seed)
    img = Image.new("1", (width, height), 1)
    img.putdata([rng.choice((0, 255)) for _ in range(width * height)])
    return img


def test_gs_v_0_header_and_bits_msb_first_one_is_black():
    img = Image.new("1", (16, 2), 1)  # white
    img.putpixel((0, 0), 0)  # black, top left
    img.putpixel((15, 1), 0)  # black, bottom right
    data = raster.raster_bands(img)
    assert data[:8] == b"\x1dv0\x00" + bytes([2, 0, 2, 0])
    assert data[8:] == bytes([0b1000_0000, 0, 0, 0b0000_0001])


def test_width_not_a_multiple_of_8_is_padded_white():
    img = Image.new("1", (10, 1), 0)  # all black
    data = raster.raster_bands(img)
    assert data[4:8] == bytes([2, 0, 1, 0])
    assert data[8:] == bytes([0xFF, 0b1100_0000])


def test_tall_images_go_in_bands():
    img = random_image(576, 600)
    data = raster.raster_bands(img, band_rows=256)
    headers = [i for i in range(len(data) - 3) if data[i : i + 4] == b"\x1dv0\x00"]
    assert len(data) == 3 * 8 + 72 * 600
    assert [data[h + 6] | data[h + 7] << 8 for h in headers[:3]] == [256, 256, 88]


@pytest.mark.parametrize(
    ("width", "height", "cutter"), [(576, 700, True), (512, 300, True), (384, 257, False)]
)
def test_round_trip_through_the_parser(width, height, cutter):
    img = random_image(width, height, seed=width)
    job = raster.badge_job(img, cutter=cutter)
    assert job.startswith(raster.INIT)
    assert job.endswith(b"\x1dVB\x00") if cutter else job.endswith(b"\x1bd\x04")
    (parsed,) = raster.parse_job(job)
    assert parsed.cut is cutter
    back = parsed.image()
    assert back.size == img.size
    assert back.tobytes() == img.tobytes()


def test_greyscale_is_thresholded_not_dithered():
    grey = Image.new("L", (8, 1), 100)  # darker than mid-grey: all black, no dither pattern
    assert raster.raster_bands(grey)[8:] == b"\xff"
    light = Image.new("L", (8, 1), 200)
    assert raster.raster_bands(light)[8:] == b"\x00"


def test_parser_takes_bytes_in_any_chunking():
    img = random_image(64, 40)
    job = raster.badge_job(img, cutter=True) * 2 + raster.status_query(4)
    images, statuses = [], []
    parser = raster.Parser(images.append, lambda: None, statuses.append)
    for i in range(0, len(job), 7):
        parser.feed(job[i : i + 7])
    assert len(images) == 2 and statuses == [4]
    assert images[1].tobytes() == img.tobytes()


def test_status_bits():
    assert QUERY_ALL == b"\x10\x04\x01\x10\x04\x02\x10\x04\x03\x10\x04\x04"
    ready = parse_status(bytes([0x12, 0x12, 0x12, 0x12]))
    assert ready.ok and not ready.move_now and ready.describe() == "ready"
    paper_out = parse_status(bytes([0x1A, 0x32, 0x12, 0x72]))  # offline; paper end; sensor: roll end
    assert paper_out.paper_out and paper_out.offline and not paper_out.ok and paper_out.move_now
    assert paper_out.describe() == "out of paper"
    cover = parse_status(bytes([0x1A, 0x16, 0x12, 0x12]))
    assert cover.cover_open and cover.describe() == "cover open"
    near_end = parse_status(bytes([0x12, 0x12, 0x12, 0x1E]))
    assert near_end.ok and near_end.paper_near_end
    cutter = parse_status(bytes([0x12, 0x12, 0x1A, 0x12]))
    assert not cutter.ok and cutter.describe() == "cutter jammed"
    with pytest.raises(ValueError, match="not an ESC/POS status"):
        parse_status(b"\x00\x12\x12\x12")
    for status in (PrinterStatus(), PrinterStatus(paper_out=True), PrinterStatus(cover_open=True)):
        answers = encode_status(status)
        assert parse_status(bytes(answers[n] for n in (1, 2, 3, 4))).describe() == status.describe()
