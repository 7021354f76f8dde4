"""``claw costs`` against a scripted engine: the proxy container's log folded into a table or
JSON, ``--since``, and the pods it cannot count (not governed, proxy not up, engine down)."""

from __future__ import annotations

import dataclasses
import functools
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from clawlib.costs import CostTotals
from clawlib.engine import ContainerRecord
from clawlib.session import ProxyCosts, open_pod
from clawtui.cli import main
from clawtui.cli._costs import costs_json, costs_table
from clawtui.cli._output import print_table
from tests.fakes import FakeBody, FakeEngineView, log_frame

SONNET = "openrouter/anthropic/claude-sonnet-4"
MINI = "openai/gpt-4o-mini"
GENERATED = """\
name: governed
services:
  analyst:
    image: claw-local/governed-analyst:latest
  cllama:
    image: claw-local/cllama:latest
    labels:
      claw.pod: governed
      claw.role: proxy
      claw.proxy.type: passthrough
"""

PROXY = ContainerRecord(
    id="c" * 64, name="governed-cllama-1", project="governed", service="cllama", number=1,
    image="claw-local/cllama:latest", state="running",
    labels={"claw.role": "proxy", "claw.proxy.type": "passthrough"},
)  # fmt: skip
ANALYST = ContainerRecord(
    id="a" * 64, name="governed-analyst-1", project="governed", service="analyst", number=1,
    image="claw-local/governed-analyst:latest", state="running", claw_type="openclaw",
    claw_service="analyst",
)  # fmt: skip


def proxy_line(ts: str, agent: str, kind: str, **fields: Any) -> str:
    return json.dumps({"ts": ts, "claw_id": agent, "type": kind, **fields, "intervention": None})


LOG = [
    ("2026-11-30T09:59:59.000000000Z", "cllama api listening on :8080"),
    (
        "2026-11-30T10:00:00.010000000Z",
        proxy_line("2026-11-30T10:00:00.001Z", "analyst", "request", model=SONNET),
    ),
    (
        "2026-11-30T10:00:01.010000000Z",
        proxy_line(
            "2026-11-30T10:00:01.000Z", "analyst", "response", model=SONNET, latency_ms=999,
            status_code=200, tokens_in=12000, tokens_out=3400, cost_usd=0.087,
        ),
    ),
    (
        "2026-11-30T10:05:00.010000000Z",
        proxy_line(
            "2026-11-30T10:05:00.000Z", "scout-0", "response", model=MINI, latency_ms=120,
            status_code=200, tokens_in=500, tokens_out=40, cost_usd=0.0001,
        ),
    ),
    (
        "2026-11-30T10:06:00.010000000Z",
        proxy_line(
            "2026-11-30T10:06:00.000Z", "scout-0", "error", model=MINI, latency_ms=3,
            status_code=502, error="upstream request failed: ClientConnectorError",
        ),
    ),
    (
        "2026-11-30T10:07:00.010000000Z",
        proxy_line(
            "2026-11-30T10:07:00.000Z", "", "error", latency_ms=0, status_code=401,
            error="invalid bearer token",
        ),
    ),
]  # fmt: skip


@pytest.fixture
def pod(tmp_path: Path) -> Path:
    (tmp_path / "compose.generated.yml").write_text(GENERATED)
    return tmp_path


def engine(
    monkeypatch: pytest.MonkeyPatch,
    containers: tuple[ContainerRecord, ...] = (PROXY, ANALYST),
    log: list[tuple[str, str]] = LOG,
    **options: Any,
) -> FakeEngineView:
    frames = b"".join(log_frame(stamp, f"{text}\n") for stamp, text in log)
    view = FakeEngineView(logs={PROXY.id: [FakeBody([frames])]}, listings=[containers], **options)
    monkeypatch.setattr("clawtui.cli._costs.open_pod", functools.partial(open_pod, view=view))
    return view


