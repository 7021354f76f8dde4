"""The pod view on small and large terminals and in light and dark themes: the tree's share of
the width, zooming the detail area, the footer's fit, the names of keys, colours that stay
readable whatever the theme, and status messages that clear themselves."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

import pytest
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.color import Color
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Input, Static, TabbedContent
from textual.widgets._footer import FooterKey

from clawlib.engine import LogLine
from clawtui.app import ClawApp, make_app
from clawtui.screens.help import HelpScreen, key_label
from clawtui.widgets.key_footer import KeyFooter
from clawtui.widgets.log_pane import LogPane
from clawtui.widgets.pod_tree import PodTree
from clawtui.widgets.status_bar import StatusBar
from tests.polling import pilot_wait_for
from tests.tui.fake_backend import FakeBackend
from tests.tui.test_app import settled
from tests.tui.test_main_screen import main_screen, ready, status, tree_lines


def contrast(first: Color, second: Color) -> float:
    """The WCAG 2 contrast ratio of two colours (1 to 21)."""

    def luminance(colour: Color) -> float:
        def linear(channel: int) -> float:
            value = channel / 255
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        return 0.2126 * linear(colour.r) + 0.7152 * linear(colour.g) + 0.0722 * linear(colour.b)

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


READABLE = 4.5
"""The least contrast of text with its background (WCAG AA for body text)."""
LIGHT_THEMES = ("textual-light", "catppuccin-latte", "solarized-light", "atom-one-light")
MESSAGE = "gateway listening on :18789"


async def logged(pilot: Pilot[None], app: ClawApp, backend: FakeBackend) -> LogPane:
    """Ready, with every container's first line in the log pane."""
    await ready(pilot, app)
    for container in list(backend.records.values()):
        backend.log(container, MESSAGE, "tick 1")
    pane = main_screen(app).query_one(LogPane)
    await pilot_wait_for(
        pilot, lambda: pane.plain_text().count("tick 1") == 5, message="the lines in the pane"
    )
    await pilot.pause()
    return pane


# The tree's share of the width, and zoom.


async def test_at_80_columns_the_tree_leaves_room_for_the_log_messages(
    demo, backend: FakeBackend
) -> None:
    app = make_app(demo, backend)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await logged(pilot, app, backend)
        tree = main_screen(app).query_one(PodTree)
        assert tree.outer_size.width <= 80 * 0.3
        rows = [row.rstrip() for row in pane.view.rendered_rows()]
        assert f"demo-researcher-0-1 │ {MESSAGE}" in rows
        # Wider, the tree takes its usual share again.
        await pilot.resize_terminal(130, 36)
        await pilot.pause()
        assert tree.outer_size.width == int(130 * 0.42)


async def test_z_zooms_the_detail_area_to_the_full_width_and_back(
    demo, backend: FakeBackend
) -> None:
    app = make_app(demo, backend)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await logged(pilot, app, backend)
        screen = main_screen(app)
        tree = screen.query_one(PodTree)
        detail = screen.query_one(TabbedContent)
        assert app.focused is tree
        assert "zoom" not in status(app)
        await pilot.press("z")
        assert not tree.display
        assert detail.outer_size.width == 80
        # The focus left the hidden tree for the pane shown.
        assert app.focused is pane.view
        assert status(app).startswith("zoomed (z)  │  ● engine connected")
        rows = [row.rstrip() for row in pane.view.rendered_rows()]
        assert f"demo-researcher-0-1 │ {MESSAGE}" in rows
        # Keys still reach the pane, and tab cannot land on the hidden tree.
        await pilot.press("t")
        assert pane.timestamps
        await pilot.press("tab", "tab", "tab")
        assert app.focused is not tree
        await pilot.press("z")
        assert tree.display
        assert tree.outer_size.width > 0
        assert detail.outer_size.width < 80
        assert "zoom" not in status(app)
        # Zoomed with the focus on a tab whose pane takes none: it still leaves the tree.
        app.set_focus(tree)
        await pilot.press("2", "z")
        assert app.focused is not None
        assert detail in app.focused.ancestors
        await pilot.press("z")


# The footer.


def footer_overflow(app: App[None]) -> list[str]:
    """The keys of the footer that are not wholly on screen, or overlap the palette's key."""
    footer = app.screen.query_one(Footer)
    keys = list(footer.query(FooterKey))
    palette = [key for key in keys if key.has_class("-command-palette")]
    limit = palette[0].region.x if palette else footer.region.right
    return [
        f"{key.key_display} {key.description}"
        for key in keys
        if key not in palette and (key.region.width == 0 or key.region.right > limit)
    ]


