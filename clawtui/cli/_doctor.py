"""``claw doctor [--json]``."""

from __future__ import annotations

import argparse
from dataclasses import asdict

from clawlib import DoctorReport, run_doctor

from ._output import print_json

__all__ = ["configure", "format_report"]


def configure(verb: str, parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Check the docker CLI, the engine, docker compose v2, the image builder, the Python "
        "dependencies and the local base image. Exit status 1 if a required check fails."
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of lines")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    report = run_doctor()
    if args.json:
        print_json({"ok": report.ok, "checks": [asdict(check) for check in report.checks]})
    else:
        print(format_report(report))
    return 0 if report.ok else 1


def format_report(report: DoctorReport) -> str:
    """One line per check: status, name, what was found, and the fix when there is one."""
    width = max(len(check.name) for check in report.checks) + 2
    lines = []
    for check in report.checks:
        fix = f" -- fix: {check.hint}" if check.hint else ""
        lines.append(f"{check.status:<6}{check.name:<{width}}{check.detail}{fix}")
    return "\n".join(lines)
