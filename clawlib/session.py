"""One pod and one engine connection: the verbs every front end needs.

``claw`` and the TUI are thin adapters over :class:`PodSession`: it finds the pod the way both
accept it (a pod file, or a directory holding ``claw-pod.yml``), plans it with one image-lookup
policy (the engine's labels; an unreachable engine makes the plan come from the Clawfiles, said
once in its warnings: see :func:`~clawlib.planner.plan_pod`), says what applying it would do to
the containers, applies it, brings it down, acts on its services, rolls it back, reports its
status and what its model requests cost, all through one :class:`~clawlib.engine.DockerView`.

A session opens no connection until a verb needs the engine, and closes the view it made when
it is closed (``with open_pod(...) as pod:``); a view passed in stays the caller's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Literal, Self

from clawlib.costs import CostFold, CostRow, CostTotals
from clawlib.engine import (
    ComposeProject,
    ContainerRecord,
    DockerView,
    LocalImages,
    LogLine,
    LogSource,
    ProcessRunner,
    find_compose,
)
from clawlib.errors import NoPreviousGenerationError, NoProxyError
from clawlib.labels import CLAW_ROLE
from clawlib.pod import find_pod, pod_path

if TYPE_CHECKING:
    from clawlib.lifecycle import ApplyReport, ContainerHealth, Impact, PodTarget, Progress
    from clawlib.planner import Plan, PlanDiff
    from clawlib.pod import Pod

__all__ = ["Action", "PodSession", "PodStatus", "ProxyCosts", "open_pod"]

Action = Literal["start", "stop", "restart", "rebuild"]
"""What :meth:`PodSession.act` does to services: compose's start, stop and restart, or rebuild
(build the images again as apply builds them, and recreate the containers)."""


@dataclass(frozen=True, slots=True)
class PodStatus:
    """The project's containers and the health each was judged to have just now."""

    project: str
    containers: tuple[ContainerHealth, ...]

    @property
    def ok(self) -> bool:
        """Some container runs, and every one is healthy."""
        return bool(self.containers) and all(item.ok for item in self.containers)


@dataclass(frozen=True, slots=True)
class ProxyCosts:
    """What a governed pod's model requests cost, folded from its proxy's log (see
    :mod:`clawlib.costs` for what counts)."""

    project: str
    proxies: tuple[ContainerRecord, ...]
    """The proxy containers whose logs were read (one, unless the project holds strays)."""
    since: datetime | None
    """Records from before this were left out (None: the whole log)."""
    rows: tuple[CostRow, ...]
    """Per agent and model, by agent then model."""
    total: CostTotals
    lines: int
    """Log lines read."""
    skipped: int
    """Of those, lines that were not proxy records (the proxy's start-up message...)."""


def open_pod(
    pod: str | Path = ".",
    *,
    project: str | None = None,
    view: DockerView | None = None,
    runner: ProcessRunner | None = None,
) -> PodSession:
    """A session on the pod at ``pod`` (see :class:`PodSession`)."""
    return PodSession(pod, project=project, view=view, runner=runner)


