"""Where replications run: a local process pool or a Dask cluster, behind one small interface.

An executor takes a picklable top-level function and an iterable of tasks and
yields `(task, outcome)` pairs as tasks finish, in whatever order they finish;
`outcome` is the function's return value, or the exception that stopped the
task's worker (a process killed by the OOM killer, a lost Dask worker). The
function itself is expected to catch the failures of its own work and return
them as values, so an exception here means the machinery failed, not the model.

Only a bounded number of tasks is in flight at once (a few per worker), so a
sweep of a million replications does not serialise a million tasks up front, and
stopping early (sequential stopping, Ctrl-C) wastes little work. Results never
depend on the executor: each task is a pure function of its arguments.

Local workers are started with the `spawn` method: a fresh interpreter per
worker behaves the same on Linux, macOS and Windows, and does not inherit the
coordinator's threads (forking a process that runs threads can deadlock).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from multiprocessing import context as mp_context
from multiprocessing import get_context
from typing import Any, Protocol, TypeVar

from sim.errors import InputError, Problem, require_package

T = TypeVar("T")
CONNECT_TIMEOUT_S = 20  # a scheduler across a cluster's network answers in well under this
WORKER_WAIT_S = 120  # a batch system may take a minute or two to start the first worker
IN_FLIGHT_PER_WORKER = 3  # enough to keep a worker busy while the coordinator writes results


class Executor(Protocol):
    workers: int
    description: str

    def map_unordered(self, fn: Callable[[T], Any], tasks: Iterable[T]) -> Iterator[tuple[T, Any]]: ...

    def close(self, abort: bool = False) -> None: ...


def default_workers() -> int:
    """Every core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


PARENT_POLL_S = 1.0  # how soon an orphaned worker notices; the check costs nothing meanwhile


IGNORE_SIGINT = "import signal; signal.signal(signal.SIGINT, signal.SIG_IGN); "


@contextlib.contextmanager
def sigint_held_for_children() -> Iterator[None]:
    """Start worker processes inside this block: they ignore SIGINT (Ctrl-C) from their start.

    Ctrl-C in a terminal sends SIGINT to every process of the foreground group, workers too, and
    each worker then died with its own KeyboardInterrupt traceback (2-3 of 50-150 lines, most
    often while it was still starting up, before any code of ours ran in it). The coordinator
    alone handles Ctrl-C and stops the workers (`close(abort=True)`).

    A spawned worker (the local pool, a local Dask cluster) runs `python -c "..."` built by
    multiprocessing: inside the block, that code starts by ignoring SIGINT, before it imports
    anything. (Making the coordinator ignore SIGINT while it starts children, whose ignored
    disposition they would inherit, loses a Ctrl-C pressed meanwhile: any thread of the process
    may take it, and a C library's threads do.) The coordinator keeps its own handler
    throughout. The local pool's workers are started from the main thread, which also ignores
    SIGINT for the instant of each start (`_ignoring_sigint`), so they never see it; a local
    Dask cluster starts its workers from its own thread, so a Ctrl-C in the first tens of
    milliseconds of a Dask worker's interpreter start (before that first line) can still
    print a traceback from it."""
    from multiprocessing import spawn

    original = spawn.get_command_line

    def quiet(**kwds: Any) -> list[str]:
        cmd = list(original(**kwds))
        if "-c" in cmd[:-1]:
            i = cmd.index("-c") + 1
            cmd[i] = IGNORE_SIGINT + cmd[i]
        return cmd

    spawn.get_command_line = quiet
    try:
        yield
    finally:
        spawn.get_command_line = original


def _started() -> None:
    """A task that does nothing: submitted once per worker, it makes the pool start them all."""


def _ignoring_sigint(start: Callable[[], None]) -> None:
    """Call `start` (a process start) with SIGINT ignored for its duration, in the main thread:
    a child inherits an ignored disposition across fork and exec, from its first instruction.
    A Ctrl-C in those milliseconds (a fork, or a fork and exec) is lost; the user presses again."""
    main = threading.current_thread() is threading.main_thread()
    old = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        start()
    finally:
        if old is not None:
            signal.signal(signal.SIGINT, old)


class _QuietSpawnProcess(mp_context.SpawnProcess):
    """A spawned local worker that never sees SIGINT. At module level: a spawned child unpickles
    its process object by class name."""

    def start(self) -> None:
        _ignoring_sigint(super().start)


class _QuietSpawnContext(mp_context.SpawnContext):
    Process = _QuietSpawnProcess


QUIET_CONTEXTS: dict[str, Any] = {"spawn": _QuietSpawnContext}
if hasattr(mp_context, "ForkProcess"):  # POSIX only

    class _QuietForkProcess(mp_context.ForkProcess):
        def start(self) -> None:
            _ignoring_sigint(super().start)

    class _QuietForkContext(mp_context.ForkContext):
        Process = _QuietForkProcess

    QUIET_CONTEXTS["fork"] = _QuietForkContext


