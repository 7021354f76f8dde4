"""The driver contract: how a runner's native configuration is made from a resolved claw.

A driver is pure in its planning half: :meth:`Driver.validate` and :meth:`Driver.materialise`
take values and return values — the files the runner needs and what the compose service must add
(mounts, tmpfs, environment, healthcheck). Writing the files, starting containers and probing them
is the caller's business; the two engine-facing methods (:meth:`Driver.post_apply`,
:meth:`Driver.health_probe`) are handed a :class:`~clawlib.engine.ContainerRecord`, claw's own
record of the container, never the engine's raw data. A driver never talks to the engine itself:
what it must run in a container goes through the caller, either as :attr:`Driver.probe_command`
(the health probe) or through the :data:`ContainerExec` that :meth:`Driver.post_apply` is handed
(a runner whose scheduler is a command, not a file: nullclaw's ``cron add``).

**Files.** Every path a driver returns in :attr:`Materialised.files` is relative to the service's
runtime directory, ``.claw-runtime/<service>/`` in the pod directory (``<service>`` is the claw
service's base name; every replica shares the directory). Paths are POSIX, with no ``..``, ``.``
or empty parts and no leading ``/``: the plan refuses any other. Two names there are claw's own
and must not be used: ``skills/`` (the skill files claw generates) and ``persona/`` (the claw's
writable persona workspace). A file is written with its :attr:`RuntimeFile.mode` (0644 by
default), or 0600 when it holds a secret — marked :attr:`RuntimeFile.secret` or found by claw's
secret detector — and a secret file's content is never shown in a diff. Prefer ``${VAR}``
references the runner resolves from its environment to secret values in files. A file of the
runtime directory that the driver no longer returns is removed at the next apply. In the
runner's own directories (:meth:`Materialised.runner_dirs`: every runtime directory mounted
read-write, and the :attr:`Materialised.state_dirs`) only the files claw wrote are: what the
runner writes there is its state, and stays. ``persona/`` is never touched.

**Mounts.** A :class:`Mount`'s ``source`` is relative to the runtime directory too, unless
``absolute``: then it is written to the compose file as given (a host path, or ``./``-relative to
the pod directory). Mounts are read-only unless ``read_only=False``. A bind mount holds an inode:
mount a directory rather than a file when the runner rewrites the file by renaming a new one over
it (see the openclaw driver's ``config/``).

**Skills.** Claw mounts each of the claw's skill files read-only under
:attr:`Materialised.skill_dir`: at ``<skill_dir>/<name>`` (``flat``) or
``<skill_dir>/<stem>/SKILL.md`` (``directory``). With ``skill_dir`` None the runner gets none.

**Registration.** A driver is a concrete subclass registered in the entry-point group
``clawlib.drivers`` under its :attr:`Driver.name` (see :mod:`clawlib.drivers._registry`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from clawlib.engine import ContainerRecord
from clawlib.runtime import PERSONA_DIR, ResolvedClaw

__all__ = [
    "ContainerExec",
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
    """The file's bytes, exactly as the runner will read them."""
    mode: int = 0o644
    """Permission bits; claw writes 0600 instead when the file holds a secret."""
    secret: bool = False
    """Holds a secret (a token): written 0600 and never shown in a diff."""


@dataclass(frozen=True, slots=True)
class Mount:
    """A bind mount into the claw's container."""

    source: str
    """Relative to the service's runtime directory (``config``, ``AGENTS.md``) unless
    ``absolute``."""
    target: str
    """The absolute path in the container."""
    read_only: bool = True
    """Mounted ``:ro``; False mounts it ``:rw`` (a directory the runner writes to)."""
    absolute: bool = False
    """``source`` is written as given: an operator's file (``./``-relative to the pod
    directory) or a host path, not a file of the runtime directory."""


