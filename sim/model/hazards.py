"""Hazards -> demand: which villages are struck, how hard, and which roads are cut.

Covers the hazard library of configs/hazard/ (flood, typhoon, earthquake,
landslide, forest fire, hazardous-chemical release): a footprint (a zone,
listed townships, or a circle around a centre) and a rule giving each village
inside it a severity (drawn per village for area hazards; by distance bands for
local ones; by seismic intensity falling with distance for earthquakes). Each
severity has its rates: share of residents affected and displaced, the share of the
affected left at home who need emergency living relief (stranded), casualties
by triage class and people trapped by rescue type per affected person, and the
chance of a power and phone cut. Roads inside the footprint are cut or slowed
with a probability by road class. Several events combine in one run, each with
its own onset; a village's displaced and stranded people never exceed its population.

Disaster size varies as real disasters do (issue 19): an area hazard's villages
get their severity from a latent normal score with an event-wide term (a big or a
small flood this replication) and a spatially correlated term (neighbours flood
together; correlation exp(-d / correlation_km)); an earthquake's intensity gets
an inter-event and a spatially correlated intra-event residual about the
attenuation relation. The per-village uniform draw of before is the innovation
of the correlated field, so with the variation switched off (all its parameters
0, the default) every draw is exactly what it was. Roads: a cut edge is under
water (reopens only when the water goes down, then perhaps needs a team for a
washout) or debris/damage a team clears.

Everything is drawn up front from the hazard's own named streams, one draw per
village (or edge) whether or not it is inside the footprint, so draws never
depend on the footprint's other members, the policy or the fleet. The event
term comes from its own stream `hazard.<event>.size`, so no other stream shifts.

Leaves out: the physics of water, wind and ground (severity is a statistical
stand-in); aftershocks; damage to depots, stations and stock; spatial
correlation of road damage (an edge's cut shares only the event term).

Size: the hazards' footprints and severities for every kind of disaster, one small section each,
sharing the draw order that keeps random numbers common across cases.
"""

from __future__ import annotations

import functools
import math
import sys

import numpy as np
from scipy.special import ndtr, ndtri

from sim.errors import Problem
from sim.model.demand import Casualty, Disaster, RoadHit, Trapped, VillageHit
from sim.rng import Streams
from sim.scenario import Scenario
from sim.scenario.roads import haversine_km, snap
from sim.settings import (
    RESCUE_TYPES,
    SEVERITIES,
    TRIAGE,
    HazardEvent,
    HazardSettings,
    Severity,
    SizeVariation,
)

CASUALTY_SPREAD_MIN = 120.0  # calls for help trickle in over the first two hours after a hit


def check(scenario: Scenario, hazard: HazardSettings) -> list[Problem]:
    """Problems with using `hazard` on `scenario` (unknown zone, township, place or road class)."""
    problems: list[Problem] = []
    owners = {p.id for p in scenario.townships()}
    places = {p.id for p in scenario.places}
    classes = set(scenario.road.road_class)
    for name, ev in hazard.events.items():
        key = f"config key hazard.events.{name}"
        fp = ev.footprint
        if fp.zone is not None and fp.zone not in scenario.zones:
            known = ", ".join(sorted(scenario.zones)) or "none"
            problems.append(
                Problem(
                    f"{key}.footprint.zone",
                    fp.zone,
                    f"no such zone in {scenario.dir}/scenario.yaml (zones: {known})",
                )
            )
        for t in fp.townships or ():
            if t not in owners:
                problems.append(
                    Problem(
                        f"{key}.footprint.townships",
                        t,
                        f"not a township place_id of scenario {scenario.name}",
                    )
                )
        kinds = {p.kind for p in scenario.places}
        if fp.centre_place is not None and fp.centre_place not in places | kinds:
            problems.append(
                Problem(
                    f"{key}.footprint.centre_place",
                    fp.centre_place,
                    f"neither a place_id of scenario {scenario.name} nor a place kind "
                    f"it has ({', '.join(sorted(kinds))})",
                )
            )
        dmg = ev.road_damage
        for table_name in ("blocked", "repair_h"):
            table = getattr(dmg, table_name)
            missing = sorted(c for c in classes if c not in table) if "other" not in table else []
            if missing and (table_name == "blocked" or any(dmg.rate(dmg.blocked, c) > 0 for c in missing)):
                problems.append(
                    Problem(
                        f"{key}.road_damage.{table_name}",
                        ", ".join(missing),
                        "road classes of the scenario with no entry (add them or `other`)",
                    )
                )
    return problems


