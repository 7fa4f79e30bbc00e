"""A camera as a scanner: frames from a device, a video file or a network stream, QR codes decoded
with zxing-cpp, each new code handed to the same scan path as a keyboard scan.

No Qt here: the window (gui/camera_panel.py) and the terminal desk (cli/camera_desk.py) both run
`CameraScanner` on a thread of their own and receive its codes through callbacks.
"""

from __future__ import annotations

from checkin_desk.camera.decoding import Decoder, Read
from checkin_desk.camera.dedupe import HOLD_S, RecentCodes
from checkin_desk.camera.scanner import CameraScanner, Detection, ScannerStats
from checkin_desk.camera.sources import CameraError, CameraMissing, Frame, describe_source, open_source

__all__ = [
    "HOLD_S",
    "CameraError",
    "CameraMissing",
    "CameraScanner",
    "Decoder",
    "Detection",
    "Frame",
    "Read",
    "RecentCodes",
    "ScannerStats",
    "describe_source",
    "open_source",
]
