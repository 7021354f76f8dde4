"""Containers as the engine reports them, in our own frozen records.

A :class:`ContainerRecord` is built from the engine's inspect document (``docker inspect``), so it
carries what ``claw ps``, the health probes and the drivers' checks need: compose's
project/service/number labels, the claw labels the image passed down (``claw.type``,
``claw.service``), state, exit code, health and the healthcheck's last output, restarts and
published ports. A record built by other means (a test, an event folded into a known record)
may lack the inspect-only details: those fields are optional.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from clawlib.labels import (
    CLAW_PROXY_TYPE,
    CLAW_ROLE,
    CLAW_SERVICE,
    CLAW_TYPE,
    COMPOSE_NUMBER,
    COMPOSE_PROJECT,
    COMPOSE_SERVICE,
)

__all__ = [
    "CRASH_LOOP_RESTARTS",
    "ContainerRecord",
    "ExecResult",
    "parse_engine_time",
]

CRASH_LOOP_RESTARTS = 2
"""Restarts after which a container that keeps dying young counts as crash-looping."""
_YOUNG_SECONDS = 60.0
_SIGTERM_EXIT = 128 + 15
_FRACTION = re.compile(r"(\.\d+)")
_TEMPORARY = re.compile(r"[0-9a-f]{12}_(.+)")
"""Compose's momentary name for a container it recreates: the old container's short ID, an
underscore, and the name (the new container is created so, then renamed once the old is gone)."""


@dataclass(frozen=True, slots=True)
class ExecResult:
    """How a command run in a container ended: exit code, and its stdout and stderr apart."""

    exit_code: int
    stdout: str
    stderr: str


@dataclass(frozen=True, slots=True)
class ContainerRecord:
    """One container, as the engine last described it."""

    id: str
    name: str
    project: str
    service: str
    """Compose's service name (``worker-0`` for a replica of a counted claw)."""
    number: int
    image: str
    state: str
    """The engine's status: created, running, paused, restarting, removing, exited or dead."""
    health: str | None = None
    """The compose healthcheck's status (starting, healthy, unhealthy), None without one."""
    health_output: str | None = None
    """What the healthcheck's most recent run printed, stripped of surrounding blank space;
    None without a healthcheck, before its first run, or when not known."""
    claw_type: str | None = None
    claw_service: str | None = None
    """The claw service it belongs to (the base name shared by replicas), None if not a claw."""
    started_at: datetime | None = None
    finished_at: datetime | None = None
    exit_code: int = 0
    """The exit code of the last run (0 while it runs, or before it ever ran)."""
    restart_count: int = 0
    oom_killed: bool = False
    ports: tuple[str, ...] = ()
    """Published ports, as ``0.0.0.0:8080->80/tcp``."""
    labels: Mapping[str, str] = field(default_factory=dict)
    restart_policy: str | None = None
    """The engine's restart policy (``always``, ``unless-stopped``, ``on-failure``), None for
    none or when not known."""
    restart_limit: int = 0
    """``on-failure``'s most restarts (0: no limit)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", MappingProxyType(dict(self.labels)))

    @property
    def short_id(self) -> str:
        return self.id[:12]

    @property
    def stable_name(self) -> str:
        """The name to show for the container: compose's ``<project>-<service>-<number>`` from
        its labels, the same across a recreate, where the engine's name is for a moment
        compose's temporary ``<old short ID>_<name>``. A name set with ``container_name`` is
        kept (without the temporary prefix); a container without compose's labels keeps the
        engine's name."""
        if not (self.project and self.service and self.number):
            return self.name
        temporary = _TEMPORARY.fullmatch(self.name)
        base = temporary.group(1) if temporary else self.name
        derived = f"{self.project}-{self.service}-{self.number}"
        if base in (derived, f"{self.project}_{self.service}_{self.number}"):
            return derived
        return base

    @property
    def running(self) -> bool:
        return self.state == "running"

    @property
    def role(self) -> str | None:
        """What a service claw added to the pod is for (``proxy``), None for the pod's own."""
        return self.labels.get(CLAW_ROLE) or None

    @property
    def kind(self) -> str:
        """What runs, in a word: the claw type, ``proxy (<type>)`` for the governance proxy,
        ``-`` for a plain service."""
        if self.claw_type:
            return self.claw_type
        if self.role == "proxy":
            return f"proxy ({self.labels.get(CLAW_PROXY_TYPE) or '?'})"
        return self.role or "-"

    @property
    def stopped(self) -> bool:
        """Exited and left so on purpose (``docker stop``, compose's stop), not crashed: with
        exit code 0, or 143 (ended by the SIGTERM a stop sends), or under a restart policy
        that would have restarted a crash (the engine does not restart a container it was told
        to stop). Not after an out-of-memory kill, nor once ``on-failure`` used up its
        restarts."""
        if self.state != "exited" or self.oom_killed:
            return False
        if self.exit_code in (0, _SIGTERM_EXIT):
            return True
        if self.restart_policy in ("always", "unless-stopped"):
            return True
        if self.restart_policy == "on-failure":
            return not self.restart_limit or self.restart_count < self.restart_limit
        return False

    def uptime(self, now: datetime) -> float | None:
        """Seconds since it started, while it runs; None otherwise."""
        if not self.running or self.started_at is None:
            return None
        return max(0.0, (now - self.started_at).total_seconds())

    def crash_looping(self, now: datetime) -> bool:
        """Restarting after a failure, or restarted repeatedly and up for under a minute."""
        if self.state == "restarting":
            return True
        if self.restart_count < CRASH_LOOP_RESTARTS:
            return False
        up = self.uptime(now)
        return up is None or up < _YOUNG_SECONDS

    @classmethod
    def from_inspect(cls, data: Mapping[str, Any]) -> ContainerRecord:
        """Build a record from the engine's inspect document of a container."""
        config = data.get("Config") or {}
        state = data.get("State") or {}
        labels = {str(k): str(v) for k, v in (config.get("Labels") or {}).items()}
        health = state.get("Health") or {}
        number = labels.get(COMPOSE_NUMBER, "")
        policy = (data.get("HostConfig") or {}).get("RestartPolicy") or {}
        return cls(
            id=str(data.get("Id", "")),
            name=str(data.get("Name", "")).lstrip("/"),
            project=labels.get(COMPOSE_PROJECT, ""),
            service=labels.get(COMPOSE_SERVICE, ""),
            number=int(number) if number.isascii() and number.isdigit() else 0,
            image=str(config.get("Image", "")),
            state=str(state.get("Status") or "unknown"),
            health=str(health["Status"]) if health.get("Status") else None,
            health_output=_last_output(health),
            claw_type=labels.get(CLAW_TYPE) or None,
            claw_service=labels.get(CLAW_SERVICE) or None,
            started_at=parse_engine_time(state.get("StartedAt")),
            finished_at=parse_engine_time(state.get("FinishedAt")),
            exit_code=int(state.get("ExitCode") or 0),
            restart_count=int(data.get("RestartCount") or 0),
            oom_killed=bool(state.get("OOMKilled")),
            ports=_ports(data.get("NetworkSettings") or {}),
            labels=labels,
            restart_policy=_policy(policy.get("Name")),
            restart_limit=int(policy.get("MaximumRetryCount") or 0),
        )


def parse_engine_time(value: object) -> datetime | None:
    """The engine's RFC 3339 time (nanosecond precision) as an aware datetime; None for the
    zero time (``0001-01-01T00:00:00Z``) or anything unreadable."""
    if not isinstance(value, str) or not value or value.startswith("0001-"):
        return None
    # Python reads at most microseconds: cut the fraction to six digits.
    text = _FRACTION.sub(lambda m: m.group(1)[:7], value.strip())
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _policy(name: object) -> str | None:
    text = str(name or "")
    return text if text not in ("", "no") else None


def _last_output(health: Mapping[str, Any]) -> str | None:
    log = health.get("Log") or ()
    last = log[-1] if log and isinstance(log[-1], Mapping) else {}
    output = last.get("Output")
    return str(output).strip() if output is not None else None


def _ports(settings: Mapping[str, Any]) -> tuple[str, ...]:
    published = []
    for port, bindings in sorted((settings.get("Ports") or {}).items()):
        for binding in bindings or ():
            host = binding.get("HostIp") or "0.0.0.0"
            published.append(f"{host}:{binding.get('HostPort')}->{port}")
    return tuple(published)
