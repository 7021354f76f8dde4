"""The pod view: the tree on the left, the selected node's logs, health, config and inspect
data on the right, the engine and plan state underneath.

Everything that touches the engine runs in thread workers and comes back as a message
(:mod:`clawtui.messages`): one worker keeps the containers current from the engine's event
stream (and reconnects with back-off when the engine goes away), one probes health on a slow
interval or on demand, one plans the pod file. The tree is drawn from the plan (what should run)
joined with the containers (what runs), so it shows the pod even with no engine at all.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import threading
from collections import deque
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, TabbedContent, TabPane, Tabs, Tree
from textual.worker import Worker, WorkerState, get_current_worker

from clawlib.engine import ContainerRecord, LogEnded, LogLine, LogSource
from clawlib.errors import ClawError, ContainerNotFoundError, PodError
from clawlib.lifecycle import ApplyReport, ContainerHealth, LiveContainers, locate
from clawlib.planner import Plan, PlanDiff
from clawlib.runtime import ResolvedClaw

from ..backend import Action, Feed, PodBackend
from ..messages import (
    ActionFinished,
    AppliedLoaded,
    ContainersChanged,
    EngineChecked,
    EngineConnected,
    EngineLost,
    HealthProbed,
    InspectLoaded,
    PlanFailed,
    PlanLoaded,
    PodFilesChanged,
)
from ..model import (
    PlannedService,
    ServiceGroup,
    config_files,
    planned_services,
    pod_groups,
)
from ..watch import inputs_stamp
from ..widgets.config_pane import ConfigPane
from ..widgets.health_pane import HealthEntry, HealthPane
from ..widgets.inspect_pane import InspectPane
from ..widgets.log_pane import LogPane
from ..widgets.pod_tree import POD_KEY, PodTree
from ..widgets.status_bar import StatusBar

__all__ = ["MainScreen"]

HEALTH_INTERVAL = 10.0
"""Seconds between health probe rounds (probes also run on demand and after changes)."""
HISTORY = 30
"""Probe results kept per container for the health timeline."""
WATCH_INTERVAL = 2.0
"""Seconds between looks at the pod file's modification time."""
_RETRY_FIRST = 1.0
_RETRY_MAX = 10.0
_EVENT_WAIT = 0.5


