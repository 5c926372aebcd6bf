"""Stylised county scenarios: `drsim make-county --preset zhangshu|jinjiang|county`.

A county is a set of units (the city district, townships/streets, industrial
parks), each owning villages/communities. Every place sits exactly on its own
road node; roads are generated, not real. Randomness comes only from named
streams `sim.rng.stream(seed, 0, "make_county.<part>")`, and every collection
is ordered (lists, insertion-ordered dicts), so one seed gives byte-identical
files under any PYTHONHASHSEED. Figures taken from the planning documents are
quoted with their seed file in each README; all others are stylised.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from sim.rng import stream
from sim.scenario.write import ScenarioFiles
from sim.units import EARTH_RADIUS_KM

KM_PER_DEG = EARTH_RADIUS_KM * math.pi / 180.0
UNIT_AREA_KM2 = 54.0  # Zhangshu is about 1,291 km² over 24 units (general knowledge, not the seeds)
CIRCUITY = (1.2, 1.4)  # road km per straight-line km; typical measured detour factors
SPEEDS = {"highway": 80, "county": 60, "township": 40, "village": 25}  # JTG B01-2014 design speeds
RANK = {"village": 0, "township": 1, "county": 2, "highway": 3}
LOOP_SHARE = 0.3  # share of villages with a second road out (a loop), so not every road is a cut
# item, unit, need per displaced person, class: 5.75 units/person x 3,500 people = 20,125 items
ITEMS = [
    ("water", "case (12 x 550 mL bottles)", 1, "initial"),
    ("instant_food", "box (one day of ready-to-eat meals)", 2, "initial"),
    ("quilt", "piece", 1, "basic"),
    ("tent", "12 m2 relief tent (one family)", 0.25, "basic"),
    ("folding_bed", "piece", 0.5, "basic"),
    ("clothing", "set", 1, "basic"),
]
STOCK_PER_PERSON = 3_500 / 550_000  # Zhangshu's 3,500-person stock (001) over its stylised 0.55 M
CITY_SHARE = 0.4  # of the county's own stock kept at the city depot; the rest at township points
PROVINCE_TIMES = 3  # the province reserve can back the county with 3x the county's own stock
# tier: (trucks, capacity in item units per load, load minutes); township trucks depend on size
TRUCKS = {"city": (4, 600, 45), "township": (0, 300, 30), "contract": (3, 600, 30), "province": (6, 1000, 60)}
# team kind: (skills, mobilisation minutes, turnout) - mobilisation is phone call-out to assembly
TEAM_DEFAULTS = {
    "flood": ("flood;dyke;evacuation;rescue", 60, 0.85),
    "semi_professional": ("flood;geological;fire;earthquake;traffic", 45, 0.8),
    "forest_fire": ("forest_fire;rescue", 45, 0.8),
    "enterprise": ("hazmat;machinery;fire", 60, 0.7),
    "road_repair": ("road;bridge;machinery", 90, 0.9),
    "fire_rescue": ("fire;rescue;collapse;water", 10, 1.0),
    "volunteer": ("first_aid;relief_distribution;shelter", 120, 0.6),
}


@dataclass
class Unit:
    """A township-level unit: city district, township/town, street or industrial park."""

    id: str
    zh: str
    en: str
    kind: str  # city | township | industrial_park
    x: float  # km east of the scenario origin
    y: float  # km north
    urban: bool = False  # urban communities are larger than rural villages


@dataclass
class Geo:
    """The generated geography: places (units first, city at 0, then villages) and roads."""

    lon0: float
    lat0: float
    units: list[Unit]
    ids: list[str]
    names: list[str]
    owner: np.ndarray  # index of the unit owning each place
    x: np.ndarray
    y: np.ndarray
    pop: np.ndarray
    edges: dict[tuple[int, int], str] = field(default_factory=dict)
    lengths: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def n_units(self) -> int:
        return len(self.units)

    def unit_pop(self) -> np.ndarray:
        return np.bincount(self.owner, weights=self.pop, minlength=self.n_units).astype(np.int64)

    def add_edge(self, a: int, b: int, cls: str) -> None:
        """Add road a-b, or upgrade it if a better class already joins the same places."""
        if a == b:
            return
        key = (a, b) if a < b else (b, a)
        old = self.edges.get(key)
        if old is None or RANK[cls] > RANK[old]:
            self.edges[key] = cls


def _rng(seed: int, part: str) -> np.random.Generator:
    return stream(seed, 0, f"make_county.{part}")


def _allocate(total: int, weights, minimum: int = 0) -> np.ndarray:
    """Integers summing exactly to `total`, proportional to `weights` (largest remainder)."""
    w = np.asarray(weights, dtype=float)
    rest = total - minimum * len(w)
    if rest < 0:
        raise ValueError(f"cannot give {len(w)} shares at least {minimum} each out of {total}")
    share = rest * w / w.sum()
    out = np.floor(share).astype(np.int64)
    order = np.argsort(-(share - out), kind="stable")  # ties go to the earlier entry
    out[order[: rest - int(out.sum())]] += 1
    return out + minimum


def _mst(xy: np.ndarray) -> list[tuple[int, int]]:
    """Euclidean minimum spanning tree (Prim, O(n^2) with numpy): the cheapest connected road set."""
    n = len(xy)
    if n < 2:
        return []
    best = np.hypot(*(xy - xy[0]).T)
    parent = np.zeros(n, dtype=np.int64)
    done = np.zeros(n, dtype=bool)
    done[0] = True
    edges = []
    for _ in range(n - 1):
        j = int(np.argmin(np.where(done, np.inf, best)))
        edges.append((int(parent[j]), j))
        done[j] = True
        d = np.hypot(*(xy - xy[j]).T)
        closer = (d < best) & ~done
        best[closer] = d[closer]
        parent[closer] = j
    return edges


def _spread(xy: np.ndarray, candidates: list[int], k: int) -> list[int]:
    """k candidates picked farthest-first from the city (index 0): even cover for EMS, helipads."""
    chosen: list[int] = []
    near = np.hypot(*(xy[candidates] - xy[0]).T)
    for _ in range(min(k, len(candidates))):
        i = int(np.argmax(near))
        chosen.append(candidates[i])
        near = np.minimum(near, np.hypot(*(xy[candidates] - xy[candidates[i]]).T))
        near[i] = -1.0
    return chosen


# ---------------------------------------------------------------- geography


def _geography(
    units: list[Unit], counts: np.ndarray, population: int, seed: int, lon0: float, lat0: float
) -> Geo:
    """Villages around each unit seat, their populations, and the road graph."""
    rng = _rng(seed, "villages")
    ux = np.array([u.x for u in units])
    uy = np.array([u.y for u in units])
    gap = np.hypot(ux[:, None] - ux, uy[:, None] - uy)
    np.fill_diagonal(gap, np.inf)
    # Villages stay within half the distance to the nearest other seat, so units barely overlap.
    radius = np.maximum(0.5 * gap.min(axis=1), 0.8)
    owner = np.repeat(np.arange(len(units)), counts)
    r = radius[owner] * np.sqrt(rng.random(len(owner)))
    angle = 2 * np.pi * rng.random(len(owner))
    vx, vy = ux[owner] + r * np.cos(angle), uy[owner] + r * np.sin(angle)
    urban = np.array([u.urban for u in units])
    size = _rng(seed, "population").lognormal(0.0, 0.6, len(owner)) * np.where(urban[owner], 2.5, 1)
    vpop = _allocate(population, size, minimum=100)
    ids = [u.id for u in units]
    names = [f"{u.zh} {u.en}" for u in units]
    width = len(str(len(owner)))
    serial = np.zeros(len(units), dtype=np.int64)
    for i, o in enumerate(owner):
        serial[o] += 1
        u = units[o]
        word = ("社区", "community") if u.urban or u.kind != "township" else ("村", "village")
        ids.append(f"V{i + 1:0{width}d}")
        names.append(f"{u.zh}{word[0]}{serial[o]:02d} {u.en} {word[1]} {serial[o]:02d}")
    geo = Geo(
        lon0,
        lat0,
        units,
        ids,
        names,
        owner=np.concatenate([np.arange(len(units)), owner]),
        x=np.concatenate([ux, vx]),
        y=np.concatenate([uy, vy]),
        pop=np.concatenate([np.zeros(len(units), dtype=np.int64), vpop]),
    )
    return geo


def _roads(geo: Geo, highways: list[tuple[int, int]], seed: int) -> None:
    """Seats: MST (county roads) + each seat's two nearest (township roads) + given highways.
    Villages: a tree to their seat (township road off the seat, village roads beyond) + loops."""
    rng = _rng(seed, "roads")
    n = geo.n_units
    xy = np.column_stack([geo.x, geo.y])
    for a, b in _mst(xy[:n]):
        geo.add_edge(a, b, "county")
    if n > 2:
        d = np.hypot(*(xy[:n, None, :] - xy[None, :n, :]).transpose(2, 0, 1))
        np.fill_diagonal(d, np.inf)
        for i, row in enumerate(np.argpartition(d, 1, axis=1)[:, :2]):
            for j in sorted(int(j) for j in row):
                geo.add_edge(i, j, "township")
    for a, b in highways:
        geo.add_edge(a, b, "highway")
    order = np.argsort(geo.owner[n:], kind="stable") + n
    bounds = np.searchsorted(geo.owner[order], np.arange(n + 1))
    for u in range(n):
        nodes = np.concatenate([[u], order[bounds[u] : bounds[u + 1]]])
        urban = geo.units[u].urban
        for a, b in _mst(xy[nodes]):
            cls = "township" if urban or a == 0 else "village"  # local index 0 is the seat
            geo.add_edge(int(nodes[a]), int(nodes[b]), cls)
        if len(nodes) > 2:
            local = np.hypot(*(xy[nodes, None, :] - xy[None, nodes, :]).transpose(2, 0, 1))
            second = np.argsort(local, axis=1, kind="stable")[:, 2]  # [:,0] is itself
            for k in np.flatnonzero(rng.random(len(nodes)) < LOOP_SHARE):
                if k > 0:
                    geo.add_edge(int(nodes[k]), int(nodes[second[k]]), "township" if urban else "village")
    a, b = np.array(list(geo.edges)).T
    crow = np.hypot(geo.x[a] - geo.x[b], geo.y[a] - geo.y[b])
    circuity = _rng(seed, "circuity").uniform(*CIRCUITY, len(crow))
    geo.lengths = np.maximum(np.ceil(crow * circuity * 1000) / 1000, 0.01)  # metres, rounded up


def _lonlat(geo: Geo) -> tuple[np.ndarray, np.ndarray]:
    lat = geo.lat0 + geo.y / KM_PER_DEG
    lon = geo.lon0 + geo.x / (KM_PER_DEG * math.cos(math.radians(geo.lat0)))
    return np.round(lon, 6), np.round(lat, 6)


def _km(lon: float, lat: float, lon0: float, lat0: float) -> tuple[float, float]:
    return (lon - lon0) * KM_PER_DEG * math.cos(math.radians(lat0)), (lat - lat0) * KM_PER_DEG


# ---------------------------------------------------------------- tables


def _place_tables(geo: Geo) -> dict[str, list[dict]]:
    lon, lat = _lonlat(geo)
    kinds = [u.kind for u in geo.units] + ["village"] * (len(geo.ids) - geo.n_units)
    places, nodes = [], []
    for i, pid in enumerate(geo.ids):
        lo, la = float(lon[i]), float(lat[i])
        places.append(
            dict(
                place_id=pid,
                name=geo.names[i],
                kind=kinds[i],
                township_id=geo.ids[geo.owner[i]],
                lon=lo,
                lat=la,
                population=int(geo.pop[i]),
            )
        )
        nodes.append(dict(node_id=pid, lon=lo, lat=la))
    edges = [
        dict(u=geo.ids[a], v=geo.ids[b], length_km=float(km), road_class=cls)
        for ((a, b), cls), km in zip(geo.edges.items(), geo.lengths, strict=True)
    ]
    return {"places.csv": places, "road_nodes.csv": nodes, "road_edges.csv": edges}


@dataclass
class Reserve:
    """A contract or province reserve: who holds it, where, after how long, for how many people."""

    id: str
    name: str
    tier: str
    place: int
    lead_h: float
    people: int
    items: tuple[str, ...]  # which items it holds
    trucks: tuple[int, int, int]


def _depots(
    geo: Geo, points: list[int], people: int, reserves: list[Reserve], city_trucks: int
) -> dict[str, list[dict]]:
    """City depot + one point per township: each item stocked for `people` displaced people,
    CITY_SHARE at the city and the rest over the points in proportion to population."""
    upop = geo.unit_pop()
    median = float(np.median(upop[points]))
    depots = [
        dict(
            depot_id="D_CITY",
            name=f"{geo.units[0].zh}救灾物资储备库 City depot",
            tier="city",
            place_id=geo.ids[0],
            trucks=city_trucks,
            truck_capacity=TRUCKS["city"][1],
            load_min=TRUCKS["city"][2],
        )
    ]
    for t in points:
        depots.append(
            dict(
                depot_id=f"D_{geo.ids[t]}",
                name=f"{geo.units[t].zh}储备点 point",
                tier="township",
                place_id=geo.ids[t],
                trucks=2 if upop[t] >= median else 1,
                truck_capacity=TRUCKS["township"][1],
                load_min=TRUCKS["township"][2],
            )
        )
    stock = []
    for item, _, need, _ in ITEMS:
        total = round(people * need)
        city = round(total * CITY_SHARE)
        stock.append(dict(depot_id="D_CITY", item=item, qty=city))
        for t, q in zip(points, _allocate(total - city, upop[points]), strict=True):
            stock.append(dict(depot_id=f"D_{geo.ids[t]}", item=item, qty=int(q)))
    for r in reserves:
        depots.append(
            dict(
                depot_id=r.id,
                name=r.name,
                tier=r.tier,
                place_id=geo.ids[r.place],
                trucks=r.trucks[0],
                truck_capacity=r.trucks[1],
                load_min=r.trucks[2],
                lead_time_h=r.lead_h,
            )
        )
        stock += [
            dict(depot_id=r.id, item=item, qty=round(r.people * need))
            for item, _, need, _ in ITEMS
            if item in r.items
        ]
    return {"depots.csv": depots, "stock.csv": stock}


def _hospitals(geo: Geo, sites: list[int], weights: list[float]) -> list[dict]:
    """Beds 3.0 per 1,000 people (stylised); infectious beds >= 3.0 per 10,000 (000, Zhuji)."""
    total = int(geo.pop.sum())
    beds = _allocate(math.ceil(total * 3.0 / 1000), weights)
    infectious = _allocate(math.ceil(total * 3.0 / 10_000), weights)
    return [
        dict(hospital_id=f"H{k + 1:02d}", place_id=geo.ids[s], beds=int(b), infectious_beds=int(i))
        for k, (s, b, i) in enumerate(zip(sites, beds, infectious, strict=True))
    ]


def _team(tid: str, kind: str, place: str, members: int) -> dict:
    skills, mob, turnout = TEAM_DEFAULTS[kind]
    return dict(
        team_id=tid,
        kind=kind,
        base_place_id=place,
        members=int(members),
        skills=skills,
        mobilisation=mob,
        turnout=turnout,
    )


def _township_shelters(geo: Geo, towns: list[int]) -> list[dict]:
    """One class III shelter per township: 2.5 m² (003) for a tenth of its people (stylised)."""
    upop = geo.unit_pop()
    return [
        {
            "shelter_id": f"SH_{geo.ids[t]}",
            "class": "III",
            "place_id": geo.ids[t],
            "area_m2": max(2000, round(0.1 * upop[t] * 2.5, -2)),
        }
        for t in towns
    ]


def _items() -> list[dict]:
    return [{"item": i, "unit": u, "need_per_person": n, "class": c} for i, u, n, c in ITEMS]


def _meta(
    preset: str, seed: int, villages: int, description: str, provenance: str, zones: dict[str, list[str]]
) -> dict:
    return {
        "name": preset,
        "description": description,
        "provenance": provenance,
        "licence": "CC-BY-4.0",
        "crs": "EPSG:4326",
        "stylised": True,
        "zones": zones,
        "defaults": {"snap_tolerance_km": 0.05, "unload_min": 20, "road_speed_kmh": dict(SPEEDS)},
        "generator": {
            "module": "sim.scenario.counties",
            "preset": preset,
            "seed": seed,
            "villages": villages,
        },
    }


# ---------------------------------------------------------------- zhangshu and county


def _grid_units(n_towns: int, seed: int, zh: str, en: str) -> list[Unit]:
    """City at the origin, the park in the next cell, townships in the cells around them.

    Cells of UNIT_AREA_KM2 on a square grid, nearest to the centre first, with each seat
    jittered inside its cell, give a compact county of the right size in O(n)."""
    s = math.sqrt(UNIT_AREA_KM2)
    m = math.ceil(math.sqrt((n_towns + 2) / math.pi)) + 2
    ij = np.array([(i, j) for i in range(-m, m + 1) for j in range(-m, m + 1)], dtype=float)
    order = np.lexsort((np.arctan2(ij[:, 1], ij[:, 0]), np.hypot(ij[:, 0], ij[:, 1])))
    cells = ij[order[: n_towns + 2]] * s
    xy = cells + _rng(seed, "seats").uniform(-0.3 * s, 0.3 * s, cells.shape)
    xy[0] = 0.0  # the city sits exactly at the scenario centre
    w = len(str(n_towns))
    units = [
        Unit("C", f"{zh}市区", f"{en} urban district", "city", 0.0, 0.0, urban=True),
        Unit("P1", "工业园区", "Industrial park", "industrial_park", *xy[1]),
    ]
    units += [
        Unit(f"T{k:0{w}d}", f"乡镇{k:0{w}d}", f"Township {k:0{w}d}", "township", *xy[k + 1])
        for k in range(1, n_towns + 1)
    ]
    return units


def _river_zones(units: list[Unit]) -> tuple[list[int], list[int]]:
    """A stylised river runs SW-NE through the city (Zhangshu lies on the Gan River).

    River zone: the townships nearest the line (8 of 22); hills: the farthest on its NW side.
    Returns (river, hills) as unit indices."""
    towns = [i for i, u in enumerate(units) if u.kind == "township"]
    x = np.array([units[i].x for i in towns])
    y = np.array([units[i].y for i in towns])
    across = -x * math.sin(math.radians(60)) + y * math.cos(math.radians(60))
    n = len(towns)
    k_river = max(1, min(n // 2, round(3 * math.sqrt(n / math.pi))))
    k_hills = max(1, min(n - k_river, round(0.18 * n)))
    near = np.argsort(np.abs(across), kind="stable")
    river = sorted(towns[i] for i in near[:k_river])
    rest = [i for i in np.argsort(-across, kind="stable") if towns[i] not in river]
    hills = sorted(towns[i] for i in rest[:k_hills])
    return river, hills


def _grid_county(
    preset: str, seed: int, n_villages: int, n_towns: int, population: int, zh: str, en: str
) -> tuple[Geo, dict]:
    units = _grid_units(n_towns, seed, zh, en)
    city_v = max(1, round(0.04 * n_villages))  # urban communities of the city district
    park_v = max(1, round(0.013 * n_villages))  # the park's few communities
    towns_v = _allocate(
        n_villages - city_v - park_v, _rng(seed, "allocation").lognormal(0.0, 0.3, n_towns), minimum=1
    )
    counts = np.concatenate([[city_v, park_v], towns_v])
    geo = _geography(units, counts, population, seed, LON_LAT[preset][0], LON_LAT[preset][1])
    river, hills = _river_zones(units)
    trunk = [0, *river]  # a highway tree along the river: the city and the river townships
    _roads(geo, [(trunk[a], trunk[b]) for a, b in _mst(np.column_stack([geo.x, geo.y])[trunk])], seed)
    towns = list(range(2, geo.n_units))
    people = int(round(population * STOCK_PER_PERSON, -2))
    n_cty = max(1, round(n_towns / 22))  # county-level services scale per 22 townships
    upop = geo.unit_pop()
    big = sorted(towns, key=lambda t: (-upop[t], t))
    xy = np.column_stack([geo.x, geo.y])
    spread = _spread(xy, towns, max(n_towns // 5, 2))
    reserves = [
        Reserve(
            "D_CONTRACT",
            "物流企业协议储备 Contract reserve (logistics firm)",
            "contract",
            1,
            4,
            people,
            ("water", "instant_food"),
            TRUCKS["contract"],
        ),
        Reserve(
            "D_PROVINCE",
            "省级救灾物资储备 Province reserve",
            "province",
            0,
            24,
            PROVINCE_TIMES * people,
            tuple(i[0] for i in ITEMS),
            TRUCKS["province"],
        ),
    ]
    tables = _place_tables(geo) | _depots(geo, towns, people, reserves, TRUCKS["city"][0] * n_cty)
    k_st = max(1, n_towns // 5)
    tables["ems_stations.csv"] = [
        dict(station_id="EMS_C", kind="centre", place_id="C", ambulances=4 * n_cty, negative_pressure=n_cty)
    ] + [
        dict(
            station_id=f"EMS_{geo.ids[t]}",
            kind="station",
            place_id=geo.ids[t],
            ambulances=2,
            negative_pressure=int(k < math.ceil(k_st / 2)),
        )
        for k, t in enumerate(spread[:k_st])
    ]
    h_towns = big[: max(1, n_towns // 11)]
    tables["hospitals.csv"] = _hospitals(geo, [0, *h_towns], [0.6] + [0.4 / len(h_towns)] * len(h_towns))
    # Zhangshu (001): 283 semi-professional teams, one township team per ~village: aggregate them.
    semi = _allocate(283 * n_cty, counts[2:], minimum=1)
    forest = _allocate(16 * n_cty, np.ones(len(hills)))
    hubs = [0, *big[: n_cty - 1]]
    teams = [_team(f"TM_FLOOD_{geo.ids[h]}", "flood", geo.ids[h], 370) for h in hubs]
    teams += [_team(f"TM_FIRE_{geo.ids[h]}", "fire_rescue", geo.ids[h], 30) for h in hubs]
    teams += [
        _team(f"TM_SEMI_{geo.ids[t]}", "semi_professional", geo.ids[t], 12 * k)
        for t, k in zip(towns, semi, strict=True)
    ]
    teams += [
        _team(f"TM_FOREST_{geo.ids[t]}", "forest_fire", geo.ids[t], 15 * k)
        for t, k in zip(hills, forest, strict=True)
        if k > 0
    ]
    ent_sites = [1, 0, *big[: 2 * n_cty]]
    ent = _allocate(43 * n_cty, [0.45, 0.25] + [0.3 / (2 * n_cty)] * (2 * n_cty))
    teams += [
        _team(f"TM_ENT_{geo.ids[s]}", "enterprise", geo.ids[s], 15 * k)
        for s, k in zip(ent_sites, ent, strict=True)
        if k > 0
    ]
    teams += [_team(f"TM_ROAD_{geo.ids[s]}", "road_repair", geo.ids[s], 30) for s in [0, *h_towns]]
    teams.append(_team("TM_REDCROSS_C", "volunteer", "C", 20))
    tables["teams.csv"] = teams
    tables["helipads.csv"] = [
        dict(helipad_id=f"HP_{geo.ids[s]}", place_id=geo.ids[s])
        for s in [0, *spread[: max(2, round(n_towns / 10))]]
    ]
    city_sh = (
        ["湿地公园", "药都公园", "鹿江公园"] if preset == "zhangshu" else ["CITY_I", "CITY_II", "CITY_III"]
    )
    tables["shelters.csv"] = [
        {"shelter_id": f"SH_{name}", "class": c, "place_id": "C", "area_m2": area * n_cty}
        for name, c, area in zip(city_sh, ["I", "II", "III"], [60_000, 30_000, 15_000], strict=True)
    ] + _township_shelters(geo, towns)
    zones = {
        "river": [geo.ids[i] for i in river],
        "hills": [geo.ids[i] for i in hills],
        "all": geo.ids[: geo.n_units],
    }
    info = dict(
        people=people,
        n_cty=n_cty,
        river=zones["river"],
        hills=zones["hills"],
        city_v=city_v,
        park_v=park_v,
        hubs=hubs,
        spread=spread,
    )
    return geo, dict(tables=tables, zones=zones, info=info)


LON_LAT = {"zhangshu": (115.54, 28.06), "county": (115.54, 28.06), "jinjiang": (118.55, 24.78)}

# ---------------------------------------------------------------- jinjiang

# id, Chinese, pinyin, kind, lon, lat, in the seeds (004)? Positions approximate (general
# knowledge), rounded and stylised; the city district stands for 青阳 (Qingyang) street.
JINJIANG_UNITS = [
    ("C", "晋江市区(青阳)", "Jinjiang urban district (Qingyang)", "city", 118.580, 24.810, False),
    ("P_EDZ", "经济开发区", "Economic development zone", "industrial_park", 118.530, 24.775, True),
    ("S_MEILING", "梅岭街道", "Meiling street", "street", 118.565, 24.805, True),
    ("S_XIYUAN", "西园街道", "Xiyuan street", "street", 118.570, 24.790, True),
    ("S_XINTANG", "新塘街道", "Xintang street", "street", 118.540, 24.805, True),
    ("S_LUOSHAN", "罗山街道", "Luoshan street", "street", 118.595, 24.785, False),
    ("S_LINGYUAN", "灵源街道", "Lingyuan street", "street", 118.610, 24.820, False),
    ("T_CHENDAI", "陈埭镇", "Chendai", "town", 118.625, 24.845, True),
    ("T_CHIDIAN", "池店镇", "Chidian", "town", 118.560, 24.850, True),
    ("T_ZIMAO", "紫帽镇", "Zimao", "town", 118.500, 24.845, True),
    ("T_CIZAO", "磁灶镇", "Cizao", "town", 118.470, 24.820, True),
    ("T_NEIKENG", "内坑镇", "Neikeng", "town", 118.450, 24.760, True),
    ("T_ANHAI", "安海镇", "Anhai", "town", 118.460, 24.715, False),
    ("T_DONGSHI", "东石镇", "Dongshi", "town", 118.430, 24.655, True),
    ("T_YINGLIN", "英林镇", "Yinglin", "town", 118.530, 24.610, True),
    ("T_JINJING", "金井镇", "Jinjing", "town", 118.620, 24.590, True),
    ("T_SHENHU", "深沪镇", "Shenhu", "town", 118.665, 24.640, True),
    ("T_LONGHU", "龙湖镇", "Longhu", "town", 118.610, 24.680, False),
    ("T_YONGHE", "永和镇", "Yonghe", "town", 118.555, 24.690, True),
    ("T_XIBIN", "西滨镇", "Xibin", "town", 118.660, 24.750, True),
]
JJ_COAST = [
    "T_CHENDAI",
    "T_XIBIN",
    "T_LONGHU",
    "T_SHENHU",
    "T_JINJING",
    "T_YINGLIN",
    "T_DONGSHI",
    "T_ANHAI",
]  # along the shore, NE to SW
JJ_RIVER = ["T_CIZAO", "T_CHIDIAN", "T_CHENDAI"]  # stylised: the Jin River on the northern edge
JJ_SUBCENTRES = ["T_ANHAI", "T_CHENDAI", "T_SHENHU", "T_CIZAO"]  # one per quarter
JJ_STATIONS = [
    "T_DONGSHI",
    "T_YINGLIN",
    "T_CHIDIAN",
    "T_ZIMAO",
    "T_NEIKENG",
    "T_YONGHE",
    "T_JINJING",
    "T_XIBIN",
    "T_LONGHU",
    "S_XINTANG",
    "S_LUOSHAN",
    "S_LINGYUAN",
]
JJ_ROAD = [
    "T_CHENDAI",
    "T_CHIDIAN",
    "T_ANHAI",
    "T_YINGLIN",
    "T_JINJING",
    "T_SHENHU",
    "T_LONGHU",
    "T_YONGHE",
    "T_XIBIN",
]  # the 9 towns on the main through-roads (stylised)
JJ_HILLS = [
    "T_ZIMAO",
    "T_CIZAO",
    "T_NEIKENG",
    "T_DONGSHI",
    "T_ANHAI",
    "T_YINGLIN",
    "T_CHIDIAN",
    "T_YONGHE",
]  # forest-fire teams where there are wooded hills (stylised)


def _jinjiang(seed: int) -> tuple[Geo, dict]:
    lon0, lat0 = LON_LAT["jinjiang"]
    units = [
        Unit(
            i,
            zh,
            en,
            "township" if k in ("street", "town") else k,
            *_km(lo, la, lon0, lat0),
            urban=k in ("city", "street", "industrial_park"),
        )
        for i, zh, en, k, lo, la, _ in JINJIANG_UNITS
    ]
    weight = {"city": 20, "industrial_park": 6, "street": 15, "town": 22}
    counts = _allocate(390, [weight[u[3]] for u in JINJIANG_UNITS], minimum=2)
    geo = _geography(units, counts, 2_000_000, seed, lon0, lat0)
    at = {u.id: i for i, u in enumerate(units)}
    city_near = min(JJ_COAST, key=lambda c: math.hypot(units[at[c]].x, units[at[c]].y))
    coast = [at[c] for c in JJ_COAST]
    _roads(geo, [*zip(coast, coast[1:], strict=False), (0, at[city_near])], seed)
    towns = list(range(2, len(units)))
    people = int(round(2_000_000 * STOCK_PER_PERSON, -2))
    reserves = [
        Reserve(
            "D_CONTRACT_LOGISTICS",
            "物流企业有偿储备 Contract reserve (logistics firm)",
            "contract",
            at["P_EDZ"],
            4,
            people // 2,
            ("water", "instant_food"),
            (4, 600, 30),
        ),
        Reserve(
            "D_CONTRACT_TEXTILE",
            "纺织企业有偿储备 Contract reserve (textile firm)",
            "contract",
            at["T_YINGLIN"],
            6,
            people // 2,
            ("quilt", "clothing"),
            (2, 600, 45),
        ),
        Reserve(
            "D_PROVINCE",
            "省级救灾物资储备 Province reserve",
            "province",
            0,
            24,
            PROVINCE_TIMES * people,
            tuple(i[0] for i in ITEMS),
            TRUCKS["province"],
        ),
    ]
    tables = _place_tables(geo) | _depots(geo, towns, people, reserves, 6)
    # 004: 1 centre, 4 sub-centres, 12 stations, 46 ambulances of which 13 negative-pressure.
    ems = [dict(station_id="EMS_C", kind="centre", place_id="C", ambulances=6, negative_pressure=2)]
    ems += [
        dict(station_id=f"EMS_{s}", kind="subcentre", place_id=s, ambulances=4, negative_pressure=2)
        for s in JJ_SUBCENTRES
    ]
    ems += [
        dict(station_id=f"EMS_{s}", kind="station", place_id=s, ambulances=2, negative_pressure=int(k < 3))
        for k, s in enumerate(JJ_STATIONS)
    ]
    tables["ems_stations.csv"] = ems
    tables["hospitals.csv"] = _hospitals(
        geo, [0, 0, at["T_ANHAI"], at["T_CHENDAI"], at["T_SHENHU"]], [0.4, 0.2, 0.15, 0.15, 0.1]
    )
    # 004: 53 town-level teams - fire rescue and flood in all 18 towns/streets (36), road
    # clearing in the 9 towns (45), forest fire in the 8 hilly towns (53).
    ids = [geo.ids[t] for t in towns]
    teams = [_team(f"TM_FIRE_{t}", "fire_rescue", t, 25) for t in ids]
    teams += [_team(f"TM_FLOOD_{t}", "flood", t, 30) for t in ids]
    teams += [_team(f"TM_ROAD_{t}", "road_repair", t, 20) for t in JJ_ROAD]
    teams += [_team(f"TM_FOREST_{t}", "forest_fire", t, 20) for t in JJ_HILLS]
    ent = ["P_EDZ", "P_EDZ", "T_CHENDAI", "T_CIZAO", "T_ANHAI"]
    teams += [_team(f"TM_ENT{k + 1}_{s}", "enterprise", s, 30) for k, s in enumerate(ent)]
    vol = ["C", "C", "T_ANHAI", "T_SHENHU"]
    teams += [_team(f"TM_VOL{k + 1}_{s}", "volunteer", s, 30) for k, s in enumerate(vol)]
    teams += [
        _team(f"TM_BLUESKY{k + 1}_{s}", "volunteer", s, 25)
        for k, s in enumerate(["C", "T_ANHAI", "T_DONGSHI"])
    ]
    tables["teams.csv"] = teams
    tables["helipads.csv"] = [dict(helipad_id=f"HP_{s}", place_id=s) for s in ["C", "T_ANHAI", "T_SHENHU"]]
    tables["shelters.csv"] = [
        {"shelter_id": "SH_CITY_I", "class": "I", "place_id": "C", "area_m2": 80_000},
        {"shelter_id": "SH_CITY_II", "class": "II", "place_id": "C", "area_m2": 40_000},
    ] + _township_shelters(geo, towns)
    zones = {"coast": JJ_COAST, "river": JJ_RIVER, "all": geo.ids[: geo.n_units]}
    return geo, dict(tables=tables, zones=zones, info=dict(people=people, counts=counts))


# ---------------------------------------------------------------- public entry


def county(preset: str, seed: int = 1, villages: int | None = None) -> ScenarioFiles:
    """A stylised county scenario: preset `zhangshu` (001), `jinjiang` (004) or `county`
    (parametric: `villages` villages, about villages/13 townships). Same seed, same files."""
    if preset in ("zhangshu", "jinjiang") and villages is not None:
        raise ValueError(f"preset {preset!r} has a fixed number of villages; use preset 'county'")
    if preset == "zhangshu":
        geo, out = _grid_county(preset, seed, 300, 22, 550_000, "樟树", "Zhangshu")
        about = "Stylised Zhangshu (樟树, Jiangxi): the '1+22' relief-material reserve of seed 001."
    elif preset == "county":
        n = 300 if villages is None else int(villages)
        if n < 20:
            raise ValueError(f"villages must be at least 20, got {n}")
        towns = max(3, round(n / 13))
        geo, out = _grid_county(preset, seed, n, towns, round(n * 550_000 / 300), "示例", "Example")
        about = f"Parametric stylised county: {towns} townships, {n} villages (Zhangshu-like)."
    elif preset == "jinjiang":
        geo, out = _jinjiang(seed)
        about = "Stylised Jinjiang (晋江, Fujian), coastal: the 10-hour relief target of seed 004."
    else:
        raise ValueError(f"unknown preset {preset!r}; choose zhangshu, jinjiang or county")
    tables = {"items.csv": _items(), **out["tables"]}
    n_v = len(geo.ids) - geo.n_units
    provenance = (
        f"Generated by `drsim make-county --preset {preset} --seed {seed}` "
        "(sim/scenario/counties.py); seed-document figures as quoted in README.md, "
        "everything else stylised. Geometry is generated, not the real roads."
    )
    meta = _meta(preset, seed, n_v, about, provenance, out["zones"])
    body = _readme_jinjiang(geo, out) if preset == "jinjiang" else _readme_grid(preset, geo, out)
    title, rest = body.split("\n", 1)
    intro = (
        f"\n{provenance} Licence CC-BY-4.0. Coordinates: WGS84 lon/lat. Seed-document "
        "figures name their file (seeds/00N); every other number is stylised/assumed, with a "
        "one-line reason.\n"
    )
    readme = title + "\n" + intro + rest + _readme_common(geo, tables, preset, seed)
    return ScenarioFiles(meta=meta, tables=tables, readme=readme)


# ---------------------------------------------------------------- READMEs


def _n(x: float) -> str:
    return f"{x:,.0f}"


def _readme_grid(preset: str, geo: Geo, out: dict) -> str:
    i = out["info"]
    n_t, n_v, pop = geo.n_units - 2, len(geo.ids) - geo.n_units, int(geo.pop.sum())
    if preset == "zhangshu":
        head = f"""# zhangshu — a stylised Zhangshu (樟树, Jiangxi)

