"""Following container logs: many containers into one bounded, ordered feed.

A :class:`LogStream` reads the engine's raw multiplexed log of every container in large pieces,
from one thread that waits on all the connections at once, and parses the frames itself: the
SDK's log generator makes two small socket reads per line and yields 70-80k raw frames a second
from one container's log, where this reader hands over 130-180k parsed lines (bench/README.md).
Lines go into one bounded buffer: when the consumer falls behind, the reader blocks instead of
dropping lines or growing memory (the engine keeps the log on disk, so lagging loses nothing).

When a followed log ends, the container is inspected to say why: removed, exited, or still
running because the engine restarted, in which case the reader reconnects from the timestamp of
the last line it delivered and skips the lines it already delivered. An engine that no longer
answers ends the whole stream with :class:`EngineDisconnectedError`, after the lines already
buffered.

The buffer, the reader thread and ``close`` are :class:`~._feed.Feed`, shared with the event
stream; the frame format is parsed in :mod:`._frames`.
"""

from __future__ import annotations

import selectors
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from clawlib.errors import (
    ContainerNotFoundError,
    EngineError,
    EngineUnavailableError,
    InvalidValueError,
)

from ._feed import BUFFER_ITEMS, Feed
from ._frames import FrameParser, LogEnded, LogLine, LogSource, since_param

if TYPE_CHECKING:
    from ._http import RawBody
    from ._source import StreamSource

__all__ = ["FrameParser", "LogEnded", "LogLine", "LogSource", "LogStream", "since_param"]

_RETRY_FIRST, _RETRY_MAX = 0.05, 1.0
"""Pause before reconnecting a log that ended without delivering anything, doubled each time."""
_BATCH_BYTES = 8192
_MAX_PAUSE = 0.02
"""After a round of reads the pump waits until the fastest source it read has had time to send
about _BATCH_BYTES more (a hundred lines), at most _MAX_PAUSE seconds; after a read of a full
batch it reads again at once. Unpaced, a busy pod wakes the reader for every handful of lines
and costs more than twice the CPU per line (measured on 2 cores), CPU that the engine and the
containers producing the lines need. The batch stays well below what one connection queues
before the engine has to wait (about 280 frames, 25 KiB, on a unix socket), so a fast source is
not held back, and a line waits at most _MAX_PAUSE longer."""
_SELECT_WAIT = 0.1
"""Longest wait for data in one round: bounds how late a due reconnect or a stop is noticed."""
_RECONNECT_STATES = frozenset({"running", "restarting", "paused"})


