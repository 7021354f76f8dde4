"""The pod view against a recording fake engine: tree, live events, logs, health, actions,
engine loss and reconnect, pod-file problems, help and the command palette."""

from __future__ import annotations

import dataclasses
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static, TabbedContent

from clawlib.errors import ComposeFailedError, EngineDisconnectedError
from clawlib.planner import Plan, PlanDiff
from clawtui.app import ClawApp, make_app
from clawtui.screens.confirm import ConfirmScreen
from clawtui.screens.help import HelpScreen
from clawtui.screens.main import MainScreen
from clawtui.screens.plan import PlanScreen
from clawtui.screens.problems import ProblemsScreen
from clawtui.state import PodState, Selection
from clawtui.widgets.config_pane import ConfigPane
from clawtui.widgets.costs_pane import CostsPane
from clawtui.widgets.health_pane import HealthPane
from clawtui.widgets.inspect_pane import InspectPane
from clawtui.widgets.log_pane import LogPane
from clawtui.widgets.pod_tree import PodTree
from clawtui.widgets.status_bar import StatusBar
from tests.polling import pilot_wait_for
from tests.tui.fake_backend import HOST, FakeBackend, event, record

SIZE = (130, 36)
YAML_VALUES = Path(__file__).parents[1] / "golden" / "fixtures" / "yaml-values"
UNKNOWN = [
    "demo  4 services · 5 containers, states unknown",
    "  assistant  openclaw  unknown  claw-local/demo-assistant:latest",
    "    assistant  unknown",
]
"""The top of the tree while the engine cannot be asked."""


def main_screen(app: ClawApp) -> MainScreen:
    screen = app.screen_stack[1] if len(app.screen_stack) > 1 else app.screen
    assert isinstance(screen, MainScreen)
    return screen


def tree_lines(app: ClawApp) -> list[str]:
    tree = main_screen(app).query_one(PodTree)
    lines = []

    def walk(node, depth: int) -> None:
        lines.append("  " * depth + str(node.label))
        for child in node.children:
            walk(child, depth + 1)

    walk(tree.root, 0)
    return lines


def status(app: ClawApp) -> str:
    return str(main_screen(app).query_one(StatusBar).render())


async def ready(pilot: Pilot[None], app: ClawApp) -> None:
    """Planned, connected and probed."""
    await pilot_wait_for(pilot, lambda: main_screen(app).plan is not None)
    await pilot_wait_for(pilot, lambda: "engine connected" in status(app))
    await pilot_wait_for(pilot, lambda: len(main_screen(app).health) == 5)


async def test_tree_shows_planned_services_with_state_and_health(
    demo: Path, backend: FakeBackend
) -> None:
    backend.health["demo-reviewer-1"] = ("unhealthy", "gateway not answering")
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot_wait_for(pilot, lambda: "unhealthy" in "\n".join(tree_lines(app)))
        assert tree_lines(app) == [
            "demo  4 services · 5/5 running",
            "  assistant  openclaw  ♥  claw-local/demo-assistant:latest",
            "    demo-assistant-1  running  ♥ healthy",
            "  researcher ×2  openclaw  ♥  claw-local/demo-researcher:latest",
            "    #0 demo-researcher-0-1  running  ♥ healthy",
            "    #1 demo-researcher-1-1  running  ♥ healthy",
            "  reviewer  generic  ✗  claw-local/demo-reviewer:latest",
            "    demo-reviewer-1  running  ✗ unhealthy",
            "  notes-web  plain  ♥  claw-base/busybox:latest",
            "    demo-notes-web-1  running  ♥ healthy",
        ]
        assert "project demo" in status(app)
        assert "plan: 17 to add, 0 to change, 0 to remove (p to preview)" in status(app)


