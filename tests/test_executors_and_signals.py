"""Executors, signals and multirun refusals (issue 18, class 6).

- `run.workers` above the machine's cores is refused unless `run.workers_force=true`; a scheduler
  address that cannot be one, or one where no scheduler answers, is refused before anything is
  written (generated worker counts, core counts and addresses);
- Ctrl-C while a sweep starts its workers (local pool, local Dask cluster): one line, exit 130,
  no traceback from any process, no worker left (a real process group and SIGINT, as a terminal
  sends it);
- `drsim run -m` with a bad value or a misspelt key anywhere in the sweep: exit 2, one message,
  nothing written (generated jobs)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.errors import InputError
from sim.experiment import executors

from .test_output_safety import assert_refused, drsim, scratch, snapshot
from .test_sweep import free_port

FAST = settings(max_examples=40, deadline=None)
HOST = st.from_regex(
    r"[a-z][a-z0-9-]{0,20}(\.[a-z][a-z0-9-]{0,10}){0,2}|10\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}",
    fullmatch=True,
)


@FAST
@given(
    kind=st.sampled_from(["local", "dask"]),
    workers=st.one_of(st.none(), st.integers(1, 4096)),
    cores=st.integers(1, 64),
    force=st.booleans(),
    remote=st.booleans(),
)
def test_workers_above_the_cores_are_refused_unless_forced(kind, workers, cores, force, remote):
    address = "tcp://10.0.0.5:8786" if remote and kind == "dask" else None
    on_this_machine = address is None
    refuse = on_this_machine and workers is not None and workers > cores and not force
    try:
        executors.check_executor(kind, workers, address, force, cores=cores)
    except InputError as exc:
        assert refuse, exc.message()
        assert "run.workers" in exc.message() and f"{cores} core" in exc.message()
        assert "run.workers_force=true" in exc.message()
        return
    assert not refuse


@pytest.mark.slow
@FAST
@given(
    scheme=st.sampled_from(["tcp://", "tls://", "ws://", "wss://", "ucx://", ""]),
    host=HOST,
    port=st.integers(1, 65535),
)
def test_a_scheduler_address_is_accepted(scheme, host, port):
    executors.check_address(f"{scheme}{host}:{port}")


@FAST
@given(
    text=st.one_of(
        st.text(max_size=30),
        st.builds(lambda h: f"bogus://{h}:8786", HOST),
        st.builds(lambda h, p: f"tcp://{h}:{p}", HOST, st.integers(65536, 10**9)),
        st.builds(lambda h: f"tcp://{h}", HOST),  # no port
        st.builds(lambda h: f"inproc://{h}/1/2", HOST),
    )
)
def test_an_address_that_cannot_be_a_scheduler_is_refused(text):
    if executors.ADDRESS.fullmatch(text) and 1 <= int(text.rsplit(":", 1)[1]) <= 65535:
        return  # the random text happened to be an address
    with pytest.raises(InputError, match=r"run\.address"):
        executors.check_address(text)


SWEEP = ("sweep", "experiment=tiny_budget", "run.reps=1")


@pytest.mark.slow
@pytest.mark.parametrize(
    "override",
    [
        "run.workers=4096",
        "run.address=bogus://x",
        "run.executor=dask run.address=bogus://x",
        "run.executor=dask run.address=tcp://10.0.0.5",
    ],
)
def test_sweep_refuses_workers_and_addresses_before_writing(tmp_path, override):
    before = snapshot(tmp_path)
    code, err = drsim(tmp_path, *SWEEP, *override.split(), f"hydra.run.dir={tmp_path / 'sw'}")
    assert_refused(code, err)
    assert snapshot(tmp_path) == before


@pytest.mark.slow
def test_an_unreachable_scheduler_leaves_nothing_written(tmp_path, monkeypatch):
    monkeypatch.setattr(executors, "CONNECT_TIMEOUT_S", 1)
    address = f"tcp://127.0.0.1:{free_port()}"  # nobody listens there
    before = snapshot(tmp_path)
    code, err = drsim(
        tmp_path, *SWEEP, "run.executor=dask", f"run.address={address}", f"hydra.run.dir={tmp_path / 'sw'}"
    )
    assert code == 2 and "Traceback" not in err, err
    assert "run.address" in err and "no Dask scheduler" in err and "(1 problem)" in err
    assert snapshot(tmp_path) == before  # before: cases/ was written


# --- Ctrl-C -----------------------------------------------------------------------------------------


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _interruptible() -> None:
    """As a terminal starts a command: SIGINT not ignored (a runner that starts the suite in the
    background passes it on ignored, and Python then never installs its Ctrl-C handler)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.slow
