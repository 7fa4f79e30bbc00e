"""Queue forecast at the entrance: pure functions, no database.

Model (explained in docs/reports.md): arrivals are Poisson at the rate measured over the last
minutes, each open desk serves at its own measured rate, and the queue is one line feeding c desks,
so the expected wait before reaching a desk is the M/M/c (Erlang C) waiting time
    Wq = C(c, a) / (c·μ − λ),   a = λ/μ,
with μ the mean of the open desks' service rates. When λ ≥ c·μ there is no steady state: the line
grows by (λ − c·μ) people a minute, and the forecast says "overloaded" with that growth rate.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

DEFAULT_TARGET_WAIT_MIN = 5.0
DEFAULT_SERVICE_S = 20.0  # assumed when a desk has too few recent scans to measure its pace
IDLE_GAP_S = 120.0  # a longer gap between two scans at a desk means it was idle, not serving
MIN_GAPS = 3
MAX_DESKS = 200


@dataclass(frozen=True)
class DeskRate:
    desk: str
    scans: int  # scans in the service window
    gaps_used: int
    mean_service_s: float | None  # None: not enough recent scans to measure
    last_scan_at: str | None  # UTC ISO
    open: bool

    @property
    def service_rate_per_min(self) -> float | None:
        return 60.0 / self.mean_service_s if self.mean_service_s else None


@dataclass(frozen=True)
class Forecast:
    state: str  # idle | ok | over_target | overloaded | no_open_desks
    window_minutes: int
    arrivals: int
    arrival_rate_per_min: float
    open_desks: int
    service_rate_per_min: float | None  # per desk, mean over open desks (assumed if none measured)
    service_rate_assumed: bool
    utilisation: float | None
    probability_of_waiting: float | None
    expected_wait_min: float | None  # None when overloaded
    queue_growth_per_min: float  # > 0 only when overloaded
    target_wait_min: float
    desks_needed: int | None  # smallest number of desks bringing the wait under the target
    model: str = "M/M/c (Erlang C)"
    message: str = ""
    desks: list[DeskRate] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["desks"] = [{**asdict(r), "service_rate_per_min": r.service_rate_per_min} for r in self.desks]
        return d


def erlang_c(c: int, a: float) -> float:
    """Probability that an arrival waits, for c servers and offered load a = λ/μ (needs a < c)."""
    if c <= 0:
        raise ValueError("need at least one desk")
    if a <= 0:
        return 0.0
    if a >= c:
        return 1.0
    b = 1.0  # Erlang B by recursion: stable for large c, no factorials
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b / (1.0 - (a / c) * (1.0 - b))


def expected_wait_min(arrival_rate: float, service_rate: float, desks: int) -> float:
    """M/M/c mean wait in the line (minutes); math.inf when the desks cannot keep up."""
    if arrival_rate <= 0:
        return 0.0
    if desks <= 0 or service_rate <= 0 or arrival_rate >= desks * service_rate:
        return math.inf
    return erlang_c(desks, arrival_rate / service_rate) / (desks * service_rate - arrival_rate)


def desks_needed(arrival_rate: float, service_rate: float, target_wait_min: float) -> int | None:
    """The fewest desks whose expected wait is at most the target (None if the rates are unusable)."""
    if arrival_rate <= 0:
        return 0
    if service_rate <= 0:
        return None
    c = max(1, math.floor(arrival_rate / service_rate))
    while c <= MAX_DESKS:
        if expected_wait_min(arrival_rate, service_rate, c) <= target_wait_min:
            return c
        c += 1
    return None


def desk_rates(
    scans: Iterable[tuple[str, str]],
    now: datetime,
    *,
    open_within_min: float = 15.0,
    idle_gap_s: float = IDLE_GAP_S,
    min_gaps: int = MIN_GAPS,
) -> list[DeskRate]:
    """Each desk's service time from the gaps between its consecutive scans.

    `scans` are (desk, UTC ISO time), any status: refusing someone is serving them too. Gaps longer
    than `idle_gap_s` are idle time and skipped; a desk is open when it scanned within `open_within_min`.
    """
    by_desk: dict[str, list[datetime]] = {}
    for desk, at in scans:
        by_desk.setdefault(desk, []).append(datetime.fromisoformat(at))
    open_after = now - timedelta(minutes=open_within_min)
    result = []
    for desk in sorted(by_desk):
        times = sorted(by_desk[desk])
        gaps = [
            g for g in ((b - a).total_seconds() for a, b in itertools.pairwise(times)) if 0 < g <= idle_gap_s
        ]
        mean = sum(gaps) / len(gaps) if len(gaps) >= min_gaps else None
        last = times[-1]
        result.append(
            DeskRate(
                desk=desk,
                scans=len(times),
                gaps_used=len(gaps),
                mean_service_s=mean,
                last_scan_at=last.isoformat(timespec="seconds"),
                open=open_after <= last <= now + timedelta(minutes=1),
            )
        )
    return result


def forecast(
    arrivals: int,
    window_minutes: int,
    desks: Sequence[DeskRate],
    *,
    target_wait_min: float = DEFAULT_TARGET_WAIT_MIN,
    default_service_s: float = DEFAULT_SERVICE_S,
) -> Forecast:
    """The expected wait now and the number of desks that would bring it under the target."""
    lam = arrivals / window_minutes if window_minutes > 0 else 0.0
    open_desks = [d for d in desks if d.open]
    measured = [d.service_rate_per_min for d in open_desks if d.service_rate_per_min]
    assumed = not measured
    mu = sum(measured) / len(measured) if measured else 60.0 / default_service_s
    c = len(open_desks)
    needed = desks_needed(lam, mu, target_wait_min)
    common = dict(
        window_minutes=window_minutes,
        arrivals=arrivals,
        arrival_rate_per_min=round(lam, 4),
        open_desks=c,
        service_rate_per_min=round(mu, 4),
        service_rate_assumed=assumed,
        target_wait_min=target_wait_min,
        desks_needed=needed,
        desks=list(desks),
    )
    if lam == 0:
        return Forecast(
            state="idle",
            utilisation=0.0 if c else None,
            probability_of_waiting=0.0,
            expected_wait_min=0.0,
            queue_growth_per_min=0.0,
            message=f"no arrivals in the last {window_minutes} minutes",
            **common,
        )
    if c == 0:
        return Forecast(
            state="no_open_desks",
            utilisation=None,
            probability_of_waiting=None,
            expected_wait_min=None,
            queue_growth_per_min=round(lam, 4),
            message=f"no desk scanned in the last {window_minutes} minutes"
            + (f"; open {needed} to keep the wait under {target_wait_min:g} min" if needed else ""),
            **common,
        )
    rho = lam / (c * mu)
    if rho >= 1:
        return Forecast(
            state="overloaded",
            utilisation=round(rho, 4),
            probability_of_waiting=1.0,
            expected_wait_min=None,
            queue_growth_per_min=round(lam - c * mu, 4),
            message=f"the line grows by {lam - c * mu:.1f} people a minute"
            + (f"; open {needed} desks in all" if needed else ""),
            **common,
        )
    wait = expected_wait_min(lam, mu, c)
    over = wait > target_wait_min
    return Forecast(
        state="over_target" if over else "ok",
        utilisation=round(rho, 4),
        probability_of_waiting=round(erlang_c(c, lam / mu), 4),
        expected_wait_min=round(wait, 3),
        queue_growth_per_min=0.0,
        message=(
            f"expected wait {wait:.1f} min; open {needed} desks in all to bring it under {target_wait_min:g} min"
            if over
            else f"expected wait {wait:.1f} min with {c} desk{'s' if c > 1 else ''}"
        ),
        **common,
    )
