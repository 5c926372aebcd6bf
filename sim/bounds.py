"""Plausibility bounds: the range every number a planner gives may take, and why.

A scenario file or a setting can hold a number that parses but that no county has:
a village of 1e308 people, a depot with ten million trucks, a road at 1e-300 km/h,
a call rate of 1e308 an hour. Such a number is almost always a slip (a unit, a
pasted column, an extra digit) and, unchecked, it hangs a run, exhausts memory, or
overflows deep inside numpy. This module is the one declared table of bounds: each
numeric column of the scenario files (`SCENARIO`, keyed `file column`) and each
numeric key of the configuration (`SETTINGS`, keyed by its key path, `*` standing for
any name or list position) has a lower and an upper bound and a one-line reason.
docs/reliability.md lists the same table (a test keeps them equal).

The bounds are wide on purpose: each sits well beyond any real county (or the
physical limit of the thing), so it never refuses a real plan and always refuses a
slip. The type checks (whole number, share 0-1) of sim/settings.py still apply; this
table adds the upper limits and is at least as tight as they are (a test checks).

Leaves out: checks between fields (negative-pressure ambulances <= ambulances, a
hospital's infectious beds <= its beds: sim/scenario/load.py, sim/settings.py) and
the size of a whole run (sim/experiment/estimate.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sim.errors import Problem


@dataclass(frozen=True)
class Bound:
    lo: float
    hi: float
    reason: str
    whole: bool = False  # must be a whole number (a count)
    lo_open: bool = False  # the lower bound itself is not allowed (> lo rather than >= lo)

    def low(self) -> str:
        return f"> {_num(self.lo)}" if self.lo_open else f">= {_num(self.lo)}"

    def span(self) -> str:
        """ "0 to 20,000,000, whole" as the table in docs/reliability.md shows a bound."""
        lo = f"above {_num(self.lo)}" if self.lo_open else _num(self.lo)
        return f"{lo} to {_num(self.hi)}" + (", whole" if self.whole else "")

    def check(self, value: Any) -> str | None:
        """None when `value` is inside the bound, else the rule it breaks (the broken side
        first, then the whole range and its reason)."""
        whole = "a whole number" if self.whole else "a number"
        if isinstance(value, bool) or not isinstance(value, int | float):
            broken = f"must be {whole}"
        elif isinstance(value, float) and not math.isfinite(value):
            broken = f"must be a finite {whole[2:]}, not {value}"
        elif self.whole and value != int(value):
            broken = "must be a whole number"
        elif value < self.lo or (self.lo_open and value == self.lo):
            broken = f"must be {self.low()}"
        elif value > self.hi:
            broken = f"must be <= {_num(self.hi)}"
        else:
            return None
        return f"{broken} (range {self.span()}: {self.reason})"


def _num(x: float) -> str:
    """1e9 as 1,000,000,000 and 0.5 as 0.5: a planner reads the bound at a glance."""
    return f"{int(x):,}" if float(x).is_integer() and abs(x) < 1e15 else f"{x:g}"


# --- shared limits (a scenario file and a budget change that adds the same thing agree) -------

POPULATION = Bound(
    0,
    20_000_000,
    "people of one place; the most populous county-level district has under 6 million",
    whole=True,
)
TRUCKS = Bound(0, 10_000, "trucks of one depot; a county's whole relief fleet is tens", whole=True)
TRUCK_CAPACITY = Bound(
    1, 100_000, "relief units one truck carries; a 40 t truck holds under 100,000 bottles", whole=True
)
LOAD_MIN = Bound(0, 24 * 60, "minutes to load a truck; a day is a unit slip (hours written as minutes)")
LEAD_TIME_H = Bound(
    0, 24 * 30, "hours before a reserve ships; beyond a month it is outside any run (run.horizon_h)"
)
STOCK_QTY = Bound(
    0, 1e9, "units of one item at one depot; a billion is a province's whole reserve", whole=True
)
AMBULANCES = Bound(0, 1_000, "ambulances of one station; more than a large city's whole fleet", whole=True)
BEDS = Bound(0, 20_000, "beds of one hospital; China's largest hospitals have about 10,000", whole=True)
MEMBERS = Bound(1, 10_000, "members of one team; a county's largest volunteer body has hundreds", whole=True)
MOBILISATION_MIN = Bound(0, 7 * 24 * 60, "minutes until a team leaves its base; a week is a unit slip")
SHARE = Bound(0, 1, "a share or probability")
SPEED_KMH = Bound(1, 200, "km/h on a road; China's expressway limit is 120, below 1 km/h is a unit slip")
LENGTH_KM = Bound(
    0, 2_000, "km of one road edge between junctions; a county is under 200 km across", lo_open=True
)
AREA_M2 = Bound(0, 10_000_000, "m2 of one shelter; 10 km2 is larger than any park", lo_open=True)
NEED_PER_PERSON = Bound(
    0, 1_000, "units of an item one displaced person needs; 1,000 is a unit slip (ml for L)"
)
LON = Bound(-180, 180, "WGS84 longitude in degrees")
LAT = Bound(-90, 90, "WGS84 latitude in degrees")
SNAP_KM = Bound(
    0, 100, "km from a place to its road node; beyond 100 km the place is not on this network", lo_open=True
)
MINUTES_A_DAY = Bound(
    0, 24 * 60, "minutes of one task; more than a day is a unit slip (hours written as minutes)"
)
HOURS_A_MONTH = Bound(0, 24 * 30, "hours; a run lasts at most a month (run.horizon_h)")
CLOCK_H = Bound(0, 24, "an hour of the clock, 0 to 24")
YUAN = Bound(0, 1e12, "yuan; a trillion is more than a province's yearly budget")
RADIUS_KM = Bound(0, 5_000, "km; wider than China", lo_open=True)

SCENARIO: dict[str, Bound] = {
    "places.csv population": POPULATION,
    "places.csv lon": LON,
    "places.csv lat": LAT,
    "road_nodes.csv lon": LON,
    "road_nodes.csv lat": LAT,
    "road_edges.csv length_km": LENGTH_KM,
    "road_edges.csv speed_kmh": SPEED_KMH,
    "items.csv need_per_person": NEED_PER_PERSON,
    "depots.csv trucks": TRUCKS,
    "depots.csv truck_capacity": TRUCK_CAPACITY,
    "depots.csv load_min": LOAD_MIN,
    "depots.csv lead_time_h": LEAD_TIME_H,
    "stock.csv qty": STOCK_QTY,
    "ems_stations.csv ambulances": AMBULANCES,
    "ems_stations.csv negative_pressure": AMBULANCES,
    "hospitals.csv beds": BEDS,
    "hospitals.csv infectious_beds": BEDS,
    "teams.csv members": MEMBERS,
    "teams.csv mobilisation": MOBILISATION_MIN,
    "teams.csv turnout": SHARE,
    "teams.csv boats": Bound(
        0, 1_000, "rescue boats of one team; a province's flood fleet is hundreds", whole=True
    ),
    "teams.csv machines": Bound(
        0, 10_000, "large rescue machines of one team; seed 001 counts 350 in a whole county", whole=True
    ),
    "shelters.csv area_m2": AREA_M2,
    "scenario.yaml defaults.snap_tolerance_km": SNAP_KM,
    "scenario.yaml defaults.unload_min": MINUTES_A_DAY,
    "scenario.yaml defaults.road_speed_kmh.*": SPEED_KMH,
}

_PER_PERSON = Bound(0, 1, "people per affected person: at most everyone")
_EMS_MINUTES = Bound(0, 24 * 60, "minutes of one ambulance task; more than a day is a unit slip")
_STAY_H = Bound(0, 24 * 365, "hours a patient stays in hospital; a year is the most a run can matter")
_CV = Bound(0, 10, "coefficient of variation; beyond 10 a lognormal is all in its tail")
_DEADLINE_H = Bound(
    0, 24 * 30, "hours; the plans' deadlines are 2-24 h, a run lasts at most a month", lo_open=True
)
_LIMIT_MIN = Bound(0, 24 * 60 * 30, "minutes; a run lasts at most a month", lo_open=True)
_REQUIRED = Bound(0, 1, "a share that must be met", lo_open=True)

SETTINGS: dict[str, Bound] = {
    # run
    "run.reps": Bound(1, 100_000, "replications; 100,000 pins P(holds) to +-0.3 %", whole=True),
    "run.max_reps": Bound(1, 100_000, "replications; as run.reps", whole=True),
    "run.seed": Bound(0, 2**63 - 1, "the seed must fit a 64-bit integer", whole=True),
    "run.horizon_h": Bound(
        0, 24 * 30, "hours simulated; a month of response, the targets are within 24 h", lo_open=True
    ),
    "run.workers": Bound(1, 4_096, "worker processes", whole=True),
    "run.halfwidth": Bound(0, 0.5, "half-width of a share's interval", lo_open=True),
    # scenario overrides
    "scenario.snap_tolerance_km": SNAP_KM,
    "scenario.unload_min": MINUTES_A_DAY,
    "scenario.road_speed_kmh.*": SPEED_KMH,
    # reporting
    "reporting.first_delay_min": Bound(0, 7 * 24 * 60, "minutes to a first report; a week is a unit slip"),
    "reporting.first_delay_sigma": Bound(
        0, 5, "lognormal spread; 5 spreads delays over 10^4 in either direction"
    ),
    "reporting.cut_off_extra_min": Bound(
        0, 7 * 24 * 60, "minutes added for a cut-off village; a week is a unit slip"
    ),
    "reporting.first_share": Bound(0, 1, "share of the truth in a first report", lo_open=True),
    "reporting.followups": Bound(0, 20, "follow-up reports", whole=True),
    "reporting.followup_every_min": Bound(0, 7 * 24 * 60, "minutes between follow-ups", lo_open=True),
    "reporting.road_delay_min": Bound(
        0, 7 * 24 * 60, "minutes to a road damage report; a week is a unit slip"
    ),
    "reporting.road_delay_sigma": Bound(
        0, 5, "lognormal spread; 5 spreads delays over 10^4 in either direction"
    ),
    # shelters
    "shelters.m2_per_person": Bound(
        0, 1_000, "m2 of shelter per person; the national rule is 2.5", lo_open=True
    ),
    "shelters.max_travel_min": Bound(0, 7 * 24 * 60, "minutes' drive to a shelter", lo_open=True),
    # hazards
    "hazard.events.*.onset_h": HOURS_A_MONTH,
    "hazard.events.*.rise_h": HOURS_A_MONTH,
    "hazard.events.*.footprint.centre_lon": LON,
    "hazard.events.*.footprint.centre_lat": LAT,
    "hazard.events.*.footprint.radius_km": RADIUS_KM,
    "hazard.events.*.severity_probs.*": SHARE,
    "hazard.events.*.severity_km.*": RADIUS_KM,
    "hazard.events.*.magnitude": Bound(2, 9.5, "earthquake magnitude; 9.5 is the largest ever recorded"),
    "hazard.events.*.intensity.a": Bound(-100, 100, "attenuation constant; published fits are within +-10"),
    "hazard.events.*.intensity.b": Bound(
        -100, 100, "attenuation slope per magnitude; published fits are 1-2"
    ),
    "hazard.events.*.intensity.c": Bound(
        0, 100, "attenuation with distance; published fits are 2-6", lo_open=True
    ),
    "hazard.events.*.intensity.r0_km": Bound(
        0, 1_000, "near-field distance term in km; published fits are 10-30", lo_open=True
    ),
    "hazard.events.*.intensity_bands.*": Bound(1, 12, "a seismic intensity on the 12-degree Chinese scale"),
    "hazard.events.*.rates.*.affected": SHARE,
    "hazard.events.*.rates.*.displaced": SHARE,
    "hazard.events.*.rates.*.power_cut": SHARE,
    "hazard.events.*.rates.*.in_need": SHARE,
    "hazard.events.*.size.event_share": Bound(
        0, 0.99, "share of the severity variance drawn once per event; 1 would make every village alike"
    ),
    "hazard.events.*.size.correlation_km": Bound(
        0, 500, "km over which neighbours' severities are alike; a county is under 200 km across"
    ),
    "hazard.events.*.ground_motion.inter_event_sigma": Bound(
        0, 3, "intensity units of event-to-event scatter; published relations give 0.3-0.7"
    ),
    "hazard.events.*.ground_motion.intra_event_sigma": Bound(
        0, 3, "intensity units of site-to-site scatter; published relations give 0.4-0.8"
    ),
    "hazard.events.*.ground_motion.correlation_km": Bound(
        0, 500, "km over which neighbours' shaking is alike; published fits are 5-40"
    ),
    "hazard.events.*.road_damage.under_water": SHARE,
    "hazard.events.*.road_damage.washout_share": SHARE,
    "hazard.events.*.road_damage.recession_h": Bound(
        0, 24 * 30, "hours until flood water goes down off a road", lo_open=True
    ),
    "hazard.events.*.rates.*.casualties.*": _PER_PERSON,
    "hazard.events.*.rates.*.trapped.*": _PER_PERSON,
    "hazard.events.*.road_damage.blocked.*": SHARE,
    "hazard.events.*.road_damage.slowed.*": SHARE,
    "hazard.events.*.road_damage.slow_factor": Bound(0, 1, "speed multiplier on a slowed road", lo_open=True),
    "hazard.events.*.road_damage.repair_h.*": Bound(0, 24 * 30, "work hours to reopen a road", lo_open=True),
    "hazard.events.*.road_damage.clears_after_h": Bound(0, 24 * 30, "hours until a cut lifts", lo_open=True),
    "hazard.events.*.road_damage.scale": Bound(
        0, 1_000, "multiplier of road-damage probabilities (capped at 1)"
    ),
    "hazard.events.*.infectious_share": SHARE,
    # targets
    "targets.*.deadline_h": _DEADLINE_H,
    "targets.*.required_share": _REQUIRED,
    "targets.*.limit_min": _LIMIT_MIN,
    "targets.*.rural_limit_min": _LIMIT_MIN,
    "targets.*.radius_km": RADIUS_KM,
    "targets.*.triage.*": Bound(1, 3, "a triage class: 1 red, 2 yellow, 3 green", whole=True),
    # budget changes (each adds what a scenario file row would hold)
    "budget.changes.*.items.*": Bound(1, STOCK_QTY.hi, STOCK_QTY.reason, whole=True),
    "budget.changes.*.stock.*": STOCK_QTY,
    "budget.changes.*.trucks": Bound(1, TRUCKS.hi, TRUCKS.reason, whole=True),
    "budget.changes.*.truck_capacity": TRUCK_CAPACITY,
    "budget.changes.*.load_min": LOAD_MIN,
    "budget.changes.*.lead_time_h": LEAD_TIME_H,
    "budget.changes.*.ambulances": Bound(1, AMBULANCES.hi, AMBULANCES.reason, whole=True),
    "budget.changes.*.negative_pressure": AMBULANCES,
    "budget.changes.*.members": MEMBERS,
    "budget.changes.*.mobilisation_min": MOBILISATION_MIN,
    "budget.changes.*.turnout": SHARE,
    "budget.changes.*.boats": Bound(0, 1_000, "rescue boats added to one team", whole=True),
    "budget.changes.*.machines": Bound(0, 10_000, "large rescue machines added to one team", whole=True),
    # relief trucks
    "trucks.max_stops": Bound(1, 100, "drops on one truck trip; a day's round has tens", whole=True),
    "trucks.max_delay_min": Bound(0, 24 * 60, "minutes a drop may lag a straight drive; a day is a slip"),
    "trucks.drivers": Bound(1, 10, "drivers per truck; a cab seats three", whole=True),
    "trucks.continuous_drive_h": Bound(0, 24, "hours of driving before a break", lo_open=True),
    "trucks.rest_min": Bound(0, 24 * 60, "minutes of a driver's break"),
    "trucks.daily_drive_h": Bound(0, 24, "hours of driving in 24 h", lo_open=True),
    "trucks.restock_below": SHARE,
    # costs
    "costs.truck_yuan_per_h": Bound(0, 1e6, "yuan per truck-hour; a truck costs a few hundred"),
    "costs.item_unit_yuan.*": Bound(0, 1e7, "yuan per relief unit; a tent costs thousands"),
    "costs.default_item_unit_yuan": Bound(0, 1e7, "yuan per relief unit; a tent costs thousands"),
    "costs.plan_years": Bound(1, 50, "years of a plan period; plans run five", whole=True),
    "costs.unit_costs.*.purchase_yuan": YUAN,
    "costs.unit_costs.*.upkeep_yuan_per_year": YUAN,
    "costs.stock_upkeep_share_per_year": SHARE,
    "costs.contract_fee_share_per_year": SHARE,
    "costs.rescue_member_yuan_per_h": Bound(0, 1e6, "yuan per member-hour; a day's wage is hundreds"),
    # ambulances and hospitals
    "ems.reserve_for_red": Bound(0, 10_000, "ambulances held back; more than any fleet", whole=True),
    "ems.dispatch_delay_min": _EMS_MINUTES,
    "ems.scene_min": _EMS_MINUTES,
    "ems.scene_cv": _CV,
    "ems.handover_min": _EMS_MINUTES,
    "ems.decon_min": _EMS_MINUTES,
    "ems.stay_h.*": _STAY_H,
    "ems.general_bed_occupancy_at_onset": SHARE,
    "ems.infectious_bed_occupancy_at_onset": SHARE,
    "ems.routine_calls_per_1000_per_day": Bound(
        0, 1_000, "routine calls per 1,000 people a day; real rates are about 0.1"
    ),
    "ems.routine_hour_profile.*": Bound(
        0, 24, "relative call rate of one clock hour (the profile averages about 1)"
    ),
    "ems.onset_clock_h": CLOCK_H,
    "ems.routine_triage_shares.*": SHARE,
    "ems.routine_infectious_share": SHARE,
    "ems.casualty_call_share.*": SHARE,
    "ems.onset_stay_mean_h": Bound(
        0, 24 * 365, "hours a patient in bed at onset still stays; a year is a unit slip", lo_open=True
    ),
    "ems.early_discharge_share": SHARE,
    "ems.early_discharge_h": Bound(0, 24 * 30, "hours over which early discharges spread", lo_open=True),
    "ems.surge_bed_share.*": Bound(0, 2, "extra beds per bed; tripling a hospital is beyond any plan"),
    "ems.surge_open_h": HOURS_A_MONTH,
    "ems.bed_wait_max_min": _EMS_MINUTES,
    "ems.crews_per_ambulance": Bound(1, 10, "crews sharing one ambulance; 3 cover a day", whole=True),
    "ems.crew_shift_h": Bound(0, 72, "hours of one crew's shift; 72 h is beyond any crew", lo_open=True),
    "ems.crew_rest_h": Bound(0, 72, "hours of a crew's rest"),
    "ems.survival.*.*.*": Bound(
        0,
        24 * 30,
        "a point's hours since injury (a run lasts at most a month) or its probability (0-1, checked apart)",
    ),
    "ems.servers": Bound(1, 10_000, "ambulances of the check mode", whole=True),
    "ems.calls_per_h": Bound(
        0, 10_000, "calls an hour in the check mode; a large city has hundreds", lo_open=True
    ),
    "ems.service_mean_min": Bound(0, 24 * 60 * 7, "mean service minutes in the check mode", lo_open=True),
    "ems.service_cv": Bound(
        0, 10, "coefficient of variation; beyond 10 a lognormal is all in its tail", lo_open=True
    ),
    "ems.warmup_h": HOURS_A_MONTH,
    # rescue teams
    "rescue.crew_members.*": Bound(1, 1_000, "members of one working crew; real crews are 2-12", whole=True),
    "rescue.round_people.*": Bound(
        1, 1_000, "people one crew brings out in a round; a boatload is 5-12", whole=True
    ),
    "rescue.round_min.*": Bound(
        0, 24 * 60, "minutes of one rescue round; more than a day is a unit slip", lo_open=True
    ),
    "rescue.equipment_delay_h.*": Bound(0, 72, "hours until a team's equipment joins it"),
    "rescue.survival.*.*.*": Bound(
        0,
        24 * 30,
        "a point's hours trapped (a run lasts at most a month) or its probability (0-1, checked apart)",
    ),
    "rescue.max_shift_h": Bound(0, 72, "hours of work before rest; 72 h is beyond any rescuer", lo_open=True),
    "rescue.rest_h": Bound(0, 72, "hours of rest"),
    "rescue.volunteer_leave_members": Bound(1, 10_000, "members a volunteer team waits for", whole=True),
    "rescue.volunteer_min_members": Bound(1, 10_000, "members a volunteer team needs", whole=True),
    # helicopters
    "air.aircraft": Bound(0, 1_000, "helicopters; China's whole rescue fleet is some hundreds", whole=True),
    "air.cruise_kmh": Bound(0, 1_000, "cruise speed in km/h; helicopters fly 200-300", lo_open=True),
    "air.launch_prep_min": MINUTES_A_DAY,
    "air.seats": Bound(1, 100, "people one sortie carries", whole=True),
    "air.hoist_min_per_person": MINUTES_A_DAY,
    "air.unload_min": MINUTES_A_DAY,
    "air.payload_units": Bound(1, 100_000, "relief units one sortie carries", whole=True),
    "air.lift_reserve_sorties": Bound(1, 1_000, "payloads set aside per cut-off site", whole=True),
    "air.load_min": MINUTES_A_DAY,
    "air.evacuate_triage.*": Bound(1, 3, "a triage class: 1 red, 2 yellow, 3 green", whole=True),
    "air.stretchers": Bound(1, 20, "stretcher patients one sortie carries", whole=True),
    "air.patient_load_min": MINUTES_A_DAY,
    "air.night_start_clock_h": CLOCK_H,
    "air.night_end_clock_h": CLOCK_H,
    "air.weather_no_fly_h.*.*": HOURS_A_MONTH,
}


def _matches(pattern: tuple[str, ...], path: tuple[str, ...]) -> bool:
    return len(pattern) == len(path) and all(p in ("*", q) for p, q in zip(pattern, path, strict=True))


_PATTERNS = [(tuple(key.split(".")), key) for key in SETTINGS]


def settings_bound(path: str) -> Bound | None:
    """The bound of config key `path` ("hazard.events.flood.onset_h"), or None."""
    parts = tuple(path.split("."))
    for pattern, key in _PATTERNS:
        if _matches(pattern, parts):
            return SETTINGS[key]
    return None


def config_problems(config: Any, path: str = "") -> list[Problem]:
    """Every number in a composed configuration that lies outside its bound (unknown keys and
    wrong types are left to the settings' own validation, which names them)."""
    found: list[Problem] = []
    if isinstance(config, dict):
        for key, value in config.items():
            found += config_problems(value, f"{path}.{key}" if path else str(key))
    elif isinstance(config, list):
        for i, value in enumerate(config):
            found += config_problems(value, f"{path}.{i}")
    elif isinstance(config, int | float) and not isinstance(config, bool):
        bound = settings_bound(path)
        rule = bound.check(config) if bound is not None else None
        if rule is not None:
            found.append(Problem(f"config key {path}", config, rule))
    return found


def table_markdown() -> str:
    """The bounds as Markdown tables (docs/reliability.md holds this text)."""
    lines = ["| scenario file, column | range | reason |", "|---|---|---|"]
    lines += [f"| `{key}` | {b.span()} | {b.reason} |" for key, b in SCENARIO.items()]
    lines += ["", "| configuration key | range | reason |", "|---|---|---|"]
    lines += [f"| `{key}` | {b.span()} | {b.reason} |" for key, b in SETTINGS.items()]
    return "\n".join(lines) + "\n"
