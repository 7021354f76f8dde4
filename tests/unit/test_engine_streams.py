"""Log and event streams over scripted engine bodies: HTTP chunk and log frame parsing wherever
reads cut them, backpressure, close, what happens when a log ends, and event mapping."""

from __future__ import annotations

import dataclasses
import http.client
import inspect
import json
import os
import select
import socket
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from clawlib.engine import (
    ContainerRecord,
    DockerView,
    EngineEvent,
    EventStream,
    LogEnded,
    LogExited,
    LogLine,
    LogRestarted,
    LogSource,
    LogStream,
    _logs,
)
from clawlib.engine._events import event_from_message
from clawlib.engine._frames import FrameParser, since_param
from clawlib.engine._http import ChunkedDecoder, HttpBody
from clawlib.engine._logs import _Pacer
from clawlib.errors import (
    ContainerNotFoundError,
    EngineDisconnectedError,
    EngineError,
    EngineUnavailableError,
    InvalidValueError,
)
from tests.fakes import (
    FAKE_HOST,
    FakeBody,
    FakeEngineView,
    chunked,
    container_state,
    log_frame,
)
from tests.polling import wait_for

EPOCH_0535 = 1796016035
"""2026-11-30T05:20:35Z in seconds since the epoch."""
S1 = "2026-11-30T05:20:35.000000001Z"
S2 = "2026-11-30T05:20:35.000000002Z"
S3 = "2026-11-30T05:20:36.5Z"
T1 = datetime(2026, 11, 30, 5, 20, 35, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]
A = LogSource("a", "pod-a-1", "a")
B = LogSource("b", "pod-b-1", "b")
C = LogSource("c", "pod-c-1", "c")


def stamp(second: int) -> str:
    return f"2026-11-30T05:20:{second:02d}.123456789Z"


def at(second: int) -> datetime:
    return datetime(2026, 11, 30, 5, 20, second, 123456, tzinfo=UTC)


def since_of(second: int) -> str:
    """The engine's ``since`` that resumes after the line stamped ``stamp(second)``."""
    return f"{EPOCH_0535 - 35 + second}.123456789"


def running(ref: str, second: int, **details: Any) -> ContainerRecord:
    """Container ``ref`` running since ``at(second)``."""
    return container_state(ref, "running", started=at(second), **details)


def drain(stream: LogStream | EventStream) -> list[Any]:
    """Everything until the stream is finished (bounded)."""
    items: list[Any] = []

    def finished() -> bool:
        items.extend(stream.get_batch(timeout=0.5))
        return stream.finished

    wait_for(finished, interval=0, message="the end of the stream")
    return items


def collect(stream: LogStream | EventStream, count: int) -> list[Any]:
    """At least ``count`` items (bounded wait)."""
    items: list[Any] = []

    def enough() -> bool:
        items.extend(stream.get_batch(timeout=0.5))
        return len(items) >= count

    wait_for(enough, interval=0, message=lambda: f"{count} items (only {len(items)} came)")
    return items


def texts(items: list[Any], source: LogSource | None = None) -> list[str]:
    """Each line's text, ``end: <reason>`` for the end of a source, ``exited: <reason>`` and
    ``— <what> —`` for a stop and a new run."""
    return [
        item.text
        if isinstance(item, LogLine)
        else f"exited: {item.reason}"
        if isinstance(item, LogExited)
        else f"— {item.describe(UTC)} —"
        if isinstance(item, LogRestarted)
        else f"end: {item.reason}"
        for item in items
        if source is None or item.source == source
    ]


def reader_threads(source: LogSource) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == f"claw-logs-{source.name}"]


# HTTP chunked transfer encoding.


def test_chunks_decode_wherever_reads_cut_them() -> None:
    payloads = [b"first payload", b"\r\n0\r\n tricky bytes", b"x" * 300]
    body = chunked(*payloads)
    for cut in range(len(body) + 1):
        decoder = ChunkedDecoder()
        assert decoder.feed(body[:cut]) + decoder.feed(body[cut:]) == b"".join(payloads)
        assert decoder.done
    decoder = ChunkedDecoder()
    assert b"".join(decoder.feed(body[i : i + 1]) for i in range(len(body))) == b"".join(payloads)
    assert decoder.done


def test_chunk_extensions_and_malformed_sizes() -> None:
    decoder = ChunkedDecoder()
    assert decoder.feed(b"5;name=value\r\nhello\r\n") == b"hello"
    assert not decoder.done
    with pytest.raises(ValueError, match="invalid literal"):
        ChunkedDecoder().feed(b"zz\r\nhello\r\n")
    with pytest.raises(ValueError, match="chunk-size line too long"):
        ChunkedDecoder().feed(b"1" * 2000)


# Log frames.

EXPECTED = [
    LogLine(A, "first", "stdout", at(1)),
    LogLine(A, "second, on stderr", "stderr", at(2)),
    LogLine(A, "", "stdout", at(3)),
]
FRAMES = (
    log_frame(stamp(1), "first\n")
    + log_frame(stamp(2), "second, on stderr\n", stream=2)
    + log_frame(stamp(3), "\n")
)


