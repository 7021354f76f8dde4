"""The pod view: the tree on the left, the selected node's logs, health, config, inspect data
and costs on the right, the engine and plan state underneath.

What the view knows is one :class:`~clawtui.state.PodState`, replaced on every change by the
screen's message handlers; everything that touches the engine or the disk runs in thread workers
and comes back as one of the screen's messages. An :class:`~clawtui.watch.EngineWatcher` keeps
the containers current from the engine's event stream (and reconnects with back-off when the
engine goes away), a worker probes health on a slow interval or on demand, one plans the pod
file. The tree is drawn from the plan (what should run) joined with the containers (what runs),
so it shows the pod even with no engine at all. The detail tabs are declared in
:data:`DETAIL_TABS`; only the visible one is shown each change (see
:class:`~clawtui.widgets.detail_pane.DetailPane`).
"""

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, TabbedContent, TabPane, Tabs, Tree
from textual.worker import Worker, WorkerState

from clawlib.engine import ContainerRecord, LogItem, LogSource
from clawlib.errors import ClawError, PodError
from clawlib.lifecycle import ApplyReport, ContainerHealth, locate
from clawlib.planner import Plan, PlanDiff

from ..backend import Action, Feed, PodBackend
from ..editor import editor_argv
from ..model import PlannedService, planned_services
from ..state import HEALTH_INTERVAL, POD_KEY, PodState, Selection
from ..watch import (
    RETRY_MAX,
    EngineConnected,
    EngineLost,
    EngineReport,
    EngineWatcher,
    engine_problem,
    inputs_stamp,
)
from ..widgets.config_pane import ConfigPane
from ..widgets.costs_pane import CostsPane
from ..widgets.detail_pane import DetailPane, DetailTab
from ..widgets.health_pane import HealthPane
from ..widgets.inspect_pane import InspectPane
from ..widgets.key_footer import KeyFooter
from ..widgets.log_pane import LogPane, OpenFeed
from ..widgets.pod_tree import PodTree
from ..widgets.status_bar import StatusBar

__all__ = ["DETAIL_TABS", "MainScreen"]

WATCH_INTERVAL = 2.0
"""Seconds between looks at the pod file's modification time."""
NARROW = 100
"""Terminals narrower than this many columns are narrow: the tree gives up width to the logs."""


def _log_feed(backend: PodBackend) -> OpenFeed:
    """The log pane's way to open the logs of containers, through ``backend``."""

    def open_feed(
        sources: Sequence[LogSource], tail: int | None, since: datetime | None
    ) -> Feed[LogItem]:
        return backend.logs(sources, tail=tail, since=since)

    return open_feed


DETAIL_TABS: tuple[DetailTab, ...] = (
    DetailTab("logs", "Logs", lambda backend: LogPane(open_feed=_log_feed(backend), id="log-pane")),
    DetailTab("health", "Health", lambda _: HealthPane(id="health-pane")),
    DetailTab("config", "Config", lambda _: ConfigPane(id="config-pane")),
    DetailTab("inspect", "Inspect", lambda b: InspectPane(inspect=b.inspect, id="inspect-pane")),
    DetailTab("costs", "Costs", lambda b: CostsPane(open_feed=_log_feed(b), id="costs-pane")),
)
"""The detail area's tabs, in order: the key 1 picks the first."""


