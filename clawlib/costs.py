"""What a governed pod's model traffic cost, folded from its governance proxy's log.

The proxy (ours, :mod:`clawlib.proxy`, or upstream's cllama) writes one JSON object per line on
standard output for each request it forwards, each response and each error::

    {"ts": "2026-11-30T10:00:00.123Z", "claw_id": "scout-0", "type": "response",
     "model": "openrouter/anthropic/claude-sonnet-4", "latency_ms": 812, "status_code": 200,
     "tokens_in": 1200, "tokens_out": 310, "cost_usd": 0.00825, "intervention": null}

:func:`parse_record` reads one such line (with or without the engine's timestamp in front of
it, as ``docker logs -t`` prints it) into a :class:`ProxyRecord`, and :class:`CostFold` adds
records up per agent and model. Pure: no I/O; the callers read the log from the engine.

What is counted, per (agent, model):

- **requests**: the exchanges that ended, i.e. ``response`` and ``error`` lines. Every exchange
  ends with exactly one of them; a ``request`` line (written before forwarding) only marks the
  start, and a refusal (bad token, bad body) has an ``error`` line and no ``request`` line.
- **errors**: ``error`` lines, and ``response`` lines whose ``status_code`` is 400 or more.
- **tokens in, tokens out, cost**: the sums of ``tokens_in``, ``tokens_out`` and ``cost_usd``
  over every line carrying them.
- **last request**: the time of the latest ``request``, ``response`` or ``error`` line.
- Upstream's ``intervention`` lines are read (a front end may list them) but change no total.

A record's time is its ``ts``; without one, the time the engine received the line. The agent
is ``claw_id`` (``""`` when the proxy could not tell: a refused bearer token), the model as the
agent asked for it (``""`` before the proxy read it).

Anything else in the log is skipped, never an error: lines that are not JSON objects, JSON
without a known ``type`` or a string ``claw_id``, a field of the wrong type (a count that is
not a whole number, a boolean, a ``ts`` that is not a time), ``NaN`` or infinities, and values
beyond belief (more than :data:`MAX_TOKENS` tokens or :data:`MAX_COST_USD` dollars in one
line, a latency over a day). Lines longer than :data:`MAX_LINE` characters are skipped unread.
A governed claw is not trusted and chooses the model names (and, refused, the agent ids) that
reach the log: text fields are cut at :data:`MAX_FIELD` characters, and past
:data:`MAX_AGENTS` agents, or :data:`MAX_MODELS` models of one agent, the newcomers are counted
together under :data:`OTHER_AGENTS` or :data:`OTHER_MODELS`, so that memory stays bounded.

Reading a log again (after the container restarted, or the engine did) repeats lines that were
already folded: :meth:`CostFold.resume` before each new read of a container's log makes
:meth:`CostFold.admit` skip them by the engine's timestamps.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

__all__ = [
    "MAX_AGENTS",
    "MAX_COST_USD",
    "MAX_FIELD",
    "MAX_LATENCY_MS",
    "MAX_LINE",
    "MAX_MODELS",
    "MAX_TOKENS",
    "OTHER_AGENTS",
    "OTHER_MODELS",
    "RECORD_TYPES",
    "CostFold",
    "CostRow",
    "CostTotals",
    "ProxyRecord",
    "RecordType",
    "format_usd",
    "parse_record",
    "total_cells",
]

RecordType = Literal["request", "response", "error", "intervention"]
RECORD_TYPES: tuple[RecordType, ...] = ("request", "response", "error", "intervention")

MAX_LINE = 256 * 1024
"""Longest log line read (characters); a longer one is skipped."""
MAX_FIELD = 200
"""Characters kept of a text field (agent, model, error); the rest is cut, marked ``…``."""
MAX_TOKENS = 10**12
"""Most tokens one line may report in either direction."""
MAX_COST_USD = 1_000_000.0
"""Largest cost one line may report."""
MAX_LATENCY_MS = 86_400_000
"""Longest latency one line may report: a day."""
MAX_AGENTS = 1000
"""Agents counted apart; those seen after them are counted together as :data:`OTHER_AGENTS`."""
MAX_MODELS = 100
"""Models counted apart per agent; the agent's later ones are counted as :data:`OTHER_MODELS`."""
OTHER_AGENTS = "(other agents)"
OTHER_MODELS = "(other models)"