- {n_t} townships/streets/farms, 1 industrial park, {n_v} administrative villages/communities:
  seeds/001 "22个乡镇(街道、场)、1个工业园区及300个行政村(社区)". 001 names none of them and
  gives no split between townships, streets and farms, so all 22 are kind `township` with neutral
  names (乡镇01 Township 01 …)."""
    else:
        head = f"""# county — a parametric stylised county ({n_v:,} villages)

- Zhangshu's proportions scaled (stylised): {n_t:,} townships = max(3, round(villages / 13))
  (001: 300 villages over 23 units), 1 industrial park, {n_v:,} villages, population 1,833 per
  village. County-level services (flood team, fire brigade, city trucks and ambulances) are
  multiplied by {i["n_cty"]} = round(townships / 22), one set per Zhangshu-sized block."""
    return (
        head
        + f"""
- Stylised: a city place `C` (the urban district) is its own unit, so the city depot has a home.
  It owns {i["city_v"]} urban communities and the park {i["park_v"]}; the townships share the other
  {n_v - i["city_v"] - i["park_v"]:,} (at least one each, shares drawn at random). All are counted
  within the {n_v:,}.
- Population {_n(pop)}: stylised (no seed gives a population). Village sizes are lognormal
  (sigma 0.6), urban communities 2.5x larger, at least 100 people each. Township, park and city
  places hold 0 people: everyone lives in a village or community.
