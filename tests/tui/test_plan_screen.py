"""The plan screen on a copy of the demo pod: summary, diffs, apply and its failures."""

from __future__ import annotations

import dataclasses
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Log, OptionList, Static

from clawlib import load_pod, plan_pod
from clawlib.errors import ComposeFailedError, ImagePullError, OutputWriteError
from clawlib.lifecycle import ApplyReport, Progress, ServiceOutcome
from clawlib.planner import FileChange, Plan
from clawtui.screens.confirm import ConfirmScreen
from clawtui.screens.plan import PlanScreen
from clawtui.widgets.diff_view import DiffView
from tests.generations import keep_current
from tests.polling import pilot_wait_for

from .fake_backend import FakeBackend, record

DEMO = Path(__file__).parents[2] / "tests" / "fixtures" / "pods" / "demo"
SIZE = (120, 40)


def demo_copy(tmp_path: Path, edit: Callable[[str], str] | None = None) -> Path:
    """The demo pod in ``tmp_path/demo``, applied once (its generated files written), then
    its pod file edited by ``edit``; returns the pod file."""
    target = tmp_path / "demo"
    shutil.copytree(
        DEMO,
        target,
        ignore=shutil.ignore_patterns(
            ".claw-runtime", "compose.generated.yml", "Dockerfile.generated"
        ),
    )
    pod_file = target / "claw-pod.yml"
    plan_pod(load_pod(pod_file), lambda ref: None).write()
    if edit is not None:
        pod_file.write_text(edit(pod_file.read_text()))
    return pod_file


def change_demo(text: str) -> str:
    """Assistant: a new log rate and a literal secret; a new plain service ``cache``."""
    text = text.replace('STUB_LOG_RATE: "4"', 'STUB_LOG_RATE: "5"\n      API_KEY: sk-live-123', 1)
    return text.replace(
        "\nvolumes:", "\n  cache:\n    image: claw-base/busybox:latest\n\nvolumes:", 1
    )


DEMO_SERVICES = ("assistant", "researcher-0", "researcher-1", "reviewer", "notes-web")


def running_demo(backend: FakeBackend, *, changed: tuple[str, ...] = ()) -> None:
    """The demo's containers running, each stamped with the hash compose gives its service now
    but those of ``changed``, whose definitions changed since."""
    backend.hashes = {service: f"hash-{service}" for service in DEMO_SERVICES}
    for service in DEMO_SERVICES:
        stamped = "old" if service in changed else f"hash-{service}"
        group = service.partition("-")[0] if service.startswith("researcher") else service
        backend.add(record(service, claw_service=group, config_hash=stamped))


class PlanApp(App[None]):
    """Pushes the plan screen and keeps what it dismissed with."""

    TITLE = "claw"

    def __init__(self, backend: FakeBackend, pod_file: Path) -> None:
        super().__init__()
        self.backend = backend
        self.pod_file = pod_file
        self.results: list[ApplyReport | None] = []

    def compose(self) -> ComposeResult:
        yield Static("home", id="home")

    def on_mount(self) -> None:
        self.push_screen(PlanScreen(self.backend, self.pod_file), callback=self.results.append)


def plan_screen(app: App[None]) -> PlanScreen:
    screens = [s for s in app.screen_stack if isinstance(s, PlanScreen)]
    assert screens, "the plan screen is not open"
    return screens[0]


async def planned(pilot: Pilot[None]) -> PlanScreen:
    screen = plan_screen(pilot.app)
    await pilot_wait_for(pilot, lambda: screen.phase in ("ready", "failed"), message="the plan")
    await pilot.pause()
    return screen