_STAMPED = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) (.*)", re.S)
"""A line as ``docker logs -t`` prints it: the engine's RFC 3339 time, a space, the text."""


@dataclass(frozen=True, slots=True)
class ProxyRecord:
    """One line of the proxy's log."""

    time: datetime
    """When it happened (aware): the line's ``ts``, else when the engine received it."""
    agent: str
    """``claw_id``: the agent id (``scout-0`` for a replica); ``""`` when not known."""
    type: RecordType
    model: str = ""
    """The model as the agent asked for it; ``""`` when not known."""
    status: int | None = None
    """The HTTP status answered (not on ``request`` lines)."""
    latency_ms: int | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    error: str = ""
    intervention: str | None = None

    @property
    def ended(self) -> bool:
        """The line ends an exchange (``response`` or ``error``): it counts as a request."""
        return self.type in ("response", "error")

    @property
    def failed(self) -> bool:
        """An ``error`` line, or a response with a status of 400 or more."""
        return self.type == "error" or (
            self.type == "response" and self.status is not None and self.status >= 400
        )


class _Unreadable(Exception):
    """A field that is there but is not what a proxy writes."""


def parse_record(text: str, received: datetime | None = None) -> ProxyRecord | None:
    """The proxy record on one log line, or None when the line is not one (see the module's
    docstring for what is skipped). ``received`` is when the engine received the line, taken
    when the line carries no ``ts``; a line that starts with the engine's timestamp (``docker
    logs -t``) gives its own."""
    if len(text) > MAX_LINE:
        return None
    stamped = _STAMPED.match(text)
    if stamped is not None:
        received = _time(stamped.group(1)) or received
        text = stamped.group(2)
    text = text.strip()
    if not (text.startswith("{") and text.endswith("}")):
        return None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    try:
        return _record(data, received)
    except _Unreadable:
        return None


def _record(data: dict[str, Any], received: datetime | None) -> ProxyRecord | None:
    kind = data.get("type")
    agent = data.get("claw_id")
    if kind not in RECORD_TYPES or not isinstance(agent, str):
        return None
    stamp = data.get("ts")
    if stamp is None:
        when = received
    elif isinstance(stamp, str):
        when = _time(stamp)
        if when is None:
            raise _Unreadable
    else:
        raise _Unreadable
    if when is None:
        return None
    intervention = _text(data, "intervention")
    return ProxyRecord(
        time=when,
        agent=_cut(agent),
        type=kind,
        model=_text(data, "model") or "",
        status=_whole(data, "status_code", 100, 599),
        latency_ms=_whole(data, "latency_ms", 0, MAX_LATENCY_MS, fraction=True),
        tokens_in=_whole(data, "tokens_in", 0, MAX_TOKENS) or 0,
        tokens_out=_whole(data, "tokens_out", 0, MAX_TOKENS) or 0,
        cost_usd=_usd(data, "cost_usd"),
        error=_text(data, "error") or "",
        intervention=intervention,
    )


def _time(text: str) -> datetime | None:
    """An RFC 3339 time (any number of fraction digits; naive taken as UTC), else None."""
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _cut(text: str) -> str:
    return text if len(text) <= MAX_FIELD else text[: MAX_FIELD - 1] + "…"


def _text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Unreadable
    return _cut(value)


def _whole(
    data: dict[str, Any], key: str, low: int, high: int, *, fraction: bool = False
) -> int | None:
    """A whole number in [low, high] (a float too with ``fraction``, rounded), None if absent."""
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Unreadable
    if isinstance(value, float) and not (fraction and math.isfinite(value)):
        raise _Unreadable
    if not low <= value <= high:
        raise _Unreadable
    return round(value)


def _usd(data: dict[str, Any], key: str) -> float:
    value = data.get(key)
    if value is None:
        return 0.0
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Unreadable
    if not 0 <= value <= MAX_COST_USD:  # NaN and infinities too
        raise _Unreadable
    return float(value)


