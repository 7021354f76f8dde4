"""Rebuilding services of an applied pod (the TUI's ``b``): claw builds the images of claws from
their Clawfiles as they are now, with the labels that record the build's inputs, and claw's own
proxy image; compose builds only plain Dockerfiles, and recreates. Commands recorded, no engine."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import pytest

from clawlib.clawfile import emit_dockerfile, read_clawfile
from clawlib.engine import DockerView
from clawlib.errors import BuildFailedError, ClawfileError, InvalidValueError
from clawlib.images import LocalImage
from clawlib.planner import plan_pod
from clawlib.pod import load_pod
from clawlib.session import PodSession
from tests.fakes import FakeRunner, FakeSdkClient

DEMO = Path(__file__).parents[2] / "tests" / "fixtures" / "pods" / "demo"
COMPOSE = ("docker", "compose")
BUILD = ("docker", "build")

PLAIN_SERVICE = """
  web:
    build: ./web
    labels:
      tier: front
"""


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A copy of the demo pod with a plain Dockerfile service added, applied: its generation
    written as ``claw up`` writes it (no image built, no engine asked)."""
    ignore = shutil.ignore_patterns(".claw-runtime", "compose.generated.yml", "*.generated")
    directory = tmp_path / "demo"
    shutil.copytree(DEMO, directory, ignore=ignore)
    text = (directory / "claw-pod.yml").read_text()
    text = text.replace("\nvolumes:\n", PLAIN_SERVICE + "\nvolumes:\n")
    (directory / "claw-pod.yml").write_text(text)
    (directory / "web").mkdir()
    (directory / "web" / "Dockerfile").write_text("FROM claw-base/busybox:latest\n")
    plan_pod(load_pod(directory, environ={}), lambda ref: None).write()
    return directory


def session(directory: Path, **streamed: tuple[int, list[str]]) -> PodSession:
    runner = FakeRunner(
        answers={(*COMPOSE, "version"): (0, "v2.40.3", "")},
        streamed={
            BUILD: streamed.get("build", (0, ["Step 1/9 : FROM claw-stub/openclaw:latest"])),
            COMPOSE: streamed.get("compose", (0, ["done"])),
        },
        image_id="sha256:feed",
    )
    client = FakeSdkClient()
    return PodSession(directory, view=DockerView(lambda: client), runner=runner)


def commands(pod: PodSession) -> list[tuple[str, ...]]:
    """What was run, but the version probes (``docker compose version``, ``docker buildx
    version``)."""
    assert isinstance(pod.runner, FakeRunner)
    return [argv for argv, _ in pod.runner.calls if argv[-1] != "version"]


def up(directory: Path, *args: str) -> tuple[str, ...]:
    file = directory / "compose.generated.yml"
    return (*COMPOSE, "-p", "demo", "-f", str(file), "up", "-d", "--force-recreate", *args)


def dockerfile_digest(clawfile: Path) -> str:
    return hashlib.sha256(emit_dockerfile(read_clawfile(clawfile)).encode()).hexdigest()


def check_build(argv: tuple[str, ...], image: str, context: Path) -> None:
    """A build of the Clawfile in ``context`` as apply builds it: from a temporary Dockerfile,
    tagged ``image``, with the two labels that record its inputs."""
    assert argv[:3] == (*BUILD, "-f")
    assert Path(argv[3]).name == "Dockerfile.generated"
    assert context not in Path(argv[3]).parents  # not the generated file of the last apply
    assert argv[4] == "--iidfile"
    assert argv[6:] == (
        "--force-rm",
        "-t",
        image,
        "--label",
        f"org.clawdapus.build.dockerfile={dockerfile_digest(context / 'Clawfile')}",
        "--label",
        "org.clawdapus.build.bases={}",  # the fake store has no base image
        str(context),
    )


def test_a_claw_is_built_from_its_clawfile_as_it_is_now_then_recreated(demo: Path) -> None:
    assistant = demo / "agents" / "assistant"
    applied = (assistant / "Dockerfile.generated").read_text()
    with (assistant / "Clawfile").open("a") as clawfile:
        clawfile.write("RUN echo edited after the apply\n")
    pod = session(demo)
    lines: list[str] = []
    pod.act("rebuild", ["assistant"], lines.append)
    ran = commands(pod)
    assert len(ran) == 2
    check_build(ran[0], "claw-local/demo-assistant:latest", assistant)
    assert dockerfile_digest(assistant / "Clawfile") != hashlib.sha256(applied.encode()).hexdigest()
    assert ran[1] == up(demo, "--no-deps", "assistant")  # compose builds nothing
    assert lines == [
        "building claw-local/demo-assistant:latest for assistant from agents/assistant/Clawfile",
        "Step 1/9 : FROM claw-stub/openclaw:latest",
        "done",
    ]
    # The generated files stay those of the last apply: the next apply writes them.
    assert (assistant / "Dockerfile.generated").read_text() == applied


def test_a_plain_dockerfile_service_is_still_built_by_compose(demo: Path) -> None:
    pod = session(demo)
    pod.act("rebuild", ["web"])
    assert commands(pod) == [up(demo, "--build", "--no-deps", "web")]


def test_a_service_without_a_build_is_recreated(demo: Path) -> None:
    pod = session(demo)
    pod.act("rebuild", ["notes-web"])
    assert commands(pod) == [up(demo, "--no-deps", "notes-web")]


