"""The layouts of the generated counties: which units a county has, where they sit, which are
on the river, in the hills or on the coast, and which services each holds.

Zhangshu (from its official division list, with the river and hill towns public pages name),
the parametric `county` of any size (Zhangshu's proportions, scaled), a county from any
official division list, and Jinjiang (its units, coast, river and EMS stations). Positions
and populations are generated (stylised), never real; each figure from a seed document names
its seed file. The parts they are built from are sim/authoring/county_base.py.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np

from sim.authoring import divisions
from sim.authoring.county_base import (
    ALL_ITEMS,
    BLUE_SKY_SKILLS,
    LON_LAT,
    PROVINCE_TIMES,
    SEED_MACHINES,
    STOCK_PER_PERSON,
    UNIT_AREA_KM2,
    Geo,
    Unit,
    _allocate,
    _depots,
    _farthest_first,
    _geography,
    _hospitals,
    _km,
    _mst,
    _place_tables,
    _rng,
    _roads,
    _rows,
    _shelters,
    _teams,
)
from sim.authoring.divisions import Divisions

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
    # times are reported for urban and rural calls separately (sim/results/ems_tables.py).
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
