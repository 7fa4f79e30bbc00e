"""Camera frames with known codes, made the way a desk camera would see them.

Paper badges come from the project's own renderer (thermal roll and A6 card), held up tilted under
uneven light on a desk. Phone screens are drawn as a phone seen in a hand: a dark room around a
bright screen, or a dark-mode screen with a light code (inverted), low brightness or low contrast,
glare, moiré from filming a screen, tilted up to 30°. Every frame then gets blur, sensor noise and
JPEG artefacts. Frames are reproducible from their seed: the tests, the benchmark and the docs all
see the same pictures.
"""

from __future__ import annotations

import base64
import math
import random
import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import zxingcpp

from checkin_desk import badges
from checkin_desk.domain.models import Attendee, EventInfo

PRETIX_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # pretix's default order-position secrets
MAX_TILT = 30.0
MIN_MODULE_PX = 3.0


@dataclass(frozen=True)
class Shot:
    """What one stretch of video shows: `code` on `kind` ("badge-thermal", "badge-a6", "phone"), or
    nothing when code is None; the picture in its look (`look` for phones)."""

    code: str | None
    kind: str = "phone"
    look: str = "normal"
    qr_text: str | None = None  # what the QR carries when it is not the code (a signed code)


def pretix_secret(rng: random.Random) -> str:
    return "".join(rng.choice(PRETIX_ALPHABET) for _ in range(32))


def pretix_signed_secret(rng: random.Random) -> str:
    """Shaped like pretix's signed secrets: base64 with `+ /` and padding, ~100 characters."""
    return base64.b64encode(bytes(rng.randrange(256) for _ in range(76))).decode("ascii")


def random_code(rng: random.Random) -> str:
    return "SCE-" + "".join(rng.choice(string.digits) for _ in range(6))


# -- the things in front of the camera -------------------------------------------------------------


def badge_picture(attendee: Attendee, event: EventInfo, categories: dict, template: str, qr_text: str | None):
    """(grey picture of the badge, (qr left, top, right, bottom)) from the project's renderer."""
    if template == "thermal-80":
        raster = badges.render_badge(attendee, event=event, categories=categories, qr_text=qr_text)
        grey = np.array(raster.image.convert("L"))
        return grey, raster.qr_box
    png = badges.render_preview_png(attendee, event=event, categories=categories, dpi=150, qr_text=qr_text)
    grey = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE)
    found = zxingcpp.read_barcodes(grey, formats=zxingcpp.BarcodeFormat.QRCode)
    p = found[0].position
    xs = [p.top_left.x, p.top_right.x, p.bottom_left.x, p.bottom_right.x]
    ys = [p.top_left.y, p.top_right.y, p.bottom_left.y, p.bottom_right.y]
    return grey, (min(xs), min(ys), max(xs), max(ys))


LOOKS = ("normal", "dim", "inverted", "low-contrast", "glare", "moire")


def phone_picture(text: str, look: str, rng: random.Random):
    """(grey picture of a phone showing `text`'s QR code, its qr box, moiré on?)."""
    symbol = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    modules = np.array(symbol.to_image(scale=1, add_quiet_zones=False)) < 128
    cell = 9
    qr_side = modules.shape[0] * cell
    width = qr_side + 2 * 5 * cell
    height = int(width * 1.9)
    bezel = 24
    paper, ink = 235, 25
    if look == "dim":
        paper, ink = 120, 12
    elif look == "inverted":
        paper, ink = 28, 215
    elif look == "low-contrast":
        paper, ink = 175, 110
    phone = np.full((height + 2 * bezel, width + 2 * bezel), 18, np.uint8)
    screen = np.full((height, width), paper, np.uint8)
    top = (height - qr_side) // 2 - cell * 4
    left = (width - qr_side) // 2
    big = np.kron(modules, np.ones((cell, cell), bool))
    screen[top : top + qr_side, left : left + qr_side][big] = ink
    # A title bar and a line of text, as a wallet app shows them.
    screen[cell * 3 : cell * 6, cell * 2 : width - cell * 2] = int(paper * 0.6 + ink * 0.4)
    screen[top + qr_side + cell * 3 : top + qr_side + cell * 5, cell * 5 : width - cell * 5] = ink
    if look == "glare":
        glare = np.zeros_like(screen, np.float32)
        cv2.ellipse(
            glare,
            (int(width * rng.uniform(0.2, 0.8)), int(top + qr_side * rng.uniform(0.1, 0.9))),
            (width // 3, width // 7),
            rng.uniform(0, 180),
            0,
            360,
            90.0,
            -1,
        )
        glare = cv2.GaussianBlur(glare, (0, 0), width / 12)
        screen = np.clip(screen.astype(np.float32) + glare, 0, 255).astype(np.uint8)
    phone[bezel : bezel + height, bezel : bezel + width] = screen
    box = (bezel + left, bezel + top, bezel + left + qr_side, bezel + top + qr_side)
    return phone, box


def _modules(text: str) -> int:
    symbol = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="Q")
    return symbol.to_image(scale=1, add_quiet_zones=False).shape[0]


