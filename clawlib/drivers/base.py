"""The driver contract: how a runner's native configuration is made from a resolved claw.

A driver is pure in its planning half: :meth:`Driver.validate` and :meth:`Driver.materialise`
take values and return values — the files the runner needs (relative path → bytes, mode) and what
the compose service must add (mounts, tmpfs, environment, healthcheck). Writing the files, starting
containers and probing them is the caller's business; the two engine-facing methods
(:meth:`Driver.post_apply`, :meth:`Driver.health_probe`) get a read-only view of the engine.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from clawlib.runtime import ResolvedClaw

__all__ = [
    "Driver",
    "HealthResult",
    "Healthcheck",
    "Materialised",
    "Mount",
    "ProbeOutput",
    "RuntimeFile",
    "state_health",
]

HealthStatus = Literal["healthy", "unhealthy", "starting"]


@dataclass(frozen=True, slots=True)
class RuntimeFile:
    """A file the driver wants under the service's runtime directory."""

    content: bytes
    mode: int = 0o644
    secret: bool = False
    """Holds a secret (a token): written 0600 and never shown in a diff."""


@dataclass(frozen=True, slots=True)
class Mount:
    """A bind mount. ``source`` is relative to the service's runtime directory unless
    ``absolute`` (an operator's file inside the pod directory, or a host path)."""

    source: str
    target: str
    read_only: bool = True
    absolute: bool = False


@dataclass(frozen=True, slots=True)
class Healthcheck:
    """A compose healthcheck."""

    test: tuple[str, ...]
    interval: str = "30s"
    timeout: str = "10s"
    retries: int = 3

    def to_compose(self) -> dict[str, Any]:
        return {
            "test": list(self.test),
            "interval": self.interval,
            "timeout": self.timeout,
            "retries": self.retries,
        }


@dataclass(frozen=True)
class Materialised:
    """What a driver returns for one claw service (shared by all its replicas)."""

    files: Mapping[str, RuntimeFile] = field(default_factory=dict)
    """Relative path under the service's runtime directory → file."""
    mounts: tuple[Mount, ...] = ()
    tmpfs: tuple[str, ...] = ()
    environment: Mapping[str, str] = field(default_factory=dict)
    healthcheck: Healthcheck | None = None
    read_only: bool = True
    restart: str = "on-failure"
    skill_dir: str | None = None
    """Where skills are mounted in the container (None: the runner takes no skills)."""
    skill_layout: Literal["flat", "directory"] = "flat"
    """``flat``: ``<dir>/<name>``; ``directory``: ``<dir>/<stem>/SKILL.md``."""
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ProbeOutput:
    """What the driver's probe command did in the container: exit code, stdout, stderr."""

    exit_code: int
    stdout: str
    stderr: str


@dataclass(frozen=True, slots=True)
class HealthResult:
    """What a health probe found: ``healthy``, ``unhealthy``, or ``starting`` (the container's
    healthcheck has not decided yet), and why."""

    status: HealthStatus
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "healthy"


class Driver(ABC):
    """A claw runner (openclaw, nanobot, ...). One instance serves a whole pod.

    Subclasses set :attr:`name` (the CLAW_TYPE) and implement :meth:`materialise`; the other
    methods have safe defaults.
    """

    name: ClassVar[str]
    description: ClassVar[str] = ""

    probe_command: ClassVar[tuple[str, ...] | None] = None
    """A command run in the container (``docker exec``) whose output :meth:`health_probe`
    judges; None: the driver judges from the container's state alone."""
    probe_timeout: ClassVar[float] = 15.0
    """Seconds the probe command may take before the claw counts as unhealthy."""

    def validate(self, claw: ResolvedClaw) -> list[str]:
        """Check ``claw`` before anything is generated; return warnings.

        Raise :class:`~clawlib.errors.DriverError` when the claw cannot run under this runner
        (the whole plan fails: no contract, no start).
        """
        return []

    @abstractmethod
    def materialise(self, claw: ResolvedClaw) -> Materialised:
        """The runner's files and compose additions for ``claw``. Never writes anything.

        Raise :class:`~clawlib.errors.DriverError` for inputs the runner cannot express.
        """

    def post_apply(self, container: Mapping[str, Any]) -> None:
        """Verify a started container (``container`` is the engine's inspect data).

        The default requires it to be running. Raise :class:`~clawlib.errors.DriverError`.
        """
        from clawlib.errors import DriverError

        state = container.get("State") or {}
        if not state.get("Running"):
            status = state.get("Status") or "unknown"
            short = str(container.get("Id", ""))[:12]
            raise DriverError(f"{self.name}: container {short} is not running (status: {status})")

    def health_probe(
        self, container: Mapping[str, Any], probe: ProbeOutput | None = None
    ) -> HealthResult:
        """Judge health from the container's inspect data and, when :attr:`probe_command` is
        set, what that command printed (only called while the container runs).

        The default: the container must be running, and its compose healthcheck (if any) decides
        between healthy, unhealthy and starting.
        """
        return state_health(container)


def state_health(container: Mapping[str, Any]) -> HealthResult:
    """Health from the engine's view alone: running, and the healthcheck's verdict."""
    state = container.get("State") or {}
    if not state.get("Running"):
        status = state.get("Status") or "unknown"
        code = state.get("ExitCode")
        exited = f", exit code {code}" if status == "exited" and code is not None else ""
        return HealthResult("unhealthy", f"container is not running (status: {status}{exited})")
    health = state.get("Health") or {}
    verdict = health.get("Status")
    if verdict == "unhealthy":
        log = health.get("Log") or [{}]
        output = str(log[-1].get("Output") or "").strip().splitlines()
        reason = f": {output[-1]}" if output else ""
        return HealthResult("unhealthy", f"healthcheck failing{reason}")
    if verdict == "starting":
        return HealthResult("starting", "healthcheck starting")
    if verdict == "healthy":
        return HealthResult("healthy", "container running, healthcheck passing")
    return HealthResult("healthy", "container running")