async def test_events_keep_the_tree_live_without_listing_again(
    demo: Path, backend: FakeBackend
) -> None:
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        listings = backend.calls.count(("containers", "demo"))
        reviewer = backend.records[record("reviewer", claw_type="generic").id]
        backend.emit(event("die", reviewer, exit_code=3))
        await pilot_wait_for(
            pilot, lambda: "demo-reviewer-1  exited (3)" in "\n".join(tree_lines(app))
        )
        backend.emit(event("destroy", reviewer))
        await pilot_wait_for(pilot, lambda: "    reviewer  missing" in tree_lines(app))
        assert backend.calls.count(("containers", "demo")) == listings


async def test_engine_down_then_back(demo: Path, backend: FakeBackend) -> None:
    backend.engine_up = False
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await pilot_wait_for(pilot, lambda: "engine unreachable" in status(app))
        assert "connection refused" in status(app)
        await pilot_wait_for(pilot, lambda: main_screen(app).plan is not None)
        # The tree comes from the plan alone: what runs is not known.
        assert tree_lines(app)[:3] == UNKNOWN
        backend.engine_up = True
        await pilot_wait_for(pilot, lambda: "engine connected" in status(app), timeout=8)
        await pilot_wait_for(
            pilot, lambda: "demo-assistant-1  running" in "\n".join(tree_lines(app))
        )
        # A lost event stream is reported, and followed again.
        backend.disconnect()
        await pilot_wait_for(pilot, lambda: "engine unreachable" in status(app))
        assert tree_lines(app)[:3] == UNKNOWN
        backend.engine_up = True
        await pilot_wait_for(pilot, lambda: "engine connected" in status(app), timeout=8)


async def test_logs_follow_the_selected_node(demo: Path, backend: FakeBackend) -> None:
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot_wait_for(pilot, lambda: any(c[0] == "logs" for c in backend.calls))
        pod_follow = next(c for c in backend.calls if c[0] == "logs")
        assert pod_follow[1] == (
            "demo-assistant-1",
            "demo-researcher-0-1",
            "demo-researcher-1-1",
            "demo-reviewer-1",
            "demo-notes-web-1",
        )
        await pilot.press("down", "down", "down")  # pod → assistant → its container → researcher
        await pilot_wait_for(
            pilot,
            lambda: (
                backend.calls[-1][:2] == ("logs", ("demo-researcher-0-1", "demo-researcher-1-1"))
                if backend.calls[-1][0] == "logs"
                else any(
                    c[:2] == ("logs", ("demo-researcher-0-1", "demo-researcher-1-1"))
                    for c in backend.calls
                )
            ),
        )
        r0 = backend.records[record("researcher-0", claw_service="researcher").id]
        backend.log(r0, "reading the notes", "found 3 items")
        pane = main_screen(app).query_one(LogPane)
        await pilot_wait_for(pilot, lambda: "found 3 items" in pane.plain_text())


def follows(backend: FakeBackend) -> int:
    """How many times logs were opened."""
    return sum(1 for call in backend.calls if call[0] == "logs")


async def test_logs_are_followed_again_when_the_engine_comes_back(
    demo: Path, backend: FakeBackend
) -> None:
    """The engine went away and came back: the log stream may have died unseen, so it is
    opened again, even for the same node and the same containers."""
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot_wait_for(pilot, lambda: follows(backend) == 1)
        backend.engine_up = False
        backend.event_feeds[-1].fail(EngineDisconnectedError(HOST, "connection reset"))
        await pilot_wait_for(pilot, lambda: "engine unreachable" in status(app))
        assert follows(backend) == 1
        backend.engine_up = True
        await pilot_wait_for(pilot, lambda: "engine connected" in status(app), timeout=8)
        await pilot_wait_for(pilot, lambda: follows(backend) == 2)
        pane = main_screen(app).query_one(LogPane)
        backend.log(backend.records[record("assistant").id], "back again")
        await pilot_wait_for(pilot, lambda: "back again" in pane.plain_text())


async def test_a_lost_log_stream_is_followed_again_on_the_next_change(
    demo: Path, backend: FakeBackend
) -> None:
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot_wait_for(pilot, lambda: follows(backend) == 1)
        pane = main_screen(app).query_one(LogPane)
        backend.log_feeds[-1][1].fail(EngineDisconnectedError(HOST, "connection reset"))
        await pilot_wait_for(pilot, lambda: "log stream lost" in pane.status_text)
        reviewer = backend.records[record("reviewer", claw_type="generic").id]
        backend.emit(event("health_status", reviewer, health="starting"))  # same containers
        await pilot_wait_for(pilot, lambda: follows(backend) == 2)
        assert "log stream lost" not in pane.status_text


