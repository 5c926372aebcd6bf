"""Rescue-task assignment policies: pure functions from a snapshot to one assignment, chosen by name.

No SimPy, no clock, no side effects. The rescue system (sim/model/teams.py) calls a policy
again after applying each assignment, so one task may receive several teams when it has more
trapped people than one team takes.

Leaves out: looking ahead (keeping a team back for a task not yet reported), and splitting a
team's members between tasks.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RescueView:
    """What the command centre knows when it assigns: waiting tasks and free teams."""

    task_people: tuple[int, ...]  # people still waiting for a team, per task
    task_type: tuple[str, ...]  # water | collapse | mountain
    task_at_min: tuple[float, ...]  # when the task arose
    team_types: tuple[frozenset[str], ...]  # rescue types each free team can do
    drive_min: tuple[tuple[float, ...], ...]  # [team][task] minutes by road now; inf = no road


Assignment = tuple[int, int]  # (free-team index, task index)
RescuePolicy = Callable[[RescueView], Assignment | None]


def nearest_capable(view: RescueView) -> Assignment | None:
    """Most people trapped first (then the older task); the free team with the matching
    skill and the shortest drive (ties: team order). None when no free team can reach any task."""
    order = sorted(range(len(view.task_people)), key=lambda k: (-view.task_people[k], view.task_at_min[k], k))
    for k in order:
        best: tuple[float, int] | None = None
        for i, types in enumerate(view.team_types):
            minutes = view.drive_min[i][k]
            if view.task_type[k] in types and math.isfinite(minutes) and (best is None or minutes < best[0]):
                best = (minutes, i)
        if best is not None:
            return best[1], k
    return None


def oldest_first(view: RescueView) -> Assignment | None:
    """Tasks in the order they arose; the nearest free capable team."""
    order = sorted(range(len(view.task_people)), key=lambda k: (view.task_at_min[k], k))
    for k in order:
        options = [
            (view.drive_min[i][k], i)
            for i, types in enumerate(view.team_types)
            if view.task_type[k] in types and math.isfinite(view.drive_min[i][k])
        ]
        if options:
            return min(options)[1], k
    return None


RESCUE_POLICIES: dict[str, RescuePolicy] = {
    "nearest_capable": nearest_capable,
    "oldest_first": oldest_first,
}
