"""Stylised county scenarios: `drsim make-county --preset zhangshu|jinjiang|county`.

A county is a set of units (the city district, townships/streets, an industrial park), each
owning villages/communities. Every place sits exactly on its own road node; roads are
generated, not real. Randomness comes only from named streams
`sim.rng.stream(seed, 0, "make_county.<part>")` and every collection is ordered (lists,
insertion-ordered dicts), so one seed gives byte-identical files under any PYTHONHASHSEED.
Figures from the planning documents are quoted with their seed file in each README; all
others are stylised, with a one-line reason.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np

from sim.rng import stream
from sim.scenario.write import COLUMNS, ScenarioFiles
from sim.units import EARTH_RADIUS_KM

KM_PER_DEG = EARTH_RADIUS_KM * math.pi / 180.0
UNIT_AREA_KM2 = 54.0  # Zhangshu is about 1,291 km² over 24 units (general knowledge, not the seeds)
CIRCUITY = (1.2, 1.4)  # road km per straight-line km: typical measured detour factors
SPEEDS = {"highway": 80, "county": 60, "township": 40, "village": 25}  # JTG B01-2014 design speeds
RANK = {"village": 0, "township": 1, "county": 2, "highway": 3}
LOOP_SHARE = 0.3  # villages with a second road out, so not every village road is a cut
LON_LAT = {"zhangshu": (115.54, 28.06), "county": (115.54, 28.06), "jinjiang": (118.55, 24.78)}
# item, unit, need per displaced person (once, or per day: basis), class, basis, stock held per
# person the reserve is sized for: 5.75 units/person x 3,500 people = 20,125 items (001: 2万余件).
# Water: 0.5 case (3.3 L) a day, Sphere's drinking-water survival need of 2.5-3 L a day (Sphere
# Handbook 2018, water supply standard 2.1; the rest of its 15 L for cooking and washing comes
# from water trucks and local sources, which the model leaves out); plausible 0.4-2.3 cases a day
# (all 15 L bottled). Food: one day's ready-to-eat meals a day (Sphere: 2,100 kcal a day).
# Both stocked for 2 days (1 case, 2 boxes a person: the stock the old once-only need held).
ITEMS = [
    ("water", "case (12 x 550 mL bottles)", 0.5, "initial", "day", 1),
    ("instant_food", "box (one day of ready-to-eat meals)", 1, "initial", "day", 2),
    ("quilt", "piece", 1, "basic", "once", 1),
    ("tent", "12 m2 relief tent (one family)", 0.25, "basic", "once", 0.25),
    ("folding_bed", "piece", 0.5, "basic", "once", 0.5),
    ("clothing", "set", 1, "basic", "once", 1),
]
ALL_ITEMS = tuple(i[0] for i in ITEMS)
STOCK_PER_PERSON = 3_500 / 550_000  # Zhangshu's 3,500-person stock (001) over its stylised 0.55 M
CITY_SHARE = 0.4  # of the county's own stock at the city depot; the rest at the township points
PROVINCE_TIMES = 3  # the province reserve can back the county with 3x the county's own stock
TOWNSHIP_TRUCK = (300, 30)  # capacity in item units, load minutes; 1 or 2 trucks by size
# team kind: (skills, mobilisation minutes from phone call-out to assembled, turnout)
TEAM_DEFAULTS = {
    "flood": ("flood;dyke;evacuation;rescue", 60, 0.85),
    "semi_professional": ("flood;geological;fire;earthquake;traffic", 45, 0.8),
    "forest_fire": ("forest_fire;rescue", 45, 0.8),
    "enterprise": ("hazmat;machinery;fire", 60, 0.7),
    "road_repair": ("road;bridge;machinery", 90, 0.9),
    "fire_rescue": ("fire;rescue;collapse;water", 10, 1.0),
    "volunteer": ("first_aid;relief_distribution;shelter", 120, 0.6),
}
# Blue Sky (蓝天救援队) volunteer teams train for water and mountain search and rescue, unlike
# the social volunteer teams (first aid, relief distribution).
BLUE_SKY_SKILLS = "water;mountain;first_aid"


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
    """The generated geography: places (the units first, city at 0, then villages) and roads."""

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
        """Add road a-b, or upgrade it when a better class joins the same places."""
        key = (a, b) if a < b else (b, a)
        if a != b and RANK[cls] > RANK.get(self.edges.get(key, ""), -1):
            self.edges[key] = cls


def _rng(seed: int, part: str) -> np.random.Generator:
    return stream(seed, 0, f"make_county.{part}")


def _rows(table: str, rows) -> list[dict]:
    """Dict rows from tuples in the column order of `table` (trailing optional columns may be left off)."""
    return [dict(zip(COLUMNS[table], r, strict=False)) for r in rows]


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
    """Euclidean minimum spanning tree (Prim, O(n^2) in numpy): the cheapest connected road set."""
    n = len(xy)
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
        best[closer], parent[closer] = d[closer], j
    return edges


def _farthest_first(xy: np.ndarray, candidates: list[int], k: int) -> list[int]:
    """k candidates, each the farthest from the city (index 0) and those already chosen: even cover."""
    chosen: list[int] = []
    near = np.hypot(*(xy[candidates] - xy[0]).T)
    for _ in range(min(k, len(candidates))):
        i = int(np.argmax(near))
        chosen.append(candidates[i])
        near = np.minimum(near, np.hypot(*(xy[candidates] - xy[candidates[i]]).T))
        near[i] = -1.0
    return chosen


# ---------------------------------------------------------------- geography


def _geography(units: list[Unit], counts, population: int, seed: int, lon0: float, lat0: float) -> Geo:
    """Villages scattered around each unit seat, and their populations."""
    rng = _rng(seed, "villages")
    ux, uy = np.array([u.x for u in units]), np.array([u.y for u in units])
    gap = np.hypot(ux[:, None] - ux, uy[:, None] - uy)
    np.fill_diagonal(gap, np.inf)
    # Villages stay within half the distance to the nearest other seat, so units barely overlap.
    radius = np.maximum(0.5 * gap.min(axis=1), 0.8)
    owner = np.repeat(np.arange(len(units)), counts)
    r = radius[owner] * np.sqrt(rng.random(len(owner)))  # uniform over the disc
    angle = 2 * np.pi * rng.random(len(owner))
    urban = np.array([u.urban for u in units])
    size = _rng(seed, "population").lognormal(0.0, 0.6, len(owner)) * np.where(urban[owner], 2.5, 1)
    ids, names = [u.id for u in units], [f"{u.zh} {u.en}" for u in units]
    width, serial = len(str(len(owner))), np.zeros(len(units), dtype=np.int64)
    for i, o in enumerate(owner):
        serial[o] += 1
        u = units[o]
        zh, en = ("社区", "community") if u.urban or u.kind != "township" else ("村", "village")
        ids.append(f"V{i + 1:0{width}d}")
        names.append(f"{u.zh}{zh}{serial[o]:02d} {u.en} {en} {serial[o]:02d}")
    return Geo(
        lon0, lat0, units, ids, names,
        owner=np.concatenate([np.arange(len(units)), owner]),
        x=np.concatenate([ux, ux[owner] + r * np.cos(angle)]),
        y=np.concatenate([uy, uy[owner] + r * np.sin(angle)]),
        pop=np.concatenate([np.zeros(len(units), dtype=np.int64), _allocate(population, size, 100)]),
    )  # fmt: skip


def _roads(geo: Geo, highways: list[tuple[int, int]], seed: int) -> None:
    """Seats: MST (county roads) + each seat's two nearest (township roads) + the given highways.
    Villages: a tree to their seat (township road off the seat, village roads beyond) + loops."""
    rng, n = _rng(seed, "roads"), geo.n_units
    xy = np.column_stack([geo.x, geo.y])
    for a, b in _mst(xy[:n]):
        geo.add_edge(a, b, "county")
    d = np.hypot(*(xy[:n, None, :] - xy[None, :n, :]).transpose(2, 0, 1))
    np.fill_diagonal(d, np.inf)
    for i, row in enumerate(np.argpartition(d, 1, axis=1)[:, :2]):
        for j in sorted(int(j) for j in row):
            geo.add_edge(i, j, "township")  # a second way into most seats
    for a, b in highways:
        geo.add_edge(a, b, "highway")
    order = np.argsort(geo.owner[n:], kind="stable") + n
    bounds = np.searchsorted(geo.owner[order], np.arange(n + 1))
    for u in range(n):
        nodes = np.concatenate([[u], order[bounds[u] : bounds[u + 1]]])
        street = "township" if geo.units[u].urban else "village"  # urban streets are better roads
        for a, b in _mst(xy[nodes]):
            geo.add_edge(int(nodes[a]), int(nodes[b]), "township" if a == 0 else street)
        if len(nodes) > 2:
            local = np.hypot(*(xy[nodes, None, :] - xy[None, nodes, :]).transpose(2, 0, 1))
            second = np.argsort(local, axis=1, kind="stable")[:, 2]  # column 0 is the node itself
            for k in np.flatnonzero(rng.random(len(nodes)) < LOOP_SHARE):
                if k > 0:
                    geo.add_edge(int(nodes[k]), int(nodes[second[k]]), street)
    a, b = np.array(list(geo.edges)).T
    crow = np.hypot(geo.x[a] - geo.x[b], geo.y[a] - geo.y[b])
    circuity = _rng(seed, "circuity").uniform(*CIRCUITY, len(crow))
    geo.lengths = np.maximum(np.ceil(crow * circuity * 1000) / 1000, 0.01)  # whole metres, rounded up


def _km(lon: float, lat: float, lon0: float, lat0: float) -> tuple[float, float]:
    return (lon - lon0) * KM_PER_DEG * math.cos(math.radians(lat0)), (lat - lat0) * KM_PER_DEG


def _place_tables(geo: Geo) -> dict[str, list[dict]]:
    lat = np.round(geo.lat0 + geo.y / KM_PER_DEG, 6).tolist()
    lon = np.round(geo.lon0 + geo.x / (KM_PER_DEG * math.cos(math.radians(geo.lat0))), 6).tolist()
    kinds = [u.kind for u in geo.units] + ["village"] * (len(geo.ids) - geo.n_units)
    owner = [geo.ids[o] for o in geo.owner]
    rows = zip(geo.ids, geo.names, kinds, owner, lon, lat, geo.pop.tolist(), strict=True)
    lengths = geo.lengths.tolist()
    edges = [
        (geo.ids[a], geo.ids[b], km, c) for ((a, b), c), km in zip(geo.edges.items(), lengths, strict=True)
    ]
    return {
        "places.csv": _rows("places.csv", rows),
        "road_nodes.csv": _rows("road_nodes.csv", zip(geo.ids, lon, lat, strict=True)),
        "road_edges.csv": _rows("road_edges.csv", edges),
    }


# ---------------------------------------------------------------- services


def _depots(geo: Geo, points: list[int], people: int, city: tuple, reserves: list[tuple]) -> dict:
    """City depot + one point per township: each item stocked for `people` displaced people,
    CITY_SHARE at the city and the rest over the points in proportion to population.
    `city` is (trucks, capacity, load_min); a reserve is (id, name, tier, place, trucks,
    capacity, load_min, lead_h, people, items)."""
    upop = geo.unit_pop()
    median = float(np.median(upop[points]))
    depots = [("D_CITY", f"{geo.units[0].zh}救灾物资储备库 city depot", "city", geo.ids[0], *city)]
    for t in points:
        u, trucks = geo.units[t], 2 if upop[t] >= median else 1
        depots.append(
            (f"D_{u.id}", f"{u.zh}救灾物资储备点 {u.en} point", "township", u.id, trucks, *TOWNSHIP_TRUCK)
        )
    stock = []
    for item, *_, held_per_person in ITEMS:
        total = round(people * held_per_person)
        at_city = round(total * CITY_SHARE)
        stock.append(("D_CITY", item, at_city))
        shares = _allocate(total - at_city, upop[points]).tolist()
        stock += [(f"D_{geo.ids[t]}", item, q) for t, q in zip(points, shares, strict=True)]
    for rid, name, tier, place, trucks, cap, load, lead, held, items in reserves:
        depots.append((rid, name, tier, geo.ids[place], trucks, cap, load, lead))
        stock += [(rid, item, round(held * per)) for item, *_, per in ITEMS if item in items]
    return {"depots.csv": _rows("depots.csv", depots), "stock.csv": _rows("stock.csv", stock)}


def _hospitals(geo: Geo, sites: list[int], weights: list[float]) -> list[dict]:
    """Beds 3.0 per 1,000 people (stylised); infectious beds >= 3.0 per 10,000 (000, Zhuji)."""
    total = int(geo.pop.sum())
    beds = _allocate(math.ceil(total * 3.0 / 1000), weights).tolist()
    infectious = _allocate(math.ceil(total * 3.0 / 10_000), weights).tolist()
    rows = [
        (f"H{k + 1:02d}", geo.ids[s], b, i)
        for k, (s, b, i) in enumerate(zip(sites, beds, infectious, strict=True))
    ]
    return _rows("hospitals.csv", rows)


def _teams(rows: list[tuple]) -> list[dict]:
    """(team_id, kind, base place, members[, skills]) rows, with the kind's skills (unless given),
    mobilisation and turnout."""
    out = []
    for t, k, p, m, *skills in rows:
        if m > 0:
            kind_skills, mobilisation, turnout = TEAM_DEFAULTS[k]
            out.append((t, k, p, int(m), skills[0] if skills else kind_skills, mobilisation, turnout))
    return _rows("teams.csv", out)


def _shelters(geo: Geo, city: list[tuple[str, str, int]], towns: list[int]) -> list[dict]:
    """City shelters as given; one class III per township: 2.5 m² (003) for a tenth of its people."""
    upop = geo.unit_pop()
    rows = [(f"SH_{name}", cls, geo.ids[0], area) for name, cls, area in city]
    rows += [
        (f"SH_{geo.ids[t]}", "III", geo.ids[t], int(max(2000, round(0.25 * upop[t], -2)))) for t in towns
    ]
    return _rows("shelters.csv", rows)


# ---------------------------------------------------------------- zhangshu and county


def _grid_units(n_towns: int, seed: int, zh: str, en: str) -> list[Unit]:
    """City at the origin, the park in the next cell, townships in the cells around them.

    Square cells of UNIT_AREA_KM2, nearest the centre first, each seat jittered inside its cell:
    a compact county of the right size, built in O(n)."""
    s = math.sqrt(UNIT_AREA_KM2)
    m = math.ceil(math.sqrt((n_towns + 2) / math.pi)) + 2
    ij = np.array([(i, j) for i in range(-m, m + 1) for j in range(-m, m + 1)], dtype=float)
    order = np.lexsort((np.arctan2(ij[:, 1], ij[:, 0]), np.hypot(ij[:, 0], ij[:, 1])))
    cells = ij[order[: n_towns + 2]] * s
    xy = (cells + _rng(seed, "seats").uniform(-0.3 * s, 0.3 * s, cells.shape)).tolist()
    w = len(str(n_towns))
    units = [
        Unit("C", f"{zh}市区", f"{en} urban district", "city", 0.0, 0.0, urban=True),  # at the centre
        Unit("P1", "工业园区", "Industrial park", "industrial_park", *xy[1]),
    ]
    units += [
        Unit(f"T{k:0{w}d}", f"乡镇{k:0{w}d}", f"Township {k:0{w}d}", "township", *xy[k + 1])
        for k in range(1, n_towns + 1)
    ]
    return units


def _river_zones(units: list[Unit]) -> tuple[list[int], list[int]]:
    """A stylised river runs SW-NE through the city (Zhangshu lies on the Gan River).

    River zone: the townships nearest the line (8 of 22); hills: the farthest on its NW side."""
    towns = [i for i, u in enumerate(units) if u.kind == "township"]
    x, y = np.array([units[i].x for i in towns]), np.array([units[i].y for i in towns])
    across = -x * math.sin(math.radians(60)) + y * math.cos(math.radians(60))  # > 0: NW of the river
    n = len(towns)
    k_river = max(1, min(n // 2, round(3 * math.sqrt(n / math.pi))))  # a band ~1.5 cells wide
    k_hills = max(1, min(n - k_river, round(0.18 * n)))
    river = sorted(towns[i] for i in np.argsort(np.abs(across), kind="stable")[:k_river])
    rest = [towns[i] for i in np.argsort(-across, kind="stable") if towns[i] not in river]
    return river, sorted(rest[:k_hills])


def _grid_county(preset: str, seed: int, n_villages: int, n_towns: int, population: int) -> tuple[Geo, dict]:
    zh, en = ("樟树", "Zhangshu") if preset == "zhangshu" else ("示例", "Example")
    units = _grid_units(n_towns, seed, zh, en)
    city_v = max(1, round(0.04 * n_villages))  # urban communities of the city district
    park_v = max(1, round(0.013 * n_villages))  # the park's few communities
    shares = _rng(seed, "allocation").lognormal(0.0, 0.3, n_towns)
    counts = np.concatenate([[city_v, park_v], _allocate(n_villages - city_v - park_v, shares, 1)])
    geo = _geography(units, counts, population, seed, *LON_LAT[preset])
    river, hills = _river_zones(units)
    xy = np.column_stack([geo.x, geo.y])
    trunk = [0, *river]  # a highway tree along the river: the city and the river townships
    _roads(geo, [(trunk[a], trunk[b]) for a, b in _mst(xy[trunk])], seed)
    towns, ids = list(range(2, geo.n_units)), geo.ids
    people = int(round(population * STOCK_PER_PERSON, -2))
    n_cty = max(1, round(n_towns / 22))  # county-level services: one set per 22 townships
    upop = geo.unit_pop()
    big = sorted(towns, key=lambda t: (-upop[t], t))
    hubs = [0, *big[: n_cty - 1]]  # the city and, in big counties, a hub town per extra block
    spread = _farthest_first(xy, towns, max(n_towns // 5, 2))
    reserves = [  # (id, name, tier, place, trucks, capacity, load_min, lead_h, people, items)
        ("D_CONTRACT", "物流企业协议储备 contract reserve (logistics firm)", "contract", 1,
         3, 600, 30, 4, people, ("water", "instant_food")),
        ("D_PROVINCE", "省级救灾物资储备 province reserve", "province", 0,
         6, 1000, 60, 24, PROVINCE_TIMES * people, ALL_ITEMS),
    ]  # fmt: skip
    tables = _place_tables(geo) | _depots(geo, towns, people, (4 * n_cty, 600, 45), reserves)
    k_st = max(1, n_towns // 5)
    ems = [("EMS_C", "centre", "C", 4, 1)] + [
        (f"EMS_SUB_{ids[h]}", "subcentre", ids[h], 4, 1) for h in hubs[1:]
    ]
    ems += [
        (f"EMS_{ids[t]}", "station", ids[t], 2, int(k < math.ceil(k_st / 2)))
        for k, t in enumerate(spread[:k_st])
    ]
    tables["ems_stations.csv"] = _rows("ems_stations.csv", ems)
    h_towns = big[: max(1, n_towns // 11)]
    tables["hospitals.csv"] = _hospitals(geo, [0, *h_towns], [0.6, *[0.4 / len(h_towns)] * len(h_towns)])
    # 001's 283 semi-professional teams (about one per village) become one team per township.
    semi = _allocate(283 * n_cty, counts[2:], minimum=1).tolist()
    forest = _allocate(16 * n_cty, np.ones(len(hills))).tolist()
    ent_sites = [1, 0, *big[: 2 * n_cty]]
    ent = _allocate(43 * n_cty, [0.45, 0.25, *[0.3 / (2 * n_cty)] * (2 * n_cty)]).tolist()
    teams = [(f"TM_FLOOD_{ids[h]}", "flood", ids[h], 370) for h in hubs]
    teams += [(f"TM_FIRE_{ids[h]}", "fire_rescue", ids[h], 30) for h in hubs]
    teams += [
        (f"TM_SEMI_{ids[t]}", "semi_professional", ids[t], 12 * k) for t, k in zip(towns, semi, strict=True)
    ]
    teams += [
        (f"TM_FOREST_{ids[t]}", "forest_fire", ids[t], 15 * k) for t, k in zip(hills, forest, strict=True)
    ]
    teams += [(f"TM_ENT_{ids[s]}", "enterprise", ids[s], 15 * k) for s, k in zip(ent_sites, ent, strict=True)]
    teams += [(f"TM_ROAD_{ids[s]}", "road_repair", ids[s], 30) for s in [0, *h_towns]]
    tables["teams.csv"] = _teams([*teams, ("TM_REDCROSS_C", "volunteer", "C", 20)])
    helipads = [0, *spread[: max(2, round(n_towns / 10))]]
    tables["helipads.csv"] = _rows("helipads.csv", [(f"HP_{ids[s]}", ids[s]) for s in helipads])
    names = (
        ["湿地公园", "药都公园", "鹿江公园"] if preset == "zhangshu" else ["CITY_I", "CITY_II", "CITY_III"]
    )
    city = [
        (nm, c, a * n_cty)
        for nm, c, a in zip(names, ["I", "II", "III"], [60_000, 30_000, 15_000], strict=True)
    ]
    tables["shelters.csv"] = _shelters(geo, city, towns)
    zones = {"river": [ids[i] for i in river], "hills": [ids[i] for i in hills], "all": ids[: geo.n_units]}
    info = dict(people=people, n_cty=n_cty, city_v=city_v, park_v=park_v, ems=ems)
    return geo, dict(tables=tables, zones=zones, info=info)


# ---------------------------------------------------------------- jinjiang

# id, Chinese, English, kind, lon, lat, named in seed 004? Positions approximate the real ones
# (general knowledge), rounded and stylised; the city district stands for 青阳 (Qingyang) street.
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
JJ_COAST = ["T_CHENDAI", "T_XIBIN", "T_LONGHU", "T_SHENHU", "T_JINJING", "T_YINGLIN", "T_DONGSHI",
            "T_ANHAI"]  # fmt: skip
JJ_RIVER = ["T_CIZAO", "T_CHIDIAN", "T_CHENDAI"]  # stylised: the Jin River on the northern edge
JJ_SUBCENTRES = ["T_ANHAI", "T_CHENDAI", "T_SHENHU", "T_CIZAO"]  # one per quarter of the county
JJ_STATIONS = ["T_DONGSHI", "T_YINGLIN", "T_CHIDIAN", "T_ZIMAO", "T_NEIKENG", "T_YONGHE", "T_JINJING",
               "T_XIBIN", "T_LONGHU", "S_XINTANG", "S_LUOSHAN", "S_LINGYUAN"]  # fmt: skip
JJ_ROAD = ["T_CHENDAI", "T_CHIDIAN", "T_ANHAI", "T_YINGLIN", "T_JINJING", "T_SHENHU", "T_LONGHU",
           "T_YONGHE", "T_XIBIN"]  # fmt: skip
JJ_HILLS = ["T_ZIMAO", "T_CIZAO", "T_NEIKENG", "T_DONGSHI", "T_ANHAI", "T_YINGLIN", "T_CHIDIAN",
            "T_YONGHE"]  # fmt: skip
# Upland towns of the north-west (紫帽山, 灵源山 by general knowledge; stylised) for landslide and fire.
JJ_UPLAND = ["T_ZIMAO", "T_CIZAO", "T_NEIKENG", "S_LINGYUAN"]
JJ_POP = 2_000_000  # stylised


def _jinjiang(seed: int) -> tuple[Geo, dict]:
    lon0, lat0 = LON_LAT["jinjiang"]
    units = [
        Unit(i, zh, en, "township" if k in ("street", "town") else k, *_km(lo, la, lon0, lat0), k != "town")
        for i, zh, en, k, lo, la, _ in JINJIANG_UNITS
    ]
    weight = {"city": 20, "industrial_park": 6, "street": 15, "town": 22}  # villages per unit
    counts = _allocate(390, [weight[u[3]] for u in JINJIANG_UNITS], minimum=2)
    geo = _geography(units, counts, JJ_POP, seed, lon0, lat0)
    at = {u.id: i for i, u in enumerate(units)}
    coast = [at[c] for c in JJ_COAST]
    to_city = min(coast, key=lambda c: math.hypot(units[c].x - units[0].x, units[c].y - units[0].y))
    _roads(geo, [*itertools.pairwise(coast), (0, to_city)], seed)  # a coast road and a city link
    towns = list(range(2, len(units)))
    people = int(round(JJ_POP * STOCK_PER_PERSON, -2))
    half = people // 2
    reserves = [  # (id, name, tier, place, trucks, capacity, load_min, lead_h, people, items)
        ("D_CONTRACT_LOGISTICS", "物流企业有偿储备 contract reserve (logistics firm)", "contract",
         at["P_EDZ"], 4, 600, 30, 4, half, ("water", "instant_food")),
        ("D_CONTRACT_TEXTILE", "纺织企业有偿储备 contract reserve (textile firm)", "contract",
         at["T_YINGLIN"], 2, 600, 45, 6, half, ("quilt", "clothing")),
        ("D_PROVINCE", "省级救灾物资储备 province reserve", "province", 0,
         6, 1000, 60, 24, PROVINCE_TIMES * people, ALL_ITEMS),
    ]  # fmt: skip
    tables = _place_tables(geo) | _depots(geo, towns, people, (6, 600, 45), reserves)
    # 004: 1 centre, 4 sub-centres, 12 stations; 46 ambulances of which 13 negative-pressure.
    ems = [("EMS_C", "centre", "C", 6, 2)] + [(f"EMS_{s}", "subcentre", s, 4, 2) for s in JJ_SUBCENTRES]
    ems += [(f"EMS_{s}", "station", s, 2, int(k < 3)) for k, s in enumerate(JJ_STATIONS)]
    tables["ems_stations.csv"] = _rows("ems_stations.csv", ems)
    sites = [0, 0, at["T_ANHAI"], at["T_CHENDAI"], at["T_SHENHU"]]
    tables["hospitals.csv"] = _hospitals(geo, sites, [0.4, 0.2, 0.15, 0.15, 0.1])
    # 004: 53 town-level teams = fire rescue and flood in each of the 18 towns/streets (36), road
    # clearing in 9 towns (45), forest fire in the 8 hilly towns (53).
    ids = [geo.ids[t] for t in towns]
    teams = [(f"TM_FIRE_{t}", "fire_rescue", t, 25) for t in ids] + [
        (f"TM_FLOOD_{t}", "flood", t, 30) for t in ids
    ]
    teams += [(f"TM_ROAD_{t}", "road_repair", t, 20) for t in JJ_ROAD]
    teams += [(f"TM_FOREST_{t}", "forest_fire", t, 20) for t in JJ_HILLS]
    teams += [
        (f"TM_ENT{k}_{s}", "enterprise", s, 30)
        for k, s in enumerate(["P_EDZ", "P_EDZ", "T_CHENDAI", "T_CIZAO", "T_ANHAI"], 1)
    ]
    teams += [
        (f"TM_VOL{k}_{s}", "volunteer", s, 30) for k, s in enumerate(["C", "C", "T_ANHAI", "T_SHENHU"], 1)
    ]
    teams += [
        (f"TM_BLUESKY{k}_{s}", "volunteer", s, 25, BLUE_SKY_SKILLS)
        for k, s in enumerate(["C", "T_ANHAI", "T_DONGSHI"], 1)
    ]
    tables["teams.csv"] = _teams(teams)
    tables["helipads.csv"] = _rows("helipads.csv", [(f"HP_{s}", s) for s in ["C", "T_ANHAI", "T_SHENHU"]])
    tables["shelters.csv"] = _shelters(geo, [("CITY_I", "I", 80_000), ("CITY_II", "II", 40_000)], towns)
    # urban: the city district, the streets (街道) and the development zone; EMS response
    # times are reported for urban and rural calls separately (sim/ems_tables.py).
    urban = [u[0] for u in JINJIANG_UNITS if u[3] in ("city", "street", "industrial_park")]
    zones = {
        "coast": JJ_COAST,
        "river": JJ_RIVER,
        "hills": JJ_UPLAND,
        "urban": urban,
        "all": geo.ids[: geo.n_units],
    }
    return geo, dict(tables=tables, zones=zones, info=dict(people=people, ems=ems))


# ---------------------------------------------------------------- public entry


def county(preset: str, seed: int = 1, villages: int | None = None) -> ScenarioFiles:
    """A stylised county: preset `zhangshu` (seed 001), `jinjiang` (seed 004) or `county`
    (parametric: `villages` villages, about villages/13 townships). Same seed, same files."""
    if preset in ("zhangshu", "jinjiang") and villages is not None:
        raise ValueError(f"preset {preset!r} has a fixed number of villages; use preset 'county'")
    if preset == "zhangshu":
        geo, out = _grid_county(preset, seed, 300, 22, 550_000)
        about = "Stylised Zhangshu (樟树, Jiangxi): the '1+22' relief-material reserve of seed 001."
    elif preset == "county":
        n = 300 if villages is None else int(villages)
        if n < 20:
            raise ValueError(f"villages must be at least 20, got {n}")
        geo, out = _grid_county(preset, seed, n, max(3, round(n / 13)), round(n * 550_000 / 300))
        about = f"Parametric stylised county: {geo.n_units - 2} townships, {n} villages (Zhangshu-like)."
    elif preset == "jinjiang":
        geo, out = _jinjiang(seed)
        about = "Stylised coastal Jinjiang (晋江, Fujian): the 10-hour relief target of seed 004."
    else:
        raise ValueError(f"unknown preset {preset!r}; choose zhangshu, jinjiang or county")
    tables = {"items.csv": _rows("items.csv", [i[:5] for i in ITEMS]), **out["tables"]}
    provenance = (
        f"Generated by `drsim make-county --preset {preset} --seed {seed}` (sim/scenario/counties.py). "
        "Seed-document figures are quoted in README.md; everything else is stylised. "
        "Geometry is generated, not the real roads."
    )
    meta = {
        "name": preset, "description": about, "provenance": provenance, "licence": "CC-BY-4.0",
        "crs": "EPSG:4326", "stylised": True, "zones": out["zones"],
        "defaults": {"snap_tolerance_km": 0.05, "unload_min": 20, "road_speed_kmh": dict(SPEEDS)},
        "generator": {"module": "sim.scenario.counties", "preset": preset, "seed": seed,
                      "villages": len(geo.ids) - geo.n_units},
    }  # fmt: skip
    body = _readme_jinjiang(geo, out) if preset == "jinjiang" else _readme_grid(preset, geo, out)
    title, rest = body.split("\n", 1)
    intro = (
        f"\nGenerated by `drsim make-county --preset {preset} --seed {seed}` (sim/scenario/counties.py). "
        "**Stylised: geometry is generated, not the real roads.** Licence CC-BY-4.0; WGS84 lon/lat. "
        "Figures from the planning documents name their seed file (seeds/00N); every other number "
        "is stylised/assumed, with a one-line reason.\n"
    )
    return ScenarioFiles(
        meta=meta,
        tables=tables,
        readme=title + "\n" + intro + rest + _readme_common(geo, tables, preset, seed),
    )


# ---------------------------------------------------------------- READMEs


def _n(x: float) -> str:
    return f"{x:,.0f}"


def _table(header: list[str], rows: list[list]) -> str:
    lines = [header, ["---"] * len(header), *rows]
    return "\n".join("| " + " | ".join(str(c) for c in line) + " |" for line in lines)


def _readme_grid(preset: str, geo: Geo, out: dict) -> str:
    i, z = out["info"], out["zones"]
    n_t, n_v, pop = geo.n_units - 2, len(geo.ids) - geo.n_units, int(geo.pop.sum())
    amb, neg = sum(e[3] for e in i["ems"]), sum(e[4] for e in i["ems"])
    if preset == "zhangshu":
        head = f"""# zhangshu — a stylised Zhangshu (樟树, Jiangxi)