def _exit_with_parent(parent: int) -> None:
    """Worker initializer: leave when the coordinator is gone (killed with -9, say), instead of
    waiting forever on a queue nobody will fill. SIGINT stays ignored: the coordinator stops
    the workers on Ctrl-C."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while True:
            time.sleep(PARENT_POLL_S)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="drsim-parent-watch", daemon=True).start()


class LocalExecutor:
    """A pool of worker processes on this machine."""

    def __init__(self, workers: int | None = None, context: str = "spawn"):
        self.workers = workers or default_workers()
        self.context = context
        self.description = f"local process pool, {self.workers} worker(s), {context}"
        # Every worker is started here, at once, inside the block (a pool would start them one
        # by one as tasks come, with its own threads running meanwhile: see the block's note).
        with sigint_held_for_children():
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=QUIET_CONTEXTS[context]() if context in QUIET_CONTEXTS else get_context(context),
                initializer=_exit_with_parent,
                initargs=(os.getpid(),),
            )
            for _ in range(self.workers):
                self._pool.submit(_started)
        self._broken = False
        self._closed = False

    def map_unordered(self, fn: Callable[[T], Any], tasks: Iterable[T]) -> Iterator[tuple[T, Any]]:
        todo = iter(tasks)
        running: dict[Future, T] = {}

        def top_up() -> None:
            if self._broken:
                return
            for task in islice(todo, self.workers * IN_FLIGHT_PER_WORKER - len(running)):
                running[self._pool.submit(fn, task)] = task

        top_up()
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in done:
                task = running.pop(fut)
                exc = fut.exception()
                if isinstance(exc, BrokenProcessPool):
                    # A worker died (killed, out of memory): the pool cannot run anything more.
                    self._broken = True
                yield task, (exc if exc is not None else fut.result())
            top_up()

    def close(self, abort: bool = False) -> None:
        """Wait for running tasks and stop the workers; `abort` (Ctrl-C): stop them now."""
        if self._closed:
            return
        self._closed = True
        if abort:
            # the pool has no public way to stop running tasks: end its processes, then shut down
            procs = list(getattr(self._pool, "_processes", {}).values())
            for proc in procs:
                with contextlib.suppress(OSError, ValueError):
                    proc.terminate()
            for proc in procs:
                with contextlib.suppress(OSError, ValueError, AssertionError):
                    proc.join(timeout=5)
            with contextlib.suppress(Exception):
                self._pool.shutdown(wait=True, cancel_futures=True)
            return
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor:
    """A dask.distributed cluster: an existing scheduler at `address`, or a local cluster.

    Every worker must be able to import `sim` and read the scenario folder at the
    same path as the coordinator (a shared filesystem, as on most clusters).
    """

    def __init__(self, address: str | None = None, workers: int | None = None):
        check_installed("dask")
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:  # installed, but broken
            why = f"distributed does not import ({exc}): {EXTRA_PACKAGE['dask'][1]}"
            raise InputError(Problem("run.executor", "dask", why)) from None

        self._cluster: Any = None
        if address is None:
            # One single-threaded process per worker: the model is pure Python (the GIL). The
            # worker processes start ignoring Ctrl-C; the coordinator stops them.
            try:
                with sigint_held_for_children():
                    self._cluster = LocalCluster(
                        n_workers=workers or default_workers(),
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=None,
                        silence_logs=40,
                    )
                self._client = Client(self._cluster)
            except BaseException:  # Ctrl-C while the cluster starts: stop what started
                self._stop_local_cluster()
                raise
        else:
            try:
                self._client = Client(address, timeout=f"{CONNECT_TIMEOUT_S}s")
                self._client.wait_for_workers(1, timeout=WORKER_WAIT_S)
            except (OSError, TimeoutError) as exc:
                raise InputError(
                    Problem(
                        "config key run.address",
                        address,
                        f"no Dask scheduler with a worker answered there ({type(exc).__name__}: {exc}); "
                        "start one with `dask scheduler` and `dask worker ADDRESS`",
                    )
                ) from None
        threads = self._client.nthreads()
        self.workers = max(sum(threads.values()), 1)
        where = address or "a local cluster"
        self.description = f"dask at {where}, {len(threads)} worker(s), {self.workers} thread(s)"

    def map_unordered(self, fn: Callable[[T], Any], tasks: Iterable[T]) -> Iterator[tuple[T, Any]]:
        from distributed import as_completed

        todo = iter(tasks)
        running: dict[Any, T] = {}
        limit = self.workers * IN_FLIGHT_PER_WORKER
        queue = as_completed()

        def top_up() -> None:
            for task in islice(todo, limit - len(running)):
                fut = self._client.submit(fn, task, pure=False)
                running[fut] = task
                queue.add(fut)

        top_up()
        for fut in queue:
            task = running.pop(fut)
            if fut.status == "finished":
                outcome = fut.result()
            else:
                outcome = fut.exception() or RuntimeError(f"dask task ended as {fut.status}")
            fut.release()
            yield task, outcome
            top_up()

    def close(self, abort: bool = False) -> None:
        """Disconnect, and stop a local cluster (a remote cluster's workers belong to its
        operator and keep running). `abort` (Ctrl-C): the local workers are killed first, so
        that none of them logs the scheduler's going away."""
        client = getattr(self, "_client", None)
        if abort:
            self._stop_local_cluster()
        with contextlib.suppress(Exception):  # already closed, or the scheduler went away
            if client is not None:
                client.close()
        if self._cluster is not None:
            with contextlib.suppress(Exception):
                self._cluster.close()
            self._cluster = None

    def _stop_local_cluster(self) -> None:
        """Kill the worker processes a local cluster started (its nannies' children, children of
        this process) and close it, quietly: Ctrl-C, or a start that failed half-way (then the
        cluster object was never returned: the ones distributed tracks are closed, so that its
        exit hook does not try again and print a traceback). A remote cluster is left alone."""
        import logging
        import multiprocessing

        from distributed.deploy.spec import SpecCluster

        tracked = getattr(SpecCluster, "_instances", None)
        clusters = [self._cluster] if self._cluster is not None else list(tracked or ())
        if not clusters:
            return
        for name in ("distributed", "tornado", "asyncio"):  # the cluster's own last words
            logging.getLogger(name).setLevel(logging.CRITICAL + 1)
        for child in multiprocessing.active_children():
            with contextlib.suppress(OSError, ValueError):
                child.kill()
        for cluster in clusters:
            with contextlib.suppress(Exception):
                cluster.close(timeout=5)
            if tracked is not None:
                tracked.discard(cluster)
        self._cluster = None


