"""The parts every generated county is made of: items and stock rules, teams and their
equipment, units and their villages placed on a plane, the road network, and the services
(depots, hospitals, teams, shelters) as scenario rows.

Every figure that shapes an answer carries its source (a seed document, a standard) or a
one-line reason beside it. Randomness comes only from named streams
`sim.rng.stream(seed, 0, "make_county.<part>")` and every collection is ordered, so one seed
gives byte-identical files. The counties themselves (which units, which zones) are
sim/authoring/county_layouts.py; `county()` in sim/authoring/counties.py puts them together.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from sim.authoring.divisions import Village
from sim.authoring.write import COLUMNS
from sim.rng import stream
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


# Rescue equipment (sim/model/teams.py: a water crew needs a boat, a collapse crew a large
# machine). No seed counts boats; 001 counts 350 large rescue machines (SEED_MACHINES per county
# block), of which the fire and enterprise teams hold their kind's share below and the township
# teams the rest, in proportion to members (registered in the townships, requisitioned by their
# teams). Assumed per kind: a flood team one assault boat per 20 members; a fire rescue team one
# boat and 3 machines (its own rescue vehicles and a crane on call); a township team one boat;
# an enterprise team one machine per 10 members (it does no collapse rescue: they stand idle
# unless a planner moves them); a volunteer team with water skills one boat.
SEED_MACHINES = 350


def team_equipment(kind: str, members: int, skills: str) -> tuple[int, int]:
    """(boats, machines) a team of `kind` brings, before a county's machine allocation."""
    if kind == "flood":
        return math.ceil(members / 20), 0
    if kind == "fire_rescue":
        return 1, 3
    if kind == "semi_professional":
        return 1, 0
    if kind == "enterprise":
        return 0, members // 10
    if kind == "volunteer" and "water" in skills.split(";"):
        return 1, 0
    return 0, 0


@dataclass
class Unit:
    """A township-level unit: the seat (city), a township/town/street/farm or a park."""

    id: str
    zh: str
    en: str
    kind: str  # the model's kind: city | township | industrial_park
    x: float = 0.0  # km east of the scenario origin
    y: float = 0.0  # km north
    urban: bool = False  # urban units: larger communities, better streets
    code: str = ""  # official statistical code (9 digits), when built from a division list
    division_kind: str = ""  # street | town | township | park | farm (sim/authoring/divisions.py)
    villages: tuple[Village, ...] = ()  # its official village-level units, in code order

    @property
    def label(self) -> str:
        return f"{self.zh} {self.en}" if self.en else self.zh


@dataclass
class Geo:
    """The generated geography: places (the units first, city at 0, then villages) and roads."""

    lon0: float
    lat0: float
    units: list[Unit]
    ids: list[str]
    names: list[str]
    codes: list[str]  # official statistical codes ("" for generated places)
    division_kinds: list[str]  # street|town|township|park|farm|community|village, or ""
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


