"""What the pod view knows, as values: the pod's state and the selected node.

:class:`PodState` gathers everything the screen learns from its workers (the plan and how it
differs from the disk, what was last applied, the engine's containers and whether it answers,
the health probes) in one frozen value, replaced on every change by one of its ``with_…``
methods. :class:`Selection` is the tree node the detail panes and the actions are about, made
from the node's key and a state in :meth:`Selection.of`. Neither knows Textual: both are unit
tested alone.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from clawlib.engine import ContainerRecord
from clawlib.errors import ClawError, PodError
from clawlib.lifecycle import ContainerHealth

from .model import PlannedService, ServiceGroup, planned_services, pod_groups

if TYPE_CHECKING:
    from clawlib.planner import Plan, PlanDiff

__all__ = [
    "HEALTH_INTERVAL",
    "HISTORY",
    "POD_KEY",
    "EngineStatus",
    "PodState",
    "Selection",
]

HEALTH_INTERVAL = 10.0
"""Seconds between health probe rounds (probes also run on demand and after changes)."""
HISTORY = 30
"""Probe results kept per container for the health timeline."""
POD_KEY = "pod"
"""The key of the tree's root: the whole pod."""

EngineStatus = Literal["connecting", "connected", "unreachable"]


@dataclass(frozen=True)
class PodState:
    """Everything the pod view shows, at one moment. Replaced, never changed: a pane can tell
    whether what it reads changed by identity (``state.plan is before.plan``)."""

    directory_name: str
    """The pod's directory: its name until a plan names the pod."""
    plan: Plan | None = None
    diff: PlanDiff | None = None
    """How :attr:`plan` differs from the disk (computed with it, in the worker)."""
    plan_error: ClawError | None = None
    """Why the pod file could not be planned (usually a PodError listing its problems)."""
    plan_stale: bool = False
    """A file the plan reads changed since it was made."""
    planned: tuple[PlannedService, ...] = ()
    """The compose services of the plan, or of the generated file last applied."""
    project: str | None = None
    """The compose project to watch (None: never applied and not planned)."""
    containers: tuple[ContainerRecord, ...] = ()
    engine: EngineStatus = "connecting"
    engine_detail: str = ""
    """Why the engine is unreachable, or a note beside ``connected``."""
    engine_sessions: int = 0
    """How many times the engine came up (a log stream is opened again each time)."""
    health: Mapping[str, tuple[ContainerHealth, ...]] = field(default_factory=dict)
    """Probe results by container name, oldest first, the last :data:`HISTORY` of each."""

    @property
    def name(self) -> str:
        """The pod's name (its directory's until planned)."""
        return self.plan.pod.name if self.plan is not None else self.directory_name

    @property
    def engine_up(self) -> bool:
        return self.engine == "connected"

    @cached_property
    def groups(self) -> tuple[ServiceGroup, ...]:
        """The planned services joined with the containers (made once per state)."""
        return pod_groups(self.planned, self.containers)

    def latest_health(self) -> dict[str, ContainerHealth]:
        """The last probe of each container, by name."""
        return {name: history[-1] for name, history in self.health.items() if history}

    def planned_service(self, name: str) -> Mapping[str, Any] | None:
        """The planned compose service ``name`` (None when not planned)."""
        return next((s.definition for s in self.planned if s.name == name), None)

    def tree_note(self) -> str:
        """What the tree's root says instead of counts when there is nothing to count."""
        if self.planned or self.containers:
            return ""
        return "nothing planned or running" if self.plan_error is None else "see problems (E)"

    def plan_status(self) -> tuple[str, str]:
        """The status bar's plan state and its level (``ok``, ``warning``, ``error``,
        ``muted``)."""
        if self.plan_error is not None:
            error = self.plan_error
            count = len(error.problems) if isinstance(error, PodError) else 1
            return f"pod file: {count} {'problem' if count == 1 else 'problems'} (E)", "error"
        if self.plan_stale:
            return "pod changed: plan out of date (p)", "warning"
        if self.plan is None or self.diff is None:
            return "planning…", "muted"
        if self.diff.changed:
            kinds = [change.kind for change in self.diff.files]
            text = (
                f"plan: {kinds.count('add')} to add, {kinds.count('change')} to change, "
                f"{kinds.count('remove')} to remove (p to preview)"
            )
            level = "warning"
        else:
            text, level = "generated files up to date", "ok"
            running = self._running_planned()
            if running == 0:
                text = f"pod down: 0 of {len(self.planned)} running (p to bring it up)"
                level = "warning"
            elif running is not None and running < len(self.planned):
                text += f" · {running} of {len(self.planned)} running"
        if self.plan.warnings:
            count = len(self.plan.warnings)
            text += f" · {count} warning{'s' if count != 1 else ''}"
        return text, level

    def _running_planned(self) -> int | None:
        """How many of the planned services have a running container (None while the engine
        is not connected, or with nothing planned)."""
        if not self.engine_up or not self.planned:
            return None
        running = {c.service for c in self.containers if c.running}
        return sum(1 for service in self.planned if service.name in running)

    # Changes: each returns the state after it.

    def with_applied(self, project: str, planned: tuple[PlannedService, ...]) -> PodState:
        """What was last applied is known (the plan, when there is one, says more)."""
        if self.plan is not None:
            return dataclasses.replace(self, project=project)
        return dataclasses.replace(self, project=project, planned=planned)

    def with_plan(self, plan: Plan, diff: PlanDiff) -> PodState:
        types = {name: claw.claw_type for name, claw in plan.claws.items()}
        return dataclasses.replace(
            self,
            plan=plan,
            diff=diff,
            plan_error=None,
            plan_stale=False,
            planned=planned_services(plan.compose, types),
            project=plan.project,
        )

    def with_plan_error(self, error: ClawError) -> PodState:
        return dataclasses.replace(self, plan_error=error, plan_stale=False)

    def with_stale_plan(self) -> PodState:
        return dataclasses.replace(self, plan_stale=True)

    def with_engine_checked(self, problem: str | None) -> PodState:
        """The engine was asked whether it answers, while there is no project to watch."""
        if problem is not None:
            return dataclasses.replace(self, engine="unreachable", engine_detail=problem)
        return self._engine_up("the pod has not been applied yet")

    def with_engine_connected(self, containers: tuple[ContainerRecord, ...]) -> PodState:
        """The project's containers were listed afresh."""
        return dataclasses.replace(self._engine_up(""), containers=containers)

    def with_engine_lost(self, reason: str, retry_in: float) -> PodState:
        """The engine went away: what runs is not known any more."""
        detail = f"{reason} (retrying in {retry_in:.0f} s)" if retry_in else reason
        containers = () if self.engine_up else self.containers
        return dataclasses.replace(
            self, engine="unreachable", engine_detail=detail, containers=containers
        )

    def with_containers(self, containers: tuple[ContainerRecord, ...]) -> PodState:
        return dataclasses.replace(self, containers=containers)

    def with_health(self, results: Iterable[ContainerHealth]) -> PodState:
        """A round of probes added to each container's history (the last :data:`HISTORY`)."""
        health = dict(self.health)
        for result in results:
            name = result.container.name
            health[name] = (*health.get(name, ()), result)[-HISTORY:]
        return dataclasses.replace(self, health=health)

    def _engine_up(self, detail: str) -> PodState:
        sessions = self.engine_sessions + (0 if self.engine_up else 1)
        return dataclasses.replace(
            self, engine="connected", engine_detail=detail, engine_sessions=sessions
        )


