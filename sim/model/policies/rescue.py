"""Rescue-task assignment policies: pure functions from a snapshot to one assignment, chosen by name.

No SimPy, no clock, no side effects. The units assigned are crews (sim/model/teams.py: a team
works as crews, each with its boat or machine, and a crew takes one round's people); the rescue
system calls a policy again after applying each assignment, so one task may receive several
crews when it has more trapped people than one round takes. "Team" below means such a crew.

Leaves out: looking ahead (keeping a crew back for a task not yet reported).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

TeamChoice = tuple[float, int]  # (minutes by road, free-team index)


@dataclass(frozen=True)
class RescueView:
    """What the command centre knows when it assigns: waiting tasks and free teams.

    Drive times are asked for, not handed over: on a province-sized network a table of every
    free team to every waiting task would cost a shortest-path search per team, where a
    policy usually needs the nearest team for one or two tasks. A drive counts only when the
    team has room in its shift for the drive and at least one person (else it is inf)."""

    task_people: tuple[int, ...]  # people still waiting for a team, per task
    task_type: tuple[str, ...]  # water | collapse | mountain
    task_at_min: tuple[float, ...]  # when the task arose
    team_types: tuple[frozenset[str], ...]  # rescue types each free team can do
    # nearest_team(k): the free team with the task's skill and the shortest drive to task k,
    # as (minutes, team index), ties to the lower index; None when no such team can reach it
    nearest_team: Callable[[int], TeamChoice | None]
    drive_min: Callable[[int, int], float]  # drive_min(team, task): minutes by road now; inf = none


Assignment = tuple[int, int]  # (free-team index, task index)
RescuePolicy = Callable[[RescueView], Assignment | None]


def nearest_capable(view: RescueView) -> Assignment | None:
    """Most people trapped first (then the older task); the free team with the matching
    skill and the shortest drive (ties: team order). None when no free team can reach any task."""
    order = sorted(range(len(view.task_people)), key=lambda k: (-view.task_people[k], view.task_at_min[k], k))
    return first_reachable(order, view)


def oldest_first(view: RescueView) -> Assignment | None:
    """Tasks in the order they arose; the nearest free capable team."""
    return first_reachable(sorted(range(len(view.task_people)), key=lambda k: (view.task_at_min[k], k)), view)


def first_reachable(order: list[int], view: RescueView) -> Assignment | None:
    """The first task in `order` some free capable team can reach, with its nearest such team."""
    for k in order:
        best = view.nearest_team(k)
        if best is not None:
            return best[1], k
    return None


RESCUE_POLICIES: dict[str, RescuePolicy] = {
    "nearest_capable": nearest_capable,
    "oldest_first": oldest_first,
}
