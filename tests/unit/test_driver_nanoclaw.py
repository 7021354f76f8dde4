"""The nanoclaw driver: CLAUDE.md, the Docker socket and its privilege, the governed wiring, and
the directives it ignores (each said once)."""

from __future__ import annotations

from typing import Any

import pytest

from clawlib.drivers.base import Healthcheck, Mount, RuntimeFile
from clawlib.drivers.nanoclaw import DOCKER_SOCKET, NanoclawDriver, claude_md
from clawlib.errors import DriverError
from clawlib.pod import Handle
from clawlib.runtime import Invocation, PersonaFile, ProxyLink, ResolvedClaw, clawdapus_md

TOKEN = "orchestrator:" + "ab" * 24


def claw(**fields: Any) -> ResolvedClaw:
    fields.setdefault("privileges", {"docker-socket": "true"})
    return ResolvedClaw(
        fields.pop("service", "orchestrator"),
        "desk",
        "img:1",
        "nanoclaw",
        "AGENTS.md",
        fields.pop("contract", b"# Orchestrator\n\nSpawn carefully.\n"),
        **fields,
    )


def governed(**fields: Any) -> ResolvedClaw:
    return claw(cllama=("passthrough",), proxy=ProxyLink("cllama", "passthrough", TOKEN), **fields)


DRIVER = NanoclawDriver()


def test_name_and_health() -> None:
    assert NanoclawDriver.name == "nanoclaw"
    assert NanoclawDriver.probe_command is None  # the container's state decides


def test_claude_md_is_the_contract_as_written_a_rule_and_clawdapus_md() -> None:
    contract = b"# Orchestrator\n\nSpawn carefully.\n\n\n"  # kept as is, trailing lines too
    done = DRIVER.materialise(claw(contract=contract))
    context = clawdapus_md(claw(contract=contract))
    assert done.files["CLAUDE.md"] == RuntimeFile(contract + b"\n\n---\n\n" + context.encode())
    assert claude_md(b"A", "B") == b"A\n\n---\n\nB"
    assert "- **Type:** nanoclaw" in context


def test_direct_claw_mounts_env_and_container() -> None:
    done = DRIVER.materialise(claw())
    assert sorted(done.files) == ["CLAUDE.md"]
    assert done.mounts == (
        Mount("CLAUDE.md", "/workspace/groups/main/CLAUDE.md"),
        Mount("/var/run/docker.sock", "/var/run/docker.sock", read_only=False, absolute=True),
    )
    assert DOCKER_SOCKET == "/var/run/docker.sock"
    assert done.environment == {"CLAW_MANAGED": "true"}
    assert done.tmpfs == ("/tmp",)
    assert done.read_only is False
    assert done.restart == "on-failure"
    assert done.skill_dir == "/workspace/container/skills"
    assert done.skill_layout == "directory"
    assert done.healthcheck == Healthcheck(
        ("CMD-SHELL", "pgrep -f '[n]ode.*index' > /dev/null"), "30s", "10s", 3
    )


def test_the_docker_socket_warning_says_what_it_grants() -> None:
    assert DRIVER.materialise(claw()).warnings == (
        "nanoclaw gets the host's Docker socket (/var/run/docker.sock) read-write: whoever "
        "controls this claw controls the Docker engine, and with it the host as root (it can "
        "start any container and mount any host path)",
    )


def test_persona_is_mounted_read_write() -> None:
    done = DRIVER.materialise(claw(persona="./persona", persona_files=(PersonaFile("a.md", b""),)))
    assert done.mounts[-1] == Mount("persona", "/workspace/container/persona", read_only=False)
    assert done.environment["CLAW_PERSONA_DIR"] == "/workspace/container/persona"


def test_governed_claw_gets_the_proxy_and_its_token_in_a_secret_env_file() -> None:
    done = DRIVER.materialise(governed())
    assert done.environment == {
        "CLAW_MANAGED": "true",
        "ANTHROPIC_BASE_URL": "http://cllama:8080",
        # compose fills in the project it really runs: `name:`, -p or COMPOSE_PROJECT_NAME
        "CLAW_NETWORK": "${COMPOSE_PROJECT_NAME}_claw-internal",
    }
    assert done.files[".env"] == RuntimeFile(
        f"ANTHROPIC_API_KEY={TOKEN}\n".encode(), mode=0o600, secret=True
    )
    assert done.mounts[-1] == Mount(".env", "/workspace/.env")
    assert "## LLM Proxy" in done.files["CLAUDE.md"].content.decode()


