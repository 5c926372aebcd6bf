"""Result folders read back as inputs: one declared schema per file kind, checked before use.

`drsim report`, `drsim replay` and a resumed `drsim sweep` read files that drsim wrote earlier:
manifests, tables, the parts of a sweep. Those files may since have been cut short (a copy
that stopped, a full disk), edited by hand, or written by another version of drsim. Each kind of
file has one schema here (the keys and their types for JSON, the columns and their types for
tables, the metadata of a sweep part), and every reader goes through `read_json`, `read_csv`,
`read_parquet` or `check_part`: a file that does not match is one InputError naming the file,
the key or column, the value and the rule (exit code 2, no traceback), before any work.

Manifests list their keys exactly: a missing key, an unknown key (a manifest of another drsim
version) or a value of the wrong type is refused, and the message says which drsim version wrote
the file when it says so. Configurations inside manifests are checked by sim/settings.py as
usual (the caller names the file in the heading). Tables need the columns their readers use
(more are allowed: a table gains columns as targets are added), with the declared type, and at
least one row. Not covered: whether numbers in a well-formed table are the ones drsim computed
(a table edited by hand with plausible numbers is read as it is).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import BaseModel, ConfigDict, ValidationError

from sim.errors import InputError, Problem

DAMAGED = "a result file is damaged, incomplete or not drsim's"
FACTS_KEY = b"drsim.facts"  # a sweep part's per-replication facts (sim/experiment/units.py writes them)
CURVE_KEY = b"drsim.relief_curve"  # its relief curve rows
SCENARIO_COPY = "scenario"  # a result folder's copy of its baseline case's scenario folder
MAX_JSON_BYTES = 256 * 2**20  # a manifest holds a configuration and file hashes: kilobytes


# --- JSON files: manifests ---------------------------------------------------------------------


class _Doc(BaseModel):
    # extra="forbid": an unknown key means another version (or another program) wrote the file
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


M = TypeVar("M", bound=_Doc)


class Code(_Doc):
    package: str
    git_commit: str | None
    git_dirty: bool | None


class SweepCaseEntry(_Doc):
    name: str
    identity_sha256: str
    manifest: str
    finished: int


class SweepManifest(_Doc):
    """manifest.json of a result folder, a sweep's or a run's (sim/experiment/manifests.py
    `write_manifests`)."""

    command: list[str]
    experiment: str
    description: str
    baseline: str
    focus_target: str
    status: Literal["complete", "incomplete"]
    exit_code: int
    config_hash: str
    cases: list[SweepCaseEntry]
    code: Code
    packages: dict[str, str]
    platform: dict[str, Any]
    seeds: dict[str, Any]
    replications: dict[str, Any]
    stopping: dict[str, Any] | None
    sessions: list[dict[str, Any]]
    notes: list[str]


class CaseScenario(_Doc):
    name: str
    data_dir: str
    files_sha256: dict[str, str]


class CaseManifest(_Doc):
    """cases/CASE/manifest.json of a sweep folder (sim/experiment/manifests.py `write_case_manifest`)."""

    case: str
    description: str
    label: dict[str, str] | None = None  # {zh, en}: the case's name in a report (experiment `label`)
    overrides: list[str]
    identity_sha256: str
    identity_note: str
    config_hash: str
    config: dict[str, Any]
    scenario: CaseScenario
    budget: dict[str, Any]
    seeds: dict[str, Any]
    code: Code
    packages: dict[str, str]
    replications: dict[str, Any] | None = None  # written when a session ends
    timings: dict[str, Any] | None = None


class PartFacts(_Doc):
    """The facts a sweep part carries in its metadata: at least whose replication it is (the
    rest are the replication's numbers, read by sim/results/metrics.py)."""

    model_config = ConfigDict(extra="allow", strict=True, frozen=True)
    case: str
    rep: int
    seed: int


def _origin(data: object) -> str:
    """Who wrote the file, as far as it says: the reason a key is missing or unknown."""
    from sim import __version__

    code = data.get("code") if isinstance(data, dict) else None
    package = code.get("package") if isinstance(code, dict) else None
    if not isinstance(package, str):
        return f"the file does not say which drsim wrote it; this is drsim {__version__}"
    if package == __version__:
        return f"written by this drsim version ({package}): edited or damaged since"
    return f"written by drsim {package}; this is drsim {__version__}"


def _problems(path: Path, exc: ValidationError, data: object) -> list[Problem]:
    out = []
    for err in exc.errors()[:20]:
        key = ".".join(str(p) for p in err["loc"]) or "(the whole file)"
        if err["type"] == "extra_forbidden":
            rule = f"unknown key ({_origin(data)})"
        elif err["type"] == "missing":
            rule = f"required key is missing ({_origin(data)})"
        else:
            rule = err["msg"][0].lower() + err["msg"][1:]
        out.append(Problem(f"{path} key {key}", None if err["type"] == "missing" else err.get("input"), rule))
    return out


def load_json(path: Path) -> Any:
    """The JSON value in `path`; InputError naming the file when it cannot be read or parsed."""
    try:
        if path.stat().st_size > MAX_JSON_BYTES:
            raise InputError(
                Problem(
                    str(path), path.stat().st_size, f"larger than {MAX_JSON_BYTES} bytes: not a manifest"
                ),
                heading=DAMAGED,
            )
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(Problem(str(path), "missing", "the file is missing"), heading=DAMAGED) from None
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        # ValueError covers JSONDecodeError (cut short, edited) and out-of-range numbers
        raise InputError(
            Problem(str(path), type(exc).__name__, f"unreadable JSON ({str(exc)[:200]})"), heading=DAMAGED
        ) from None


def read_json(path: str | Path, schema: type[M], hint: str = "") -> M:
    """`path` parsed and checked against `schema` (a manifest kind above). `hint`: what the user
    can do about a bad file, added to the message."""
    path = Path(path)
    heading = f"{DAMAGED}; {hint}" if hint else DAMAGED
    try:
        data = load_json(path)
    except InputError as exc:
        raise InputError(exc.problems, heading=heading) from None
    if not isinstance(data, dict):
        what = f"must be a JSON object ({schema.__doc__ or ''})".strip()
        raise InputError(Problem(str(path), type(data).__name__, what), heading=heading)
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        raise InputError(_problems(path, exc, data), heading=heading) from None


def json_lines(path: str | Path) -> list[dict[str, Any]]:
    """The records of an append-only JSON-lines log (progress.jsonl, failures.jsonl): a line that
    is not a JSON object (cut by a kill, edited) is skipped; the log is informational."""
    path = Path(path)
    out = []
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise InputError(Problem(str(path), type(exc).__name__, "unreadable"), heading=DAMAGED) from None
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if isinstance(record, dict):
            out.append(record)
    return out


# --- tables ----------------------------------------------------------------------------------

Kind = Literal["text", "integer", "number", "boolean"]
TEXT: Kind = "text"
INT: Kind = "integer"
NUM: Kind = "number"
BOOL: Kind = "boolean"

KEYS: dict[str, Kind] = {"case": TEXT, "rep": INT}
# The columns each table's readers use (sim/report/, sim/experiment/aggregate.py), with their types; a table
# may have more. Columns that depend on the targets are added by the caller (`extra`).
TABLES: dict[str, dict[str, Kind]] = {
    "reps.csv": {**KEYS},
    "summary.csv": {
        "case": TEXT,
        "measure": TEXT,
        "kind": TEXT,
        "n": NUM,
        "mean": NUM,
        "ci_low": NUM,
        "ci_high": NUM,
    },
    "cases.csv": {"case": TEXT, "measure": TEXT, "estimate": NUM, "ci_low": NUM, "ci_high": NUM, "n": NUM},
    "villages.parquet": {**KEYS, "place_id": TEXT, "township_id": TEXT, "displaced": INT},
    "events.parquet": {
        **KEYS,
        "t_min": NUM,
        "kind": TEXT,
        "subject": TEXT,
        "depot": TEXT,
        "qty": INT,
        "ref": INT,
        "note": TEXT,
    },
    "calls.parquet": {**KEYS, "triage": INT, "response_min": NUM, "received_at_h": NUM, "area": TEXT},
    "relief_curves.parquet": {
        **KEYS,
        "item_class": TEXT,
        "hour": INT,
        "people": INT,
        "people_in_time": INT,
    },
    "part": {**KEYS, "place_id": TEXT, "township_id": TEXT, "displaced": INT},
    # a replication's calls or hospitals part: often empty, when its columns have no type to check
    "table part": {},
}
NOT_NULL = {"case", "rep", "measure", "kind", "item_class"}  # keys: a missing value is damage


def relief_columns(targets: Mapping[str, Any]) -> dict[str, Kind]:
    """The village-table columns each relief target adds (read by the report's map and tables)."""
    out: dict[str, Kind] = {}
    for name, t in targets.items():
        if getattr(t, "measure", None) == "relief_complete":
            out |= {f"{name}_people": INT, f"{name}_people_in_time": INT}
    return out


def _pandas_kind_ok(series: pd.Series, kind: Kind) -> bool:
    if kind == TEXT:
        return not pd.api.types.is_numeric_dtype(series) or bool(series.isna().all())
    if kind == BOOL:
        return pd.api.types.is_bool_dtype(series)
    if kind == INT:
        return pd.api.types.is_integer_dtype(series) or (
            pd.api.types.is_float_dtype(series) and bool(series.dropna().mod(1).eq(0).all())
        )
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _arrow_kind_ok(kind: Kind, typ: pa.DataType) -> bool:
    if pa.types.is_null(typ):
        return True  # every value missing
    if kind == TEXT:
        return pa.types.is_string(typ) or pa.types.is_large_string(typ) or pa.types.is_dictionary(typ)
    if kind == BOOL:
        return pa.types.is_boolean(typ)
    if kind == INT:
        return pa.types.is_integer(typ)
    return pa.types.is_integer(typ) or pa.types.is_floating(typ)


def check_frame(
    frame: pd.DataFrame, path: Path, kind: str, extra: Mapping[str, Kind] | None = None, min_rows: int = 1
) -> pd.DataFrame:
    """`frame` (read from `path`) against the schema of table `kind`; returns it."""
    want = {**TABLES[kind], **(extra or {})}
    problems = []
    missing = [c for c in want if c not in frame.columns]
    if missing:
        shown = ", ".join(missing[:8]) + (", ..." if len(missing) > 8 else "")
        problems.append(
            Problem(
                str(path), shown, f"column(s) missing (has {len(frame.columns)}: not a drsim {kind} table)"
            )
        )
    for col in (c for c in want if c in frame.columns and len(frame)):
        series = frame[col]
        if not _pandas_kind_ok(series, want[col]):
            problems.append(Problem(f"{path} column {col}", str(series.dtype), f"must be {want[col]}"))
        elif col in NOT_NULL and series.isna().any():
            row = int(series.isna().to_numpy().argmax()) + 2  # + header, 1-based
            problems.append(Problem(f"{path} row {row}, column {col}", None, "a key is empty (cut short?)"))
    if len(frame) < min_rows:
        problems.append(Problem(str(path), f"{len(frame)} rows", f"needs at least {min_rows} row(s)"))
    if problems:
        raise InputError(problems, heading=DAMAGED)
    return frame


def read_csv(path: str | Path, kind: str, extra: Mapping[str, Kind] | None = None) -> pd.DataFrame:
    path = Path(path)
    try:
        frame = pd.read_csv(path)
    except FileNotFoundError:
        raise InputError(Problem(str(path), "missing", "the file is missing"), heading=DAMAGED) from None
    except pd.errors.EmptyDataError:
        raise InputError(
            Problem(str(path), "empty", "the file is empty (no header)"), heading=DAMAGED
        ) from None
    except (OSError, UnicodeDecodeError, ValueError, pd.errors.ParserError, OverflowError) as exc:
        raise InputError(
            Problem(str(path), type(exc).__name__, f"not a readable CSV table ({str(exc)[:200]})"),
            heading=DAMAGED,
        ) from None
    return check_frame(frame, path, kind, extra)


def _arrow_table(path: Path) -> pa.Table:
    try:
        return pq.read_table(path)
    except FileNotFoundError:
        raise InputError(Problem(str(path), "missing", "the file is missing"), heading=DAMAGED) from None
    except (OSError, pa.ArrowException, ValueError) as exc:
        raise InputError(
            Problem(
                str(path), type(exc).__name__, f"not a readable Parquet file, cut short? ({str(exc)[:200]})"
            ),
            heading=DAMAGED,
        ) from None


def check_arrow(table: pa.Table, path: Path, kind: str, extra: Mapping[str, Kind] | None = None) -> None:
    """The Arrow schema of `table` (read from `path`) against table `kind`; before any conversion."""
    want = {**TABLES[kind], **(extra or {})}
    names = set(table.schema.names)
    problems = []
    missing = [c for c in want if c not in names]
    if missing:
        shown = ", ".join(missing[:8]) + (", ..." if len(missing) > 8 else "")
        problems.append(
            Problem(str(path), shown, f"column(s) missing (has {len(names)}: not a drsim {kind} table)")
        )
    for col in (c for c in want if c in names):
        typ = table.schema.field(col).type
        if not _arrow_kind_ok(want[col], typ):
            problems.append(Problem(f"{path} column {col}", str(typ), f"must be {want[col]}"))
        elif col in NOT_NULL and table.column(col).null_count:
            problems.append(Problem(f"{path} column {col}", None, "a key is empty"))
    if problems:
        raise InputError(problems, heading=DAMAGED)


def read_parquet(
    path: str | Path, kind: str, extra: Mapping[str, Kind] | None = None, min_rows: int = 1
) -> pd.DataFrame:
    path = Path(path)
    table = _arrow_table(path)
    check_arrow(table, path, kind, extra)
    if table.num_rows < min_rows:
        raise InputError(
            Problem(str(path), f"{table.num_rows} rows", f"needs at least {min_rows} row(s)"), heading=DAMAGED
        )
    return table.to_pandas()


# --- sweep parts -----------------------------------------------------------------------------


def part_facts(table_or_schema: pa.Table | pa.Schema, path: Path, case: str, rep: int) -> dict[str, Any]:
    """The facts of a sweep part, checked: drsim's metadata, of this case and replication."""
    schema = table_or_schema if isinstance(table_or_schema, pa.Schema) else table_or_schema.schema
    meta = schema.metadata or {}
    raw = meta.get(FACTS_KEY)
    if raw is None:
        raise InputError(
            Problem(
                str(path),
                "no drsim.facts",
                "not a part drsim wrote (its Parquet metadata has no drsim facts): move it out of the "
                "sweep folder, and the sweep runs that replication again",
            ),
            heading=DAMAGED,
        )
    try:
        facts = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise InputError(
            Problem(str(path), type(exc).__name__, "its drsim facts are not JSON"), heading=DAMAGED
        ) from None
    if not isinstance(facts, dict):
        raise InputError(
            Problem(str(path), type(facts).__name__, "its drsim facts must be an object"), heading=DAMAGED
        )
    try:
        PartFacts.model_validate(facts)
    except ValidationError as exc:
        problems = [
            Problem(f"{path} facts key {'.'.join(map(str, e['loc']))}", e.get("input"), e["msg"])
            for e in exc.errors()[:10]
        ]
        raise InputError(problems, heading=DAMAGED) from None
    if facts["case"] != case or facts["rep"] != rep:
        raise InputError(
            Problem(
                str(path),
                f"case {facts['case']} rep {facts['rep']}",
                f"holds another replication than its name says (case {case} rep {rep})",
            ),
            heading=DAMAGED,
        )
    curve = meta.get(CURVE_KEY)
    if curve is not None:
        try:
            rows = json.loads(curve)
        except (ValueError, RecursionError):
            rows = None
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise InputError(
                Problem(str(path), "drsim.relief_curve", "must be a list of rows"), heading=DAMAGED
            )
    return facts


def readable_parquet(path: Path) -> bool:
    """A parquet file whose footer and schema can be read: not cut short."""
    try:
        pq.read_schema(path)
    except (OSError, pa.ArrowException, ValueError):
        return False
    return True


def check_part(path: Path, case: str, rep: int) -> bool:
    """A sweep part on disk: True when it is drsim's and whole, False when it cannot be read at
    all (cut short by a power cut: the sweep runs that replication again), InputError when it
    is readable but not drsim's part of this replication."""
    try:
        schema = pq.read_schema(path)
    except (OSError, pa.ArrowException, ValueError):
        return False
    part_facts(schema, path, case, rep)
    names = set(schema.names)
    missing = [c for c in TABLES["part"] if c not in names]
    bad = [
        c
        for c in TABLES["part"]
        if c in names and not _arrow_kind_ok(TABLES["part"][c], schema.field(c).type)
    ]
    if missing or bad:
        raise InputError(
            Problem(
                str(path),
                ", ".join(missing + bad),
                "column(s) missing or of the wrong type: not a drsim part",
            ),
            heading=DAMAGED,
        )
    return True


def read_part(path: Path, case: str, rep: int) -> tuple[pa.Table, dict[str, Any]]:
    """A sweep part's village table and facts, checked."""
    table = _arrow_table(path)
    facts = part_facts(table, path, case, rep)
    check_arrow(table, path, "part")
    return table, facts
