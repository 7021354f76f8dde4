"""The TUI's log pane under a synthetic pod: lines delivered, losses, memory and key latency.

A feed made here produces LogLines in its own thread at the offered rate (N sources x R lines/s,
about 60 characters each, stamped with the real time) into an unbounded queue, so a pane that
falls behind shows as a growing backlog rather than as a slower producer. A headless app
(150x45) runs a LogPane that follows it, in phases of the same length:

- plain: following, with a key press about every 100 ms that toggles timestamps (``t``);
- search: the same with a search active (every line searched, about a third of them hits,
  highlighted);
- filter: the same with a filter active (about one line in ten shown);
- wrap: the same with wrap on, at 80 columns, where a line with its timestamp takes two rows
  (each ``t`` then re-measures every line of the ring for the wrap index);
- heap: plain following again under tracemalloc, for the peak of the Python heap (tracemalloc
  slows the interpreter, so the other phases run without it).

At the end of a phase the producer stops; "behind" is what had been produced but not yet
appended at that moment (in the feed's queue or the worker's batch). The pane then gets up to 5 s
to take the rest: delivered is what reached the pane's buffer, backlog what the feed still held
after that, lost is produced - delivered - backlog (must be 0). "Ring pruned" is what the buffer
dropped from its front to stay within max_lines (counted in the status line). Lag is how old the
newest line of each batch was when the pane took it. Delivered/s counts what was appended within
the phase's window. CPU is the whole process's, the producer thread and the presses included.

Key latency is measured from the moment the key event is handed to the app (as the terminal
driver does) to the end of the first screen update that shows the change. Pilot's
``press`` is not used for it: it waits twice for the process to go idle (up to a second each),
which never happens while 20,000 lines/s arrive. The screen is rendered (every visible line
turned into segments) but headless, so writing it to a terminal is not counted.

Run: .venv/bin/python bench/tui_log_pane.py [--sources 20] [--rate 1000] [--seconds 10]
     [--presses 100] [--phases plain,search,filter,wrap,heap]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import resource
import statistics
import threading
import time
import tracemalloc
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Input

from clawlib.engine import LogEnded, LogLine, LogSource
from clawtui.logbuffer import Batch
from clawtui.widgets.log_pane import LogPane

WORDS = (
    "request handled in 12ms status=200 path=/v1/chat user=alice model=claude tokens=512",
    "cache=hit retry=0 queue=3 worker=7 upstream=openrouter latency=231ms bytes=18432 ok",
)


def texts(count: int) -> list[str]:
    """``count`` different texts of about 60 characters (with the line number in front)."""
    words = " ".join(WORDS).split(" ")
    out = []
    for index in range(count):
        picked = [words[(index * 7 + k * 3) % len(words)] for k in range(12)]
        out.append(" ".join(picked)[:50])
    return out


class SyntheticFeed:
    """A feed of ``len(sources)`` x ``rate`` lines/s, produced on schedule by a thread."""

    def __init__(self, sources: Sequence[LogSource], rate: int) -> None:
        self.sources = tuple(sources)
        self.rate = rate * len(self.sources)
        self.produced = 0
        self._items: deque[LogLine] = deque()
        self._ready = threading.Condition()
        self._closed = False
        self._producing = True
        self._texts = texts(97)
        self._thread = threading.Thread(target=self._produce, daemon=True)
        self._thread.start()

    def _produce(self) -> None:
        start = time.perf_counter()
        sources, pool = self.sources, self._texts
        count, pool_size = len(sources), len(pool)
        while self._producing and not self._closed:
            due = int((time.perf_counter() - start) * self.rate)
            if due > self.produced:
                now = datetime.now(UTC)
                first = self.produced
                lines = [
                    LogLine(sources[n % count], f"{n:09d} {pool[n % pool_size]}", "stdout", now)
                    for n in range(first, due)
                ]
                with self._ready:
                    self._items.extend(lines)
                    self.produced = due
                    self._ready.notify_all()
            time.sleep(0.005)

    def get_batch(
        self, max_items: int = 1000, timeout: float | None = None
    ) -> list[LogLine | LogEnded]:
        with self._ready:
            if not self._items and not self._closed:
                self._ready.wait(timeout)
            count = min(max_items, len(self._items))
            return [self._items.popleft() for _ in range(count)]

    @property
    def finished(self) -> bool:
        return self._closed

    def stop_producing(self) -> None:
        self._producing = False
        self._thread.join()

    @property
    def backlog(self) -> int:
        with self._ready:
            return len(self._items)

    def close(self) -> None:
        with self._ready:
            self._closed = True
            self._ready.notify_all()


class BenchApp(App[None]):
    def __init__(self, freeze: bool) -> None:
        super().__init__()
        self.freeze = freeze

    def compose(self) -> ComposeResult:
        yield LogPane()

    def on_ready(self) -> None:
        if self.freeze:  # as ClawApp does once it has started
            gc.freeze()


@dataclass
class Phase:
    name: str
    seconds: float = 0.0
    produced: int = 0
    behind: int = 0
    delivered: int = 0
    pruned: int = 0
    backlog: int = 0
    batches: int = 0
    lags: list[float] = field(default_factory=list)
    key_to_frame: list[float] = field(default_factory=list)
    heap_peak: int = 0
    cpu: float = 0.0

    @property
    def lost(self) -> int:
        return self.produced - self.delivered - self.backlog


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def run_phase(name: str, args: argparse.Namespace, presses: int) -> Phase:
    phase = Phase(name)
    sources = [
        LogSource(f"{index:064x}", f"bench-agent-{index}-1", f"agent-{index}")
        for index in range(args.sources)
    ]
    feeds: list[SyntheticFeed] = []

    def open_feed(
        chosen: Sequence[LogSource], tail: int | None, since: datetime | None
    ) -> SyntheticFeed:
        feed = SyntheticFeed(chosen, args.rate)
        feeds.append(feed)
        return feed

    app = BenchApp(args.gc_freeze)
    size = (80, 45) if name == "wrap" else (150, 45)
    async with app.run_test(headless=True, size=size) as pilot:
        pane = app.query_one(LogPane)
        pane.focus()
        view = pane.view
        add = view.add

        def timed_add(batch: Batch) -> None:
            if batch.stamps:
                newest = batch.stamps[-1]
                if newest is not None:
                    phase.lags.append((datetime.now(UTC) - newest).total_seconds())
            phase.batches += 1
            add(batch)

        view.add = timed_add  # type: ignore[method-assign]
        # The first screen update that shows the toggled timestamps ends a key press.
        wanted: list[bool] = []
        shown = asyncio.Event()
        screen: Any = app.screen
        refresh = screen._compositor_refresh

        def timed_refresh() -> None:
            refresh()
            if wanted and pane.timestamps == wanted[0] and not shown.is_set():
                phase.key_to_frame.append(time.perf_counter() - sent)
                shown.set()

        screen._compositor_refresh = timed_refresh
        if name == "search":
            pane.query_one("#log-search", Input).value = "status=200"
        elif name == "filter":
            pane.query_one("#log-filter", Input).value = "re:^\\d{8}7 "
        elif name == "wrap":
            pane.wrap = True
        await pilot.pause()
        started = time.perf_counter()
        cpu = time.process_time()
        pane.follow("bench", "bench pod", sources, open_feed)
        interval = args.seconds / max(presses, 1)
        driver: Any = app._driver
        sent = 0.0
        for index in range(presses):
            slot = started + (index + 1) * interval
            await asyncio.sleep(max(0.0, slot - time.perf_counter()))
            wanted[:] = [not pane.timestamps]
            shown.clear()
            sent = time.perf_counter()
            driver.send_message(events.Key("t", "t"))
            await asyncio.wait_for(shown.wait(), 5)
        wanted.clear()
        await asyncio.sleep(max(0.0, started + args.seconds - time.perf_counter()))
        feed = feeds[0]
        feed.stop_producing()
        phase.seconds = time.perf_counter() - started
        phase.cpu = (time.process_time() - cpu) / phase.seconds
        phase.produced = feed.produced
        phase.behind = feed.produced - pane.buffer.end
        # Let the pane take what is still on its way (the feed's queue, the worker's batch).
        deadline = time.perf_counter() + 5
        while pane.buffer.end < feed.produced and time.perf_counter() < deadline:
            await asyncio.sleep(0.01)
        phase.backlog = feed.backlog
        phase.delivered = pane.buffer.end
        phase.pruned = pane.buffer.dropped
        if tracemalloc.is_tracing():
            phase.heap_peak = tracemalloc.get_traced_memory()[1]
        pane.stop()
        await pilot.pause()
    return phase


def report(phases: list[Phase], args: argparse.Namespace) -> None:
    offered = args.sources * args.rate
    print(
        f"{args.sources} sources x {args.rate:,} lines/s = {offered:,} lines/s offered, "
        f"{args.seconds:g} s per phase, max_lines 20,000, headless 150x45 (wrap: 80x45)"
    )
    print(
        "| phase | produced/s | delivered/s | behind at end | ring pruned | backlog | lost | "
        "lag p50 / max | batches/s | CPU (cores) | key→frame p50 / p99 / max (n) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for p in phases:
        keys = (
            f"{percentile(p.key_to_frame, 0.5) * 1000:.0f} / "
            f"{percentile(p.key_to_frame, 0.99) * 1000:.0f} / "
            f"{max(p.key_to_frame) * 1000:.0f} ms ({len(p.key_to_frame)})"
            if p.key_to_frame
            else "-"
        )
        lag = (
            f"{statistics.median(p.lags) * 1000:.0f} / {max(p.lags) * 1000:.0f} ms"
            if p.lags
            else "-"
        )
        print(
            f"| {p.name} | {p.produced / p.seconds:,.0f} | "
            f"{(p.produced - p.behind) / p.seconds:,.0f} | {p.behind:,} | "
            f"{p.pruned:,} | {p.backlog:,} | {p.lost:,} | {lag} | "
            f"{p.batches / p.seconds:.1f} | {p.cpu:.2f} | {keys} |"
        )
    heap = [p.heap_peak for p in phases if p.heap_peak]
    if heap:
        print(f"peak Python heap (tracemalloc, heap phase): {max(heap) / 2**20:.1f} MiB")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"process max RSS over all phases: {rss / 1024:.0f} MiB")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=20)
    parser.add_argument("--rate", type=int, default=1000, help="lines/s per source")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    parser.add_argument("--presses", type=int, default=100, help="key presses per phase")
    parser.add_argument(
        "--no-gc-freeze",
        dest="gc_freeze",
        action="store_false",
        help="do not gc.freeze() once started (ClawApp does)",
    )
    parser.add_argument(
        "--phases", default="plain,search,filter,wrap,heap", help="comma-separated phases to run"
    )
    args = parser.parse_args()
    phases = []
    for name in args.phases.split(","):
        if name == "heap":
            tracemalloc.start()
            phases.append(await run_phase(name, args, 0))
            tracemalloc.stop()
        else:
            phases.append(await run_phase(name, args, args.presses))
    report(phases, args)


if __name__ == "__main__":
    asyncio.run(main())