class LogStream(Feed[LogLine | LogEnded]):
    """The logs of several containers, followed together into one bounded buffer.

    ``tail`` is how many existing lines to start with per container (None: all), ``since`` an
    aware datetime (naive means UTC) before which lines are skipped. With ``follow=False`` each
    source ends after its current log (reason ``end of log``). Lines of one source keep their
    order; sources interleave as they arrive. Items are :class:`LogLine` and, once per source,
    :class:`LogEnded`. A container already gone at start ends with ``container removed``.

    One thread reads every source: it waits on all the connections at once (``select``), so a
    busy pod costs one wake-up per round of reads instead of one per container and read; with
    twenty containers on two cores that is the difference between 80 % and 100 % of the lines
    ``docker compose logs -f`` gets (bench/README.md). Memory is bounded: at most
    ``buffer_lines`` items wait for the consumer, plus one read (64 KiB of log) in hand.
    """

    def __init__(
        self,
        view: StreamSource,
        sources: Sequence[LogSource],
        *,
        follow: bool = True,
        tail: int | None = None,
        since: datetime | None = None,
        buffer_lines: int = BUFFER_ITEMS,
    ) -> None:
        super().__init__(view, buffer_lines)
        if tail is not None and tail < 0:
            raise InvalidValueError(f"tail must be 0 or more lines, not {tail}")
        self.sources = tuple(sources)
        self._follow = follow
        self._tail = tail
        self._since = None if since is None else since_param(since)

    def _readers(self) -> list[tuple[str, Callable[[], None]]]:
        if not self.sources:
            return []
        more = f"-and-{len(self.sources) - 1}-more" if len(self.sources) > 1 else ""
        return [(f"claw-logs-{self.sources[0].name}{more}", self._pump)]

    def _pump(self) -> None:
        """Read every source until each has ended, the engine is gone, or the stream closes."""
        followers = [_Follower(s, self._tail, self._since) for s in self.sources]
        with selectors.DefaultSelector() as selector:
            try:
                for follower in followers:
                    if not self._connect(follower, selector):
                        return
                while not self._halt.is_set() and any(f.active for f in followers):
                    if not self._round(followers, selector):
                        return
            finally:
                for follower in followers:
                    if follower.body is not None:
                        self._release(follower.body)

    def _round(self, followers: list[_Follower], selector: selectors.BaseSelector) -> bool:
        """Wait for data or a due reconnect, read what is there, hand lines over; False when
        the pump must stop."""
        ready = [f for f in followers if f.body is not None and f.body.ready()]
        if not ready:
            now = time.monotonic()
            due = [f.retry_at - now for f in followers if f.retry_at is not None]
            timeout = max(0.0, min([_SELECT_WAIT, *due]))
            if selector.get_map():
                ready = [key.data for key, _ in selector.select(timeout)]
            elif not self._pause(timeout):
                return False
        pause: float | None = None  # set once something was read
        for follower in ready:
            body = follower.body
            assert body is not None
            data = body.read_available()
            if data is None:
                continue
            if not data:
                selector.unregister(body.fileno())
                follower.body = None
                self._release(body)
                if self._halt.is_set() or not self._after_end(follower, body.complete):
                    return False
                continue
            wait = follower.pacer.pause_after(len(data))
            pause = wait if pause is None else min(pause, wait)
            lines = follower.parser.feed(data)
            if lines:
                if not self._put(lines):
                    return False
                follower.delivered += len(lines)
        now = time.monotonic()
        for follower in followers:
            if follower.retry_at is not None and follower.retry_at <= now:
                follower.retry_at = None
                if not self._connect(follower, selector):
                    return False
        return not pause or self._pause(pause)

    def _connect(self, follower: _Follower, selector: selectors.BaseSelector) -> bool:
        """Open a source's log (or end the source); False if the engine is gone or stopped."""
        source = follower.source
        try:
            body = self._view.log_body(
                source.container_id, follow=self._follow, tail=follower.tail, since=follower.since
            )
        except ContainerNotFoundError:
            return self._put([LogEnded(source, "container removed")])
        except EngineUnavailableError as exc:
            self._disconnected(exc)
            return False
        except EngineError as exc:  # e.g. a logging driver the engine cannot read back
            return self._put([LogEnded(source, f"log unreadable: {exc}")])
        if not self._hold(body):
            return False
        follower.body = body
        follower.pacer = _Pacer()
        follower.delivered = 0
        selector.register(body.fileno(), selectors.EVENT_READ, follower)
        return True

    def _after_end(self, follower: _Follower, complete: bool) -> bool:
        """End the source, or plan its reconnect; False if the engine is gone or stopped."""
        source = follower.source
        try:
            reason = self._why_ended(source, complete)
        except EngineUnavailableError as exc:
            self._disconnected(exc)
            return False
        if reason is not None:
            return self._put([*follower.parser.flush(), LogEnded(source, reason)])
        # Still running: the engine restarted under us. Resume after the last line given.
        resume = follower.parser.restart()
        if resume is not None:
            follower.tail, follower.since = None, resume
        if follower.delivered:
            follower.retry = _RETRY_FIRST
            follower.retry_at = time.monotonic()
        else:
            follower.retry_at = time.monotonic() + follower.retry
            follower.retry = min(follower.retry * 2, _RETRY_MAX)
        return True

    def _why_ended(self, source: LogSource, complete: bool) -> str | None:
        """Why a log body ended: a reason to end the source, or None to reconnect."""
        if not self._follow and complete:
            return "end of log"
        try:
            record = self._view.check_container(source.container_id)
        except ContainerNotFoundError:
            return "container removed"
        if record.state == "removing":
            return "container removed"
        if not self._follow:
            return "end of log"
        if record.state in _RECONNECT_STATES:
            return None
        return f"container exited (code {record.exit_code})"


class _Follower:
    """The pump's state for one source: its open body, parser, pacing and reconnect plan."""

    def __init__(self, source: LogSource, tail: int | None, since: str | None) -> None:
        self.source = source
        self.tail = tail
        self.since = since
        self.parser = FrameParser(source)
        self.pacer = _Pacer()
        self.body: RawBody | None = None
        self.delivered = 0
        """Lines handed over from the current body (a reconnect that gives none backs off)."""
        self.retry = _RETRY_FIRST
        self.retry_at: float | None = None

    @property
    def active(self) -> bool:
        return self.body is not None or self.retry_at is not None


class _Pacer:
    """The pace of one log: how long it takes to send about _BATCH_BYTES.

    The wait after a small read is the time the log takes to produce _BATCH_BYTES at its rate,
    at most _MAX_PAUSE. The rate is the fastest seen recently (it halves at each read unless
    measured again): a read that happens to find little on a fast log must not make the pump
    sleep while the engine waits for it.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._rate = 0.0
        self._last = clock()

    def pause_after(self, size: int) -> float:
        """Seconds to wait after a read of ``size`` bytes that has just returned."""
        now = self._clock()
        elapsed, self._last = now - self._last, now
        measured = size / elapsed if elapsed > 0 else float("inf")
        self._rate = max(measured, self._rate / 2)
        if size >= _BATCH_BYTES:
            return 0.0
        return min(_MAX_PAUSE, _BATCH_BYTES / self._rate) if self._rate > 0 else _MAX_PAUSE