def test_frames_parse_wherever_reads_cut_them() -> None:
    assert FrameParser(A).feed(FRAMES) == EXPECTED
    for cut in range(len(FRAMES) + 1):
        parser = FrameParser(A)
        assert parser.feed(FRAMES[:cut]) + parser.feed(FRAMES[cut:]) == EXPECTED
    parser = FrameParser(A)
    lines = [line for i in range(len(FRAMES)) for line in parser.feed(FRAMES[i : i + 1])]
    assert lines == EXPECTED


def test_chunks_then_frames_cut_byte_by_byte() -> None:
    body = chunked(FRAMES[:20], FRAMES[20:45], FRAMES[45:])
    decoder = ChunkedDecoder()
    parser = FrameParser(A)
    lines = [line for i in range(len(body)) for line in parser.feed(decoder.feed(body[i : i + 1]))]
    assert lines == EXPECTED
    assert decoder.done


def test_a_line_the_engine_cut_into_frames_is_joined() -> None:
    frames = (
        log_frame(stamp(1), b"caf\xc3")  # the engine cut inside a UTF-8 character
        + log_frame(stamp(2), "meanwhile on stderr\n", stream=2)
        + log_frame(stamp(3), b"\xa9 au ")
        + log_frame(stamp(4), "lait\n")
    )
    assert FrameParser(A).feed(frames) == [
        LogLine(A, "meanwhile on stderr", "stderr", at(2)),
        LogLine(A, "café au lait", "stdout", at(1)),
    ]


def test_crlf_invalid_utf8_and_a_last_line_without_newline() -> None:
    parser = FrameParser(A)
    frames = (
        log_frame(stamp(1), b"from windows\r\n")
        + log_frame(stamp(2), b"bad \xff byte\n")
        + log_frame(stamp(3), b"two\nlines\n")
        + log_frame(stamp(4), b"no newline at the end")
    )
    assert parser.feed(frames) == [
        LogLine(A, "from windows", "stdout", at(1)),
        LogLine(A, "bad \ufffd byte", "stdout", at(2)),
        LogLine(A, "two", "stdout", at(3)),
        LogLine(A, "lines", "stdout", at(3)),
    ]
    assert parser.flush() == [LogLine(A, "no newline at the end", "stdout", at(4))]
    assert parser.flush() == []


def test_unreadable_timestamp_is_none() -> None:
    parser = FrameParser(A)
    assert parser.feed(log_frame("yesterday", "text\n")) == [LogLine(A, "text", "stdout", None)]
    assert parser.restart() is None  # no time to resume from
    assert FrameParser(A).restart() is None


def test_parsed_lines_are_ordinary_frozen_dataclasses() -> None:
    (line,) = FrameParser(A).feed(log_frame(S1, "hello\n"))
    same = LogLine(A, "hello", "stdout", T1)
    assert line == same
    assert hash(line) == hash(same)
    assert repr(line) == repr(same)
    with pytest.raises(dataclasses.FrozenInstanceError):
        line.text = "changed"  # type: ignore[misc]
    assert dataclasses.replace(line, text="other").text == "other"


def test_resume_point_and_lines_repeated_after_a_reconnect_are_skipped() -> None:
    parser = FrameParser(A)
    first = log_frame(S1, "one\n") + log_frame(S2, "two\n") + log_frame(S2, "three\n")
    assert texts(parser.feed(first)) == ["one", "two", "three"]
    assert parser.restart() == f"{EPOCH_0535}.000000002"
    again = (
        log_frame(S1, "one\n")
        + log_frame(S2, "two\n")
        + log_frame(S2, "three\n")
        + log_frame(S2, "four, same nanosecond\n")
        + log_frame(S3, "five\n")
        + log_frame(S1, "an old stamp after new lines is kept\n")
    )
    assert texts(parser.feed(again)) == [
        "four, same nanosecond",
        "five",
        "an old stamp after new lines is kept",
    ]


def test_since_param() -> None:
    when = datetime(2026, 11, 30, 5, 20, 35, 123456, tzinfo=UTC)
    assert since_param(when) == f"{EPOCH_0535}.123456000"
    assert since_param(when.replace(tzinfo=None)) == f"{EPOCH_0535}.123456000"
    paris = when.replace(tzinfo=timezone(timedelta(hours=1)))
    assert since_param(paris) == f"{EPOCH_0535 - 3600}.123456000"


def test_reads_are_paced_to_gather_a_batch() -> None:
    times = iter([0.0, 1.0, 1.001, 1.002, 1.003, 1.004])
    pacer = _Pacer(clock=lambda: next(times))
    assert pacer.pause_after(100) == 0.02  # 100 bytes/s: wait the longest
    assert pacer.pause_after(4096) == pytest.approx(8192 / 4_096_000)  # 4 MB/s
    # A read that finds little on a fast log: the recent rate, halved, still holds.
    assert pacer.pause_after(100) == pytest.approx(8192 / 2_048_000)
    assert pacer.pause_after(8192) == 0.0  # a full batch: read again at once
    assert pacer.pause_after(20_000) == 0.0


# The HTTP body over a real socket.


def http_body(head: bytes) -> tuple[HttpBody, socket.socket]:
    """A body over one end of a socket pair; the test plays the engine on the other end."""
    ours, engine = socket.socketpair()
    engine.sendall(head)
    message = http.client.HTTPResponse(ours)
    message.begin()

    def close() -> None:
        message.close()
        ours.close()

    raw = SimpleNamespace(_fp=message, connection=SimpleNamespace(sock=ours))
    return HttpBody(SimpleNamespace(raw=raw, close=close)), engine


