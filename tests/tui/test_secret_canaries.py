"""A pod holding a canary secret in every form, seen through the app: the Config and Inspect
tabs of every node and every diff of the plan screen, unified and side by side, show none."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from clawtui.app import ClawApp, make_app
from clawtui.screens.main import MainScreen
from clawtui.screens.plan import PlanScreen
from clawtui.widgets.config_pane import ConfigPane
from clawtui.widgets.diff_view import DiffView
from clawtui.widgets.inspect_pane import InspectPane
from clawtui.widgets.pod_tree import PodTree
from tests.hostile import SECRET_CANARY, secret_pod
from tests.polling import pilot_wait_for
from tests.tui.fake_backend import FakeBackend, record

SIZE = (140, 40)
AGENT = record("agent", project="canary")


def main_screen(app: ClawApp) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


def inspected_text(pane: InspectPane) -> str:
    view = pane.view
    assert view is not None
    rows = [f"{key}  {value}" for section in view.sections for key, value in section.rows]
    return "\n".join(rows)


async def test_no_tab_and_no_diff_shows_a_canary(tmp_path: Path) -> None:
    pod_file = secret_pod(tmp_path / "canary")
    backend = FakeBackend()
    backend.add(AGENT, record("worker", project="canary", claw_type=None))
    backend.inspected[AGENT.id] = {  # the engine's view holds the same secrets
        "Id": AGENT.id,
        "Name": "/canary-agent-1",
        "Config": {
            "Env": [
                "SSH_PRIVATE_KEY=-----BEGIN OPENSSH PRIVATE KEY-----\n"
                f"{SECRET_CANARY}-engine-pem\n-----END OPENSSH PRIVATE KEY-----\n",
                f"DATABASE_URL=postgres://admin:{SECRET_CANARY}-engine-url@db/app",
                f"Github_Pat={SECRET_CANARY}-engine-pat",
            ],
            "Cmd": ["openclaw", "gateway", "--token", f"{SECRET_CANARY}-engine-flag"],
            "Labels": {
                "claw.type": "openclaw",
                "claw.configure.0": "openclaw config set models.providers.x.apiKey "
                f"{SECRET_CANARY}-engine-label",
            },
        },
    }
    app = make_app(pod_file, backend)
    shown: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        await pilot_wait_for(pilot, lambda: screen.plan is not None)
        assert screen.plan is not None
        assert SECRET_CANARY in screen.plan.compose.text
        config = screen.query_one(ConfigPane)
        inspect = screen.query_one(InspectPane)
        tree = screen.query_one(PodTree)
        nodes = 0
        while True:
            await pilot.press("3")
            await pilot.pause()
            for _ in config.paths:
                shown += [config.shown_text, app.export_screenshot()]
                config.action_next_file()
                await pilot.pause()
            await pilot.press("4")
            await pilot_wait_for(pilot, lambda: inspect.view is not None)
            await pilot.pause(0.1)  # a running container's inspect document arrives
            shown += [inspected_text(inspect), app.export_screenshot()]
            nodes += 1
            line = tree.cursor_line
            tree.focus()
            await pilot.press("down")
            if tree.cursor_line == line:
                break
        assert nodes == 5  # the pod, the agent and its container, the worker and its container
        assert any("•••• (SSH_PRIVATE_KEY)" in text for text in shown)
        assert any("DATABASE_URL  postgres://admin:••••@db/app" in text for text in shown)
        assert any("--token '••••" in text or "--token ••••" in text for text in shown)

        await pilot.press("p")
        await pilot_wait_for(pilot, lambda: isinstance(app.screen, PlanScreen))
        plan = app.screen
        assert isinstance(plan, PlanScreen)
        await pilot_wait_for(pilot, lambda: plan.phase == "ready")
        files = plan.query_one("#files", OptionList)
        view = plan.query_one(DiffView)
        assert files.option_count == 6  # compose, Dockerfile, openclaw.json, jobs.json, contracts
        for index in range(files.option_count):
            files.highlighted = index
            await pilot.pause()
            for _mode in ("unified", "side-by-side"):
                shown += [view.export_text(), app.export_screenshot()]
                view.toggle_mode()
                await pilot.pause()
        assert any("SETTING: ${SECRET_TOKEN:-••••}" in text for text in shown)
    for text in shown:
        assert SECRET_CANARY not in text
