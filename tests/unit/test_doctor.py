"""claw doctor's checks with the engine faked."""

from __future__ import annotations

import pytest

from clawlib.doctor import Check, run_doctor
from clawlib.engine import DockerView
from tests.fakes import FakeImage, FakeImages, FakeRunner, FakeSdkClient

HEALTHY = {
    ("docker", "version", "--format", "{{.Client.Version}}"): (0, "28.2.2\n", ""),
    ("docker", "compose", "version"): (0, "Docker Compose version v2.40.3\n", ""),
    ("docker", "buildx", "version"): (0, "github.com/docker/buildx v0.14.0 abc\n", ""),
}
BASE = FakeImages({"claw-base/busybox:latest": FakeImage("sha256:0123456789abcdef", [], {})})


def checks(runner: FakeRunner, client: FakeSdkClient) -> dict[str, Check]:
    report = run_doctor(runner, DockerView(lambda: client))
    return {check.name: check for check in report.checks}


def test_all_good() -> None:
    report = run_doctor(FakeRunner(HEALTHY), DockerView(lambda: FakeSdkClient(BASE)))
    assert report.ok
    assert [(c.name, c.status, c.detail) for c in report.checks if c.name != "python"] == [
        ("docker", "ok", "docker CLI 28.2.2"),
        ("engine", "ok", "20.10.24 (API 1.41, linux/amd64) at unix:///var/run/docker.sock"),
        ("compose", "ok", "docker compose 2.40.3"),
        ("builder", "ok", "BuildKit (buildx v0.14.0)"),
        (
            "drivers",
            "ok",
            "generic (clawdapus 0.1.0), microclaw (clawdapus 0.1.0), nanobot (clawdapus 0.1.0), "
            "nanoclaw (clawdapus 0.1.0), nullclaw (clawdapus 0.1.0), openclaw (clawdapus 0.1.0), "
            "picoclaw (clawdapus 0.1.0)",
        ),
        ("base-image", "ok", "claw-base/busybox:latest (0123456789ab)"),
    ]
    python = report.checks[4]
    assert python.name == "python"
    assert python.status == "ok"
    for name in ("textual", "rich", "docker", "PyYAML", "pydantic"):
        assert f"{name} " in python.detail


def test_missing_buildx_is_only_a_warning() -> None:
    answers = {k: v for k, v in HEALTHY.items() if "buildx" not in k}
    report = run_doctor(FakeRunner(answers), DockerView(lambda: FakeSdkClient(BASE)))
    builder = next(c for c in report.checks if c.name == "builder")
    assert builder == Check(
        "builder",
        "warn",
        "classic builder only (no buildx): builds work, but not heredocs or RUN --mount",
        "install Docker's buildx plugin to get BuildKit (heredocs, RUN --mount)",
    )
    assert report.ok


def test_engine_down_and_no_compose_fail_with_fixes() -> None:
    runner = FakeRunner({k: v for k, v in HEALTHY.items() if "compose" not in k})
    found = checks(runner, FakeSdkClient(down=True))
    assert found["engine"] == Check(
        "engine",
        "fail",
        "no answer at unix:///var/run/docker.sock: connection refused",
        "start the engine (scripts/ensure-docker as root), or point DOCKER_HOST at one",
    )
    assert found["compose"].status == "fail"
    assert found["compose"].detail == (
        "no compose v2 (docker compose version: docker: command not found; "
        "docker-compose version: docker-compose: command not found)"
    )
    assert found["base-image"].detail == "not checked: the engine does not answer"
    assert not run_doctor(runner, DockerView(lambda: FakeSdkClient(down=True))).ok


def test_docker_cli_missing() -> None:
    found = checks(FakeRunner(), FakeSdkClient(BASE))
    assert found["docker"] == Check(
        "docker",
        "fail",
        "docker: command not found",
        "install the docker CLI (on Debian as root: scripts/ensure-docker)",
    )


def test_base_image_missing_is_a_warning() -> None:
    found = checks(FakeRunner(HEALTHY), FakeSdkClient())
    assert found["base-image"] == Check(
        "base-image",
        "warn",
        "claw-base/busybox:latest not built",
        "scripts/build-base-image (the examples and tests build FROM it)",
    )


def test_python_requirement_comparison() -> None:
    from clawlib.doctor import _satisfies

    assert _satisfies("2.14.4", ">=", "2.6")
    assert not _satisfies("2.5.9", ">=", "2.6")
    assert _satisfies("2.14.4", "<", "3")
    assert not _satisfies("3.0", "<", "3")
    assert _satisfies("8.2.8", ">=", "1.0")


def test_a_claw_type_registered_twice_is_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    from clawlib.drivers import DriverInfo

    twice = (
        DriverInfo("echo", "claw-echo 1.0", "claw_echo:EchoDriver"),
        DriverInfo("echo", "echo-fork 2.0", "echo_fork:Driver"),
        DriverInfo("generic", "clawdapus 0.1.0", "clawlib.drivers.generic:GenericDriver"),
    )
    monkeypatch.setattr("clawlib.doctor.installed_drivers", lambda: twice)
    report = run_doctor(FakeRunner(HEALTHY), DockerView(lambda: FakeSdkClient(BASE)))
    assert next(c for c in report.checks if c.name == "drivers") == Check(
        "drivers",
        "warn",
        "echo (claw-echo 1.0 and echo-fork 2.0), generic (clawdapus 0.1.0); registered more than "
        "once: echo",
        "uninstall all but one distribution of each claw type named; reinstall clawdapus "
        "(pip install -e .) if none is installed",
    )
    monkeypatch.setattr("clawlib.doctor.installed_drivers", lambda: ())
    report = run_doctor(FakeRunner(HEALTHY), DockerView(lambda: FakeSdkClient(BASE)))
    assert not report.ok
