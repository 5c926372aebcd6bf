"""Frozen, validated settings: the composed configuration, checked once.

Hydra composes `configs/`; the command line turns the result into a plain dict
and calls `Settings.from_dict`. Every unknown key, wrong type and out-of-range
value is collected and reported at once (key path, value, rule). Hours become
minutes here and nowhere else: the rest of the code reads `*_min` properties.

Size: one pydantic model per configuration group, so the whole configuration's schema and its
ranges read in one place (the bounds are sim/bounds.py).
"""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from sim import bounds
from sim.errors import InputError, Problem
from sim.units import MIN_PER_H, h_to_min

Share = Annotated[float, Field(ge=0.0, le=1.0)]
# Names end up in output folder names (outputs/DATE/TIME_SCENARIO_HAZARD): letters, digits,
# '_', '-', '.', starting with a letter or digit, so a name can never leave the output root.
SafeName = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
PositiveFloat = Annotated[float, Field(gt=0.0)]
NonNegFloat = Annotated[float, Field(ge=0.0)]

# Upper limits keep a typo (run.reps=1000000000) from filling the disk; each is far
# beyond any plan's need.
MAX_REPS = 100_000
MAX_HORIZON_H = 24 * 30  # a month of response; the plans' targets are at most 24 h


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class ScenarioSettings(_Frozen):
    name: SafeName
    dir: str = Field(min_length=1)
    # None keeps the value in the scenario folder's scenario.yaml `defaults:`.
    snap_tolerance_km: PositiveFloat | None = None
    unload_min: NonNegFloat | None = None
    road_speed_kmh: dict[str, PositiveFloat] | None = None


SEVERITIES: tuple[Severity, ...] = ("low", "medium", "high")
Severity = Literal["low", "medium", "high"]
HAZARD_KINDS = ("flood", "typhoon", "earthquake", "landslide", "forest_fire", "hazchem")
TriageName = Literal["immediate", "urgent", "delayed"]
TRIAGE: tuple[TriageName, ...] = ("immediate", "urgent", "delayed")  # classes 1 (red), 2 (yellow), 3 (green)
TriageClass = Literal[1, 2, 3]  # the class numbers of TRIAGE
RESCUE_TYPES: tuple[RescueType, ...] = ("water", "collapse", "mountain")


class Footprint(_Frozen):
    """Where a hazard strikes: a named zone, listed townships, or a circle around a centre."""

    zone: str | None = None  # a zone named in scenario.yaml `zones:`
    townships: list[str] | None = None  # township place ids
    centre_place: str | None = None  # a place id (epicentre, landslide, fire, release point)
    centre_lon: Annotated[float, Field(ge=-180, le=180)] | None = None
    centre_lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    radius_km: PositiveFloat | None = None

    @model_validator(mode="after")
    def _one_of(self) -> Footprint:
        centre = self.centre_place is not None or self.centre_lon is not None or self.centre_lat is not None
        given = [self.zone is not None, self.townships is not None, centre]
        if sum(given) != 1:
            raise ValueError("give exactly one of footprint.zone, footprint.townships or a centre")
        if centre:
            if self.centre_place is None and (self.centre_lon is None or self.centre_lat is None):
                raise ValueError("a centre needs centre_place, or both centre_lon and centre_lat")
            if self.radius_km is None:
                raise ValueError("a centre needs radius_km")
        return self

    @property
    def has_centre(self) -> bool:
        return self.centre_place is not None or self.centre_lon is not None


class SeverityRates(_Frozen):
    """What one severity level does to a village, per resident (affected) or per affected person."""

    affected: Share  # share of residents affected
    displaced: Share  # share of residents displaced (needing relief and shelter); <= affected
    casualties: dict[Literal["immediate", "urgent", "delayed"], NonNegFloat]  # per affected person
    trapped: dict[Literal["water", "collapse", "mountain"], NonNegFloat]  # per affected person
    power_cut: Share  # probability the village loses power and phone (slower reports)
    # Share of the affected people who are not displaced but need emergency living relief at
    # home (需紧急生活救助: homes damaged, cut off without food or water). China 2015: 181.7 万
    # needing emergency living relief of 18,620 万 affected (644.4 万 relocated), about 1 % of
    # those affected and not relocated (Ministry of Civil Affairs, 2015 national disaster
    # statistics); plausible 0-3 %. They need the same kit as the displaced (a stated
    # simplification). It was 0 while trucks made single-drop trips, when a few people at home in
    # each of many villages cost a whole trip each. With multi-drop trips (issue 20) those people
    # ride along with other loads; on zhangshu flood_moderate (30 replications, paired) 1 % now
    # takes relief_10h 6.5 pp lower [4.0, 9.0] (single-drop: 9.2 pp), the extra late villages
    # cut off by road or short of stock rather than waiting for trucks: what the county's roads
    # and stock do to the people at home, which a planner needs to see (docs/model/relief.md).
    in_need: Share = 0.01

    @model_validator(mode="after")
    def _displaced_within_affected(self) -> SeverityRates:
        if self.displaced > self.affected:
            raise ValueError(f"displaced ({self.displaced}) must not exceed affected ({self.affected})")
        return self