- Zones: `river` = {len(i["river"])} townships nearest a stylised SW-NE river line through the city
  (Zhangshu lies on the Gan River, general knowledge; 001 names no river, only dyke patrols in the
  flood season); `hills` = {len(i["hills"])} townships farthest from it on the NW side (stylised
  uplands); `all` = every unit.
- Depots, the "1+22" model (001: "1个市本级救灾物资储备库和22个乡镇(街道、场)救灾物资储备点";
  "每个主要品类满足保障3500人标准配备，共储备各类救灾物资2万余件"): 1 city depot + one point per
  township; the industrial park has none (its communities are served from the city depot).
  Each item is stocked for {_n(i["people"])} people in total over these depots, {CITY_SHARE:.0%} at
  the city depot and the rest over the points in proportion to township population. Why
  (stylised): 001 asks for 分级管理、反应迅速 — most stock sits next to the villages for the first
  hours, while the city keeps a pool that can go wherever the disaster is (a flood hits a few
  townships, not all 22). 001 does not state the split.
- Contract reserve (tier contract, at the park, lead 4 h): a logistics-firm/supermarket agreement
  holding water and food for {_n(i["people"])} people. 001 has none; 003 lists 商业协议储存 in its
  "1+4" system and 004 third-party paid reserves. Lead 4 h (stylised): call-off and picking,
  leaving time inside the 10 h (004) and 12 h (003) targets. Consumables suit a firm's rotating stock.
