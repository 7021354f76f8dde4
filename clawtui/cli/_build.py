"""``claw build [-t TAG] [-f CLAWFILE] [PATH]``."""

from __future__ import annotations

import argparse
import sys

from clawlib import GeneratedDockerfile, build_image

from ._output import printable

__all__ = ["configure"]


def configure(verb: str, parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Generate a Dockerfile from a Clawfile (claw directives become claw.* labels) and build "
        "it with docker. PATH is a directory holding a Clawfile, or a Clawfile."
    )
    parser.add_argument("path", nargs="?", default=".", metavar="PATH")
    parser.add_argument(
        "-t", "--tag", action="append", default=[], help="name and tag the image (repeatable)"
    )
    parser.add_argument(
        "-f",
        "--file",
        metavar="CLAWFILE",
        help="the Clawfile to build, relative to the working directory (PATH is then the context)",
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="print only the image ID, not docker's output"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    def show(line: str) -> None:
        if not args.quiet:
            print(printable(line), file=sys.stderr, flush=True)

    def generated(generated: GeneratedDockerfile) -> None:
        clawfile = generated.clawfile
        for warning in clawfile.warnings:
            print(f"warning: {clawfile.path}:{warning.line}: {warning.detail}", file=sys.stderr)
        if not args.quiet:
            state = "written" if generated.changed else "unchanged"
            print(f"claw: {generated.path} {state} ({clawfile.claw_type})", file=sys.stderr)

    result = build_image(
        args.path, file=args.file, tags=args.tag, on_output=show, on_generated=generated
    )
    if args.quiet:
        print(result.image_id)
        return 0
    names = ", ".join(result.tags) or "untagged"
    print(
        f"claw: built {names} ({result.image_id[:19]}) using {result.builder}",
        file=sys.stderr,
    )
    return 0
