"""Frozen, validated settings: the composed configuration, checked once.

Hydra composes `configs/`; the command line turns the result into a plain dict
and calls `Settings.from_dict`. Every unknown key, wrong type and out-of-range
value is collected and reported at once (key path, value, rule). Hours become
minutes here and nowhere else: the rest of the code reads `*_min` properties.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from sim.errors import InputError, Problem
from sim.units import MIN_PER_H, h_to_min

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


class TriageValues(_Frozen):
    """One number per triage class: t1 immediate (red), t2 urgent (yellow), t3 delayed (green).

    Named keys, not 1/2/3: Hydra cannot override an integer key from the command line
    (`hazard.casualties.per_displaced.t1=0.002` works, `...per_displaced.1=` does not)."""

    t1: NonNegFloat = 0.0
    t2: NonNegFloat = 0.0
    t3: NonNegFloat = 0.0

    def values(self) -> tuple[float, float, float]:
        return (self.t1, self.t2, self.t3)


class CasualtySettings(_Frozen):
    """Casualties of a hazard: Poisson counts per displaced person by triage class (none by default)."""

    per_displaced: TriageValues = Field(default_factory=TriageValues)
    infectious_share: Share = 0.0  # share needing a negative-pressure ambulance and an infectious bed
    spread_h: NonNegFloat = 0.0  # calls come in uniformly over this many hours after onset

    @property
    def spread_min(self) -> float:
        return h_to_min(self.spread_h)


class HazardSettings(_Frozen):
    name: str = Field(min_length=1)
    kind: Literal["flood"]
    description: str = ""
    footprint: Footprint
    onset_h: NonNegFloat = 0.0
    displaced_share: Share
    displaced_share_sd: NonNegFloat = 0.0
    report_delay_min: NonNegFloat = 0.0
    casualties: CasualtySettings = Field(default_factory=lambda: CasualtySettings())

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


class BudgetSettings(_Frozen):
    name: str = Field(min_length=1)
    description: str = ""
    # Budget changes (more stock, trucks, points) are applied by the sweeps issue;
    # until then a non-empty list is refused rather than silently ignored.
    changes: list[dict[str, Any]] = Field(default_factory=list, max_length=0)


class CostSettings(_Frozen):
    name: str = Field(min_length=1)
    truck_yuan_per_h: NonNegFloat
    item_unit_yuan: dict[str, NonNegFloat] = Field(default_factory=dict)
    default_item_unit_yuan: NonNegFloat = 0.0

    def item_yuan(self, item: str) -> float:
        return self.item_unit_yuan.get(item, self.default_item_unit_yuan)


class RunSettings(_Frozen):
    reps: int = Field(ge=1, le=MAX_REPS)
    seed: int = Field(ge=0, le=2**63 - 1)
    horizon_h: Annotated[float, Field(gt=0.0, le=MAX_HORIZON_H)]
    keep_events: bool = True
    progress: bool | Literal["auto"] = "auto"

    @property
    def horizon_min(self) -> float:
        return h_to_min(self.horizon_h)


# --- Medical emergency system (issue 4) -------------------------------------------------------

TARGET_MEASURES = ("relief_complete", "ems_response")
MAX_AMBULANCES = 10_000  # far beyond any county's fleet; stops a typo from exhausting memory


class EmsTargetSettings(_Frozen):
    """Share of calls reached on scene within `limit_min` of the call (by triage class and area)."""

    measure: Literal["ems_response"]
    limit_min: PositiveFloat
    required_share: Annotated[float, Field(gt=0.0, le=1.0)]
    triage: list[Literal[1, 2, 3]] = Field(default_factory=lambda: [1, 2, 3], min_length=1)
    area: Literal["all", "urban", "rural"] = "all"
    source: str = ""
    description: str = ""

    @property
    def deadline_h(self) -> float:
        """The per-call limit in hours, for tables that list every target's deadline."""
        return self.limit_min / MIN_PER_H


AnyTarget = Annotated[TargetSettings | EmsTargetSettings, Field(discriminator="measure")]


class EmsSettings(_Frozen):
    """Ambulances, calls and hospitals (configs/ems/). mode=mmc is the queueing check mode:
    one station, zero travel, no scene or hospital stage, `servers` ambulances, Poisson calls."""

    mode: Literal["county", "mmc"]
    dispatch: str = Field(min_length=1)  # a name in sim.model.ems_policies.DISPATCH_POLICIES
    hospital: str = Field(min_length=1)  # a name in sim.model.ems_policies.HOSPITAL_POLICIES
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

    @field_validator("routine_hour_profile")
    @classmethod
    def _some_hour(cls, value: list[float]) -> list[float]:
        if sum(value) <= 0:
            raise ValueError("needs at least one positive hour")
        return value

    @field_validator("routine_triage_shares")
    @classmethod
    def _shares_add_up(cls, value: TriageValues) -> TriageValues:
        if abs(sum(value.values()) - 1.0) > 1e-9:
            raise ValueError("t1 + t2 + t3 must add up to 1")
        return value

    @property
    def warmup_min(self) -> float:
        return h_to_min(self.warmup_h)

    def stay_min(self, triage: int) -> float:
        return h_to_min(self.stay_h.values()[triage - 1])


class Settings(_Frozen):
    scenario: ScenarioSettings
    hazard: HazardSettings
    policy: PolicySettings
    targets: dict[str, AnyTarget] = Field(min_length=1)
    budget: BudgetSettings
    costs: CostSettings
    run: RunSettings
    ems: EmsSettings

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
    parts = list(err["loc"])
    if len(parts) > 3 and parts[0] == "targets" and parts[2] in TARGET_MEASURES:
        del parts[2]  # pydantic names the union member; the user wrote targets.NAME.KEY
    loc = ".".join(str(part) for part in parts)
    kind = err["type"]
    if kind == "extra_forbidden":
        rule = "unknown key (check the spelling; `drsim run --cfg job` lists every key)"
    elif kind == "missing":
        rule = "required key is missing"
    else:
        rule = err["msg"][0].lower() + err["msg"][1:]
    value = err.get("input")
    if kind == "missing":
        value = None
    return Problem(where=f"config key {loc}" if loc else "config", value=value, rule=rule)
