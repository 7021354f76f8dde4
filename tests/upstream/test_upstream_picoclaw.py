"""Upstream clawdapus's picoclaw example (examples/picoclaw at 92dd5be, copied unchanged into
``picoclaw/``), planned from its Clawfile without an engine, checked value by value against
what upstream's ``claw up -d`` generates for it.

Where the result deliberately differs from upstream, the assertion says why.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from clawlib.drivers import load_driver
from clawlib.drivers.picoclaw import PicoclawDriver
from clawlib.errors import PodError
from clawlib.planner import Plan, plan_pod
from clawlib.pod import load_pod

EXAMPLE = Path(__file__).parent / "picoclaw"
ENVIRON = {
    "OPENROUTER_API_KEY": "sk-or-example",
    "DISCORD_BOT_TOKEN": "discord-example-token",
    "DISCORD_BOT_ID": "111222333444555666",
    "DISCORD_GUILD_ID": "999888777666555444",
}
RT = ".claw-runtime/gateway"
HOME = "/home/picoclaw/.picoclaw"


def token(agent: str) -> str:
    return f"{agent}:{hashlib.sha256(agent.encode()).hexdigest()[:48]}"


@pytest.fixture(autouse=True)
def _picoclaw_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    """The driver itself, whether or not this checkout's entry points are installed yet."""
    monkeypatch.setattr(
        "clawlib.planner.load_driver",
        lambda kind: PicoclawDriver() if kind == "picoclaw" else load_driver(kind),
    )


@pytest.fixture
def plan(tmp_path: Path) -> Plan:
    pod = tmp_path / "picoclaw"
    shutil.copytree(EXAMPLE, pod)
    return plan_pod(load_pod(pod, environ=ENVIRON), lambda ref: None, tokens=token)


def files(plan: Plan) -> dict[str, Any]:
    return {f.path: f for f in plan.files}


def compose(plan: Plan) -> dict[str, Any]:
    document = yaml.safe_load(files(plan)["compose.generated.yml"].content)
    assert isinstance(document, dict)
    return document


def test_the_example_is_upstreams_unchanged() -> None:
    assert sorted(p.name for p in EXAMPLE.iterdir()) == [
        ".env.example",
        "AGENTS.md",
        "Clawfile",
        "README.md",
        "claw-pod.yml",
    ]
    assert (EXAMPLE / "Clawfile").read_text().splitlines()[0] == (
        "FROM docker.io/sipeed/picoclaw:latest"
    )


def test_config_json(plan: Plan) -> None:
    config_file = files(plan)[f"{RT}/picoclaw-home/config.json"]
    # Upstream writes it 0644 although it holds the bot token and the proxy token: here it is a
    # secret file (0600, masked in diffs).
    assert config_file.secret is True
    assert config_file.mode == 0o600
    config = json.loads(config_file.content)
    assert config["agents"]["defaults"]["model_name"] == "primary"
    assert config["agents"]["defaults"]["workspace"] == f"{HOME}/workspace"
    assert config["model_list"] == [
        {
            "model_name": "primary",
            "model": "openai/openrouter/anthropic/claude-sonnet-4",
            "api_base": "http://cllama:8080/v1",
            "api_key": token("gateway"),
        }
    ]
    # Upstream reads DISCORD_BOT_TOKEN from claw's own environment only; here the service's
    # `${DISCORD_BOT_TOKEN}` is resolved where compose resolves it (the same value here).
    assert config["channels"] == {
        "discord": {
            "enabled": True,
            "token": "discord-example-token",
            "bot_token": "discord-example-token",
            "guild_id": "999888777666555444",
        }
    }
    assert sorted(config) == ["agents", "channels", "model_list"]
    assert sorted(config["agents"]["defaults"]) == ["model_name", "workspace"]


def test_seeded_workspace_contract(plan: Plan) -> None:
    seeded = files(plan)[f"{RT}/picoclaw-home/workspace/AGENTS.md"].content.decode()
    contract = (EXAMPLE / "AGENTS.md").read_text().strip()
    assert seeded.startswith(f"{contract}\n\n---\n\n# CLAWDAPUS.md\n")
    assert "- **Pod:** picoclaw-example\n" in seeded
    assert "- **Service:** gateway\n" in seeded
    assert "- **Type:** picoclaw\n" in seeded
    assert seeded.endswith("\n")
    assert not seeded.endswith("\n\n")
    assert f"{RT}/picoclaw-home/workspace/cron/jobs.json" not in files(plan)


def test_compose_service(plan: Plan) -> None:
    document = compose(plan)
    assert document["name"] == "picoclaw-example"
    gateway = document["services"]["gateway"]
    assert gateway["image"] == "picoclaw-example:latest"
    assert gateway["read_only"] is True
    assert gateway["restart"] == "on-failure"
    assert gateway["tmpfs"] == ["/tmp"]
    # Deliberately not upstream's: picoclaw is not root, and its runtime directory (its config
    # 0600) is given to the user compose runs it as, named here (upstream sets no user and
    # writes the config readable by everyone).
    assert gateway["user"] == "1000:1000"
    environment = gateway["environment"]
    assert environment["PICOCLAW_HOME"] == HOME
    assert environment["PICOCLAW_CONFIG"] == f"{HOME}/config.json"
    assert environment["CLAW_MANAGED"] == "true"
    assert environment["CLLAMA_TOKEN"] == token("gateway")
    # The service's own values stay references for compose to resolve.
    assert environment["DISCORD_BOT_TOKEN"] == "${DISCORD_BOT_TOKEN}"
    assert environment["DISCORD_BOT_ID"] == "${DISCORD_BOT_ID}"
    assert gateway["volumes"] == [
        f"./{RT}/picoclaw-home:{HOME}:rw",
        f"./{RT}/skills/handle-discord.md:{HOME}/workspace/skills/handle-discord/SKILL.md:ro",
    ]
    assert gateway["healthcheck"] == {
        "test": ["CMD-SHELL", "curl -fsS http://localhost:18790/health >/dev/null || exit 1"],
        "interval": "30s",
        "timeout": "10s",
        "retries": 3,
    }
    assert gateway["networks"] == ["claw-internal"]
    assert gateway["labels"] == {"claw.pod": "picoclaw-example", "claw.service": "gateway"}


def test_proxy_service(plan: Plan) -> None:
    document = compose(plan)
    cllama = document["services"]["cllama"]
    assert cllama["environment"]["CLAW_POD"] == "picoclaw-example"
    assert cllama["environment"]["OPENROUTER_API_KEY"] == "${OPENROUTER_API_KEY}"
    assert "claw-internal" in cllama["networks"]
    assert document["networks"] == {"claw-internal": {}}
    # No clawdash service: claw's dashboard is its terminal UI, not a container of the pod.
    assert sorted(document["services"]) == ["cllama", "gateway"]


def test_the_example_without_its_bot_token_is_refused(tmp_path: Path) -> None:
    pod = tmp_path / "picoclaw"
    shutil.copytree(EXAMPLE, pod)
    with pytest.raises(PodError) as caught:
        plan_pod(
            load_pod(pod, environ={k: v for k, v in ENVIRON.items() if k != "DISCORD_BOT_TOKEN"}),
            lambda ref: None,
            tokens=token,
        )
    assert "HANDLE discord requires DISCORD_BOT_TOKEN" in str(caught.value)