async def test_action_on_a_claw_covers_its_replicas(demo: Path, backend: FakeBackend) -> None:
    app = make_app(demo, backend)
    (demo.parent / "compose.generated.yml").write_text("name: demo\nservices: {}\n")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("down", "down", "down", "r")
        await pilot_wait_for(pilot, lambda: any(c[0] == "act" for c in backend.calls))
        assert ("act", "restart", "demo", ("researcher-0", "researcher-1")) in backend.calls
        await pilot_wait_for(pilot, lambda: "restart researcher: done" in status(app))


async def test_a_failed_action_says_why(demo: Path, backend: FakeBackend) -> None:
    backend.action_error = ComposeFailedError(
        ("docker", "compose", "stop", "reviewer"),
        1,
        "Error response from daemon: cannot stop container demo-reviewer-1",
        action="stop",
        services=("reviewer",),
    )
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("down", "down", "down", "down", "down", "down", "S")
        await pilot_wait_for(pilot, lambda: "stop reviewer failed" in status(app))
        assert ("act", "stop", "demo", ("reviewer",)) in backend.calls
        assert any("cannot stop container" in str(n.message) for n in app._notifications)


async def test_shell_and_editor_need_a_real_terminal(demo: Path, backend: FakeBackend) -> None:
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("s")  # the pod: no single container
        await pilot.press("down", "down", "s")  # demo-assistant-1, but no terminal to hand over
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
        assert "Select a running container to open a shell in." in messages
        assert "This terminal cannot hand over to a shell." in messages


