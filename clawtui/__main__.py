"""``clawtui [POD]`` and ``python -m clawtui [POD]``: open the terminal UI on a pod."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="clawtui", description="The terminal UI for claw pods.")
    parser.add_argument(
        "pod", nargs="?", default=".", metavar="POD", help="pod directory or claw-pod.yml"
    )
    args = parser.parse_args(argv)
    from clawtui.app import PodNotFoundError, make_app

    try:
        app = make_app(args.pod)
    except PodNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    app.run()
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
