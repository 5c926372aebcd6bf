"""A county's official division list: its township-level units and the village-level units
under each, by their statistical codes and official names.

This is the list a planner already has: the National Bureau of Statistics' statistical
division codes (统计用区划代码), or the civil-affairs list they follow. Two CSV files, one pair
per county, named `<anything>_townships.csv` and `<anything>_villages.csv`:

  townships.csv   code (9 digits), name
  villages.csv    code (12 digits), name, township_code (9 digits, a code of townships.csv)

What the codes say (GB/T 10114 《县以下行政区划代码编制规则》, as the NBS applies it):
digits 1-6 the county, 7-9 the township-level unit, 10-12 the village-level unit. The
township segment 001-099 is a street (街道), 100-199 a town (镇), 200-399 a township (乡),
400-599 a unit "like a township" (政企合一: development zones, industrial parks, new towns,
state farms). The village segment 001-199 is a residents' committee (居委会: a community),
200-399 a villagers' committee (村委会: a village), 400-499 like a residents' committee and
500-599 like a villagers' committee.

The codes carry no coordinates and no populations: a county built from them still has
generated geometry and populations (sim/authoring/counties.py), and says so.
What this module leaves out: changes over time (merged or renamed units), and the urban-rural
class codes (城乡分类代码) the NBS publishes beside them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sim.errors import InputError, Problem
from sim.scenario.csvfile import Column, Row, read_csv, text

SHIPPED = Path(__file__).resolve().parents[1] / "data" / "divisions"

# Units "like a township" (segment 400-599) are farms when their name ends in 场 (农场, 林场,
# 园艺场, 茶场, 牧场, 渔场: state farms run like a township); otherwise development zones,
# industrial parks, new towns and bonded zones, here all `park`. The code range alone does not
# separate them (some provinces code farms in 400-479).
FARM_SUFFIX = "场"


@dataclass(frozen=True)
class Village:
    code: str  # 12 digits
    name: str
    kind: str  # community | village


@dataclass(frozen=True)
class Township:
    code: str  # 9 digits
    name: str
    kind: str  # street | town | township | park | farm
    villages: tuple[Village, ...]

    @property
    def segment(self) -> str:
        """The township's own three digits (7-9) of its code."""
        return self.code[6:9]


@dataclass(frozen=True)
class Divisions:
    county_code: str  # 6 digits
    townships: tuple[Township, ...]  # in code order
    source: str  # how the files are named in messages and READMEs

    @property
    def n_villages(self) -> int:
        return sum(len(t.villages) for t in self.townships)

    def by_code(self) -> dict[str, Township]:
        return {t.code: t for t in self.townships}


def township_kind(code: str, name: str) -> str:
    """street | town | township | park | farm, from the township segment of a 9-digit code.

    >>> township_kind("360982001", "淦阳街道"), township_kind("360982100", "临江镇")
    ('street', 'town')
    >>> township_kind("360982400", "樟树市工业园区"), township_kind("360982500", "省双金园艺场")
    ('park', 'farm')
    """
    seg = int(code[6:9])
    if seg < 100:
        return "street"
    if seg < 200:
        return "town"
    if seg < 400:
        return "township"
    return "farm" if name.endswith(FARM_SUFFIX) else "park"


def village_kind(code: str) -> str:
    """community (居委会, and units like one) or village (村委会, and units like one).

    >>> village_kind("360982001001"), village_kind("360982100201"), village_kind("360982400401")
    ('community', 'village', 'community')
    """
    seg = int(code[9:12])
    return "community" if seg < 200 or 400 <= seg < 500 else "village"


def _digits(n: int, segment: tuple[int, int], what: str):
    """A parser for an n-digit code whose segment (start, end) lies in 001-599."""

    def parse(cell: str) -> str:
        if len(cell) != n or not cell.isascii() or not cell.isdigit():
            raise ValueError(f"must be a {n}-digit statistical code ({what})")
        seg = int(cell[segment[0] : segment[1]])
        if not 1 <= seg <= 599:
            raise ValueError(
                f"digits {segment[0] + 1}-{segment[1]} must be 001-599 (GB/T 10114: 001-099 street, "
                "100-199 town, 200-399 township, 400-599 like a township; villages alike)"
            )
        return cell

    return parse


TOWNSHIP_COLUMNS = [Column("code", _digits(9, (6, 9), "county 6 + township 3")), Column("name", text)]
VILLAGE_COLUMNS = [
    Column("code", _digits(12, (9, 12), "county 6 + township 3 + village 3")),
    Column("name", text),
    Column("township_code", _digits(9, (6, 9), "the village's township")),
]


