"""The `tiny` scenario: small enough that every delivery time can be computed by hand.

10 road nodes, 1 city depot, 2 township points, 4 villages. Positions are in km
east/north of an origin and converted to lon/lat; every edge length is at least
its straight-line distance, and every speed is a round number, so travel
minutes are whole numbers (county 60 km/h = 1 km/min, township 30 km/h,
village 20 km/h).
"""

from __future__ import annotations

import math

from sim.authoring.write import ScenarioFiles
from sim.units import EARTH_RADIUS_KM

ORIGIN_LON, ORIGIN_LAT = 115.50, 28.00
KM_PER_DEG_LAT = EARTH_RADIUS_KM * math.pi / 180.0


def lonlat(x_km: float, y_km: float) -> tuple[float, float]:
    lat = ORIGIN_LAT + y_km / KM_PER_DEG_LAT
    lon = ORIGIN_LON + x_km / (KM_PER_DEG_LAT * math.cos(math.radians(ORIGIN_LAT)))
    return round(lon, 6), round(lat, 6)


# node: (x_km, y_km)
NODES = {
    "n0": (0, 0),  # city C
    "n1": (30, 8),  # township T1 seat
    "n2": (30, -12),  # township T2 seat
    "n3": (34, 10),  # village V1
    "n4": (28, 11),  # village V2
    "n5": (35, -15),  # village V3
    "n6": (37, -17),  # village V4 (behind the only bridge n5-n6)
    "n7": (25, 0),  # junction J
    "n8": (36, -3),  # hill road between V1 and V3
    "n9": (15, -10),  # southern bypass
}
# (u, v, length_km, road_class): minutes = county 1 per km, township 2 per km, village 3 per km
EDGES = [
    ("n0", "n7", 30, "county"),  # 30 min
    ("n7", "n1", 12, "county"),  # 12 min
    ("n7", "n2", 18, "county"),  # 18 min
    ("n1", "n3", 5, "township"),  # 10 min
    ("n1", "n4", 4, "village"),  # 12 min
    ("n2", "n5", 6, "township"),  # 12 min
    ("n5", "n6", 3, "village"),  # 9 min, the only way to V4
    ("n3", "n8", 15, "village"),  # 45 min
    ("n8", "n5", 15, "village"),  # 45 min
    ("n0", "n9", 25, "township"),  # 50 min
    ("n9", "n2", 20, "township"),  # 40 min
]
PLACES = [
    # place_id, name, kind, township_id, node, population
    ("C", "City", "city", "C", "n0", 0),
    ("T1", "Township 1", "township", "T1", "n1", 0),
    ("T2", "Township 2", "township", "T2", "n2", 0),
    ("V1", "Village 1", "village", "T1", "n3", 1000),
    ("V2", "Village 2", "village", "T1", "n4", 600),
    ("V3", "Village 3", "village", "T2", "n5", 800),
    ("V4", "Village 4", "village", "T2", "n6", 500),
]


