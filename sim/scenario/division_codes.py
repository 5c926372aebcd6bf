"""The official division codes a scenario's places.csv may carry (`code`, `division_kind`).

A township-level unit has a 9-digit statistical code, a village-level unit a 12-digit one
(GB/T 10114; the code ranges and how a county's official list is read are in
sim/authoring/divisions.py, which makes counties from such a list). Loading a scenario
(sim/scenario/load.py) checks its places' codes and kinds with these rules, so they live with
the loader, below the authoring tools that write them.
"""

from __future__ import annotations

TOWNSHIP_KINDS = ("street", "town", "township", "park", "farm")
VILLAGE_KINDS = ("community", "village")


def division_code(cell: str) -> str:
    """A places.csv `code`: 9 digits (township-level) or 12 (village-level)."""
    if len(cell) not in (9, 12) or not cell.isascii() or not cell.isdigit():
        raise ValueError("must be a statistical code of 9 digits (township-level) or 12 (village-level)")
    return cell
