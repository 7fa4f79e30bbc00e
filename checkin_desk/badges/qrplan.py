"""How big a badge's QR code is drawn: modules never under 0.75 mm (6 dots at 203 dpi), a 4-module quiet
zone, and the QR area grown for long and signed codes rather than the modules shrunk.

A template's `qr` box is the size a short code gets. A longer code needs more modules; the plan keeps
the template's error correction when the grown code still fits the page width, else steps it down
(Q -> M -> L) before it ever shrinks a module. On a roll (continuous paper) the QR grows downwards and
everything under it moves down with it; on a fixed page (a die-cut label, an A6 card) it grows around
the box's centre by up to a quarter of the box at the template's level, else steps down to M, then
grows further. L (7 % of the code may be lost) only when nothing else fits the page: blurred prints
of L and M codes at the smallest modules are what zbar misreads.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from checkin_desk.badges.qr import qr_runs

MIN_MODULE_MM = 0.75
# A colour template's PDF goes to office printers and screens at whatever resolution they pick, down
# to 150 dpi, so modules land on fractional pixels: measured with zxing-cpp and zbar after a blur of
# sigma 2 pixels, 0.9 mm modules fail at 150 dpi and 0.95 mm pass. A mono (thermal) template's PDF is
# rasterised at the printer's own dots, where 0.75 mm is 6 whole dots.
PAPER_MODULE_MM = 1.0
# A code grown upwards may squeeze the elements above it to this share of their height, no less:
# the name keeps room for two lines.
SQUEEZE_FLOOR = 0.55
FIXED_GROWTH = 1.25  # on a fixed page the QR may take this much of its box before the level drops
LEVELS = "LMQH"


@dataclass(frozen=True, slots=True)
class QrPlan:
    level: str
    count: int  # modules per side, without the quiet zone
    module: float  # in the unit asked for (device dots, or points for vector output)
    side: float  # the square drawn, quiet zone included
    growth: float  # how much larger than the template's box (0: it fits)


def min_module_dots(dpi: int, boost: int = 0) -> int:
    """Whole dots per module for at least 0.75 mm at `dpi` (203 dpi: 6, 300 dpi: 9), plus `boost`."""
    return math.ceil(MIN_MODULE_MM * dpi / 25.4 - 1e-9) + boost


def plan_qr(
    data: str,
    *,
    level: str,
    quiet_zone: int,
    box: float,
    max_side: float,
    min_module: float,
    whole: bool,
    grow_first: bool,
) -> QrPlan:
    """Choose level and module size for `data` in a `box`-wide square (any unit).

    min_module: the smallest module allowed; whole: modules are whole device dots; max_side: the
    widest the code may become (the page width); grow_first: keep the level and grow (a roll) rather
    than step the level down first (a fixed page).
    """
    levels = LEVELS[: LEVELS.index(level) + 1][::-1]  # the template's level, then the lower ones
    sturdy = [lvl for lvl in levels if lvl != "L"] or ["L"]

    def sized(lvl: str, limit: float) -> QrPlan | None:
        count = qr_runs(data, lvl)[0]
        total = count + 2 * quiet_zone
        module = box / total
        if whole:
            module = math.floor(module)
        module = max(min_module, module)
        side = module * total
        if side > limit + 1e-9:
            return None
        return QrPlan(lvl, count, module, side, max(0.0, side - box))

    for lvl in levels if grow_first else sturdy:  # the box is enough
        if (found := sized(lvl, box)) is not None and (grow_first or lvl == levels[0]):
            return found
    if not grow_first:  # a fixed page: a little larger at the template's level, else a lower one
        for lvl in sturdy:
            if (found := sized(lvl, min(max_side, box * FIXED_GROWTH))) is not None:
                return found
    # Grow within the page width: a roll keeps the highest level that fits it, a fixed page grows
    # the least (the lowest sturdy level), then L.
    order = levels if grow_first else [*sturdy[::-1], "L"]
    for lvl in order:
        if (found := sized(lvl, max_side)) is not None:
            return found
    # Not even the lowest level fits the page at the minimum module: the largest modules that fit.
    count = qr_runs(data, "L")[0]
    total = count + 2 * quiet_zone
    module = max_side / total
    if whole:
        module = max(1, math.floor(module))
    return QrPlan("L", count, module, module * total, max(0.0, module * total - box))
