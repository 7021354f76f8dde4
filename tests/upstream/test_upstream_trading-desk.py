"""Upstream clawdapus's trading-desk example (examples/trading-desk at 92dd5be, copied unchanged
into ``trading-desk/``): five governed claws of four runners (openclaw, nanoclaw, nullclaw,
microclaw) beside two plain services, planned without an engine and checked value by value
against what upstream's ``claw up -d`` generates for it.

The claw images are not built, so they are planned from their Clawfiles. ``trading-api:latest``
is not a claw and has no Clawfile: the test reads its labels and files from
``Dockerfile.trading-api`` (its ``LABEL`` and ``COPY`` lines), as the engine would report them for
the image that Dockerfile builds; that is where the ``claw.skill.emit`` manual ``trade.md``
comes from.

Where the result deliberately differs from upstream, the assertion says why (README.md lists
each difference): no clawdash service; the governance proxy is named by every runner as the
service that exists (``cllama``), lives in ``.claw-runtime/cllama/``, publishes no port and is
also on ``default``; trading-api keeps ``default`` (postgres) beside ``claw-internal``; the
``CLAW_HANDLE_*`` variables come from one env file; nanoclaw's proxy URL is the proxy's root and
its ``CLAW_NETWORK`` names the project compose really runs; runner files holding tokens are
0600 and masked; tokens are found in the pod's ``.env`` too; the contract composed with the
service manual is delivered where each runner reads it, with no intermediate
``AGENTS.generated.md``; a claw is recreated only when its own runtime files changed.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml

from clawlib.clawfile import read_clawfile
from clawlib.errors import ClawError, PodError
from clawlib.lifecycle import runtime_changes
from clawlib.planner import Plan, plan_pod
from clawlib.pod import load_pod
from clawlib.runtime import NewToken

EXAMPLE = Path(__file__).parent / "trading-desk"
CLAWS = ("tiverton", "westin", "allen", "logan", "micro")
GUILD = "300000000000000001"
FLOOR = "200000000000000001"
OPERATOR = "400000000000000001"
BOT_IDS = {
    "tiverton": "100000000000000001",
    "westin": "100000000000000002",
    "allen": "100000000000000003",
    "logan": "100000000000000004",
    "micro": "100000000000000005",
}
ENVIRON = {
    **{f"{name.upper()}_DISCORD_ID": bot for name, bot in BOT_IDS.items()},
    **{f"{name.upper()}_BOT_TOKEN": f"{name}-bot-token" for name in CLAWS},
    "DISCORD_GUILD_ID": GUILD,
    "DISCORD_TRADING_FLOOR_CHANNEL": FLOOR,
    "DISCORD_TRADING_API_WEBHOOK": "",
    "OPERATOR_DISCORD_ID": OPERATOR,
    "OPENROUTER_API_KEY": "sk-or-example",
    "ANTHROPIC_API_KEY": "sk-ant-example",
    "POSTGRES_PASSWORD": "postgres-example",
    "SECRET_KEY_BASE": "0" * 64,
}
RT = ".claw-runtime"
MANUAL = "--- BEGIN: service_manual trading-api (guide) ---"


def token(agent: str) -> str:
    return f"{agent}:{agent.encode().hex().ljust(48, '0')[:48]}"


class TradingApiImage:
    """``trading-api:latest`` as the engine holds it once ``Dockerfile.trading-api`` is built:
    its labels, and the files its ``COPY`` lines put under its ``WORKDIR``."""

    ref = "trading-api:latest"

    def __init__(self, context: Path) -> None:
        self.labels: dict[str, str] = {}
        self.files: dict[str, Path] = {}
        workdir = PurePosixPath("/")
        for line in (context / "Dockerfile.trading-api").read_text().splitlines():
            words = line.split()
            if not words or words[0].startswith("#"):
                continue
            if words[0] == "WORKDIR":
                workdir = workdir / words[1]
            elif words[0] == "LABEL":
                for pair in words[1:]:
                    key, _, value = pair.partition("=")
                    self.labels[key] = value
            elif words[0] == "COPY":
                *sources, target = words[1:]
                for source in sources:
                    into = workdir / target
                    if target.endswith("/"):
                        into = into / PurePosixPath(source).name
                    self.files[str(into)] = context / source

    def lookup(self, ref: str) -> dict[str, str] | None:
        return dict(self.labels) if ref == self.ref else None  # the claw images: not built

    def extract(self, ref: str, path: str) -> bytes:
        if ref != self.ref or path not in self.files:
            raise ClawError(f"no {path} in {ref}")
        return self.files[path].read_bytes()


@pytest.fixture
def pod_dir(tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXAMPLE, tmp_path / "trading-desk"))


def make_plan(
    pod_dir: Path, environ: dict[str, str] = ENVIRON, tokens: NewToken | None = token
) -> Plan:
    image = TradingApiImage(pod_dir)
    return plan_pod(load_pod(pod_dir, environ=environ), image.lookup, image.extract, tokens=tokens)


@pytest.fixture
def plan(pod_dir: Path) -> Plan:
    return make_plan(pod_dir)


def files(plan: Plan) -> dict[str, Any]:
    return {f.path: f for f in plan.files}


def text(plan: Plan, path: str) -> str:
    content = files(plan)[path].content
    assert isinstance(content, bytes)
    return content.decode()


def compose(plan: Plan) -> dict[str, Any]:
    document = yaml.safe_load(text(plan, "compose.generated.yml"))
    assert isinstance(document, dict)
    return document


def test_the_copy_is_upstreams_file_set() -> None:
    found = sorted(str(p.relative_to(EXAMPLE)) for p in EXAMPLE.rglob("*") if p.is_file())
    agents = ["ALLEN", "BOULTON", "DUNDAS", "GERRARD", "LOGAN", "MICRO", "TIVERTON", "WESTIN"]
    assert found == sorted(
        [
            ".env.example",
            ".gitignore",
            "Clawfile",
            "Clawfile.microclaw",
            "Clawfile.nanoclaw",
            "Clawfile.nullclaw",
            "Dockerfile.openclaw-base",
            "Dockerfile.trading-api",
            "README.md",
            "claw-pod.yml",
            "entrypoint.sh",
            "microclaw",
            "microclaw-entrypoint.sh",
            "mock_server.py",
            "nullclaw",
            "nullclaw-entrypoint.sh",
            *(f"agents/{name}.md" for name in agents),
            "policy/approval-workflow.md",
            "policy/forbidden-tickers.md",
            "policy/risk-limits.md",
            "skills/news-routing.md",
            "skills/trade.md",
        ]
    )


def test_the_clawfiles_read_as_upstream_reads_them() -> None:
    openclaw = read_clawfile(EXAMPLE / "Clawfile").info()
    assert openclaw.claw_type == "openclaw"
    assert openclaw.agent is None
    assert dict(openclaw.models) == {
        "fallback": "anthropic/claude-sonnet-4-6",
        "primary": "openrouter/moonshotai/kimi-k2.5",
    }
    assert openclaw.handles == ("discord",)
    assert openclaw.configures == ("openclaw config set agents.defaults.heartbeat.every 15m",)
    assert openclaw.tracks == ("apt", "npm")
    assert dict(openclaw.privileges) == {"runtime": "claw-user", "worker": "root"}

    nanoclaw = read_clawfile(EXAMPLE / "Clawfile.nanoclaw").info()
    assert (nanoclaw.claw_type, nanoclaw.agent) == ("nanoclaw", None)
    assert dict(nanoclaw.models) == {"primary": "anthropic/claude-sonnet-4-6"}
    assert dict(nanoclaw.privileges) == {"docker-socket": "true"}
    assert nanoclaw.tracks == ("apt", "npm")

    for name, claw_type in (("Clawfile.nullclaw", "nullclaw"), ("Clawfile.microclaw", "microclaw")):
        info = read_clawfile(EXAMPLE / name).info()
        # AGENT AGENTS.md names a file the example lacks: the pod's x-claw.agent overrides it.
        assert (info.claw_type, info.agent) == (claw_type, "AGENTS.md")
        assert dict(info.models) == {"primary": "anthropic/claude-sonnet-4"}
        assert info.handles == ("discord",)
    assert not (EXAMPLE / "AGENTS.md").exists()

    image = TradingApiImage(EXAMPLE)
    assert image.labels == {"claw.skill.emit": "/app/skills/trade.md"}
    assert image.files["/app/skills/trade.md"] == EXAMPLE / "skills/trade.md"


def test_each_clawfile_gets_its_own_generated_dockerfile(plan: Plan) -> None:
    # Upstream's Clawfile.* in one directory share one Dockerfile.generated (each build
    # overwrites it); here each has its own, named in its services' build.dockerfile.
    services = compose(plan)["services"]
    expected = {
        "tiverton": "Dockerfile.generated",
        "westin": "Dockerfile.generated",
        "allen": "Dockerfile.nanoclaw.generated",
        "logan": "Dockerfile.nullclaw.generated",
        "micro": "Dockerfile.microclaw.generated",
    }
    for name, dockerfile in expected.items():
        assert services[name]["build"] == {"context": ".", "dockerfile": dockerfile}
        assert 'LABEL claw.handle.discord="true"' in text(plan, dockerfile)
    assert sorted(b.image for b in plan.images) == [
        "trading-desk-microclaw:latest",
        "trading-desk-nanoclaw:latest",
        "trading-desk-nullclaw:latest",
        "trading-desk:latest",
        "trading-desk:latest",
    ]


def test_compose_top_level(plan: Plan) -> None:
    document = compose(plan)
    assert document["name"] == "trading-desk"
    assert "x-claw" not in document
    # The extension block is kept, its aliases expanded.
    assert document["x-trading-desk"] == {
        "cllama-agent": {"cllama": "passthrough"},
        "proxy-env": {
            "OPENROUTER_API_KEY": "${OPENROUTER_API_KEY}",
            "ANTHROPIC_API_KEY": "${ANTHROPIC_API_KEY}",
        },
        "shared-trading-surfaces": ["service://trading-api", "volume://clawd-shared read-write"],
        "trader-risk-skills": ["./policy/risk-limits.md"],
        "compliance-skills": ["./policy/risk-limits.md", "./policy/approval-workflow.md"],
    }
    # Upstream writes `clawd-shared: null`; an empty mapping means the same to compose.
    assert document["volumes"] == {"clawd-shared": {}}
    assert document["networks"] == {"claw-internal": {}}
    # No clawdash service: claw's dashboard is its terminal UI, not a container of the pod.
    assert list(document["services"]) == ["postgres", "trading-api", *CLAWS, "cllama"]


def test_plain_services(plan: Plan) -> None:
    services = compose(plan)["services"]
    postgres = services["postgres"]
    assert postgres["image"] == "postgres:16-alpine"
    assert postgres["expose"] == ["5432"]
    assert postgres["environment"] == {
        "POSTGRES_DB": "trading_api_development",
        "POSTGRES_USER": "postgres",
        "POSTGRES_PASSWORD": "${POSTGRES_PASSWORD}",
    }
    assert postgres["labels"] == {"claw.pod": "trading-desk", "claw.service": "postgres"}
    assert "networks" not in postgres  # the default network only

    api = services["trading-api"]
    assert api["image"] == "trading-api:latest"
    assert api["expose"] == ["4000"]
    assert api["depends_on"] == ["postgres"]
    assert api["environment"] == {
        "PYTHONUNBUFFERED": "1",
        "RAILS_ENV": "development",
        "DATABASE_URL": (
            "postgresql://postgres:${POSTGRES_PASSWORD}@postgres:5432/trading_api_development"
        ),
        "SECRET_KEY_BASE": "${SECRET_KEY_BASE}",
        "DISCORD_TRADING_API_WEBHOOK": "${DISCORD_TRADING_API_WEBHOOK}",
    }
    assert api["labels"] == {"claw.pod": "trading-desk", "claw.service": "trading-api"}
    # The claws reach it through service://trading-api, so it joins claw-internal. Upstream's
    # networks list then drops it off the default network and postgres, its database, is out
    # of its reach; here it keeps default too.
    assert api["networks"] == ["default", "claw-internal"]


def test_handle_variables_reach_every_service(plan: Plan) -> None:
    # Upstream inlines the CLAW_HANDLE_* variables into every service's environment; here they
    # are one generated env file that every service names (still below its environment:).
    services = compose(plan)["services"]
    for name in ("postgres", "trading-api", *CLAWS):
        assert services[name]["env_file"] == ["./.claw-runtime/handles.env"]
    lines = text(plan, f"{RT}/handles.env").splitlines()
    expected = []
    for name in sorted(CLAWS):
        prefix = f"CLAW_HANDLE_{name.upper()}_DISCORD"
        handle = {
            "id": BOT_IDS[name],
            "username": name,
            "guilds": [
                {
                    "id": GUILD,
                    "name": "Trading Floor",
                    "channels": [{"id": FLOOR, "name": "trading-floor"}],
                }
            ],
        }
        compact = json.dumps(handle, separators=(",", ":"))
        expected += [
            f"{prefix}_GUILDS='{GUILD}'",
            f"{prefix}_ID='{BOT_IDS[name]}'",
            f"{prefix}_JSON='{compact}'",
            f"{prefix}_USERNAME='{name}'",
        ]
    assert lines == expected


def test_every_claw_is_governed_on_claw_internal_with_the_shared_volume(plan: Plan) -> None:
    services = compose(plan)["services"]
    images = {
        "tiverton": "trading-desk:latest",
        "westin": "trading-desk:latest",
        "allen": "trading-desk-nanoclaw:latest",
        "logan": "trading-desk-nullclaw:latest",
        "micro": "trading-desk-microclaw:latest",
    }
    for name in CLAWS:
        service = services[name]
        assert service["image"] == images[name]
        assert service["networks"] == ["claw-internal"]
        assert service["volumes"][-1] == "clawd-shared:/mnt/clawd-shared:rw"
        assert service["environment"]["CLLAMA_TOKEN"] == token(name)
        assert service["environment"]["CLAW_MANAGED"] == "true"
        assert service["environment"]["DISCORD_BOT_TOKEN"] == f"${{{name.upper()}_BOT_TOKEN}}"
        assert service["restart"] == "on-failure"
        assert service["labels"] == {"claw.pod": "trading-desk", "claw.service": name}
        # nanoclaw and microclaw write next to their code: upstream runs them writable too.
        assert service["read_only"] is (name not in ("allen", "micro"))
        # The claw hears of the proxy, never of a provider key.
        assert "OPENROUTER_API_KEY" not in service["environment"]
        assert "ANTHROPIC_API_KEY" not in service["environment"]
    for name in ("tiverton", "westin", "logan", "micro"):
        environment = services[name]["environment"]
        assert environment["CLAW_GREETING_CHANNEL"] == "${DISCORD_TRADING_FLOOR_CHANNEL}"
    greetings = {
        "tiverton": "tiverton online.",
        "westin": "westin online.",
        "logan": "nullclaw online.",
        "micro": "microclaw online.",
    }
    for name, greeting in greetings.items():
        assert services[name]["environment"]["CLAW_GREETING_MESSAGE"] == greeting
    assert plan.governance() == (
        "Governance: 5 claws through cllama (passthrough): allen, logan, micro, tiverton, westin."
    )


def test_the_trading_api_manual_reaches_every_claw(plan: Plan) -> None:
    manual = (EXAMPLE / "skills/trade.md").read_bytes()
    services = compose(plan)["services"]
    skill_mounts = {
        "tiverton": "/claw/skills/trade.md",
        "westin": "/claw/skills/trade.md",
        "allen": "/workspace/container/skills/trade/SKILL.md",
        "logan": "/claw/skills/trade.md",
        "micro": "/claw-data/skills/trade/SKILL.md",
    }
    # The manual inlined into the contract each runner reads. Upstream composes it into an
    # intermediate RT/AGENTS.generated.md that the drivers read from; here the composed contract
    # goes straight where the runner reads it.
    contracts = {
        "tiverton": f"{RT}/tiverton/AGENTS.effective.md",
        "westin": f"{RT}/westin/AGENTS.effective.md",
        "allen": f"{RT}/allen/CLAUDE.md",
        "logan": f"{RT}/logan/AGENTS.md",
        "micro": f"{RT}/micro/data/runtime/groups/AGENTS.md",
    }
    body = manual.decode().strip("\n")
    for name in CLAWS:
        assert files(plan)[f"{RT}/{name}/skills/trade.md"].content == manual
        assert f"./{RT}/{name}/skills/trade.md:{skill_mounts[name]}:ro" in services[name]["volumes"]
        for path in (contracts[name], f"{RT}/cllama/context/{name}/AGENTS.md"):
            contract = text(plan, path)
            assert contract.count(MANUAL) == 1
            assert (
                f"{MANUAL}\n\nThis service manual was injected automatically because you "
                "declared `service://trading-api`.\nTreat it as the authoritative workflow for "
                f"acting through that service.\n\n{body}\n\n"
                "--- END: service_manual trading-api (guide) ---\n"
            ) in contract
        assert f"{RT}/{name}/AGENTS.generated.md" not in files(plan)
        # The emitted manual replaces the generated fallback skill.
        assert f"{RT}/{name}/skills/surface-trading-api.md" not in files(plan)
        assert "- **Skill:** `skills/trade.md`" in text(
            plan, f"{RT}/cllama/context/{name}/CLAWDAPUS.md"
        )


def test_tiverton_openclaw_json(plan: Plan) -> None:
    config_file = files(plan)[f"{RT}/tiverton/config/openclaw.json"]
    # Upstream writes it 0644 although it holds the proxy token.
    assert config_file.mode == 0o600
    bots = sorted(BOT_IDS.values())
    assert json.loads(config_file.content) == {
        "agents": {
            "defaults": {
                "heartbeat": {"every": "15m"},
                "model": {
                    "fallbacks": ["anthropic/claude-sonnet-4-6"],
                    "primary": "openrouter/moonshotai/kimi-k2.5",
                },
                "workspace": "/claw",
            },
            "list": [
                {
                    "groupChat": {
                        "mentionPatterns": [
                            r"(?i)\b@?tiverton\b",
                            f"<@!?{BOT_IDS['tiverton']}>",
                        ]
                    },
                    "id": "main",
                    "name": "Tiverton",
                }
            ],
        },
        "channels": {
            "discord": {
                "allowBots": True,
                "allowFrom": [OPERATOR],
                "dmPolicy": "allowlist",
                "enabled": True,
                "groupPolicy": "allowlist",
                "guilds": {
                    GUILD: {
                        "channels": {FLOOR: {"allow": True, "requireMention": True}},
                        "requireMention": True,
                        "users": bots,
                    }
                },
                "token": "${DISCORD_BOT_TOKEN}",
            }
        },
        "gateway": {"mode": "local"},
        "models": {
            "providers": {
                "anthropic": {
                    "api": "anthropic-messages",
                    "apiKey": token("tiverton"),
                    "baseUrl": "http://cllama:8080/v1",
                    "models": [
                        {"id": "anthropic/claude-sonnet-4-6", "name": "anthropic/claude-sonnet-4-6"}
                    ],
                },
                "openrouter": {
                    "api": "openai-completions",
                    "apiKey": token("tiverton"),
                    "baseUrl": "http://cllama:8080/v1",
                    "models": [
                        {
                            "id": "openrouter/moonshotai/kimi-k2.5",
                            "name": "openrouter/moonshotai/kimi-k2.5",
                        }
                    ],
                },
            }
        },
        "plugins": {"entries": {"discord": {"enabled": True}}},
    }


def test_westin_openclaw_json(plan: Plan) -> None:
    westin = json.loads(files(plan)[f"{RT}/westin/config/openclaw.json"].content)
    discord = westin["channels"]["discord"]
    # No channel surface: the handle's default DM policy.
    assert discord["dmPolicy"] == "pairing"
    assert "allowFrom" not in discord
    assert discord["guilds"][GUILD]["users"] == sorted(BOT_IDS.values())
    assert westin["agents"]["list"][0]["name"] == "Westin"
    assert westin["agents"]["defaults"]["heartbeat"] == {"every": "15m"}
    for provider in westin["models"]["providers"].values():
        assert provider["apiKey"] == token("westin")


def test_tiverton_compose_service(plan: Plan) -> None:
    tiverton = compose(plan)["services"]["tiverton"]
    base = f"./{RT}/tiverton"
    assert tiverton["volumes"] == [
        f"{base}/config:/app/config:rw",
        f"{base}/AGENTS.effective.md:/claw/AGENTS.md:ro",
        f"{base}/state/cron:/app/state/cron:rw",
        f"{base}/CLAWDAPUS.md:/claw/CLAWDAPUS.md:ro",
        f"{base}/skills/trade.md:/claw/skills/trade.md:ro",
        f"{base}/skills/surface-discord.md:/claw/skills/surface-discord.md:ro",
        f"{base}/skills/handle-discord.md:/claw/skills/handle-discord.md:ro",
        "./policy/risk-limits.md:/claw/skills/risk-limits.md:ro",
        "./policy/approval-workflow.md:/claw/skills/approval-workflow.md:ro",
        "clawd-shared:/mnt/clawd-shared:rw",
    ]
    assert tiverton["tmpfs"] == ["/claw", "/tmp", "/run", "/app/state"]
    assert tiverton["environment"]["OPENCLAW_CONFIG_PATH"] == "/app/config/openclaw.json"
    assert tiverton["environment"]["OPENCLAW_STATE_DIR"] == "/app/state"
    assert tiverton["healthcheck"]["test"] == ["CMD", "openclaw", "health", "--json"]
    surface = text(plan, f"{RT}/tiverton/skills/surface-discord.md")
    assert "- DMs enabled: policy=allowlist" in surface
    westin = compose(plan)["services"]["westin"]
    assert [v.rsplit(":", 2)[1] for v in westin["volumes"] if "/claw/skills/" in v] == [
        "/claw/skills/trade.md",
        "/claw/skills/handle-discord.md",
        "/claw/skills/risk-limits.md",
    ]


def test_cron_jobs(plan: Plan) -> None:
    tiverton = json.loads(files(plan)[f"{RT}/tiverton/state/cron/jobs.json"].content)
    westin = json.loads(files(plan)[f"{RT}/westin/state/cron/jobs.json"].content)
    assert [(j["name"], j["schedule"]["expr"]) for j in tiverton] == [
        ("Pre-market synthesis", "15 8 * * 1-5"),
        ("Heartbeat", "*/30 * * * *"),
    ]
    assert [(j["name"], j["schedule"]["expr"]) for j in westin] == [("Momentum check", "0 * * * *")]
    for job in tiverton + westin:
        # `to: trading-floor` resolved to the channel's ID through the handle's guild.
        assert job["delivery"] == {"mode": "announce", "bestEffort": True, "to": FLOOR}
        assert job["payload"]["kind"] == "agentTurn"
        assert job["agentId"] == "main"
        assert job["schedule"]["kind"] == "cron"
    # The message is kept as written, `$(date ...)` included: the runner sees it, no shell does.
    assert tiverton[0]["payload"]["message"] == (
        "Pre-market synthesis. Write report to /mnt/clawd-shared/reports/morning/"
        "$(date +%Y-%m-%d)-tiverton.md and post summary to #trading-floor."
    )
    for name in ("allen", "logan", "micro"):
        assert not any(path.startswith(f"{RT}/{name}/state/cron") for path in files(plan))


def test_allen_nanoclaw(plan: Plan) -> None:
    claude = text(plan, f"{RT}/allen/CLAUDE.md")
    contract = (EXAMPLE / "agents/ALLEN.md").read_text()
    clawdapus = text(plan, f"{RT}/cllama/context/allen/CLAWDAPUS.md")
    assert claude.startswith(contract.rstrip("\n"))
    assert claude.endswith(f"\n\n---\n\n{clawdapus}")
    assert "- **Pod:** trading-desk\n" in claude
    env_file = files(plan)[f"{RT}/allen/.env"]
    assert (env_file.content, env_file.mode, env_file.secret) == (
        f"ANTHROPIC_API_KEY={token('allen')}\n".encode(),
        0o600,
        True,
    )
    allen = compose(plan)["services"]["allen"]
    # Upstream: http://cllama:8080/v1, which the Anthropic SDK makes /v1/v1/messages; here the
    # proxy's root. Upstream's CLAW_NETWORK is trading-desk_claw-internal, whatever project
    # compose runs; here compose fills in the project it runs.
    assert allen["environment"]["ANTHROPIC_BASE_URL"] == "http://cllama:8080"
    assert allen["environment"]["CLAW_NETWORK"] == "${COMPOSE_PROJECT_NAME}_claw-internal"
    assert "ANTHROPIC_API_KEY" not in allen["environment"]
    assert allen["volumes"] == [
        f"./{RT}/allen/CLAUDE.md:/workspace/groups/main/CLAUDE.md:ro",
        "/var/run/docker.sock:/var/run/docker.sock:rw",
        f"./{RT}/allen/.env:/workspace/.env:ro",
        f"./{RT}/allen/skills/trade.md:/workspace/container/skills/trade/SKILL.md:ro",
        f"./{RT}/allen/skills/handle-discord.md:/workspace/container/skills/handle-discord/SKILL.md:ro",
        "clawd-shared:/mnt/clawd-shared:rw",
    ]
    assert allen["tmpfs"] == ["/tmp"]
    warnings = [w.detail for w in plan.warnings if w.yaml_path == "services.allen"]
    assert any("Docker socket" in w for w in warnings)


def test_logan_nullclaw(plan: Plan) -> None:
    config_file = files(plan)[f"{RT}/logan/nullclaw-home/config.json"]
    # Upstream writes it 0644 although it holds the literal bot token and the proxy token.
    assert (config_file.mode, config_file.secret) == (0o600, True)
    assert json.loads(config_file.content) == {
        "agents": {"defaults": {"model": {"primary": "anthropic/claude-sonnet-4"}}},
        "autonomy": {"level": "supervised", "workspace_only": True},
        # The token's value, found through the service's ${LOGAN_BOT_TOKEN}.
        "channels": {
            "discord": {"accounts": {"main": {"guild_id": GUILD, "token": "logan-bot-token"}}}
        },
        "gateway": {"host": "127.0.0.1", "port": 3000, "require_pairing": True},
        # Upstream: http://cllama-passthrough:8080/v1 (its spike asserts it), a host the pod
        # does not have; here the proxy service that exists.
        "models": {
            "providers": {
                "anthropic": {"api_key": token("logan"), "base_url": "http://cllama:8080/v1"}
            }
        },
    }
    logan = compose(plan)["services"]["logan"]
    assert logan["volumes"][:4] == [
        f"./{RT}/logan/nullclaw-home:/root/.nullclaw:rw",
        f"./{RT}/logan/nullclaw-home:/nullclaw-data/.nullclaw:rw",
        f"./{RT}/logan/AGENTS.md:/claw/AGENTS.md:ro",
        f"./{RT}/logan/CLAWDAPUS.md:/claw/CLAWDAPUS.md:ro",
    ]
    assert "./policy/risk-limits.md:/claw/skills/risk-limits.md:ro" in logan["volumes"]
    agents = text(plan, f"{RT}/logan/AGENTS.md")
    assert agents.startswith((EXAMPLE / "agents/LOGAN.md").read_text().rstrip("\n"))
    assert agents == text(plan, f"{RT}/cllama/context/logan/AGENTS.md")


def test_micro_microclaw(plan: Plan) -> None:
    config_file = files(plan)[f"{RT}/micro/config/microclaw.config.yaml"]
    assert (config_file.mode, config_file.secret) == (0o600, True)
    config = yaml.safe_load(config_file.content)
    assert config["llm_provider"] == "anthropic"
    assert config["model"] == "claude-sonnet-4"
    assert config["llm_base_url"] == "http://cllama:8080/v1"
    assert config["api_key"] == token("micro")
    assert config["channels"] == {
        "discord": {
            "allowed_channels": [int(FLOOR)],
            "bot_token": "micro-bot-token",
            "bot_username": "micro",
            "enabled": True,
        },
        "web": {"enabled": True},
    }
    seeded = text(plan, f"{RT}/micro/data/runtime/groups/AGENTS.md")
    assert seeded.startswith((EXAMPLE / "agents/MICRO.md").read_text().strip())
    assert "\n\n---\n\n# CLAWDAPUS.md\n" in seeded
    micro = compose(plan)["services"]["micro"]
    assert micro["environment"]["MICROCLAW_CONFIG"] == "/app/config/microclaw.config.yaml"
    assert micro["volumes"][:2] == [
        f"./{RT}/micro/config/microclaw.config.yaml:/app/config/microclaw.config.yaml:ro",
        f"./{RT}/micro/data:/claw-data:rw",
    ]


def test_the_proxy(plan: Plan) -> None:
    cllama = compose(plan)["services"]["cllama"]
    # Its environment: tiverton's cllama-env, values left for compose to resolve.
    assert cllama["environment"] == {
        "ANTHROPIC_API_KEY": "${ANTHROPIC_API_KEY}",
        "CLAW_AUTH_DIR": "/claw/auth",
        "CLAW_CONTEXT_ROOT": "/claw/context",
        "CLAW_POD": "trading-desk",
        "OPENROUTER_API_KEY": "${OPENROUTER_API_KEY}",
    }
    # Upstream mounts .claw-runtime/context and proxy-auth, and publishes 8181:8081.
    assert cllama["volumes"] == [
        f"./{RT}/cllama/context:/claw/context:ro",
        f"./{RT}/cllama/auth:/claw/auth:rw",
    ]
    assert "ports" not in cllama
    assert cllama["networks"] == ["default", "claw-internal"]
    for name in CLAWS:
        metadata = files(plan)[f"{RT}/cllama/context/{name}/metadata.json"]
        assert metadata.mode == 0o600
        claw_type = plan.claws[name].claw_type
        assert json.loads(metadata.content) == {
            "pod": "trading-desk",
            "service": name,
            "token": token(name),
            "type": claw_type,
        }
        assert "infrastructure_context" not in text(plan, f"{RT}/cllama/context/{name}/AGENTS.md")
    for secret in ("sk-or-example", "sk-ant-example", "postgres-example"):
        assert all(secret.encode() not in f.content for f in plan.files)


@pytest.mark.parametrize("missing", ["LOGAN_BOT_TOKEN", "MICRO_BOT_TOKEN"])
def test_the_literal_bot_tokens_must_be_found(pod_dir: Path, missing: str) -> None:
    service = missing.split("_")[0].lower()
    with pytest.raises(PodError) as caught:
        make_plan(pod_dir, {k: v for k, v in ENVIRON.items() if k != missing})
    assert [p.yaml_path for p in caught.value.problems] == [f"services.{service}"]
    assert "HANDLE discord requires DISCORD_BOT_TOKEN" in caught.value.problems[0].detail


def test_the_tokens_are_found_in_the_pods_env_file(pod_dir: Path) -> None:
    # Upstream reads these tokens from the process environment only, so its README's
    # `cp .env.example .env` fails validation; here they are found where compose finds them.
    shutil.copy(pod_dir / ".env.example", pod_dir / ".env")
    result = make_plan(pod_dir, {})
    logan = json.loads(files(result)[f"{RT}/logan/nullclaw-home/config.json"].content)
    assert logan["channels"]["discord"]["accounts"]["main"]["token"] == "logan_bot_token"
    micro = yaml.safe_load(files(result)[f"{RT}/micro/config/microclaw.config.yaml"].content)
    assert micro["channels"]["discord"]["bot_token"] == "micro_bot_token"
    # The example's placeholder IDs are not numbers: microclaw's allowed_channels leaves it
    # out, as upstream does, and says so.
    assert "allowed_channels" not in micro["channels"]["discord"]
    assert any(
        w.yaml_path == "services.micro" and '"trading_floor_id"' in w.detail
        for w in result.warnings
    )


def test_a_second_run_is_byte_identical_and_recreates_nothing(pod_dir: Path) -> None:
    first = make_plan(pod_dir, tokens=None)  # random tokens, kept on disk
    first.write()
    second = make_plan(pod_dir, tokens=None)
    assert [(f.path, f.content, f.mode) for f in second.files] == [
        (f.path, f.content, f.mode) for f in first.files
    ]
    diff = second.diff()
    assert not diff.changed
    assert diff.services_changed == ()
    assert runtime_changes(second, diff) == {}
    for name in CLAWS:
        assert re.fullmatch(rf"{name}:[0-9a-f]{{48}}", second.tokens[name])


def test_a_changed_manual_recreates_the_claws_that_read_it(pod_dir: Path) -> None:
    # Upstream force-recreates every runtime consumer on each `claw up` (allen, clawdash,
    # cllama, logan, micro, tiverton, westin); here a claw is recreated when its own runtime
    # files changed, and the proxy, which reads its context files on each request, never.
    make_plan(pod_dir).write()
    (pod_dir / "skills/trade.md").write_text("# trading-api\n\nPOST /trades/propose only.\n")
    changed = make_plan(pod_dir)
    assert sorted(runtime_changes(changed, changed.diff())) == sorted(CLAWS)
