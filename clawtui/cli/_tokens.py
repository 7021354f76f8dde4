"""``claw rotate-tokens [-f POD] [SERVICE ...]``: new governance tokens for governed claws."""

from __future__ import annotations

import argparse
import sys

from clawlib.session import open_pod

from ._args import add_pod_arguments
from ._output import printable

__all__ = ["configure"]


def configure(verb: str, parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Give the agents of governed claws new proxy tokens (every governed claw, or the "
        "SERVICEs named) and write them to the generated files, keeping the previous "
        "generation for `claw rollback`. The proxy reads the new tokens at once; the claws' "
        "containers keep their old ones until `claw up` recreates them."
    )
    add_pod_arguments(parser, project=False)
    parser.add_argument("services", nargs="*", metavar="SERVICE", help="a governed claw")
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    with open_pod(args.file) as pod:
        plan, changed = pod.rotate_tokens(args.services)
    for warning in plan.warnings:
        print(f"warning: {printable(warning.detail)}", file=sys.stderr)
    print(f"New tokens for {len(changed)} agents: {', '.join(changed) or 'none'}.")
    print("Run `claw up` to restart them with their new tokens.")
    return 0
