"""``claw up [-f POD] [-p PROJECT] [-d] [--plan] [-y]``, ``claw down [-f POD] [-v]`` and
``claw rollback [-f POD] [-p PROJECT] [-y]``."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from clawlib.compose import RUNTIME_DIR, check_project_name
from clawlib.errors import NoPreviousGenerationError
from clawlib.lifecycle import ApplyReport, Progress
from clawlib.session import open_pod

from ._args import add_pod_arguments
from ._output import print_other_projects, print_output, print_table, printable
from ._plan import planned, print_diff

__all__ = ["configure"]


def configure(verb: str, parser: argparse.ArgumentParser) -> None:
    add_pod_arguments(parser)
    if verb == "up":
        parser.description = (
            "Plan the pod, build the images it needs, write the generated files (keeping the "
            "previous generation), run `docker compose up -d`, recreate the claws whose "
            "generated inputs changed, and check every container. Without -d, then follow the "
            "logs until Ctrl-C, which stops the pod."
        )
        parser.add_argument("-d", "--detach", action="store_true", help="return once the pod is up")
        parser.add_argument(
            "--plan", action="store_true", help="show the plan's diff and ask before applying it"
        )
        parser.add_argument(
            "-y", "--yes", action="store_true", help="never ask (with or without --plan)"
        )
        parser.set_defaults(run=_run_up)
    elif verb == "down":
        parser.description = (
            "Run `docker compose down` on the generated file: containers and networks of the "
            "project go; the generated files stay. The engine is asked first, and afterwards "
            "whether any container of the project remains: then the command fails, naming them."
        )
        parser.add_argument(
            "-v", "--volumes", action="store_true", help="remove the project's named volumes too"
        )
        parser.set_defaults(run=_run_down)
    else:
        parser.description = (
            "Put back the generated files kept before the last apply (.claw-runtime/.previous) "
            "and recreate every container from them with `docker compose up -d "
            "--force-recreate`. The files they replace are kept in turn: rolling back again "
            "undoes it. Asks first on a terminal; -y never asks."
        )
        parser.add_argument("-y", "--yes", action="store_true", help="never ask")
        parser.set_defaults(run=_run_rollback)


def _run_up(args: argparse.Namespace) -> int:
    if args.project is not None:
        check_project_name(args.project)
    with open_pod(args.file, project=args.project) as pod:
        plan = planned(pod)
        started = datetime.now(UTC)
        if args.plan:
            diff = plan.diff()
            print_diff(plan, diff, sys.stdout, pod.impact(plan, diff))
            if not args.yes and not _confirm("Apply this plan?", "--plan asks before applying"):
                return 1
        report = pod.apply(plan, _show_progress)
        _print_report(report)
        if not report.ok:
            return 1
        if args.detach:
            return 0
        from ._logs import follow_until_interrupted

        return follow_until_interrupted(pod, report.project, started)


def _confirm(question: str, why: str) -> bool:
    """Ask on the terminal; never wait on a non-terminal (that is an error: pass -y)."""
    if not sys.stdin.isatty():
        print(
            f"error: {why}, but standard input is not a terminal; nothing was changed "
            "(pass -y not to be asked)",
            file=sys.stderr,
        )
        return False
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        answer = ""
    if answer.strip().lower() in ("y", "yes"):
        return True
    print("Nothing changed.", file=sys.stderr)
    return False


def _show_progress(progress: Progress) -> None:
    if progress.output:
        print_output(progress.text)
    else:
        print(f"claw: {printable(progress.text)}", file=sys.stderr, flush=True)


def _print_report(report: ApplyReport) -> None:
    for note in report.notes:
        print(f"note: {printable(note)}", file=sys.stderr)
    rows = [("SERVICE", "TYPE", "ACTION", "CONTAINERS", "CHECK")]
    for outcome in report.services:
        check = "ok" if outcome.ok else "FAILED: " + "; ".join(outcome.problems)
        if outcome.action == "removed":
            check = "-"
        rows.append(
            (
                outcome.service,
                outcome.claw_type or "-",
                outcome.action,
                ", ".join(outcome.containers) or "-",
                check,
            )
        )
    print_table(rows)
    if report.ok:
        print(f"Pod is up: project {report.project}.")
    else:
        failed = ", ".join(outcome.service for outcome in report.failures)
        print(f"Pod is up with failures in: {failed} (project {report.project}).")


def _run_down(args: argparse.Namespace) -> int:
    with open_pod(args.file, project=args.project) as pod:
        target = pod.down(volumes=args.volumes, on_line=print_output)
        others = pod.other_projects()
    print(f"Pod is down: project {target.project}.")
    print_other_projects(others, "down")
    return 0


def _run_rollback(args: argparse.Namespace) -> int:
    with open_pod(args.file, project=args.project) as pod:
        target = pod.target()
        if not pod.has_previous():
            raise NoPreviousGenerationError(str(target.directory / RUNTIME_DIR), "none is kept")
        question = (
            f"Roll project {target.project} back to the generation kept before the last apply?"
        )
        if not args.yes and not _confirm(question, "rollback asks first"):
            return 1
        restored = pod.roll_back(print_output)
    for path in restored:
        print(f"restored {path}", file=sys.stderr)
    print(f"Rolled back: project {target.project} runs the previous generation.")
    return 0
