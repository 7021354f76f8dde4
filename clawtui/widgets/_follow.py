"""What a pane's worker thread and the UI share while the worker reads a log feed."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from textual.app import App

from clawlib.engine import LogItem
from clawtui.backend import Feed

__all__ = ["FeedSession"]


class FeedSession:
    """One read of a log feed: the feed once the worker has opened it, and the flag that ends
    it. ``lock`` guards both; a pane passes its own when the flag must also be set under it (so
    that a stopped read never adds another line)."""

    def __init__(self, lock: threading.Lock | None = None) -> None:
        self.stopped = threading.Event()
        self._lock = lock or threading.Lock()
        self._feed: Feed[LogItem] | None = None

    def attach(self, feed: Feed[LogItem]) -> bool:
        """Keep ``feed`` to close it later; False if the read was stopped meanwhile."""
        with self._lock:
            if self.stopped.is_set():
                return False
            self._feed = feed
            return True

    def close(self) -> None:
        """Stop: the worker wakes from its wait and the feed from its read."""
        with self._lock:
            self.stopped.set()
            feed = self._feed
        if feed is not None:
            feed.close()

    def to_ui(self, app: App[Any], callback: Callable[..., None], *args: Any) -> bool:
        """From the worker: run ``callback(self, *args)`` on the UI thread; False, and nothing
        run, once the read is stopped or the app has."""
        if self.stopped.is_set():
            return False
        try:
            app.call_from_thread(callback, self, *args)
        except RuntimeError:  # the app has stopped
            return False
        return True
