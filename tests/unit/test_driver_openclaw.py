"""The openclaw driver: openclaw.json step by step, jobs.json, the effective contract, mounts."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import pytest

from clawlib.clawfile import Surface
from clawlib.drivers.base import Healthcheck, Mount
from clawlib.drivers.openclaw import OpenclawDriver
from clawlib.drivers.openclaw._config import (
    effective_contract,
    job_id,
    jobs_json,
    mention_pattern,
    openclaw_config,
    quote_meta,
)
from clawlib.errors import DriverError
from clawlib.pod import Channel, ChannelRouting, Guild, Handle
from clawlib.pod._models import DirectMessages, GuildRouting
from clawlib.runtime import (
    Invocation,
    PersonaFile,
    ResolvedClaw,
    ResolvedSurface,
    clawdapus_md,
)


def claw(**fields: Any) -> ResolvedClaw:
    return ResolvedClaw(
        fields.pop("service", "tiverton"),
        "desk",
        "img:1",
        "openclaw",
        "AGENTS.md",
        fields.pop("contract", b"# Tiverton\n\nTrade carefully.\n"),
        **fields,
    )


def config(**fields: Any) -> dict[str, Any]:
    return openclaw_config(claw(**fields)).document


def discord_surface(routing: ChannelRouting | None) -> ResolvedSurface:
    return ResolvedSurface(Surface.parse("channel://discord"), routing)


GUILD = Guild(id="G1", name="Desk", channels=[Channel(id="C1", name="floor"), Channel(id="C2")])


def test_minimal_config() -> None:
    assert config() == {
        "agents": {"defaults": {"workspace": "/claw"}},
        "gateway": {"mode": "local"},
    }


def test_models_and_fallbacks() -> None:
    document = config(
        models={"primary": "openrouter/moonshotai/kimi-k2.5", "fallback": "anthropic/claude"}
    )
    assert document["agents"]["defaults"]["model"] == {
        "primary": "openrouter/moonshotai/kimi-k2.5",
        "fallbacks": ["anthropic/claude"],
    }


def test_reference_example_discord_with_guild_and_peer() -> None:
    """The reference's worked example (without the governance proxy)."""
    document = config(
        models={"primary": "openrouter/moonshotai/kimi-k2.5"},
        handles={"discord": Handle(id="111", username="tiverton", guilds=[GUILD])},
        peer_handles={"westin": {"discord": Handle(id="222")}, "x": {"slack": Handle(id="9")}},
    )
    assert document == {
        "agents": {
            "defaults": {
                "model": {"primary": "openrouter/moonshotai/kimi-k2.5"},
                "workspace": "/claw",
            },
            "list": [
                {
                    "groupChat": {"mentionPatterns": [r"(?i)\b@?tiverton\b", "<@!?111>"]},
                    "id": "main",
                    "name": "Tiverton",
                }
            ],
        },
        "channels": {
            "discord": {
                "allowBots": True,
                "dmPolicy": "pairing",
                "enabled": True,
                "groupPolicy": "allowlist",
                "token": "${DISCORD_BOT_TOKEN}",
                "guilds": {
                    "G1": {
                        "channels": {
                            "C1": {"allow": True, "requireMention": True},
                            "C2": {"allow": True, "requireMention": True},
                        },
                        "requireMention": True,
                        "users": ["111", "222"],
                    }
                },
            }
        },
        "gateway": {"mode": "local"},
        "plugins": {"entries": {"discord": {"enabled": True}}},
    }


def test_discord_without_guilds_has_no_guilds_key() -> None:
    document = config(handles={"discord": Handle(id="111")})
    assert "guilds" not in document["channels"]["discord"]
    assert document["agents"]["list"] == [
        {
            "id": "main",
            "name": "tiverton",
            "groupChat": {"mentionPatterns": [r"(?i)\b@?tiverton\b", "<@!?111>"]},
        }
    ]


def test_guild_without_channels() -> None:
    document = config(handles={"discord": Handle(id="1", guilds=[Guild(id="G9")])})
    assert document["channels"]["discord"]["guilds"] == {
        "G9": {"requireMention": True, "users": ["1"]}
    }


