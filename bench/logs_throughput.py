"""Log throughput of LogStream against `docker compose logs -f`, on pods of 1, 5 and 20 containers.

Each container runs the stub openclaw gateway logging as fast as it can (STUB_LOG_RATE=0). For
each pod size, a throw-away compose project is brought up; after a warm-up, two readers are
measured in turn over the same fixed window, four times each, in the order compose, ours, ours,
compose, compose, ours, ours, compose: the rate drifts as the pod runs (the engine's log files
grow), and this order gives both readers the same average position in time:

- `docker compose -p P -f F logs -f --tail 0 --no-color`, its stdout counted in this process
  (large reads, newlines counted); peak memory is the sum of VmHWM over the `docker` CLI and its
  compose plugin process, read from /proc just before it is stopped;
- LogStream(tail=0, follow) over every container of the project, drained with get_batch; peak
  memory is the growth of this process's peak RSS (VmHWM) over its RSS at the start of the
  measurement (the peak is reset through /proc/self/clear_refs first).

CPU is the reader's user+system time during the window (compose: both processes); LogStream's
lag is how old, at the end of the window, the newest line of the most behind container was. A
follower that keeps up delivers what the containers produce, and they share the machine's cores
with the engine and the reader, so these rates swing with the load.

Two more untimed windows measure the Python heap (tracemalloc) while LogStream follows the pod:
once with a consumer that keeps up, once with one that takes nothing (the buffer fills, the
reader waits: memory must stay bounded).

Then the pod is stopped and both read the end of the existing log, CATCH_UP lines in all
(`logs --tail K --no-color` without -f, against LogStream(follow=False, tail=K)), twice each:
nothing is being produced, so this is how fast each reader can go. The project is always taken
down (`docker compose down -v`), whatever happens.

Run: .venv/bin/python bench/logs_throughput.py [WINDOW_SECONDS [CONTAINERS...]]   (default 5 s;
1, 5 and 20 containers)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import uuid
from datetime import UTC, datetime
from pathlib import Path

from clawlib.engine import DockerView, LogLine, LogSource, LogStream

IMAGE = "claw-stub/openclaw:latest"
WARM_UP = 1.5
ROUNDS = 4
CATCH_UP = 200_000
CATCH_UP_ROUNDS = 2
HEAP_WINDOW = 3.0


def write_pod(root: Path, count: int) -> Path:
    lines = ["services:"]
    for index in range(count):
        lines += [
            f"  s{index:02d}:",
            f"    image: {IMAGE}",
            "    environment:",
            '      STUB_LOG_RATE: "0"',
            f"      CLAW_SERVICE: s{index:02d}",
        ]
    path = root / "compose.yml"
    path.write_text("\n".join(lines) + "\n")
    return path


def compose(project: str, file: Path, *args: str) -> list[str]:
    return ["docker", "compose", "-p", project, "-f", str(file), *args]


def status_kib(pid: int, field: str) -> int:
    """A memory field of /proc/<pid>/status in KiB (0 if the process is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system time of a process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree(pid: int) -> list[int]:
    """A process and its descendants (the docker CLI runs compose as a child plugin)."""
    pids = [pid]
    for current in pids:
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                pids += [int(p) for p in (task / "children").read_text().split()]
            except OSError:
                continue
    return pids


def measure_compose(project: str, file: Path, window: float) -> tuple[float, float, float]:
    """Lines/s, peak RSS (MiB) and CPU seconds of `docker compose logs -f` over ``window``."""
    argv = compose(project, file, "logs", "-f", "--tail", "0", "--no-color")
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    fd = process.stdout.fileno()
    counted = [0]
    counting = threading.Event()

    def pump() -> None:
        while chunk := os.read(fd, 1 << 20):
            if counting.is_set():
                counted[0] += chunk.count(b"\n")

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        time.sleep(WARM_UP)
        pids = tree(process.pid)
        cpu_before = sum(cpu_seconds(p) for p in pids)
        counting.set()
        start = time.perf_counter()
        time.sleep(window)
        counting.clear()
        elapsed = time.perf_counter() - start
        lines = counted[0]
        pids = tree(process.pid)
        cpu = sum(cpu_seconds(p) for p in pids) - cpu_before
        peak = sum(status_kib(p, "VmHWM") for p in pids) / 1024
    finally:
        process.terminate()
        process.wait(10)
        reader.join(5)
        process.stdout.close()
    return lines / elapsed, peak, cpu


def measure_ours(
    view: DockerView, project: str, window: float
) -> tuple[float, float, float, float]:
    """Lines/s, peak RSS growth (MiB), CPU seconds of LogStream over ``window``, and its lag at
    the end: how old the newest line of the most behind container is (seconds)."""
    sources = [LogSource(r.id, r.name, r.service) for r in view.containers(project)]
    Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
    rss_before = status_kib(os.getpid(), "VmRSS")
    with LogStream(view, sources, tail=0) as stream:
        deadline = time.monotonic() + WARM_UP
        while time.monotonic() < deadline:
            stream.get_batch(10_000, timeout=0.1)
        cpu_before = time.process_time()
        lines = 0
        start = time.perf_counter()
        deadline = start + window
        newest: dict[LogSource, datetime] = {}
        while time.perf_counter() < deadline:
            for item in stream.get_batch(10_000, timeout=0.1):
                if type(item) is LogLine and item.timestamp is not None:
                    lines += 1
                    newest[item.source] = item.timestamp
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu_before
        lag = (datetime.now(UTC) - min(newest.values())).total_seconds()
    peak = (status_kib(os.getpid(), "VmHWM") - rss_before) / 1024
    return lines / elapsed, peak, cpu, lag


def heap_peak(view: DockerView, project: str, *, stalled: bool) -> float:
    """Peak Python heap (MiB, tracemalloc) while following the pod for HEAP_WINDOW seconds; a
    stalled consumer takes nothing, so the buffer fills and the reader waits."""
    sources = [LogSource(r.id, r.name, r.service) for r in view.containers(project)]
    tracemalloc.start()
    try:
        with LogStream(view, sources, tail=0) as stream:
            deadline = time.monotonic() + HEAP_WINDOW
            while time.monotonic() < deadline:
                if stalled:
                    time.sleep(0.1)
                else:
                    stream.get_batch(10_000, timeout=0.1)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def catch_up_compose(project: str, file: Path, tail: int) -> float:
    """Lines/s of `docker compose logs --tail K` reading a stopped pod's log to its end."""
    argv = compose(project, file, "logs", "--tail", str(tail), "--no-color")
    start = time.perf_counter()
    done = subprocess.run(argv, check=True, capture_output=True)
    return done.stdout.count(b"\n") / (time.perf_counter() - start)


def catch_up_ours(view: DockerView, project: str, tail: int) -> float:
    """Lines/s of LogStream(follow=False, tail=K) reading a stopped pod's log to its end."""
    sources = [LogSource(r.id, r.name, r.service) for r in view.containers(project)]
    lines = 0
    start = time.perf_counter()
    with LogStream(view, sources, follow=False, tail=tail) as stream:
        while batch := stream.get_batch(10_000):
            lines += sum(1 for item in batch if type(item) is LogLine)
    return lines / (time.perf_counter() - start)


Sample = tuple[float, ...]


def measure(count: int, window: float) -> tuple[str, str, str]:
    project = f"claw-bench-logs-{uuid.uuid4().hex[:8]}"
    theirs: list[Sample] = []
    ours: list[Sample] = []
    caught: list[tuple[float, float]] = []
    tail = CATCH_UP // count
    with tempfile.TemporaryDirectory() as scratch:
        file = write_pod(Path(scratch), count)
        try:
            subprocess.run(compose(project, file, "up", "-d"), check=True, capture_output=True)
            time.sleep(WARM_UP)
            with DockerView() as view:
                for index in range(ROUNDS):
                    if index % 2 == 0:
                        theirs.append(measure_compose(project, file, window))
                        ours.append(measure_ours(view, project, window))
                    else:
                        ours.append(measure_ours(view, project, window))
                        theirs.append(measure_compose(project, file, window))
                heap = (
                    heap_peak(view, project, stalled=False),
                    heap_peak(view, project, stalled=True),
                )
                stop = compose(project, file, "stop", "-t", "1")
                subprocess.run(stop, check=True, capture_output=True)
                for _ in range(CATCH_UP_ROUNDS):
                    caught.append(
                        (catch_up_compose(project, file, tail), catch_up_ours(view, project, tail))
                    )
        finally:
            down = compose(project, file, "down", "-v", "-t", "1")
            subprocess.run(down, check=False, capture_output=True)

    def mean(values: list[Sample], index: int) -> float:
        return sum(v[index] for v in values) / len(values)

    rounds = " / ".join(
        f"{t[0]:,.0f} vs {o[0]:,.0f} ({o[3]:.1f} s)" for t, o in zip(theirs, ours, strict=True)
    )
    live = (
        f"| {count} | {mean(theirs, 0):,.0f} | {max(t[1] for t in theirs):.0f} MiB "
        f"| {mean(theirs, 2) / window:.2f} | {mean(ours, 0):,.0f} "
        f"| {max(o[1] for o in ours):.1f} MiB | {mean(ours, 2) / window:.2f} "
        f"| {max(o[3] for o in ours):.2f} s "
        f"| {100 * mean(ours, 0) / mean(theirs, 0):.0f} % | {rounds} |"
    )
    compose_rate = max(c[0] for c in caught)
    ours_rate = max(c[1] for c in caught)
    catch_up = (
        f"| {count} | {tail * count:,} | {compose_rate:,.0f} | {ours_rate:,.0f} "
        f"| {100 * ours_rate / compose_rate:.0f} % |"
    )
    memory = f"| {count} | {heap[0]:.1f} MiB | {heap[1]:.1f} MiB |"
    return live, catch_up, memory


def main() -> None:
    window = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0
    sizes = [int(arg) for arg in sys.argv[2:]] or [1, 5, 20]
    results = [measure(count, window) for count in sizes]
    print(
        f"Following ({window:.0f} s windows, mean of {ROUNDS} rounds, order ABBA)\n\n"
        "| containers | compose lines/s | compose peak RSS | compose CPU (cores) "
        "| LogStream lines/s | LogStream peak RSS growth | LogStream CPU (cores) "
        "| LogStream lag at end (worst) | ours / compose | rounds: compose vs ours (lag) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for live, _, _ in results:
        print(live)
    print(
        f"\nCatching up (the end of a stopped pod's log, best of {CATCH_UP_ROUNDS})\n\n"
        "| containers | lines | `docker compose logs --tail K` lines/s "
        "| LogStream(follow=False) lines/s | ours / compose |"
    )
    print("|---|---|---|---|---|")
    for _, catch_up, _ in results:
        print(catch_up)
    print(
        f"\nPython heap peak while following ({HEAP_WINDOW:.0f} s, tracemalloc, buffer of "
        "10,000 lines)\n\n| containers | consumer keeping up | consumer stalled |"
    )
    print("|---|---|---|")
    for _, _, memory in results:
        print(memory)


if __name__ == "__main__":
    main()