@dataclass(frozen=True)
class Selection:
    """The node selected in the tree: the whole pod, a service group (a claw with all its
    replicas, or a plain service) or one container row.

    ``groups`` are what the node covers: every group for the pod, the one group for a service,
    the row's group narrowed to that row for a container; empty when the node has gone from
    the pod. ``container`` is the row's container (None for the pod, a group, or a row
    without one).
    """

    key: str
    """The tree node's key: ``pod``, ``service:NAME`` or ``container:SERVICE#NUMBER``."""
    kind: Literal["pod", "service", "container"]
    title: str
    groups: tuple[ServiceGroup, ...]
    container: ContainerRecord | None = None

    @classmethod
    def of(cls, key: str, state: PodState) -> Selection:
        """The node with ``key`` in the tree drawn from ``state``."""
        for group in state.groups:
            if group.key == key:
                return cls(key, "service", group.name, (group,))
            for row in group.rows:
                if row.key == key:
                    title = row.container.name if row.container else row.service
                    single = dataclasses.replace(group, rows=(row,))
                    return cls(key, "container", title, (single,), row.container)
        if key.startswith("service:"):
            return cls(key, "service", "?", ())
        if key.startswith("container:"):
            return cls(key, "container", "?", ())
        return cls(POD_KEY, "pod", state.name, state.groups)

    @property
    def is_pod(self) -> bool:
        return self.kind == "pod"

    @property
    def containers(self) -> tuple[ContainerRecord, ...]:
        """The containers the node covers, in tree order."""
        return tuple(c for group in self.groups for c in group.containers)

    @property
    def services(self) -> tuple[str, ...]:
        """The compose services an action on the node runs on (empty: the whole pod)."""
        if self.is_pod:
            return ()
        return tuple(service for group in self.groups for service in group.services)