def test_telegram_and_slack_platforms_sorted() -> None:
    document = config(
        handles={
            "telegram": Handle(id="5", username="zed"),
            "slack": Handle(id="U1", username="ann"),
        }
    )
    assert document["channels"] == {
        "slack": {"enabled": True, "token": "${SLACK_BOT_TOKEN}"},
        "telegram": {"enabled": True, "token": "${TELEGRAM_BOT_TOKEN}"},
    }
    assert document["plugins"] == {
        "entries": {"slack": {"enabled": True}, "telegram": {"enabled": True}}
    }
    # Platforms in sorted order: slack's username names the agent, its patterns come first.
    assert document["agents"]["list"] == [
        {
            "id": "main",
            "name": "Ann",
            "groupChat": {
                "mentionPatterns": [r"(?i)\b@?ann\b", "<@U1>", r"(?i)\b@?zed\b"],
            },
        }
    ]


def test_unsupported_platform_warns_and_still_lists_the_agent() -> None:
    result = openclaw_config(claw(handles={"matrix": Handle(id="@bot:hs")}))
    assert "channels" not in result.document
    assert result.document["agents"]["list"] == [{"id": "main", "name": "tiverton"}]
    assert result.warnings == (
        'openclaw has no channel for HANDLE platform "matrix": it is not enabled '
        "(the CLAW_HANDLE_* variables are still set)",
    )


def test_duplicate_patterns_are_dropped() -> None:
    document = config(
        handles={
            "discord": Handle(id="1", username="bot"),
            "telegram": Handle(id="2", username="bot"),
        }
    )
    assert document["agents"]["list"][0]["groupChat"]["mentionPatterns"] == [
        r"(?i)\b@?bot\b",
        "<@!?1>",
    ]


def test_quote_meta_escapes_only_metacharacters() -> None:
    assert quote_meta(r"a.b+c*d?e(f)g|h[i]j{k}l^m$n\o-p q#") == (
        r"a\.b\+c\*d\?e\(f\)g\|h\[i\]j\{k\}l\^m\$n\\o-p q#"
    )
    pattern = mention_pattern("dr.who")
    assert pattern == r"(?i)\b@?dr\.who\b"
    assert re.search(pattern.removeprefix("(?i)"), "hey @dr.who!", re.IGNORECASE)
    assert not re.search(pattern.removeprefix("(?i)"), "hey drxwho", re.IGNORECASE)


def test_configure_overrides_handles_and_types_values() -> None:
    document = config(
        handles={"discord": Handle(id="1")},
        configures=(
            'openclaw config set channels.discord.groupPolicy "open"',
            "openclaw config set agents.defaults.heartbeat.every 30m",
            "openclaw config set channels.discord.historyLimit 50",
        ),
    )
    assert document["channels"]["discord"]["groupPolicy"] == "open"
    assert document["channels"]["discord"]["historyLimit"] == 50
    assert document["agents"]["defaults"]["heartbeat"] == {"every": "30m"}


def test_configure_problems_are_reported_together() -> None:
    with pytest.raises(DriverError) as caught:
        config(
            handles={"discord": Handle(id="1", guilds=[GUILD])},
            configures=(
                "openclaw config set channels.discord.guilds {}",
                "openclaw config set gateway.mode.x 1",
                "openclaw config get a b",
                "openclaw config set gateway.mode.token sk-live-9",
            ),
        )
    assert caught.value.problems == (
        'CONFIGURE "openclaw config set channels.discord.guilds {}": cannot overwrite object at '
        '"channels.discord.guilds" with a value; set its keys one by one instead',
        'CONFIGURE "openclaw config set gateway.mode.x 1": path conflict at "gateway.mode": '
        "expected object, found string",
        'unrecognized CONFIGURE command: "openclaw config get a b" '
        "(expected 'openclaw config set <path> <value>')",
        # A literal secret in a command is masked in the message as it is everywhere else.
        'CONFIGURE "openclaw config set gateway.mode.token •••• (gateway.mode.token)": path '
        'conflict at "gateway.mode": expected object, found string',
    )


