"""A recording fake of :class:`clawtui.backend.PodBackend` for pilot tests.

Plans with the real planner (image labels looked up nowhere: every claw is planned from its
Clawfile), keeps containers in memory, and hands out feeds the test pushes events and log lines
into. Every call is recorded in ``calls``.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Generic, TypeVar

from clawlib import load_pod, plan_pod
from clawlib.engine import (
    ContainerRecord,
    EngineEvent,
    LogItem,
    LogLine,
    LogSource,
    describe_state,
)
from clawlib.errors import (
    ContainerNotFoundError,
    EngineDisconnectedError,
    EngineUnavailableError,
)
from clawlib.lifecycle import (
    CONFIG_HASH_LABEL,
    ApplyReport,
    ContainerHealth,
    Impact,
    Progress,
    assess_impact,
)
from clawlib.planner import Plan, PlanDiff
from clawtui.backend import Action

T = TypeVar("T")
HOST = "unix:///var/run/docker.sock"
START = datetime(2026, 11, 30, 8, 0, 0, tzinfo=UTC)


class FakeFeed(Generic[T]):
    """A feed the test fills: ``push`` items, ``fail`` with an error, ``end`` it."""

    def __init__(self) -> None:
        self._items: deque[T] = deque()
        self._ready = threading.Condition()
        self._error: BaseException | None = None
        self._ended = False
        self.closed = False

    def push(self, *items: T) -> None:
        with self._ready:
            self._items.extend(items)
            self._ready.notify_all()

    def fail(self, error: BaseException) -> None:
        with self._ready:
            self._error = error
            self._ready.notify_all()

    def end(self) -> None:
        with self._ready:
            self._ended = True
            self._ready.notify_all()

    def get_batch(self, max_items: int = 1000, timeout: float | None = None) -> list[T]:
        with self._ready:
            if not self._items and not self._stopped():
                self._ready.wait(timeout)
            if self._items:
                count = min(max_items, len(self._items))
                return [self._items.popleft() for _ in range(count)]
            if self._error is not None and not self.closed:
                raise self._error
            return []

    def _stopped(self) -> bool:
        return self.closed or self._ended or self._error is not None

    @property
    def finished(self) -> bool:
        with self._ready:
            return not self._items and self._stopped()

    def close(self) -> None:
        with self._ready:
            self.closed = True
            self._items.clear()
            self._ready.notify_all()


def record(
    service: str,
    *,
    project: str = "demo",
    number: int = 1,
    state: str = "running",
    claw_type: str | None = "openclaw",
    claw_service: str | None = None,
    health: str | None = None,
    image: str | None = None,
    started: datetime = START,
    config_hash: str | None = None,
) -> ContainerRecord:
    """A container of ``service`` as the engine would list it (``config_hash``: the label
    compose stamps it with)."""
    name = f"{project}-{service}-{number}"
    return ContainerRecord(
        id=f"{name}-id".ljust(64, "0"),
        name=name,
        project=project,
        service=service,
        number=number,
        image=image or f"{project}-{service}:latest",
        state=state,
        health=health,
        claw_type=claw_type,
        claw_service=claw_service or service,
        started_at=started if state == "running" else None,
        labels={"claw.pod": project}
        | ({CONFIG_HASH_LABEL: config_hash} if config_hash is not None else {}),
    )


def line(source: LogSource, text: str, seconds: float = 0.0) -> LogLine:
    return LogLine(source, text, "stdout", START + timedelta(seconds=seconds))


def source_of(container: ContainerRecord) -> LogSource:
    return LogSource.of(container)


@dataclasses.dataclass
class FakeBackend:
    """Answers from memory; ``engine_up`` False makes every engine call fail as if unreachable."""

    records: dict[str, ContainerRecord] = dataclasses.field(default_factory=dict)
    engine_up: bool = True
    health: dict[str, tuple[str, str]] = dataclasses.field(default_factory=dict)
    """Container name → (status, detail) for :meth:`probe`; default healthy / ok."""
    inspected: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    apply_steps: list[Progress] = dataclasses.field(default_factory=list)
    apply_error: BaseException | None = None
    apply_gate: threading.Event | None = None
    """When set, apply waits for it after its steps (lets a test look at the progress)."""
    action_error: BaseException | None = None
    hashes: dict[str, str] | None = None
    """compose's config hash of each planned service, for :meth:`impact` (None: not known)."""
    calls: list[tuple[Any, ...]] = dataclasses.field(default_factory=list)
    event_feeds: list[FakeFeed[EngineEvent]] = dataclasses.field(default_factory=list)
    log_feeds: list[tuple[tuple[LogSource, ...], FakeFeed[LogItem]]] = dataclasses.field(
        default_factory=list
    )

    def add(self, *containers: ContainerRecord) -> None:
        for container in containers:
            self.records[container.id] = container

    def _engine(self) -> None:
        if not self.engine_up:
            raise EngineUnavailableError(HOST, "connection refused")

    # PodBackend

    def plan(self, pod_file: Path) -> Plan:
        self.calls.append(("plan", pod_file))
        return plan_pod(load_pod(pod_file, partial=True), lambda ref: None)  # as PodSession

    def impact(self, plan: Plan, diff: PlanDiff, project: str) -> Impact:
        """From the containers held, with :attr:`hashes` for compose's."""
        self.calls.append(("impact", project))
        if not self.engine_up:
            note = f"the Docker engine at {HOST} does not answer: connection refused"
            return assess_impact(plan, diff, None, project=project, notes=(note,))
        found = [r for r in self.records.values() if r.project == project]
        return assess_impact(plan, diff, found, self.hashes, project=project)

    def ping(self) -> None:
        self.calls.append(("ping",))
        self._engine()

    def containers(self, project: str) -> tuple[ContainerRecord, ...]:
        self.calls.append(("containers", project))
        self._engine()
        found = [r for r in self.records.values() if r.project == project]
        return tuple(sorted(found, key=lambda r: (r.service, r.number)))

    def container(self, ref: str) -> ContainerRecord:
        self.calls.append(("container", ref))
        self._engine()
        if ref not in self.records:
            raise ContainerNotFoundError(ref)
        return self.records[ref]

    def inspect(self, ref: str) -> Mapping[str, Any]:
        self.calls.append(("inspect", ref))
        self._engine()
        if ref not in self.records:
            raise ContainerNotFoundError(ref)
        return self.inspected.get(ref, {"Id": ref, "Config": {"Env": [], "Labels": {}}})

    def events(self, project: str) -> FakeFeed[EngineEvent]:
        self.calls.append(("events", project))
        self._engine()
        feed: FakeFeed[EngineEvent] = FakeFeed()
        self.event_feeds.append(feed)
        return feed

    def logs(
        self, sources: Sequence[LogSource], *, tail: int | None, since: datetime | None
    ) -> FakeFeed[LogItem]:
        self.calls.append(("logs", tuple(s.name for s in sources), tail, since))
        self._engine()
        feed: FakeFeed[LogItem] = FakeFeed()
        self.log_feeds.append((tuple(sources), feed))
        return feed

    def probe(self, containers: Sequence[ContainerRecord]) -> tuple[ContainerHealth, ...]:
        self.calls.append(("probe", tuple(c.name for c in containers)))
        self._engine()
        now = datetime.now(UTC)
        results = []
        for c in containers:
            status, detail = self.health.get(c.name, _judged(c, now))
            source = "driver" if c.claw_type else "state"
            results.append(ContainerHealth(c, status, detail, source, now))  # type: ignore[arg-type]
        return tuple(results)

    def apply(
        self, plan: Plan, project: str, on_progress: Callable[[Progress], None]
    ) -> ApplyReport:
        self.calls.append(("apply", project))
        self._engine()
        for step in self.apply_steps:
            on_progress(step)
        if self.apply_gate is not None:
            self.apply_gate.wait(10)
        if self.apply_error is not None:
            raise self.apply_error
        return ApplyReport(project, plan.diff())

    def act(
        self,
        action: Action,
        directory: Path,
        project: str,
        services: Sequence[str],
        on_line: Callable[[str], None],
    ) -> None:
        self.calls.append(("act", action, project, tuple(services)))
        self._engine()
        on_line(f"{action} {' '.join(services)}".strip())
        if self.action_error is not None:
            raise self.action_error

    def roll_back(
        self, directory: Path, project: str, on_line: Callable[[str], None]
    ) -> tuple[str, ...]:
        self.calls.append(("roll_back", project))
        self._engine()
        on_line("Container demo-assistant-1  Recreated")
        if self.action_error is not None:
            raise self.action_error
        return ("compose.generated.yml",)

    def shell_argv(self, container: ContainerRecord) -> list[str]:
        return ["true"]

    def close(self) -> None:
        self.calls.append(("close",))

    # Driving the feeds from a test.

    def emit(self, event: EngineEvent) -> None:
        """Apply ``event`` to the containers kept here and push it to every open event feed."""
        current = self.records.get(event.container_id)
        if event.kind == "destroy":
            self.records.pop(event.container_id, None)
        elif current is not None and event.kind == "start":
            self.records[current.id] = dataclasses.replace(current, state="running")
        elif current is not None and event.kind == "die":
            exit_code = event.exit_code or 0
            self.records[current.id] = dataclasses.replace(
                current, state="exited", exit_code=exit_code
            )
        for feed in self.event_feeds:
            if not feed.closed:
                feed.push(event)

    def log(self, container: ContainerRecord, *texts: str) -> None:
        """Push lines of ``container``'s log to every open log feed following it."""
        for sources, feed in self.log_feeds:
            if feed.closed:
                continue
            for source in sources:
                if source.container_id == container.id:
                    feed.push(*(line(source, t, i) for i, t in enumerate(texts)))

    def disconnect(self) -> None:
        """The engine goes away: open feeds fail, later calls are refused."""
        self.engine_up = False
        for feed in self.event_feeds:
            feed.fail(EngineDisconnectedError(HOST, "connection reset"))
        for _, log_feed in self.log_feeds:
            log_feed.fail(EngineDisconnectedError(HOST, "connection reset"))


def _judged(container: ContainerRecord, now: datetime) -> tuple[str, str]:
    """The verdict clawlib gives a container from its state alone; a running one: healthy."""
    if container.running:
        return "healthy", "ok"
    if container.stopped:
        return "stopped", describe_state(container, now)
    return "unhealthy", f"container is not running ({describe_state(container, now)})"


def event(kind: str, container: ContainerRecord, **extra: Any) -> EngineEvent:
    return EngineEvent(
        kind=kind,  # type: ignore[arg-type]
        container_id=container.id,
        name=container.name,
        project=container.project,
        service=container.service,
        time=datetime.now(UTC),
        **extra,
    )
