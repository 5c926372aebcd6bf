"""The `mmc` scenario: the degenerate county of the queueing check mode.

One ambulance station and one (empty) community on the same road node, so every
drive takes zero minutes; the check mode (configs/ems/mmc.yaml) sets the number
of ambulances, the call rate and the service time. The files it needs besides
(items, a depot, a hospital) are there only so the folder loads through the
normal loader; nobody lives here, so no relief is ever needed.
"""

from __future__ import annotations

from sim.authoring.write import ScenarioFiles

LON, LAT = 115.50, 28.00


def mmc() -> ScenarioFiles:
    meta = {
        "name": "mmc",
        "description": "Queueing check mode: one ambulance station, zero travel (DESIGN section 5).",
        "provenance": "Made up by `drsim make-county --preset mmc`; not a place.",
        "licence": "CC0-1.0",
        "crs": "EPSG:4326",
        "stylised": True,
        "zones": {"all": ["C"]},
        "defaults": {"snap_tolerance_km": 0.1, "unload_min": 0, "road_speed_kmh": {"county": 60}},
        "generator": {"preset": "mmc"},
    }
    return ScenarioFiles(
        meta=meta,
        tables={
            "places.csv": [
                dict(
                    place_id="C",
                    name="Station town",
                    kind="city",
                    township_id="C",
                    lon=LON,
                    lat=LAT,
                    population=0,
                ),
                dict(
                    place_id="V",
                    name="Caller",
                    kind="village",
                    township_id="C",
                    lon=LON,
                    lat=LAT,
                    population=0,
                ),
            ],
            # A second node only because a road graph needs an edge; nothing drives on it.
            "road_nodes.csv": [
                dict(node_id="n0", lon=LON, lat=LAT),
                dict(node_id="n1", lon=LON + 0.01, lat=LAT),
            ],
            "road_edges.csv": [dict(u="n0", v="n1", length_km=1, road_class="county")],
            "items.csv": [
                dict(item="water", unit="case", need_per_person=1, basis="once", **{"class": "initial"}),
                dict(item="quilt", unit="piece", need_per_person=1, basis="once", **{"class": "basic"}),
            ],
            "depots.csv": [
                dict(
                    depot_id="D_C",
                    name="Depot",
                    tier="city",
                    place_id="C",
                    trucks=0,
                    truck_capacity=1,
                    load_min=0,
                )
            ],
            "stock.csv": [],
            "ems_stations.csv": [
                dict(station_id="S", kind="centre", place_id="C", ambulances=1, negative_pressure=0)
            ],
            "hospitals.csv": [dict(hospital_id="H", place_id="C", beds=0, infectious_beds=0)],
            "teams.csv": [],
        },
        readme=README,
    )


README = """# mmc — the queueing check mode

Made up (`drsim make-county --preset mmc`); not a place. Licence CC0-1.0.

One ambulance station `S` and one community `V` on the same road node: every drive
takes zero minutes. With `scenario=mmc` the EMS runs in its check mode
(`configs/ems/mmc.yaml`): `ems.servers` ambulances at `S` (the 1 in
`ems_stations.csv` is replaced), Poisson calls at `ems.calls_per_h`, each keeping an
ambulance busy for a service time (`ems.service_dist`, mean `ems.service_mean_min`),
no scene, hospital or return stage. `ems.when_all_busy=queue` gives M/G/c (M/M/c:
Erlang C), `divert` gives M/G/c/c (Erlang B).

The other files (two items, an empty depot, a hospital without beds, the second road
node) exist only so the folder loads through the normal loader. Population is 0, so
no hazard displaces anyone and no routine calls arise.
"""
