"""The Health pane: each container's latest verdict, who judged it, why, and its recent probes.

Passive: the app probes (in a worker) and hands the results to :meth:`HealthPane.show` after each
round (as the pod view's Health tab, through :meth:`HealthPane.show_selection`). Cards are reused
between calls, so a refresh every few seconds updates text in place.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from clawlib.engine import ContainerRecord, format_duration
from clawlib.engine import describe_state as engine_state
from clawlib.lifecycle import ContainerHealth
from clawlib.secrets import mask_secrets

from ..state import HEALTH_INTERVAL
from .detail_pane import DetailPane

if TYPE_CHECKING:
    from ..state import PodState, Selection

__all__ = [
    "HealthEntry",
    "HealthPane",
    "describe_state",
    "format_ago",
    "health_summary",
    "history_strip",
    "pretty_detail",
]

_CELLS = {"healthy": "█", "starting": "▄", "unhealthy": "▁", "stopped": "·", "error": "░"}
_COLOURS = {
    "healthy": "$success",
    "unhealthy": "$error",
    "starting": "$warning",
    "stopped": "$text-muted",
    "error": "$text-muted",
}
_ORDER = ("healthy", "unhealthy", "starting", "stopped", "error", "not probed", "not running")
_DETAIL_LINES = 60
"""Longest detail shown; the rest is cut with a count (a probe's stderr can run long)."""


@dataclass(frozen=True, slots=True)
class HealthEntry:
    """One container of the pane. ``container`` None: planned, but no container exists.
    ``history`` runs oldest to newest (the app keeps the last few dozen probes)."""

    container: ContainerRecord | None
    label: str
    history: Sequence[ContainerHealth] = ()

    @property
    def verdict(self) -> str:
        """healthy, unhealthy, starting, stopped, error, ``not probed`` or ``not running``."""
        if self.container is None:
            return "not running"
        return self.history[-1].status if self.history else "not probed"


def pretty_detail(detail: str) -> str:
    """A probe's detail for reading: JSON (the whole text, or what follows its first ``{``)
    indented by 2 with sorted keys, anything printed before it kept on its own line; secret
    values masked either way."""
    start = detail.find("{")
    if start >= 0:
        try:
            value, end = json.JSONDecoder().raw_decode(detail, start)
        except json.JSONDecodeError:
            value, end = None, start
        if isinstance(value, dict) and not detail[end:].strip():
            lead = detail[:start].strip()
            pretty = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
            detail = f"{lead}\n{pretty}" if lead else pretty
    return mask_secrets(detail)


def describe_state(container: ContainerRecord | None, now: datetime) -> str:
    """The container's state in a few words: running (and for how long), exited (code),
    restarting, crash-looping with its restart count, created; ``no container`` for None."""
    if container is None:
        return "no container"
    return engine_state(container, now)


def format_ago(seconds: float) -> str:
    """``12s ago``, ``3m 5s ago``, ``2h 10m ago`` (never negative)."""
    return f"{format_duration(seconds)} ago"


def history_strip(history: Sequence[ContainerHealth]) -> Content:
    """One cell per probe, oldest left, its height and colour by verdict, then the tally."""
    cells = [(_CELLS.get(h.status, "?"), _COLOURS.get(h.status, "$text-muted")) for h in history]
    healthy = sum(1 for h in history if h.ok)
    return Content.assemble(*cells, ("  " if cells else ""), f"{healthy} of {len(history)} healthy")


def health_summary(entries: Sequence[HealthEntry], interval: float) -> str:
    """The pane's header: counts by verdict, the probe interval, the key to probe now."""
    if not entries:
        return "Nothing to probe: no containers"
    counts = Counter(entry.verdict for entry in entries)
    tally = ", ".join(f"{counts[v]} {v}" for v in _ORDER if counts[v])
    return f"{tally} · probes every {interval:g} s · H to probe now"


class _HealthCard(Vertical):
    """One container: name, verdict badge and state; who judged and when; history; detail."""

    def __init__(self) -> None:
        super().__init__(classes="health-card")
        self._label = Static(classes="name")
        self._badge = Static(classes="badge")
        self._state = Static(classes="state")
        self._meta = Static(classes="meta")
        self._strip = Static(classes="strip")
        self._detail = Static(classes="detail")

    def compose(self) -> ComposeResult:
        with Horizontal(classes="head"):
            yield self._label
            yield self._badge
            yield self._state
        yield self._meta
        yield self._strip
        yield self._detail

    def show(self, entry: HealthEntry, now: datetime) -> None:
        verdict = entry.verdict
        _update(self._label, Content(entry.label))
        _update(self._badge, Content(verdict))
        for state in _ORDER:
            self._badge.set_class(state == verdict, f"-{state.replace(' ', '-')}")
        _update(self._state, Content(describe_state(entry.container, now)))
        compose_check = "no healthcheck"
        if entry.container is not None and entry.container.health:
            compose_check = f"healthcheck {entry.container.health}"
        latest = entry.history[-1] if entry.history else None
        if latest is None:
            _update(self._meta, Content(f"not probed yet · {compose_check}"))
            _update(self._strip, Content(""))
            _update(self._detail, Content(""))
            self._strip.display = self._detail.display = False
            return
        checked = latest.checked_at.astimezone(now.tzinfo)
        age = max(0.0, (now - latest.checked_at).total_seconds())
        _update(
            self._meta,
            Content(
                f"{_judge(latest)} · {compose_check} · "
                f"last probe {checked:%H:%M:%S} ({format_ago(age)})"
            ),
        )
        _update(self._strip, history_strip(entry.history))
        _update(self._detail, Content(_cut(pretty_detail(latest.detail)) or "no detail"))
        self._strip.display = self._detail.display = True


class HealthPane(DetailPane):
    """Health of a node's containers, fed by the app through :meth:`show`.

    Each card: the container, its latest verdict as a badge (class ``-healthy``,
    ``-unhealthy``, ``-starting``, ``-stopped``, ``-error``, ``-not-probed`` or ``-not-running``),
    its state, who judged it and when, a strip of its recent probes and the probe's detail
    (JSON pretty-printed, secrets masked).
    """

    DEFAULT_CSS = """
    HealthPane { height: 1fr; }
    HealthPane > .pane-title { height: 1; padding: 0 1; background: $panel; text-style: bold; }
    HealthPane > #health-summary { height: auto; padding: 0 1; color: $text-muted; }
    HealthPane > #health-cards { height: 1fr; }
    HealthPane .health-card { height: auto; padding: 0 1; margin-top: 1; }
    HealthPane .health-card > .head { height: 1; }
    HealthPane .health-card .name { width: auto; text-style: bold; color: $primary; }
    HealthPane .health-card .badge { width: auto; margin: 0 1; padding: 0 1; text-style: bold; }
    HealthPane .badge.-healthy { color: $success; background: $success 15%; }
    HealthPane .badge.-unhealthy { color: $error; background: $error 15%; }
    HealthPane .badge.-starting { color: $warning; background: $warning 15%; }
    HealthPane .badge.-error, HealthPane .badge.-not-probed, HealthPane .badge.-not-running,
    HealthPane .badge.-stopped {
        color: $text-muted; background: $surface;
    }
    HealthPane .health-card .state { width: 1fr; color: $text-muted; }
    HealthPane .health-card .meta { color: $text-muted; }
    HealthPane .health-card .detail { padding-left: 2; border-left: vkey $accent; }
    """

    def __init__(
        self,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """``now`` gives the time probes are aged against; their clock times are shown in its
        time zone (pass ``lambda: datetime.now().astimezone()`` for local time)."""
        super().__init__(name=name, id=id, classes=classes)
        self._now = now
        self._title = Static(classes="pane-title")
        self._summary = Static(Content(health_summary((), 10)), id="health-summary")
        self._cards = VerticalScroll(id="health-cards")
        self._card_list: list[_HealthCard] = []
        self._shown: tuple[str, tuple[HealthEntry, ...], float] | None = None
        self._displayed_title: str | None = None

    def compose(self) -> ComposeResult:
        yield self._title
        yield self._summary
        yield self._cards

    def show(self, title: str, entries: Sequence[HealthEntry], *, interval: float = 10) -> None:
        """Show ``entries`` under ``title``; ``interval`` is the app's probe period in seconds.

        Cheap to call repeatedly: existing cards are updated in place, only the difference in
        number is mounted or removed.
        """
        self._shown = (title, tuple(entries), interval)
        if not self.is_mounted:
            return
        now = self._now()
        if title != self._displayed_title:  # another node: start at its top
            self._cards.scroll_home(animate=False)
        self._displayed_title = title
        _update(self._title, Content(title))
        _update(self._summary, Content(health_summary(entries, interval)))
        with self.app.batch_update():
            for card in self._card_list[len(entries) :]:
                card.remove()
            del self._card_list[len(entries) :]
            added = [_HealthCard() for _ in range(len(entries) - len(self._card_list))]
            self._card_list += added
            for card, entry in zip(self._card_list, entries, strict=True):
                card.show(entry, now)
            if added:
                self._cards.mount_all(added)

    def show_selection(self, selection: Selection, state: PodState) -> None:
        """One card per row of the node, with its container's probe history."""
        entries = []
        for group in selection.groups:
            for row in group.rows:
                name = row.container.name if row.container else ""
                label = row.container.name if row.container else f"{row.service} (no container)"
                history = state.health.get(name, ()) if name else ()
                entries.append(HealthEntry(row.container, label, history))
        self.show(selection.title, entries, interval=HEALTH_INTERVAL)

    def on_mount(self) -> None:
        if self._shown is not None:
            title, entries, interval = self._shown
            self.show(title, entries, interval=interval)


def _update(static: Static, content: Content) -> None:
    # A refresh mostly repeats what is shown: skip those, each update costs a layout pass. (Equal
    # text means equal styles here: every verdict has its own cell in the history strip.)
    if static.content != content:
        static.update(content)


def _judge(health: ContainerHealth) -> str:
    if health.source == "driver":
        return f"judged by {health.container.claw_type or 'its'} driver"
    if health.source == "healthcheck":
        return "judged by healthcheck"
    if health.source == "state":
        return "judged by container state"
    return "not judged"


def _cut(text: str) -> str:
    lines = text.splitlines()
    if len(lines) <= _DETAIL_LINES:
        return text
    return "\n".join([*lines[:_DETAIL_LINES], f"… {len(lines) - _DETAIL_LINES} more lines"])