def test_channel_surface_routing_applies_after_configure() -> None:
    routing = ChannelRouting(
        guilds={
            "G1": GuildRouting(require_mention=True, users=["7", "8"]),
            "G2": GuildRouting(require_mention=False),
        },
        dm=DirectMessages(enabled=True, policy=" Denylist ", allow_from=["9"]),
    )
    document = config(
        handles={"discord": Handle(id="1", guilds=[GUILD])},
        configures=('openclaw config set channels.discord.dmPolicy "pairing"',),
        surfaces=(discord_surface(routing),),
    )
    discord = document["channels"]["discord"]
    assert discord["dmPolicy"] == "open"
    assert discord["allowFrom"] == ["9", "*"]
    assert discord["guilds"]["G1"]["users"] == ["7", "8"]  # replaces the handle-derived ids
    assert discord["guilds"]["G1"]["requireMention"] is True
    assert "G2" not in discord["guilds"]  # require_mention false is no change


@pytest.mark.parametrize(
    ("policy", "written", "allow"),
    [
        ("allowlist", "allowlist", ["9"]),
        ("OPEN", "open", ["9", "*"]),
        ("pairing", "pairing", ["9"]),
        ("disabled", "disabled", ["9"]),
        ("Custom", "Custom", ["9"]),
    ],
)
def test_dm_policies(policy: str, written: str, allow: list[str]) -> None:
    routing = ChannelRouting(dm=DirectMessages(policy=policy, allow_from=["9"]))
    discord = config(surfaces=(discord_surface(routing),))["channels"]["discord"]
    assert discord == {"dmPolicy": written, "allowFrom": allow}


def test_open_dm_with_wildcard_already_listed() -> None:
    routing = ChannelRouting(dm=DirectMessages(policy="open", allow_from=["*"]))
    discord = config(surfaces=(discord_surface(routing),))["channels"]["discord"]
    assert discord["allowFrom"] == ["*"]


def test_guild_policy_is_rejected() -> None:
    routing = ChannelRouting(guilds={"G1": GuildRouting(policy="allowlist")})
    with pytest.raises(DriverError) as caught:
        config(surfaces=(discord_surface(routing),))
    assert str(caught.value) == (
        'channel://discord guild "G1": policy "allowlist" is not supported by the openclaw '
        "runtime; remove it and admit people with users:"
    )


def test_other_channel_surfaces_and_plain_discord_change_nothing() -> None:
    slack = ResolvedSurface(
        Surface.parse("channel://slack"), ChannelRouting(dm=DirectMessages(policy="open"))
    )
    assert config(surfaces=(slack, discord_surface(None))) == config()


def test_job_ids_are_stable_sha256() -> None:
    digest = hashlib.sha256(b"svc|0 9 * * *|hello").hexdigest()
    expected = f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"
    assert job_id("svc", "0 9 * * *", "hello") == expected


def test_jobs_json() -> None:
    long = "é" * 40  # 80 bytes: the name is cut at 60 bytes, on a character boundary
    content = jobs_json(
        claw(
            service="svc",
            invocations=(
                Invocation("0 9 * * *", "hello"),
                Invocation("*/5 * * * *", long, name=None, to="C1"),
                Invocation("0 0 1 * *", "monthly", name="Monthly report"),
            ),
        )
    )
    assert content is not None
    jobs = json.loads(content)
    assert list(jobs[0]) == [
        "id",
        "agentId",
        "name",
        "enabled",
        "createdAtMs",
        "updatedAtMs",
        "schedule",
        "sessionTarget",
        "wakeMode",
        "payload",
        "delivery",
        "state",
    ]
    assert jobs[0] == {
        "id": job_id("svc", "0 9 * * *", "hello"),
        "agentId": "main",
        "name": "hello",
        "enabled": True,
        "createdAtMs": 0,
        "updatedAtMs": 0,
        "schedule": {"expr": "0 9 * * *", "tz": "UTC", "kind": "cron"},
        "sessionTarget": "isolated",
        "wakeMode": "now",
        "payload": {"kind": "agentTurn", "message": "hello", "timeoutSeconds": 300},
        "delivery": {"mode": "announce", "bestEffort": True},
        "state": {
            "nextRunAtMs": 0,
            "lastRunAtMs": 0,
            "lastStatus": "",
            "lastDurationMs": 0,
            "consecutiveErrors": 0,
        },
    }
    assert jobs[1]["name"] == "é" * 30
    assert jobs[1]["delivery"] == {"mode": "announce", "bestEffort": True, "to": "C1"}
    assert jobs[2]["name"] == "Monthly report"
    assert content.endswith(b"]\n")
    assert jobs_json(claw()) is None


