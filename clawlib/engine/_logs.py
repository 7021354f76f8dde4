"""Following container logs: many containers into one bounded, ordered feed.

A :class:`LogStream` runs one reader thread per container. Each reads the engine's raw
multiplexed log in large pieces and parses the frames itself: the SDK's log generator makes two
small socket reads per line and yields 70-80k raw frames a second from one container's log,
where this reader hands over 130-180k parsed lines (bench/README.md). All readers share one
bounded buffer: when the consumer falls behind, readers block instead of dropping lines or
growing memory (the engine keeps the log on disk, so a reader that lags loses nothing).

When a followed log ends, the container is inspected to say why: removed, exited, or still
running because the engine restarted, in which case the reader reconnects from the timestamp of
the last line it delivered and skips the lines it already delivered. An engine that no longer
answers ends the whole stream with :class:`EngineDisconnectedError`, after the lines already
buffered.

:class:`_Feed` (the buffer, the reader threads, ``close``) is shared with the event stream.
"""

from __future__ import annotations

import selectors
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Generic, Literal, Self, TypeVar

from clawlib.errors import (
    ContainerNotFoundError,
    EngineDisconnectedError,
    EngineError,
    EngineUnavailableError,
    InvalidValueError,
)

if TYPE_CHECKING:
    from ._docker import DockerView, RawBody

__all__ = ["FrameParser", "LogEnded", "LogLine", "LogSource", "LogStream", "since_param"]

_HEADER = struct.Struct(">BxxxL")
"""A frame header: stream (1 stdout, 2 stderr), three zero bytes, big-endian payload length."""
_CLOSE_WAIT = 0.5
"""Seconds close() waits for the reader threads: aborting their sockets ends them at once; one
still opening its connection finishes on its own, sees the stream closed and releases it."""
_RETRY_FIRST, _RETRY_MAX = 0.05, 1.0
"""Pause before reconnecting a log that ended without delivering anything, doubled each time."""
_BATCH_BYTES = 8192
_MAX_PAUSE = 0.02
"""Reads are paced to find about _BATCH_BYTES each (a hundred lines), waiting at most _MAX_PAUSE
seconds between them. Unpaced, a reader of a busy container wakes for every handful of lines:
twenty of them then spend more than twice the CPU per line (measured on 2 cores), CPU that the
engine and the containers producing the lines need. The batch stays well below what one
connection queues before the engine has to wait (about 280 frames, 25 KiB, on a unix socket),
so a fast source is not held back, and a line waits at most _MAX_PAUSE longer."""
_SELECT_WAIT = 0.1
"""Longest wait for data in one round: bounds how late a due reconnect or a stop is noticed."""
_RECONNECT_STATES = frozenset({"running", "restarting", "paused"})
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class LogSource:
    """A container whose log is followed."""

    container_id: str
    name: str
    """The container's name, e.g. ``demo-assistant-1``."""
    service: str
    """Its compose service."""


@dataclass(frozen=True, slots=True)
class LogLine:
    """One line of a container's log."""

    source: LogSource
    text: str
    """The line without its newline (or carriage return), decoded as UTF-8 with replacement."""
    stream: Literal["stdout", "stderr"]
    timestamp: datetime | None
    """When the engine received the line (None only if it sent something unreadable)."""


@dataclass(frozen=True, slots=True)
class LogEnded:
    """One source's log ended for good; ``reason`` says why (``container exited (code 0)``,
    ``container removed``, ``end of log`` when not following)."""

    source: LogSource
    reason: str


def _slot_setters() -> tuple[Callable[[Any, Any], None], ...]:
    """The setters of :class:`LogLine`'s slots, in field order.

    A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``; setting
    the slots directly makes a line in half the time, which is a tenth of a core on a busy pod.
    """
    cls: Any = LogLine
    return tuple(getattr(cls, f.name).__set__ for f in fields(LogLine))


_new = object.__new__
_set_source, _set_text, _set_stream, _set_timestamp = _slot_setters()