def _geography(units: list[Unit], counts, population: int, seed: int, lon0: float, lat0: float) -> Geo:
    """Villages scattered around each unit seat, and their populations.

    Units built from a division list bring their own villages (official names and codes; a
    community is 2.5x the size of a village); otherwise `counts` villages per unit get neutral
    names, the communities of urban units 2.5x the size."""
    rng = _rng(seed, "villages")
    official = any(u.villages for u in units)
    if official:
        counts = [len(u.villages) for u in units]
    ux, uy = np.array([u.x for u in units]), np.array([u.y for u in units])
    gap = np.hypot(ux[:, None] - ux, uy[:, None] - uy)
    np.fill_diagonal(gap, np.inf)
    # Villages stay within half the distance to the nearest other seat, so units barely overlap.
    radius = np.maximum(0.5 * gap.min(axis=1), 0.8)
    owner = np.repeat(np.arange(len(units)), counts)
    r = radius[owner] * np.sqrt(rng.random(len(owner)))  # uniform over the disc
    angle = 2 * np.pi * rng.random(len(owner))
    if official:
        large = np.array([v.kind == "community" for u in units for v in u.villages])
    else:
        large = np.array([u.urban for u in units])[owner]
    size = _rng(seed, "population").lognormal(0.0, 0.6, len(owner)) * np.where(large, 2.5, 1)
    ids, names = [u.id for u in units], [u.label for u in units]
    codes, kinds = [u.code for u in units], [u.division_kind for u in units]
    width, serial = len(str(len(owner))), np.zeros(len(units), dtype=np.int64)
    for i, o in enumerate(owner):
        serial[o] += 1
        u = units[o]
        if official:
            v = u.villages[serial[o] - 1]
            ids.append(f"V{v.code[6:]}")  # township and village digits: unique in the county
            names.append(v.name)
            codes.append(v.code)
            kinds.append(v.kind)
            continue
        zh, en = ("社区", "community") if u.urban or u.kind != "township" else ("村", "village")
        ids.append(f"V{i + 1:0{width}d}")
        names.append(f"{u.zh}{zh}{serial[o]:02d} {u.en} {en} {serial[o]:02d}")
        codes.append("")
        kinds.append("")
    return Geo(
        lon0, lat0, units, ids, names, codes, kinds,
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
    near = min(2, n - 1)  # a county of one or two units has fewer neighbours to link
    for i, row in enumerate(np.argpartition(d, near - 1, axis=1)[:, :near] if near else []):
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
    rows = zip(
        geo.ids,
        geo.names,
        kinds,
        owner,
        lon,
        lat,
        geo.pop.tolist(),
        geo.codes,
        geo.division_kinds,
        strict=True,
    )
    lengths = geo.lengths.tolist()
    edges = [
        (geo.ids[a], geo.ids[b], km, c) for ((a, b), c), km in zip(geo.edges.items(), lengths, strict=True)
    ]
    return {
        "places.csv": _rows("places.csv", rows),
        "road_nodes.csv": _rows("road_nodes.csv", zip(geo.ids, lon, lat, strict=True)),
        "road_edges.csv": _rows("road_edges.csv", edges),
    }


def _depots(
    geo: Geo, points: list[int], people: int, city: tuple, reserves: list[tuple], county_zh: str
) -> dict:
    """City depot + one point per township: each item stocked for `people` displaced people,
    CITY_SHARE at the city and the rest over the points in proportion to population.
    `city` is (trucks, capacity, load_min); a reserve is (id, name, tier, place, trucks,
    capacity, load_min, lead_h, people, items)."""
    upop = geo.unit_pop()
    median = float(np.median(upop[points]))
    depots = [("D_CITY", f"{county_zh}救灾物资储备库 city depot", "city", geo.ids[0], *city)]
    for t in points:
        u, trucks = geo.units[t], 2 if upop[t] >= median else 1
        name = f"{u.zh}救灾物资储备点" + (f" {u.en} point" if u.en else "")
        depots.append((f"D_{u.id}", name, "township", u.id, trucks, *TOWNSHIP_TRUCK))
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


def _teams(rows: list[tuple], machines: int | None = None) -> list[dict]:
    """(team_id, kind, base place, members[, skills]) rows, with the kind's skills (unless given),
    mobilisation, turnout and equipment (team_equipment); `machines`, when given, is the county's
    whole count of large machines, the township teams getting what the other kinds leave."""
    out = []
    for t, k, p, m, *skills in rows:
        if m > 0:
            kind_skills, mobilisation, turnout = TEAM_DEFAULTS[k]
            sk = skills[0] if skills else kind_skills
            out.append([t, k, p, int(m), sk, mobilisation, turnout, *team_equipment(k, int(m), sk)])
    if machines is not None:
        semi = [r for r in out if r[1] == "semi_professional"]
        rest = machines - sum(r[8] for r in out)
        if semi and rest > 0:
            for r, q in zip(semi, _allocate(rest, [r[3] for r in semi]).tolist(), strict=True):
                r[8] += q
    return _rows("teams.csv", [tuple(r) for r in out])


def _shelters(geo: Geo, city: list[tuple[str, str, int]], towns: list[int]) -> list[dict]:
    """City shelters as given; one class III per township: 2.5 m² (003) for a tenth of its people."""
    upop = geo.unit_pop()
    rows = [(f"SH_{name}", cls, geo.ids[0], area) for name, cls, area in city]
    rows += [
        (f"SH_{geo.ids[t]}", "III", geo.ids[t], int(max(2000, round(0.25 * upop[t], -2)))) for t in towns
    ]
    return _rows("shelters.csv", rows)
