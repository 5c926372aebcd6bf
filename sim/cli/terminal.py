"""The summary `drsim run` prints: relief targets and late causes, then EMS, rescue and air,
or the queueing check mode's figures beside theory. Reads the summary table only."""

from __future__ import annotations


def print_summary(summary, settings, verdicts: list[dict] | None = None) -> None:
    if settings.ems.mode == "mmc":
        print_check_summary(summary, settings)
        return
    from sim.results.verdict import verdict_lines

    n_reps = int(settings.run.reps)
    if verdicts is not None:
        print("\nVerdict (share of people, calls or missions in time against what the target needs):")
        for line in verdict_lines(verdicts, settings.targets):
            print("  " + line)
    if n_reps < 10:
        print(
            f"\nnote: {n_reps} replication{'s' if n_reps != 1 else ''} only: intervals are wide or missing "
            "and no target is decided; use run.reps=30 or more for an answer"
        )
    rows = {(r["case"], r["measure"]): r for r in summary.to_dict("records")}
    print(
        f"\n{'relief target':<22}{'deadline':>9}{'needs':>7}   {'people in time (95% CI)':<32}"
        f"{'units in time':<15}{'P(target holds) (95% Wilson)':<30}"
    )
    for case in dict.fromkeys(summary["case"]):
        for name, target in settings.targets.items():
            if target.measure != "relief_complete":
                continue  # printed by print_ems_summary
            unit = rows.get((case, f"{name}_unit_share"))
            print(
                target_row(
                    name,
                    f"{target.deadline_h:>8g}h",
                    target,
                    rows.get((case, f"{name}_share")),
                    rows.get((case, f"{name}_holds")),
                    f"{_mean(unit, '.1%'):<15}",
                )
            )
    causes = [r for r in summary.to_dict("records") if r["kind"] == "late_cause"]
    if causes:
        print("\nlate villages by cause (share of late villages, pooled over replications):")
        names = ("report_delay", "road_blocked", "no_stock", "no_vehicle", "travel_time")
        print(f"  {'target':<22}" + "".join(f"{c:>14}" for c in names))
        first_case = causes[0]["case"]
        for name, target in settings.targets.items():
            if target.measure != "relief_complete":
                continue
            shares = [rows[(first_case, f"{name}_late_share_{c}")]["mean"] for c in names]
            print(f"  {name:<22}" + "".join(f"{_pct(x):>14}" for x in shares))
    print()
    first = next(iter(dict.fromkeys(summary["case"])))
    for measure, label in (
        ("displaced_people", "displaced people"),
        ("stranded_people", "people at home needing relief"),
        ("need_units", "units needed"),
        ("delivered_units", "units delivered by the horizon"),
        ("unmet_units", "units still missing at the horizon"),
    ):
        r = rows.get((first, measure))
        if r:
            print(f"{label:<36} {_count(r)} per replication")
    r = rows.get((first, "relief_complete_h_mean"))
    if r:
        print(f"{'village complete (mean, hours)':<36} {_ci(r, '.1f')}")
    print_ems_summary(summary, settings)
    print_rescue_summary(summary, settings)


def target_row(name, limit: str, target, share: dict | None, holds: dict | None, middle: str = "") -> str:
    """One target's line in a table: share with interval and P(holds); NOT TESTED in words."""
    n = int(holds["n"]) if holds is not None and holds["n"] == holds["n"] else 0
    head = f"{name:<22}{limit}{target.required_share:>7.0%}   "
    if n == 0 or holds is None or share is None or share["mean"] != share["mean"]:
        return head + "NOT TESTED: nobody to count in any replication"
    share_txt = _ci(share, ".1%")
    holds_txt = f"{holds['mean']:.2f} [{holds['ci_low']:.2f}, {holds['ci_high']:.2f}] n={n}"
    return f"{head}{share_txt:<32}{middle}{holds_txt:<30}"


def _count(r: dict) -> str:
    """A count of people or units: whole numbers, with the interval when there is one."""
    if r["mean"] != r["mean"]:
        return "n/a"
    if r["ci_low"] != r["ci_low"]:
        return f"{r['mean']:,.0f}"
    return f"{r['mean']:,.0f} [{r['ci_low']:,.0f}, {r['ci_high']:,.0f}]"


def _pct(x: float) -> str:
    return "n/a" if x != x else f"{x:.1%}"


# --- EMS (issue 4) ----------------------------------------------------------------------------

EMS_GROUPS = [("", "all calls"), ("_t1", "red (t1)"), ("_t2", "yellow (t2)"), ("_t3", "green (t3)")]
EMS_GROUPS += [("_urban", "urban"), ("_rural", "rural")]


