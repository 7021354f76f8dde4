"""``claw build [-t TAG] [-f CLAWFILE] [PATH]`` and ``claw build --proxy [-t TAG]``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from clawlib import GeneratedDockerfile, build_image
from clawlib.errors import InvalidValueError

from ._output import printable

__all__ = ["configure"]


def configure(verb: str, parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Generate a Dockerfile from a Clawfile (claw directives become claw.* labels) and build "
        "it with docker. PATH is a directory holding a Clawfile, or a Clawfile. With --proxy, "
        "build the governance proxy's image instead (claw up builds it when a governed pod "
        "needs it)."
    )
    parser.add_argument("path", nargs="?", metavar="PATH")
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
    parser.add_argument(
        "--proxy",
        action="store_true",
        help="build the governance proxy's image (default claw-local/cllama:latest) and the "
        "Python base image it is built on (claw-base/python:latest: made by debootstrap, as "
        "root), each only when it is missing or its inputs changed",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    def show(line: str) -> None:
        if not args.quiet:
            print(printable(line), file=sys.stderr, flush=True)

    if args.proxy:
        return _build_proxy(args, show)

    def generated(generated: GeneratedDockerfile) -> None:
        clawfile = generated.clawfile
        for warning in clawfile.warnings:
            print(f"warning: {clawfile.path}:{warning.line}: {warning.detail}", file=sys.stderr)
        if not args.quiet:
            state = "written" if generated.changed else "unchanged"
            print(f"claw: {generated.path} {state} ({clawfile.claw_type})", file=sys.stderr)

    result = build_image(
        args.path or ".", file=args.file, tags=args.tag, on_output=show, on_generated=generated
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


def _build_proxy(args: argparse.Namespace, show: Callable[[str], None]) -> int:
    from clawlib.images import PROXY_IMAGE, ensure_proxy_image

    if args.path is not None or args.file is not None:
        raise InvalidValueError(
            "--proxy builds the governance proxy's image from claw's own files: "
            "it takes no PATH and no -f"
        )
    if len(args.tag) > 1:
        raise InvalidValueError("--proxy builds one image: give at most one -t")
    tag = args.tag[0] if args.tag else PROXY_IMAGE

    def step(text: str) -> None:
        if not args.quiet:
            print(f"claw: {printable(text)}", file=sys.stderr, flush=True)

    image = ensure_proxy_image(tag, on_step=step, on_output=show)
    if args.quiet:
        print(image.id)
    elif not image.built:
        base = f" on {image.base.tag}" if image.base is not None else ""
        print(f"claw: {tag} is up to date ({image.id[:19]}){base}", file=sys.stderr)
    return 0
