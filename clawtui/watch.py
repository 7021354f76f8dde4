"""Watching what the pod view shows change, away from the UI: the engine and the pod's files.

:class:`EngineWatcher` keeps one compose project's containers current: it lists them, then
follows the engine's event stream, folding each event into a
:class:`~clawlib.lifecycle.LiveContainers`, and when the engine goes away it says so and tries
again, backing off. It blocks (run it in a thread) and reports through a callback with
:data:`EngineReport` values; it knows nothing of Textual.

:func:`inputs_stamp` tells when the plan on screen is out of date: a cheap stamp of the files a
plan reads. A plan reads the pod file and what it names — Clawfiles, contracts, included files,
persona directories — all of them under the pod's directory in practice. The stamp is the newest
modification time and the number of files there, leaving out what claw itself writes (the
generated compose file and Dockerfiles, ``.claw-runtime/``) and hidden directories. It is taken
every couple of seconds, so it stops after a bounded number of files.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from clawlib.engine import ContainerRecord, EngineEvent
from clawlib.errors import ClawError, ContainerNotFoundError
from clawlib.lifecycle import LiveContainers

from .backend import Feed

__all__ = [
    "EVENT_WAIT",
    "RETRY_FIRST",
    "RETRY_MAX",
    "ContainersChanged",
    "EngineConnected",
    "EngineLost",
    "EngineReport",
    "EngineWatcher",
    "WatchedEngine",
    "engine_problem",
    "inputs_stamp",
]

RETRY_FIRST = 1.0
"""Seconds before the first try again after the engine failed; doubled on each failure."""
RETRY_MAX = 10.0
"""The longest wait between tries."""
EVENT_WAIT = 0.5
"""Seconds an event read waits before looking whether the watcher was stopped."""


class WatchedEngine(Protocol):
    """What the watcher asks of the engine (:class:`~clawtui.backend.PodBackend` has it)."""

    def ping(self) -> None: ...

    def containers(self, project: str) -> tuple[ContainerRecord, ...]: ...

    def container(self, ref: str) -> ContainerRecord: ...

    def events(self, project: str) -> Feed[EngineEvent]: ...


@dataclass(frozen=True, slots=True)
class EngineConnected:
    """The engine answered and the project's containers were listed afresh."""

    containers: tuple[ContainerRecord, ...]


@dataclass(frozen=True, slots=True)
class ContainersChanged:
    """Events changed the project's containers."""

    containers: tuple[ContainerRecord, ...]


@dataclass(frozen=True, slots=True)
class EngineLost:
    """The engine is unreachable or its event stream broke; ``retry_in`` seconds until the
    next try."""

    reason: str
    retry_in: float


EngineReport = EngineConnected | ContainersChanged | EngineLost


class EngineWatcher:
    """Keeps one project's containers current from the engine, reporting each change.

    :meth:`run` blocks until :meth:`stop`: it lists the containers (reported as
    :class:`EngineConnected`), then reads the project's events, folds them in and reports
    :class:`ContainersChanged` after each batch that changed anything (an event about a
    container it does not know yet is answered by inspecting that container). When listing
    fails it reports :class:`EngineLost`, waits and tries again, the wait doubling from
    ``retry_first`` up to ``retry_max`` seconds; when the event stream breaks it reports
    :class:`EngineLost` and lists again at once. Only :class:`~clawlib.errors.ClawError` is
    taken for the engine failing: anything else is a defect and ends :meth:`run` with it.
    ``report`` is called on the thread that runs :meth:`run`.
    """

    def __init__(
        self,
        engine: WatchedEngine,
        project: str,
        report: Callable[[EngineReport], None],
        *,
        retry_first: float = RETRY_FIRST,
        retry_max: float = RETRY_MAX,
        event_wait: float = EVENT_WAIT,
    ) -> None:
        self.engine = engine
        self.project = project
        self._report = report
        self._retry_first = retry_first
        self._retry_max = retry_max
        self._event_wait = event_wait
        self._stopping = threading.Event()

    @property
    def stopped(self) -> bool:
        return self._stopping.is_set()

    def stop(self) -> None:
        """End :meth:`run` (from any thread) within ``event_wait`` seconds, waits included."""
        self._stopping.set()

    def run(self) -> None:
        delay = self._retry_first
        while not self.stopped:
            try:
                live = LiveContainers(self.project, self.engine.containers(self.project))
                feed = self.engine.events(self.project)
            except ClawError as exc:
                self._report(EngineLost(_reason(exc), delay))
                self._stopping.wait(delay)
                delay = min(delay * 2, self._retry_max)
                continue
            delay = self._retry_first
            self._report(EngineConnected(live.containers))
            try:
                self._follow(live, feed)
            except ClawError as exc:
                self._report(EngineLost(_reason(exc), delay))
            finally:
                feed.close()

    def _follow(self, live: LiveContainers, feed: Feed[EngineEvent]) -> None:
        """Fold the events in until the feed ends or the watcher is stopped."""
        while not self.stopped:
            batch = feed.get_batch(timeout=self._event_wait)
            if not batch:
                if feed.finished:
                    return
                continue
            changed = False
            for event in batch:
                change = live.apply(event)
                changed |= change.changed
                if change.inspect:
                    try:
                        live.put(self.engine.container(change.inspect))
                        changed = True
                    except ContainerNotFoundError:
                        pass
            if changed:
                self._report(ContainersChanged(live.containers))


def engine_problem(engine: WatchedEngine) -> str | None:
    """Why the engine does not answer (None: it does). Blocks."""
    try:
        engine.ping()
    except ClawError as exc:
        return _reason(exc)
    return None


def _reason(error: ClawError) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


_LIMIT = 5000
_SKIPPED = frozenset({"compose.generated.yml", "node_modules", "__pycache__"})


def inputs_stamp(directory: Path, limit: int = _LIMIT) -> tuple[int, int]:
    """(newest modification time in ns, number of files) of the pod's own files under
    ``directory``, over at most ``limit`` files."""
    newest = count = 0
    pending = [str(directory)]
    while pending and count < limit:
        try:
            entries = list(os.scandir(pending.pop()))
        except OSError:
            continue
        for entry in sorted(entries, key=lambda e: e.name):
            name = entry.name
            if name.startswith(".") or name in _SKIPPED or name.endswith(".generated"):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                    continue
                modified = entry.stat(follow_symlinks=False).st_mtime_ns
            except OSError:
                continue
            count += 1
            newest = max(newest, modified)
            if count >= limit:
                break
    return newest, count
