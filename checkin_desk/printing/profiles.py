"""Thermal printer profiles: how many dots a line has, at what resolution, and whether it can cut."""

from __future__ import annotations

from dataclasses import dataclass


class UnknownProfile(ValueError):
    def __init__(self, name: str):
        super().__init__(f"unknown printer profile {name!r} (known: {', '.join(sorted(PROFILES))})")
        self.name = name


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    description: str
    width_dots: int  # printable dots per line; a multiple of 8
    dpi: int
    cutter: bool
    template: str = "thermal-80"  # badge template used when neither the job nor the printer names one
    feed_lines: int = 4  # blank lines fed after the badge when there is no cutter (to tear it off)

    @property
    def width_mm(self) -> float:
        return self.width_dots / self.dpi * 25.4


PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile("TM-T20II", "Epson TM-T20II, 80 mm roll", 576, 203, cutter=True),
        Profile("TM-T88V", "Epson TM-T88V, 80 mm roll", 512, 180, cutter=True),
        Profile(
            "generic-58", "generic 58 mm printer with cutter", 384, 203, cutter=True, template="thermal-58"
        ),
        Profile(
            "generic-58-nocut",
            "generic 58 mm printer without cutter (tear bar)",
            384,
            203,
            cutter=False,
            template="thermal-58",
        ),
        Profile("generic-80", "generic 80 mm printer with cutter", 576, 203, cutter=True),
    )
}
DEFAULT_PROFILE = "TM-T20II"


def get_profile(name: str | None) -> Profile:
    if not name:
        return PROFILES[DEFAULT_PROFILE]
    for key, profile in PROFILES.items():
        if key.lower() == name.strip().lower():
            return profile
    raise UnknownProfile(name)
