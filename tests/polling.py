"""Bounded waits instead of sleeps, for every kind of test.

:func:`wait_for` polls a condition from the test's own thread (engine streams, real containers);
:func:`pilot_wait_for` does it inside a Textual pilot test, letting the app run between polls.
Both fail with an :class:`AssertionError` that says what never happened. A condition may do the
waiting itself (read a stream with a timeout): then pass ``interval=0``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.pilot import Pilot

__all__ = ["pilot_wait_for", "wait_for"]

Message = str | Callable[[], str]
"""What was awaited, or a function that says so with the state reached (called on timeout)."""


def wait_for(
    condition: Callable[[], object],
    *,
    timeout: float = 5.0,
    interval: float = 0.05,
    message: Message = "the condition",
) -> None:
    """Return once ``condition()`` is true, calling it every ``interval`` seconds; fail after
    ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(_timed_out(timeout, message))
        time.sleep(interval)


async def pilot_wait_for(
    pilot: Pilot[Any],
    condition: Callable[[], object],
    *,
    timeout: float = 5.0,
    interval: float = 0.02,
    message: Message = "the condition",
) -> None:
    """:func:`wait_for` in a pilot test: the app runs for ``interval`` seconds between calls
    (``pilot.pause``), so that its workers and messages can make ``condition()`` true."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(_timed_out(timeout, message))
        await pilot.pause(interval)


def _timed_out(timeout: float, message: Message) -> str:
    what = message if isinstance(message, str) else message()
    return f"timed out after {timeout:g} s waiting for {what}"
