"""examples/rollcall on the real engine, as a user runs it: a copy of it (and of the fake
provider it mounts from ``../fake-llm``) under a project name of its own, brought up with
``claw up -d``; the six claws and the proxy become healthy and ``claw health`` says so; each
stub's first lines show the proxy URL its runner config gave it; a governed call from each
reaches the proxy's log under its own agent id, and the fake provider, through the provider of
the API it speaks; ``claw down`` leaves nothing."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ROOT
from tests.e2e.pods import docker, leftovers
from tests.polling import wait_for

pytestmark = pytest.mark.docker

CLAW = Path(sys.executable).parent / "claw"
PROXY_URL = "http://cllama:8080/v1"
# Each claw and the line (after its "[<tag>] <host>: " prefix) in which its stub says where it
# sends its model requests, as read from the runner config claw wrote (nanoclaw's Anthropic SDK
# takes the proxy's root and adds /v1/messages itself).
CLAWS = {
    "oc-roll": f"model openrouter/anthropic/claude-sonnet-4 via {PROXY_URL}",
    "nb-roll": f"proxy {PROXY_URL}",
    "pc-roll": f"model openrouter/anthropic/claude-sonnet-4 via {PROXY_URL}",
    "nc-roll": f"provider {PROXY_URL}",
    "mc-roll": f"base URL {PROXY_URL}",
    "nano-roll": "proxy http://cllama:8080",
}

# What the stubs write in their mounted homes at start, as their runners keep state there.
RUNNER_STATE = (
    ".claw-runtime/nb-roll/nanobot-home/workspace/sessions/gateway.jsonl",
    ".claw-runtime/pc-roll/picoclaw-home/workspace/sessions/gateway.jsonl",
    ".claw-runtime/nc-roll/nullclaw-home/gateway.state",
)


def claw(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CLAW), *args], capture_output=True, text=True, timeout=120, env=os.environ.copy()
    )


def container(project: str, service: str) -> str:
    return f"{project}-{service}-1"


def health(project: str, service: str) -> str:
    return docker(
        "inspect", "-f", "{{.State.Health.Status}}", container(project, service), check=False
    )


def proxy_log(project: str) -> list[dict[str, Any]]:
    lines = docker("logs", container(project, "cllama")).splitlines()
    return [json.loads(line) for line in lines if line.startswith("{")]


def provider_requests(project: str) -> list[dict[str, Any]]:
    script = (
        "import urllib.request as u; "
        "print(u.urlopen('http://127.0.0.1:8080/fake/requests').read().decode())"
    )
    return json.loads(docker("exec", container(project, "fake-llm"), "python3", "-c", script))


def test_rollcall_up_healthy_governed_and_down(project: str, tmp_path: Path) -> None:
    pod = tmp_path / "rollcall"
    shutil.copytree(
        ROOT / "examples" / "rollcall",
        pod,
        ignore=shutil.ignore_patterns(".claw-runtime", "*.generated*"),
    )
    shutil.copytree(ROOT / "examples" / "fake-llm", tmp_path / "fake-llm")
    pod_file = pod / "claw-pod.yml"
    text = pod_file.read_text()
    assert "  pod: rollcall\n" in text
    pod_file.write_text(text.replace("  pod: rollcall\n", f"  pod: {project}\n", 1))
    key = f"rollcall-test-{secrets.token_hex(12)}"
    (pod / ".env").write_text(
        f"ROLLCALL_FAKE_LLM_KEY={key}\nROLLCALL_FAKE_DISCORD_TOKEN=made-up-{project}\n"
    )

    up = claw("up", "-d", "-y", "-f", str(pod))
    assert up.returncode == 0, up.stdout + up.stderr
    assert f"Pod is up: project {project}." in up.stdout

    services = [*CLAWS, "cllama", "fake-llm"]
    wait_for(
        lambda: all(health(project, s) == "healthy" for s in services),
        timeout=60,
        interval=1,
        message=lambda: (
            "every container healthy; " + ", ".join(f"{s} {health(project, s)}" for s in services)
        ),
    )
    checked = claw("health", "-f", str(pod))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # What runs is what the plan says: the mount points the engine made for the skills inside
    # nanobot's and picoclaw's mounted homes are not leftovers to remove (and recreate for).
    again = claw("plan", "-f", str(pod))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "No changes: the generated files match the pod." in again.stdout
    assert "apply changes none." in again.stdout
    for service in services:
        assert f"{container(project, service)} " in checked.stdout
    # ... nor is what the runners wrote in their mounted homes: it survives the next apply.
    for state in RUNNER_STATE:
        assert (pod / state).is_file(), state
    applied = claw("up", "-d", "-f", str(pod))
    assert applied.returncode == 0, applied.stdout + applied.stderr
    for state in RUNNER_STATE:
        assert (pod / state).read_text().startswith(("{", "started")), state

    for service, said in CLAWS.items():
        first = docker("logs", container(project, service)).splitlines()[:8]
        assert any(line.endswith(f": {said}") for line in first), (service, first)

    def answered() -> set[str]:
        return {
            line["claw_id"]
            for line in proxy_log(project)
            if line["type"] == "response" and line["status_code"] == 200
        }

    wait_for(
        lambda: answered() >= set(CLAWS),
        timeout=30,
        interval=1,
        message=lambda: f"an answered request of every claw; got {sorted(answered())}",
    )
    responses = [line for line in proxy_log(project) if line["type"] == "response"]
    assert {line["claw_id"] for line in responses} == set(CLAWS)
    for line in responses:
        assert line["status_code"] == 200, line
        assert line["tokens_in"] > 0
        assert line["tokens_out"] > 0
        assert line["cost_usd"] > 0
    models = {line["claw_id"]: line["model"] for line in responses}
    assert models == {
        **dict.fromkeys(CLAWS, "openrouter/anthropic/claude-sonnet-4"),
        "nano-roll": "claude-sonnet-4",
    }

    # The provider got the pod's key on both APIs: a bearer for chat completions (the
    # openrouter provider), x-api-key for messages (the anthropic provider, nano-roll's).
    seen = provider_requests(project)
    chat = [r for r in seen if r["path"] == "/v1/chat/completions"]
    messages = [r for r in seen if r["path"] == "/v1/messages"]
    assert len(chat) + len(messages) == len(seen)
    assert chat
    assert messages
    assert all(r["headers"]["Authorization"] == f"Bearer {key}" for r in chat)
    assert all(r["headers"]["X-Api-Key"] == key for r in messages)
    assert all(json.loads(r["body"])["model"] == "claude-sonnet-4" for r in messages)
    assert key not in docker("logs", container(project, "cllama"))
    for service in CLAWS:
        assert key not in docker("exec", container(project, service), "env")

    down = claw("down", "-f", str(pod))
    assert down.returncode == 0, down.stdout + down.stderr
    assert leftovers(project) == {"containers": "", "networks": "", "volumes": ""}