class PodSession:
    """The pod at ``pod`` (a pod file, or a directory holding ``claw-pod.yml``; it need not
    exist for the verbs that work from the generated file: down, act, roll back, status).

    ``project`` is the compose project (``-p``); by default the plan's, or for an applied pod
    the one its generated file names. ``view`` and ``runner`` reach the engine and run
    ``docker compose`` (defaults: the local engine, real processes).
    """

    def __init__(
        self,
        pod: str | Path = ".",
        *,
        project: str | None = None,
        view: DockerView | None = None,
        runner: ProcessRunner | None = None,
    ) -> None:
        self.pod = pod
        self.pod_file = pod_path(pod).absolute()
        self.project = project
        self._view = view
        self._owns_view = view is None
        self.runner = runner

    @property
    def directory(self) -> Path:
        return self.pod_file.parent

    @property
    def view(self) -> DockerView:
        """The engine, connected on first use."""
        if self._view is None:
            self._view = DockerView()
        return self._view

    def close(self) -> None:
        """Close the engine connection this session opened (not one it was given)."""
        if self._owns_view and self._view is not None:
            self._view.close()
            self._view = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    # Planning.

    def plan(self) -> Plan:
        """Load the pod file and plan it (:class:`~clawlib.errors.PodNotFoundError` when there
        is none, :class:`~clawlib.errors.PodError` listing every problem of a bad one: those of
        the pod file and of every later stage together). Images are looked up in the engine;
        when it does not answer, claws are planned from their Clawfiles and the plan's warnings
        say so once."""
        from clawlib.pod import load_pod

        find_pod(self.pod)
        # Named as given, in messages; its problems are reported with the plan's own.
        pod = load_pod(self.pod, partial=True)
        return self._plan(pod)

    def _plan(self, pod: Pod, rotate: Sequence[str] = ()) -> Plan:
        """Plan ``pod`` with the images as the engine has them now (each looked up once)."""
        from clawlib.planner import plan_pod

        images = LocalImages(self.view)
        return plan_pod(pod, images.labels, image_env=images.env, image_id=images.id, rotate=rotate)

    def rotate_tokens(self, services: Sequence[str] = ()) -> tuple[Plan, tuple[str, ...]]:
        """New governance tokens for the agents of the governed claws ``services`` (none: every
        governed claw), written to the generated files (the kept generation saved for a
        rollback). Returns the plan written and the agents whose tokens changed. Raises
        :class:`~clawlib.errors.InvalidValueError` for a service that is not a governed claw,
        and what planning raises; nothing is written then. The running containers keep their
        old tokens until ``claw up`` recreates them."""
        from clawlib.errors import InvalidValueError
        from clawlib.pod import load_pod
        from clawlib.runtime import agent_ids

        find_pod(self.pod)
        pod = load_pod(self.pod, partial=True)
        plan = self._plan(pod, rotate=list(services) or list(pod.services))
        governed = {name: c for name, c in plan.claws.items() if c.proxy is not None}
        unknown = [name for name in services if name not in governed]
        if unknown:
            raise InvalidValueError(
                f"not a governed claw of this pod: {', '.join(unknown)} (governed: "
                f"{', '.join(sorted(governed)) or 'none'})"
            )
        plan.write(keep_previous=True)
        chosen = sorted(services or governed)
        changed = tuple(a for s in chosen for a in agent_ids(s, governed[s].count))
        return plan, changed

    def impact(self, plan: Plan, diff: PlanDiff) -> Impact:
        """What applying ``plan`` (``diff``: its diff against the disk) does to the project's
        containers: which are recreated, created, started or removed, and why (see
        :func:`~clawlib.lifecycle.assess_impact`). Never raises for the engine: when it does not
        answer the impact says so, and when compose cannot hash the services it is judged from
        the generated files alone, with a note."""
        from clawlib.errors import ComposeFailedError, ComposeNotFoundError, EngineUnavailableError
        from clawlib.generated import COMPOSE_FILE
        from clawlib.lifecycle import assess_impact, compose_hashes

        project = self.project or plan.project
        try:
            containers = self.view.containers(project)
        except EngineUnavailableError as exc:
            note = f"the Docker engine at {exc.host} does not answer: {exc.reason}"
            return assess_impact(plan, diff, None, project=project, notes=(note,))
        if not containers:
            return assess_impact(plan, diff, containers, project=project)
        notes: list[str] = []
        hashes: dict[str, str] | None
        try:
            compose = ComposeProject(
                find_compose(self.runner), project, plan.directory / COMPOSE_FILE, self.runner
            )
            hashes = compose_hashes(plan, compose)
        except (ComposeNotFoundError, ComposeFailedError) as exc:
            hashes = None
            notes.append(
                f"compose could not hash the services ({exc}): what is recreated is judged "
                "from the generated files alone"
            )
        local = LocalImages(self.view)
        images: dict[str, str | None] = {}
        try:
            for definition in plan.compose.services.values():
                image = definition.get("image")
                if isinstance(image, str) and "$" not in image and image not in images:
                    images[image] = local.id(image)
        except EngineUnavailableError as exc:
            notes.append(f"images not looked up: {exc.reason}")
            images = {}
        return assess_impact(plan, diff, containers, hashes, images, project=project, notes=notes)

    # What runs.

    def target(self) -> PodTarget:
        """The applied pod: its generated file and project (see
        :func:`~clawlib.lifecycle.locate`)."""
        from clawlib.lifecycle import locate

        return locate(self.pod_file, self.project)

    def containers(self) -> tuple[ContainerRecord, ...]:
        """The applied pod's containers, as the engine lists them."""
        return self.view.containers(self.target().project)

    def other_projects(self) -> dict[str, tuple[int, int]]:
        """The compose projects other than this session's that have containers made from the
        pod's directory (a ``claw up -p X`` earlier), each with how many containers it has and
        how many run: what ``claw down`` or ``claw ps`` without the same ``-p`` leaves out."""
        target = self.target()
        found = self.view.projects_at(str(target.directory))
        return {name: counts for name, counts in found.items() if name != target.project}

    def status(self) -> PodStatus:
        """Every container of the applied pod, with its health probed now (concurrently)."""
        from clawlib.lifecycle import probe_health

        target = self.target()
        containers = self.view.containers(target.project)
        return PodStatus(target.project, probe_health(self.view, containers))

    def costs(self, since: datetime | None = None) -> ProxyCosts:
        """What the applied pod's model requests cost: the whole log of its governance proxy
        container (the engine keeps it across restarts of the container, not when it is
        recreated), folded per agent and model, records before ``since`` left out. Raises
        :class:`~clawlib.errors.NoProxyError` when the project has no proxy container (the pod
        is not governed, or not up), and the engine's errors."""
        target = self.target()
        proxies = tuple(c for c in self.view.containers(target.project) if c.role == "proxy")
        if not proxies:
            service = next(
                (
                    name
                    for name, definition in target.compose.services.items()
                    if isinstance(labels := definition.get("labels"), dict)
                    and labels.get(CLAW_ROLE) == "proxy"
                ),
                None,
            )
            raise NoProxyError(target.project, service)
        fold = CostFold(since)
        sources = [LogSource.of(c) for c in proxies]
        with self.view.logs(sources, follow=False, since=since) as stream:
            for item in stream:
                if isinstance(item, LogLine):
                    fold.add_line(item.source.container_id, item.text, item.timestamp)
        return ProxyCosts(
            target.project, proxies, fold.since, fold.rows(), fold.total(), fold.lines, fold.skipped
        )

    # Changing what runs.

    def apply(
        self, plan: Plan, on_progress: Callable[[Progress], None] = lambda progress: None
    ) -> ApplyReport:
        """Make the engine run ``plan`` (see :func:`clawlib.lifecycle.apply`)."""
        from clawlib.lifecycle import apply

        return apply(
            plan,
            project=self.project,
            on_progress=on_progress,
            view=self.view,
            runner=self.runner,
        )

    def down(
        self, *, volumes: bool = False, on_line: Callable[[str], None] = lambda line: None
    ) -> PodTarget:
        """Remove the pod's containers and networks, and check that none is left (see
        :func:`clawlib.lifecycle.bring_down`)."""
        from clawlib.lifecycle import bring_down

        return bring_down(
            self.pod_file,
            self.project,
            volumes=volumes,
            on_line=on_line,
            view=self.view,
            runner=self.runner,
        )

    def act(
        self,
        action: Action,
        services: Sequence[str] = (),
        on_line: Callable[[str], None] = lambda line: None,
    ) -> None:
        """Start, stop, restart or rebuild ``services`` of the applied pod (compose service
        names; none: all of them). A rebuild builds the images as apply does, a claw's from its
        Clawfile as it is now, then recreates the containers (see
        :func:`~clawlib.lifecycle.rebuild`)."""
        if action == "rebuild":
            from clawlib.lifecycle import rebuild

            rebuild(
                self.pod_file,
                self.project,
                services,
                on_line=on_line,
                view=self.view,
                runner=self.runner,
            )
            return
        target = self.target()
        compose = ComposeProject(
            find_compose(self.runner), target.project, target.compose_file, self.runner
        )
        if action == "start":
            compose.start(services, on_line=on_line)
        elif action == "stop":
            compose.stop(services, on_line=on_line)
        else:
            compose.restart(services, on_line=on_line)

    def has_previous(self) -> bool:
        """Whether a generation kept before the last apply can be rolled back to."""
        from clawlib.lifecycle import has_previous

        return has_previous(self.directory)

    def roll_back(self, on_line: Callable[[str], None] = lambda line: None) -> tuple[str, ...]:
        """Put back the generation kept before the last apply and recreate every container
        from it; returns the paths put back. Raises
        :class:`~clawlib.errors.NoPreviousGenerationError` when none is kept (nothing changes
        then)."""
        from clawlib.generated import RUNTIME_DIR
        from clawlib.lifecycle import roll_back

        if not self.has_previous():
            raise NoPreviousGenerationError(str(self.directory / RUNTIME_DIR), "none is kept")
        return roll_back(self.pod_file, self.project, on_line=on_line, runner=self.runner)
