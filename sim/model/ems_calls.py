"""The 120 calls of one replication, drawn before the run from their own random streams.

Covers: routine calls that keep arriving during the disaster (Poisson by village
population with an hour-of-day profile, triage and infectious shares), the share of
hazard casualties that call for an ambulance, and scene or service times per call; in
the check mode (ems.mode=mmc), Poisson calls at one place with a service-time law.

Randomness: call times, places, triage and infectious draws come from
"ems.routine_calls" (the check mode: "ems.check.calls"); scene or service times are drawn
per call, in call order, from "ems.service.routine" and "ems.service.casualty" (check mode:
"ems.check.service"). So a call's needs never depend on dispatch decisions, and cases with
a different fleet or policy see the same calls (common random numbers). What happens to a
call is sim/model/ems.py.

Survival while waiting (sim/model/survival.py, the mechanism shared with trapped people): a
hazard casualty whose triage class has a curve in `ems.survival` (by default the immediate,
red, ones) gets the minute it dies unless it reaches a hospital first, `dies_at_min`, counted
from its injury (the casualty's minute, which is also its call's). The uniforms come from
streams named for the injury, "ems.survival.PLACE.TRIAGE.MINUTE" (the k-th such casualty of
that class at that place and minute takes the k-th draw), so the death minutes are the same
whatever the fleet, policy or calls elsewhere. Routine calls do not deteriorate here: their red calls are
illnesses (cardiac arrest, stroke) with curves of their own, outside a trauma curve.

Leaves out: calls that are not 120 emergencies (transfers booked ahead), repeat calls from
one scene, and calls lost before they reach the centre.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from sim.model.demand import Casualty
from sim.model.survival import SurvivalCurve
from sim.rng import Streams
from sim.scenario import Scenario
from sim.settings import TRIAGE, EmsSettings
from sim.units import MIN_PER_H

ROUTINE_STREAM = "ems.routine_calls"
CASUALTY_CALL_STREAM = "ems.casualty_calls"  # which casualties call for an ambulance
SERVICE_STREAM = {"routine": "ems.service.routine", "casualty": "ems.service.casualty"}
CHECK_CALL_STREAM = "ems.check.calls"
CHECK_SERVICE_STREAM = "ems.check.service"
SURVIVAL_STREAM = "ems.survival"  # + ".PLACE.TRIAGE.MINUTE" of the injury
TRIAGE_CLASSES = tuple(range(1, len(TRIAGE) + 1))  # 1 immediate (red), 2 urgent (yellow), 3 delayed (green)


@dataclass(frozen=True)
class CallBook:
    """Every call of one replication in call order (plain lists: fast to index per call)."""

    at_min: list[float]
    place: list[int]  # index into scenario.places
    triage: list[int]  # 1 immediate (red), 2 urgent (yellow), 3 delayed (green)
    infectious: list[bool]
    casualty: list[bool]  # a hazard casualty (else a routine call)
    work_min: list[float]  # scene minutes; in the check mode the whole service time
    # the minute the patient dies unless at a hospital by then (inf: does not deteriorate;
    # empty: nobody does)
    dies_at_min: list[float] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.at_min)

    def dies_at(self, k: int) -> float:
        return self.dies_at_min[k] if self.dies_at_min else math.inf


# --- drawing the calls (before the run, from their own streams) -----------------------------


def service_times(rng: np.random.Generator, n: int, dist: str, mean: float, cv: float) -> np.ndarray:
    """n service (or scene) times with the given mean: exponential, lognormal with coefficient of
    variation `cv`, or deterministic. A lognormal with cv 0 is deterministic."""
    if dist == "exponential":
        return rng.exponential(mean, n)
    if dist == "deterministic" or cv == 0:
        return np.full(n, float(mean))
    if dist == "lognormal":
        sigma2 = math.log1p(cv * cv)
        return rng.lognormal(math.log(mean) - sigma2 / 2, math.sqrt(sigma2), n)
    raise ValueError(f"unknown service distribution {dist!r}")


def _poisson_times(rng: np.random.Generator, breaks: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """Arrival times of a Poisson process with rate `rates[i]` (per minute) on [breaks[i], breaks[i+1]).

    Given the count, the points of a Poisson process are independent with density proportional
    to the rate, so: draw the count, then map sorted uniforms through the inverse of the
    cumulative rate (piecewise linear)."""
    cum = np.concatenate([[0.0], np.cumsum(rates * np.diff(breaks))])
    n = int(rng.poisson(cum[-1]))
    u = np.sort(rng.random(n)) * cum[-1]
    seg = np.clip(np.searchsorted(cum, u, side="right") - 1, 0, len(rates) - 1)
    return breaks[seg] + (u - cum[seg]) / rates[seg]


def routine_arrivals(
    scenario: Scenario, ems: EmsSettings, horizon_min: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Routine calls on [0, horizon): (at_min, place, triage, infectious) arrays, in time order."""
    villages = [i for i, p in enumerate(scenario.places) if p.kind == "village" and p.population > 0]
    people = np.array([scenario.places[i].population for i in villages], dtype=float)
    per_min = people.sum() / 1000.0 * ems.routine_calls_per_1000_per_day / (24 * MIN_PER_H)
    if per_min <= 0 or horizon_min <= 0:
        return np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, bool)
    profile = np.array(ems.routine_hour_profile, dtype=float)
    profile = profile / profile.mean()
    # Segments start at onset and at every change of clock hour until the horizon.
    first = (math.floor(ems.onset_clock_h) + 1 - ems.onset_clock_h) * MIN_PER_H
    breaks = np.unique(np.concatenate([[0.0], np.arange(first, horizon_min, MIN_PER_H), [horizon_min]]))
    hours = np.floor(ems.onset_clock_h + breaks[:-1] / MIN_PER_H).astype(np.int64) % 24
    rates = per_min * profile[hours]
    rates = np.where(rates > 0, rates, 1e-300)  # a silent hour keeps its (empty) segment
    at = _poisson_times(rng, breaks, rates)
    n = len(at)
    place = np.array(villages, dtype=np.int64)[rng.choice(len(villages), size=n, p=people / people.sum())]
    triage = rng.choice(np.array(TRIAGE_CLASSES), size=n, p=np.array(ems.routine_triage_shares.values()))
    infectious = rng.random(n) < ems.routine_infectious_share
    return at, place, triage, infectious