def warnings(scenario: Scenario, hazard: HazardSettings) -> list[str]:
    """Events that can strike no village of the scenario (a likely mistake, not an error)."""
    out = []
    villages = [p for p in scenario.places if p.kind == "village"]
    lon = np.array([p.lon for p in villages])
    lat = np.array([p.lat for p in villages])
    for name, ev in sorted(hazard.events.items()):
        inside, dist = _inside(scenario, ev, [p.township_id for p in villages], lon, lat)
        why = None
        if not inside.any():
            why = "its footprint holds no village"
        elif ev.severity_probs is not None and sum(ev.severity_probs.values()) == 0:
            why = "its severity_probs are all 0"
        elif ev.magnitude is not None and ev.intensity_bands is not None and dist is not None:
            gm = ev.ground_motion
            spread = 3.0 * math.hypot(gm.inter_event_sigma, gm.intra_event_sigma)  # 3 sigma: ~1 in 700
            if float(intensity(ev, dist[inside]).max()) + spread < min(ev.intensity_bands.values()):
                why = "no village inside it is shaken to the lowest intensity band"
        if why is not None:
            out.append(f"hazard {hazard.name}, event {name} strikes no village of {scenario.name}: {why}")
    return out


_warned: set[str] = set()


def warn(scenario: Scenario, hazard: HazardSettings) -> None:
    """One line on stderr per event that strikes no village (once per process)."""
    for line in warnings(scenario, hazard):
        if line not in _warned:
            _warned.add(line)
            print(f"drsim: warning: {line}", file=sys.stderr)


def centre_of(scenario: Scenario, ev: HazardEvent) -> tuple[float, float] | None:
    fp = ev.footprint
    if fp.centre_lon is not None and fp.centre_lat is not None:
        return fp.centre_lon, fp.centre_lat
    if fp.centre_place is None:
        return None
    for p in scenario.places:  # a place id, else the first place of that kind
        if p.id == fp.centre_place:
            return p.lon, p.lat
    for p in scenario.places:
        if p.kind == fp.centre_place:
            return p.lon, p.lat
    return None


def response_grade(ev: HazardEvent) -> int | None:
    """Earthquake response grade I-IV (1-4) from the initial magnitude.

    Thresholds: 国家地震应急预案 (State Council, 2012), initial-judgement indicators: M >= 7
    grade I, 6-7 grade II, 5-6 grade III, 4-5 grade IV; one magnitude lower in densely
    populated areas. The grades and their four levels are named in seed 000 (Kunshan).
    """
    if ev.magnitude is None:
        return None
    m = ev.magnitude + (1.0 if ev.densely_populated else 0.0)
    for grade, floor in ((1, 7.0), (2, 6.0), (3, 5.0), (4, 4.0)):
        if m >= floor:
            return grade
    return None


def intensity(ev: HazardEvent, distance_km: np.ndarray) -> np.ndarray:
    assert ev.intensity is not None and ev.magnitude is not None
    k = ev.intensity
    return k.a + k.b * ev.magnitude - k.c * np.log10(distance_km + k.r0_km)


EXACT_FIELD_MAX = 2000  # points up to which the field uses the exact Cholesky factor (32 MB)
NEIGHBOURS = 30  # conditioning set of the nearest-neighbour field beyond that


@functools.lru_cache(maxsize=8)
def _cholesky(lon: tuple[float, ...], lat: tuple[float, ...], correlation_km: float) -> np.ndarray:
    """Lower Cholesky factor of the exponential correlation exp(-d / correlation_km) between points.

    The exponential model is positive definite for any layout; a tiny ridge keeps two points
    at the same spot from making the matrix singular (a 1e-9 change in variance)."""
    x, y = np.array(lon), np.array(lat)
    d = haversine_km(x[:, None], y[:, None], x[None, :], y[None, :])
    return np.linalg.cholesky(_corr(d, correlation_km) + 1e-9 * np.eye(len(x)))