- {n_t} townships/streets/farms, 1 industrial park, {n_v} administrative villages/communities (seeds/001:
  "22个乡镇(街道、场)、1个工业园区及300个行政村(社区)"). 001 names none of them and gives no split
  between townships, streets and farms, so all are kind `township` with neutral names (乡镇01 Township 01)."""
    else:
        head = f"""# county — a parametric stylised county ({n_v:,} villages)

- Zhangshu's proportions, scaled (stylised): {n_t:,} townships = max(3, round(villages / 13)) (001: 300
  villages in 23 units), 1 industrial park, {n_v:,} villages, 1,833 people per village. County-level
  services (flood team, fire brigade, city depot trucks, EMS centre) are multiplied by {i["n_cty"]} =
  round(townships / 22): one set per Zhangshu-sized block."""
    return (
        head
        + f"""
- A city place `C` (the urban district) is its own unit, so the city depot has a home (stylised). It owns
  {_n(i["city_v"])} urban communities and the park {_n(i["park_v"])}; the townships share the other
  {n_v - i["city_v"] - i["park_v"]:,} (at least one each, random shares). All count within the {n_v:,}.
- Population {_n(pop)}: stylised (no seed gives one). Lognormal village sizes (sigma 0.6), urban
  communities 2.5x larger, at least 100 people. Township, park and city places hold 0 people:
  everyone lives in a village or community.