CHUNKED_HEAD = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"


def test_http_body_reads_chunks_to_the_end() -> None:
    body, engine = http_body(CHUNKED_HEAD + chunked(b"hello ", end=False))
    try:
        assert body.read() == b"hello "
        engine.sendall(chunked(b"world"))
        assert body.read() == b"world"
        assert body.read() == b""
        assert body.complete
        assert body.read() == b""  # the connection is kept alive: never read past the end
    finally:
        body.close()
        engine.close()


def test_http_body_read_without_waiting() -> None:
    body, engine = http_body(CHUNKED_HEAD + chunked(b"came with the headers", end=False))
    try:
        assert body.ready()  # buffered with the headers: select() would not see it
        assert body.read_available() == b"came with the headers"
        assert not body.ready()
        engine.sendall(b"5\r\n")
        assert select.select([body.fileno()], [], [], 2)[0] == [body.fileno()]
        assert body.read_available() is None  # only framing so far
        engine.sendall(b"hello\r\n0\r\n\r\n")
        assert select.select([body.fileno()], [], [], 2)[0] == [body.fileno()]
        assert body.read_available() == b"hello"
        assert body.ready()  # the end is known: no need to wait for the socket
        assert (body.read_available(), body.complete) == (b"", True)
    finally:
        body.close()
        engine.close()


def test_http_body_with_a_length_and_a_broken_connection() -> None:
    body, engine = http_body(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
    try:
        assert (body.read(), body.read(), body.complete) == (b"hello", b"", True)
    finally:
        body.close()
        engine.close()
    body, engine = http_body(CHUNKED_HEAD + b"a\r\nhalf")
    try:
        assert body.read() == b"half"
        engine.close()
        assert (body.read(), body.complete) == (b"", False)
    finally:
        body.close()


def test_http_body_abort_wakes_a_blocked_read() -> None:
    body, engine = http_body(CHUNKED_HEAD)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(body.read()))
    reader.start()
    try:
        time.sleep(0.05)  # let the read block
        start = time.monotonic()
        body.abort()
        reader.join(1)
        assert not reader.is_alive()
        assert time.monotonic() - start < 1
        assert (got, body.complete) == ([b""], False)
    finally:
        body.close()
        engine.close()


# LogStream.


def test_two_sources_without_follow_keep_their_order() -> None:
    view = FakeEngineView(
        logs={
            "a": [FakeBody([log_frame(stamp(1), "a1\n") + log_frame(stamp(2), "a2\n")])],
            "b": [FakeBody([log_frame(stamp(1), "b1\n"), log_frame(stamp(3), "b2\nb3\n")])],
        }
    )
    with LogStream(view, [A, B], follow=False, tail=5) as stream:
        items = drain(stream)
    assert texts(items, A) == ["a1", "a2", "end: end of log"]
    assert texts(items, B) == ["b1", "b2", "b3", "end: end of log"]
    assert sorted(view.log_calls) == [("a", False, 5, None), ("b", False, 5, None)]
    assert stream.finished


MANY = [log_frame(stamp(1), f"line {n}\n") for n in range(2000)]
"""About 90 KiB of log: more than one read takes."""


def test_a_full_buffer_blocks_the_reader_and_loses_nothing() -> None:
    body = FakeBody(list(MANY))
    stream = LogStream(FakeEngineView(logs={"a": [body]}), [A], follow=False, buffer_lines=3)
    with stream:
        total = len(b"".join(MANY))
        wait_for(lambda: body.opened and 0 < body.unread() < total, message="one read taken")
        left = body.unread()
        time.sleep(0.05)
        assert body.unread() == left  # the reader waits for room instead of reading on
        batches = []
        while not stream.finished:
            batches.append(stream.get_batch(max_items=1000, timeout=2))
    assert max(len(batch) for batch in batches) == 3
    assert texts([item for batch in batches for item in batch]) == [
        *(f"line {n}" for n in range(2000)),
        "end: end of log",
    ]


def test_close_stops_a_reader_blocked_on_a_full_buffer() -> None:
    source = LogSource("a", "blocked-1", "blocked")
    body = FakeBody(list(MANY), hold=True)
    stream = LogStream(FakeEngineView(logs={"a": [body]}), [source], buffer_lines=5).start()
    wait_for(lambda: body.opened and body.unread() > 0, message="the first read")
    assert len(stream.get_batch(timeout=1)) == 5
    start = time.monotonic()
    stream.close()
    assert time.monotonic() - start < 1
    assert reader_threads(source) == []
    assert body.closed
    assert (stream.get_batch(timeout=1), stream.finished) == ([], True)
    stream.close()  # idempotent


def test_close_stops_a_reader_waiting_for_lines() -> None:
    source = LogSource("a", "quiet-1", "quiet")
    body = FakeBody([log_frame(stamp(1), "only line\n")], hold=True)
    stream = LogStream(FakeEngineView(logs={"a": [body]}), [source]).start()
    assert texts(stream.get_batch(timeout=2)) == ["only line"]
    start = time.monotonic()
    assert stream.get_batch(timeout=0.05) == []
    assert 0.05 <= time.monotonic() - start < 1
    assert not stream.finished
    start = time.monotonic()
    stream.close()
    assert time.monotonic() - start < 1
    assert body.aborted.is_set()
    assert body.closed
    assert reader_threads(source) == []
    assert list(stream) == []


