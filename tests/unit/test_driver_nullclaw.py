"""The nullclaw driver: config.json, the raw contract, both home mounts, cron jobs by command."""

from __future__ import annotations

import json
from typing import Any

import pytest

from clawlib.drivers.base import Healthcheck, Materialised, Mount, ProbeOutput, RuntimeFile
from clawlib.drivers.nullclaw import NullclawDriver, cron_command, parse_cron_list, shell_quote
from clawlib.drivers.nullclaw._config import nullclaw_config
from clawlib.engine import ContainerRecord
from clawlib.errors import DriverError
from clawlib.pod import Guild, Handle
from clawlib.runtime import Invocation, PersonaFile, ProxyLink, ResolvedClaw, clawdapus_md

CONTRACT = b"# Scout\n\nWatch the feeds.\n"


def claw(**fields: Any) -> ResolvedClaw:
    return ResolvedClaw(
        fields.pop("service", "scout"),
        "desk",
        "img:1",
        "nullclaw",
        "AGENTS.md",
        fields.pop("contract", CONTRACT),
        **fields,
    )


def config(**fields: Any) -> dict[str, Any]:
    return nullclaw_config(claw(**fields)).document


BASE = {
    "autonomy": {"level": "supervised", "workspace_only": True},
    "gateway": {"host": "127.0.0.1", "port": 3000, "require_pairing": True},
}


def test_minimal_config() -> None:
    assert config() == BASE


def test_models_fallback_goes_to_reliability() -> None:
    document = config(models={"primary": "openrouter/moonshotai/kimi-k2.5", "fallback": "x/y"})
    assert document["agents"] == {
        "defaults": {"model": {"primary": "openrouter/moonshotai/kimi-k2.5"}}
    }
    assert document["reliability"] == {"fallback_providers": ["x/y"]}


def test_governed_providers_point_at_the_proxy_service_that_exists() -> None:
    link = ProxyLink("cllama", "passthrough", "scout:0123abcd")
    document = config(
        models={"primary": "anthropic/claude-sonnet-4", "fast": "OpenRouter/a/b", "bare": "m"},
        proxy=link,
    )
    assert document["models"] == {
        "providers": {
            "anthropic": {"api_key": "scout:0123abcd", "base_url": "http://cllama:8080/v1"},
            "openrouter": {"api_key": "scout:0123abcd", "base_url": "http://cllama:8080/v1"},
        }
    }
    other = config(models={"primary": "a/b"}, proxy=ProxyLink("cllama-policy", "policy", "t"))
    assert other["models"]["providers"]["a"]["base_url"] == "http://cllama-policy:8080/v1"


def test_handles_write_resolved_tokens_and_first_guild() -> None:
    env = {
        "DISCORD_BOT_TOKEN": "d-tok",
        "TELEGRAM_BOT_TOKEN": "t-tok",
        "SLACK_BOT_TOKEN": "s-tok",
        "SLACK_APP_TOKEN": "xapp",
        "SLACK_SIGNING_SECRET": "sign",
    }
    guilds = [Guild(id="G1"), Guild(id="G2")]
    document = config(
        handles={
            "discord": Handle(id="1", guilds=guilds),
            "telegram": Handle(id="2"),
            "slack": Handle(id="3"),
        },
        lookup_env=env,
    )
    assert document["channels"] == {
        "discord": {"accounts": {"main": {"guild_id": "G1", "token": "d-tok"}}},
        "slack": {
            "accounts": {
                "main": {
                    "app_token": "xapp",
                    "bot_token": "s-tok",
                    "mode": "socket",
                    "signing_secret": "sign",
                }
            }
        },
        "telegram": {"accounts": {"main": {"bot_token": "t-tok"}}},
    }


def test_slack_signing_secret_without_app_token_is_http_mode() -> None:
    env = {"SLACK_BOT_TOKEN": "s", "SLACK_SIGNING_SECRET": "sign"}
    document = config(handles={"slack": Handle(id="3")}, lookup_env=env)
    assert document["channels"]["slack"]["accounts"]["main"] == {
        "bot_token": "s",
        "mode": "http",
        "signing_secret": "sign",
    }


def test_configure_is_json_typed_and_last() -> None:
    document = config(
        configures=(
            "nullclaw config set gateway.port 3100",
            "nullclaw config set autonomy.level full",
            'nullclaw config set agents.defaults.name "Scout the bold"',
            "nullclaw config set tools.allow [1, 2]",
        )
    )
    assert document["gateway"]["port"] == 3100
    assert document["autonomy"]["level"] == "full"
    assert document["agents"]["defaults"]["name"] == "Scout the bold"
    assert document["tools"]["allow"] == [1, 2]


