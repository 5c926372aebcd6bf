"""Budget cases: apply a case's purchases to a Scenario, and what they cost.

A budget case is a list of changes (DESIGN section 3), each plain data with a
`kind` (validated into `sim.settings.BudgetChange`):

    add_stock             more units of items at an existing depot
    add_township_point    a new township storage point at a place, with trucks and stock
    add_trucks            more trucks at an existing depot
    add_ambulances        more ambulances at a station, or a new station at a place
    add_team              a new team (rescue, volunteer, ...) based at a place
    add_equipment         boats or large rescue machines for an existing team
    add_contract_reserve  a new agreement with a firm: stock it holds, its trucks, a lead time

`apply` returns a new frozen Scenario (dataclasses.replace; the loaded one is never
changed). Changes apply in order, so a later change may refer to a depot an earlier
one added. New depots, stations and teams go after the existing ones, so every
existing entity keeps its index and its place in the tie-break order.

Every reference is checked against the scenario; all problems come back together
as one InputError naming the change (`budget.changes[2].depot`), the value and the
rule. `cost` prices a list of changes with `sim.settings.CostSettings`: purchase,
yearly upkeep and their total over the plan period.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from sim.errors import InputError, Problem
from sim.scenario.types import STATION_KINDS, TEAM_KINDS, Depot, EmsStation, Scenario, Team
from sim.settings import (
    AddAmbulances,
    AddContractReserve,
    AddEquipment,
    AddStock,
    AddTeam,
    AddTownshipPoint,
    AddTrucks,
    BudgetChange,
    CostSettings,
)
from sim.units import h_to_min


def _where(i: int, key: str) -> str:
    return f"config key budget.changes[{i}].{key}"


def apply(scenario: Scenario, changes: Sequence[BudgetChange]) -> Scenario:
    """The scenario with every change made; raise InputError listing every bad reference."""
    problems: list[Problem] = []
    places = {p.id: p for p in scenario.places}
    items = {it.id: j for j, it in enumerate(scenario.items)}
    depots = list(scenario.depots)
    stations = list(scenario.ems_stations)
    teams = list(scenario.teams)

    def depot_index(i: int, depot_id: str) -> int | None:
        for k, d in enumerate(depots):
            if d.id == depot_id:
                return k
        problems.append(Problem(_where(i, "depot"), depot_id, f"no depot {depot_id!r} in {scenario.dir}"))
        return None

    def place_of(i: int, key: str, place_id: str):
        place = places.get(place_id)
        if place is None:
            problems.append(Problem(_where(i, key), place_id, f"no place {place_id!r} in {scenario.dir}"))
        return place

    def units(i: int, key: str, given: dict[str, int]) -> list[int]:
        out = [0] * len(scenario.items)
        for item, qty in given.items():
            if item not in items:
                known = ", ".join(items)
                problems.append(Problem(_where(i, f"{key}.{item}"), item, f"unknown item; items: {known}"))
            else:
                out[items[item]] += qty
        return out

    def known(i: int, key: str, value: str, allowed: Sequence[str]) -> None:
        if value not in allowed:
            problems.append(Problem(_where(i, key), value, f"must be one of {', '.join(allowed)}"))

    def new_id(i: int, key: str, new: str, existing: Sequence[str], what: str) -> None:
        if new in existing:
            problems.append(Problem(_where(i, key), new, f"a {what} with this id already exists"))

    for i, ch in enumerate(changes):
        if isinstance(ch, AddStock):
            k = depot_index(i, ch.depot)
            add = units(i, "items", ch.items)
            if k is not None:
                d = depots[k]
                if d.trucks == 0:
                    problems.append(
                        Problem(
                            _where(i, "depot"), ch.depot, "a depot that holds stock needs at least one truck"
                        )
                    )
                depots[k] = replace(d, stock=tuple(a + b for a, b in zip(d.stock, add, strict=True)))
        elif isinstance(ch, AddTrucks):
            k = depot_index(i, ch.depot)
            if k is not None:
                depots[k] = replace(depots[k], trucks=depots[k].trucks + ch.trucks)
        elif isinstance(ch, AddTownshipPoint | AddContractReserve):
            new_id(i, "id", ch.id, [d.id for d in depots], "depot")
            place = place_of(i, "place", ch.place)
            stock = units(i, "stock", ch.stock)
            contract = isinstance(ch, AddContractReserve)
            lead_time_h = ch.lead_time_h if isinstance(ch, AddContractReserve) else 0.0
            if place is not None:
                depots.append(
                    Depot(
                        id=ch.id,
                        name=ch.name or ch.id,
                        tier="contract" if contract else "township",
                        place_id=place.id,
                        township_id=place.township_id,
                        node=place.node,
                        trucks=ch.trucks,
                        truck_capacity=ch.truck_capacity,
                        load_min=ch.load_min,
                        lead_time_min=h_to_min(lead_time_h),
                        stock=tuple(stock),
                    )
                )
        elif isinstance(ch, AddAmbulances):
            ids = [s.id for s in stations]
            if ch.place is None:
                if ch.station not in ids:
                    problems.append(
                        Problem(
                            _where(i, "station"),
                            ch.station,
                            f"no station {ch.station!r} in {scenario.dir}; give `place` to open a new one",
                        )
                    )
                    continue
                k = ids.index(ch.station)
                s = stations[k]
                stations[k] = replace(
                    s,
                    ambulances=s.ambulances + ch.ambulances,
                    negative_pressure=s.negative_pressure + ch.negative_pressure,
                )
            else:
                new_id(i, "station", ch.station, ids, "station")
                known(i, "station_kind", ch.station_kind, STATION_KINDS)
                if place_of(i, "place", ch.place) is not None:
                    stations.append(
                        EmsStation(
                            id=ch.station,
                            kind=ch.station_kind,
                            place_id=ch.place,
                            ambulances=ch.ambulances,
                            negative_pressure=ch.negative_pressure,
                        )
                    )
        elif isinstance(ch, AddTeam):
            new_id(i, "id", ch.id, [t.id for t in teams], "team")
            known(i, "team_kind", ch.team_kind, TEAM_KINDS)
            if place_of(i, "base", ch.base) is not None:
                teams.append(
                    Team(
                        id=ch.id,
                        kind=ch.team_kind,
                        base_place_id=ch.base,
                        members=ch.members,
                        skills=tuple(ch.skills),
                        mobilisation_min=ch.mobilisation_min,
                        turnout=ch.turnout,
                    )
                )
        elif isinstance(ch, AddEquipment):
            ids = [t.id for t in teams]
            if ch.team not in ids:
                problems.append(Problem(_where(i, "team"), ch.team, f"no team {ch.team!r} in {scenario.dir}"))
                continue
            k = ids.index(ch.team)
            teams[k] = replace(
                teams[k], boats=teams[k].boats + ch.boats, machines=teams[k].machines + ch.machines
            )
        else:  # pragma: no cover - the settings union admits nothing else
            raise TypeError(f"unknown budget change {type(ch).__name__}")
    if problems:
        raise InputError(problems, heading="the budget changes do not fit the scenario")
    return replace(scenario, depots=tuple(depots), ems_stations=tuple(stations), teams=tuple(teams))


@dataclass(frozen=True)
class CostLine:
    change: int  # index in the case's changes
    what: str  # e.g. "3 x truck at D_CITY"
    purchase_yuan: float
    upkeep_yuan_per_year: float


@dataclass(frozen=True)
class Cost:
    lines: tuple[CostLine, ...]
    plan_years: int

    @property
    def purchase_yuan(self) -> float:
        return sum(line.purchase_yuan for line in self.lines)

    @property
    def upkeep_yuan_per_year(self) -> float:
        return sum(line.upkeep_yuan_per_year for line in self.lines)

    @property
    def total_yuan(self) -> float:
        """Purchase plus upkeep over the plan period: the figure cases are compared by."""
        return self.purchase_yuan + self.plan_years * self.upkeep_yuan_per_year


def cost(changes: Sequence[BudgetChange], costs: CostSettings) -> Cost:
    """Price every change; raise InputError naming each unit cost the config lacks."""
    problems: list[Problem] = []
    lines: list[CostLine] = []

    def unit(name: str) -> tuple[float, float]:
        uc = costs.unit_costs.get(name)
        if uc is None:
            problems.append(
                Problem(
                    f"config key costs.unit_costs.{name}",
                    None,
                    "missing: a budget change needs its purchase_yuan and upkeep_yuan_per_year",
                )
            )
            return (0.0, 0.0)
        return (uc.purchase_yuan, uc.upkeep_yuan_per_year)

    def add(i: int, what: str, n: float, name: str) -> None:
        buy, keep = unit(name)
        lines.append(CostLine(i, what, n * buy, n * keep))

    def stock(i: int, what: str, given: dict[str, int], upkeep_share: float, bought: bool) -> None:
        value = sum(q * costs.item_yuan(item) for item, q in given.items())
        if value:
            lines.append(CostLine(i, what, value if bought else 0.0, value * upkeep_share))

    for i, ch in enumerate(changes):
        if isinstance(ch, AddStock):
            stock(i, f"stock at {ch.depot}", ch.items, costs.stock_upkeep_share_per_year, True)
        elif isinstance(ch, AddTrucks):
            add(i, f"{ch.trucks} x truck at {ch.depot}", ch.trucks, "truck")
        elif isinstance(ch, AddTownshipPoint):
            add(i, f"township point {ch.id} at {ch.place}", 1, "township_point")
            add(i, f"{ch.trucks} x truck at {ch.id}", ch.trucks, "truck")
            stock(i, f"stock at {ch.id}", ch.stock, costs.stock_upkeep_share_per_year, True)
        elif isinstance(ch, AddContractReserve):
            add(i, f"contract reserve {ch.id}", 1, "contract_reserve")
            # The goods stay the firm's: no purchase, a yearly fee on their value.
            stock(i, f"reserved stock at {ch.id}", ch.stock, costs.contract_fee_share_per_year, False)
        elif isinstance(ch, AddAmbulances):
            regular = ch.ambulances - ch.negative_pressure
            if regular:
                add(i, f"{regular} x ambulance at {ch.station}", regular, "ambulance")
            if ch.negative_pressure:
                add(
                    i,
                    f"{ch.negative_pressure} x negative-pressure ambulance at {ch.station}",
                    ch.negative_pressure,
                    "negative_pressure_ambulance",
                )
            if ch.place is not None:
                add(i, f"station {ch.station} at {ch.place}", 1, "ambulance_station")
        elif isinstance(ch, AddTeam):
            add(i, f"team {ch.id}: {ch.members} members", ch.members, "team_member")
        elif isinstance(ch, AddEquipment):
            if ch.boats:
                add(i, f"{ch.boats} x rescue boat for {ch.team}", ch.boats, "rescue_boat")
            if ch.machines:
                add(i, f"{ch.machines} x rescue machine for {ch.team}", ch.machines, "rescue_machine")
    if problems:
        # One message per missing unit cost, however many changes need it.
        unique = list({p.where: p for p in problems}.values())
        raise InputError(unique, heading="the costs do not price every budget change")
    return Cost(tuple(lines), costs.plan_years)
