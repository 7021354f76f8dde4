"""The Health, Config and Inspect panes, each mounted alone in a tab of a small app and fed
fixed data: what they show, how they refresh, and that no secret reaches the screen."""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from rich.console import Console
from rich.syntax import Syntax
from textual.app import App, ComposeResult
from textual.color import Color
from textual.content import Content
from textual.widget import Widget
from textual.widgets import OptionList, Static, TabbedContent, TabPane

from clawlib.engine import ContainerRecord
from clawlib.lifecycle import ContainerHealth
from clawlib.runtime import ResolvedClaw
from clawtui.widgets.config_pane import EMPTY_CONFIG, ConfigPane, lexer_for, short_path
from clawtui.widgets.health_pane import HealthEntry, HealthPane, describe_state, pretty_detail
from clawtui.widgets.inspect_pane import InspectPane
from tests.tui.fake_backend import START, FakeBackend, record

DEMO_POD = Path(__file__).parents[2] / "tests" / "fixtures" / "pods" / "demo" / "claw-pod.yml"
NOW = START + timedelta(hours=2)
SIZE = (120, 40)
SNAPSHOT_SIZE = (120, 36)


class PaneApp(App[None]):
    """One pane in a tab, fed by ``feed`` once mounted."""

    def __init__(self, pane: Widget, feed: Callable[[Any], None] | None = None) -> None:
        super().__init__()
        self.pane = pane
        self.feed = feed

    def compose(self) -> ComposeResult:
        with TabbedContent(), TabPane("Pane", id="pane"):
            yield self.pane

    def on_mount(self) -> None:
        if self.feed is not None:
            self.feed(self.pane)


def shown(widget: Static) -> str:
    """The text a Static shows, rendered without colour."""
    content = widget.content
    if isinstance(content, Content):
        return content.plain
    if isinstance(content, str):
        return content
    console = Console(width=200, file=io.StringIO(), color_system=None)
    with console.capture() as capture:
        console.print(content)
    return "\n".join(line.rstrip() for line in capture.get().splitlines())


def probe(
    container: ContainerRecord,
    status: str,
    seconds_ago: float,
    detail: str = "ok",
    source: str = "driver",
) -> ContainerHealth:
    checked = NOW - timedelta(seconds=seconds_ago)
    return ContainerHealth(container, status, detail, source, checked)  # type: ignore[arg-type]


def demo_plan() -> Any:
    return FakeBackend().plan(DEMO_POD)


# Health.

OPENCLAW_DETAIL = (
    'openclaw health: {"status": "ok", "detail": "gateway up", '
    '"apiKey": "sk-live-123", "channels": {"discord": "connected"}}'
)


def health_entries() -> list[HealthEntry]:
    assistant = record("assistant")
    reviewer = record("reviewer", claw_type="generic")
    web = record("notes-web", claw_type=None, health="starting")
    researcher = dataclasses.replace(
        record("researcher-0", claw_service="researcher"),
        restart_count=3,
        started_at=NOW - timedelta(seconds=20),
    )
    return [
        HealthEntry(
            assistant,
            "demo-assistant-1",
            [
                probe(assistant, "unhealthy", 40, "health command exit code 1: boom"),
                probe(assistant, "starting", 30),
                probe(assistant, "healthy", 20),
                probe(assistant, "healthy", 10, OPENCLAW_DETAIL),
            ],
        ),
        HealthEntry(
            researcher,
            "demo-researcher-0-1",
            [probe(researcher, "unhealthy", 5, "crash-looping: restarted 3 times", "state")],
        ),
        HealthEntry(
            reviewer,
            "demo-reviewer-1",
            [probe(reviewer, "error", 75, "probe failed: engine went away", "none")],
        ),
        HealthEntry(
            web, "demo-notes-web-1", [probe(web, "starting", 3, "healthcheck starting", "state")]
        ),
        HealthEntry(None, "worker (no container)", ()),
    ]


def cards(pane: HealthPane) -> list[Widget]:
    return list(pane.query(".health-card"))


def card_text(card: Widget, part: str) -> str:
    return shown(card.query_one(f".{part}", Static))


