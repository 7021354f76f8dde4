"""What the Costs tab shows for a node, as values: whose costs, from which proxy containers, and
the proxy's requests as aligned columns. No Textual here (unit tested alone).

:func:`cost_scope` decides, for the selected node, which agents' costs to show (every agent for
the pod and for the proxy itself; a claw's agents, one per replica; a replica's own) and which
containers' logs hold them (the governance proxy's), or why there is nothing to show (the pod
is not governed, the node is a claw outside governance or a plain service).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from clawlib.costs import CostTotals, ProxyRecord, format_usd, total_cells
from clawlib.engine import ContainerRecord

from .model import ServiceGroup
from .state import PodState, Selection

__all__ = [
    "NOT_GOVERNED",
    "REQUEST_HEADER",
    "UNKNOWN_AGENT",
    "CostScope",
    "cost_scope",
    "last_request_text",
    "request_line",
    "totals_cells",
]

NOT_GOVERNED = """\
This pod is not governed: its claws reach their model providers directly, so nothing counts \
what their requests cost.

A governed claw sends its model requests through the pod's governance proxy, which holds the \
provider keys and logs every request with its tokens and cost. To govern a claw, give it a \
proxy in its x-claw block and move its provider keys to the proxy:

    x-claw:
      cllama: passthrough
      cllama-env:
        OPENROUTER_API_KEY: ${OPENROUTER_API_KEY}

then plan and apply (p). This tab counts the costs from the proxy's log."""

UNKNOWN_AGENT = "(unknown)"
"""The agent of requests refused before the proxy could tell whose they were."""

_COLUMNS = (
    ("TIME", 8, "<"),
    ("AGENT", 14, "<"),
    ("TYPE", 8, "<"),
    ("HTTP", 4, ">"),
    ("COST", 8, ">"),
    ("TOKENS IN→OUT", 13, ">"),
    ("LATENCY", 9, ">"),
    ("MODEL", 36, "<"),
)
"""The request log's columns (name, width, alignment): what matters most first, so that a
narrow pane shows it; the error's text follows them."""
_TYPES = {"intervention": "interv."}


def _row(cells: tuple[str, ...], tail: str = "") -> str:
    parts = []
    for (name, width, align), cell in zip(_COLUMNS, cells, strict=True):
        if len(cell) > width and name == "AGENT":  # keep its end, where a replica has its number
            half = (width - 1) // 2
            cell = cell[:half] + "…" + cell[-(width - 1 - half) :]
        elif len(cell) > width:
            cell = cell[: width - 1] + "…"
        parts.append(cell.rjust(width) if align == ">" else cell.ljust(width))
    text = "  ".join(parts)
    return f"{text}  {tail}" if tail else text.rstrip()


REQUEST_HEADER = _row(tuple(name for name, _, _ in _COLUMNS), "ERROR")
"""The column names over :func:`request_line`'s lines."""


def request_line(record: ProxyRecord, zone: tzinfo | None) -> str:
    """One line of the proxy's log as aligned columns: time (``HH:MM:SS`` in ``zone``), agent,
    type, HTTP status, cost and tokens in and out (when the line carries them), latency, model,
    and the error's text last."""
    usage = record.tokens_in or record.tokens_out or record.cost_usd
    cells = (
        f"{record.time.astimezone(zone):%H:%M:%S}",
        record.agent or UNKNOWN_AGENT,
        _TYPES.get(record.type, record.type),
        "" if record.status is None else str(record.status),
        format_usd(record.cost_usd) if usage else "",
        f"{record.tokens_in:,}→{record.tokens_out:,}" if usage else "",
        "" if record.latency_ms is None else f"{record.latency_ms:,} ms",
        record.model or "-",
    )
    tail = record.error or (record.intervention or "")
    return _row(cells, " ".join(tail.split()))


def last_request_text(when: datetime | None, now: datetime) -> str:
    """``HH:MM:SS`` in ``now``'s zone, with the date in front when it is another day; ``-``."""
    if when is None:
        return "-"
    local = when.astimezone(now.tzinfo)
    if local.date() == now.date():
        return f"{local:%H:%M:%S}"
    return f"{local:%Y-%m-%d %H:%M:%S}"


def totals_cells(totals: CostTotals, now: datetime) -> tuple[str, ...]:
    """Cost, requests, errors, tokens in, tokens out and last request, as shown."""
    return (*total_cells(totals), last_request_text(totals.last_request, now))


@dataclass(frozen=True)
class CostScope:
    """Whose costs the tab shows for a node, and from which logs."""

    title: str
    agents: frozenset[str] | None
    """The agents shown (None: every one, agents refused unnamed included)."""
    proxies: tuple[ContainerRecord, ...]
    """The governance proxy's containers, whose logs are read (the same for every node)."""
    governed: bool
    """The pod has a governance proxy (planned or running)."""
    note: str = ""
    """Why there is nothing to show for the node (shown instead of the costs), else ``""``."""


def cost_scope(selection: Selection, state: PodState) -> CostScope:
    """What the Costs tab shows for ``selection`` in ``state``."""
    proxy_groups = [g for g in state.groups if g.role == "proxy"]
    proxies = tuple(c for g in proxy_groups for c in g.containers)
    title = selection.title
    if not proxy_groups:
        if not state.groups and state.plan is None and state.plan_error is None:
            return CostScope(title, None, (), False, "Reading the pod…")
        return CostScope(title, None, (), False, NOT_GOVERNED)
    if selection.is_pod or any(g.role == "proxy" for g in selection.groups):
        return CostScope(title, None, proxies, True)
    if not selection.groups:
        return CostScope(title, frozenset(), proxies, True, f"{title} is no longer in the pod.")
    group = selection.groups[0]
    agents = frozenset(group.services)
    if group.claw_type is None and group.role is None and group.planned:
        note = (
            f"{group.name} is a plain service, not a claw: it makes no model requests through "
            "the governance proxy."
        )
        return CostScope(title, agents, proxies, True, note)
    if group.planned and not _governed(group, state):
        note = (
            f"{group.name} is not governed: its model requests do not go through the proxy, "
            'so nothing counts them. Add "cllama: passthrough" to its x-claw block (and its '
            "provider keys to cllama-env), then plan and apply (p)."
        )
        return CostScope(title, agents, proxies, True, note)
    return CostScope(title, agents, proxies, True)


def _governed(group: ServiceGroup, state: PodState) -> bool:
    """Some replica of the claw carries a proxy token in the plan."""
    services = set(group.services)
    return any(s.governed for s in state.planned if s.name in services)
