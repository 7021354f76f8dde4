"""``claw logs [-f POD] [SERVICE...] [--follow] [--tail N] [--since T] [--timestamps]``.

The logs of the pod's containers merged into one stream, each line prefixed with its container
(its stable name, the project prefix dropped, as compose does) and coloured by container on a
terminal. The lines already logged come merged in time order; with ``--follow`` new lines are
then printed as they arrive. Unlike ``docker compose logs -f``, following does not stop at a
container that exits: it says so, waits for the container to run again (or for compose's
replacement of a recreated one) and goes on after a marker line, until Ctrl-C.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TextIO

from clawlib.engine import (
    ContainerRecord,
    LogEnded,
    LogExited,
    LogItem,
    LogLine,
    LogRestarted,
    LogSource,
    LogStream,
)
from clawlib.errors import ClawError, InvalidValueError
from clawlib.session import PodSession, open_pod

from ._args import add_pod_arguments
from ._output import print_output, printable

__all__ = ["configure", "follow_until_interrupted", "parse_since"]

# compose's palette, in its order: each container gets the next colour.
_PALETTE = ("36", "33", "32", "35", "34", "96", "93", "92", "95", "94")
_RESET = "\x1b[0m"
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")
_DURATIONS = re.compile(r"(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+")


def configure(verb: str, parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Show the logs of the pod's containers (all, or those of the SERVICEs named: a claw "
        "service name covers all its replicas), merged and prefixed by container."
    )
    add_pod_arguments(parser)
    parser.add_argument("services", nargs="*", metavar="SERVICE")
    parser.add_argument("--follow", action="store_true", help="keep following new lines")
    parser.add_argument(
        "-n", "--tail", type=int, metavar="N", help="only the last N lines of each container"
    )
    parser.add_argument(
        "--since",
        metavar="T",
        help="only lines since T: a time (2026-11-30T10:00:00Z) or a duration ago (10m, 1h30m)",
    )
    parser.add_argument("-t", "--timestamps", action="store_true", help="show the timestamps")
    parser.add_argument("--no-color", action="store_true", help="never colour the output")
    parser.set_defaults(run=_run_logs)


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """A time (RFC 3339; UTC when it has no zone) or a duration ago (``42s``, ``10m``,
    ``1h30m``, ``2d``). Raises :class:`InvalidValueError`."""
    value = text.strip()
    if _DURATIONS.fullmatch(value):
        units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
        seconds = sum(float(number) * units[unit] for number, unit in _DURATION.findall(value))
        return (now or datetime.now(UTC)) - timedelta(seconds=seconds)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidValueError(
            f"--since {text!r} is neither a time (2026-11-30T10:00:00Z) nor a duration "
            "(42s, 10m, 1h30m, 2d)"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _run_logs(args: argparse.Namespace) -> int:
    if args.tail is not None and args.tail < 0:
        raise InvalidValueError(f"--tail {args.tail}: give a number of lines, 0 or more")
    since = parse_since(args.since) if args.since else None
    with open_pod(args.file, project=args.project) as pod:
        target = pod.target()
        view = pod.view
        containers = _select(view.containers(target.project), args.services, target.project)
        printer = _Printer(
            containers, target.project, sys.stdout, timestamps=args.timestamps,
            colour=sys.stdout.isatty() and not args.no_color,
        )  # fmt: skip
        stream = LogStream(
            view, [_source(c) for c in containers], follow=args.follow, tail=args.tail, since=since
        )
        try:
            with stream:  # the stream merges the containers' lines by time
                _follow(stream, printer, show_ends=args.follow)
        except KeyboardInterrupt:
            return 0
    return 0


def follow_until_interrupted(pod: PodSession, project: str, since: datetime) -> int:
    """After ``claw up`` without ``-d``: follow every container's log from ``since`` until
    Ctrl-C, then stop the pod (as ``docker compose up`` does in the foreground)."""
    containers = pod.view.containers(project)
    printer = _Printer(containers, project, sys.stdout, colour=sys.stdout.isatty())
    print("claw: following the logs; Ctrl-C stops the pod", file=sys.stderr, flush=True)
    stream = LogStream(pod.view, [_source(c) for c in containers], follow=True, since=since)
    try:
        with stream:
            _follow(stream, printer)
        return 0
    except KeyboardInterrupt:
        pass
    print("claw: stopping the pod (Ctrl-C again to leave it running)", file=sys.stderr, flush=True)
    try:
        pod.act("stop", on_line=print_output)
    except KeyboardInterrupt:
        return 130
    except ClawError as exc:
        print(f"error: {printable(str(exc))}", file=sys.stderr)
        return 1
    return 0


def _follow(stream: LogStream, printer: _Printer, *, show_ends: bool = True) -> None:
    """Print batches as they come (one flush per batch, not per line) until every container's
    log has ended (following: every container was removed and not replaced); an engine that
    goes away ends it with an EngineError. ``show_ends`` prints what became of the containers
    (stopped, restarted, recreated, ended) between their lines."""
    while True:
        batch = stream.get_batch(2000, timeout=0.5)
        for item in batch:
            if show_ends or isinstance(item, LogLine):
                printer.show(item)
        printer.flush()
        if not batch and stream.finished:
            return


def _select(
    containers: Sequence[ContainerRecord], wanted: Sequence[str], project: str
) -> list[ContainerRecord]:
    """The containers of the services named (compose names, or a claw's base name for all its
    replicas); all of them when none is named."""
    if not wanted:
        return list(containers)
    known = sorted({c.service for c in containers} | {c.claw_service or "" for c in containers})
    chosen = []
    for name in wanted:
        matches = [c for c in containers if name in (c.service, c.claw_service)]
        if not matches:
            listed = ", ".join(k for k in known if k) or "none (is the pod up?)"
            raise InvalidValueError(
                f'no service "{name}" is running in project {project} (services: {listed})'
            )
        chosen += [c for c in matches if c not in chosen]
    return chosen


def _source(container: ContainerRecord) -> LogSource:
    return LogSource.of(container)


class _Printer:
    """Prefixes each line with its container's short name, padded, coloured on a terminal."""

    def __init__(
        self,
        containers: Sequence[ContainerRecord],
        project: str,
        out: TextIO,
        *,
        timestamps: bool = False,
        colour: bool = False,
    ) -> None:
        self.out = out
        self.timestamps = timestamps
        names = {c.id: c.stable_name.removeprefix(f"{project}-") for c in containers}
        width = max((len(n) for n in names.values()), default=0)
        self.prefix = {}
        for index, (container_id, name) in enumerate(names.items()):
            label = f"{name.ljust(width)} | "
            if colour:
                label = f"\x1b[{_PALETTE[index % len(_PALETTE)]}m{label}{_RESET}"
            self.prefix[container_id] = label

    def show(self, item: LogItem) -> None:
        """Print a line, or what became of its container: ``(container exited (code 0))``,
        ``— restarted 12:03:04, exit code 137 —`` (local time), ``(container removed)``."""
        if isinstance(item, LogRestarted) and item.previous is not None:
            # A replacement is printed as the container it replaced (the same stable name).
            known = self.prefix.get(item.previous.container_id)
            if known is not None:
                self.prefix.setdefault(item.source.container_id, known)
        prefix = self.prefix.get(item.source.container_id, f"{item.source.name} | ")
        if isinstance(item, LogRestarted):
            self.out.write(f"{prefix}— {printable(item.describe())} —\n")
        elif isinstance(item, LogEnded | LogExited):
            self.out.write(f"{prefix}({printable(item.reason)})\n")
        else:
            stamp = ""
            if self.timestamps and item.timestamp is not None:
                stamp = item.timestamp.isoformat().replace("+00:00", "Z") + " "
            self.out.write(f"{prefix}{stamp}{printable(item.text)}\n")

    def flush(self) -> None:
        self.out.flush()
