"""What the app asks of the pipeline and the engine, behind one seam.

:class:`PodBackend` is the app's only way out: planning, listing and inspecting containers, the
event and log feeds, health probes, apply and compose actions. Every method may block, so the
app calls them from thread workers only. :class:`EngineBackend` is the real one, over clawlib;
the tests drive the app with a recording fake of the same shape.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar

from clawlib.engine import (
    ContainerRecord,
    DockerView,
    EngineEvent,
    LogItem,
    LogSource,
)
from clawlib.session import PodSession

if TYPE_CHECKING:
    from clawlib.lifecycle import ApplyReport, ContainerHealth, Impact, Progress
    from clawlib.planner import Plan, PlanDiff

__all__ = [
    "Action",
    "EngineBackend",
    "Feed",
    "PodBackend",
]

T = TypeVar("T")

Action = Literal["start", "stop", "restart", "rebuild", "down"]


class Feed(Protocol[T]):
    """A started stream read in batches (clawlib's :class:`~clawlib.engine.LogStream` and
    :class:`~clawlib.engine.EventStream` have this shape)."""

    def get_batch(self, max_items: int = 1000, timeout: float | None = None) -> list[T]: ...

    @property
    def finished(self) -> bool: ...

    def close(self) -> None: ...


class PodBackend(Protocol):
    """Everything the app does outside its own process. Every call may block."""

    def plan(self, pod_file: Path) -> Plan:
        """Load and plan the pod (raises :class:`~clawlib.errors.PodError` for a bad pod)."""
        ...

    def impact(self, plan: Plan, diff: PlanDiff, project: str) -> Impact:
        """What applying ``plan`` does to ``project``'s containers (never raises for the
        engine: see :meth:`clawlib.session.PodSession.impact`)."""
        ...

    def ping(self) -> None:
        """Raise :class:`~clawlib.errors.EngineUnavailableError` unless the engine answers."""
        ...

    def containers(self, project: str) -> tuple[ContainerRecord, ...]: ...

    def container(self, ref: str) -> ContainerRecord: ...

    def inspect(self, ref: str) -> Mapping[str, Any]:
        """The engine's inspect document of a container."""
        ...

    def events(self, project: str) -> Feed[EngineEvent]:
        """The project's container events from now on, started."""
        ...

    def logs(
        self, sources: Sequence[LogSource], *, tail: int | None, since: datetime | None
    ) -> Feed[LogItem]:
        """The followed logs of ``sources``, started (see :class:`~clawlib.engine.LogStream`:
        the history merged by time, then across restarts and recreations until each
        container is removed)."""
        ...

    def probe(self, containers: Sequence[ContainerRecord]) -> tuple[ContainerHealth, ...]: ...

    def apply(
        self, plan: Plan, project: str, on_progress: Callable[[Progress], None]
    ) -> ApplyReport: ...

    def act(
        self,
        action: Action,
        directory: Path,
        project: str,
        services: Sequence[str],
        on_line: Callable[[str], None],
    ) -> None:
        """Run a compose action on ``services`` of the applied pod in ``directory`` (all of
        them for ``down``, which then checks with the engine that no container is left: see
        :func:`clawlib.lifecycle.bring_down`)."""
        ...

    def roll_back(
        self, directory: Path, project: str, on_line: Callable[[str], None]
    ) -> tuple[str, ...]:
        """Put back the generated files kept before the last apply and recreate the project's
        containers from them; returns the paths restored."""
        ...

    def shell_argv(self, container: ContainerRecord) -> list[str]:
        """The interactive command that opens a shell in ``container``."""
        ...

    def close(self) -> None:
        """Release the engine connections (the app is ending)."""
        ...


class EngineBackend:
    """The real backend: clawlib's :class:`~clawlib.session.PodSession` over the local Docker
    engine, as ``claw`` uses it.

    One :class:`DockerView` is shared by every worker (its connection pool is thread-safe) and
    every session made here; planning follows the session's policy (an unreachable engine: the
    plan comes from the Clawfiles and says so).
    """

    def __init__(self) -> None:
        self.view = DockerView()

    def _session(self, pod: Path, project: str | None = None) -> PodSession:
        return PodSession(pod, project=project, view=self.view)

    def plan(self, pod_file: Path) -> Plan:
        return self._session(pod_file).plan()

    def impact(self, plan: Plan, diff: PlanDiff, project: str) -> Impact:
        return self._session(plan.pod.file, project).impact(plan, diff)

    def ping(self) -> None:
        self.view.ping()

    def containers(self, project: str) -> tuple[ContainerRecord, ...]:
        return self.view.containers(project)

    def container(self, ref: str) -> ContainerRecord:
        return self.view.container(ref)

    def inspect(self, ref: str) -> Mapping[str, Any]:
        return self.view.inspect_container(ref)

    def events(self, project: str) -> Feed[EngineEvent]:
        return self.view.events(project=project).start()

    def logs(
        self, sources: Sequence[LogSource], *, tail: int | None, since: datetime | None
    ) -> Feed[LogItem]:
        return self.view.logs(sources, tail=tail, since=since).start()

    def probe(self, containers: Sequence[ContainerRecord]) -> tuple[ContainerHealth, ...]:
        from clawlib.lifecycle import probe_health

        return probe_health(self.view, containers)

    def apply(
        self, plan: Plan, project: str, on_progress: Callable[[Progress], None]
    ) -> ApplyReport:
        return self._session(plan.pod.file, project).apply(plan, on_progress)

    def act(
        self,
        action: Action,
        directory: Path,
        project: str,
        services: Sequence[str],
        on_line: Callable[[str], None],
    ) -> None:
        session = self._session(directory, project)
        if action == "down":
            session.down(on_line=on_line)
        else:
            session.act(action, services, on_line)

    def roll_back(
        self, directory: Path, project: str, on_line: Callable[[str], None]
    ) -> tuple[str, ...]:
        return self._session(directory, project).roll_back(on_line)

    def shell_argv(self, container: ContainerRecord) -> list[str]:
        docker = shutil.which("docker") or "docker"
        probe = "command -v bash >/dev/null 2>&1 && exec bash || exec sh"
        return [docker, "exec", "-it", container.id, "sh", "-c", probe]

    def close(self) -> None:
        self.view.close()
