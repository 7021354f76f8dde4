"""The plan names exactly the containers apply recreates: on a copy of the demo pod, for a
runtime-file change, an environment change of one service and a broadcast change (a handle's
username reaches every service through the generated handles file)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from clawlib.lifecycle import Impact
from clawlib.session import open_pod
from tests.e2e.conftest import ROOT
from tests.e2e.pods import docker

pytestmark = pytest.mark.docker


def container_ids(project: str) -> dict[str, str]:
    """Compose service → the ID of its container."""
    label = f"label=com.docker.compose.project={project}"
    listed = docker(
        "ps", "-a", "--filter", label, "--format", '{{.ID}} {{.Label "com.docker.compose.service"}}'
    )
    return {service: cid for cid, service in (line.split() for line in listed.splitlines())}


def plan_and_apply(pod: Path) -> tuple[Impact, set[str]]:
    """The impact the plan announces, and the services whose containers apply then replaced."""
    with open_pod(pod) as session:
        plan = session.plan()
        impact = session.impact(plan, plan.diff())
        before = container_ids(plan.project)
        report = session.apply(plan)
        assert report.ok, report.failures
    after = container_ids(plan.project)
    assert set(after) == set(before)
    return impact, {service for service in after if after[service] != before[service]}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_the_plan_names_the_containers_apply_recreates(project: str, tmp_path: Path) -> None:
    pod = tmp_path / "demo"
    shutil.copytree(ROOT / "examples" / "demo", pod)
    shutil.copytree(ROOT / "examples" / "fake-llm", tmp_path / "fake-llm")  # ../fake-llm
    edit(pod / "claw-pod.yml", "pod: demo", f"pod: {project}")
    with open_pod(pod) as session:
        first = session.plan()
        assert session.impact(first, first.diff()).summary() == (
            "Containers: 0 of 7 running; apply creates 7."
        )
        assert session.apply(first).ok
    with open_pod(pod) as session:
        again = session.plan()
        settled = session.impact(again, again.diff())
    assert settled.summary() == "Containers: 7 of 7 running; apply changes none."
    assert settled.notes == ()

    # A contract edit: the claw's runtime files change, nothing in any service definition.
    edit(pod / "agents" / "assistant" / "AGENTS.md", "\n", "\nBe brief.\n")
    impact, recreated = plan_and_apply(pod)
    assert impact.recreated == ("assistant",)
    assert impact.changes[0].reasons == ("runtime files changed: AGENTS.effective.md",)
    assert recreated == {"assistant"}

    # One service's environment.
    edit(pod / "claw-pod.yml", 'STUB_LOG_RATE: "1"', 'STUB_LOG_RATE: "3"')
    impact, recreated = plan_and_apply(pod)
    assert [(s.service, s.action, s.reasons) for s in impact.changes] == [
        ("reviewer", "recreate", ("environment changed: STUB_LOG_RATE",))
    ]
    assert recreated == {"reviewer"}

    # A handle's username: every service that names the handles file, the proxy not.
    edit(pod / "claw-pod.yml", "username: demo-assistant", "username: demo-helper")
    impact, recreated = plan_and_apply(pod)
    assert set(impact.recreated) == recreated
    assert recreated == {
        "assistant",
        "researcher-0",
        "researcher-1",
        "reviewer",
        "notes-web",
        "fake-llm",
    }
    web = next(s for s in impact.changes if s.service == "notes-web")
    assert web.reasons == (
        "environment changed: CLAW_HANDLE_ASSISTANT_DISCORD_JSON, "
        "CLAW_HANDLE_ASSISTANT_DISCORD_USERNAME",
    )
    assert impact.summary() == "Containers: 7 of 7 running; apply recreates 6."
