"""The nanoclaw golden pod on the real engine, run under a compose project that is not the pod's
name (``claw up -p``): the orchestrators turn healthy by their ``pgrep`` healthcheck, get the
Docker socket, and the governed one is told the network compose really made, holds its token
only in a 0600 ``/workspace/.env``, and reaches a fake Anthropic provider through the proxy."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from clawlib.lifecycle import apply
from clawlib.planner import plan_pod
from clawlib.pod import load_pod
from tests.e2e.pods import docker, remove_project, running_container
from tests.polling import wait_for

pytestmark = pytest.mark.docker

FIXTURE = Path(__file__).parents[1] / "golden" / "fixtures" / "nanoclaw-pod"

# A fake Anthropic messages endpoint: busybox httpd running a CGI script.
FAKE_ANTHROPIC = """\
#!/bin/sh
cat > /dev/null
printf 'Content-Type: application/json\\r\\n\\r\\n'
printf '{"type":"message","role":"assistant","model":"claude-sonnet-4","content":\
[{"type":"text","text":"Nothing new at %s."}],"usage":{"input_tokens":12,"output_tokens":5}}\\n' \
"$PATH_INFO"
"""


@pytest.fixture
def run_project(project: str) -> Iterator[str]:
    """The compose project the pod runs under: unlike the pod's name (``project``)."""
    name = f"{project}-run"
    yield name
    remove_project(name)


def write_pod(directory: Path, pod_name: str) -> Path:
    shutil.copytree(FIXTURE, directory)
    pod_file = directory / "claw-pod.yml"
    text = pod_file.read_text().replace("pod: nanoclaw-pod", f"pod: {pod_name}")
    text = text.replace(
        "        ANTHROPIC_API_KEY: ${NANOCLAW_ANTHROPIC_API_KEY}\n",
        textwrap.indent(
            textwrap.dedent(
                """\
                ANTHROPIC_API_KEY: ${NANOCLAW_ANTHROPIC_API_KEY}
                ANTHROPIC_BASE_URL: http://fake-anthropic:8080/cgi-bin/anthropic

              fake-anthropic:
                image: claw-base/busybox:latest
                command: ["httpd", "-f", "-p", "8080", "-h", "/srv"]
                volumes:
                  - ./fake:/srv:ro
                expose: ["8080"]
            """
            ),
            "        ",
        ).replace("        fake-anthropic:", "  fake-anthropic:"),
    )
    assert "fake-anthropic:8080" in text
    pod_file.write_text(text)
    script = directory / "fake" / "cgi-bin" / "anthropic"
    script.parent.mkdir(parents=True)
    script.write_text(FAKE_ANTHROPIC)
    script.chmod(0o755)
    (directory / ".env").write_text("NANOCLAW_ANTHROPIC_API_KEY=sk-ant-fake\n")
    return directory


def test_nanoclaw_pod_under_another_project_name(
    project: str, run_project: str, tmp_path: Path
) -> None:
    pod = write_pod(tmp_path / "pod", project)
    report = apply(plan_pod(load_pod(pod, environ={})), project=run_project)
    assert report.ok, report.failures
    governed = running_container(run_project, "governed")
    orchestrator = running_container(run_project, "orchestrator")

    network = f"{run_project}_claw-internal"
    assert docker("network", "ls", "-q", "--filter", f"name=^{network}$")
    assert docker("exec", governed, "sh", "-c", 'echo "$CLAW_NETWORK"') == network
    assert docker("exec", orchestrator, "sh", "-c", 'echo "${CLAW_NETWORK:-unset}"') == "unset"
    assert docker("exec", governed, "sh", "-c", 'echo "$ANTHROPIC_BASE_URL"') == (
        "http://cllama:8080"
    )
    token = docker("exec", governed, "sh", "-c", 'echo "$CLLAMA_TOKEN"')
    assert docker("exec", governed, "stat", "-c", "%a", "/workspace/.env") == "600"
    assert docker("exec", governed, "cat", "/workspace/.env") == f"ANTHROPIC_API_KEY={token}"
    for claw in (governed, orchestrator):
        assert docker("exec", claw, "sh", "-c", "test -S /var/run/docker.sock && echo yes") == "yes"
    assert docker("exec", governed, "head", "-n", "1", "/workspace/groups/main/CLAUDE.md") == (
        "# Governed orchestrator"
    )

    wait_for(
        lambda: "answered: Nothing new at /messages." in docker("logs", governed),
        timeout=40,
        interval=0.5,
        message="the governed orchestrator's question answered through the proxy",
    )
    logs = docker("logs", governed).splitlines()
    assert logs[2:5] == [
        f"[nanoclaw] {logs[0].split()[1]} proxy http://cllama:8080",
        f"[nanoclaw] {logs[0].split()[1]} agent network {network}",
        f"[nanoclaw] {logs[0].split()[1]} /workspace/.env has ANTHROPIC_API_KEY",
    ]
    assert "sk-ant-fake" not in docker("exec", governed, "env")

    def healthy() -> bool:
        states = [docker("inspect", "-f", "{{.State.Health.Status}}", c) for c in claws]
        return states == ["healthy", "healthy"]

    claws = (governed, orchestrator)
    wait_for(healthy, timeout=60, interval=1, message="the pgrep healthchecks pass")