class RoadDamage(_Frozen):
    """Road damage inside the footprint, by road class (`other` covers classes not listed)."""

    blocked: dict[str, Share]  # P(an edge is cut), applied per edge at the hit time
    slowed: dict[str, Share] = Field(default_factory=dict)  # P(slowed), for edges not cut
    slow_factor: Annotated[float, Field(gt=0.0, le=1.0)] = 0.5  # speed multiplier on slowed edges
    repair_h: dict[str, PositiveFloat]  # work hours for one road-repair team to reopen a cut edge
    clears_after_h: PositiveFloat | None = None  # cuts lift by themselves (a plume disperses)
    scale: NonNegFloat = 1.0  # multiplies every probability: 0 = roads hold, 2 = twice as likely
    # Share of cut edges that are under water, not broken: no team can reopen one before the
    # water goes down `recession_h` after the edge went under; then it reopens by itself, or,
    # with probability `washout_share`, needs a team's repair_h (silt, a washed-out embankment).
    # 0 (the default) = every cut is debris or damage a team can clear at once.
    under_water: Share = 0.0
    recession_h: PositiveFloat | None = None
    washout_share: Share = 0.0

    @model_validator(mode="after")
    def _recession_given(self) -> RoadDamage:
        if self.under_water > 0 and self.recession_h is None:
            raise ValueError("under_water > 0 needs recession_h (hours until the water goes down)")
        return self

    def rate(self, table: dict[str, float], road_class: str) -> float:
        return min(1.0, self.scale * table.get(road_class, table.get("other", 0.0)))


class SizeVariation(_Frozen):
    """How big this event is and how its damage clusters in space (area hazards: severity_probs).

    Each village's severity comes from a latent standard-normal score
    Y = sqrt(event_share) * eta + sqrt(1 - event_share) * Z, where eta is one draw per event
    and replication (a big or a small flood) and Z a field over the villages with correlation
    exp(-distance / correlation_km) between two of them (neighbours flood together). The
    severity_probs stay the long-run share of villages at each level; what changes is that a
    replication is a whole bigger or smaller event, with damage in clusters. Both 0 = the
    independent per-village draw of before, exactly.
    """

    event_share: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.0
    correlation_km: NonNegFloat = 0.0


class GroundMotion(_Frozen):
    """Earthquake ground-motion variability about the attenuation relation, in intensity units.

    I = mean relation + inter_event_sigma * eta + intra_event_sigma * Z, eta one draw per
    event (this earthquake shakes harder or softer than the average one of its magnitude),
    Z a field over the villages with correlation exp(-distance / correlation_km) (the
    intra-event residuals of nearby sites are alike: Jayaram & Baker 2009). All 0 = the
    deterministic footprint of the mean relation.
    """

    inter_event_sigma: NonNegFloat = 0.0
    intra_event_sigma: NonNegFloat = 0.0
    correlation_km: NonNegFloat = 0.0


class Intensity(_Frozen):
    """Seismic intensity I = a + b*M - c*log10(R + r0), R the epicentral distance in km."""

    a: float
    b: float
    c: PositiveFloat
    r0_km: PositiveFloat


class HazardEvent(_Frozen):
    kind: Literal["flood", "typhoon", "earthquake", "landslide", "forest_fire", "hazchem"]
    description: str = ""
    onset_h: NonNegFloat = 0.0
    rise_h: NonNegFloat = 0.0  # villages are hit spread evenly-at-random over [onset, onset + rise]
    footprint: Footprint
    # How a village inside the footprint gets its severity (exactly one, by kind):
    severity_probs: dict[Severity, Share] | None = None  # area hazards: drawn per village
    severity_km: dict[Severity, PositiveFloat] | None = None  # circle hazards: within this distance
    magnitude: Annotated[float, Field(ge=2.0, le=9.5)] | None = None  # earthquake
    intensity: Intensity | None = None  # earthquake attenuation
    intensity_bands: dict[Severity, float] | None = None  # minimum intensity of each severity
    densely_populated: bool = False  # earthquake response grade thresholds are 1 lower there
    rates: dict[Severity, SeverityRates]
    road_damage: RoadDamage
    size: SizeVariation = SizeVariation()  # area hazards: event size and spatial clustering
    ground_motion: GroundMotion = GroundMotion()  # earthquakes: variability about the attenuation
    infectious_share: Share = 0.0  # casualties contaminated or infectious (negative-pressure transport)

    @model_validator(mode="after")
    def _severity_rule(self) -> HazardEvent:
        ways = [self.severity_probs is not None, self.severity_km is not None, self.magnitude is not None]
        if sum(ways) != 1:
            raise ValueError("give exactly one of severity_probs, severity_km or magnitude")
        if self.severity_probs is not None and sum(self.severity_probs.values()) > 1 + 1e-9:
            raise ValueError("severity_probs must sum to at most 1 (the rest is unaffected)")
        if self.severity_probs is None and self.size != SizeVariation():
            raise ValueError("size applies to severity_probs hazards (earthquakes: ground_motion)")
        if self.magnitude is None and self.ground_motion != GroundMotion():
            raise ValueError("ground_motion applies to earthquakes (a magnitude) only")
        if self.severity_km is not None and not self.footprint.has_centre:
            raise ValueError("severity_km needs a footprint with a centre and radius_km")
        if self.magnitude is not None:
            if self.intensity is None or self.intensity_bands is None:
                raise ValueError("an earthquake needs intensity and intensity_bands")
            if not self.footprint.has_centre:
                raise ValueError("an earthquake needs a footprint centre (the epicentre)")
        levels = set(self.severity_probs or self.severity_km or self.intensity_bands or {})
        missing = sorted(levels - set(self.rates), key=SEVERITIES.index)
        if missing:
            raise ValueError(
                f"rates missing for severity {', '.join(missing)} "
                "(a missing rate is an error, never a silent zero)"
            )
        return self

    @property
    def onset_min(self) -> float:
        return h_to_min(self.onset_h)


