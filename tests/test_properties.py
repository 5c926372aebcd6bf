"""Property-based tests: small random valid counties and configurations never crash, keep every
invariant of the event log, and give well-formed tables."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import scenario
from sim.authoring.tiny import lonlat
from sim.authoring.write import ScenarioFiles, write_scenario
from sim.checks import invariants
from sim.model import world
from sim.results import metrics, tables
from tests.conftest import settings_for


@st.composite
def counties(draw):
    """A random connected county: townships on a ring road, villages hanging off them."""
    n_town = draw(st.integers(1, 4))
    villages_per = draw(st.lists(st.integers(1, 4), min_size=n_town, max_size=n_town))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    nodes, edges, places = {"C": (0.0, 0.0)}, [], [("C", "city", "C", 0)]
    for t in range(n_town):
        angle = 2 * math.pi * t / n_town
        tid = f"T{t}"
        nodes[tid] = (20 * math.cos(angle), 20 * math.sin(angle))
        places.append((tid, "township", tid, 0))
        edges.append(("C", tid, "county"))
        if t:
            edges.append((f"T{t - 1}", tid, draw(st.sampled_from(["county", "township"]))))
        for k in range(villages_per[t]):
            vid = f"V{t}_{k}"
            x, y = nodes[tid]
            nodes[vid] = (x + rng.uniform(-6, 6), y + rng.uniform(-6, 6))
            places.append((vid, "village", tid, int(rng.integers(50, 3000))))
            edges.append((tid if k == 0 else f"V{t}_{k - 1}", vid, "village"))
    rows_e = []
    for u, v, cls in edges:
        (x1, y1), (x2, y2) = nodes[u], nodes[v]
        crow = math.hypot(x1 - x2, y1 - y2)
        rows_e.append(dict(u=u, v=v, length_km=round(crow * 1.3 + 0.5, 3), road_class=cls))
    towns = [p for p in places if p[1] == "township"]
    stock_per = draw(st.integers(0, 400))
    depots = [
        dict(
            depot_id="D_C",
            name="city",
            tier="city",
            place_id="C",
            trucks=draw(st.integers(1, 3)),
            truck_capacity=draw(st.integers(20, 500)),
            load_min=draw(st.integers(0, 60)),
        )
    ]
    stock = [dict(depot_id="D_C", item=i, qty=draw(st.integers(0, 2000))) for i in ("water", "quilt")]
    for t in towns:
        depots.append(
            dict(
                depot_id=f"D_{t[0]}",
                name=t[0],
                tier="township",
                place_id=t[0],
                trucks=1,
                truck_capacity=draw(st.integers(20, 300)),
                load_min=20,
            )
        )
        stock += [dict(depot_id=f"D_{t[0]}", item=i, qty=stock_per) for i in ("water", "quilt")]
    if draw(st.booleans()):
        depots.append(
            dict(
                depot_id="K",
                name="contract",
                tier="contract",
                place_id="C",
                trucks=2,
                truck_capacity=400,
                load_min=30,
                lead_time_h=draw(st.integers(1, 12)),
            )
        )
        stock.append(dict(depot_id="K", item="water", qty=5000))
    place_rows = []
    for pid, kind, town, pop in places:
        lon, lat = lonlat(*nodes[pid])
        place_rows.append(
            dict(place_id=pid, name=pid, kind=kind, township_id=town, lon=lon, lat=lat, population=pop)
        )
    shelters = [
        dict(shelter_id=f"SH_{t[0]}", **{"class": "III"}, place_id=t[0], area_m2=draw(st.integers(10, 3000)))
        for t in towns
        if draw(st.booleans())
    ]
    teams = (
        [
            dict(
                team_id="R1",
                kind="road_repair",
                base_place_id="C",
                members=20,
                skills="road",
                mobilisation=30,
                turnout=1.0,
            )
        ]
        if draw(st.booleans())
        else []
    )
    town_ids = [t[0] for t in towns]
    return ScenarioFiles(
        meta={
            "name": "random",
            "crs": "EPSG:4326",
            "zones": {
                "river": town_ids,
                "hills": town_ids[:1],
                "all": ["C", *town_ids],
                "typhoon": ["C", *town_ids],
            },
            "defaults": {
                "snap_tolerance_km": 0.5,
                "unload_min": 15,
                "road_speed_kmh": {"county": 60, "township": 40, "village": 25},
            },
        },
        tables={
            "places.csv": place_rows,
            "road_nodes.csv": [
                dict(node_id=n, lon=lonlat(*xy)[0], lat=lonlat(*xy)[1]) for n, xy in nodes.items()
            ],
            "road_edges.csv": rows_e,
            "items.csv": [
                dict(item="water", unit="case", need_per_person=1, **{"class": "initial"}),
                dict(item="quilt", unit="piece", need_per_person=0.5, **{"class": "basic"}),
            ],
            "depots.csv": depots,
            "stock.csv": stock,
            "ems_stations.csv": [],
            "hospitals.csv": [],
            "teams.csv": teams,
            "shelters.csv": shelters,
        },
    )


RANDOM_COUNTY = given(
    files=counties(),
    hazard=st.sampled_from(["flood", "flood_major", "landslide", "typhoon", "none"]),
    policy=st.sampled_from(["tiered_nearest", "tiered_strict", "nearest_stock"]),
    rep=st.integers(0, 50),
    load_order=st.sampled_from(["initial_first", "fifo"]),
    scale=st.sampled_from([0, 1, 5]),
)


@pytest.mark.slow  # 25 generated counties: about 10 s of CPU
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@RANDOM_COUNTY
def test_random_counties_keep_invariants(files, hazard, policy, rep, load_order, scale):
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_scenario(Path(tmp) / "random", files)
        scen = scenario.load(folder)
        events = {
            "flood": ["flood"],
            "flood_major": ["flood"],
            "landslide": ["landslide"],
            "typhoon": ["typhoon", "typhoon_landslides"],
            "none": [],
        }[hazard]
        s = settings_for(
            f"scenario.dir={folder}",
            f"hazard={hazard}",
            f"policy.relief={policy}",
            f"policy.load_order={load_order}",
            *[f"hazard.events.{e}.road_damage.scale={scale}" for e in events],
        )
        assert not world.check(scen, s)
        log = world.simulate(scen, s, rep)
        problems = invariants.check_all(log.rows, scen, s.shelters.m2_per_person)
        assert not problems, problems[:5]
        measures = tables.person_measures(scen, s.targets)
        cols = tables.village_results(log.rows, scen, measures, s.run.horizon_min)
        for k in range(len(cols["place_id"])):
            assert cols["in_need"][k] == cols["displaced"][k] + cols["stranded"][k]
            for m in measures:  # everyone the target counts is counted once: in time or not, or apart
                counted = [
                    cols[f"{m.name}_{x}"][k] for x in ("people", "people_struck_late", "people_past_horizon")
                ]
                assert sum(counted) == cols[m.population][k]
                assert 0 <= cols[f"{m.name}_people_in_time"][k] <= cols[f"{m.name}_people"][k]
                assert 0 <= cols[f"{m.name}_units_in_time"][k] <= cols[f"{m.name}_units"][k]
            assert (
                0 <= cols["delivered_units"][k] <= max(cols["need_units"][k], cols["need_reported_units"][k])
            )
            assert cols["unmet_units"][k] <= cols["need_units"][k]
            done, first = cols["relief_complete_at_h"][k], cols["first_delivery_at_h"][k]
            if not math.isnan(done):
                assert first <= done <= s.run.horizon_h and cols["unmet_units"][k] == 0
            if cols["in_need"][k] == 0:
                assert cols["need_units"][k] == 0
        import pandas as pd

        v = pd.DataFrame(cols).assign(case="c", rep=rep)
        shares = metrics.target_shares(v, s.targets)
        for name in metrics.relief_targets(s.targets):  # ems_response targets: tests/test_ems_*.py
            share = shares[f"{name}_share"].iloc[0]
            assert (share != share and sum(cols[f"{name}_people"]) == 0) or 0.0 <= share <= 1.0


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@RANDOM_COUNTY
def test_a_few_random_counties_keep_invariants(files, hazard, policy, rep, load_order, scale):
    """The property above on three generated counties, for the fast loop (the full suite: 25)."""
    test_random_counties_keep_invariants.hypothesis.inner_test(files, hazard, policy, rep, load_order, scale)
