"""Keys handled one after the other, each in the state the one before it left.

Textual takes a key from the app's queue and sends it to the focused widget; the bindings of
that widget and of every node above it are looked up only when the key has bubbled back up to
the app, several queues later. Meanwhile the app has sent the keys queued behind it to the same
widget. When keys arrive together (a paste without bracketed paste, ``tmux send-keys``, an SSH
connection catching up), a key that opens an input took effect after the keys typed into it had
all gone to the widget behind it, where they ran as commands: ``/rest`` in the logs restarted a
container, opened the editor and a shell. Giving the input the focus at once cannot help: those
keys are already on their way to the old focus.

:class:`OrderedKeysApp` sends a key (or a paste) on only once the one before it is through: a
:class:`KeyHandled` follows the key up the path it takes and tells the app when it arrives, and
the next key goes after the following refresh. So each key meets the focus, the screen and the
bindings its predecessor's action left, whatever the speed. (What that action only set going in
other widgets' queues may still be on its way: Enter in a log search closes it from the input's
message, so a key sent together with that Enter may still land in the input, never in a command.)
A key whose widget goes away on its way (it closed its own screen) holds the next one back for at
most :data:`KEY_TIMEOUT`.
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any

from textual import events
from textual.app import App, ReturnType
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget

__all__ = ["KEY_TIMEOUT", "KeyHandled", "OrderedKeysApp"]

KEY_TIMEOUT = 0.5
"""Seconds a key may take to be handled before the next one is sent anyway."""

Typed = events.Key | events.Paste


class KeyHandled(Message):
    """Sent after ``event`` to the widget ``event`` went to, behind it: when it reaches the
    app, the key was handled (or bubbled up to the app first)."""

    def __init__(self, event: Typed) -> None:
        super().__init__()
        self.event = event


class OrderedKeysApp(App[ReturnType]):
    """An app that handles the keys typed one at a time, in order (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._typed: deque[Typed] = deque()
        """Keys and pastes that arrived while another was on its way."""
        self._on_its_way: tuple[Typed, Widget, float] | None = None
        """The key sent last, the widget it went to, and when, until it is handled."""
        self._overdue: Timer | None = None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, Typed) and not event.is_forwarded:
            self._typed.append(event)
            await self._send_typed()
            return
        await super().on_event(event)

    def on_key_handled(self, message: KeyHandled) -> None:
        message.stop()
        if self._on_its_way is not None and self._on_its_way[0] is message.event:
            self._on_its_way = None
            # After what the key's action queued (a focus given with ``focus()``) and a refresh.
            self.call_after_refresh(self._send_typed)

    def _busy(self) -> bool:
        """Whether a key is still on its way (and not lost with a widget that went away)."""
        if self._on_its_way is None:
            return False
        _, target, sent = self._on_its_way
        gone = not (target.is_attached and target.is_running)
        if gone or time.monotonic() - sent > KEY_TIMEOUT:
            self._on_its_way = None
            return False
        return True

    async def _send_typed(self) -> None:
        while self._typed and not self._busy():
            event = self._typed.popleft()
            target = self.focused or self.screen
            await super().on_event(event)
            if event.is_forwarded:  # sent to ``target`` (not taken by a priority binding)
                self._on_its_way = (event, target, time.monotonic())
                target.post_message(KeyHandled(event))
        if self._typed and self._overdue is None:
            self._overdue = self.set_timer(KEY_TIMEOUT, self._check_overdue)

    def _check_overdue(self) -> None:
        self._overdue = None
        self.call_later(self._send_typed)
