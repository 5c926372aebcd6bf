"""Output safety (issue 18, class 1 and class 7's CSV rule): every command writes its folder
whole or not at all, never deletes or overwrites what drsim did not make, refuses unsafe paths
and names with one message (exit 2, no traceback), and every CSV cell a spreadsheet would run
is defused. Cases are generated (hypothesis): folder contents, paths, names and cells."""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import json
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import outdir, safe_text
from sim.cli import main
from sim.errors import InputError

FAST = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SIM_DIR = Path(__file__).resolve().parents[1] / "sim"


# --- helpers ----------------------------------------------------------------------------------


def drsim(cwd: Path, *args: str) -> tuple[int, str]:
    """Run the command in-process from `cwd`; (exit code, stderr)."""
    err = io.StringIO()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(list(args))
    finally:
        os.chdir(old)
    return code, err.getvalue()


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every entry under `root` (hidden ones too): file bytes, 'dir' or the link target."""
    out: dict[str, bytes | str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            key = path.relative_to(root).as_posix()
            if path.is_symlink():
                out[key] = "link:" + os.readlink(path)
            elif path.is_dir():
                out[key] = "dir"
            else:
                out[key] = path.read_bytes()
    return out


def assert_refused(code: int, err: str) -> None:
    """Exit 2, one message with one problem, no traceback (a run's start line may come first)."""
    assert code == 2, err
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip() and not line.startswith("drsim: ")]
    assert len(lines) == 2 and "(1 problem)" in lines[0] and lines[1].startswith("  - "), err


def no_staging_left(root: Path) -> None:
    left = [p for p in root.rglob("*") if p.name.endswith((outdir.TMP_SUFFIX, outdir.OLD_SUFFIX))]
    assert not left, left


@contextlib.contextmanager
def scratch() -> Iterator[Path]:
    """A fresh folder per hypothesis example (tmp_path is one per test)."""
    with tempfile.TemporaryDirectory(prefix="drsim-safety-") as tmp:
        yield Path(tmp).resolve()


NAME_CHARS = st.sampled_from([*"abcXYZ019_-.", "é", "村", " "])
entry_names = st.text(NAME_CHARS, min_size=1, max_size=8).filter(
    lambda n: n not in (".", "..") and not n.startswith(".drsim")
)
tree = st.dictionaries(
    st.lists(entry_names, min_size=1, max_size=3).map(lambda parts: "/".join(parts)),
    st.binary(max_size=40),
    min_size=1,
    max_size=6,
)


def plant(root: Path, files: dict[str, bytes]) -> None:
    """Write the generated files (a name that is already a folder or below a file is skipped)."""
    for rel, data in files.items():
        path = root / rel
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)


# --- refused output paths: nothing changes ------------------------------------------------------

# The target of make-county --out, relative to the working folder `home` (which holds the
# user's files in `mine/`); each must be refused whatever --force says.
DANGEROUS = [
    ".",
    "",
    " ",
    "..",
    "mine/..",
    "./",
    "mine",  # a non-empty folder drsim did not make
    "mine/notes.txt",  # a file
    "mine/notes.txt/below",  # below a file (ENOTDIR)
    "mine/notes.txt/a/b",
    "link",  # a symbolic link to a folder
    "/",
]


@FAST
@given(files=tree, target=st.sampled_from(DANGEROUS), force=st.booleans())
def test_make_county_refuses_unsafe_targets_and_changes_nothing(files, target, force):
    with scratch() as home:
        mine = home / "mine"
        mine.mkdir()
        (mine / "notes.txt").write_text("keep me", encoding="utf-8")
        plant(mine, files)
        (home / "link").symlink_to(mine, target_is_directory=True)
        before = snapshot(home)
        code, err = drsim(home, "make-county", "--preset", "tiny", "--out", target, *(["--force"] * force))
        assert_refused(code, err)
        assert snapshot(home) == before