def test_a_table_per_agent_and_model_with_a_total(
    pod: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    view = engine(monkeypatch)
    assert main(["costs", "-f", str(pod)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.splitlines() == [
        "AGENT         COST  REQUESTS  ERRORS  TOKENS IN  TOKENS OUT  LAST REQUEST          MODEL",
        "analyst    $0.0870         1       0     12,000       3,400  2026-11-30T10:00:01Z  "
        "openrouter/anthropic/claude-sonnet-4",
        "scout-0    $0.0001         2       1        500          40  2026-11-30T10:06:00Z  "
        "openai/gpt-4o-mini",
        "(unknown)  $0.0000         1       1          0           0  2026-11-30T10:07:00Z  -",
        "TOTAL      $0.0871         4       2     12,500       3,440  2026-11-30T10:07:00Z",
    ]
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    example = readme.split("**Costs.** `claw costs", 1)[1].split("```\n", 2)[1]
    assert example == out  # the README shows this very table
    # The proxy's whole log, read once and not followed; nothing of the claws'.
    assert view.log_calls == [(PROXY.id, False, None, None)]
    assert view.listed == ["governed"]


def test_json(
    pod: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    engine(monkeypatch)
    assert main(["costs", "-f", str(pod), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document == {
        "project": "governed",
        "proxies": ["governed-cllama-1"],
        "since": None,
        "rows": [
            {
                "agent": "analyst",
                "model": SONNET,
                "requests": 1,
                "errors": 0,
                "tokens_in": 12000,
                "tokens_out": 3400,
                "cost_usd": 0.087,
                "last_request": "2026-11-30T10:00:01.000Z",
            },
            {
                "agent": "scout-0",
                "model": MINI,
                "requests": 2,
                "errors": 1,
                "tokens_in": 500,
                "tokens_out": 40,
                "cost_usd": 0.0001,
                "last_request": "2026-11-30T10:06:00.000Z",
            },
            {
                "agent": None,
                "model": None,
                "requests": 1,
                "errors": 1,
                "tokens_in": 0,
                "tokens_out": 0,
                "cost_usd": 0.0,
                "last_request": "2026-11-30T10:07:00.000Z",
            },
        ],
        "total": {
            "requests": 4,
            "errors": 2,
            "tokens_in": 12500,
            "tokens_out": 3440,
            "cost_usd": 0.0871,
            "last_request": "2026-11-30T10:07:00.000Z",
        },
        "lines": 6,
        "skipped_lines": 1,
    }


def test_since_asks_the_engine_and_filters_by_the_proxys_time(
    pod: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    view = engine(monkeypatch)
    assert main(["costs", "-f", str(pod), "--since", "2026-11-30T10:05:00Z", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert view.log_calls == [(PROXY.id, False, None, "1796033100.000000000")]
    # The scripted engine sends the whole log anyway: the fold leaves out what came before.
    assert document["since"] == "2026-11-30T10:05:00.000Z"
    assert [(r["agent"], r["requests"]) for r in document["rows"]] == [("scout-0", 2), (None, 1)]
    assert document["total"]["requests"] == 3
    assert main(["costs", "-f", str(pod), "--since", "soon"]) == 1
    assert capsys.readouterr().err == (
        "error: --since 'soon' is neither a time (2026-11-30T10:00:00Z) nor a duration "
        "(42s, 10m, 1h30m, 2d)\n"
    )


def test_no_requests_yet(
    pod: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    engine(monkeypatch, log=LOG[:1])
    assert main(["costs", "-f", str(pod)]) == 0
    assert capsys.readouterr() == ("", "No requests through the proxy of project governed.\n")
    engine(monkeypatch, log=LOG[:1])
    assert main(["costs", "-f", str(pod), "--since", "2026-11-30T10:05:00Z"]) == 0
    assert capsys.readouterr() == (
        "",
        "No requests through the proxy of project governed since 2026-11-30T10:05:00Z.\n",
    )


def test_a_stopped_proxy_is_counted_and_said(
    pod: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stopped = dataclasses.replace(PROXY, state="exited", exit_code=137)
    engine(monkeypatch, containers=(stopped, ANALYST))
    assert main(["costs", "-f", str(pod)]) == 0
    out, err = capsys.readouterr()
    assert err == (
        "note: the proxy container governed-cllama-1 is exited (137): its log up to then is "
        "counted\n"
    )
    assert out.splitlines()[-1].split()[:3] == ["TOTAL", "$0.0871", "4"]


@pytest.mark.parametrize(
    ("generated", "message"),
    [
        pytest.param(
            "name: governed\nservices:\n  analyst:\n    image: x\n",
            "error: project governed is not governed: no claw sends its model requests through "
            "a governance proxy, so there are no costs to count (govern a claw with "
            '"cllama: passthrough" in its x-claw block, then run claw up)\n',
            id="not governed",
        ),
        pytest.param(
            GENERATED,
            "error: the governance proxy of project governed (service cllama) has no container, "
            "so there is no log to count costs from (bring the pod up: claw up)\n",
            id="proxy not up",
        ),
    ],
)
def test_no_proxy_container(
    generated: str,
    message: str,
    pod: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (pod / "compose.generated.yml").write_text(generated)
    view = engine(monkeypatch, containers=(ANALYST,))
    assert main(["costs", "-f", str(pod)]) == 1
    assert capsys.readouterr() == ("", message)
    assert view.log_calls == []


def test_engine_down_and_pod_never_applied(
    tmp_path: Path, pod: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    engine(monkeypatch, down=True)
    assert main(["costs", "-f", str(pod)]) == 1
    assert capsys.readouterr().err == (
        "error: the Docker engine at unix:///fake/docker.sock does not answer: connection "
        "refused (start it, e.g. with scripts/ensure-docker, or point DOCKER_HOST at a "
        "running one)\n"
    )
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / "claw-pod.yml").write_text("services: {}\n")
    assert main(["costs", "-f", str(fresh)]) == 1
    assert capsys.readouterr().err == (
        f"error: no compose.generated.yml in {fresh}: the pod has not been brought up "
        f"(run: claw up -f {fresh / 'claw-pod.yml'})\n"
    )


def test_table_cells_and_alignment(capsys: pytest.CaptureFixture[str]) -> None:
    costs = ProxyCosts(
        "p",
        (PROXY,),
        None,
        (),
        CostTotals(1234, 5, 6_000_000, 70, 1234.56789, datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
        0,
        0,
    )
    rows = costs_table(costs)
    assert rows[1] == (
        "TOTAL",
        "$1,234.5679",
        "1,234",
        "5",
        "6,000,000",
        "70",
        "2026-01-02T03:04:05Z",
        "",
    )
    assert costs_json(costs)["total"]["cost_usd"] == 1234.56789
    print_table([("A", "N", "Z"), ("long", "1", "x"), ("b", "1,000", "y")], right={1})
    assert capsys.readouterr().out == "A         N  Z\nlong      1  x\nb     1,000  y\n"
