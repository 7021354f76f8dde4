"""The plan screen: what applying the pod would change, file by file, and applying it."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import ClassVar, Literal

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import (
    ContentSwitcher,
    DataTable,
    Header,
    Log,
    OptionList,
    Static,
)
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState, get_current_worker

from clawlib.errors import ClawError, OutputWriteError, PodError
from clawlib.lifecycle import PREVIOUS_DIR, ApplyReport, Impact, Progress, has_previous
from clawlib.planner import Plan, PlanDiff
from clawlib.secrets import StreamMasker, mask_secrets
from clawtui.backend import PodBackend
from clawtui.diffing import clean_text
from clawtui.screens.confirm import ConfirmScreen
from clawtui.widgets.diff_view import SYMBOLS, DiffView
from clawtui.widgets.key_footer import KeyFooter

__all__ = ["STAGES", "Phase", "PlanScreen"]

Phase = Literal["planning", "ready", "failed", "applying", "applied"]
"""``failed``: the pod could not be planned (nothing to apply until it is fixed)."""

STAGES = ("check", "build", "pull", "write", "up", "recreate", "verify")
"""The stages of an apply, in the order they run (:class:`clawlib.lifecycle.Progress`)."""

_KIND_STYLES = {"add": "$success", "change": "$warning", "remove": "$error"}
_IMPACT_LABELS: tuple[tuple[Literal["recreate", "create", "start", "remove"], str], ...] = (
    ("recreate", "recreated"),
    ("create", "created"),
    ("start", "started"),
    ("remove", "removed"),
)
_IMPACT_STYLES = {
    "recreate": "$warning",
    "create": "$success",
    "start": "$success",
    "remove": "$error",
    "keep": "$text-muted",
}
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_NO_CHANGES = "No changes: the generated files match the pod."
_OUTPUT_LINES = 5000  # of the commands' output kept on screen (a build can print far more)


class PlanScreen(Screen[ApplyReport | None]):
    """Plan the pod again and show what applying it would change; apply it on request.

    A summary first, as terraform shows one (the file counts, the services added ``+``,
    changed ``~`` and removed ``-``, the images to build, the pod's warnings), then the
    changed files; the highlighted file's diff is shown beside the list. ``a`` asks before
    applying, then follows the apply stage by stage with the commands' output, and ends on
    each service's outcome or on the error and what it left on disk. Planning and applying
    run in thread workers; the screen dismisses with the last :class:`ApplyReport` (None
    when nothing was applied).
    """

    HELP_GROUP = "Plan"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "apply", "Apply", id="plan.apply"),
        Binding("r", "replan", "Re-plan", id="plan.replan"),
        Binding("s", "toggle_diff", "Unified/side by side", id="plan.toggle-diff"),
        Binding(
            "R",
            "roll_back",
            "Roll back",
            tooltip="Put back the files kept before the last apply and recreate the containers",
            id="plan.roll-back",
        ),
        Binding("j", "next_file", "Next file", show=False, id="plan.next-file"),
        Binding("k", "previous_file", "Previous file", show=False, id="plan.previous-file"),
        Binding("escape", "back", "Back", id="plan.back"),
    ]

    DEFAULT_CSS = """
    PlanScreen #plan-head {
        height: auto;
        max-height: 12;
        padding: 0 1;
        background: $panel;
    }
    PlanScreen #summary { height: auto; }
    PlanScreen #plan-body { height: 1fr; }
    PlanScreen #files {
        width: 34%;
        min-width: 24;
        max-width: 56;
        height: 1fr;
        border: round $panel;
    }
    PlanScreen #files:focus { border: round $primary; }
    PlanScreen #detail { width: 1fr; height: 1fr; }
    PlanScreen #diff { height: 1fr; }
    PlanScreen #apply { height: 1fr; padding: 0 1; }
    PlanScreen #stages { height: auto; }
    PlanScreen #output {
        height: 1fr;
        min-height: 4;
        overflow: auto;
        border: round $panel;
        background: $surface;
        color: $text-muted;
    }
    PlanScreen #outcome-box { height: auto; max-height: 60%; }
    PlanScreen #outcome { height: auto; }
    PlanScreen #results { height: auto; margin-top: 1; }
    PlanScreen #problems { height: 1fr; padding: 0 1; border: round $error; }
    """

    phase: reactive[Phase] = reactive("planning", bindings=True)
    """Where the screen is: the bindings on offer follow it."""

    class Planned(Message, bubble=False):
        """A plan worker finished: ``plan``, its ``diff`` against the disk and its ``impact``
        on the containers."""

        def __init__(self, plan: Plan, diff: PlanDiff, impact: Impact | None = None) -> None:
            super().__init__()
            self.plan = plan
            self.diff = diff
            self.impact = impact

    class Failed(Message, bubble=False):
        """Something the screen ran raised ``error`` (a :class:`ClawError`, or a bug)."""

        def __init__(self, error: BaseException) -> None:
            super().__init__()
            self.error = error

    class PlanFailed(Failed):
        """A plan worker failed."""

    class ApplyProgressed(Message, bubble=False):
        """The apply reached a step, or a command it runs printed a line."""

        def __init__(self, progress: Progress) -> None:
            super().__init__()
            self.progress = progress

    class Applied(Message):
        """The apply finished (its report may still hold failed checks)."""

        def __init__(self, report: ApplyReport) -> None:
            super().__init__()
            self.report = report

    class ApplyFailed(Failed, bubble=True):
        """The apply raised ``error``; what it left on disk is on the screen."""

    class RolledBack(Message, bubble=False):
        """The previous generation is back (``paths`` restored) and the containers recreated."""

        def __init__(self, paths: tuple[str, ...]) -> None:
            super().__init__()
            self.paths = paths

    class RollbackFailed(Failed):
        """The rollback raised ``error``."""

    def __init__(self, backend: PodBackend, pod_file: Path, project: str | None = None) -> None:
        super().__init__()
        self.backend = backend
        self.pod_file = pod_file
        self.project = project
        self.plan: Plan | None = None
        self.diff: PlanDiff | None = None
        self.impact: Impact | None = None
        """What applying the plan does to the containers (None: not judged)."""
        self.report: ApplyReport | None = None
        """The last apply's report: what the screen dismisses with."""
        self._stages: dict[str, str] = {}
        self._failed_stage: str | None = None
        self._output = StreamMasker()
        """Masks the commands' output as one text: a secret may span lines."""

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="plan-head"):
            yield Static(id="summary")
        with Horizontal(id="plan-body"):
            yield OptionList(id="files")
            with ContentSwitcher(initial="diff", id="detail"):
                yield DiffView(id="diff")
                with Vertical(id="apply"):
                    yield Static(id="stages")
                    yield Log(id="output", highlight=False, max_lines=_OUTPUT_LINES)
                    with VerticalScroll(id="outcome-box"):
                        yield Static(id="outcome")
                        yield DataTable(id="results", cursor_type="none", show_cursor=False)
                with VerticalScroll(id="problems"):
                    yield Static(id="problem-list")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = f"plan: {self.directory.name}"
        self.query_one("#files", OptionList).border_title = "Files"
        self.query_one("#output", Log).border_title = "Output"
        self.replan()

    # Planning.

    def replan(self) -> None:
        """Plan the pod again (in a worker); the screen shows the result when it arrives."""
        self.phase = "planning"
        self.query_one("#plan-body").loading = True
        self._summary(Content(f"Planning {self._shown(self.pod_file)}…"))
        self._plan_worker()

    @work(thread=True, exclusive=True, group="plan", exit_on_error=False)
    def _plan_worker(self) -> None:
        try:
            plan = self.backend.plan(self.pod_file)
            diff = plan.diff()
        except ClawError as exc:
            message: Message = self.PlanFailed(exc)
        else:
            try:
                impact: Impact | None = self.backend.impact(
                    plan, diff, self.project or plan.project
                )
            except ClawError:
                impact = None  # the plan stands without it
            message = self.Planned(plan, diff, impact)
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    def on_plan_screen_planned(self, message: Planned) -> None:
        self.plan, self.diff, self.impact = message.plan, message.diff, message.impact
        self.query_one("#plan-body").loading = False
        self._summary(self._plan_summary(message.plan, message.diff, message.impact))
        files = self.query_one("#files", OptionList)
        files.disabled = False
        files.clear_options()
        files.add_options(
            Option(
                Content.assemble(
                    (SYMBOLS[change.kind], _KIND_STYLES[change.kind]),
                    " ",
                    clean_text(change.path),
                ),
                id=change.path,
            )
            for change in message.diff.files
        )
        view = self.query_one("#diff", DiffView)
        view.placeholder = _NO_CHANGES if not message.diff.changed else "No file selected."
        view.change = message.diff.files[0] if message.diff.files else None
        self.query_one("#detail", ContentSwitcher).current = "diff"
        self.phase = "ready"
        if message.diff.files:
            files.highlighted = 0
            files.focus()
        else:
            view.focus()

    def on_plan_screen_plan_failed(self, message: PlanFailed) -> None:
        self.plan, self.diff, self.impact = None, None, None
        self.query_one("#plan-body").loading = False
        error = message.error
        rows = self._problem_rows(error)
        noun = "problem" if len(rows) == 1 else "problems"
        self._summary(
            Content.assemble(
                (f"Cannot plan {self._shown(self.pod_file)}: {len(rows)} {noun}.", "bold $error"),
                "\nNothing can be applied. Fix the pod and press r to plan again.",
            )
        )
        self.query_one("#problem-list", Static).update(
            Content("\n").join(Content.styled(row, "$error") for row in rows)
        )
        files = self.query_one("#files", OptionList)
        files.clear_options()
        files.disabled = True
        self.query_one("#detail", ContentSwitcher).current = "problems"
        self.phase = "failed"

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self.diff is None or self.phase != "ready":
            return
        chosen = next((c for c in self.diff.files if c.path == event.option.id), None)
        self.query_one("#diff", DiffView).change = chosen

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if self.phase == "ready":
            self.query_one("#diff", DiffView).focus()

    # Applying.

    @work(thread=True, exclusive=True, group="apply", exit_on_error=False)
    def _apply_worker(self, plan: Plan, project: str) -> None:
        def progressed(progress: Progress) -> None:
            self.post_message(self.ApplyProgressed(progress))

        try:
            report = self.backend.apply(plan, project, progressed)
        except ClawError as exc:
            self.post_message(self.ApplyFailed(exc))
            return
        self.post_message(self.Applied(report))

    def _begin_applying(self) -> None:
        """Clear what the last apply or rollback showed and switch to the progress view."""
        self.phase = "applying"
        self._stages.clear()
        self._failed_stage = None
        self._output = StreamMasker()
        self.query_one("#output", Log).clear()
        self.query_one("#outcome", Static).update("")
        results = self.query_one("#results", DataTable)
        results.clear(columns=True)
        results.display = False
        self.query_one("#files", OptionList).disabled = True
        self.query_one("#detail", ContentSwitcher).current = "apply"

    def _start_apply(self, confirmed: bool | None) -> None:
        if not confirmed or self.plan is None or self.phase != "ready":
            return
        self._begin_applying()
        self._show_stages()
        self._apply_worker(self.plan, self.target_project)

    def _start_rollback(self, confirmed: bool | None) -> None:
        if not confirmed or self.phase in ("planning", "applying"):
            return
        self._begin_applying()
        self.query_one("#stages", Static).update(
            Content.assemble(("● ", "$warning"), "rolling back to the previous generation")
        )
        self._rollback_worker(self.target_project)

    @work(thread=True, exclusive=True, group="apply", exit_on_error=False)
    def _rollback_worker(self, project: str) -> None:
        def output(text: str) -> None:
            self.post_message(self.ApplyProgressed(Progress("up", text, output=True)))

        try:
            paths = self.backend.roll_back(self.directory, project, output)
        except ClawError as exc:
            self.post_message(self.RollbackFailed(exc))
            return
        self.post_message(self.RolledBack(paths))

    def on_plan_screen_rolled_back(self, message: RolledBack) -> None:
        self.phase = "applied"
        count = len(message.paths)
        self.query_one("#stages", Static).update(
            Content.assemble(("✓ ", "$success"), "rolled back to the previous generation")
        )
        self.query_one("#outcome", Static).update(
            Content.assemble(
                (f"Rolled back: {count} file{'s' if count != 1 else ''} put back", "bold"),
                ", the containers recreated from them.",
                f"\nThe files they replaced are kept in {PREVIOUS_DIR}: R again undoes this.",
                ("\nPress r to plan again.", "$text-muted"),
            )
        )

    def on_plan_screen_rollback_failed(self, message: RollbackFailed) -> None:
        self.phase = "applied"
        self.query_one("#stages", Static).update(Content.assemble(("✗ ", "$error"), "roll back"))
        self.query_one("#outcome", Static).update(
            Content.assemble(
                ("Roll back failed.", "bold $error"),
                ("\nPress r to plan again.", "$text-muted"),
                "\n\n",
                (_lines(str(message.error)), "$error"),
            )
        )

    def on_plan_screen_apply_progressed(self, message: ApplyProgressed) -> None:
        progress = message.progress
        if progress.output:
            self.query_one("#output", Log).write_line(_output_line(self._output, progress.text))
            return
        self._stages[progress.stage] = clean_text(mask_secrets(progress.text))
        self._show_stages()

    def on_plan_screen_applied(self, message: Applied) -> None:
        report = message.report
        self.report = report
        self.phase = "applied"
        self._show_stages(done=True)
        self._show_results(report)
        self.query_one("#outcome", Static).update(self._report_summary(report))

    def on_plan_screen_apply_failed(self, message: ApplyFailed) -> None:
        self._apply_failed(message.error)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that died of something other than a ClawError (a bug): say so on the
        screen rather than leave it waiting."""
        if event.state != WorkerState.ERROR or event.worker.error is None:
            return
        error = event.worker.error
        if event.worker.group == "plan":
            self.post_message(self.PlanFailed(error))
        elif event.worker.group == "apply":
            self._apply_failed(error)

    def _apply_failed(self, error: BaseException) -> None:
        self.phase = "applied"
        reached = [stage for stage in STAGES if stage in self._stages]
        stage = "write" if isinstance(error, OutputWriteError) else (reached or ["check"])[-1]
        self._failed_stage = stage
        self._stages.setdefault(stage, "")
        self._show_stages()
        text = str(error) if isinstance(error, ClawError) else f"{type(error).__name__}: {error}"
        # What matters most first: where it failed, whom it blames, what is on disk now; the
        # message with the command's output tail last.
        parts: list[Content | str | tuple[str, str]] = [
            (f"Apply failed at {stage}.", "bold $error")
        ]
        blamed = tuple(getattr(error, "services", ()) or ())
        if blamed:
            noun = "Service" if len(blamed) == 1 else "Services"
            parts.append((f"\n{noun} concerned: {', '.join(sorted(blamed))}", "bold"))
        if isinstance(error, OutputWriteError):
            parts.append(
                "\nWriting failed and what was written was put back: the previous generation "
                "is in place."
            )
        elif "write" not in self._stages:
            parts.append("\nNothing was written: the previous generation is still in place.")
        elif self.diff is not None and not self.diff.changed:
            parts.append("\nThe generated files were already current: nothing was rewritten.")
        else:
            parts.append(
                "\nThe files were written; the previous generation is kept in "
                f"{PREVIOUS_DIR}: R rolls back to it."
            )
        parts += [("\nPress r to plan again.", "$text-muted"), "\n\n", (_lines(text), "$error")]
        self.query_one("#outcome", Static).update(Content.assemble(*parts))

    # Actions.

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        phase = self.phase
        if action == "apply":
            return True if phase == "ready" else None
        if action == "replan":
            return True if phase not in ("planning", "applying") else None
        if action == "toggle_diff":
            return True if phase == "ready" and bool(self.diff and self.diff.changed) else None
        if action in ("next_file", "previous_file"):
            return phase == "ready"
        if action == "roll_back":
            if not has_previous(self.directory):
                return False
            return True if phase not in ("planning", "applying") else None
        return True

    def action_apply(self) -> None:
        if self.plan is None or self.diff is None:
            return
        title, body = self._confirm_text(self.plan, self.diff, self.impact)
        self.app.push_screen(
            ConfirmScreen(title, body, confirm_label="Apply"), callback=self._start_apply
        )

    def action_roll_back(self) -> None:
        body = (
            f"Puts back the generated files kept in {PREVIOUS_DIR} before the last apply, and "
            "recreates every container of the pod from them. The files they replace are kept "
            "in turn: rolling back again undoes it."
        )
        self.app.push_screen(
            ConfirmScreen(
                f"Roll back project {self.target_project}?", body, "Roll back", danger=True
            ),
            callback=self._start_rollback,
        )

    def action_replan(self) -> None:
        self.replan()

    def action_toggle_diff(self) -> None:
        self.query_one("#diff", DiffView).toggle_mode()

    def action_next_file(self) -> None:
        files = self.query_one("#files", OptionList)
        files.focus()
        files.action_cursor_down()

    def action_previous_file(self) -> None:
        files = self.query_one("#files", OptionList)
        files.focus()
        files.action_cursor_up()

    def action_back(self) -> None:
        if self.phase == "applying":
            self.notify(
                "Apply in progress: wait for it to finish.", title="Apply", severity="warning"
            )
            return
        self.dismiss(self.report)

    @property
    def directory(self) -> Path:
        """The pod directory: every path on the screen is relative to it."""
        return self.pod_file.parent

    @property
    def target_project(self) -> str:
        """The compose project the apply targets."""
        if self.project is not None:
            return self.project
        return self.plan.project if self.plan is not None else self.directory.name

    # What the screen says.

    def _summary(self, content: Content) -> None:
        self.query_one("#summary", Static).update(content)

    def _shown(self, path: str | Path) -> str:
        """``path`` relative to the pod directory when it lies inside it."""
        candidate = Path(path)
        if candidate.is_absolute():
            try:
                candidate = candidate.relative_to(self.directory)
            except ValueError:
                return clean_text(str(path))
        return clean_text(str(candidate))

    def _plan_summary(self, plan: Plan, diff: PlanDiff, impact: Impact | None = None) -> Content:
        lines: list[Content] = []
        if diff.changed:
            counts = _counts(diff)
            lines.append(Content.styled(f"Plan: {counts}", "bold"))
        else:
            lines.append(Content.styled(_NO_CHANGES, "bold"))
            lines.append(Content("Apply starts the pod or verifies that it runs as planned."))
        services: list[Content | str | tuple[str, str]] = []
        for symbol, style, names in (
            ("+", "$success", diff.services_added),
            ("~", "$warning", diff.services_changed),
            ("-", "$error", diff.services_removed),
        ):
            for name in names:
                services += ["  ", (f"{symbol} {clean_text(name)}", style)]
        if services:
            lines.append(Content.assemble("Services:", *services))
        if impact is not None:
            lines.append(Content.styled(clean_text(impact.summary()), "bold"))
            for service in impact.changes:
                style = _IMPACT_STYLES[service.action]
                lines.append(Content.styled(clean_text(f"  {service.line()}"), style))
            for note in impact.notes:
                lines.append(Content.styled(clean_text(f"  note: {note}"), "$text-muted"))
        governance = plan.governance()
        if governance is not None:
            lines.append(Content(clean_text(governance)))
        for build in sorted(plan.images, key=lambda b: (b.service, b.image)):
            lines.append(
                Content(
                    clean_text(
                        f"image {build.image} ({build.service}): {build.reason}, planned from "
                        f"{os.path.relpath(build.clawfile, plan.directory)}"
                    )
                )
            )
        for note in diff.notes:
            lines.append(Content.styled(clean_text(f"on disk: {note}"), "$warning"))
        for warning in sorted(plan.warnings, key=lambda w: (w.line, w.yaml_path, w.detail)):
            where = self._shown(plan.pod.display)
            if warning.line:
                where += f":{warning.line}"
            if warning.yaml_path:
                where += f": {warning.yaml_path}"
            lines.append(
                Content.styled(clean_text(f"warning: {where}: {warning.detail}"), "$warning")
            )
        return Content("\n").join(lines)

    def _problem_rows(self, error: BaseException) -> list[str]:
        if isinstance(error, PodError):
            rows = []
            for problem in error.problems:
                where = self._shown(error.path)
                if problem.line:
                    where += f":{problem.line}"
                if problem.yaml_path:
                    where += f": {problem.yaml_path}"
                rows.append(clean_text(f"{where}: {problem.detail}"))
            return rows
        text = str(error) if isinstance(error, ClawError) else f"{type(error).__name__}: {error}"
        return _lines(text).splitlines()

    def _confirm_text(
        self, plan: Plan, diff: PlanDiff, impact: Impact | None = None
    ) -> tuple[str, str]:
        """``Apply to project demo?`` and what that does: ``0 files to add, 1 to change, 0 to
        remove. Containers (7 of 7 running): recreated: demo-assistant-1. ...``"""
        title = f"Apply to project {self.target_project}?"
        if diff.changed:
            body = _counts(diff) + "."
        else:
            body = "No file changes: this starts the pod or verifies that it runs as planned."
        if impact is not None and impact.known:
            acts = []
            for action, label in _IMPACT_LABELS:
                names = [
                    name
                    for service in impact.acting(action)
                    for name in (service.containers or (service.service,))
                ]
                if names:
                    acts.append(f"{label}: {', '.join(names)}")
            counts = f"{impact.running} of {impact.planned} running"
            body += f" Containers ({counts}): {'; '.join(acts) or 'none changed'}."
        elif impact is not None:
            body += f" {impact.summary()}"
        images = sorted({build.image for build in plan.images})
        if images:
            body += f" Images built first: {', '.join(images)}."
        if diff.changed:
            body += f" The files replaced are kept in {PREVIOUS_DIR}."
        return title, clean_text(body)

    def _show_stages(self, *, done: bool = False) -> None:
        """One row per stage reached: ✓ done, ● running, ✗ failed."""
        rows: list[Content] = []
        reached = [stage for stage in STAGES if stage in self._stages]
        for stage in reached:
            if stage == self._failed_stage:
                icon, style = "✗", "bold $error"
            elif done or stage != reached[-1] or self._failed_stage is not None:
                icon, style = "✓", "$success"
            else:
                icon, style = "●", "bold $accent"
            rows.append(
                Content.assemble((icon, style), " ", (stage.ljust(9), "bold"), self._stages[stage])
            )
        if not rows:
            rows.append(Content.styled("Starting…", "$text-muted"))
        self.query_one("#stages", Static).update(Content("\n").join(rows))

    def _show_results(self, report: ApplyReport) -> None:
        table = self.query_one("#results", DataTable)
        table.clear(columns=True)
        table.add_columns("Service", "Type", "Action", "Containers", "Check")
        for outcome in sorted(report.services, key=lambda o: o.service):
            check = "ok" if outcome.ok else "FAILED: " + "; ".join(outcome.problems)
            if outcome.action == "removed":
                check = "-"
            table.add_row(
                *(
                    Text(clean_text(cell))
                    for cell in (
                        outcome.service,
                        outcome.claw_type or "-",
                        outcome.action,
                        ", ".join(outcome.containers) or "-",
                        check,
                    )
                )
            )
        table.display = bool(report.services)

    def _report_summary(self, report: ApplyReport) -> Content:
        parts: list[Content | str | tuple[str, str]] = []
        if report.ok:
            parts.append((f"Applied: project {report.project} is up.", "bold $success"))
        else:
            failed = ", ".join(sorted(o.service for o in report.failures))
            parts.append(
                (f"Applied to project {report.project} with failures in: {failed}", "bold $error")
            )
        if report.built:
            parts.append(f"\nBuilt: {', '.join(report.built)}.")
        if report.previous is not None:
            parts.append(f"\nThe previous generation is kept in {self._shown(report.previous)}.")
        else:
            parts.append("\nNo generated file changed: no previous generation was kept.")
        for note in report.notes:
            parts.append((f"\nnote: {clean_text(note)}", "$text-muted"))
        parts.append(("\nPress r to plan again.", "$text-muted"))
        return Content.assemble(*parts)


def _counts(diff: PlanDiff) -> str:
    counts = {kind: sum(1 for c in diff.files if c.kind == kind) for kind in SYMBOLS}
    return (
        f"{counts['add']} files to add, {counts['change']} to change, {counts['remove']} to remove"
    )


def _lines(text: str) -> str:
    """Several lines of a message made safe to show, secrets masked."""
    return "\n".join(clean_text(line) for line in mask_secrets(text).strip().splitlines())


def _output_line(masker: StreamMasker, text: str) -> str:
    """A command's output line made safe to show: colours dropped, secrets masked in the
    context of the lines before it."""
    return clean_text(masker.mask(_ANSI.sub("", text.rstrip("\r\n"))))