@FAST
@given(
    files=st.one_of(st.just({}), tree),
    kind=st.sampled_from(["scenario", "run", "sweep", "replay", "report", None]),
)
def test_force_replaces_only_a_scenario_folder_drsim_made_holding_only_its_files(files, kind):
    with scratch() as home:
        target = home / "county"
        assert drsim(home, "make-county", "--preset", "tiny", "--out", "county")[0] == 0
        marker = json.loads((target / outdir.MARKER).read_text(encoding="utf-8"))
        assert marker["kind"] == "scenario" and "places.csv" in marker["files"]
        if kind is None:
            (target / outdir.MARKER).unlink()  # as if the user made the folder
        elif kind != "scenario":
            outdir.write_marker(target, kind)
        plant(target, files)
        extra = {
            p.relative_to(target).parts[0]
            for p in target.rglob("*")
            if p.relative_to(target).parts[0] not in marker["files"] + [outdir.MARKER]
        }
        before = snapshot(home)
        code, err = drsim(home, "make-county", "--preset", "tiny", "--out", "county", "--force")
        if kind != "scenario" or extra:
            assert_refused(code, err)
            assert snapshot(home) == before
        else:  # only drsim's own files: replaced as a whole, the same as a new folder
            assert code == 0, err
            assert drsim(home, "make-county", "--preset", "tiny", "--out", "fresh")[0] == 0
            assert snapshot(target) == snapshot(home / "fresh")
        no_staging_left(home)


def test_make_county_force_on_the_working_directory_deletes_nothing(tmp_path):
    """The reported case: --out . --force in a folder of other files deleted every one of them."""
    (tmp_path / "thesis.docx").write_bytes(b"years of work")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.csv").write_text("x\n1\n", encoding="utf-8")
    before = snapshot(tmp_path)
    for out in (".", str(tmp_path), "data/..", ""):
        code, err = drsim(tmp_path, "make-county", "--preset", "tiny", "--out", out, "--force")
        assert_refused(code, err)
        assert "working directory" in err or "empty path" in err
    assert snapshot(tmp_path) == before


# --- names are names --------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(name=st.text(max_size=70))
def test_a_safe_name_is_one_path_component_inside_its_folder(name):
    root = Path(tempfile.gettempdir()).resolve() / "drsim-root"
    try:
        outdir.safe_name(name, "case")
    except InputError as exc:
        assert "case" in exc.message()
        return
    assert "/" not in name and "\\" not in name and "\0" not in name and name not in (".", "..")
    assert (root / name).resolve().parent == root


ODD_NAMES = st.one_of(
    st.sampled_from(
        ["../../x", "..", ".", "/etc", "a/b", "a\\b", "CON", "nul.txt", "x" * 65, "", "a\nb", "-x"]
    ),
    st.text(max_size=20).filter(lambda s: not re.fullmatch(outdir.SAFE_NAME, s)),
)


@pytest.fixture(scope="module")
def fake_sweep(tmp_path_factory) -> Path:
    """A sweep folder as far as replay's name check goes: its marker and one case manifest."""
    root = tmp_path_factory.mktemp("sweep") / "sw"
    (root / "cases" / "baseline").mkdir(parents=True)
    (root / "cases" / "baseline" / "manifest.json").write_text("{}", encoding="utf-8")
    outdir.write_marker(root, "sweep", [])
    return root


@FAST
@given(case=ODD_NAMES.filter(lambda s: s not in ("--out", "--debug")), rep=st.sampled_from(["0", "7"]))
def test_replay_refuses_a_case_that_is_not_a_name_and_writes_nothing(fake_sweep, case, rep):
    parent = fake_sweep.parent
    before = snapshot(parent)
    code, err = drsim(parent, "replay", str(fake_sweep), case, rep)
    assert_refused(code, err)
    assert snapshot(parent) == before


@pytest.mark.parametrize("rep", ["¹", "٣x", "99999999999999999999999", "-1", "1e3"])
def test_replay_refuses_a_rep_that_is_not_a_small_number(fake_sweep, rep):
    code, err = drsim(fake_sweep.parent, "replay", str(fake_sweep), "baseline", rep)
    assert_refused(code, err)