@pytest.mark.parametrize(
    "state", [ContainerNotFoundError("a"), container_state("a", "removing", started=at(0))]
)
def test_a_followed_log_ends_when_its_container_is_removed(state: Any) -> None:
    body = FakeBody([log_frame(stamp(1), "last words\n") + log_frame(stamp(2), b"no newline")])
    view = FakeEngineView(logs={"a": [body]}, states={"a": [running("a", 0), state]})
    with LogStream(view, [A], tail=0) as stream:
        assert texts(drain(stream)) == ["last words", "no newline", "end: container removed"]
    assert view.log_calls == [("a", True, 0, None)]
    assert view.listed == []  # not a compose container: no replacement to look for


def test_reconnects_from_the_last_line_when_the_container_still_runs() -> None:
    first = FakeBody(
        [log_frame(S1, "one\n") + log_frame(S2, "two\n") + log_frame(S2, b"three\n")],
        complete=False,
    )
    second = FakeBody(
        [
            log_frame(S2, "two\n") + log_frame(S2, "three\n"),
            log_frame(S2, "four\n") + log_frame(S3, "five\n"),
        ]
    )
    view = FakeEngineView(
        logs={"a": [first, second]},
        states={"a": [running("a", 0), running("a", 0), ContainerNotFoundError("a")]},
    )
    with LogStream(view, [A], tail=0) as stream:
        items = drain(stream)
    # The same run (the start time did not change): no marker.
    assert texts(items) == ["one", "two", "three", "four", "five", "end: container removed"]
    assert view.log_calls == [("a", True, 0, None), ("a", True, None, f"{EPOCH_0535}.000000002")]


def test_a_reconnect_before_any_line_keeps_the_first_request() -> None:
    since = datetime(2026, 11, 30, 5, 20, 35, tzinfo=UTC)
    view = FakeEngineView(
        logs={"a": [FakeBody([], complete=False), FakeBody([log_frame(S1, "late\n")])]},
        states={"a": [running("a", 0), running("a", 0), ContainerNotFoundError("a")]},
    )
    with LogStream(view, [A], tail=0, since=since) as stream:
        assert texts(drain(stream)) == ["late", "end: container removed"]
    assert view.log_calls == [("a", True, 0, f"{EPOCH_0535}.000000000")] * 2


def test_engine_gone_mid_stream_ends_everything_after_the_buffered_lines() -> None:
    broken = FakeBody([log_frame(stamp(1), "1\n2\n3\n")], complete=False)
    quiet = FakeBody([], hold=True)
    view = FakeEngineView(
        logs={"a": [broken], "b": [quiet]},
        states={
            "a": [running("a", 0), EngineUnavailableError(FAKE_HOST, "connection refused")],
            "b": [running("b", 0)],
        },
    )
    with LogStream(view, [A, B], tail=0) as stream:
        assert texts(collect(stream, 3)) == ["1", "2", "3"]
        with pytest.raises(EngineDisconnectedError) as caught:
            stream.get_batch(timeout=2)
        assert (caught.value.host, caught.value.reason) == (FAKE_HOST, "connection refused")
        assert str(caught.value) == (
            "lost the connection to the Docker engine at unix:///fake/docker.sock: "
            "connection refused"
        )
        with pytest.raises(EngineDisconnectedError):
            stream.get_batch(timeout=0)
        assert stream.finished
        wait_for(lambda: quiet.closed, message="the other reader stopped too")
        assert quiet.aborted.is_set()


def test_engine_gone_when_reconnecting() -> None:
    view = FakeEngineView(
        logs={
            "a": [
                FakeBody([log_frame(S1, "before\n")], complete=False),
                EngineUnavailableError(FAKE_HOST, "no such file or directory"),
            ]
        },
        states={"a": [running("a", 0)]},
    )
    with LogStream(view, [A], tail=0) as stream:
        assert texts(stream.get_batch(timeout=2)) == ["before"]
        with pytest.raises(EngineDisconnectedError, match="no such file or directory"):
            stream.get_batch(timeout=2)


def test_iteration_yields_then_raises_when_the_engine_went_away() -> None:
    view = FakeEngineView(
        logs={"a": [FakeBody([log_frame(S1, "x\ny\n")], complete=False)]},
        states={"a": [running("a", 0), EngineUnavailableError(FAKE_HOST, "connection refused")]},
    )
    seen: list[Any] = []
    with LogStream(view, [A], tail=0) as stream, pytest.raises(EngineDisconnectedError):
        seen.extend(stream)
    assert texts(seen) == ["x", "y"]


def test_a_container_gone_at_start_or_unreadable_ends_its_source() -> None:
    refused = EngineError(
        "the Docker engine refused: configured logging driver does not support reading"
    )
    view = FakeEngineView(logs={"b": [refused]})
    with LogStream(view, [A, B]) as stream:
        items = drain(stream)
    assert texts(items, A) == ["end: container removed"]
    assert texts(items, B) == [
        "end: log unreadable: the Docker engine refused: configured logging driver does not "
        "support reading"
    ]
    assert all(isinstance(item, LogEnded) for item in items)


