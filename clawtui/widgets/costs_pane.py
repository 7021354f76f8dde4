"""The Costs pane: what a governed pod's model requests cost, per agent and model, live.

A thread worker follows the governance proxy container's log from its start (not a tail: the
totals are the whole log's, so they survive a restart of the proxy for as long as the engine
keeps its log), parses each JSON line and folds it into one :class:`~clawlib.costs.CostFold`
for the whole pod, under a lock. The selected node only filters what is shown: its agents'
rows in a table with a total, their spend per minute over the last hour as a sparkline, and
the proxy's requests as aligned columns in a log (Textual's ``Log``: it renders only the rows
on screen, so a busy proxy costs nothing more to draw).

The log is read again when the proxy's container changes (restarted, recreated) or the engine
comes back; each new read skips what was already folded, by the engine's timestamps
(:meth:`~clawlib.costs.CostFold.resume`), so nothing is counted twice. A container that was
recreated starts a new log: what was counted from the old one is kept. The worker hands the UI
a wake-up at most every :data:`FLUSH_INTERVAL`; the widgets are updated only while the tab is
shown, and when it is brought up again.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime, tzinfo
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.containers import Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import DataTable, Log, Sparkline, Static
from textual.worker import Worker, WorkerState, get_current_worker

from clawlib.costs import CostFold, CostRow, CostTotals, ProxyRecord, format_usd, parse_record
from clawlib.engine import LogEnded, LogItem, LogLine, LogSource, describe_state
from clawlib.errors import ClawError
from clawtui.costview import (
    REQUEST_HEADER,
    UNKNOWN_AGENT,
    CostScope,
    cost_scope,
    request_line,
    totals_cells,
)

from ._follow import FeedSession
from .detail_pane import DetailPane

if TYPE_CHECKING:
    from textual.app import App, ComposeResult

    from clawtui.state import PodState, Selection

    from .log_pane import OpenFeed

__all__ = ["FLUSH_INTERVAL", "REQUEST_LINES", "SPARK_MINUTES", "CostsPane"]

FLUSH_INTERVAL = 0.5
"""Seconds between two hand-overs of news to the UI (the first goes at once)."""
REQUEST_LINES = 5000
"""The proxy's requests kept for the log (the newest)."""
SPARK_MINUTES = 60
"""Minutes of spend the sparkline shows, ending now."""
CLOCK_INTERVAL = 15.0
"""Seconds between redraws while nothing arrives, so that the sparkline moves on with time."""
READ_TIMEOUT = 0.1
READ_ITEMS = 5000

_TABLE_COLUMNS = ("Agent", "Cost", "Requests", "Errors", "Tokens in", "Tokens out", "Last", "Model")
"""The table's columns: the cost first, the model (long) last, so that a narrow pane shows
what matters."""