def _corr(d_km: np.ndarray, correlation_km: float) -> np.ndarray:
    """exp(-d / correlation_km); callers add a tiny ridge to matrices of points with
    themselves, so two points at the same spot never make one singular (1e-9 in variance)."""
    with np.errstate(over="ignore"):  # a tiny correlation_km: exp(-inf) = 0, independent points
        return np.exp(-d_km / correlation_km)


@functools.lru_cache(maxsize=8)
def _nearest_neighbour_factor(lon: tuple[float, ...], lat: tuple[float, ...], correlation_km: float):
    """The nearest-neighbour Gaussian process (Vecchia 1988; Datta et al. 2016) for many points:
    in a fixed scrambled order (which approximates far better than a spatial one: Guinness
    2018), each point is regressed on its NEIGHBOURS nearest earlier points,
    Z_i = b_i . Z_N(i) + sqrt(v_i) eps_i, b_i and v_i from the exact correlations; memory grows
    as n, not n^2. Returns the order, the sparse lower-triangular (I - B) in that order and
    sqrt(v)."""
    from scipy.sparse import csr_matrix

    x, y = np.array(lon), np.array(lat)
    n = len(x)
    # a fixed order, not a random draw of the model: the same for every replication and run
    order = np.random.default_rng(0).permutation(n)
    km = np.column_stack([x * 111.32 * math.cos(math.radians(float(y.mean()))), y * 110.57])[order]
    rows, cols, vals = list(range(n)), list(range(n)), [1.0] * n
    sd = np.ones(n)
    for i in range(1, min(n, NEIGHBOURS + 1)):  # the first few: every earlier point
        _regress(km, i, np.arange(i), correlation_km, rows, cols, vals, sd)
    if n > NEIGHBOURS + 1:
        prev = _earlier_neighbours(km, NEIGHBOURS + 1)
        ranks = np.arange(NEIGHBOURS + 1, n)
        for lo in range(0, len(ranks), 2000):  # batched solves, ~15 MB at a time
            r = ranks[lo : lo + 2000]
            pts = prev[r]
            kp = km[pts]  # (m, k, 2)
            c_nn = _corr(np.linalg.norm(kp[:, :, None, :] - kp[:, None, :, :], axis=-1), correlation_km)
            c_nn = c_nn + 1e-9 * np.eye(NEIGHBOURS)
            c_in = _corr(np.linalg.norm(kp - km[r][:, None, :], axis=-1), correlation_km)
            b = np.linalg.solve(c_nn, c_in[:, :, None])[:, :, 0]
            sd[r] = np.sqrt(np.maximum(1.0 - np.einsum("ij,ij->i", b, c_in), 1e-12))
            rows += np.repeat(r, NEIGHBOURS).tolist()
            cols += pts.ravel().tolist()
            vals += (-b).ravel().tolist()
    return order, csr_matrix((vals, (rows, cols)), shape=(n, n)), sd


def _regress(km, i, pts, correlation_km, rows, cols, vals, sd) -> None:
    """Point i's regression on the earlier points `pts` (one row of the factor)."""
    c_nn = _corr(np.linalg.norm(km[pts, None, :] - km[None, pts, :], axis=-1), correlation_km)
    c_in = _corr(np.linalg.norm(km[pts] - km[i], axis=-1), correlation_km)
    b = np.linalg.solve(c_nn + 1e-9 * np.eye(len(pts)), c_in)
    sd[i] = math.sqrt(max(1.0 - float(b @ c_in), 1e-12))
    rows += [i] * len(pts)
    cols += pts.tolist()
    vals += (-b).tolist()


