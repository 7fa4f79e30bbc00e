"""Badge preview of the current attendee, rendered by the badges module on the "db" worker.

The QR code carries what the printed badge's will (`signing.qr_text`: the signed code when this
machine issued one). The template is the one the print path would use (`printing.choose_template`): the desk's first
printer's template, else the category's from the settings, else the printer profile's default (A6
without a printer), so the preview shows the badge that will come out.

Without the badges module (or when rendering fails) the panel says "preview unavailable" and the
desk carries on: the preview is a help, never a condition for checking someone in.
"""

from __future__ import annotations

import importlib

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from checkin_desk.domain.models import Attendee, EventInfo
from checkin_desk.gui.i18n import Translator
from checkin_desk.gui.workers import TaskRunner
from checkin_desk.printing import category_templates, choose_template, pool
from checkin_desk.storage.store import Store

PREVIEW_DPI = 96


def template_resolver(store: Store, desk_name: str):
    """category -> template, read now (on the GUI thread: two small queries) for the previews to come."""
    by_category = category_templates(store)
    printers = pool(store, desk_name)
    first = printers[0] if printers else None
    default = "a6"
    if first is not None and first.escpos:
        try:
            default = first.get_profile().template
        except Exception:  # an unknown profile: the print path reports it; preview the default
            default = "thermal-80"
    printer_template = first.template if first is not None else None
    return lambda category: choose_template(None, printer_template, by_category, category) or default


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
        self.template_for = lambda _category: "a6"  # set by the window: template_resolver(...)
        self.qr_text_for = lambda code: code  # set by the window: signing.qr_text on its store
        self.renderer = _renderer()
        self.title = QLabel(objectName="previewTitle")
        self.image = QLabel(objectName="previewImage")
        self.image.setAlignment(Qt.AlignCenter)
        self.image.setMinimumSize(120, 100)
        self.image.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Ignored)  # a badge never widens the window
        self.image.setStyleSheet("background: #FAFAFA; border: 1px solid #CFD8DC;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.image, 1)
        self._generation = 0
        self.template = ""
        self.qr_text = ""  # what the previewed badge's QR code carries
        self.shown_png = b""  # the last preview shown (tests compare it with the renderer's)
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
            self.image.setPixmap(QPixmap())  # nobody matched: never the previous person's badge
            self.shown_png = b""
            self.retranslate()
            return
        generation = self._generation
        template = self.template_for(attendee.category)
        self.template = template
        qr_text = self.qr_text_for(attendee.code)  # one indexed query, here where the store lives
        self.qr_text = qr_text
        self.runner.submit(
            lambda: self.renderer(
                attendee,
                event=self.event_info,
                categories=self.categories,
                template=template,
                dpi=PREVIEW_DPI,
                qr_text=qr_text,
            ),
            done=lambda png: self._shown(generation, png),
            failed=lambda exc: self._failed(generation, exc),
        )

    def _shown(self, generation: int, png: bytes) -> None:
        if generation != self._generation:
            return  # a newer attendee is already being rendered
        pixmap = QPixmap()
        pixmap.loadFromData(png)
        self.shown_png = png
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