class MainScreen(Screen[None]):
    """The live view of one pod."""

    HELP_GROUP = "Pod view"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "plan", "Plan", tooltip="Re-plan, preview the diff, apply", id="main.plan"),
        Binding("e", "edit", "Edit", tooltip="Open the pod file in $EDITOR", id="main.edit"),
        Binding("E", "problems", "Problems", tooltip="The pod file's problems", id="main.problems"),
        Binding(
            "H", "probe", "Probe", tooltip="Probe every container's health now", id="main.probe"
        ),
        Binding("r", "act('restart')", "Restart", id="main.restart"),
        Binding("S", "act('stop')", "Stop", id="main.stop"),
        Binding("u", "act('start')", "Start", id="main.start"),
        Binding("b", "act('rebuild')", "Rebuild", id="main.rebuild"),
        Binding("s", "shell", "Shell", id="main.shell"),
        Binding("D", "down", "Down", tooltip="Bring the whole pod down", id="main.down"),
        Binding("1", "tab('logs')", "Logs tab", show=False, id="main.tab.logs"),
        Binding("2", "tab('health')", "Health tab", show=False, id="main.tab.health"),
        Binding("3", "tab('config')", "Config tab", show=False, id="main.tab.config"),
        Binding("4", "tab('inspect')", "Inspect tab", show=False, id="main.tab.inspect"),
    ]

    def __init__(self, backend: PodBackend, pod_file: Path) -> None:
        super().__init__()
        self.backend = backend
        self.pod_file = pod_file
        self.directory = pod_file.parent
        self.plan: Plan | None = None
        self.plan_diff: PlanDiff | None = None
        """How :attr:`plan` differs from the disk (computed with it, in the worker)."""
        self.plan_error: ClawError | None = None
        self.plan_stale = False
        self.planned: tuple[PlannedService, ...] = ()
        self.project: str | None = None
        self.containers: tuple[ContainerRecord, ...] = ()
        self.engine_up = False
        self.health: dict[str, deque[ContainerHealth]] = {}
        self.selected = POD_KEY
        self._grouped: (
            tuple[tuple[PlannedService, ...], tuple[ContainerRecord, ...], tuple[ServiceGroup, ...]]
            | None
        ) = None
        self._inspected: str | None = None
        """The node the Inspect tab shows the engine's view of."""
        self._followed: tuple[str, tuple[str, ...]] | None = None
        """The node whose logs are followed, and its containers (ID and name) then."""
        self._wake = threading.Event()
        self._inputs: tuple[int, int] | None = None
        """The stamp of the pod's files at the last look (by the plan or the watcher)."""
        self._shown_problems = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            yield PodTree(self.directory.name, id="tree")
            with TabbedContent(id="detail", initial="logs"):
                with TabPane("Logs", id="logs"):
                    yield LogPane(id="log-pane")
                with TabPane("Health", id="health"):
                    yield HealthPane(id="health-pane")
                with TabPane("Config", id="config"):
                    yield ConfigPane(id="config-pane")
                with TabPane("Inspect", id="inspect"):
                    yield InspectPane(id="inspect-pane")
        yield StatusBar(id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        # Tab goes from the tree straight into the shown pane; 1-4 and the mouse pick tabs.
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
        self._wake.set()

    # Planning.

    @work(thread=True, exclusive=True, group="applied", exit_on_error=False)
    def load_applied(self) -> None:
        """What was last applied (the generated file on disk): the tree and the project until
        the plan arrives, and all there is when the pod file cannot be planned."""
        try:
            target = locate(self.directory)
        except ClawError:  # not applied, or its generated file unreadable
            self.post_message(AppliedLoaded(None, ()))
            return
        planned = planned_services(target.compose)
        self.post_message(AppliedLoaded(target.project, planned))

    def on_applied_loaded(self, message: AppliedLoaded) -> None:
        if self.project is None and message.project is None:
            self.check_engine()  # nothing to watch until a plan names the project
            return
        if self.project is not None or message.project is None:
            return  # the plan came first and said it all
        self.project = message.project
        self.query_one(StatusBar).project = message.project
        if self.plan is None:
            self.planned = message.planned
            self._refresh_tree()
        self.watch_engine(message.project)

    @work(thread=True, exclusive=True, group="plan", exit_on_error=False)
    def replan(self) -> None:
        self._inputs = inputs_stamp(self.directory)  # what this plan reads
        try:
            plan = self.backend.plan(self.pod_file)
            diff = plan.diff()
        except ClawError as exc:
            self.post_message(PlanFailed(exc))
            return
        self.post_message(PlanLoaded(plan, diff))

    def on_plan_loaded(self, message: PlanLoaded) -> None:
        plan = message.plan
        self.plan, self.plan_error, self.plan_stale = plan, None, False
        self.plan_diff = message.diff
        types = {name: claw.claw_type for name, claw in plan.claws.items()}
        self.planned = planned_services(plan.compose, types)
        self.app.sub_title = f"{plan.pod.name} · {self.directory.name}/{self.pod_file.name}"
        self._update_plan_state()
        if plan.project != self.project:
            self.project = plan.project
            self.query_one(StatusBar).project = plan.project
            self.watch_engine(plan.project)
        self._refresh_tree()
        self._show_detail()

    def on_plan_failed(self, message: PlanFailed) -> None:
        self.plan_error, self.plan_stale = message.error, False
        self._update_plan_state()
        if self.project is None:  # never applied: nothing to watch, the tree is empty
            self._refresh_tree()
        if not self._shown_problems:
            self._shown_problems = True
            self.action_problems()

    def _update_plan_state(self) -> None:
        self.refresh_bindings()  # "Problems" is offered only while there are some
        status = self.query_one(StatusBar)
        if self.plan_error is not None:
            count = len(self.plan_error.problems) if isinstance(self.plan_error, PodError) else 1
            noun = "problem" if count == 1 else "problems"
            status.plan_state, status.plan_level = f"pod file: {count} {noun} (E)", "error"
        elif self.plan_stale:
            status.plan_state, status.plan_level = (
                "pod changed: plan out of date (p)",
                "warning",
            )
        elif self.plan is not None and self.plan_diff is not None:
            diff = self.plan_diff
            if diff.changed:
                kinds = [change.kind for change in diff.files]
                status.plan_state = (
                    f"plan: {kinds.count('add')} to add, {kinds.count('change')} to change, "
                    f"{kinds.count('remove')} to remove (p to preview)"
                )
                status.plan_level = "warning"
            else:
                status.plan_state, status.plan_level = "generated files up to date", "ok"
            if self.plan.warnings:
                count = len(self.plan.warnings)
                status.plan_state += f" · {count} warning{'s' if count != 1 else ''}"

    @work(thread=True, exclusive=True, group="inputs", exit_on_error=False)
    def check_inputs(self) -> None:
        """Has any file the plan reads changed since the last look? (The first look sets the
        baseline.)"""
        stamp = inputs_stamp(self.directory)
        before, self._inputs = self._inputs, stamp
        if before is not None and stamp != before:
            self.post_message(PodFilesChanged())

    def on_pod_files_changed(self, message: PodFilesChanged) -> None:
        if self.plan_stale:
            return
        self.plan_stale = True
        self._update_plan_state()
        self.notify("The pod's files changed: press p to see the new plan.")

    # The engine.

    @work(thread=True, exclusive=True, group="engine-check", exit_on_error=False)
    def check_engine(self) -> None:
        """Whether the engine answers, for the status bar, while there is no project."""
        try:
            self.backend.ping()
        except ClawError as exc:
            self.post_message(EngineChecked(_reason(exc)))
            return
        self.post_message(EngineChecked(None))

    def on_engine_checked(self, message: EngineChecked) -> None:
        if self.project is not None:
            return  # the engine watcher has taken over
        self.engine_up = message.problem is None
        self._refresh_tree()
        status = self.query_one(StatusBar)
        if message.problem is None:
            status.engine, status.engine_detail = "connected", "the pod has not been applied yet"
        else:
            status.engine, status.engine_detail = "unreachable", message.problem

    @work(thread=True, exclusive=True, group="engine", exit_on_error=False)
    def watch_engine(self, project: str) -> None:
        """List the project's containers, then follow its events; on any engine failure say
        so and try again, backing off from 1 s to 10 s."""
        worker = get_current_worker()
        delay = _RETRY_FIRST
        while not worker.is_cancelled:
            try:
                live = LiveContainers(project, self.backend.containers(project))
                feed = self.backend.events(project)
            except ClawError as exc:
                self.post_message(EngineLost(_reason(exc), delay))
                self._wake.wait(delay)
                delay = min(delay * 2, _RETRY_MAX)
                continue
            delay = _RETRY_FIRST
            self.post_message(EngineConnected(live.containers))
            try:
                while not worker.is_cancelled:
                    batch = feed.get_batch(timeout=_EVENT_WAIT)
                    if not batch:
                        if feed.finished:
                            break
                        continue
                    changed = False
                    for event in batch:
                        change = live.apply(event)
                        changed |= change.changed
                        if change.inspect:
                            try:
                                live.put(self.backend.container(change.inspect))
                                changed = True
                            except ContainerNotFoundError:
                                pass
                    if changed:
                        self.post_message(ContainersChanged(live.containers))
            except ClawError as exc:
                self.post_message(EngineLost(_reason(exc), delay))
            finally:
                feed.close()

    def on_engine_connected(self, message: EngineConnected) -> None:
        was_up = self.engine_up
        self.engine_up = True
        status = self.query_one(StatusBar)
        status.engine, status.engine_detail = "connected", ""
        self._containers_changed(message.containers, refollow=not was_up)
        self.action_probe()

    def on_engine_lost(self, message: EngineLost) -> None:
        was_up, self.engine_up = self.engine_up, False
        if was_up:  # what runs is not known any more: no stale states in the tree
            self.containers = ()
            self._refresh_tree()
        status = self.query_one(StatusBar)
        status.engine = "unreachable"
        status.engine_detail = message.reason
        if message.retry_in:
            status.engine_detail += f" (retrying in {message.retry_in:.0f} s)"

    def on_containers_changed(self, message: ContainersChanged) -> None:
        self._containers_changed(message.containers, refollow=False)

    def _containers_changed(self, containers: tuple[ContainerRecord, ...], refollow: bool) -> None:
        # A container that started, was renamed (compose's recreate) or whose healthcheck
        # changed its verdict is probed at once: the Health tab never contradicts the tree.
        def running(records: tuple[ContainerRecord, ...]) -> set[tuple[str, str, str | None]]:
            return {(c.id, c.name, c.health) for c in records if c.running}

        changed = running(containers) - running(self.containers)
        self.containers = containers
        self._refresh_tree()
        self._show_detail(refollow=refollow)
        if changed:
            self.action_probe()

    # Health.

    def action_probe(self) -> None:
        """Probe every container of the project now."""
        if self.engine_up and self.containers:
            self.probe(self.containers)

    @work(thread=True, exclusive=True, group="probe", exit_on_error=False)
    def probe(self, containers: Sequence[ContainerRecord]) -> None:
        try:
            results = self.backend.probe(containers)
        except ClawError:
            return  # the engine watcher says what happened to the engine
        self.post_message(HealthProbed(results))

    def on_health_probed(self, message: HealthProbed) -> None:
        for result in message.results:
            self.health.setdefault(result.container.name, deque(maxlen=HISTORY)).append(result)
        self._refresh_tree()
        self._show_health()

    def latest_health(self) -> dict[str, ContainerHealth]:
        return {name: history[-1] for name, history in self.health.items() if history}

    # The tree and the detail.

    @property
    def groups(self) -> tuple[ServiceGroup, ...]:
        """The plan joined with the containers, made again only when either changed (both are
        replaced, never mutated)."""
        planned, containers = self.planned, self.containers
        cached = self._grouped
        if cached is None or cached[0] is not planned or cached[1] is not containers:
            cached = self._grouped = (planned, containers, pod_groups(planned, containers))
        return cached[2]

    def _refresh_tree(self) -> None:
        name = self.plan.pod.name if self.plan else self.directory.name
        note = ""
        if not self.planned and not self.containers:
            note = "nothing planned or running" if self.plan_error is None else "see problems (E)"
        self.query_one(PodTree).show(
            name,
            self.groups,
            self.latest_health(),
            datetime.now(UTC),
            note,
            engine_up=self.engine_up,
        )

    @on(Tree.NodeHighlighted, "#tree")
    def _node_highlighted(self, message: Tree.NodeHighlighted[str]) -> None:
        key = message.node.data or POD_KEY
        if key != self.selected:
            self.selected = key
            self._show_detail()

    def _selection(self) -> tuple[str, list[ServiceGroup], ContainerRecord | None]:
        """The selected node's title, the groups it covers, and its container (rows only)."""
        groups = self.groups
        if self.selected.startswith("service:"):
            found = [g for g in groups if g.key == self.selected]
            return (found[0].name if found else "?"), found, None
        if self.selected.startswith("container:"):
            for group in groups:
                for row in group.rows:
                    if row.key == self.selected:
                        title = row.container.name if row.container else row.service
                        single = ServiceGroup(
                            group.name, group.claw_type, group.image, (row,), group.planned
                        )
                        return title, [single], row.container
            return "?", [], None
        name = self.plan.pod.name if self.plan else self.directory.name
        return name, list(groups), None

    def _show_detail(self, refollow: bool = False) -> None:
        title, groups, container = self._selection()
        self._follow_logs(title, groups, refollow)
        self._show_health()
        self._show_config(title, groups)
        self._show_inspect(title, groups, container)

    def _follow_logs(self, title: str, groups: Sequence[ServiceGroup], refollow: bool) -> None:
        containers = [c for g in groups for c in g.containers]
        ids = tuple(f"{c.id} {c.name}" for c in containers)
        pane = self.query_one(LogPane)
        if not refollow and self._followed == (self.selected, ids):
            return
        self._followed = (self.selected, ids)
        sources = [LogSource(c.id, c.name, c.service) for c in containers]
        if not self.engine_up:
            pane.stop()
            return

        def open_feed(
            sources: Sequence[LogSource], tail: int | None, since: datetime | None
        ) -> Feed[LogLine | LogEnded]:
            return self.backend.logs(sources, tail=tail, since=since)

        pane.follow(self.selected, title, sources, open_feed)

    def on_log_pane_follow_failed(self, message: LogPane.FollowFailed) -> None:
        self._followed = None  # followed again when the engine is back

    def _show_health(self) -> None:
        title, groups, _ = self._selection()
        entries = []
        for group in groups:
            for row in group.rows:
                name = row.container.name if row.container else ""
                label = row.container.name if row.container else f"{row.service} (no container)"
                history = tuple(self.health.get(name, ())) if name else ()
                entries.append(HealthEntry(row.container, label, history))
        self.query_one(HealthPane).show(title, entries, interval=HEALTH_INTERVAL)

    def _show_config(self, title: str, groups: Sequence[ServiceGroup]) -> None:
        files: list[tuple[str, str]] = []
        if self.plan is not None:
            shown = None if self.selected == POD_KEY else groups
            files = config_files(self.plan.compose, self.plan.files, self.planned, shown)
        self.query_one(ConfigPane).show(title, files)

    def _planned_of(
        self, group: ServiceGroup
    ) -> tuple[ResolvedClaw | None, Mapping[str, Any] | None]:
        """The planned claw (None for a plain service) and compose service of ``group``."""
        claw = self.plan.claws.get(group.name) if self.plan else None
        name = group.rows[0].service
        return claw, next((s.definition for s in self.planned if s.name == name), None)

    def _show_inspect(
        self, title: str, groups: Sequence[ServiceGroup], container: ContainerRecord | None
    ) -> None:
        pane = self.query_one(InspectPane)
        if self.selected == POD_KEY or not groups:
            self._inspected = None
            pane.show(title, inspect=None, claw=None, service=None)
            return
        claw, service = self._planned_of(groups[0])
        target = container or next(iter(groups[0].containers), None)
        if target is None or not self.engine_up:
            self._inspected = None
            pane.show(title, inspect=None, claw=claw, service=service)
            return
        if self._inspected != self.selected:  # a new node: its plan until the engine answers
            pane.show(title, inspect=None, claw=claw, service=service)
        self._inspected = self.selected
        self.load_inspect(self.selected, target.id)

    @work(thread=True, exclusive=True, group="inspect", exit_on_error=False)
    def load_inspect(self, key: str, container_id: str) -> None:
        try:
            document = dict(self.backend.inspect(container_id))
        except ClawError as exc:
            self.post_message(InspectLoaded(key, None, exc))
            return
        self.post_message(InspectLoaded(key, document))

    def on_inspect_loaded(self, message: InspectLoaded) -> None:
        if message.key != self.selected or message.document is None:
            return
        title, groups, _ = self._selection()
        if not groups:
            return
        claw, service = self._planned_of(groups[0])
        self.query_one(InspectPane).show(
            title, inspect=message.document, claw=claw, service=service
        )

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
            self.set_timer(_RETRY_MAX, lambda: self.watch_engine(self.project or ""))

    # Actions.

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "problems":
            return self.plan_error is not None
        return True

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def action_plan(self) -> None:
        from .plan import PlanScreen

        def done(report: ApplyReport | None) -> None:
            self.replan()
            if report is not None:
                self._action_done(_report_summary(report))

        self.app.push_screen(PlanScreen(self.backend, self.pod_file, self.project), done)

    def action_problems(self) -> None:
        if self.plan_error is None:
            self.notify("The pod file has no problems.")
            return
        from .problems import ProblemsScreen

        def done(choice: str | None) -> None:
            if choice == "edit":
                self.action_edit()
            elif choice == "replan":
                self.replan()

        shown = f"{self.directory.name}/{self.pod_file.name}"
        self.app.push_screen(ProblemsScreen(self.plan_error, self.pod_file, shown), done)

    def action_edit(self) -> None:
        """Open the pod file in $VISUAL / $EDITOR (at the first problem's line), re-plan after."""
        line = 0
        if isinstance(self.plan_error, PodError) and self.plan_error.problems:
            line = self.plan_error.problems[0].line
        argv = editor_argv(self.pod_file, line)
        if argv is None:
            self.notify("Set $EDITOR to edit the pod file from here.", severity="warning")
            return
        if not self._hand_over(argv, "an editor"):
            return
        self._shown_problems = False
        self.replan()

    def _target(self) -> tuple[str, tuple[str, ...]]:
        """The selected node's name and compose services (empty: the whole pod)."""
        title, groups, _ = self._selection()
        if self.selected == POD_KEY:
            return title, ()
        return title, tuple(service for group in groups for service in group.services)

    def action_act(self, action: Action) -> None:
        """Run ``action`` on the selected node; on the whole pod, or a rebuild, ask first."""
        title, services = self._target()
        if self.project is None:
            self.notify("The pod has not been applied yet: press p to plan and apply.")
            return

        def run(confirmed: bool | None = True) -> None:
            if confirmed:
                self.query_one(StatusBar).action = f"{action} {title}…"
                self.run_compose_action(action, title, services)

        if services and action != "rebuild":
            run()
            return
        from .confirm import ConfirmScreen

        what = f"every service of {self.project}" if not services else ", ".join(services)
        body = {
            "rebuild": f"Builds the image of {what} again and recreates its containers.",
            "stop": f"Stops the containers of {what}.",
            "start": f"Starts the stopped containers of {what}.",
            "restart": f"Restarts the containers of {what}.",
        }[action]
        self.app.push_screen(
            ConfirmScreen(f"{action.capitalize()} {title}?", body, action.capitalize()), run
        )

    @work(thread=True, group="actions", exit_on_error=False)
    def run_compose_action(self, action: Action, title: str, services: tuple[str, ...]) -> None:
        output: list[str] = []
        project = self.project or ""
        try:
            self.backend.act(action, self.directory, project, services, output.append)
        except ClawError as exc:
            self.post_message(ActionFinished(action, title, tuple(output), exc))
            return
        self.post_message(ActionFinished(action, title, tuple(output)))

    def on_action_finished(self, message: ActionFinished) -> None:
        if message.error is not None:
            self.query_one(StatusBar).action = f"{message.action} {message.target} failed"
            self.notify(str(message.error), title=f"{message.action} failed", severity="error")
            return
        self._action_done(f"{message.action} {message.target}: done")

    def _action_done(self, text: str) -> None:
        self.query_one(StatusBar).action = text
        self.notify(text)

    def action_down(self) -> None:
        from .confirm import ConfirmScreen

        if self.project is None:
            self.notify("The pod has not been applied: nothing to bring down.")
            return

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self.query_one(StatusBar).action = "down…"
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
        _, groups, container = self._selection()
        if container is None and self.selected != POD_KEY:
            running = [c for g in groups for c in g.containers if c.running]
            container = running[0] if running else None
        if container is None or not container.running:
            self.notify("Select a running container to open a shell in.", severity="warning")
            return
        argv = self.backend.shell_argv(container)
        self._hand_over(argv, "a shell", f"Shell in {container.name}; exit to return to claw.")

    def _hand_over(self, argv: list[str], what: str, intro: str = "") -> bool:
        """Run ``argv`` on the terminal while the app is suspended; False (and said why) if it
        could not run."""
        failure = ""
        try:
            with self.app.suspend():
                # Nothing may escape this block: the app resumes only when it ends normally.
                try:
                    if intro:
                        print(intro, flush=True)
                    subprocess.run(argv, check=False)
                except OSError as exc:
                    failure = f"Cannot run {argv[0]}: {exc.strerror or exc}"
        except SuspendNotSupported:
            failure = f"This terminal cannot hand over to {what}."
        if failure:
            self.notify(failure, severity="error")
        return not failure


def editor_argv(path: Path, line: int = 0) -> list[str] | None:
    """The command that opens ``path`` (at ``line`` when > 0) in the user's editor."""
    command = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if command:
        argv = shlex.split(command)
    else:
        found = next((e for e in ("sensible-editor", "nano", "vi") if shutil.which(e)), None)
        if found is None:
            return None
        argv = [found]
    if line > 0:
        argv.append(f"+{line}")
    return [*argv, str(path)]


def _report_summary(report: ApplyReport) -> str:
    changed = [o for o in report.services if o.action != "unchanged"]
    if not report.ok:
        return f"applied with problems: {', '.join(o.service for o in report.failures)}"
    return f"applied: {len(changed)} service{'s' if len(changed) != 1 else ''} changed"


def _reason(error: ClawError) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__