# --- drsim run: whole or nothing ----------------------------------------------------------------


RUN = ("run", "scenario=tiny", "run.reps=1")


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("runs") / "first"
    code, err = drsim(out.parent, *RUN, f"hydra.run.dir={out}")
    assert code == 0, err
    return out


def test_a_run_folder_is_complete_and_marked(finished_run):
    marker = json.loads((finished_run / outdir.MARKER).read_text(encoding="utf-8"))
    assert marker["kind"] == "run" and "manifest.json" in marker["files"] and "reps.csv" in marker["files"]
    assert sorted(marker["files"]) == sorted(
        p.name for p in finished_run.iterdir() if p.name != outdir.MARKER
    )
    no_staging_left(finished_run.parent)


@pytest.mark.slow
@FAST
@given(files=tree, dirname=st.sampled_from(["", ".", "mine", "mine/..", "sweep", "file", "file/x"]))
def test_run_refuses_a_folder_it_may_not_write_and_changes_nothing(files, dirname):
    with scratch() as home:
        plant(home / "mine", files)
        (home / "sweep").mkdir()
        outdir.write_marker(home / "sweep", "sweep", [])
        (home / "sweep" / "manifest.json").write_text('{"experiment": "x"}', encoding="utf-8")
        (home / "file").write_bytes(b"not a folder")
        before = snapshot(home)
        code, err = drsim(home, *RUN, f"hydra.run.dir={dirname}")
        assert_refused(code, err)
        assert snapshot(home) == before


def test_a_failed_second_run_leaves_the_first_run_as_it_was(finished_run, monkeypatch):
    """Disk full half-way through the second run's files: one message naming the path, exit 2,
    the first run untouched (no folder mixing two runs), nothing half-written beside it."""
    from sim import outdir
    from sim.experiment import aggregate, manifests, store

    before = snapshot(finished_run.parent)
    real = outdir.atomic_write  # every file of a result folder is written through it
    calls = []

    def full_disk(path, data):
        calls.append(path)
        if len(calls) == 2:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_bytes(b"PAR1")  # half-written: a file is on disk
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, data)

    for module in (store, aggregate, manifests):  # the modules that write a run folder's files
        monkeypatch.setattr(module, "atomic_write", full_disk)
    code, err = drsim(finished_run.parent, *RUN, "run.seed=9", f"hydra.run.dir={finished_run}")
    assert_refused(code, err)
    assert "No space left on device" in err and str(finished_run) in err and ".drsim-tmp" not in err
    assert snapshot(finished_run.parent) == before


def test_a_second_run_replaces_a_run_folder_whole_but_never_a_file_the_user_added(tmp_path):
    out = tmp_path / "again"
    assert drsim(tmp_path, *RUN, f"hydra.run.dir={out}")[0] == 0
    first = (out / "manifest.json").read_bytes()
    assert drsim(tmp_path, *RUN, "run.seed=5", f"hydra.run.dir={out}")[0] == 0
    assert (out / "manifest.json").read_bytes() != first  # replaced, whole
    (out / "my_notes.txt").write_text("mine", encoding="utf-8")
    before = snapshot(tmp_path)
    code, err = drsim(tmp_path, *RUN, f"hydra.run.dir={out}")
    assert_refused(code, err)
    assert "my_notes.txt" in err and snapshot(tmp_path) == before
    no_staging_left(tmp_path)


def test_an_empty_existing_folder_may_take_a_run(tmp_path):
    (tmp_path / "empty").mkdir()
    assert drsim(tmp_path, *RUN, "hydra.run.dir=empty")[0] == 0
    assert (tmp_path / "empty" / "manifest.json").is_file()


# --- sweeps: marked folders only ----------------------------------------------------------------


@pytest.mark.slow
@FAST
@given(files=tree)
def test_a_sweep_never_writes_into_a_folder_drsim_did_not_make(files):
    with scratch() as home:
        plant(home / "mine", files)
        before = snapshot(home)
        code, err = drsim(home, "sweep", "experiment=tiny_budget", "run.reps=1", "hydra.run.dir=mine")
        assert_refused(code, err)
        assert snapshot(home) == before


