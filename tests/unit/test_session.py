"""The pod facade both front ends use: finding the pod, planning it with or without an engine,
and the verbs that act on what runs (their compose commands recorded, no engine needed)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from clawlib.errors import NoPreviousGenerationError, PodNotFoundError
from clawlib.session import PodSession, open_pod
from clawtui.backend import EngineBackend
from clawtui.cli import main
from tests.fakes import FakeRunner

DEMO = Path(__file__).parents[2] / "tests" / "fixtures" / "pods" / "demo"
COMPOSE = ("docker", "compose")


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A copy of the demo pod, nothing generated."""
    ignore = shutil.ignore_patterns(".claw-runtime", "compose.generated.yml", "*.generated")
    shutil.copytree(DEMO, tmp_path / "demo", ignore=ignore)
    return tmp_path / "demo"


@pytest.fixture
def no_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    host = f"unix://{tmp_path / 'no-engine.sock'}"
    monkeypatch.setenv("DOCKER_HOST", host)
    return host


def test_a_pod_is_its_file_or_its_directory(demo: Path) -> None:
    assert PodSession(demo).pod_file == demo / "claw-pod.yml"
    assert PodSession(demo / "claw-pod.yml").directory == demo
    with pytest.raises(PodNotFoundError, match=r"no claw-pod\.yml in this directory"):
        PodSession(demo / "agents").plan()
    with pytest.raises(PodNotFoundError, match="no such pod file or directory"):
        PodSession(demo / "nope.yml").plan()


def test_claw_plan_and_the_tui_give_the_same_answer_without_an_engine(
    demo: Path, no_engine: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_pod(demo) as pod:
        plan = pod.plan()
    warning = (
        f"the Docker engine at {no_engine} does not answer (no such file or directory): no image "
        "was looked up, claws are planned from their Clawfiles"
    )
    assert [w.detail for w in plan.warnings] == [warning]

    backend = EngineBackend()
    try:
        seen_by_the_tui = backend.plan(demo / "claw-pod.yml")
    finally:
        backend.close()
    assert seen_by_the_tui.files == plan.files
    assert seen_by_the_tui.warnings == plan.warnings

    assert main(["plan", "--json", "-f", str(demo)]) == 2
    printed = json.loads(capsys.readouterr().out)
    assert [w["detail"] for w in printed["warnings"]] == [warning]
    assert sorted(f["path"] for f in printed["files"]) == sorted(f.path for f in plan.files)


def _applied(demo: Path) -> PodSession:
    (demo / "compose.generated.yml").write_text("name: demo\nservices: {}\n")
    runner = FakeRunner(
        answers={(*COMPOSE, "version"): (0, "v2.40.3", "")},
        streamed={COMPOSE: (0, ["done"])},
    )
    return PodSession(demo, runner=runner)


@pytest.mark.parametrize(
    ("action", "tail"),
    [
        ("start", ("start", "assistant")),
        ("stop", ("stop", "assistant")),
        ("restart", ("restart", "assistant")),
    ],
)
def test_actions_run_compose_on_the_applied_project(
    demo: Path, action: str, tail: tuple[str, ...]
) -> None:
    pod = _applied(demo)
    lines: list[str] = []
    pod.act(action, ["assistant"], lines.append)  # type: ignore[arg-type]
    assert isinstance(pod.runner, FakeRunner)
    argv = pod.runner.calls[-1][0]
    assert argv[:6] == (*COMPOSE, "-p", "demo", "-f", str(demo / "compose.generated.yml"))
    assert argv[6:] == tail
    assert lines == ["done"]


def test_rolling_back_with_nothing_kept_runs_nothing(demo: Path) -> None:
    pod = _applied(demo)
    assert not pod.has_previous()
    with pytest.raises(NoPreviousGenerationError):
        pod.roll_back()
    assert isinstance(pod.runner, FakeRunner)
    assert pod.runner.calls == []


def test_a_session_closes_only_the_view_it_opened(demo: Path) -> None:
    with open_pod(demo) as pod:
        view = pod.view
    assert pod._view is None
    given = PodSession(demo, view=view)
    given.close()
    assert given.view is view


@pytest.mark.parametrize(
    ("pod", "message"),
    [
        ("a\0b", r"a\x00b: holds a NUL character, which no path can"),
        ("a" * 5000, "a" * 60 + "…: a path too long for the file system"),
        ("/dev/null", "/dev/null: a character device, not a regular file: claw reads files only"),
        ("", ".: no claw-pod.yml in this directory"),
    ],
)
def test_a_pod_argument_that_names_no_pod_file_says_why(
    pod: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(PodNotFoundError) as raised:
        PodSession(pod).plan()
    assert str(raised.value) == message