def _earlier_neighbours(km: np.ndarray, first: int) -> np.ndarray:
    """For each rank i >= first: its NEIGHBOURS nearest points of lower rank, nearest first.
    A k-d tree query for all, widened once for the ranks that found too few; the lowest ranks
    look at every earlier point."""
    from scipy.spatial import cKDTree

    n = len(km)
    tree = cKDTree(km)
    out = np.full((n, NEIGHBOURS), -1, dtype=np.int64)
    todo = np.arange(first, n)
    for k in (4 * NEIGHBOURS, 16 * NEIGHBOURS):  # enough for ranks above n/4, then n/16
        _, idx = tree.query(km[todo], k=min(n, k))
        earlier = idx < todo[:, None]
        enough = earlier.sum(axis=1) >= NEIGHBOURS
        keep = earlier[enough] & (np.cumsum(earlier[enough], axis=1) <= NEIGHBOURS)  # first ones: nearest
        out[todo[enough]] = idx[enough][keep].reshape(-1, NEIGHBOURS)
        todo = todo[~enough]
    for i in todo:  # the low ranks left: few, and few earlier points each, so look at them all
        d = np.linalg.norm(km[:i] - km[i], axis=1)
        near = np.argpartition(d, NEIGHBOURS - 1)[:NEIGHBOURS]
        out[i] = near[np.argsort(d[near])]
    return out


def correlated_normals(u: np.ndarray, lon: np.ndarray, lat: np.ndarray, correlation_km: float) -> np.ndarray:
    """Standard normals with correlation exp(-d / correlation_km), made from one uniform per point.

    The uniforms are the innovations: each point's own draw, mixed with its neighbours'. Up to
    EXACT_FIELD_MAX points the exact Cholesky factor; beyond, the nearest-neighbour field."""
    eps = ndtri(np.clip(u, 2.0**-53, 1.0 - 2.0**-53))  # a draw of exactly 0 would be -inf
    if correlation_km <= 0.0 or len(u) == 0:
        return eps
    key = (tuple(lon.tolist()), tuple(lat.tolist()), float(correlation_km))
    if len(u) <= EXACT_FIELD_MAX:
        return _cholesky(*key) @ eps
    from scipy.sparse.linalg import spsolve_triangular

    order, lower, sd = _nearest_neighbour_factor(*key)
    z = np.empty(len(u))
    z[order] = spsolve_triangular(lower, sd * eps[order], lower=True)
    return z


def latent_uniform(
    size: SizeVariation, u: np.ndarray, eta: float, lon: np.ndarray, lat: np.ndarray
) -> np.ndarray:
    """Each point's uniform after the event term and spatial correlation: still uniform over
    events (so severity_probs keep their meaning), but shared within one. Unchanged if off."""
    if size.event_share == 0.0 and size.correlation_km == 0.0:
        return u
    return _with_event(correlated_normals(u, lon, lat, size.correlation_km), size.event_share, eta)


def ground_motion_residual(
    ev: HazardEvent, u: np.ndarray, eta: float, lon: np.ndarray, lat: np.ndarray
) -> np.ndarray | float:
    """Intensity residual per village: inter-event sigma * eta + intra-event sigma * a spatially
    correlated field made from the villages' own uniforms `u`. 0 when the event has none."""
    gm = ev.ground_motion
    if gm.inter_event_sigma == 0.0 and gm.intra_event_sigma == 0.0:
        return 0.0
    z = correlated_normals(u, lon, lat, gm.correlation_km)
    return gm.inter_event_sigma * eta + gm.intra_event_sigma * z


def _with_event(z: np.ndarray, event_share: float, eta: float) -> np.ndarray:
    """Uniforms from standard normals `z` mixed with the event term; a low uniform is the
    severe end (severity_of takes high first), so a bigger event (eta > 0) lowers them."""
    return ndtr(math.sqrt(1.0 - event_share) * z - math.sqrt(event_share) * eta)


def severity_of(
    ev: HazardEvent,
    inside: np.ndarray,
    distance_km: np.ndarray | None,
    u: np.ndarray,
    residual: np.ndarray | float = 0.0,
) -> list[Severity | None]:
    """Severity per point (None = unaffected); `u` is one uniform draw per point (area hazards),
    `residual` the ground-motion residual in intensity units per point (earthquakes)."""
    out: list[Severity | None] = [None] * len(inside)
    if ev.severity_probs is not None:
        for i in np.flatnonzero(inside):
            acc = 0.0
            for level in reversed(SEVERITIES):  # high first
                acc += ev.severity_probs.get(level, 0.0)
                if u[i] < acc:
                    out[i] = level
                    break
    elif ev.severity_km is not None:
        assert distance_km is not None
        bands = sorted(ev.severity_km.items(), key=lambda kv: kv[1])  # nearest band first
        for i in np.flatnonzero(inside):
            out[i] = next((lvl for lvl, km in bands if distance_km[i] <= km), None)
    else:
        assert distance_km is not None and ev.intensity_bands is not None
        inten = intensity(ev, distance_km) + residual
        bands = sorted(ev.intensity_bands.items(), key=lambda kv: -kv[1])  # strongest first
        for i in np.flatnonzero(inside):
            out[i] = next((lvl for lvl, floor in bands if inten[i] >= floor), None)
    return out