def _ci(r: dict | None, fmt: str) -> str:
    """mean [low, high] of a summary row; the mean and "(no interval, n=1)" without an interval;
    n/a when missing."""
    if r is None or r["mean"] != r["mean"]:
        return "n/a"
    if r["ci_low"] != r["ci_low"]:
        return f"{format(r['mean'], fmt)} (no interval, n={int(r.get('n') or 0)})"
    return f"{format(r['mean'], fmt)} [{format(r['ci_low'], fmt)}, {format(r['ci_high'], fmt)}]"


def _mean(r: dict | None, fmt: str) -> str:
    return "n/a" if r is None or r["mean"] != r["mean"] else format(r["mean"], fmt)


def print_ems_summary(summary, settings) -> None:
    """Ambulances beside the relief targets: the ems_response targets, response times by triage
    class and area, casualties delivered, utilisation, beds, calls lost or unanswered."""
    rows = {(r["case"], r["measure"]): r for r in summary.to_dict("records")}
    for case in dict.fromkeys(summary["case"]):

        def get(measure: str, case: str = case) -> dict | None:
            return rows.get((case, measure))

        print(
            f"\nEMS: {_mean(get('ambulances'), '.0f')} ambulances; calls per replication "
            f"{_ci(get('ems_calls'), '.1f')}, of them disaster casualties "
            f"{_ci(get('ems_casualty_calls'), '.1f')}"
        )
        if target_limits := [t for t in settings.targets.values() if t.measure == "ems_response"]:
            rural = [t.rural_limit_min for t in target_limits if t.rural_limit_min is not None]
            if rural:
                print(f"(rural calls: limit {rural[0]:g} min)")
        print(
            f"{'target':<22}{'limit':>9}{'needs':>7}   {'share of calls in time (95% CI)':<32}"
            f"{'P(target holds) (95% Wilson)':<30}"
        )
        for name, target in settings.targets.items():
            if target.measure != "ems_response":
                continue
            limit = f"{target.limit_min:>6g}min"
            print(target_row(name, limit, target, get(f"{name}_share"), get(f"{name}_holds")))
        print(
            f"{'response, call to scene':<24}{'mean min (95% CI)':<24}{'p50':>7}{'p90':>7}  (means over reps)"
        )
        # The times are of calls a vehicle reached; a call that died waiting, was diverted or still
        # waits at the horizon has no response time, and the share-in-time targets above count it late.
        print("  (calls a vehicle reached; calls never reached are late in the targets above)")
        for suffix, label in EMS_GROUPS:
            mean = get(f"ems_response{suffix}_min_mean")
            p50, p90 = get(f"ems_response{suffix}_min_p50"), get(f"ems_response{suffix}_min_p90")
            print(f"  {label:<22}{_ci(mean, '.1f'):<24}{_mean(p50, '.1f'):>7}{_mean(p90, '.1f'):>7}")
        for hours in (12, 24):
            r = get(f"casualties_delivered_{hours}h_share")
            print(f"casualties in hospital by {hours} h after onset: {_ci(r, '.1%')}")
        red = get("ems_red_casualty_calls")
        if red is not None and (red["mean"] or 0) > 0:
            print(
                f"red casualties per replication {_ci(red, '.1f')}: reached a hospital alive "
                f"{_ci(get('ems_red_saved_people'), '.1f')}, died waiting "
                f"{_ci(get('ems_red_lost_waiting_people'), '.1f')} (survival curve: configs/ems/)"
            )
        print(f"ambulance utilisation: {_ci(get('ambulance_utilisation'), '.1%')}")
        at_hospital, off = get("ambulance_at_hospital_share"), get("ambulance_off_duty_share")
        print(
            f"ambulance time at hospitals (arrival to handover): {_ci(at_hospital, '.1%')}; "
            f"off duty (no rested crew): {_ci(off, '.1%')}"
        )
        stuck, boarded = get("ambulances_all_at_hospital_max_min"), get("patients_ed_boarding")
        print(
            f"longest spell with every ambulance at a hospital: {_ci(stuck, '.0f')} min; patients "
            f"handed to ED staff without a ward bed: {_ci(boarded, '.1f')} per replication"
        )
        peak = get("hospital_occupancy_peak_share")
        print(f"peak hospital bed occupancy (surge beds counted once open): {_ci(peak, '.1%')}")
        print(
            f"calls diverted: {_ci(get('ems_diverted_calls'), '.1f')}, still waiting at the horizon: "
            f"{_ci(get('ems_waiting_at_horizon_calls'), '.1f')} (per replication)"
        )


# --- Rescue teams and helicopters (issue 5) ---------------------------------------------------


