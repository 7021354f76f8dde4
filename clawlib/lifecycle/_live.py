"""The containers of a project kept current from the engine's event stream, without polling.

A :class:`LiveContainers` starts from one listing and then folds each :class:`EngineEvent` into
it: a start makes a container running, a die records its exit code, a health_status its health,
a rename its name, a destroy removes it. An event about a container it has never seen (a
``create``, or one that arrived before the listing) cannot be folded in — events carry no image
or labels beyond compose's — so :meth:`LiveContainers.apply` says which container to inspect,
and :meth:`LiveContainers.put` adds the record. It says so after a ``die`` too: whether the
engine restarts the container (its restart count, the ``restarting`` state that marks a crash
loop) is only in the inspect data. After the event stream broke, list again
(:meth:`LiveContainers.reset`): events missed meanwhile cannot be replayed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from clawlib.engine import ContainerRecord, EngineEvent

__all__ = ["Change", "LiveContainers"]


@dataclass(frozen=True, slots=True)
class Change:
    """What one event did: the container after it, the ID of one it destroyed, and the ID of a
    container to inspect (then :meth:`LiveContainers.put`) for what the event cannot say."""

    container: ContainerRecord | None = None
    removed: str | None = None
    inspect: str | None = None

    @property
    def changed(self) -> bool:
        return self.container is not None or self.removed is not None


class LiveContainers:
    """The containers of one project, by ID, as the last listing and events say."""

    def __init__(self, project: str, records: Iterable[ContainerRecord] = ()) -> None:
        self.project = project
        self._records: dict[str, ContainerRecord] = {}
        self.reset(records)

    def reset(self, records: Iterable[ContainerRecord]) -> None:
        """Start again from a fresh listing."""
        self._records = {r.id: r for r in records if r.project == self.project}

    def put(self, record: ContainerRecord) -> None:
        """Add or replace a container (after inspecting one :meth:`apply` did not know)."""
        if record.project == self.project:
            self._records[record.id] = record

    @property
    def containers(self) -> tuple[ContainerRecord, ...]:
        """Ordered by service, replica number and name."""
        return tuple(sorted(self._records.values(), key=lambda r: (r.service, r.number, r.name)))

    def apply(self, event: EngineEvent) -> Change:
        """Fold ``event`` in; events of other projects change nothing."""
        if event.project != self.project:
            return Change()
        current = self._records.get(event.container_id)
        if event.kind == "destroy":
            if current is None:
                return Change()
            del self._records[event.container_id]
            return Change(removed=event.container_id)
        if current is None:
            return Change(inspect=event.container_id)
        updated = _fold(current, event)
        follow_up = event.container_id if event.kind == "die" else None
        if updated == current:
            return Change(inspect=follow_up)
        self._records[updated.id] = updated
        return Change(container=updated, inspect=follow_up)


def _fold(record: ContainerRecord, event: EngineEvent) -> ContainerRecord:
    replace = dataclasses.replace
    if event.kind == "start":
        health = "starting" if record.health is not None else None
        return replace(
            record, state="running", started_at=event.time, health=health, health_output=None
        )
    if event.kind == "die":
        exit_code = event.exit_code if event.exit_code is not None else record.exit_code
        # On a restart policy the engine restarts it at once; a start event will follow.
        return replace(record, state="exited", finished_at=event.time, exit_code=exit_code)
    if event.kind == "oom":
        return replace(record, oom_killed=True)
    if event.kind == "pause":
        return replace(record, state="paused")
    if event.kind == "unpause":
        return replace(record, state="running")
    if event.kind == "health_status" and event.health:
        # The event carries no output: a new verdict's output is not known yet.
        output = record.health_output if event.health == record.health else None
        return replace(record, health=event.health, health_output=output)
    if event.kind == "rename" and event.name:
        # compose recreates a container under a temporary name, then renames it.
        return replace(record, name=event.name)
    return record  # create, stop, kill, restart: the die or start around them says it
