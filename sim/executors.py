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

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from multiprocessing import get_context
from typing import Any, Protocol, TypeVar

from sim.errors import InputError, Problem, require_package

T = TypeVar("T")
IN_FLIGHT_PER_WORKER = 3  # enough to keep a worker busy while the coordinator writes results


class Executor(Protocol):
    workers: int
    description: str

    def map_unordered(self, fn: Callable[[T], Any], tasks: Iterable[T]) -> Iterator[tuple[T, Any]]: ...

    def close(self) -> None: ...


def default_workers() -> int:
    """Every core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


PARENT_POLL_S = 1.0  # how soon an orphaned worker notices; the check costs nothing meanwhile


def _exit_with_parent(parent: int) -> None:
    """Worker initializer: leave when the coordinator is gone (killed with -9, say), instead of
    waiting forever on a queue nobody will fill."""

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
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=get_context(context),
            initializer=_exit_with_parent,
            initargs=(os.getpid(),),
        )
        self._broken = False

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

    def close(self) -> None:
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

        self._cluster = None
        if address is None:
            # One single-threaded process per worker: the model is pure Python (the GIL).
            self._cluster = LocalCluster(
                n_workers=workers or default_workers(),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=40,
            )
            self._client = Client(self._cluster)
        else:
            try:
                self._client = Client(address, timeout="20s")
                self._client.wait_for_workers(1, timeout=120)
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

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


# executors that need a package the core install leaves out: (module, how to install it)
EXTRA_PACKAGE = {"dask": ("distributed", "pip install 'drsim[dist]' (dask[distributed])")}


def check_installed(kind: str) -> None:
    """A clear message, before a sweep writes anything, when executor `kind` needs a package
    that is not installed."""
    if kind in EXTRA_PACKAGE:
        module, install = EXTRA_PACKAGE[kind]
        require_package(module, f"run.executor={kind}", install)


def make_executor(kind: str, workers: int | None = None, address: str | None = None) -> Executor:
    if kind == "local":
        return LocalExecutor(workers)
    if kind == "dask":
        return DaskExecutor(address, workers)
    raise ValueError(f"unknown executor {kind!r}")
