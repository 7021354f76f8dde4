"""A governed pod on the real engine, from nothing: claws, the proxy claw adds (our image, built
locally) and a fake provider. Inside a claw, its own token gets the provider's answer through
the proxy; the provider sees the real key and never the token; a wrong secret, another agent's
id and no token are refused; the proxy logs the usage; no claw holds the key."""

from __future__ import annotations

import json
import secrets
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import pytest

from clawlib.lifecycle import apply
from clawlib.planner import plan_pod
from clawlib.pod import load_pod
from tests.e2e.pods import docker, running_container
from tests.polling import wait_for

pytestmark = pytest.mark.docker

ROOT = Path(__file__).parents[2]
FAKE_LLM = ROOT / "examples" / "fake-llm" / "fake_llm.py"
PROXY = "http://cllama:8080/v1/chat/completions"


def write_governed_pod(directory: Path, project: str, key: str) -> Path:
    for claw in ("alpha", "beta"):
        (directory / claw).mkdir(parents=True)
        (directory / claw / "Clawfile").write_text(
            "FROM claw-stub/openclaw:latest\nCLAW_TYPE openclaw\nAGENT AGENTS.md\n"
            "MODEL primary openrouter/anthropic/claude-sonnet-4\n"
        )
        (directory / claw / "AGENTS.md").write_text(f"# {claw.title()}\n\nYou are {claw}.\n")
    (directory / ".env").write_text(f"TEST_PROVIDER_KEY={key}\n")
    (directory / "claw-pod.yml").write_text(
        textwrap.dedent(
            f"""\
            x-claw:
              pod: {project}
            services:
              alpha:
                build: ./alpha
                environment:
                  STUB_LOG_RATE: "2"
                x-claw:
                  agent: ./alpha/AGENTS.md
                  count: 2
                  cllama: passthrough
                  cllama-env:
                    OPENROUTER_API_KEY: ${{TEST_PROVIDER_KEY}}
                    OPENROUTER_BASE_URL: http://fake-llm:8080/v1
              beta:
                build: ./beta
                environment:
                  STUB_LOG_RATE: "2"
                x-claw:
                  agent: ./beta/AGENTS.md
                  cllama: passthrough
              fake-llm:
                image: claw-local/cllama:latest
                entrypoint: ["python3", "/srv/fake_llm.py"]
                volumes:
                  - {FAKE_LLM}:/srv/fake_llm.py:ro
                environment:
                  FAKE_LLM_KEY: ${{TEST_PROVIDER_KEY}}
            """
        )
    )
    return directory


def env_of(claw: str, name: str) -> str:
    return docker("exec", claw, "sh", "-c", f'echo "${name}"')


def provider_requests(project: str) -> list[dict[str, Any]]:
    """What the fake provider received, asked from inside its own container."""
    script = (
        "import urllib.request as u; "
        "print(u.urlopen('http://127.0.0.1:8080/fake/requests').read().decode())"
    )
    return json.loads(
        docker("exec", running_container(project, "fake-llm"), "python3", "-c", script)
    )


def ask(claw: str, auth: str | None, *, stream: bool = False) -> tuple[bool, str]:
    """POST a chat request to the proxy from inside ``claw`` with busybox wget; ``auth`` is the
    Authorization header's value, where ``$CLLAMA_TOKEN`` is the claw's own token."""
    body = json.dumps(
        {
            "model": "openrouter/anthropic/claude-sonnet-4",
            "stream": stream,
            "messages": [{"role": "user", "content": "status?"}],
        }
    )
    header = f'--header "Authorization: {auth}" ' if auth is not None else ""
    script = (
        f"wget -q -O - {header}--header 'Content-Type: application/json' "
        f"--post-data '{body}' {PROXY}"
    )
    done = subprocess.run(
        ["docker", "exec", claw, "sh", "-c", script], capture_output=True, text=True
    )
    return done.returncode == 0, done.stdout + done.stderr


def proxy_log(project: str) -> list[dict[str, Any]]:
    lines = docker("logs", running_container(project, "cllama")).splitlines()
    return [json.loads(line) for line in lines if line.startswith("{")]