def test_a_sweep_refuses_the_working_directory_and_a_run_folder(finished_run, tmp_path):
    for target in ("", ".", str(finished_run)):
        before = snapshot(finished_run.parent)
        code, err = drsim(finished_run.parent, "sweep", "experiment=tiny_budget", f"hydra.run.dir={target}")
        assert_refused(code, err)
        assert snapshot(finished_run.parent) == before


def test_claim_marks_a_new_or_empty_sweep_folder_and_adopts_an_old_sweep(tmp_path):
    assert outdir.claim(tmp_path / "new" / "sw") == tmp_path / "new" / "sw"
    assert outdir.read_marker(tmp_path / "new" / "sw")["kind"] == "sweep"
    old = tmp_path / "old"
    (old / "cases" / "a").mkdir(parents=True)
    (old / "cases" / "a" / "manifest.json").write_text("{}", encoding="utf-8")
    (old / "manifest.json").write_text("{}", encoding="utf-8")
    outdir.claim(old)  # a sweep from before the marker: resumable
    assert outdir.read_marker(old)["kind"] == "sweep"
    with pytest.raises(InputError, match="a drsim sweep folder"):
        outdir.check(old, "run", replace=True)


# --- the mechanism itself -----------------------------------------------------------------------


@FAST
@given(
    files=tree,
    failure=st.sampled_from([errno.ENOSPC, errno.ENOTDIR, errno.EACCES, errno.EROFS, None]),
    depth=st.integers(0, 3),
)
def test_staged_is_all_or_nothing(files, failure, depth):
    """A failure while writing removes the temporary folder and the parents made for it; a
    success renames a complete, marked folder into place; nothing else changes."""
    with scratch() as home:
        plant(home, files)
        target = home.joinpath(*["deep"] * depth, "out")
        if target.exists() or outdir._parent_problem(target):
            return
        before = snapshot(home)

        def write(stage: Path) -> None:
            for k in range(3):
                (stage / f"part{k}.txt").write_text(str(k), encoding="utf-8")
                if failure is not None and k == 1:
                    raise OSError(failure, os.strerror(failure), str(stage / f"part{k}.txt"))

        if failure is None:
            with outdir.staged(target, "replay", replace=True) as stage:
                write(stage)
            after = snapshot(home)
            new = {k for k in after if k not in before}
            assert all(k.startswith(target.relative_to(home).parts[0]) for k in new)
            assert {p.name for p in target.iterdir()} == {
                "part0.txt",
                "part1.txt",
                "part2.txt",
                outdir.MARKER,
            }
        else:
            with pytest.raises(InputError) as caught, outdir.staged(target, "replay", replace=True) as stage:
                write(stage)
            message = caught.value.message()
            assert os.strerror(failure) in message and str(target) in message and "drsim-tmp" not in message
            assert snapshot(home) == before


def test_a_killed_command_leaves_the_target_as_it_was(tmp_path):
    """KeyboardInterrupt (Ctrl-C) or any exception inside the block: the old folder stays."""
    target = tmp_path / "r"
    with outdir.staged(target, "run", replace=True) as stage:
        (stage / "a").write_text("old", encoding="utf-8")
    before = snapshot(tmp_path)
    with pytest.raises(KeyboardInterrupt), outdir.staged(target, "run", replace=True) as stage:
        (stage / "a").write_text("new", encoding="utf-8")
        raise KeyboardInterrupt
    assert snapshot(tmp_path) == before