async def test_health_badges_state_and_history() -> None:
    app = PaneApp(HealthPane(now=lambda: NOW), lambda p: p.show("demo", health_entries()))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pane = app.query_one(HealthPane)
        assert shown(pane.query_one("#health-summary", Static)) == (
            "1 healthy, 1 unhealthy, 1 starting, 1 error, 1 not running"
            " · probes every 10 s · H to probe now"
        )
        found = cards(pane)
        assert [card_text(c, "name") for c in found] == [
            "demo-assistant-1",
            "demo-researcher-0-1",
            "demo-reviewer-1",
            "demo-notes-web-1",
            "worker (no container)",
        ]
        badges = [c.query_one(".badge", Static) for c in found]
        assert [shown(b) for b in badges] == [
            "healthy",
            "unhealthy",
            "error",
            "starting",
            "not running",
        ]
        assert [sorted(b.classes) for b in badges] == [
            ["-healthy", "badge"],
            ["-unhealthy", "badge"],
            ["-error", "badge"],
            ["-starting", "badge"],
            ["-not-running", "badge"],
        ]
        theme = app.theme_variables
        assert badges[0].styles.color == Color.parse(theme["success"])
        assert badges[1].styles.color == Color.parse(theme["error"])
        assert badges[3].styles.color == Color.parse(theme["warning"])
        assert [card_text(c, "state") for c in found] == [
            "running, up 2h 0m",
            "crash-looping: restarted 3 times",
            "running, up 2h 0m",
            "running, up 2h 0m",
            "no container",
        ]
        assert [card_text(c, "meta") for c in found] == [
            "judged by openclaw driver · no healthcheck · last probe 09:59:50 (10s ago)",
            "judged by container state · no healthcheck · last probe 09:59:55 (5s ago)",
            "not judged · no healthcheck · last probe 09:58:45 (1m 15s ago)",
            "judged by container state · healthcheck starting · last probe 09:59:57 (3s ago)",
            "not probed yet · no healthcheck",
        ]
        strip = found[0].query_one(".strip", Static).content
        assert isinstance(strip, Content)
        assert strip.plain == "▁▄██  2 of 4 healthy"
        assert [(s.start, s.end, s.style) for s in strip.spans] == [
            (0, 1, "$error"),
            (1, 2, "$warning"),
            (2, 3, "$success"),
            (3, 4, "$success"),
        ]
        assert card_text(found[2], "strip") == "░  0 of 1 healthy"
        assert not found[4].query_one(".strip", Static).display


async def test_health_json_detail_is_pretty_and_masked() -> None:
    app = PaneApp(HealthPane(now=lambda: NOW), lambda p: p.show("demo", health_entries()[:1]))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        detail = card_text(cards(app.query_one(HealthPane))[0], "detail")
        assert detail == (
            "openclaw health:\n"
            "{\n"
            '  "apiKey": "•••• (apiKey)",\n'
            '  "channels": {\n'
            '    "discord": "connected"\n'
            "  },\n"
            '  "detail": "gateway up",\n'
            '  "status": "ok"\n'
            "}"
        )
        assert "sk-live-123" not in detail


async def test_health_refresh_reuses_cards_and_empties() -> None:
    app = PaneApp(HealthPane(now=lambda: NOW), lambda p: p.show("demo", health_entries()))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pane = app.query_one(HealthPane)
        before = cards(pane)
        entries = health_entries()
        web = entries[3].container
        assert web is not None
        entries[3] = HealthEntry(web, "demo-notes-web-1", [probe(web, "healthy", 1)])
        pane.show("demo", entries, interval=5)
        await pilot.pause()
        assert cards(pane) == before  # updated in place, nothing re-mounted
        assert card_text(before[3], "badge") == "healthy"
        assert before[3].query_one(".badge").has_class("-healthy")
        assert not before[3].query_one(".badge").has_class("-starting")
        assert shown(pane.query_one("#health-summary", Static)).endswith(
            " · probes every 5 s · H to probe now"
        )
        pane.show("demo", entries[:2])
        await pilot.pause()
        assert cards(pane) == before[:2]
        pane.show("nothing", [])
        await pilot.pause()
        assert cards(pane) == []
        assert shown(pane.query_one("#health-summary", Static)) == (
            "Nothing to probe: no containers"
        )


