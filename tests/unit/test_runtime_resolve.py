"""Resolving a pod's claws from image metadata and x-claw."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from clawlib.clawfile import ClawImageInfo
from clawlib.errors import PodError
from clawlib.pod import Pod, load_pod
from clawlib.runtime import ImageMetadata, Invocation, Resolution, resolve_pod

POD = """
    x-claw:
      pod: desk
    services:
      api:
        image: api:1
        expose: ["8080"]
        ports: ["127.0.0.1:9090:90/tcp"]
      bot:
        image: bot:1
        x-claw:
          agent: ./AGENTS.md
          include:
            - {id: risk, file: ./policy/risk.md, mode: enforce}
            - {id: notes, file: ./notes.txt, mode: reference}
          handles:
            discord:
              id: "111"
              guilds: [{id: G, channels: [{id: "100", name: floor}]}]
          surfaces:
            - service://api
            - channel://discord
            - volume://cache read-only
          skills: [./skills/method.md, ./skills/override/surface-api.md]
          invoke:
            - {schedule: "0 9 * * 1-5", message: Brief, to: floor}
      peer:
        image: peer:1
        x-claw:
          handles: {discord: "222"}
    """


@pytest.fixture
def pod_dir(tmp_path: Path) -> Path:
    (tmp_path / "claw-pod.yml").write_text(textwrap.dedent(POD).lstrip())
    (tmp_path / "AGENTS.md").write_text("# Bot\n\n")
    (tmp_path / "PEER.md").write_text("# Peer\n")
    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "risk.md").write_text("Never trade.\n")
    (tmp_path / "notes.txt").write_text("notes\n")
    (tmp_path / "skills" / "override").mkdir(parents=True)
    (tmp_path / "skills" / "method.md").write_text("method\n")
    (tmp_path / "skills" / "override" / "surface-api.md").write_text("custom api\n")
    (tmp_path / "skills" / "image.md").write_text("image skill\n")
    return tmp_path


def problems(resolution: Resolution, pod: Pod) -> str:
    """The resolution's problems as a PodError lists them."""
    return str(PodError(pod.display, resolution.problems))


def metadata(**labels: dict[str, str]) -> dict[str, ImageMetadata]:
    return {
        name: ImageMetadata(f"{name}:1", ClawImageInfo.from_labels(value))
        for name, value in labels.items()
    }


BOT_LABELS = {
    "claw.type": "openclaw",
    "claw.model.primary": "openrouter/anthropic/claude-sonnet-4",
    "claw.skill.0": "./skills/image.md",
    "claw.invoke.0": "*/30 * * * *\tHeartbeat",
    "claw.configure.0": "openclaw config set a.b 1",
}
PEER_LABELS = {"claw.type": "generic", "claw.agent.file": "PEER.md"}


def test_resolved_claw(pod_dir: Path) -> None:
    pod = load_pod(pod_dir, environ={})
    resolution = resolve_pod(pod, metadata(bot=BOT_LABELS, peer=PEER_LABELS))
    bot = resolution.claws["bot"]
    assert (bot.service, bot.pod, bot.image, bot.claw_type, bot.contract_name) == (
        "bot",
        "desk",
        "bot:1",
        "openclaw",
        "AGENTS.md",
    )
    assert bot.contract == (
        b"# Bot\n\n--- BEGIN: risk (enforce) ---\n\nNever trade.\n\n--- END: risk (enforce) ---\n"
    )
    assert [(s.name, s.origin, s.host_path is not None) for s in bot.skills] == [
        ("surface-api.md", "pod", True),
        ("surface-discord.md", "generated", False),
        ("include-notes.txt", "generated", False),
        ("handle-discord.md", "generated", False),
        ("image.md", "image", True),
        ("method.md", "pod", True),
    ]
    assert [(s.scheme, s.target, s.ports, s.skill_name) for s in bot.surfaces] == [
        ("service", "api", ("8080", "90"), "surface-api.md"),
        ("channel", "discord", (), "surface-discord.md"),
        ("volume", "cache", (), None),
    ]
    assert bot.invocations == (
        Invocation("*/30 * * * *", "Heartbeat"),
        Invocation("0 9 * * 1-5", "Brief", None, "100"),
    )
    assert list(bot.peer_handles) == ["peer"]
    assert bot.peer_handles["peer"]["discord"].id == "222"
    assert bot.configures == ("openclaw config set a.b 1",)
    assert dict(bot.models) == {"primary": "openrouter/anthropic/claude-sonnet-4"}
    assert resolution.claws["peer"].contract == b"# Peer\n"


def test_every_problem_with_its_path(pod_dir: Path) -> None:
    (pod_dir / "AGENTS.md").unlink()
    (pod_dir / "skills" / "image.md").unlink()
    pod = load_pod(pod_dir, environ={})
    resolution = resolve_pod(pod, metadata(bot=BOT_LABELS, peer={"claw.type": "generic"}))
    assert resolution.claws == {}
    assert problems(resolution, pod).replace(f"{pod_dir}/", "").splitlines() == [
        'claw-pod.yml:8: services.bot: skill "./skills/image.md" not found (looked for '
        "skills/image.md)",
        'claw-pod.yml:11: services.bot.x-claw.agent: contract "./AGENTS.md" not found (looked '
        "for AGENTS.md) (no contract, no start)",
        "claw-pod.yml:28: services.peer.x-claw: no contract: set x-claw.agent or AGENT in the "
        "Clawfile (no contract, no start)",
    ]


