"""Where things live on this machine, and which event database is the current one.

Behaviour settings of an event live in its database (store.settings); this file only knows the
machine: its data directory, the current event file, and the desk's default name.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import asdict, dataclass
from pathlib import Path

import platformdirs

APP = "checkin-desk"


def data_dir() -> Path:
    # CHECKIN_DESK_HOME keeps tests and demos away from the user's real data.
    home = os.environ.get("CHECKIN_DESK_HOME")
    return Path(home) / "data" if home else Path(platformdirs.user_data_dir(APP))


def config_dir() -> Path:
    home = os.environ.get("CHECKIN_DESK_HOME")
    return Path(home) / "config" if home else Path(platformdirs.user_config_dir(APP))


def log_dir() -> Path:
    home = os.environ.get("CHECKIN_DESK_HOME")
    return Path(home) / "logs" if home else Path(platformdirs.user_log_dir(APP))


@dataclass
class MachineConfig:
    current_event: str = ""
    desk_name: str = ""
    operator: str = ""
    language: str = "fr"
    sound_volume: int = 70  # percent; the desk's beeps (admitted, already in, refused)
    sound_muted: bool = False
    # The camera panel's source (F12): a device number, a video file or a stream URL.
    camera_source: str = "0"

    @classmethod
    def load(cls) -> MachineConfig:
        path = config_dir() / "config.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict):
            return cls()
        defaults = cls()
        # A value of the wrong type (a hand-edited file) falls back to the default, never crashes.
        known = {
            k: v
            for k, v in data.items()
            if k in cls.__dataclass_fields__ and type(v) is type(getattr(defaults, k))
        }
        return cls(**known)

    def save(self) -> None:
        path = config_dir() / "config.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)

    def event_path(self) -> Path:
        return Path(self.current_event) if self.current_event else data_dir() / "events" / "demo.sqlite"

    def desk(self) -> str:
        return self.desk_name or socket.gethostname().split(".")[0] or "desk"