async def test_health_many_containers_scroll() -> None:
    containers = [record(f"worker-{i}", claw_service="worker") for i in range(40)]
    entries = [
        HealthEntry(c, c.name, [probe(c, "healthy", 10 * (30 - n)) for n in range(30)])
        for c in containers
    ]
    app = PaneApp(HealthPane(now=lambda: NOW), lambda p: p.show("worker", entries))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pane = app.query_one(HealthPane)
        assert len(cards(pane)) == 40
        assert card_text(cards(pane)[0], "strip") == "█" * 30 + "  30 of 30 healthy"
        scroll = pane.query_one("#health-cards")
        scroll.focus()
        await pilot.press("end")
        await pilot.wait_for_scheduled_animations()
        assert scroll.scroll_y == scroll.max_scroll_y > 0
        pane.show("worker", entries)  # a refresh keeps the reader's place
        await pilot.pause()
        assert scroll.scroll_y == scroll.max_scroll_y
        pane.show("demo", health_entries())  # another node starts at the top
        await pilot.pause()
        assert scroll.scroll_y == 0
        assert len(cards(pane)) == 5


@pytest.mark.parametrize(
    ("detail", "expected"),
    [
        ("container running", "container running"),
        ('{"b": 1, "a": [1, 2]}', '{\n  "a": [\n    1,\n    2\n  ],\n  "b": 1\n}'),
        ('{"token": "${BOT_TOKEN}"}', '{\n  "token": "${BOT_TOKEN}"\n}'),
        ("status {not json}", "status {not json}"),
        ('{"a": 1} and more', '{"a": 1} and more'),
        ("DB_PASSWORD=hunter2", "DB_PASSWORD=•••• (DB_PASSWORD)"),
    ],
)
def test_pretty_detail(detail: str, expected: str) -> None:
    assert pretty_detail(detail) == expected


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, "running, up 2h 0m"),
        ({"restart_count": 1}, "running, up 2h 0m, restarted once"),
        ({"state": "exited", "exit_code": 137}, "exited (137)"),
        ({"state": "created"}, "created"),
        ({"state": "restarting"}, "restarting"),
        (
            {"state": "restarting", "restart_count": 4},
            "crash-looping: restarted 4 times, restarting now",
        ),
        (
            {"state": "exited", "exit_code": 1, "restart_count": 2},
            "crash-looping: restarted 2 times, last exit code 1",
        ),
        (
            {"restart_count": 5, "started_at": NOW - timedelta(seconds=30)},
            "crash-looping: restarted 5 times",
        ),
    ],
)
def test_describe_state(changes: dict[str, Any], expected: str) -> None:
    container = dataclasses.replace(record("assistant"), **changes)
    assert describe_state(container, NOW) == expected
    assert describe_state(None, NOW) == "no container"


def test_health_snapshot(snap_compare) -> None:
    app = PaneApp(HealthPane(now=lambda: NOW), lambda p: p.show("demo", health_entries()))
    assert snap_compare(app, terminal_size=SNAPSHOT_SIZE)


# Config.

CONFIG_FILES = [
    (
        ".claw-runtime/assistant/config/openclaw.json",
        json.dumps({"gateway": {"mode": "local"}, "apiKey": "sk-secret-999"}, indent=2),
    ),
    (".claw-runtime/assistant/CLAWDAPUS.md", "# CLAWDAPUS\n\nYou are **assistant**.\n"),
    (
        "compose.generated.yml: services.assistant",
        "assistant:\n  environment:\n    OPENROUTER_API_KEY: sk-or-123\n"
        "    DISCORD_TOKEN: ${DISCORD_TOKEN}\n",
    ),
]


def body(pane: ConfigPane) -> str:
    return shown(pane.query_one("#config-text", Static))


