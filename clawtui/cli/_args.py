"""Arguments several commands share: the pod file and the project name."""

from __future__ import annotations

import argparse

__all__ = ["add_pod_arguments", "format_duration"]


def add_pod_arguments(parser: argparse.ArgumentParser, *, project: bool = True) -> None:
    parser.add_argument(
        "-f",
        "--file",
        default="claw-pod.yml",
        metavar="POD",
        help="the pod file, or a directory holding claw-pod.yml (default: ./claw-pod.yml)",
    )
    if project:
        parser.add_argument(
            "-p",
            "--project-name",
            dest="project",
            metavar="PROJECT",
            help="the compose project (default: the name in compose.generated.yml, i.e. the "
            "pod's name)",
        )


def format_duration(seconds: float) -> str:
    """``45s``, ``3m 2s``, ``2h 5m``, ``3d 4h``: two units at most, like a dashboard."""
    total = int(seconds)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    if minutes:
        return f"{minutes}m {secs}s"
    return f"{secs}s"
