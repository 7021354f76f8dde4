"""What runs: the containers of a pod's project, and their health judged by each claw's driver.

Health probes run concurrently (one thread per container) with a time limit each, so the health
of a large pod takes about as long as its slowest probe. A probe that overruns its limit is
reported unhealthy and abandoned: its thread is a daemon and ends with its engine call.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, TypeVar

from clawlib.drivers import load_driver
from clawlib.drivers.base import Driver, HealthResult, ProbeOutput, state_health
from clawlib.engine import ContainerRecord, DockerView, describe_state
from clawlib.errors import ClawError, ContainerNotFoundError

__all__ = ["ContainerHealth", "probe_health", "run_concurrently"]

T = TypeVar("T")
_LIMIT = 15.0
"""Seconds a probe may take when its driver does not say."""
HealthState = Literal["healthy", "unhealthy", "starting", "stopped", "error"]


@dataclass(frozen=True, slots=True)
class ContainerHealth:
    """A container's health: ``stopped`` when it was stopped on purpose (not a problem, not
    healthy either: see :attr:`~clawlib.engine.ContainerRecord.stopped`), ``error`` when it
    could not be judged (unknown driver, engine error), with the reason in ``detail``;
    ``source`` says who judged."""

    container: ContainerRecord
    status: HealthState
    detail: str
    source: Literal["driver", "healthcheck", "state", "none"]
    checked_at: datetime

    @property
    def ok(self) -> bool:
        return self.status == "healthy"


def probe_health(
    view: DockerView, containers: Sequence[ContainerRecord], *, timeout: float | None = None
) -> tuple[ContainerHealth, ...]:
    """Judge every container concurrently, in the order given.

    Claw containers (``claw.type`` label) are judged by their driver: its probe command run with
    ``docker exec`` while the container runs, else its state. Other containers: running, and
    their compose healthcheck's verdict. A container stopped on purpose is ``stopped`` whoever
    runs it; a crash-looping one is unhealthy. ``timeout`` overrides each driver's probe time limit.
    """
    drivers: dict[str, Driver | ClawError] = {}
    for kind in {c.claw_type for c in containers if c.claw_type}:
        try:
            drivers[kind] = load_driver(kind)
        except ClawError as exc:  # reported on each of its containers
            drivers[kind] = exc

    def limit(container: ContainerRecord) -> float:
        driver = drivers.get(container.claw_type or "")
        if timeout is not None:
            return timeout
        return driver.probe_timeout if isinstance(driver, Driver) else _LIMIT

    jobs = [
        lambda c=c: _judge(view, c, drivers.get(c.claw_type or ""), limit(c)) for c in containers
    ]
    results = run_concurrently(jobs, [limit(c) + 5.0 for c in containers])
    health = []
    for container, result in zip(containers, results, strict=True):
        if isinstance(result, ContainerHealth):
            health.append(result)
        else:
            health.append(_error(container, result))
    return tuple(health)


def _judge(
    view: DockerView,
    container: ContainerRecord,
    driver: Driver | ClawError | None,
    limit: float,
) -> ContainerHealth:
    now = datetime.now(UTC)
    if isinstance(driver, ClawError):
        return ContainerHealth(container, "error", str(driver), "none", now)
    try:
        current = view.container(container.id)
    except ContainerNotFoundError:
        return ContainerHealth(container, "unhealthy", "container removed", "state", now)
    if current.crash_looping(now):
        detail = describe_state(current, now, uptime=False)
        return ContainerHealth(current, "unhealthy", detail, "state", now)
    if current.stopped:
        return ContainerHealth(current, "stopped", describe_state(current, now), "state", now)
    if driver is None:
        result = state_health(current)
        source: Literal["healthcheck", "state"] = "healthcheck" if current.health else "state"
        return ContainerHealth(current, result.status, result.detail, source, now)
    if driver.probe_command is None or not current.running:
        result = driver.health_probe(current, None)
        return ContainerHealth(current, result.status, result.detail, "state", now)
    command = driver.probe_command
    outcome = run_concurrently([lambda: view.exec(container.id, command)], [limit])[0]
    if isinstance(outcome, TimeoutError):
        result = HealthResult("unhealthy", f"health probe timed out after {limit:g}s")
    elif isinstance(outcome, ContainerNotFoundError):
        result = HealthResult("unhealthy", "container removed during the probe")
    elif isinstance(outcome, BaseException):
        return ContainerHealth(current, "error", f"probe failed: {outcome}", "driver", now)
    else:
        probe = ProbeOutput(outcome.exit_code, outcome.stdout, outcome.stderr)
        result = driver.health_probe(current, probe)
    return ContainerHealth(current, result.status, result.detail, "driver", now)


def _error(container: ContainerRecord, exc: BaseException) -> ContainerHealth:
    detail = "no answer in time" if isinstance(exc, TimeoutError) else str(exc)
    return ContainerHealth(container, "error", detail, "none", datetime.now(UTC))


def run_concurrently(
    jobs: Sequence[Callable[[], T]], limits: Sequence[float]
) -> list[T | BaseException]:
    """Run each job in its own daemon thread; each gets its own time limit, counted from the
    start. A job's exception is returned in its place; one still running at its limit gives
    :class:`TimeoutError` (its thread is left to finish on its own)."""
    results: list[T | BaseException] = [TimeoutError()] * len(jobs)
    done = [threading.Event() for _ in jobs]

    def run(index: int) -> None:
        try:
            results[index] = jobs[index]()
        except BaseException as exc:  # handed to the caller, never raised in the thread
            results[index] = exc
        finally:
            done[index].set()

    for index in range(len(jobs)):
        threading.Thread(target=run, args=(index,), daemon=True, name=f"claw-job-{index}").start()
    start = time.monotonic()
    for index, event in enumerate(done):
        event.wait(max(0.0, limits[index] - (time.monotonic() - start)))
    return [results[i] if done[i].is_set() else TimeoutError() for i in range(len(jobs))]