async def test_config_selects_and_masks() -> None:
    app = PaneApp(ConfigPane(), lambda p: p.show("assistant", CONFIG_FILES))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pane = app.query_one(ConfigPane)
        files = pane.query_one(OptionList)
        assert [shown_prompt(files, i) for i in range(files.option_count)] == [
            "…/assistant/config/openclaw.json",
            "…/assistant/CLAWDAPUS.md",
            "compose.generated.yml: services.assistant",
        ]
        assert pane.selected_path == CONFIG_FILES[0][0]
        text = body(pane)
        assert '"apiKey": "•••• (apiKey)"' in text
        assert "sk-secret-999" not in text
        assert text.splitlines()[0].split() == ["1", "{"]  # line numbers
        assert shown(pane.query_one("#config-path", Static)) == (
            ".claw-runtime/assistant/config/openclaw.json · json · 6 lines"
        )

        files.focus()  # the pane's keys work wherever the focus is inside it
        await pilot.press("right_square_bracket")
        assert pane.selected_path == CONFIG_FILES[1][0]
        assert "You are **assistant**." in body(pane)
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert pane.selected_path == CONFIG_FILES[2][0]  # wraps around
        text = body(pane)
        assert "OPENROUTER_API_KEY: •••• (OPENROUTER_API_KEY)" in text
        assert "DISCORD_TOKEN: ${DISCORD_TOKEN}" in text
        assert "sk-or-123" not in text

        await pilot.click(OptionList, offset=(2, 1))  # the second file, by mouse
        await pilot.pause()
        assert pane.selected_path == CONFIG_FILES[1][0]
        assert app.focused is pane.query_one("#config-view")  # clicked: ready to scroll it
        await pilot.press("right_square_bracket")
        assert pane.selected_path == CONFIG_FILES[2][0]
        files.focus()
        await pilot.press("up")
        await pilot.pause()
        assert pane.selected_path == CONFIG_FILES[1][0]


def shown_prompt(files: OptionList, index: int) -> str:
    prompt = files.get_option_at_index(index).prompt
    return prompt.plain if isinstance(prompt, Content) else str(prompt)


async def test_config_keeps_the_file_across_refreshes() -> None:
    app = PaneApp(ConfigPane(), lambda p: p.show("assistant", CONFIG_FILES))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pane = app.query_one(ConfigPane)
        pane.query_one(OptionList).focus()
        await pilot.press("right_square_bracket")
        assert pane.selected_path == CONFIG_FILES[1][0]
        changed = [CONFIG_FILES[0], (CONFIG_FILES[1][0], "# changed\n"), CONFIG_FILES[2]]
        pane.show("assistant", changed)
        await pilot.pause()
        assert pane.selected_path == CONFIG_FILES[1][0]
        assert pane.query_one(OptionList).highlighted == 1
        assert body(pane).split() == ["1", "#", "changed"]
        rendered = pane.query_one("#config-text", Static).content
        pane.show("assistant", changed)  # the same again: nothing to render
        await pilot.pause()
        assert pane.query_one("#config-text", Static).content is rendered
        pane.show("researcher", [CONFIG_FILES[2], CONFIG_FILES[0]])
        await pilot.pause()
        assert pane.selected_path == CONFIG_FILES[2][0]  # gone: the first file instead


async def test_config_labels_fit_the_list_width() -> None:
    app = PaneApp(ConfigPane(), lambda p: p.show("assistant", CONFIG_FILES))
    async with app.run_test(size=(60, 30)) as pilot:
        await pilot.pause()
        files = app.query_one(OptionList)
        assert files.scrollable_content_region.width == 22  # 40% of the pane, less padding
        assert shown_prompt(files, 0) == "…/config/openclaw.json"
        assert shown_prompt(files, 1) == "…/CLAWDAPUS.md"
        await pilot.resize_terminal(120, 30)
        await pilot.pause()
        await pilot.pause()
        assert shown_prompt(files, 0) == "…/assistant/config/openclaw.json"


async def test_config_empty() -> None:
    app = PaneApp(ConfigPane(), lambda p: p.show("notes-web", []))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pane = app.query_one(ConfigPane)
        assert pane.query_one("#config-empty").display
        assert shown(pane.query_one("#config-empty", Static)) == EMPTY_CONFIG
        assert not pane.query_one("#config-body").display
        assert pane.selected_path is None
        pane.action_next_file()  # nothing to step through, no error
        assert pane.selected_path is None