- Zones: `river` = {len(z["river"])} townships nearest a stylised SW-NE river line through the city
  (Zhangshu lies on the Gan River, general knowledge; 001 names no river, only dyke patrols in the flood
  season); `hills` = {len(z["hills"])} townships farthest from it on the NW side (stylised uplands);
  `all` = every unit.
- Depots, the "1+22" model (001: "1个市本级救灾物资储备库和22个乡镇(街道、场)救灾物资储备点";
  "每个主要品类满足保障3500人标准配备，共储备各类救灾物资2万余件"): a city depot + one point per
  township; the park has none (served from the city). Each item is stocked for {_n(i["people"])} people
  over these depots together: {CITY_SHARE:.0%} at the city depot, the rest over the points in
  proportion to township population. Why (stylised; 001 does not state the split): 001 asks for
  分级管理、反应迅速, so most stock waits next to the villages for the first hours, while the city
  keeps a pool that can go wherever the disaster is (a flood hits a few townships, not all of them).
- Contract reserve (at the park, lead 4 h): a logistics-firm/supermarket agreement holding water and
  food for {_n(i["people"])} people. 001 has none; 003 lists 商业协议储存 in its "1+4" system and 004
  third-party paid reserves. 4 h (stylised): call-off and picking, leaving time inside the 10 h (004) and
  12 h (003) targets; consumables suit a firm's rotating stock.
