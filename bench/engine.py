"""The engine floor: plain SimPy with nothing of the model in it, in events per second.

An "event" here is one entry on SimPy's event heap (`Environment.schedule`); SimPy
numbers them with `env._eid`, so a run's count costs nothing to collect. The model's
rate (bench/bench_model.py) counts the same thing, so the two are comparable.

    bare_timeouts:  one process yielding `env.timeout(1)` in a loop (one event each)
    mmc_resource:   M/M/c with `simpy.Resource`, a process per customer (the textbook queue)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import simpy

MMC_SERVERS = 46
MMC_UTILISATION = 0.9
MMC_SERVICE_MEAN_MIN = 5.0


def scheduled_events(env: simpy.Environment) -> int:
    """Events SimPy has put on its heap so far (its own event id counter, read without advancing it)."""
    return int(repr(env._eid)[len("count(") : -1])  # an itertools.count shows its next value


def bare_timeouts(n: int = 300_000) -> dict[str, Any]:
    env = simpy.Environment()

    def loop():
        timeout = env.timeout
        for _ in range(n):
            yield timeout(1)

    env.process(loop())
    env.run()
    return {"events": scheduled_events(env)}


def poisson_customers(
    rate_per_min: float, horizon_min: float, service_mean_min: float, seed: int
) -> tuple[list[float], list[float]]:
    """Arrival times (a Poisson number, uniform on the horizon, sorted) and exponential services."""
    rng = np.random.default_rng(seed)
    n = int(rng.poisson(rate_per_min * horizon_min))
    arrivals = np.sort(rng.random(n) * horizon_min).tolist()
    return arrivals, rng.exponential(service_mean_min, n).tolist()


def mmc_resource(customers: int = 50_000, seed: int = 1) -> dict[str, Any]:
    rate_per_min = MMC_UTILISATION * MMC_SERVERS / MMC_SERVICE_MEAN_MIN
    arrivals, services = poisson_customers(rate_per_min, customers / rate_per_min, MMC_SERVICE_MEAN_MIN, seed)
    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=MMC_SERVERS)
    served = [0]

    def customer(service: float):
        with servers.request() as req:
            yield req
            yield env.timeout(service)
            served[0] += 1

    def source():
        for at, service in zip(arrivals, services, strict=True):
            yield env.timeout(at - env.now)
            env.process(customer(service))

    env.process(source())
    env.run()
    return {"events": scheduled_events(env), "customers": served[0]}
