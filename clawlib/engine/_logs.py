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
from bisect import bisect_right
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from itertools import islice
from operator import attrgetter, itemgetter, le
from typing import TYPE_CHECKING

from clawlib.errors import (
    ContainerNotFoundError,
    EngineError,
    EngineUnavailableError,
    InvalidValueError,
)

from ._feed import BUFFER_ITEMS, Feed
from ._frames import (
    FrameParser,
    LogEnded,
    LogExited,
    LogItem,
    LogLine,
    LogRestarted,
    LogSource,
    since_param,
)

if TYPE_CHECKING:
    from ._containers import ContainerRecord
    from ._http import RawBody
    from ._source import StreamSource

__all__ = ["LogStream"]

_RETRY_FIRST, _RETRY_MAX = 0.05, 1.0
"""Pause before reconnecting a log that ended without delivering anything, doubled each time."""
_POLL_FIRST, _POLL_MAX = 0.1, 2.0
"""Pause before looking again at a stopped container, doubled at each look: a container that
stays stopped costs one inspect every two seconds, and a start is seen within two seconds."""
_MERGE_LINES = 5000
"""History lines held per source for the merge: a source holding this many is not read on
until the merge has taken some (a whole log is merged as it is read, not loaded)."""
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
_RUNNING = frozenset({"running", "paused"})
_STOPPED = frozenset({"exited", "dead"})
"""Stopped for good unless started again (``restarting``: the restart policy starts it)."""
_STAMP = attrgetter("timestamp")
_EARLIEST = datetime.min.replace(tzinfo=UTC)


