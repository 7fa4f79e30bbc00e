"""The camera panel's screenshot: a badge from the project's renderer held up to the camera, tilted,
read by the real decoder, outlined, and checked in through the panel's own signal.

Without the camera extra there is no such screenshot (and nothing else changes).
"""

from __future__ import annotations

import numpy as np

from checkin_desk import badges
from checkin_desk.camera import CameraError, Decoder, Detection, Frame
from checkin_desk.camera.sources import cv2_module
from checkin_desk.gui.camera_link import make_preview
from checkin_desk.trust import signing

FRAME = (1280, 720)


def camera_still(window, code: str):
    """A camera frame showing `code`'s badge held up tilted on a dim background, or None."""
    try:
        cv2 = cv2_module()
    except CameraError:
        return None
    store = window.desk.store
    png = badges.render_preview_png(
        store.lookup(code),
        event=window.desk.event,
        categories=store.categories(),
        dpi=110,
        qr_text=signing.qr_text(store, code),
    )
    badge = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    w, h = FRAME
    ramp = np.linspace(70, 30, w, dtype=np.float32)  # a hall's light from one side
    frame = np.repeat(np.repeat(ramp[None, :, None], h, axis=0), 3, axis=2)
    frame = (frame * np.array([1.0, 0.95, 0.9], np.float32)).astype(np.uint8)
    bh, bw = badge.shape[:2]
    # The badge's QR code inside the aim box, the card leaning back a little to the right.
    target = np.float32([(470, -140), (900, -100), (880, 640), (450, 690)])
    matrix = cv2.getPerspectiveTransform(np.float32([(0, 0), (bw, 0), (bw, bh), (0, bh)]), target)
    warped = cv2.warpPerspective(badge, matrix, FRAME)
    mask = cv2.warpPerspective(np.full((bh, bw), 255, np.uint8), matrix, FRAME) > 0
    frame[mask] = (warped[mask] * 0.92).astype(np.uint8)
    return cv2.GaussianBlur(frame, (0, 0), 0.8)


def show_camera(window, code: str) -> bool:
    """The panel as it looks right after reading `code`: the scan goes the panel's own way in."""
    image = camera_still(window, code)
    if image is None:
        return False
    reads = tuple(Decoder().read(image))
    detection = Detection(Frame(image, 0.0, 0, 0.0), reads, tuple(r.text for r in reads), 0.0)
    panel = window.camera
    panel.setVisible(True)
    panel.what = "camera 0"
    panel.retranslate()
    panel.view.show_preview(make_preview(detection))
    for text in detection.new:
        panel.code_read.emit(text)
    return bool(reads)
