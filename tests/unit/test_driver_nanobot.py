"""The nanobot driver: config.json key by key, validation messages, the seeded contract, the
cron store and what the compose service gets. The driver is constructed directly (its entry
point counts only once the project is reinstalled)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from clawlib.drivers._runner import seeded_contract
from clawlib.drivers.base import Healthcheck, Mount
from clawlib.drivers.nanobot import NanobotDriver
from clawlib.drivers.nanobot._config import nanobot_config
from clawlib.errors import DriverError
from clawlib.pod import Channel, Guild, Handle
from clawlib.runtime import Invocation, PersonaFile, ProxyLink, ResolvedClaw, clawdapus_md

PRIMARY = {"primary": "openrouter/anthropic/claude-sonnet-4"}
KEY = {"OPENROUTER_API_KEY": "sk-or-1"}


def claw(**fields: Any) -> ResolvedClaw:
    fields.setdefault("models", PRIMARY)
    fields.setdefault("lookup_env", KEY)
    return ResolvedClaw(
        fields.pop("service", "gateway"),
        "nb",
        "img:1",
        "nanobot",
        "AGENTS.md",
        fields.pop("contract", b"\n# Nanobot\n\nBe brief.\n\n"),
        **fields,
    )


def governed(**fields: Any) -> ResolvedClaw:
    fields.setdefault("lookup_env", {})
    return claw(proxy=ProxyLink("cllama", "passthrough", "gateway:abc123"), **fields)


def document(resolved: ResolvedClaw) -> dict[str, Any]:
    config, problems = nanobot_config(resolved)
    assert problems == []
    return config.document


def problems(resolved: ResolvedClaw) -> tuple[str, ...]:
    with pytest.raises(DriverError) as caught:
        NanobotDriver().validate(resolved)
    return caught.value.problems


# --- config.json ---------------------------------------------------------------------------------


def test_direct_config_has_model_workspace_and_resolved_keys() -> None:
    resolved = claw(
        models={"primary": "openrouter/anthropic/claude-sonnet-4", "fallback": "Anthropic/claude"},
        lookup_env={"OPENROUTER_API_KEY": "sk-or-1", "ANTHROPIC_API_KEY": "sk-ant-2"},
    )
    assert document(resolved) == {
        "agents": {
            "defaults": {
                "model": "openrouter/anthropic/claude-sonnet-4",
                "workspace": "/root/.nanobot/workspace",
            }
        },
        "providers": {"anthropic": {"api_key": "sk-ant-2"}, "openrouter": {"api_key": "sk-or-1"}},
    }
    assert nanobot_config(resolved)[0].secret is True


def test_direct_provider_without_a_key_is_left_out_and_no_secret() -> None:
    resolved = claw(models={"primary": "ollama/llama3"}, lookup_env={})
    assert document(resolved) == {
        "agents": {"defaults": {"model": "ollama/llama3", "workspace": "/root/.nanobot/workspace"}}
    }
    assert nanobot_config(resolved)[0].secret is False
    assert NanobotDriver().validate(resolved) == []


def test_key_found_under_a_fallback_name() -> None:
    resolved = claw(lookup_env={"PROVIDER_API_KEY": "generic-key"})
    assert document(resolved)["providers"] == {"openrouter": {"api_key": "generic-key"}}


def test_governed_providers_point_at_the_pods_proxy_with_the_token() -> None:
    resolved = claw(
        models={"primary": "openrouter/anthropic/claude-sonnet-4", "small": "anthropic/haiku"},
        proxy=ProxyLink("cllama-policy", "policy", "gateway:tok"),
        lookup_env={"OPENROUTER_API_KEY": "never-written"},
    )
    assert document(resolved)["providers"] == {
        "anthropic": {"api_key": "gateway:tok", "base_url": "http://cllama-policy:8080/v1"},
        "openrouter": {"api_key": "gateway:tok", "base_url": "http://cllama-policy:8080/v1"},
    }
    assert "never-written" not in json.dumps(document(resolved))
    assert nanobot_config(resolved)[0].secret is True


def test_discord_handle_token_and_first_guild() -> None:
    handle = Handle(id="111", username="nb", guilds=[Guild(id="G1"), Guild(id="G2")])
    resolved = governed(handles={"discord": handle}, lookup_env={"DISCORD_BOT_TOKEN": "d-tok"})
    assert document(resolved)["channels"] == {
        "discord": {"enabled": True, "guild_id": "G1", "token": "d-tok"}
    }


def test_discord_without_guilds_has_no_guild_id() -> None:
    resolved = governed(handles={"discord": Handle(id="1")}, lookup_env={"DISCORD_BOT_TOKEN": "t"})
    assert document(resolved)["channels"] == {"discord": {"enabled": True, "token": "t"}}


def test_telegram_and_slack_tokens() -> None:
    resolved = governed(
        handles={"telegram": Handle(id="5"), "slack": Handle(id="U1")},
        lookup_env={
            "TELEGRAM_BOT_TOKEN": "tg",
            "SLACK_BOT_TOKEN": "xoxb",
            "SLACK_APP_TOKEN": "xapp",
            "SLACK_SIGNING_SECRET": "sign",
        },
    )
    assert document(resolved)["channels"] == {
        "slack": {
            "app_token": "xapp",
            "bot_token": "xoxb",
            "enabled": True,
            "signing_secret": "sign",
        },
        "telegram": {"bot_token": "tg", "enabled": True},
    }


def test_slack_optional_tokens_are_left_out_when_unset() -> None:
    resolved = governed(handles={"slack": Handle(id="U1")}, lookup_env={"SLACK_BOT_TOKEN": "x"})
    assert document(resolved)["channels"] == {"slack": {"bot_token": "x", "enabled": True}}


def test_unsupported_platform_warns_and_is_skipped() -> None:
    resolved = governed(handles={"matrix": Handle(id="@a:b")})
    config, found = nanobot_config(resolved)
    assert found == []
    assert "channels" not in config.document
    assert config.warnings == (
        'nanobot has no channel for HANDLE platform "matrix": it is not enabled '
        "(the CLAW_HANDLE_* variables are still set)",
    )
    assert NanobotDriver().materialise(resolved).warnings == config.warnings


def test_configure_is_json_typed_and_applied_last() -> None:
    resolved = governed(
        handles={"discord": Handle(id="1")},
        lookup_env={"DISCORD_BOT_TOKEN": "t"},
        configures=(
            "nanobot config set channels.discord.enabled false",
            "nanobot config set agents.defaults.max_tokens 8192",
            'nanobot config set agents.defaults.name "Nano Bot"',
            "nanobot config set tools.web.search.max_results [1, 2]",
            "nanobot config set agents.defaults.temperature 0.2 warm",
        ),
    )
    config = document(resolved)
    assert config["channels"]["discord"]["enabled"] is False
    assert config["agents"]["defaults"]["max_tokens"] == 8192
    assert config["agents"]["defaults"]["name"] == "Nano Bot"
    assert config["tools"] == {"web": {"search": {"max_results": [1, 2]}}}
    assert config["agents"]["defaults"]["temperature"] == "0.2 warm"


def test_config_bytes_are_sorted_and_stable() -> None:
    resolved = governed(handles={"discord": Handle(id="1")}, lookup_env={"DISCORD_BOT_TOKEN": "t"})
    first = NanobotDriver().materialise(resolved).files["nanobot-home/config.json"].content
    assert first == NanobotDriver().materialise(resolved).files["nanobot-home/config.json"].content
    assert first == (json.dumps(document(resolved), indent=2, sort_keys=True) + "\n").encode()


# --- validation ----------------------------------------------------------------------------------


def test_valid_claws_have_no_warnings() -> None:
    assert NanobotDriver().validate(claw()) == []
    assert NanobotDriver().validate(governed()) == []


def test_missing_primary_model() -> None:
    assert problems(claw(models={})) == (
        "missing MODEL primary (set `MODEL primary <provider/model>` in the Clawfile, "
        "e.g. MODEL primary openrouter/anthropic/claude-sonnet-4)",
    )
    assert problems(claw(models={"primary": "  ", "fallback": "anthropic/x"})) == (
        "missing MODEL primary (set `MODEL primary <provider/model>` in the Clawfile, "
        "e.g. MODEL primary openrouter/anthropic/claude-sonnet-4)",
    )


def test_invalid_model_refs() -> None:
    assert problems(governed(models={"primary": "openrouter/", "small": "/x"})) == (
        'MODEL primary: model reference "openrouter/" is not provider/model '
        "(write provider/model, e.g. openrouter/anthropic/claude-sonnet-4)",
        'MODEL small: model reference "/x" is not provider/model '
        "(write provider/model, e.g. openrouter/anthropic/claude-sonnet-4)",
    )


def test_missing_provider_key_when_direct() -> None:
    assert problems(claw(lookup_env={})) == (
        'no API key found for provider "openrouter" (checked: OPENROUTER_API_KEY, '
        "PROVIDER_API_KEY_OPENROUTER, PROVIDER_API_KEY, OPENAI_API_KEY; set one in the "
        "service's environment, the pod's .env or the environment claw runs in, or govern "
        "the claw with cllama)",
    )


def test_a_bare_model_is_anthropics_and_needs_its_key() -> None:
    assert problems(claw(models={"primary": "claude-sonnet-4"}, lookup_env=KEY)) == (
        'no API key found for provider "anthropic" (checked: ANTHROPIC_API_KEY, '
        "PROVIDER_API_KEY_ANTHROPIC, PROVIDER_API_KEY; set one in the service's environment, "
        "the pod's .env or the environment claw runs in, or govern the claw with cllama)",
    )


def test_empty_proxy_token() -> None:
    resolved = claw(proxy=ProxyLink("cllama", "passthrough", " "), lookup_env={})
    assert problems(resolved) == ("cllama is enabled but the claw's proxy token is empty",)


def test_handles_need_their_bot_tokens_and_every_problem_is_listed() -> None:
    resolved = claw(
        models={"primary": "openrouter/"},
        lookup_env={"SLACK_APP_TOKEN": "xapp"},
        handles={"discord": Handle(id="1"), "slack": Handle(id="2"), "telegram": Handle(id="3")},
        configures=("nanobot set x 1", "nanobot config set agents 3"),
        invocations=(Invocation("0 9 * *", "hi"), Invocation("0 9 * * *", " ")),
    )
    assert problems(resolved) == (
        'MODEL primary: model reference "openrouter/" is not provider/model '
        "(write provider/model, e.g. openrouter/anthropic/claude-sonnet-4)",
        "HANDLE discord requires DISCORD_BOT_TOKEN (in the service's environment, the pod's .env "
        "or the environment claw runs in)",
        "HANDLE slack requires SLACK_BOT_TOKEN (in the service's environment, the pod's .env "
        "or the environment claw runs in)",
        "HANDLE telegram requires TELEGRAM_BOT_TOKEN (in the service's environment, the pod's "
        ".env or the environment claw runs in)",
        'unrecognized CONFIGURE command: "nanobot set x 1" '
        "(expected 'nanobot config set <path> <value>')",
        'CONFIGURE "nanobot config set agents 3": cannot overwrite object at "agents" with a '
        "value; set its keys one by one instead",
        'INVOKE 1: schedule "0 9 * *" must be a five-field cron expression '
        '(minute hour day month weekday, e.g. "0 9 * * 1-5")',
        "INVOKE 2: the message is empty (say what the agent is to do)",
    )


def test_materialise_refuses_what_validate_refuses() -> None:
    with pytest.raises(DriverError) as caught:
        NanobotDriver().materialise(governed(configures=("nanobot config set agents 3",)))
    assert caught.value.problems == (
        'CONFIGURE "nanobot config set agents 3": cannot overwrite object at "agents" with a '
        "value; set its keys one by one instead",
    )


# --- files, mounts, compose ----------------------------------------------------------------------


def test_materialise_files_mounts_environment_and_healthcheck() -> None:
    resolved = governed(
        handles={"discord": Handle(id="1", guilds=[Guild(id="G", channels=[Channel(id="C")])])},
        lookup_env={"DISCORD_BOT_TOKEN": "t"},
        invocations=(
            Invocation("0 9 * * *", "Morning report", to="C"),
            Invocation("5 * * * *", "x"),
        ),
    )
    result = NanobotDriver().materialise(resolved)
    assert sorted(result.files) == [
        "nanobot-home/config.json",
        "nanobot-home/cron/jobs.json",
        "nanobot-home/workspace/AGENTS.md",
    ]
    config = result.files["nanobot-home/config.json"]
    assert config.secret is True
    assert json.loads(config.content) == document(resolved)
    contract = result.files["nanobot-home/workspace/AGENTS.md"]
    assert contract.secret is False
    assert contract.content == seeded_contract(resolved.contract, clawdapus_md(resolved))
    assert contract.content.startswith(b"# Nanobot\n\nBe brief.\n\n---\n\n# CLAWDAPUS.md\n")
    assert json.loads(result.files["nanobot-home/cron/jobs.json"].content) == {
        "version": 1,
        "jobs": [
            {
                "name": "invoke-01",
                "schedule": {"kind": "cron", "expression": "0 9 * * *"},
                "payload": {
                    "kind": "agent_turn",
                    "message": "Morning report",
                    "deliver": True,
                    "to": "C",
                },
                "state": {"enabled": True},
            },
            {
                "name": "invoke-02",
                "schedule": {"kind": "cron", "expression": "5 * * * *"},
                "payload": {"kind": "agent_turn", "message": "x", "deliver": False},
                "state": {"enabled": True},
            },
        ],
    }
    assert result.mounts == (Mount("nanobot-home", "/root/.nanobot", read_only=False),)
    assert result.tmpfs == ("/tmp",)
    assert result.environment == {"CLAW_MANAGED": "true"}
    assert result.healthcheck == Healthcheck(
        ("CMD-SHELL", "pgrep -f '[n]anobot gateway' > /dev/null"), "30s", "10s", 3
    )
    assert (result.read_only, result.restart) == (True, "on-failure")
    assert (result.skill_dir, result.skill_layout) == (
        "/root/.nanobot/workspace/skills",
        "directory",
    )
    assert result.warnings == ()


def test_materialise_with_persona_and_without_invocations() -> None:
    resolved = governed(persona="./persona", persona_files=(PersonaFile("style.md", b"dry\n"),))
    result = NanobotDriver().materialise(resolved)
    assert sorted(result.files) == ["nanobot-home/config.json", "nanobot-home/workspace/AGENTS.md"]
    assert result.mounts == (
        Mount("nanobot-home", "/root/.nanobot", read_only=False),
        Mount("persona", "/root/.nanobot/workspace/persona", read_only=False),
    )
    assert result.environment == {
        "CLAW_MANAGED": "true",
        "CLAW_PERSONA_DIR": "/root/.nanobot/workspace/persona",
    }


def test_a_config_without_secrets_is_not_marked_secret() -> None:
    resolved = claw(models={"primary": "ollama/llama3"}, lookup_env={})
    assert NanobotDriver().materialise(resolved).files["nanobot-home/config.json"].secret is False
