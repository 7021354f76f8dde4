"""The pod as the tree shows it: what the plan says should run, joined with what runs.

Pure functions over clawlib's values, no Textual: the generated compose file gives the planned
services (a counted claw is one compose service per replica, grouped by its ``claw.service``
label), the engine's listing gives the containers, and :func:`pod_groups` joins the two into
groups → rows. A planned service without a container is a ``missing`` row; a container of the
project that the plan does not know is shown too, as ``not in plan``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from clawlib.compose import RUNTIME_DIR, ComposeDocument
from clawlib.engine import ContainerRecord, state_word
from clawlib.labels import CLAW_ORDINAL, CLAW_PROXY_TYPE, CLAW_ROLE, CLAW_SERVICE
from clawlib.lifecycle import ContainerHealth
from clawlib.planner import COMPOSE_FILE

if TYPE_CHECKING:
    from clawlib.planner import PlannedFile

__all__ = [
    "ContainerRow",
    "PlannedService",
    "ServiceGroup",
    "config_files",
    "container_state",
    "health_verdict",
    "planned_services",
    "pod_groups",
]


@dataclass(frozen=True, slots=True)
class PlannedService:
    """One compose service of the generated file."""

    name: str
    group: str
    """The claw service it is a replica of (``claw.service``), else its own name."""
    claw_type: str | None
    image: str
    ordinal: int | None
    definition: Mapping[str, Any]
    role: str | None = None
    """``proxy`` for the governance proxy (its ``claw.role`` label), else None."""
    proxy_type: str | None = None

    @property
    def governed(self) -> bool:
        """A claw replica wired to the pod's proxy (it carries a ``CLLAMA_TOKEN``)."""
        environment = self.definition.get("environment")
        return isinstance(environment, Mapping) and "CLLAMA_TOKEN" in environment


@dataclass(frozen=True, slots=True)
class ContainerRow:
    """A compose service and its container, if it has one."""

    service: str
    ordinal: int | None
    container: ContainerRecord | None
    planned: bool

    @property
    def key(self) -> str:
        """Stable while the container is recreated, stopped or unknown: service and number."""
        return f"container:{self.service}#{self.container.number if self.container else 1}"


@dataclass(frozen=True, slots=True)
class ServiceGroup:
    """A claw (all its replicas) or a plain service."""

    name: str
    claw_type: str | None
    image: str
    rows: tuple[ContainerRow, ...]
    planned: bool
    role: str | None = None
    """``proxy`` for the governance proxy, else None."""
    proxy_type: str | None = None
    governs: tuple[str, ...] = ()
    """For the proxy: the claws it governs, in file order."""

    @property
    def key(self) -> str:
        return f"service:{self.name}"

    @property
    def kind(self) -> str:
        """The claw type, ``proxy (<type>)`` for the governance proxy, or ``plain``."""
        if self.claw_type:
            return self.claw_type
        if self.role == "proxy":
            return f"proxy ({self.proxy_type or '?'})"
        return self.role or "plain"

    @property
    def containers(self) -> tuple[ContainerRecord, ...]:
        return tuple(row.container for row in self.rows if row.container is not None)

    @property
    def services(self) -> tuple[str, ...]:
        """The compose services behind the group (one per replica)."""
        return tuple(row.service for row in self.rows)


def planned_services(
    compose: ComposeDocument, claw_types: Mapping[str, str] | None = None
) -> tuple[PlannedService, ...]:
    """The services of a generated compose file, in file order. The file does not say a claw's
    type (its image does): ``claw_types`` maps claw service names to it, from the plan."""
    claw_types = claw_types or {}
    found = []
    for name, definition in compose.services.items():
        labels = definition.get("labels")
        labels = labels if isinstance(labels, dict) else {}
        ordinal = str(labels.get(CLAW_ORDINAL, ""))
        group = str(labels.get(CLAW_SERVICE) or name)
        role, proxy_type = labels.get(CLAW_ROLE), labels.get(CLAW_PROXY_TYPE)
        found.append(
            PlannedService(
                name=name,
                group=group,
                claw_type=claw_types.get(group),
                image=str(definition.get("image") or ""),
                ordinal=int(ordinal) if ordinal.isdigit() else None,
                definition=definition,
                role=str(role) if role else None,
                proxy_type=str(proxy_type) if proxy_type else None,
            )
        )
    return tuple(found)