def _inside(
    scenario: Scenario, ev: HazardEvent, township: list[str], lon: np.ndarray, lat: np.ndarray
) -> tuple[np.ndarray, np.ndarray | None]:
    """Which points lie in the footprint, and their distance to its centre (if it has one)."""
    fp = ev.footprint
    centre = centre_of(scenario, ev)
    if centre is not None:
        dist = haversine_km(centre[0], centre[1], lon, lat)
        return dist <= (fp.radius_km or 0.0), dist
    members = set(scenario.zones[fp.zone] if fp.zone is not None else fp.townships or ())
    return np.array([t in members for t in township], dtype=bool), None


def draw_disaster(scenario: Scenario, hazard: HazardSettings, streams: Streams) -> Disaster:
    villages = [(i, p) for i, p in enumerate(scenario.places) if p.kind == "village"]
    v_lon = np.array([p.lon for _, p in villages])
    v_lat = np.array([p.lat for _, p in villages])
    v_town = [p.township_id for _, p in villages]
    # A road node belongs to the township of its nearest place (for zone footprints).
    p_lon = np.array([p.lon for p in scenario.places])
    p_lat = np.array([p.lat for p in scenario.places])
    nearest, _ = snap(p_lon, p_lat, scenario.road.lon, scenario.road.lat)
    n_town = [scenario.places[k].township_id for k in nearest]
    already = np.zeros(len(villages), dtype=np.int64)  # displaced or stranded so far, per village
    hits: list[VillageHit] = []
    road_hits: list[RoadHit] = []
    casualties: list[Casualty] = []
    trapped: list[Trapped] = []
    grades: dict[str, int | None] = {}
    for name in sorted(hazard.events, key=lambda n: (hazard.events[n].onset_h, n)):
        ev = hazard.events[name]
        grades[name] = response_grade(ev)
        s = f"hazard.{name}."
        n = len(villages)
        u_sev = streams(s + "severity").random(n)
        u_time = streams(s + "timing").random(n)
        u_power = streams(s + "power").random(n)
        eta = float(streams(s + "size").standard_normal())  # how big this event is, in sigmas
        onset = ev.onset_min
        rise = ev.rise_h * 60.0
        inside, dist = _inside(scenario, ev, v_town, v_lon, v_lat)
        residual = ground_motion_residual(ev, u_sev, eta, v_lon, v_lat)
        u_sev = latent_uniform(ev.size, u_sev, eta, v_lon, v_lat)
        levels = severity_of(ev, inside, dist, u_sev, residual)
        hit_at = onset + rise * u_time
        affected = np.zeros(n, dtype=np.int64)
        for k, ((i, place), level) in enumerate(zip(villages, levels, strict=True)):
            if level is None:
                continue
            r = ev.rates[level]
            affected[k] = math.floor(place.population * r.affected + 0.5)
            want = math.floor(place.population * r.displaced + 0.5)
            displaced = max(0, min(want, place.population - int(already[k])))
            already[k] += displaced
            at_home = max(0, int(affected[k]) - want)
            stranded = max(0, min(math.floor(at_home * r.in_need + 0.5), place.population - int(already[k])))
            already[k] += stranded
            hits.append(
                VillageHit(
                    i,
                    name,
                    float(hit_at[k]),
                    level,
                    int(affected[k]),
                    displaced,
                    bool(u_power[k] < r.power_cut),
                    stranded,
                )
            )
        # Casualties and trapped people: Poisson per village and class, drawn for every village.
        for t, triage in enumerate(TRIAGE, start=1):
            lam = np.array(
                [
                    affected[k] * ev.rates[lv].casualties.get(triage, 0.0) if lv else 0.0
                    for k, lv in enumerate(levels)
                ]
            )
            counts = streams(s + f"casualties.{triage}").poisson(lam)
            for k in np.flatnonzero(counts).tolist():
                spread = streams(s + f"casualties.{triage}.times").random(int(counts[k]))
                infectious = streams(s + f"casualties.{triage}.infectious").random(int(counts[k]))
                for x, y in zip(spread, infectious, strict=True):
                    casualties.append(
                        Casualty(
                            float(hit_at[k] + x * CASUALTY_SPREAD_MIN),
                            villages[k][0],
                            t,
                            bool(y < ev.infectious_share),
                        )
                    )
        for rtype in RESCUE_TYPES:
            lam = np.array(
                [
                    affected[k] * ev.rates[lv].trapped.get(rtype, 0.0) if lv else 0.0
                    for k, lv in enumerate(levels)
                ]
            )
            counts = streams(s + f"trapped.{rtype}").poisson(lam)
            trapped += [
                Trapped(float(hit_at[k]), villages[k][0], rtype, int(counts[k]))
                for k in np.flatnonzero(counts)
            ]
        road_hits += _road_damage(scenario, ev, name, streams, n_town, eta)
    hits.sort(key=lambda h: (h.at_min, h.place, h.event))
    casualties.sort(key=lambda c: (c.at_min, c.place, c.triage))
    trapped.sort(key=lambda t: (t.at_min, t.place, t.rescue_type))
    road_hits.sort(key=lambda r: (r.at_min, r.edge, r.event))
    return Disaster(tuple(hits), tuple(road_hits), tuple(casualties), tuple(trapped), grades)


