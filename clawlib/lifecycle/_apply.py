"""Apply a plan: build, write, ``docker compose up -d``, recreate what changed, verify.

The order is chosen so that a failure before compose runs changes nothing on disk: images are
built (from a temporary Dockerfile), the governance proxy's image is built when it is claw's own
(``claw-local/cllama*``, whichever service runs it) and missing or stale (:mod:`clawlib.images`),
and missing images are pulled first; then the files are switched to the new generation in one
step that keeps the one it replaces (:mod:`clawlib.generated`: a process killed at any moment
leaves the old generation or the new one, whole), then compose brings the project to the new
generation.

compose recreates a container when its service definition or image changed, but not when only a
file it bind-mounts changed; claw services whose runtime files changed and that compose left alone
are therefore force-recreated, and only those. Every claw container then passes its driver's
post-apply check, and every service must have a container: compose can exit 0 after failing to
pull an image.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from clawlib.api import build_image
from clawlib.compose import check_project_name
from clawlib.drivers import load_driver
from clawlib.drivers.base import ContainerExec, Driver, ProbeOutput
from clawlib.engine import (
    ComposeProject,
    ContainerRecord,
    DockerView,
    ProcessRunner,
    SubprocessRunner,
    find_compose,
)
from clawlib.errors import (
    ClawError,
    ContainerNotFoundError,
    ImageNotFoundError,
    ImagePullError,
    LocalImageError,
    PodError,
)
from clawlib.generated import PREVIOUS_DIR
from clawlib.images import ensure_proxy_image, is_local_proxy_image
from clawlib.labels import CLAW_SERVICE
from clawlib.planner import COMPOSE_FILE, Plan, PlanDiff, plan_pod
from clawlib.runtime import PASSTHROUGH

from ._impact import runtime_changes
from ._status import run_concurrently

__all__ = ["ApplyReport", "Progress", "ServiceOutcome", "apply"]

Stage = Literal["check", "build", "pull", "write", "up", "recreate", "verify"]


@dataclass(frozen=True, slots=True)
class Progress:
    """One step of an apply, or one line of output of the command that step runs."""

    stage: Stage
    text: str
    output: bool = False
    """A line the command printed (docker build, docker pull, docker compose), not claw's own."""


@dataclass(frozen=True, slots=True)
class ServiceOutcome:
    """What apply did to one compose service, and whether its containers passed the checks."""

    service: str
    action: Literal["created", "recreated", "unchanged", "removed"]
    containers: tuple[str, ...] = ()
    claw_type: str | None = None
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class ApplyReport:
    """The outcome of an apply: what was built, what changed on disk, and each service."""

    project: str
    diff: PlanDiff
    built: tuple[str, ...] = ()
    services: tuple[ServiceOutcome, ...] = ()
    previous: Path | None = None
    """Where the generation before this apply is kept (None: no file changed)."""
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return all(outcome.ok for outcome in self.services)

    @property
    def failures(self) -> tuple[ServiceOutcome, ...]:
        return tuple(outcome for outcome in self.services if not outcome.ok)