def test_materialise() -> None:
    c = claw(models={"primary": "anthropic/claude"})
    result = NullclawDriver().materialise(c)
    document = nullclaw_config(c).document
    assert result == Materialised(
        files={
            "nullclaw-home/config.json": RuntimeFile(
                (json.dumps(document, indent=2, sort_keys=True) + "\n").encode()
            ),
            "AGENTS.md": RuntimeFile(CONTRACT),
            "CLAWDAPUS.md": RuntimeFile(clawdapus_md(c).encode()),
        },
        mounts=(
            Mount("nullclaw-home", "/root/.nullclaw", read_only=False),
            Mount("nullclaw-home", "/nullclaw-data/.nullclaw", read_only=False),
            Mount("AGENTS.md", "/claw/AGENTS.md"),
            Mount("CLAWDAPUS.md", "/claw/CLAWDAPUS.md"),
        ),
        tmpfs=("/tmp",),
        environment={"CLAW_MANAGED": "true"},
        healthcheck=Healthcheck(
            ("CMD-SHELL", "curl -fsS http://localhost:3000/health >/dev/null || exit 1")
        ),
        skill_dir="/claw/skills",
        skill_layout="flat",
    )


def test_materialise_persona_and_secret_config() -> None:
    c = claw(
        persona_files=(PersonaFile("MEMORY.md", b"x"),),
        proxy=ProxyLink("cllama", "passthrough", "scout:tok"),
        models={"primary": "a/b"},
    )
    result = NullclawDriver().materialise(c)
    assert result.mounts[-1] == Mount("persona", "/claw/persona", read_only=False)
    assert result.environment == {"CLAW_MANAGED": "true", "CLAW_PERSONA_DIR": "/claw/persona"}
    assert result.files["nullclaw-home/config.json"].secret is True
    with_token = claw(handles={"telegram": Handle(id="2")}, lookup_env={"TELEGRAM_BOT_TOKEN": "t"})
    assert NullclawDriver().materialise(with_token).files["nullclaw-home/config.json"].secret
    assert not NullclawDriver().materialise(claw()).files["nullclaw-home/config.json"].secret


def test_materialise_warnings() -> None:
    c = claw(
        handles={"matrix": Handle(id="m")},
        invocations=(
            Invocation("0 9 * * *", "Morning report", name="morning", to="C1"),
            Invocation("*/5 * * * *", "Check"),
        ),
    )
    assert NullclawDriver().materialise(c).warnings == (
        'nullclaw has no channel for HANDLE platform "matrix": it is not configured '
        "(the CLAW_HANDLE_* variables are still set)",
        'INVOKE "0 9 * * *": nullclaw\'s cron has no job names; name "morning" is ignored',
        'INVOKE "0 9 * * *": nullclaw\'s cron cannot deliver to a channel; to "C1" is ignored',
    )


def test_validate_lists_every_problem() -> None:
    c = claw(
        handles={"discord": Handle(id="1"), "slack": Handle(id="2"), "telegram": Handle(id="3")},
        lookup_env={"TELEGRAM_BOT_TOKEN": "t"},
        models={"primary": "/x"},
        configures=("nullclaw config set", "openclaw config set a b", "nullclaw config set x 1"),
        invocations=(Invocation("0 9 * * *", "  "), Invocation("0 1 * * *", "two\nlines")),
    )
    with pytest.raises(DriverError) as caught:
        NullclawDriver().validate(c)
    assert caught.value.problems == (
        'MODEL primary: model reference "/x" is not provider/model '
        "(write provider/model, e.g. anthropic/claude-sonnet-4)",
        'unrecognized CONFIGURE command: "nullclaw config set" (expected \'nullclaw config set '
        "<path> <value>')",
        'unrecognized CONFIGURE command: "openclaw config set a b" (expected \'nullclaw config '
        "set <path> <value>')",
        # Worded as every other runner's driver words a missing bot token.
        "HANDLE discord requires DISCORD_BOT_TOKEN (in the service's environment, the pod's "
        ".env or the environment claw runs in)",
        "HANDLE slack requires SLACK_BOT_TOKEN (in the service's environment, the pod's .env "
        "or the environment claw runs in)",
        'INVOKE "0 9 * * *": the message is empty (nullclaw runs nullclaw agent -m <message>)',
        'INVOKE "0 1 * * *": the message spans several lines; nullclaw\'s cron takes one-line '
        "commands",
    )


def test_validate_path_conflict_and_empty_token() -> None:
    c = claw(
        configures=("nullclaw config set gateway 1", "nullclaw config set gateway.port.x 1"),
        proxy=ProxyLink("cllama", "passthrough", " "),
        models={"primary": "a/b"},
    )
    with pytest.raises(DriverError) as caught:
        NullclawDriver().validate(c)
    assert caught.value.problems == (
        "the governance proxy gave this claw an empty token",
        'CONFIGURE "nullclaw config set gateway 1": cannot overwrite object at "gateway" with a '
        "value; set its keys one by one instead",
        'CONFIGURE "nullclaw config set gateway.port.x 1": path conflict at "gateway.port": '
        "expected object, found number",
    )
    with pytest.raises(DriverError):
        NullclawDriver().materialise(c)