async def test_config_bindings_have_ids() -> None:
    app = PaneApp(ConfigPane(), lambda p: p.show("assistant", CONFIG_FILES))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        bindings = {b.key: (b.action, b.id, b.description) for b in ConfigPane.BINDINGS}  # type: ignore[union-attr]
        assert bindings == {
            "left_square_bracket": ("previous_file", "config.previous", "Previous file"),
            "right_square_bracket": ("next_file", "config.next", "Next file"),
        }


async def test_config_follows_the_theme() -> None:
    app = PaneApp(ConfigPane(), lambda p: p.show("assistant", CONFIG_FILES))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = app.query_one("#config-text", Static)

        def keyword_styles() -> list[str]:
            syntax = text.content
            assert isinstance(syntax, Syntax)
            return [str(span.style) for span in syntax.highlight("true").spans]

        app.theme = "textual-dark"
        await pilot.pause()
        assert keyword_styles() == ["bright_blue", "bright_black"]  # rich's ansi_dark
        app.theme = "textual-light"
        await pilot.pause()
        assert keyword_styles() == ["blue", "white"]  # rich's ansi_light
        assert "sk-secret-999" not in body(app.query_one(ConfigPane))


@pytest.mark.parametrize(
    ("path", "lexer"),
    [
        (".claw-runtime/a/config/openclaw.json", "json"),
        ("compose.generated.yml: services.web", "yaml"),
        ("x.yaml", "yaml"),
        (".claw-runtime/a/AGENTS.effective.md", "markdown"),
        (".claw-runtime/handles.env", "text"),
        ("agents/a/Dockerfile.generated", "text"),
    ],
)
def test_lexer_for(path: str, lexer: str) -> None:
    assert lexer_for(path) == lexer


def test_short_path() -> None:
    assert short_path(".claw-runtime/assistant/config/openclaw.json") == (
        "…/assistant/config/openclaw.json"
    )
    assert short_path(".claw-runtime/handles.env") == ".claw-runtime/handles.env"
    assert short_path("a/" + "b" * 40 + ".json") == "…/" + "b" * 40 + ".json"
    assert short_path("compose.generated.yml: services.researcher-0") == (
        "compose.generated.yml: services.researcher-0"
    )


def test_config_snapshot(snap_compare) -> None:
    plan = demo_plan()
    files = [
        (f.path, f.content.decode())
        for f in plan.files
        if f.path.startswith(".claw-runtime/assistant/") and "/skills/" not in f.path
    ]
    files.append(("compose.generated.yml: services.assistant", CONFIG_FILES[2][1]))
    app = PaneApp(ConfigPane(), lambda p: p.show("assistant", files))
    assert snap_compare(app, terminal_size=SNAPSHOT_SIZE)


# Inspect.

INSPECT: Mapping[str, Any] = {
    "Id": "4f2a9c1e7b3d" + "0" * 52,
    "Name": "/demo-assistant-1",
    "Created": "2026-11-30T07:59:58.123456789Z",
    "Config": {
        "Image": "claw-local/demo-assistant:latest",
        "Env": [
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "OPENROUTER_API_KEY=sk-or-123",
            "DISCORD_TOKEN=${DISCORD_TOKEN}",
            "CLAW_MANAGED=true",
        ],
        "Labels": {
            "com.docker.compose.project": "demo",
            "com.docker.compose.service": "assistant",
            "claw.type": "openclaw",
            "claw.model.primary": "openrouter/anthropic/claude-sonnet-4",
            "claw.handle.discord": "true",
            "claw.pod": "demo",
        },
        "Cmd": ["openclaw", "gateway", "--port", "18789"],
        "Entrypoint": None,
        "User": "node",
        "WorkingDir": "/app",
    },
    "HostConfig": {
        "ReadonlyRootfs": True,
        "RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 0},
        "CapDrop": ["ALL"],
        "SecurityOpt": ["no-new-privileges:true"],
        "Tmpfs": {"/tmp": "", "/claw": "mode=0755"},
    },
    "Mounts": [
        {
            "Type": "volume",
            "Name": "demo_notes",
            "Source": "/var/lib/docker/volumes/demo_notes/_data",
            "Destination": "/mnt/notes",
            "Mode": "rw",
            "RW": True,
        },
        {
            "Type": "bind",
            "Source": "/pods/demo/.claw-runtime/assistant/AGENTS.effective.md",
            "Destination": "/claw/AGENTS.md",
            "Mode": "ro",
            "RW": False,
        },
    ],
    "NetworkSettings": {
        "Networks": {
            "demo_claw-internal": {"IPAddress": "172.20.0.3", "Aliases": ["assistant", "4f2a"]}
        },
        "Ports": {"18789/tcp": [{"HostIp": "127.0.0.1", "HostPort": "18789"}], "9000/tcp": None},
    },
    "State": {"Status": "running", "StartedAt": "2026-11-30T08:00:00.5Z", "ExitCode": 0},
}


