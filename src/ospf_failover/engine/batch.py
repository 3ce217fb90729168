"""Batched per-host I/O: one Nornir run per step, each host with its own arguments (all it reads or changes,
for every failover group it serves), every host with an outcome."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, TypeVar

from nornir.core import Nornir
from nornir.core.inventory import Host
from nornir.core.processor import Processor
from nornir.core.task import MultiResult, Result, Task
from nornir.plugins.runners import SerialRunner

from ospf_failover.nornir_setup import HostRun, Unobservant, run_on

MIN_STEP_TIMEOUT = 0.5  # seconds: the bound of a step begun just before the deadline (a read, and no false timeout)
T = TypeVar("T")


def with_own_arguments(
    task: Task, *, work: Callable[..., Result], arguments: Mapping[str, Mapping[str, Any]], **common: Any
) -> Result:
    return work(task, **common, **arguments[task.host.name])


def run_per_host(
    nr: Nornir,
    work: Callable[..., Result],
    arguments: Mapping[str, Mapping[str, Any]],
    *,
    processors: Sequence[Processor] = (),
    **common: Any,
) -> dict[str, HostRun]:
    """Run ``work`` once on every host of ``arguments`` (in parallel), each with its own keyword arguments
    plus ``common``; every host gets an outcome with the seconds its work took (see
    :func:`ospf_failover.nornir_setup.run_on`). ``processors`` watch the run (a progress bar)."""
    return run_on(
        nr, list(arguments), with_own_arguments, processors=processors, work=work, arguments=arguments, **common
    )


def step_timeout(deadline: float, command_timeout: float, *, now: float | None = None) -> float:
    """A step's bound: the inventory's command timeout, cut to what is left of the run (never below
    MIN_STEP_TIMEOUT, so that a step begun just before the deadline still gets one short answer)."""
    left = deadline - (time.monotonic() if now is None else now)
    return max(MIN_STEP_TIMEOUT, min(command_timeout, left))


class Finished(Unobservant):
    """A Nornir processor: when (``time.monotonic()``) each host's instance of the task completed, failed hosts
    included. A batch ends with its slowest host; this says when each host's own answer was in."""

    def __init__(self) -> None:
        self.at: dict[str, float] = {}

    def task_instance_completed(self, task: Task, host: Host, result: MultiResult) -> None:
        self.at[host.name] = time.monotonic()


def in_background(function: Callable[..., T], *args: Any, **kwargs: Any) -> Future[T]:
    """Start ``function`` now on a daemon thread; its outcome is a Future (``result(timeout)``, bounded).

    A daemon thread, unlike an executor's worker, does not hold up the end of a run that no longer needs it
    (a failed switch exits at once, whatever an observer's connect is still waiting for).
    """
    future: Future[T] = Future()

    def target() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(function(*args, **kwargs))
        except BaseException as exc:  # handed to whoever asks for the result
            future.set_exception(exc)

    threading.Thread(target=target, daemon=True, name=f"background-{getattr(function, '__name__', 'work')}").start()
    return future


def run_in_background(nr: Nornir, hosts: Sequence[str], task: Callable[..., Result], **kwargs: Any) -> Future[Timed]:
    """Run ``task`` on ``hosts`` one after the other on a daemon thread (see :func:`in_background`); the Future
    gives each host's outcome and when the work finished.

    Nornir's threaded runner works on executor threads, which the interpreter waits for at exit: work left
    behind there (a connect to a host that does not answer) would hold the process past its bound. The serial
    runner works on the daemon thread itself; one Future per host keeps hosts apart.
    """
    serial = nr.with_runner(SerialRunner())

    def work() -> Timed:
        outcomes = run_on(serial, hosts, task, **kwargs)
        return Timed(outcomes=outcomes, finished=time.monotonic())

    return in_background(work)


@dataclass(frozen=True)
class Timed:
    """Background work's outcome per host, and when (``time.monotonic()``) it finished."""

    outcomes: dict[str, HostRun]
    finished: float