def footer_keys(app: App[None]) -> list[str]:
    return [key.key_display for key in app.screen.query_one(Footer).query(FooterKey)]


async def footer_settled(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (160, 48), (220, 60)])
async def test_the_footer_fits_and_always_offers_help(
    demo, backend: FakeBackend, size: tuple[int, int]
) -> None:
    demo.write_text(demo.read_text().replace("count: 2", "count: zero"))
    app = make_app(demo, backend)
    async with app.run_test(size=size) as pilot:
        await pilot_wait_for(pilot, lambda: type(app.screen).__name__ == "ProblemsScreen")
        await pilot.press("escape")  # with problems: "E Problems" is offered too
        screen = main_screen(app)
        pane = screen.query_one(LogPane)

        async def check(where: str) -> None:
            await footer_settled(pilot)
            assert footer_overflow(app) == [], where
            assert "?" in footer_keys(app), where

        await check("tree")
        await pilot.press("tab")
        assert app.focused is pane.view
        await check("logs")
        await pilot.press("slash", "t", "i", "c", "k", "enter")  # n and N are offered too
        await pilot.press("f", "t", "enter")  # and F
        await check("logs, searching and filtering")
        for tab in ("2", "3", "4", "5"):
            app.set_focus(screen.query_one(PodTree))
            await pilot.press(tab, "tab")
            await check(f"tab {tab}")
        shown = footer_keys(app)
        if size[0] >= 160:  # wide: the pod view's main keys are all there
            app.set_focus(screen.query_one(PodTree))
            await footer_settled(pilot)
            shown = footer_keys(app)
            assert {"p", "r", "S", "s", "z", "E", "q", "?"} <= set(shown)
        # A terminal made narrower chooses the keys again.
        await pilot.resize_terminal(70, 24)
        await check("resized to 70 columns")


# Key names.