class ReportingSettings(_Frozen):
    """How a village's situation reaches the command centre (first report, then follow-ups)."""

    first_delay_min: NonNegFloat  # median minutes from the hit to the first report
    first_delay_sigma: NonNegFloat = 0.0  # lognormal spread of that delay
    cut_off_extra_min: NonNegFloat = 0.0  # added when the village is cut off by road or power
    first_share: Annotated[float, Field(gt=0.0, le=1.0)] = 1.0  # share of the truth in the first report
    followups: int = Field(default=0, ge=0, le=20)  # follow-up reports; the last one is exact
    followup_every_min: PositiveFloat = 120.0
    # When the command centre learns of trapped people: `first_report`, with the village's first
    # report (its disaster information officer reports casualties and trapped people in the
    # 初报; seed 004: every village has one), a delay drawn like that report's; or `at_once`
    # (the lower bound: a 110/119 call from the trapped the moment they are trapped).
    trapped: Literal["first_report", "at_once"] = "first_report"
    # When the command centre (and so every route it plans) learns of road damage:
    # `reached_or_reported`, when a vehicle reaches the damaged edge or when the damage is
    # reported after `road_delay_min` (lognormal, `road_delay_sigma`), whichever is first; or
    # `at_once` (the old lower bound: perfect knowledge of every cut the moment it happens).
    # The code's default is the old behaviour, so a run saved before this key existed reads as
    # it was run; configs/config.yaml sets reached_or_reported for every new run.
    roads: Literal["reached_or_reported", "at_once"] = "at_once"
    # Median minutes from road damage to its report: infrastructure damage is part of the
    # 初报 of the village information officers (seed 004: at least one in every village), so
    # by default the same as `first_delay_min`; plausible 30 min - 6 h (a road between villages
    # nobody uses may wait for a patrol).
    road_delay_min: NonNegFloat = 60.0
    road_delay_sigma: NonNegFloat = 0.5  # lognormal spread, as the first report's


class Label(_Frozen):
    """What a person reads for an id in charts and the appendix, in each language."""

    zh: Annotated[str, Field(min_length=1, max_length=60)]
    en: Annotated[str, Field(min_length=1, max_length=80)]


class HazardSettings(_Frozen):
    name: SafeName
    description: str = ""
    label: Label | None = None  # the hazard's name in charts and the appendix (else `name`)
    events: dict[str, HazardEvent] = Field(default_factory=dict)  # none = no disaster

    @property
    def onset_min(self) -> float:
        """The disaster's onset: the earliest event (targets count from here)."""
        return min((e.onset_min for e in self.events.values()), default=0.0)


class ShelterSettings(_Frozen):
    use: bool = True  # send displaced people to shelters (else they stay in their village)
    m2_per_person: PositiveFloat  # capacity = area / this
    max_travel_min: PositiveFloat  # a shelter farther than this by road is not used


class PolicySettings(_Frozen):
    relief: str = Field(min_length=1)  # a name in sim.model.policies.RELIEF_POLICIES
    repair: str = "most_people_reconnected"  # a name in sim.model.policies.REPAIR_POLICIES
    load_order: Literal["initial_first", "fifo"] = "initial_first"


class TruckSettings(_Frozen):
    """Relief trucks: how a trip is built, drivers' limits, and restocking of township points.
    The values and their reasons are in configs/config.yaml `trucks:`."""

    routing: str = Field(min_length=1)  # a name in sim.model.policies.ROUTE_POLICIES
    max_stops: Annotated[int, Field(ge=1)]  # drops on one trip (multi_drop)
    max_delay_min: NonNegFloat  # no drop later than this behind a straight drive to it
    drivers: Annotated[int, Field(ge=1)]  # drivers per truck
    continuous_drive_h: PositiveFloat  # a driver's driving before a break
    rest_min: NonNegFloat  # the break
    daily_drive_h: PositiveFloat  # a driver's driving in any 24 h
    restock_below: Share  # a township point's item below this share of its starting stock is topped up

    @property
    def continuous_drive_min(self) -> float:
        return h_to_min(self.continuous_drive_h)

    @property
    def daily_drive_min(self) -> float:
        return h_to_min(self.daily_drive_h)


