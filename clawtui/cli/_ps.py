"""``claw ps [-f POD] [--json]`` and ``claw health [-f POD] [--json]``.

Both list the project's containers by compose's labels and judge their health the claw way:
each claw by its driver's probe (``openclaw health --json``), plain services by their state and
compose healthcheck. The probes run concurrently, so a large pod answers in about the time of
its slowest probe.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from clawlib.engine import describe_state, format_duration
from clawlib.lifecycle import ContainerHealth
from clawlib.session import open_pod

from ._args import add_pod_arguments
from ._output import print_json, print_other_projects, print_table

__all__ = ["configure"]


def configure(verb: str, parser: argparse.ArgumentParser) -> None:
    if verb == "ps":
        parser.description = (
            "List the containers of the pod's compose project, claws and plain services."
        )
        parser.set_defaults(run=_run_ps)
    else:
        parser.description = (
            "Probe each claw with its driver (openclaw: `openclaw health --json`) and each plain "
            "service by its state and healthcheck. Exit status 1 if any container is not "
            "healthy (unhealthy, starting, or not judged) or none runs."
        )
        parser.set_defaults(run=_run_health)
    add_pod_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print JSON")


def _survey(args: argparse.Namespace) -> tuple[ContainerHealth, ...]:
    """The project's containers; when it has none, says so (standard error) with the
    other projects run from the pod's directory."""
    with open_pod(args.file, project=args.project) as pod:
        status = pod.status()
        if not status.containers and not args.json:
            print(f"No containers in project {status.project}.", file=sys.stderr)
            print_other_projects(pod.other_projects(), args.command)
    return status.containers


def _run_ps(args: argparse.Namespace) -> int:
    survey = _survey(args)
    now = datetime.now(UTC)
    if args.json:
        print_json([_ps_json(item, now) for item in survey])
        return 0
    if not survey:
        return 0
    rows = [("SERVICE", "CONTAINER", "TYPE", "STATE", "HEALTH", "UPTIME", "IMAGE", "PORTS")]
    for item in survey:
        c = item.container
        up = c.uptime(now)
        rows.append(
            (
                c.service,
                c.name,
                c.kind,
                describe_state(c, now, uptime=False),
                item.status,
                format_duration(up) if up is not None else "-",
                c.image,
                ", ".join(c.ports) or "-",
            )
        )
    print_table(rows)
    return 0


def _run_health(args: argparse.Namespace) -> int:
    survey = _survey(args)
    if args.json:
        print_json(
            [
                {
                    "service": item.container.service,
                    "container": item.container.name,
                    "claw_type": item.container.claw_type,
                    "role": item.container.role,
                    "status": item.status,
                    "detail": item.detail,
                    "source": item.source,
                    "checked_at": item.checked_at.isoformat(),
                }
                for item in survey
            ]
        )
    elif survey:
        rows = [("SERVICE", "CONTAINER", "TYPE", "STATUS", "DETAIL")]
        rows += [
            (
                item.container.service,
                item.container.name,
                item.container.kind,
                item.status,
                item.detail,
            )
            for item in survey
        ]
        print_table(rows)
    return 0 if survey and all(item.ok for item in survey) else 1


def _ps_json(item: ContainerHealth, now: datetime) -> dict[str, Any]:
    c = item.container
    return {
        "service": c.service,
        "container": c.name,
        "id": c.id,
        "claw_type": c.claw_type,
        "claw_service": c.claw_service,
        "role": c.role,
        "state": c.state,
        "crash_looping": c.crash_looping(now),
        "restarts": c.restart_count,
        "exit_code": c.exit_code,
        "health": item.status,
        "health_detail": item.detail,
        "uptime_seconds": c.uptime(now),
        "started_at": c.started_at.isoformat() if c.started_at else None,
        "image": c.image,
        "ports": list(c.ports),
    }
