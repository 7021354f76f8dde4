"""The app's factory, its command line, and snapshots of the pod view."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from clawlib.errors import PodNotFoundError
from clawtui.__main__ import main as clawtui_main
from clawtui.app import make_app
from clawtui.screens.main import MainScreen
from clawtui.screens.problems import ProblemsScreen
from clawtui.widgets.log_pane import LogPane
from tests.polling import pilot_wait_for
from tests.tui.conftest import DEMO
from tests.tui.fake_backend import FakeBackend


def test_pod_file_or_directory(tmp_path: Path) -> None:
    backend = FakeBackend()
    assert make_app(DEMO / "claw-pod.yml", backend).pod_file == (DEMO / "claw-pod.yml").resolve()
    assert make_app(DEMO, backend).pod_file == (DEMO / "claw-pod.yml").resolve()
    with pytest.raises(PodNotFoundError, match="no such pod file or directory"):
        make_app(tmp_path / "missing", backend)
    with pytest.raises(PodNotFoundError, match=r"no claw-pod\.yml in this directory"):
        make_app(tmp_path, backend)
    os.mkfifo(tmp_path / "claw-pod.yml")  # opened, it would block the app for ever
    with pytest.raises(PodNotFoundError, match=r"claw-pod\.yml: a named pipe, not a regular file"):
        make_app(tmp_path, backend)


def test_missing_pod_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert clawtui_main([str(tmp_path / "missing")]) == 2
    assert (
        capsys.readouterr().err == f"error: {tmp_path / 'missing'}: no such pod file or directory\n"
    )
    assert clawtui_main(["-f", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"error: {tmp_path}: no claw-pod.yml in this directory\n"
    with pytest.raises(SystemExit) as usage:
        clawtui_main(["-f", str(tmp_path), str(tmp_path)])
    assert usage.value.code == 2


def settled(
    backend: FakeBackend, tab: str | None = None, keys: tuple[str, ...] = ()
) -> Callable[[Pilot[None]], Awaitable[None]]:
    """A ``run_before`` that waits for the plan, the engine and the probes, has every container
    log three lines, then presses keys."""

    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app

        def ready() -> bool:
            screen = app.screen
            return (
                isinstance(screen, MainScreen)
                and screen.plan is not None
                and screen.state.engine_up
                and len(screen.health) == 5
            )

        await pilot_wait_for(pilot, ready, message="planned, connected and probed")
        for container in list(backend.records.values()):
            backend.log(container, "gateway listening on :18789", "tick 1", "tick 2")
        await pilot_wait_for(
            pilot,
            lambda: app.screen.query_one(LogPane).plain_text().count("tick 2") == 5,
            message="every container's lines in the log pane",
        )
        if tab:
            await pilot.press(tab)
        await pilot.press(*keys)
        await pilot.pause(0.3)

    return run_before


def test_pod_view_snapshot(snap_compare, demo: Path, backend: FakeBackend) -> None:
    assert snap_compare(
        make_app(demo, backend), terminal_size=(130, 36), run_before=settled(backend)
    )


def test_problems_snapshot(snap_compare, demo: Path, backend: FakeBackend) -> None:
    demo.write_text(demo.read_text().replace("count: 2", "count: zero"))

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot_wait_for(
            pilot, lambda: isinstance(pilot.app.screen, ProblemsScreen), message="the problems"
        )
        await pilot.pause(0.3)

    assert snap_compare(make_app(demo, backend), terminal_size=(130, 36), run_before=run_before)


def test_help_snapshot(snap_compare, demo: Path, backend: FakeBackend) -> None:
    app = make_app(demo, backend)
    assert snap_compare(
        app, terminal_size=(130, 36), run_before=settled(backend, keys=("tab", "question_mark"))
    )
