"""Keys that cannot misfire: typed text reaches the input it was typed for however fast it
comes, dialogs that stop or recreate the pod's containers do not confirm on Enter, ``[``/``]``
and the focus follow what is visible."""

from __future__ import annotations

import contextlib
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.widgets import Button, Input, TabbedContent

from clawtui.app import ClawApp, make_app
from clawtui.screens.confirm import ConfirmScreen
from clawtui.screens.main import MainScreen
from clawtui.widgets.config_pane import ConfigPane
from clawtui.widgets.log_pane import LogPane
from clawtui.widgets.pod_tree import PodTree
from tests.polling import pilot_wait_for
from tests.tui.fake_backend import FakeBackend, record
from tests.tui.test_main_screen import SIZE, main_screen, ready

ASSISTANT = record("assistant")
KEY_NAMES = {"/": "slash", " ": "space", "[": "left_square_bracket", "]": "right_square_bracket"}


def burst(app: ClawApp, keys: str | list[str]) -> None:
    """Hand every key of ``keys`` to the app at once, as a terminal does with a paste when
    bracketed paste is off, or with ``tmux send-keys``: none is handled before the last is in."""
    for key in keys:
        app.post_message(events.Key(KEY_NAMES.get(key, key), key if len(key) == 1 else None))


def applied(demo: Path) -> None:
    """The pod as if applied: actions are offered."""
    (demo.parent / "compose.generated.yml").write_text("name: demo\nservices: {}\n")


