"""Arguments several commands share: the pod file and the project name."""

from __future__ import annotations

import argparse

__all__ = ["add_pod_arguments"]


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