Clock = Literal["affected", "event_onset"]


class TargetSettings(_Frozen):
    """Share of people relieved in time: each person's kit of `item_class` in place at their site
    by their deadline (sim/results/relief_people.py). `clock: affected` runs each person's deadline from
    the moment they were displaced; `event_onset` from the disaster's onset (people struck after
    the deadline are then counted apart). `population`: whom the target counts: `in_need` (the
    default: everyone who needs the county's relief, the displaced 紧急转移安置人口 and the people
    at home needing emergency living relief 需紧急生活救助人口, the two relief populations of the
    national disaster statistics, as the plans' 受灾群众/受灾人员 得到救助 means) or `displaced`
    (the narrower reading: people relocated only)."""

    measure: Literal["relief_complete"]
    item_class: Literal["initial", "basic", "all"]
    deadline_h: PositiveFloat
    required_share: Annotated[float, Field(gt=0.0, le=1.0)]
    clock: Clock = "affected"
    population: Literal["in_need", "displaced"] = "in_need"
    counts: str = ""  # one line: what the share counts, in words (docs/guide/targets.md's table)
    source: str = ""
    description: str = ""
    label: Label | None = None  # the target's name in charts and the appendix (else its key)

    @property
    def deadline_min(self) -> float:
        return h_to_min(self.deadline_h)


# --- Budget changes (sim/experiment/budget.py applies them to a Scenario and costs them) ---------------
# Each change is data: a `kind` and its keys, never a class path. Places, depots, items and
# stations are checked against the scenario when the change is applied.
PositiveInt = Annotated[int, Field(ge=1)]
ItemUnits = Annotated[dict[str, Annotated[int, Field(ge=1)]], Field(min_length=1)]


class _Change(_Frozen):
    note: str = ""  # the planner's reason for the change (shown in the case manifest)


class AddStock(_Change):
    kind: Literal["add_stock"]
    depot: str = Field(min_length=1)
    items: ItemUnits  # item -> units added


class AddTownshipPoint(_Change):
    kind: Literal["add_township_point"]
    id: str = Field(min_length=1)  # the new depot's id
    place: str = Field(min_length=1)  # where it stands (a township seat or a village)
    name: str = ""
    trucks: PositiveInt = 1
    truck_capacity: PositiveInt = 300  # as the shipped township points' light trucks
    load_min: NonNegFloat = 30.0  # as the shipped township points (hand-loaded)
    stock: dict[str, Annotated[int, Field(ge=0)]] = Field(default_factory=dict)


class AddTrucks(_Change):
    kind: Literal["add_trucks"]
    depot: str = Field(min_length=1)
    trucks: PositiveInt


class AddAmbulances(_Change):
    kind: Literal["add_ambulances"]
    station: str = Field(min_length=1)  # an existing station, or a new one when `place` is given
    ambulances: PositiveInt  # added vehicles, negative-pressure ones included
    negative_pressure: Annotated[int, Field(ge=0)] = 0  # how many of them are negative-pressure
    place: str | None = None  # open a new station here
    station_kind: str = "station"  # for a new station: centre, subcentre or station

    @model_validator(mode="after")
    def _np_within(self) -> AddAmbulances:
        if self.negative_pressure > self.ambulances:
            raise ValueError(f"negative_pressure ({self.negative_pressure}) must be <= ambulances")
        return self


class AddTeam(_Change):
    kind: Literal["add_team"]
    id: str = Field(min_length=1)
    team_kind: str = Field(min_length=1)  # a teams.csv kind (volunteer, semi_professional, ...)
    base: str = Field(min_length=1)  # base place id
    members: PositiveInt
    skills: list[str] = Field(min_length=1)
    mobilisation_min: NonNegFloat
    turnout: Share = 1.0


class AddEquipment(_Change):
    """Boats or large machines for an existing team (teams.csv `boats`, `machines`)."""

    kind: Literal["add_equipment"]
    team: str = Field(min_length=1)
    boats: Annotated[int, Field(ge=0)] = 0
    machines: Annotated[int, Field(ge=0)] = 0

    @model_validator(mode="after")
    def _something(self) -> AddEquipment:
        if self.boats + self.machines == 0:
            raise ValueError("add at least one boat or machine")
        return self


class AddContractReserve(_Change):
    kind: Literal["add_contract_reserve"]
    id: str = Field(min_length=1)
    place: str = Field(min_length=1)  # the firm's warehouse
    name: str = ""
    lead_time_h: NonNegFloat  # call-off to first truck leaving
    trucks: PositiveInt
    truck_capacity: PositiveInt
    load_min: NonNegFloat
    stock: ItemUnits  # contracted maximum per item


BudgetChange = Annotated[
    AddStock | AddTownshipPoint | AddTrucks | AddAmbulances | AddTeam | AddEquipment | AddContractReserve,
    Field(discriminator="kind"),
]

CHANGE_KINDS = tuple(
    get_args(m.model_fields["kind"].annotation)[0] for m in get_args(get_args(BudgetChange)[0])
)


