"""The stub openclaw runner behaves like the real one where claw looks: it logs, answers
``openclaw health --json`` (noise on stderr, JSON on stdout), turns unhealthy on demand, and
stops promptly on SIGTERM."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest

from tests.e2e.stubs import assert_stops_promptly, docker
from tests.polling import wait_for

pytestmark = pytest.mark.docker

STUB = "claw-stub/openclaw:latest"


@pytest.fixture
def gateway(stub_images: None) -> Iterator[str]:
    name = f"claw-test-stub-{uuid.uuid4().hex[:12]}"
    docker(
        "run", "-d", "--name", name, "--read-only", "--tmpfs", "/tmp",
        "-e", "STUB_LOG_RATE=50", "-e", "CLAW_SERVICE=bot", STUB,
    )  # fmt: skip
    yield name
    docker("rm", "-f", name, check=False)


def test_gateway_logs_a_steady_stream(gateway: str) -> None:
    wait_for(
        lambda: docker("logs", gateway).stdout.count("tick") >= 20,
        timeout=20,
        interval=0.2,
        message="20 ticks in the log",
    )
    lines = docker("logs", gateway).stdout.splitlines()
    assert lines[0] == "[gateway] bot: listening (config none)"
    assert lines[1:4] == ["[gateway] bot: tick 1", "[gateway] bot: tick 2", "[gateway] bot: tick 3"]


def test_health_json_and_flipping_it(gateway: str) -> None:
    done = docker("exec", gateway, "openclaw", "health", "--json")
    assert done.stderr == "openclaw: checking gateway (stub)\n"
    assert json.loads(done.stdout) == {"status": "ok", "detail": "", "version": "stub-1"}
    docker("exec", gateway, "sh", "-c", "echo degraded > /tmp/claw-stub-health")
    flipped = docker("exec", gateway, "openclaw", "health", "--json")
    assert json.loads(flipped.stdout) == {
        "status": "degraded",
        "detail": "health file says degraded",
        "version": "stub-1",
    }


def test_sigterm_stops_it_promptly(gateway: str) -> None:
    assert_stops_promptly(gateway, "[gateway] bot: SIGTERM, shutting down")
