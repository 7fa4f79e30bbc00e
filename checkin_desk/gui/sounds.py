"""Short, distinct sounds for the three verdicts: admitted, already checked in, refused.

Why not Qt: QSoundEffect is in QtMultimedia, which PySide6-Essentials lacks (PySide6-Addons is ~400 MB
and needs libpulse). The sounds are instead made here as tiny WAV files (sine tones, generated once
per volume into the data directory) and played by the machine's own player — `pw-play` (PipeWire),
`paplay` (PulseAudio) or `aplay` (ALSA), whichever exists — started from a background thread, so a
scan never waits on the sound. Without a player, or without an audio device (the player then just
fails), the desk is silent and nothing else changes. No Qt here: tests check which sound was asked for.
"""

from __future__ import annotations

import array
import logging
import math
import shutil
import subprocess
import wave
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from checkin_desk.domain.models import Outcome
from checkin_desk.gui.verdict import kind_of
from checkin_desk.util.config import data_dir

log = logging.getLogger(__name__)

RATE = 22050
VERSION = 1  # bump when the tones change: new files are made
# (frequency in Hz, 0 for silence; seconds). Rising and bright: in; two level beeps: already in;
# low and long: refused. Each is well under half a second: the next visitor is already there.
TONES: dict[str, tuple[tuple[float, float], ...]] = {
    "admitted": ((880.0, 0.07), (1320.0, 0.11)),
    "already": ((660.0, 0.08), (0.0, 0.05), (660.0, 0.08)),
    "refused": ((196.0, 0.32),),
}
PLAYERS = (("pw-play", ()), ("paplay", ()), ("aplay", ("-q",)))


def sound_for(outcome: Outcome) -> str:
    kind = kind_of(outcome)
    if kind == "already" and not outcome.admitted:
        return "refused"
    return kind


def wav_bytes(name: str, volume: int) -> bytes:
    """The sound `name` at `volume` percent, as a 16-bit mono WAV."""
    import io

    amplitude = 0.8 * 32767 * max(0, min(100, volume)) / 100
    samples = array.array("h")
    fade = int(RATE * 0.005)  # 5 ms in and out: no click
    for frequency, seconds in TONES[name]:
        count = int(RATE * seconds)
        for i in range(count):
            if not frequency:
                samples.append(0)
                continue
            envelope = min(1.0, i / fade, (count - i) / fade)
            wave_value = math.sin(2 * math.pi * frequency * i / RATE)
            if name == "refused":  # a buzz, not a tone: add odd harmonics
                wave_value = 0.7 * wave_value + 0.3 * math.sin(6 * math.pi * frequency * i / RATE)
            samples.append(int(amplitude * envelope * wave_value))
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(samples.tobytes())
    return out.getvalue()


def find_player() -> list[str] | None:
    """The command that plays a WAV file on this machine, or None."""
    for command, options in PLAYERS:
        path = shutil.which(command)
        if path:
            return [path, *options]
    return None


class SoundPlayer:
    """`play(name)` records what was asked and, unless muted, plays it in the background."""

    def __init__(
        self,
        *,
        volume: int = 70,
        muted: bool = False,
        player: list[str] | None = None,
        run: Callable[[list[str]], object] | None = None,
        folder: Path | None = None,
    ):
        self.volume, self.muted = volume, muted
        self.requested: list[str] = []  # every sound asked for, played or not
        self.player = player if player is not None else find_player()
        self.folder = folder or data_dir() / "sounds"
        self._run = run or self._spawn
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="checkin-sound")
        self._children: list[subprocess.Popen] = []

    @property
    def audible(self) -> bool:
        return bool(self.player) and not self.muted and self.volume > 0

    def play(self, name: str) -> bool:
        """Ask for sound `name`; True when it was handed to a player."""
        self.requested.append(name)
        if not self.audible or name not in TONES:
            return False
        self._pool.submit(self._play, name, self.volume)
        return True

    def _play(self, name: str, volume: int) -> None:
        try:
            path = self.file(name, volume)
            self._run([*self.player, str(path)])
        except Exception as exc:  # a sound must never trouble the desk
            log.info("sound %s not played: %s", name, exc)

    def file(self, name: str, volume: int) -> Path:
        path = self.folder / f"{name}-v{VERSION}-{volume}.wav"
        if not path.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(wav_bytes(name, volume))
            tmp.replace(path)
        return path

    def _spawn(self, command: list[str]) -> subprocess.Popen:
        self._children = [child for child in self._children if child.poll() is None]  # reap
        child = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self._children.append(child)
        return child

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        for child in self._children:
            if child.poll() is None:
                child.kill()
                child.wait()
