"""The engine's multiplexed log format, parsed into lines.

The engine sends a container's log (without a TTY) as frames: an 8-byte header (stream type,
three zero bytes, big-endian payload length) and the payload. With timestamps asked for, each
line starts with the engine's RFC 3339 time. :class:`FrameParser` turns bytes cut anywhere into
:class:`LogLine` objects, joins lines the engine split over several frames, and remembers the
last line delivered so that a reconnect can skip what it sends again.

The items a log stream hands out are here too: :class:`LogLine`, and the news about a source
between its lines (:class:`LogExited`, :class:`LogRestarted`, :class:`LogEnded`), together
:data:`LogItem`.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from ._containers import ContainerRecord

__all__ = [
    "FrameParser",
    "LogEnded",
    "LogExited",
    "LogItem",
    "LogLine",
    "LogRestarted",
    "LogSource",
    "since_param",
]

_HEADER = struct.Struct(">BxxxL")
"""A frame header: stream (1 stdout, 2 stderr), three zero bytes, big-endian payload length."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class LogSource:
    """A container whose log is followed."""

    container_id: str
    name: str
    """The container's name, e.g. ``demo-assistant-1``."""
    service: str
    """Its compose service."""
    project: str = ""
    """Its compose project ("" when not known: a container removed is then not replaced)."""
    number: int = 0
    """Its compose container number (0 when not known)."""

    @classmethod
    def of(cls, container: ContainerRecord) -> LogSource:
        """The source for ``container``, named by its stable name
        (:attr:`~._containers.ContainerRecord.stable_name`), never the engine's momentary one."""
        return cls(
            container.id,
            container.stable_name,
            container.service,
            container.project,
            container.number,
        )


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
    """One source's log ended for good; ``reason`` says why (``container removed`` and not
    replaced, ``log unreadable: ...``, ``end of log`` when not following)."""

    source: LogSource
    reason: str


@dataclass(frozen=True, slots=True)
class LogExited:
    """A followed container stopped (exited, or dead). Its log is not over: it is followed
    again when the container runs again (a :class:`LogRestarted` comes then), or its
    replacement when it is recreated."""

    source: LogSource
    exit_code: int
    finished_at: datetime | None

    @property
    def reason(self) -> str:
        """``container exited (code 137)``."""
        return f"container exited (code {self.exit_code})"


@dataclass(frozen=True, slots=True)
class LogRestarted:
    """A followed container runs again, or was recreated: the lines after this come from the
    new run. ``source`` is the container followed from now on: for a recreated one, its
    replacement (another container ID, the same stable name), and ``previous`` the container
    it replaced."""

    source: LogSource
    started_at: datetime | None
    """When the new run started (None if the engine did not say)."""
    exit_code: int | None = None
    """How the previous run ended, when that was seen (None: it stopped and started again
    between two looks, or the container was replaced)."""
    finished_at: datetime | None = None
    """When the previous run ended, when known."""
    previous: LogSource | None = None
    """The container replaced; None when the same container ran again."""

    @property
    def recreated(self) -> bool:
        return self.previous is not None

    def describe(self, zone: tzinfo | None = None) -> str:
        """``restarted 12:03:04, exit code 137`` or ``recreated 12:03:04``: the start of the new
        run in ``zone`` (None: local time)."""
        word = "recreated" if self.recreated else "restarted"
        if self.started_at is not None:
            word += f" {self.started_at.astimezone(zone):%H:%M:%S}"
        if self.exit_code is not None and not self.recreated:
            word += f", exit code {self.exit_code}"
        return word


LogItem = LogLine | LogExited | LogRestarted | LogEnded
"""What a log stream hands out: lines, and between them what became of their container."""


def _slot_setters() -> tuple[Callable[[Any, Any], None], ...]:
    """The setters of :class:`LogLine`'s slots, in field order.

    A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``; setting
    the slots directly makes a line in half the time, which is a tenth of a core on a busy pod.
    """
    cls: Any = LogLine
    return tuple(getattr(cls, f.name).__set__ for f in fields(LogLine))


_new = object.__new__
_set_source, _set_text, _set_stream, _set_timestamp = _slot_setters()


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
        self._flushed: set[tuple[int, str]] = set()
        """(stream, timestamp) of the cut lines :meth:`flush` handed out: after a reconnect the
        engine sends them again, still cut, and they are skipped."""

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
        if self._flushed and kind not in self._held:
            key = (kind, payload.partition(b" ")[0].decode("ascii", "replace"))
            if key in self._flushed:
                self._flushed.discard(key)
                return
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
        """Lines still incomplete when the log ended (a last line without newline). Should the
        log be read again (the container runs again), the engine sends them again, cut as
        they were: they are skipped then."""
        lines: list[LogLine] = []
        for kind, (stamp, text) in sorted(self._held.items()):
            self._emit(lines, kind, stamp, text.decode("utf-8", "replace"))
            self._flushed.add((kind, stamp))
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
