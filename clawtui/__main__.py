"""``clawtui [-f POD | POD]`` and ``python -m clawtui``: open the terminal UI on a pod."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

__all__ = ["add_arguments", "main", "open_pod"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "pod", nargs="?", default=None, metavar="POD", help="pod directory or claw-pod.yml"
    )
    parser.add_argument(
        "-f",
        "--file",
        default=None,
        metavar="POD",
        help="the pod file or its directory (default: ./claw-pod.yml)",
    )


def open_pod(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """Run the app on the pod the arguments name; 2 when there is no such pod."""
    if args.pod and args.file:
        parser.error("give the pod either as POD or with -f, not both")
    from clawlib.errors import PodNotFoundError
    from clawtui.app import make_app  # imports Textual: only when wanted

    try:
        app = make_app(args.file or args.pod or ".")
    except PodNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    app.run()
    return app.return_code or 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="clawtui", description="The terminal UI for claw pods.")
    add_arguments(parser)
    return open_pod(parser, parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