def test_updated_changes_only_a_drsim_folder_and_keeps_every_other_file(tmp_path):
    target = tmp_path / "sc"
    with outdir.staged(target, "scenario", replace=False) as stage:
        (stage / "places.csv").write_text("old", encoding="utf-8")
    (target / "user_notes.md").write_text("mine", encoding="utf-8")
    with outdir.updated(target, "scenario", ["snap_report.csv"]) as stage:
        (stage / "snap_report.csv").write_text("new", encoding="utf-8")
    assert (target / "user_notes.md").read_text(encoding="utf-8") == "mine"
    assert outdir.read_marker(target)["files"] == ["places.csv", "snap_report.csv"]
    (tmp_path / "plain").mkdir()
    with (
        pytest.raises(InputError, match="not a folder drsim made"),
        outdir.updated(tmp_path / "plain", "scenario", []),
    ):
        pass


# --- CSV: one rule for every writer -------------------------------------------------------------

cells = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["=1+1", '=HYPERLINK("http://x","y")', "+1", "-cmd", "@SUM(A1)", "\tx", "\rx", "-1.5", "-"]
    ),
    st.builds(lambda c, s: c + s, st.sampled_from(safe_text.FORMULA_START), st.text(max_size=8)),
)


def _expected(cell: str) -> str:
    if cell.startswith(safe_text.FORMULA_START) and not re.fullmatch(
        r"-([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?", cell
    ):
        return "'" + cell
    return cell


def _runs_as_formula(cell: str) -> bool:
    return cell.startswith(safe_text.FORMULA_START) and not re.fullmatch(r"-[0-9.eE+-]+", cell)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(cells, cells), min_size=1, max_size=5))
def test_every_csv_writer_defuses_formulas_and_keeps_everything_else(rows):
    from sim.authoring.write import csv_text as scenario_csv
    from sim.results.tables import csv_text as tables_csv

    frame = pd.DataFrame(rows, columns=["name", "note"])
    texts = [
        safe_text.csv_text(frame),
        tables_csv(frame),  # the re-export the run and sweep tables use
        safe_text.csv_rows(["name", "note"], rows),
        scenario_csv(
            ["name", "note"], [{"name": a, "note": b} for a, b in rows]
        ),  # scenario files, snap_report
    ]
    for text in texts:
        read = list(csv.reader(io.StringIO(text, newline="")))
        assert read[0] == ["name", "note"]
        body = read[1:]
        assert len(body) == len(rows)
        for got, want in zip(body, rows, strict=True):
            assert got == [_expected(w) for w in want]
            assert not any(_runs_as_formula(c) for c in got)
            assert [safe_text.undefused(c) for c in got] == list(want)


def test_numbers_and_negative_coordinates_are_untouched():
    frame = pd.DataFrame({"id": ["=cmd", "-12.5", "plain"], "lon": [-12.5, 3.0, 1e-9]})
    lines = safe_text.csv_text(frame).splitlines()
    assert lines[1:] == ["'=cmd,-12.5", "-12.5,3.0", "plain,1e-09"]


def test_no_csv_is_written_outside_the_one_rule():
    """Every CSV writer of the package goes through sim/safe_text.py (a new writer that calls
    pandas' to_csv or the csv module's writer itself fails this)."""
    offenders = []
    for path in sorted(SIM_DIR.rglob("*.py")):
        if path.name == "safe_text.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\.to_csv\(|csv\.writer\(|csv\.DictWriter\(", text):
            offenders.append(path.relative_to(SIM_DIR).as_posix())
    assert not offenders, offenders


def test_a_formula_village_name_reaches_the_scenario_files_defused(tmp_path):
    from sim.authoring.write import COLUMNS, ScenarioFiles, write_scenario

    row = {"place_id": "V1", "name": '=HYPERLINK("http://evil","x")', "kind": "village", "township_id": "T1",
           "lon": -0.5, "lat": 51.5, "population": 10}  # fmt: skip
    write_scenario(tmp_path / "s", ScenarioFiles({"name": "s"}, {"places.csv": [row]}))
    read = list(csv.DictReader((tmp_path / "s" / "places.csv").open(encoding="utf-8")))
    assert read[0]["name"] == "'" + row["name"] and read[0]["lon"] == "-0.5"
    # no official code in any row: the optional code columns are left off
    assert list(read[0]) == [c for c in COLUMNS["places.csv"] if c not in ("code", "division_kind")]