def tiny() -> ScenarioFiles:
    places = []
    for pid, name, kind, town, node, pop in PLACES:
        lon, lat = lonlat(*NODES[node])
        places.append(
            dict(place_id=pid, name=name, kind=kind, township_id=town, lon=lon, lat=lat, population=pop)
        )
    nodes = [dict(node_id=n, lon=lonlat(*xy)[0], lat=lonlat(*xy)[1]) for n, xy in NODES.items()]
    edges = [dict(u=u, v=v, length_km=km, road_class=cls) for u, v, km, cls in EDGES]
    meta = {
        "name": "tiny",
        "description": "Hand-checkable test county: 1 city depot, 2 township points, 4 villages.",
        "provenance": "Made up for tests by `drsim make-county --preset tiny`; not a real place.",
        "licence": "CC0-1.0",
        "crs": "EPSG:4326",
        "stylised": True,
        "zones": {
            "river": ["T1", "T2"],
            "north": ["T1"],
            "south": ["T2"],
            "hills": ["T2"],
            "all": ["C", "T1", "T2"],
            "typhoon": ["C", "T1", "T2"],  # the townships a typhoon covers (configs/hazard/typhoon.yaml)
        },
        "defaults": {
            "snap_tolerance_km": 0.5,
            "unload_min": 15,
            "road_speed_kmh": {"county": 60, "township": 30, "village": 20},
        },
        "generator": {"preset": "tiny"},
    }
    return ScenarioFiles(
        meta=meta,
        tables={
            "places.csv": places,
            "road_nodes.csv": nodes,
            "road_edges.csv": edges,
            "items.csv": [
                dict(
                    item="water",
                    unit="case (12 x 550 mL)",
                    need_per_person=1,
                    basis="once",
                    **{"class": "initial"},
                ),
                dict(item="quilt", unit="piece", need_per_person=1, basis="once", **{"class": "basic"}),
            ],
            "depots.csv": [
                dict(
                    depot_id="D_C",
                    name="City depot",
                    tier="city",
                    place_id="C",
                    trucks=2,
                    truck_capacity=150,
                    load_min=30,
                ),
                dict(
                    depot_id="D_T1",
                    name="Township 1 point",
                    tier="township",
                    place_id="T1",
                    trucks=1,
                    truck_capacity=100,
                    load_min=20,
                ),
                dict(
                    depot_id="D_T2",
                    name="Township 2 point",
                    tier="township",
                    place_id="T2",
                    trucks=1,
                    truck_capacity=100,
                    load_min=20,
                ),
            ],
            "stock.csv": [
                dict(depot_id="D_C", item="water", qty=200),
                dict(depot_id="D_C", item="quilt", qty=200),
                dict(depot_id="D_T1", item="water", qty=100),
                dict(depot_id="D_T1", item="quilt", qty=50),
                dict(depot_id="D_T2", item="water", qty=100),
                dict(depot_id="D_T2", item="quilt", qty=100),
            ],
            "ems_stations.csv": [
                dict(station_id="S_C", kind="centre", place_id="C", ambulances=2, negative_pressure=1)
            ],
            "hospitals.csv": [dict(hospital_id="H_C", place_id="C", beds=50, infectious_beds=4)],
            "teams.csv": [
                dict(
                    team_id="TM_T1",
                    kind="semi_professional",
                    base_place_id="T1",
                    members=12,
                    skills="water;collapse",
                    mobilisation=60,
                    turnout=1.0,
                    boats=1,
                    machines=1,
                )
            ],
            "shelters.csv": [
                dict(shelter_id="SH_T1", **{"class": "II"}, place_id="T1", area_m2=250),
                dict(shelter_id="SH_T2", **{"class": "III"}, place_id="T2", area_m2=150),
            ],
        },
        readme=README,
    )


README = """# tiny — a hand-checkable test county

Made up for tests (`drsim make-county --preset tiny`); not a real place. Licence CC0-1.0.

- 10 road nodes, 11 edges; coordinates are km offsets from (115.50 E, 28.00 N), WGS84.
- Road classes and speeds (chosen so minutes are whole numbers, not from the plans):
  county 60 km/h (1 min/km), township 30 km/h (2 min/km), village 20 km/h (3 min/km).
- 1 city depot (2 trucks x 150 units, 30 min to load), 2 township points
  (1 truck x 100 units each, 20 min to load); unloading 15 min everywhere.
- 4 villages: V1 (1,000 people) and V2 (600) in township T1; V3 (800) and V4 (500) in T2.
  V4 lies behind a single bridge (n5-n6), for road-damage tests.
- Items: water (initial relief, 1 case per displaced person), quilt (basic relief, 1 per person).
- Zones for hazard footprints: `river` (T1, T2), `north` (T1), `south` (T2), `hills` (T2),
  `all` (C, T1, T2).
- Shelters: SH_T1 at T1 (250 m², 100 people at 2.5 m²) and SH_T2 at T2 (150 m², 60 people).
- One rescue team, TM_T1 at T1: 12 members, water and collapse rescue, leaves 60 min after onset,
  1 boat and 1 large machine (so one boat crew and one collapse crew; tests/test_rescue.py).

The travel minutes on the fastest paths are written out in `tests/test_tiny_by_hand.py`.
"""
