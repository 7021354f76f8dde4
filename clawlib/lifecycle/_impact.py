"""What applying a plan does to the containers: which are recreated, created, started or removed,
and why.

compose decides for itself which containers ``up`` recreates: one whose
``com.docker.compose.config-hash`` label differs from the hash of its service's definition as
compose loads it (the environment with what its env files set), or whose
``com.docker.compose.image`` label (the image ID it was created from) differs from the ID of the
service's image now. claw adds its own: a claw whose runtime files changed is force-recreated
(a bind mount holds the old file). :func:`assess_impact` judges each container by those rules,
from values alone — the plan, its diff, the containers listed and the hashes compose computed
(:func:`compose_hashes`, the one call to the engine) — and gives each change a reason from the
diff of the old and the new definition where there is one.

Without an engine, or with no container running, the plan still stands: the impact says what it
cannot know, or that nothing runs.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from clawlib.compose import RUNTIME_DIR, service_names
from clawlib.engine import ComposeProject, ContainerRecord
from clawlib.labels import CLAW_SERVICE, COMPOSE_WORKING_DIR
from clawlib.planner import Plan, PlanDiff
from clawlib.yamlio import dump_yaml

__all__ = [
    "CONFIG_HASH_LABEL",
    "IMAGE_LABEL",
    "WORKING_DIR_LABEL",
    "Impact",
    "ServiceImpact",
    "assess_impact",
    "compose_hashes",
    "runtime_changes",
]

CONFIG_HASH_LABEL = "com.docker.compose.config-hash"
IMAGE_LABEL = "com.docker.compose.image"
"""The ID of the image compose created the container from (compose 2.2x and later)."""
WORKING_DIR_LABEL = COMPOSE_WORKING_DIR
"""The directory compose resolved the project's relative paths against."""

ImpactAction = Literal["recreate", "create", "start", "remove", "keep"]
_SYMBOLS = {"recreate": "~", "create": "+", "start": ">", "remove": "-", "keep": " "}
_VERBS: tuple[tuple[ImpactAction, str], ...] = (
    ("recreate", "recreates"),
    ("create", "creates"),
    ("start", "starts"),
    ("remove", "removes"),
)


@dataclass(frozen=True, slots=True)
class ServiceImpact:
    """What apply does to one compose service's containers, and why."""

    service: str
    action: ImpactAction
    reasons: tuple[str, ...] = ()
    containers: tuple[str, ...] = ()
    """The containers it acts on (none for a service whose container is to be created)."""

    def line(self) -> str:
        """``~ assistant: recreate (environment changed: CLAW_HANDLE_…)``."""
        why = f" ({'; '.join(self.reasons)})" if self.reasons else ""
        return f"{_SYMBOLS[self.action]} {self.service}: {self.action}{why}"


@dataclass(frozen=True)
class Impact:
    """What applying a plan does to the project's containers (see the module docstring).

    ``known`` is False when the engine could not be asked: :attr:`services` is empty then and
    :attr:`notes` says why.
    """

    project: str
    services: tuple[ServiceImpact, ...] = ()
    planned: int = 0
    """Containers the plan runs."""
    running: int = 0
    """Of those, how many run now."""
    known: bool = True
    notes: tuple[str, ...] = field(default=())

    def acting(self, action: ImpactAction) -> tuple[ServiceImpact, ...]:
        return tuple(s for s in self.services if s.action == action)

    @property
    def changes(self) -> tuple[ServiceImpact, ...]:
        """Every service apply acts on (all but those it keeps as they are)."""
        return tuple(s for s in self.services if s.action != "keep")

    @property
    def recreated(self) -> tuple[str, ...]:
        """The compose services whose containers apply recreates."""
        return tuple(s.service for s in self.acting("recreate"))

    def summary(self) -> str:
        """``Containers: 5 of 7 running; apply recreates 1, creates 2.`` (or says what is not
        known)."""
        if not self.known:
            return "Containers: not known" + (f" ({self.notes[0]})." if self.notes else ".")
        counts = [
            f"{verb} {len(self.acting(action))}" for action, verb in _VERBS if self.acting(action)
        ]
        done = f"apply {', '.join(counts)}" if counts else "apply changes none"
        return f"Containers: {self.running} of {self.planned} running; {done}."