def test_engine_down_at_start_raises_from_start() -> None:
    source = LogSource("a", "never-1", "never")
    stream = LogStream(FakeEngineView(down=True), [source])
    with pytest.raises(EngineUnavailableError) as caught:
        stream.start()
    assert str(caught.value).startswith(
        "the Docker engine at unix:///fake/docker.sock does not answer: connection refused"
    )
    assert reader_threads(source) == []
    with pytest.raises(RuntimeError, match="start"):
        stream.get_batch()


def test_a_reader_failure_reaches_the_consumer() -> None:
    view = FakeEngineView(
        logs={"a": [FakeBody([log_frame(S1, "fine\n")])]},
        states={"a": [running("a", 0), RuntimeError("inspect broke")]},
    )
    with LogStream(view, [A], tail=0) as stream:
        assert texts(stream.get_batch(timeout=2)) == ["fine"]
        with pytest.raises(RuntimeError, match="inspect broke"):
            stream.get_batch(timeout=2)


# Following across runs of a container, and into its replacement.

OLD = LogSource("a", "pod-a-1", "a", "pod", 1)
NEW = LogSource("a2", "pod-a-1", "a", "pod", 1)


def test_an_exited_container_is_followed_again_when_it_runs_again() -> None:
    first = FakeBody(
        [log_frame(stamp(1), "one\n") + log_frame(stamp(2), "two\n") + log_frame(stamp(3), b"cut")]
    )
    # The engine sends again what it sent from the resume point on, the cut last line too.
    second = FakeBody(
        [
            log_frame(stamp(2), "two\n")
            + log_frame(stamp(3), b"cut")
            + log_frame(stamp(31), "three\n")
            + log_frame(stamp(32), "four\n")
        ]
    )
    stopped = container_state("a", "exited", 137, started=at(0), finished=at(4))
    view = FakeEngineView(
        logs={"a": [first, second]},
        states={
            "a": [
                running("a", 0),
                stopped,
                stopped,
                running("a", 30, finished=at(4)),
                ContainerNotFoundError("a"),
            ]
        },
    )
    with LogStream(view, [A], tail=0) as stream:
        items = drain(stream)
    assert items == [
        LogLine(A, "one", "stdout", at(1)),
        LogLine(A, "two", "stdout", at(2)),
        LogLine(A, "cut", "stdout", at(3)),
        LogExited(A, 137, at(4)),
        LogRestarted(A, at(30), 137, at(4)),
        LogLine(A, "three", "stdout", at(31)),
        LogLine(A, "four", "stdout", at(32)),
        LogEnded(A, "container removed"),
    ]
    assert texts(items)[3:5] == [
        "exited: container exited (code 137)",
        "— restarted 05:20:30, exit code 137 —",
    ]
    assert view.log_calls == [("a", True, 0, None), ("a", True, None, since_of(2))]


def test_a_stopped_container_is_waited_for_without_spinning() -> None:
    stopped = container_state("a", "exited", 0, started=at(0), finished=at(2))
    view = FakeEngineView(
        logs={"a": [FakeBody([log_frame(stamp(1), "bye\n")])]},
        states={"a": [running("a", 0), stopped]},
    )
    with LogStream(view, [A], tail=0) as stream:
        assert texts(collect(stream, 2)) == ["bye", "exited: container exited (code 0)"]
        time.sleep(1.2)
        assert stream.get_batch(timeout=0) == []
        assert not stream.finished  # still waiting for the container to run again
    # The first look, the one when the log ended, then polls 0.1, 0.2, 0.4 s... apart.
    assert 3 <= len(view.checked) <= 6
    assert view.log_calls == [("a", True, 0, None)]


def test_a_restart_by_the_restart_policy_is_told_by_the_start_time() -> None:
    view = FakeEngineView(
        logs={
            "a": [
                FakeBody([log_frame(stamp(1), "one\n")]),
                FakeBody([log_frame(stamp(31), "two\n")]),
                FakeBody([log_frame(stamp(41), "three\n")]),
            ]
        },
        states={
            "a": [
                running("a", 0),
                # Seen between the crash and the restart: its exit code is known.
                container_state("a", "restarting", 3, started=at(0), finished=at(29)),
                running("a", 30, finished=at(29)),
                # Seen running again at once: the state never said it stopped.
                running("a", 40, finished=at(39)),
                ContainerNotFoundError("a"),
            ]
        },
    )
    with LogStream(view, [A], tail=0) as stream:
        items = drain(stream)
    assert texts(items) == [
        "one",
        "— restarted 05:20:30, exit code 3 —",
        "two",
        "— restarted 05:20:40 —",
        "three",
        "end: container removed",
    ]
    assert items[3] == LogRestarted(A, at(40), None, at(39))
    assert view.log_calls == [
        ("a", True, 0, None),
        ("a", True, None, since_of(1)),
        ("a", True, None, since_of(31)),
    ]


