"""EMS demand: casualty calls from the hazard, routine calls by hour and place, service-time draws.

Each statistical check uses one fixed stream, so it passes or fails the same way every
run; the bounds are 99.9 % (chi-square p > 0.001, |z| < 3.29), wide enough for a
correct model and narrow enough to catch a wrong rate, profile or weight.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
from scipy import stats

from sim.events import EventKind, EventLog
from sim.model import ems_calls, world
from sim.rng import Streams, stream
from sim.units import MIN_PER_H
from tests.conftest import load_scenario, settings_for

Z999 = 3.29


def casualty_run(*overrides: str):
    scen = load_scenario("zhangshu")
    # an average-sized flood (no event term): enough walking wounded for the binomial check
    settings = settings_for(
        "scenario=zhangshu", "hazard=flood_major", "hazard.events.flood.size.event_share=0", *overrides
    )
    log = EventLog()
    w = world.build(scen, settings, Streams(settings.run.seed, 2), log)
    w.run()
    calls = [e for e in log.rows if e.kind is EventKind.CALL_RECEIVED]
    drawn = [c for c in w.disaster.casualties if c.at_min < settings.run.horizon_min]
    return scen, settings, drawn, calls


@pytest.mark.slow  # zhangshu runs: about 2 s of CPU
def test_casualty_calls_are_the_disasters_casualties():
    """With every casualty calling, each casualty the hazard draws (sim/model/hazards.py) reaches
    the 120 centre as one call at its own minute, place, triage class and infectious flag (phones
    cut by the hazard delay nothing here: cut_off_extra_min=0; tests/test_information.py has the
    delay)."""
    scen, _, drawn, calls = casualty_run(
        "reporting.cut_off_extra_min=0",
        "ems.casualty_call_share.immediate=1",
        "ems.casualty_call_share.urgent=1",
        "ems.casualty_call_share.delayed=1",
    )
    expected = sorted((c.at_min, scen.places[c.place].id, c.triage, float(c.infectious)) for c in drawn)
    got = sorted((e.t_min, e.place, e.qty, e.value) for e in calls if e.note == "casualty")
    assert len(expected) > 10 and got == expected
    assert sum(e.note == "routine" for e in calls) > 100


def test_a_share_of_the_walking_wounded_call():
    _, settings, drawn, calls = casualty_run()
    share = settings.ems.casualty_call_share
    assert share.immediate == share.urgent == 1.0 and 0 < share.delayed < 1
    for triage, p in zip((1, 2, 3), share.values(), strict=True):
        n = sum(c.triage == triage for c in drawn)
        k = sum(e.note == "casualty" and e.qty == triage for e in calls)
        if p == 1.0:
            assert k == n
        else:  # binomial(n, p)
            assert n > 50 and abs(k - n * p) < Z999 * math.sqrt(n * p * (1 - p)), (triage, k, n, p)


def test_routine_calls_follow_hour_profile_population_and_triage_mix():
    scen = load_scenario("zhangshu")
    settings = settings_for(
        "scenario=zhangshu", "ems.onset_clock_h=8.5", "ems.routine_calls_per_1000_per_day=0.3"
    )
    cfg = settings.ems
    horizon = 720 * MIN_PER_H  # 30 days: every clock hour is covered exactly 30 times
    rng = stream(3, 0, ems_calls.ROUTINE_STREAM)
    at, place, triage, infectious = ems_calls.routine_arrivals(scen, cfg, horizon, rng)
    people = sum(p.population for p in scen.places)
    per_day = people / 1000 * cfg.routine_calls_per_1000_per_day
    expected_total = per_day * 30
    assert abs(len(at) - expected_total) < Z999 * math.sqrt(expected_total)
    assert (np.diff(at) >= 0).all() and at.min() >= 0 and at.max() < horizon
    weights = np.array(cfg.routine_hour_profile) / np.mean(cfg.routine_hour_profile)
    clock = np.floor(cfg.onset_clock_h + at / MIN_PER_H).astype(int) % 24
    observed = np.bincount(clock, minlength=24)
    expected = weights / weights.sum() * len(at)
    assert stats.chisquare(observed, expected).pvalue > 0.001
    # a flat profile would fail: the night trough is real
    assert stats.chisquare(observed).pvalue < 0.001
    # places by population, pooled by township
    town_of = {i: p.township_id for i, p in enumerate(scen.places)}
    pop = Counter()
    for p in scen.places:
        pop[p.township_id] += p.population
    towns = sorted(pop)
    obs = Counter(town_of[int(i)] for i in place)
    observed = np.array([obs[t] for t in towns])
    expected = np.array([pop[t] for t in towns], dtype=float) / people * len(place)
    assert stats.chisquare(observed, expected).pvalue > 0.001
    shares = np.array(cfg.routine_triage_shares.values())
    assert stats.chisquare(np.bincount(triage, minlength=4)[1:], shares * len(triage)).pvalue > 0.001
    n, s = len(infectious), cfg.routine_infectious_share
    assert abs(infectious.sum() - n * s) < Z999 * math.sqrt(n * s * (1 - s))


@pytest.mark.parametrize(("dist", "cv"), [("exponential", 1.0), ("lognormal", 0.5), ("lognormal", 2.0)])
def test_service_times_have_the_configured_mean_and_spread(dist: str, cv: float):
    n = 400_000
    x = ems_calls.service_times(stream(5, 0, "svc"), n, dist, 60.0, cv)
    # standard error of the mean is 60 cv / sqrt(n); a lognormal's sample sd converges slowly for cv 2
    assert abs(x.mean() - 60.0) < Z999 * 60.0 * cv / math.sqrt(n)
    assert x.std() / x.mean() == pytest.approx(cv, rel=0.05 if cv <= 1 else 0.2)
    assert (ems_calls.service_times(stream(5, 0, "svc"), 10, "deterministic", 60.0, cv) == 60.0).all()
    assert (ems_calls.service_times(stream(5, 0, "svc"), 10, "lognormal", 60.0, 0.0) == 60.0).all()
