"""Worker processes that outlive the files they check.

A file can take down the process that checks it: a parser crash (SIGSEGV), an allocation
past the memory cap (Rust aborts, Python raises ``MemoryError``), the kernel's OOM killer.
:func:`isolated_map` runs each item in a worker process of a pool (pebble's ``ProcessPool``,
which, unlike ``concurrent.futures``, fails only the task whose worker died and starts a new
worker for the rest), so such a death is the result of that one item, with its exit status,
and every other item's result is kept.  Each worker may grow by at most
:func:`memory_allowance` bytes of address space past what it starts with
(``RLIMIT_AS``), so runaway memory ends as a clean per-file result instead of swapping the
machine or being killed with everything else.
"""

from __future__ import annotations

import os
import signal
import sys
from dataclasses import dataclass
from typing import Any, Callable, List, Optional, Sequence

__all__ = ["Died", "Failed", "TimedOut", "isolated_map", "memory_allowance", "MAX_ALLOWANCE"]

MAX_ALLOWANCE = 4 * 2**30
"""The most address space a worker may add to what it starts with (4 GiB)."""
_MIN_ALLOWANCE = 2**30


@dataclass(frozen=True)
class Died:
    """The worker running an item died: ``exitcode`` is negative for a signal."""

    exitcode: Optional[int]

    @property
    def signal_name(self) -> Optional[str]:
        if self.exitcode is None or self.exitcode >= 0:
            return None
        try:
            return signal.Signals(-self.exitcode).name
        except ValueError:
            return f"signal {-self.exitcode}"

    @property
    def cause(self) -> str:
        name = self.signal_name
        if name is not None:
            return f"killed by {name}"
        return f"exited with status {self.exitcode}" if self.exitcode is not None else "died"

    @property
    def memory(self) -> bool:
        """Most likely memory: SIGKILL (the kernel's OOM killer) or SIGABRT (an allocation
        over the cap aborts native code)."""
        return self.signal_name in ("SIGKILL", "SIGABRT")


@dataclass(frozen=True)
class TimedOut:
    """The item took longer than the time it was given; its worker was stopped."""

    seconds: float


@dataclass(frozen=True)
class Failed:
    """The item's result could not be brought back (it could not be pickled, say)."""

    error: BaseException


def memory_allowance(jobs: int) -> int:
    """Address space each of ``jobs`` workers may add: a share of the machine's memory that
    leaves room for the parent, between 1 and 4 GiB."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return MAX_ALLOWANCE
    return max(_MIN_ALLOWANCE, min(MAX_ALLOWANCE, total // (jobs + 1)))


def _address_space() -> int:
    """This process's current virtual size in bytes (0 if unknown)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _start(allowance: int, initializer: Optional[Callable[..., None]], initargs: Sequence[Any]) -> None:
    try:
        import resource

        base = _address_space()
        if base:
            _, hard = resource.getrlimit(resource.RLIMIT_AS)
            limit = base + allowance
            if hard != resource.RLIM_INFINITY:
                limit = min(limit, hard)
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):  # no such limit here (Windows): run without it
        pass
    if initializer is not None:
        initializer(*initargs)


def isolated_map(
    func: Callable[[Any], Any],
    items: Sequence[Any],
    jobs: int,
    initializer: Optional[Callable[..., None]] = None,
    initargs: Sequence[Any] = (),
    allowance: Optional[int] = None,
    timeout: Optional[float] = None,
) -> List[Any]:
    """``[func(item) for item in items]``, each in one of ``jobs`` worker processes; an item
    whose worker died gives :class:`Died`, one that raised or whose result did not come back
    :class:`Failed`, one that ran past ``timeout`` seconds :class:`TimedOut`.  Workers are
    forked where the platform allows (they share what the parent has loaded)."""
    import multiprocessing
    from concurrent.futures import TimeoutError

    from pebble import ProcessExpired, ProcessPool

    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else None)
    allowance = memory_allowance(jobs) if allowance is None else allowance
    out: List[Any] = []
    with ProcessPool(max_workers=jobs, initializer=_start, initargs=(allowance, initializer, tuple(initargs)), context=context) as pool:
        futures = [pool.schedule(func, (item,), timeout=timeout) for item in items]
        for future in futures:
            try:
                out.append(future.result())
            except TimeoutError:
                out.append(TimedOut(timeout or 0.0))
            except ProcessExpired as err:
                out.append(Died(err.exitcode))
            except Exception as err:  # the worker raised while sending its result back
                out.append(Failed(err))
    return out