- Province reserve (at `C`, where its trucks enter, lead 24 h): every item for {PROVINCE_TIMES}x the
  county's own {_n(i["people"])} people (stylised). 003: provincial reserve "as backup". 24 h (stylised):
  request, approval and the drive from the provincial depot; it matters only for the 24 h target.
- EMS (no seed gives Zhangshu's fleet; assumed): a centre at `C` (4 ambulances, 1 negative-pressure;
  in big counties a sub-centre like it in the largest town of each further block) and a station of 2
  at every fifth township, picked farthest-first from the city for even cover, the first half with 1
  negative-pressure: {amb} ambulances ({neg} negative-pressure), about one per 45,000 people, the
  ratio of Jinjiang's 46 for about 2 M (004).
- Hospitals at `C` and the largest townships (one per 11): beds 3.0 per 1,000 people (stylised,
  county general hospitals only), 60 % at `C`; infectious beds 3.0 per 10,000 (000, Zhuji "≥3.0").
- Teams (counts from 001, aggregated; sizes stylised): flood 370 per block (001 "370余人"); a
  fire_rescue team of 30 (001: agreement with the city fire brigade, 2024-02-29); 001's 283
  semi-professional teams as one team per township, shared by villages, 12 members per original team
  (002: every township team ≥ 10); 001's 16 forest-fire teams over the `hills` townships, 15 members
  per team; 001's 43 enterprise teams as park 45 %, city 25 %, the two largest townships 15 % each, 15
  members per team; road repair, 30 each, at `C` and each hospital town (stylised; 001's 350 large
  machines and 41 water technicians are not modelled); the Red Cross first-aid team (001), 20 members.
  Rescue skills (configs/rescue/default.yaml `skills`): the flood and fire teams do water rescue, the
  fire and township teams (earthquake-trained) collapse rescue, the township (geological-hazard) and
  forest-fire teams mountain rescue; enterprise teams (hazmat, machinery) and the Red Cross first-aid
  team do no rescue of trapped people.