@pytest.fixture
def handed_over(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The commands the pod view tried to run on the terminal (editor, shell)."""
    handed: list[list[str]] = []

    def record_hand_over(self: MainScreen, argv: list[str], *args: Any, **kwargs: Any) -> None:
        handed.append(argv)

    monkeypatch.setattr(MainScreen, "_hand_over", record_hand_over)
    return handed


async def in_the_logs_of_the_assistant(pilot: Any, app: ClawApp, backend: FakeBackend) -> LogPane:
    """The assistant selected, its log followed with two lines shown, the focus in the logs."""
    await ready(pilot, app)
    await pilot.press("down")  # the assistant service
    await pilot_wait_for(pilot, lambda: main_screen(app).selected == "service:assistant")
    pane = main_screen(app).query_one(LogPane)
    await pilot_wait_for(
        pilot, lambda: any(c[:2] == ("logs", ("demo-assistant-1",)) for c in backend.calls)
    )
    backend.log(backend.records[ASSISTANT.id], "starting up", "ready")
    await pilot_wait_for(pilot, lambda: "ready" in pane.plain_text())
    await pilot.press("tab")
    assert app.focused is pane.view
    return pane


@pytest.mark.parametrize(("opener", "field"), [("/", "#log-search"), ("f", "#log-filter")])
@pytest.mark.parametrize("how", ["one key at a time", "all at once"])
async def test_what_is_typed_after_slash_or_f_goes_into_the_input(
    demo: Path,
    backend: FakeBackend,
    handed_over: list[list[str]],
    opener: str,
    field: str,
    how: str,
) -> None:
    applied(demo)
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        pane = await in_the_logs_of_the_assistant(pilot, app, backend)
        typed = f"{opener}rest"
        if how == "all at once":
            burst(app, typed)
        else:
            await pilot.press(*typed)
        await pilot_wait_for(pilot, lambda: pane.query_one(field, Input).value == "rest")
        await pilot.pause(0.2)
        assert pane.query_one(field, Input).value == "rest"
        assert app.focused is pane.query_one(field, Input)
        assert not [c for c in backend.calls if c[0] == "act"]  # r: restart
        assert handed_over == []  # e: the editor, s: a shell
        assert not pane.timestamps  # t
        assert isinstance(app.screen, MainScreen)


async def test_a_burst_with_digits_and_spaces_stays_in_the_search(
    demo: Path, backend: FakeBackend, handed_over: list[list[str]]
) -> None:
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        pane = await in_the_logs_of_the_assistant(pilot, app, backend)
        burst(app, "/tick 5")
        search = pane.query_one("#log-search", Input)
        await pilot_wait_for(pilot, lambda: search.value == "tick 5")
        await pilot.pause(0.2)
        assert search.value == "tick 5"
        assert "ready" in pane.plain_text()  # c: clear
        assert main_screen(app).query_one(TabbedContent).active == "logs"  # 5: the Costs tab
        assert pane.view.following  # space: pause
        assert not pane.timestamps
        await pilot.press("enter", "t")  # the search closes: keys are commands again
        assert pane.timestamps
        assert app.focused is pane.view
        assert search.value == "tick 5"


async def test_keys_typed_before_a_dialog_shows_go_to_the_dialog(
    demo: Path, backend: FakeBackend
) -> None:
    applied(demo)
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        burst(app, ["D", "enter"])  # Enter presses Cancel, however soon it comes
        await pilot.pause(0.3)
        assert not [c for c in backend.calls if c[0] == "act"]
        assert isinstance(app.screen, MainScreen)
        burst(app, ["D", "y"])
        await pilot_wait_for(pilot, lambda: ("act", "down", "demo", ()) in backend.calls)


# Confirmations.


async def open_dialog(pilot: Any, app: ClawApp, key: str) -> ConfirmScreen:
    await pilot.press(key)
    await pilot_wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    screen = app.screen
    assert isinstance(screen, ConfirmScreen)
    await pilot_wait_for(pilot, lambda: isinstance(app.focused, Button))
    return screen


@pytest.mark.parametrize(
    ("key", "action"), [("D", "down"), ("S", "stop"), ("r", "restart"), ("b", "rebuild")]
)
async def test_enter_does_not_confirm_what_stops_or_recreates_the_pods_containers(
    demo: Path, backend: FakeBackend, key: str, action: str
) -> None:
    applied(demo)
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)  # the pod is selected
        dialog = await open_dialog(pilot, app, key)
        assert app.focused is dialog.query_one("#cancel", Button)
        hint = str(dialog.query_one("#keys").render())
        assert "enter" in hint
        assert "Cancel" in hint
        assert "y" in hint
        await pilot.press("enter")
        await pilot_wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.pause(0.1)
        assert not [c for c in backend.calls if c[0] == "act"]
        # y confirms; so does Enter on the confirm button.
        await open_dialog(pilot, app, key)
        await pilot.press("y")
        await pilot_wait_for(pilot, lambda: len([c for c in backend.calls if c[0] == "act"]) == 1)
        await pilot_wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        dialog = await open_dialog(pilot, app, key)
        await pilot.press("left")
        assert app.focused is dialog.query_one("#confirm", Button)
        await pilot.press("enter")
        await pilot_wait_for(pilot, lambda: len([c for c in backend.calls if c[0] == "act"]) == 2)
        assert all(c[1] == action for c in backend.calls if c[0] == "act")


async def test_starting_the_pod_confirms_on_enter(demo: Path, backend: FakeBackend) -> None:
    applied(demo)
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        dialog = await open_dialog(pilot, app, "u")
        assert app.focused is dialog.query_one("#confirm", Button)
        assert "enter" in str(dialog.query_one("#keys").render())
        await pilot.press("enter")
        await pilot_wait_for(pilot, lambda: ("act", "start", "demo", ()) in backend.calls)


async def test_the_dialog_is_compact(demo: Path, backend: FakeBackend) -> None:
    applied(demo)
    app = make_app(demo, backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, app)
        dialog = await open_dialog(pilot, app, "D")
        box = dialog.query_one("#dialog").region
        assert box.height <= 12
        assert box.width <= 64
        assert box.y >= 4
        assert box.bottom <= 20
        assert box.x >= 8
        assert box.right <= 72


# What is visible decides.


async def test_brackets_switch_config_files_from_the_tree(demo: Path, backend: FakeBackend) -> None:
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("down", "3")  # the assistant's generated files
        config = main_screen(app).query_one(ConfigPane)
        await pilot_wait_for(pilot, lambda: len(config.paths) > 2)
        assert isinstance(app.focused, PodTree)
        first = config.selected_path
        await pilot.press("right_square_bracket")
        assert config.selected_path == config.paths[1]
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert config.selected_path == config.paths[-1]
        assert isinstance(app.focused, PodTree)
        await pilot.press("1", "right_square_bracket")  # not on another tab
        await pilot.press("3")
        assert config.selected_path == config.paths[-1] != first


async def test_switching_tabs_takes_the_focus_to_the_visible_pane(
    demo: Path, backend: FakeBackend
) -> None:
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        pane = await in_the_logs_of_the_assistant(pilot, app, backend)
        config = main_screen(app).query_one(ConfigPane)
        await pilot.press("3")
        assert app.focused is not None
        assert config in app.focused.ancestors_with_self
        await pilot.press("2")  # Health
        health = main_screen(app).query_one("#health-pane")
        focused = app.focused
        assert focused is not None
        assert health in focused.ancestors_with_self or isinstance(focused, PodTree)
        await pilot.press("t")  # the hidden log pane's key does nothing
        assert not pane.timestamps
        await pilot.press("1", "tab", "2")
        assert app.focused is not pane.view
        # The mouse too.
        await pilot.press("1")
        await pilot.click("#tree")
        await pilot.press("tab")
        assert app.focused is pane.view
        await pilot.click("Tab#--content-tab-config")
        await pilot_wait_for(
            pilot, lambda: app.focused is not None and app.focused is not pane.view
        )
        assert config in app.focused.ancestors_with_self or isinstance(app.focused, PodTree)


# The editor.


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app can hand the terminal over (the test's headless driver cannot)."""

    @contextlib.contextmanager
    def suspend(self: ClawApp) -> Iterator[None]:
        yield

    monkeypatch.setattr(ClawApp, "suspend", suspend)


@pytest.mark.parametrize(
    ("command", "said"),
    [
        ("false", "The editor failed: false {pod} exited with status 1"),
        (
            "/nonexistent/claw-editor --wait",
            "Cannot run the editor: /nonexistent/claw-editor --wait {pod}: No such file or "
            "directory",
        ),
        (
            'vim "my file',
            "$EDITOR is not a valid command (No closing quotation): 'vim \"my file'",
        ),
    ],
)
async def test_an_editor_that_fails_is_reported(
    demo: Path,
    backend: FakeBackend,
    monkeypatch: pytest.MonkeyPatch,
    terminal: None,
    command: str,
    said: str,
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", command)
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("e")
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
        assert said.format(pod=shlex.quote(str(demo))) in messages
        assert app.is_running


async def test_the_focused_pane_has_a_border_in_the_themes_colour(
    demo: Path, backend: FakeBackend
) -> None:
    app = make_app(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        screen = main_screen(app)
        tree, detail = screen.query_one(PodTree), screen.query_one(TabbedContent)
        primary = app.current_theme.primary

        def edges(widget: Any) -> set[tuple[str, str]]:
            """The border's (type, colour) on every side."""
            border = widget.styles.border
            return {(kind, color.hex.upper()) for kind, color in border}

        await pilot.pause()
        assert app.focused is tree
        assert edges(tree) == {("round", primary.upper())}
        assert primary.upper() not in {c for _, c in edges(detail)}
        assert {kind for kind, _ in edges(detail)} == {"round"}  # the same room, focused or not
        await pilot.press("tab")
        await pilot.pause()
        assert edges(detail) == {("round", primary.upper())}
        assert primary.upper() not in {c for _, c in edges(tree)}
        app.theme = "textual-light"
        await pilot.pause()
        assert edges(detail) == {("round", app.current_theme.primary.upper())}
