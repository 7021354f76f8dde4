"""The picoclaw driver: config.json key by key, every validation message, mounts, health."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from clawlib.drivers.base import Healthcheck, Mount, ProbeOutput
from clawlib.drivers.picoclaw import (
    HEALTH_URL,
    READY_URL,
    PicoclawDriver,
    judge_probe,
    parse_status,
)
from clawlib.drivers.picoclaw._config import (
    PLATFORMS,
    channel_handles,
    model_slots,
    picoclaw_config,
)
from clawlib.engine import ContainerRecord
from clawlib.errors import DriverError
from clawlib.pod import Guild, Handle
from clawlib.runtime import Invocation, PersonaFile, ProxyLink, ResolvedClaw, clawdapus_md

TOKEN = "gateway:" + "ab" * 24
PROXY = ProxyLink("cllama", "passthrough", TOKEN)
DISCORD = Handle(id="111", username="pico-bot", guilds=[Guild(id="G1"), Guild(id="G2")])
KEYS = {"DISCORD_BOT_TOKEN": "dtoken", "OPENROUTER_API_KEY": "sk-or-1"}


def claw(**fields: Any) -> ResolvedClaw:
    fields.setdefault("models", {"primary": "openrouter/anthropic/claude-sonnet-4"})
    fields.setdefault("handles", {"discord": DISCORD})
    fields.setdefault("lookup_env", KEYS)
    return ResolvedClaw(
        fields.pop("service", "gateway"),
        "pico",
        "img:1",
        "picoclaw",
        "AGENTS.md",
        fields.pop("contract", b"# Pico\n\nBe direct.\n"),
        **fields,
    )


def config(**fields: Any) -> dict[str, Any]:
    return picoclaw_config(claw(**fields)).document


def problems(**fields: Any) -> tuple[str, ...]:
    with pytest.raises(DriverError) as caught:
        PicoclawDriver().validate(claw(**fields))
    return caught.value.problems


# --- config.json ----------------------------------------------------------------------------


def test_direct_config() -> None:
    assert config() == {
        "agents": {
            "defaults": {
                "model_name": "primary",
                "workspace": "/home/picoclaw/.picoclaw/workspace",
            }
        },
        "model_list": [
            {
                "model_name": "primary",
                "model": "openrouter/anthropic/claude-sonnet-4",
                "api_key": "sk-or-1",
            }
        ],
        "channels": {
            "discord": {
                "enabled": True,
                "token": "dtoken",
                "bot_token": "dtoken",
                "guild_id": "G1",
            }
        },
    }


def test_governed_model_entries_point_at_the_proxy_by_its_service() -> None:
    proxy = ProxyLink("cllama-policy", "policy", TOKEN)
    document = config(
        proxy=proxy,
        models={"primary": " OpenRouter/anthropic/claude-sonnet-4 ", "fallback": "gpt-4.1"},
    )
    assert document["model_list"] == [
        {
            "model_name": "primary",
            "model": "openai/OpenRouter/anthropic/claude-sonnet-4",
            "api_base": "http://cllama-policy:8080/v1",
            "api_key": TOKEN,
        },
        {
            "model_name": "fallback",
            "model": "openai/gpt-4.1",
            "api_base": "http://cllama-policy:8080/v1",
            "api_key": TOKEN,
        },
    ]


def test_model_list_is_primary_first_then_slots_alphabetically_skipping_empty_refs() -> None:
    models = {"zeta": "openai/gpt-4.1", "primary": "ollama/llama3", "alpha": "x/y", "blank": " "}
    assert model_slots(claw(models=models)) == ["primary", "alpha", "zeta"]
    entries = config(models=models, lookup_env={**KEYS, "OPENAI_API_KEY": "sk-oa"})["model_list"]
    assert entries == [
        {"model_name": "primary", "model": "ollama/llama3", "api_key": "sk-oa"},
        {"model_name": "alpha", "model": "x/y", "api_key": "sk-oa"},
        {"model_name": "zeta", "model": "openai/gpt-4.1", "api_key": "sk-oa"},
    ]


def test_direct_entries_without_a_key_have_no_api_key_and_bare_refs_are_anthropic() -> None:
    entries = config(
        models={"primary": "ollama/llama3", "fallback": "claude-sonnet-4"},
        lookup_env={"DISCORD_BOT_TOKEN": "d"},
    )["model_list"]
    assert entries == [
        {"model_name": "primary", "model": "ollama/llama3"},
        {"model_name": "fallback", "model": "anthropic/claude-sonnet-4"},
    ]


def test_the_provider_key_is_looked_up_by_the_providers_names() -> None:
    entries = config(
        models={"primary": "anthropic/claude-sonnet-4"},
        lookup_env={"DISCORD_BOT_TOKEN": "d", "PROVIDER_API_KEY_ANTHROPIC": "sk-ant"},
    )["model_list"]
    assert entries == [
        {"model_name": "primary", "model": "anthropic/claude-sonnet-4", "api_key": "sk-ant"}
    ]


def test_every_supported_platform_gets_token_and_bot_token() -> None:
    assert len(PLATFORMS) == 13
    handles = {p: Handle(id=f"id-{p}") for p in PLATFORMS}
    env = {
        "DISCORD_BOT_TOKEN": "t-discord",
        "TELEGRAM_BOT_TOKEN": "t-telegram",
        "SLACK_BOT_TOKEN": "t-slack",
        "WHATSAPP_BOT_TOKEN": "t-whatsapp",
        "FEISHU_BOT_TOKEN": "t-feishu",
        "LINE_BOT_TOKEN": "t-line",
        "QQ_BOT_TOKEN": "t-qq",
        "DINGTALK_BOT_TOKEN": "t-dingtalk",
        "ONEBOT_BOT_TOKEN": "t-onebot",
        "WECOM_BOT_TOKEN": "t-wecom",
        "WECOM_APP_BOT_TOKEN": "t-wecom_app",
        "PICO_BOT_TOKEN": "t-pico",
        "MAIXCAM_BOT_TOKEN": "t-maixcam",
        "OPENROUTER_API_KEY": "k",
    }
    channels = config(handles=handles, lookup_env=env)["channels"]
    assert sorted(channels) == sorted(PLATFORMS)
    for platform in PLATFORMS:
        token = f"t-{platform}"
        assert channels[platform] == {"enabled": True, "token": token, "bot_token": token}


def test_discord_without_guilds_has_no_guild_id() -> None:
    channels = config(handles={"discord": Handle(id="1")})["channels"]
    assert channels == {"discord": {"enabled": True, "token": "dtoken", "bot_token": "dtoken"}}


def test_slack_adds_app_token_and_signing_secret_when_set() -> None:
    env = {"SLACK_BOT_TOKEN": "xoxb", "SLACK_APP_TOKEN": "xapp", "SLACK_SIGNING_SECRET": "sig"}
    slack = {"slack": Handle(id="U1")}
    assert config(handles=slack, proxy=PROXY, lookup_env=env)["channels"]["slack"] == {
        "enabled": True,
        "token": "xoxb",
        "bot_token": "xoxb",
        "app_token": "xapp",
        "signing_secret": "sig",
    }
    only_bot = {"SLACK_BOT_TOKEN": "xoxb"}
    assert config(handles=slack, proxy=PROXY, lookup_env=only_bot)["channels"]["slack"] == {
        "enabled": True,
        "token": "xoxb",
        "bot_token": "xoxb",
    }


def test_platform_names_are_normalised_and_the_first_in_sorted_order_wins() -> None:
    first, second = Handle(id="A", guilds=[Guild(id="GA")]), Handle(id="B", guilds=[Guild(id="GB")])
    handles, unsupported = channel_handles(claw(handles={" Discord": first, "discord": second}))
    assert handles == {"discord": first}
    assert unsupported == []
    assert (
        config(handles={" Discord": first, "discord": second})["channels"]["discord"]["guild_id"]
        == "GA"
    )


def test_unsupported_platforms_are_skipped_with_a_warning() -> None:
    handles = {"discord": DISCORD, "matrix": Handle(id="@m"), "irc": Handle(id="x")}
    result = picoclaw_config(claw(handles=handles))
    assert sorted(result.document["channels"]) == ["discord"]
    expected = tuple(
        f'picoclaw has no channel for HANDLE platform "{p}": it is not enabled (the '
        "CLAW_HANDLE_* variables are still set)"
        for p in ("irc", "matrix")
    )
    assert result.warnings == expected
    assert PicoclawDriver().validate(claw(handles=handles)) == list(expected)
    assert PicoclawDriver().materialise(claw(handles=handles)).warnings == expected


def test_configure_is_json_typed_and_applied_last() -> None:
    document = config(
        configures=(
            "picoclaw config set channels.discord.enabled false",
            "picoclaw config set agents.defaults.max_tokens 8192",
            'picoclaw config set agents.defaults.model_name "fallback"',
            "picoclaw config set heartbeat.every   30m  now",
            'picoclaw config set tools.web.search {"max": 5}',
        )
    )
    assert document["channels"]["discord"]["enabled"] is False
    assert document["agents"]["defaults"]["max_tokens"] == 8192
    assert document["agents"]["defaults"]["model_name"] == "fallback"
    assert document["heartbeat"] == {"every": "30m now"}
    assert document["tools"] == {"web": {"search": {"max": 5}}}


def test_configure_conflicts_are_all_reported() -> None:
    with pytest.raises(DriverError) as caught:
        picoclaw_config(
            claw(
                configures=(
                    "picoclaw config set channels.discord 1",
                    "picoclaw config set model_list.x 1",
                    "openclaw config set a b",
                )
            )
        )
    assert caught.value.problems == (
        'CONFIGURE "picoclaw config set channels.discord 1": cannot overwrite object at '
        '"channels.discord" with a value; set its keys one by one instead',
        'CONFIGURE "picoclaw config set model_list.x 1": path conflict at "model_list": '
        "expected object, found array",
        'unrecognized CONFIGURE command: "openclaw config set a b" (expected \'picoclaw '
        "config set <path> <value>')",
    )


def test_the_config_is_a_secret_whenever_it_holds_a_token_or_key() -> None:
    assert picoclaw_config(claw()).secret is True
    assert picoclaw_config(claw(proxy=PROXY, lookup_env={})).secret is True
    keyless = claw(models={"primary": "ollama/llama3"}, lookup_env={})
    assert picoclaw_config(keyless).secret is False
    with_token = claw(models={"primary": "ollama/llama3"}, lookup_env={"DISCORD_BOT_TOKEN": "d"})
    assert picoclaw_config(with_token).secret is True


# --- validation -----------------------------------------------------------------------------


def test_a_good_claw_validates_without_warnings() -> None:
    assert PicoclawDriver().validate(claw()) == []
    assert PicoclawDriver().validate(claw(proxy=PROXY, lookup_env={"DISCORD_BOT_TOKEN": "d"})) == []


def test_primary_model_is_required() -> None:
    assert problems(models={"fallback": "openai/gpt-4.1"}) == (
        "missing MODEL primary (set `MODEL primary <provider/model>` in the Clawfile)",
    )
    assert problems(models={"primary": "  "}) == (
        "missing MODEL primary (set `MODEL primary <provider/model>` in the Clawfile)",
    )


def test_invalid_model_refs_are_reported_per_slot() -> None:
    assert problems(models={"primary": "openrouter/", "fallback": "/gpt"}) == (
        'MODEL primary: model reference "openrouter/" is not provider/model (write '
        "provider/model, e.g. openrouter/anthropic/claude-sonnet-4)",
        'MODEL fallback: model reference "/gpt" is not provider/model (write '
        "provider/model, e.g. openrouter/anthropic/claude-sonnet-4)",
    )


def test_configure_commands_must_parse() -> None:
    assert problems(configures=("picoclaw config set path",)) == (
        'unrecognized CONFIGURE command: "picoclaw config set path" (expected \'picoclaw '
        "config set <path> <value>')",
    )


def test_every_supported_handle_needs_its_token() -> None:
    handles = {"discord": DISCORD, "wecom_app": Handle(id="w"), "matrix": Handle(id="m")}
    assert problems(handles=handles, lookup_env={"OPENROUTER_API_KEY": "k"}) == (
        "HANDLE discord requires DISCORD_BOT_TOKEN (in the service's environment, the pod's "
        ".env or the environment claw runs in)",
        "HANDLE wecom_app requires WECOM_APP_BOT_TOKEN (in the service's environment, the "
        "pod's .env or the environment claw runs in)",
    )


def test_at_least_one_supported_handle_is_required() -> None:
    message = (
        "no channels enabled: picoclaw refuses to start without one (add at least one "
        "supported HANDLE: discord, telegram, slack, whatsapp, feishu, line, qq, dingtalk, "
        "onebot, wecom, wecom_app, pico, maixcam)"
    )
    assert problems(handles={}) == (message,)
    assert problems(handles={"matrix": Handle(id="m")}) == (message,)


def test_an_ungoverned_claw_needs_its_primary_providers_key() -> None:
    assert problems(lookup_env={"DISCORD_BOT_TOKEN": "d"}) == (
        'no API key found for provider "openrouter" (checked: OPENROUTER_API_KEY, '
        "PROVIDER_API_KEY_OPENROUTER, PROVIDER_API_KEY, OPENAI_API_KEY; set one in the "
        "service's environment, the pod's .env or the environment claw runs in, or govern "
        "the claw with cllama)",
    )
    ollama = claw(models={"primary": "ollama/llama3"}, lookup_env={"DISCORD_BOT_TOKEN": "d"})
    assert PicoclawDriver().validate(ollama) == []


def test_invocations_must_make_a_valid_cron_store() -> None:
    bad = (Invocation("0 9 * *", "hi"), Invocation("0 9 * * *", "  "))
    assert problems(invocations=bad) == (
        'INVOKE 1: schedule "0 9 * *" must be a five-field cron expression (minute hour day '
        'month weekday, e.g. "0 9 * * 1-5")',
        "INVOKE 2: the message is empty (say what the agent is to do)",
    )


def test_every_problem_is_reported_at_once() -> None:
    found = problems(
        models={},
        handles={},
        configures=("picoclaw config",),
        lookup_env={},
        invocations=(Invocation("bad", "x"),),
    )
    assert len(found) == 4
    assert found[0].startswith("missing MODEL primary")
    assert found[1].startswith("unrecognized CONFIGURE command")
    assert found[2].startswith("no channels enabled")
    assert found[3].startswith("INVOKE 1:")


# --- materialise ----------------------------------------------------------------------------


def test_materialised_files_mounts_environment_and_healthcheck() -> None:
    resolved = claw(proxy=PROXY)
    result = PicoclawDriver().materialise(resolved)
    assert sorted(result.files) == [
        "picoclaw-home/config.json",
        "picoclaw-home/workspace/AGENTS.md",
    ]
    config_file = result.files["picoclaw-home/config.json"]
    assert config_file.secret is True
    assert json.loads(config_file.content) == picoclaw_config(resolved).document
    assert config_file.content.endswith(b"}\n")
    guide = clawdapus_md(resolved)
    assert result.files["picoclaw-home/workspace/AGENTS.md"].content == (
        f"# Pico\n\nBe direct.\n\n---\n\n{guide.strip()}\n".encode()
    )
    assert result.mounts == (Mount("picoclaw-home", "/home/picoclaw/.picoclaw", read_only=False),)
    assert result.tmpfs == ("/tmp",)
    assert result.environment == {
        "CLAW_MANAGED": "true",
        "PICOCLAW_HOME": "/home/picoclaw/.picoclaw",
        "PICOCLAW_CONFIG": "/home/picoclaw/.picoclaw/config.json",
    }
    assert result.healthcheck == Healthcheck(
        ("CMD-SHELL", "curl -fsS http://localhost:18790/health >/dev/null || exit 1"),
        "30s",
        "10s",
        3,
    )
    assert result.read_only is True
    assert result.restart == "on-failure"
    assert result.skill_dir == "/home/picoclaw/.picoclaw/workspace/skills"
    assert result.skill_layout == "directory"


def test_persona_is_mounted_in_the_workspace() -> None:
    result = PicoclawDriver().materialise(claw(persona_files=(PersonaFile("me.md", b"x"),)))
    assert result.mounts[1] == Mount(
        "persona", "/home/picoclaw/.picoclaw/workspace/persona", read_only=False
    )
    assert result.environment["CLAW_PERSONA_DIR"] == "/home/picoclaw/.picoclaw/workspace/persona"


def test_invocations_are_written_as_the_cron_store_without_deliver() -> None:
    invocations = (
        Invocation("0  9 * * 1-5", "Morning report", name="morning", to="C1"),
        Invocation("*/30 * * * *", "Heartbeat"),
    )
    result = PicoclawDriver().materialise(claw(invocations=invocations))
    store = json.loads(result.files["picoclaw-home/workspace/cron/jobs.json"].content)
    assert store == {
        "version": 1,
        "jobs": [
            {
                "name": "morning",
                "schedule": {"kind": "cron", "expression": "0 9 * * 1-5"},
                "payload": {"kind": "agent_turn", "message": "Morning report", "to": "C1"},
                "state": {"enabled": True},
            },
            {
                "name": "invoke-02",
                "schedule": {"kind": "cron", "expression": "*/30 * * * *"},
                "payload": {"kind": "agent_turn", "message": "Heartbeat"},
                "state": {"enabled": True},
            },
        ],
    }
    # the cron store lives in the mounted home: no mount of its own
    assert len(result.mounts) == 1


def test_materialise_is_deterministic() -> None:
    first = PicoclawDriver().materialise(claw(proxy=PROXY))
    second = PicoclawDriver().materialise(claw(proxy=PROXY))
    assert first.files == second.files


# --- health ---------------------------------------------------------------------------------


def probe(health: tuple[int, str] | None, ready: tuple[int, str] | None = None) -> ProbeOutput:
    lines = []
    for url, answer in ((HEALTH_URL, health), (READY_URL, ready)):
        if answer is not None:
            lines += [f"@@claw-probe {url} {answer[0]}", answer[1]]
    return ProbeOutput(0, "\n".join(lines) + "\n", "")


HEALTH_OK = (0, '{"status":"ok","uptime":"1m2s","pid":7}')


def verdict(output: ProbeOutput) -> tuple[str, str]:
    result = judge_probe(output)
    return result.status, result.detail


def test_parse_status() -> None:
    assert parse_status('noise {"status": " OK ", "detail": " fine "}\n') == ("ok", "fine")
    assert parse_status('{"status":"not ready","message":"warming"}') == ("not ready", "warming")
    assert parse_status('{"status":"ok","detail":"","message":"m"}') == ("ok", "m")
    assert parse_status('{"status":"ok","detail":5}') == ("ok", "")
    for body, error in (
        ("plain text", "no JSON object found in response"),
        ("{not json", "failed to parse JSON: Expecting property name enclosed in double quotes"),
        ('{"status":"ok"} trailing', "failed to parse JSON: extra data after the object"),
        ('{"detail":"x"}', "response missing status field"),
        ('{"status":3}', "response missing status field"),
    ):
        with pytest.raises(ValueError, match=re.escape(error)):
            parse_status(body)


def test_health_and_ready_ok() -> None:
    ready = (0, '{"status":"ready","uptime":"1m"}')
    assert verdict(probe(HEALTH_OK, ready)) == ("healthy", "/health ok, /ready ok")
    assert verdict(probe(HEALTH_OK, (0, '{"status":"ok","detail":"3 channels"}'))) == (
        "healthy",
        "/health ok, /ready ok: 3 channels",
    )


def test_not_ready_is_unhealthy() -> None:
    assert verdict(probe(HEALTH_OK, (0, '{"status":"not ready"}'))) == (
        "unhealthy",
        "/health ok, /ready returned status=not ready: no detail",
    )
    assert verdict(probe(HEALTH_OK, (0, '{"status":"starting","message":"loading"}'))) == (
        "unhealthy",
        "/health ok, /ready returned status=starting: loading",
    )


def test_ready_unreachable_or_unreadable_falls_back_to_health() -> None:
    failed = (22, "curl: (22) The requested URL returned error: 503")
    assert verdict(probe(HEALTH_OK, failed)) == ("healthy", "/health ok")
    health = (0, '{"status":"ok","detail":"up"}')
    assert verdict(probe(health, (0, "<html>404</html>"))) == ("healthy", "/health ok: up")
    assert verdict(probe(health)) == ("healthy", "/health ok: up")


def test_health_not_ok_is_unhealthy() -> None:
    assert verdict(probe((0, '{"status":"degraded"}'), (0, '{"status":"ready"}'))) == (
        "unhealthy",
        "/health returned status=degraded: no detail",
    )
    assert verdict(probe((0, '{"status":"Down","detail":"no provider"}'))) == (
        "unhealthy",
        "/health returned status=down: no provider",
    )


def test_health_unreachable_or_unreadable_is_unhealthy() -> None:
    refused = (7, "curl: (7) Failed to connect to localhost port 18790: Connection refused")
    assert verdict(probe(refused, HEALTH_OK)) == (
        "unhealthy",
        f"health endpoint probe failed: curl {HEALTH_URL} failed (exit 7): curl: (7) Failed "
        "to connect to localhost port 18790: Connection refused",
    )
    assert verdict(probe((7, ""))) == (
        "unhealthy",
        f"health endpoint probe failed: curl {HEALTH_URL} failed (exit 7): no output",
    )
    assert verdict(probe((0, "ok\n"))) == (
        "unhealthy",
        f"health endpoint probe failed: parse {HEALTH_URL} response: no JSON object found "
        "in response (output: ok)",
    )
    assert verdict(probe((0, '{"uptime":"1s"}'))) == (
        "unhealthy",
        f"health endpoint probe failed: parse {HEALTH_URL} response: response missing status "
        'field (output: {"uptime":"1s"})',
    )
    assert verdict(probe(None, HEALTH_OK)) == (
        "unhealthy",
        f"health endpoint probe failed: curl {HEALTH_URL} did not run",
    )


def test_a_probe_that_could_not_run_is_unhealthy() -> None:
    missing = ProbeOutput(127, "", "sh: curl: not found\n")
    assert verdict(missing) == (
        "unhealthy",
        "health probe failed (exit code 127): sh: curl: not found",
    )
    assert verdict(ProbeOutput(0, "", "")) == (
        "unhealthy",
        "health probe failed (exit code 0): no output",
    )


def test_long_output_is_one_shortened_line() -> None:
    detail = verdict(probe((22, "line one\n" + "x" * 400)))[1]
    assert "\n" not in detail
    assert detail.endswith("…")
    assert len(detail) < 300


def test_without_a_probe_the_container_state_decides() -> None:
    stopped = ContainerRecord("c1", "pico-gateway-1", "pico", "gateway", 1, "img", "exited")
    result = PicoclawDriver().health_probe(stopped, None)
    assert result.status == "unhealthy"
    assert result.detail.startswith("container is not running (status: exited")


def test_the_probe_script_runs_curl_on_health_then_ready(tmp_path: Any) -> None:
    """The exec'd script against a fake curl: both URLs, exit codes and outputs marked."""
    import os
    import subprocess

    from clawlib.drivers.picoclaw import PicoclawDriver as Driver

    fake = tmp_path / "curl"
    fake.write_text(
        "#!/bin/sh\n"
        'case "$2" in\n'
        '  *health) echo \'{"status":"ok"}\' ;;\n'
        '  *ready) echo "curl: (22) error 503" >&2; exit 22 ;;\n'
        "esac\n"
    )
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"}
    done = subprocess.run(
        Driver.probe_command, capture_output=True, text=True, env=env, check=False
    )
    output = ProbeOutput(done.returncode, done.stdout, done.stderr)
    assert done.stdout == (
        f'@@claw-probe {HEALTH_URL} 0\n{{"status":"ok"}}\n'
        f"@@claw-probe {READY_URL} 22\ncurl: (22) error 503\n"
    )
    assert verdict(output) == ("healthy", "/health ok")