class BudgetSettings(_Frozen):
    name: SafeName
    description: str = ""
    changes: list[BudgetChange] = Field(default_factory=list)


class UnitCost(_Frozen):
    purchase_yuan: NonNegFloat
    upkeep_yuan_per_year: NonNegFloat


class CostSettings(_Frozen):
    name: SafeName
    truck_yuan_per_h: NonNegFloat
    item_unit_yuan: dict[str, NonNegFloat] = Field(default_factory=dict)
    default_item_unit_yuan: NonNegFloat = 0.0
    # Budget costing (sim/experiment/budget.py): a case costs purchase + plan_years x yearly upkeep.
    plan_years: Annotated[int, Field(ge=1, le=50)] = 5
    unit_costs: dict[str, UnitCost] = Field(default_factory=dict)
    stock_upkeep_share_per_year: Share = 0.0
    contract_fee_share_per_year: Share = 0.0
    rescue_member_yuan_per_h: NonNegFloat = 0.0  # mutual-aid compensation per team member-hour (issue 5)

    def item_yuan(self, item: str) -> float:
        return self.item_unit_yuan.get(item, self.default_item_unit_yuan)


class RunSettings(_Frozen):
    reps: int = Field(ge=1, le=MAX_REPS)
    seed: int = Field(ge=0, le=2**63 - 1)
    horizon_h: Annotated[float, Field(gt=0.0, le=MAX_HORIZON_H)]
    keep_events: bool = True
    progress: bool | Literal["auto"] = "auto"
    # Where replications run (drsim run and sweep: sim/experiment/sweep.py); none of these change any result.
    executor: Literal["local", "dask"] = "local"
    # None: every core (a local sweep), this process (drsim run: a run is usually small)
    workers: Annotated[int, Field(ge=1, le=4096)] | None = None
    # More workers than cores only slows a CPU-bound sweep (and can exhaust memory): refused
    # unless forced (sim/experiment/executors.py check_workers), e.g. to test on a small machine.
    workers_force: bool = False
    address: str | None = None  # dask scheduler, tcp://host:8786; None starts a local cluster
    halfwidth: Annotated[float, Field(gt=0.0, lt=0.5)] | None = None  # sequential stopping
    max_reps: Annotated[int, Field(ge=1, le=MAX_REPS)] | None = None

    @model_validator(mode="after")
    def _stopping(self) -> RunSettings:
        if self.max_reps is not None and self.max_reps < self.reps:
            raise ValueError(f"run.max_reps ({self.max_reps}) must be >= run.reps ({self.reps})")
        return self

    @property
    def horizon_min(self) -> float:
        return h_to_min(self.horizon_h)


# --- Medical emergency system (issue 4) -------------------------------------------------------

TARGET_MEASURES: tuple[str, ...] = ("relief_complete", "ems_response")
MAX_AMBULANCES = 10_000  # far beyond any county's fleet; stops a typo from exhausting memory


class TriageValues(_Frozen):
    """One number per triage class (the hazard library's names, TRIAGE): immediate (red, 1),
    urgent (yellow, 2), delayed (green, 3)."""

    immediate: NonNegFloat
    urgent: NonNegFloat
    delayed: NonNegFloat

    def values(self) -> tuple[float, float, float]:
        """In triage-class order 1, 2, 3."""
        return (self.immediate, self.urgent, self.delayed)


class BedKindValues(_Frozen):
    """One number per kind of ward bed (sim/model/hospitals.py BED_KINDS)."""

    general: NonNegFloat
    infectious: NonNegFloat


def _every_triage_class() -> list[TriageClass]:
    """An EMS target's default: calls of every triage class."""
    return [1, 2, 3]


class EmsTargetSettings(_Frozen):
    """Share of calls reached on scene within `limit_min` of the call (by triage class and area)."""

    measure: Literal["ems_response"]
    limit_min: PositiveFloat
    required_share: Annotated[float, Field(gt=0.0, le=1.0)]
    triage: list[TriageClass] = Field(default_factory=_every_triage_class, min_length=1)
    area: Literal["all", "urban", "rural"] = "all"
    rural_limit_min: PositiveFloat | None = None  # rural calls' own limit; None: `limit_min` for all
    counts: str = ""
    source: str = ""
    description: str = ""
    label: Label | None = None  # the target's name in charts and the appendix (else its key)

    @property
    def deadline_h(self) -> float:
        """The per-call limit in hours, for tables that list every target's deadline."""
        return self.limit_min / MIN_PER_H


# --- Rescue teams, volunteers and helicopters (issue 5) ---------------------------------------

TARGET_MEASURES += ("rescue_share", "helicopter_response")


class RescueTargetSettings(_Frozen):
    """Share of trapped people rescued within `deadline_h` (by team or helicopter): from the moment
    each was trapped (`clock: affected`) or from the disaster's onset (`event_onset`)."""

    measure: Literal["rescue_share"]
    deadline_h: PositiveFloat
    required_share: Annotated[float, Field(gt=0.0, le=1.0)]
    clock: Clock = "affected"
    counts: str = ""
    source: str = ""
    description: str = ""
    label: Label | None = None  # the target's name in charts and the appendix (else its key)

    @property
    def deadline_min(self) -> float:
        return h_to_min(self.deadline_h)