class CostsPane(DetailPane, can_focus=False):
    """Costs per agent and model of the selected node, folded live from the proxy's log.

    As the pod view's Costs tab, :meth:`show_selection` starts following the proxy's log
    through ``open_feed`` the first time the tab is shown, and follows it again when the
    proxy's containers or the engine change. ``now`` gives the time the sparkline ends at,
    and the zone clock times are shown in.
    """

    DEFAULT_CSS = """
    CostsPane {
        height: 1fr;
        background: $surface;
        & > #costs-status {
            height: 1;
            padding: 0 1;
            background: $panel;
            color: $text-muted;
            &.-lost { color: $error; }
        }
        & > #costs-note { padding: 1 2; height: auto; }
        & > #costs-body { height: 1fr; }
        #costs-spark-label { height: 1; padding: 0 1; color: $text-muted; }
        #costs-spark { height: 2; margin: 0 1; }
        #costs-spark > .sparkline--max-color { color: $warning; }
        #costs-spark > .sparkline--min-color { color: $success 50%; }
        #costs-table { height: auto; max-height: 45%; margin-top: 1; }
        #costs-requests-header {
            height: 1;
            padding: 0 1;
            margin-top: 1;
            background: $panel;
            color: $text-muted;
            text-style: bold;
        }
        #costs-requests { height: 1fr; padding: 0 1; }
    }
    """

    def __init__(
        self,
        *,
        open_feed: OpenFeed | None = None,
        now: Callable[[], datetime] = lambda: datetime.now().astimezone(),
        request_lines: int = REQUEST_LINES,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._open_feed = open_feed
        self._now = now
        self._lock = threading.Lock()
        # Shared with the reader thread, under _lock:
        self._fold = CostFold()
        self._requests: deque[tuple[str, str]] = deque(maxlen=request_lines)
        """(agent, line) of the newest requests."""
        self._appended = 0
        """Requests appended to :attr:`_requests` since the pane was made."""
        self._ended: dict[str, str] = {}
        """Container ID → why its log ended (the last read)."""
        # The UI's own:
        self._session: FeedSession | None = None
        self._worker: Worker[None] | None = None
        self._followed: tuple[Any, ...] | None = None
        self._scope: CostScope | None = None
        self._state_text = "not following"
        self._lost = False
        self._shown_agents: frozenset[str] | None = None
        """The agents the log was last filled for."""
        self._filled = False
        """The log was filled once (for :attr:`_shown_agents`)."""
        self._written = 0
        """:attr:`_appended` when the log was last written."""
        self._shown_rows: tuple[Any, ...] | None = None
        self._status_text = ""
        self._status = Static(id="costs-status")
        self._note = Static(id="costs-note")
        self._spark_label = Static(id="costs-spark-label")
        self._spark = Sparkline([], summary_function=max, id="costs-spark")
        self._table: DataTable[Text] = DataTable(
            id="costs-table", cursor_type="row", zebra_stripes=True
        )
        self._header = Static(id="costs-requests-header")
        self._log = Log(max_lines=request_lines, id="costs-requests")

    def compose(self) -> ComposeResult:
        yield self._status
        yield self._note
        with Vertical(id="costs-body"):
            yield self._spark_label
            yield self._spark
            yield self._table
            yield self._header
            yield self._log

    def on_mount(self) -> None:
        for label in _TABLE_COLUMNS:
            self._table.add_column(label, key=label)
        self._header.update(Content(REQUEST_HEADER))
        self.watch(self._log, "scroll_x", self._log_scrolled, init=False)
        self._note.display = False
        self.set_interval(CLOCK_INTERVAL, self._tick)
        self._update_status()

    def on_unmount(self) -> None:
        self._close_session()

    # What is shown.

    @property
    def scope(self) -> CostScope | None:
        """Whose costs are shown (None before the first :meth:`show_selection`)."""
        return self._scope

    @property
    def status_text(self) -> str:
        return self._status_text

    @property
    def request_lines(self) -> list[str]:
        """The requests the log shows, oldest first."""
        return list(self._log.lines)

    def total(self) -> CostTotals:
        """What the agents shown cost so far, as folded (shown or not yet)."""
        agents = self._scope.agents if self._scope is not None else None
        with self._lock:
            return self._fold.total(agents)

    def show_selection(self, selection: Selection, state: PodState) -> None:
        """Show the costs of ``selection``'s agents; follow the proxy's log again when its
        containers or the engine changed."""
        scope = cost_scope(selection, state)
        self._scope = scope
        followed = (
            tuple((c.id, c.state, c.started_at) for c in scope.proxies),
            state.engine_sessions,
            state.engine_up,
        )
        if followed != self._followed:
            self._followed = followed
            self._follow(scope, state)
        self._refresh_view()

    # Following.

    def _follow(self, scope: CostScope, state: PodState) -> None:
        self._close_session()
        self._lost = False
        if not scope.proxies:
            self._state_text = (
                "the proxy has no container: apply the pod (p)" if scope.governed else ""
            )
            return
        if not state.engine_up:
            self._state_text = "engine unreachable"
            return
        if self._open_feed is None:
            return
        sources = [LogSource.of(c) for c in scope.proxies]
        with self._lock:
            for source in sources:
                self._fold.resume(source.container_id)
                self._ended.pop(source.container_id, None)
            seen = [self._fold.last_seen(s.container_id) for s in sources]
        # Every source read before: from the earliest last line on (the rest is skipped by
        # the fold); otherwise from the start of every log.
        since = min(s for s in seen if s is not None) if all(seen) else None
        session = self._session = FeedSession(self._lock)
        self._state_text = "reading the proxy's log"
        self._worker = self.run_worker(
            partial(self._read, self.app, session, self._open_feed, sources, since),
            name="costs: the proxy's log",
            group="costs",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def _close_session(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

    def _read(
        self,
        app: App[Any],
        session: FeedSession,
        open_feed: OpenFeed,
        sources: list[LogSource],
        since: datetime | None,
    ) -> None:
        """The worker: read the proxy's log, fold it, wake the UI at most every
        :data:`FLUSH_INTERVAL` seconds."""
        zone = self._now().tzinfo

        try:
            feed = open_feed(sources, None, since)
        except ClawError as exc:
            session.to_ui(app, self._failed, f"cannot read the proxy's log: {exc}")
            return
        if not session.attach(feed):
            feed.close()
            return
        worker = get_current_worker()
        news = True  # the first round says "following", even of a log with nothing in it
        due = 0.0
        try:
            while not session.stopped.is_set() and not worker.is_cancelled:
                try:
                    items = feed.get_batch(READ_ITEMS, READ_TIMEOUT)
                except ClawError as exc:
                    session.to_ui(app, self._failed, f"the proxy's log was lost: {exc}")
                    return
                if items:
                    news |= self._fold_items(session, items, zone)
                elif feed.finished:
                    session.to_ui(app, self._delivered, self._end_text(sources))
                    return
                now = time.monotonic()
                if news and now >= due:
                    if not session.to_ui(app, self._delivered, "following"):
                        return
                    news, due = False, now + FLUSH_INTERVAL
        finally:
            feed.close()

    def _fold_items(self, session: FeedSession, items: list[LogItem], zone: tzinfo | None) -> bool:
        """Parse and format (outside the lock), then fold (under it) a batch; whether anything
        changed."""
        parsed: list[tuple[str, datetime | None, ProxyRecord | None, str]] = []
        ended: list[LogEnded] = []
        for item in items:
            if isinstance(item, LogLine):
                record = parse_record(item.text, item.timestamp)
                text = request_line(record, zone) if record is not None else ""
                parsed.append((item.source.container_id, item.timestamp, record, text))
            elif isinstance(item, LogEnded):
                ended.append(item)
            # A stop or a new run of the proxy changes nothing: its lines go on, and those of
            # a replacement come under its own container ID (a new log, folded apart).
        with self._lock:
            if session.stopped.is_set():
                return False
            fold = self._fold
            for source, received, record, text in parsed:
                if fold.add_parsed(source, received, record) and record is not None:
                    self._requests.append((record.agent, text))
                    self._appended += 1
            for end in ended:
                self._ended[end.source.container_id] = end.reason
        return True

    def _end_text(self, sources: list[LogSource]) -> str:
        """``log ended``, and why unless the proxy's state says it (exited)."""
        with self._lock:
            reasons = sorted({self._ended.get(s.container_id, "") for s in sources})
        told = [r for r in reasons if r and not r.startswith("container exited")]
        return f"log ended ({', '.join(told)})" if told else "log ended"

    def _delivered(self, session: FeedSession, state_text: str) -> None:
        if session is not self._session:
            return
        self._state_text = state_text
        if state_text != "following":
            self._session = None
        self._refresh_view()

    def _failed(self, session: FeedSession, problem: str) -> None:
        if session is not self._session:
            return
        self._session = None
        self._followed = None  # read again at the next selection or engine change
        self._state_text = problem
        self._lost = True
        self._refresh_view()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A reader that died of something other than the feed's ClawError (a defect) says so,
        rather than leaving a pane that looks as if it were following."""
        if event.worker is self._worker and event.state == WorkerState.ERROR:
            self._close_session()
            self._followed = None
            self._lost = True
            self._state_text = f"the proxy's log reader failed: {event.worker.error!r}"
            self._refresh_view()

    # Drawing.

    def _tick(self) -> None:
        self._refresh_view()

    def _shown(self) -> bool:
        """The pane is on its screen and its tab is the one shown."""
        node: Widget | None = self
        while isinstance(node, Widget):
            if not node.display:
                return False
            node = node.parent if isinstance(node.parent, Widget) else None
        return self.is_mounted

    def _refresh_view(self) -> None:
        """Bring the widgets up to date, if the tab is shown (else when it is shown next)."""
        scope = self._scope
        if scope is None or not self.is_mounted or not self._shown():
            return
        self._note.display = bool(scope.note)
        self.query_one("#costs-body").display = not scope.note
        if scope.note:
            self._note.update(Content(scope.note))
            self._update_status()
            return
        agents = scope.agents
        now = self._now()
        with self._lock:
            rows = self._fold.rows(agents)
            total = self._fold.total(agents)
            spend = self._fold.spend_per_minute(now, SPARK_MINUTES, agents)
            appended = self._appended
            behind = appended - self._written
            if not self._filled or agents != self._shown_agents or behind > len(self._requests):
                fresh = True
                lines = [
                    text for agent, text in self._requests if agents is None or agent in agents
                ]
            else:
                fresh = False
                new = list(self._requests)[len(self._requests) - behind :] if behind else []
                lines = [text for agent, text in new if agents is None or agent in agents]
            lines_read = self._fold.lines
        self._written = appended
        self._shown_agents = agents
        self._filled = True
        self._show_table(rows, total, now)
        self._show_spend(spend)
        self._write_requests(lines, fresh)
        self._update_status(total, lines_read)

    def _write_requests(self, lines: list[str], fresh: bool) -> None:
        """Add ``lines`` to the requests (all anew when ``fresh``). The log keeps to its end,
        unless the reader scrolled up: a fresh fill goes to the end, once laid out (a log just
        shown may not know its height yet)."""
        log = self._log
        stick = fresh or log.is_vertical_scroll_end
        if fresh:
            log.clear()
        if lines:
            log.write_lines(lines, scroll_end=False)
        if stick and (lines or fresh):
            self.call_after_refresh(log.scroll_end, animate=False, x_axis=False)

    def _show_table(self, rows: tuple[CostRow, ...], total: CostTotals, now: datetime) -> None:
        shown = (
            *((row.agent or UNKNOWN_AGENT, *totals_cells(row.totals, now), row.model or "-")
              for row in rows),
            ("Total", *totals_cells(total, now), ""),
        )  # fmt: skip
        if shown == self._shown_rows:
            return
        self._shown_rows = shown
        table = self._table
        cursor = table.cursor_row
        table.clear()
        for index, cells in enumerate(shown):
            last = index == len(shown) - 1
            style = "bold" if last else ""
            table.add_row(
                Text(cells[0], style=style),
                *(Text(cell, style=style, justify="right") for cell in cells[1:6]),
                *(Text(cell, style=style) for cell in cells[6:]),
                key="total" if last else f"{rows[index].agent}\0{rows[index].model}",
            )
        if cursor < table.row_count:
            table.move_cursor(row=cursor, animate=False, scroll=False)

    def _show_spend(self, spend: list[float]) -> None:
        if list(self._spark.data or ()) != spend:
            self._spark.data = spend
        text = (
            f"spend per minute, last {SPARK_MINUTES} min: {format_usd(sum(spend))}, "
            f"peak {format_usd(max(spend, default=0.0))}/min"
        )
        if self._spark_label.content != text:
            self._spark_label.update(text)

    def _update_status(self, total: CostTotals | None = None, lines_read: int = 0) -> None:
        """The status line: whose costs, their total, the proxy and the read."""
        scope = self._scope
        title = scope.title if scope is not None else "costs"
        parts = [title]
        if scope is None or not scope.note:
            if scope is not None and scope.agents is not None:
                count = len(scope.agents)
                parts[0] += f" ({count} agent{'' if count == 1 else 's'})"
            if total is not None:
                parts.append(f"{total.requests:,} requests, {format_usd(total.cost_usd)}")
            if scope is not None:
                now = self._now()
                parts += [f"proxy {describe_state(p, now, uptime=False)}" for p in scope.proxies]
            if self._state_text:
                parts.append(self._state_text)
            if total is not None:
                parts.append(f"{lines_read:,} log lines read")
        text = "  ·  ".join(parts)
        if text != self._status_text:
            self._status_text = text
            self._status.update(Text(text, no_wrap=True, overflow="ellipsis"))
        self._status.set_class(self._lost, "-lost")

    def _log_scrolled(self, scroll_x: float) -> None:
        """The column names move sideways with the requests under them."""
        self._header.update(Content(REQUEST_HEADER[round(scroll_x) :]))
