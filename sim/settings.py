"""Frozen, validated settings: the composed configuration, checked once.

Hydra composes `configs/`; the command line turns the result into a plain dict
and calls `Settings.from_dict`. Every unknown key, wrong type and out-of-range
value is collected and reported at once (key path, value, rule). Hours become
minutes here and nowhere else: the rest of the code reads `*_min` properties.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

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


SEVERITIES = ("low", "medium", "high")
Severity = Literal["low", "medium", "high"]
HAZARD_KINDS = ("flood", "typhoon", "earthquake", "landslide", "forest_fire", "hazchem")
TRIAGE = ("immediate", "urgent", "delayed")  # triage classes 1 (red), 2 (yellow), 3 (green)
RESCUE_TYPES = ("water", "collapse", "mountain")


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

    def rate(self, table: dict[str, float], road_class: str) -> float:
        return min(1.0, self.scale * table.get(road_class, table.get("other", 0.0)))


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
    infectious_share: Share = 0.0  # casualties contaminated or infectious (negative-pressure transport)

    @model_validator(mode="after")
    def _severity_rule(self) -> HazardEvent:
        ways = [self.severity_probs is not None, self.severity_km is not None, self.magnitude is not None]
        if sum(ways) != 1:
            raise ValueError("give exactly one of severity_probs, severity_km or magnitude")
        if self.severity_probs is not None and sum(self.severity_probs.values()) > 1 + 1e-9:
            raise ValueError("severity_probs must sum to at most 1 (the rest is unaffected)")
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


class HazardSettings(_Frozen):
    name: str = Field(min_length=1)
    description: str = ""
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


class Settings(_Frozen):
    scenario: ScenarioSettings
    hazard: HazardSettings
    reporting: ReportingSettings
    shelters: ShelterSettings
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
    else:
        rule = err["msg"][0].lower() + err["msg"][1:]
    value = err.get("input")
    if kind == "missing":
        value = None
    return Problem(where=f"config key {loc}" if loc else "config", value=value, rule=rule)
