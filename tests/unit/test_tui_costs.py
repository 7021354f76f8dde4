"""What the Costs tab shows for each node (whose costs, from which logs, or why nothing), and
the proxy's requests as aligned columns."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from clawlib.costs import CostTotals, ProxyRecord
from clawtui.costview import (
    NOT_GOVERNED,
    REQUEST_HEADER,
    cost_scope,
    last_request_text,
    request_line,
    totals_cells,
)
from clawtui.state import PodState, Selection
from tests.tui.fake_backend import FakeBackend, record

EXAMPLES = Path(__file__).parents[2] / "examples"
UNGOVERNED = Path(__file__).parents[2] / "tests" / "fixtures" / "pods" / "demo"
T0 = datetime(2026, 11, 30, 8, 1, 2, 345000, tzinfo=UTC)
EXTRA = """
  helper:
    build: ./agents/helper
    x-claw:
      agent: ./agents/analyst/AGENTS.md
  web:
    image: claw-base/busybox:latest
"""


Running = tuple[tuple[str, str | None, str | None, dict[str, str]], ...]
GOVERNED_CONTAINERS: Running = (
    ("cllama", None, None, {"claw.role": "proxy", "claw.proxy.type": "passthrough"}),
    ("analyst", "openclaw", "analyst", {}),
    ("scout-0", "openclaw", "scout", {}),
    ("scout-1", "openclaw", "scout", {}),
)


def state_of(pod: Path, project: str, running: Running = GOVERNED_CONTAINERS) -> PodState:
    plan = FakeBackend().plan(pod)
    containers = [
        dataclasses.replace(
            record(name, project=project, claw_type=claw_type, claw_service=group),
            labels=labels,
        )
        for name, claw_type, group, labels in running
    ]
    return (
        PodState(pod.parent.name)
        .with_plan(plan, plan.diff())
        .with_engine_connected(tuple(containers))
    )


@pytest.fixture
def governed(tmp_path: Path) -> PodState:
    pod = tmp_path / "governed"
    shutil.copytree(EXAMPLES / "governed", pod)
    (pod / "claw-pod.yml").write_text((pod / "claw-pod.yml").read_text() + EXTRA)
    helper = pod / "agents" / "helper"
    helper.mkdir()
    clawfile = (pod / "agents" / "analyst" / "Clawfile").read_text()
    (helper / "Clawfile").write_text(clawfile.replace("CLLAMA passthrough\n", ""))
    return state_of(pod / "claw-pod.yml", "governed")


def test_whose_costs_each_node_shows(governed: PodState) -> None:
    def scope(key: str) -> tuple[frozenset[str] | None, tuple[str, ...], str]:
        found = cost_scope(Selection.of(key, governed), governed)
        assert found.governed
        return found.agents, tuple(c.name for c in found.proxies), found.note

    proxy = ("governed-cllama-1",)
    assert scope("pod") == (None, proxy, "")
    assert scope("service:cllama") == (None, proxy, "")
    assert scope("container:cllama#1") == (None, proxy, "")
    assert scope("service:analyst") == (frozenset({"analyst"}), proxy, "")
    assert scope("service:scout") == (frozenset({"scout-0", "scout-1"}), proxy, "")
    assert scope("container:scout-1#1") == (frozenset({"scout-1"}), proxy, "")
    assert scope("service:helper") == (
        frozenset({"helper"}),
        proxy,
        "helper is not governed: its model requests do not go through the proxy, so nothing "
        'counts them. Add "cllama: passthrough" to its x-claw block (and its provider keys to '
        "cllama-env), then plan and apply (p).",
    )
    assert scope("service:web") == (
        frozenset({"web"}),
        proxy,
        "web is a plain service, not a claw: it makes no model requests through the "
        "governance proxy.",
    )
    assert scope("service:gone") == (frozenset(), proxy, "? is no longer in the pod.")


def test_a_pod_not_governed_or_not_read_yet(tmp_path: Path) -> None:
    pod = tmp_path / "demo"
    shutil.copytree(UNGOVERNED, pod)
    state = state_of(pod / "claw-pod.yml", "demo", (("assistant", "openclaw", "assistant", {}),))
    for key in ("pod", "service:assistant"):
        scope = cost_scope(Selection.of(key, state), state)
        assert (scope.governed, scope.agents, scope.proxies, scope.note) == (
            False,
            None,
            (),
            NOT_GOVERNED,
        )
    assert "    x-claw:\n      cllama: passthrough\n" in NOT_GOVERNED
    fresh = PodState("demo")
    assert cost_scope(Selection.of("pod", fresh), fresh).note == "Reading the pod…"


def test_a_governed_pod_whose_proxy_has_no_container(governed: PodState) -> None:
    state = governed.with_containers(tuple(c for c in governed.containers if c.role != "proxy"))
    scope = cost_scope(Selection.of("pod", state), state)
    assert (scope.governed, scope.proxies, scope.note) == (True, (), "")


def test_request_lines_are_aligned_columns() -> None:
    zone = timezone(timedelta(hours=1))
    response = ProxyRecord(
        T0, "scout-0", "response", "openrouter/anthropic/claude-sonnet-4", 200, 1234,
        12000, 3400, 0.087,
    )  # fmt: skip
    request = ProxyRecord(T0, "scout-0", "request", "openrouter/openai/gpt-4o-mini")
    refused = ProxyRecord(T0, "", "error", status=401, latency_ms=0, error="invalid bearer token")
    failed = ProxyRecord(
        T0, "analyst-with-a-long-id", "error", "m" * 50, 502, 3,
        error="upstream request failed:\n ClientConnectorError",
    )  # fmt: skip
    blocked = ProxyRecord(T0, "analyst", "intervention", intervention="policy: blocked")
    lines = [request_line(r, zone) for r in (response, request, refused, failed, blocked)]
    assert [REQUEST_HEADER, *lines] == [
        "TIME      AGENT           TYPE      HTTP      COST  TOKENS IN→OUT    LATENCY  "
        "MODEL                                 ERROR",
        "09:01:02  scout-0         response   200   $0.0870   12,000→3,400   1,234 ms  "
        "openrouter/anthropic/claude-sonnet-4",
        "09:01:02  scout-0         request                                             "
        "openrouter/openai/gpt-4o-mini",
        "09:01:02  (unknown)       error      401                                0 ms  "
        "-                                     invalid bearer token",
        # A long agent keeps its end (a replica's number), a long model its start.
        "09:01:02  analys…long-id  error      502                                3 ms  "
        + "m" * 35
        + "…  upstream request failed: ClientConnectorError",
        "09:01:02  analyst         interv.                                             "
        "-                                     policy: blocked",
    ]


def test_table_cells_and_times() -> None:
    now = datetime(2026, 11, 30, 9, 0, tzinfo=timezone(timedelta(hours=1)))
    assert totals_cells(CostTotals(1234, 5, 6_000_000, 70, 12.5, T0), now) == (
        "$12.5000",
        "1,234",
        "5",
        "6,000,000",
        "70",
        "09:01:02",
    )
    assert last_request_text(None, now) == "-"
    assert last_request_text(T0 - timedelta(days=1), now) == "2026-11-29 09:01:02"