class _Feed(Generic[T]):
    """Reader threads filling one bounded buffer that one consumer drains.

    Readers block while the buffer is full (backpressure) and are woken by the consumer or by
    :meth:`close`; every wait is bounded or woken by ``close``. A reader's failure is carried to
    the consumer, who gets it after the items buffered before it.
    """

    def __init__(self, view: DockerView, capacity: int) -> None:
        if capacity < 1:
            raise InvalidValueError(f"the buffer must hold at least 1 item, not {capacity}")
        self._view = view
        self._capacity = capacity
        self._lock = threading.Lock()
        self._readable = threading.Condition(self._lock)
        self._writable = threading.Condition(self._lock)
        self._items: deque[T] = deque()
        self._halt = threading.Event()
        """Set by close() or a failure: readers stop at their next step."""
        self._bodies: set[RawBody] = set()
        self._threads: list[threading.Thread] = []
        self._running = 0
        self._error: BaseException | None = None
        self._raised = False
        self._started = False
        self._closed = False

    def _readers(self) -> list[tuple[str, Callable[[], None]]]:
        """The reader jobs to run, each with a thread name."""
        raise NotImplementedError

    def start(self) -> Self:
        """Check that the engine answers (:class:`EngineUnavailableError` if not) and start the
        reader threads. Starting twice, or after :meth:`close`, does nothing."""
        if self._started or self._closed:
            return self
        self._view.ping()
        readers = self._readers()
        with self._lock:
            self._started = True
            self._running = len(readers)
        for name, job in readers:
            thread = threading.Thread(target=self._run, args=(job,), name=name, daemon=True)
            self._threads.append(thread)
            thread.start()
        return self

    def get_batch(self, max_items: int = 1000, timeout: float | None = None) -> list[T]:
        """What is buffered, up to ``max_items``, waiting up to ``timeout`` seconds (None: until
        something happens) for the first item.

        Returns ``[]`` on timeout, and at once when nothing more will come: every reader has
        ended or the stream was closed; :attr:`finished` then says so. Once the buffered items
        have been handed out, a failure of a reader is raised here (every time), e.g.
        :class:`EngineDisconnectedError`.
        """
        if not self._started and not self._closed:
            raise RuntimeError("start() the stream before reading it")
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            while not self._items:
                if self._closed:
                    return []
                if self._error is not None:
                    self._raised = True
                    raise self._error
                if self._running == 0:
                    return []
                if deadline is None:
                    self._readable.wait()
                else:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return []
                    self._readable.wait(remaining)
            items = self._items
            if max_items >= len(items):
                batch = list(items)
                items.clear()
            else:
                batch = [items.popleft() for _ in range(max(1, max_items))]
            self._writable.notify_all()
            return batch

    def __iter__(self) -> Iterator[T]:
        """Every item until every reader has ended (or :meth:`close`); then a reader's failure,
        if there was one, is raised."""
        while batch := self.get_batch(timeout=None):
            yield from batch

    @property
    def finished(self) -> bool:
        """Nothing more will come: closed, or every reader ended and its items were handed out
        (including a failure, once raised)."""
        with self._lock:
            if self._closed:
                return True
            if self._items or not self._started:
                return False
            return self._raised if self._error is not None else self._running == 0

    @property
    def dropped(self) -> int:
        """Items discarded for lack of room: always 0, since a full buffer makes the readers wait
        instead. Kept so that callers and tests can check it."""
        return 0

    def close(self) -> None:
        """Stop every reader (their sockets are shut, so this takes well under a second) and
        discard what is buffered. Safe to call more than once, and from any thread."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._items.clear()
            bodies = list(self._bodies)
            self._halt.set()
            self._readable.notify_all()
            self._writable.notify_all()
        for body in bodies:
            body.abort()
        deadline = time.monotonic() + _CLOSE_WAIT
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(max(0.0, deadline - time.monotonic()))

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # For the readers.

    def _run(self, job: Callable[[], None]) -> None:
        try:
            job()
        except BaseException as exc:  # carried to the consumer: never a thread traceback
            self._fail(exc)
        finally:
            with self._lock:
                self._running -= 1
                self._readable.notify_all()

    def _fail(self, error: BaseException) -> None:
        """Stop every reader; the consumer gets ``error`` after the buffered items."""
        with self._lock:
            if self._error is None and not self._closed:
                self._error = error
            bodies = list(self._bodies)
            self._halt.set()
            self._readable.notify_all()
            self._writable.notify_all()
        for body in bodies:
            body.abort()

    def _disconnected(self, exc: EngineUnavailableError) -> None:
        self._fail(EngineDisconnectedError(exc.host, exc.reason))

    def _put(self, items: Sequence[T]) -> bool:
        """Hand ``items`` over in order, waiting while the buffer is full; False when the feed
        was stopped meanwhile (the reader should return)."""
        count = len(items)
        done = 0
        with self._lock:
            while done < count:
                room = self._capacity - len(self._items)
                while room <= 0 and not self._halt.is_set():
                    self._writable.wait()
                    room = self._capacity - len(self._items)
                if self._halt.is_set():
                    return False
                if done == 0 and count <= room:
                    self._items.extend(items)
                    done = count
                else:
                    self._items.extend(items[done : done + room])
                    done += room
                self._readable.notify()
        return True

    def _hold(self, body: RawBody) -> bool:
        """Register an open body so that close() can abort it; False (body closed) if stopped."""
        with self._lock:
            if not self._halt.is_set():
                self._bodies.add(body)
                return True
        body.close()
        return False

    def _release(self, body: RawBody) -> None:
        with self._lock:
            self._bodies.discard(body)
        body.close()

    def _pause(self, seconds: float) -> bool:
        """Wait ``seconds`` unless stopped first; False if stopped."""
        return not self._halt.wait(seconds)


class LogStream(_Feed[LogLine | LogEnded]):
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
        view: DockerView,
        sources: Sequence[LogSource],
        *,
        follow: bool = True,
        tail: int | None = None,
        since: datetime | None = None,
        buffer_lines: int = 10_000,
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


class FrameParser:
    """The engine's multiplexed log (requested with timestamps) as :class:`LogLine` objects.

    Bytes may be cut anywhere between :meth:`feed` calls. A line longer than the engine's
    16 KiB message limit comes as several frames, only the last ending in a newline; they are
    joined (and stamped with the first frame's time). It also remembers the last line handed out,
    so that after a reconnect the lines the engine sends again are skipped.
    """

    def __init__(self, source: LogSource) -> None:
        self._source = source
        self._rest = b""
        self._held: dict[int, tuple[str, bytes]] = {}
        """Per stream, a line whose frames have not all arrived: (timestamp, bytes so far)."""
        self.last_stamp = ""
        """The engine's timestamp of the last line handed out ("" before the first)."""
        self._same = 0
        """How many lines handed out carry exactly :attr:`last_stamp`."""
        self._replay: tuple[int, int] | None = None
        """After a reconnect: skip lines before this nanosecond time, and this many at it."""

    def feed(self, data: bytes) -> list[LogLine]:
        """The lines completed by ``data``, in order."""
        buf = self._rest + data if self._rest else data
        size = len(buf)
        pos = 0
        lines: list[LogLine] = []
        append = lines.append
        unpack = _HEADER.unpack_from
        parse_time = datetime.fromisoformat
        source = self._source
        last, same = self.last_stamp, self._same
        # The loop is the cost of following a busy pod, so the usual frame (one whole line
        # ending in a newline, nothing held back, nothing to skip) is handled inline.
        while size - pos >= 8:
            kind, length = unpack(buf, pos)
            start = pos + 8
            end = start + length
            if end > size:
                break
            pos = end
            if not length:
                continue
            if buf[end - 1] != 10 or self._held or self._replay is not None:  # 10 is "\n"
                self.last_stamp, self._same = last, same
                self._frame(lines, kind, buf[start:end])
                last, same = self.last_stamp, self._same
                continue
            stamp, _, text = buf[start : end - 1].decode("utf-8", "replace").partition(" ")
            if stamp == last:
                same += 1
            else:
                last, same = stamp, 1
            if text.endswith("\r") or "\n" in text:
                self._emit(lines, kind, stamp, text)
                continue
            try:
                when: datetime | None = parse_time(stamp)
            except ValueError:
                when = None
            line = _new(LogLine)
            _set_source(line, source)
            _set_text(line, text)
            _set_stream(line, "stderr" if kind == 2 else "stdout")
            _set_timestamp(line, when)
            append(line)
        self.last_stamp, self._same = last, same
        self._rest = buf[pos:]
        return lines

    def _frame(self, lines: list[LogLine], kind: int, payload: bytes) -> None:
        """A frame off the usual path: part of a long line, or maybe a repeat after reconnect."""
        joined = self._join(kind, payload)
        if joined is None:
            return
        stamp, text = joined
        if self._replay is not None and self._replayed(stamp):
            return
        if stamp == self.last_stamp:
            self._same += 1
        else:
            self.last_stamp = stamp
            self._same = 1
        self._emit(lines, kind, stamp, text)

    def _emit(self, lines: list[LogLine], kind: int, stamp: str, text: str) -> None:
        stream: Literal["stdout", "stderr"] = "stderr" if kind == 2 else "stdout"
        try:
            when: datetime | None = datetime.fromisoformat(stamp)
        except ValueError:
            when = None
        if text.endswith("\r"):
            text = text[:-1]
        if "\n" in text:  # a log driver that batches lines: split them, one time for all
            source = self._source
            lines.extend(LogLine(source, t.rstrip("\r"), stream, when) for t in text.split("\n"))
        else:
            lines.append(LogLine(self._source, text, stream, when))

    def _join(self, kind: int, payload: bytes) -> tuple[str, str] | None:
        """Collect the frames of a line cut by the engine; the whole line once it is complete."""
        stamp, _, text = payload.partition(b" ")
        held = self._held.pop(kind, None)
        if held is not None:
            stamp_text, text = held[0], held[1] + text
        else:
            stamp_text = stamp.decode("ascii", "replace")
        if not text.endswith(b"\n"):
            self._held[kind] = (stamp_text, text)
            return None
        return stamp_text, text[:-1].decode("utf-8", "replace")

    def flush(self) -> list[LogLine]:
        """Lines still incomplete when the log ended for good (a last line without newline)."""
        lines: list[LogLine] = []
        for kind, (stamp, text) in sorted(self._held.items()):
            self._emit(lines, kind, stamp, text.decode("utf-8", "replace"))
        self._held.clear()
        self._rest = b""
        return lines

    def restart(self) -> str | None:
        """Prepare for a reconnect: forget a cut frame or line (the engine sends it again) and
        skip, from now on, the lines already handed out that the engine repeats. Returns the
        engine's ``since`` to reconnect with (``seconds.nanoseconds`` of the last line handed
        out), or None when no line with a readable time was handed out yet."""
        self._rest = b""
        self._held.clear()
        try:
            nanos = _nanos(self.last_stamp)
        except ValueError:
            return None
        self._replay = (nanos, self._same)
        return f"{nanos // 1_000_000_000}.{nanos % 1_000_000_000:09d}"

    def _replayed(self, stamp: str) -> bool:
        assert self._replay is not None
        nanos, same = self._replay
        try:
            when = _nanos(stamp)
        except ValueError:
            return False
        if when < nanos:
            return True
        if when == nanos and same > 0:
            self._replay = (nanos, same - 1)
            return True
        self._replay = None  # past what was delivered: stop checking
        return False


class _Pacer:
    """Paces the reads of one log so that each finds about _BATCH_BYTES.

    The wait after a small read is the time the log takes to produce _BATCH_BYTES at its rate,
    at most _MAX_PAUSE. The rate is the fastest seen recently (it halves at each read unless
    measured again): a read that happens to find little on a fast log must not make the reader
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


def _nanos(stamp: str) -> int:
    """Nanoseconds since the epoch of an RFC 3339 time with up to nine fraction digits."""
    head, dot, rest = stamp.partition(".")
    digits = ""
    if dot:
        count = len(rest) - len(rest.lstrip("0123456789"))
        digits, zone = rest[:count], rest[count:]
        head += zone
    seconds = (datetime.fromisoformat(head) - _EPOCH) // timedelta(seconds=1)
    return seconds * 1_000_000_000 + int(digits[:9].ljust(9, "0"))


def since_param(when: datetime) -> str:
    """A datetime as the engine's ``since`` (``seconds.nanoseconds``); naive means UTC."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    micros = (when - _EPOCH) // timedelta(microseconds=1)
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}000"
