"""What the pod view knows: the pod's state as it changes, and the node selected in the tree."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import timedelta
from pathlib import Path

from clawlib import load_pod, plan_pod
from clawlib.compose import ComposeDocument
from clawlib.errors import EngineUnavailableError, PodError, PodProblem
from clawlib.lifecycle import ContainerHealth
from clawtui.model import planned_services
from clawtui.state import HISTORY, POD_KEY, PodState, Selection
from tests.tui.fake_backend import HOST, START, record
from tests.unit.test_tui_model import COMPOSE

DEMO = Path(__file__).parents[2] / "tests" / "fixtures" / "pods" / "demo"

ASSISTANT = record("assistant")
RESEARCHER_1 = record("researcher-1", claw_service="researcher")
STRAY = record("old-helper", claw_type=None)


def demo_state() -> PodState:
    """The demo's services planned; assistant and researcher #1 running, and a stray."""
    planned = planned_services(ComposeDocument.parse(COMPOSE, "x.yml"), {"assistant": "openclaw"})
    return PodState("demo-dir", planned=planned, project="demo").with_engine_connected(
        (ASSISTANT, RESEARCHER_1, STRAY)
    )


def probe(container_name: str, status: str, seconds: int) -> ContainerHealth:
    container = record(container_name.removeprefix("demo-").removesuffix("-1"))
    at = START + timedelta(seconds=seconds)
    return ContainerHealth(container, status, "", "driver", at)  # type: ignore[arg-type]


# Selection: made from a tree node's key in one place.


def test_the_pod_node_covers_every_group() -> None:
    state = demo_state()
    selection = Selection.of(POD_KEY, state)
    assert (selection.key, selection.kind, selection.title) == ("pod", "pod", "demo-dir")
    assert selection.is_pod
    assert selection.groups == state.groups
    assert [g.name for g in selection.groups] == [
        "assistant",
        "researcher",
        "notes-web",
        "old-helper",
    ]
    assert selection.container is None
    assert selection.containers == (ASSISTANT, RESEARCHER_1, STRAY)
    assert selection.services == ()  # an action on the pod is on the whole project


def test_a_service_node_covers_its_replicas() -> None:
    state = demo_state()
    selection = Selection.of("service:researcher", state)
    assert (selection.kind, selection.title, selection.container) == (
        "service",
        "researcher",
        None,
    )
    assert selection.groups == (state.groups[1],)
    assert selection.services == ("researcher-0", "researcher-1")
    assert selection.containers == (RESEARCHER_1,)  # replica #0 has no container


def test_a_container_node_narrows_its_group_to_its_row() -> None:
    state = demo_state()
    selection = Selection.of("container:researcher-1#1", state)
    assert (selection.kind, selection.title, selection.container) == (
        "container",
        "demo-researcher-1-1",
        RESEARCHER_1,
    )
    (group,) = selection.groups
    assert (group.name, group.claw_type, group.planned) == ("researcher", "openclaw", True)
    assert [(row.service, row.ordinal, row.container) for row in group.rows] == [
        ("researcher-1", 1, RESEARCHER_1)
    ]
    assert selection.services == ("researcher-1",)
    # A planned row without a container is titled by its service.
    missing = Selection.of("container:researcher-0#1", state)
    assert (missing.kind, missing.title, missing.container) == ("container", "researcher-0", None)
    assert missing.services == ("researcher-0",)


def test_a_node_gone_from_the_pod_covers_nothing() -> None:
    state = demo_state()
    for key, kind in (("service:gone", "service"), ("container:gone#1", "container")):
        selection = Selection.of(key, state)
        assert (selection.key, selection.kind, selection.title) == (key, kind, "?")
        assert selection.groups == selection.containers == selection.services == ()
    assert Selection.of("something else", state) == Selection.of(POD_KEY, state)


# PodState: replaced on every change.


def test_the_engine_coming_and_going() -> None:
    state = PodState("demo", project="demo")
    assert (state.engine, state.engine_up, state.engine_sessions) == ("connecting", False, 0)
    up = state.with_engine_connected((ASSISTANT,))
    assert (up.engine, up.engine_detail, up.engine_sessions) == ("connected", "", 1)
    again = up.with_engine_connected((ASSISTANT, STRAY))  # listed again, never lost
    assert (again.engine_sessions, again.containers) == (1, (ASSISTANT, STRAY))
    lost = again.with_engine_lost("connection refused", 2.0)
    assert (lost.engine, lost.engine_detail) == (
        "unreachable",
        "connection refused (retrying in 2 s)",
    )
    assert lost.containers == ()  # what runs is not known any more
    assert lost.with_engine_lost("gone", 0).engine_detail == "gone"
    assert lost.with_engine_connected((ASSISTANT,)).engine_sessions == 2
    assert state == PodState("demo", project="demo")  # each change made a new state