@dataclass(frozen=True, slots=True)
class Healthcheck:
    """A compose healthcheck (it replaces the service's own)."""

    test: tuple[str, ...]
    """Compose's ``test``: ``("CMD", argv...)`` or ``("CMD-SHELL", "command")``."""
    interval: str = "30s"
    timeout: str = "10s"
    retries: int = 3

    def to_compose(self) -> dict[str, Any]:
        """The healthcheck as the compose file's ``healthcheck:`` mapping."""
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
    """Relative path under the service's runtime directory → file (see the module's rules)."""
    mounts: tuple[Mount, ...] = ()
    """Bind mounts, in order, before the skill and surface mounts claw adds."""
    tmpfs: tuple[str, ...] = ()
    """Container paths mounted as tmpfs (what a runner writes under a read-only root)."""
    environment: Mapping[str, str] = field(default_factory=dict)
    """Variables set on the service, over its own ``environment:`` values of the same name.
    Values are written literally: refer to secrets as ``${VAR}``."""
    healthcheck: Healthcheck | None = None
    """The service's healthcheck; None keeps the service's own (or none)."""
    read_only: bool = True
    """The container's root file system is read-only."""
    user: str | None = None
    """The user the runner runs as, ``"<uid>:<gid>"`` (compose's ``user:``, unless the service
    sets its own): the service's runtime directory is made that user's, so that a runner that
    is not root can read its files (0600 when they hold a secret) and write its directories.
    None: the image's own user, and the files stay claw's."""
    restart: str = "on-failure"
    """Compose's restart policy."""
    skill_dir: str | None = None
    """Where skills are mounted in the container (None: the runner takes no skills)."""
    skill_layout: Literal["flat", "directory"] = "flat"
    """``flat``: ``<dir>/<name>``; ``directory``: ``<dir>/<stem>/SKILL.md``."""
    state_dirs: tuple[str, ...] = ()
    """Directories under the runtime directory (relative, like :attr:`files`), not mounted
    read-write themselves, that the runner writes its state to (see :meth:`runner_dirs`)."""
    warnings: tuple[str, ...] = ()
    """Shown with the plan, each prefixed by the service's place in the pod file."""

    def runner_dirs(self) -> tuple[str, ...]:
        """The directories of the runtime directory the runner writes to: the
        :attr:`state_dirs` and the source of every read-write mount of a runtime directory
        (not of a file of :attr:`files`, not ``persona/``). Claw keeps what it finds there,
        removing only the files it wrote and no longer writes. Sorted."""
        dirs = set(self.state_dirs)
        for mount in self.mounts:
            if mount.absolute or mount.read_only or mount.source in self.files:
                continue
            if mount.source.split("/")[0] != PERSONA_DIR:
                dirs.add(mount.source.rstrip("/"))
        return tuple(sorted(dirs))

    def skill_target(self, name: str) -> str | None:
        """Where the skill file ``name`` is mounted in the container (None: no skills)."""
        if self.skill_dir is None:
            return None
        if self.skill_layout == "flat":
            return f"{self.skill_dir}/{name}"
        return f"{self.skill_dir}/{name.rsplit('.', 1)[0]}/SKILL.md"

    def mount_points(self, skills: Sequence[str]) -> tuple[str, ...]:
        """The files the engine creates in the runtime directory as mount points: a skill (of
        ``skills``, by name) or a file mount whose container path lies inside a directory of
        the runtime directory that is mounted too (nanobot's skills inside its mounted home).
        Paths relative to the runtime directory, sorted."""
        targets = [target for name in skills if (target := self.skill_target(name))]
        targets += [mount.target for mount in self.mounts]
        points = set()
        for mount in self.mounts:
            if mount.absolute:
                continue
            inside = mount.target.rstrip("/") + "/"
            for target in targets:
                if target.startswith(inside):
                    points.add(f"{mount.source}/{target[len(inside) :]}")
        return tuple(sorted(points))


@dataclass(frozen=True, slots=True)
class ProbeOutput:
    """What the driver's probe command did in the container: exit code, stdout, stderr."""

    exit_code: int
    stdout: str
    stderr: str


ContainerExec = Callable[[tuple[str, ...], float], ProbeOutput]
"""Runs an argv in the container :meth:`Driver.post_apply` checks, within a time limit in
seconds, and returns what it did. Raises :class:`TimeoutError` when the limit passes, and
:class:`~clawlib.errors.ContainerNotFoundError` when the container is gone."""