def assess_impact(
    plan: Plan,
    diff: PlanDiff,
    containers: Sequence[ContainerRecord] | None,
    hashes: Mapping[str, str] | None = None,
    images: Mapping[str, str | None] | None = None,
    *,
    project: str | None = None,
    notes: Sequence[str] = (),
) -> Impact:
    """Judge what applying ``plan`` (whose ``diff`` against the disk is given) does to
    ``containers``, the project's containers now (None: the engine could not be asked).

    ``hashes`` are compose's config hashes of the planned services (None: not known; the
    services the diff calls changed are taken as recreated then). ``images`` maps the image
    each service runs to its local image ID now (None for one not in the store; an image not
    in the mapping is not judged). Images the plan builds are rebuilt, so their containers are
    recreated.
    """
    name = project or plan.project
    if containers is None:
        return Impact(name, known=False, notes=tuple(notes))
    services = plan.compose.services
    by_service: dict[str, list[ContainerRecord]] = {}
    for container in containers:
        by_service.setdefault(container.service, []).append(container)
    runtime = runtime_changes(plan, diff)
    built = {build.image for build in plan.images}
    scale = _scaling(services, containers)
    impacts: list[ServiceImpact] = []
    planned = running = 0
    for service, definition in services.items():
        records = sorted(by_service.get(service, ()), key=lambda c: (c.number, c.name))
        planned += _replicas(definition)
        running += sum(1 for c in records if c.running)
        names = tuple(c.name for c in records)
        if not records:
            group = _group(service, definition)
            if group in scale:
                reason = scale[group]
            elif service in diff.services_added:
                reason = "new service"
            else:
                reason = "no container yet"
            impacts.append(ServiceImpact(service, "create", (reason,)))
            continue
        reasons = _definition_reasons(service, records, diff, hashes, plan.directory)
        reasons += _image_reasons(definition, records, built, images)
        if service in runtime:
            reasons.append(f"runtime files changed: {', '.join(runtime[service])}")
        if reasons:
            impacts.append(ServiceImpact(service, "recreate", tuple(reasons), names))
        elif not all(c.running for c in records):
            impacts.append(
                ServiceImpact(service, "start", ("not running: will be started",), names)
            )
        else:
            impacts.append(ServiceImpact(service, "keep", (), names))
    for service in sorted(set(by_service) - set(services)):
        records = sorted(by_service[service], key=lambda c: (c.number, c.name))
        group = records[0].claw_service or service
        reason = scale.get(group, "no longer in the pod")
        impacts.append(ServiceImpact(service, "remove", (reason,), tuple(c.name for c in records)))
    return Impact(name, tuple(impacts), planned, running, notes=tuple(notes))


def runtime_changes(plan: Plan, diff: PlanDiff) -> dict[str, tuple[str, ...]]:
    """Compose service → the runtime files of its claw that were added, changed or removed
    (relative to the claw's runtime directory), for the claws that have some: apply
    force-recreates their containers. Every replica of a counted claw is named."""
    touched: dict[str, list[str]] = {}
    for change in diff.files:
        parts = PurePosixPath(change.path).parts
        if len(parts) > 2 and parts[0] == RUNTIME_DIR and parts[1] in plan.claws:
            touched.setdefault(parts[1], []).append("/".join(parts[2:]))
    found: dict[str, tuple[str, ...]] = {}
    for base in sorted(touched):
        service = plan.pod.services[base]
        count = service.claw.count if service.claw is not None else 1
        for name in service_names(base, count):
            found[name] = tuple(sorted(touched[base]))
    return found


