"""Batched per-host I/O: one Nornir run per step, each host with its own arguments (all it reads or changes,
for every failover group it serves), every host with an outcome."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from typing import Any, TypeVar

from nornir.core import Nornir
from nornir.core.processor import Processor
from nornir.core.task import Result, Task

from ospf_failover.nornir_setup import HostRun, run_on

MIN_STEP_TIMEOUT = 0.5
T = TypeVar("T")


def _with_own_arguments(
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
        nr, list(arguments), _with_own_arguments, processors=processors, work=work, arguments=arguments, **common
    )


def step_timeout(deadline: float, command_timeout: float) -> float:
    """A step's bound: the inventory's command timeout, cut to what is left of the run (never below 0.5 s)."""
    return max(MIN_STEP_TIMEOUT, min(command_timeout, deadline - time.monotonic()))


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
