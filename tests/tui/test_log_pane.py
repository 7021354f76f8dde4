"""The log pane in a small app, fed by FakeFeeds: what it shows, the keys, following again."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input

from clawlib.engine import LogEnded, LogExited, LogItem, LogLine, LogRestarted, LogSource
from clawlib.errors import ClawError, EngineDisconnectedError, EngineUnavailableError
from clawtui.logbuffer import clock
from clawtui.widgets.log_pane import LogPane
from clawtui.widgets.log_view import LogView
from tests.polling import pilot_wait_for
from tests.tui.fake_backend import HOST, START, FakeFeed, line, record, source_of

SIZE = (120, 30)
A = source_of(record("researcher-0", claw_service="researcher"))
B = source_of(record("web", claw_type=None))
BAR = " │ "


def err(source: LogSource, text: str, seconds: float = 0.0) -> LogLine:
    return LogLine(source, text, "stderr", START + timedelta(seconds=seconds))


class Opener:
    """``open_feed`` for the pane: records its calls and hands out FakeFeeds."""

    def __init__(self, error: ClawError | None = None) -> None:
        self.calls: list[tuple[tuple[LogSource, ...], int | None, datetime | None]] = []
        self.feeds: list[FakeFeed[LogItem]] = []
        self.error = error

    def __call__(
        self, sources: Sequence[LogSource], tail: int | None, since: datetime | None
    ) -> FakeFeed[LogItem]:
        self.calls.append((tuple(sources), tail, since))
        if self.error is not None:
            raise self.error
        feed: FakeFeed[LogItem] = FakeFeed()
        self.feeds.append(feed)
        return feed


class PaneApp(App[None]):
    def __init__(self, **options: Any) -> None:
        super().__init__()
        self.options = options
        self.failures: list[tuple[str, ClawError]] = []
        self.notes: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        yield LogPane(**self.options)

    def on_log_pane_follow_failed(self, message: LogPane.FollowFailed) -> None:
        self.failures.append((message.key, message.error))

    def notify(self, message: str, **kwargs: Any) -> None:
        self.notes.append((message, kwargs.get("severity", "information")))
        super().notify(message, **kwargs)


async def until(
    pilot: Pilot[None], condition: Callable[[], object], message: str = "the condition"
) -> None:
    """Wait (bounded) for the worker's batches to reach the pane, then for the pane to settle."""
    await pilot_wait_for(pilot, condition, interval=0.01, message=message)
    await pilot.pause()


def style(segment: Segment) -> Style:
    assert segment.style is not None
    return segment.style


def rows(pane: LogPane) -> list[str]:
    return [row.rstrip() for row in pane.view.rendered_rows()]


async def started(
    pilot: Pilot[None],
    pane: LogPane,
    opener: Opener,
    *lines: LogItem,
    key: str = "service:researcher",
    sources: Sequence[LogSource] = (A, B),
) -> FakeFeed[LogItem]:
    """Follow ``sources`` and push ``lines``; returns once they are all in the pane."""
    count = len(opener.feeds)
    before = pane.buffer.end
    pane.follow(key, "researcher", sources, opener)
    await until(pilot, lambda: len(opener.feeds) > count, "the feed to open")
    feed = opener.feeds[-1]
    feed.push(*lines)
    await until(pilot, lambda: pane.buffer.end >= before + len(lines), "the lines")
    return feed


async def test_lines_show_with_padded_coloured_prefixes() -> None:
    app, opener = PaneApp(), Opener()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(LogPane)
        await started(pilot, pane, opener, line(A, "hello"), err(B, "boom"), line(A, "again"))
        assert opener.calls == [((A, B), 500, None)]
        assert rows(pane)[:4] == [
            f"demo-researcher-0-1{BAR}hello",
            f"demo-web-1         {BAR}boom",
            f"demo-researcher-0-1{BAR}again",
            "",
        ]
        assert pane.status_text == "researcher  ·  2 containers  ·  following  ·  tail 500"
        first, second = (list(pane.view.render_line(y)) for y in (0, 1))
        # The names differ in colour; the error line's text is in the error colour.
        assert style(first[0]).color != style(second[0]).color
        stderr = pane.view.get_component_rich_style("log-view--stderr").color
        assert second[2].text == "boom"
        assert style(second[2]).color == stderr
        assert style(first[2]).color != stderr
        assert pane.plain_text() == (
            f"demo-researcher-0-1{BAR}hello\n"
            f"demo-web-1         {BAR}boom\n"
            f"demo-researcher-0-1{BAR}again\n"
        )


