"""Upstream's examples/nanobot (copied verbatim into ``nanobot/``), planned from its Clawfile and
checked against what upstream's ``claw up -d`` generates for it, value by value.

Where claw differs on purpose the test says so: a token kept in the pod's ``.env`` is found (as
compose finds it; upstream reads only the process environment), the config that holds the
literal tokens is written 0600 and masked in diffs, and no clawdash service is added (claw's TUI
is the dashboard).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from clawlib import planner
from clawlib.drivers import load_driver
from clawlib.drivers.base import Driver
from clawlib.drivers.nanobot import NanobotDriver
from clawlib.errors import PodError
from clawlib.planner import Plan, plan_pod
from clawlib.pod import load_pod

EXAMPLE = Path(__file__).parent / "nanobot"
TOKEN = "gateway:" + "ab" * 24
ENVIRON = {
    "DISCORD_BOT_TOKEN": "discord-secret-token",
    "DISCORD_BOT_ID": "123456789012345678",
    "DISCORD_GUILD_ID": "876543210987654321",
    "OPENROUTER_API_KEY": "sk-or-never-in-the-claw",
}


@pytest.fixture(autouse=True)
def nanobot_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    """The driver, whether or not the installed metadata lists it yet."""

    def load(claw_type: str) -> Driver:
        return NanobotDriver() if claw_type == "nanobot" else load_driver(claw_type)

    monkeypatch.setattr(planner, "load_driver", load)


@pytest.fixture
def pod_dir(tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXAMPLE, tmp_path / "nanobot"))


def plan(pod_dir: Path, environ: dict[str, str]) -> Plan:
    tokens: Callable[[str], str] = lambda agent: TOKEN  # noqa: E731
    return plan_pod(load_pod(pod_dir, environ=environ), lambda ref: None, tokens=tokens)


def test_the_copy_is_upstreams_file_set() -> None:
    assert sorted(p.name for p in EXAMPLE.iterdir()) == [
        ".env.example",
        "AGENTS.md",
        "Clawfile",
        "README.md",
        "claw-pod.yml",
    ]


def test_plan_matches_upstream_value_by_value(pod_dir: Path) -> None:
    result = plan(pod_dir, ENVIRON)
    files = {f.path: f for f in result.files}
    rt = ".claw-runtime/gateway"

    config_file = files[f"{rt}/nanobot-home/config.json"]
    # Upstream writes it 0644; it holds the literal bot token and proxy token, so claw writes
    # it 0600 and never shows it in a diff.
    assert (config_file.secret, config_file.mode) == (True, 0o600)
    assert json.loads(config_file.content) == {
        "agents": {
            "defaults": {
                "model": "openrouter/anthropic/claude-sonnet-4",
                "workspace": "/root/.nanobot/workspace",
            }
        },
        "channels": {
            "discord": {
                "enabled": True,
                "guild_id": "876543210987654321",
                "token": "discord-secret-token",
            }
        },
        "providers": {"openrouter": {"api_key": TOKEN, "base_url": "http://cllama:8080/v1"}},
    }
    assert b"sk-or-never-in-the-claw" not in config_file.content

    seeded = files[f"{rt}/nanobot-home/workspace/AGENTS.md"].content.decode()
    contract = (EXAMPLE / "AGENTS.md").read_text().strip()
    assert seeded.startswith(contract + "\n\n---\n\n# CLAWDAPUS.md\n")
    assert seeded.endswith("\n")
    assert not seeded.endswith("\n\n")
    assert "- **Type:** nanobot" in seeded
    assert "- **Endpoint:** `http://cllama:8080/v1`" in seeded
    assert f"{rt}/nanobot-home/cron/jobs.json" not in files  # no INVOKE in the example

    compose = yaml.safe_load(files["compose.generated.yml"].content)
    # Upstream also adds clawdash; claw's TUI is the dashboard.
    assert sorted(compose["services"]) == ["cllama", "gateway"]
    gateway = compose["services"]["gateway"]
    assert gateway["image"] == "nanobot-example:latest"
    assert gateway["read_only"] is True
    assert gateway["restart"] == "on-failure"
    assert gateway["tmpfs"] == ["/tmp"]
    assert gateway["volumes"] == [
        f"./{rt}/nanobot-home:/root/.nanobot:rw",
        f"./{rt}/skills/handle-discord.md:/root/.nanobot/workspace/skills/handle-discord/SKILL.md:ro",
    ]
    # Upstream's 'nanobot gateway' matches the healthcheck's own shell (sh -c "..." holds the
    # pattern): the bracket keeps the check from passing with no runner.
    assert gateway["healthcheck"] == {
        "test": ["CMD-SHELL", "pgrep -f '[n]anobot gateway' > /dev/null"],
        "interval": "30s",
        "timeout": "10s",
        "retries": 3,
    }
    assert gateway["environment"]["CLAW_MANAGED"] == "true"
    assert gateway["environment"]["CLLAMA_TOKEN"] == TOKEN
    # The service's own values stay references for compose to resolve.
    assert gateway["environment"]["DISCORD_BOT_TOKEN"] == "${DISCORD_BOT_TOKEN}"
    assert "claw-internal" in gateway["networks"]
    assert compose["services"]["cllama"]["environment"]["OPENROUTER_API_KEY"] == (
        "${OPENROUTER_API_KEY}"
    )
    assert files[f"{rt}/skills/handle-discord.md"].content.startswith(
        b'---\nname: "handle-discord"\n'
    )
    assert result.warnings == ()


def test_the_bot_token_must_be_found(pod_dir: Path) -> None:
    environ = {k: v for k, v in ENVIRON.items() if k != "DISCORD_BOT_TOKEN"}
    with pytest.raises(PodError) as caught:
        plan(pod_dir, environ)
    assert [(p.yaml_path, p.detail) for p in caught.value.problems] == [
        (
            "services.gateway",
            "HANDLE discord requires DISCORD_BOT_TOKEN (in the service's environment, the pod's "
            ".env or the environment claw runs in)",
        )
    ]


def test_a_token_in_the_pods_env_file_is_found(pod_dir: Path) -> None:
    # Upstream's driver reads only the process environment (its README's `cp .env.example .env`
    # then fails validation); claw finds the token where compose does.
    (pod_dir / ".env").write_text("DISCORD_BOT_TOKEN=from-dot-env\nDISCORD_GUILD_ID=42\n")
    environ = {
        k: v for k, v in ENVIRON.items() if k not in ("DISCORD_BOT_TOKEN", "DISCORD_GUILD_ID")
    }
    files = {f.path: f.content for f in plan(pod_dir, environ).files}
    config = json.loads(files[".claw-runtime/gateway/nanobot-home/config.json"])
    assert config["channels"]["discord"] == {
        "enabled": True,
        "guild_id": "42",
        "token": "from-dot-env",
    }
