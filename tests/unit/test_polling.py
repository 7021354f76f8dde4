"""The tests' bounded waits: they return as soon as the condition holds, and fail saying what."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.polling import pilot_wait_for, wait_for


def test_returns_once_the_condition_holds() -> None:
    calls: list[float] = []

    def third_time() -> bool:
        calls.append(time.monotonic())
        return len(calls) == 3

    wait_for(third_time, interval=0.01)
    assert len(calls) == 3
    assert calls[2] - calls[0] >= 0.02


def test_a_timeout_names_what_never_happened() -> None:
    start = time.monotonic()
    with pytest.raises(AssertionError) as caught:
        wait_for(lambda: False, timeout=0.1, interval=0.01, message="the pod")
    assert 0.1 <= time.monotonic() - start < 1
    assert str(caught.value) == "timed out after 0.1 s waiting for the pod"


def test_the_message_can_say_how_far_it_got() -> None:
    items: list[int] = []

    def more() -> bool:
        items.append(len(items))
        return False

    with pytest.raises(AssertionError) as caught:
        wait_for(more, timeout=0.05, interval=0.01, message=lambda: f"3 items (got {len(items)})")
    assert len(items) > 1
    assert str(caught.value) == f"timed out after 0.05 s waiting for 3 items (got {len(items)})"


class Pilot:
    """Stands in for Textual's pilot: only ``pause`` is used, which records the interval."""

    def __init__(self) -> None:
        self.pauses: list[float | None] = []

    async def pause(self, delay: float | None = None) -> None:
        self.pauses.append(delay)


async def test_the_pilot_variant_lets_the_app_run_between_calls() -> None:
    pilot = Pilot()
    fake: Any = pilot  # a stand-in, not a textual.pilot.Pilot
    await pilot_wait_for(fake, lambda: len(pilot.pauses) == 2, interval=0.03)
    assert pilot.pauses == [0.03, 0.03]
    with pytest.raises(AssertionError, match=r"^timed out after 0 s waiting for the screen$"):
        await pilot_wait_for(fake, lambda: False, timeout=0, message="the screen")
