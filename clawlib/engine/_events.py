"""The engine's container events (start, die, health changes...) as a bounded feed.

One reader thread reads the engine's event stream (a JSON document a line), keeps the container
lifecycle events, optionally only those of one compose project, and hands them over as
:class:`EngineEvent` records through the same bounded buffer as the log stream.

There is no automatic reconnect: events that happen while the engine is away (or while the
connection is down) cannot be replayed reliably, so when the stream breaks the consumer gets
:class:`EngineDisconnectedError` and should re-list the containers before opening a new stream.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal, cast, get_args

from clawlib.errors import EngineDisconnectedError, EngineError, EngineUnavailableError
from clawlib.labels import COMPOSE_PROJECT, COMPOSE_SERVICE

from ._feed import BUFFER_ITEMS, Feed
from ._frames import since_param

if TYPE_CHECKING:
    from ._http import RawBody
    from ._source import StreamSource

__all__ = ["EngineEvent", "EventKind", "EventStream", "event_from_message"]

EventKind = Literal[
    "create",
    "start",
    "restart",
    "die",
    "stop",
    "kill",
    "oom",
    "pause",
    "unpause",
    "destroy",
    "rename",
    "health_status",
]
_KINDS = frozenset(get_args(EventKind))
_HEALTH = "health_status"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class EngineEvent:
    """Something that happened to a container."""

    kind: EventKind
    container_id: str
    name: str
    """The container's name."""
    project: str
    """Its compose project (``""`` if it has none)."""
    service: str
    """Its compose service (``""`` if it has none)."""
    time: datetime
    exit_code: int | None = None
    """For ``die``: the exit code."""
    health: str | None = None
    """For ``health_status``: ``healthy``, ``unhealthy`` or ``starting``."""


def event_from_message(message: Mapping[str, Any]) -> EngineEvent | None:
    """The engine's event document as an :class:`EngineEvent`; None for anything else than a
    container lifecycle event (exec, attach, resize, networks, images...)."""
    if message.get("Type", "container") != "container":
        return None
    action = str(message.get("Action") or message.get("status") or "")
    kind, _, detail = action.partition(":")
    if kind not in _KINDS:
        return None
    actor = message.get("Actor") or {}
    attributes = actor.get("Attributes") or {}
    exit_code = str(attributes.get("exitCode", ""))
    return EngineEvent(
        kind=cast(EventKind, kind),
        container_id=str(actor.get("ID") or message.get("id") or ""),
        name=str(attributes.get("name", "")),
        project=str(attributes.get(COMPOSE_PROJECT, "")),
        service=str(attributes.get(COMPOSE_SERVICE, "")),
        time=_event_time(message),
        exit_code=int(exit_code)
        if kind == "die" and exit_code.isdecimal() and exit_code.isascii()
        else None,
        health=detail.strip() or None if kind == _HEALTH else None,
    )


def _event_time(message: Mapping[str, Any]) -> datetime:
    nanos = message.get("timeNano")
    if isinstance(nanos, int):
        return _EPOCH + timedelta(microseconds=nanos // 1000)
    return _EPOCH + timedelta(seconds=int(message.get("time") or 0))


class EventStream(Feed[EngineEvent]):
    """Container events from now (or from ``since``), of one compose project if ``project`` is
    given. Same reading pattern as :class:`LogStream`: ``start``, ``get_batch``, iteration,
    ``close``. The stream has no natural end: it ends with :class:`EngineDisconnectedError`
    when the engine goes away (re-list the containers, then open a new stream) or with
    :meth:`close`."""

    def __init__(
        self,
        view: StreamSource,
        *,
        project: str | None = None,
        since: datetime | None = None,
        buffer_events: int = BUFFER_ITEMS,
    ) -> None:
        super().__init__(view, buffer_events)
        self.project = project
        self._since = None if since is None else since_param(since)

    def _readers(self) -> list[tuple[str, Callable[[], None]]]:
        return [("claw-events", self._read)]

    def _read(self) -> None:
        filters = {"type": ["container"]}
        if self.project is not None:
            filters["label"] = [f"{COMPOSE_PROJECT}={self.project}"]
        try:
            body = self._view.event_body(filters=filters, since=self._since)
        except EngineUnavailableError as exc:
            self._disconnected(exc)
            return
        if not self._hold(body):
            return
        try:
            self._pump(body)
        finally:
            self._release(body)
        if self._halt.is_set():
            return
        try:
            self._view.ping()
        except EngineUnavailableError as exc:
            self._disconnected(exc)
            return
        self._fail(EngineDisconnectedError(self._view.host, "the engine ended the event stream"))

    def _pump(self, body: RawBody) -> None:
        rest = b""
        while data := body.read():
            *documents, rest = (rest + data).split(b"\n")
            events = []
            for document in documents:
                if not document.strip():
                    continue
                try:
                    message = json.loads(document)
                except ValueError as exc:
                    raise EngineError(
                        f"the Docker engine sent an unreadable event: {document[:80]!r}"
                    ) from exc
                event = event_from_message(message)
                if event is not None and self.project in (None, event.project):
                    events.append(event)
            if events and not self._put(events):
                return