class AirTargetSettings(_Frozen):
    """Share of air missions to places within `radius_km` of the aircraft's base that arrive within
    `limit_min` of the request (seed 004: 2 h response within 100 km)."""

    measure: Literal["helicopter_response"]
    limit_min: PositiveFloat
    radius_km: PositiveFloat
    required_share: Annotated[float, Field(gt=0.0, le=1.0)]
    counts: str = ""
    source: str = ""
    description: str = ""
    label: Label | None = None  # the target's name in charts and the appendix (else its key)

    @property
    def deadline_h(self) -> float:
        return self.limit_min / MIN_PER_H


RescueType = Literal["water", "collapse", "mountain"]
# The equipment a crew of each rescue type works around (teams.csv columns `boats`, `machines`):
# a water-rescue crew is a boat's crew, a collapse-rescue crew works with a large machine
# (crane, excavator, hydraulic breaker); a mountain-rescue crew carries ropes and a stretcher.
Equipment = Literal["boats", "machines"]
EQUIPMENT: tuple[Equipment, ...] = ("boats", "machines")
EQUIPMENT_OF: dict[str, str | None] = {"water": "boats", "collapse": "machines", "mountain": None}
SurvivalPoint = Annotated[list[NonNegFloat], Field(min_length=2, max_length=2)]


def check_survival_curves(
    value: dict[str, list[list[float]]], allow_empty: bool
) -> dict[str, list[list[float]]]:
    """Every curve of `value` (by rescue type or triage class) follows check_survival_points."""
    for kind, points in value.items():
        check_survival_points(kind, points, allow_empty)
    return value


def check_survival_points(kind: str, points: list[list[float]], allow_empty: bool) -> None:
    """A survival curve's [hours, probability] points (sim/model/survival.py): the first at 0 h,
    hours rising, probabilities at most 1 and never rising. Empty: no curve (when allowed)."""
    if not points:
        if allow_empty:
            return
        raise ValueError(f"{kind}: needs at least one [hours, probability] point")
    if any(p > 1 for _, p in points):
        raise ValueError(f"{kind}: a probability must be at most 1, got {max(p for _, p in points)}")
    if points[0][0] != 0:
        raise ValueError(f"{kind}: the first point must be at 0 hours, got {points[0][0]}")
    for (h0, p0), (h1, p1) in pairwise(points):
        if h1 <= h0:
            raise ValueError(f"{kind}: hours must increase, got {h0} then {h1}")
        if p1 > p0:
            raise ValueError(
                f"{kind}: survival cannot rise with time, got {p0} at {h0} h then {p1} at {h1} h"
            )


class RescueSettings(_Frozen):
    """Rescue teams (teams.csv) and how they turn out, work in crews, rest, and how long trapped
    people survive (configs/rescue/)."""

    policy: str = Field(min_length=1)  # a name in sim.model.policies.rescue.RESCUE_POLICIES
    crew_members: dict[RescueType, Annotated[int, Field(ge=1, le=1_000)]]  # members of one crew
    round_people: dict[
        RescueType, Annotated[int, Field(ge=1, le=1_000)]
    ]  # people one crew brings out a round
    round_min: dict[RescueType, PositiveFloat]  # minutes of one round
    equipment_delay_h: dict[Equipment, NonNegFloat]  # after the team leaves
    # per type: [hours trapped, probability still alive] points; linear between, flat after the last
    survival: dict[RescueType, list[SurvivalPoint]]
    max_shift_h: PositiveFloat
    rest_h: NonNegFloat
    volunteer_leave_members: int = Field(ge=1, le=10_000)
    volunteer_min_members: int = Field(ge=1, le=10_000)
    skills: dict[RescueType, list[str]]  # team skills qualifying per type

    @field_validator("crew_members", "round_people", "round_min", "survival", "equipment_delay_h")
    @classmethod
    def _every_key(cls, value: dict, info: ValidationInfo) -> dict:
        """A value for every rescue type (for every kind of equipment: equipment_delay_h)."""
        keys = EQUIPMENT if info.field_name == "equipment_delay_h" else RESCUE_TYPES
        missing = [k for k in keys if k not in value]
        if missing:
            raise ValueError(f"needs a value for each of {', '.join(keys)}; missing: {', '.join(missing)}")
        return value

    @field_validator("survival")
    @classmethod
    def _survival_curves(cls, value: dict[str, list[list[float]]]) -> dict[str, list[list[float]]]:
        return check_survival_curves(value, allow_empty=False)

    @property
    def max_shift_min(self) -> float:
        return h_to_min(self.max_shift_h)

    @property
    def rest_min(self) -> float:
        return h_to_min(self.rest_h)

    def equipment_delay_min(self, equipment: Equipment) -> float:
        return h_to_min(self.equipment_delay_h[equipment])