def test_the_marker_goes_before_the_first_line_of_the_new_run() -> None:
    # The engine ended the body before sending the old run's last line, and the new run's first
    # line is stamped before the engine noted its start (at 30): the boundary is the old end.
    view = FakeEngineView(
        logs={
            "a": [
                FakeBody([log_frame(stamp(1), "one\n")]),
                FakeBody(
                    [
                        log_frame(stamp(1), "one\n")
                        + log_frame(stamp(2), "last words\n")
                        + log_frame(stamp(29), "first words\n")
                        + log_frame(stamp(31), "two\n")
                    ]
                ),
            ]
        },
        states={
            "a": [running("a", 0), running("a", 30, finished=at(28)), ContainerNotFoundError("a")]
        },
    )
    with LogStream(view, [A], tail=0) as stream:
        items = drain(stream)
    assert texts(items) == [
        "one",
        "last words",
        "— restarted 05:20:30 —",
        "first words",
        "two",
        "end: container removed",
    ]


def test_a_new_run_before_any_line_is_read_from_the_end_of_the_last() -> None:
    view = FakeEngineView(
        logs={"a": [FakeBody([]), FakeBody([log_frame(stamp(29), "first words\n")])]},
        states={
            "a": [running("a", 0), running("a", 30, finished=at(28)), ContainerNotFoundError("a")]
        },
    )
    with LogStream(view, [A], tail=0) as stream:
        assert texts(drain(stream)) == [
            "— restarted 05:20:30 —",
            "first words",
            "end: container removed",
        ]
    assert view.log_calls == [
        ("a", True, 0, None),
        ("a", True, None, f"{EPOCH_0535 - 7}.123456000"),
    ]


def test_a_removed_container_is_followed_into_its_replacement() -> None:
    # compose recreates: the replacement is created under a temporary name, the old container
    # removed, the replacement renamed and started.
    replacement = container_state(
        "a2", "created", name="41c63b33594e_pod-a-1", project="pod", service="a", number=1
    )
    others = (
        container_state("a", "removing", started=at(0), project="pod", service="a", number=1),
        running("x2", 0, project="pod", service="a", number=2),
        running("y1", 0, project="pod", service="b", number=1),
    )
    view = FakeEngineView(
        logs={
            "a": [FakeBody([log_frame(stamp(1), "old\n")])],
            "a2": [FakeBody([log_frame(stamp(41), "new\n")])],
        },
        states={
            "a": [running("a", 0), ContainerNotFoundError("a")],
            "a2": [running("a2", 40, name="pod-a-1"), ContainerNotFoundError("a2")],
        },
        listings=[(*others, replacement), others[1:]],
    )
    with LogStream(view, [OLD], tail=0) as stream:
        items = drain(stream)
    assert items == [
        LogLine(OLD, "old", "stdout", at(1)),
        LogRestarted(NEW, at(40), previous=OLD),
        LogLine(NEW, "new", "stdout", at(41)),
        LogEnded(NEW, "container removed"),
    ]
    assert items[1].describe(UTC) == "recreated 05:20:40"
    assert view.log_calls == [("a", True, 0, None), ("a2", True, None, None)]
    assert view.listed == ["pod", "pod"]


def test_a_removed_container_without_replacement_ends() -> None:
    view = FakeEngineView(
        logs={"a": [FakeBody([log_frame(stamp(1), "last\n")])]},
        states={"a": [running("a", 0), ContainerNotFoundError("a")]},
        listings=[(running("x2", 0, project="pod", service="a", number=2),)],
    )
    with LogStream(view, [OLD], tail=0) as stream:
        assert drain(stream) == [
            LogLine(OLD, "last", "stdout", at(1)),
            LogEnded(OLD, "container removed"),
        ]
    assert view.listed == ["pod"]


def test_the_source_of_a_container_has_its_stable_name() -> None:
    momentary = container_state(
        "a2", "running", name="41c63b33594e_pod-a-1", project="pod", service="a", number=1
    )
    assert LogSource.of(momentary) == NEW
    custom = dataclasses.replace(momentary, name="41c63b33594e_my-name")  # container_name
    assert LogSource.of(custom).name == "my-name"
    bare = container_state("z", "running", name="plain", project="", service="", number=0)
    assert LogSource.of(bare) == LogSource("z", "plain", "", "", 0)


# The history, merged by time.


def test_history_is_merged_by_time_across_sources() -> None:
    view = FakeEngineView(
        logs={
            "a": [FakeBody([log_frame(stamp(s), f"{t}\n") for s, t in
                            [(1, "a1"), (3, "a3"), (3, "a3 again"), (7, "a7")]])],
            "b": [FakeBody([log_frame(stamp(s), f"{t}\n") for s, t in
                            [(2, "b2"), (3, "b3"), (5, "b5")]])],
            "c": [FakeBody([log_frame(stamp(0), "c0\n"), log_frame(stamp(3), "c3\n"),
                            log_frame("garbled", "c unstamped\n"),
                            log_frame(stamp(8), "c8\n")])],
        }
    )  # fmt: skip
    with LogStream(view, [A, B, C], follow=False) as stream:
        items = drain(stream)
    lines = [item.text for item in items if isinstance(item, LogLine)]
    # Equal times keep the order of the sources; a line without a time stays after the line
    # before it.
    assert lines == [
        "c0", "a1", "b2", "a3", "a3 again", "b3", "c3", "c unstamped", "b5", "a7", "c8"
    ]  # fmt: skip
    assert sorted(texts(items[len(lines) :])) == ["end: end of log"] * 3
    assert sorted(view.log_calls) == [(s, False, None, None) for s in "abc"]


