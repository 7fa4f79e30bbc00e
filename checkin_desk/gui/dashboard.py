"""The live dashboard page, built on `checkin_desk.reports.dashboard_snapshot`.

`make_panel` builds the page (`dashboard_view.DashboardView`); `set_active` starts or stops its
refreshes (only while it is shown).
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from checkin_desk.gui.dashboard_view import DashboardView
from checkin_desk.gui.i18n import Translator
from checkin_desk.gui.workers import TaskRunner
from checkin_desk.reports import dashboard_snapshot
from checkin_desk.services.desk import Desk


def make_panel(desk: Desk, runner: TaskRunner, translator: Translator) -> DashboardView:
    return DashboardView(desk, runner, translator, dashboard_snapshot)


def set_active(panel: QWidget, active: bool) -> None:
    if getattr(panel, "active", None) != active:
        panel.set_active(active)
