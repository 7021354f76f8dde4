"""Messages the workers of the pod view post to the UI thread (past tense: what happened)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from clawlib.engine import ContainerRecord
from clawlib.errors import ClawError
from clawlib.lifecycle import ContainerHealth
from clawlib.planner import Plan, PlanDiff

from .model import PlannedService

__all__ = [
    "ActionFinished",
    "AppliedLoaded",
    "ContainersChanged",
    "EngineChecked",
    "EngineConnected",
    "EngineLost",
    "HealthProbed",
    "InspectLoaded",
    "PlanFailed",
    "PlanLoaded",
    "PodFilesChanged",
]


@dataclass
class AppliedLoaded(Message):
    """The generated compose file on disk was read: the project and services last applied
    (``project`` None when the pod was never applied)."""

    project: str | None
    planned: tuple[PlannedService, ...]


@dataclass
class PlanLoaded(Message):
    """The pod file was planned, and the plan compared with the disk (both in a worker)."""

    plan: Plan
    diff: PlanDiff


@dataclass
class PlanFailed(Message):
    """The pod file could not be planned (``error`` is usually a PodError listing problems)."""

    error: ClawError


@dataclass
class EngineConnected(Message):
    """The engine answered and the project's containers were listed."""

    containers: tuple[ContainerRecord, ...]


@dataclass
class PodFilesChanged(Message):
    """A file the plan reads (the pod file, a Clawfile, a contract...) changed."""


@dataclass
class EngineChecked(Message):
    """The engine was asked whether it answers (``problem`` None: it does)."""

    problem: str | None


@dataclass
class EngineLost(Message):
    """The engine is unreachable or went away; ``retry_in`` seconds until the next try."""

    reason: str
    retry_in: float


@dataclass
class ContainersChanged(Message):
    """The engine's events changed the project's containers."""

    containers: tuple[ContainerRecord, ...]


@dataclass
class HealthProbed(Message):
    """A round of health probes finished."""

    results: tuple[ContainerHealth, ...]


@dataclass
class InspectLoaded(Message):
    """A container's inspect document arrived (``error`` set when it could not be read)."""

    key: str
    document: dict[str, object] | None
    error: ClawError | None = None


@dataclass
class ActionFinished(Message):
    """A compose action (restart, stop, start, rebuild, down) ended."""

    action: str
    target: str
    output: tuple[str, ...]
    error: ClawError | None = None
