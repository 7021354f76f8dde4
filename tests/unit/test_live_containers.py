"""LiveContainers: a listing kept current by engine events, without polling."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from clawlib.engine import ContainerRecord, EngineEvent
from clawlib.lifecycle import Change, LiveContainers

T0 = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
T1 = datetime(2026, 11, 30, 12, 5, tzinfo=UTC)


def record(id: str, service: str, **fields: Any) -> ContainerRecord:
    return ContainerRecord(
        id=id, name=f"demo-{service}-1", project=fields.pop("project", "demo"), service=service,
        number=1, image="img", state=fields.pop("state", "running"), **fields,
    )  # fmt: skip


def event(kind: Any, id: str, **fields: Any) -> EngineEvent:
    return EngineEvent(
        kind=kind, container_id=id, name=f"demo-{id}-1", project=fields.pop("project", "demo"),
        service=id, time=fields.pop("time", T1), **fields,
    )  # fmt: skip


def test_listing_is_ordered_and_limited_to_the_project() -> None:
    live = LiveContainers(
        "demo",
        [record("b", "web"), record("a", "api"), record("x", "api", project="other")],
    )
    assert [c.id for c in live.containers] == ["a", "b"]


def test_events_fold_into_the_records() -> None:
    live = LiveContainers("demo", [record("a", "api", health="healthy")])
    died = live.apply(event("die", "a", exit_code=3))
    assert died.container is not None
    assert (died.container.state, died.container.exit_code, died.container.finished_at) == (
        "exited",
        3,
        T1,
    )
    assert died.inspect == "a"  # a restart policy may bring it back: only inspect says
    started = live.apply(event("start", "a"))
    assert started.container is not None
    assert (started.container.state, started.container.started_at) == ("running", T1)
    assert started.container.health == "starting"  # its healthcheck starts over
    assert started.inspect is None
    states = []
    for kind, extra in [("health_status", {"health": "healthy"}), ("pause", {}), ("unpause", {})]:
        folded = live.apply(event(kind, "a", **extra)).container
        assert folded is not None
        states.append((folded.state, folded.health))
    assert states == [("running", "healthy"), ("paused", "healthy"), ("running", "healthy")]
    oom = live.apply(event("oom", "a")).container
    assert oom is not None
    assert oom.oom_killed
    assert live.apply(event("kill", "a")) == Change()
    # compose's recreate creates the new container as 0123456789ab_demo-api-1, then renames it.
    renamed = live.apply(EngineEvent("rename", "a", "demo-api-9", "demo", "api", T1)).container
    assert renamed is not None
    assert renamed.name == "demo-api-9"
    assert live.apply(event("destroy", "a")) == Change(removed="a")
    assert live.containers == ()


def test_a_new_health_verdict_forgets_the_last_checks_output() -> None:
    live = LiveContainers("demo", [record("a", "api", health="unhealthy", health_output="refused")])
    same = live.apply(event("health_status", "a", health="unhealthy"))
    assert same == Change()
    assert live.containers[0].health_output == "refused"
    healed = live.apply(event("health_status", "a", health="healthy")).container
    assert healed is not None
    assert (healed.health, healed.health_output) == ("healthy", None)
    live = LiveContainers("demo", [record("a", "api", health="unhealthy", health_output="refused")])
    started = live.apply(event("start", "a")).container
    assert started is not None
    assert (started.health, started.health_output) == ("starting", None)


def test_unknown_containers_and_other_projects() -> None:
    live = LiveContainers("demo")
    assert live.apply(event("create", "new")) == Change(inspect="new")
    assert live.apply(event("start", "new")) == Change(inspect="new")
    assert not live.apply(event("start", "new")).changed
    assert live.apply(event("start", "z", project="other")) == Change()
    assert live.apply(event("destroy", "never-seen")) == Change()
    live.put(record("new", "api"))
    live.put(record("q", "api", project="other"))
    assert [c.id for c in live.containers] == ["new"]
    live.reset([record("b", "web")])
    assert [c.id for c in live.containers] == ["b"]
