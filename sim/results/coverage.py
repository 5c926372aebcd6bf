"""Which targets a run can test at all, decided from the settings before anything is simulated.

A target counts only people, calls or missions whose deadline falls inside the run (a person
displaced at t with a 10 h deadline counts only if t + 10 h <= horizon; sim/results/relief_people.py,
sim/results/ems_metrics.py, sim/results/rescue_metrics.py). So some configurations cannot test a target in any
replication, whatever the dice say, and before this check they ran without a word and printed a
verdict built on nothing:
- its deadline is longer than the horizon (`run.horizon_h=8` and a 10 h target);
- no hazard event that produces what it counts starts early enough: before horizon - deadline
  (a flood at 60 h in a 72 h run cannot test a 24 h relief target; with `clock: event_onset` the
  one deadline is the disaster's onset + deadline);
- nothing it counts can occur at all: no event displaces anyone (relief), traps anyone (rescue),
  no aircraft or helipad (helicopter), no routine calls and no casualty calls of its triage
  classes (EMS); for EMS also calls after the warm-up (`ems.warmup_h`) that end before the horizon.

`check` refuses (InputError, exit 2) a run that would test nothing: every target untestable, or a
disaster whose every event starts at or after the horizon. Otherwise it returns the untestable
targets with the reason in words: the command warns, and the verdict marks them NOT TESTED with
that reason (sim/results/verdict.py) instead of "nobody to count".

Only certain cases are flagged (a settings-level rule). Whether a footprint hits any village, or
whether an area filter (`area: urban`) matches any call, depends on the dice and the places: such
a target is left to the verdict, which says NOT TESTED when nobody was counted.
"""

from __future__ import annotations

from collections.abc import Iterable

from sim.errors import InputError, Problem
from sim.scenario import Scenario
from sim.settings import (
    TRIAGE,
    AirTargetSettings,
    AnyTarget,
    EmsTargetSettings,
    HazardEvent,
    RescueTargetSettings,
    Settings,
    TargetSettings,
)
from sim.units import MIN_PER_H

EPS_MIN = 1e-9  # the measures' own tolerance on a deadline at the horizon


def _h(minutes: float) -> str:
    return f"{minutes / MIN_PER_H:g} h"


def _displaces(event: HazardEvent) -> bool:
    return any(r.displaced > 0 for r in event.rates.values())


def _traps(event: HazardEvent) -> bool:
    return any(sum(r.trapped.values()) > 0 for r in event.rates.values())


def _casualty_calls(event: HazardEvent, settings: Settings, triage: Iterable[int]) -> bool:
    shares = settings.ems.casualty_call_share.values()
    return any(
        shares[k - 1] > 0 and r.casualties.get(TRIAGE[k - 1], 0.0) > 0
        for r in event.rates.values()
        for k in triage
    )


def _by_deadline(
    what: str, starts: list[float], deadline_min: float, horizon_min: float, clock: str, onset: float
) -> str | None:
    """Why a target counting people `what` (struck at the event onsets `starts`) cannot be tested."""
    if deadline_min > horizon_min + EPS_MIN:
        return f"its deadline ({_h(deadline_min)}) is longer than the run (run.horizon_h={_h(horizon_min)})"
    if not starts:
        return f"no hazard event {what}"
    if clock == "event_onset":
        due = onset + deadline_min
        if due > horizon_min + EPS_MIN:
            return (
                f"its one deadline, the disaster's onset ({_h(onset)}) + {_h(deadline_min)}, falls after the "
                f"end of the run (run.horizon_h={_h(horizon_min)})"
            )
        return None
    latest = horizon_min - deadline_min
    if min(starts) > latest + EPS_MIN:
        return (
            f"no hazard event that {what} starts by {_h(latest)} (the horizon {_h(horizon_min)} minus the "
            f"deadline {_h(deadline_min)}): the first starts at {_h(min(starts))}, so every deadline falls "
            "after the end of the run"
        )
    return None


