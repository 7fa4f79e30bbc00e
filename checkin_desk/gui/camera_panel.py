"""The camera panel (F12): the live picture, the aim box, each code read outlined in green.

Codes go to the window's scan capture (`ScanCapture.deliver`), the door a keyboard scanner's codes
go through: the same controller call, banner and sound, and the same holding back while a dialog
is open. The keyboard scanner keeps working while the camera runs. Without the camera extra, or
with no camera, the panel says so once, in words, and the desk works as before.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from checkin_desk.camera.sources import CameraError, cv2_module
from checkin_desk.gui.camera_link import CameraLink, Preview
from checkin_desk.gui.i18n import Translator

OUTLINE_MS = 800  # how long a code read stays outlined after it left the picture
AIM = QColor(255, 255, 255, 200)
READ = QColor("#1B7F3B")


class CameraView(QWidget):
    """Paints the last preview scaled to fit, the aim box's corners and the outlines of codes read."""

    painted = Signal()  # the last preview is on screen: the camera thread may send the next

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMinimumSize(160, 120)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.preview: Preview | None = None
        self.outlines: list[list[tuple[float, float]]] = []
        self._fade = QTimer(self, singleShot=True, interval=OUTLINE_MS)
        self._fade.timeout.connect(self._clear_outlines)

    def show_preview(self, preview: Preview) -> None:
        self.preview = preview
        if preview.outlines:
            self.outlines = preview.outlines
            self._fade.start()
        self.update()

    def clear(self) -> None:
        self.preview = None
        self.outlines = []
        self.update()

    def _clear_outlines(self) -> None:
        self.outlines = []
        self.update()

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#111"))
        preview = self.preview
        if preview is None:
            return
        image = preview.image
        scale = min(self.width() / image.width(), self.height() / image.height())
        w, h = image.width() * scale, image.height() * scale
        x0, y0 = (self.width() - w) / 2, (self.height() - h) / 2
        painter.setRenderHint(QPainter.SmoothPixmapTransform)
        painter.drawImage(QRectF(x0, y0, w, h), image)
        painter.setRenderHint(QPainter.Antialiasing)
        left, top, right, bottom = (v * scale for v in preview.aim)
        corner = (right - left) / 6
        painter.setPen(QPen(AIM, 3))
        for cx, cy, dx, dy in (
            (left, top, 1, 1),
            (right, top, -1, 1),
            (right, bottom, -1, -1),
            (left, bottom, 1, -1),
        ):
            px, py = x0 + cx, y0 + cy
            painter.drawLine(QPointF(px, py), QPointF(px + dx * corner, py))
            painter.drawLine(QPointF(px, py), QPointF(px, py + dy * corner))
        painter.setPen(QPen(READ, 4))
        for outline in self.outlines:
            painter.drawPolygon(QPolygonF([QPointF(x0 + x * scale, y0 + y * scale) for x, y in outline]))
        painter.end()
        self.painted.emit()


class CameraPanel(QFrame):
    code_read = Signal(str)
    message = Signal(str)  # for the status bar: said once per start

    def __init__(self, translator: Translator, parent: QWidget | None = None):
        super().__init__(parent, objectName="cameraPanel")
        self.translator = translator
        self.link = CameraLink(self)
        self.view = CameraView()
        self.view.painted.connect(self.link.preview_taken)
        self.caption = QLabel(objectName="cameraCaption", wordWrap=True)
        self.caption.setAlignment(Qt.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.caption)
        self.source = "0"
        self.what = ""
        self.problem = ""
        self._words: dict[str, str] = {}
        self._failure: CameraError | None = None
        self.link.started.connect(self._on_started)
        self.link.preview.connect(self.view.show_preview)
        self.link.code_read.connect(self.code_read)
        self.link.failed.connect(self._on_failed)
        self.link.stopped.connect(self._on_stopped)
        translator.changed.connect(self.retranslate)
        self.setVisible(False)

    @property
    def running(self) -> bool:
        return self.link.running

    def start(self, source: str | None = None) -> bool:
        """Show the panel and start reading; False (and one message) when the camera cannot be used."""
        if source is not None:
            self.source = source
        self.setVisible(True)
        self.view.clear()
        try:
            cv2_module()
        except CameraError:
            self._say("camera.no_extra")
            return False
        self.problem = ""
        self._words = {}
        self._failure = None
        self.what = ""
        self.caption.setText(self.translator.tr("camera.opening", source=self.source))
        self.link.start(self.source)
        return True

    def stop(self) -> None:
        self.link.stop()
        self.setVisible(False)

    def toggle(self) -> None:
        if self.isVisible():
            self.stop()
        else:
            self.start()

    def _on_started(self, what: str) -> None:
        self.what = what
        self.retranslate()

    def _on_failed(self, failure: CameraError) -> None:
        self._failure = failure  # `stopped` follows with its English sentence: said in our words

    def _on_stopped(self, reason: str) -> None:
        if reason:
            self._say("camera.failed", reason=reason)
        elif self.isVisible():
            self.caption.setText(self.translator.tr("camera.ended", source=self.what or self.source))

    def _say(self, key: str, **words) -> None:
        self.problem = key
        self._words = words
        text = self._problem_text()
        self.caption.setText(text)
        self.message.emit(text)

    def _problem_text(self) -> str:
        words = dict(self._words)
        failure = self._failure
        if "reason" in words and failure is not None and failure.key:
            # The reason in the window's language, not the English sentence the terminal prints.
            words["reason"] = self.translator.tr(f"camera.reason.{failure.key}", **failure.words)
        return self.translator.tr(self.problem, **words)

    def retranslate(self, *_args) -> None:
        if self.problem:
            self.caption.setText(self._problem_text())
        elif self.what:
            self.caption.setText(self.translator.tr("camera.reading", source=self.what))

    def closeEvent(self, event) -> None:
        self.link.stop()
        super().closeEvent(event)