def test_a_long_history_is_merged_without_reading_it_all(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_logs, "_MERGE_LINES", 50)
    long = FakeBody([log_frame(stamp(10), f"line {n}\n") for n in range(2000)])
    slow = FakeBody([log_frame(stamp(1), "early\n")], hold=True)
    view = FakeEngineView(logs={"a": [long], "b": [slow]})
    with LogStream(view, [A, B], follow=False) as stream:
        assert texts(collect(stream, 1)) == ["early"]
        wait_for(lambda: long.opened and long.unread() > 0, message="the first read")
        time.sleep(0.1)
        # b could still send a line older than a's: a's lines wait, and a is not read on.
        assert stream.get_batch(timeout=0) == []
        assert long.unread() > 0
        slow.send(log_frame(stamp(20), "late\n"))
        slow.end()
        rest = drain(stream)
    assert texts(rest)[:2001] == [*(f"line {n}" for n in range(2000)), "late"]


def test_following_starts_with_the_merged_history_then_follows_on() -> None:
    view = FakeEngineView(
        logs={
            "a": [
                FakeBody([log_frame(stamp(1), "a1\n") + log_frame(stamp(4), "a4\n")]),
                FakeBody([log_frame(stamp(4), "a4\n") + log_frame(stamp(9), "a9\n")]),
            ],
            "b": [
                FakeBody([log_frame(stamp(2), "b2\n")]),
                FakeBody([log_frame(stamp(2), "b2\n") + log_frame(stamp(8), "b8\n")]),
            ],
            "c": [FakeBody([]), FakeBody([log_frame(stamp(5), "c5\n")])],
        },
        states={s: [running(s, 0), ContainerNotFoundError(s)] for s in "abc"},
    )
    with LogStream(view, [A, B, C], tail=2) as stream:
        items = drain(stream)
    assert texts(items)[:3] == ["a1", "b2", "a4"]
    assert texts(items, A) == ["a1", "a4", "a9", "end: container removed"]
    assert texts(items, B) == ["b2", "b8", "end: container removed"]
    assert texts(items, C) == ["c5", "end: container removed"]
    assert sorted(view.log_calls) == [
        ("a", False, 2, None),
        ("a", True, None, since_of(4)),
        ("b", False, 2, None),
        ("b", True, None, since_of(2)),
        ("c", False, 2, None),
        ("c", True, None, None),  # nothing in its history: every line since is new
    ]


def test_bad_options_and_the_view_shortcuts() -> None:
    view = FakeEngineView()
    with pytest.raises(InvalidValueError, match="at least 1 item, not 0"):
        LogStream(view, [A], buffer_lines=0)
    with pytest.raises(InvalidValueError, match="tail must be 0 or more lines, not -1"):
        LogStream(view, [A], tail=-1)
    logs = view.logs([A], tail=3)
    assert isinstance(logs, LogStream)
    assert (logs.sources, logs.finished, view.log_calls) == ((A,), False, [])
    events = view.events(project="pod")
    assert isinstance(events, EventStream)
    assert (events.project, view.event_calls) == ("pod", [])


@pytest.mark.parametrize(
    ("shortcut", "stream"), [(DockerView.logs, LogStream), (DockerView.events, EventStream)]
)
def test_the_view_shortcuts_spell_out_the_stream_options(
    shortcut: Callable[..., Any], stream: type[Any]
) -> None:
    """The view's shortcuts take the streams' options one by one, not ``**options``: a misspelt
    option is then a type error, and the options cannot drift apart."""
    theirs = inspect.signature(shortcut).parameters.values()
    own = inspect.signature(stream.__init__).parameters.values()
    assert [p.name for p in theirs if p.kind is inspect.Parameter.VAR_KEYWORD] == []
    keyword_only = inspect.Parameter.KEYWORD_ONLY
    assert [p for p in theirs if p.kind is keyword_only] == [
        p for p in own if p.kind is keyword_only
    ]


def test_a_misspelt_stream_option_is_refused() -> None:
    view = FakeEngineView()
    with pytest.raises(TypeError, match=r"DockerView.logs\(\) got an unexpected keyword .*'tial'"):
        view.logs([A], tial=3)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"DockerView.events\(\) got an unexpected .*'projet'"):
        view.events(projet="pod")  # type: ignore[call-arg]


def test_mypy_refuses_a_misspelt_stream_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mypy import api

    script = tmp_path / "misspelt.py"
    script.write_text(
        "from clawlib.engine import DockerView, LogSource\n"
        "view = DockerView()\n"
        "view.logs([LogSource('a', 'a', 'a')], tail=3, tial=3)\n"
        "view.events(project='pod', projet='pod')\n"
    )
    (tmp_path / "mypy.ini").write_text("[mypy]\n")
    monkeypatch.setenv("MYPYPATH", str(ROOT))  # this checkout, not an installed copy
    out, _, status = api.run(
        [
            "--config-file",
            str(tmp_path / "mypy.ini"),
            "--cache-dir",
            os.devnull,
            "--follow-imports",
            "silent",
            "--strict",
            str(script),
        ]
    )
    errors = [line.split(": error: ")[1] for line in out.splitlines() if ": error: " in line]
    assert (status, errors) == (
        1,
        [
            'Unexpected keyword argument "tial" for "logs" of "DockerView"  [call-arg]',
            'Unexpected keyword argument "projet" for "events" of "DockerView"; did you mean'
            ' "project"?  [call-arg]',
        ],
    )


