"""Printer profiles: the printer language, how many dots a line has, at what resolution, the label, and
whether it can cut. ESC/POS rolls, ZPL II labels (Zebra) and Brother QL labels.

A Brother QL profile is MODEL/LABEL (`QL-820NWB/62x100`), checked against brother_ql's own tables of
models and labels; the common ones are listed, any pair the library knows works.
"""

from __future__ import annotations

from dataclasses import dataclass

from checkin_desk.errors import CheckinDeskError

ESCPOS, ZPL, BROTHER_QL = "escpos", "zpl", "brother-ql"
LANGUAGES = (ESCPOS, ZPL, BROTHER_QL)


class UnknownProfile(CheckinDeskError, ValueError):
    def __init__(self, name: str, why: str = ""):
        known = ", ".join(sorted(PROFILES))
        super().__init__(f"unknown printer profile {name!r}{f' ({why})' if why else ''} (known: {known})")
        self.name = name


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    description: str
    width_dots: int  # printable dots per line; a multiple of 8 for ESC/POS and ZPL
    dpi: int
    cutter: bool
    template: str = "thermal-80"  # badge template used when neither the job nor the printer names one
    feed_lines: int = 4  # blank lines fed after the badge when there is no cutter (to tear it off)
    language: str = ESCPOS
    label_dots: int | None = None  # a label's printable length (die-cut, gap media); None: continuous
    model: str | None = None  # Brother QL model
    label: str | None = None  # Brother QL label identifier (brother_ql's: "62", "62x100", ...)

    @property
    def width_mm(self) -> float:
        return self.width_dots / self.dpi * 25.4

    @property
    def roll(self) -> bool:
        """Continuous media: a badge may be as long as it needs."""
        return self.label_dots is None

    def media(self) -> str:
        if self.roll:
            return f"{self.width_mm:.0f} mm continuous"
        return f"{self.width_mm:.0f} x {self.label_dots / self.dpi * 25.4:.0f} mm labels"


def brother_profile(model: str, label: str) -> Profile:
    """The profile of a Brother QL model with a label, from brother_ql's tables (ValueError if unknown)."""
    from checkin_desk.printing.brother import BrotherSupportMissing, require_library

    try:
        require_library()
    except BrotherSupportMissing as exc:
        raise UnknownProfile(f"{model}/{label}", str(exc)) from exc
    from brother_ql.labels import FormFactor, LabelsManager
    from brother_ql.models import ModelsManager

    models = {m.identifier.lower(): m for m in ModelsManager().iter_elements()}
    found = models.get(model.strip().lower())
    if found is None:
        raise UnknownProfile(f"{model}/{label}", f"brother_ql knows no model {model!r}")
    labels = {lab.identifier: lab for lab in LabelsManager().iter_elements()}
    spec = labels.get(label.strip())
    if spec is None:
        raise UnknownProfile(f"{model}/{label}", f"no label {label!r}; labels: {', '.join(sorted(labels))}")
    if spec.restricted_to_models and found.identifier not in spec.restricted_to_models:
        raise UnknownProfile(f"{model}/{label}", f"label {label} does not fit a {found.identifier}")
    width, length = spec.dots_printable
    die_cut = spec.form_factor in (FormFactor.DIE_CUT, FormFactor.ROUND_DIE_CUT)
    return Profile(
        f"{found.identifier}/{spec.identifier}",
        f"Brother {found.identifier}, {spec.identifier} mm {'die-cut labels' if die_cut else 'continuous roll'}",
        width,
        300,
        cutter=True,
        template="a6" if width >= 1100 else "thermal-58",
        language=BROTHER_QL,
        label_dots=length if die_cut else None,
        model=found.identifier,
        label=spec.identifier,
    )


_FIXED = (
    Profile("TM-T20II", "Epson TM-T20II, 80 mm roll", 576, 203, cutter=True),
    Profile("TM-T88V", "Epson TM-T88V, 80 mm roll", 512, 180, cutter=True),
    Profile("generic-58", "generic 58 mm printer with cutter", 384, 203, cutter=True, template="thermal-58"),
    Profile(
        "generic-58-nocut",
        "generic 58 mm printer without cutter (tear bar)",
        384,
        203,
        cutter=False,
        template="thermal-58",
    ),
    Profile("generic-80", "generic 80 mm printer with cutter", 576, 203, cutter=True),
    Profile(
        "zebra-203-4x6",
        "Zebra ZD/GK 203 dpi, 4 x 6 in die-cut labels",
        800,
        203,
        cutter=False,
        template="a6",
        language=ZPL,
        label_dots=1218,
    ),
    Profile(
        "zebra-300-4x6",
        "Zebra ZD/ZT 300 dpi, 4 x 6 in die-cut labels",
        1200,
        300,
        cutter=False,
        template="a6",
        language=ZPL,
        label_dots=1800,
    ),
    Profile(
        "zebra-203-80mm",
        "Zebra 203 dpi, 80 mm continuous media with cutter",
        576,
        203,
        cutter=True,
        language=ZPL,
    ),
)
_BROTHER = (
    ("QL-800", "62"),
    ("QL-810W", "62"),
    ("QL-820NWB", "62"),
    ("QL-820NWB", "62x100"),
    ("QL-1100", "102"),
    ("QL-1100", "102x152"),
)


def _all() -> dict[str, Profile]:
    from checkin_desk.printing.brother import BrotherSupportMissing, require_library

    profiles = {p.name: p for p in _FIXED}
    try:
        require_library()
    except BrotherSupportMissing:  # without the optional Brother QL support: ESC/POS and ZPL only
        return profiles
    for model, label in _BROTHER:
        p = brother_profile(model, label)
        profiles[p.name] = p
    return profiles


PROFILES: dict[str, Profile] = _all()
DEFAULT_PROFILE = "TM-T20II"
DEFAULTS = {ESCPOS: "TM-T20II", ZPL: "zebra-203-4x6", BROTHER_QL: "QL-820NWB/62"}


def get_profile(name: str | None, language: str | None = None) -> Profile:
    name = name or DEFAULTS.get(language or ESCPOS, DEFAULT_PROFILE)
    for key, profile in PROFILES.items():
        if key.lower() == name.strip().lower():
            return profile
    if "/" in name:  # any Brother model and label brother_ql knows
        model, _, label = name.partition("/")
        return brother_profile(model, label)
    raise UnknownProfile(name)