def screen_rows(app: App[None]) -> list[str]:
    """The text of the screen as drawn, row by row."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


class KeysScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left_square_bracket", "previous", "Previous", id="keys.previous"),
        Binding("right_square_bracket", "next", "Next", id="keys.next"),
        Binding("end,G", "follow", "Follow", id="keys.follow"),
        Binding("ctrl+s", "save", "Save", id="keys.save"),
        Binding("slash", "search", "Search", id="keys.search"),
        Binding("space", "pause", "Pause", id="keys.pause"),
        Binding("enter", "open", "Open", id="keys.open"),
        Binding("plus", "more", "More", id="keys.more"),
        Binding("g", "go", "Go", key_display="gg", id="keys.go"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("keys")
        yield KeyFooter(compact=True)


class KeysApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(KeysScreen())


async def test_keys_show_by_their_printed_form() -> None:
    app = KeysApp()
    async with app.run_test(size=(160, 30)) as pilot:
        await pilot.pause()
        labels = [key_label(app, b) for b in KeysScreen.BINDINGS if isinstance(b, Binding)]
        assert labels == ["[", "]", "end, G", "^s", "/", "space", "⏎", "+", "gg"]
        # As the footer prints them.
        await pilot_wait_for(pilot, lambda: footer_keys(app), message="the footer's keys")
        assert footer_keys(app) == ["[", "]", "end", "^s", "/", "space", "⏎", "+", "gg", "^p"]


def help_keys(app: App[None]) -> list[str]:
    """The keys column of the help screen."""
    rows = [line.split("█")[1] for line in screen_rows(app) if line.count("█") >= 2]
    return [row.strip().split("  ")[0] for row in rows]


async def test_the_help_and_palette_print_every_key_of_the_pod_view(
    demo, backend: FakeBackend
) -> None:
    app = make_app(demo, backend)
    async with app.run_test(size=(130, 60)) as pilot:
        await ready(pilot, app)
        app.set_focus(main_screen(app).query_one(LogPane).view)
        await pilot.press("question_mark")
        await pilot_wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        keys = help_keys(app)
        for shown in ("[", "]", "/", "?", "space", "end, G", "^s", "z"):
            assert shown in keys, shown
        help_text = "\n".join(screen_rows(app))
        for name in ("square", "slash", "question_mark", "ctrl+s"):
            assert name not in help_text, name
        await pilot.press("escape")
        commands = {c.help for c in app.get_system_commands(main_screen(app))}
        assert "Config · key ]" in commands
        assert "Logs · key end, G" in commands


# Colours.


def _colour(style: Style | str | None) -> Color | None:
    if not isinstance(style, Style) or style.color is None or style.color.is_default:
        return None
    return Color.from_rich_color(style.color)


def unreadable_spans(text: Text, background: Color) -> list[str]:
    """The pieces of ``text`` whose colour does not stand out from ``background``."""
    found = []
    base = _colour(text.style)
    if base is not None and contrast(base, background) < READABLE:
        found.append(f"{text.plain!r} {base.hex} on {background.hex}")
    for span in text.spans:
        colour = _colour(span.style)
        if colour is not None and contrast(colour, background) < READABLE:
            piece = text.plain[span.start : span.end]
            found.append(f"{piece!r} {colour.hex} on {background.hex}")
    return found


def unreadable_rows(widget: Widget, rows: int) -> list[str]:
    """The segments of the first ``rows`` rendered rows of a Line API ``widget`` whose colour
    does not stand out from their background (the theme's own text colour left aside)."""
    found = []
    own = widget.rich_style.color
    for y in range(rows):
        for segment in widget.render_line(y):
            style = segment.style
            if not segment.text.strip() or style is None or style.color is None:
                continue
            if style.color == own and style.bgcolor == widget.rich_style.bgcolor:
                continue
            if style.bgcolor is None or style.color.is_default or style.bgcolor.is_default:
                continue
            fg = Color.from_rich_color(style.color)
            bg = Color.from_rich_color(style.bgcolor)
            if contrast(fg, bg) < READABLE:
                found.append(f"row {y} {segment.text!r} {fg.hex} on {bg.hex}")
    return found


def background_of(widget: Widget) -> Color:
    return widget.background_colors[1]


@pytest.mark.parametrize("theme", [*LIGHT_THEMES, "textual-dark", "nord"])
async def test_a_theme_picked_while_running_keeps_every_colour_readable(
    demo, backend: FakeBackend, theme: str
) -> None:
    backend.health["demo-reviewer-1"] = ("unhealthy", "gateway not answering")
    app = make_app(demo, backend)
    async with app.run_test(size=(130, 36)) as pilot:
        pane = await logged(pilot, app, backend)
        screen = main_screen(app)
        tree = screen.query_one(PodTree)
        await pilot_wait_for(pilot, lambda: "✗ unhealthy" in "\n".join(tree_lines(app)))
        screen.query_one(StatusBar).action = "restart reviewer: done"
        sources, feed = backend.log_feeds[-1]
        feed.push(LogLine(sources[0], "boom", "stderr", datetime.now(UTC)))
        await pilot_wait_for(pilot, lambda: "boom" in pane.plain_text())
        pane.query_one("#log-search", Input).value = "tick"
        pane.action_next_hit()  # a current hit among the others
        app.theme = theme
        await pilot.pause()
        await pilot.pause()
        # The tree's labels: every part of every node but the one under the cursor.
        tree_bg = background_of(tree)
        nodes = [tree.root, *tree.root.children]
        nodes += [child for node in tree.root.children for child in node.children]
        problems = []
        for node in nodes:
            if node is not tree.cursor_node:
                label = node.label
                assert isinstance(label, Text)
                problems += unreadable_spans(label, tree_bg)
        bar = screen.query_one(StatusBar)
        problems += unreadable_spans(bar.render(), background_of(bar))
        problems += unreadable_rows(pane.view, 12)
        assert problems == []
        # The names of different containers still differ.
        names = {
            strip_style
            for y in range(10)
            if (strip_style := next(iter(pane.view.render_line(y))).style) is not None
        }
        assert len({style.color for style in names}) == 5


async def test_the_tree_is_drawn_again_in_the_new_theme(demo, backend: FakeBackend) -> None:
    app = make_app(demo, backend)
    async with app.run_test(size=(130, 36)) as pilot:
        await logged(pilot, app, backend)
        tree = main_screen(app).query_one(PodTree)
        image = tree.root.children[0].label
        assert isinstance(image, Text)
        before = image.spans[-1].style
        app.theme = "textual-light"
        await pilot.pause()
        await pilot.pause()
        after = tree.root.children[0].label
        assert isinstance(after, Text)
        assert after.plain.endswith("claw-local/demo-assistant:latest")
        assert after.spans[-1].style != before


# Status messages.


class StatusApp(App[None]):
    def compose(self) -> ComposeResult:
        yield StatusBar()


async def test_a_status_message_clears_itself_and_the_states_stay() -> None:
    app = StatusApp()
    async with app.run_test(size=(120, 5)) as pilot:
        bar = app.query_one(StatusBar)
        bar.message_seconds = 0.3
        bar.engine, bar.engine_detail = "unreachable", "connection refused"
        bar.say("saved to /tmp/x.log")
        assert str(bar.render()).endswith("  │  saved to /tmp/x.log")
        # A newer message is not cleared by the older one's timer.
        await pilot.pause(0.15)
        bar.message_seconds = 30
        bar.say("copied 3 lines")
        await pilot.pause(0.3)
        assert str(bar.render()).endswith("  │  copied 3 lines")
        bar.message_seconds = 0.3
        bar.say("restart web: done")
        await pilot_wait_for(
            pilot, lambda: "restart web" not in str(bar.render()), interval=0.02, timeout=2
        )
        assert bar.action == ""
        # What lasts until replaced, and the engine's state, stay.
        bar.say("restart web…", lasting=True)
        await pilot.pause(0.45)
        assert str(bar.render()) == (
            "○ engine unreachable: connection refused  │  planning…  │  restart web…"
        )


async def test_an_action_s_outcome_clears_from_the_status_bar(demo, backend: FakeBackend) -> None:
    app = make_app(demo, backend)
    (demo.parent / "compose.generated.yml").write_text("name: demo\nservices: {}\n")
    async with app.run_test(size=(130, 36)) as pilot:
        await ready(pilot, app)
        main_screen(app).query_one(StatusBar).message_seconds = 0.3
        await pilot.press("down", "down", "down", "r")
        await pilot_wait_for(pilot, lambda: "restart researcher: done" in status(app))
        await pilot_wait_for(
            pilot, lambda: "restart researcher" not in status(app), interval=0.02, timeout=2
        )
        assert "engine connected" in status(app)
        assert "plan: 16 to add, 1 to change" in status(app)


# Snapshots: the pod view small and light, zoomed, and wide with the logs focused.


def test_pod_view_snapshot_small_and_light(snap_compare, demo, backend: FakeBackend) -> None:
    app = make_app(demo, backend)

    async def run_before(pilot: Pilot[None]) -> None:
        app.theme = "textual-light"
        await settled(backend)(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_pod_view_snapshot_zoomed(snap_compare, demo, backend: FakeBackend) -> None:
    assert snap_compare(
        make_app(demo, backend), terminal_size=(80, 24), run_before=settled(backend, keys=("z",))
    )


def test_pod_view_snapshot_wide_with_the_logs_focused(
    snap_compare, demo, backend: FakeBackend
) -> None:
    """Wrapped and stamped: a long line's rows hang under its message."""

    async def run_before(pilot: Pilot[None]) -> None:
        await settled(backend)(pilot)
        pane = main_screen(pilot.app).query_one(LogPane)  # type: ignore[arg-type]
        reviewer = next(c for c in backend.records.values() if c.name == "demo-reviewer-1")
        words = " ".join(f"step={n} status=ok latency={n * 7}ms" for n in range(1, 9))
        backend.log(reviewer, f"request finished: {words}")
        await pilot_wait_for(pilot, lambda: "step=8" in pane.plain_text())
        await pilot.press("tab", "w", "t")
        await pilot.pause(0.3)

    assert snap_compare(make_app(demo, backend), terminal_size=(160, 48), run_before=run_before)


async def test_the_plan_and_problems_footers_fit_at_80_columns(demo, backend: FakeBackend) -> None:
    app = make_app(demo, backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, app)
        await pilot.press("p")
        await pilot_wait_for(pilot, lambda: type(app.screen).__name__ == "PlanScreen")
        await footer_settled(pilot)
        assert footer_overflow(app) == []
        assert "?" in footer_keys(app)
    demo.write_text(demo.read_text().replace("count: 2", "count: zero"))
    app = make_app(demo, backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot_wait_for(pilot, lambda: type(app.screen).__name__ == "ProblemsScreen")
        await footer_settled(pilot)
        assert footer_overflow(app) == []
        assert footer_keys(app) == ["e", "r", "esc"]