class AirSettings(_Frozen):
    """Helicopters at a helipad serving places cut off by road (configs/air/)."""

    aircraft: int = Field(ge=0, le=1_000)
    base_helipad: str | None = None  # a helipad_id of helipads.csv; None = the first one
    cruise_kmh: PositiveFloat
    launch_prep_min: NonNegFloat
    seats: int = Field(ge=1, le=100)
    hoist_min_per_person: NonNegFloat
    unload_min: NonNegFloat
    relief_lift: bool
    lift_depot: str | None = None  # a depot_id of depots.csv; None = the depot at the base helipad
    payload_units: int = Field(ge=1, le=100_000)
    lift_reserve_sorties: int = Field(ge=1, le=1_000)
    load_min: NonNegFloat
    evacuation: bool
    evacuate_triage: list[Annotated[int, Field(ge=1, le=len(TRIAGE))]]
    stretchers: int = Field(ge=1, le=20)
    patient_load_min: NonNegFloat
    night_no_fly: bool
    night_start_clock_h: Annotated[float, Field(ge=0.0, lt=24.0)]
    night_end_clock_h: Annotated[float, Field(ge=0.0, lt=24.0)]
    weather_no_fly_h: list[Annotated[list[NonNegFloat], Field(min_length=2, max_length=2)]] = Field(
        default_factory=list
    )  # [start, end] hours since onset when weather grounds every aircraft


AnyTarget = Annotated[
    TargetSettings | EmsTargetSettings | RescueTargetSettings | AirTargetSettings,
    Field(discriminator="measure"),
]


class EmsSettings(_Frozen):
    """Ambulances, calls and hospitals (configs/ems/). mode=mmc is the queueing check mode:
    one station, zero travel, no scene or hospital stage, `servers` ambulances, Poisson calls."""

    mode: Literal["county", "mmc"]
    dispatch: str = Field(min_length=1)  # a name in sim.model.policies.ems.DISPATCH_POLICIES
    hospital: str = Field(min_length=1)  # a name in sim.model.policies.ems.HOSPITAL_POLICIES
    reserve_for_red: int = Field(ge=0, le=MAX_AMBULANCES)
    reserve_negative_pressure: bool
    when_all_busy: Literal["queue", "divert"]
    dispatch_delay_min: NonNegFloat
    scene_min: NonNegFloat
    scene_cv: NonNegFloat
    handover_min: NonNegFloat
    decon_min: NonNegFloat
    stay_h: TriageValues
    general_bed_occupancy_at_onset: Share
    infectious_bed_occupancy_at_onset: Share
    routine_calls_per_1000_per_day: NonNegFloat
    routine_hour_profile: list[NonNegFloat] = Field(min_length=24, max_length=24)
    onset_clock_h: Annotated[float, Field(ge=0.0, lt=24.0)]
    routine_triage_shares: TriageValues
    routine_infectious_share: Share
    casualty_call_share: TriageValues  # of the hazard's casualties, the share calling for an ambulance
    # hospitals that work like hospitals (sim/model/hospitals.py): patients in beds at onset leave,
    # surge beds open, a crew waits for a ward bed at most bed_wait_max_min, then hands over to ED staff
    onset_stay_mean_h: PositiveFloat  # mean remaining stay of the patients in beds at onset
    early_discharge_share: Share  # of them, sent home early (reverse triage) ...
    early_discharge_h: PositiveFloat  # ... evenly over this many hours from onset
    surge_bed_share: BedKindValues  # extra beds opened, as a share of each hospital's beds of the kind
    surge_open_h: NonNegFloat  # hours after onset the surge beds open
    bed_wait_max_min: NonNegFloat  # longest a crew waits at the hospital for a ward bed
    # ambulance crews (sim/model/ems.py): shifts end at the station; a rested crew takes over
    crews_per_ambulance: Annotated[int, Field(ge=1, le=10)]
    crew_shift_h: PositiveFloat
    crew_rest_h: NonNegFloat
    # survival while waiting for a hospital (sim/model/ems.py), per triage class of the hazard's
    # casualties: [hours since injury, P(alive)] points; a class without points does not
    # deteriorate. Default none: runs made before it keep their results (configs/ems/ turns it on).
    survival: dict[TriageName, list[SurvivalPoint]] = Field(default_factory=dict)
    # check mode only (mode: mmc); null in county mode
    servers: Annotated[int, Field(ge=1, le=MAX_AMBULANCES)] | None = Field(None, validate_default=True)
    calls_per_h: PositiveFloat | None = Field(None, validate_default=True)
    service_mean_min: PositiveFloat | None = Field(None, validate_default=True)
    service_dist: Literal["exponential", "lognormal", "deterministic"] = "exponential"
    service_cv: PositiveFloat = 1.0
    warmup_h: NonNegFloat = 0.0

    @field_validator("servers", "calls_per_h", "service_mean_min")
    @classmethod
    def _check_mode_only(cls, value: Any, info: ValidationInfo) -> Any:
        mode = info.data.get("mode")
        if mode == "mmc" and value is None:
            raise ValueError("the check mode (ems.mode=mmc, scenario=mmc) needs a value")
        if mode == "county" and value is not None:
            raise ValueError(
                "only applies to the check mode (scenario=mmc); a county's fleet comes from ems_stations.csv"
            )
        return value

    @field_validator("dispatch_delay_min")
    @classmethod
    def _no_delay_in_check_mode(cls, value: float, info: ValidationInfo) -> float:
        if info.data.get("mode") == "mmc" and value != 0:
            raise ValueError("must be 0 in the check mode (ems.mode=mmc has no dispatch delay)")
        return value

    @field_validator("survival")
    @classmethod
    def _survival_curves(cls, value: dict[str, list[list[float]]]) -> dict[str, list[list[float]]]:
        # a class without points does not deteriorate (the check mode has no casualties at all)
        return check_survival_curves(value, allow_empty=True)

    @field_validator("routine_hour_profile")
    @classmethod
    def _some_hour(cls, value: list[float]) -> list[float]:
        if sum(value) <= 0:
            raise ValueError("needs at least one positive hour")
        return value

    @field_validator("casualty_call_share")
    @classmethod
    def _shares(cls, value: TriageValues) -> TriageValues:
        if max(value.values()) > 1.0:
            raise ValueError("each share must be at most 1")
        return value

    @field_validator("routine_triage_shares")
    @classmethod
    def _shares_add_up(cls, value: TriageValues) -> TriageValues:
        if abs(sum(value.values()) - 1.0) > 1e-9:
            raise ValueError("immediate + urgent + delayed must add up to 1")
        return value

    @property
    def warmup_min(self) -> float:
        return h_to_min(self.warmup_h)

    def stay_min(self, triage: int) -> float:
        return h_to_min(self.stay_h.values()[triage - 1])

    @property
    def onset_stay_mean_min(self) -> float:
        return h_to_min(self.onset_stay_mean_h)

    @property
    def early_discharge_min(self) -> float:
        return h_to_min(self.early_discharge_h)

    @property
    def surge_open_min(self) -> float:
        return h_to_min(self.surge_open_h)

    @property
    def crew_shift_min(self) -> float:
        return h_to_min(self.crew_shift_h)

    @property
    def crew_rest_min(self) -> float:
        return h_to_min(self.crew_rest_h)

    def survival_points(self, triage: int) -> list[list[float]]:
        """The survival curve's points of triage class 1, 2 or 3 (empty: no deterioration)."""
        return self.survival.get(TRIAGE[triage - 1], [])


