"""Result folders read back as inputs (issue 18, class 5): every file `drsim report`, `drsim replay`
and a resumed sweep read is checked against its schema (sim/results/result_files.py). The cases are
generated (hypothesis): a file of a real run or sweep folder cut at a random byte, a manifest key
dropped, renamed or given a value of another type, a table column dropped or renamed, a part
rewritten without drsim's metadata. Each reader then either reads the folder or refuses it with
one InputError naming the damaged file; never another exception, never a traceback, nothing
written on refusal."""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.errors import InputError
from sim.experiment import sweep
from sim.experiment.replay import replay
from sim.experiment.store import SweepStore
from sim.experiment.sweep_checks import check_resume
from sim.report.data import load_results

from .test_output_safety import assert_refused, drsim, snapshot
from .test_sweep import forked, tiny_sweep

FAST = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
RUN_FILES = (
    "manifest.json",
    "reps.csv",
    "summary.csv",
    "villages.parquet",
    "events.parquet",
    "calls.parquet",
    "relief_curves.parquet",
)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("run")
    code, err = drsim(
        root, "run", "scenario=tiny", "hazard=flood", "run.reps=2", f"hydra.run.dir={root / 'r'}"
    )
    assert code == 0, err
    return root / "r"


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory) -> tuple[Path, object, list]:
    root = tmp_path_factory.mktemp("sweep") / "sw"
    spec, cases = tiny_sweep("run.reps=2")
    sweep.run_sweep(spec, cases, root, ["drsim", "sweep"], forked(1))
    return root, spec, cases


@contextlib.contextmanager
def copy_of(folder: Path) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="drsim-results-") as tmp:
        dest = Path(tmp) / folder.name
        shutil.copytree(folder, dest)
        yield dest


# --- damage --------------------------------------------------------------------------------------


def paths_in(value: object, prefix: tuple = ()) -> list[tuple]:
    """Every key path of a JSON value (dict keys and list indexes), deepest last."""
    out = []
    if isinstance(value, dict):
        for k, v in value.items():
            out.append((*prefix, k))
            out += paths_in(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value[:3]):
            out += paths_in(v, (*prefix, i))
    return out


OTHER_TYPE = {str: 12345, int: "12", float: "x", bool: "yes", list: {"a": 1}, dict: [1, 2], type(None): []}


def damage_json(path: Path, data: st.DataObject) -> str:
    doc = json.loads(path.read_text(encoding="utf-8"))
    how = data.draw(st.sampled_from(["drop", "rename", "retype", "unknown", "not_object"]))
    if how == "unknown":
        doc[data.draw(st.sampled_from(["schema_version", "extra", "results"]))] = 1
    elif how == "not_object":
        doc = [doc]
    else:
        key_paths = paths_in(doc)
        *parent_path, key = data.draw(st.sampled_from(key_paths))
        parent = doc
        for k in parent_path:
            parent = parent[k]
        if how == "drop":
            del parent[key]
        elif how == "rename" and isinstance(parent, dict):
            parent[f"{key}_old"] = parent.pop(key)
        else:
            parent[key] = OTHER_TYPE[type(parent[key])]
    path.write_text(json.dumps(doc), encoding="utf-8")
    return how


def damage_table(path: Path, data: st.DataObject) -> str:
    how = data.draw(st.sampled_from(["drop_column", "rename_column", "empty", "header_only"]))
    if path.suffix == ".csv":
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        if how in ("empty", "header_only"):
            path.write_text("" if how == "empty" else lines[0], encoding="utf-8")
            return how
        header = lines[0].rstrip("\n").split(",")
        i = data.draw(st.integers(0, min(len(header), 4) - 1))  # the key columns come first
        header[i] = f"{header[i]}_old"
        if how == "drop_column":
            lines = [
                ",".join(c for j, c in enumerate(line.rstrip("\n").split(",")) if j != i) + "\n"
                for line in lines
            ]
        else:
            lines[0] = ",".join(header) + "\n"
        path.write_text("".join(lines), encoding="utf-8")
        return how
    table = pq.read_table(path)
    if how in ("empty", "header_only"):
        pq.write_table(table.slice(0, 0) if how == "header_only" else pa.table({}), path)
        return how
    i = data.draw(st.integers(0, min(table.num_columns, 4) - 1))
    name = table.schema.names[i]
    table = (
        table.drop_columns([name])
        if how == "drop_column"
        else table.rename_columns([f"{n}_old" if n == name else n for n in table.schema.names])
    )
    pq.write_table(table, path)
    return how


def truncate(path: Path, data: st.DataObject) -> str:
    size = path.stat().st_size
    cut = data.draw(st.integers(0, size - 1))
    path.write_bytes(path.read_bytes()[:cut])
    return f"cut at {cut} of {size}"


def damage(path: Path, data: st.DataObject) -> str:
    if data.draw(st.booleans()):
        return truncate(path, data)
    return damage_json(path, data) if path.suffix == ".json" else damage_table(path, data)


