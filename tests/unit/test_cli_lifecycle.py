"""``claw up --plan`` never waits on a non-terminal; lifecycle commands on a pod never applied;
``claw down`` believes the engine, not compose's exit status."""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from pathlib import Path

import pytest

from clawlib.engine import ContainerRecord
from clawlib.session import open_pod
from clawtui.cli import main
from tests.fakes import FakeEngineView, FakeRunner
from tests.generations import keep_current


@pytest.fixture
def pod(tmp_path: Path) -> Path:
    (tmp_path / "claw-pod.yml").write_text("services:\n  web:\n    image: busybox:latest\n")
    return tmp_path


def test_up_plan_on_a_non_terminal_applies_nothing(
    pod: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["up", "-f", str(pod), "--plan"]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith(
        "Plan: 1 files to add, 0 to change, 0 to remove; services: 1 added, 0 changed, "
        "0 removed.\nContainers: 0 of 1 running; apply creates 1.\n  + web: create (new service)\n"
        "\n+ compose.generated.yml\n"
    )
    assert captured.err == (
        "error: --plan asks before applying, but standard input is not a terminal; nothing was "
        "changed (pass -y not to be asked)\n"
    )
    assert sorted(p.name for p in pod.iterdir()) == ["claw-pod.yml"]


def test_an_invalid_project_name_is_refused_before_planning(
    pod: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["up", "-f", str(pod), "-p", "Bad!", "-d"]) == 1
    assert capsys.readouterr().err == (
        'error: "Bad!" is not a valid project name (lower-case letters, digits, "_" and "-", '
        "starting with a letter or digit)\n"
    )


@pytest.mark.parametrize(
    "command", [["ps"], ["health"], ["down"], ["ps", "--json"], ["rollback", "-y"]]
)
def test_commands_on_a_pod_never_applied(
    command: list[str], pod: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*command, "-f", str(pod / "claw-pod.yml")]) == 1
    assert capsys.readouterr().err == (
        f"error: no compose.generated.yml in {pod}: the pod has not been brought up "
        f"(run: claw up -f {pod / 'claw-pod.yml'})\n"
    )