# Events.

NANOS = EPOCH_0535 * 1_000_000_000 + 123_456_789
WHEN = datetime(2026, 11, 30, 5, 20, 35, 123456, tzinfo=UTC)


def message(action: str, kind: str = "container", **attributes: str) -> dict[str, Any]:
    labels = {
        "name": "pod-a-1",
        "image": "claw-stub/openclaw:latest",
        "com.docker.compose.project": "pod",
        "com.docker.compose.service": "a",
    }
    return {
        "status": action,
        "id": "c1",
        "Type": kind,
        "Action": action,
        "Actor": {"ID": "c1", "Attributes": {**labels, **attributes}},
        "scope": "local",
        "time": NANOS // 1_000_000_000,
        "timeNano": NANOS,
    }


@pytest.mark.parametrize(
    "kind",
    ["create", "start", "restart", "stop", "kill", "oom", "pause", "unpause", "destroy"],
)
def test_lifecycle_events(kind: str) -> None:
    assert event_from_message(message(kind, signal="15")) == EngineEvent(
        kind=kind,  # type: ignore[arg-type]
        container_id="c1",
        name="pod-a-1",
        project="pod",
        service="a",
        time=WHEN,
    )


def test_die_and_health_events() -> None:
    die = event_from_message(message("die", exitCode="137"))
    assert die is not None
    assert (die.kind, die.exit_code, die.health) == ("die", 137, None)
    for health in ("healthy", "unhealthy", "starting"):
        event = event_from_message(message(f"health_status: {health}"))
        assert event is not None
        assert (event.kind, event.health, event.exit_code) == ("health_status", health, None)


def test_a_rename_carries_the_new_name() -> None:
    renamed = event_from_message(message("rename", name="demo-web-1", oldName="/abc_demo-web-1"))
    assert renamed is not None
    assert (renamed.kind, renamed.name) == ("rename", "demo-web-1")


@pytest.mark.parametrize(
    "action",
    ["exec_create: sh -c true", "exec_start: sh -c true", "exec_die", "attach", "resize",
     "top", "commit", "copy", "archive-path", "extract-to-dir", "export", "update"],
)  # fmt: skip
def test_other_actions_are_skipped(action: str) -> None:
    assert event_from_message(message(action)) is None


def test_other_event_types_and_missing_labels() -> None:
    assert event_from_message(message("create", kind="network")) is None
    bare = {"Type": "container", "Action": "start", "Actor": {"ID": "c2"}, "time": 10}
    assert event_from_message(bare) == EngineEvent(
        "start", "c2", "", "", "", datetime(1970, 1, 1, 0, 0, 10, tzinfo=UTC)
    )


def test_event_stream_filters_and_ends_when_the_engine_stops_answering() -> None:
    documents = [
        message("start"),
        message("exec_create: sh"),
        message("start", **{"com.docker.compose.project": "other"}),
        message("die", exitCode="3"),
        message("health_status: healthy"),
    ]
    data = b"".join(json.dumps(d).encode() + b"\n" for d in documents)
    cut = data.index(b"exitCode")  # inside the die event's document
    body = FakeBody([data[:cut]], hold=True)
    view = FakeEngineView(events=[body])
    with EventStream(view, project="pod", since=WHEN) as stream:
        assert [e.kind for e in stream.get_batch(timeout=2)] == ["start"]
        wait_for(lambda: body.unread() == 0, message='the first half of "die" read')
        body.send(data[cut:])
        events = collect(stream, 2)
        assert [(e.kind, e.exit_code, e.health) for e in events] == [
            ("die", 3, None),
            ("health_status", None, "healthy"),
        ]
        view.down = True
        body.abort()  # the connection breaks
        with pytest.raises(EngineDisconnectedError, match="connection refused"):
            stream.get_batch(timeout=2)
    assert view.event_calls == [
        (
            {"type": ["container"], "label": ["com.docker.compose.project=pod"]},
            f"{EPOCH_0535}.123456000",
        )
    ]


def test_event_stream_ended_by_a_live_engine_and_without_project() -> None:
    view = FakeEngineView(events=[FakeBody([json.dumps(message("start")).encode() + b"\n"])])
    with EventStream(view) as stream:
        assert [e.kind for e in stream.get_batch(timeout=2)] == ["start"]
        with pytest.raises(EngineDisconnectedError, match="the engine ended the event stream"):
            stream.get_batch(timeout=2)
    assert view.event_calls == [({"type": ["container"]}, None)]


def test_event_stream_engine_down() -> None:
    with pytest.raises(EngineUnavailableError):
        EventStream(FakeEngineView(down=True)).start()
    view = FakeEngineView(events=[EngineUnavailableError(FAKE_HOST, "connection refused")])
    with EventStream(view) as stream, pytest.raises(EngineDisconnectedError):
        list(stream)


def test_an_unreadable_event_reaches_the_consumer() -> None:
    view = FakeEngineView(events=[FakeBody([b'{"Type": "container", "Act\n'])])
    with EventStream(view) as stream, pytest.raises(EngineError) as caught:
        stream.get_batch(timeout=2)
    assert str(caught.value) == (
        'the Docker engine sent an unreadable event: b\'{"Type": "container", "Act\''
    )
