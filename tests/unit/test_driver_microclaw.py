"""The microclaw driver: its YAML config key by key, CONFIGURE's YAML typing, validation, files."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml

from clawlib.drivers.base import Healthcheck, Mount
from clawlib.drivers.microclaw import MicroclawDriver
from clawlib.drivers.microclaw._config import (
    dump_config,
    microclaw_config,
    yaml_value,
)
from clawlib.errors import DriverError
from clawlib.pod import Channel, Guild, Handle
from clawlib.runtime import (
    Invocation,
    PersonaFile,
    ProxyLink,
    ResolvedClaw,
    clawdapus_md,
)
from clawlib.yamlio import load_yaml

KEY = {"ANTHROPIC_API_KEY": "sk-ant-direct"}
TOKEN = "quill:" + "ab" * 24
PROXY = ProxyLink("cllama", "passthrough", TOKEN)


def claw(**fields: Any) -> ResolvedClaw:
    fields.setdefault("models", {"primary": "anthropic/claude-sonnet-4"})
    fields.setdefault("lookup_env", KEY)
    return ResolvedClaw(
        fields.pop("service", "quill"),
        "desk",
        "img:1",
        "microclaw",
        "AGENTS.md",
        fields.pop("contract", b"\n# Quill\n\nWrite briefly.\n\n"),
        **fields,
    )


def config(**fields: Any) -> dict[str, Any]:
    return microclaw_config(claw(**fields)).document


def problems(**fields: Any) -> tuple[str, ...]:
    with pytest.raises(DriverError) as caught:
        MicroclawDriver().validate(claw(**fields))
    return caught.value.problems


BASE = {
    "data_dir": "/claw-data",
    "skills_dir": "/claw-data/skills",
    "working_dir": "/claw-data/working_dir",
    "working_dir_isolation": "chat",
    "timezone": "UTC",
    "web_enabled": True,
    "web_host": "127.0.0.1",
    "web_port": 10961,
    "channels": {"web": {"enabled": True}},
}


# --- the generated config ------------------------------------------------------------------------


def test_direct_config_has_the_provider_the_bare_model_and_the_key() -> None:
    assert config() == {
        **BASE,
        "llm_provider": "anthropic",
        "model": "claude-sonnet-4",
        "api_key": "sk-ant-direct",
    }


def test_direct_model_keeps_everything_after_the_provider() -> None:
    document = config(
        models={"primary": "OpenRouter/anthropic/claude-sonnet-4"},
        lookup_env={"OPENROUTER_API_KEY": "or-key"},
    )
    assert (document["llm_provider"], document["model"], document["api_key"]) == (
        "openrouter",
        "anthropic/claude-sonnet-4",
        "or-key",
    )
    assert "llm_base_url" not in document


def test_direct_keyless_provider_writes_an_empty_key() -> None:
    document = config(models={"primary": "ollama/llama3"}, lookup_env={})
    assert (document["llm_provider"], document["model"], document["api_key"]) == (
        "ollama",
        "llama3",
        "",
    )
    assert (
        microclaw_config(claw(models={"primary": "ollama/llama3"}, lookup_env={})).secret is False
    )


def test_governed_anthropic_points_at_the_proxy_with_the_token() -> None:
    document = config(proxy=PROXY, lookup_env={})
    assert document == {
        **BASE,
        "llm_provider": "anthropic",
        "model": "claude-sonnet-4",
        "llm_base_url": "http://cllama:8080/v1",
        "api_key": TOKEN,
    }


def test_governed_other_providers_speak_openai_with_the_provider_prefixed_model() -> None:
    proxy = ProxyLink("cllama-passthrough", "passthrough", TOKEN)
    document = config(models={"primary": "openrouter/moonshotai/kimi-k2.5"}, proxy=proxy)
    assert (document["llm_provider"], document["model"]) == (
        "openai",
        "openrouter/moonshotai/kimi-k2.5",
    )
    assert document["llm_base_url"] == "http://cllama-passthrough:8080/v1"
    assert document["api_key"] == TOKEN


def test_a_bare_model_is_anthropic_s() -> None:
    document = config(models={"primary": "claude-haiku"}, proxy=PROXY)
    assert (document["llm_provider"], document["model"]) == ("anthropic", "claude-haiku")


GUILDS = [
    Guild(id="-1001", channels=[Channel(id="300"), Channel(id="100"), Channel(id="C-slack")]),
    Guild(id="42", channels=[Channel(id="100"), Channel(id="0"), Channel(id=" 200 ")]),
    Guild(id="not-a-number", channels=[Channel(id="18446744073709551616")]),
]
TOKENS = {
    **KEY,
    "DISCORD_BOT_TOKEN": "discord-token",
    "TELEGRAM_BOT_TOKEN": "telegram-token",
    "SLACK_BOT_TOKEN": "xoxb-1",
    "SLACK_APP_TOKEN": "xapp-1",
}


def test_discord_channel_ids_are_sorted_unique_unsigned_64_bit_numbers() -> None:
    result = microclaw_config(
        claw(
            handles={"discord": Handle(id="1", username="quill", guilds=GUILDS)}, lookup_env=TOKENS
        )
    )
    assert result.document["channels"]["discord"] == {
        "enabled": True,
        "bot_token": "discord-token",
        "bot_username": "quill",
        "allowed_channels": [100, 200, 300],
    }
    assert result.secret is True
    assert result.warnings == (
        'HANDLE discord: channel id "C-slack" is not a Discord channel id (a number from 1 to '
        "18446744073709551615): left out of allowed_channels",
        'HANDLE discord: channel id "0" is not a Discord channel id (a number from 1 to '
        "18446744073709551615): left out of allowed_channels",
        'HANDLE discord: channel id "18446744073709551616" is not a Discord channel id (a number '
        "from 1 to 18446744073709551615): left out of allowed_channels",
    )


def test_telegram_groups_are_sorted_unique_signed_64_bit_numbers() -> None:
    guilds = [*GUILDS, Guild(id="42"), Guild(id="-9223372036854775809")]
    result = microclaw_config(
        claw(
            handles={"telegram": Handle(id="7", username="quill_bot", guilds=guilds)},
            lookup_env=TOKENS,
        )
    )
    assert result.document["channels"]["telegram"] == {
        "enabled": True,
        "bot_token": "telegram-token",
        "bot_username": "quill_bot",
        "allowed_groups": [-1001, 42],
    }
    assert result.warnings == (
        'HANDLE telegram: group id "not-a-number" is not a Telegram chat id (a number from '
        "-9223372036854775808 to 9223372036854775807, not 0): left out of allowed_groups",
        'HANDLE telegram: group id "-9223372036854775809" is not a Telegram chat id (a number '
        "from -9223372036854775808 to 9223372036854775807, not 0): left out of allowed_groups",
    )


def test_slack_has_both_tokens_and_channel_id_strings() -> None:
    document = config(handles={"slack": Handle(id="U1", guilds=GUILDS)}, lookup_env=TOKENS)
    assert document["channels"]["slack"] == {
        "enabled": True,
        "bot_token": "xoxb-1",
        "app_token": "xapp-1",
        "allowed_channels": ["0", "100", "18446744073709551616", "200", "300", "C-slack"],
    }


def test_handles_without_guilds_or_username_have_only_what_is_known() -> None:
    document = config(
        handles={
            "telegram": Handle(id="7"),
            "discord": Handle(id="1", username="  "),
            "matrix": Handle(id="@q:x"),
        },
        lookup_env={**KEY, "DISCORD_BOT_TOKEN": "d", "TELEGRAM_BOT_TOKEN": "t"},
    )
    assert document["channels"] == {
        "web": {"enabled": True},
        "discord": {"enabled": True, "bot_token": "d"},
        "telegram": {"enabled": True, "bot_token": "t"},
    }


def test_the_yaml_is_sorted_and_stable() -> None:
    resolved = claw(handles={"discord": Handle(id="1", guilds=GUILDS[:1])}, lookup_env=TOKENS)
    text = dump_config(microclaw_config(resolved).document).decode()
    assert text == (
        "api_key: sk-ant-direct\n"
        "channels:\n"
        "  discord:\n"
        "    allowed_channels:\n"
        "      - 100\n"
        "      - 300\n"
        "    bot_token: discord-token\n"
        "    enabled: true\n"
        "  web:\n"
        "    enabled: true\n"
        "data_dir: /claw-data\n"
        "llm_provider: anthropic\n"
        "model: claude-sonnet-4\n"
        "skills_dir: /claw-data/skills\n"
        "timezone: UTC\n"
        "web_enabled: true\n"
        "web_host: 127.0.0.1\n"
        "web_port: 10961\n"
        "working_dir: /claw-data/working_dir\n"
        "working_dir_isolation: chat\n"
    )
    assert load_yaml(text, "x").data == microclaw_config(resolved).document


# --- CONFIGURE -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("true", True),
        ("42", 42),
        ("-7", -7),
        ("2.5", 2.5),
        ("[a, b]", ["a", "b"]),
        ("{k: v, n: [1, 0700]}", {"k": "v", "n": [1, "0700"]}),
        ("{a: &x 1, b: *x}", {"a": 1, "b": 1}),
        ('"quoted: text"', "quoted: text"),
        ("'0700'", "0700"),
        ("!!str 5", "5"),
        # kept as written: nothing typed, or what readers disagree on
        ("null", "null"),
        ("~", "~"),
        ("0700", "0700"),
        ("2024-01-01", "2024-01-01"),
        ("1_000", "1_000"),
        ("yes", "yes"),
        ("99999999999999999999", "99999999999999999999"),
        # kept as written: prose that happens to look like YAML
        ("Reply briefly: no lists", "Reply briefly: no lists"),
        ("- not a list", "- not a list"),
        ("you are #1", "you are #1"),
        ("&anchor [1]", "&anchor [1]"),
        ("*undefined", "*undefined"),
        ("[unclosed", "[unclosed"),
        ("!!binary aGk=", "!!binary aGk="),
        ("&a [1, *a]", "&a [1, *a]"),
    ],
)
def test_yaml_value_typing(text: str, value: Any) -> None:
    typed = yaml_value(text)
    assert typed == value
    assert type(typed) is type(value)


def test_yaml_value_keeps_no_plain_scalar_inside_collections() -> None:
    typed = yaml_value("[0700, 2024-01-01]")
    assert [type(item) for item in typed] == [str, str]
    assert dump_config({"x": typed}) == b"x:\n  - '0700'\n  - '2024-01-01'\n"


def test_yaml_value_special_floats() -> None:
    assert yaml_value(".inf") == math.inf


def test_configure_is_applied_last_and_typed_as_yaml() -> None:
    document = config(
        configures=(
            "microclaw config set web_port 8080",
            "microclaw config set channels.web.enabled false",
            "microclaw config set timezone   Europe/Paris  ",
            "microclaw config set extra.prompt Reply briefly:   no lists",
            "microclaw config set extra.list [a, 2]",
        )
    )
    assert document["web_port"] == 8080
    assert document["channels"]["web"] == {"enabled": False}
    assert document["timezone"] == "Europe/Paris"
    assert document["extra"] == {"prompt": "Reply briefly: no lists", "list": ["a", 2]}


def test_configure_problems_are_all_reported() -> None:
    with pytest.raises(DriverError) as caught:
        microclaw_config(
            claw(
                configures=(
                    "openclaw config set web_port 1",
                    "microclaw config set channels.web 1",
                    "microclaw config set web_port.x 1",
                    "microclaw config set a..b 1",
                )
            )
        )
    assert caught.value.problems == (
        'unrecognized CONFIGURE command: "openclaw config set web_port 1" (expected '
        "'microclaw config set <path> <value>')",
        'CONFIGURE "microclaw config set channels.web 1": cannot overwrite object at '
        '"channels.web" with a value; set its keys one by one instead',
        'CONFIGURE "microclaw config set web_port.x 1": path conflict at "web_port": expected '
        "object, found number",
        'CONFIGURE "microclaw config set a..b 1": empty segment in path "a..b"',
    )


# --- validation ----------------------------------------------------------------------------------


def test_a_valid_claw_has_no_warnings() -> None:
    assert MicroclawDriver().validate(claw()) == []
    assert MicroclawDriver().validate(claw(lookup_env={}, proxy=PROXY)) == []


def test_missing_primary_model() -> None:
    assert problems(models={"fallback": "anthropic/claude"}) == (
        "missing MODEL primary (set `MODEL primary <provider/model>` in the Clawfile)",
    )
    assert problems(models={"primary": "  "}) == (
        "missing MODEL primary (set `MODEL primary <provider/model>` in the Clawfile)",
    )


def test_invalid_primary_model() -> None:
    assert problems(models={"primary": "openrouter/"}) == (
        'MODEL primary: model reference "openrouter/" is not provider/model '
        "(write provider/model, e.g. anthropic/claude-sonnet-4)",
    )


def test_every_problem_at_once() -> None:
    assert problems(
        models={"primary": "openai/gpt-4.1"},
        lookup_env={"SLACK_APP_TOKEN": "xapp"},
        handles={"discord": Handle(id="1"), "slack": Handle(id="2"), "telegram": Handle(id="3")},
        configures=("microclaw config set", "microclaw config set channels 1"),
    ) == (
        "HANDLE discord requires DISCORD_BOT_TOKEN (in the service's environment, the pod's .env "
        "or the environment claw runs in)",
        "HANDLE slack requires SLACK_BOT_TOKEN (in the service's environment, the pod's .env "
        "or the environment claw runs in)",
        "HANDLE telegram requires TELEGRAM_BOT_TOKEN (in the service's environment, the pod's "
        ".env or the environment claw runs in)",
        'no API key found for provider "openai" (checked: OPENAI_API_KEY, PROVIDER_API_KEY_OPENAI, '
        "PROVIDER_API_KEY; set one in the service's environment, the pod's .env or the "
        "environment claw runs in, or govern the claw with cllama)",
        'unrecognized CONFIGURE command: "microclaw config set" (expected \'microclaw config '
        "set <path> <value>')",
        'CONFIGURE "microclaw config set channels 1": cannot overwrite object at "channels" '
        "with a value; set its keys one by one instead",
    )


def test_slack_needs_the_app_token_too() -> None:
    assert problems(
        handles={"slack": Handle(id="2")}, lookup_env={**KEY, "SLACK_BOT_TOKEN": "b"}
    ) == (
        "HANDLE slack requires SLACK_APP_TOKEN (in the service's environment, the pod's .env "
        "or the environment claw runs in)",
    )


def test_governed_and_keyless_claws_need_no_key() -> None:
    assert MicroclawDriver().validate(claw(models={"primary": "ollama/x"}, lookup_env={})) == []
    assert MicroclawDriver().validate(claw(lookup_env={}, proxy=PROXY)) == []


def test_governed_claw_with_an_empty_token() -> None:
    assert problems(proxy=ProxyLink("cllama", "passthrough", " ")) == (
        "the governance proxy gave this claw an empty token",
    )


def test_unsupported_platforms_and_invocations_warn() -> None:
    warnings = MicroclawDriver().validate(
        claw(
            handles={"matrix": Handle(id="@q:x"), "whatsapp": Handle(id="1")},
            invocations=(Invocation("0 9 * * *", "hi"), Invocation("0 10 * * *", "ho")),
        )
    )
    assert warnings == [
        'microclaw has no channel for HANDLE platform "matrix": it is not enabled (the '
        "CLAW_HANDLE_* variables are still set)",
        'microclaw has no channel for HANDLE platform "whatsapp": it is not enabled (the '
        "CLAW_HANDLE_* variables are still set)",
        "microclaw has no scheduler: INVOKE is not supported; ignoring 2 invocations",
    ]
    one = MicroclawDriver().validate(claw(invocations=(Invocation("0 9 * * *", "hi"),)))
    assert one == ["microclaw has no scheduler: INVOKE is not supported; ignoring 1 invocation"]


# --- materialise ---------------------------------------------------------------------------------


def test_materialise_files_mounts_and_environment() -> None:
    resolved = claw()
    result = MicroclawDriver().materialise(resolved)
    assert sorted(result.files) == ["config/microclaw.config.yaml", "data/runtime/groups/AGENTS.md"]
    config_file = result.files["config/microclaw.config.yaml"]
    assert config_file.content == dump_config(microclaw_config(resolved).document)
    assert config_file.secret is True
    seeded = result.files["data/runtime/groups/AGENTS.md"]
    assert seeded.content == (
        b"# Quill\n\nWrite briefly.\n\n---\n\n" + clawdapus_md(resolved).strip().encode() + b"\n"
    )
    assert seeded.secret is False
    assert result.mounts == (
        Mount("config/microclaw.config.yaml", "/app/config/microclaw.config.yaml"),
        Mount("data", "/claw-data", read_only=False),
    )
    assert result.tmpfs == ("/tmp",)
    assert result.environment == {
        "CLAW_MANAGED": "true",
        "MICROCLAW_CONFIG": "/app/config/microclaw.config.yaml",
    }
    assert result.healthcheck == Healthcheck(
        ("CMD-SHELL", "pgrep -f '[m]icroclaw' > /dev/null"), "30s", "10s", 3
    )
    assert (result.read_only, result.restart, result.skill_dir, result.skill_layout) == (
        False,
        "on-failure",
        "/claw-data/skills",
        "directory",
    )
    assert result.state_dirs == ("data",)
    assert result.warnings == ()


def test_materialise_with_persona_and_no_secret() -> None:
    resolved = claw(
        models={"primary": "ollama/llama3"},
        lookup_env={},
        persona="./persona",
        persona_files=(PersonaFile("style.md", b"dry\n"),),
    )
    result = MicroclawDriver().materialise(resolved)
    assert result.files["config/microclaw.config.yaml"].secret is False
    assert result.mounts[-1] == Mount("persona", "/claw-data/persona", read_only=False)
    assert result.environment["CLAW_PERSONA_DIR"] == "/claw-data/persona"


def test_materialise_passes_config_warnings_on() -> None:
    resolved = claw(
        handles={"discord": Handle(id="1", guilds=[Guild(id="g", channels=[Channel(id="x")])])},
        lookup_env=TOKENS,
    )
    assert MicroclawDriver().materialise(resolved).warnings == (
        'HANDLE discord: channel id "x" is not a Discord channel id (a number from 1 to '
        "18446744073709551615): left out of allowed_channels",
    )


# --- the runner's state across plans -------------------------------------------------------------


def test_the_runners_state_and_mount_points_in_its_data_dir_are_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """microclaw keeps its state in the data dir, and the engine makes mount points there for
    the skills mounted into it: a plan after an apply has nothing to do, and removes neither."""
    from clawlib.drivers import load_driver
    from clawlib.planner import plan_pod
    from clawlib.pod import load_pod

    monkeypatch.setattr(
        "clawlib.planner.load_driver",
        lambda kind: MicroclawDriver() if kind == "microclaw" else load_driver(kind),
    )
    (tmp_path / "claw-pod.yml").write_text(
        "x-claw:\n  pod: notes\nservices:\n  quill:\n    build: ./agent\n"
        "    environment:\n      ANTHROPIC_API_KEY: k\n      DISCORD_BOT_TOKEN: t\n"
        '    x-claw:\n      handles: {discord: "111"}\n'
    )
    (tmp_path / "agent").mkdir()
    (tmp_path / "agent" / "Clawfile").write_text(
        "FROM claw-stub/microclaw:latest\nCLAW_TYPE microclaw\nAGENT AGENTS.md\n"
        "MODEL primary anthropic/claude-sonnet-4\n"
    )
    (tmp_path / "AGENTS.md").write_text("# Quill\n")
    plan = plan_pod(load_pod(tmp_path, environ={}), lambda ref: None)
    volumes = yaml.safe_load(plan.compose.text)["services"]["quill"]["volumes"]
    assert "./.claw-runtime/quill/data:/claw-data:rw" in volumes
    plan.write()
    data = tmp_path / ".claw-runtime" / "quill" / "data"
    (data / "microclaw.db").write_text("the runner's memory\n")
    (data / "skills" / "handle-discord").mkdir(parents=True)
    (data / "skills" / "handle-discord" / "SKILL.md").write_text("")  # a mount point
    stale = tmp_path / ".claw-runtime" / "quill" / "old.md"
    stale.write_text("left from an earlier plan\n")
    diff = plan_pod(load_pod(tmp_path, environ={}), lambda ref: None).write()
    assert [(c.path, c.kind) for c in diff.files] == [(".claw-runtime/quill/old.md", "remove")]
    assert (data / "microclaw.db").read_text() == "the runner's memory\n"
    assert (data / "skills" / "handle-discord" / "SKILL.md").exists()
    seeded = data / "runtime" / "groups" / "AGENTS.md"
    seeded.write_text("changed by hand\n")
    diff = plan_pod(load_pod(tmp_path, environ={}), lambda ref: None).write()
    assert [(c.path, c.kind) for c in diff.files] == [
        (".claw-runtime/quill/data/runtime/groups/AGENTS.md", "change")
    ]
