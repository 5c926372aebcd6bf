"""Fuzz test (issue 18): random mutations of the `tiny` scenario's files and of command-line
overrides, each run through the command line in-process under a time limit. Every case must end
with exit 0, or exit 2 and a message; never a traceback, never a hang, and nothing written when
refused (the scenario folder is never changed; a refused run leaves no output folder).

Derandomised: hypothesis draws from the fixed seed FUZZ_SEED, so CI runs the same cases every
time (about 60 s on 2 cores for the default budget). A longer budget, with other seeds:

    FUZZ_EXAMPLES=2000 FUZZ_SEED=7 .venv/bin/python -m pytest -q -m fuzz_long tests/test_fuzz_inputs.py

Mutations: a cell set to a huge, negative, non-finite, empty, text, unicode, formula or very
long value, or to an edge of its bound; a column deleted; rows dropped or duplicated; bytes
corrupted; the file re-encoded (GBK, UTF-16), truncated, emptied, left with its header only, or
deleted; scenario.yaml values replaced by hostile YAML. Overrides: every numeric configuration
key (sim/bounds.py) set to the same kinds of value.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, seed, settings
from hypothesis import strategies as st

from sim import bounds
from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "scenarios" / "tiny"
FUZZ_SEED = int(os.environ.get("FUZZ_SEED", "20261206"))
LONG = int(os.environ.get("FUZZ_EXAMPLES", "2000"))
VALIDATE_EXAMPLES = 300  # `drsim validate` of a mutated folder: ~0.1 s each
RUN_EXAMPLES = 12  # `drsim run run.reps=1` of a mutated folder: ~1-2 s each
OVERRIDE_EXAMPLES = 40  # `drsim run run.reps=1` with a hostile override: ~0.3-2 s each
TIME_LIMIT_S = 60  # per case: a valid tiny run takes about 2 s; beyond this it hangs

CSV_FILES = sorted(p.name for p in TINY.glob("*.csv"))
FILES = [*CSV_FILES, "scenario.yaml"]

NASTY_CELLS = [
    "1e308",
    "-1e308",
    "1e19",
    "18446744073709551616",
    "9" * 401,
    "1e-300",
    "-1",
    "-0",
    "0",
    "0.5",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "",
    " ",
    "many",
    "一千",
    "１２",  # full-width digits
    "1,000",
    "1_000",
    "0x10",
    '=HYPERLINK("http://x","y")',
    "+1",
    "@SUM(A1)",
    "\x00",
    "a\nb",
    '"',
    "x" * 50_000,
    "../../etc",
    "true",
]


def bound_edges() -> list[str]:
    """The edges of every scenario bound and one step outside them."""
    out = set()
    for b in bounds.SCENARIO.values():
        for x in (b.lo, b.hi, b.hi + 1, b.lo - 1, b.hi * 10):
            out.add(repr(int(x)) if float(x).is_integer() else repr(x))
    return sorted(out)


CELLS = st.one_of(st.sampled_from(NASTY_CELLS), st.sampled_from(bound_edges()), st.text(max_size=12))

HOSTILE_YAML = [
    'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    + "".join(
        f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    ),
    "[" * 5000 + "]" * 5000,
    "? [a, b]\n: 1\n",
    "n: " + "9" * 401 + "\n",
    "base: &b {snap_tolerance_km: 0.5}\ndefaults:\n  <<: *b\n  unload_min: 15\n",
    "a: &a [*a]\n",
    "a: !!python/object/apply:os.system [echo]\n",
    "a: !foo 1\n",
    "name: a\nname: b\n",
    "defaults: {unload_min: .nan}\n",
    "defaults: {snap_tolerance_km: 1e308}\n",
    "defaults: {road_speed_kmh: {village: 1.0e-300}}\n",
    "defaults: [1, 2]\n",
    "- just\n- a list\n",
    "",
    "zones: {river: [NOPE]}\n",
    "crs: EPSG:3857\n",
    "_target_: os.system\n",
]


@contextlib.contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Raise in this (main) thread when a case runs longer than `seconds`: a hang is a failure."""

    def hung(signum, frame):
        raise TimeoutError(f"no answer within {seconds} s: the command hangs")

    old = signal.signal(signal.SIGALRM, hung)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def drsim(cwd: Path, *args: str) -> tuple[int, str]:
    """The command in-process from `cwd` under the time limit; (exit code, stderr). Any exception
    the command lets out (a traceback for a user) fails the test with its own traceback."""
    err = io.StringIO()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        with (
            time_limit(TIME_LIMIT_S),
            contextlib.redirect_stderr(err),
            contextlib.redirect_stdout(io.StringIO()),
        ):
            code = main(list(args))
    finally:
        os.chdir(old)
    return code, err.getvalue()