async def test_t_toggles_timestamps() -> None:
    app, opener = PaneApp(), Opener()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(LogPane)
        await started(pilot, pane, opener, line(A, "hello", 1.25))
        assert rows(pane)[0] == f"demo-researcher-0-1{BAR}hello"
        await pilot.press("t")
        stamp = clock(START + timedelta(seconds=1.25))
        assert stamp.endswith(".250")
        assert rows(pane)[0] == f"{stamp} demo-researcher-0-1{BAR}hello"
        assert pane.status_text.endswith("  ·  timestamps")
        await pilot.press("t")
        assert rows(pane)[0] == f"demo-researcher-0-1{BAR}hello"


async def test_w_wraps_a_long_line_under_its_message() -> None:
    app, opener = PaneApp(), Opener()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(LogPane)
        await started(pilot, pane, opener, line(A, "x" * 250), line(B, "after"))
        width = pane.view.scrollable_content_region.width
        prefix = len(f"demo-researcher-0-1{BAR}")
        assert rows(pane)[:2] == [
            f"demo-researcher-0-1{BAR}" + "x" * (width - prefix),
            f"demo-web-1         {BAR}after",
        ]
        assert pane.view.virtual_size.height == 2
        await pilot.press("w")
        # The rows after the first start under the message, not under the name.
        room = width - prefix
        assert -(-250 // room) == 3
        assert pane.view.virtual_size.height == 3 + 1
        assert rows(pane)[:4] == [
            f"demo-researcher-0-1{BAR}" + "x" * room,
            " " * prefix + "x" * room,
            " " * prefix + "x" * (250 - 2 * room),
            f"demo-web-1         {BAR}after",
        ]
        assert "wrap" in pane.status_text.split("  ·  ")
        # With timestamps, under the message still.
        await pilot.press("t")
        stamped = prefix + len(clock(START)) + 1
        room = width - stamped
        assert pane.view.virtual_size.height == -(-250 // room) + 1
        assert rows(pane)[1] == " " * stamped + "x" * room
        # A narrower terminal wraps the line again, at the new width.
        await pilot.resize_terminal(80, 30)
        narrow = pane.view.scrollable_content_region.width
        assert narrow < width
        room = narrow - stamped
        assert pane.view.virtual_size.height == -(-250 // room) + 1
        assert rows(pane)[1] == " " * stamped + "x" * room
        # Too narrow for the indent to leave room: the rows after the first use the width.
        await pilot.resize_terminal(48, 30)
        tiny = pane.view.scrollable_content_region.width
        assert tiny - stamped < 16
        first = tiny - stamped
        assert pane.view.virtual_size.height == 1 + -(-(250 - first) // tiny) + 1
        assert rows(pane)[:2] == [rows(pane)[0], "x" * tiny]
        await pilot.press("w")
        assert pane.view.virtual_size.height == 2


async def test_scrolling_up_pauses_and_end_follows_again() -> None:
    app, opener = PaneApp(), Opener()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(LogPane)
        view = pane.view
        feed = await started(pilot, pane, opener, *(line(A, f"line {i}", i) for i in range(100)))
        assert view.scroll_offset.y == view.max_scroll_y > 0
        await pilot.press("up")
        assert "paused — 0 new lines" in pane.status_text
        top = view.scroll_offset.y
        feed.push(*(line(A, f"more {i}", 100 + i) for i in range(5)))
        await until(pilot, lambda: "paused — 5 new lines" in pane.status_text)
        assert view.scroll_offset.y == top < view.max_scroll_y
        await pilot.press("end")
        assert "following" in pane.status_text
        assert view.scroll_offset.y == view.max_scroll_y
        assert rows(pane)[-1] == f"demo-researcher-0-1{BAR}more 4"
        # space pauses and resumes; G jumps back to the bottom as end does.
        await pilot.press("space")
        assert "paused — 0 new lines" in pane.status_text
        await pilot.press("space")
        assert "following" in pane.status_text
        await pilot.press("pageup", "home")
        assert view.scroll_offset.y == 0
        assert "paused" in pane.status_text
        await pilot.press("G")
        assert view.scroll_offset.y == view.max_scroll_y
        assert "following" in pane.status_text


async def test_the_mouse_wheel_pauses_and_scrolling_back_down_follows_again() -> None:
    app, opener = PaneApp(), Opener()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(LogPane)
        view = pane.view
        await started(pilot, pane, opener, *(line(A, f"line {i}", i) for i in range(100)))
        bottom = view.max_scroll_y
        view.post_message(events.MouseScrollUp(view, 5, 5, 0, -1, 0, False, False, False))
        await until(pilot, lambda: "paused" in pane.status_text)
        assert view.scroll_offset.y < bottom
        while view.scroll_offset.y < bottom:
            view.post_message(events.MouseScrollDown(view, 5, 5, 0, 1, 0, False, False, False))
            await pilot.pause()
        assert "following" in pane.status_text


async def test_search_highlights_and_n_moves_between_hits() -> None:
    app, opener = PaneApp(), Opener()
    texts = ["ok", "Error one", "ok", "an error two", "ok", "ERROR three"]
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(LogPane)
        view = pane.view
        await started(pilot, pane, opener, *(line(A, t, i) for i, t in enumerate(texts)))
        await pilot.press("slash", *"error")
        assert pane.buffer.hits == [1, 3, 5]
        assert 'search "error": 3 hits' in pane.status_text
        segments = list(view.render_line(1))
        match = view.get_component_rich_style("log-view--match").bgcolor
        assert [s.text for s in segments[2:4]] == ["Error", " one"]
        assert style(segments[2]).bgcolor == match
        assert style(segments[3]).bgcolor != match
        await pilot.press("enter")
        assert app.focused is view
        assert 'search "error": hit 1/3' in pane.status_text
        current = view.get_component_rich_style("log-view--current-match").bgcolor
        assert style(list(view.render_line(1))[2]).bgcolor == current
        hits = []
        for key in ("n", "n", "n", "N", "N"):
            await pilot.press(key)
            hits.append(pane.status_text.split("  ·  ")[3])
        assert hits == [
            'search "error": hit 2/3',
            'search "error": hit 3/3',
            'search "error": hit 1/3',
            'search "error": hit 3/3',
            'search "error": hit 2/3',
        ]
        assert view.current_hit == 3
        assert "paused" in pane.status_text  # jumping to a hit stops following


async def test_an_invalid_regular_expression_is_reported_and_escape_clears() -> None:
    app, opener = PaneApp(), Opener()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(LogPane)
        await started(pilot, pane, opener, line(A, "a (b"), line(A, "c"))
        await pilot.press("slash", *"re:(b")
        assert pane.status_text.split("  ·  ")[3] == (
            "invalid regular expression '(b': missing ), unterminated subpattern at position 0"
        )
        assert pane.buffer.search is None
        await pilot.press("backspace", "backspace", "backslash", "(")
        assert pane.status_text.split("  ·  ")[3] == 'search "re:\\(": 1 hit'
        # The first escape closes the input and keeps the highlights, the second clears.
        search = pane.query_one("#log-search", Input)
        await pilot.press("escape")
        assert not search.has_class("-open")
        assert app.focused is pane.view
        assert pane.buffer.hits == [0]
        await pilot.press("escape")
        assert pane.buffer.search is None
        assert pane.status_text == "researcher  ·  2 containers  ·  following  ·  tail 500"


async def test_the_filter_shows_matching_lines_and_keeps_up_with_new_ones() -> None:
    app, opener = PaneApp(), Opener()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(LogPane)
        feed = await started(
            pilot,
            pane,
            opener,
            line(A, "GET / 200"),
            line(B, "error: disk"),
            line(A, "GET /x 200"),
            err(B, "ERROR: net"),
        )
        await pilot.press("f", *"error", "enter")
        assert rows(pane)[:3] == [
            f"demo-web-1         {BAR}error: disk",
            f"demo-web-1         {BAR}ERROR: net",
            "",
        ]
        assert 'filter "error": 2 of 4 lines' in pane.status_text
        feed.push(line(A, "fine"), line(A, "another error"))
        await until(pilot, lambda: pane.buffer.end == 6)
        assert rows(pane)[2] == f"demo-researcher-0-1{BAR}another error"
        assert 'filter "error": 3 of 6 lines' in pane.status_text
        await pilot.press("F")
        assert pane.buffer.shown_count == 6
        assert "filter" not in pane.status_text
        # Escape in the empty filter input clears the filter too.
        await pilot.press("f", *"get")
        assert pane.buffer.shown_count == 2
        await pilot.press(*["backspace"] * 3, "escape")
        assert pane.buffer.filter is None
        assert pane.buffer.shown_count == 6


async def test_a_full_ring_counts_what_it_drops() -> None:
    app, opener = PaneApp(max_lines=10), Opener()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(LogPane)
        await started(pilot, pane, opener, *(line(A, f"n{i}", i) for i in range(25)))
        assert len(pane.buffer) == 10
        assert "15 earlier lines dropped" in pane.status_text
        assert rows(pane)[0] == f"demo-researcher-0-1{BAR}n15"
        assert rows(pane)[9] == f"demo-researcher-0-1{BAR}n24"
        await pilot.press("c")
        assert len(pane.buffer) == 0
        assert "dropped" not in pane.status_text
        assert rows(pane)[0] == ""


async def test_an_ended_log_shows_a_marker_and_the_stream_ends() -> None:
    app, opener = PaneApp(), Opener()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(LogPane)
        feed = await started(
            pilot, pane, opener, line(A, "bye"), LogEnded(A, "container exited (code 0)")
        )
        assert rows(pane)[:2] == [
            f"demo-researcher-0-1{BAR}bye",
            "── demo-researcher-0-1: container exited (code 0) ──",
        ]
        feed.end()
        await until(pilot, lambda: "ended" in pane.status_text)
        assert pane.status_text == "researcher  ·  2 containers  ·  ended  ·  tail 500"


async def test_a_restart_while_following_shows_a_marker_and_the_new_lines() -> None:
    app, opener = PaneApp(), Opener()
    restarted = LogRestarted(A, START + timedelta(seconds=30), 137, START + timedelta(seconds=5))
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(LogPane)
        feed = await started(
            pilot,
            pane,
            opener,
            line(A, "before", 1),
            LogExited(A, 137, START + timedelta(seconds=5)),
            restarted,
            line(A, "after", 31),
        )
        assert rows(pane)[:4] == [
            f"demo-researcher-0-1{BAR}before",
            "── demo-researcher-0-1: container exited (code 137) ──",
            f"── demo-researcher-0-1: {restarted.describe()} ──",
            f"demo-researcher-0-1{BAR}after",
        ]
        assert restarted.describe() == f"restarted {clock(restarted.started_at)[:8]}, exit code 137"
        assert pane.status_text == "researcher  ·  2 containers  ·  following  ·  tail 500"
        feed.push(line(A, "later", 32))
        await until(pilot, lambda: pane.buffer.end >= 5)
        assert rows(pane)[4] == f"demo-researcher-0-1{BAR}later"
        assert not feed.closed


async def test_a_recreated_container_goes_on_under_its_stable_name() -> None:
    app, opener = PaneApp(), Opener()
    replacement = LogSource("f" * 64, B.name, B.service)
    recreated = LogRestarted(replacement, START + timedelta(seconds=40), previous=B)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(LogPane)
        await started(
            pilot,
            pane,
            opener,
            line(B, "old", 1),
            recreated,
            line(replacement, "new", 41),
            sources=(B,),
        )
        assert rows(pane)[:3] == [
            f"demo-web-1{BAR}old",
            f"── demo-web-1: {recreated.describe()} ──",
            f"demo-web-1{BAR}new",
        ]
        assert recreated.describe().startswith("recreated ")


async def test_following_the_same_key_again_skips_what_was_shown() -> None:
    app, opener = PaneApp(), Opener()
    recreated = LogSource("c" * 64, B.name, B.service)  # B's container, recreated: a new ID
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(LogPane)
        first = await started(
            pilot, pane, opener, line(A, "a1", 1), line(B, "b2", 2), line(A, "a3", 3)
        )
        await started(pilot, pane, opener, sources=(A, recreated))
        assert first.closed
        # Since the earliest last-seen time among A (3 s) and B (2 s), with no tail.
        assert opener.calls[-1] == ((A, recreated), None, START + timedelta(seconds=2))
        opener.feeds[-1].push(
            line(A, "a2 again", 2),
            line(A, "a3 again", 3),
            line(recreated, "new b", 2),
            line(A, "a4", 4),
        )
        await until(pilot, lambda: pane.buffer.end >= 5)
        assert pane.buffer.texts == ["a1", "b2", "a3", "new b", "a4"]
        assert rows(pane)[3] == f"demo-web-1         {BAR}new b"
        # A new key starts afresh, with the tail.
        await started(pilot, pane, opener, line(A, "other"), key="service:other")
        assert opener.calls[-1] == ((A, B), 500, None)
        assert pane.buffer.texts == ["other"]


async def test_following_the_same_key_before_any_line_starts_with_the_tail() -> None:
    app, opener = PaneApp(), Opener()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(LogPane)
        await started(pilot, pane, opener, sources=(A,))
        await started(pilot, pane, opener, sources=(A,))  # e.g. the engine came back
        assert opener.calls[-1] == ((A,), 500, None)  # never a container's whole log


async def test_no_containers_to_follow() -> None:
    app, opener = PaneApp(), Opener()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(LogPane)
        pane.follow("service:web", "web", [], opener)
        await pilot.pause()
        assert pane.status_text == "web  ·  no containers to follow  ·  tail 500"
        assert opener.calls == []


async def test_a_lost_stream_is_shown_and_reported() -> None:
    app, opener = PaneApp(), Opener()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(LogPane)
        feed = await started(pilot, pane, opener, line(A, "before"))
        error = EngineDisconnectedError(HOST, "connection reset")
        feed.fail(error)
        await until(pilot, lambda: app.failures)
        assert app.failures == [("service:researcher", error)]
        assert f"log stream lost: {error}" in pane.status_text
        assert pane.query_one("#log-status").has_class("-lost")
        assert pane.buffer.texts == ["before"]


async def test_an_engine_that_cannot_be_reached_is_reported() -> None:
    error = EngineUnavailableError(HOST, "connection refused")
    app, opener = PaneApp(), Opener(error)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(LogPane)
        pane.follow("service:web", "web", [B], opener)
        await until(pilot, lambda: app.failures)
        assert app.failures == [("service:web", error)]
        assert f"cannot follow the logs: {error}" in pane.status_text


class BrokenFeed(FakeFeed[LogItem]):
    def get_batch(self, max_items: int = 1000, timeout: float | None = None) -> list[Any]:
        raise RuntimeError("boom")


async def test_a_reader_that_crashes_says_so() -> None:
    app = PaneApp()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(LogPane)
        pane.follow("service:web", "web", [B], lambda sources, tail, since: BrokenFeed())
        await until(pilot, lambda: "failed" in pane.status_text)
        assert pane.status_text == (
            "web  ·  1 container  ·  log reader failed: RuntimeError('boom')  ·  tail 500"
        )
        assert app.failures == []


async def test_stop_closes_the_feed_and_keeps_the_lines() -> None:
    app, opener = PaneApp(), Opener()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(LogPane)
        feed = await started(pilot, pane, opener, line(A, "kept"))
        pane.stop()
        assert feed.closed
        assert pane.status_text == "researcher  ·  2 containers  ·  stopped  ·  tail 500"
        assert pane.buffer.texts == ["kept"]


async def test_ctrl_s_saves_the_lines_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app, opener = PaneApp(), Opener()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(LogPane)
        await started(
            pilot,
            pane,
            opener,
            line(A, "keep me", 1),
            line(B, "not me", 2),
            err(B, "keep this too", 3),
            LogEnded(B, "container removed"),
        )
        await pilot.press("f", *"re:keep|removed", "enter", "ctrl+s")
        (saved,) = tmp_path.glob("claw-logs-service_researcher-*.log")
        assert len(saved.name) == len("claw-logs-service_researcher-20261130-080000.log")

        def iso(seconds: int) -> str:
            when = START + timedelta(seconds=seconds)
            return when.astimezone().isoformat(timespec="milliseconds")

        assert saved.read_text(encoding="utf-8") == (
            f"{iso(1)} demo-researcher-0-1{BAR}keep me\n"
            f"{iso(3)} demo-web-1         {BAR}keep this too\n"
            f"{' ' * 29} ── demo-web-1: container removed ──\n"
        )
        assert app.notes == [(f"saved 3 lines to {saved}", "information")]
        # A directory that cannot be written to: an error notification, no traceback.
        monkeypatch.chdir(tmp_path)
        monkeypatch.setattr(Path, "cwd", classmethod(lambda cls: tmp_path / "missing"))
        await pilot.press("ctrl+s")
        message, severity = app.notes[-1]
        assert severity == "error"
        assert message.startswith("could not save the logs: [Errno 2] No such file or directory")


async def test_y_copies_the_newest_lines_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("clawtui.widgets.log_pane.COPY_LINES", 2)
    app, opener = PaneApp(), Opener()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(LogPane)
        await started(
            pilot, pane, opener, line(A, "one", 1), line(B, "two", 2), line(A, "three", 3)
        )
        await pilot.press("y")
        assert app.clipboard == (f"demo-web-1         {BAR}two\ndemo-researcher-0-1{BAR}three\n")
        assert app.notes[-1] == ("copied 2 lines", "information")


async def test_a_huge_line_is_cut() -> None:
    app, opener = PaneApp(), Opener()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(LogPane)
        await started(pilot, pane, opener, line(A, "z" * 250_000), line(A, "next"))
        assert pane.buffer.texts == ["z" * 10_000 + " … (240,000 more characters)", "next"]
        await pilot.press("w")
        width = pane.view.scrollable_content_region.width
        prefix = len(f"demo-researcher-0-1{BAR}")
        cells = prefix + 10_000 + len(" … (240,000 more characters)")
        # The first row, then rows of the width less the indent under the message.
        assert pane.view.virtual_size.height == 1 + -(-(cells - width) // (width - prefix)) + 1
        assert rows(pane)[-1] == f"demo-researcher-0-1{BAR}next"


async def test_T_cycles_the_tail_and_follows_again_from_scratch() -> None:
    app, opener = PaneApp(), Opener()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(LogPane)
        await started(pilot, pane, opener, line(A, "old"))
        await pilot.press("T")
        await until(pilot, lambda: len(opener.calls) == 2)
        assert opener.calls[-1] == ((A, B), 2000, None)
        assert pane.buffer.texts == []
        assert pane.status_text.endswith("tail 2,000")
        await pilot.press("T", "T")
        await until(pilot, lambda: len(opener.calls) == 4)
        assert [call[1] for call in opener.calls] == [500, 2000, 10_000, None]
        assert pane.status_text.endswith("tail all")
        await pilot.press("T")
        assert pane.tail == 100


async def test_the_pane_hands_focus_to_its_view() -> None:
    app = PaneApp()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(LogPane)
        pane.focus()
        await pilot.pause()
        assert isinstance(app.focused, LogView)
