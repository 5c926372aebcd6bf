"""The tiered rule on a tiny variant: lateral aid, a contract reserve after its lead time,
shortage, and the stock-conservation invariant, with times worked by hand.

Variant: the city depot has no water; a contract reserve K at the city (lead 2 h,
1 truck of 500 units, 30 min to load) holds 1,000 water.
Allocation at t=0 (own point, city, lateral points, contract; a depot whose trucks are busy
yields to a source that would arrive earlier: sim/model/policies/relief.py tiered_nearest):
  V1: T1 water 100; T1 quilt 50 + city quilt 50
  V2: water 60 from T2 (lateral aid: 60 x 30 yuan = 1,800 yuan); city quilt 60
  V3: T2 water 40 + K water 40; T2 quilt 80
  V4: K water 50; quilts: T2's one truck has three loads queued (V2 water, round trip
      20+42+15+42 = 119; V3's two, 59 each), so T2 would arrive at 237+20+21 = 278; a city
      truck is back at 149 (V1 quilt, 30+52+15+52) and arrives at 149+30+69 = 248, earlier:
      city quilt 50. (Before issue 19: T2 quilt 20 at 293 + city quilt 30 at 263.)
Extra minutes: T2 -> V2 = 18 + 12 + 12 = 42; city -> V3 = 30 + 18 + 12 = 60.
  T2 truck: V2 water 0+20+42+15 = 77 (back 119); V3 water 40 + quilt 60: 119+20+12+15 = 166
            (back 178); V3 quilt 20: 178+20+12+15 = 225 (back 237)
  city trucks: V1 quilt 0+30+52+15 = 97 (back 149); V2 quilt 0+30+54+15 = 99;
            V4 quilt 149+30+69+15 = 263
  K: ready at 120; V3 water 120+30+60+15 = 225 (back 285); V4 water 285+30+69+15 = 399
"""

from __future__ import annotations

from pathlib import Path

from sim import scenario
from sim.events import EventKind
from tests.conftest import TINY_EXACT, settings_for, simulate_checked

DEPOTS = """depot_id,name,tier,place_id,trucks,truck_capacity,load_min,lead_time_h
D_C,City depot,city,C,2,150,30,
D_T1,Township 1 point,township,T1,1,100,20,
D_T2,Township 2 point,township,T2,1,100,20,
K,Supermarket agreement,contract,C,1,500,30,2
"""
STOCK = """depot_id,item,qty
D_C,quilt,200
D_T1,water,100
D_T1,quilt,50
D_T2,water,100
D_T2,quilt,100
K,water,1000
"""


def variant(folder: Path, depots: str = DEPOTS, stock: str = STOCK):
    (folder / "depots.csv").write_text(depots, encoding="utf-8")
    (folder / "stock.csv").write_text(stock, encoding="utf-8")
    return scenario.load(folder)


def test_lateral_aid_and_contract_lead_time_by_hand(tiny_copy: Path):
    scen = variant(tiny_copy)
    log = simulate_checked(scen, settings_for(*TINY_EXACT))
    got = sorted(
        (e.t_min, e.place, e.depot, e.item, e.qty) for e in log.rows if e.kind is EventKind.SHIPMENT_DELIVERED
    )
    assert got == sorted(
        [
            (45, "V1", "D_T1", "water", 100),
            (100, "V1", "D_T1", "quilt", 50),
            (97, "V1", "D_C", "quilt", 50),
            (77, "V2", "D_T2", "water", 60),
            (99, "V2", "D_C", "quilt", 60),
            (166, "V3", "D_T2", "water", 40),
            (166, "V3", "D_T2", "quilt", 60),
            (225, "V3", "D_T2", "quilt", 20),
            (225, "V3", "K", "water", 40),
            (263, "V4", "D_C", "quilt", 50),
            (399, "V4", "K", "water", 50),
        ]
    )
    lateral = [
        (e.depot, e.place, e.qty, e.value) for e in log.rows if e.kind is EventKind.LATERAL_AID_RECORDED
    ]
    assert lateral == [("D_T2", "V2", 60, 1800.0)]
    activated = [(e.t_min, e.depot, e.value) for e in log.rows if e.kind is EventKind.CONTRACT_ACTIVATED]
    assert activated == [(0, "K", 120.0)]


def test_shortage_is_recorded_and_stock_still_conserved(tiny_copy: Path):
    stock = "depot_id,item,qty\nD_C,water,30\nD_C,quilt,10\nD_T1,water,20\nD_T2,quilt,5\n"
    scen = variant(tiny_copy, stock=stock)
    log = simulate_checked(scen, settings_for(*TINY_EXACT))
    short = {(e.place, e.item): e.qty for e in log.rows if e.kind is EventKind.RELIEF_SHORT}
    # water: 50 units for 290 people; quilts: 15
    assert sum(q for (_, item), q in short.items() if item == "water") == 290 - 50
    assert sum(q for (_, item), q in short.items() if item == "quilt") == 290 - 15
    delivered = sum(e.qty for e in log.rows if e.kind is EventKind.SHIPMENT_DELIVERED)
    assert delivered == 65


def test_nearest_stock_policy_ignores_tiers(tiny_copy: Path):
    """nearest_stock serves V2's water from T1... none left, so from the nearest stock by
    arrival: T2 (ready now, 42 min) before K (ready in 120 min)."""
    scen = variant(tiny_copy)
    log = simulate_checked(scen, settings_for(*TINY_EXACT, "policy.relief=nearest_stock"))
    alloc = [(e.place, e.depot, e.item, e.qty) for e in log.rows if e.kind is EventKind.RELIEF_ALLOCATED]
    assert ("V2", "D_T2", "water", 60) in alloc
    # V1's quilts: T1 (10 min) before the city depot (52 min), as in the tiered rule
    assert ("V1", "D_T1", "quilt", 50) in alloc