def check_answer(code: int, err: str) -> None:
    event(f"exit {code}")  # the statistics (--hypothesis-show-statistics) show both answers occur
    assert code in (0, 2), f"exit {code}:\n{err}"
    assert "Traceback" not in err, err
    if code == 2:
        assert re.search(r"\(\d+ problems?\):\n  - ", err), (
            f"exit 2 without a message naming the problem:\n{err}"
        )
        assert len(err) < 200_000, f"a message of {len(err):,} characters"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# --- mutations of one file --------------------------------------------------------------------


def csv_rows(raw: bytes) -> list[list[str]]:
    return [line.split(",") for line in raw.decode("utf-8", "surrogateescape").splitlines()]


def csv_bytes(rows: list[list[str]]) -> bytes:
    return ("\n".join(",".join(r) for r in rows) + "\n").encode("utf-8", "surrogateescape")


@st.composite
def mutation(draw, files: list[str] = FILES) -> tuple[str, str, object]:
    """(file, kind, argument) of one mutation; applied by `mutate`."""
    name = draw(st.sampled_from(files))
    if name == "scenario.yaml":
        kinds = ["yaml_value", "yaml_whole", "bytes", "encoding", "truncate", "empty", "delete"]
    else:
        kinds = ["cell", "cell", "cell", "column", "drop_row", "dup_row", "bytes", "encoding"]
        kinds += ["truncate", "empty", "header_only", "delete", "repeat"]
    kind = draw(st.sampled_from(kinds))
    if kind == "cell":
        arg: object = (draw(st.integers(0, 50)), draw(st.integers(0, 20)), draw(CELLS))
    elif kind in ("column", "drop_row", "dup_row"):
        arg = draw(st.integers(0, 50))
    elif kind == "bytes":
        arg = (draw(st.integers(0, 10_000)), draw(st.binary(min_size=1, max_size=8)))
    elif kind == "encoding":
        arg = draw(st.sampled_from(["gbk", "utf-16", "latin-1"]))
    elif kind == "truncate":
        arg = draw(st.floats(0.05, 0.95))
    elif kind == "repeat":
        arg = draw(st.integers(25, 3000))
    elif kind == "yaml_value":
        arg = (
            draw(st.sampled_from(["snap_tolerance_km", "unload_min", "village", "name", "crs"])),
            draw(CELLS),
        )
    elif kind == "yaml_whole":
        arg = draw(st.sampled_from(HOSTILE_YAML))
    else:
        arg = None
    return name, kind, arg


def mutate(folder: Path, name: str, kind: str, arg) -> None:
    path = folder / name
    raw = path.read_bytes()
    if kind == "delete":
        path.unlink()
        return
    if not raw.strip():  # an emptied file has nothing left to mutate
        return
    if kind == "empty":
        out = b""
    elif kind == "truncate":
        out = raw[: int(len(raw) * arg)]
    elif kind == "bytes":
        at = arg[0] % len(raw)
        out = raw[:at] + arg[1] + raw[at + len(arg[1]) :]
    elif kind == "encoding":
        text = raw.decode("utf-8", "replace").replace("Village", "村庄").replace("village", "乡村")
        out = text.encode(arg, errors="replace")
    elif kind == "yaml_value":
        key, value = arg
        text = raw.decode("utf-8", "surrogateescape")
        text = re.sub(rf"(?m)^(\s*{key}:).*$", lambda m: f"{m[1]} {value}", text, count=1)
        out = text.encode("utf-8", "surrogateescape")
    elif kind == "yaml_whole":
        out = arg.encode("utf-8")
    else:
        rows = csv_rows(raw)
        if kind == "cell":
            r, c, value = arg
            row = rows[r % len(rows)]
            row[c % len(row)] = value.replace(",", ";") if '"' not in value else value
        elif kind == "column":
            c = arg % len(rows[0])
            rows = [[cell for i, cell in enumerate(row) if i != c] for row in rows]
        elif kind == "drop_row" and len(rows) > 1:
            del rows[1 + arg % (len(rows) - 1)]
        elif kind == "dup_row" and len(rows) > 1:
            rows.insert(1, rows[1 + arg % (len(rows) - 1)])
        elif kind == "header_only":
            rows = rows[:1]
        elif kind == "repeat" and len(rows) > 1:  # one mistake repeated down the file
            bad = [*rows[1][:-1], "-1"]
            rows = [rows[0], *[bad] * arg]
        out = csv_bytes(rows)
    path.write_bytes(out)


def mutated_tiny(tmp: Path, mutations: list[tuple[str, str, object]]) -> Path:
    folder = tmp / "tiny"
    shutil.copytree(TINY, folder)
    for name, kind, arg in mutations:
        if (folder / name).exists():
            mutate(folder, name, kind, arg)
    return folder


# --- the tests --------------------------------------------------------------------------------

FUZZ = settings(database=None, deadline=None, suppress_health_check=list(HealthCheck), print_blob=True)