def apply(
    plan: Plan,
    *,
    project: str | None = None,
    on_progress: Callable[[Progress], None] = lambda progress: None,
    view: DockerView | None = None,
    runner: ProcessRunner | None = None,
) -> ApplyReport:
    """Make the engine run ``plan``: see the module docstring for the order of things.

    Raises :class:`~clawlib.errors.EngineError` subclasses for an unreachable engine, missing
    compose, a failed build or pull (nothing written then), or a failed ``docker compose up``
    (files written, the previous generation kept); :class:`~clawlib.errors.LocalImageError`
    when the governance proxy's image cannot be made here (nothing written then);
    :class:`~clawlib.errors.OutputWriteError` when the files cannot be written (nothing changed
    then). Post-apply check failures do not raise: they are in the report's
    :attr:`ApplyReport.failures`.
    """
    runner = runner or SubprocessRunner()
    name = check_project_name(project or plan.project)
    root = plan.directory
    _check_proxy_environment(plan)
    with DockerView.borrow(view) as engine:
        info = engine.info()
        compose = find_compose(runner)
        on_progress(
            Progress(
                "check",
                f"engine {info.server_version} at {info.host}; {compose.name} "
                f"{compose.version}; project {name}",
            )
        )
        built, plan, notes = _build_images(plan, engine, runner, on_progress)
        built += _build_proxy_images(plan, engine, runner, on_progress)
        services = plan.compose.services
        _pull_missing(services, engine, runner, on_progress)

        diff = plan.write(keep_previous=True)
        previous = root / PREVIOUS_DIR if diff.changed else None
        on_progress(
            Progress("write", diff.summary() if diff.changed else "generated files unchanged")
        )

        project_runner = ComposeProject(compose, name, root / COMPOSE_FILE, runner)
        before = _containers_by_service(engine.containers(name))
        on_progress(Progress("up", f"docker compose -p {name} up -d"))
        project_runner.up(on_line=lambda line: on_progress(Progress("up", line, output=True)))
        after = _containers_by_service(engine.containers(name))

        stale = [
            service
            for service in runtime_changes(plan, diff)
            if after.get(service) and _ids(after[service]) == _ids(before.get(service, ()))
        ]
        if stale:
            on_progress(
                Progress("recreate", f"recreating {', '.join(stale)}: runtime files changed")
            )
            project_runner.up(
                stale,
                force_recreate=True,
                on_line=lambda line: on_progress(Progress("recreate", line, output=True)),
            )
            after = _containers_by_service(engine.containers(name))

        outcomes = _verify(plan, services, engine, before, after, on_progress)
        outcomes += [ServiceOutcome(s, "removed") for s in diff.services_removed]
    return ApplyReport(name, diff, built, tuple(outcomes), previous, tuple(notes))


def _build_images(
    plan: Plan, engine: DockerView, runner: ProcessRunner, on_progress: Callable[[Progress], None]
) -> tuple[tuple[str, ...], Plan, list[str]]:
    """Build every image the plan needs; re-plan when one was built (its labels and the skill it
    ships are then read from the image itself)."""
    built: list[str] = []
    for build in plan.images:
        if build.image in built:
            continue
        on_progress(
            Progress("build", f"building {build.image} for {build.service} ({build.reason})")
        )
        build_image(
            build.context,
            file=build.clawfile,
            tags=(build.image,),
            on_output=lambda line: on_progress(Progress("build", line, output=True)),
            view=engine,
            runner=runner,
            write=False,
        )
        built.append(build.image)
    if not built:
        return (), plan, []
    replanned = plan_pod(plan.pod, tokens=plan.token_source())
    notes = []
    before = {f.path: f.content for f in plan.files}
    after = {f.path: f.content for f in replanned.files}
    if before != after:
        changed = sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
        notes.append(
            "the plan changed once the images were built (read from the images now): "
            + ", ".join(changed)
        )
    return tuple(built), replanned, notes


def _build_proxy_images(
    plan: Plan, engine: DockerView, runner: ProcessRunner, on_progress: Callable[[Progress], None]
) -> tuple[str, ...]:
    """Build each image of claw's own proxy repository (``claw-local/cllama*``) that a service
    runs, when it is missing or was built from other inputs: the governance proxy's, and that
    of any other service on it (the demo's fake provider). Another image (upstream's) is
    pulled like any other."""
    link = next((claw.proxy for claw in plan.claws.values() if claw.proxy is not None), None)
    proxy = plan.compose.services.get(link.service) if link is not None else None
    if link is not None and isinstance(proxy, dict) and link.type != PASSTHROUGH:
        image = proxy.get("image")
        if isinstance(image, str) and is_local_proxy_image(image):
            raise LocalImageError(
                image,
                f"claw builds the passthrough proxy only, and the governed claws name the proxy "
                f'type "{link.type}": name its image in the pod\'s x-claw.cllama-image',
            )
    images = sorted(
        {
            image
            for definition in plan.compose.services.values()
            if isinstance(definition, dict) and definition.get("build") is None
            for image in [definition.get("image")]
            if isinstance(image, str) and is_local_proxy_image(image)
        }
    )
    built = []
    for image in images:
        result = ensure_proxy_image(
            image,
            on_step=lambda text: on_progress(Progress("build", text)),
            on_output=lambda line: on_progress(Progress("build", line, output=True)),
            view=engine,
            runner=runner,
        )
        if result.built:
            built.append(image)
    return tuple(built)


