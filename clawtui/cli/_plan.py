"""``claw plan [-f POD] [--json]`` and ``claw generate [-f POD]``."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, TextIO

from clawlib.lifecycle import Impact
from clawlib.planner import Plan, PlanDiff
from clawlib.session import PodSession, open_pod

from ._args import add_pod_arguments
from ._output import print_json, printable

__all__ = ["configure", "planned", "print_diff", "print_impact"]

_SYMBOLS = {"add": "+", "change": "~", "remove": "-"}
_COLOURS = {"+": "\x1b[32m", "-": "\x1b[31m", "@": "\x1b[36m", "~": "\x1b[33m"}
_RESET = "\x1b[0m"


def configure(verb: str, parser: argparse.ArgumentParser) -> None:
    add_pod_arguments(parser, project=False)
    if verb == "plan":
        parser.description = (
            "Show what claw would generate for a pod, as a diff, and what applying it would do "
            "to the running containers (which are recreated, created, started or removed, and "
            "why). Exit status 2 when a generated file would change, else 0."
        )
        parser.add_argument("--json", action="store_true", help="print JSON instead of a diff")
        parser.set_defaults(run=_run_plan)
    else:
        parser.description = "Write the generated compose file and runtime files."
        parser.set_defaults(run=_run_generate)


def planned(pod: PodSession) -> Plan:
    """Plan ``pod``, printing its warnings to standard error."""
    result = pod.plan()
    for warning in result.warnings:
        where = f"{result.pod.display}:{warning.line}" if warning.line else result.pod.display
        if warning.yaml_path:
            where += f": {warning.yaml_path}"
        print(f"warning: {printable(where)}: {printable(warning.detail)}", file=sys.stderr)
    return result


def _run_plan(args: argparse.Namespace) -> int:
    with open_pod(args.file) as pod:
        result = planned(pod)
        diff = result.diff()
        impact = pod.impact(result, diff)
    if args.json:
        print_json(_as_json(result, diff, impact))
    else:
        print_diff(result, diff, sys.stdout, impact)
    return 2 if diff.changed else 0


def _run_generate(args: argparse.Namespace) -> int:
    with open_pod(args.file) as pod:
        result = planned(pod)
    diff = result.write()
    for note in diff.notes:
        print(f"on disk: {printable(note)}")
    for change in diff.files:
        print(f"{_SYMBOLS[change.kind]} {change.path}")
    written = sum(1 for change in diff.files if change.kind != "remove")
    removed = len(diff.files) - written
    print(f"Wrote {written} files, removed {removed}." if diff.changed else "Nothing to do.")
    return 0


def print_diff(result: Plan, diff: PlanDiff, out: TextIO, impact: Impact | None = None) -> None:
    """The plan's images, notes, summary, what it does to the containers (``impact``) and each
    file's diff."""
    colour = out.isatty()

    def paint(line: str) -> str:
        code = _COLOURS.get(line[:1]) if colour and not line.startswith(("---", "+++")) else None
        return f"{code}{line}{_RESET}" if code else line

    for build in result.images:
        source = os.path.relpath(build.clawfile, result.directory)
        named = f" -f {build.clawfile.name}" if build.clawfile.name != "Clawfile" else ""
        out.write(
            f"image {build.image} ({build.service}): {build.reason}, planned from {source}; "
            f"build it with: claw build -t {build.image}{named} {os.path.relpath(build.context)}\n"
        )
    for note in diff.notes:
        out.write(f"on disk: {printable(note)}\n")
    governance = result.governance()
    if not diff.changed:
        out.write("No changes: the generated files match the pod.\n")
        if governance is not None:
            out.write(governance + "\n")
        if impact is not None:
            print_impact(impact, out)
        return
    out.write(diff.summary() + "\n")
    if governance is not None:
        out.write(governance + "\n")
    if impact is not None:
        print_impact(impact, out)
    for change in diff.files:
        out.write("\n" + paint(f"{_SYMBOLS[change.kind]} {change.path}") + "\n")
        for line in change.diff.splitlines():
            out.write(paint(printable(line)) + "\n")


def print_impact(impact: Impact, out: TextIO) -> None:
    """``Containers: 3 of 5 running; apply recreates 2.``, a line per service apply acts on
    and the notes on what could not be judged."""
    out.write(impact.summary() + "\n")
    for service in impact.changes:
        out.write(f"  {printable(service.line())}\n")
    for note in impact.notes:
        out.write(f"  note: {printable(note)}\n")


def _as_json(result: Plan, diff: PlanDiff, impact: Impact | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {
        "pod": result.pod.name,
        "changed": diff.changed,
        "summary": diff.summary(),
        "files": [{"path": c.path, "change": c.kind, "diff": c.diff} for c in diff.files],
        "services": {
            "added": list(diff.services_added),
            "changed": list(diff.services_changed),
            "removed": list(diff.services_removed),
            "reasons": {name: list(why) for name, why in diff.service_reasons.items()},
        },
        "notes": list(diff.notes),
        "governed": sorted(name for name, claw in result.claws.items() if claw.proxy),
        "images": [
            {"service": b.service, "image": b.image, "reason": b.reason, "context": str(b.context)}
            for b in result.images
        ],
        "warnings": [
            {"path": w.yaml_path, "line": w.line, "detail": w.detail} for w in result.warnings
        ],
    }
    if impact is not None:
        found["containers"] = {
            "known": impact.known,
            "planned": impact.planned,
            "running": impact.running,
            "summary": impact.summary(),
            "services": [
                {
                    "service": s.service,
                    "action": s.action,
                    "reasons": list(s.reasons),
                    "containers": list(s.containers),
                }
                for s in impact.services
            ],
            "notes": list(impact.notes),
        }
    return found