# -- a picture placed in a frame -------------------------------------------------------------------


def _background(size: tuple[int, int], rng: random.Random, dark: bool) -> np.ndarray:
    w, h = size
    base = rng.uniform(15, 45) if dark else rng.uniform(90, 150)
    blotches = np.array(
        [[rng.uniform(-1, 1) for _ in range(8)] for _ in range(6)], np.float32
    )  # slow light changes across the desk
    light = cv2.resize(blotches, (w, h), interpolation=cv2.INTER_CUBIC) * (12 if dark else 30)
    grey = np.clip(base + light, 0, 255)
    tint = np.array([0.9, 1.0, 1.1] if dark else [0.8, 0.95, 1.1], np.float32)  # B, G, R: warm desk
    return np.clip(grey[..., None] * tint, 0, 255).astype(np.uint8)


def _corners(
    picture_size, qr_box, frame_size, qr_px: float, tilt: float, axis: float, spin: float, shift
) -> np.ndarray:
    """Where the picture's corners land: its QR code `qr_px` wide near the frame's centre, the
    picture turned by `spin` in its plane and tilted `tilt` degrees about an axis at `axis`."""
    pw, ph = picture_size
    left, top, right, bottom = qr_box
    qcx, qcy = (left + right) / 2, (top + bottom) / 2
    k = qr_px / (right - left)
    fw, fh = frame_size
    f = 1.1 * fw  # a webcam's focal length in pixels, about 60° across
    distance = f
    ax, ay = math.cos(math.radians(axis)), math.sin(math.radians(axis))
    t = math.radians(tilt)
    s = math.radians(spin)
    out = []
    for x, y in ((0, 0), (pw, 0), (pw, ph), (0, ph)):
        X, Y = (x - qcx) * k, (y - qcy) * k
        X, Y = X * math.cos(s) - Y * math.sin(s), X * math.sin(s) + Y * math.cos(s)
        # rotate about the in-plane axis (ax, ay) by t: the component across the axis leans back
        along = X * ax + Y * ay
        across = -X * ay + Y * ax
        Z = across * math.sin(t)
        across *= math.cos(t)
        X, Y = along * ax - across * ay, along * ay + across * ax
        out.append((fw / 2 + shift[0] + f * X / (distance + Z), fh / 2 + shift[1] + f * Y / (distance + Z)))
    return np.array(out, np.float32)


def _place(frame: np.ndarray, picture: np.ndarray, corners: np.ndarray, gain: np.ndarray | float) -> None:
    ph, pw = picture.shape
    src = np.array([(0, 0), (pw, 0), (pw, ph), (0, ph)], np.float32)
    matrix = cv2.getPerspectiveTransform(src, corners)
    size = (frame.shape[1], frame.shape[0])
    lit = np.clip(picture.astype(np.float32) * gain, 0, 255)
    lit = cv2.warpPerspective(lit, matrix, size, flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full_like(picture, 255), matrix, size, flags=cv2.INTER_LINEAR)
    alpha = (mask.astype(np.float32) / 255.0)[..., None]
    frame[:] = (frame * (1 - alpha) + lit[..., None] * alpha).astype(np.uint8)