- Helipads at `C` and the townships farthest from it (stylised; 001 names none).
- Shelters: 湿地公园 class I, 药都公园 class II, 鹿江公园 class III (001) at `C` (generic names in the
  `county` preset), areas 60,000, 30,000 and 15,000 m² (stylised; 001 gives none); one class III
  shelter per township (below).
"""
    )


def _readme_jinjiang(geo: Geo, out: dict) -> str:
    i, pop = out["info"], int(geo.pop.sum())
    named = "、".join(u[1] for u in JINJIANG_UNITS[2:] if u[6])
    added = "、".join(u[1] for u in JINJIANG_UNITS[2:] if not u[6])
    return f"""# jinjiang — a stylised coastal Jinjiang (晋江, Fujian)

- Units named in seeds/004: {named}, and 经济开发区 (kind industrial_park; 004 is addressed to its
  管委会). Added from general knowledge, not the seeds (Jinjiang has 13 towns and 6 streets): {added};
  the city place `C` stands for 青阳 street. 晋华科学园 (004) lies in 新塘 and is not a unit.
  Positions roughly follow the real ones (about 2 km), stylised; the coast is on the east and south.
- {len(geo.ids) - geo.n_units} villages/communities (stylised; 004 gives no count), shared by weight:
  town 22, street 15, city 20, park 6, at least 2 each.