def test_image_without_claw_type(pod_dir: Path) -> None:
    pod = load_pod(pod_dir, environ={})
    resolution = resolve_pod(pod, metadata(bot={}, peer=PEER_LABELS))
    assert problems(resolution, pod).endswith(
        'services.bot: image "bot:1" has no claw.type label (build it from a Clawfile)'
    )
    assert list(resolution.claws) == ["peer"]


def test_each_claw_is_resolved_on_its_own(pod_dir: Path) -> None:
    """A claw's problems keep neither the others from resolving, nor itself when its driver
    can still be asked (a missing skill); one without metadata is left to the caller."""
    (pod_dir / "skills" / "method.md").unlink()
    (pod_dir / "PEER.md").unlink()
    pod = load_pod(pod_dir, environ={})
    resolution = resolve_pod(pod, metadata(bot=BOT_LABELS, peer=PEER_LABELS))
    assert [(p.line, p.yaml_path) for p in resolution.problems] == [
        (23, "services.bot.x-claw.skills[0]"),
        (26, "services.peer"),
    ]
    assert list(resolution.claws) == ["bot"]
    assert "method.md" not in [skill.name for skill in resolution.claws["bot"].skills]
    only_peer = resolve_pod(pod, metadata(peer={"claw.type": "generic", "claw.agent.file": "x"}))
    assert list(only_peer.claws) == []
    assert [p.yaml_path for p in only_peer.problems] == ["services.peer"]


OPENCLAW = {"claw.type": "openclaw"}
ADMISSION_POD = """
    services:
      api:
        image: api:1
        environment:
          DISCORD_BOT_TOKEN: ${API_TOKEN}
      bot:
        image: bot:1
        x-claw:
          agent: ./AGENTS.md
          handles: {discord: "111"}
          surfaces:
            - channel://discord:
                allow_from_handles: true
                allow_from_services: [api]
                guilds:
                  G1: {users: ["5", "222"]}
                  G2: {require_mention: true}
      peer:
        image: peer:1
        x-claw:
          agent: ./PEER.md
          handles: {discord: "222", slack: "U9"}
    """


def test_channel_admission_from_handles_and_services(tmp_path: Path) -> None:
    (tmp_path / "claw-pod.yml").write_text(textwrap.dedent(ADMISSION_POD).lstrip())
    (tmp_path / "AGENTS.md").write_text("# Bot\n")
    (tmp_path / "PEER.md").write_text("# Peer\n")
    token = "OTk5.Gx.secret-part"  # "999" in unpadded base64url, then the secret
    pod = load_pod(tmp_path, environ={"API_TOKEN": token})
    assert pod.services["api"].discord_bot_id == "999"
    resolution = resolve_pod(pod, metadata(bot=OPENCLAW, peer=PEER_LABELS))
    routing = resolution.claws["bot"].surfaces[0].routing
    assert routing is not None
    assert routing.guilds["G1"].users == ["5", "222", "111", "999"]
    assert routing.guilds["G2"].users == ["111", "222", "999"]
    assert routing.guilds["G2"].require_mention is True


def test_allow_from_services_needs_a_bot_token(tmp_path: Path) -> None:
    (tmp_path / "claw-pod.yml").write_text(textwrap.dedent(ADMISSION_POD).lstrip())
    with pytest.raises(PodError) as caught:
        load_pod(tmp_path, environ={"API_TOKEN": "not-base64!.x"})
    assert str(caught.value).endswith(
        'services.bot.x-claw.surfaces[0]: allow_from_services names "api", whose Discord bot '
        "id cannot be derived: give it a DISCORD_BOT_TOKEN (or DISCORD_TRADING_API_BOT_TOKEN) "
        "in its environment"
    )


@pytest.mark.parametrize(
    ("environment", "env", "bot_id"),
    [
        ({"DISCORD_BOT_TOKEN": "MTIz.a.b"}, {}, "123"),
        (["DISCORD_BOT_TOKEN=MTIz.a.b"], {}, "123"),
        (["DISCORD_BOT_TOKEN"], {"DISCORD_BOT_TOKEN": "MTIz.a.b"}, "123"),
        ({"DISCORD_BOT_TOKEN": None}, {"DISCORD_BOT_TOKEN": "MTIz.a.b"}, "123"),
        ({"DISCORD_TRADING_API_BOT_TOKEN": "${T}"}, {"T": "MTIz"}, "123"),
        ({"DISCORD_BOT_TOKEN": "YWJj.a.b"}, {}, None),  # "abc": not digits
        ({"DISCORD_BOT_TOKEN": ""}, {}, None),
        ({"OTHER": "MTIz"}, {}, None),
        (None, {}, None),
    ],
)
def test_discord_bot_id(environment: object, env: dict[str, str], bot_id: str | None) -> None:
    from clawlib.pod._loader import discord_bot_id

    assert discord_bot_id(environment, env) == bot_id


