"""Badge preview of the current attendee, rendered by the badges module on the "db" worker.

Without the badges module (or when rendering fails) the panel says "preview unavailable" and the
desk carries on: the preview is a help, never a condition for checking someone in.
"""

from __future__ import annotations

import importlib

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..domain import Attendee, EventInfo
from .i18n import Translator
from .workers import TaskRunner


def _renderer():
    try:
        module = importlib.import_module("checkin_desk.badges")
    except ImportError:
        return None
    return getattr(module, "render_preview_png", None)


class PreviewPanel(QWidget):
    def __init__(
        self, translator: Translator, runner: TaskRunner, event: EventInfo, categories: dict, parent=None
    ):
        super().__init__(parent)
        self.translator, self.runner = translator, runner
        self.event_info, self.categories = event, categories
        self.templates: dict[str, str] = {}
        self.renderer = _renderer()
        self.title = QLabel(objectName="previewTitle")
        self.image = QLabel(objectName="previewImage")
        self.image.setAlignment(Qt.AlignCenter)
        self.image.setMinimumSize(220, 300)
        self.image.setStyleSheet("background: #FAFAFA; border: 1px solid #CFD8DC;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.image, 1)
        self._generation = 0
        self.attendee: Attendee | None = None
        self.available = self.renderer is not None
        translator.changed.connect(self.retranslate)
        self.retranslate()

    def retranslate(self, *_args) -> None:
        self.title.setText(self.translator.tr("preview.title"))
        if not self.available:
            self.image.setText(self.translator.tr("preview.unavailable"))

    def show_attendee(self, attendee: Attendee | None) -> None:
        self.attendee = attendee
        self._generation += 1
        if attendee is None or self.renderer is None:
            self.image.setPixmap(QPixmap())
            self.retranslate()
            return
        generation = self._generation
        template = self.templates.get(attendee.category) or "a6"
        self.runner.submit(
            lambda: self.renderer(
                attendee, event=self.event_info, categories=self.categories, template=template, dpi=60
            ),
            done=lambda png: self._shown(generation, png),
            failed=lambda exc: self._failed(generation, exc),
        )

    def _shown(self, generation: int, png: bytes) -> None:
        if generation != self._generation:
            return  # a newer attendee is already being rendered
        pixmap = QPixmap()
        pixmap.loadFromData(png)
        self.available = not pixmap.isNull()
        if self.available:
            box = self.image.size()
            self.image.setPixmap(
                pixmap.scaled(box.width() - 8, box.height() - 8, Qt.KeepAspectRatio, Qt.SmoothTransformation)
            )
        self.retranslate()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self.available = False
            self.image.setPixmap(QPixmap())
            self.image.setToolTip(str(exc))
            self.retranslate()
