"""The stub microclaw runner behaves like the real one where claw looks: it reads the config
claw writes and says what it found, logs steadily, is found by the compose healthcheck the
driver writes (and only while it runs), and stops promptly on SIGTERM."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from clawlib.drivers.microclaw import MicroclawDriver
from clawlib.pod import Channel, Guild, Handle
from clawlib.runtime import ProxyLink, ResolvedClaw
from tests.e2e.stubs import assert_stops_promptly, docker
from tests.polling import wait_for

pytestmark = pytest.mark.docker

STUB = "claw-stub/microclaw:latest"


@pytest.fixture
def runner(stub_images: None, tmp_path: Path) -> Iterator[str]:
    """The stub, run as claw would run it: the driver's files, mounts and environment."""
    claw = ResolvedClaw(
        "quill",
        "notes",
        "img:1",
        "microclaw",
        "AGENTS.md",
        b"# Quill\n",
        models={"primary": "openrouter/anthropic/claude-haiku-4-5"},
        handles={"discord": Handle(id="1", guilds=[Guild(id="g", channels=[Channel(id="5")])])},
        proxy=ProxyLink("cllama", "passthrough", "quill:" + "0" * 48),
        lookup_env={"DISCORD_BOT_TOKEN": "d"},
    )
    result = MicroclawDriver().materialise(claw)
    for path, item in result.files.items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(item.content)
    volumes = [
        f"{tmp_path / m.source}:{m.target}:{'ro' if m.read_only else 'rw'}" for m in result.mounts
    ]
    environment = [f"{k}={v}" for k, v in result.environment.items()]
    name = f"claw-test-microclaw-{uuid.uuid4().hex[:12]}"
    docker(
        "run", "-d", "--name", name, "--tmpfs", "/tmp",
        *(f"-v={v}" for v in volumes), *(f"-e={e}" for e in environment),
        "-e", "STUB_LOG_RATE=50", "-e", "CLAW_SERVICE=quill", STUB,
    )  # fmt: skip
    yield name
    docker("rm", "-f", name, check=False)


HEALTHCHECK = (
    MicroclawDriver()
    .materialise(
        ResolvedClaw("q", "p", "i", "microclaw", "AGENTS.md", b"", models={"primary": "ollama/x"})
    )
    .healthcheck
)


def test_it_summarises_its_config_then_logs_steadily(runner: str) -> None:
    wait_for(
        lambda: docker("logs", runner).stdout.count("tick") >= 20,
        timeout=20,
        interval=0.2,
        message="20 ticks in the log",
    )
    lines = docker("logs", runner).stdout.splitlines()
    assert lines[:6] == [
        "[microclaw] quill: config /app/config/microclaw.config.yaml",
        "[microclaw] quill: model openrouter/anthropic/claude-haiku-4-5 (provider openai)",
        "[microclaw] quill: base URL http://cllama:8080/v1",
        "[microclaw] quill: channels discord web",
        "[microclaw] quill: contract # Quill",
        "[microclaw] quill: tick 1",
    ]


def test_the_healthcheck_finds_the_runner_and_only_the_runner(runner: str) -> None:
    assert HEALTHCHECK is not None
    assert HEALTHCHECK.test[0] == "CMD-SHELL"
    check = HEALTHCHECK.test[1]
    assert docker("exec", runner, "sh", "-c", check, check=False).returncode == 0
    name = f"claw-test-microclaw-{uuid.uuid4().hex[:12]}"
    docker("run", "-d", "--name", name, "--entrypoint", "sleep", STUB, "60")
    try:
        assert docker("exec", name, "sh", "-c", check, check=False).returncode == 1
    finally:
        docker("rm", "-f", name, check=False)


def test_sigterm_stops_it_promptly(runner: str) -> None:
    assert_stops_promptly(runner, "[microclaw] quill: SIGTERM, shutting down")
