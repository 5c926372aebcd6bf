"""Frozen, validated settings: the composed configuration, checked once.

Hydra composes `configs/`; the command line turns the result into a plain dict
and calls `Settings.from_dict`. Every unknown key, wrong type and out-of-range
value is collected and reported at once (key path, value, rule). Hours become
minutes here and nowhere else: the rest of the code reads `*_min` properties.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.errors import InputError, Problem
from sim.units import h_to_min

Share = Annotated[float, Field(ge=0.0, le=1.0)]
PositiveFloat = Annotated[float, Field(gt=0.0)]
NonNegFloat = Annotated[float, Field(ge=0.0)]

# Upper limits keep a typo (run.reps=1000000000) from filling the disk; each is far
# beyond any plan's need.
MAX_REPS = 100_000
MAX_HORIZON_H = 24 * 30  # a month of response; the plans' targets are at most 24 h


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class ScenarioSettings(_Frozen):
    name: str = Field(min_length=1)
    dir: str = Field(min_length=1)
    # None keeps the value in the scenario folder's scenario.yaml `defaults:`.
    snap_tolerance_km: PositiveFloat | None = None
    unload_min: NonNegFloat | None = None
    road_speed_kmh: dict[str, PositiveFloat] | None = None


class Footprint(_Frozen):
    zone: str | None = None  # a zone named in scenario.yaml `zones:`
    townships: list[str] | None = None  # or township place ids, listed

    @model_validator(mode="after")
    def _one_of(self) -> Footprint:
        if (self.zone is None) == (self.townships is None):
            raise ValueError("give exactly one of footprint.zone or footprint.townships")
        return self


class HazardSettings(_Frozen):
    name: str = Field(min_length=1)
    kind: Literal["flood"]
    description: str = ""
    footprint: Footprint
    onset_h: NonNegFloat = 0.0
    displaced_share: Share
    displaced_share_sd: NonNegFloat = 0.0
    report_delay_min: NonNegFloat = 0.0

    @property
    def onset_min(self) -> float:
        return h_to_min(self.onset_h)


class PolicySettings(_Frozen):
    relief: str = Field(min_length=1)  # a name in sim.model.policies.RELIEF_POLICIES
    load_order: Literal["initial_first", "fifo"] = "initial_first"


class TargetSettings(_Frozen):
    measure: Literal["relief_complete"]
    item_class: Literal["initial", "basic", "all"]
    deadline_h: PositiveFloat
    required_share: Annotated[float, Field(gt=0.0, le=1.0)]
    source: str = ""
    description: str = ""

    @property
    def deadline_min(self) -> float:
        return h_to_min(self.deadline_h)


# --- Budget changes (sim/budget.py applies them to a Scenario and costs them) ---------------
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
    AddStock | AddTownshipPoint | AddTrucks | AddAmbulances | AddTeam | AddContractReserve,
    Field(discriminator="kind"),
]

CHANGE_KINDS = tuple(
    get_args(m.model_fields["kind"].annotation)[0] for m in get_args(get_args(BudgetChange)[0])
)


class BudgetSettings(_Frozen):
    name: str = Field(min_length=1)
    description: str = ""
    changes: list[BudgetChange] = Field(default_factory=list)


class UnitCost(_Frozen):
    purchase_yuan: NonNegFloat
    upkeep_yuan_per_year: NonNegFloat


class CostSettings(_Frozen):
    name: str = Field(min_length=1)
    truck_yuan_per_h: NonNegFloat
    item_unit_yuan: dict[str, NonNegFloat] = Field(default_factory=dict)
    default_item_unit_yuan: NonNegFloat = 0.0
    # Budget costing (sim/budget.py): a case costs purchase + plan_years x yearly upkeep.
    plan_years: Annotated[int, Field(ge=1, le=50)] = 5
    unit_costs: dict[str, UnitCost] = Field(default_factory=dict)
    stock_upkeep_share_per_year: Share = 0.0
    contract_fee_share_per_year: Share = 0.0

    def item_yuan(self, item: str) -> float:
        return self.item_unit_yuan.get(item, self.default_item_unit_yuan)


class RunSettings(_Frozen):
    reps: int = Field(ge=1, le=MAX_REPS)
    seed: int = Field(ge=0, le=2**63 - 1)
    horizon_h: Annotated[float, Field(gt=0.0, le=MAX_HORIZON_H)]
    keep_events: bool = True
    progress: bool | Literal["auto"] = "auto"
    # Sweeps (`drsim sweep`): where replications run; none of these change any result.
    executor: Literal["local", "dask"] = "local"
    workers: Annotated[int, Field(ge=1, le=4096)] | None = None  # None: every core (local)
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


class Settings(_Frozen):
    scenario: ScenarioSettings
    hazard: HazardSettings
    policy: PolicySettings
    targets: dict[str, TargetSettings] = Field(min_length=1)
    budget: BudgetSettings
    costs: CostSettings
    run: RunSettings

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        """Validate a composed config; raise InputError listing every problem."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise InputError(
                [_problem(err) for err in exc.errors()], heading="configuration is not valid"
            ) from None


def _problem(err: Any) -> Problem:
    loc = ".".join(str(part) for part in err["loc"])
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
