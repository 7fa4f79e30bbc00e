"""The live dashboard page: tiles, arrivals per quarter-hour, by category, per-desk throughput, queue.

The figures come from `checkin_desk.reports.dashboard_snapshot`, which costs ~0.4 s on a big event:
it runs on the "db" worker with its own connection (`SnapshotReader`), never on the GUI thread. The
page refreshes every `REFRESH_MS` only while it is shown, and a refresh that finds the previous one
still running is skipped. The GUI thread only applies the finished snapshot to the widgets.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from checkin_desk.gui import dashboard_text as words
from checkin_desk.gui.dashboard_charts import ArrivalsChart, CategoryChart
from checkin_desk.gui.i18n import Translator
from checkin_desk.gui.workers import TaskRunner
from checkin_desk.reports.source import LocalSource
from checkin_desk.services.desk import Desk
from checkin_desk.storage.store import Store

log = logging.getLogger(__name__)

REFRESH_MS = 10_000
TILES = ("today", "total", "last15", "refused")
COLUMNS = ("desk", "open", "scans", "admitted", "refused", "today", "service", "per_hour", "last")


class SnapshotReader:
    """Computes snapshots on the worker thread that calls it, with a connection of its own."""

    def __init__(self, db_path: str, desk_name: str, compute: Callable):
        self.db_path, self.desk_name, self.compute = db_path, desk_name, compute
        self._store: Store | None = None

    def read(self, now: datetime):
        if self._store is None:
            self._store = Store.open(self.db_path)
        return self.compute(LocalSource(self._store, self.desk_name), now)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


class Tile(QFrame):
    def __init__(self, key: str, parent=None):
        super().__init__(parent, objectName=f"tile_{key}")
        self.setFrameShape(QFrame.StyledPanel)
        self.value = QLabel("—", objectName=f"tileValue_{key}")
        self.value.setAlignment(Qt.AlignCenter)
        font = QFont(self.value.font())
        font.setPointSize(font.pointSize() * 2 + 6)
        font.setBold(True)
        self.value.setFont(font)
        self.caption = QLabel(objectName=f"tileCaption_{key}")
        self.caption.setAlignment(Qt.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)


class DashboardView(QWidget):
    refreshed = Signal(object)  # the snapshot just applied (tests and screenshots wait on it)

    def __init__(
        self, desk: Desk, runner: TaskRunner, translator: Translator, snapshot: Callable, parent=None
    ):
        super().__init__(parent, objectName="dashboard")
        self.desk, self.runner, self.translator = desk, runner, translator
        self.reader = SnapshotReader(desk.store.path, desk.desk_name, snapshot)
        self.categories = desk.store.categories()
        self.snapshot = None
        self.error = ""
        self.busy = False
        self.skipped = 0  # refreshes skipped because one was still running
        self.active = False
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._build()
        translator.changed.connect(self.retranslate)
        self.retranslate()

    def _build(self) -> None:
        self.title = QLabel(objectName="dashTitle")
        font = QFont(self.title.font())
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        self.title.setFont(font)
        self.updated = QLabel(objectName="dashUpdated")
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.updated)
        self.tiles = {key: Tile(key) for key in TILES}
        tiles = QHBoxLayout()
        for tile in self.tiles.values():
            tiles.addWidget(tile)
        self.arrivals = ArrivalsChart(objectName="arrivalsChart")
        self.by_category = CategoryChart(objectName="categoryChart")
        self.arrivals_box = self._box(self.arrivals)
        self.category_box = self._box(self.by_category)
        self.table = QTableWidget(0, len(COLUMNS), objectName="deskTable")
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.setFocusPolicy(Qt.NoFocus)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.desks_box = self._box(self.table)
        self.wait = QLabel(objectName="forecastWait")
        self.needed = QLabel(objectName="forecastNeeded")
        for label in (self.wait, self.needed):
            big = QFont(label.font())
            big.setPointSize(big.pointSize() + 3)
            big.setBold(True)
            label.setFont(big)
        self.explain = QLabel(objectName="forecastText")
        self.explain.setWordWrap(True)
        self.explain.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)  # wrap to the box
        self.explain.setContentsMargins(4, 0, 12, 0)  # Qt lays long RTL lines out a few pixels wide
        forecast = QWidget()
        column = QVBoxLayout(forecast)
        column.setContentsMargins(0, 0, 0, 0)
        for label in (self.wait, self.needed, self.explain):
            column.addWidget(label)
        column.addStretch(1)
        self.forecast_box = self._box(forecast)
        grid = QGridLayout()
        grid.addWidget(self.arrivals_box, 0, 0)
        grid.addWidget(self.category_box, 0, 1)
        grid.addWidget(self.desks_box, 1, 0)
        grid.addWidget(self.forecast_box, 1, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(tiles)
        layout.addLayout(grid, 1)

    @staticmethod
    def _box(content: QWidget) -> QGroupBox:
        box = QGroupBox()
        QVBoxLayout(box).addWidget(content)
        return box

    # -- refreshing ------------------------------------------------------------------------------

    def set_active(self, active: bool) -> None:
        self.active = active
        if active:
            self.refresh()
            self._timer.start()
        else:
            self._timer.stop()

    def refresh(self) -> None:
        if self.busy:  # the last one still runs (a big event, a busy worker): do not pile up
            self.skipped += 1
            return
        self.busy = True
        self.reader.desk_name = self.desk.desk_name
        self.runner.submit(self.reader.read, self.desk.clock(), done=self._done, failed=self._failed)

    def _done(self, snapshot) -> None:
        self.busy = False
        self.error = ""
        self.apply(snapshot)

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.error = str(exc)
        log.warning("dashboard: %s", exc)
        self.retranslate()

    def close_reader(self) -> None:
        self._timer.stop()
        self.runner.submit(self.reader.close)

    # -- drawing ---------------------------------------------------------------------------------

    def apply(self, snapshot) -> None:
        """Show a snapshot: the only dashboard work done on the GUI thread."""
        self.snapshot = snapshot
        self.retranslate()
        self.refreshed.emit(snapshot)

    def retranslate(self, *_args) -> None:
        t = self.translator.tr
        self.arrivals_box.setTitle(t("dash.arrivals"))
        self.category_box.setTitle(t("dash.categories"))
        self.desks_box.setTitle(t("dash.desks"))
        self.forecast_box.setTitle(t("dash.forecast"))
        self.table.setHorizontalHeaderLabels([t(f"dash.col.{c}") for c in COLUMNS])
        captions = dict(
            today="dash.tile.today",
            total="dash.tile.total",
            last15="dash.tile.last15",
            refused="dash.tile.refused",
        )
        for key, tile in self.tiles.items():
            tile.caption.setText(t(captions[key]))
        s = self.snapshot
        if s is None:
            self.title.setText(t("dash.title", scope=t("dash.scope.desk", desk=self.desk.desk_name)))
            self.updated.setText(t("dash.failed", reason=self.error) if self.error else t("dash.loading"))
            return
        scope = t("dash.scope.hub") if s.scope == "hub" else t("dash.scope.desk", desk=self.desk.desk_name)
        self.title.setText(t("dash.title", scope=scope))
        self.title.setToolTip(s.scope_label)
        when = s.generated_at.strftime("%H:%M:%S")
        self.updated.setText(
            t("dash.failed", reason=self.error) if self.error else t("dash.updated", time=when)
        )
        values = (s.tiles.arrived_today, s.tiles.arrived_total, s.tiles.last_15_min, s.tiles.refused_today)
        for tile, value in zip(self.tiles.values(), values, strict=True):
            tile.value.setText(words.number(value))
        legend = (
            t("dash.legend.today", day=s.today),
            t("dash.legend.previous", day=s.previous_day) if s.previous_day else "",
        )
        points = [(p.time, p.today, p.previous_day) for p in s.arrivals]
        self.arrivals.set_data(points, words.arrivals_caption(s, t), legend)
        label_key = f"label_{self.translator.language}"
        rows = [
            (
                self.categories.get(c.category, {}).get(label_key) or c.label,
                c.colour,
                c.arrived_today,
                c.registered_today,
            )
            for c in s.by_category
        ]
        self.by_category.set_data(rows, words.category_caption(s, t))
        self._fill_table(s.desks)
        self.wait.setText(words.wait_headline(s.forecast, t))
        self.needed.setText(words.needed_headline(s.forecast, t))
        self.explain.setText(words.forecast_sentence(s.forecast, t))
        self.explain.setToolTip(s.forecast.message)

    def _fill_table(self, desks) -> None:
        t = self.translator.tr
        self.table.setRowCount(len(desks))
        for row, d in enumerate(desks):
            cells = (
                d.desk,
                t("dash.yes") if d.open else t("dash.no"),
                str(d.scans_15_min),
                str(d.admitted_15_min),
                str(d.refused_15_min),
                words.number(d.entries_today),
                "—" if d.mean_service_s is None else t("dash.seconds", n=words.number(d.mean_service_s, 1)),
                "—" if d.per_hour is None else words.number(d.per_hour),
                "—" if d.last_scan is None else d.last_scan.strftime("%H:%M:%S"),
            )
            for column, text in enumerate(cells):
                item = self.table.item(row, column)
                if item is None:
                    item = QTableWidgetItem()
                    self.table.setItem(row, column, item)
                item.setText(text)
                if column:
                    item.setTextAlignment(Qt.AlignCenter)
                if column == 1:
                    item.setForeground(QColor("#2E7D32" if d.open else "#78909C"))