# executors that need a package the core install leaves out: (module, how to install it)
EXTRA_PACKAGE = {"dask": ("distributed", "pip install 'drsim[dist]' (dask[distributed])")}


def check_installed(kind: str) -> None:
    """A clear message, before a sweep writes anything, when executor `kind` needs a package
    that is not installed."""
    if kind in EXTRA_PACKAGE:
        module, install = EXTRA_PACKAGE[kind]
        require_package(module, f"run.executor={kind}", install)


# A Dask scheduler address as `dask scheduler` prints it: a protocol this setup can serve
# (tcp, tls; websockets ws, wss; ucx), a host name or IPv4/[IPv6] address, and a port.
# inproc:// (a scheduler inside this very process) cannot run drsim's workers.
ADDRESS = re.compile(
    r"(?:(?P<scheme>tcp|tls|ws|wss|ucx)://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}))"
    r":(?P<port>[0-9]{1,5})"
)


def check_address(address: str) -> None:
    """Refuse a scheduler address that cannot be one (before connecting, before anything is written)."""
    m = ADDRESS.fullmatch(address)
    if m is None or not 1 <= int(m["port"]) <= 65535:
        raise InputError(
            Problem(
                "config key run.address",
                address,
                "not a Dask scheduler address: PROTOCOL://HOST:PORT with PROTOCOL tcp, tls, ws, wss or ucx "
                "(e.g. tcp://10.0.0.5:8786, as `dask scheduler` prints it)",
            )
        )


def check_executor(
    kind: str, workers: int | None, address: str | None, force: bool = False, cores: int | None = None
) -> None:
    """Everything about where a sweep would run that can be refused before anything is written:
    the executor's package, the scheduler address, and more worker processes than this machine
    has cores (each replication is CPU-bound: extra workers only slow the others and use memory;
    `run.workers_force=true` allows it)."""
    check_installed(kind)
    if address is not None:
        if kind != "dask":
            raise InputError(
                Problem("config key run.address", address, "only used with run.executor=dask (set it too)")
            )
        check_address(address)
    cores = cores or default_workers()
    local = kind == "local" or address is None  # workers started on this machine
    if local and workers is not None and workers > cores and not force:
        raise InputError(
            Problem(
                "config key run.workers",
                workers,
                f"more worker processes than this machine's {cores} core(s): they would only slow each "
                "other down; use at most run.workers="
                f"{cores}, or add run.workers_force=true to start them anyway",
            )
        )


class InlineExecutor:
    """Each task in this process, one after another: `drsim run` with one worker (no process to
    start, nothing to send to it; the same results as any pool, as each task is pure)."""

    workers = 1
    description = "this process"

    def map_unordered(self, fn: Callable[[T], Any], tasks: Iterable[T]) -> Iterator[tuple[T, Any]]:
        for task in tasks:
            yield task, fn(task)

    def close(self, abort: bool = False) -> None:
        """Nothing to stop."""


def make_run_executor(kind: str, workers: int | None = None, address: str | None = None) -> Executor:
    """Where `drsim run` runs its replications: in this process unless run.workers asks for more
    than one, or run.executor for Dask (a run is usually small: starting processes would cost
    more than it saves)."""
    if kind == "local" and (workers or 1) == 1:
        return InlineExecutor()
    return make_executor(kind, workers, address)


def make_executor(kind: str, workers: int | None = None, address: str | None = None) -> Executor:
    if kind == "local":
        return LocalExecutor(workers)
    if kind == "dask":
        return DaskExecutor(address, workers)
    raise ValueError(f"unknown executor {kind!r}")