def compose_hashes(plan: Plan, compose: ComposeProject) -> dict[str, str]:
    """compose's config hash of each planned service, as ``up`` will stamp it on the
    containers it creates from the plan's compose file.

    The env files of the generated tree that the services name are not written yet, so compose
    reads them from a temporary directory holding their planned content (``up`` merges what
    they set into the environment and hashes that, not their paths). Raises
    :class:`~clawlib.errors.ComposeFailedError` when compose cannot load the file.
    """
    planned = {item.path: item for item in plan.files}
    with tempfile.TemporaryDirectory(prefix="claw-hash-") as scratch:
        written: dict[str, str] = {}

        def redirect(path: str) -> str:
            relative = PurePosixPath(path.removeprefix("./")).as_posix()
            item = planned.get(relative)
            if item is None or not relative.startswith(f"{RUNTIME_DIR}/"):
                return path
            if relative not in written:
                target = Path(scratch) / f"{len(written)}.env"
                target.write_bytes(item.content)
                written[relative] = str(target)
            return written[relative]

        services: dict[str, Any] = {}
        for name, definition in plan.compose.services.items():
            value = definition.get("env_file")
            if value is None:
                services[name] = definition
                continue
            items = value if isinstance(value, list) else [value]
            files: list[Any] = []
            for item in items:
                if isinstance(item, str):
                    files.append(redirect(item))
                elif isinstance(item, Mapping) and isinstance(item.get("path"), str):
                    files.append({**item, "path": redirect(item["path"])})
                else:
                    files.append(item)
            services[name] = {**definition, "env_file": files}
        text = dump_yaml({**plan.compose.data, "services": services})
        return compose.config_hashes(text)


def _definition_reasons(
    service: str,
    records: Sequence[ContainerRecord],
    diff: PlanDiff,
    hashes: Mapping[str, str] | None,
    directory: Path,
) -> list[str]:
    if hashes is None:
        if service in diff.services_changed:
            return list(diff.service_reasons.get(service, ("definition changed",)))
        return []
    expected = hashes.get(service)
    if expected is None or all(c.labels.get(CONFIG_HASH_LABEL) == expected for c in records):
        return []
    reasons = diff.service_reasons.get(service)
    if reasons:
        return list(reasons)
    here = str(directory.resolve())
    elsewhere = sorted(
        {
            c.labels[WORKING_DIR_LABEL]
            for c in records
            if c.labels.get(WORKING_DIR_LABEL) not in (None, here)
        }
    )
    if elsewhere:  # its bind mounts and build context are other paths
        return [f"created from another directory: {', '.join(elsewhere)}"]
    return ["definition changed since the container was created"]


def _image_reasons(
    definition: Mapping[str, Any],
    records: Sequence[ContainerRecord],
    built: set[str],
    images: Mapping[str, str | None] | None,
) -> list[str]:
    image = definition.get("image")
    if not isinstance(image, str):
        return []
    if image in built:
        return ["image rebuilt"]
    if images is None or image not in images:
        return []
    current = images[image]
    if current is None:
        return ["image not in the local store: pulled first"]
    if all(c.labels.get(IMAGE_LABEL) == current for c in records):
        return []
    return ["image rebuilt" if definition.get("build") is not None else "image changed"]


def _group(service: str, definition: Mapping[str, Any]) -> str:
    labels = definition.get("labels")
    group = labels.get(CLAW_SERVICE) if isinstance(labels, Mapping) else None
    return str(group) if group else service


def _scaling(
    services: Mapping[str, Mapping[str, Any]], containers: Sequence[ContainerRecord]
) -> dict[str, str]:
    """Claw service → ``scaled 2 → 3``, for the claws whose number of replicas changes (from
    the compose services their running containers belong to, to the planned ones)."""
    planned: dict[str, set[str]] = {}
    for service, definition in services.items():
        labels = definition.get("labels")
        if isinstance(labels, Mapping) and labels.get(CLAW_SERVICE):
            planned.setdefault(str(labels[CLAW_SERVICE]), set()).add(service)
    current: dict[str, set[str]] = {}
    for container in containers:
        if container.claw_service:
            current.setdefault(container.claw_service, set()).add(container.service)
    return {
        group: f"scaled {len(current[group])} → {len(planned.get(group, ()))}"
        for group in current
        if group in planned and len(current[group]) != len(planned[group])
    }


def _replicas(definition: Mapping[str, Any]) -> int:
    """The containers compose runs for a service (``scale:``, ``deploy.replicas``; else 1)."""
    deploy = definition.get("deploy")
    value = definition.get("scale")
    if value is None and isinstance(deploy, Mapping):
        value = deploy.get("replicas")
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 1
