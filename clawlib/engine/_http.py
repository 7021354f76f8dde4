"""The raw HTTP body of a streaming engine response (logs, events), read in large pieces.

The SDK's own stream helpers read a log frame's header and payload with two small socket reads
each; these bodies hand the socket's bytes over as they come (HTTP chunked encoding decoded
here), for parsers that take bytes cut anywhere.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable
from typing import Any, Protocol

__all__ = ["ChunkedDecoder", "HttpBody", "RawBody"]

_READ_SIZE = 64 * 1024
"""Most bytes taken from the socket per read of a streamed body. One read takes whatever has
arrived, so a busy log is parsed hundreds of lines at a time; a larger size costs more than it
saves, since every read allocates a buffer of this size first."""


class RawBody(Protocol):
    """The body of a streamed engine response, as the log and event streams read it.

    It can be read blocking (:meth:`read`, one thread per body) or multiplexed: wait until
    :meth:`fileno` is readable or :meth:`ready` is true, then :meth:`read_available`.
    """

    complete: bool
    """The engine ended the body properly (set when the end is read); False when the
    connection broke or the body was aborted."""

    def read(self) -> bytes:
        """The next bytes of the body (transfer framing removed), blocking until some arrive;
        ``b""`` once the body has ended, for whatever reason."""
        ...

    def fileno(self) -> int:
        """The connection's descriptor, for ``select``."""
        ...

    def ready(self) -> bool:
        """:meth:`read_available` has something without the descriptor being readable (bytes
        that came with the headers, the known end)."""
        ...

    def read_available(self) -> bytes | None:
        """What one read gives, when :meth:`fileno` is readable or :meth:`ready`: body bytes,
        ``b""`` at the end, or None when the read held only transfer framing."""
        ...

    def abort(self) -> None:
        """End the body now: a blocked read returns ``b""``; safe from any thread."""
        ...

    def close(self) -> None:
        """Release the connection (from the reading thread, once reading has stopped)."""
        ...


class ChunkedDecoder:
    """Incremental decoder of HTTP/1.1 chunked transfer encoding.

    The engine flushes every log frame and every event as its own chunk, so a busy stream is
    thousands of tiny chunks a second; decoding them from large reads keeps that cheap.
    """

    def __init__(self) -> None:
        self._pending = b""
        self._left = 0
        self._skip = 0
        self.done = False
        """The terminating zero-length chunk was seen: the body is complete."""

    def feed(self, data: bytes) -> bytes:
        """The payload bytes contained in ``data`` (which may cut anything anywhere);
        :class:`ValueError` for a malformed chunk-size line."""
        if self.done:
            return b""  # the trailer section after the last chunk: nothing for us
        buf = self._pending + data if self._pending else data
        self._pending = b""
        size = len(buf)
        out: list[bytes] = []
        pos = self._finish_cut_chunk(buf, out)
        find = buf.find
        append = out.append
        while pos < size:
            newline = find(b"\n", pos)
            if newline < 0:
                self._pending = buf[pos:]
                if len(self._pending) > 1024:
                    raise ValueError("chunk-size line too long")
                break
            line = buf[pos:newline]
            try:
                length = int(line, 16)  # int() ignores the surrounding whitespace and CR
            except ValueError:
                length = int(line.split(b";", 1)[0], 16)  # a chunk extension (never seen here)
            if length == 0:
                self.done = True  # trailers, if any, are not read: nothing follows for us
                break
            start = newline + 1
            end = start + length
            append(buf[start:end])
            if end + 2 <= size:  # the usual case: the whole chunk and its CRLF are here
                pos = end + 2
                continue
            self._left = max(0, end - size)
            self._skip = 2 if end > size else end + 2 - size
            break
        return b"".join(out)

    def _finish_cut_chunk(self, buf: bytes, out: list[bytes]) -> int:
        """Take the rest of a chunk cut by the previous read; where the next chunk starts."""
        pos = 0
        if self._left:
            pos = min(self._left, len(buf))
            out.append(buf[:pos])
            self._left -= pos
            if self._left:
                return pos
        if self._skip:
            step = min(self._skip, len(buf) - pos)
            self._skip -= step
            pos += step
        return pos


class HttpBody:
    """A streamed SDK response read in large pieces straight from its buffered socket reader.

    ``requests`` has read only the status line and headers; whatever else arrived with them sits
    in the buffered reader, where ``select`` cannot see it, so it is taken at once (the socket is
    briefly non-blocking for that). Every later read is one ``read1``: one system call taking
    whatever has arrived.
    """

    def __init__(self, response: Any) -> None:
        self._response = response
        message = response.raw._fp  # http.client's response: headers parsed, body untouched
        self._reader = message.fp
        self._chunks = ChunkedDecoder() if message.chunked else None
        self._left: int | None = message.length
        self._socket: Any = response.raw.connection.sock
        self._pending: Callable[[], int] | None = getattr(self._socket, "pending", None)
        self._aborted = False
        self.complete = self._chunks is None and self._left == 0
        self._early = self._take_buffered()
        # The SDK's 30 s timeout would end a quiet followed log; abort() wakes the read.
        self._socket.settimeout(None)

    def _take_buffered(self) -> bytes:
        self._socket.setblocking(False)
        try:
            return self._reader.read1(_READ_SIZE) or b""
        except (OSError, ValueError):  # nothing yet (or a TLS record not complete yet)
            return b""

    def fileno(self) -> int:
        return int(self._socket.fileno())

    def ready(self) -> bool:
        return bool(
            self._early or self.complete or self._aborted or (self._pending and self._pending())
        )

    def read(self) -> bytes:
        while (data := self.read_available()) is None:
            pass
        return data

    def read_available(self) -> bytes | None:
        if self._aborted or self.complete:
            return b""
        if self._early:
            data, self._early = self._early, b""
        else:
            try:
                data = self._reader.read1(_READ_SIZE)
                # TLS: decrypted bytes already taken off the socket are invisible to select().
                while data and self._pending and self._pending():
                    data += self._reader.read1(_READ_SIZE)
            except (OSError, ValueError):  # reset, or the reader was closed under us
                return b""
            if self._aborted:
                return b""
            if not data:
                # Without chunks or a length, the body is whatever comes before the close.
                self.complete = self._chunks is None and self._left is None
                return b""
        if self._chunks is None:
            return self._plain(data)
        try:
            payload = self._chunks.feed(data)
        except ValueError:
            self._aborted = True  # not HTTP any more: treat as a broken connection
            return b""
        self.complete = self._chunks.done
        return payload or (b"" if self.complete else None)

    def _plain(self, data: bytes) -> bytes:
        if self._left is not None:
            data = data[: self._left]
            self._left -= len(data)
            self.complete = self._left == 0
        return data

    def abort(self) -> None:
        self._aborted = True
        with contextlib.suppress(OSError):  # already closed by the reading thread
            self._socket.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._response.close()
