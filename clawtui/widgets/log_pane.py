"""The live log pane: the followed logs of a node's containers, searchable and filterable.

:class:`LogPane` is a status line over a :class:`LogView` with a search and a filter input
below it. A thread worker reads the feed and hands the UI one batch at most every 200 ms; the
batch goes into a bounded :class:`~clawtui.logbuffer.LogBuffer` and the view renders only the
rows on screen (Line API), so the cost of a frame does not grow with the rate of the logs.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import var
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerState, get_current_worker

from clawlib.engine import LogItem, LogSource
from clawlib.errors import ClawError
from clawtui.backend import Feed
from clawtui.logbuffer import (
    Batch,
    LogBuffer,
    PatternError,
    compile_query,
    prepare,
)

from ._follow import FeedSession
from .detail_pane import DetailPane
from .log_view import LogView

if TYPE_CHECKING:
    from textual.app import App, ComposeResult

    from clawtui.state import PodState, Selection

__all__ = ["TAIL_SIZES", "LogPane", "OpenFeed"]

OpenFeed = Callable[[Sequence[LogSource], int | None, datetime | None], Feed[LogItem]]
"""``(sources, tail, since)`` → a started feed of their logs; may raise ClawError."""

TAIL_SIZES: tuple[int | None, ...] = (100, 500, 2000, 10_000, None)
"""The lines of history ``T`` cycles through (None: all of it)."""

COPY_LINES = 1000
"""The most lines ``y`` copies: the newest of those shown."""

FLUSH_INTERVAL = 0.2
"""Seconds between two batches handed to the UI (the first goes at once). Each batch costs a
repaint of the pane (about 10 ms): at 0.05 s a pod logging a few lines a second kept the app at
19 % of a core, at 0.2 s 11 %, with the same throughput and key latency (bench/README.md)."""
READ_TIMEOUT = 0.05
READ_ITEMS = 10_000


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class LogPane(DetailPane, can_focus=False):
    """The followed logs of one node of the pod (a service or a container).

    :meth:`follow` starts, :meth:`stop` stops. Following the same key again (its containers
    were recreated, or the engine came back) keeps the lines and asks the new feed for what came
    after the last line seen, skipping per container what was already shown. Lines are kept in
    a ring of ``max_lines``; what it prunes is counted in the status line. A feed that fails
    shows the error there and posts :class:`FollowFailed`.

    As the pod view's Logs tab, :meth:`show_selection` follows the selected node through
    ``open_feed``, visible or not (:attr:`FOLLOWS`).
    """

    FOLLOWS = True

    HELP_GROUP = "Logs"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "toggle_timestamps", "Timestamps", id="logs.timestamps"),
        Binding("w", "toggle_wrap", "Wrap", id="logs.wrap"),
        Binding("space", "toggle_pause", "Pause", id="logs.pause"),
        Binding("end,G", "resume", "Follow", show=False, id="logs.follow"),
        Binding("slash", "search", "Search", id="logs.search"),
        Binding("n", "next_hit", "Next hit", id="logs.next-hit"),
        Binding("N", "previous_hit", "Previous hit", show=False, id="logs.previous-hit"),
        Binding("f", "filter", "Filter", id="logs.filter"),
        Binding("F", "clear_filter", "Clear filter", show=False, id="logs.clear-filter"),
        Binding("T", "cycle_tail", "Tail size", show=False, id="logs.tail"),
        Binding("ctrl+s", "save", "Save", show=False, id="logs.save"),
        Binding(
            "y",
            "copy",
            "Copy",
            tooltip=f"Copy the last {COPY_LINES:,} lines shown to the clipboard",
            id="logs.copy",
        ),
        Binding("c", "clear", "Clear", show=False, id="logs.clear"),
        Binding("escape", "escape", "Close search", show=False, id="logs.escape"),
    ]

    DEFAULT_CSS = """
    LogPane {
        height: 1fr;
        background: $surface;
        & > #log-status {
            height: 1;
            padding: 0 1;
            background: $panel;
            color: $text-muted;
            &.-paused { color: $warning; }
            &.-lost { color: $error; }
        }
        & > LogView { height: 1fr; }
        & > Input {
            display: none;
            background: $panel;
            &.-open { display: block; }
            &:focus { background: $panel; }
        }
    }
    """

    timestamps: var[bool] = var(False)
    wrap: var[bool] = var(False)

    class FollowFailed(Message):
        """The logs of ``key`` could not be opened or the stream broke (engine gone)."""

        def __init__(self, key: str, error: ClawError) -> None:
            super().__init__()
            self.key = key
            self.error = error

    def __init__(
        self,
        *,
        max_lines: int = 20_000,
        tail: int | None = 500,
        open_feed: OpenFeed | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.buffer = LogBuffer(max_lines)
        self.tail = tail
        """Lines of history per container to start a new follow with (None: all)."""
        self.key: str | None = None
        self.sources: tuple[LogSource, ...] = ()
        self.view = LogView(self.buffer, id="log-view")
        self._title = ""
        self._open_feed: OpenFeed | None = open_feed
        self._followed: tuple[str, tuple[str, ...], int] | None = None
        """What :meth:`show_selection` followed: the key, its containers' stable names, and
        the engine's session then."""
        self._session: FeedSession | None = None
        self._worker: Worker[None] | None = None
        self._last_seen: dict[str, datetime] = {}
        """Container ID → timestamp of the last line shown from it."""
        self._state = "idle"
        self._problem = ""
        self._search_text = ""
        self._search_error = ""
        self._filter_text = ""
        self._filter_error = ""
        self._status_text = ""

    def compose(self) -> ComposeResult:
        yield Static(id="log-status")
        yield self.view
        yield Input(
            placeholder="search (re: for a regular expression)", id="log-search", compact=True
        )
        yield Input(
            placeholder="filter (re: for a regular expression)", id="log-filter", compact=True
        )

    def focus(self, scroll_visible: bool = True) -> LogPane:
        """Focus the log view (the pane itself takes no focus)."""
        self.view.focus(scroll_visible)
        return self

    # Following.

    def show_selection(self, selection: Selection, state: PodState) -> None:
        """Follow the logs of the selected node's containers, through the ``open_feed`` given
        at construction; again only when the node, its containers or the engine's session
        changed (or the last follow failed), and not at all while the engine is down.

        Containers count by their stable name: a container that compose recreates is
        followed into its replacement by the feed itself (with a marker), so a new ID under
        the same name is not a change."""
        containers = selection.containers
        sources = [LogSource.of(c) for c in containers]
        followed = (
            selection.key,
            tuple(sorted({s.name for s in sources})),
            state.engine_sessions,
        )
        if followed == self._followed:
            return
        self._followed = followed
        if not state.engine_up or self._open_feed is None:
            self.stop()
            return
        self.follow(selection.key, selection.title, sources, self._open_feed)

    def follow(
        self, key: str, title: str, sources: Sequence[LogSource], open_feed: OpenFeed
    ) -> None:
        """Follow the logs of ``sources`` under ``key``, titled ``title``.

        A new key starts afresh with :attr:`tail` lines of history per container. The same key
        again keeps the lines and opens the feed with ``since`` set to the earliest last-seen
        time among the sources followed before, dropping per container the lines not newer
        than the last one shown from it.
        """
        sources = tuple(sources)
        same = key == self.key
        previous = self.sources
        self._close_session()
        self.key, self._title, self.sources = key, title, sources
        self._open_feed = open_feed
        self._problem = ""
        if same:
            seen = [
                self._last_seen[s.container_id]
                for s in previous
                if s.container_id in self._last_seen
            ]
            since = min(seen) if seen else None
            # Nothing seen yet: start like a new key, never with a container's whole log.
            tail: int | None = None if since is not None else self.tail
            after = dict(self._last_seen)
        else:
            self.buffer.clear()
            self.view.reset()
            self._last_seen.clear()
            tail, since, after = self.tail, None, {}
        if not sources:
            self._state = "none"
            self._update_status()
            return
        for source in sources:
            self.buffer.add_source(source)
        self.view.add_sources(sources)
        self._state = "following"
        session = self._session = FeedSession()
        index = dict(self.buffer.source_index)
        self._worker = self.run_worker(
            partial(self._read, self.app, session, open_feed, sources, tail, since, index, after),
            name=f"logs of {key}",
            group="logs",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )
        self._update_status()

    def stop(self) -> None:
        """Stop following (the feed is closed, the worker ends); the lines stay."""
        self._close_session()
        if self._state == "following":
            self._state = "stopped"
        self._update_status()

    def _close_session(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

    def _read(
        self,
        app: App[Any],
        session: FeedSession,
        open_feed: OpenFeed,
        sources: Sequence[LogSource],
        tail: int | None,
        since: datetime | None,
        index: dict[str, int],
        after: dict[str, datetime],
    ) -> None:
        """The worker: open the feed, read it, hand the UI a batch at most every 200 ms.

        ``index`` is the worker's copy of the buffer's source indexes; ``after`` the last time
        shown per container, for lines to skip (see :func:`~clawtui.logbuffer.prepare`).
        """

        try:
            feed = open_feed(sources, tail, since)
        except ClawError as exc:
            session.to_ui(app, self._failed, exc, "cannot follow the logs")
            return
        if not session.attach(feed):
            feed.close()
            return
        worker = get_current_worker()
        batch = Batch()
        due = 0.0
        try:
            while not session.stopped.is_set() and not worker.is_cancelled:
                timeout = max(0.0, due - time.monotonic()) if batch.texts else READ_TIMEOUT
                try:
                    items = feed.get_batch(READ_ITEMS, timeout)
                except ClawError as exc:
                    if batch.texts:
                        session.to_ui(app, self._deliver, batch)
                    session.to_ui(app, self._failed, exc, "log stream lost")
                    return
                if items:
                    prepare(items, batch, index, after)
                elif feed.finished:
                    if batch.texts:
                        session.to_ui(app, self._deliver, batch)
                    session.to_ui(app, self._ended)
                    return
                if batch.texts:
                    now = time.monotonic()
                    if now >= due:
                        if not session.to_ui(app, self._deliver, batch):
                            return
                        batch = Batch()
                        due = now + FLUSH_INTERVAL
                    else:  # let lines gather; close() ends the wait
                        session.stopped.wait(due - now)
        finally:
            feed.close()

    def _deliver(self, session: FeedSession, batch: Batch) -> None:
        if session is not self._session:
            return
        for source in batch.new_sources:
            self.buffer.add_source(source)
        self._last_seen.update(batch.last_seen)
        self.view.add(batch)
        self._update_status()

    def _failed(self, session: FeedSession, error: ClawError, what: str) -> None:
        if session is not self._session or self.key is None:
            return
        self._session = None
        self._followed = None  # followed again on the next selection or engine change
        self._state = "lost"
        self._problem = f"{what}: {error}"
        self._update_status()
        self.post_message(self.FollowFailed(self.key, error))

    def _ended(self, session: FeedSession) -> None:
        if session is not self._session:
            return
        self._session = None
        self._state = "ended"
        self._update_status()

    # Search and filter.

    def _set_search(self, text: str) -> None:
        self._search_text = text
        pattern, self._search_error = _compiled(text)
        self.buffer.set_search(pattern)
        self._query_changed()
        self.view.restyle()

    def _set_filter(self, text: str) -> None:
        self._filter_text = text
        pattern, self._filter_error = _compiled(text)
        self.buffer.set_filter(pattern)
        self._query_changed()
        self.view.relayout()

    def _query_changed(self) -> None:
        self.view.current_hit = None
        self._update_status()
        self.refresh_bindings()

    def _jump(self, number: int | None) -> None:
        if number is not None:
            self.view.show_hit(number)
        self._update_status()

    def _open_input(self, input_id: str, value: str) -> None:
        field = self.query_one(input_id, Input)
        for other in self.query(Input):
            if other is not field:
                other.remove_class("-open")
        field.value = value
        field.add_class("-open")
        # At once, not after a refresh as focus() does: the next key typed goes into the field.
        self.screen.set_focus(field)

    def _close_input(self, field: Input) -> None:
        self.screen.set_focus(self.view)
        field.remove_class("-open")

    # Status.

    def _update_status(self) -> None:
        view = self.view
        parts = [self._title or "logs"]
        if self.sources:
            count = len(self.sources)
            parts.append(f"{count} container{'' if count == 1 else 's'}")
        state = self._state
        if state == "lost":
            parts.append(self._problem)
        elif state == "none":
            parts.append("no containers to follow")
        elif not view.following:
            parts.append(f"paused — {view.new_lines:,} new lines")
        else:
            parts.append({"idle": "not following", "following": "following"}.get(state, state))
        if self._filter_error:
            parts.append(self._filter_error)
        elif self.buffer.filter is not None:
            parts.append(
                f'filter "{self._filter_text}": '
                f"{self.buffer.shown_count:,} of {len(self.buffer):,} lines"
            )
        if self._search_error:
            parts.append(self._search_error)
        elif self.buffer.search is not None:
            parts.append(f'search "{self._search_text}": {self._hits_text()}')
        if self.buffer.dropped:
            parts.append(f"{self.buffer.dropped:,} earlier lines dropped")
        parts.append("tail all" if self.tail is None else f"tail {self.tail:,}")
        if self.wrap:
            parts.append("wrap")
        if self.timestamps:
            parts.append("timestamps")
        text = "  ·  ".join(parts)
        if text != self._status_text:
            self._status_text = text
            status = self.query_one("#log-status", Static)
            status.update(Text(text, no_wrap=True, overflow="ellipsis"), layout=False)
            status.set_class(state == "lost" or bool(self._search_error), "-lost")
            status.set_class(not view.following and state != "lost", "-paused")

    def _hits_text(self) -> str:
        hits = self.buffer.hits
        if not hits:
            return "no hits"
        current = self.view.current_hit
        index = None if current is None else self.buffer.hit_index(current)
        if index is None:
            return f"{len(hits):,} hit{'' if len(hits) == 1 else 's'}"
        return f"hit {index + 1:,}/{len(hits):,}"

    @property
    def status_text(self) -> str:
        """What the status line says."""
        return self._status_text

    def plain_text(self) -> str:
        """Every line shown (the filter applied), as on screen without colour, one per line."""
        stamps = "clock" if self.timestamps else None
        width = self.view.name_width
        plain = self.buffer.plain
        return "".join(plain(n, width, stamps) for n in self.buffer.shown_numbers())

    # Handlers.

    def on_mount(self) -> None:
        self._update_status()

    def on_unmount(self) -> None:
        self._close_session()

    def watch_timestamps(self, value: bool) -> None:
        self.view.set_options(timestamps=value, wrap=self.wrap)
        self._update_status()

    def watch_wrap(self, value: bool) -> None:
        self.view.set_options(timestamps=self.timestamps, wrap=value)
        self._update_status()

    def on_log_view_follow_changed(self, event: LogView.FollowChanged) -> None:
        self._update_status()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A reader that died of something other than the feed's ClawError (a defect) still
        says so, instead of leaving a pane that looks as if it were following."""
        if event.worker is self._worker and event.state == WorkerState.ERROR:
            self._close_session()
            self._state = "lost"
            self._problem = f"log reader failed: {event.worker.error!r}"
            self._update_status()

    @on(Input.Changed, "#log-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._set_search(event.value)

    @on(Input.Submitted, "#log-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self._close_input(event.input)
        top = self.view.top_number()
        self._jump(self.buffer.hit_after(top if top is not None else 0, inclusive=True))

    @on(Input.Changed, "#log-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._set_filter(event.value)

    @on(Input.Submitted, "#log-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self._close_input(event.input)

    # Actions.

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Next and previous hit while there is a search, clearing the filter while there
        is one: the footer offers what can be done now."""
        if action in ("next_hit", "previous_hit"):
            return bool(self._search_text)
        if action == "clear_filter":
            return bool(self._filter_text)
        return True

    def action_toggle_timestamps(self) -> None:
        self.timestamps = not self.timestamps

    def action_toggle_wrap(self) -> None:
        self.wrap = not self.wrap

    def action_toggle_pause(self) -> None:
        if self.view.following:
            self.view.pause()
        else:
            self.view.resume()
        self._update_status()

    def action_resume(self) -> None:
        self.view.resume()
        self._update_status()

    def action_search(self) -> None:
        self._open_input("#log-search", self._search_text)

    def action_filter(self) -> None:
        self._open_input("#log-filter", self._filter_text)

    def action_clear_filter(self) -> None:
        self.query_one("#log-filter", Input).value = ""
        self._set_filter("")

    def action_next_hit(self) -> None:
        current = self.view.current_hit
        if current is None:
            top = self.view.top_number()
            self._jump(self.buffer.hit_after(top if top is not None else 0, inclusive=True))
        else:
            self._jump(self.buffer.hit_after(current))

    def action_previous_hit(self) -> None:
        current = self.view.current_hit
        if current is None:
            current = self.view.top_number()
        self._jump(self.buffer.hit_before(current if current is not None else 0))

    def action_cycle_tail(self) -> None:
        sizes = TAIL_SIZES
        position = sizes.index(self.tail) if self.tail in sizes else -1
        self.tail = sizes[(position + 1) % len(sizes)]
        if self.key is not None and self._open_feed is not None:
            key, self.key = self.key, None  # a new follow: cleared, with the new tail
            self.follow(key, self._title, self.sources, self._open_feed)
        self._update_status()

    def action_save(self) -> None:
        numbers = self.buffer.shown_numbers()
        if not numbers:
            self.notify("no lines to save", severity="warning")
            return
        key = _UNSAFE.sub("_", self.key or "logs").strip("_") or "logs"
        path = Path.cwd() / f"claw-logs-{key}-{datetime.now():%Y%m%d-%H%M%S}.log"
        width = self.view.name_width
        try:
            with path.open("w", encoding="utf-8") as out:
                out.writelines(self.buffer.plain(n, width, "iso") for n in numbers)
        except OSError as exc:
            self.notify(f"could not save the logs: {exc}", severity="error")
            return
        self.notify(f"saved {len(numbers):,} lines to {path}")

    def action_copy(self) -> None:
        """The newest lines shown (filter applied), as shown (timestamps if on), to the
        clipboard: the terminal's (OSC 52) and the app's own."""
        numbers = self.buffer.shown_numbers()[-COPY_LINES:]
        if not numbers:
            self.notify("no lines to copy", severity="warning")
            return
        width = self.view.name_width
        stamps = "clock" if self.timestamps else None
        self.app.copy_to_clipboard("".join(self.buffer.plain(n, width, stamps) for n in numbers))
        self.notify(f"copied {len(numbers):,} line{'s' if len(numbers) != 1 else ''}")

    def action_clear(self) -> None:
        self.buffer.clear()
        self.view.reset()
        self._update_status()

    def action_escape(self) -> None:
        focused = self.screen.focused
        if isinstance(focused, Input) and focused.id == "log-search":
            self._close_input(focused)
        elif isinstance(focused, Input) and focused.id == "log-filter":
            if not focused.value:
                self._set_filter("")
            self._close_input(focused)
        elif self._search_text:
            self.query_one("#log-search", Input).value = ""
            self._set_search("")
        else:
            raise SkipAction()


def _compiled(text: str) -> tuple[re.Pattern[str] | None, str]:
    """The query's pattern, or None and why it is not valid."""
    try:
        return compile_query(text), ""
    except PatternError as exc:
        return None, str(exc)