def validate_case(mutations: list[tuple[str, str, object]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = mutated_tiny(Path(tmp), mutations)
        before = snapshot(folder)
        code, err = drsim(Path(tmp), "validate", "--dir", str(folder))
        check_answer(code, err)
        assert snapshot(folder) == before, "validate changed the scenario folder"


def run_case(mutations: list[tuple[str, str, object]], overrides: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = mutated_tiny(Path(tmp), mutations)
        before = snapshot(folder)
        out = Path(tmp) / "out"
        args = ["run", "scenario=tiny", f"scenario.dir={folder}", "run.reps=1", f"hydra.run.dir={out}"]
        code, err = drsim(Path(tmp), *args, *overrides)
        check_answer(code, err)
        assert snapshot(folder) == before, "run changed the scenario folder"
        if code == 2:
            assert not out.exists(), "a refused run wrote its output folder"
            assert sorted(p.name for p in Path(tmp).iterdir()) == ["tiny"], "a refused run wrote files"
        else:
            assert (out / "manifest.json").is_file()


MUTATIONS = st.lists(mutation(), min_size=1, max_size=3)
CSV_MUTATIONS = st.lists(mutation(CSV_FILES), min_size=1, max_size=2)


@pytest.mark.slow
@seed(FUZZ_SEED)
@settings(FUZZ, max_examples=VALIDATE_EXAMPLES)
@given(MUTATIONS)
def test_validate_mutated_tiny(mutations) -> None:
    validate_case(mutations)


@seed(FUZZ_SEED)
@settings(FUZZ, max_examples=20)
@given(MUTATIONS)
def test_validate_a_few_mutated_tiny(mutations) -> None:
    """The check above on 20 mutated folders, for the fast loop (the full suite: VALIDATE_EXAMPLES)."""
    validate_case(mutations)


@pytest.mark.slow
@seed(FUZZ_SEED)
@settings(FUZZ, max_examples=RUN_EXAMPLES)
@given(CSV_MUTATIONS)
def test_run_mutated_tiny(mutations) -> None:
    run_case(mutations, [])


def override_keys() -> list[str]:
    """A real key for every numeric configuration key of sim/bounds.py that the tiny run has
    (`*` filled with the names the shipped configuration uses)."""
    names = {"events": "flood", "rates": "high", "casualties": "immediate", "trapped": "water"}
    names |= {"blocked": "county", "slowed": "county", "repair_h": "county", "severity_probs": "high"}
    names |= {"targets": "relief_10h", "stay_h": "urgent", "crew_members": "water", "round_people": "water"}
    names |= {"round_min": "water", "equipment_delay_h": "machines"}
    names |= {"routine_hour_profile": "0", "road_speed_kmh": "village"}
    keys = []
    for pattern in bounds.SETTINGS:
        parts = pattern.split(".")
        if parts[0] in ("budget", "costs") or parts[-1] in ("servers", "calls_per_h", "service_mean_min"):
            continue  # no budget change in the tiny run; check-mode keys are refused in county mode
        filled = [names.get(parts[i - 1], "x") if p == "*" else p for i, p in enumerate(parts)]
        if "x" not in filled and "triage" not in filled and "weather_no_fly_h" not in filled:
            keys.append(".".join(filled))
    return keys


OVERRIDE_VALUES = st.one_of(
    st.sampled_from(["1e308", "-1e308", "inf", "nan", "-inf", "1e19", "9" * 401, "0", "-1", "1e-300"]),
    st.sampled_from(["''", "null", "[1,2]", "{a: 1}", "abc", "true", "'=cmd'", "${oops}", "[" * 200]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(2**70), 2**70).map(str),
)


OVERRIDES = st.lists(st.tuples(st.sampled_from(override_keys()), OVERRIDE_VALUES), min_size=1, max_size=3)


@pytest.mark.slow
@seed(FUZZ_SEED)
@settings(FUZZ, max_examples=OVERRIDE_EXAMPLES)
@given(OVERRIDES)
def test_run_with_hostile_overrides(pairs) -> None:
    run_case([], [f"{k}={v}" for k, v in pairs])


# --- the longer budget: `-m fuzz_long` (left out of the default run by pyproject's addopts; also slow so
# that `-m "not slow"`, which replaces addopts' -m, leaves it out too) ---


@pytest.mark.slow
@pytest.mark.fuzz_long
@seed(FUZZ_SEED)
@settings(FUZZ, max_examples=LONG)
@given(MUTATIONS)
def test_long_validate_mutated_tiny(mutations) -> None:
    validate_case(mutations)


@pytest.mark.slow
@pytest.mark.fuzz_long
@seed(FUZZ_SEED)
@settings(FUZZ, max_examples=max(1, LONG // 10))
@given(CSV_MUTATIONS, st.lists(st.tuples(st.sampled_from(override_keys()), OVERRIDE_VALUES), max_size=2))
def test_long_run_mutated_tiny_with_overrides(mutations, pairs) -> None:
    run_case(mutations, [f"{k}={v}" for k, v in pairs])