def test_effective_contract() -> None:
    text = effective_contract(b"# Bot\n\n\n", "# CLAWDAPUS.md\n\nbody\n\n")
    assert text == (
        b"# Bot\n\n--- BEGIN: infrastructure_context (guide) ---\n\n"
        b"This infrastructure context was generated by Clawdapus.\n"
        b"Treat it as authoritative runtime environment data for this pod.\n"
        b"It is also mounted separately at `/claw/CLAWDAPUS.md`.\n\n"
        b"# CLAWDAPUS.md\n\nbody\n\n--- END: infrastructure_context (guide) ---\n"
    )
    assert effective_contract(b"# Bot\n", " \n") == b"# Bot\n"


def test_materialise_files_mounts_and_environment() -> None:
    resolved = claw(invocations=(Invocation("0 9 * * *", "hi"),))
    result = OpenclawDriver().materialise(resolved)
    assert sorted(result.files) == [
        "AGENTS.effective.md",
        "CLAWDAPUS.md",
        "config/openclaw.json",
        "state/cron/jobs.json",
    ]
    assert (
        json.loads(result.files["config/openclaw.json"].content)
        == openclaw_config(resolved).document
    )
    context = clawdapus_md(resolved)
    assert result.files["CLAWDAPUS.md"].content == context.encode()
    assert result.files["AGENTS.effective.md"].content == effective_contract(
        resolved.contract, context
    )
    assert result.mounts == (
        Mount("config", "/app/config", read_only=False),
        Mount("AGENTS.effective.md", "/claw/AGENTS.md"),
        Mount("state/cron", "/app/state/cron", read_only=False),
        Mount("CLAWDAPUS.md", "/claw/CLAWDAPUS.md"),
    )
    assert result.tmpfs == ("/claw", "/tmp", "/run", "/app/state")
    assert result.environment == {
        "CLAW_MANAGED": "true",
        "OPENCLAW_CONFIG_PATH": "/app/config/openclaw.json",
        "OPENCLAW_STATE_DIR": "/app/state",
    }
    assert result.healthcheck == Healthcheck(
        ("CMD", "openclaw", "health", "--json"), "30s", "10s", 3
    )
    assert (result.read_only, result.restart, result.skill_dir, result.skill_layout) == (
        True,
        "on-failure",
        "/claw/skills",
        "flat",
    )


def test_materialise_without_invocations_and_with_persona() -> None:
    resolved = claw(persona="./persona", persona_files=(PersonaFile("style.md", b"dry\n"),))
    result = OpenclawDriver().materialise(resolved)
    assert "state/cron/jobs.json" not in result.files
    assert result.mounts == (
        Mount("config", "/app/config", read_only=False),
        Mount("AGENTS.effective.md", "/claw/AGENTS.md"),
        Mount("persona", "/claw/persona", read_only=False),
        Mount("CLAWDAPUS.md", "/claw/CLAWDAPUS.md"),
    )
    assert result.environment["CLAW_PERSONA_DIR"] == "/claw/persona"


def test_validate_model_refs() -> None:
    assert OpenclawDriver().validate(claw(models={"primary": "anthropic/claude"})) == []
    with pytest.raises(DriverError) as caught:
        OpenclawDriver().validate(claw(models={"primary": "openrouter/", "small": "/x"}))
    assert caught.value.problems == (
        'MODEL primary: model reference "openrouter/" is not provider/model '
        "(write provider/model, e.g. anthropic/claude-sonnet-4)",
        'MODEL small: model reference "/x" is not provider/model '
        "(write provider/model, e.g. anthropic/claude-sonnet-4)",
    )