def print_rescue_summary(summary, settings) -> None:
    """Rescue and air targets beside relief and EMS: share rescued by the deadlines, helicopter
    response, unmet people by cause, team utilisation, volunteer turnout, mutual-aid cost."""
    rows = {(r["case"], r["measure"]): r for r in summary.to_dict("records")}
    for case in dict.fromkeys(summary["case"]):

        def get(measure: str, case: str = case) -> dict | None:
            return rows.get((case, measure))

        print(
            f"\nRescue: {_mean(get('rescue_teams_mobilised'), '.0f')} teams mobilised; trapped people "
            f"per replication {_ci(get('trapped_people'), '.1f')}, "
            f"brought out {_ci(get('brought_out_people'), '.1f')}"
        )
        print(
            f"lives saved {_ci(get('lives_saved_people'), '.1f')}, lost while trapped "
            f"{_ci(get('lives_lost_waiting_people'), '.1f')}, alive and still trapped at the horizon "
            f"{_ci(get('trapped_alive_at_horizon_people'), '.1f')} per replication "
            "(survival curves: configs/rescue/; per township: townships.csv)"
        )
        print(
            f"{'target':<22}{'limit':>9}{'needs':>7}   {'share in time (95% CI)':<32}"
            f"{'P(target holds) (95% Wilson)':<30}"
        )
        for name, target in settings.targets.items():
            if target.measure not in ("rescue_share", "helicopter_response"):
                continue
            rescue = target.measure == "rescue_share"
            limit = f"{target.deadline_h:>8g}h" if rescue else f"{target.limit_min:>6g}min"
            print(target_row(name, limit, target, get(f"{name}_share"), get(f"{name}_holds")))
        print(
            "unmet trapped people: no team with the skill or equipment "
            f"{_ci(get('rescue_unmet_no_skill_people'), '.1f')}, "
            f"still waiting at the horizon {_ci(get('rescue_waiting_at_horizon_people'), '.1f')}"
        )
        print(
            f"rescue crew utilisation: {_ci(get('rescue_team_utilisation'), '.1%')}; volunteer turnout "
            f"achieved: {_ci(get('volunteer_turnout_share'), '.1%')}; mutual-aid compensation "
            f"{_ci(get('mutual_aid_cost_yuan'), ',.0f')} yuan"
        )
        print(
            f"air missions per replication {_ci(get('air_missions'), '.1f')} (rescue "
            f"{_mean(get('air_rescue_missions'), '.1f')}, casualty evacuation "
            f"{_mean(get('air_evacuation_missions'), '.1f')}, relief lift "
            f"{_mean(get('air_relief_lift_missions'), '.1f')}), response (request to "
            f"arrival) {_ci(get('air_response_min_mean'), '.1f')} min"
        )
        print(
            f"patients flown {_ci(get('air_patients_flown'), '.1f')}, relief units lifted "
            f"{_ci(get('air_relief_units'), ',.0f')} per replication"
        )


def print_check_summary(summary, settings) -> None:
    """The queueing check mode: simulated mean wait, P(wait) and share diverted beside theory."""
    from sim.results.ems_metrics import mmc_theory

    ems, run = settings.ems, settings.run
    divert = ems.when_all_busy == "divert"
    theory = mmc_theory(ems.servers, ems.calls_per_h, ems.service_mean_min, divert)
    exponential = ems.service_dist == "exponential"
    print(
        f"\ncheck mode: c={ems.servers} ambulances, {ems.calls_per_h:g} calls/h, mean service "
        f"{ems.service_mean_min:g} min ({ems.service_dist}), when all busy: {ems.when_all_busy};\n"
        f"{run.reps} replications of {run.horizon_h:g} h, calls in the first {ems.warmup_h:g} h left out"
    )
    print(f"{'measure':<18}{'simulated mean (95% CI over replications)':<44}theory")
    rows = {(r["case"], r["measure"]): r for r in summary.to_dict("records")}
    for case in dict.fromkeys(summary["case"]):
        for measure, label, fmt, law in (
            ("ems_wait_min_mean", "mean wait (min)", ".3f", "Erlang C"),
            ("ems_wait_share", "P(wait)", ".4f", "Erlang C"),
            ("ems_diverted_share", "share diverted", ".4f", "Erlang B"),
        ):
            value = theory.get(measure)
            if value is None:
                text = "0 (calls queue)" if measure == "ems_diverted_share" else "-"
            elif law == "Erlang C" and not exponential:
                text = "n/a (Erlang C needs exponential service)"
            else:
                text = f"{value:{fmt}} ({law})"
            print(f"{label:<18}{_ci(rows.get((case, measure)), fmt):<44}{text}")
