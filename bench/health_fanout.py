"""Health of 1, 10 and 50 claws: wall time of one `probe_health` over all of them vs one probe.

For scale, in the same run: the same probes as `docker exec` commands started all at once
(the docker CLI in parallel: what the engine itself allows) and one after the other.

A throw-away compose project of N stub openclaw containers (image claw-stub/openclaw:latest,
labelled ``claw.type=openclaw`` so the openclaw driver probes each with
``docker exec … openclaw health --json``) is started; then, best of three, the time to probe a
single container and the time to probe all N at once (listing included). Everything is removed
at the end, also on failure.

Run: .venv/bin/python bench/health_fanout.py [N ...]   (default 1 10 50)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from _timing import best_of

from clawlib.engine import DockerView
from clawlib.lifecycle import probe_health


def compose_file(directory: Path, claws: int) -> Path:
    lines = ["services:"]
    for index in range(claws):
        lines += [
            f"  claw{index:03d}:",
            "    image: claw-stub/openclaw:latest",
            "    init: true",
            "    environment: {STUB_LOG_RATE: '1'}",
            "    labels: {claw.type: openclaw}",
        ]
    path = directory / "compose.yml"
    path.write_text("\n".join(lines) + "\n")
    return path


def compose(project: str, file: Path, *args: str) -> None:
    subprocess.run(
        ["docker", "compose", "-p", project, "-f", str(file), *args],
        check=True,
        capture_output=True,
    )


def measure(claws: int) -> str:
    project = f"claw-bench-health-{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory() as scratch:
        file = compose_file(Path(scratch), claws)
        try:
            compose(project, file, "up", "-d", "--quiet-pull")
            with DockerView() as view:
                deadline = time.monotonic() + 60
                while True:
                    containers = view.containers(project)
                    if len(containers) == claws and all(c.running for c in containers):
                        break
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"{claws} containers did not start in 60 s")
                    time.sleep(0.2)
                verdicts = probe_health(view, containers)
                healthy = sum(1 for v in verdicts if v.ok)
                single = best_of(3, lambda: probe_health(view, containers[:1]))
                fanout = best_of(3, lambda: probe_health(view, view.containers(project)))
                ids = [c.id for c in containers]
                parallel = best_of(3, lambda: cli_probes(ids, parallel=True))
                serial = best_of(1, lambda: cli_probes(ids, parallel=False))
        finally:
            compose(project, file, "down", "-t", "1")
    return (
        f"| {claws} | {healthy}/{claws} | {single * 1000:.0f} ms | {fanout * 1000:.0f} ms "
        f"| {fanout / single:.1f}x | {parallel * 1000:.0f} ms | {serial * 1000:.0f} ms |"
    )


def cli_probes(ids: list[str], *, parallel: bool) -> None:
    argv = ["openclaw", "health", "--json"]
    if not parallel:
        for container in ids:
            subprocess.run(["docker", "exec", container, *argv], capture_output=True, check=True)
        return
    running = [
        subprocess.Popen(
            ["docker", "exec", container, *argv],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for container in ids
    ]
    for process in running:
        process.wait()


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [1, 10, 50]
    print(
        "| claws | healthy | one probe | all claws | all / one "
        "| docker exec CLI, all at once | docker exec CLI, one by one |"
    )
    print("|---|---|---|---|---|---|---|")
    for size in sizes:
        print(measure(size), flush=True)


if __name__ == "__main__":
    main()
