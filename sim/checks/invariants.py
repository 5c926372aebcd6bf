"""Invariants of an event log, checked by the tests on every log they produce.

Each check returns a list of human-readable violations (empty = holds):
- time never decreases;
- stock is conserved in integer units: per item, on hand + in transit + delivered =
  initial, with township points' top-ups moving stock between depots; per depot and item,
  on hand never negative, and nothing loaded that was not reserved;
- a truck loads once a trip and never beyond its capacity, however many drops it makes;
- every truck is idle or on one task, never two at once, and returns before it
  is assigned again;
- every reported need ends allocated (then delivered or under way at the horizon),
  short (no stock anywhere), or deferred (waiting for a road to stock) — never more
  allocated than reported, never more delivered than allocated;
- no shelter holds more people than its capacity;
- every ambulance is idle at its station or on one call, never two, and moves
  through its job in order; infectious calls ride only in negative-pressure ambulances;
  its crew changes or goes off duty only at the station between jobs, and an ambulance off
  duty (no rested crew) is never dispatched until a crew comes on duty;
- every call ends served (an ambulance dispatched), diverted, waiting at the horizon, or
  flown by an aircraft (airlifted, then admitted, or set down at a helipad to wait again),
  and is dispatched at most once and never after being diverted;
- every aircraft is at its base or out on one sortie, and loads, delivers, rescues and
  admits only while out (its air loads count in stock conservation like truckloads);
- no hospital's occupancy of either bed kind ever exceeds its beds, surge beds opened so far
  included; a patient handed to emergency-department staff without a bed moves to a ward at
  most once, and only after that handover;
- every rescue team is off (not yet mobilised), idle, busy on one task, resting, or out of
  service, moving only along off -> idle | out, idle -> busy -> idle | resting -> idle, and
  rescues people only while busy on that task;
- trapped people are never rescued twice and the dead are never rescued: a task's people
  rescued alive plus its people who died while trapped never exceed its trapped people, bodies
  are recovered only after deaths, and a task reported unmet (no team with the skill or the
  equipment) is never assigned or rescued;
- a deteriorating casualty (sim/model/ems.py survival) dies at most once, reaches a hospital
  alive at most once and never both; once dead it is never dispatched to, flown, set down,
  taken from the scene, or admitted; its logged survival probability lies in [0, 1].

Test support: no command calls it; tests/conftest.py runs `check_all` on every log a test
makes, and it lives in the package so that benchmarks and notebooks can check a log too.
Size: one function per invariant above, each short; splitting them would only scatter the list.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from itertools import pairwise

from sim.events import (
    AircraftArrived,
    AircraftLanded,
    AircraftLaunched,
    AircraftReturned,
    AmbulanceArrivedHospital,
    AmbulanceArrivedScene,
    AmbulanceCrewChanged,
    AmbulanceDecontaminated,
    AmbulanceDispatched,
    AmbulanceHeld,
    AmbulanceLeftScene,
    AmbulanceOffDuty,
    AmbulanceOnDuty,
    AmbulanceRerouted,
    AmbulanceReturned,
    AmbulanceStationed,
    BodiesRecovered,
    CallAirlifted,
    CallDiverted,
    CallReceived,
    CallTransferred,
    CasualtyDiedWaiting,
    CasualtyReachedCare,
    DepotRestocked,
    HospitalBedsCounted,
    HospitalSurgeOpened,
    NeedReported,
    PatientAdmitted,
    PatientDischarged,
    PatientMovedToWard,
    PatientTreatedOnScene,
    PeopleRescued,
    Record,
    ReliefAllocated,
    ReliefShort,
    RescueRequested,
    RescueStarted,
    RescueUnmet,
    RestockOrdered,
    RoadDamaged,
    RoadDamageKnown,
    Row,
    ShelterArrived,
    ShipmentDelivered,
    ShipmentDeparted,
    ShipmentLoaded,
    TeamAlerted,
    TeamAssigned,
    TeamMobilised,
    TeamReleased,
    TeamRested,
    TeamRestStarted,
    TeamStoodDown,
    TrappedDied,
    TruckAssigned,
    TruckHeld,
    TruckRerouted,
    TruckRested,
    TruckReturned,
    typed,
)
from sim.scenario import Scenario


def time_order(rows: Sequence[Row]) -> list[str]:
    return [
        f"row {k}: t={b.t_min} after t={a.t_min}"
        for k, (a, b) in enumerate(pairwise(rows), start=1)
        if b.t_min < a.t_min
    ]


def stock_conservation(rows: Sequence[Row], scenario: Scenario) -> list[str]:
    """Per depot and item: reserved (for people or a top-up) never beyond what it has held
    (its starting stock and the top-ups it received), loaded never beyond reserved, on hand never
    negative; per load, nothing delivered or topped up beyond what it carries; and over the
    county, starting stock = on hand + in transit + delivered for every item."""
    bad: list[str] = []
    initial = {(d.id, it.id): d.stock[j] for d in scenario.depots for j, it in enumerate(scenario.items)}
    depot_of_site = {d.id: d.id for d in scenario.depots}
    received: dict[tuple[str, str], int] = defaultdict(int)  # top-ups unloaded at a township point
    reserved: dict[tuple[str, str], int] = defaultdict(int)
    loaded: dict[tuple[str, str], int] = defaultdict(int)
    delivered: dict[tuple[str, str], int] = defaultdict(int)
    in_truck: dict[tuple[int, str], int] = defaultdict(int)  # (shipment, item) units on board
    for e in typed(rows):
        if isinstance(e, (ReliefAllocated, RestockOrdered)):
            key = (e.depot, e.item)
            reserved[key] += e.qty
            held = initial.get(key, 0) + received[key]
            if reserved[key] > held:
                bad.append(f"t={e.t_min}: {key} reserved {reserved[key]} > held {held}")
        elif isinstance(e, ShipmentLoaded):
            key = (e.depot, e.item)
            loaded[key] += e.qty
            in_truck[(e.ref, e.item)] += e.qty
            if loaded[key] > reserved[key]:
                bad.append(f"t={e.t_min}: {key} loaded {loaded[key]} > reserved {reserved[key]}")
        elif isinstance(e, (ShipmentDelivered, DepotRestocked)):
            in_truck[(e.ref, e.item)] -= e.qty
            if in_truck[(e.ref, e.item)] < 0:
                bad.append(f"t={e.t_min}: shipment {e.ref} unloaded more {e.item} than it loaded")
            if isinstance(e, ShipmentDelivered):
                delivered[(e.depot, e.item)] += e.qty
            elif e.note not in depot_of_site:
                bad.append(f"t={e.t_min}: shipment {e.ref} restocked {e.note!r}, which is not a depot")
            else:
                received[(e.note, e.item)] += e.qty
        for qty in (getattr(e, "qty", None),):  # a record reads None for a column it does not fill
            if qty is not None and (not isinstance(qty, int) or qty < 0):
                bad.append(f"t={e.t_min}: {e.kind} has non-integer or negative qty {qty!r}")
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # item -> start, on hand, delivered
    for key, start in initial.items():
        on_hand = start + received[key] - loaded[key]
        if on_hand < 0:
            bad.append(f"{key}: on hand {on_hand} (start {start} + received {received[key]} - loaded)")
        t = totals[key[1]]
        t[0] += start
        t[1] += on_hand
        t[2] += delivered[key]
    transit: dict[str, int] = defaultdict(int)
    for (_, item), q in in_truck.items():
        transit[item] += q
    for item, (start, on_hand, done) in sorted(totals.items()):
        if transit[item] < 0 or on_hand + transit[item] + done != start:
            bad.append(
                f"{item}: on hand {on_hand} + in transit {transit[item]} + delivered {done} "
                f"!= initial {start}"
            )
    return bad


def truck_loads_within_capacity(rows: Sequence[Row], scenario: Scenario) -> list[str]:
    """A truck loads once a trip, at its depot, never beyond its capacity; its drops after that
    only take units off (stock_conservation checks none is unloaded twice)."""
    capacity = {d.id: d.truck_capacity for d in scenario.depots}
    aircraft = aircraft_names(rows)
    on_board: dict[int, int] = {}
    dropped: set[int] = set()
    bad: list[str] = []
    for e in typed(rows):
        if getattr(e, "subject", None) in aircraft:
            continue
        if isinstance(e, ShipmentLoaded):
            if e.ref in dropped:
                bad.append(f"t={e.t_min}: {e.subject} loaded onto trip {e.ref} after its first drop")
            on_board[e.ref] = on_board.get(e.ref, 0) + e.qty
            cap = capacity.get(e.depot)
            if cap is None or on_board[e.ref] > cap:
                bad.append(f"t={e.t_min}: {e.subject} carries {on_board[e.ref]} on trip {e.ref}, cap {cap}")
        elif isinstance(e, (ShipmentDelivered, DepotRestocked)):
            dropped.add(e.ref)
    return bad


def aircraft_names(rows: Sequence[Row]) -> set[str]:
    return {e.subject for e in typed(rows) if isinstance(e, AircraftLaunched)}


def trucks_one_task(rows: Sequence[Row]) -> list[str]:
    bad: list[str] = []
    busy: dict[str, int] = {}
    aircraft = aircraft_names(rows)  # their loads are checked by aircraft_one_sortie
    for e in typed(rows):
        if getattr(e, "subject", None) in aircraft:
            continue
        if isinstance(e, TruckAssigned):
            if e.subject in busy:
                bad.append(f"t={e.t_min}: {e.subject} assigned shipment {e.ref} while on {busy[e.subject]}")
            busy[e.subject] = e.ref
        elif isinstance(
            e,
            (
                ShipmentLoaded,
                ShipmentDeparted,
                ShipmentDelivered,
                TruckRerouted,
                TruckHeld,
                TruckRested,
                DepotRestocked,
            ),
        ):
            if busy.get(e.subject) != e.ref:
                bad.append(f"t={e.t_min}: {e.subject} moved shipment {e.ref} without being assigned it")
        elif isinstance(e, TruckReturned) and busy.pop(e.subject, None) != e.ref:
            bad.append(f"t={e.t_min}: {e.subject} returned from shipment {e.ref} it was not on")
    return bad


def demand_accounted(rows: Sequence[Row]) -> list[str]:
    """need = delivered + short + under way (allocated, not yet delivered); nothing over-delivered."""
    need: dict[tuple[str, str], int] = defaultdict(int)
    allocated: dict[tuple[str, str], int] = defaultdict(int)
    short: dict[tuple[str, str], int] = defaultdict(int)
    delivered: dict[tuple[str, str], int] = defaultdict(int)
    for e in typed(rows):
        if not isinstance(e, (NeedReported, ReliefAllocated, ReliefShort, ShipmentDelivered)):
            continue
        key = (e.place, e.item)
        if isinstance(e, NeedReported):
            need[key] += e.qty
        elif isinstance(e, ReliefAllocated):
            allocated[key] += e.qty
        elif isinstance(e, ReliefShort):
            short[key] += e.qty
        elif isinstance(e, ShipmentDelivered):
            delivered[key] += e.qty
    bad = []
    for key in set(need) | set(allocated) | set(delivered):
        if allocated[key] + short[key] > need[key]:  # the rest waits for a road (deferred)
            bad.append(f"{key}: allocated {allocated[key]} + short {short[key]} > need {need[key]}")
        if delivered[key] > allocated[key]:
            bad.append(f"{key}: delivered {delivered[key]} > allocated {allocated[key]}")
    return bad


def shelters_within_capacity(rows: Sequence[Row], scenario: Scenario, m2_per_person: float) -> list[str]:
    capacity = {s.id: int(s.area_m2 // m2_per_person) for s in scenario.shelters}
    held: dict[str, int] = defaultdict(int)
    bad = []
    for e in typed(rows):
        if isinstance(e, ShelterArrived):
            held[e.subject] += e.qty
            if held[e.subject] > capacity[e.subject] or held[e.subject] != e.value:
                bad.append(
                    f"t={e.t_min}: shelter {e.subject} holds {held[e.subject]} "
                    f"(logged {e.value}), capacity {capacity[e.subject]}"
                )
    return bad


# The steps of an ambulance job, in order; a job may skip the hospital steps (check mode,
# treated on scene) and decontamination (non-infectious patients).
JOB_STEP_TYPES = (
    AmbulanceDispatched,
    AmbulanceArrivedScene,
    AmbulanceLeftScene,
    PatientTreatedOnScene,
    AmbulanceArrivedHospital,
    PatientAdmitted,
    AmbulanceDecontaminated,
    AmbulanceReturned,
)
JOB_STEPS: dict[type[Record], int] = dict(zip(JOB_STEP_TYPES, (0, 1, 2, 2, 3, 4, 5, 6), strict=True))


CREW_MOVE_TYPES = (AmbulanceCrewChanged, AmbulanceOffDuty, AmbulanceOnDuty)
CREW_MOVES: dict[type[Record], tuple[bool, bool]] = {  # (off duty before, off duty after)
    AmbulanceCrewChanged: (False, False),
    AmbulanceOffDuty: (False, True),
    AmbulanceOnDuty: (True, False),
}


def ambulances_one_job(rows: Sequence[Row]) -> list[str]:
    bad: list[str] = []
    negative: dict[str, bool] = {}
    infectious: dict[int, bool] = {}
    job: dict[str, tuple[int, int]] = {}  # ambulance -> (call, last step)
    off_duty: set[str] = set()
    for e in typed(rows):
        if isinstance(e, AmbulanceStationed):
            negative[e.subject] = e.value == 1.0
        elif isinstance(e, CallReceived):
            infectious[e.ref] = e.value == 1.0
        elif isinstance(e, CREW_MOVE_TYPES):
            before, after = CREW_MOVES[type(e)]
            if e.subject in job:
                bad.append(f"t={e.t_min}: {e.subject} {e.kind} while on call {job[e.subject][0]}")
            if (e.subject in off_duty) != before:
                bad.append(
                    f"t={e.t_min}: {e.subject} {e.kind} while {'off' if before is False else 'on'} duty"
                )
            (off_duty.add if after else off_duty.discard)(e.subject)
        elif isinstance(e, AmbulanceDispatched):
            if e.subject not in negative:
                bad.append(f"t={e.t_min}: {e.subject} dispatched but never stationed")
            if e.subject in off_duty:
                bad.append(f"t={e.t_min}: {e.subject} dispatched to call {e.ref} while off duty")
            if e.subject in job:
                bad.append(
                    f"t={e.t_min}: {e.subject} dispatched to call {e.ref} while on call {job[e.subject][0]}"
                )
            if infectious.get(e.ref) and not negative.get(e.subject):
                bad.append(f"t={e.t_min}: infectious call {e.ref} got regular ambulance {e.subject}")
            job[e.subject] = (e.ref, 0)
        elif isinstance(e, (AmbulanceRerouted, AmbulanceHeld)):
            if job.get(e.subject, (None,))[0] != e.ref:
                bad.append(f"t={e.t_min}: {e.subject} {e.kind} for call {e.ref} it is not on")
        elif isinstance(e, PatientAdmitted) and e.subject not in negative:
            continue  # flown in by an aircraft: aircraft_one_sortie
        elif isinstance(e, JOB_STEP_TYPES):
            call, last = job.get(e.subject, (None, -1))
            if call != e.ref:
                bad.append(f"t={e.t_min}: {e.subject} {e.kind} for call {e.ref} while on call {call}")
            elif JOB_STEPS[type(e)] <= last:
                bad.append(f"t={e.t_min}: {e.subject} {e.kind} out of order on call {e.ref}")
            if isinstance(e, AmbulanceReturned):
                job.pop(e.subject, None)
            else:
                job[e.subject] = (e.ref, JOB_STEPS[type(e)])
    return bad


def calls_accounted(rows: Sequence[Row]) -> list[str]:
    """Each call: received once, then dispatched once, or diverted once, or still waiting; or
    airlifted (then admitted by the aircraft, or set down at a helipad and waiting again)."""
    bad: list[str] = []
    state: dict[int, str] = {}
    aircraft = aircraft_names(rows)
    moved = (AmbulanceDispatched, CallDiverted, CallAirlifted, CallTransferred)
    moves: dict[type[Record], tuple[str, str, str]] = {  # (state before, state after, what happened)
        AmbulanceDispatched: ("waiting", "served", "served"),
        CallDiverted: ("waiting", "diverted", "diverted"),
        CallAirlifted: ("waiting", "by_air", "airlifted"),
        CallTransferred: ("by_air", "waiting", "set down at a helipad"),
    }
    for e in typed(rows):
        if isinstance(e, CallReceived):
            if e.ref in state:
                bad.append(f"t={e.t_min}: call {e.ref} received twice")
            state[e.ref] = "waiting"
        elif isinstance(e, moved):
            before, after, what = moves[type(e)]
            if state.get(e.ref) != before:
                bad.append(f"t={e.t_min}: call {e.ref} {what} while {state.get(e.ref, 'never received')}")
            state[e.ref] = after
        elif isinstance(e, PatientAdmitted) and e.subject in aircraft:
            if state.get(e.ref) != "by_air":
                bad.append(f"t={e.t_min}: {e.subject} admitted call {e.ref} while {state.get(e.ref)}")
            state[e.ref] = "flown"
    return bad


BED_TYPES = (PatientAdmitted, PatientMovedToWard, PatientDischarged)
BED_TAKEN: dict[type[Record], int] = {PatientAdmitted: 1, PatientMovedToWard: 1, PatientDischarged: -1}


def hospital_beds(rows: Sequence[Row]) -> list[str]:
    """Occupancy = beds - free at onset + admitted + moved to a ward - discharged, within
    [0, beds + surge beds opened so far] per hospital and kind; a patient boarding in the
    emergency department (admitted with note ed_boarding) moves to a ward at most once."""
    bad: list[str] = []
    beds: dict[tuple[str, str], int] = {}
    occupied: dict[tuple[str, str], int] = {}
    boarding: set[int] = set()
    for e in typed(rows):
        if not isinstance(e, (HospitalBedsCounted, HospitalSurgeOpened, *BED_TYPES)):
            continue
        key = (e.depot, e.note)
        if isinstance(e, HospitalBedsCounted):
            beds[key] = int(e.value)
            occupied[key] = int(e.value) - e.qty
            if not 0 <= occupied[key] <= beds[key]:
                bad.append(f"{key}: {e.qty} free of {beds[key]} beds at onset")
        elif isinstance(e, HospitalSurgeOpened):
            if key not in beds or beds[key] + e.qty != e.value:
                bad.append(f"t={e.t_min}: {key} surge of {e.qty} beds to {e.value}, had {beds.get(key)}")
            beds[key] = int(e.value)
        elif isinstance(e, PatientAdmitted) and e.note == "ed_boarding":
            boarding.add(e.ref)
        elif isinstance(e, PatientMovedToWard) and e.ref not in boarding:
            bad.append(f"t={e.t_min}: call {e.ref} moved to a ward without boarding in the ED (or twice)")
        if isinstance(e, PatientMovedToWard):
            boarding.discard(e.ref)
        if isinstance(e, BED_TYPES) and e.qty:
            if key not in beds:
                bad.append(f"t={e.t_min}: {e.kind} at {key}, which has no beds counted")
                continue
            occupied[key] += BED_TAKEN[type(e)] * e.qty
            if not 0 <= occupied[key] <= beds[key]:
                bad.append(f"t={e.t_min}: {key} occupancy {occupied[key]} outside 0..{beds[key]} beds")
    return bad


def hospital_waits_bounded(rows: Sequence[Row], max_min: float) -> list[str]:
    """Every ambulance hands its patient over within `max_min` of arriving at the hospital
    (ems.bed_wait_max_min + ems.handover_min): no crew waits at a full ward for good."""
    bad: list[str] = []
    arrived: dict[str, float] = {}
    for e in typed(rows):
        if isinstance(e, AmbulanceArrivedHospital):
            arrived[e.subject] = e.t_min
        elif isinstance(e, PatientAdmitted) and e.subject in arrived:
            waited = e.t_min - arrived.pop(e.subject)
            if waited > max_min + 1e-6:
                bad.append(
                    f"t={e.t_min}: {e.subject} handed over call {e.ref} after {waited:g} > {max_min:g} min"
                )
    return bad


def teams_one_task(rows: Sequence[Row]) -> list[str]:
    """Teams are alerted, mobilised or stood down as a whole; they work as crews (subject
    `TEAM#n`), each idle once its team is mobilised, then idle -> busy -> idle | resting -> idle."""
    bad: list[str] = []
    state: dict[str, str] = {}
    task_of: dict[str, int] = {}
    mobilised: set[str] = set()
    moved = (TeamMobilised, TeamStoodDown, TeamAssigned, TeamReleased, TeamRestStarted, TeamRested)
    moves: dict[type[Record], tuple[str, str]] = {
        TeamMobilised: ("off", "idle"),
        TeamStoodDown: ("off", "out"),
        TeamAssigned: ("idle", "busy"),
        TeamReleased: ("busy", "idle"),
        TeamRestStarted: ("idle", "resting"),
        TeamRested: ("resting", "idle"),
    }
    for e in typed(rows):
        if isinstance(e, TeamAlerted):
            if e.subject in state:
                bad.append(f"t={e.t_min}: team {e.subject} alerted twice")
            state[e.subject] = "off"
        elif isinstance(e, moved):
            before, after = moves[type(e)]
            if isinstance(e, TeamMobilised):
                mobilised.add(e.subject)
            elif e.subject is not None and "#" in e.subject and e.subject not in state:
                state[e.subject] = "idle" if e.subject.split("#")[0] in mobilised else "off"
            now = state.get(e.subject)
            if now != before:
                bad.append(f"t={e.t_min}: team {e.subject} {e.kind} while {now} (must be {before})")
            state[e.subject] = after
            if isinstance(e, TeamAssigned):
                task_of[e.subject] = e.ref
            elif isinstance(e, TeamReleased) and task_of.pop(e.subject, None) != e.ref:
                bad.append(f"t={e.t_min}: team {e.subject} released from task {e.ref} it was not on")
        elif (
            isinstance(e, (RescueStarted, PeopleRescued, BodiesRecovered))
            and e.subject in state
            and (state[e.subject] != "busy" or task_of.get(e.subject) != e.ref)
        ):
            bad.append(f"t={e.t_min}: team {e.subject} {e.kind} on task {e.ref} while {state[e.subject]}")
    return bad


# What an aircraft may log only while out on a sortie (launched, not yet back at its base).
SORTIE_WORK = (
    AircraftArrived,
    AircraftLanded,
    ShipmentLoaded,
    ShipmentDelivered,
    PeopleRescued,
    PatientAdmitted,
)


def aircraft_one_sortie(rows: Sequence[Row]) -> list[str]:
    """Every aircraft is at its base or out on one sortie: launched (several missions only
    together, at one minute), arriving only for the missions it launched for, working only
    while out, back before it launches again; an air load is delivered by the aircraft that
    loaded it, and no more than it loaded."""
    bad: list[str] = []
    aircraft = aircraft_names(rows)
    out: dict[str, tuple[float, set[int]]] = {}  # aircraft -> (launched at, missions)
    arrived: dict[str, bool] = {}
    load_of: dict[int, str] = {}
    for e in typed(rows):
        name = getattr(e, "subject", None)
        if name is None or name not in aircraft:
            continue
        if isinstance(e, AircraftLaunched):
            if name in out and (out[name][0] != e.t_min or arrived[name]):
                bad.append(f"t={e.t_min}: {name} launched for mission {e.ref} while out on {out[name][1]}")
            out.setdefault(name, (e.t_min, set()))[1].add(e.ref)
            arrived[name] = False
        elif isinstance(e, AircraftReturned):
            if out.pop(name, None) is None:
                bad.append(f"t={e.t_min}: {name} returned without having launched")
        elif isinstance(e, SORTIE_WORK):
            if name not in out:
                bad.append(f"t={e.t_min}: {name} {e.kind} while at its base")
                continue
            if isinstance(e, AircraftArrived):
                arrived[name] = True
                if e.ref not in out[name][1]:
                    bad.append(f"t={e.t_min}: {name} arrived for mission {e.ref} it did not launch for")
            elif isinstance(e, ShipmentLoaded):
                load_of[e.ref] = name
            elif isinstance(e, ShipmentDelivered) and load_of.get(e.ref) != name:
                bad.append(f"t={e.t_min}: {name} delivered load {e.ref} it did not load")
    return bad


def rescued_once(rows: Sequence[Row]) -> list[str]:
    """Per rescue task, at every row: people brought out alive + people died while trapped <=
    people trapped (nobody is rescued twice, and nobody who died is rescued); bodies recovered
    <= deaths logged before them (a body is recovered only after its death); a rescued person's
    logged survival probability lies in [0, 1]; a task reported unmet is never assigned."""
    bad: list[str] = []
    trapped: dict[int, int] = {}
    saved: dict[int, int] = defaultdict(int)
    died: dict[int, int] = defaultdict(int)
    bodies: dict[int, int] = defaultdict(int)
    unmet: set[int] = set()
    for e in typed(rows):
        if isinstance(e, RescueRequested):
            trapped[e.ref] = e.qty
        elif isinstance(e, RescueUnmet):
            unmet.add(e.ref)
        elif isinstance(e, (TeamAssigned, PeopleRescued)) and e.ref in unmet:
            bad.append(f"t={e.t_min}: task {e.ref} reported unmet but {e.kind} by {e.subject}")
        if isinstance(e, PeopleRescued):
            saved[e.ref] += e.qty
            if e.value is not None and not 0.0 <= e.value <= 1.0:
                bad.append(f"t={e.t_min}: task {e.ref} rescued with survival probability {e.value}")
        elif isinstance(e, TrappedDied):
            died[e.ref] += e.qty
        elif isinstance(e, BodiesRecovered):
            bodies[e.ref] += e.qty
            if bodies[e.ref] > died[e.ref]:
                bad.append(
                    f"t={e.t_min}: task {e.ref} recovered {bodies[e.ref]} bodies > {died[e.ref]} deaths"
                )
        if isinstance(e, (PeopleRescued, TrappedDied, BodiesRecovered)):
            if e.ref not in trapped:
                bad.append(f"t={e.t_min}: {e.kind} for task {e.ref}, which was never requested")
            elif saved[e.ref] + died[e.ref] > trapped[e.ref]:
                bad.append(
                    f"t={e.t_min}: task {e.ref}: {saved[e.ref]} rescued + {died[e.ref]} died "
                    f"> {trapped[e.ref]} trapped"
                )
    return bad


AFTER_DEATH = (
    AmbulanceDispatched,
    CallAirlifted,
    CallTransferred,
    AmbulanceLeftScene,
    PatientAdmitted,
    PatientTreatedOnScene,
)


def casualties_die_once(rows: Sequence[Row]) -> list[str]:
    """Per call: at most one death while waiting and one arrival at care alive, never both, and
    nothing moves a dead patient (AFTER_DEATH); the survival value at care lies in [0, 1]."""
    bad: list[str] = []
    received: set[int] = set()
    dead: set[int] = set()
    cared: set[int] = set()
    for e in typed(rows):
        k: int | None = getattr(e, "ref", None)  # the call, for the kinds below
        if isinstance(e, CallReceived):
            received.add(e.ref)
        elif isinstance(e, CasualtyDiedWaiting):
            if k not in received:
                bad.append(f"t={e.t_min}: call {k} died before it was received")
            if k in dead:
                bad.append(f"t={e.t_min}: call {k} died twice")
            if k in cared:
                bad.append(f"t={e.t_min}: call {k} died waiting after reaching a hospital alive")
            dead.add(e.ref)
        elif isinstance(e, CasualtyReachedCare):
            if k in cared:
                bad.append(f"t={e.t_min}: call {k} reached care twice")
            if k in dead:
                bad.append(f"t={e.t_min}: call {k} reached care after dying")
            if e.value is not None and not 0.0 <= e.value <= 1.0:
                bad.append(f"t={e.t_min}: call {k} reached care with survival probability {e.value}")
            cared.add(e.ref)
        elif isinstance(e, AFTER_DEATH) and k in dead:
            bad.append(f"t={e.t_min}: call {k} {e.kind} after its patient died")
    return bad


def road_damage_learned_once(rows: Sequence[Row]) -> list[str]:
    """Road damage becomes known only after it happened, and once per damage."""
    bad: list[str] = []
    unlearned: dict[int, int] = defaultdict(int)  # edge -> damage events not yet learned
    for e in typed(rows):
        if isinstance(e, RoadDamaged):
            unlearned[e.ref] = 1  # a second hit before the first is learned is learned with it
        elif isinstance(e, RoadDamageKnown):
            if unlearned[e.ref] == 0:
                bad.append(f"t={e.t_min}: damage of edge {e.ref} known ({e.note}) but none unlearned")
            unlearned[e.ref] = 0
    return bad


def check_all(rows: Sequence[Row], scenario: Scenario, m2_per_person: float = 2.5) -> list[str]:
    return (
        time_order(rows)
        + stock_conservation(rows, scenario)
        + truck_loads_within_capacity(rows, scenario)
        + trucks_one_task(rows)
        + demand_accounted(rows)
        + shelters_within_capacity(rows, scenario, m2_per_person)
        + ambulances_one_job(rows)
        + calls_accounted(rows)
        + aircraft_one_sortie(rows)
        + hospital_beds(rows)
        + teams_one_task(rows)
        + rescued_once(rows)
        + casualties_die_once(rows)
        + road_damage_learned_once(rows)
    )