@dataclass(frozen=True, slots=True)
class CostTotals:
    """What some exchanges added up to (see the module docstring for what counts)."""

    requests: int = 0
    errors: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    last_request: datetime | None = None

    def plus(self, other: CostTotals) -> CostTotals:
        last = [t for t in (self.last_request, other.last_request) if t is not None]
        return CostTotals(
            self.requests + other.requests,
            self.errors + other.errors,
            self.tokens_in + other.tokens_in,
            self.tokens_out + other.tokens_out,
            self.cost_usd + other.cost_usd,
            max(last) if last else None,
        )


@dataclass(frozen=True, slots=True)
class CostRow:
    """The totals of one agent and model."""

    agent: str
    """The agent id; ``""`` for lines whose agent the proxy could not tell."""
    model: str
    """The model as asked for; ``""`` for lines without one (a request refused early)."""
    totals: CostTotals


class _Running:
    """The running totals of one (agent, model): changed in place as lines are added."""

    __slots__ = ("cost_usd", "errors", "last_request", "requests", "tokens_in", "tokens_out")

    def __init__(self) -> None:
        self.requests = 0
        self.errors = 0
        self.tokens_in = 0
        self.tokens_out = 0
        self.cost_usd = 0.0
        self.last_request: datetime | None = None

    def frozen(self) -> CostTotals:
        return CostTotals(
            self.requests,
            self.errors,
            self.tokens_in,
            self.tokens_out,
            self.cost_usd,
            self.last_request,
        )


class _Seen:
    """What was folded of one container's log: the engine time of its last line, how many lines
    carried exactly that time, and while a new read repeats them, what is left to skip."""

    __slots__ = ("last", "replay", "same")

    def __init__(self) -> None:
        self.last: datetime | None = None
        self.same = 0
        self.replay: tuple[datetime, int] | None = None