def county_calls(
    scenario: Scenario,
    ems: EmsSettings,
    casualties: Sequence[Casualty],
    horizon_min: float,
    streams: Streams,
) -> CallBook:
    """Routine calls and the hazard's casualties who call for an ambulance, on [0, horizon),
    merged in call order.

    Of the casualties, a share per triage class calls 120 (`ems.casualty_call_share`; one
    uniform draw per casualty, whether it calls or not, so the draws never shift).
    Same-minute calls: routine before casualty, then in drawing order (a stable sort)."""
    at_r, place_r, triage_r, inf_r = routine_arrivals(scenario, ems, horizon_min, streams(ROUTINE_STREAM))
    share = ems.casualty_call_share.values()
    u = streams(CASUALTY_CALL_STREAM).random(len(casualties))
    cas = [
        c for c, x in zip(casualties, u, strict=True) if c.at_min < horizon_min and x < share[c.triage - 1]
    ]
    scene = {
        source: service_times(streams(SERVICE_STREAM[source]), n, "lognormal", ems.scene_min, ems.scene_cv)
        for source, n in (("routine", len(at_r)), ("casualty", len(cas)))
    }
    at = np.concatenate([at_r, [c.at_min for c in cas]])
    order = np.argsort(at, kind="stable")
    dies = casualty_deaths_min(scenario, ems, cas, streams)
    return CallBook(
        at_min=at[order].tolist(),
        place=np.concatenate([place_r, [c.place for c in cas]]).astype(np.int64)[order].tolist(),
        triage=np.concatenate([triage_r, [c.triage for c in cas]]).astype(np.int64)[order].tolist(),
        infectious=np.concatenate([inf_r, [c.infectious for c in cas]]).astype(bool)[order].tolist(),
        casualty=np.concatenate([np.zeros(len(at_r), bool), np.ones(len(cas), bool)])[order].tolist(),
        work_min=np.concatenate([scene["routine"], scene["casualty"]])[order].tolist(),
        dies_at_min=np.concatenate([np.full(len(at_r), math.inf), dies])[order].tolist(),
    )


def casualty_deaths_min(
    scenario: Scenario, ems: EmsSettings, cas: Sequence[Casualty], streams: Streams
) -> np.ndarray:
    """For each calling casualty, the minute it dies unless at a hospital first (inf: its triage
    class has no survival curve). One draw per such casualty from the stream of its place,
    class and minute, in the order of `cas`."""
    curves = {t: SurvivalCurve(ems.survival_points(t)) for t in TRIAGE_CLASSES if ems.survival_points(t)}
    out = np.full(len(cas), math.inf)
    for i, c in enumerate(cas):
        curve = curves.get(c.triage)
        if curve is not None:
            name = f"{SURVIVAL_STREAM}.{scenario.places[c.place].id}.{c.triage}.{c.at_min!r}"
            out[i] = curve.deaths_min(streams, name, c.at_min, 1)[0]
    return out


def check_calls(ems: EmsSettings, horizon_min: float, place: int, streams: Streams) -> CallBook:
    """The check mode's calls: Poisson at ems.calls_per_h, all immediate, none infectious."""
    assert ems.calls_per_h is not None and ems.service_mean_min is not None
    rate = ems.calls_per_h / MIN_PER_H
    at = _poisson_times(streams(CHECK_CALL_STREAM), np.array([0.0, horizon_min]), np.array([rate]))
    n = len(at)
    work = service_times(
        streams(CHECK_SERVICE_STREAM), n, ems.service_dist, ems.service_mean_min, ems.service_cv
    )
    return CallBook(
        at_min=at.tolist(),
        place=[place] * n,
        triage=[1] * n,
        infectious=[False] * n,
        casualty=[False] * n,
        work_min=work.tolist(),
        dies_at_min=[math.inf] * n,
    )