def test_rebuilding_the_whole_pod_builds_each_image_once_before_recreating(demo: Path) -> None:
    pod = session(demo)
    pod.act("rebuild")
    ran = commands(pod)
    assert len(ran) == 5
    check_build(ran[0], "claw-local/demo-assistant:latest", demo / "agents" / "assistant")
    check_build(ran[1], "claw-local/demo-researcher:latest", demo / "agents" / "researcher")
    check_build(ran[2], "claw-local/demo-reviewer:latest", demo / "agents" / "reviewer")
    assert ran[3] == up(demo, "--build", "--no-deps", "web")
    assert ran[4] == up(
        demo, "--no-deps", "assistant", "researcher-0", "researcher-1", "reviewer", "notes-web"
    )


def test_one_replica_builds_its_claws_image(demo: Path) -> None:
    pod = session(demo)
    pod.act("rebuild", ["researcher-1", "web"])
    ran = commands(pod)
    assert len(ran) == 3
    check_build(ran[0], "claw-local/demo-researcher:latest", demo / "agents" / "researcher")
    assert ran[1:] == [
        up(demo, "--build", "--no-deps", "web"),
        up(demo, "--no-deps", "researcher-1"),
    ]


def test_a_failed_build_recreates_nothing(demo: Path) -> None:
    pod = session(demo, build=(1, ["Step 1/9 : FROM claw-stub/openclaw:latest", "no such image"]))
    with pytest.raises(BuildFailedError):
        pod.act("rebuild", ["assistant", "reviewer", "web"])
    ran = commands(pod)
    assert [argv[:2] for argv in ran] == [BUILD]


def test_a_clawfile_problem_is_reported_and_nothing_runs(demo: Path) -> None:
    (demo / "agents" / "reviewer" / "Clawfile").write_text(
        "FROM claw-stub/openclaw:latest\nCLAW_TYPE openclaw\nMODEL primary\n"
    )
    pod = session(demo)
    with pytest.raises(ClawfileError) as caught:
        pod.act("rebuild", ["reviewer"])
    assert str(caught.value).startswith(f"{demo / 'agents' / 'reviewer' / 'Clawfile'}:3: ")
    assert commands(pod) == []


def test_a_service_the_applied_pod_does_not_have_is_refused(demo: Path) -> None:
    pod = session(demo)
    with pytest.raises(InvalidValueError) as caught:
        pod.act("rebuild", ["assistant", "nope", "researcher"])
    assert str(caught.value) == (
        "not a service of the applied pod: nope, researcher (its services: assistant, "
        "researcher-0, researcher-1, reviewer, notes-web, web)"
    )
    assert commands(pod) == []


def test_a_claw_the_pod_file_no_longer_builds_from_a_clawfile_is_refused(demo: Path) -> None:
    text = (demo / "claw-pod.yml").read_text()
    (demo / "claw-pod.yml").write_text(
        text.replace("build: ./agents/reviewer", "image: claw-local/elsewhere:1")
    )
    pod = session(demo)
    with pytest.raises(InvalidValueError) as caught:
        pod.act("rebuild", ["reviewer"])
    assert str(caught.value) == (
        "reviewer: the applied pod builds it from a Clawfile, and the pod file no longer does: "
        "apply the pod to bring it up to date"
    )
    assert commands(pod) == []


def test_a_claw_whose_image_name_changed_since_the_apply_is_refused(demo: Path) -> None:
    text = (demo / "claw-pod.yml").read_text()
    (demo / "claw-pod.yml").write_text(text.replace("  pod: demo\n", "  pod: desk\n"))
    pod = session(demo)
    with pytest.raises(InvalidValueError) as caught:
        pod.act("rebuild", ["assistant"])
    assert str(caught.value) == (
        'assistant: the applied pod runs image "claw-local/demo-assistant:latest", and the pod '
        'file now builds "claw-local/desk-assistant:latest": apply the pod to bring it up to date'
    )
    assert commands(pod) == []


GOVERNED = """\
x-claw:
  pod: demo
services:
  assistant:
    build: ./agents/assistant
    x-claw:
      agent: ./agents/assistant/AGENTS.md
      cllama: passthrough
  fake-llm:
    image: claw-local/cllama:latest
    entrypoint: ["python3", "/srv/fake_llm.py"]
"""


def test_claws_own_proxy_images_are_made_by_claw(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (demo / "claw-pod.yml").write_text(GOVERNED)
    plan = plan_pod(load_pod(demo, environ={}), lambda ref: None)
    plan.write()
    assert plan.compose.services["cllama"]["image"] == "claw-local/cllama:latest"
    asked: list[tuple[str, Any]] = []

    def ensure(tag: str, **given: Any) -> LocalImage:
        asked.append((tag, given["view"]))
        given["on_step"]("building claw-local/cllama:latest (not built yet): the proxy")
        given["on_output"]("Step 1/11 : FROM claw-base/python:latest")
        return LocalImage(tag, "sha256:" + "c" * 64, built=True, reason="not built yet")

    monkeypatch.setattr("clawlib.lifecycle._rebuild.ensure_proxy_image", ensure)
    pod = session(demo)
    lines: list[str] = []
    pod.act("rebuild", ["cllama", "fake-llm"], lines.append)
    assert asked == [("claw-local/cllama:latest", pod.view)]  # once for both services
    assert commands(pod) == [up(demo, "--no-deps", "cllama", "fake-llm")]
    assert lines == [
        "building claw-local/cllama:latest (not built yet): the proxy",
        "Step 1/11 : FROM claw-base/python:latest",
        "done",
    ]