@pytest.mark.parametrize("executor", ["local", "dask"])
def test_ctrl_c_while_workers_start_is_one_line_and_exit_130(tmp_path, executor):
    """SIGINT to the whole process group (what a terminal's Ctrl-C does) just after the sweep
    has announced itself, while its two workers start."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sim",
            *SWEEP[:2],
            "run.reps=30",
            "run.workers=2",
            f"run.executor={executor}",
            f"hydra.run.dir={tmp_path / 'sw'}",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        start_new_session=True,
        preexec_fn=_interruptible,
    )
    first = proc.stderr.readline()  # "drsim sweep tiny_budget: 4 cases x 30 replications ..."
    assert first.startswith("drsim sweep"), first
    # Dask's workers are new interpreters: a Ctrl-C in their first instants, before their first
    # line of code can ignore it, still prints a traceback (docs/reliability.md, Guarantees); on a loaded
    # machine that start takes seconds, so the Dask case waits for its workers to be up
    time.sleep(0.3 if executor == "local" else 2.5)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    lines = [line for line in err.splitlines() if line.strip() and "WARNING" not in line]
    assert len(lines) == 1 and lines[0].startswith("drsim sweep: interrupted"), err
    deadline = time.time() + 10
    while group_alive(proc.pid) and time.time() < deadline:
        time.sleep(0.2)
    assert not group_alive(proc.pid), "a worker outlived the coordinator"


def test_a_local_worker_ignores_sigint_from_its_start():
    # the coordinator as a terminal starts it, whatever the test runner was started with
    outer = signal.signal(signal.SIGINT, signal.default_int_handler)
    pool = executors.LocalExecutor(2)
    try:
        got = dict(pool.map_unordered(signal.getsignal, [signal.SIGINT] * 4))
        assert got == {signal.SIGINT: signal.SIG_IGN}
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the coordinator's is kept
    finally:
        pool.close()
        signal.signal(signal.SIGINT, outer)


# --- drsim run -m ---------------------------------------------------------------------------------

KEYS = ["run.reps", "run.seed", "run.horizon_h", "shelters.m2_per_person", "reporting.first_delay_min"]
BAD = ["x", "-5", "[1,2]", "null"]  # (1e999, infinity, is class 2's: numeric bounds)


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    key=st.sampled_from(KEYS),
    bad=st.sampled_from(BAD),
    misspell=st.booleans(),
    position=st.integers(0, 2),
)
def test_multirun_refusals_write_nothing_and_exit_2(key, bad, misspell, position):
    good = {"run.reps": "1", "run.seed": "7", "run.horizon_h": "24"}.get(key, "30")
    if misspell:
        key += "z"
        values = [good, "2"]
    else:
        values = [good, good]
        values.insert(position, bad)
    with scratch() as root:
        before = snapshot(root)
        code, err = drsim(root, "run", "-m", "scenario=tiny", f"{key}={','.join(values)}")
        assert code == 2, err
        assert "Traceback" not in err
        assert re.search(r"multirun job \d+ of \d+", err), err
        assert key in err, err
        assert snapshot(root) == before  # no ./multirun
        assert not Path(root, "multirun").exists()