- Population {_n(pop)}: stylised (004 gives none; the order of Jinjiang's real population).
  Lognormal village sizes (sigma 0.6), communities of the city, streets and park 2.5x larger.
- Zones: `coast` = the 8 coastal towns (004 names typhoon, storm surge, waves); `river` = 磁灶, 池店,
  陈埭 on a stylised Jin River along the northern edge (004: 江海堤防, 山洪); `hills` = 紫帽, 磁灶, 内坑,
  灵源 (the north-western uplands, for landslides and forest fire; general knowledge, stylised);
  `urban` = the city district, the five streets and the development zone (street/town is China's
  urban/rural unit split; EMS response is reported for each); `all` = every unit.
- Depots (004: "市、镇（街道）救灾物资储备网络", no counts or sizes): a city depot at `C` + one point
  per town/street (18); the development zone has none. Each item is stocked for {_n(i["people"])}
  people: Zhangshu's ratio (001: 3,500 people) applied to {_n(pop)} (stylised); {CITY_SHARE:.0%} at the
  city depot and the rest in proportion to population, as for Zhangshu.
- Contract reserves (004: third-party paid reserves "按照10小时救灾物资到位的目标…确保随用随调"):
  a logistics firm in the development zone with water and food for {_n(i["people"] // 2)} people,
  lead 4 h; a textile firm at 英林 (Jinjiang's garment industry, general knowledge) with quilts and
  clothing for {_n(i["people"] // 2)} people, lead 6 h. Leads stylised, leaving at least 4 h of
  delivery inside the 10 h target.
- Province reserve at `C`, lead 24 h, every item for {PROVINCE_TIMES}x the county stock (stylised:
  request, approval and the drive from the provincial depot).
- EMS (004, 000): "1个急救中心、4个急救分中心、12个急救站…46辆监护型救护车（含13辆负压型）".
  Spread (stylised): centre at `C` 6 (2 negative-pressure); sub-centres at 安海, 陈埭, 深沪, 磁灶 (one
  per quarter) 4 (2) each; stations at nine towns and 新塘, 罗山, 灵源 2 each, the first three with 1
  negative-pressure. Total {sum(e[3] for e in i["ems"])} ({sum(e[4] for e in i["ems"])}).
- Hospitals: two at `C`, one each at 安海, 陈埭, 深沪 (stylised). Beds 3.0 per 1,000 people
  (stylised); infectious beds 3.0 per 10,000 (000, Zhuji "≥3.0").
- Teams (004, 000): the 53 town-level professional/part-time teams ("53支镇级应急救援专、兼职队伍":
  fire rescue, road clearing, flood and drought, forest fire) as fire rescue (25 members) and flood (30)
  in each of the 18 towns/streets, road clearing (20) in 9 towns, forest fire (20) in 8 hilly towns;
  5 enterprise teams (30), 4 social volunteer teams (30), 3 Blue Sky teams (25). Members stylised
  (002: every team ≥ 10). Rescue skills: fire rescue teams do water and collapse rescue, flood teams
  water, forest-fire teams mountain slopes (configs/rescue/default.yaml `skills`); the Blue Sky teams
  are given water and mountain rescue (their usual training), the social volunteer teams first aid
  and relief distribution only.
- Helipads at `C`, 安海 and 深沪 (004 key project 18: "至少布局建设3个应急救援直升机临时起降点").
- Shelters (004 gives none): two city parks, class I 80,000 m² and class II 40,000 m² (stylised), and
  one class III shelter per town/street (below).
"""


def _readme_common(geo: Geo, tables: dict, preset: str, seed: int) -> str:
    tier = {d["depot_id"]: d["tier"] for d in tables["depots.csv"]}
    held: dict[tuple[str, str], list[int]] = {}
    for s in tables["stock.csv"]:
        held.setdefault((s["item"], tier[s["depot_id"]]), []).append(s["qty"])
    rows = []
    for item, unit, need, cls, basis, _ in ITEMS:
        pts = held[(item, "township")]
        city, contract, province = (
            _n(sum(held.get((item, t), [0]))) for t in ("city", "contract", "province")
        )
        points = f"{_n(sum(pts))} ({min(pts)}-{max(pts)})"
        rows.append([item, unit, need, basis, cls, city, points, contract, province])
    head = ["item", "unit", "need/person", "basis", "class", "city depot", "township points: sum (min-max)"]
    stock = _table([*head, "contract", "province"], rows)
    own = sum(s["qty"] for s in tables["stock.csv"] if tier[s["depot_id"]] in ("city", "township"))
    depots = [d for d in tables["depots.csv"] if d["tier"] != "township"]
    rows = [[d[k] for k in ("depot_id", "tier", "trucks", "truck_capacity", "load_min")] for d in depots]
    rows = [[*r, d.get("lead_time_h") or ""] for r, d in zip(rows, depots, strict=True)]
    two = sum(d["trucks"] == 2 for d in tables["depots.csv"] if d["tier"] == "township")
    pts = sum(d["tier"] == "township" for d in tables["depots.csv"])
    rows.append([f"{pts} township points", "township", f"1 ({pts - two}) or 2 ({two})", *TOWNSHIP_TRUCK, ""])
    trucks = _table(["depot", "tier", "trucks", "capacity (units)", "load min", "lead h"], rows)
    classes = list(geo.edges.values())
    km = dict.fromkeys(SPEEDS, 0.0)
    for c, length in zip(classes, geo.lengths.tolist(), strict=True):
        km[c] += length
    roads = "; ".join(f"{c}: {classes.count(c):,} edges, {_n(km[c])} km, {v} km/h" for c, v in SPEEDS.items())
    highway = "along the coast, plus a link to the city" if preset == "jinjiang" else "along the river"
    total_note = " (001: 2万余件)" if preset == "zhangshu" else ""
    return f"""
## Relief items and stock (stylised: no seed names the categories or quantities)

{stock}

Six main categories. Water and food are needed every day (`basis: day`): half a case of water
(3.3 L) a person a day, Sphere's drinking-water survival need of 2.5-3 L a day (Sphere Handbook 2018,
water supply standard 2.1; the rest of its 15 L for cooking and washing comes from water trucks and
local sources, which the model leaves out), and one box of a day's ready-to-eat meals (Sphere: 2,100
kcal a day). Once per person (`basis: once`): 1 quilt; one 12 m² relief tent per family of about four
(0.25); a folding bed per two people (children share; 0.5); 1 set of clothing. Water and food are
`initial` (12 h target, 003), the rest `basic` (24 h target, 003); a target asks for the first day's
water and food. The stock is sized for 2 days of water and food (1 case, 2 boxes a person): 5.75 units
per person; the city depot and the township points hold {_n(own)} items{total_note}.

## Trucks (not in the seeds: stylised)

{trucks}

No seed gives a truck or fleet count (001's 350 large machines are not identified as trucks). City and
contract depots: 8 t box trucks (6.8 m, about 600 mixed relief units by volume), forklift-loaded in
45 min (30 min at a logistics firm's dock). Township points: one 4.2 m light truck (300 units), two at
the larger half by population, hand-loaded in 30 min. Province: 9.6 m trucks, 1,000 units, 60 min.
Unloading at a village: 20 min (`defaults.unload_min`; stylised: by hand, with helpers).

## Roads (stylised: geometry is generated, not the real roads)

{len(geo.ids):,} nodes; {roads}. Every place is its own road node (snap distance 0).
Speeds are the design speeds of the Chinese highway standard JTG B01-2014 for the class each road
stands for: highway = class-1 trunk (80), county = class-2 (60), township = class-3 (40), village =
class-4 (20-30, taken as 25). Design speeds are an upper bound for a loaded truck: override
`road_speed_kmh.*` for damage or congestion. Unit seats are joined by a minimum spanning tree (county
roads), a link to each seat's two nearest seats (township roads, so most seats have two ways in) and
highways {highway}. Villages hang off their seat on a spanning tree (a township road from the seat,
village roads beyond; urban streets are township roads), and {LOOP_SHARE:.0%} of them get a second
link, so some villages sit behind a single road and some do not. Edge length = straight-line distance
x a circuity factor drawn from 1.2-1.4 per edge (measured road/straight-line ratios are typically
1.2-1.4; rural and hilly roads at the upper end).

## Teams: mobilisation and turnout (stylised)

002: teams are called "由上级电话或手机短信通知…必须到位施救" (by phone or SMS, then must report on
site); no seed gives an assembly time. Minutes from call to assembled: fire rescue 10 (on duty),
semi-professional and forest fire 45 (members live in the township), flood and enterprise 60 (members
spread over the city or on shift), road repair 90 (machinery must be fetched), volunteers 120.
Turnout (share of members who come): on duty 1.0, road repair 0.9, flood 0.85, township teams 0.8,
enterprise 0.7, volunteers 0.6. Rescue teams (sim/model/teams.py) leave with members x turnout,
rounded; volunteers instead accept one by one with probability `turnout`, assemble after an
exponential delay with mean `mobilisation`, and leave when 10 have gathered (002: every team ≥ 10)
or all who accepted, if fewer (at least 3).

Township shelters: class III, 2.5 m² per person (003: "人均应急避难场所面积不低于2.5㎡") for a tenth of
the unit's people, at least 2,000 m² (stylised).

Licence CC-BY-4.0 (generated data). Regenerate with `drsim make-county --preset {preset} --seed {seed}`;
the same seed gives byte-identical files.
"""
