"""The Costs tab on the governed example against a recording fake engine: folded live from the
proxy's log, filtered by the selected node, read again without counting twice, shown only
while visible; and what it says for a pod that is not governed."""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Log, Sparkline, Static, TabbedContent

from clawlib.engine import ContainerRecord, LogEnded, LogItem, LogLine
from clawtui.app import ClawApp, make_app
from clawtui.costview import REQUEST_HEADER
from clawtui.screens.main import MainScreen
from clawtui.widgets.costs_pane import CostsPane
from clawtui.widgets.pod_tree import PodTree
from tests.polling import pilot_wait_for
from tests.tui.fake_backend import START, FakeBackend, FakeFeed, event, record, source_of

EXAMPLE = Path(__file__).parents[2] / "examples" / "governed"
SIZE = (130, 36)
SONNET = "openrouter/anthropic/claude-sonnet-4"
MINI = "openrouter/openai/gpt-4o-mini"
NOW = START + timedelta(minutes=10)


def proxy_record() -> ContainerRecord:
    return dataclasses.replace(
        record("cllama", project="governed", claw_type=None, image="claw-local/cllama:latest"),
        claw_service=None,
        labels={"claw.pod": "governed", "claw.role": "proxy", "claw.proxy.type": "passthrough"},
    )


def governed_containers() -> list[ContainerRecord]:
    return [
        record("analyst", project="governed"),
        record("scout-0", project="governed", claw_service="scout"),
        record("scout-1", project="governed", claw_service="scout"),
        proxy_record(),
    ]


@pytest.fixture
def governed(tmp_path: Path) -> Path:
    pod = tmp_path / "governed"
    shutil.copytree(EXAMPLE, pod, ignore=shutil.ignore_patterns(".claw-runtime", "*.generated*"))
    (pod / ".env").write_text("OPENROUTER_API_KEY=sk-or-v1-costs-test\n")
    return pod / "claw-pod.yml"


@pytest.fixture
def engine() -> FakeBackend:
    fake = FakeBackend()
    fake.add(*governed_containers())
    return fake


def at(minute: float) -> datetime:
    return START + timedelta(minutes=minute)


def proxy_line(minute: float, agent: str, kind: str = "response", **fields: Any) -> str:
    stamp = at(minute).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if kind == "response":
        fields = {"latency_ms": 800, "status_code": 200, **fields}
    return json.dumps({"ts": stamp, "claw_id": agent, "type": kind, **fields, "intervention": None})


TRAFFIC = [
    proxy_line(1, "analyst", "request", model=SONNET),
    proxy_line(1.01, "analyst", model=SONNET, tokens_in=12000, tokens_out=3400, cost_usd=0.087),
    proxy_line(2, "scout-0", model=MINI, tokens_in=500, tokens_out=40, cost_usd=0.0001),
    proxy_line(3, "scout-1", model=MINI, tokens_in=700, tokens_out=60, cost_usd=0.0002),
    proxy_line(
        8,
        "scout-1",
        "error",
        model=MINI,
        latency_ms=3,
        status_code=502,
        error="upstream request failed: ClientConnectorError",
    ),
    "cllama api listening on :8080",
    proxy_line(9, "", "error", latency_ms=0, status_code=401, error="invalid bearer token"),
]


def screen_of(app: ClawApp) -> MainScreen:
    screen = app.screen_stack[1] if len(app.screen_stack) > 1 else app.screen
    assert isinstance(screen, MainScreen)
    return screen


def pane_of(app: ClawApp) -> CostsPane:
    return screen_of(app).query_one(CostsPane)


def table_rows(pane: CostsPane) -> list[list[str]]:
    table = pane.query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def proxy_follows(backend: FakeBackend) -> list[tuple[Any, ...]]:
    """The Costs tab's reads of the proxy's log (from its start: no tail)."""
    return [c for c in backend.calls if c[0] == "logs" and c[1:3] == (("governed-cllama-1",), None)]


def proxy_feeds(backend: FakeBackend) -> list[FakeFeed[LogItem]]:
    """The feeds of those reads, oldest first."""
    opened = [c for c in backend.calls if c[0] == "logs"]
    return [
        feed
        for call, (_, feed) in zip(opened, backend.log_feeds, strict=True)
        if call[1:3] == (("governed-cllama-1",), None)
    ]


