"""Costs from a real engine: a stand-in proxy container (busybox printing proxy log lines)
counted by ``claw costs`` and by the TUI's Costs pane, across a restart of the container."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.app import App, ComposeResult

from clawlib.engine import ContainerRecord, DockerView
from clawtui.backend import EngineBackend
from clawtui.cli import main
from clawtui.state import PodState, Selection
from clawtui.widgets.costs_pane import CostsPane
from clawtui.widgets.log_pane import OpenFeed
from tests.polling import pilot_wait_for, wait_for

pytestmark = pytest.mark.docker

IMAGE = "claw-base/busybox:latest"
LINES = 3
"""Requests the stand-in proxy logs each time it starts, after a line that is not JSON."""
SCRIPT = f"""
echo "cllama api listening on :8080" >&2
i=0
while [ $i -lt {LINES} ]; do
  ts=$(date -u +%Y-%m-%dT%H:%M:%S.000Z)
  echo '{{"ts":"'$ts'","claw_id":"scout-'$i'","type":"request","model":"openai/gpt-4o-mini",\
"intervention":null}}'
  echo '{{"ts":"'$ts'","claw_id":"scout-'$i'","type":"response","model":"openai/gpt-4o-mini",\
"latency_ms":12,"status_code":200,"tokens_in":100,"tokens_out":10,"cost_usd":0.25,\
"intervention":null}}'
  i=$((i+1))
done
exec sleep 3600
"""


def docker(*args: str) -> str:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def proxy(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A pod directory whose generated file names a proxy service, and the proxy's container
    (running the stand-in script); removed afterwards."""
    project = f"claw-e2e-costs-{uuid.uuid4().hex[:10]}"
    (tmp_path / "compose.generated.yml").write_text(
        f"name: {project}\nservices:\n  cllama:\n    image: {IMAGE}\n"
        "    labels:\n      claw.role: proxy\n"
    )
    name = f"{project}-cllama-1"
    docker(
        "run", "-d", "--name", name,
        "--label", f"com.docker.compose.project={project}",
        "--label", "com.docker.compose.service=cllama",
        "--label", "claw.role=proxy",
        IMAGE, "sh", "-c", SCRIPT,
    )  # fmt: skip
    try:
        yield tmp_path, name
    finally:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True, check=False)


def logged(name: str) -> int:
    return docker("logs", name).count('"type":"response"')


def claw_costs(pod: Path, capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main(["costs", "-f", str(pod), "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_claw_costs_counts_the_whole_log_across_a_restart(
    proxy: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    pod, name = proxy
    wait_for(lambda: logged(name) == LINES, timeout=15, message="the stand-in's lines")
    first = claw_costs(pod, capsys)
    assert first["proxies"] == [name]
    assert [(r["agent"], r["requests"], r["cost_usd"]) for r in first["rows"]] == [
        (f"scout-{i}", 1, 0.25) for i in range(LINES)
    ]
    assert first["total"]["requests"] == LINES
    assert first["skipped_lines"] == 1
    # The stand-in's times are whole seconds: restart once the next second has begun, so
    # that --since that second takes the second run only.
    last = datetime.fromisoformat(first["total"]["last_request"])
    cut = last.replace(microsecond=0) + timedelta(seconds=1)
    wait_for(lambda: datetime.now(UTC) >= cut, timeout=5, message="the next second")
    docker("restart", "-t", "0", name)
    wait_for(lambda: logged(name) == 2 * LINES, timeout=15, message="the lines after a restart")
    again = claw_costs(pod, capsys)
    assert again["total"]["requests"] == 2 * LINES
    assert again["total"]["cost_usd"] == 0.25 * 2 * LINES
    recent = claw_costs(pod, capsys, "--since", cut.isoformat().replace("+00:00", "Z"))
    assert recent["total"]["requests"] == LINES
    assert recent["since"] == cut.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class PaneApp(App[None]):
    def __init__(self, pane: CostsPane) -> None:
        super().__init__()
        self.pane = pane

    def compose(self) -> ComposeResult:
        yield self.pane


async def test_the_costs_pane_reads_a_restarted_proxy_without_counting_twice(
    proxy: tuple[Path, str],
) -> None:
    _, name = proxy
    backend = EngineBackend()
    view: DockerView = backend.view

    def open_feed(sources, tail, since):
        return backend.logs(sources, tail=tail, since=since)

    feed: OpenFeed = open_feed
    pane = CostsPane(open_feed=feed)
    app = PaneApp(pane)

    def state_of(container: ContainerRecord, sessions: int = 1) -> PodState:
        state = PodState("costs").with_engine_connected((container,))
        return (
            state
            if sessions == 1
            else state.with_engine_lost("x", 0).with_engine_connected((container,))
        )

    try:
        async with app.run_test(size=(120, 30)) as pilot:
            state = state_of(view.container(name))
            pane.show_selection(Selection.of("pod", state), state)
            await pilot_wait_for(pilot, lambda: pane.total().requests == LINES, timeout=15)
            assert pane.scope is not None
            assert pane.scope.agents is None
            docker("restart", "-t", "0", name)
            wait_for(lambda: logged(name) == 2 * LINES, timeout=15, message="a second run")
            state = state_of(view.container(name))  # started again: read again
            pane.show_selection(Selection.of("pod", state), state)
            await pilot_wait_for(pilot, lambda: pane.total().requests == 2 * LINES, timeout=15)
            # The engine comes back (a new session): read again from the last line seen.
            state = state_of(view.container(name), sessions=2)
            pane.show_selection(Selection.of("pod", state), state)
            await pilot.pause(1.0)
            assert pane.total().requests == 2 * LINES
            assert len(pane.request_lines) == 4 * LINES
    finally:
        backend.close()
