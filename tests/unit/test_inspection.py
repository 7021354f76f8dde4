"""The Inspect pane's data: sections cut from inspect documents and planned services, every
value that could be a secret masked."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
import yaml

from clawlib import load_pod, plan_pod
from clawlib.clawfile import Surface
from clawlib.pod import ChannelRouting, DirectMessages, Guild, GuildRouting, Handle
from clawlib.runtime import Invocation, ProxyLink, ResolvedClaw, ResolvedSurface
from clawtui.inspection import (
    PLANNED_NOTE,
    InspectView,
    Section,
    claw_labels_section,
    claw_section,
    container_section,
    environment_section,
    inspect_view,
    masked_env,
    mounts_section,
    networks_section,
    planned_sections,
    security_section,
)

DEMO_POD = Path(__file__).parents[2] / "tests" / "fixtures" / "pods" / "demo" / "claw-pod.yml"


@pytest.fixture(scope="module")
def demo() -> Any:
    return plan_pod(load_pod(DEMO_POD), lambda ref: None)


@pytest.fixture
def assistant(demo: Any) -> ResolvedClaw:
    claw: ResolvedClaw = demo.claws["assistant"]
    return claw


# Masking.


def test_masked_env_sorts_and_masks() -> None:
    env = [
        "PATH=/usr/bin:/bin",
        "OPENROUTER_API_KEY=sk-or-123",
        "DISCORD_TOKEN=${DISCORD_TOKEN}",
        "JAVA_OPTS=-Da=b -Dc=d",
        "EMPTY=",
        "INHERITED",
        "CLAW_MANAGED=true",
    ]
    assert masked_env(env) == [
        ("CLAW_MANAGED", "true"),
        ("DISCORD_TOKEN", "${DISCORD_TOKEN}"),
        ("EMPTY", ""),
        ("INHERITED", "(taken from the environment)"),
        ("JAVA_OPTS", "-Da=b -Dc=d"),
        ("OPENROUTER_API_KEY", "•••• (OPENROUTER_API_KEY)"),
        ("PATH", "/usr/bin:/bin"),
    ]


# The planned claw.


def test_claw_section_of_the_demo_assistant(assistant: ResolvedClaw) -> None:
    assert claw_section(assistant) == Section(
        "Claw",
        (
            ("type", "openclaw"),
            ("image", "claw-local/demo-assistant:latest"),
            ("count", "1"),
            ("contract", "AGENTS.md"),
            ("model fallback", "openrouter/openai/gpt-4o-mini"),
            ("model primary", "openrouter/anthropic/claude-sonnet-4"),
            ("handle discord", "100000000000000001 (@demo-assistant)"),
            ("surface", "volume://notes read-write"),
            ("surface", "service://notes-web (ports 8080)"),
            ("skill", "surface-notes-web.md (generated)"),
            ("skill", "handle-discord.md (generated)"),
            ("invoke", "0 9 * * 1-5  Post the morning briefing"),
            ("configure", "openclaw config set agents.defaults.heartbeat.every 30m"),
            ("governance", "none: the claw reaches its model providers directly"),
            ("persona", "none"),
        ),
    )


def test_claw_section_with_everything(assistant: ResolvedClaw) -> None:
    claw = dataclasses.replace(
        assistant,
        count=2,
        models={},
        handles={
            "slack": Handle(id="U1"),
            "discord": Handle(id="42", username="bot", guilds=[Guild(id="1"), Guild(id="2")]),
        },
        surfaces=(
            ResolvedSurface(Surface.parse("volume://cache")),
            ResolvedSurface(
                Surface.parse("channel://discord"),
                routing=ChannelRouting(
                    guilds={"1": GuildRouting()}, dm=DirectMessages(enabled=True)
                ),
            ),
            ResolvedSurface(Surface.parse("host:///srv/data read-only")),
        ),
        skills=(),
        invocations=(
            Invocation("*/5 * * * *", "Check the queue", name="queue", to="ops"),
            Invocation("0 9 * * *", "Report with token=tk-live-2"),
        ),
        configures=("openclaw config set models.openrouter.apiKey sk-live-1",),
        privileges={"docker_socket": "true", "ADMIN_TOKEN": "t0k3n"},
        cllama=("cllama-passthrough", "cllama-policy"),
        persona="./personas/helper",
    )
    assert claw_section(claw).rows == (
        ("type", "openclaw"),
        ("image", "claw-local/demo-assistant:latest"),
        ("count", "2"),
        ("contract", "AGENTS.md"),
        ("handle discord", "42 (@bot), 2 guilds"),
        ("handle slack", "U1"),
        ("surface", "volume://cache (read-write by default)"),
        ("surface", "channel://discord (1 guild, direct messages)"),
        ("surface", "host:///srv/data read-only"),
        ("invoke queue", "*/5 * * * *  Check the queue (to ops)"),
        ("invoke", "0 9 * * *  Report with token=•••• (token)"),
        (
            "configure",
            "openclaw config set models.openrouter.apiKey •••• (models.openrouter.apiKey)",
        ),
        ("privilege ADMIN_TOKEN", "•••• (ADMIN_TOKEN)"),
        ("privilege docker_socket", "true"),
        ("governance", "cllama-passthrough, cllama-policy (no proxy wired)"),
        ("persona", "./personas/helper"),
    )


# The running container.

INSPECT: dict[str, Any] = {
    "Id": "4f2a9c1e7b3d" + "0" * 52,
    "Name": "/demo-assistant-1",
    "Created": "2026-11-30T07:59:58.123456789Z",
    "Config": {
        "Image": "claw-local/demo-assistant:latest",
        "Env": ["OPENROUTER_API_KEY=sk-or-123", "DISCORD_TOKEN=${DISCORD_TOKEN}", "A=1"],
        "Labels": {
            "com.docker.compose.service": "assistant",
            "claw.type": "openclaw",
            "claw.pod": "demo",
            "claw.secret.token": "leaked",
        },
        "Cmd": ["sh", "-c", "exec openclaw gateway"],
        "Entrypoint": ["/entry.sh"],
        "User": "",
        "WorkingDir": "/app",
    },
    "HostConfig": {
        "ReadonlyRootfs": True,
        "RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 5},
        "CapDrop": ["ALL"],
        "CapAdd": ["NET_BIND_SERVICE"],
        "SecurityOpt": ["no-new-privileges:true", "seccomp=default"],
        "Tmpfs": {"/tmp": "", "/claw": "mode=0755"},
    },
    "Mounts": [
        {
            "Type": "volume",
            "Name": "demo_notes",
            "Source": "/var/lib/docker/volumes/demo_notes/_data",
            "Destination": "/mnt/notes",
            "RW": True,
        },
        {"Type": "bind", "Source": "/pods/demo/a.md", "Destination": "/claw/a.md", "RW": False},
        {"Type": "tmpfs", "Destination": "/run"},
    ],
    "NetworkSettings": {
        "Networks": {
            "demo_default": {"IPAddress": "", "Aliases": None},
            "demo_claw-internal": {"IPAddress": "172.20.0.3", "Aliases": ["b", "a"]},
        },
        "Ports": {
            "9000/tcp": None,
            "8080/tcp": [{"HostIp": "", "HostPort": "8080"}, {"HostIp": "::", "HostPort": "8080"}],
        },
    },
    "State": {"Status": "exited", "ExitCode": 137, "StartedAt": "0001-01-01T00:00:00Z"},
}


def test_container_section() -> None:
    assert container_section(INSPECT).rows == (
        ("name", "demo-assistant-1"),
        ("id", "4f2a9c1e7b3d"),
        ("image", "claw-local/demo-assistant:latest"),
        ("created", "2026-11-30 07:59:58 UTC"),
        ("state", "exited (exit code 137)"),
        ("started", "0001-01-01T00:00:00Z"),
        ("entrypoint", "/entry.sh"),
        ("command", "sh -c 'exec openclaw gateway'"),
        ("working dir", "/app"),
    )


def test_claw_labels_section_keeps_claw_labels_sorted_and_masked() -> None:
    assert claw_labels_section(INSPECT) == Section(
        "Image claw metadata",
        (
            ("claw.pod", "demo"),
            ("claw.secret.token", "•••• (claw.secret.token)"),
            ("claw.type", "openclaw"),
        ),
        "no claw.* labels",
    )


def test_security_section() -> None:
    assert security_section(INSPECT).rows == (
        ("read-only root fs", "yes"),
        ("privileged", "no"),
        ("cap drop", "ALL"),
        ("cap add", "NET_BIND_SERVICE"),
        ("security opt", "no-new-privileges:true, seccomp=default"),
        ("tmpfs", "/claw (mode=0755), /tmp"),
        ("restart policy", "on-failure (at most 5 retries)"),
        ("user", "image default"),
    )


def test_mounts_section_sorted_by_destination() -> None:
    assert mounts_section(INSPECT).rows == (
        ("bind", "/pods/demo/a.md → /claw/a.md  ro"),
        ("volume", "demo_notes → /mnt/notes  rw"),
        ("tmpfs", "? → /run  rw"),
    )


def test_networks_section() -> None:
    assert networks_section(INSPECT).rows == (
        ("demo_claw-internal", "172.20.0.3  aliases a, b"),
        ("demo_default", "no address"),
        ("port 8080/tcp", "published on 0.0.0.0:8080, :::8080"),
        ("port 9000/tcp", "not published"),
    )


def test_environment_section() -> None:
    assert environment_section(INSPECT) == Section(
        "Environment",
        (
            ("A", "1"),
            ("DISCORD_TOKEN", "${DISCORD_TOKEN}"),
            ("OPENROUTER_API_KEY", "•••• (OPENROUTER_API_KEY)"),
        ),
        "empty",
    )


@pytest.mark.parametrize(
    "document",
    [
        {},
        {"Config": None, "HostConfig": None, "Mounts": None, "NetworkSettings": None},
        {"Config": {"Env": "not a list", "Labels": ["x"]}, "Mounts": [None, "x"]},
        {"NetworkSettings": {"Networks": {"n": None}, "Ports": {"80/tcp": "junk"}}},
    ],
)
def test_sparse_documents_give_empty_rows(document: dict[str, Any]) -> None:
    view = inspect_view(inspect=document, claw=None, service=None)
    assert [s.title for s in view.sections] == [
        "Container",
        "Image claw metadata",
        "Security",
        "Mounts",
        "Networks",
        "Environment",
    ]
    assert container_section(document).rows[:5] == (
        ("name", "unknown"),
        ("id", "unknown"),
        ("image", "unknown"),
        ("created", "unknown"),
        ("state", "unknown"),
    )
    assert security_section(document).rows[0] == ("read-only root fs", "no")
    assert environment_section(document).rows == ()
    assert claw_labels_section(document).rows == ()


# The planned service, and the whole view.


def test_planned_sections_of_the_demo_assistant(demo: Any) -> None:
    service = yaml.safe_load(demo.compose.text)["services"]["assistant"]
    service["environment"]["OPENROUTER_API_KEY"] = "sk-or-123"
    sections = planned_sections(service)
    assert [s.title for s in sections] == [
        "Planned service",
        "Security",
        "Volumes",
        "Environment",
        "Labels",
    ]
    planned, security, volumes, environment, labels = sections
    assert planned.rows == (
        ("image", "claw-local/demo-assistant:latest"),
        ("build", "./agents/assistant"),
        ("env file", "./.claw-runtime/handles.env"),
        ("network", "claw-internal"),
    )
    assert security.rows == (
        ("read-only root fs", "yes"),
        ("privileged", "no"),
        ("cap drop", "none"),
        ("cap add", "none"),
        ("security opt", "none"),
        ("tmpfs", "/claw, /tmp, /run, /app/state"),
        ("restart policy", "on-failure"),
        ("user", "image default"),
    )
    assert volumes.rows[0] == ("bind", "./.claw-runtime/assistant/config → /app/config  rw")
    assert volumes.rows[1] == (
        "bind",
        "./.claw-runtime/assistant/AGENTS.effective.md → /claw/AGENTS.md  ro",
    )
    assert volumes.rows[-1] == ("volume", "notes → /mnt/notes  rw")
    assert environment.rows == (
        ("CLAW_MANAGED", "true"),
        ("OPENCLAW_CONFIG_PATH", "/app/config/openclaw.json"),
        ("OPENCLAW_STATE_DIR", "/app/state"),
        ("OPENROUTER_API_KEY", "•••• (OPENROUTER_API_KEY)"),
        ("STUB_LOG_RATE", "4"),
    )
    assert labels.rows == (("claw.pod", "demo"), ("claw.service", "assistant"))


def test_planned_sections_of_list_forms() -> None:
    service = {
        "build": "./web",
        "command": "serve --token abc",
        "environment": ["DB_PASSWORD=hunter2", "DEBUG", "PORT=8080"],
        "labels": ["b=2", "a.token=t"],
        "volumes": [
            {"type": "bind", "source": "./data", "target": "/data", "read_only": True},
            {"type": "volume", "target": "/cache"},
            "/scratch",
            "logs:/var/log:ro,z",
        ],
        "networks": {"front": None, "back": {"aliases": ["x"]}},
        "ports": ["127.0.0.1:80:8080"],
        "tmpfs": "/tmp",
        "environment_extra": True,
        "read_only": "yes",
    }
    planned, security, volumes, environment, labels = planned_sections(service)
    assert planned.rows == (
        ("image", "none"),
        ("build", "./web"),
        ("network", "back"),
        ("network", "front"),
        ("port", "127.0.0.1:80:8080"),
        ("command", "serve --token •••• (--token)"),
    )
    assert security.rows[0] == ("read-only root fs", "no")  # only a real true counts
    assert security.rows[5] == ("tmpfs", "/tmp")
    assert volumes.rows == (
        ("bind", "./data → /data  ro"),
        ("volume", "anonymous → /cache  rw"),
        ("volume", "anonymous → /scratch  rw"),
        ("volume", "logs → /var/log  ro"),
    )
    assert environment.rows == (
        ("DB_PASSWORD", "•••• (DB_PASSWORD)"),
        ("DEBUG", "(taken from the environment)"),
        ("PORT", "8080"),
    )
    assert labels.rows == (("a.token", "•••• (a.token)"), ("b", "2"))


def test_view_of_a_running_claw(assistant: ResolvedClaw) -> None:
    view = inspect_view(inspect=INSPECT, claw=assistant, service={"image": "x"})
    assert view.note is None
    assert [s.title for s in view.sections] == [
        "Claw",
        "Container",
        "Image claw metadata",
        "Security",
        "Mounts",
        "Networks",
        "Environment",
    ]


def test_view_of_a_planned_service_not_running() -> None:
    view = inspect_view(inspect=None, claw=None, service={"image": "busybox"})
    assert view.note == PLANNED_NOTE == "not running: showing the planned service"
    assert [s.title for s in view.sections] == [
        "Planned service",
        "Security",
        "Volumes",
        "Environment",
        "Labels",
    ]
    assert view.sections[2].rows == ()
    assert view.sections[2].empty == "no volumes"


def test_view_of_nothing() -> None:
    assert inspect_view(inspect=None, claw=None, service=None) == InspectView(
        "not running, and not in the generated compose file", ()
    )


def test_claw_section_names_the_proxy_of_a_governed_claw() -> None:
    claw = ResolvedClaw(
        service="scout",
        pod="governed",
        image="claw-local/governed-scout:latest",
        claw_type="openclaw",
        contract_name="AGENTS.md",
        contract=b"# Scout\n",
        cllama=("passthrough",),
        proxy=ProxyLink("cllama", "passthrough", "scout:" + "ab" * 24),
    )
    rows = dict(claw_section(claw).rows)
    assert rows["governance"] == "governed by cllama (passthrough), token ••••"
    assert "ab" * 24 not in str(rows)
    assert "ab" * 24 not in repr(claw)