def reason(name: str, target: AnyTarget, settings: Settings, scenario: Scenario | None = None) -> str | None:
    """Why no replication of this run can test `target`, in words; None when one may."""
    horizon = settings.run.horizon_min
    events = list(settings.hazard.events.values())
    onset = settings.hazard.onset_min
    if isinstance(target, TargetSettings):
        starts = [e.onset_min for e in events if _displaces(e)]
        return _by_deadline("displaces anyone", starts, target.deadline_min, horizon, target.clock, onset)
    if isinstance(target, RescueTargetSettings):
        starts = [e.onset_min for e in events if _traps(e)]
        return _by_deadline("traps anyone", starts, target.deadline_min, horizon, target.clock, onset)
    if isinstance(target, AirTargetSettings):
        if settings.air.aircraft == 0:
            return "no aircraft (air.aircraft=0): no air mission to count"
        if scenario is not None and not scenario.helipads:
            return f"scenario {scenario.name} has no helipad: no air mission to count"
        starts = [e.onset_min for e in events]
        return _by_deadline("calls for aircraft", starts, target.limit_min, horizon, "affected", onset)
    if isinstance(target, EmsTargetSettings):
        ems = settings.ems
        limits = {"urban": [target.limit_min], "rural": [target.rural_limit_min or target.limit_min]}
        limit = min(limits.get(target.area, limits["urban"] + limits["rural"]))
        shares = ems.routine_triage_shares.values()
        people = scenario is None or sum(p.population for p in scenario.places) > 0
        routine = ems.mode == "mmc" or (
            ems.routine_calls_per_1000_per_day > 0
            and people
            and any(shares[k - 1] > 0 for k in target.triage)
        )
        starts = [0.0] if routine else []
        starts += [e.onset_min for e in events if _casualty_calls(e, settings, target.triage)]
        if not starts:
            return "no routine calls and no casualty calls of its triage classes: no call to count"
        first = max(min(starts), ems.warmup_min)
        if limit > horizon + EPS_MIN:
            return f"its limit ({limit:g} min) is longer than the run (run.horizon_h={_h(horizon)})"
        if first > horizon - limit + EPS_MIN:
            return (
                f"no call it counts can be received by {_h(horizon - limit)} (the horizon minus its "
                f"{limit:g} min limit): the first comes at {_h(first)}"
                + (" (the end of the warm-up, ems.warmup_h)" if ems.warmup_min > min(starts) else "")
            )
        return None
    return None


def untested(settings: Settings, scenario: Scenario | None = None) -> dict[str, str]:
    """target name -> why this run cannot test it, for every such target (settings order)."""
    out = {}
    for name, target in settings.targets.items():
        why = reason(name, target, settings, scenario)
        if why is not None:
            out[name] = why
    return out


def check(settings: Settings, scenario: Scenario | None = None) -> dict[str, str]:
    """Refuse a run that would test nothing (InputError); return the targets it cannot test."""
    horizon = settings.run.horizon_min
    events = settings.hazard.events
    if events and all(e.onset_min >= horizon for e in events.values()):
        first = min(e.onset_min for e in events.values())
        raise InputError(
            [
                Problem(
                    f"config key hazard.events.{key}.onset_h",
                    e.onset_h,
                    f"starts at or after the end of the run (run.horizon_h={settings.run.horizon_h:g}): "
                    "nothing of the disaster would be simulated",
                )
                for key, e in events.items()
            ],
            heading=f"the run would simulate no disaster: its first event starts at {_h(first)}, the run "
            f"ends at {_h(horizon)}",
        )
    out = untested(settings, scenario)
    if out and len(out) == len(settings.targets):
        raise InputError(
            [
                Problem(f"config key targets.{name}", name, f"cannot be tested: {why}")
                for name, why in out.items()
            ],
            heading="the run would test no target (lengthen run.horizon_h, or move hazard onsets earlier)",
        )
    return out


def warning_lines(untestable: dict[str, str]) -> list[str]:
    """The warning a command prints for targets it runs but cannot test."""
    if not untestable:
        return []
    lines = [
        f"WARNING: {len(untestable)} target(s) cannot be tested by this run and are reported NOT TESTED:"
    ]
    lines += [f"  {name}: {why}" for name, why in untestable.items()]
    return lines
