"""Credential starvation: every place a governed claw could read a provider key from, each key
found said with where it is, never with its value."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from clawlib.clawfile import read_clawfile
from clawlib.errors import PodError
from clawlib.planner import plan_pod
from clawlib.pod import load_pod
from clawlib.starvation import (
    is_provider_key,
    keys_in_clawfile,
    keys_in_env_file,
    starvation_problems,
)

SECRET = "sk-or-v1-canary-0123456789"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("OPENAI_API_KEY", True),
        ("ANTHROPIC_API_KEY", True),
        ("openrouter_api_key", True),
        ("GEMINI_API_KEY", True),
        ("PROVIDER_API_KEY", True),
        ("PROVIDER_API_KEY_OPENROUTER", True),
        ("DISCORD_BOT_TOKEN", False),
        ("LOG_LEVEL", False),
        ("OPENAI_BASE_URL", False),
        ("MY_API_KEY", False),
    ],
)
def test_what_a_provider_key_is(name: str, expected: bool) -> None:
    assert is_provider_key(name) is expected


def test_keys_in_an_env_file() -> None:
    text = f"# keys\nLOG_LEVEL=debug\nexport OPENAI_API_KEY={SECRET}\n\n  GROQ_API_KEY = x\n"
    assert [(k.name, k.line) for k in keys_in_env_file(text)] == [
        ("OPENAI_API_KEY", 3),
        ("GROQ_API_KEY", 5),
    ]


def test_keys_in_the_final_stage_of_a_clawfile(tmp_path: Path) -> None:
    clawfile = tmp_path / "Clawfile"
    clawfile.write_text(
        "FROM busybox AS build\n"
        "ENV OPENAI_API_KEY=only-in-the-builder\n"
        "FROM claw-base/busybox:latest\n"
        'ENV LOG_LEVEL=info ANTHROPIC_API_KEY="sk-ant x" \\\n'
        "    MODE=1\n"
        f"ENV OPENROUTER_API_KEY {SECRET}\n"
        "CLAW_TYPE generic\n"
    )
    found = keys_in_clawfile(read_clawfile(clawfile))
    assert [(k.name, k.line) for k in found] == [
        ("ANTHROPIC_API_KEY", 4),
        ("OPENROUTER_API_KEY", 6),
    ]


@pytest.fixture
def pod_dir(tmp_path: Path) -> Path:
    (tmp_path / "claw-pod.yml").write_text(
        textwrap.dedent(
            """\
            x-claw:
              pod: starved
            services:
              bot:
                image: bot:1
                environment:
                  LOG_LEVEL: info
                  OPENAI_API_KEY: ${OPENAI_API_KEY}
                env_file: [./bot.env, ./missing.env]
                x-claw:
                  agent: ./AGENTS.md
                  cllama: passthrough
              lister:
                image: bot:1
                environment:
                  - PROVIDER_API_KEY_OPENROUTER=plain
                  - DISCORD_BOT_TOKEN
                env_file: ./bot.env
                x-claw:
                  agent: ./AGENTS.md
                  cllama: passthrough
            """
        )
    )
    (tmp_path / "bot.env").write_text(f"LOG_LEVEL=debug\nANTHROPIC_API_KEY={SECRET}\n")
    (tmp_path / "AGENTS.md").write_text("# Bot\n")
    return tmp_path


def test_every_place_is_searched_and_named(pod_dir: Path) -> None:
    pod = load_pod(pod_dir, environ={"OPENAI_API_KEY": SECRET})
    bot = starvation_problems(
        pod,
        pod.services["bot"],
        image="bot:1",
        image_env=["PATH=/bin", f"MISTRAL_API_KEY={SECRET}"],
    )
    lister = starvation_problems(pod, pod.services["lister"], image="bot:1", image_env=None)
    move = "a governed claw must not see it: move it to x-claw.cllama-env, the proxy's environment"
    assert [(p.yaml_path, p.line, p.detail) for p in bot + lister] == [
        (
            "services.bot.environment.OPENAI_API_KEY",
            8,
            f"provider key OPENAI_API_KEY: {move}",
        ),
        (
            "services.bot.env_file[0]",
            9,
            f"provider key ANTHROPIC_API_KEY in ./bot.env:2: {move}",
        ),
        (
            "services.bot",
            4,
            f'provider key MISTRAL_API_KEY in the environment of image "bot:1": {move}, and '
            "rebuild the image without it",
        ),
        (
            "services.lister.environment[0]",
            16,
            f"provider key PROVIDER_API_KEY_OPENROUTER: {move}",
        ),
        (
            "services.lister.env_file",
            18,
            f"provider key ANTHROPIC_API_KEY in ./bot.env:2: {move}",
        ),
    ]
    assert all(SECRET not in p.detail for p in bot + lister)


def test_a_clawfile_stands_in_for_an_image_not_built(pod_dir: Path) -> None:
    clawfile = pod_dir / "Clawfile"
    clawfile.write_text("FROM claw-base/busybox:latest\nENV OPENAI_API_KEY=x\nCLAW_TYPE generic\n")
    pod = load_pod(pod_dir, environ={})
    service = pod.services["bot"].compose
    service.pop("environment")
    service.pop("env_file")
    problems = starvation_problems(
        pod,
        pod.services["bot"],
        image="claw-local/starved-bot:latest",
        clawfile=read_clawfile(clawfile),
        clawfile_path="Clawfile",
    )
    assert [p.detail for p in problems] == [
        "provider key OPENAI_API_KEY set by ENV in Clawfile:2: a governed claw must not see it: "
        "move it to x-claw.cllama-env, the proxy's environment, and remove it from the Clawfile"
    ]


# The planner: a governed pod that could hand a claw a key is refused, every problem at once.

GOVERNED_POD = """\
x-claw:
  pod: starved
