"""A nullclaw pod on the real engine (the stub runner): ``claw up`` registers each INVOKE with
``nullclaw cron add`` in every started container, a second ``claw up`` adds nothing, the compose
healthcheck (curl on the gateway's /health) passes, and the runner finds its config at both
homes."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from clawlib.lifecycle import Progress, apply
from clawlib.planner import plan_pod
from clawlib.pod import load_pod
from tests.e2e.pods import docker
from tests.polling import wait_for

pytestmark = pytest.mark.docker


def write_nullclaw_pod(directory: Path, project: str) -> Path:
    (directory / "scout").mkdir(parents=True)
    (directory / "scout" / "Clawfile").write_text(
        "FROM claw-stub/nullclaw:latest\nCLAW_TYPE nullclaw\nAGENT AGENTS.md\n"
        "MODEL primary anthropic/claude-sonnet-4\n"
        "INVOKE */15 9-16 * * 1-5 Check the feeds for anything new\n"
    )
    (directory / "scout" / "AGENTS.md").write_text("# Scout\n\nWatch the feeds.\n")
    (directory / "claw-pod.yml").write_text(
        textwrap.dedent(
            f"""\
            x-claw:
              pod: {project}
            services:
              scout:
                build: ./scout
                environment:
                  STUB_LOG_RATE: "2"
                x-claw:
                  agent: ./scout/AGENTS.md
                  count: 2
                  invoke:
                    - schedule: "30 17 * * 1-5"
                      name: closing
                      message: It's the close | post the summary.
            """
        )
    )
    return directory


def cron_lines(container: str) -> list[str]:
    return docker("exec", container, "nullclaw", "cron", "list").splitlines()


def test_cron_jobs_registered_once_per_container(project: str, tmp_path: Path) -> None:
    pod = write_nullclaw_pod(tmp_path / "pod", project)
    plan = plan_pod(load_pod(pod, environ={}))
    assert [w.detail for w in plan.warnings] == [
        'INVOKE "30 17 * * 1-5": nullclaw\'s cron has no job names; name "closing" is ignored'
    ]
    said: list[str] = []

    def note(progress: Progress) -> None:
        if progress.stage == "verify":
            said.append(progress.text)

    first = apply(plan, on_progress=note)
    assert first.ok, first.failures
    jobs = [
        "1 | */15 9-16 * * 1-5 | cmd: nullclaw agent -m 'Check the feeds for anything new'",
        "2 | 30 17 * * 1-5 | cmd: nullclaw agent -m 'It'\"'\"'s the close | post the summary.'",
    ]
    for replica in (0, 1):
        container = f"{project}-scout-{replica}-1"
        assert cron_lines(container) == ["ID | SCHEDULE | COMMAND", *jobs]
        assert f"{container}: registered cron job (schedule: 30 17 * * 1-5)" in said

    said.clear()
    second = apply(plan_pod(load_pod(pod, environ={})), on_progress=note)
    assert second.ok, second.failures
    assert {s.service: s.action for s in second.services} == {
        "scout-0": "unchanged",
        "scout-1": "unchanged",
    }
    assert cron_lines(f"{project}-scout-0-1") == ["ID | SCHEDULE | COMMAND", *jobs]
    assert f"{project}-scout-0-1: cron job already registered (schedule: 30 17 * * 1-5)" in said
    assert not [line for line in said if "registered cron job" in line]

    config = json.loads(
        docker("exec", f"{project}-scout-0-1", "cat", "/nullclaw-data/.nullclaw/config.json")
    )
    assert config["gateway"] == {"host": "127.0.0.1", "port": 3000, "require_pairing": True}
    assert docker("exec", f"{project}-scout-0-1", "cat", "/root/.nullclaw/config.json") == (
        json.dumps(config, indent=2, sort_keys=True)
    )
    logs = docker("logs", f"{project}-scout-0-1")
    assert "model anthropic/claude-sonnet-4" in logs
    wait_for(
        lambda: (
            docker("inspect", "-f", "{{.State.Health.Status}}", f"{project}-scout-0-1") == "healthy"
        ),
        timeout=60,
        interval=0.5,
        message="the gateway's /health answering the compose healthcheck",
    )
