"""Reader threads filling one bounded buffer that one consumer drains: the shape shared by
the log stream and the event stream."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Generic, Self, TypeVar

from clawlib.errors import (
    EngineDisconnectedError,
    EngineUnavailableError,
    InvalidValueError,
)

if TYPE_CHECKING:
    from ._http import RawBody
    from ._source import StreamSource

__all__ = ["BUFFER_ITEMS", "Feed"]

BUFFER_ITEMS = 10_000
"""Items a stream holds for its consumer by default, before its readers wait."""

_CLOSE_WAIT = 0.5
"""Seconds close() waits for the reader threads: aborting their sockets ends them at once; one
still opening its connection finishes on its own, sees the stream closed and releases it."""

T = TypeVar("T")


class Feed(Generic[T]):
    """Reader threads filling one bounded buffer that one consumer drains.

    Readers block while the buffer is full (backpressure) and are woken by the consumer or by
    :meth:`close`; every wait is bounded or woken by ``close``. A reader's failure is carried to
    the consumer, who gets it after the items buffered before it.
    """

    def __init__(self, view: StreamSource, capacity: int) -> None:
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

    def close(self) -> None:
        """Stop every reader (their sockets are shut, so this takes well under a second) and
        discard what is buffered. Safe to call more than once, and from any thread."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._items.clear()
        self._stop_readers()
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
        self._stop_readers()

    def _stop_readers(self) -> None:
        """Halt every reader and wake every waiter; abort the open bodies so that a reader
        blocked on its socket returns at once."""
        with self._lock:
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