async def test_the_whole_pod_or_a_rebuild_asks_first(demo: Path, backend: FakeBackend) -> None:
    (demo.parent / "compose.generated.yml").write_text("name: demo\nservices: {}\n")
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("r")  # the pod is selected
        await pilot_wait_for(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen")
        await pilot.press("n")
        await pilot.press("down", "b")  # assistant: a rebuild
        await pilot_wait_for(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen")
        assert not any(c[0] == "act" for c in backend.calls)
        await pilot.press("y")
        await pilot_wait_for(
            pilot, lambda: ("act", "rebuild", "demo", ("assistant",)) in backend.calls
        )


async def test_tab_goes_from_the_tree_into_the_log_pane(demo: Path, backend: FakeBackend) -> None:
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("tab")
        pane = main_screen(app).query_one(LogPane)
        assert app.focused is pane.view
        await pilot.press("t")
        assert pane.timestamps


async def test_down_asks_first(demo: Path, backend: FakeBackend) -> None:
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("D")
        await pilot_wait_for(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen")
        await pilot.press("n")
        await pilot_wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        assert not any(c[0] == "act" for c in backend.calls)
        await pilot.press("D")
        await pilot_wait_for(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen")
        await pilot.press("y")
        await pilot_wait_for(pilot, lambda: ("act", "down", "demo", ()) in backend.calls)


async def test_pod_file_problems_open_a_panel(demo: Path, backend: FakeBackend) -> None:
    text = demo.read_text().replace('"volume://notes read-only"', '"volume://notes read-sorta"')
    demo.write_text(text.replace("count: 2", "count: -1"))
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await pilot_wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, ProblemsScreen) and len(app.screen.query(".problem")) == 2
            ),
        )
        problems = [str(s.render()) for s in app.screen.query(".problem")]
        assert problems[0].startswith("demo/claw-pod.yml:28  services.researcher.x-claw.count\n")
        assert "services.researcher.x-claw.surfaces[0]" in problems[1]
        assert "read-sorta" in problems[1]
        await pilot.press("escape")
        await pilot_wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        assert "pod file: 2 problems (E)" in status(app)
        # Never applied and not planned: no project to watch, but the engine was asked.
        await pilot_wait_for(
            pilot, lambda: "engine connected: the pod has not been applied yet" in status(app)
        )
        await pilot.press("E")
        await pilot_wait_for(pilot, lambda: isinstance(app.screen, ProblemsScreen))


async def test_the_problems_panel_lists_those_of_every_stage(
    demo: Path, backend: FakeBackend
) -> None:
    demo.write_text(demo.read_text().replace("count: 2", "count: zero"))
    (demo.parent / "agents" / "reviewer" / "AGENTS.md").unlink()
    clawfile = demo.parent / "agents" / "assistant" / "Clawfile"
    clawfile.write_text(clawfile.read_text().replace("openrouter/openai/gpt-4o-mini", "openai/"))
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await pilot_wait_for(pilot, lambda: isinstance(app.screen, ProblemsScreen))
        problems = [str(s.render()) for s in app.screen.query(".problem")]
        assert problems == [
            "demo/claw-pod.yml:8  services.assistant\nMODEL fallback: model reference "
            '"openai/" is not provider/model (write provider/model, e.g. '
            "anthropic/claude-sonnet-4)",
            "demo/claw-pod.yml:28  services.researcher.x-claw.count\nmust be a whole number, "
            'got "zero"',
            "demo/claw-pod.yml:37  services.reviewer.x-claw.agent\ncontract "
            f'"./agents/reviewer/AGENTS.md" not found (looked for {demo.parent}/agents/reviewer/'
            "AGENTS.md) (no contract, no start)",
        ]
        assert "demo/claw-pod.yml: 3 problems" in str(
            app.screen.query_one("#problems-title").render()
        )


async def test_editing_the_pod_files_marks_the_plan_out_of_date(
    demo: Path, backend: FakeBackend
) -> None:
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot_wait_for(pilot, lambda: main_screen(app)._inputs is not None)
        generated = demo.parent / "compose.generated.yml"
        generated.write_text("name: demo\n")  # what claw writes is not an input
        await pilot.pause(2.5)
        assert "plan out of date" not in status(app)
        contract = demo.parent / "agents" / "reviewer" / "AGENTS.md"
        contract.write_text(contract.read_text() + "\nBe brief.\n")
        await pilot_wait_for(
            pilot, lambda: "pod changed: plan out of date (p)" in status(app), timeout=6
        )
        await pilot.press("p")
        await pilot_wait_for(pilot, lambda: isinstance(app.screen, PlanScreen))
        await pilot.press("escape")  # back: planned again
        await pilot_wait_for(pilot, lambda: "plan out of date" not in status(app))


async def test_help_lists_every_key_and_the_palette_offers_every_action(
    demo: Path, backend: FakeBackend
) -> None:
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("question_mark")
        await pilot_wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        shown = app.screen
        assert isinstance(shown, HelpScreen)
        groups = {title: [b.description for b in bindings] for title, bindings in shown.groups}
        assert groups["Pod view"][:4] == ["Plan", "Edit", "Problems", "Probe"]
        assert "Quit" in groups["Everywhere"]
        await pilot.press("escape")
        commands = {c.title for c in app.get_system_commands(main_screen(app))}
        assert {
            "Restart",
            "Stop",
            "Start",
            "Rebuild",
            "Shell",
            "Down",
            "Plan",
        } <= commands


async def test_number_keys_switch_tabs(demo: Path, backend: FakeBackend) -> None:
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        tabs = main_screen(app).query_one(TabbedContent)
        for key, tab in (
            ("2", "health"),
            ("3", "config"),
            ("4", "inspect"),
            ("5", "costs"),
            ("1", "logs"),
        ):
            await pilot.press(key)
            assert tabs.active == tab


async def test_a_worker_that_breaks_is_reported_and_the_engine_watched_again(
    demo: Path, backend: FakeBackend, monkeypatch
) -> None:
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        monkeypatch.setattr("clawtui.screens.main.RETRY_MAX", 0.1)
        events = backend.event_feeds[-1]
        events.fail(RuntimeError("unexpected answer"))
        await pilot_wait_for(
            pilot, lambda: any("unexpected answer" in str(n.message) for n in app._notifications)
        )
        await pilot_wait_for(pilot, lambda: len(backend.event_feeds) == 2)  # watching again


async def test_the_tree_node_makes_the_selection(demo: Path, backend: FakeBackend) -> None:
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        screen = main_screen(app)

        def selected() -> tuple[str, str, str, tuple[str, ...]]:
            selection = screen.selection
            container = selection.container.name if selection.container else ""
            return selection.kind, selection.title, container, selection.services

        assert selected() == ("pod", "demo", "", ())
        assert len(screen.selection.containers) == 5
        await pilot.press("down")
        assert selected() == ("service", "assistant", "", ("assistant",))
        await pilot.press("down", "down")
        assert selected() == ("service", "researcher", "", ("researcher-0", "researcher-1"))
        await pilot.press("down", "down")
        assert selected() == (
            "container",
            "demo-researcher-1-1",
            "demo-researcher-1-1",
            ("researcher-1",),
        )
        assert screen.selected == "container:researcher-1#1"


async def test_only_the_visible_tab_is_shown_again(
    demo: Path, backend: FakeBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A change reaches the visible tab's pane only; a hidden one is shown when it comes up.
    The logs follow the selection whichever tab is visible."""
    shown: list[tuple[str, str]] = []
    for pane in (HealthPane, ConfigPane, InspectPane, CostsPane):

        def counted(
            self: HealthPane | ConfigPane | InspectPane | CostsPane,
            selection: Selection,
            state: PodState,
            real: Callable[..., None] = pane.show_selection,
        ) -> None:
            shown.append((type(self).__name__, selection.key))
            real(self, selection, state)

        monkeypatch.setattr(pane, "show_selection", counted)
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        screen = main_screen(app)
        await pilot.press("down")  # the assistant claw
        await pilot_wait_for(
            pilot, lambda: any(c[:2] == ("logs", ("demo-assistant-1",)) for c in backend.calls)
        )
        reviewer = backend.records[record("reviewer", claw_type="generic").id]
        backend.emit(event("die", reviewer, exit_code=3))
        await pilot_wait_for(
            pilot, lambda: "demo-reviewer-1  exited (3)" in "\n".join(tree_lines(app))
        )
        probed = len(screen.health["demo-assistant-1"])
        await pilot.press("H")  # a round of probes
        await pilot_wait_for(pilot, lambda: len(screen.health["demo-assistant-1"]) > probed)
        assert shown == []
        await pilot.press("3")
        await pilot_wait_for(pilot, lambda: bool(shown))
        assert shown == [("ConfigPane", "service:assistant")]
        assert "compose.generated.yml: services.assistant" in screen.query_one(ConfigPane).paths
        backend.emit(event("start", reviewer))
        await pilot_wait_for(pilot, lambda: len(shown) > 1)  # visible: told of the change
        assert {pane for pane, _ in shown} == {"ConfigPane"}


async def test_the_mouse_picks_nodes_and_tabs(demo: Path, backend: FakeBackend) -> None:
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        screen = main_screen(app)
        await pilot.click("#tree", offset=(6, 4))  # the row of researcher, under the frame
        await pilot_wait_for(pilot, lambda: screen.selected == "service:researcher")
        await pilot.click("Tab#--content-tab-health")
        assert screen.query_one(TabbedContent).active == "health"


async def test_inspect_shows_the_engine_view_of_the_container_masked(
    demo: Path, backend: FakeBackend
) -> None:
    assistant = record("assistant")
    backend.inspected[assistant.id] = {
        "Id": assistant.id,
        "Name": "/demo-assistant-1",
        "Config": {
            "Env": ["OPENROUTER_API_KEY=sk-or-secret", "DISCORD_TOKEN=${DISCORD_TOKEN}"],
            "Labels": {"claw.type": "openclaw"},
        },
    }
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("down", "4")  # the assistant claw; its container is inspected
        pane = main_screen(app).query_one(InspectPane)

        def section(title: str) -> dict[str, str]:
            view = pane.view
            assert view is not None
            found = [s for s in view.sections if s.title == title]
            return dict(found[0].rows) if found else {}

        await pilot_wait_for(pilot, lambda: "OPENROUTER_API_KEY" in section("Environment"))
        assert section("Environment") == {
            "DISCORD_TOKEN": "${DISCORD_TOKEN}",
            "OPENROUTER_API_KEY": "•••• (OPENROUTER_API_KEY)",
        }
        assert section("Claw")["type"] == "openclaw"
        assert ("inspect", assistant.id) in backend.calls


async def test_a_healthcheck_verdict_is_probed_again_at_once(
    demo: Path, backend: FakeBackend
) -> None:
    web = record("notes-web", claw_type=None, image="claw-base/busybox:latest", health="healthy")
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        probes = sum(1 for call in backend.calls if call[0] == "probe")
        backend.health[web.name] = ("unhealthy", "healthcheck failing")
        backend.emit(event("health_status", web, health="unhealthy"))
        await pilot_wait_for(
            pilot, lambda: sum(1 for c in backend.calls if c[0] == "probe") > probes
        )
        await pilot_wait_for(
            pilot, lambda: "demo-notes-web-1  running  ✗ unhealthy" in tree_lines(app)[-1]
        )


async def test_quitting_closes_the_engine_connections(demo: Path, backend: FakeBackend) -> None:
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("q")
    assert ("close",) in backend.calls


async def test_values_yaml_versions_read_differently_show_in_every_tab(
    tmp_path: Path,
) -> None:
    """``2024-01-01``, ``0700``, ``yes`` in a service's environment: highlighting the service in
    each tab shows them as the pod file wrote them (the Config tab once crashed the app)."""
    pod = tmp_path / "yaml-values"
    shutil.copytree(YAML_VALUES, pod)
    fake = FakeBackend()
    fake.add(
        record("clock", project="yaml-values", claw_type=None, image="claw-base/busybox:latest"),
        record("keeper", project="yaml-values", claw_type="generic"),
    )
    app = make_app(pod / "claw-pod.yml", fake)
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        await pilot_wait_for(pilot, lambda: screen.plan is not None)
        tabs = screen.query_one(TabbedContent)
        for name in ("keeper", "clock"):
            screen.query_one(PodTree).focus()
            await pilot.press("home")
            for _ in range(4):
                if screen.selected == f"service:{name}":
                    break
                await pilot.press("down")
            assert screen.selected == f"service:{name}"
            for key, tab in (("1", "logs"), ("2", "health"), ("3", "config"), ("4", "inspect")):
                await pilot.press(key)
                await pilot.pause()
                assert tabs.active == tab
            config = screen.query_one(ConfigPane)
            assert f"compose.generated.yml: services.{name}" in config.paths
        assert "    MODE: 0700\n" in config.shown_text  # clock's only file: its block
        assert "    START: 2024-01-01\n" in config.shown_text
        assert app.is_running


async def test_the_plan_is_compared_with_the_disk_off_the_ui_thread(
    demo: Path, backend: FakeBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Comparing a large plan with the disk takes a while: never on the thread that draws."""
    threads: list[str] = []
    real_diff = Plan.diff

    def diff(plan: Plan) -> PlanDiff:
        threads.append(threading.current_thread().name)
        return real_diff(plan)

    monkeypatch.setattr(Plan, "diff", diff)
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot_wait_for(pilot, lambda: "plan:" in status(app))
        assert threads
        assert threading.main_thread().name not in threads


async def test_the_governance_proxy_leads_the_tree(tmp_path: Path) -> None:
    """The proxy is the pod's first child, marked as the proxy, with the claws it governs; a
    governed claw's Inspect tab says so, its token masked."""
    pod = tmp_path / "governed"
    shutil.copytree(Path(__file__).parents[2] / "examples" / "governed", pod)
    (pod / ".env").write_text("OPENROUTER_API_KEY=sk-or-v1-tree-secret\n")
    app = make_app(pod / "claw-pod.yml", FakeBackend())
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        await pilot_wait_for(pilot, lambda: screen.plan is not None)
        await pilot_wait_for(pilot, lambda: len(tree_lines(app)) > 1)
        lines = tree_lines(app)
        assert lines[1].startswith("  cllama  ◆ proxy (passthrough)  ")
        assert "governs analyst, scout" in lines[1]
        screen.query_one(PodTree).focus()
        await pilot.press("home")
        for _ in range(4):
            if screen.selected == "service:analyst":
                break
            await pilot.press("down")
        await pilot.press("4")
        pane = screen.query_one(InspectPane)

        def governance() -> str:
            view = pane.view
            sections = view.sections if view is not None else ()
            rows = dict(next((s.rows for s in sections if s.title == "Claw"), ()))
            return rows.get("governance", "")

        await pilot_wait_for(pilot, lambda: governance() != "")
        assert governance() == "governed by cllama (passthrough), token ••••"


async def test_a_container_stopped_on_purpose_is_stopped_not_unhealthy(
    demo: Path, backend: FakeBackend
) -> None:
    """``S`` stops the reviewer: it exits 0. The tree and the health pane say stopped, with no
    problem mark; a crash (non-zero exit, no restart policy) stays one."""
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        reviewer = backend.records[record("reviewer", claw_type="generic").id]
        backend.emit(event("die", reviewer, exit_code=0))
        await pilot_wait_for(
            pilot, lambda: "    demo-reviewer-1  stopped" in "\n".join(tree_lines(app))
        )
        await probed(pilot, app, "    demo-reviewer-1  stopped  ■ stopped")
        assert "  reviewer  generic  stopped  ■  claw-local/demo-reviewer:latest" in tree_lines(app)
        assert "unhealthy" not in "\n".join(tree_lines(app))
        screen = main_screen(app)
        tree = screen.query_one(PodTree)
        tree.move_cursor(next(n for n in tree_nodes(tree) if n.data == "service:reviewer"))
        await pilot.press("2")
        pane = screen.query_one(HealthPane)
        await pilot_wait_for(pilot, lambda: "stopped" in pane_text(pane))
        assert "1 stopped · probes every 10 s" in pane_text(pane)
        assert "stopped (exit code 0)" in pane_text(pane)
        assert "unhealthy" not in pane_text(pane)

        assistant = backend.records[record("assistant").id]
        backend.emit(event("die", assistant, exit_code=2))
        await probed(pilot, app, "    demo-assistant-1  exited (2)  ✗ unhealthy")


async def probed(pilot: Pilot[None], app: ClawApp, line: str) -> None:
    """Probe (H) until the tree shows ``line``: a round started before the change may still
    answer after it."""
    for _ in range(5):
        await pilot.press("H")
        try:
            await pilot_wait_for(pilot, lambda: line in tree_lines(app), timeout=2)
        except AssertionError:
            continue
        return
    raise AssertionError(f"the tree never showed {line!r}: {tree_lines(app)}")


def tree_nodes(tree: PodTree) -> list[Any]:
    found = []

    def walk(node: Any) -> None:
        found.append(node)
        for child in node.children:
            walk(child)

    walk(tree.root)
    return found


def pane_text(pane: HealthPane) -> str:
    return "\n".join(str(s.render()) for s in pane.query(Static))


async def test_start_on_a_pod_that_is_down_offers_to_plan_and_apply(
    demo: Path, backend: FakeBackend
) -> None:
    """After D the containers are gone: ``u`` has nothing to start, and says so, offering the
    plan and apply that creates them (what ``claw up`` does)."""
    (demo.parent / "compose.generated.yml").write_text("name: demo\nservices: {}\n")
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("D")
        await pilot_wait_for(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen")
        await pilot.press("y")
        await pilot_wait_for(pilot, lambda: ("act", "down", "demo", ()) in backend.calls)
        for container in list(backend.records.values()):
            backend.emit(event("destroy", container))
        await pilot_wait_for(pilot, lambda: "    reviewer  missing" in tree_lines(app))
        await pilot.press("down", "down", "down", "down", "down", "down", "u")
        await pilot_wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert confirm.title_text == "Project demo is down"
        assert confirm.body_text == (
            "reviewer has no container to start: none of the pod's 5 containers exists. "
            "Plan and apply the pod (as claw up does) to create them?"
        )
        await pilot.press("y")
        await pilot_wait_for(pilot, lambda: isinstance(app.screen, PlanScreen))
        assert not any(c[:2] == ("act", "start") for c in backend.calls)


async def test_the_selection_survives_recreated_containers(
    demo: Path, backend: FakeBackend
) -> None:
    """An apply, a rebuild or a rollback recreates containers: compose creates the new one
    beside the old (the tree gains a row, then loses one) and renames it. The same node stays
    selected throughout, by its stable key."""
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("down", "down", "down", "down", "down")
        screen = main_screen(app)
        tree = screen.query_one(PodTree)
        assert screen.selected == "container:researcher-1#1"
        old = backend.records[record("researcher-1", claw_service="researcher").id]
        new = dataclasses.replace(
            old, id="f" * 64, name=f"{old.id[:12]}_{old.name}", state="created"
        )
        backend.add(new)
        backend.emit(event("create", new))
        await pilot_wait_for(pilot, lambda: len(tree_lines(app)) == 11, message="two rows")
        backend.emit(event("destroy", old))
        renamed = dataclasses.replace(new, name=old.name, state="running")
        backend.add(renamed)
        backend.emit(event("rename", renamed))
        backend.emit(event("start", renamed))
        await pilot_wait_for(pilot, lambda: len(tree_lines(app)) == 10, message="one row again")
        await pilot.pause()
        assert screen.selected == "container:researcher-1#1"
        assert tree.cursor_node is not None
        assert tree.cursor_node.data == "container:researcher-1#1"
        assert screen.selection.container is not None
        assert screen.selection.container.id == new.id


async def test_a_container_that_stops_is_probed_and_a_late_round_does_not_undo_it(
    demo: Path, backend: FakeBackend
) -> None:
    """A stop is probed at once, without waiting for the next round; a round judged on the
    container as it was before (it answers late) does not put back its verdict."""
    from datetime import UTC, datetime

    from clawlib.lifecycle import ContainerHealth

    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        running = backend.records[record("reviewer", claw_type="generic").id]
        backend.emit(event("die", running, exit_code=0))
        stopped = "    demo-reviewer-1  stopped  ■ stopped"
        await pilot_wait_for(pilot, lambda: stopped in tree_lines(app))
        screen = main_screen(app)
        late = ContainerHealth(running, "healthy", "ok", "driver", datetime.now(UTC))
        screen.post_message(MainScreen.HealthProbed((late,)))
        await pilot.pause()
        await pilot.pause()
        assert stopped in tree_lines(app)
        assert screen.state.latest_health()["demo-reviewer-1"].status == "stopped"


async def test_the_rebuild_question_says_which_images_are_built(
    demo: Path, backend: FakeBackend
) -> None:
    """A claw's image is built from its Clawfile; a service that only names an image is only
    recreated, and the question says so rather than promising a build."""
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        tree = main_screen(app).query_one(PodTree)
        asked = []
        for node in ("service:assistant", "service:notes-web"):
            tree.move_cursor(next(n for n in tree_nodes(tree) if n.data == node))
            await pilot.press("b")
            await pilot_wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            assert isinstance(app.screen, ConfirmScreen)
            asked.append(app.screen.body_text)
            await pilot.press("n")
            await pilot_wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        assert asked == [
            "Builds the images of assistant again and recreates their containers.",
            "Recreates the containers of notes-web (their images are not built here).",
        ]


async def test_the_config_tab_shows_the_runners_own_config_file_first(
    demo: Path, backend: FakeBackend
) -> None:
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("down", "3")  # the assistant's generated files
        config = main_screen(app).query_one(ConfigPane)
        await pilot_wait_for(pilot, lambda: len(config.paths) > 2)
        assert config.paths[0] == ".claw-runtime/assistant/config/openclaw.json"
        assert config.selected_path == config.paths[0]
