"""Wall-clock seconds and peak resident memory per step: the one meter every benchmark uses.

A thread samples the resident memory of this process and all its descendants (a notebook's
kernel, a worker) every 10 ms, so a step's peak is what the machine had to hold for it, not
what one process's high-water mark says (Linux carries ``ru_maxrss`` over from a parent).
"""

from __future__ import annotations

import os
import threading
import time

GB = 1024 ** 3


def _rss_bytes(pid="self") -> int:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (Linux /proc), e.g. a notebook's kernel."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    kids = [int(k) for k in fh.read().split()]
                out += kids
                todo += kids
        except OSError:
            pass
    return out


def _cpu_ticks() -> tuple[int, int] | None:
    """(all, stolen) CPU ticks of the machine so far (Linux ``/proc/stat``), or None elsewhere.

    Steal is time the hypervisor gave this virtual machine's CPUs to other guests: on a shared
    cloud machine it slows every step, and the share says how much.
    """
    try:
        with open("/proc/stat") as fh:
            fields = [int(v) for v in fh.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return sum(fields[:8]), fields[7] if len(fields) > 7 else 0


class Meter:
    """Wall-clock seconds, peak resident memory (this process and its children) and the share of
    CPU time stolen by the hypervisor, per step.

    A thread samples memory every 10 ms; :meth:`step` starts a new step. The peak of a step is
    the highest sum of this process's and its descendants' resident memory seen during it.
    """

    def __init__(self, interval: float = 0.01):
        self.interval, self.steps, self.current = interval, [], None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self):
        me = os.getpid()
        while not self._stop.wait(self.interval):
            rss = _rss_bytes() + sum(_rss_bytes(k) for k in _children(me))
            if self.current is not None and rss > self.current["peak_rss"]:
                self.current["peak_rss"] = rss

    def step(self, name, **info):
        now = time.perf_counter()
        ticks = _cpu_ticks()
        if self.current is not None:
            self.current["seconds"] = now - self.current.pop("_t0")
            start = self.current.pop("_ticks")
            if start and ticks and ticks[0] > start[0]:
                self.current["cpu_steal_pct"] = round(100 * (ticks[1] - start[1]) / (ticks[0] - start[0]), 1)
            self.steps.append(self.current)
        self.current = None if name is None else {"step": name, "_t0": now, "_ticks": ticks,
                                                  "peak_rss": _rss_bytes(), **info}

    def peak_gb(self) -> float:
        """The peak of the current step so far, in GB."""
        return max(self.current["peak_rss"] if self.current else 0, _rss_bytes()) / GB

    def close(self) -> list[dict]:
        self.step(None)
        self._stop.set()
        self._thread.join()
        for s in self.steps:
            s["peak_rss_gb"] = round(max(s.pop("peak_rss"), 0) / GB, 3)
            s["seconds"] = round(s["seconds"], 2)
        return self.steps