def _pull_missing(
    services: Mapping[str, Any],
    engine: DockerView,
    runner: ProcessRunner,
    on_progress: Callable[[Progress], None],
) -> None:
    """Pull the images services run that are not in the local store, before anything is
    written (compose would report a failed pull and still exit 0)."""
    wanted: dict[str, list[str]] = {}
    for service, definition in services.items():
        image = definition.get("image") if isinstance(definition, dict) else None
        if not isinstance(image, str) or "$" in image or definition.get("build") is not None:
            continue  # interpolated names are compose's to resolve; built images are built
        wanted.setdefault(image, []).append(service)
    for image, users in sorted(wanted.items()):
        try:
            engine.image(image)
            continue
        except ImageNotFoundError:
            pass
        on_progress(Progress("pull", f"pulling {image} for {', '.join(users)}"))
        argv = ("docker", "pull", image)
        result = runner.stream(argv, lambda line: on_progress(Progress("pull", line, output=True)))
        if not result.ok:
            raise ImagePullError(
                argv, result.returncode, result.stdout, image=image, services=users
            )


def _verify(
    plan: Plan,
    services: Mapping[str, Any],
    engine: DockerView,
    before: Mapping[str, tuple[ContainerRecord, ...]],
    after: Mapping[str, tuple[ContainerRecord, ...]],
    on_progress: Callable[[Progress], None],
) -> list[ServiceOutcome]:
    outcomes = []
    drivers: dict[str, Driver] = {}  # one per claw type: looking a driver up reads metadata
    for service, definition in services.items():
        records = after.get(service, ())
        old = before.get(service, ())
        if not old:
            action: Literal["created", "recreated", "unchanged"] = "created"
        elif _ids(old) != _ids(records):
            action = "recreated"
        else:
            action = "unchanged"
        labels = definition.get("labels") if isinstance(definition, dict) else None
        base = labels.get(CLAW_SERVICE) if isinstance(labels, dict) else None
        claw = plan.claws.get(str(base)) if base else None
        problems = []
        if not records:
            problems.append("no container was created (see the compose output above)")
        elif claw is not None:
            driver = drivers.get(claw.claw_type) or load_driver(claw.claw_type)
            drivers[claw.claw_type] = driver
            for record in records:
                try:
                    notes = driver.post_apply(
                        engine.container(record.id), claw, _exec_in(engine, record.id)
                    )
                except ContainerNotFoundError:
                    problems.append(f"container {record.name} disappeared")
                except ClawError as exc:
                    problems.append(f"{record.name}: {exc}")
                else:
                    for note in notes:
                        on_progress(Progress("verify", f"{record.name}: {note}"))
        outcome = ServiceOutcome(
            service,
            action,
            tuple(r.name for r in records),
            claw.claw_type if claw is not None else None,
            tuple(problems),
        )
        verdict = "verified" if outcome.ok else "; ".join(problems)
        on_progress(Progress("verify", f"{service}: {action}, {verdict}"))
        outcomes.append(outcome)
    return outcomes


def _exec_in(engine: DockerView, container: str) -> ContainerExec:
    """A driver's way to run a command in ``container``, each run with its own time limit."""

    def run(argv: tuple[str, ...], timeout: float) -> ProbeOutput:
        outcome = run_concurrently([lambda: engine.exec(container, argv)], [timeout])[0]
        if isinstance(outcome, BaseException):
            raise outcome
        return ProbeOutput(outcome.exit_code, outcome.stdout, outcome.stderr)

    return run


def _check_proxy_environment(plan: Plan) -> None:
    """Refuse to start a governance proxy that a ``cllama-env`` variable would leave without a
    value (at plan time only a warning: a plan can be previewed without the keys)."""
    problems = [
        plan.pod.problem(
            ("services", name, "x-claw", "cllama-env", key),
            f"${{{variable}}} is not set (in .env or the environment): the governance proxy "
            f"would start with an empty {key}; set {variable}, or remove {key} from cllama-env",
        )
        for name, claw in plan.claws.items()
        if claw.proxy is not None
        for key, variable in plan.pod.services[name].unset_proxy_env
    ]
    if problems:
        raise PodError(plan.pod.display, problems)


def _containers_by_service(
    records: tuple[ContainerRecord, ...],
) -> dict[str, tuple[ContainerRecord, ...]]:
    grouped: dict[str, list[ContainerRecord]] = {}
    for record in records:
        grouped.setdefault(record.service, []).append(record)
    return {service: tuple(items) for service, items in grouped.items()}


def _ids(records: tuple[ContainerRecord, ...]) -> tuple[str, ...]:
    return tuple(sorted(record.id for record in records))