def text_of(screen: PlanScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def options(screen: PlanScreen) -> list[str]:
    files = screen.query_one("#files", OptionList)
    return [str(files.get_option_at_index(i).prompt) for i in range(files.option_count)]


async def test_summary_and_file_list_of_a_changed_pod(tmp_path: Path) -> None:
    backend = FakeBackend()
    running_demo(backend, changed=("assistant",))
    app = PlanApp(backend, demo_copy(tmp_path, change_demo))
    async with app.run_test(size=SIZE) as pilot:
        screen = await planned(pilot)
        assert text_of(screen, "#summary").splitlines() == [
            "Plan: 0 files to add, 1 to change, 0 to remove",
            "Services:  + cache  ~ assistant",
            "Containers: 5 of 6 running; apply recreates 4, creates 1.",
            "  ~ assistant: recreate (environment changed: API_KEY, STUB_LOG_RATE; image rebuilt)",
            "  ~ researcher-0: recreate (image rebuilt)",
            "  ~ researcher-1: recreate (image rebuilt)",
            "  ~ reviewer: recreate (image rebuilt)",
            "  + cache: create (new service)",
            "image claw-local/demo-assistant:latest (assistant): not built yet, planned from "
            "agents/assistant/Clawfile",
            "image claw-local/demo-researcher:latest (researcher): not built yet, planned from "
            "agents/researcher/Clawfile",
            "image claw-local/demo-reviewer:latest (reviewer): not built yet, planned from "
            "agents/reviewer/Clawfile",
        ]
        assert options(screen) == ["~ compose.generated.yml"]
        view = screen.query_one(DiffView)
        assert view.change is not None
        assert view.change.path == "compose.generated.yml"
        assert view.border_title == "~ compose.generated.yml"
        assert backend.calls == [("plan", app.pod_file), ("impact", "demo")]


async def test_a_link_planted_in_the_generated_files_is_named_and_never_shown(
    tmp_path: Path,
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "id_rsa").write_text("-----OUTSIDE THE POD-----\n")
    pod_file = demo_copy(tmp_path)
    compose = pod_file.parent / "compose.generated.yml"
    compose.unlink()
    compose.symlink_to(outside / "id_rsa")
    app = PlanApp(FakeBackend(), pod_file)
    async with app.run_test(size=SIZE) as pilot:
        screen = await planned(pilot)
        summary = text_of(screen, "#summary")
        assert (
            f"on disk: compose.generated.yml is a symbolic link to {outside / 'id_rsa'}: claw "
            "does not follow or read it, and writing the plan replaces it with what claw "
            "generates"
        ) in summary.replace("\n", " ")
        assert options(screen) == ["~ compose.generated.yml"]
        diff = screen.query_one("#diff", DiffView)
        assert diff.change is not None
        assert "OUTSIDE THE POD" not in diff.change.diff
        assert f"(a symbolic link to {outside / 'id_rsa'}, not read)" in diff.change.diff


async def test_highlighting_a_file_shows_its_diff(tmp_path: Path) -> None:
    def edit(text: str) -> str:
        # A new handle changes the assistant's runtime files as well as the compose file.
        return text.replace("username: demo-assistant", "username: demo-helper")

    app = PlanApp(FakeBackend(), demo_copy(tmp_path, edit))
    async with app.run_test(size=SIZE) as pilot:
        screen = await planned(pilot)
        paths = [prompt[2:] for prompt in options(screen)]
        assert paths == sorted(paths)
        assert len(paths) > 1
        view = screen.query_one(DiffView)
        assert view.change is not None
        assert view.change.path == paths[0]
        await pilot.press("j")
        assert screen.query_one("#files", OptionList).highlighted == 1
        assert view.change.path == paths[1]
        lines = view.export_text().splitlines()
        assert lines[0].startswith("@@ -")
        assert any("+ " in line and "demo-helper" in line for line in lines)
        assert any("- " in line and "demo-assistant" in line for line in lines)
        await pilot.press("k")
        assert view.change.path == paths[0]


async def test_s_switches_the_diff_to_side_by_side(tmp_path: Path) -> None:
    app = PlanApp(FakeBackend(), demo_copy(tmp_path, change_demo))
    async with app.run_test(size=SIZE) as pilot:
        screen = await planned(pilot)
        view = screen.query_one(DiffView)
        assert view.mode == "unified"
        unified = view.export_text().splitlines()
        assert unified[4:9] == [
            "      9 +       API_KEY: •••• (API_KEY)",
            "  9  10         CLAW_MANAGED: 'true'",
            " 10  11         OPENCLAW_CONFIG_PATH: /app/config/openclaw.json",
            " 11  12         OPENCLAW_STATE_DIR: /app/state",
            " 12     -       STUB_LOG_RATE: '4'",
        ]
        assert unified[9] == "     13 +       STUB_LOG_RATE: '5'"
        await pilot.press("s")
        assert view.mode == "side-by-side"
        assert view.border_subtitle == "side by side"
        rows = view.export_text().splitlines()
        assert rows[0] == "@@ -6,10 +6,11 @@"
        rate = next(row for row in rows if "STUB_LOG_RATE" in row)
        old, new = rate.split("│")
        assert old.rstrip() == " 12 -       STUB_LOG_RATE: '4'"
        assert new.rstrip() == " 13 +       STUB_LOG_RATE: '5'"
        secret = next(row for row in rows if "API_KEY" in row)
        left, right = secret.split("│")
        assert left.strip() == ""
        assert right.rstrip() == "  9 +       API_KEY: •••• (API_KEY)"
        await pilot.press("s")
        assert view.mode == "unified"


async def test_secrets_never_reach_the_screen(tmp_path: Path) -> None:
    app = PlanApp(FakeBackend(), demo_copy(tmp_path, change_demo))
    async with app.run_test(size=SIZE) as pilot:
        screen = await planned(pilot)
        for mode in ("unified", "side-by-side"):
            shot = app.export_screenshot()
            assert "sk-live-123" not in shot
            assert "••••" in shot
            text = screen.query_one(DiffView).export_text()
            assert "sk-live-123" not in text
            assert "API_KEY: •••• (API_KEY)" in text, mode
            await pilot.press("s")


async def test_the_diff_view_masks_a_diff_that_was_not_masked() -> None:
    change = FileChange(
        "compose.generated.yml",
        "change",
        "--- a/c\n+++ b/c\n@@ -1 +1 @@\n-  GITHUB_TOKEN: ghp-old\n+  GITHUB_TOKEN: ghp-new\n",
    )

    class ViewApp(App[None]):
        def compose(self) -> ComposeResult:
            yield DiffView(change)

    app = ViewApp()
    async with app.run_test(size=(80, 10)) as pilot:
        view = app.query_one(DiffView)
        assert view.export_text().splitlines()[1:] == [
            "  1     -   GITHUB_TOKEN: •••• (GITHUB_TOKEN)",
            "      1 +   GITHUB_TOKEN: •••• (GITHUB_TOKEN)",
        ]
        for _ in ("unified", "side-by-side"):
            text = view.export_text() + app.export_screenshot()
            assert "ghp-" not in text
            assert "••••" in text
            view.toggle_mode()
            await pilot.pause()


async def test_no_changes_still_offers_apply(tmp_path: Path) -> None:
    app = PlanApp(FakeBackend(), demo_copy(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        screen = await planned(pilot)
        summary = text_of(screen, "#summary").splitlines()
        assert summary[:2] == [
            "No changes: the generated files match the pod.",
            "Apply starts the pod or verifies that it runs as planned.",
        ]
        assert options(screen) == []
        view = screen.query_one(DiffView)
        assert view.change is None
        assert view.export_text() == "No changes: the generated files match the pod."
        await pilot.press("a")
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert confirm.body_text.startswith("No file changes: this starts the pod")


async def test_a_bad_pod_shows_every_problem_with_its_yaml_path(tmp_path: Path) -> None:
    def break_it(text: str) -> str:
        text = text.replace(
            "      agent: ./agents/assistant/AGENTS.md",
            "      agent: ./agents/assistant/AGENTS.md\n      bogus: 1",
        )
        return text.replace("      count: 2", "      count: 0")

    backend = FakeBackend()
    app = PlanApp(backend, demo_copy(tmp_path, break_it))
    async with app.run_test(size=SIZE) as pilot:
        screen = await planned(pilot)
        assert screen.phase == "failed"
        assert text_of(screen, "#summary").splitlines() == [
            "Cannot plan claw-pod.yml: 2 problems.",
            "Nothing can be applied. Fix the pod and press r to plan again.",
        ]
        problems = text_of(screen, "#problem-list").splitlines()
        assert problems == [
            'claw-pod.yml:14: services.assistant.x-claw.bogus: unknown key "bogus" (valid keys: '
            "agent, persona, cllama, cllama-env, count, handles, surfaces, skills, invoke, "
            "include)",
            "claw-pod.yml:29: services.researcher.x-claw.count: must be at least 1, got 0",
        ]
        assert str(tmp_path) not in "\n".join(problems)
        assert options(screen) == []
        await pilot.press("a")
        assert app.screen is screen
        # Fixed, and planned again with r.
        app.pod_file.write_text(change_demo((DEMO / "claw-pod.yml").read_text()))
        await pilot.press("r")
        await pilot_wait_for(pilot, lambda: screen.phase == "ready", message="the second plan")
        assert options(screen) == ["~ compose.generated.yml"]
        assert [c for c in backend.calls if c[0] == "plan"] == [("plan", app.pod_file)] * 2


async def test_warnings_show_their_yaml_path_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CLAW_TEST_UNSET_NAME", raising=False)

    def edit(text: str) -> str:
        return text.replace("username: demo-assistant", 'username: "${CLAW_TEST_UNSET_NAME}"')

    app = PlanApp(FakeBackend(), demo_copy(tmp_path, edit))
    async with app.run_test(size=SIZE) as pilot:
        screen = await planned(pilot)
        assert text_of(screen, "#summary").splitlines()[-1] == (
            "warning: claw-pod.yml:17: services.assistant.x-claw.handles.discord.username: "
            "${CLAW_TEST_UNSET_NAME} is not set (in .env or the environment); left as written"
        )


STEPS = [
    Progress("check", "engine 27.3.1 at unix:///var/run/docker.sock; docker compose 2.30.3"),
    Progress("write", "Plan: 0 files to add, 1 to change, 0 to remove"),
    Progress("up", "docker compose -p demo up -d"),
    Progress("up", "\x1b[32mContainer demo-cache-1  Started\x1b[0m", output=True),
    Progress("up", "API_KEY=sk-live-123", output=True),
]


def stage_rows(screen: PlanScreen) -> list[str]:
    return text_of(screen, "#stages").splitlines()


async def test_cancelling_the_confirmation_applies_nothing(tmp_path: Path) -> None:
    backend = FakeBackend()
    running_demo(backend, changed=("assistant",))
    app = PlanApp(backend, demo_copy(tmp_path, change_demo))
    async with app.run_test(size=SIZE) as pilot:
        screen = await planned(pilot)
        await pilot.press("a")
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert confirm.title_text == "Apply to project demo?"
        assert confirm.body_text == (
            "0 files to add, 1 to change, 0 to remove. Containers (5 of 6 running): recreated: "
            "demo-assistant-1, demo-researcher-0-1, demo-researcher-1-1, demo-reviewer-1; "
            "created: cache. Images built first: claw-local/demo-assistant:latest, "
            "claw-local/demo-researcher:latest, claw-local/demo-reviewer:latest. The files "
            "replaced are kept in .claw-runtime/.previous."
        )
        await pilot.press("n")
        assert app.screen is screen
        await pilot.press("a")
        await pilot.click("#cancel")
        assert app.screen is screen
        await pilot.press("a")
        await pilot.press("escape")
        assert app.screen is screen
        assert screen.phase == "ready"
        assert [c for c in backend.calls if c[0] == "apply"] == []


async def test_apply_shows_progress_then_each_service(tmp_path: Path) -> None:
    gate = threading.Event()

    class Reporting(FakeBackend):
        def apply(
            self, plan: Plan, project: str, on_progress: Callable[[Progress], None]
        ) -> ApplyReport:
            report = super().apply(plan, project, on_progress)
            return dataclasses.replace(
                report,
                services=(
                    ServiceOutcome("notes-web", "unchanged", ("demo-notes-web-1",)),
                    ServiceOutcome("assistant", "recreated", ("demo-assistant-1",), "openclaw"),
                    ServiceOutcome("cache", "created", (), problems=("no container was created",)),
                ),
                previous=plan.directory / ".claw-runtime" / ".previous",
                notes=("the plan changed once the images were built",),
            )

    backend = Reporting(apply_steps=STEPS, apply_gate=gate)
    app = PlanApp(backend, demo_copy(tmp_path, change_demo))
    async with app.run_test(size=SIZE) as pilot:
        screen = await planned(pilot)
        await pilot.press("a")
        await pilot.press("y")
        await pilot_wait_for(pilot, lambda: len(stage_rows(screen)) == 3, message="three stages")
        assert screen.phase == "applying"
        assert stage_rows(screen) == [
            "✓ check    engine 27.3.1 at unix:///var/run/docker.sock; docker compose 2.30.3",
            "✓ write    Plan: 0 files to add, 1 to change, 0 to remove",
            "● up       docker compose -p demo up -d",
        ]
        log = screen.query_one("#output", Log)
        await pilot_wait_for(pilot, lambda: log.line_count == 2, message="the output lines")
        assert list(log.lines) == [
            "Container demo-cache-1  Started",
            "API_KEY=•••• (API_KEY)",
        ]
        # Escape does not leave an apply running behind the user's back.
        await pilot.press("escape")
        assert app.screen is screen
        assert app.results == []
        gate.set()
        await pilot_wait_for(pilot, lambda: screen.phase == "applied", message="the report")
        await pilot.pause()
        assert [row[0] for row in stage_rows(screen)] == ["✓", "✓", "✓"]
        table = screen.query_one("#results", DataTable)
        assert [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)] == [
            ["assistant", "openclaw", "recreated", "demo-assistant-1", "ok"],
            ["cache", "-", "created", "-", "FAILED: no container was created"],
            ["notes-web", "-", "unchanged", "demo-notes-web-1", "ok"],
        ]
        assert text_of(screen, "#outcome").splitlines() == [
            "Applied to project demo with failures in: cache",
            "The previous generation is kept in .claw-runtime/.previous.",
            "note: the plan changed once the images were built",
            "Press r to plan again.",
        ]
        assert backend.calls[-1] == ("apply", "demo")
        # Apply again only after planning again.
        await pilot.press("a")
        assert app.screen is screen
        await pilot.press("r")
        await pilot_wait_for(pilot, lambda: screen.phase == "ready", message="the new plan")
        await pilot.press("escape")
        assert len(app.results) == 1
        assert app.results[0] is screen.report
        assert app.results[0] is not None
        assert app.results[0].project == "demo"


async def test_the_output_is_masked_as_one_text_per_apply(tmp_path: Path) -> None:
    backend = FakeBackend(
        apply_steps=[
            Progress("up", "docker compose -p demo up -d"),
            *(
                Progress("up", line, output=True)
                for line in (
                    "-----BEGIN RSA PRIVATE KEY-----",
                    "MIIEpAIBAAKCAQEA",
                    "-----END RSA PRIVATE KEY-----",
                    'SECRET_TOKEN="first',
                    'second"',
                    "-----BEGIN PRIVATE KEY-----",  # left open: hides the rest of this apply
                    "MIIEvQIBADANBgkq",
                )
            ),
        ]
    )
    app = PlanApp(backend, demo_copy(tmp_path, change_demo))
    async with app.run_test(size=SIZE) as pilot:
        screen = await planned(pilot)
        await pilot.press("a", "y")
        await pilot_wait_for(pilot, lambda: screen.phase == "applied", message="the report")
        log = screen.query_one("#output", Log)
        assert list(log.lines) == [
            "•••• (private key)",
            "•••• (private key)",
            "•••• (private key)",
            'SECRET_TOKEN="•••• (SECRET_TOKEN)',
            '•••• (SECRET_TOKEN)"',
            "•••• (private key)",
            "•••• (private key)",
        ]
        # The next apply starts afresh.
        backend.apply_steps = [Progress("up", "Container demo-cache-1  Started", output=True)]
        await pilot.press("r")
        await pilot_wait_for(pilot, lambda: screen.phase == "ready", message="the new plan")
        await pilot.press("a", "y")
        await pilot_wait_for(pilot, lambda: screen.phase == "applied", message="the second report")
        assert list(log.lines) == ["Container demo-cache-1  Started"]


async def test_a_compose_failure_names_the_stage_the_services_and_the_previous_files(
    tmp_path: Path,
) -> None:
    error = ComposeFailedError(
        ("docker", "compose", "-p", "demo", "up", "-d"),
        1,
        "Error response from daemon: driver failed programming external connectivity\n"
        "Bind for 0.0.0.0:8080 failed: port is already allocated",
        action="up",
        services=("notes-web",),
    )
    backend = FakeBackend(apply_steps=STEPS[:3], apply_error=error)
    app = PlanApp(backend, demo_copy(tmp_path, change_demo))
    async with app.run_test(size=SIZE) as pilot:
        screen = await planned(pilot)
        await pilot.press("a", "y")
        await pilot_wait_for(pilot, lambda: screen.phase == "applied", message="the failure")
        await pilot.pause()
        assert stage_rows(screen) == [
            "✓ check    engine 27.3.1 at unix:///var/run/docker.sock; docker compose 2.30.3",
            "✓ write    Plan: 0 files to add, 1 to change, 0 to remove",
            "✗ up       docker compose -p demo up -d",
        ]
        assert text_of(screen, "#outcome").splitlines() == [
            "Apply failed at up.",
            "Service concerned: notes-web",
            "The files were written; the previous generation is kept in "
            ".claw-runtime/.previous: R rolls back to it.",
            "Press r to plan again.",
            "",
            "docker compose up for service notes-web failed with exit status 1:",
            "Error response from daemon: driver failed programming external connectivity",
            "Bind for 0.0.0.0:8080 failed: port is already allocated",
        ]
        assert not screen.query_one("#results", DataTable).display
        await pilot.press("escape")
        assert app.results == [None]


async def test_a_pull_failure_before_the_write_wrote_nothing(tmp_path: Path) -> None:
    error = ImagePullError(
        ("docker", "pull", "claw-base/busybox:latest"),
        1,
        "pull access denied",
        image="claw-base/busybox:latest",
        services=("notes-web", "cache"),
    )
    steps = [STEPS[0], Progress("pull", "pulling claw-base/busybox:latest for cache, notes-web")]
    backend = FakeBackend(apply_steps=steps, apply_error=error)
    app = PlanApp(backend, demo_copy(tmp_path, change_demo))
    async with app.run_test(size=SIZE) as pilot:
        screen = await planned(pilot)
        await pilot.press("a", "y")
        await pilot_wait_for(pilot, lambda: screen.phase == "applied", message="the failure")
        await pilot.pause()
        assert [row[:8] for row in stage_rows(screen)] == ["✓ check ", "✗ pull  "]
        assert text_of(screen, "#outcome").splitlines() == [
            "Apply failed at pull.",
            "Services concerned: cache, notes-web",
            "Nothing was written: the previous generation is still in place.",
            "Press r to plan again.",
            "",
            'pulling image "claw-base/busybox:latest" for services notes-web, cache failed '
            "with exit status 1:",
            "pull access denied",
        ]


async def test_an_unreachable_engine_fails_at_check(tmp_path: Path) -> None:
    backend = FakeBackend(engine_up=False)
    app = PlanApp(backend, demo_copy(tmp_path, change_demo))
    async with app.run_test(size=SIZE) as pilot:
        screen = await planned(pilot)
        await pilot.press("a")
        await pilot.click("#confirm")
        await pilot_wait_for(pilot, lambda: screen.phase == "applied", message="the failure")
        await pilot.pause()
        assert stage_rows(screen) == ["✗ check    "]
        outcome = text_of(screen, "#outcome").splitlines()
        assert outcome[:2] == [
            "Apply failed at check.",
            "Nothing was written: the previous generation is still in place.",
        ]
        assert outcome[-1].startswith("the Docker engine at unix:///var/run/docker.sock")


async def test_a_failed_write_says_what_was_written_was_put_back(tmp_path: Path) -> None:
    error = OutputWriteError("compose.generated.yml", "No space left on device")
    backend = FakeBackend(apply_steps=STEPS[:1], apply_error=error)
    app = PlanApp(backend, demo_copy(tmp_path, change_demo))
    async with app.run_test(size=SIZE) as pilot:
        screen = await planned(pilot)
        await pilot.press("a", "y")
        await pilot_wait_for(pilot, lambda: screen.phase == "applied", message="the failure")
        await pilot.pause()
        assert [row[:8] for row in stage_rows(screen)] == ["✓ check ", "✗ write "]
        assert text_of(screen, "#outcome").splitlines() == [
            "Apply failed at write.",
            "Writing failed and what was written was put back: the previous generation is "
            "in place.",
            "Press r to plan again.",
            "",
            "compose.generated.yml: cannot write: No space left on device",
        ]


async def test_an_unexpected_error_is_shown_not_raised(tmp_path: Path) -> None:
    backend = FakeBackend(apply_steps=STEPS[:3], apply_error=RuntimeError("boom"))
    app = PlanApp(backend, demo_copy(tmp_path, change_demo))
    async with app.run_test(size=SIZE) as pilot:
        screen = await planned(pilot)
        await pilot.press("a", "y")
        await pilot_wait_for(pilot, lambda: screen.phase == "applied", message="the failure")
        await pilot.pause()
        assert stage_rows(screen)[-1].startswith("✗ up ")
        outcome = text_of(screen, "#outcome").splitlines()
        assert outcome[0] == "Apply failed at up."
        assert outcome[-1] == "RuntimeError: boom"
        assert app.is_running


@pytest.mark.parametrize(
    ("danger", "answers_to_enter"), [(True, False), (False, True)], ids=["danger", "plain"]
)
async def test_the_confirm_screen_answers_yes_and_no(danger: bool, answers_to_enter: bool) -> None:
    """y and n answer whatever has the focus; enter presses the focused button, which is the
    cancel button in a dangerous question."""
    answers: list[bool | None] = []

    class ConfirmApp(App[None]):
        def on_mount(self) -> None:
            self.push_screen(
                ConfirmScreen("Down the pod?", "Containers go.", "Down", danger=danger),
                callback=answers.append,
            )

    for keys, expected in (
        (("y",), True),
        (("enter",), answers_to_enter),
        (("n",), False),
        (("escape",), False),
        (("tab", "y"), True),
        (("left", "enter"), not answers_to_enter),  # the other button
        (("left", "right", "enter"), answers_to_enter),
        (("left", "n"), False),
    ):
        app = ConfirmApp()
        async with app.run_test(size=(80, 20)) as pilot:
            await pilot.pause()
            assert str(app.screen.query_one("#confirm", Button).label) == "Down (y)"
            await pilot.press(*keys)
            await pilot.pause()
        assert answers[-1] is expected, keys


def _snapshot_app(tmp_path: Path) -> PlanApp:
    backend = FakeBackend()
    running_demo(backend, changed=("assistant",))
    return PlanApp(backend, demo_copy(tmp_path, change_demo))


def test_plan_snapshot_unified(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await planned(pilot)

    assert snap_compare(_snapshot_app(tmp_path), terminal_size=(120, 36), run_before=run_before)


def test_plan_snapshot_side_by_side(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await planned(pilot)
        await pilot.press("s")
        await pilot.pause()

    assert snap_compare(_snapshot_app(tmp_path), terminal_size=(120, 36), run_before=run_before)


async def test_roll_back_is_offered_only_with_a_previous_generation(tmp_path: Path) -> None:
    backend = FakeBackend()
    pod = demo_copy(tmp_path, change_demo)
    app = PlanApp(backend, pod)
    async with app.run_test(size=SIZE) as pilot:
        screen = await planned(pilot)
        await pilot.press("R")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)  # nothing kept: nothing to roll back
        keep_current(pod.parent, ["compose.generated.yml"])
        await pilot.press("R")
        await pilot_wait_for(
            pilot, lambda: isinstance(app.screen, ConfirmScreen), message="the question"
        )
        await pilot.press("y")
        await pilot_wait_for(pilot, lambda: screen.phase == "applied", message="the rollback")
        await pilot.pause()
        assert ("roll_back", "demo") in backend.calls
        assert text_of(screen, "#outcome").splitlines() == [
            "Rolled back: 1 file put back, the containers recreated from them.",
            "The files they replaced are kept in .claw-runtime/.previous: R again undoes this.",
            "Press r to plan again.",
        ]
        assert "Container demo-assistant-1  Recreated" in screen.query_one("#output", Log).lines