def test_rollback_without_a_kept_generation_or_a_terminal(
    pod: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (pod / "compose.generated.yml").write_text("name: pod\nservices: {}\n")
    assert main(["rollback", "-f", str(pod)]) == 1
    assert capsys.readouterr().err == (
        f"error: cannot roll back: no previous generation in {pod}/.claw-runtime: none is kept\n"
    )
    keep_current(pod, ["compose.generated.yml"])
    assert main(["rollback", "-f", str(pod)]) == 1
    assert capsys.readouterr().err == (
        "error: rollback asks first, but standard input is not a terminal; nothing was changed "
        "(pass -y not to be asked)\n"
    )
    assert (pod / "compose.generated.yml").read_text() == "name: pod\nservices: {}\n"


def test_parse_since() -> None:
    from datetime import UTC, datetime

    from clawlib.errors import InvalidValueError
    from clawtui.cli._logs import parse_since

    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    assert parse_since("42s", now) == datetime(2026, 11, 30, 11, 59, 18, tzinfo=UTC)
    assert parse_since("1h30m", now) == datetime(2026, 11, 30, 10, 30, tzinfo=UTC)
    assert parse_since("2d", now) == datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    assert parse_since("2026-11-30T10:00:00Z", now) == datetime(2026, 11, 30, 10, tzinfo=UTC)
    assert parse_since("2026-11-30T10:00:00", now) == datetime(2026, 11, 30, 10, tzinfo=UTC)
    with pytest.raises(InvalidValueError) as caught:
        parse_since("yesterday", now)
    assert str(caught.value) == (
        "--since 'yesterday' is neither a time (2026-11-30T10:00:00Z) nor a duration "
        "(42s, 10m, 1h30m, 2d)"
    )


def test_logs_select_by_service_or_claw_name() -> None:
    from clawlib.engine import ContainerRecord
    from clawlib.errors import InvalidValueError
    from clawtui.cli._logs import _select

    def record(service: str, claw: str | None) -> ContainerRecord:
        return ContainerRecord(
            id=service, name=f"demo-{service}-1", project="demo", service=service, number=1,
            image="x", state="running", claw_service=claw,
        )  # fmt: skip

    containers = [
        record("researcher-0", "researcher"),
        record("researcher-1", "researcher"),
        record("web", None),
    ]
    assert [c.service for c in _select(containers, ["researcher"], "demo")] == [
        "researcher-0",
        "researcher-1",
    ]
    assert [c.service for c in _select(containers, ["web", "researcher-1"], "demo")] == [
        "web",
        "researcher-1",
    ]
    assert _select(containers, [], "demo") == containers
    with pytest.raises(InvalidValueError) as caught:
        _select(containers, ["nope"], "demo")
    assert str(caught.value) == (
        'no service "nope" is running in project demo (services: researcher, researcher-0, '
        "researcher-1, web)"
    )


LEFT = ContainerRecord(
    id="1", name="pod-web-1", project="pod", service="web", number=1, image="busybox",
    state="running",
)  # fmt: skip


@pytest.mark.parametrize(
    ("view", "status", "out", "err"),
    [
        pytest.param(
            FakeEngineView(),
            0,
            "Pod is down: project pod.\n",
            "    Container pod-web-1  Removed\n",
            id="nothing left",
        ),
        pytest.param(
            FakeEngineView(projects={"other": (2, 1), "pod": (0, 0)}),
            0,
            "Pod is down: project pod.\n",
            "    Container pod-web-1  Removed\n"
            "The pod's directory also has project other (2 containers, 1 running): "
            "claw down -p other\n",
            id="another project runs from the pod's directory",
        ),
        pytest.param(
            FakeEngineView(listings=[(LEFT,)]),
            1,
            "",
            "    Container pod-web-1  Removed\n"
            "error: the pod is not down: 1 container of project pod remains after docker compose "
            "down: pod-web-1 (running)\n",
            id="a container left",
        ),
        pytest.param(
            FakeEngineView(down=True),
            1,
            "",
            "error: the Docker engine at unix:///fake/docker.sock does not answer: connection "
            "refused (start it, e.g. with scripts/ensure-docker, or point DOCKER_HOST at a "
            "running one)\n",
            id="no engine",
        ),
    ],
)
def test_down_says_down_only_when_the_engine_agrees(
    view: FakeEngineView,
    status: int,
    out: str,
    err: str,
    pod: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (pod / "compose.generated.yml").write_text("name: pod\nservices: {}\n")
    down = ("docker", "compose", "-p", "pod", "-f", str(pod / "compose.generated.yml"), "down")
    runner = FakeRunner(
        answers={("docker", "compose", "version"): (0, "v2.40.3", "")},
        streamed={down: (0, ["Container pod-web-1  Removed"])},
    )
    faked = functools.partial(open_pod, view=view, runner=runner)
    monkeypatch.setattr("clawtui.cli._up.open_pod", faked)
    assert main(["down", "-f", str(pod)]) == status
    assert capsys.readouterr() == (out, err)


def test_ps_names_what_each_container_is(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from clawlib.lifecycle import ContainerHealth
    from clawlib.session import PodStatus
    from tests.tui.fake_backend import START, record

    proxy = dataclasses.replace(
        record("cllama", claw_type=None),
        labels={"claw.role": "proxy", "claw.proxy.type": "passthrough"},
    )
    containers = [record("assistant"), proxy, record("web", claw_type=None)]
    assert [c.kind for c in containers] == ["openclaw", "proxy (passthrough)", "-"]
    status = PodStatus(
        "demo", tuple(ContainerHealth(c, "healthy", "ok", "state", START) for c in containers)
    )

    class Session:
        def __enter__(self) -> Session:
            return self

        def __exit__(self, *exc: object) -> None:
            pass

        def status(self) -> PodStatus:
            return status

    monkeypatch.setattr("clawtui.cli._ps.open_pod", lambda *args, **kwargs: Session())
    assert main(["ps"]) == 0
    table = [re.split(r"\s{2,}", line) for line in capsys.readouterr().out.splitlines()]
    assert [row[2] for row in table] == ["TYPE", "openclaw", "proxy (passthrough)", "-"]
    assert main(["ps", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert [(c["service"], c["claw_type"], c["role"]) for c in printed] == [
        ("assistant", "openclaw", None),
        ("cllama", None, "proxy"),
        ("web", None, None),
    ]
    assert main(["health"]) == 0
    table = [re.split(r"\s{2,}", line) for line in capsys.readouterr().out.splitlines()]
    assert [row[2] for row in table] == ["TYPE", "openclaw", "proxy (passthrough)", "-"]
    assert main(["health", "--json"]) == 0
    assert [c["role"] for c in json.loads(capsys.readouterr().out)] == [None, "proxy", None]