class LogStream(Feed[LogItem]):
    """The logs of several containers, followed together into one bounded buffer.

    ``tail`` is how many existing lines to start with per container (None: all), ``since`` an
    aware datetime (naive means UTC) before which lines are skipped. Those existing lines come
    first, merged by time across the sources (equal times in the order of ``sources``); with
    ``follow=False`` each source then ends (reason ``end of log``). Following, new lines come as
    they arrive, and each source's lines keep their order.

    Following, the log of a container that stops is not over: :class:`LogExited` says it
    stopped, and when it runs again (started again, or restarted by its restart policy: told
    by the engine's start time) a :class:`LogRestarted` comes before the lines of the new run.
    A container that is removed is followed into its replacement when compose made one (same
    project, service and container number), after a :class:`LogRestarted` naming both;
    otherwise its source ends with :class:`LogEnded` (``container removed``), as does a log the
    engine cannot read. A source that waits for its container costs a look every few seconds.

    One thread reads every source: it waits on all the connections at once (``select``), so a
    busy pod costs one wake-up per round of reads instead of one per container and read; with
    twenty containers on two cores that is the difference between 80 % and 100 % of the lines
    ``docker compose logs -f`` gets (bench/README.md). Memory is bounded: at most
    ``buffer_lines`` items wait for the consumer, plus one read (64 KiB of log) in hand, and
    while the history is merged, a few thousand lines per source.
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
                live = self._history(followers, selector)
                if live is None:
                    return
                for follower in live:
                    if not self._look(follower):
                        return
                while not self._halt.is_set() and any(f.active for f in followers):
                    if not self._round(followers, selector):
                        return
            finally:
                for follower in followers:
                    if follower.body is not None:
                        self._release(follower.body)

    # The history: every source's existing lines, merged by time.

    def _history(
        self, followers: list[_Follower], selector: selectors.BaseSelector
    ) -> list[_Follower] | None:
        """Hand over the existing lines of every source merged by time, reading each log to
        its current end (the engine's ``follow=0``); the sources to follow on from there, or
        None when the pump must stop.

        A line can go once no source still being read can send an older one: every such source
        has a line waiting, and the line is not newer than the newest waiting line of any of
        them. A source with :data:`_MERGE_LINES` waiting is not read on meanwhile.
        """
        if self._follow and self._tail == 0:
            return followers
        pending: list[_Follower] = []
        for follower in followers:
            if not self._open(follower, selector, follow=False):
                return None
            if follower.body is not None:
                follower.reading = True
                pending.append(follower)
            elif follower.gone and not self._follow:
                follower.ended = True
                if not self._put([LogEnded(follower.source, "container removed")]):
                    return None
        while pending:
            if self._halt.is_set():
                return None
            for follower in pending:
                body = follower.body
                wanted = body is not None and len(follower.queue) < _MERGE_LINES
                if body is not None and wanted != follower.reading:
                    if wanted:
                        selector.register(body.fileno(), selectors.EVENT_READ, follower)
                    else:
                        selector.unregister(body.fileno())
                    follower.reading = wanted
            ready = [f for f in pending if f.reading and f.body is not None and f.body.ready()]
            if not ready and selector.get_map():
                ready = [key.data for key, _ in selector.select(_SELECT_WAIT)]
            for follower in ready:
                if not self._read_history(follower, selector):
                    return None
            if not self._merge(pending):
                return None
        return [f for f in followers if not f.ended] if self._follow else []

    def _read_history(self, follower: _Follower, selector: selectors.BaseSelector) -> bool:
        """One read of a source's history into its queue; False if the engine is gone."""
        body = follower.body
        assert body is not None
        data = body.read_available()
        if data is None:
            return True
        if data:
            lines = follower.parser.feed(data)
            if lines:
                follower.queue_lines(lines)
                follower.delivered += len(lines)
            return True
        selector.unregister(body.fileno())
        follower.body, follower.reading = None, False
        self._release(body)
        follower.complete = body.complete
        if not self._follow:
            follower.queue_lines(follower.parser.flush())
        elif body.complete:
            # Follow from its end: after the last line given, or every line if there was none.
            follower.tail = 0 if follower.delivered else None
        return True

    def _merge(self, pending: list[_Follower]) -> bool:
        """Hand over the lines of ``pending`` that can go (see :meth:`_history`), and the end of
        the sources read to the end; those leave ``pending``. False if the pump must stop."""
        reading = [f for f in pending if f.body is not None]
        if all(f.queue for f in reading):
            lines = _merged(pending, reading)
            if lines and not self._put(lines):
                return False
        for follower in [f for f in pending if f.body is None and not f.queue]:
            pending.remove(follower)
            if not self._follow:
                follower.ended = True
                reason = self._history_end(follower)
                if reason is None or not self._put([LogEnded(follower.source, reason)]):
                    return False
        return True

    def _history_end(self, follower: _Follower) -> str | None:
        """Why a log read without following ended; None if the engine is gone."""
        if follower.complete:
            return "end of log"
        try:
            record = self._view.check_container(follower.source.container_id)
        except ContainerNotFoundError:
            return "container removed"
        except EngineUnavailableError as exc:
            self._disconnected(exc)
            return None
        return "container removed" if record.state == "removing" else "end of log"

    # Following.

    def _round(self, followers: list[_Follower], selector: selectors.BaseSelector) -> bool:
        """Wait for data or a due reconnect or look, read what is there, hand lines over; False
        when the pump must stop."""
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
                if self._halt.is_set() or not self._look(follower):
                    return False
                continue
            wait = follower.pacer.pause_after(len(data))
            pause = wait if pause is None else min(pause, wait)
            lines = follower.parser.feed(data)
            if lines:
                follower.delivered += len(lines)
                handed: Sequence[LogItem] = lines
                if follower.pending is not None:
                    handed = follower.place_marker(lines)
                if not self._put(handed):
                    return False
        now = time.monotonic()
        for follower in followers:
            if follower.retry_at is not None and follower.retry_at <= now:
                follower.retry_at = None
                if follower.looking:
                    if not self._look(follower):
                        return False
                elif not self._connect(follower, selector):
                    return False
        return not pause or self._pause(pause)

    def _open(self, follower: _Follower, selector: selectors.BaseSelector, *, follow: bool) -> bool:
        """Open a source's log and register it; False if the engine is gone or the stream
        stopped. A container that is gone leaves no body (``gone`` says so); a log the engine
        cannot read ends the source."""
        source = follower.source
        follower.gone = False
        try:
            body = self._view.log_body(
                source.container_id, follow=follow, tail=follower.tail, since=follower.since
            )
        except ContainerNotFoundError:
            follower.gone = True
            return True
        except EngineUnavailableError as exc:
            self._disconnected(exc)
            return False
        except EngineError as exc:  # e.g. a logging driver the engine cannot read back
            follower.ended = True
            return self._put([LogEnded(source, f"log unreadable: {exc}")])
        if not self._hold(body):
            return False
        follower.body = body
        follower.pacer = _Pacer()
        follower.delivered = 0
        selector.register(body.fileno(), selectors.EVENT_READ, follower)
        return True

    def _connect(self, follower: _Follower, selector: selectors.BaseSelector) -> bool:
        """Follow a source's log (or settle what became of its container if it is gone)."""
        if not self._open(follower, selector, follow=True):
            return False
        return self._settle(follower, None) if follower.gone else True

    def _look(self, follower: _Follower) -> bool:
        """Ask the engine what became of a source's container, and act on it (see
        :meth:`_settle`); False if the engine is gone or the stream stopped."""
        try:
            record = self._view.check_container(follower.source.container_id)
        except ContainerNotFoundError:
            record = None
        except EngineUnavailableError as exc:
            self._disconnected(exc)
            return False
        return self._settle(follower, record)

    def _settle(self, follower: _Follower, record: ContainerRecord | None) -> bool:
        """Act on what a source's container is now (None: gone): follow a new run after a
        marker, read on, wait for it to run again, follow its replacement, or end the source.
        A new run is told by the engine's start time, whatever the state says now (a crash
        restarted by the restart policy may never be seen stopped)."""
        # A marker still waiting for the new run's first line: no such line came.
        items: list[LogItem] = [follower.pending] if follower.pending is not None else []
        follower.pending = None
        if record is None or record.state == "removing":
            return (not items or self._put(items)) and self._replace(follower)
        started = record.started_at
        first = not follower.known
        new_run = not first and started is not None and started != follower.run
        replaced = follower.previous is not None
        if new_run:
            if replaced:  # the replacement's first run: its log from the start
                items.append(LogRestarted(follower.source, started, previous=follower.previous))
            elif follower.run is not None:
                # Placed before the first line of the new run: lines of the old one may
                # still come (the engine can end a body before sending the last of them).
                follower.pending = LogRestarted(
                    follower.source,
                    started,
                    follower.exit_code,
                    follower.finished_at or record.finished_at,
                )
            follower.new_run()
        follower.known = True
        if started is not None:
            follower.run = started
        now = time.monotonic()
        if record.state in _RUNNING or new_run:
            # Read on: the new run, or the same one after the engine ended the body early.
            if record.state not in _RUNNING:
                follower.stopped(record)
            resume = follower.parser.restart()
            if resume is not None:
                follower.tail, follower.since = None, resume
            elif new_run and not replaced and started is not None:
                # Nothing read yet: the new run from the end of the one before.
                follower.tail = None
                follower.since = since_param(record.finished_at or started)
            follower.looking = False
            if first or new_run or follower.delivered:
                follower.retry = _RETRY_FIRST
                follower.retry_at = now
            else:
                follower.retry_at = now + follower.retry
                follower.retry = min(follower.retry * 2, _RETRY_MAX)
            return self._put(items) if items else True
        if record.state != "created":
            follower.stopped(record)
        if record.state in _STOPPED and not follower.told:
            follower.told = True
            items += [
                *follower.parser.flush(),
                LogExited(follower.source, record.exit_code, record.finished_at),
            ]
        follower.looking = True
        follower.retry_at = now + follower.poll
        follower.poll = min(follower.poll * 2, _POLL_MAX)
        return self._put(items) if items else True

    def _replace(self, follower: _Follower) -> bool:
        """A source's container is gone: follow its replacement from its start, if compose
        made one (same project, service and container number), else end the source."""
        source = follower.source
        successor = None
        if source.project and source.number:
            try:
                listing = self._view.containers(source.project)
            except EngineUnavailableError as exc:
                self._disconnected(exc)
                return False
            successor = next(
                (
                    c
                    for c in listing
                    if c.id != source.container_id
                    and (c.service, c.number) == (source.service, source.number)
                    and c.state != "removing"
                ),
                None,
            )
        lines = follower.parser.flush()
        if successor is None:
            follower.ended = True
            follower.retry_at = None
            return self._put([*lines, LogEnded(source, "container removed")])
        if lines and not self._put(lines):
            return False
        follower.replace(LogSource.of(successor))
        return self._settle(follower, successor)


class _Follower:
    """The pump's state for one source: its open body, parser, pacing, what it knows of the
    container's runs, the reconnect or look it plans, and its history waiting for the merge."""

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
        """When to connect again, or with :attr:`looking` to look at the container again."""
        self.looking = False
        self.poll = _POLL_FIRST
        self.gone = False
        """The last open found no container."""
        self.ended = False
        # The container's runs.
        self.known = False
        """The container was looked at once: :attr:`run` is the run followed."""
        self.run: datetime | None = None
        """The start time of the run followed (None: it never ran)."""
        self.exit_code: int | None = None
        self.finished_at: datetime | None = None
        """How and when the run followed was seen ending (None: not seen)."""
        self.told = False
        """Its stop was told (:class:`LogExited`)."""
        self.previous: LogSource | None = None
        """The container it replaced, until the replacement's first run is told."""
        self.pending: LogRestarted | None = None
        """The marker of a new run, to hand over before its first line."""
        # The history.
        self.queue: list[LogLine] = []
        self.plain = True
        """The lines queued have times, in order: the merge can use them as they are."""
        self.last_key = _EARLIEST
        """The merge's time for the last line of this source it handed over."""
        self.reading = False
        self.complete = True

    @property
    def active(self) -> bool:
        return self.body is not None or self.retry_at is not None

    def queue_lines(self, lines: list[LogLine]) -> None:
        """Queue history lines for the merge, noting whether their times can be used as they
        are (all known, none older than the line before it)."""
        if self.plain:
            stamps = list(map(_STAMP, lines))
            if self.queue:
                stamps.insert(0, self.queue[-1].timestamp)
            try:
                self.plain = all(map(le, stamps, islice(stamps, 1, None))) and None not in stamps
            except TypeError:  # a line without a time
                self.plain = False
        self.queue += lines

    def place_marker(self, lines: list[LogLine]) -> list[LogLine | LogRestarted]:
        """``lines`` with the :attr:`pending` marker before the first line of the new run, if
        one is there (the marker waits otherwise). The new run's lines are those after the
        old run ended: its first line can be stamped before the engine notes its start."""
        marker = self.pending
        assert marker is not None
        start = marker.finished_at or marker.started_at
        assert start is not None
        for index, line in enumerate(lines):
            if line.timestamp is not None and line.timestamp > start:
                self.pending = None
                return [*lines[:index], marker, *lines[index:]]
        return list(lines)

    def stopped(self, record: ContainerRecord) -> None:
        """The run followed was seen ended (or about to be restarted)."""
        self.exit_code, self.finished_at = record.exit_code, record.finished_at

    def new_run(self) -> None:
        self.exit_code = self.finished_at = None
        self.previous = None
        self.told = False
        self.poll = _POLL_FIRST

    def replace(self, source: LogSource) -> None:
        """Follow ``source`` (a replacement of the container followed) from its start."""
        self.previous = self.previous or self.source
        self.source = source
        self.parser = FrameParser(source)
        self.tail = self.since = None
        self.run = None
        self.known = True
        self.told = False
        self.exit_code = self.finished_at = None


def _merged(pending: list[_Follower], reading: list[_Follower]) -> list[LogLine]:
    """Take from the queues of ``pending`` the lines that no source of ``reading`` (each
    with a line queued) can precede, merged by time: equal times in the order of the sources,
    each source's lines in their order."""
    if all(f.plain for f in pending):
        # (plain: every time is known)
        cutoff = min(f.queue[-1].timestamp or _EARLIEST for f in reading) if reading else None
        counts = [
            len(f.queue) if cutoff is None else bisect_right(f.queue, cutoff, key=_STAMP)
            for f in pending
        ]
        lines: list[LogLine] = []
        for follower, count in zip(pending, counts, strict=True):
            if count:
                lines += follower.queue[:count]
                follower.last_key = follower.queue[count - 1].timestamp or follower.last_key
                del follower.queue[:count]
                follower.plain = True
        if sum(1 for count in counts if count) > 1:
            lines.sort(key=_STAMP)
        return lines
    # Some line has no time, or is older than the one before it: each line takes the latest
    # time of its source so far.
    keyed: list[tuple[_Follower, list[datetime]]] = []
    for follower in pending:
        key, keys = follower.last_key, []
        for line in follower.queue:
            stamp = line.timestamp
            if stamp is not None and stamp > key:
                key = stamp
            keys.append(key)
        keyed.append((follower, keys))
    ends = [keys[-1] for follower, keys in keyed if follower.body is not None]
    cutoff_key = min(ends) if ends else None
    pairs: list[tuple[datetime, LogLine]] = []
    for follower, keys in keyed:
        count = len(keys) if cutoff_key is None else bisect_right(keys, cutoff_key)
        if count:
            pairs += zip(keys[:count], follower.queue[:count], strict=True)
            follower.last_key = keys[count - 1]
            del follower.queue[:count]
            follower.plain = True
            if follower.queue:
                follower.plain = False
    pairs.sort(key=itemgetter(0))
    return [line for _, line in pairs]


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
