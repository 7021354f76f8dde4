"""The app's factory, its command line, and snapshots of the pod view."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from textual.pilot import Pilot

from clawtui.__main__ import main as clawtui_main
from clawtui.app import PodNotFoundError, make_app
from clawtui.screens.main import MainScreen
from clawtui.screens.problems import ProblemsScreen
from clawtui.widgets.log_pane import LogPane
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
    with pytest.raises(PodNotFoundError, match=r"claw-pod\.yml is not a regular file"):
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


def settled(  # type: ignore[no-untyped-def]
    backend: FakeBackend, tab: str | None = None, keys: tuple[str, ...] = ()
):
    """A ``run_before`` that waits for the plan, the engine and the probes, has every container
    log three lines, then presses keys."""

    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app
        for _ in range(250):
            screen = app.screen
            if (
                isinstance(screen, MainScreen)
                and screen.plan is not None
                and screen.state.engine_up
                and len(screen.health) == 5
            ):
                break
            await asyncio.sleep(0.02)
        for container in list(backend.records.values()):
            backend.log(container, "gateway listening on :18789", "tick 1", "tick 2")
        for _ in range(250):
            if app.screen.query_one(LogPane).plain_text().count("tick 2") == 5:
                break
            await asyncio.sleep(0.02)
        if tab:
            await pilot.press(tab)
        await pilot.press(*keys)
        await pilot.pause(0.3)

    return run_before


def test_pod_view_snapshot(snap_compare, demo: Path, backend: FakeBackend) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        make_app(demo, backend), terminal_size=(130, 36), run_before=settled(backend)
    )


def test_problems_snapshot(snap_compare, demo: Path, backend: FakeBackend) -> None:  # type: ignore[no-untyped-def]
    demo.write_text(demo.read_text().replace("count: 2", "count: zero"))

    async def run_before(pilot: Pilot[None]) -> None:
        for _ in range(250):
            if isinstance(pilot.app.screen, ProblemsScreen):
                break
            await asyncio.sleep(0.02)
        await pilot.pause(0.3)

    assert snap_compare(make_app(demo, backend), terminal_size=(130, 36), run_before=run_before)


def test_help_snapshot(snap_compare, demo: Path, backend: FakeBackend) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo, backend)
    assert snap_compare(
        app, terminal_size=(130, 36), run_before=settled(backend, keys=("tab", "question_mark"))
    )