def pod_groups(
    planned: Sequence[PlannedService], containers: Sequence[ContainerRecord]
) -> tuple[ServiceGroup, ...]:
    """Planned services grouped by claw, each replica with its container, the governance proxy
    first (with the claws it governs); then the project's containers that no planned service
    accounts for, grouped the same way."""
    by_service: dict[str, list[ContainerRecord]] = {}
    for container in containers:
        by_service.setdefault(container.service, []).append(container)
    groups: dict[str, list[ContainerRow]] = {}
    kinds: dict[str, tuple[str | None, str]] = {}
    for service in planned:
        matched = sorted(by_service.pop(service.name, ()), key=lambda c: (c.number, c.name))
        # Without a plan (only the generated file), the containers' image labels say the type.
        claw_type = service.claw_type or next((c.claw_type for c in matched if c.claw_type), None)
        kind = kinds.get(service.group)
        if kind is None or (kind[0] is None and claw_type):
            kinds[service.group] = (claw_type, service.image)
        rows = groups.setdefault(service.group, [])
        if not matched:
            rows.append(ContainerRow(service.name, service.ordinal, None, planned=True))
        rows += [ContainerRow(service.name, service.ordinal, c, planned=True) for c in matched]
    roles = {s.group: (s.role, s.proxy_type) for s in planned if s.role}
    governed = tuple(dict.fromkeys(s.group for s in planned if s.governed))
    result = [
        ServiceGroup(
            name,
            kinds[name][0],
            kinds[name][1],
            tuple(rows),
            planned=True,
            role=roles.get(name, (None, None))[0],
            proxy_type=roles.get(name, (None, None))[1],
            governs=governed if roles.get(name, (None, None))[0] == "proxy" else (),
        )
        for name, rows in groups.items()
    ]
    result.sort(key=lambda group: group.role != "proxy")  # stable: the rest keep file order
    strays: dict[str, list[ContainerRecord]] = {}
    for compose_service, unplanned in by_service.items():
        for container in unplanned:
            strays.setdefault(container.claw_service or compose_service, []).append(container)
    for name in sorted(strays):
        stray = sorted(strays[name], key=lambda c: (c.service, c.number, c.name))
        stray_rows = tuple(ContainerRow(c.service, None, c, planned=False) for c in stray)
        first = stray[0]
        result.append(
            ServiceGroup(
                name,
                first.claw_type,
                first.image,
                stray_rows,
                planned=False,
                role=first.role,
                proxy_type=first.labels.get(CLAW_PROXY_TYPE) or None,
            )
        )
    return tuple(result)


def container_state(row: ContainerRow, now: datetime, known: bool = True) -> str:
    """running / exited (N) / crash-looping / restarting / created / paused / missing, or
    ``unknown`` for a row without a container when the engine could not be asked (``known``
    False)."""
    if row.container is None:
        return "missing" if known else "unknown"
    return state_word(row.container, now)


def health_verdict(container: ContainerRecord | None, probed: ContainerHealth | None) -> str | None:
    """The badge for a container: the last probe's verdict when it is about this container,
    else compose's healthcheck status, else None."""
    if container is None:
        return None
    if probed is not None and probed.container.id == container.id:
        return probed.status
    return container.health


def config_files(
    compose: ComposeDocument,
    files: Sequence[PlannedFile],
    planned: Sequence[PlannedService],
    groups: Sequence[ServiceGroup] | None,
    first: Mapping[str, str] | None = None,
) -> list[tuple[str, str]]:
    """The generated files to show for ``groups`` (None: the whole pod, whose file is the
    compose file): each claw's runtime files (``.claw-runtime/<claw>/``), the generated
    Dockerfile its image is built from, and each compose service's block of the compose file;
    as (path, text) pairs, in plan order, except that the runner's own configuration file of a
    claw (``first``: claw service → its path in the runtime directory) comes first."""
    if groups is None:
        return [(COMPOSE_FILE, compose.text)]
    names = {group.name for group in groups}
    services = {service for group in groups for service in group.services}
    blocks = [service for service in planned if service.name in services]
    dockerfiles = set()
    for service in blocks:
        build = service.definition.get("build")
        if isinstance(build, Mapping) and build.get("dockerfile"):
            path = posixpath.join(str(build.get("context") or "."), str(build["dockerfile"]))
            dockerfiles.add(posixpath.normpath(path))
    leading = {f"{RUNTIME_DIR}/{name}/{path}" for name, path in (first or {}).items()}
    shown = []
    for planned_file in files:
        parts = planned_file.path.split("/")
        runtime = len(parts) > 2 and parts[0] == RUNTIME_DIR and parts[1] in names
        if runtime or planned_file.path in dockerfiles:
            shown.append((planned_file.path, planned_file.content.decode("utf-8", "replace")))
    shown.sort(key=lambda item: item[0] not in leading)  # stable: plan order otherwise
    for service in blocks:
        shown.append(
            (f"{COMPOSE_FILE}: services.{service.name}", compose.service_yaml(service.name))
        )
    return shown