def push(backend: FakeBackend, lines: list[str], first: float = 0.0) -> None:
    """The proxy's lines into its newest feed, the engine's times one second apart."""
    proxy = backend.records[proxy_record().id]
    feed = proxy_feeds(backend)[-1]
    source = source_of(proxy)
    feed.push(
        *(
            LogLine(source, text, "stdout", START + timedelta(seconds=first + n))
            for n, text in enumerate(lines)
        )
    )


def make(pod: Path, backend: FakeBackend) -> ClawApp:
    app = make_app(pod, backend)
    app.theme = "textual-dark"
    return app


async def costs_tab(pilot: Pilot[None], app: ClawApp, backend: FakeBackend) -> CostsPane:
    """Planned, connected, on the Costs tab, the proxy's log opened."""
    screen = screen_of(app)
    await pilot_wait_for(pilot, lambda: screen.plan is not None and screen.state.engine_up)
    await pilot_wait_for(pilot, lambda: len(screen.state.containers) == 4)
    await pilot.press("5")
    assert screen.query_one(TabbedContent).active == "costs"
    await pilot_wait_for(pilot, lambda: bool(proxy_feeds(backend)), message="the proxy followed")
    return pane_of(app)


async def select(pilot: Pilot[None], app: ClawApp, key: str) -> None:
    screen = screen_of(app)
    screen.query_one(PodTree).focus()
    await pilot.press("home")
    for _ in range(10):
        if screen.selected == key:
            break
        await pilot.press("down")
    assert screen.selected == key


def fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """Clock times in UTC, and the sparkline ending ten minutes after the fake start."""
    real = CostsPane.__init__

    def init(self: CostsPane, **kwargs: Any) -> None:
        real(self, now=lambda: NOW, **kwargs)

    monkeypatch.setattr(CostsPane, "__init__", init)


