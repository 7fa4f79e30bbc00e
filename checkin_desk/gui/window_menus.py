"""The desk window's menus and keyboard shortcuts, every action reachable without the mouse.

Keyboard map: scan anywhere; Ctrl+F search; Ctrl+P print the selected result's badge; Esc back to
scanning; F2 printer details; F3 walk-in; F4 dashboard; F5 re-issue a pass; F6 reprint; F7 admit
despite refusal; F8 cancel a check-in; F9 edit; F10 settings; F11 kiosk; F12 camera panel on/off;
Ctrl+L next language (the Language menu marks the current one); Ctrl+M sound on/off.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow

from checkin_desk.gui.i18n import LANGUAGE_NAMES, LANGUAGES, Translator

ACTIONS = (  # (id, message id, shortcut, menu)
    ("walk_in", "action.walk_in", "F3", "desk"),
    ("dashboard", "action.dashboard", "F4", "desk"),
    ("print_search", "action.print_search", "Ctrl+P", "desk"),
    ("printer", "action.printer", "F2", "desk"),
    ("kiosk", "action.kiosk", "F11", "desk"),
    ("camera", "action.camera", "F12", "desk"),
    ("mute", "action.mute", "Ctrl+M", "desk"),
    ("reissue", "action.reissue", "F5", "supervisor"),
    ("reprint", "action.reprint", "F6", "supervisor"),
    ("override", "action.override", "F7", "supervisor"),
    ("cancel", "action.cancel", "F8", "supervisor"),
    ("edit", "action.edit", "F9", "supervisor"),
    ("settings", "action.settings", "F10", "supervisor"),
    ("export", "action.export", "", "supervisor"),
)
HIDDEN = (  # (id, shortcut): shortcuts without a menu entry
    ("search", "Ctrl+F"),
    ("escape", "Esc"),
    ("leave", "Ctrl+Shift+K"),
)


class WindowMenus:
    def __init__(self, window: QMainWindow, translator: Translator, handlers: dict[str, Callable]):
        self.window, self.translator = window, translator
        self.actions: dict[str, QAction] = {}
        bar = window.menuBar()
        self.menus = {"desk": bar.addMenu(""), "supervisor": bar.addMenu(""), "language": bar.addMenu("")}
        for key, _message, shortcut, menu in ACTIONS:
            action = QAction(window)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(handlers[key])
            self.menus[menu].addAction(action)
            self.actions[key] = action
        self.actions["mute"].setCheckable(True)
        self.languages = QActionGroup(window)
        self.languages.setExclusive(True)
        for code in LANGUAGES:
            action = QAction(LANGUAGE_NAMES[code], window, checkable=True)
            action.setData(code)
            action.triggered.connect(lambda _checked=False, c=code: handlers["language"](c))
            self.languages.addAction(action)
            self.menus["language"].addAction(action)
            self.actions[f"language_{code}"] = action
        self.menus["language"].addSeparator()
        following = QAction(window, shortcut=QKeySequence("Ctrl+L"))
        following.triggered.connect(handlers["next_language"])
        self.menus["language"].addAction(following)
        self.actions["next_language"] = following
        for key, shortcut in HIDDEN:
            action = QAction(window)
            action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(handlers[key])
            window.addAction(action)
            self.actions[key] = action
        translator.changed.connect(self.retranslate)
        self.retranslate()

    def retranslate(self, *_args) -> None:
        t = self.translator.tr
        for key, menu in self.menus.items():
            menu.setTitle(t(f"menu.{key}"))
        for key, message, _shortcut, _menu in ACTIONS:
            self.actions[key].setText(t(message))
        self.actions["next_language"].setText(t("action.next_language"))
        for code in LANGUAGES:
            self.actions[f"language_{code}"].setChecked(code == self.translator.language)