def test_a_governed_pod_end_to_end(project: str, tmp_path: Path) -> None:
    key = f"sk-test-{secrets.token_hex(16)}"
    pod = write_governed_pod(tmp_path / "pod", project, key)
    report = apply(plan_pod(load_pod(pod, environ={})))
    assert report.ok, report.failures
    alpha0, alpha1 = running_container(project, "alpha-0"), running_container(project, "alpha-1")
    wait_for(
        lambda: "healthy" in docker("inspect", "-f", "{{.State.Health.Status}}",
                                    running_container(project, "cllama")),
        timeout=40,
        interval=0.5,
        message="the proxy is healthy",
    )  # fmt: skip
    token = env_of(alpha0, "CLLAMA_TOKEN")
    agent, _, secret = token.partition(":")
    assert agent == "alpha-0"
    assert len(secret) == 48

    # Its own token: the provider's (canned) answer, plain and streamed.
    ok, answer = ask(alpha0, "Bearer $CLLAMA_TOKEN")
    assert ok, answer
    body = json.loads(answer)
    assert body["object"] == "chat.completion"
    assert body["choices"][0]["message"]["content"]
    ok, streamed = ask(alpha0, "Bearer $CLLAMA_TOKEN", stream=True)
    assert ok, streamed
    assert streamed.rstrip().endswith("data: [DONE]")
    assert '"usage"' in streamed  # the proxy asked for the usage chunk

    # The provider got the real key, never the token.
    seen = provider_requests(project)
    assert len(seen) == 2
    for request in seen:
        assert request["headers"]["Authorization"] == f"Bearer {key}"
        assert secret not in json.dumps(request)
        assert json.loads(request["body"])["model"] == "anthropic/claude-sonnet-4"
    assert json.loads(seen[1]["body"])["stream_options"] == {"include_usage": True}

    # The claws cannot go around the proxy: the provider is not on their network.
    around = subprocess.run(
        ["docker", "exec", alpha0, "wget", "-q", "-O", "-", "http://fake-llm:8080/health"],
        capture_output=True,
        text=True,
    )
    assert around.returncode != 0
    assert "bad address" in around.stderr

    # Refusals: a wrong secret, another agent's id with this secret, no token at all.
    ok, out = ask(alpha0, f"Bearer alpha-0:{'0' * 48}")
    assert not ok
    assert "403" in out
    ok, out = ask(alpha0, f"Bearer beta:{secret}")
    assert not ok
    assert "403" in out
    ok, out = ask(alpha0, None)
    assert not ok
    assert "401" in out
    # A replica has its own token: alpha-1's is not alpha-0's, and it works.
    assert env_of(alpha1, "CLLAMA_TOKEN").partition(":")[0] == "alpha-1"
    ok, out = ask(alpha1, "Bearer $CLLAMA_TOKEN")
    assert ok, out
    seen = provider_requests(project)
    assert len(seen) == 3  # the refused requests never reached the provider

    # The proxy's log: one response line with the usage per answered request, the refusals as
    # errors, and neither the key nor any token anywhere.
    def lines() -> list[dict[str, Any]]:
        return proxy_log(project)

    wait_for(lambda: len(lines()) >= 9, timeout=10, interval=0.2, message="the proxy's log lines")
    log = lines()
    responses = [line for line in log if line["type"] == "response"]
    assert [(r["claw_id"], r["status_code"]) for r in responses] == [
        ("alpha-0", 200),
        ("alpha-0", 200),
        ("alpha-1", 200),
    ]
    for response in responses:
        assert response["model"] == "openrouter/anthropic/claude-sonnet-4"
        assert response["tokens_in"] > 0
        assert response["tokens_out"] > 0
        assert response["cost_usd"] > 0
    errors = [(line["claw_id"], line["status_code"]) for line in log if line["type"] == "error"]
    assert errors == [("alpha-0", 403), ("beta", 403), ("", 401)]
    raw = docker("logs", running_container(project, "cllama"))
    assert key not in raw
    assert secret not in raw

    # No claw holds the provider key, in its environment or anywhere claw wrote for it.
    for claw in (alpha0, alpha1, running_container(project, "beta")):
        env = docker("exec", claw, "env")
        assert key not in env
        assert "OPENROUTER_API_KEY" not in env
        assert key not in docker("exec", claw, "sh", "-c", "cat /app/config/openclaw.json")
