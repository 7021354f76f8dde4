"""``claw costs [-f POD] [--json] [--since T]``: what a governed pod's model requests cost.

Reads the whole log of the pod's governance proxy container through the engine (as ``claw
logs`` does) and folds its JSON lines per agent and model (:mod:`clawlib.costs` says what
counts). The table has one row per agent and model and a total row; ``--json`` prints::

    {"project": "governed", "proxies": ["governed-cllama-1"], "since": null,
     "rows": [{"agent": "analyst", "model": "openrouter/anthropic/claude-sonnet-4",
               "requests": 12, "errors": 1, "tokens_in": 34567, "tokens_out": 1234,
               "cost_usd": 0.1222, "last_request": "2026-11-30T10:00:05.123Z"}],
     "total": {"requests": 12, "errors": 1, ...}, "lines": 40, "skipped_lines": 1}

``agent`` is null for requests refused before the proxy could tell the agent (a bad token),
``model`` null for those refused before it read the model; times are UTC; ``skipped_lines``
counts the lines that were not proxy records (its start-up message, for one).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from clawlib.costs import CostTotals, total_cells
from clawlib.engine import describe_state
from clawlib.session import ProxyCosts, open_pod

from ._args import add_pod_arguments
from ._logs import parse_since
from ._output import print_json, print_table, printable

__all__ = ["configure", "costs_json", "costs_table"]

UNKNOWN_AGENT = "(unknown)"
"""How the table names requests whose agent the proxy could not tell."""
_NUMBERS = (1, 2, 3, 4, 5)
"""The table's columns aligned to the right."""


def configure(verb: str, parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Show what the pod's model requests cost, per agent and model: requests, errors, "
        "tokens in and out, cost in USD and the last request, counted from the whole log of "
        "its governance proxy (a governed pod: claws with cllama in their x-claw block)."
    )
    add_pod_arguments(parser)
    parser.add_argument(
        "--since",
        metavar="T",
        help="only requests since T: a time (2026-11-30T10:00:00Z) or a duration ago (10m, 1h30m)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    since = parse_since(args.since) if args.since else None
    with open_pod(args.file, project=args.project) as pod:
        costs = pod.costs(since)
    now = datetime.now(UTC)
    for proxy in costs.proxies:
        if not proxy.running:
            print(
                f"note: the proxy container {printable(proxy.name)} is "
                f"{describe_state(proxy, now, uptime=False)}: its log up to then is counted",
                file=sys.stderr,
            )
    if args.json:
        print_json(costs_json(costs))
        return 0
    if not costs.rows:
        when = f" since {_time(costs.since)}" if costs.since is not None else ""
        print(f"No requests through the proxy of project {costs.project}{when}.", file=sys.stderr)
        return 0
    print_table(costs_table(costs), right=_NUMBERS)
    return 0


def costs_table(costs: ProxyCosts) -> list[tuple[str, ...]]:
    """The table's rows: the header, one row per agent and model, the total. The cost comes
    first and the model (long) last, as in the TUI's Costs tab."""
    rows: list[tuple[str, ...]] = [
        ("AGENT", "COST", "REQUESTS", "ERRORS", "TOKENS IN", "TOKENS OUT", "LAST REQUEST", "MODEL")
    ]
    for row in costs.rows:
        rows.append((row.agent or UNKNOWN_AGENT, *_cells(row.totals), row.model or "-"))
    rows.append(("TOTAL", *_cells(costs.total), ""))
    return rows


def _cells(totals: CostTotals) -> tuple[str, ...]:
    last = _time(totals.last_request) if totals.last_request is not None else "-"
    return (*total_cells(totals), last)


def costs_json(costs: ProxyCosts) -> dict[str, Any]:
    """The document ``--json`` prints (described in the module's docstring)."""
    return {
        "project": costs.project,
        "proxies": [c.name for c in costs.proxies],
        "since": _time(costs.since, precise=True) if costs.since is not None else None,
        "rows": [
            {"agent": row.agent or None, "model": row.model or None, **_totals_json(row.totals)}
            for row in costs.rows
        ],
        "total": _totals_json(costs.total),
        "lines": costs.lines,
        "skipped_lines": costs.skipped,
    }


def _totals_json(totals: CostTotals) -> dict[str, Any]:
    last = totals.last_request
    return {
        "requests": totals.requests,
        "errors": totals.errors,
        "tokens_in": totals.tokens_in,
        "tokens_out": totals.tokens_out,
        # Sums of binary fractions: rounded, so that 0.1 + 0.2 is shown as 0.3.
        "cost_usd": round(totals.cost_usd, 10),
        "last_request": _time(last, precise=True) if last is not None else None,
    }


def _time(when: datetime, *, precise: bool = False) -> str:
    """UTC, as RFC 3339: to the second, or with milliseconds when ``precise``."""
    utc = when.astimezone(UTC)
    return utc.isoformat(timespec="milliseconds" if precise else "seconds").replace("+00:00", "Z")
