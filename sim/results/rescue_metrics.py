"""Event log -> rescue and air KPIs and target outcomes per replication. Pure: no SimPy, no model.

Conventions:
- A rescue_share target's share: people rescued (by a team or a helicopter) within
  `deadline_h` of the moment they were trapped (`clock: affected`, the default) or of the
  disaster's onset (`clock: event_onset`; people trapped after onset + deadline are then
  counted apart, `<target>_struck_late_people`), over the people trapped. People whose deadline
  falls after the horizon are counted apart (`<target>_past_horizon_people`): their outcome is
  unknown. Nobody to count: the target is not tested (share and holds missing), never "holds".
- A helicopter_response target's share: of the air missions to places within `radius_km`
  of the base requested at least `limit_min` before the horizon, those whose aircraft arrived
  within `limit_min` of the request; missions not flown count as late, missions cancelled
  before they flew (a relief lift with nothing left to lift) do not count. No missions: not tested.
- Air work per replication: missions by kind (rescue, evacuation, relief_lift; cancelled ones
  not counted), relief units delivered by aircraft, patients flown (admitted at a hospital
  helipad or set down at a helipad for an ambulance).
  "Rescued" in a target's share means brought out, alive or dead (`people_rescued` and
  `bodies_recovered`): the share measures how fast the county reaches its trapped, and is
  the same whatever the survival curves; who lived is counted beside it.
- Unmet trapped people: `rescue_unmet_no_skill_people` (no team in the county has the skill,
  or none has the equipment; never assigned) and `rescue_waiting_at_horizon_people` (not
  brought out by the horizon).
- Lives (sim/model/teams.py survival): `lives_saved_people` (brought out alive),
  `lives_lost_waiting_people` (died while still trapped, by the horizon: their bodies recovered
  or not), `bodies_recovered_people`, `trapped_alive_at_horizon_people` (still trapped and alive
  at the horizon: their outcome is unknown), and `lives_saved_share` = saved / trapped. Drawn per
  person (stream "rescue.survival.*"), so a replication's counts are whole people; intervals
  across replications come from the summary. `rescue_lives_by_township` gives the same per
  township (from the village table's `lives_saved`, `lives_lost_waiting` columns).
- Crew utilisation: minutes on tasks (driving and rescuing) over minutes from mobilisation
  to the horizon, over all crews of the mobilised rescue teams (sim/model/teams.py: a team
  works as crews). Volunteer turnout achieved: members who accepted the alert over members
  alerted, over all volunteer teams.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from sim.events import (
    AircraftArrived,
    AircraftLaunched,
    AirMissionCancelled,
    AirMissionRequested,
    CallTransferred,
    HazardStruck,
    MutualAidRecorded,
    PatientAdmitted,
    PeopleBroughtOut,
    PeopleRescued,
    RescueRequested,
    RescueStarted,
    RescueUnmet,
    Row,
    ShipmentDelivered,
    TeamAlerted,
    TeamAssigned,
    TeamMobilised,
    TeamReleased,
    TeamStoodDown,
    TrappedDied,
    typed,
)
from sim.results.relief_people import rescue_counts, rescue_deadlines
from sim.settings import AirTargetSettings, RescueTargetSettings

RESCUE_CAUSES = ("no_team_skill", "trapped_unknown", "team_wait", "team_drive", "rescue_work", "by_air")
AIR_CAUSES = ("aircraft_busy", "flight", "not_flown")


def _batch(
    e: PeopleBroughtOut,
    trapped_at: Mapping[int, tuple[float, int]],
    assigned: Mapping[tuple[str, int], float],
    started: Mapping[tuple[str, int], float],
    aircraft: set[str],
    known: Mapping[int, float],
) -> tuple[int, float, int, str]:
    """A rescued batch and the phase of its wait that took longest: not yet known to the command
    centre (from being trapped to the report), waiting for a team (report to the team's
    assignment), the team's drive (assignment to arrival), or the rescue work at the site
    (arrival to rescue, people before them included); `by_air` when an aircraft brought them
    out (no team could reach them by road)."""
    if e.subject in aircraft or (e.subject, e.ref) not in started:
        return (e.ref, e.t_min, e.qty, "by_air")
    at, told = trapped_at[e.ref][0], known[e.ref]
    a, s = assigned[(e.subject, e.ref)], started[(e.subject, e.ref)]
    phases = {
        "trapped_unknown": told - at,
        "team_wait": a - told,
        "team_drive": s - a,
        "rescue_work": e.t_min - s,
    }
    return (e.ref, e.t_min, e.qty, max(phases, key=lambda c: (phases[c], -RESCUE_CAUSES.index(c))))


def rescue_late_causes(
    trapped_at: Mapping[int, tuple[float, int]],
    batches: Sequence[tuple[int, float, int, str]],
    unmet_tasks: set[int],
    deadline_min: float,
    clock: str,
    onset_min: float,
    horizon_min: float,
) -> dict[str, int]:
    """People a rescue target counts who were not out by their deadline, by cause: the phase
    of their wait that took longest (see _batch), or, for those still trapped at the horizon,
    `no_team_skill` (no team in the county has the skill) or `team_wait`.

    >>> trapped = {1: (0.0, 3)}
    >>> batches = [(1, 100.0, 1, "team_drive"), (1, 900.0, 1, "rescue_work")]
    >>> rescue_late_causes(trapped, batches, set(), 720.0, "affected", 0.0, 4320.0)["rescue_work"]
    1
    """
    out = dict.fromkeys(RESCUE_CAUSES, 0)
    due, _, _ = rescue_deadlines(trapped_at, deadline_min, clock, onset_min, horizon_min)
    out_by: dict[int, int] = dict.fromkeys(due, 0)
    for ref, t, people, cause in batches:
        if ref in due:
            out_by[ref] += people
            if t > due[ref] + 1e-9:
                out[cause] += people
    for ref, people_out in out_by.items():
        still = trapped_at[ref][1] - people_out
        if still > 0:
            out["no_team_skill" if ref in unmet_tasks else "team_wait"] += still
    return out


def air_in_time(
    missions: Mapping[int, tuple[float, float, str]],
    arrived: Mapping[int, float],
    limit_min: float,
    radius_km: float,
    horizon_min: float,
) -> tuple[list[int], int]:
    """(missions a helicopter target counts, how many of them arrived within `limit_min`):
    those to places within `radius_km` requested at least `limit_min` before the horizon.
    missions: ref -> (minute requested, km, kind); arrived: ref -> minutes from request."""
    refs = [ref for ref, (at, km, _) in missions.items() if km <= radius_km and at <= horizon_min - limit_min]
    return refs, sum(arrived.get(ref, math.inf) <= limit_min + 1e-9 for ref in refs)


def air_late_causes(
    refs: Sequence[int], launched: Mapping[int, float], arrived: Mapping[int, float], limit_min: float
) -> dict[str, int]:
    """Air missions a helicopter target counts that arrived late, by cause: `not_flown` (no
    aircraft launched for it by the horizon), `aircraft_busy` (it waited for a free aircraft
    longer than the preparation and flight took) or `flight` (preparation and flight took longer).

    >>> air_late_causes([1, 2, 3], {1: 100.0, 2: 5.0}, {1: 130.0, 2: 150.0}, 120.0)
    {'aircraft_busy': 1, 'flight': 1, 'not_flown': 1}
    """
    out = dict.fromkeys(AIR_CAUSES, 0)
    for ref in refs:
        if arrived.get(ref, math.inf) <= limit_min + 1e-9:
            continue
        if ref not in launched:
            out["not_flown"] += 1
            continue
        wait = launched[ref]
        flight = arrived[ref] - wait if ref in arrived else limit_min - wait  # still flying: at least
        out["aircraft_busy" if wait > flight else "flight"] += 1
    return out


def rep_kpis(rows: Sequence[Row], targets: Mapping[str, object], horizon_min: float) -> dict[str, float]:
    onset = min((e.t_min for e in typed(rows) if isinstance(e, HazardStruck)), default=0.0)
    trapped = unmet = saved = lost = 0
    crews: dict[str, int] = {}  # team -> crews it formed
    rescued_at: list[float] = []
    trapped_at: dict[int, tuple[float, int]] = {}  # task ref -> (minute trapped, people)
    rescued_by_task: list[tuple[int, float, int]] = []  # (task ref, minute, people)
    alerted_vol = accepted_vol = 0
    volunteer: set[str] = set()
    mobilised_at: dict[str, float] = {}
    assigned_at: dict[str, float] = {}
    busy_min = 0.0
    aid_yuan = 0.0
    missions: dict[int, tuple[float, float, str]] = {}  # ref -> (requested at, km, kind)
    arrived: dict[int, float] = {}  # ref -> minutes from request to first arrival
    aircraft: set[str] = set()
    air_units = flown = 0
    unmet_tasks: set[int] = set()
    known_at: dict[int, float] = {}  # rescue task -> when the command centre learnt of it
    team_assigned: dict[tuple[str, int], float] = {}  # (team, task) -> latest assignment minute
    team_started: dict[tuple[str, int], float] = {}  # (team, task) -> latest arrival at the task
    batches: list[tuple[int, float, int, str]] = []  # (task, minute, people, phase that took longest)
    launched: dict[int, float] = {}  # air mission -> minutes from request to launch
    for e in typed(rows):
        if isinstance(e, RescueRequested):
            trapped += e.qty
            trapped_at[e.ref] = (e.t_min - (e.value or 0.0), e.qty)  # the clock runs from being trapped
            known_at[e.ref] = e.t_min
        elif isinstance(e, RescueUnmet):
            unmet += e.qty
            unmet_tasks.add(e.ref)
        elif isinstance(e, PeopleBroughtOut):
            if isinstance(e, PeopleRescued):
                saved += e.qty
            rescued_at.extend([e.t_min] * e.qty)
            rescued_by_task.append((e.ref, e.t_min, e.qty))
            batches.append(_batch(e, trapped_at, team_assigned, team_started, aircraft, known_at))
        elif isinstance(e, RescueStarted):
            team_started[(e.subject, e.ref)] = e.t_min
        elif isinstance(e, TeamAlerted) and e.note == "volunteer":
            volunteer.add(e.subject)
            alerted_vol += e.qty
        elif isinstance(e, TeamStoodDown) and e.subject in volunteer:
            accepted_vol += e.qty
        elif isinstance(e, TrappedDied):
            lost += e.qty
        elif isinstance(e, TeamMobilised):
            mobilised_at[e.subject] = e.t_min
            crews[e.subject] = int(e.note) if e.note else 1
            if e.subject in volunteer:
                accepted_vol += int(e.value)
        elif isinstance(e, TeamAssigned):
            assigned_at[e.subject] = e.t_min
            team_assigned[(e.subject, e.ref)] = e.t_min
        elif isinstance(e, TeamReleased):
            busy_min += e.value
            assigned_at.pop(e.subject, None)
        elif isinstance(e, MutualAidRecorded):
            aid_yuan += e.value
        elif isinstance(e, AirMissionRequested):
            missions[e.ref] = (e.t_min, e.value, e.note)
        elif isinstance(e, AircraftLaunched):
            aircraft.add(e.subject)
        elif isinstance(e, ShipmentDelivered) and e.subject in aircraft:
            air_units += e.qty
        elif (isinstance(e, PatientAdmitted) and e.subject in aircraft) or (
            isinstance(e, CallTransferred) and e.depot is not None  # set down at a helipad
        ):
            flown += 1
        elif isinstance(e, AircraftArrived):
            arrived.setdefault(e.ref, e.value)
        if isinstance(e, AircraftLaunched):
            launched.setdefault(e.ref, e.value)
        elif isinstance(e, AirMissionCancelled):
            missions.pop(e.ref, None)
    busy_min += sum(horizon_min - t for t in assigned_at.values())  # still on a task at the horizon
    available = sum(crews[team] * (horizon_min - t) for team, t in mobilised_at.items())
    out: dict[str, float] = {
        "trapped_people": float(trapped),
        "brought_out_people": float(len(rescued_at)),
        "lives_saved_people": float(saved),
        "lives_lost_waiting_people": float(lost),
        "bodies_recovered_people": float(len(rescued_at) - saved),
        "trapped_alive_at_horizon_people": float(trapped - saved - lost),
        "lives_saved_share": saved / trapped if trapped else math.nan,
        "rescue_unmet_no_skill_people": float(unmet),
        "rescue_waiting_at_horizon_people": float(trapped - unmet - len(rescued_at)),
        "rescue_teams_mobilised": float(len(mobilised_at)),
        "rescue_team_utilisation": busy_min / available if available > 0 else math.nan,
        "volunteer_turnout_share": accepted_vol / alerted_vol if alerted_vol else math.nan,
        "mutual_aid_cost_yuan": aid_yuan,
        "air_missions": float(len(missions)),
        **{
            f"air_{kind}_missions": float(sum(m[2] == kind for m in missions.values()))
            for kind in ("rescue", "evacuation", "relief_lift")
        },
        "air_relief_units": float(air_units),
        "air_patients_flown": float(flown),
        "air_response_min_mean": (sum(arrived.values()) / len(arrived)) if arrived else math.nan,
    }
    for name, target in targets.items():
        if isinstance(target, RescueTargetSettings):
            counted, in_time, late, past = rescue_counts(
                trapped_at, rescued_by_task, target.deadline_min, target.clock, onset, horizon_min
            )
            out[f"{name}_people"] = float(counted)
            out[f"{name}_struck_late_people"] = float(late)
            out[f"{name}_past_horizon_people"] = float(past)
            share = in_time / counted if counted else math.nan
            causes = rescue_late_causes(
                trapped_at, batches, unmet_tasks, target.deadline_min, target.clock, onset, horizon_min
            )
            out[f"{name}_late_people"] = float(sum(causes.values()))
            out.update({f"{name}_late_{c}": float(causes[c]) for c in RESCUE_CAUSES})
        elif isinstance(target, AirTargetSettings):
            counted_refs, ok = air_in_time(missions, arrived, target.limit_min, target.radius_km, horizon_min)
            share = ok / len(counted_refs) if counted_refs else math.nan
            air_causes = air_late_causes(counted_refs, launched, arrived, target.limit_min)
            out[f"{name}_late_missions"] = float(sum(air_causes.values()))
            out.update({f"{name}_late_{c}": float(air_causes[c]) for c in AIR_CAUSES})
        else:
            continue
        out[f"{name}_share"] = share
        out[f"{name}_holds"] = math.nan if share != share else float(share >= target.required_share - 1e-12)
    return out