def test_the_engine_checked_before_there_is_a_project() -> None:
    state = PodState("demo")
    assert state.with_engine_checked("refused").engine_detail == "refused"
    checked = state.with_engine_checked(None)
    assert (checked.engine, checked.engine_detail, checked.engine_sessions) == (
        "connected",
        "the pod has not been applied yet",
        1,
    )
    # Lost before it was up: the containers listed before (none here) are kept.
    unreachable = PodState("demo", containers=(ASSISTANT,)).with_engine_lost("refused", 1)
    assert unreachable.containers == (ASSISTANT,)


def test_health_keeps_the_latest_probes_of_each_container() -> None:
    state = PodState("demo")
    for second in range(HISTORY + 5):
        state = state.with_health(
            [probe("demo-assistant-1", "healthy", second), probe("demo-reviewer-1", "error", 0)]
        )
    history = state.health["demo-assistant-1"]
    assert len(history) == HISTORY
    assert history[0].checked_at == START + timedelta(seconds=5)  # the oldest dropped
    assert history[-1].checked_at == START + timedelta(seconds=HISTORY + 4)
    latest = state.latest_health()
    assert {name: h.status for name, h in latest.items()} == {
        "demo-assistant-1": "healthy",
        "demo-reviewer-1": "error",
    }


def test_what_was_applied_stands_in_until_the_plan(tmp_path: Path) -> None:
    applied = planned_services(ComposeDocument.parse(COMPOSE, "x.yml"))
    state = PodState("demo").with_applied("demo", applied)
    assert (state.project, state.planned, state.name) == ("demo", applied, "demo")
    assert state.tree_note() == ""
    assert PodState("demo").tree_note() == "nothing planned or running"
    shutil.copytree(
        DEMO, tmp_path / "demo", ignore=shutil.ignore_patterns("*generated*", ".claw-runtime")
    )
    the_plan = plan_pod(load_pod(tmp_path / "demo" / "claw-pod.yml"), lambda ref: None)
    planned = state.with_plan(the_plan, the_plan.diff())
    assert planned.with_applied("other", applied).planned == planned.planned  # the plan wins
    assert [s.name for s in planned.planned][:2] == ["assistant", "researcher-0"]
    assert planned.planned[0].claw_type == "openclaw"  # the plan knows the claw types


def test_the_plan_status(tmp_path: Path) -> None:
    state = PodState("demo")
    assert state.plan_status() == ("planning…", "muted")
    problems = PodError(
        "claw-pod.yml", [PodProblem("services.a", 3, "bad"), PodProblem("services.b", 4, "bad")]
    )
    failed = state.with_plan_error(problems)
    assert failed.plan_status() == ("pod file: 2 problems (E)", "error")
    assert failed.tree_note() == "see problems (E)"
    unreachable = state.with_plan_error(EngineUnavailableError(HOST, "refused"))
    assert unreachable.plan_status() == ("pod file: 1 problem (E)", "error")
    shutil.copytree(
        DEMO, tmp_path / "demo", ignore=shutil.ignore_patterns("*generated*", ".claw-runtime")
    )
    the_plan = plan_pod(load_pod(tmp_path / "demo" / "claw-pod.yml"), lambda ref: None)
    planned = failed.with_plan(the_plan, the_plan.diff())
    assert planned.plan_error is None
    assert planned.plan_status() == (
        "plan: 17 to add, 0 to change, 0 to remove (p to preview)",
        "warning",
    )
    assert planned.with_stale_plan().plan_status() == (
        "pod changed: plan out of date (p)",
        "warning",
    )
    assert planned.with_stale_plan().with_plan_error(problems).plan_stale is False


def test_the_plan_status_says_when_the_files_are_applied_but_the_pod_is_not_running(
    tmp_path: Path,
) -> None:
    shutil.copytree(
        DEMO, tmp_path / "demo", ignore=shutil.ignore_patterns("*generated*", ".claw-runtime")
    )
    pod = load_pod(tmp_path / "demo" / "claw-pod.yml")
    plan_pod(pod, lambda ref: None).write()
    applied = plan_pod(pod, lambda ref: None)
    state = PodState("demo").with_plan(applied, applied.diff())
    names = [service.name for service in state.planned]
    assert len(names) == 5
    everything = tuple(record(name) for name in names)
    up = state.with_engine_connected(everything)
    assert up.plan_status() == ("generated files up to date", "ok")
    down = state.with_engine_connected(())
    assert down.plan_status() == ("pod down: 0 of 5 running (p to bring it up)", "warning")
    stopped = dataclasses.replace(everything[0], state="exited")
    partly = state.with_engine_connected((stopped, *everything[1:]))
    assert partly.plan_status() == ("generated files up to date · 4 of 5 running", "ok")
    # Without the engine, what runs is not known: nothing is said of it.
    assert state.plan_status() == ("generated files up to date", "ok")