class CostFold:
    """Totals per (agent, model) of the records added, the spend per minute of each agent, and
    what was read of each container's log.

    ``since`` (aware; naive means UTC) leaves out records from before it. Not thread-safe: a
    front end that adds from one thread and reads from another holds a lock around both.
    """

    def __init__(self, since: datetime | None = None) -> None:
        if since is not None and since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        self.since = since
        self.lines = 0
        """Log lines given to :meth:`add_line` and admitted (repeats are not counted)."""
        self.skipped = 0
        """Of those, lines that were not proxy records."""
        self.records = 0
        """Records counted (those from before ``since`` are not)."""
        self._totals: dict[tuple[str, str], _Running] = {}
        self._models: dict[str, set[str]] = {}
        self._minutes: dict[str, dict[int, float]] = {}
        """Agent → minute (since the epoch) → spend."""
        self._seen: dict[str, _Seen] = {}

    # Reading logs.

    def resume(self, source: str) -> None:
        """A new read of ``source``'s log starts (it repeats what the last read gave from its
        last line's time on): :meth:`admit` skips the lines already admitted."""
        seen = self._seen.get(source)
        if seen is not None and seen.last is not None:
            seen.replay = (seen.last, seen.same)

    def admit(self, source: str, received: datetime | None) -> bool:
        """Whether the line of ``source`` the engine received at ``received`` is new: False for
        a line that a read before :meth:`resume` already admitted. Lines of one source must come
        in the engine's order; a line without a time is always new."""
        seen = self._seen.get(source)
        if seen is None:
            seen = self._seen[source] = _Seen()
        if received is None:
            return True
        if seen.replay is not None:
            at, same = seen.replay
            if received < at:
                return False
            if received == at and same > 0:
                seen.replay = (at, same - 1)
                return False
            seen.replay = None
        if received == seen.last:
            seen.same += 1
        else:
            seen.last, seen.same = received, 1
        return True

    def last_seen(self, source: str) -> datetime | None:
        """The engine time of the last line admitted from ``source`` (None: none yet)."""
        seen = self._seen.get(source)
        return None if seen is None else seen.last

    def add_line(self, source: str, text: str, received: datetime | None) -> ProxyRecord | None:
        """Admit, parse and add one line of ``source``'s log; the record, when the line is a
        new one and a proxy record (counted or, before ``since``, not)."""
        if not self.admit(source, received):
            return None
        record = parse_record(text, received)
        self._take(record)
        return record

    def add_parsed(
        self, source: str, received: datetime | None, record: ProxyRecord | None
    ) -> bool:
        """:meth:`add_line` for a line parsed already (``record`` None: not a proxy record), so
        that a front end can parse outside its lock; False when the line is a repeat."""
        if not self.admit(source, received):
            return False
        self._take(record)
        return True

    def _take(self, record: ProxyRecord | None) -> None:
        self.lines += 1
        if record is None:
            self.skipped += 1
        else:
            self.add(record)

    # Counting.

    def add(self, record: ProxyRecord) -> bool:
        """Count ``record``; False (and nothing counted) when it is from before ``since``."""
        if self.since is not None and record.time < self.since:
            return False
        self.records += 1
        if record.type == "intervention":
            return True
        agent = record.agent
        models = self._models.get(agent)
        if models is None:
            if len(self._models) >= MAX_AGENTS:
                agent = OTHER_AGENTS
            models = self._models.setdefault(agent, set())
        model = record.model
        if model not in models:
            if len(models) >= MAX_MODELS:
                model = OTHER_MODELS
            models.add(model)
        totals = self._totals.get((agent, model))
        if totals is None:
            totals = self._totals[agent, model] = _Running()
        if totals.last_request is None or record.time > totals.last_request:
            totals.last_request = record.time
        if record.ended:
            totals.requests += 1
            if record.failed:
                totals.errors += 1
        totals.tokens_in += record.tokens_in
        totals.tokens_out += record.tokens_out
        if record.cost_usd:
            totals.cost_usd += record.cost_usd
            minutes = self._minutes.setdefault(agent, {})
            minute = int(record.time.timestamp() // 60)
            minutes[minute] = minutes.get(minute, 0.0) + record.cost_usd
        return True

    def extend(self, records: Iterable[ProxyRecord]) -> None:
        for record in records:
            self.add(record)

    # Reading the totals.

    def agents(self) -> tuple[str, ...]:
        """Every agent with a line counted, sorted (``""`` last)."""
        return tuple(sorted(self._models, key=lambda agent: (agent == "", agent)))

    def rows(self, agents: Collection[str] | None = None) -> tuple[CostRow, ...]:
        """The totals per (agent, model) of ``agents`` (None: every one), by agent then model,
        the unknown ones (``""``) last."""
        keys = sorted(
            (key for key in self._totals if agents is None or key[0] in agents),
            key=lambda key: (key[0] == "", key[0], key[1] == "", key[1]),
        )
        return tuple(
            CostRow(agent, model, self._totals[agent, model].frozen()) for agent, model in keys
        )

    def total(self, agents: Collection[str] | None = None) -> CostTotals:
        """The totals of ``agents`` (None: every one) together."""
        result = CostTotals()
        for row in self.rows(agents):
            result = result.plus(row.totals)
        return result

    def spend_per_minute(
        self, end: datetime, minutes: int, agents: Collection[str] | None = None
    ) -> list[float]:
        """The spend of ``agents`` (None: every one) in each of the ``minutes`` minutes up to
        and including the one of ``end``, oldest first."""
        last = int(end.timestamp() // 60)
        first = last - minutes + 1
        spend = [0.0] * max(0, minutes)
        for agent, by_minute in self._minutes.items():
            if agents is not None and agent not in agents:
                continue
            if len(by_minute) > minutes:  # a long-lived log: look up only the minutes shown
                for offset in range(len(spend)):
                    spend[offset] += by_minute.get(first + offset, 0.0)
                continue
            for minute, cost in by_minute.items():
                if first <= minute <= last:
                    spend[minute - first] += cost
        return spend


def format_usd(value: float) -> str:
    """Dollars as ``$0.0123`` (four decimals, thousands separated: ``$1,234.5000``). Sums of
    the same costs added in another order differ in their last binary digits: rounded to ten
    decimals first, they are shown the same."""
    return f"${round(value, 10):,.4f}"


def total_cells(totals: CostTotals) -> tuple[str, str, str, str, str]:
    """Cost, requests, errors, tokens in and tokens out, as the TUI and ``claw costs`` show
    them (each says the last request in its own way)."""
    return (
        format_usd(totals.cost_usd),
        f"{totals.requests:,}",
        f"{totals.errors:,}",
        f"{totals.tokens_in:,}",
        f"{totals.tokens_out:,}",
    )