- Province reserve (tier province, at `C` where its trucks enter, lead 24 h): every item for
  {PROVINCE_TIMES}x the county's own {_n(i["people"])} people (stylised). 003: "provincial reserve as
  backup". 24 h (stylised): request, approval and the drive from the provincial depot, so it only
  matters for the 24 h basic-living target (003) and beyond.
- EMS (no seed gives Zhangshu's fleet; assumed): a centre at `C` and stations at the townships
  farthest from the city first, 4 ambulances at the centre and 2 per station, negative-pressure 1 at
  the centre and at half the stations: 12 ambulances (3 negative-pressure) for 0.55 M people, the
  ratio of Jinjiang's 46 for about 2 M (004).
- Hospitals: `C` plus the largest townships (one per 11). Beds 3.0 per 1,000 people (stylised,
  county general hospitals only), 60 % at `C`; infectious beds 3.0 per 10,000 people (000, Zhuji
  "≥3.0"), rounded up.
- Teams (001 counts, aggregated; sizes stylised): flood `TM_FLOOD_C` 370 members (001 "370余人");
  one `fire_rescue` team of 30 (001: framework agreement with the city fire brigade, 2024-02-29);
  the 283 semi-professional teams (001) as one team per township, in proportion to its villages,
  12 members per original team (002: every township team ≥ 10 members); the 16 forest-fire teams
  (001) split over the `hills` townships, 15 members per team; the 43 enterprise teams (001) as
  park 45 %, city 25 % and the two largest townships, 15 members per team; a road-repair team of 30
  at `C` and each hospital town (stylised: 001's 350 large machines and 41 water technicians are
  not modelled as teams); the Red Cross first-aid team (001, affiliated 2024-05-30), 20 members.
- Helipads: `C` and the townships farthest from it (stylised; 001 names none).
- Shelters: 湿地公园 class I, 药都公园 class II, 鹿江公园 class III (001) at `C`, areas 60,000,
  30,000 and 15,000 m² (stylised; 001 gives none); one class III shelter per township (see below).
"""
    )


def _readme_jinjiang(geo: Geo, out: dict) -> str:
    i = out["info"]
    named = "、".join(u[1] for u in JINJIANG_UNITS[2:] if u[6])
    added = "、".join(u[1] for u in JINJIANG_UNITS[2:] if not u[6])
    return f"""# jinjiang — a stylised Jinjiang (晋江, Fujian), coastal

- Units: towns and streets named in seeds/004 — {named} — and 经济开发区 (kind industrial_park;
  004 is addressed to 经济开发区管委会). Added from general knowledge, not the seeds (Jinjiang has
  13 towns and 6 streets): {added}; the city place `C` stands for 青阳 street. 晋华科学园 (004)
  lies within 新塘 and is not a separate unit. Positions roughly follow the real ones (about 2 km),
  rounded and stylised; coast on the east and south.
- {len(geo.ids) - geo.n_units} villages/communities (stylised; 004 gives no count) shared by weight:
  town 22, street 15, city 20, park 6, at least 2 each.
- Population {_n(int(geo.pop.sum()))}: stylised (004 gives none; the order of Jinjiang's real
  resident population). Lognormal village sizes (sigma 0.6), urban units' communities 2.5x larger.
- Zones: `coast` = the 8 coastal towns (004 names typhoon, storm surge, waves); `river` = 磁灶, 池店,
  陈埭 along a stylised Jin River on the northern edge (004: 江海堤防, 山洪); `all` = every unit.
- Depots (004: "市、镇（街道）救灾物资储备网络", no counts or sizes): a city depot at `C` + one point per
  town/street (18); the development zone has none (served from the city). Each item is stocked for
  {_n(i["people"])} people, Zhangshu's ratio (001: 3,500 people) applied to {_n(int(geo.pop.sum()))}
  people (stylised); {CITY_SHARE:.0%} at the city depot, the rest in proportion to population, as
  for Zhangshu (fast first response near the villages, a central pool for the worst-hit towns).
- Contract reserves (004: third-party paid reserves "按照10小时救灾物资到位的目标 … 确保随用随调"):
  a logistics firm in the development zone with water and food for {_n(i["people"] // 2)} people,
  lead 4 h; a textile firm at 英林 (Jinjiang's garment industry, general knowledge) with quilts and
  clothing for {_n(i["people"] // 2)} people, lead 6 h. Leads are stylised, chosen to leave at least
  4 h of delivery inside the 10 h target.
- Province reserve at `C`, lead 24 h, every item for {PROVINCE_TIMES}x the county's stock
  (stylised; reasons as for Zhangshu).
- EMS (004, 000): 1 centre, 4 sub-centres, 12 stations, 46 monitoring ambulances of which 13
  negative-pressure ("1个急救中心、4个急救分中心、12个急救站…46辆监护型救护车（含13辆负压型）"). Spread
  (stylised): centre at `C` 6 (2), sub-centres at 安海, 陈埭, 深沪, 磁灶 (one per quarter) 4 (2)
  each, stations at the other nine towns and 新塘, 罗山, 灵源 2 each, the first three of them with
  one negative-pressure ambulance.
- Hospitals: two at `C`, one each at 安海, 陈埭, 深沪 (stylised). Beds 3.0 per 1,000 people
  (stylised); infectious beds 3.0 per 10,000 people (000, Zhuji "≥3.0").
- Teams (004, 000): 53 town-level professional/part-time teams ("53支镇级应急救援专、兼职队伍": fire
  rescue, road clearing, flood and drought, forest fire) = fire rescue (25 members) and flood (30)
  in each of the 18 towns/streets, road clearing (20) in 9 towns, forest fire (20) in 8 hilly
  towns; 5 enterprise teams (30), 4 social volunteer teams (30), 3 Blue Sky teams (25). Members
  stylised (002: every team ≥ 10).
- Helipads at `C`, 安海 and 深沪: 004 key project 18, "至少布局建设3个应急救援直升机临时起降点".
- Shelters: 004 gives none: two city parks (class I 80,000 m², class II 40,000 m²; stylised) and
  one class III shelter per town/street (see below).
"""


def _readme_common(geo: Geo, tables: dict, preset: str, seed: int) -> str:
    tier = {d["depot_id"]: d["tier"] for d in tables["depots.csv"]}
    per: dict[str, dict[str, list[int]]] = {it[0]: {} for it in ITEMS}
    for s in tables["stock.csv"]:
        per[s["item"]].setdefault(tier[s["depot_id"]], []).append(s["qty"])
    lines = [
        "| item | unit | need/person | class | city depot | township points (sum; min-max) "
        "| contract | province |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for item, unit, need, cls in ITEMS:
        p = per[item]
        pts = p.get("township", [0])
        lines.append(
            f"| {item} | {unit} | {need} | {cls} | {_n(sum(p.get('city', [0])))} | "
            f"{_n(sum(pts))}; {_n(min(pts))}-{_n(max(pts))} | "
            f"{_n(sum(p.get('contract', [0])))} | {_n(sum(p.get('province', [0])))} |"
        )
    own = sum(s["qty"] for s in tables["stock.csv"] if tier[s["depot_id"]] in ("city", "township"))
    trucks = ["| depot | tier | trucks | capacity (units) | load min | lead h |", "|---|---|---|---|---|---|"]
    pts = [d for d in tables["depots.csv"] if d["tier"] == "township"]
    for d in tables["depots.csv"]:
        if d["tier"] != "township":
            trucks.append(
                f"| {d['depot_id']} | {d['tier']} | {d['trucks']} | {d['truck_capacity']} "
                f"| {d['load_min']} | {d.get('lead_time_h') or ''} |"
            )
    one = sum(d["trucks"] == 1 for d in pts)
    trucks.append(
        f"| {len(pts)} township points | township | 1 ({one} points) or 2 "
        f"({len(pts) - one}) | {TRUCKS['township'][1]} | {TRUCKS['township'][2]} | |"
    )
    classes = [c for c in geo.edges.values()]
    km = {c: sum(k for k, c2 in zip(geo.lengths, classes, strict=True) if c2 == c) for c in SPEEDS}
    roads = ", ".join(f"{c} {classes.count(c):,} edges / {_n(km[c])} km at {SPEEDS[c]} km/h" for c in SPEEDS)
    return f"""
## Relief items and stock (stylised: no seed names the categories or quantities)

{chr(10).join(lines)}

Six main categories. Per displaced person: water 1 case (6.6 L, about 2 days of 3 L drinking
water, the Sphere minimum); instant food 2 boxes (2 days of meals until kitchens restart); 1 quilt;
one 12 m² relief tent per family of about four (0.25); a folding bed per two people (children share,
others sleep on mats; 0.5); 1 set of clothing. Water and food are `initial` (the 12 h target, 003),
the rest `basic` (the 24 h target, 003). 5.75 units per person; city depot + township points hold
{_n(own)} items in total{" (001: 2万余件 for 3,500 people per category)" if preset == "zhangshu" else ""}.

## Trucks (not in the seeds — stylised)

{chr(10).join(trucks)}

No seed gives a truck or fleet count (001's 350 large machines are not identified as trucks).
City and contract: 8 t box trucks (6.8 m, about 600 mixed relief units by volume), loaded by forklift
in 45 min (30 min for a logistics firm's dock). Township points: one 4.2 m light truck (300 units),
two at the larger half by population, hand-loaded in 30 min. Province: 9.6 m trucks, 1,000 units,
60 min. Unloading at a village: 20 min (`defaults.unload_min`, stylised: hand unloading with helpers).

## Roads (stylised: geometry is generated, not the real roads)

{len(geo.ids):,} nodes; {roads}. Every place is its own road node (snap distance 0).
Speeds are design speeds of the Chinese highway standard JTG B01-2014 for the class each road stands
for: highway = class-1 national/provincial trunk (80), county = class-2 (60), township = class-3
(40), village = class-4 (20-30, taken as 25). Design speeds are an upper bound for a loaded truck:
override `road_speed_kmh.*` for damage or congestion. Unit seats are joined by a minimum spanning
tree (county roads) plus links to each seat's two nearest neighbours (township roads, so most seats
have two ways in) and a highway chain ({
        "along the coast, plus the city" if preset == "jinjiang" else "along the river line through the city"
    }). Villages hang off their seat on a spanning tree
(township road from the seat, village roads beyond; streets in urban units are township roads), and
{LOOP_SHARE:.0%} of them get a second link, so some villages sit behind a single road and some do
not. Edge length = straight-line distance x a circuity factor drawn uniformly from 1.2-1.4 per edge
(measured road/straight-line ratios are typically 1.2-1.4; rural and hilly roads at the upper end).

## Teams: mobilisation and turnout (stylised)

002: teams are called "由上级电话或手机短信通知…必须到位施救" (by phone or SMS, then must report on
site); no seed gives an assembly time. Minutes from call to assembled: fire rescue 10 (on duty),
semi-professional and forest fire 45 (members live in the township), flood and enterprise 60
(members spread over the city or on shift), road repair 90 (machinery must be fetched), volunteers
120. Turnout (share of members who come): 1.0 on duty, 0.9 road repair, 0.85 flood, 0.8
township teams, 0.7 enterprise, 0.6 volunteers.

Township shelters: class III, area = 2.5 m² per person (003: "人均应急避难场所面积不低于2.5㎡") for a
tenth of the unit's people, at least 2,000 m² (stylised).

Licence: CC-BY-4.0 (generated data). Regenerate: `drsim make-county --preset {preset} --seed {seed}`;
the same seed gives byte-identical files.
"""