class MainScreen(Screen[None]):
    """The live view of one pod."""

    HELP_GROUP = "Pod view"
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012 (declared so by Textual's Screen)
        (0, "-narrow"),
        (NARROW, "-wide"),
    ]
    """Below :data:`NARROW` columns the tree takes a smaller share of the width (app.tcss)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "plan", "Plan", tooltip="Re-plan, preview the diff, apply", id="main.plan"),
        Binding(
            "e",
            "edit",
            "Edit",
            tooltip="Open the pod file in $EDITOR",
            show=False,
            id="main.edit",
        ),
        Binding("E", "problems", "Problems", tooltip="The pod file's problems", id="main.problems"),
        Binding(
            "H",
            "probe",
            "Probe",
            tooltip="Probe every container's health now",
            show=False,
            id="main.probe",
        ),
        Binding("r", "act('restart')", "Restart", id="main.restart"),
        Binding("S", "act('stop')", "Stop", id="main.stop"),
        Binding("u", "act('start')", "Start", id="main.start"),
        Binding("b", "act('rebuild')", "Rebuild", show=False, id="main.rebuild"),
        Binding("s", "shell", "Shell", id="main.shell"),
        Binding(
            "D", "down", "Down", tooltip="Bring the whole pod down", show=False, id="main.down"
        ),
        Binding(
            "z",
            "zoom",
            "Zoom",
            tooltip="The detail area at full width, the tree hidden; again to come back",
            id="main.zoom",
        ),
        # The Config pane's own keys, from wherever the focus is while its tab shows.
        Binding("left_square_bracket", "config_file(-1)", "Previous file", show=False),
        Binding("right_square_bracket", "config_file(1)", "Next file", show=False),
        *(
            Binding(
                str(number),
                f"tab('{tab.id}')",
                f"{tab.label} tab",
                show=False,
                id=f"main.tab.{tab.id}",
            )
            for number, tab in enumerate(DETAIL_TABS, 1)
        ),
    ]

    @dataclass
    class AppliedLoaded(Message, bubble=False):
        """The generated compose file on disk was read: the project and services last applied
        (``project`` None when the pod was never applied)."""

        project: str | None
        planned: tuple[PlannedService, ...]

    @dataclass
    class Planned(Message, bubble=False):
        """The pod file was planned, and the plan compared with the disk (both in a worker)."""

        plan: Plan
        diff: PlanDiff

    @dataclass
    class PlanFailed(Message, bubble=False):
        """The pod file could not be planned (``error`` is usually a PodError)."""

        error: ClawError

    @dataclass
    class PodFilesChanged(Message, bubble=False):
        """A file the plan reads (the pod file, a Clawfile, a contract...) changed."""

    @dataclass
    class EngineChecked(Message, bubble=False):
        """The engine was asked whether it answers (``problem`` None: it does)."""

        problem: str | None

    @dataclass
    class EngineReported(Message, bubble=False):
        """The engine watcher reported a change (see :data:`~clawtui.watch.EngineReport`)."""

        report: EngineReport

    @dataclass
    class HealthProbed(Message, bubble=False):
        """A round of health probes finished."""

        results: tuple[ContainerHealth, ...]

    @dataclass
    class ActionFinished(Message, bubble=False):
        """A compose action (restart, stop, start, rebuild, down) ended."""

        action: str
        target: str
        output: tuple[str, ...]
        error: ClawError | None = None

    def __init__(self, backend: PodBackend, pod_file: Path) -> None:
        super().__init__()
        self.backend = backend
        self.pod_file = pod_file
        self.directory = pod_file.parent
        self.state = PodState(self.directory.name)
        """What the view knows; replaced (never changed) by the handlers."""
        self._key = POD_KEY
        """The key of the tree node selected."""
        self._panes: dict[str, DetailPane] = {}
        self._watcher: EngineWatcher | None = None
        self._inputs: tuple[int, int] | None = None
        """The stamp of the pod's files at the last look (by the plan or the watcher)."""
        self._shown_problems = False

    # Read-only views of the state, for tests and other screens.

    @property
    def plan(self) -> Plan | None:
        return self.state.plan

    @property
    def project(self) -> str | None:
        return self.state.project

    @property
    def health(self) -> Mapping[str, tuple[ContainerHealth, ...]]:
        return self.state.health

    @property
    def selected(self) -> str:
        """The key of the selected tree node."""
        return self._key

    @property
    def selection(self) -> Selection:
        return Selection.of(self._key, self.state)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            yield PodTree(self.directory.name, id="tree")
            with TabbedContent(id="detail", initial=DETAIL_TABS[0].id):
                for tab in DETAIL_TABS:
                    with TabPane(tab.label, id=tab.id):
                        pane = self._panes[tab.id] = tab.make(self.backend)
                        yield pane
        yield StatusBar(id="status")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        # Tab goes from the tree straight into the shown pane; number keys and the mouse pick tabs.
        self.query_one(TabbedContent).query_one(Tabs).can_focus = False
        self._refresh_tree()
        self.query_one(PodTree).focus()
        # The first frame first: reading the pod, planning and the engine follow it.
        self.call_after_refresh(self._start)
        self.set_interval(HEALTH_INTERVAL, self.action_probe)
        self.set_interval(WATCH_INTERVAL, self.check_inputs)

    def _start(self) -> None:
        self.load_applied()
        self.replan()

    def on_unmount(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()

    def _replace(self, state: PodState) -> None:
        """Take ``state`` as what the view knows; the status bar says it at once."""
        self.state = state
        status = self.query_one(StatusBar)
        status.engine, status.engine_detail = state.engine, state.engine_detail
        status.project = state.project or ""
        status.plan_state, status.plan_level = state.plan_status()

    # Planning.

    @work(thread=True, exclusive=True, group="applied", exit_on_error=False)
    def load_applied(self) -> None:
        """What was last applied (the generated file on disk): the tree and the project until
        the plan arrives, and all there is when the pod file cannot be planned."""
        try:
            target = locate(self.directory)
        except ClawError:  # not applied, or its generated file unreadable
            self.post_message(self.AppliedLoaded(None, ()))
            return
        planned = planned_services(target.compose)
        self.post_message(self.AppliedLoaded(target.project, planned))

    def on_main_screen_applied_loaded(self, message: AppliedLoaded) -> None:
        if self.project is None and message.project is None:
            self.check_engine()  # nothing to watch until a plan names the project
            return
        if self.project is not None or message.project is None:
            return  # the plan came first and said it all
        self._replace(self.state.with_applied(message.project, message.planned))
        if self.plan is None:
            self._refresh_tree()
        self.watch_engine(message.project)

    @work(thread=True, exclusive=True, group="plan", exit_on_error=False)
    def replan(self) -> None:
        self._inputs = inputs_stamp(self.directory)  # what this plan reads
        try:
            plan = self.backend.plan(self.pod_file)
            diff = plan.diff()
        except ClawError as exc:
            self.post_message(self.PlanFailed(exc))
            return
        self.post_message(self.Planned(plan, diff))

    def on_main_screen_planned(self, message: Planned) -> None:
        plan = message.plan
        project = self.project
        self._replace(self.state.with_plan(plan, message.diff))
        self.app.sub_title = f"{plan.pod.name} · {self.directory.name}/{self.pod_file.name}"
        self.refresh_bindings()  # "Problems" is offered only while there are some
        if plan.project != project:
            self.watch_engine(plan.project)
        self._refresh_tree()
        self._show_detail()

    def on_main_screen_plan_failed(self, message: PlanFailed) -> None:
        self._replace(self.state.with_plan_error(message.error))
        self.refresh_bindings()
        if self.project is None:  # never applied: nothing to watch, the tree is empty
            self._refresh_tree()
        if not self._shown_problems:
            self._shown_problems = True
            self.action_problems()

    @work(thread=True, exclusive=True, group="inputs", exit_on_error=False)
    def check_inputs(self) -> None:
        """Has any file the plan reads changed since the last look? (The first look sets the
        baseline.)"""
        stamp = inputs_stamp(self.directory)
        before, self._inputs = self._inputs, stamp
        if before is not None and stamp != before:
            self.post_message(self.PodFilesChanged())

    def on_main_screen_pod_files_changed(self, message: PodFilesChanged) -> None:
        if self.state.plan_stale:
            return
        self._replace(self.state.with_stale_plan())
        self.notify("The pod's files changed: press p to see the new plan.")

    # The engine.

    @work(thread=True, exclusive=True, group="engine-check", exit_on_error=False)
    def check_engine(self) -> None:
        """Whether the engine answers, for the status bar, while there is no project."""
        self.post_message(self.EngineChecked(engine_problem(self.backend)))

    def on_main_screen_engine_checked(self, message: EngineChecked) -> None:
        if self.project is not None:
            return  # the engine watcher has taken over
        self._replace(self.state.with_engine_checked(message.problem))
        self._refresh_tree()

    def watch_engine(self, project: str) -> None:
        """Watch ``project``'s containers from now on (and no other project's), in a thread
        worker of the ``engine`` group."""
        if self._watcher is not None:
            self._watcher.stop()
        watcher = self._watcher = EngineWatcher(self.backend, project, self._engine_reported)
        self.run_worker(
            watcher.run,
            name="watch_engine",
            group="engine",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def _engine_reported(self, report: EngineReport) -> None:
        """The watcher's report, on the watcher's thread: handed over to the UI's."""
        self.post_message(self.EngineReported(report))

    def on_main_screen_engine_reported(self, message: EngineReported) -> None:
        report = message.report
        if isinstance(report, EngineLost):
            was_up = self.state.engine_up
            self._replace(self.state.with_engine_lost(report.reason, report.retry_in))
            if was_up:  # what runs is not known any more: no stale states in the tree
                self._refresh_tree()
            return
        # A container that started, stopped, was renamed (compose's recreate) or whose
        # healthcheck changed its verdict is probed at once: the Health tab never contradicts
        # the tree.
        changed = _judged(report.containers) - _judged(self.state.containers)
        if isinstance(report, EngineConnected):
            self._replace(self.state.with_engine_connected(report.containers))
        else:
            self._replace(self.state.with_containers(report.containers))
        self._refresh_tree()
        self._show_detail()
        if changed:
            self.action_probe()
        if isinstance(report, EngineConnected):  # and all of them when the engine answers
            self.action_probe()

    # Health.

    def action_probe(self) -> None:
        """Probe every container of the project now."""
        if self.state.engine_up and self.state.containers:
            self.probe(self.state.containers)

    @work(thread=True, exclusive=True, group="probe", exit_on_error=False)
    def probe(self, containers: Sequence[ContainerRecord]) -> None:
        try:
            results = self.backend.probe(containers)
        except ClawError:
            return  # the engine watcher says what happened to the engine
        self.post_message(self.HealthProbed(results))

    def on_main_screen_health_probed(self, message: HealthProbed) -> None:
        # A round that started before a container changed may answer after the round its
        # change set off: a verdict on the container as it no longer is would undo the newer.
        current = {c.name: c for c in self.state.containers}
        results = [
            r for r in message.results if _same_run(r.container, current.get(r.container.name))
        ]
        self._replace(self.state.with_health(results))
        self._refresh_tree()
        self._show_visible()

    # The tree and the detail.

    def _refresh_tree(self) -> None:
        state = self.state
        self.query_one(PodTree).show(
            state.name,
            state.groups,
            state.latest_health(),
            datetime.now(UTC),
            state.tree_note(),
            engine_up=state.engine_up,
        )

    @on(Tree.NodeHighlighted, "#tree")
    def _node_highlighted(self, message: Tree.NodeHighlighted[str]) -> None:
        key = message.node.data or POD_KEY
        if key != self._key:
            self._key = key
            self._show_detail()

    @on(TabbedContent.TabActivated, "#detail")
    def _tab_activated(self) -> None:
        self._focus_visible()
        self._show_visible()

    def _focus_visible(self) -> None:
        """Keep the focus out of hidden tabs: from a pane whose tab was left, to the shown pane's
        first widget that takes it (the tree when it has none), at once."""
        focused = self.focused
        detail = self.query_one(TabbedContent)
        if focused is None or detail not in focused.ancestors:
            return
        pane = self._panes.get(detail.active)
        if pane is not None and pane in focused.ancestors_with_self:
            return
        chain = [w for w in self.focus_chain if pane is not None and pane in w.ancestors]
        self.set_focus(chain[0] if chain else self.query_one(PodTree))

    def _show_detail(self) -> None:
        """The selection, or what it covers, changed: tell the panes that follow it, and the
        visible one."""
        selection = self.selection
        for pane in self._panes.values():
            if pane.FOLLOWS:
                pane.show_selection(selection, self.state)
        self._show_visible(selection)

    def _show_visible(self, selection: Selection | None = None) -> None:
        """Show the visible pane (the hidden ones are shown when their tab comes up)."""
        pane = self._panes.get(self.query_one(TabbedContent).active)
        if pane is not None and not pane.FOLLOWS:
            pane.show_selection(selection or self.selection, self.state)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that died of something other than a ClawError (a bug, or an engine answer
        nobody foresaw): say so rather than let the view go quietly stale, and keep watching."""
        worker = event.worker
        if event.state != WorkerState.ERROR or worker.error is None:
            return
        error = worker.error
        self.notify(
            f"{type(error).__name__}: {error}", title=f"{worker.name} failed", severity="error"
        )
        if worker.group == "engine" and self.project is not None:
            self.set_timer(RETRY_MAX, lambda: self.watch_engine(self.project or ""))

    # Actions.

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "problems":
            return self.state.plan_error is not None
        if action == "config_file":
            return self.query_one(TabbedContent).active == "config"
        return True

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        self._focus_visible()  # before the next key, not when the tab says it was activated

    def action_config_file(self, step: int) -> None:
        pane = self._panes["config"]
        if isinstance(pane, ConfigPane):
            pane.step(step)

    def action_zoom(self) -> None:
        """Give the detail area the whole width (the tree hidden), or give the tree back."""
        tree = self.query_one(PodTree)
        zoomed = tree.display
        tree.display = not zoomed
        self.query_one(StatusBar).zoomed = zoomed
        if zoomed and (self.focused is tree or self.focused is None):
            pane = self._panes.get(self.query_one(TabbedContent).active)
            if pane is not None:
                pane.focus()
            if self.focused is tree or self.focused is None:  # a pane that takes no focus
                self.set_focus(None)
                self.focus_next()

    def action_plan(self) -> None:
        from .plan import PlanScreen

        def done(report: ApplyReport | None) -> None:
            self.replan()
            if report is not None:
                self._action_done(_report_summary(report))

        self.app.push_screen(PlanScreen(self.backend, self.pod_file, self.project), done)

    def action_problems(self) -> None:
        error = self.state.plan_error
        if error is None:
            self.notify("The pod file has no problems.")
            return
        from .problems import ProblemsScreen

        def done(choice: str | None) -> None:
            if choice == "edit":
                self.action_edit()
            elif choice == "replan":
                self.replan()

        shown = f"{self.directory.name}/{self.pod_file.name}"
        self.app.push_screen(ProblemsScreen(error, self.pod_file, shown), done)

    def action_edit(self) -> None:
        """Open the pod file in $VISUAL / $EDITOR (at the first problem's line), re-plan after."""
        line = 0
        error = self.state.plan_error
        if isinstance(error, PodError) and error.problems:
            line = error.problems[0].line
        try:
            argv = editor_argv(self.pod_file, line)
        except ValueError as exc:
            self.notify(str(exc), title="Cannot open the editor", severity="error")
            return
        if argv is None:
            self.notify("Set $EDITOR to edit the pod file from here.", severity="warning")
            return
        status = self._hand_over(argv, "the editor")
        if status is None:
            return
        if status != 0:
            self.notify(
                f"The editor failed: {shlex.join(argv)} exited with status {status}",
                severity="error",
            )
        self._shown_problems = False
        self.replan()

    def action_act(self, action: Action) -> None:
        """Run ``action`` on the selected node; on the whole pod, or a rebuild, ask first."""
        selection = self.selection
        title, services = selection.title, selection.services
        if self.project is None:
            self.notify("The pod has not been applied yet: press p to plan and apply.")
            return
        if action != "rebuild" and self.state.engine_up and not selection.containers:
            self._offer_to_apply(action, title)
            return

        def run(confirmed: bool | None = True) -> None:
            if confirmed:
                self.query_one(StatusBar).say(f"{action} {title}…", lasting=True)
                self.run_compose_action(action, title, services)

        if services and action != "rebuild":
            run()
            return
        from .confirm import ConfirmScreen

        what = f"every service of {self.project}" if not services else ", ".join(services)
        body = {
            "rebuild": self._rebuild_text(services, what),
            "stop": f"Stops the containers of {what}.",
            "start": f"Starts the stopped containers of {what}.",
            "restart": f"Restarts the containers of {what}.",
        }[action]
        # Stopping, restarting or recreating running containers: enter alone does not confirm.
        danger = action != "start"
        label = action.capitalize()
        self.app.push_screen(ConfirmScreen(f"{label} {title}?", body, label, danger=danger), run)

    def _rebuild_text(self, services: tuple[str, ...], what: str) -> str:
        """What a rebuild of ``services`` (none: all) does: which images claw builds (a
        Clawfile's, a plain ``build:``, claw's own proxy image) and which it only recreates."""
        from clawlib.images import is_local_proxy_image

        names = services or tuple(service.name for service in self.state.planned)
        built: list[str] = []
        kept: list[str] = []
        for name in names:
            definition = self.state.planned_service(name) or {}
            image = definition.get("image")
            local = isinstance(image, str) and is_local_proxy_image(image)
            (built if "build" in definition or local else kept).append(name)
        if not kept:
            return f"Builds the images of {what} again and recreates their containers."
        if not built:
            return f"Recreates the containers of {what} (their images are not built here)."
        return (
            f"Builds the images of {', '.join(built)} again and recreates their containers; "
            f"recreates those of {', '.join(kept)} (their images are not built here)."
        )

    def _offer_to_apply(self, action: Action, title: str) -> None:
        """compose starts, stops and restarts containers that exist: the node has none (the pod
        is down, or the service was never created), so say so and offer the plan and apply
        that creates them."""
        from .confirm import ConfirmScreen

        planned = sum(len(group.rows) for group in self.state.groups if group.planned)
        if not self.state.containers:
            heading = f"Project {self.project} is down"
            why = f"none of the pod's {planned} containers exists"
        else:
            heading = f"{title} has no container"
            why = f"{len(self.state.containers)} of the pod's {planned} containers exist"
        body = (
            f"{title} has no container to {action}: {why}. Plan and apply the pod (as claw up "
            "does) to create them?"
        )

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self.action_plan()

        self.app.push_screen(ConfirmScreen(heading, body, "Plan"), done)

    @work(thread=True, group="actions", exit_on_error=False)
    def run_compose_action(self, action: Action, title: str, services: tuple[str, ...]) -> None:
        output: list[str] = []
        project = self.project or ""
        try:
            self.backend.act(action, self.directory, project, services, output.append)
        except ClawError as exc:
            self.post_message(self.ActionFinished(action, title, tuple(output), exc))
            return
        self.post_message(self.ActionFinished(action, title, tuple(output)))

    def on_main_screen_action_finished(self, message: ActionFinished) -> None:
        if message.error is not None:
            status = self.query_one(StatusBar)
            status.say(f"{message.action} {message.target} failed", lasting=True)
            self.notify(str(message.error), title=f"{message.action} failed", severity="error")
            return
        self._action_done(f"{message.action} {message.target}: done")

    def _action_done(self, text: str) -> None:
        self.query_one(StatusBar).say(text)
        self.notify(text)

    def action_down(self) -> None:
        from .confirm import ConfirmScreen

        if self.project is None:
            self.notify("The pod has not been applied: nothing to bring down.")
            return

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self.query_one(StatusBar).say("down…", lasting=True)
                self.run_compose_action("down", self.project or "", ())

        self.app.push_screen(
            ConfirmScreen(
                f"Down project {self.project}?",
                "Stops and removes every container and network of the pod "
                "(named volumes are kept).",
                "Down",
                danger=True,
            ),
            done,
        )

    def action_shell(self) -> None:
        selection = self.selection
        container = selection.container
        if container is None and not selection.is_pod:
            running = [c for c in selection.containers if c.running]
            container = running[0] if running else None
        if container is None or not container.running:
            self.notify("Select a running container to open a shell in.", severity="warning")
            return
        argv = self.backend.shell_argv(container)
        # The shell's exit status is its last command's: not a failure to report.
        self._hand_over(argv, "a shell", f"Shell in {container.name}; exit to return to claw.")

    def _hand_over(self, argv: list[str], what: str, intro: str = "") -> int | None:
        """Run ``argv`` on the terminal while the app is suspended: its exit status, or None
        (and said why, with the command) if it could not run."""
        failure = ""
        status: int | None = None
        try:
            with self.app.suspend():
                # Nothing may escape this block: the app resumes only when it ends normally.
                try:
                    if intro:
                        print(intro, flush=True)
                    status = subprocess.run(argv, check=False).returncode
                except (OSError, ValueError) as exc:  # not found, not executable, a NUL byte
                    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
                    failure = f"Cannot run {what}: {shlex.join(argv)}: {reason}"
        except SuspendNotSupported:
            failure = f"This terminal cannot hand over to {what}."
        if failure:
            self.notify(failure, severity="error")
            return None
        return status


def _same_run(probed: ContainerRecord, now: ContainerRecord | None) -> bool:
    """Whether ``probed`` is still the container ``now`` is, in the same state (the engine's
    list may lag: a container not listed yet is taken as it was probed)."""
    if now is None:
        return True
    return (probed.id, probed.state, probed.started_at) == (now.id, now.state, now.started_at)


def _judged(records: tuple[ContainerRecord, ...]) -> set[tuple[str, str, str, str | None]]:
    """What a container's health verdict depends on, for each of ``records``."""
    return {(c.id, c.name, c.state, c.health) for c in records}


def _report_summary(report: ApplyReport) -> str:
    changed = [o for o in report.services if o.action != "unchanged"]
    if not report.ok:
        return f"applied with problems: {', '.join(o.service for o in report.failures)}"
    return f"applied: {len(changed)} service{'s' if len(changed) != 1 else ''} changed"