@dataclass(frozen=True, slots=True)
class HealthResult:
    """What a health probe found: ``healthy``, ``unhealthy``, or ``starting`` (the container's
    healthcheck has not decided yet), and why (``detail``, one line in the user's words)."""

    status: HealthStatus
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "healthy"


class Driver(ABC):
    """A claw runner (openclaw, generic, ...). One instance serves a whole pod.

    Subclasses set :attr:`name` (the CLAW_TYPE, equal to the name they are registered under) and
    implement :meth:`materialise`; the other methods have safe defaults. The registry creates the
    instance with no arguments.
    """

    name: ClassVar[str]
    """The claw type this driver runs (``CLAW_TYPE`` in a Clawfile, ``claw.type`` on images)."""
    description: ClassVar[str] = ""
    """One line about the runner, for listings."""

    config_file: ClassVar[str | None] = None
    """The runner's own configuration file among those :meth:`materialise` returns (a path
    relative to the runtime directory), shown first wherever the claw's files are listed; None
    for a runner without one."""

    probe_command: ClassVar[tuple[str, ...] | None] = None
    """A command run in the container (``docker exec``) whose output :meth:`health_probe`
    judges; None: the driver judges from the container's state alone."""
    probe_timeout: ClassVar[float] = 15.0
    """Seconds the probe command may take before the claw counts as unhealthy."""

    def validate(self, claw: ResolvedClaw) -> list[str]:
        """Check ``claw`` before anything is generated.

        Returns warnings for the plan (empty: nothing to say). Raises
        :class:`~clawlib.errors.DriverError` — one problem per argument — when the claw cannot
        run under this runner: the plan fails with every problem listed on the service, and
        nothing is written or started.
        """
        return []

    @abstractmethod
    def materialise(self, claw: ResolvedClaw) -> Materialised:
        """The runner's files and compose additions for ``claw`` (called after
        :meth:`validate`). Pure: never writes, reads or runs anything, and returns the same
        value for the same claw — the plan's diff and its idempotence rely on it.

        Raises :class:`~clawlib.errors.DriverError` for inputs the runner cannot express.
        """

    def post_apply(
        self, container: ContainerRecord, claw: ResolvedClaw, run: ContainerExec
    ) -> tuple[str, ...]:
        """Verify a container of ``claw``'s service just after ``claw up`` started it
        (``container`` as the engine described it then; called once per replica), and do what
        the runner needs done in a running container (``run`` executes a command in it).

        Returns what it did worth reporting, a line each (empty: nothing to say); raises
        :class:`~clawlib.errors.DriverError` saying what is wrong, which ``claw up`` reports on
        the service. The default requires the container to be running and runs nothing.
        """
        from clawlib.errors import DriverError

        if not container.running:
            raise DriverError(
                f"{self.name}: container {container.short_id} is not running "
                f"(status: {container.state})"
            )
        return ()

    def health_probe(
        self, container: ContainerRecord, probe: ProbeOutput | None = None
    ) -> HealthResult:
        """Judge the health of ``container`` (as the engine describes it now).

        ``probe`` is what :attr:`probe_command` printed, when the driver has one and the
        container runs; None otherwise (judge from the container alone, e.g. with
        :func:`state_health`). Returns the verdict; never raises for an unhealthy claw. The
        default: the container must be running, and its compose healthcheck (if any) decides
        between healthy, unhealthy and starting.
        """
        return state_health(container)


def state_health(container: ContainerRecord) -> HealthResult:
    """Health from the engine's view alone: running, and the healthcheck's verdict (with the
    last line its failing check printed)."""
    if not container.running:
        exited = f", exit code {container.exit_code}" if container.state == "exited" else ""
        return HealthResult(
            "unhealthy", f"container is not running (status: {container.state}{exited})"
        )
    if container.health == "unhealthy":
        output = (container.health_output or "").splitlines()
        reason = f": {output[-1]}" if output else ""
        return HealthResult("unhealthy", f"healthcheck failing{reason}")
    if container.health == "starting":
        return HealthResult("starting", "healthcheck starting")
    if container.health == "healthy":
        return HealthResult("healthy", "container running, healthcheck passing")
    return HealthResult("healthy", "container running")
