"""Planning against the real engine: skills read out of images, and compose accepts every
generated file."""

from __future__ import annotations

import shutil
import subprocess
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from clawlib.engine import extract_image_file
from clawlib.errors import EngineError
from clawlib.planner import plan_pod
from clawlib.pod import load_pod
from clawtui.cli import main

pytestmark = pytest.mark.docker

EXAMPLES = Path(__file__).parents[2] / "examples"
SKILL = "---\nname: api\n---\n\n# API manual\n\nPOST /orders to trade.\n"


def docker(*args: str) -> str:
    return subprocess.run(
        ["docker", *args], capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.fixture
def api_image(tmp_path: Path) -> Iterator[str]:
    tag = f"claw-test-api-{uuid.uuid4().hex[:12]}:latest"
    context = tmp_path / "api-image"
    context.mkdir()
    (context / "api-skill.md").write_text(SKILL)
    (context / "Dockerfile").write_text(
        "FROM claw-base/busybox:latest\n"
        "COPY api-skill.md /usr/share/api/api-skill.md\n"
        "LABEL claw.skill.emit=/usr/share/api/api-skill.md\n"
    )
    docker("build", "-q", "-t", tag, str(context))
    yield tag
    subprocess.run(["docker", "image", "rm", "-f", tag], capture_output=True, check=False)


def leftovers(image: str) -> str:
    return docker("ps", "-a", "-q", "--filter", f"ancestor={image}")


def test_extract_image_file(api_image: str) -> None:
    assert extract_image_file(api_image, "/usr/share/api/api-skill.md") == SKILL.encode()
    with pytest.raises(EngineError) as missing:
        extract_image_file(api_image, "/usr/share/api/nope.md")
    assert str(missing.value).startswith("cannot read /usr/share/api/nope.md: ")
    with pytest.raises(EngineError) as directory:
        extract_image_file(api_image, "/usr/share/api")
    assert str(directory.value) == "/usr/share/api is not a regular file"
    assert leftovers(api_image) == ""
    with pytest.raises(EngineError) as no_image:
        extract_image_file(f"claw-test-none-{uuid.uuid4().hex}:1", "/x")
    assert str(no_image.value).startswith("cannot open image claw-test-none-")


def test_plan_reads_the_skill_a_service_image_ships(api_image: str, tmp_path: Path) -> None:
    pod = tmp_path / "pod"
    (pod / "worker").mkdir(parents=True)
    (pod / "worker" / "Clawfile").write_text("FROM claw-base/busybox:latest\nCLAW_TYPE generic\n")
    (pod / "AGENTS.md").write_text("# Worker\n")
    (pod / "claw-pod.yml").write_text(
        textwrap.dedent(
            f"""\
            services:
              api:
                image: {api_image}
              worker:
                build: ./worker
                x-claw:
                  agent: ./AGENTS.md
                  surfaces: [service://api]
            """
        )
    )
    plan = plan_pod(load_pod(pod, environ={}))
    files = {f.path: f.content for f in plan.files}
    assert files[".claw-runtime/worker/skills/api-skill.md"] == SKILL.encode()
    assert b"POST /orders to trade." in files[".claw-runtime/worker/AGENTS.md"]
    assert leftovers(api_image) == ""


@pytest.mark.parametrize("example", ["demo", "research", "rollcall", "solo", "trading-desk"])
def test_compose_accepts_every_generated_example(
    example: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / example
    shutil.copytree(
        EXAMPLES / example, copy, ignore=shutil.ignore_patterns(".claw-runtime", "*.generated*")
    )
    monkeypatch.chdir(copy)
    assert main(["generate"]) == 0
    done = subprocess.run(
        ["docker", "compose", "-f", "compose.generated.yml", "config", "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert main(["plan"]) == 0