def _road_damage(
    scenario: Scenario, ev: HazardEvent, name: str, streams: Streams, node_town: list[str], eta: float = 0.0
) -> list[RoadHit]:
    """Cut and slowed edges. A bigger event (eta > 0) cuts more: the edge draws share the event
    term of the villages' severity (not their spatial field), so the by-class rates stay the
    long-run averages."""
    road = scenario.road
    m = len(road.u)
    s = f"hazard.{name}.roads."
    u_block = streams(s + "blocked").random(m)
    u_slow = streams(s + "slowed").random(m)
    u_time = streams(s + "timing").random(m)
    u_water = streams(s + "water").random(m)
    u_washout = streams(s + "washout").random(m)
    inside_nodes, _ = _inside(scenario, ev, node_town, road.lon, road.lat)
    if ev.size.event_share > 0.0:  # a bigger event (eta > 0) cuts more edges
        u_block = _with_event(correlated_normals(u_block, road.lon, road.lat, 0.0), ev.size.event_share, eta)
    if ev.magnitude is not None:  # an earthquake damages roads where shaking is felt (>= low band)
        centre = centre_of(scenario, ev)
        assert centre is not None and ev.intensity_bands is not None
        felt = intensity(ev, haversine_km(centre[0], centre[1], road.lon, road.lat))
        felt = felt + ev.ground_motion.inter_event_sigma * eta  # the event term only (no node field)
        inside_nodes = felt >= min(ev.intensity_bands.values())
    dmg = ev.road_damage
    out = []
    for e in np.flatnonzero(inside_nodes[road.u] | inside_nodes[road.v]):
        cls = road.road_class[e]
        at = ev.onset_min + ev.rise_h * 60.0 * u_time[e]
        clears = at + dmg.clears_after_h * 60.0 if dmg.clears_after_h is not None else None
        if u_block[e] < dmg.rate(dmg.blocked, cls):
            repair = dmg.repair_h.get(cls, dmg.repair_h.get("other", 0.0)) * 60.0
            if u_water[e] < dmg.under_water and dmg.recession_h is not None:
                # under water until it recedes; then reopens, or needs a team for a washout
                work = repair if u_washout[e] < dmg.washout_share else 0.0
                recedes = at + dmg.recession_h * 60.0
                out.append(RoadHit(int(e), name, float(at), True, 1.0, work, clears, recedes))
            else:
                out.append(RoadHit(int(e), name, float(at), True, 1.0, repair, clears))
        elif u_slow[e] < dmg.rate(dmg.slowed, cls):
            out.append(RoadHit(int(e), name, float(at), False, dmg.slow_factor, 0.0, clears))
    return out