def test_governed_claw_follows_the_proxy_service_that_exists() -> None:
    done = DRIVER.materialise(
        claw(cllama=("policy",), proxy=ProxyLink("cllama-policy", "policy", TOKEN))
    )
    assert done.environment["ANTHROPIC_BASE_URL"] == "http://cllama-policy:8080"


def test_persona_and_proxy_mounts_in_order() -> None:
    done = DRIVER.materialise(governed(persona="./p", persona_files=(PersonaFile("a", b""),)))
    assert [m.target for m in done.mounts] == [
        "/workspace/groups/main/CLAUDE.md",
        "/var/run/docker.sock",
        "/workspace/container/persona",
        "/workspace/.env",
    ]


def test_docker_socket_privilege_is_required() -> None:
    with pytest.raises(DriverError) as caught:
        DRIVER.validate(claw(privileges={}))
    assert caught.value.problems == (
        "nanoclaw requires PRIVILEGE docker-socket true in the Clawfile (nanoclaw spawns agent "
        "containers via Docker, so its container gets the host's Docker socket)",
    )
    with pytest.raises(DriverError) as caught:
        DRIVER.validate(claw(privileges={"runtime": "node"}))
    assert "requires PRIVILEGE docker-socket true" in caught.value.problems[0]


@pytest.mark.parametrize("value", ["yes", "True", "false", ""])
def test_docker_socket_privilege_must_be_true(value: str) -> None:
    with pytest.raises(DriverError) as caught:
        DRIVER.validate(claw(privileges={"docker-socket": value}))
    assert caught.value.problems == (
        f'PRIVILEGE docker-socket is "{value}": nanoclaw requires exactly '
        '"PRIVILEGE docker-socket true" (nanoclaw spawns agent containers via Docker)',
    )


def test_nothing_to_warn_about() -> None:
    assert DRIVER.validate(claw()) == []
    assert DRIVER.validate(governed()) == []


def test_ignored_directives_are_each_warned_about_once() -> None:
    warnings = DRIVER.validate(
        claw(
            models={"primary": "anthropic/claude-sonnet-4", "fallback": "openai/gpt-4.1"},
            handles={"slack": Handle(id="U1"), "discord": Handle(id="111")},
            configures=("nanoclaw config set a 1", "nanoclaw config set b 2"),
            invocations=(
                Invocation("0 9 * * *", "Morning"),
                Invocation("0 17 * * *", "Evening", "eve", "C1"),
                Invocation("*/5 * * * *", "Poll"),
            ),
        )
    )
    assert warnings == [
        "MODEL is ignored by nanoclaw (the Claude Agent SDK chooses the model): fallback, primary",
        "HANDLE is ignored by nanoclaw (it has no channel configuration to write; the "
        "CLAW_HANDLE_* variables are still set): discord, slack",
        "CONFIGURE is ignored by nanoclaw (it has no configuration file to set): 2 commands not "
        "applied",
        "INVOKE is not supported by nanoclaw (it has no scheduler claw can fill): 3 invocations "
        "ignored",
    ]


def test_singular_counts() -> None:
    warnings = DRIVER.validate(
        claw(configures=("x",), invocations=(Invocation("0 9 * * *", "Morning"),))
    )
    assert warnings == [
        "CONFIGURE is ignored by nanoclaw (it has no configuration file to set): 1 command not "
        "applied",
        "INVOKE is not supported by nanoclaw (it has no scheduler claw can fill): 1 invocation "
        "ignored",
    ]


def test_ignored_directives_change_nothing() -> None:
    plain = DRIVER.materialise(claw())
    busy = DRIVER.materialise(
        claw(
            models={"primary": "anthropic/claude-sonnet-4"},
            configures=("nanoclaw config set a 1",),
            invocations=(Invocation("0 9 * * *", "Morning"),),
        )
    )
    assert busy.mounts == plain.mounts
    assert busy.environment == plain.environment
    assert sorted(busy.files) == sorted(plain.files)


def test_materialise_is_pure() -> None:
    assert DRIVER.materialise(governed()) == DRIVER.materialise(governed())