class Settings(_Frozen):
    scenario: ScenarioSettings
    hazard: HazardSettings
    reporting: ReportingSettings
    shelters: ShelterSettings
    policy: PolicySettings
    trucks: TruckSettings
    targets: dict[str, AnyTarget] = Field(min_length=1)
    budget: BudgetSettings
    costs: CostSettings
    run: RunSettings
    ems: EmsSettings
    rescue: RescueSettings
    air: AirSettings

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        """Validate a composed config; raise InputError listing every problem: wrong keys and
        types (the models above), and numbers outside their plausible range (sim/bounds.py)."""
        problems = []
        try:
            settings = cls.model_validate(data)
        except ValidationError as exc:
            problems = [_problem(err) for err in exc.errors()]
        reported = {p.where for p in problems}  # a key already named keeps the models' message
        problems += [p for p in bounds.config_problems(data) if p.where not in reported]
        if problems:
            raise InputError(problems, heading="configuration is not valid")
        return settings

    @classmethod
    def defaults(cls) -> Settings:
        """The settings `drsim run` runs with when given no overrides (configs/config.yaml's
        choices: zhangshu, flood_major, ...), in one call and without Hydra, for tests and
        notebooks: read from DEFAULT_CONFIG, the configuration configs/ compose to, written by
        scripts/default_config.py (tests/test_settings_defaults.py checks that the two agree).
        Change a group with `model_copy(update=...)`, or compose overrides (sim/config.py)."""
        return cls.from_dict(json.loads(DEFAULT_CONFIG.read_text(encoding="utf-8")))


# The composed default configuration as plain data (scripts/default_config.py writes it).
DEFAULT_CONFIG = Path(__file__).resolve().parent / "data" / "default_config.json"


def _problem(err: Any) -> Problem:
    parts = list(err["loc"])
    if len(parts) > 3 and parts[0] == "targets" and parts[2] in TARGET_MEASURES:
        del parts[2]  # pydantic names the union member; the user wrote targets.NAME.KEY
    loc = ".".join(str(part) for part in parts)
    kind = err["type"]
    if kind == "extra_forbidden":
        rule = "unknown key (check the spelling; `drsim run --cfg job` lists every key)"
    elif kind == "missing":
        rule = "required key is missing"
    elif kind in ("union_tag_not_found", "union_tag_invalid"):  # a budget change's `kind`
        rule = f"needs a known `kind:` ({', '.join(CHANGE_KINDS)})"
    else:
        rule = err["msg"][0].lower() + err["msg"][1:]
    value = err.get("input")
    if kind == "missing":
        value = None
    return Problem(where=f"config key {loc}" if loc else "config", value=value, rule=rule)
