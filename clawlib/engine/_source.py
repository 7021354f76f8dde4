"""What a log or event stream needs from the engine, and nothing more.

The streams (:mod:`._logs`, :mod:`._events`, their shared :mod:`._feed`) read through this
protocol; :class:`~._docker.DockerView` implements it and builds the streams. The imports go one
way: the view knows the streams, the streams know only this protocol. Tests script it with a fake
view whose bodies are socket pairs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ._containers import ContainerRecord
    from ._http import RawBody

__all__ = ["StreamSource"]


class StreamSource(Protocol):
    """An engine a stream can open bodies on and ask what became of a container.

    Every method may block on the engine. The failures a stream tells apart are
    :class:`~clawlib.errors.EngineUnavailableError` (the engine does not answer: the stream ends
    with :class:`~clawlib.errors.EngineDisconnectedError`) and
    :class:`~clawlib.errors.ContainerNotFoundError` (that container's log ends).
    """

    @property
    def host(self) -> str:
        """The engine's address, as errors name it (e.g. ``unix:///var/run/docker.sock``)."""
        ...

    def ping(self) -> None:
        """Return once the engine answers; :class:`EngineUnavailableError` if it does not."""
        ...

    def log_body(
        self, container_id: str, *, follow: bool, tail: int | None, since: str | None
    ) -> RawBody:
        """Open the raw multiplexed log of a container, with the engine's timestamps; ``tail``
        None is the whole log, ``since`` the engine's ``seconds.nanoseconds`` form."""
        ...

    def event_body(self, *, filters: Mapping[str, Sequence[str]], since: str | None) -> RawBody:
        """Open the engine's event stream (one JSON document a line) filtered by ``filters``."""
        ...

    def check_container(self, ref: str) -> ContainerRecord:
        """The container ``ref`` as it is now, after checking that the engine answers: what a
        stream asks when a body ended, to tell a removed or exited container from a lost
        engine."""
        ...

    def containers(self, project: str) -> tuple[ContainerRecord, ...]:
        """Every container of the compose project ``project``: where a log stream looks for
        the replacement of a container that was removed."""
        ...