def refused_naming(exc: InputError, path: Path) -> None:
    message = exc.message()
    assert path.name in message and "Traceback" not in message, message


# --- drsim report reads a run folder -----------------------------------------------------------------


@FAST
@given(name=st.sampled_from(RUN_FILES), data=st.data())
def test_report_reads_a_damaged_run_folder_or_names_the_file(run_dir, name, data):
    with copy_of(run_dir) as folder:
        how = damage(folder / name, data)
        try:
            load_results(folder)
        except InputError as exc:
            refused_naming(exc, folder / name)
            return
        # read: only harmless damage may pass (a CSV cut at a row's end, an optional key)
        assert not (name.endswith((".parquet", ".json")) and how.startswith("cut")), how


def test_the_reported_cases(run_dir, tmp_path):
    """The examples of the issue, through the command: one message naming the file, exit 2,
    no report folder left."""
    for name, write in (
        ("villages.parquet", lambda p: p.write_bytes(p.read_bytes()[:1000])),
        ("reps.csv", lambda p: p.write_text("")),
        ("manifest.json", lambda p: p.write_text(json.dumps({**json.loads(p.read_text()), "version": 9}))),
        ("manifest.json", lambda p: p.write_text(json.dumps({"config": {}}))),
    ):
        folder = tmp_path / f"r{len(list(tmp_path.iterdir()))}"
        shutil.copytree(run_dir, folder)
        write(folder / name)
        before = snapshot(folder)
        code, err = drsim(tmp_path, "report", str(folder), "--lang", "en", "--format", "png")
        assert code == 2 and name in err and "Traceback" not in err, err
        assert err.count("drsim report:") == 1, err
        assert snapshot(folder) == before


# --- a sweep folder: resume and replay ---------------------------------------------------------------


def sweep_files(root: Path) -> list[str]:
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and (p.suffix in (".json", ".csv", ".parquet")) and p.name != ".drsim"
    )


@pytest.mark.slow
@FAST
@given(data=st.data())
def test_resume_and_report_read_a_damaged_sweep_or_name_the_file(sweep_dir, data):
    root, spec, cases = sweep_dir
    name = data.draw(st.sampled_from(sweep_files(root)))
    with copy_of(root) as folder:
        path = folder / name
        how = damage(path, data)
        for read in (
            lambda: check_resume(SweepStore(folder), spec, cases),
            lambda: load_results(folder),
        ):
            try:
                read()
            except InputError as exc:
                refused_naming(exc, path)
        part = name.startswith("parts/")
        if part and how.startswith("cut"):
            assert not path.exists()  # a part cut short is drsim's, damaged: it is run again


@pytest.mark.slow  # 8 replays of damaged sweeps: about 3 s of CPU
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_replay_of_a_damaged_sweep_names_the_file_and_writes_nothing(sweep_dir, data):
    root, _, _ = sweep_dir
    case = data.draw(st.sampled_from(["baseline", "city_truck"]))
    name = data.draw(st.sampled_from([f"cases/{case}/manifest.json", f"parts/{case}/rep-000001.parquet"]))
    with copy_of(root) as folder:
        how = damage(folder / name, data)
        out = folder.parent / "replay-out"
        before = snapshot(folder.parent)
        code, err = drsim(folder.parent, "replay", str(folder), case, "1", "--out", str(out))
        assert "Traceback" not in err, err
        if code == 2:
            assert name.rsplit("/", 1)[-1] in err, err
            assert snapshot(folder.parent) == before
        else:  # a damaged part is not compared; harmless manifest damage is read
            assert code in (0, 1), err
            assert how != "not_object" or name.endswith(".parquet")


def test_a_part_without_drsim_metadata_is_refused_not_deleted(sweep_dir, tmp_path):
    root, spec, cases = sweep_dir
    folder = tmp_path / "sw"
    shutil.copytree(root, folder)
    part = folder / "parts" / "baseline" / "rep-000000.parquet"
    pq.write_table(pq.read_table(part).replace_schema_metadata({}), part)
    with pytest.raises(InputError, match=r"rep-000000\.parquet") as exc:
        check_resume(SweepStore(folder), spec, cases)
    assert "not a part drsim wrote" in exc.value.message()
    assert part.is_file()
    moved = folder / "parts" / "baseline" / "rep-000001.parquet"
    shutil.copy(folder / "parts" / "city_truck" / "rep-000001.parquet", moved)  # another case's part
    part.unlink()
    with pytest.raises(InputError, match="holds another replication"):
        check_resume(SweepStore(folder), spec, cases)


def test_replay_refuses_an_out_of_range_rep_through_the_api(sweep_dir):
    root, _, _ = sweep_dir
    for rep in (-1, 10**23, True):
        with pytest.raises(InputError, match="REP"):
            replay(root, "baseline", rep)
    assert_refused(*drsim(root.parent, "replay", str(root), "baseline", "99999999999999999999999"))
