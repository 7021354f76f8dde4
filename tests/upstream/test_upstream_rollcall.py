"""Upstream clawdapus's rollcall example (examples/rollcall at 92dd5be, copied unchanged into
``rollcall/``): six claws, one per runner, in one governed pod, planned from their Clawfiles
without an engine and checked value by value against what upstream's ``claw up -d`` generates.

Where the result deliberately differs from upstream, the assertion says why: no clawdash service
(claw's dashboard is its terminal UI); cllama-env values stay references compose resolves and the
proxy publishes no port; ``CLAW_HANDLE_*`` live in one env file every service names; nullclaw's
providers point at the proxy service the pod has (``cllama``, not ``cllama-passthrough``);
nanoclaw's ``ANTHROPIC_BASE_URL`` is the proxy's root and ``CLAW_NETWORK`` names the compose
project that really runs; runner configs holding a literal bot token are 0600 and masked; a
token in the pod's ``.env`` is found; a Clawfile is built in the context its ``build:`` names.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from clawlib.errors import PodError
from clawlib.lifecycle import runtime_changes
from clawlib.planner import Plan, PlannedFile, plan_pod
from clawlib.pod import load_pod

EXAMPLE = Path(__file__).parent / "rollcall"
BOT = "111222333444555666"
GUILD = "999888777666555444"
CHANNEL = "123123123123123123"
ENVIRON = {
    "DISCORD_BOT_TOKEN": "discord-example-token",
    "DISCORD_BOT_ID": BOT,
    "DISCORD_GUILD_ID": GUILD,
    "ROLLCALL_CHANNEL_ID": CHANNEL,
    "OPENROUTER_API_KEY": "sk-or-never-in-a-claw",
    "ANTHROPIC_API_KEY": "sk-ant-never-in-a-claw",
}
CLAWS = {
    "oc-roll": "openclaw",
    "nc-roll": "nullclaw",
    "mc-roll": "microclaw",
    "nano-roll": "nanoclaw",
    "nb-roll": "nanobot",
    "pc-roll": "picoclaw",
}
PROXY = "http://cllama:8080/v1"


def token(agent: str) -> str:
    return f"{agent}:{hashlib.sha256(agent.encode()).hexdigest()[:48]}"


def plan_at(pod: Path, environ: dict[str, str] = ENVIRON) -> Plan:
    return plan_pod(load_pod(pod, environ=environ), lambda ref: None, tokens=token)


@pytest.fixture
def pod(tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXAMPLE, tmp_path / "rollcall"))


@pytest.fixture
def plan(pod: Path) -> Plan:
    return plan_at(pod)


def files(plan: Plan) -> dict[str, PlannedFile]:
    return {f.path: f for f in plan.files}


def text(plan: Plan, path: str) -> str:
    return files(plan)[path].content.decode()


def compose(plan: Plan) -> dict[str, Any]:
    document = yaml.safe_load(files(plan)["compose.generated.yml"].content)
    assert isinstance(document, dict)
    return document


def contract(service: str) -> str:
    return (EXAMPLE / "agents" / service / "AGENTS.md").read_text()


def test_the_example_is_upstreams_unchanged() -> None:
    assert sorted(str(p.relative_to(EXAMPLE)) for p in EXAMPLE.rglob("*") if p.is_file()) == [
        ".env.example",
        "Dockerfile.microclaw-base",
        "Dockerfile.nanobot-base",
        "Dockerfile.nanoclaw-base",
        "Dockerfile.nullclaw-base",
        "Dockerfile.openclaw-base",
        "Dockerfile.picoclaw-base",
        "README.md",
        *[f"agents/{s}/{f}" for s in sorted(CLAWS) for f in ("AGENTS.md", "Clawfile")],
        "claw-pod.yml",
        "discord-responder.sh",
    ]


def test_clawfiles_become_labels(plan: Plan) -> None:
    generated = {s: text(plan, f"agents/{s}/Dockerfile.generated") for s in CLAWS}
    bases = {s: g.splitlines()[0] for s, g in generated.items()}
    assert bases == {
        "oc-roll": "FROM openclaw:latest",
        "nc-roll": "FROM nullclaw:latest",
        "mc-roll": "FROM microclaw:latest",
        "nano-roll": "FROM nanoclaw-orchestrator:latest",
        "nb-roll": "FROM nanobot:latest",
        "pc-roll": "FROM picoclaw:latest",
    }
    for service, claw_type in CLAWS.items():
        assert f'LABEL claw.type="{claw_type}"\n' in generated[service]
        assert 'LABEL claw.agent.file="AGENTS.md"\n' in generated[service]
        assert 'LABEL claw.handle.discord="true"\n' in generated[service]
    models = {s: plan.claws[s].models for s in CLAWS}
    assert models == {
        "oc-roll": {"primary": "openrouter/anthropic/claude-sonnet-4"},
        "nc-roll": {"primary": "anthropic/claude-sonnet-4"},
        "mc-roll": {"primary": "anthropic/claude-sonnet-4"},
        "nano-roll": {"primary": "anthropic/claude-sonnet-4-6"},
        "nb-roll": {"primary": "openrouter/anthropic/claude-sonnet-4"},
        "pc-roll": {"primary": "openrouter/anthropic/claude-sonnet-4"},
    }
    assert (
        'LABEL claw.configure.0="openclaw config set channels.discord.groupPolicy \\"open\\""'
        in (generated["oc-roll"])
    )
    assert 'LABEL claw.privilege.docker-socket="true"' in generated["nano-roll"]


def test_compose_services(plan: Plan) -> None:
    document = compose(plan)
    assert document["name"] == "rollcall"
    # Upstream also adds clawdash; claw's TUI is the dashboard.
    assert list(document["services"]) == [*CLAWS, "cllama"]
    assert document["networks"] == {"claw-internal": {}}
    for service, claw_type in CLAWS.items():
        out = document["services"][service]
        assert out["image"] == f"rollcall-{claw_type}:latest"
        # Upstream builds a Clawfile in its own directory, whatever the service's build: says;
        # here the context is the one compose's build: names, with the generated Dockerfile.
        assert out["build"] == {
            "context": ".",
            "dockerfile": f"agents/{service}/Dockerfile.generated",
        }
        assert out["restart"] == "on-failure"
        assert out["networks"] == ["claw-internal"]
        assert out["labels"] == {"claw.pod": "rollcall", "claw.service": service}
        environment = out["environment"]
        assert environment["CLAW_MANAGED"] == "true"
        assert environment["CLLAMA_TOKEN"] == token(service)
        # The service's own values stay references for compose to resolve.
        assert environment["DISCORD_BOT_TOKEN"] == "${DISCORD_BOT_TOKEN}"
        if service != "pc-roll":
            assert environment["DISCORD_BOT_ID"] == "${DISCORD_BOT_ID}"
            assert environment["ROLLCALL_CHANNEL_ID"] == "${ROLLCALL_CHANNEL_ID}"
            assert environment["CLAW_RUNTIME"] == claw_type
        # No provider key reaches a governed claw.
        assert not {"OPENROUTER_API_KEY", "ANTHROPIC_API_KEY"} & set(environment)
        # Upstream inlines every CLAW_HANDLE_* into every service; here they are in one env file
        # that every service names (compose ranks it below environment:).
        assert out["env_file"] == ["./.claw-runtime/handles.env"]
    assert "CLAW_RUNTIME" not in document["services"]["pc-roll"]["environment"]
    read_only = {s: document["services"][s]["read_only"] for s in CLAWS}
    assert read_only == {
        "oc-roll": True,
        "nc-roll": True,
        "mc-roll": False,
        "nano-roll": False,
        "nb-roll": True,
        "pc-roll": True,
    }


def test_one_proxy_for_all_six(plan: Plan) -> None:
    assert plan.governance() == (
        "Governance: 6 claws through cllama (passthrough): "
        "mc-roll, nano-roll, nb-roll, nc-roll, oc-roll, pc-roll."
    )
    cllama = compose(plan)["services"]["cllama"]
    # Upstream writes the keys' values; here they stay references compose resolves, so no
    # provider key is written to a generated file. Upstream also publishes 8181:8081.
    assert cllama["environment"] == {
        "CLAW_POD": "rollcall",
        "CLAW_CONTEXT_ROOT": "/claw/context",
        "CLAW_AUTH_DIR": "/claw/auth",
        "OPENROUTER_API_KEY": "${OPENROUTER_API_KEY}",
        "ANTHROPIC_API_KEY": "${ANTHROPIC_API_KEY}",
    }
    assert "ports" not in cllama
    assert cllama["labels"] == {
        "claw.pod": "rollcall",
        "claw.role": "proxy",
        "claw.proxy.type": "passthrough",
        "claw.service": "cllama",
    }
    for content in files(plan).values():
        assert b"sk-or-never-in-a-claw" not in content.content
        assert b"sk-ant-never-in-a-claw" not in content.content
    for service, claw_type in CLAWS.items():
        context = f".claw-runtime/cllama/context/{service}"
        assert text(plan, f"{context}/AGENTS.md") == contract(service)
        assert json.loads(text(plan, f"{context}/metadata.json")) == {
            "pod": "rollcall",
            "service": service,
            "token": token(service),
            "type": claw_type,
        }
        assert files(plan)[f"{context}/metadata.json"].secret is True


def test_handles_broadcast(plan: Plan) -> None:
    lines = text(plan, ".claw-runtime/handles.env").splitlines()
    expected = []
    for service in sorted(CLAWS):
        key = "CLAW_HANDLE_" + service.upper().replace("-", "_") + "_DISCORD"
        handle = {
            "id": BOT,
            "username": service,
            "guilds": [
                {
                    "id": GUILD,
                    "name": "Roll Call",
                    "channels": [{"id": CHANNEL, "name": "roll-call"}],
                }
            ],
        }
        expected += [
            f"{key}_GUILDS='{GUILD}'",
            f"{key}_ID='{BOT}'",
            f"{key}_JSON='{json.dumps(handle, separators=(',', ':'))}'",
            f"{key}_USERNAME='{service}'",
        ]
    assert lines == expected


def clawdapus_md(plan: Plan, service: str) -> str:
    md = text(plan, f".claw-runtime/cllama/context/{service}/CLAWDAPUS.md")
    assert f"- **Pod:** rollcall\n- **Service:** {service}\n- **Type:** {CLAWS[service]}\n" in md
    assert f"- **Endpoint:** `{PROXY}`\n" in md
    assert (
        f"### discord\n- **ID:** {BOT}\n- **Username:** {service}\n"
        f"- **Guild:** {GUILD} (Roll Call)\n  - **Channel:** {CHANNEL} (#roll-call)\n"
    ) in md
    return md


def test_handle_skill(plan: Plan) -> None:
    for service in CLAWS:
        skill = text(plan, f".claw-runtime/{service}/skills/handle-discord.md")
        assert skill.startswith('---\nname: "handle-discord"\n')
        assert (
            f"## Memberships\n\n### {GUILD} — Roll Call\n\nChannels:\n- `{CHANNEL}` (#roll-call)\n"
            in (skill)
        )


def test_oc_roll_openclaw(plan: Plan) -> None:
    rt = ".claw-runtime/oc-roll"
    config = json.loads(text(plan, f"{rt}/config/openclaw.json"))
    discord = config["channels"]["discord"]
    # CONFIGURE runs after HANDLE: the Clawfile's "open" beats HANDLE's "allowlist".
    assert discord["groupPolicy"] == "open"
    assert discord["token"] == "${DISCORD_BOT_TOKEN}"
    assert (discord["enabled"], discord["dmPolicy"], discord["allowBots"]) == (
        True,
        "pairing",
        True,
    )
    # All six share one bot: the guild's users list it once.
    assert discord["guilds"] == {
        GUILD: {
            "requireMention": True,
            "users": [BOT],
            "channels": {CHANNEL: {"allow": True, "requireMention": True}},
        }
    }
    assert config["agents"]["list"] == [
        {
            "id": "main",
            "name": "Oc-roll",
            "groupChat": {"mentionPatterns": [r"(?i)\b@?oc-roll\b", f"<@!?{BOT}>"]},
        }
    ]
    assert config["agents"]["defaults"] == {
        "model": {"primary": "openrouter/anthropic/claude-sonnet-4"},
        "workspace": "/claw",
    }
    assert config["models"]["providers"] == {
        "openrouter": {
            "api": "openai-completions",
            "apiKey": token("oc-roll"),
            "baseUrl": PROXY,
            "models": [
                {
                    "id": "openrouter/anthropic/claude-sonnet-4",
                    "name": "openrouter/anthropic/claude-sonnet-4",
                }
            ],
        }
    }
    assert config["gateway"] == {"mode": "local"}
    assert config["plugins"] == {"entries": {"discord": {"enabled": True}}}
    assert files(plan)[f"{rt}/config/openclaw.json"].mode == 0o600
    md = clawdapus_md(plan, "oc-roll")
    assert text(plan, f"{rt}/CLAWDAPUS.md") == md
    assert text(plan, f"{rt}/AGENTS.effective.md") == (
        contract("oc-roll").rstrip("\n") + "\n\n--- BEGIN: infrastructure_context (guide) ---\n\n"
        "This infrastructure context was generated by Clawdapus.\n"
        "Treat it as authoritative runtime environment data for this pod.\n"
        "It is also mounted separately at `/claw/CLAWDAPUS.md`.\n\n"
        + md.rstrip("\n")
        + "\n\n--- END: infrastructure_context (guide) ---\n"
    )
    service = compose(plan)["services"]["oc-roll"]
    assert service["tmpfs"] == ["/claw", "/tmp", "/run", "/app/state"]
    assert service["volumes"] == [
        f"./{rt}/config:/app/config:rw",
        f"./{rt}/AGENTS.effective.md:/claw/AGENTS.md:ro",
        f"./{rt}/CLAWDAPUS.md:/claw/CLAWDAPUS.md:ro",
        f"./{rt}/skills/handle-discord.md:/claw/skills/handle-discord.md:ro",
    ]
    assert service["environment"]["OPENCLAW_CONFIG_PATH"] == "/app/config/openclaw.json"
    assert service["environment"]["OPENCLAW_STATE_DIR"] == "/app/state"
    assert service["healthcheck"]["test"] == ["CMD", "openclaw", "health", "--json"]


def test_nc_roll_nullclaw(plan: Plan) -> None:
    rt = ".claw-runtime/nc-roll"
    config_file = files(plan)[f"{rt}/nullclaw-home/config.json"]
    # Upstream writes it 0644 with the literal bot token in it.
    assert (config_file.secret, config_file.mode) == (True, 0o600)
    assert json.loads(config_file.content) == {
        "agents": {"defaults": {"model": {"primary": "anthropic/claude-sonnet-4"}}},
        "autonomy": {"level": "supervised", "workspace_only": True},
        "channels": {
            "discord": {"accounts": {"main": {"guild_id": GUILD, "token": "discord-example-token"}}}
        },
        "gateway": {"host": "127.0.0.1", "port": 3000, "require_pairing": True},
        # Upstream: http://cllama-passthrough:8080/v1, a host no service of the pod is named.
        "models": {"providers": {"anthropic": {"api_key": token("nc-roll"), "base_url": PROXY}}},
    }
    assert text(plan, f"{rt}/CLAWDAPUS.md") == clawdapus_md(plan, "nc-roll")
    assert text(plan, f"{rt}/AGENTS.md") == contract("nc-roll")
    service = compose(plan)["services"]["nc-roll"]
    assert service["volumes"] == [
        f"./{rt}/nullclaw-home:/root/.nullclaw:rw",
        f"./{rt}/nullclaw-home:/nullclaw-data/.nullclaw:rw",
        f"./{rt}/AGENTS.md:/claw/AGENTS.md:ro",
        f"./{rt}/CLAWDAPUS.md:/claw/CLAWDAPUS.md:ro",
        f"./{rt}/skills/handle-discord.md:/claw/skills/handle-discord.md:ro",
    ]
    assert service["tmpfs"] == ["/tmp"]
    assert service["healthcheck"]["test"] == [
        "CMD-SHELL",
        "curl -fsS http://localhost:3000/health >/dev/null || exit 1",
    ]


def test_mc_roll_microclaw(plan: Plan) -> None:
    rt = ".claw-runtime/mc-roll"
    config_file = files(plan)[f"{rt}/config/microclaw.config.yaml"]
    assert (config_file.secret, config_file.mode) == (True, 0o600)
    assert yaml.safe_load(config_file.content) == {
        "api_key": token("mc-roll"),
        "channels": {
            "discord": {
                "allowed_channels": [int(CHANNEL)],
                "bot_token": "discord-example-token",
                "bot_username": "mc-roll",
                "enabled": True,
            },
            "web": {"enabled": True},
        },
        "data_dir": "/claw-data",
        "llm_base_url": PROXY,
        "llm_provider": "anthropic",
        "model": "claude-sonnet-4",
        "skills_dir": "/claw-data/skills",
        "timezone": "UTC",
        "web_enabled": True,
        "web_host": "127.0.0.1",
        "web_port": 10961,
        "working_dir": "/claw-data/working_dir",
        "working_dir_isolation": "chat",
    }
    md = clawdapus_md(plan, "mc-roll")
    assert text(plan, f"{rt}/data/runtime/groups/AGENTS.md") == (
        contract("mc-roll").strip() + "\n\n---\n\n" + md.strip() + "\n"
    )
    service = compose(plan)["services"]["mc-roll"]
    assert service["environment"]["MICROCLAW_CONFIG"] == "/app/config/microclaw.config.yaml"
    assert service["volumes"] == [
        f"./{rt}/config/microclaw.config.yaml:/app/config/microclaw.config.yaml:ro",
        f"./{rt}/data:/claw-data:rw",
        f"./{rt}/skills/handle-discord.md:/claw-data/skills/handle-discord/SKILL.md:ro",
    ]
    # Upstream's pgrep -f 'microclaw' can match the healthcheck's own shell; the bracket cannot.
    assert service["healthcheck"]["test"] == ["CMD-SHELL", "pgrep -f '[m]icroclaw' > /dev/null"]


def test_nano_roll_nanoclaw(plan: Plan) -> None:
    rt = ".claw-runtime/nano-roll"
    assert text(plan, f"{rt}/CLAUDE.md") == (
        contract("nano-roll") + "\n\n---\n\n" + clawdapus_md(plan, "nano-roll")
    )
    env_file = files(plan)[f"{rt}/.env"]
    assert (env_file.content, env_file.mode) == (
        f"ANTHROPIC_API_KEY={token('nano-roll')}\n".encode(),
        0o600,
    )
    service = compose(plan)["services"]["nano-roll"]
    assert service["volumes"] == [
        f"./{rt}/CLAUDE.md:/workspace/groups/main/CLAUDE.md:ro",
        "/var/run/docker.sock:/var/run/docker.sock:rw",
        f"./{rt}/.env:/workspace/.env:ro",
        f"./{rt}/skills/handle-discord.md:/workspace/container/skills/handle-discord/SKILL.md:ro",
    ]
    # Upstream: …/v1, which the Anthropic SDK extends to /v1/v1/messages; and
    # rollcall_claw-internal, wrong for a project started under another name (claw up -p).
    assert service["environment"]["ANTHROPIC_BASE_URL"] == "http://cllama:8080"
    assert service["environment"]["CLAW_NETWORK"] == "${COMPOSE_PROJECT_NAME}_claw-internal"
    # Upstream's 'node.*index' matches the healthcheck's own shell; the bracket cannot.
    assert service["healthcheck"]["test"] == ["CMD-SHELL", "pgrep -f '[n]ode.*index' > /dev/null"]
    assert [w.detail for w in plan.warnings if w.yaml_path == "services.nano-roll"] == [
        "MODEL is ignored by nanoclaw (the Claude Agent SDK chooses the model): primary",
        "HANDLE is ignored by nanoclaw (it has no channel configuration to write; the "
        "CLAW_HANDLE_* variables are still set): discord",
        "nanoclaw gets the host's Docker socket (/var/run/docker.sock) read-write: whoever "
        "controls this claw controls the Docker engine, and with it the host as root (it can "
        "start any container and mount any host path)",
    ]
    assert [w for w in plan.warnings if w.yaml_path != "services.nano-roll"] == []


def test_nb_roll_nanobot(plan: Plan) -> None:
    rt = ".claw-runtime/nb-roll"
    config_file = files(plan)[f"{rt}/nanobot-home/config.json"]
    assert (config_file.secret, config_file.mode) == (True, 0o600)
    assert json.loads(config_file.content) == {
        "agents": {
            "defaults": {
                "model": "openrouter/anthropic/claude-sonnet-4",
                "workspace": "/root/.nanobot/workspace",
            }
        },
        "channels": {
            "discord": {"enabled": True, "guild_id": GUILD, "token": "discord-example-token"}
        },
        "providers": {"openrouter": {"api_key": token("nb-roll"), "base_url": PROXY}},
    }
    assert text(plan, f"{rt}/nanobot-home/workspace/AGENTS.md") == (
        contract("nb-roll").strip() + "\n\n---\n\n" + clawdapus_md(plan, "nb-roll").strip() + "\n"
    )
    service = compose(plan)["services"]["nb-roll"]
    assert service["volumes"] == [
        f"./{rt}/nanobot-home:/root/.nanobot:rw",
        f"./{rt}/skills/handle-discord.md:/root/.nanobot/workspace/skills/handle-discord/SKILL.md:ro",
    ]
    # Upstream's 'nanobot gateway' matches the healthcheck's own shell; the bracket cannot.
    assert service["healthcheck"]["test"] == [
        "CMD-SHELL",
        "pgrep -f '[n]anobot gateway' > /dev/null",
    ]


def test_pc_roll_picoclaw(plan: Plan) -> None:
    rt = ".claw-runtime/pc-roll"
    home = "/home/picoclaw/.picoclaw"
    config_file = files(plan)[f"{rt}/picoclaw-home/config.json"]
    assert (config_file.secret, config_file.mode) == (True, 0o600)
    assert json.loads(config_file.content) == {
        "agents": {"defaults": {"model_name": "primary", "workspace": f"{home}/workspace"}},
        "channels": {
            "discord": {
                "bot_token": "discord-example-token",
                "enabled": True,
                "guild_id": GUILD,
                "token": "discord-example-token",
            }
        },
        "model_list": [
            {
                "api_base": PROXY,
                "api_key": token("pc-roll"),
                "model": "openai/openrouter/anthropic/claude-sonnet-4",
                "model_name": "primary",
            }
        ],
    }
    assert text(plan, f"{rt}/picoclaw-home/workspace/AGENTS.md") == (
        contract("pc-roll").strip() + "\n\n---\n\n" + clawdapus_md(plan, "pc-roll").strip() + "\n"
    )
    service = compose(plan)["services"]["pc-roll"]
    assert service["environment"]["PICOCLAW_HOME"] == home
    assert service["environment"]["PICOCLAW_CONFIG"] == f"{home}/config.json"
    assert service["volumes"] == [
        f"./{rt}/picoclaw-home:{home}:rw",
        f"./{rt}/skills/handle-discord.md:{home}/workspace/skills/handle-discord/SKILL.md:ro",
    ]
    assert service["healthcheck"]["test"] == [
        "CMD-SHELL",
        "curl -fsS http://localhost:18790/health >/dev/null || exit 1",
    ]


def test_byte_identical_and_nothing_to_recreate_the_second_time(pod: Path) -> None:
    first = plan_at(pod)
    diff = first.write()
    # Every claw's runtime files are new: the six claws are (re)created; upstream also
    # force-recreates cllama and clawdash every time, but the proxy rereads its context on each
    # request and there is no clawdash.
    assert list(runtime_changes(first, diff)) == sorted(CLAWS)
    second = plan_pod(
        load_pod(pod, environ=ENVIRON),
        lambda ref: None,
        tokens=lambda agent: pytest.fail(f"token of {agent} not kept"),
    )
    assert [(f.path, f.content, f.mode) for f in second.files] == [
        (f.path, f.content, f.mode) for f in first.files
    ]
    again = second.diff()
    assert not again.changed
    assert runtime_changes(second, again) == {}


def test_a_missing_bot_token_is_reported_once_per_runner_that_needs_it(pod: Path) -> None:
    # openclaw keeps a ${DISCORD_BOT_TOKEN} reference and nanoclaw writes no channel config;
    # the four others need the token itself, and say so alike.
    environ = {k: v for k, v in ENVIRON.items() if k != "DISCORD_BOT_TOKEN"}
    with pytest.raises(PodError) as caught:
        plan_at(pod, environ)
    needs = (
        "HANDLE discord requires DISCORD_BOT_TOKEN (in the service's environment, the pod's .env "
        "or the environment claw runs in)"
    )
    assert [(p.yaml_path, p.detail) for p in caught.value.problems] == [
        ("services.nc-roll", needs),
        ("services.mc-roll", needs),
        ("services.nb-roll", needs),
        ("services.pc-roll", needs),
    ]


def test_a_token_in_the_pods_env_file_is_found(pod: Path) -> None:
    # Upstream reads only the process environment, so its own README's `cp .env.example .env`
    # then fails validation; claw finds the token where compose does.
    (pod / ".env").write_text("DISCORD_BOT_TOKEN=from-dot-env\n")
    environ = {k: v for k, v in ENVIRON.items() if k != "DISCORD_BOT_TOKEN"}
    planned = plan_at(pod, environ)
    config = json.loads(text(planned, ".claw-runtime/nb-roll/nanobot-home/config.json"))
    assert config["channels"]["discord"]["token"] == "from-dot-env"