PERSONA_POD = """
    services:
      bot:
        image: bot:1
        x-claw:
          agent: ./AGENTS.md
          persona: {ref}
    """


def persona_pod(tmp_path: Path, ref: str) -> Path:
    (tmp_path / "claw-pod.yml").write_text(
        textwrap.dedent(PERSONA_POD).lstrip().replace("{ref}", ref)
    )
    (tmp_path / "AGENTS.md").write_text("# Bot\n")
    return tmp_path


def test_local_persona_files(tmp_path: Path) -> None:
    persona_pod(tmp_path, "./personas/allen")
    (tmp_path / "personas" / "allen" / "history").mkdir(parents=True)
    (tmp_path / "personas" / "allen" / "style.md").write_text("dry humor\n")
    (tmp_path / "personas" / "allen" / "history" / "memory.txt").write_text("m\n")
    (tmp_path / "personas" / "allen" / "run.sh").write_text("#!/bin/sh\n")
    (tmp_path / "personas" / "allen" / "run.sh").chmod(0o755)
    pod = load_pod(tmp_path, environ={})
    bot = resolve_pod(pod, metadata(bot=OPENCLAW)).claws["bot"]
    assert bot.persona == "./personas/allen"
    assert [(f.path, f.content, oct(f.mode)) for f in bot.persona_files] == [
        ("history/memory.txt", b"m\n", "0o644"),
        ("run.sh", b"#!/bin/sh\n", "0o755"),
        ("style.md", b"dry humor\n", "0o644"),
    ]


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("../elsewhere", 'persona "../elsewhere" is outside the pod directory'),
        ("./missing", 'persona "./missing" not found'),
        ("./AGENTS.md", 'persona "./AGENTS.md" is not a directory'),
        (
            "ghcr.io/acme/persona:1",
            'persona "ghcr.io/acme/persona:1" is a registry artifact reference; only local '
            "persona directories are supported (./path, /path or file://path inside the pod "
            "directory)",
        ),
    ],
)
def test_persona_problems(tmp_path: Path, ref: str, message: str) -> None:
    pod = load_pod(persona_pod(tmp_path, ref), environ={})
    resolution = resolve_pod(pod, metadata(bot=OPENCLAW))
    assert f"services.bot.x-claw.persona: {message}" in problems(resolution, pod)


def test_persona_with_a_symlink_is_refused(tmp_path: Path) -> None:
    persona_pod(tmp_path, "file://personas/p")
    (tmp_path / "personas" / "p").mkdir(parents=True)
    (tmp_path / "personas" / "p" / "link").symlink_to(tmp_path / "AGENTS.md")
    pod = load_pod(tmp_path, environ={})
    assert problems(resolve_pod(pod, metadata(bot=OPENCLAW)), pod).endswith(
        'services.bot.x-claw.persona: persona "file://personas/p" contains a symlink (link); '
        "copy the file"
    )


def test_tokens_and_keys_are_looked_up_in_the_service_then_dotenv_then_the_environment(
    pod_dir: Path,
) -> None:
    """A driver that writes a resolved token finds it where compose would: the service's own
    environment (its ${VAR} resolved), else the pod's .env, else the environment claw runs in
    (which wins over .env, as for placeholders)."""
    text = (pod_dir / "claw-pod.yml").read_text()
    text = text.replace(
        "    image: bot:1\n",
        "    image: bot:1\n"
        "    environment:\n"
        "      DISCORD_BOT_TOKEN: ${BOT_TOKEN}\n"
        "      SLACK_BOT_TOKEN: literal-slack\n"
        "      TELEGRAM_BOT_TOKEN: ${NOT_SET_ANYWHERE}\n"
        "      EMPTY: ''\n",
    )
    assert "literal-slack" in text
    (pod_dir / "claw-pod.yml").write_text(text)
    (pod_dir / ".env").write_text(
        "BOT_TOKEN=from-dotenv\nOPENAI_API_KEY=dotenv-key\nSHADOWED=dotenv\n"
    )
    pod = load_pod(pod_dir, environ={"SHADOWED": "process", "ANTHROPIC_API_KEY": "process-key"})
    bot = resolve_pod(pod, metadata(bot=BOT_LABELS, peer=PEER_LABELS)).claws["bot"]
    assert bot.lookup("DISCORD_BOT_TOKEN") == "from-dotenv"
    assert bot.lookup("SLACK_BOT_TOKEN") == "literal-slack"
    assert bot.lookup("TELEGRAM_BOT_TOKEN") is None
    assert bot.lookup("EMPTY") is None
    assert bot.lookup("OPENAI_API_KEY") == "dotenv-key"
    assert bot.lookup("ANTHROPIC_API_KEY") == "process-key"
    assert bot.lookup("SHADOWED") == "process"
    assert bot.environment["DISCORD_BOT_TOKEN"] == "${BOT_TOKEN}"  # as written, for compose
    assert "from-dotenv" not in repr(bot)
    assert "process-key" not in repr(pod)