async def test_the_pod_costs_folded_live_then_a_claw_and_a_replica(
    governed: Path, engine: FakeBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    fixed_now(monkeypatch)
    app = make(governed, engine)
    async with app.run_test(size=SIZE) as pilot:
        pane = await costs_tab(pilot, app, engine)
        # Read from the start of the log, not a tail.
        assert proxy_follows(engine) == [("logs", ("governed-cllama-1",), None, None)]
        push(engine, TRAFFIC)
        await pilot_wait_for(pilot, lambda: pane.total().requests == 5)
        await pilot_wait_for(pilot, lambda: len(table_rows(pane)) == 5)
        assert table_rows(pane) == [
            ["analyst", "$0.0870", "1", "0", "12,000", "3,400", "08:01:00", SONNET],
            ["scout-0", "$0.0001", "1", "0", "500", "40", "08:02:00", MINI],
            ["scout-1", "$0.0002", "2", "1", "700", "60", "08:08:00", MINI],
            ["(unknown)", "$0.0000", "1", "1", "0", "0", "08:09:00", "-"],
            ["Total", "$0.0873", "5", "2", "13,200", "3,500", "08:09:00", ""],
        ]
        assert [line.split()[:3] for line in pane.request_lines] == [
            ["08:01:00", "analyst", "request"],
            ["08:01:00", "analyst", "response"],
            ["08:02:00", "scout-0", "response"],
            ["08:03:00", "scout-1", "response"],
            ["08:08:00", "scout-1", "error"],
            ["08:09:00", "(unknown)", "error"],
        ]
        assert pane.request_lines[1].split() == [
            "08:01:00", "analyst", "response", "200", "$0.0870", "12,000→3,400", "800", "ms",
            SONNET,
        ]  # fmt: skip
        assert pane.request_lines[4].endswith("upstream request failed: ClientConnectorError")
        # The column names move sideways with the requests.
        header = pane.query_one("#costs-requests-header", Static)
        assert str(header.content) == REQUEST_HEADER
        log = pane.query_one(Log)
        await pilot_wait_for(pilot, lambda: log.max_scroll_x >= 10)  # laid out, wider than shown
        log.scroll_to(x=10, animate=False)
        await pilot_wait_for(pilot, lambda: str(header.content) == REQUEST_HEADER[10:])
        spark = pane.query_one(Sparkline)
        assert list(spark.data or ()) == [0.0] * 50 + [0.087, 0.0001, 0.0002] + [0.0] * 7
        assert pane.status_text == (
            "governed  ·  5 requests, $0.0873  ·  proxy running  ·  following  ·  7 log lines read"
        )

        await select(pilot, app, "service:scout")
        await pilot_wait_for(pilot, lambda: len(table_rows(pane)) == 3)
        assert [row[:3] for row in table_rows(pane)] == [
            ["scout-0", "$0.0001", "1"],
            ["scout-1", "$0.0002", "2"],
            ["Total", "$0.0003", "3"],
        ]
        assert [line.split()[1] for line in pane.request_lines] == ["scout-0", "scout-1", "scout-1"]
        assert pane.status_text.startswith("scout (2 agents)  ·  3 requests, $0.0003  ·  proxy")
        await pilot.press("down", "down")  # scout's second replica
        assert screen_of(app).selected == "container:scout-1#1"
        await pilot_wait_for(pilot, lambda: len(table_rows(pane)) == 2)
        assert table_rows(pane)[-1][:4] == ["Total", "$0.0002", "2", "1"]

        # More traffic comes in while the replica is shown: its own only.
        push(engine, [proxy_line(9.5, "scout-1", model=MINI, cost_usd=0.5)], first=10)
        push(engine, [proxy_line(9.6, "analyst", model=SONNET, cost_usd=1.0)], first=11)
        await pilot_wait_for(pilot, lambda: table_rows(pane)[-1][2] == "3")
        await pilot_wait_for(pilot, lambda: len(pane.request_lines) == 3)
        assert table_rows(pane)[-1][1] == "$0.5002"
        # The whole pod again: everything, the analyst's new request too.
        await select(pilot, app, "pod")
        await pilot_wait_for(pilot, lambda: table_rows(pane)[-1][2] == "7")
        assert len(pane.request_lines) == 8
        assert len(proxy_follows(engine)) == 1  # a new selection is not a new read


async def test_a_restarted_proxy_is_read_again_without_counting_twice(
    governed: Path, engine: FakeBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    fixed_now(monkeypatch)
    app = make(governed, engine)
    async with app.run_test(size=SIZE) as pilot:
        pane = await costs_tab(pilot, app, engine)
        push(engine, TRAFFIC)
        await pilot_wait_for(pilot, lambda: pane.total().requests == 5)
        proxy = engine.records[proxy_record().id]
        engine.emit(event("die", proxy, exit_code=0))
        engine.emit(event("start", proxy))
        await pilot_wait_for(pilot, lambda: len(proxy_follows(engine)) >= 2)
        await pilot_wait_for(
            pilot, lambda: "running" in pane.status_text and len(proxy_feeds(engine)) >= 2
        )
        last_seen = START + timedelta(seconds=len(TRAFFIC) - 1)
        assert proxy_follows(engine)[-1] == ("logs", ("governed-cllama-1",), None, last_seen)
        # The engine sends again from the last time seen: that line is skipped, the new ones
        # (including one at the same time) counted.
        again = [
            TRAFFIC[-1],
            proxy_line(9.1, "analyst", model=SONNET, cost_usd=0.25),
            proxy_line(9.2, "analyst", model=SONNET, cost_usd=0.25),
        ]
        feed = proxy_feeds(engine)[-1]
        source = source_of(engine.records[proxy.id])
        feed.push(
            LogLine(source, again[0], "stdout", last_seen),
            LogLine(source, again[1], "stdout", last_seen),
            LogLine(source, again[2], "stdout", last_seen + timedelta(seconds=1)),
        )
        await pilot_wait_for(pilot, lambda: pane.total().requests == 7)
        await pilot.pause(0.3)
        assert pane.total().requests == 7
        assert pane.total().cost_usd == pytest.approx(0.5873)
        await pilot_wait_for(pilot, lambda: len(pane.request_lines) == 8)
        # Recreated: a new container, a new log, read from its start; the old counts stay.
        engine.records.pop(proxy.id)
        recreated = dataclasses.replace(proxy, id="f" * 64, started_at=START + timedelta(hours=1))
        engine.add(recreated)
        engine.emit(event("destroy", proxy))
        engine.emit(event("create", recreated))
        engine.emit(event("start", recreated))
        await pilot_wait_for(
            pilot,
            lambda: any(c[3] is None for c in proxy_follows(engine)[1:]),
            message="the recreated proxy's log read from its start",
        )
        feed = proxy_feeds(engine)[-1]
        feed.push(LogLine(source_of(recreated), TRAFFIC[1], "stdout", at(70)))
        await pilot_wait_for(pilot, lambda: pane.total().requests == 8)


async def test_only_the_visible_tab_is_drawn(
    governed: Path, engine: FakeBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    fixed_now(monkeypatch)
    app = make(governed, engine)
    async with app.run_test(size=SIZE) as pilot:
        pane = await costs_tab(pilot, app, engine)
        await pilot.press("1")
        push(engine, TRAFFIC)
        await pilot_wait_for(pilot, lambda: pane.total().requests == 5)  # folded while hidden
        await pilot.pause(0.6)
        assert table_rows(pane) == [["Total", "$0.0000", "0", "0", "0", "0", "-", ""]]
        assert pane.request_lines == []
        await pilot.press("5")
        await pilot_wait_for(pilot, lambda: len(table_rows(pane)) == 5)
        assert len(pane.request_lines) == 6


async def test_a_lost_log_is_said_and_read_again_on_the_next_change(
    governed: Path, engine: FakeBackend
) -> None:
    from clawlib.errors import EngineDisconnectedError

    app = make(governed, engine)
    async with app.run_test(size=SIZE) as pilot:
        pane = await costs_tab(pilot, app, engine)
        # An empty log is followed too: the pane says so, not that it is still reading.
        await pilot_wait_for(pilot, lambda: "  ·  following  ·  " in pane.status_text)
        push(engine, TRAFFIC[:2])
        await pilot_wait_for(pilot, lambda: pane.total().requests == 1)
        proxy_feeds(engine)[-1].fail(EngineDisconnectedError("unix:///x", "connection reset"))
        await pilot_wait_for(pilot, lambda: "the proxy's log was lost" in pane.status_text)
        assert pane.query_one("#costs-status", Static).has_class("-lost")
        await select(pilot, app, "service:analyst")
        await pilot_wait_for(pilot, lambda: len(proxy_follows(engine)) == 2)
        assert proxy_follows(engine)[-1][3] == START + timedelta(seconds=1)
        assert not pane.query_one("#costs-status", Static).has_class("-lost")


async def test_a_log_that_ends_says_why_and_keeps_the_totals(
    governed: Path, engine: FakeBackend
) -> None:
    app = make(governed, engine)
    async with app.run_test(size=SIZE) as pilot:
        pane = await costs_tab(pilot, app, engine)
        push(engine, TRAFFIC)
        feed = proxy_feeds(engine)[-1]
        feed.push(LogEnded(source_of(proxy_record()), "log unreadable: journald"))
        feed.end()
        await pilot_wait_for(pilot, lambda: "log ended" in pane.status_text)
        assert "  ·  log ended (log unreadable: journald)  ·  " in pane.status_text
        assert pane.total().requests == 5
        assert len(table_rows(pane)) == 5
        # An exit says itself in the proxy's state: the log just ended.
        proxy = engine.records[proxy_record().id]
        engine.emit(event("start", proxy))
        await pilot_wait_for(pilot, lambda: len(proxy_feeds(engine)) == 2)
        feed = proxy_feeds(engine)[-1]
        feed.push(LogEnded(source_of(proxy), "container exited (code 0)"))
        feed.end()
        await pilot_wait_for(
            pilot, lambda: pane.status_text.endswith("log ended  ·  7 log lines read")
        )


async def test_the_requests_keep_to_the_newest_unless_scrolled_up(
    governed: Path, engine: FakeBackend
) -> None:
    app = make(governed, engine)
    async with app.run_test(size=SIZE) as pilot:
        pane = await costs_tab(pilot, app, engine)
        log = pane.query_one(Log)
        many = [proxy_line(n / 10, f"scout-{n % 2}", model=MINI) for n in range(40)]
        push(engine, many)
        await pilot_wait_for(pilot, lambda: len(pane.request_lines) == 40)
        await pilot_wait_for(pilot, lambda: log.max_scroll_y > 0 and log.is_vertical_scroll_end)
        push(engine, many[:10], first=40)  # lines of another time: new ones
        await pilot_wait_for(pilot, lambda: len(pane.request_lines) == 50)
        await pilot_wait_for(pilot, lambda: log.is_vertical_scroll_end)
        log.scroll_to(y=0, animate=False)  # the reader looks back: the log stays there
        push(engine, many[:10], first=50)
        await pilot_wait_for(pilot, lambda: len(pane.request_lines) == 60)
        await pilot.pause(0.2)
        assert log.scroll_y == 0
        await select(pilot, app, "service:scout")  # another node: its requests, the newest
        await pilot_wait_for(pilot, lambda: log.is_vertical_scroll_end and log.scroll_y > 0)


async def test_a_pod_that_is_not_governed_says_how_to_govern(
    demo: Path, backend: FakeBackend
) -> None:
    app = make(demo, backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        await pilot_wait_for(pilot, lambda: screen.plan is not None and screen.state.engine_up)
        await pilot.press("5")
        pane = pane_of(app)
        note = pane.query_one("#costs-note", Static)
        await pilot_wait_for(pilot, lambda: note.display)
        text = str(note.content)
        assert text.startswith("This pod is not governed: its claws reach their model")
        assert "      cllama: passthrough\n" in text
        assert not pane.query_one("#costs-body").display
        assert not any(c[0] == "logs" and "cllama" in str(c[1]) for c in backend.calls)


async def test_the_proxy_not_up_yet(governed: Path) -> None:
    backend = FakeBackend()
    backend.add(*governed_containers()[:3])
    app = make(governed, backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        await pilot_wait_for(pilot, lambda: screen.plan is not None and screen.state.engine_up)
        await pilot.press("5")
        pane = pane_of(app)
        await pilot_wait_for(pilot, lambda: "the proxy has no container" in pane.status_text)
        assert pane.status_text == (
            "governed  ·  0 requests, $0.0000  ·  the proxy has no container: apply the pod "
            "(p)  ·  0 log lines read"
        )


def settled_on_costs(backend: FakeBackend, key: str = "pod") -> Callable[[Pilot[None]], Any]:
    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, ClawApp)
        await costs_tab(pilot, app, backend)
        push(backend, TRAFFIC)
        await pilot_wait_for(pilot, lambda: len(table_rows(pane_of(app))) == 5)
        if key != "pod":
            await select(pilot, app, key)
        await pilot.pause(0.3)

    return run_before


def test_costs_snapshot(
    snap_compare, governed: Path, engine: FakeBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    fixed_now(monkeypatch)
    assert snap_compare(
        make(governed, engine), terminal_size=SIZE, run_before=settled_on_costs(engine)
    )


def test_costs_snapshot_small_and_light(
    snap_compare, governed: Path, engine: FakeBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    fixed_now(monkeypatch)
    app = make(governed, engine)
    app.theme = "textual-light"
    assert snap_compare(
        app, terminal_size=(80, 24), run_before=settled_on_costs(engine, "service:scout")
    )


def test_a_read_that_was_stopped_adds_nothing() -> None:
    """A reader still busy when its read is replaced (the proxy restarted) must not add the
    lines it holds: the new read gives them again."""
    from datetime import UTC

    from clawtui.widgets._follow import FeedSession

    pane = CostsPane()
    source = source_of(proxy_record())
    session = FeedSession(pane._lock)
    assert pane._fold_items(session, [LogLine(source, TRAFFIC[1], "stdout", START)], UTC)
    assert pane.total().requests == 1
    session.close()
    later = LogLine(source, TRAFFIC[2], "stdout", START + timedelta(seconds=1))
    assert not pane._fold_items(session, [later], UTC)
    assert pane.total().requests == 1
