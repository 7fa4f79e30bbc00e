"""The live dashboard page (issue 7, point 3), built on `checkin_desk.reports.dashboard_snapshot`.

Until the reports module provides the snapshot, the page says the dashboard is unavailable.
"""

from __future__ import annotations

import importlib

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..desk import Desk
from .i18n import Translator
from .workers import TaskRunner


def snapshot_function():
    try:
        reports = importlib.import_module("checkin_desk.reports")
    except ImportError:
        return None
    return getattr(reports, "dashboard_snapshot", None)


class UnavailableDashboard(QWidget):
    def __init__(self, translator: Translator, parent=None):
        super().__init__(parent)
        self.translator = translator
        self.label = QLabel(objectName="dashboardUnavailable")
        self.label.setAlignment(Qt.AlignCenter)
        QVBoxLayout(self).addWidget(self.label)
        translator.changed.connect(self.retranslate)
        self.retranslate()

    def retranslate(self, *_args) -> None:
        self.label.setText(self.translator.tr("dashboard.unavailable"))

    def set_active(self, _active: bool) -> None:
        pass


def make_panel(desk: Desk, runner: TaskRunner, translator: Translator) -> QWidget:
    snapshot = snapshot_function()
    if snapshot is None:
        return UnavailableDashboard(translator)
    from .dashboard_view import DashboardView

    return DashboardView(desk, runner, translator, snapshot)


def set_active(panel: QWidget, active: bool) -> None:
    panel.set_active(active)