def _camera_effects(frame: np.ndarray, rng: random.Random, moire: bool) -> np.ndarray:
    h, w = frame.shape[:2]
    out = frame.astype(np.float32)
    if moire:  # the screen's pixel grid beating against the sensor's
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        period = rng.uniform(3.0, 6.0)
        angle = rng.uniform(0, math.pi)
        wave = np.sin((xx * math.cos(angle) + yy * math.sin(angle)) * 2 * math.pi / period)
        out *= (1.0 + 0.12 * wave)[..., None]
    out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.6, 1.8))
    if rng.random() < 0.3:  # the hand still moving: a short motion blur
        length = rng.randint(3, 7)
        kernel = np.zeros((length, length), np.float32)
        kernel[length // 2, :] = 1.0 / length
        turn = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), rng.uniform(0, 180), 1.0)
        kernel = cv2.warpAffine(kernel, turn, (length, length))
        out = cv2.filter2D(out, -1, kernel / max(kernel.sum(), 1e-6))
    nprng = np.random.default_rng(rng.randrange(2**32))
    out += nprng.normal(0, rng.uniform(3, 8), out.shape).astype(np.float32)
    out = np.clip(out, 0, 255).astype(np.uint8)
    quality = rng.randint(35, 75)
    _ok, jpeg = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return cv2.imdecode(jpeg, cv2.IMREAD_COLOR)


class SceneMaker:
    """Frames for shots; badges rendered once per code and template."""

    def __init__(self, size: tuple[int, int], event: EventInfo, categories: dict, seed: int = 1):
        self.size = size
        self.event = event
        self.categories = categories
        self.rng = random.Random(seed)
        self._badges: dict[tuple[str, str], tuple[np.ndarray, tuple]] = {}
        self.attendees: dict[str, Attendee] = {}

    def badge(self, code: str, template: str, qr_text: str | None):
        key = (code, template)
        if key not in self._badges:
            attendee = self.attendees.get(code) or Attendee(
                code, "Salma", "Berrada", "Lydec", category="visitor"
            )
            self._badges[key] = badge_picture(attendee, self.event, self.categories, template, qr_text)
        return self._badges[key]

    def frame(self, shot: Shot, tilt: float | None = None) -> np.ndarray:
        rng = self.rng
        w, h = self.size
        phone = shot.kind == "phone"
        frame = _background(self.size, rng, dark=phone)
        if shot.code is None:
            return _camera_effects(frame, rng, False)
        text = shot.qr_text or shot.code
        if phone:
            picture, box = phone_picture(text, shot.look, rng)
            gain: float | np.ndarray = 1.0
        else:
            picture, box = self.badge(shot.code, shot.kind.removeprefix("badge-"), shot.qr_text)
            # paper under a desk lamp: brighter on one side
            ramp = np.linspace(
                rng.uniform(0.65, 0.8), rng.uniform(0.9, 1.0), picture.shape[1], dtype=np.float32
            )
            gain = np.broadcast_to(ramp, picture.shape)
        tilt = rng.uniform(0, MAX_TILT) if tilt is None else tilt
        # Codes are held where the preview would outline them: a person moves a code closer until
        # it reads, and below ~3 px a module, blurred, no decoder reads one (pretix's signed secrets and our
        # signed codes make QR codes of 50-60 modules: 180 px at least). A phone is held up to fill
        # a third of the picture or more; a badge anywhere from a fifth to a half.
        modules = _modules(text) + (8 if shot.kind == "badge-thermal" else 0)  # its box has the quiet zone
        share = rng.uniform(0.3, 0.55) if phone else rng.uniform(0.2, 0.5)
        qr_px = max(h * share, modules * MIN_MODULE_PX * rng.uniform(1.0, 1.3))
        shift = (rng.uniform(-0.08, 0.08) * w, rng.uniform(-0.06, 0.06) * h)
        corners = _corners(
            (picture.shape[1], picture.shape[0]),
            box,
            self.size,
            qr_px,
            tilt,
            rng.uniform(0, 180),
            rng.uniform(-20, 20),
            shift,
        )
        _place(frame, picture, corners, gain)
        return _camera_effects(frame, rng, phone and shot.look == "moire")

    def frames(self, shots: Iterable[Shot], hold: int, gap: int) -> Iterator[tuple[np.ndarray, str | None]]:
        """Each shot held `hold` frames (the code moving a little), `gap` empty frames after it."""
        for shot in shots:
            for _ in range(hold):
                yield self.frame(shot), shot.code
            for _ in range(gap):
                yield self.frame(Shot(None, shot.kind)), None


def write_video(path: Path, frames: Iterable[np.ndarray], size: tuple[int, int], fps: float = 10.0) -> Path:
    """An MJPG .avi, which every OpenCV build reads and writes without ffmpeg."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, size)
    if not writer.isOpened():
        raise RuntimeError(f"cannot write {path}")
    try:
        for frame in frames:
            writer.write(frame)
    finally:
        writer.release()
    return path
