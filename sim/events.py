"""The event log: one flat, append-only row per thing that happened.

Rows are plain tuples (fast to append, easy to turn into a table). Columns:

    t_min    minutes since onset
    kind     an EventKind: past-tense subject_verb
    subject  the unit that acted (truck or ambulance id, later team id), or None
    place    the place concerned (village id), or None
    depot    the depot, ambulance station or hospital concerned, or None
    item     the relief item, or None
    qty      integer units (stock, people), or None
    ref      a reference number (shipment id, EMS call id), or None
    value    a float (cost in yuan, minutes, a factor), or None
    note     a short code (severity, cause, triage class, road status), or None

Tie-breaks: rows are appended in the order SimPy runs the processes; SimPy
orders same-time events by scheduling order, and the model creates processes
in a fixed order (places and depots in file order), so the log is
deterministic.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class EventKind(StrEnum):
    # the hazard part of the log: drawn from hazard streams, never changed by policy or fleet
    HAZARD_STRUCK = "hazard_struck"  # subject event name, note kind, value response grade (1-4) or None
    VILLAGE_HIT = "village_hit"  # subject event, place, qty affected people, note severity
    PEOPLE_DISPLACED = "people_displaced"  # subject event, place, qty displaced people
    PEOPLE_STRANDED = "people_stranded"  # subject event, place, qty at home needing living relief
    POWER_CUT = "power_cut"  # subject event, place lost power and phone
    ROAD_DAMAGED = "road_damaged"  # subject event, ref edge, note blocked|slowed, value speed factor
    CASUALTIES_OCCURRED = "casualties_occurred"  # place, qty, note triage class, value infectious count
    PEOPLE_TRAPPED = "people_trapped"  # place, qty, note rescue type
    NEED_ARISEN = "need_arisen"  # place, item, qty truly needed at a site (note); ref day of a daily item
    # information
    SITUATION_REPORTED = "situation_reported"  # place, qty displaced reported so far, ref report number
    NEED_REPORTED = "need_reported"  # place, item, qty = units newly reported needed (increment)
    ROAD_DAMAGE_KNOWN = "road_damage_known"  # ref edge, note reached|reported: its damage becomes known
    # roads
    ROAD_CLEARED = "road_cleared"  # ref edge reopened by itself (a plume dispersed)
    ROAD_REPAIRED = "road_repaired"  # subject team, ref edge reopened after repair
    REPAIR_STARTED = "repair_started"  # subject team, ref edge, value work minutes
    REPAIR_TEAM_ASSIGNED = "repair_team_assigned"  # subject team, ref edge, value people it reconnects
    REPAIR_TEAM_IDLED = "repair_team_idled"  # subject team back to idle (nothing reachable to repair)
    PLACE_ISOLATED = "place_isolated"  # place no longer reachable by road from any depot
    PLACE_RECONNECTED = "place_reconnected"  # place reachable again
    # shelters
    SHELTER_ARRIVED = "shelter_arrived"  # subject shelter, place village, qty people
    SHELTER_FULL = "shelter_full"  # subject shelter, no room left
    # relief stock and shipments
    CONTRACT_ACTIVATED = "contract_activated"  # depot, value = ready at (min)
    RELIEF_ALLOCATED = "relief_allocated"  # depot, place, item, qty reserved, ref = shipment
    RELIEF_SHORT = "relief_short"  # place, item, qty no depot holds any more; note site
    RELIEF_DEFERRED = "relief_deferred"  # place, item, qty waiting for a road to stock; note site
    LATERAL_AID_RECORDED = "lateral_aid_recorded"  # depot lends to another township; value yuan
    TRUCK_ASSIGNED = "truck_assigned"  # subject truck, depot, ref shipment, value minutes waited for it
    SHIPMENT_LOADED = "shipment_loaded"  # per item: depot, place, item, qty (on hand -> transit)
    SHIPMENT_DEPARTED = "shipment_departed"  # subject, depot, place, ref, value = travel min
    SHIPMENT_DELIVERED = "shipment_delivered"  # per item: place, item, qty (transit -> delivered), note site
    # (shipment_loaded and shipment_delivered also carry air loads: subject is then the aircraft)
    TRUCK_RETURNED = "truck_returned"  # subject truck back at depot, idle; value = busy minutes
    TRUCK_REROUTED = "truck_rerouted"  # subject truck, place, ref shipment: a cut road ahead; new route
    TRUCK_HELD = "truck_held"  # subject truck, place, ref shipment: no road at all; waits for a repair
    TRUCK_RESTED = "truck_rested"  # subject truck, ref shipment: waits for a driver; value min, note rule
    # township points restocked (issue 20): reserved at the source like relief, carried by its trucks
    RESTOCK_ORDERED = "restock_ordered"  # depot source, subject township point, item, qty reserved, ref order
    DEPOT_RESTOCKED = "depot_restocked"  # subject truck, depot source, note township point, item, qty, ref
    # medical emergency (sim/model/ems.py): ref = call id throughout; depot = station or hospital
    AMBULANCE_STATIONED = "ambulance_stationed"  # at onset: subject, depot station, value 1 = neg.-pressure
    HOSPITAL_BEDS_COUNTED = "hospital_beds_counted"  # at onset: depot, note bed kind, qty free, value beds
    CALL_RECEIVED = "call_received"  # place, qty triage, note routine|casualty, value 1 = infectious
    CALL_DIVERTED = "call_diverted"  # place: no ambulance free and ems.when_all_busy = divert
    AMBULANCE_DISPATCHED = "ambulance_dispatched"  # subject, place, depot station, value = drive min
    AMBULANCE_ARRIVED_SCENE = "ambulance_arrived_scene"  # subject, place
    AMBULANCE_LEFT_SCENE = "ambulance_left_scene"  # subject, place, depot hospital, value = drive min
    PATIENT_TREATED_ON_SCENE = "patient_treated_on_scene"  # subject, place: no hospital can take them
    AMBULANCE_ARRIVED_HOSPITAL = "ambulance_arrived_hospital"  # subject, depot hospital
    PATIENT_ADMITTED = "patient_admitted"  # subject, place, depot, note bed kind, qty beds taken (0|1)
    # (patient_admitted is the handover; note ed_boarding: handed to ED staff after
    # ems.bed_wait_max_min without a ward bed, qty 0; the bed follows with patient_moved_to_ward)
    PATIENT_MOVED_TO_WARD = "patient_moved_to_ward"  # depot, note bed kind, qty 1, ref, value min boarded
    PATIENT_DISCHARGED = "patient_discharged"  # depot hospital, note bed kind, qty 1, ref call
    # (a patient in bed at onset: ref None, subject why: early_discharge | stay_ended)
    HOSPITAL_SURGE_OPENED = "hospital_surge_opened"  # depot, note bed kind, qty beds added, value beds now
    AMBULANCE_DECONTAMINATED = "ambulance_decontaminated"  # subject, value = minutes
    AMBULANCE_RETURNED = "ambulance_returned"  # subject back at station, idle; depot, value = busy min
    AMBULANCE_REROUTED = "ambulance_rerouted"  # subject, ref call: a cut road ahead; new route
    AMBULANCE_HELD = "ambulance_held"  # subject, ref call: no road at all; waits for a repair
    AMBULANCE_CREW_CHANGED = "ambulance_crew_changed"  # subject, depot station, qty crew now on duty
    AMBULANCE_OFF_DUTY = "ambulance_off_duty"  # subject, depot: shift over, no crew rested; value min off
    AMBULANCE_ON_DUTY = "ambulance_on_duty"  # subject, depot, qty crew: a rested crew takes it over
    CALL_AIRLIFTED = "call_airlifted"  # place, ref call, value air mission: no ambulance can reach it
    CALL_TRANSFERRED = "call_transferred"  # place, ref call, depot helipad: set down there, for an ambulance
    # (depot None: a road reopened before any aircraft took the call; back to the ambulances)
    # red casualties' survival while waiting (sim/model/ems.py, issue 20): a hazard casualty whose
    # triage class has an ems.survival curve either reaches a hospital alive or dies before
    CASUALTY_REACHED_CARE = "casualty_reached_care"  # place, ref call, qty triage, subject vehicle,
    # depot hospital, value = the survival curve at its minutes since injury (None: no curve)
    CASUALTY_DIED_WAITING = "casualty_died_waiting"  # place, ref call, qty triage, value min since
    # injury, note where: waiting (no vehicle yet) | ambulance (sent, on scene or on board) | air
    # | treated_on_scene (no hospital could take it)
    # rescue teams and helicopters (sim/model/teams.py, sim/model/air.py); ref = rescue task id
    TEAM_ALERTED = "team_alerted"  # at onset: subject team, qty members alerted, note kind
    TEAM_MOBILISED = "team_mobilised"  # subject team, place base, qty members leaving, value accepted
    TEAM_STOOD_DOWN = "team_stood_down"  # subject team, qty accepted: too few volunteers, out of service
    RESCUE_REQUESTED = "rescue_requested"  # place, ref task, qty trapped, note type, value min since trapped
    RESCUE_UNMET = "rescue_unmet"  # place, ref task, qty people, note cause (no_team_with_skill|_equipment)
    TEAM_ASSIGNED = "team_assigned"  # subject team, place, ref task, qty people taken, value drive min
    RESCUE_STARTED = "rescue_started"  # subject team, place, ref task
    # people_rescued: brought out alive; value = the survival curve at their hours trapped
    PEOPLE_RESCUED = "people_rescued"  # subject team or aircraft, place, ref task, qty, note rescue type
    TRAPPED_DIED = "trapped_died"  # place, ref task, qty people who died while still trapped, note type
    BODIES_RECOVERED = (
        "bodies_recovered"  # subject team or aircraft, place, ref task, qty, note type, value as rescued
    )
    EQUIPMENT_READY = "equipment_ready"  # subject team, item boats|machines, qty: its equipment joined it
    TEAM_RELEASED = "team_released"  # subject team, place, ref task, qty handed back, value busy min
    TEAM_REST_STARTED = "team_rest_started"  # subject team, value rest minutes
    TEAM_RESTED = "team_rested"  # subject team back to idle after rest
    MUTUAL_AID_RECORDED = "mutual_aid_recorded"  # subject team, place helped, ref task, value yuan
    AIR_MISSION_REQUESTED = "air_mission_requested"  # place, ref mission, qty people, value km, note kind
    AIRCRAFT_LAUNCHED = "aircraft_launched"  # subject aircraft, place, ref mission, value min waited
    AIRCRAFT_ARRIVED = "aircraft_arrived"  # subject aircraft, place, ref mission, value min since request
    AIRCRAFT_LANDED = "aircraft_landed"  # subject aircraft, depot helipad, ref mission, qty people set down
    AIRCRAFT_RETURNED = "aircraft_returned"  # subject aircraft, depot base helipad, value busy min
    AIR_MISSION_CANCELLED = "air_mission_cancelled"  # place, ref mission, note why (nothing_to_lift)


class Event(NamedTuple):
    t_min: float
    kind: EventKind
    subject: str | None = None
    place: str | None = None
    depot: str | None = None
    item: str | None = None
    qty: int | None = None
    ref: int | None = None
    value: float | None = None
    note: str | None = None


EVENT_COLUMNS = Event._fields


class EventLog:
    """Append-only list of events. The model writes; nothing in the model reads it back."""

    __slots__ = ("rows",)

    def __init__(self) -> None:
        self.rows: list[Event] = []

    def add(self, event: Event) -> None:
        self.rows.append(event)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def of_kind(self, *kinds: EventKind) -> list[Event]:
        wanted = set(kinds)
        return [e for e in self.rows if e.kind in wanted]


HAZARD_KINDS = frozenset(
    {
        EventKind.HAZARD_STRUCK,
        EventKind.VILLAGE_HIT,
        EventKind.PEOPLE_DISPLACED,
        EventKind.POWER_CUT,
        EventKind.ROAD_DAMAGED,
        EventKind.CASUALTIES_OCCURRED,
        EventKind.PEOPLE_TRAPPED,
    }
)