services:
  built:
    image: bot:1
    x-claw:
      agent: ./AGENTS.md
      cllama: passthrough
  sourced:
    build: ./agent
    environment:
      ANTHROPIC_API_KEY: ${ANTHROPIC_API_KEY}
    env_file: ./keys.env
    x-claw:
      agent: ./AGENTS.md
      cllama: passthrough
  loose:
    build: ./plain
    x-claw:
      agent: ./AGENTS.md
"""


@pytest.fixture
def governed_dir(tmp_path: Path) -> Path:
    (tmp_path / "claw-pod.yml").write_text(GOVERNED_POD)
    (tmp_path / "AGENTS.md").write_text("# Bot\n")
    (tmp_path / "keys.env").write_text(f"GROQ_API_KEY={SECRET}\n")
    for name, extra in (("agent", f"ENV OPENAI_API_KEY={SECRET}\n"), ("plain", "")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "Clawfile").write_text(
            f"FROM claw-base/busybox:latest\n{extra}CLAW_TYPE generic\nAGENT AGENTS.md\n"
        )
    return tmp_path


def built_image(ref: str) -> dict[str, str] | None:
    return {"claw.type": "generic", "claw.agent.file": "AGENTS.md"} if ref == "bot:1" else None


def test_a_governed_pod_that_could_leak_a_key_is_refused_whole(governed_dir: Path) -> None:
    pod = load_pod(governed_dir, environ={"ANTHROPIC_API_KEY": SECRET})
    with pytest.raises(PodError) as raised:
        plan_pod(pod, built_image, image_env=lambda ref: [f"OPENROUTER_API_KEY={SECRET}"])
    move = "a governed claw must not see it: move it to x-claw.cllama-env, the proxy's environment"
    assert [(p.yaml_path, p.line, p.detail) for p in raised.value.problems] == [
        (
            "services.built",
            4,
            f'provider key OPENROUTER_API_KEY in the environment of image "bot:1": {move}, and '
            "rebuild the image without it",
        ),
        (
            "services.sourced",
            9,
            f"provider key OPENAI_API_KEY set by ENV in agent/Clawfile:2: {move}, and remove it "
            "from the Clawfile",
        ),
        (
            "services.sourced.environment.ANTHROPIC_API_KEY",
            12,
            f"provider key ANTHROPIC_API_KEY: {move}",
        ),
        ("services.sourced.env_file", 13, f"provider key GROQ_API_KEY in ./keys.env:1: {move}"),
    ]
    assert SECRET not in str(raised.value)
    assert not (governed_dir / ".claw-runtime").exists()


def test_an_ungoverned_claw_beside_governed_ones_is_a_warning(governed_dir: Path) -> None:
    (governed_dir / "keys.env").write_text("")
    (governed_dir / "agent" / "Clawfile").write_text(
        "FROM claw-base/busybox:latest\nCLAW_TYPE generic\nAGENT AGENTS.md\n"
    )
    pod = load_pod(governed_dir, environ={})
    pod.services["sourced"].compose.pop("environment")
    plan = plan_pod(pod, built_image, image_env=lambda ref: ["PATH=/bin"])
    assert [(w.yaml_path, w.detail) for w in plan.warnings if "governed" in w.detail] == [
        (
            "services.loose",
            "not governed, while the pod's other claws are: it reaches its model providers "
            "directly, with whatever keys it holds (add x-claw.cllama to govern it)",
        )
    ]
