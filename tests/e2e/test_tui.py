"""The real app on a real pod: logs flow into the pane and go on across a restart, a change
shows in the plan's diff, and apply recreates the claw, which the tree then shows healthy again
while the pane follows the new container."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.widgets import OptionList

from clawlib.lifecycle import apply
from clawlib.planner import plan_pod
from clawlib.pod import load_pod
from clawtui.app import ClawApp, make_app
from clawtui.screens.main import MainScreen
from clawtui.screens.plan import PlanScreen
from clawtui.widgets.log_pane import LogPane
from clawtui.widgets.pod_tree import PodTree
from tests.e2e.pods import CLAWFILE, docker, write_pod
from tests.polling import pilot_wait_for

pytestmark = pytest.mark.docker


def main_screen(app: ClawApp) -> MainScreen:
    screen = app.screen_stack[1]
    assert isinstance(screen, MainScreen)
    return screen


def tree_text(app: ClawApp) -> str:
    tree = main_screen(app).query_one(PodTree)
    labels = []

    def walk(node) -> None:
        labels.append(str(node.label))
        for child in node.children:
            walk(child)

    walk(tree.root)
    return "\n".join(labels)


async def test_the_app_on_a_running_pod(project: str, tmp_path: Path) -> None:
    pod = write_pod(tmp_path / "pod", project)
    assert apply(plan_pod(load_pod(pod, environ={}))).ok
    alpha_before = docker("inspect", "-f", "{{.Id}}", f"{project}-alpha-1")

    app = make_app(pod)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot_wait_for(
            pilot,
            lambda: f"{project}-alpha-1  running  ♥ healthy" in tree_text(app),
            timeout=30,
            message="alpha running and healthy in the tree",
        )
        # Select alpha's container: its stub's log lines arrive in the pane.
        await pilot.press("down", "down")
        assert main_screen(app).selected == "container:alpha#1"
        pane = main_screen(app).query_one(LogPane)
        await pilot_wait_for(
            pilot, lambda: "[gateway]" in pane.plain_text(), timeout=20, message="alpha's log lines"
        )
        assert f"{project}-alpha-1" in pane.plain_text()

        # A restart while following: a marker, then the new run's lines, in the same pane.
        restarted = re.compile(
            rf"── {project}-alpha-1: restarted \d\d:\d\d:\d\d(, exit code \d+)? ──\n"
            rf"(.*\n)*{project}-alpha-1 +│ \[gateway\] .*: listening"
        )
        docker("restart", "-t", "1", f"{project}-alpha-1")
        await pilot_wait_for(
            pilot,
            lambda: restarted.search(pane.plain_text()) is not None,
            timeout=30,
            message="the restart marker, then the new run's lines",
        )
        assert "following" in pane.status_text

        # A change to the pod shows in the plan's diff.
        (pod / "alpha" / "Clawfile").write_text(CLAWFILE.format(every="5m"))
        await pilot.press("p")
        await pilot_wait_for(
            pilot, lambda: isinstance(app.screen, PlanScreen), message="the plan screen"
        )
        files = app.screen.query_one(OptionList)
        await pilot_wait_for(
            pilot, lambda: files.option_count > 0, timeout=30, message="the plan's changed files"
        )
        listed = [str(files.get_option_at_index(i).prompt) for i in range(files.option_count)]
        assert any(".claw-runtime/alpha/config/openclaw.json" in item for item in listed)

        # Apply recreates alpha; the tree shows the new container healthy again.
        await pilot.press("a")
        await pilot_wait_for(
            pilot, lambda: type(app.screen).__name__ == "ConfirmScreen", message="confirm"
        )
        await pilot.press("y")
        await pilot_wait_for(
            pilot,
            lambda: docker("inspect", "-f", "{{.Id}}", f"{project}-alpha-1") != alpha_before,
            timeout=120,
            interval=0.5,
            message="alpha recreated",
        )
        plan_screen = app.screen
        assert isinstance(plan_screen, PlanScreen)
        await pilot_wait_for(
            pilot, lambda: plan_screen.report is not None, timeout=120, message="the apply report"
        )
        await pilot.press("escape")
        await pilot_wait_for(
            pilot, lambda: isinstance(app.screen, MainScreen), message="back to the tree"
        )
        alpha_after = docker("inspect", "-f", "{{.Id}}", f"{project}-alpha-1")
        await pilot_wait_for(
            pilot,
            lambda: (
                f"{project}-alpha-1  running  ♥ healthy" in tree_text(app)
                and any(
                    c.id == alpha_after and c.running for c in main_screen(app).state.containers
                )
            ),
            timeout=60,
            message="the recreated alpha healthy in the tree",
        )
        # The pane followed alpha into its new container, under its stable name.
        recreated = re.compile(
            rf"── {project}-alpha-1: recreated \d\d:\d\d:\d\d ──\n(.*\n)*.*listening"
        )
        await pilot_wait_for(
            pilot,
            lambda: recreated.search(pane.plain_text()) is not None,
            timeout=30,
            message="the recreated marker, then the new container's lines",
        )
        assert not re.search(r"[0-9a-f]{12}_", pane.plain_text())  # no temporary name

        # Roll back: the generation before the apply comes back and alpha is recreated from it.
        runtime = pod / ".claw-runtime" / "alpha" / "config" / "openclaw.json"
        assert '"5m"' in runtime.read_text()
        await pilot.press("p")
        await pilot_wait_for(
            pilot, lambda: isinstance(app.screen, PlanScreen), message="the plan screen"
        )
        rollback_screen = app.screen
        assert isinstance(rollback_screen, PlanScreen)
        await pilot_wait_for(
            pilot, lambda: rollback_screen.phase == "ready", timeout=30, message="the plan"
        )
        await pilot.press("R")
        await pilot_wait_for(
            pilot, lambda: type(app.screen).__name__ == "ConfirmScreen", message="confirm"
        )
        await pilot.press("y")
        await pilot_wait_for(
            pilot, lambda: rollback_screen.phase == "applied", timeout=120, message="the rollback"
        )
        assert '"30m"' in runtime.read_text()
        assert docker("inspect", "-f", "{{.Id}}", f"{project}-alpha-1") != alpha_after
        await pilot.press("q")