def section_texts(pane: InspectPane) -> dict[str, str]:
    return {
        shown(s.query_one(".heading", Static)): shown(s.query_one(".rows", Static))
        for s in pane.query(".inspect-section")
    }


def planned_service(name: str) -> dict[str, Any]:
    service: dict[str, Any] = yaml.safe_load(demo_plan().compose.text)["services"][name]
    return service


def feed_inspect(inspect: Mapping[str, Any] | None, claw: ResolvedClaw | None, service: Any):
    def feed(pane: InspectPane) -> None:
        pane.show("assistant", inspect=inspect, claw=claw, service=service)

    return feed


async def test_inspect_sections_of_a_running_claw() -> None:
    claw = demo_plan().claws["assistant"]
    app = PaneApp(InspectPane(), feed_inspect(INSPECT, claw, planned_service("assistant")))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pane = app.query_one(InspectPane)
        assert not pane.query_one("#inspect-note").display
        sections = section_texts(pane)
        assert list(sections) == [
            "Claw",
            "Container",
            "Image claw metadata",
            "Security",
            "Mounts",
            "Networks",
            "Environment",
        ]
        environment = sections["Environment"].splitlines()
        assert [line.split(maxsplit=1) for line in environment] == [
            ["CLAW_MANAGED", "true"],
            ["DISCORD_TOKEN", "${DISCORD_TOKEN}"],
            ["OPENROUTER_API_KEY", "•••• (OPENROUTER_API_KEY)"],
            ["PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
        ]
        assert all("sk-or-123" not in text for text in sections.values())
        assert sections["Claw"].splitlines() == [
            "type                 openclaw",
            "image                claw-local/demo-assistant:latest",
            "count                1",
            "contract             AGENTS.md",
            "model fallback       openrouter/openai/gpt-4o-mini",
            "model primary        openrouter/anthropic/claude-sonnet-4",
            "handle discord       100000000000000001 (@demo-assistant)",
            "surface              volume://notes read-write",
            "surface              service://notes-web (ports 8080)",
            "skill                surface-notes-web.md (generated)",
            "skill                handle-discord.md (generated)",
            "invoke               0 9 * * 1-5  Post the morning briefing",
            "configure            openclaw config set agents.defaults.heartbeat.every 30m",
            "governance           none: the claw reaches its model providers directly",
            "persona              none",
        ]
        assert sections["Container"].splitlines() == [
            "name                 demo-assistant-1",
            "id                   4f2a9c1e7b3d",
            "image                claw-local/demo-assistant:latest",
            "created              2026-11-30 07:59:58 UTC",
            "state                running",
            "started              2026-11-30 08:00:00 UTC",
            "command              openclaw gateway --port 18789",
            "working dir          /app",
        ]
        assert sections["Image claw metadata"].splitlines() == [
            "claw.handle.discord  true",
            "claw.model.primary   openrouter/anthropic/claude-sonnet-4",
            "claw.pod             demo",
            "claw.type            openclaw",
        ]
        assert sections["Security"].splitlines() == [
            "read-only root fs    yes",
            "privileged           no",
            "cap drop             ALL",
            "cap add              none",
            "security opt         no-new-privileges:true",
            "tmpfs                /claw (mode=0755), /tmp",
            "restart policy       on-failure",
            "user                 node",
        ]
        assert sections["Mounts"].splitlines() == [
            "bind                 /pods/demo/.claw-runtime/assistant/AGENTS.effective.md → "
            "/claw/AGENTS.md  ro",
            "volume               demo_notes → /mnt/notes  rw",
        ]
        assert sections["Networks"].splitlines() == [
            "demo_claw-internal   172.20.0.3  aliases 4f2a, assistant",
            "port 18789/tcp       published on 127.0.0.1:18789",
            "port 9000/tcp        not published",
        ]
        body = pane.query_one("#inspect-body")  # scrolls by keyboard
        body.focus()
        await pilot.press("end")
        await pilot.wait_for_scheduled_animations()
        assert body.scroll_y == body.max_scroll_y > 0
        pane.show("researcher", inspect=None, claw=None, service={"image": "busybox"})
        await pilot.pause()
        assert body.scroll_y == 0  # another node starts at the top


async def test_inspect_planned_view_when_not_running() -> None:
    service = planned_service("assistant")
    service["environment"]["OPENROUTER_API_KEY"] = "sk-or-123"
    claw = demo_plan().claws["assistant"]
    app = PaneApp(InspectPane(), feed_inspect(None, claw, service))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pane = app.query_one(InspectPane)
        note = pane.query_one("#inspect-note", Static)
        assert note.display
        assert shown(note) == "not running: showing the planned service"
        sections = section_texts(pane)
        assert list(sections) == [
            "Claw",
            "Planned service",
            "Security",
            "Volumes",
            "Environment",
            "Labels",
        ]
        assert "OPENROUTER_API_KEY    •••• (OPENROUTER_API_KEY)" in sections["Environment"]
        assert "sk-or-123" not in sections["Environment"]
        assert sections["Labels"].splitlines() == [
            "claw.pod              demo",
            "claw.service          assistant",
        ]
        assert "volume                notes → /mnt/notes  rw" in sections["Volumes"]

        # The container comes up: the same pane switches to the engine's view.
        pane.show("assistant", inspect=INSPECT, claw=None, service=service)
        await pilot.pause()
        assert not note.display
        assert list(section_texts(pane)) == [
            "Container",
            "Image claw metadata",
            "Security",
            "Mounts",
            "Networks",
            "Environment",
        ]


async def test_inspect_survives_a_sparse_document() -> None:
    app = PaneApp(InspectPane(), feed_inspect({"Id": "abc"}, None, None))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        sections = section_texts(app.query_one(InspectPane))
        assert sections["Environment"] == "empty"
        assert sections["Mounts"] == "no mounts"
        assert sections["Image claw metadata"] == "no claw.* labels"


def test_inspect_snapshot(snap_compare) -> None:
    claw = demo_plan().claws["assistant"]
    app = PaneApp(InspectPane(), feed_inspect(INSPECT, claw, planned_service("assistant")))
    assert snap_compare(app, terminal_size=SNAPSHOT_SIZE)


async def test_inspect_keeps_its_values_readable_in_a_narrow_pane() -> None:
    """A long key (a label's name, a mount's path) once made the key column so wide in an
    80-column terminal that every value was folded one character per line."""
    service = planned_service("assistant")
    service["labels"]["com.docker.compose.a-label-name-longer-than-the-pane-is-wide"] = "x"
    claw = demo_plan().claws["assistant"]
    app = PaneApp(InspectPane(), feed_inspect(None, claw, service))
    async with app.run_test(size=(48, 40)) as pilot:
        await pilot.pause()
        section = next(
            s
            for s in app.query_one(InspectPane).query(".inspect-section")
            if shown(s.query_one(".heading", Static)) == "Claw"
        )
        rows = section.query_one(".rows", Static)
        console = Console(width=rows.content_region.width, file=io.StringIO(), color_system=None)
        with console.capture() as capture:
            console.print(rows.content)
        lines = [line.rstrip() for line in capture.get().splitlines()]
        assert lines[0].split() == ["type", "openclaw"]