def test_validate_needs_no_model_and_passes() -> None:
    assert NullclawDriver().validate(claw()) == []


def test_shell_quote_and_command() -> None:
    assert shell_quote("") == "''"
    assert shell_quote("it's") == "'it'\"'\"'s'"
    assert cron_command("  Say $HOME `x` it's  ") == "nullclaw agent -m 'Say $HOME `x` it'\"'\"'s'"


def test_parse_cron_list() -> None:
    text = (
        "ID | SCHEDULE | NEXT | COMMAND\n"
        "1 | 0 9 * * * | next: 09:00 | cmd: nullclaw agent -m 'a | b cmd: c'\n"
        "  2 |  */5 * * * *  | cmd:   nullclaw agent -m 'x'  \n"
        "garbage cmd: here\n"
        "3 |  | cmd: empty schedule\n"
    )
    assert parse_cron_list(text) == {
        ("0 9 * * *", "nullclaw agent -m 'a | b cmd: c'"),
        ("*/5 * * * *", "nullclaw agent -m 'x'"),
    }


def record(state: str = "running") -> ContainerRecord:
    return ContainerRecord(
        id="0123456789abcdef", name="desk-scout-1", project="desk", service="scout",
        number=1, image="img:1", state=state, exit_code=0,
    )  # fmt: skip


class FakeCron:
    """Runs ``nullclaw cron list/add`` against a list of lines, recording every call."""

    def __init__(self, lines: list[str] | None = None, fail: str | None = None) -> None:
        self.lines = lines or []
        self.calls: list[tuple[tuple[str, ...], float]] = []
        self.fail = fail

    def __call__(self, argv: tuple[str, ...], timeout: float) -> ProbeOutput:
        self.calls.append((argv, timeout))
        if self.fail == "timeout":
            raise TimeoutError
        if argv[:3] == ("nullclaw", "cron", "list"):
            if self.fail == "list":
                return ProbeOutput(1, "", "no store\n")
            return ProbeOutput(0, "\n".join(self.lines) + "\n", "")
        if self.fail == "add":
            return ProbeOutput(3, "bad expr\n", "")
        self.lines.append(f"{len(self.lines) + 1} | {argv[3]} | cmd: {argv[4]}")
        return ProbeOutput(0, "added\n", "")


def test_post_apply_registers_each_job_once() -> None:
    c = claw(
        invocations=(
            Invocation("0 9 * * *", "Morning report", name="morning"),
            Invocation("*/5 * * * *", "It's time"),
        )
    )
    cron = FakeCron(["1 | 0 9 * * * | cmd: nullclaw agent -m 'Morning report'"])
    driver = NullclawDriver()
    assert driver.post_apply(record(), c, cron) == (
        "cron job already registered (schedule: 0 9 * * *)",
        "registered cron job (schedule: */5 * * * *)",
    )
    assert cron.calls == [
        (("nullclaw", "cron", "list"), 20.0),
        (("nullclaw", "cron", "add", "*/5 * * * *", "nullclaw agent -m 'It'\"'\"'s time'"), 20.0),
    ]
    again = FakeCron(cron.lines)
    assert driver.post_apply(record(), c, again) == (
        "cron job already registered (schedule: 0 9 * * *)",
        "cron job already registered (schedule: */5 * * * *)",
    )
    assert [argv for argv, _ in again.calls] == [("nullclaw", "cron", "list")]


def test_post_apply_without_invocations_runs_nothing() -> None:
    cron = FakeCron()
    assert NullclawDriver().post_apply(record(), claw(), cron) == ()
    assert cron.calls == []
    with pytest.raises(DriverError) as caught:
        NullclawDriver().post_apply(record("exited"), claw(), cron)
    assert str(caught.value) == "nullclaw: container 0123456789ab is not running (status: exited)"


@pytest.mark.parametrize(
    ("fail", "message"),
    [
        ("list", "nullclaw: cron list failed (exit 1): no store"),
        ("add", "nullclaw: cron add failed (schedule: 0 9 * * *, exit 3): bad expr"),
        ("timeout", "nullclaw: nullclaw cron list did not finish within 20s"),
    ],
)
def test_post_apply_failures(fail: str, message: str) -> None:
    c = claw(invocations=(Invocation("0 9 * * *", "Go"),))
    with pytest.raises(DriverError) as caught:
        NullclawDriver().post_apply(record(), c, FakeCron(fail=fail))
    assert str(caught.value) == message