def pair(path: str | Path) -> tuple[Path, Path]:
    """The (townships, villages) files named by either one of them."""
    p = Path(path)
    for mine, other in (("_townships.csv", "_villages.csv"), ("_villages.csv", "_townships.csv")):
        if p.name.endswith(mine):
            sibling = p.with_name(p.name[: -len(mine)] + other)
            return (p, sibling) if mine == "_townships.csv" else (sibling, p)
    raise InputError(
        Problem(
            "command line --divisions",
            str(path),
            "must name a file ending in _townships.csv or _villages.csv (the pair is read together)",
        )
    )


def _unique(rows: list[Row], key: str, label: str, problems: list[Problem]) -> None:
    first: dict[str, int] = {}
    for r in rows:
        if r[key] in first:
            problems.append(
                Problem(
                    f"{label} line {r.line}, column {key}",
                    r[key],
                    f"appears twice (first on line {first[r[key]]})",
                )
            )
        first.setdefault(r[key], r.line)


def read(path: str | Path) -> Divisions:
    """Read and check a divisions pair; InputError naming file, line, value and rule."""
    tpath, vpath = pair(path)
    problems: list[Problem] = []
    t_rows = read_csv(tpath, TOWNSHIP_COLUMNS, problems, str(tpath))
    v_rows = read_csv(vpath, VILLAGE_COLUMNS, problems, str(vpath))
    if problems:
        raise InputError(problems, heading=f"division list {tpath.name} / {vpath.name} is not valid")
    _unique(t_rows, "code", str(tpath), problems)
    _unique(v_rows, "code", str(vpath), problems)
    for label, rows in ((str(tpath), t_rows), (str(vpath), v_rows)):
        for r in rows:
            if not r["name"]:
                problems.append(Problem(f"{label} line {r.line}, column name", "", "must not be empty"))
    if not t_rows:
        problems.append(Problem(str(tpath), "no rows", "a county needs at least one township-level unit"))
    county = t_rows[0]["code"][:6] if t_rows else ""
    for r in t_rows:
        if r["code"][:6] != county:
            problems.append(
                Problem(
                    f"{tpath} line {r.line}, column code",
                    r["code"],
                    f"must start with the county code {county} of line {t_rows[0].line}: one county per file",
                )
            )
    codes = {r["code"] for r in t_rows}
    under: dict[str, list[Village]] = {c: [] for c in codes}
    for r in v_rows:
        where = f"{vpath} line {r.line}"
        if r["township_code"] not in codes:
            problems.append(
                Problem(
                    f"{where}, column township_code", r["township_code"], f"is not a code in {tpath.name}"
                )
            )
        elif r["code"][:9] != r["township_code"]:
            problems.append(
                Problem(
                    f"{where}, column code",
                    r["code"],
                    f"must start with its township_code {r['township_code']} (digits 1-9 name the township)",
                )
            )
        else:
            under[r["township_code"]].append(Village(r["code"], r["name"], village_kind(r["code"])))
    for r in t_rows:
        if (
            r["code"] in under
            and not under[r["code"]]
            and not any(p.where.startswith(str(vpath)) for p in problems)
        ):
            problems.append(
                Problem(
                    f"{tpath} line {r.line}",
                    f"{r['code']} {r['name']}",
                    f"has no village-level unit in {vpath.name}: every unit needs at least one",
                )
            )
    if problems:
        raise InputError(problems, heading=f"division list {tpath.name} / {vpath.name} is not valid")
    townships = tuple(
        Township(
            r["code"],
            r["name"],
            township_kind(r["code"], r["name"]),
            tuple(sorted(under[r["code"]], key=lambda v: v.code)),
        )
        for r in sorted(t_rows, key=lambda r: r["code"])
    )
    return Divisions(county, townships, source=f"{tpath.name} / {vpath.name}")


def shipped(county: str) -> Divisions:
    """One of the division lists that ship with drsim (sim/data/divisions/), by county prefix."""
    found = sorted(SHIPPED.glob(f"{county}_*_townships.csv"))
    if len(found) != 1:
        names = sorted(p.name.split("_")[0] for p in SHIPPED.glob("*_townships.csv"))
        raise ValueError(f"no shipped division list {county!r}; shipped: {', '.join(names)}")
    return read(found[0])


def seat(div: Divisions, wanted: str | None = None) -> Township:
    """The unit holding the county seat: `wanted` (a code or a name), or by default the first
    street in code order, else the first town, else the first unit. Why: the NBS numbers
    streets from 001 and the seat's street usually comes first (樟树 淦阳街道 001, 晋江 青阳街道
    001); a county without streets has its seat in a town (上杭 临江镇 100). An assumption the
    planner overrides with --seat when their seat is elsewhere."""
    if wanted is not None:
        for t in div.townships:
            if wanted in (t.code, t.name, t.segment):
                return t
        raise InputError(
            Problem(
                "command line --seat",
                wanted,
                f"is not a code or name in {div.source} "
                f"(e.g. {div.townships[0].code} or {div.townships[0].name})",
            )
        )
    for kind in ("street", "town"):
        for t in div.townships:
            if t.kind == kind:
                return t
    return div.townships[0]
