"""`claw plan` as a whole command on the worst inputs claw accepts, and on ones it refuses.

Each pod is written to a temporary directory and planned by `claw plan` run as a process (so
interpreter start-up, imports and file reading count), with the engine's image look-ups replaced
by "not built" so that the figures are the parser's and the planner's. Times are the best of
three; peak RSS is the process's (ru_maxrss of the child).

- largest pod file accepted: plain services filling just under the 256 KiB limit;
- a pod file over the limit: refused before parsing;
- count at the maximum: one claw with 100 replicas;
- a YAML alias bomb just under the node limit (1,000,000 nodes once expanded);
- a named pipe as claw-pod.yml: refused at once.

Run: .venv/bin/python bench/hostile_inputs.py
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

CLAWFILE = "FROM claw-base/busybox:latest\nCLAW_TYPE generic\nAGENT AGENTS.md\n"
DRIVER = (
    "import sys, clawlib.session as s; s.LocalImages.get = lambda self, ref: None; "
    "from clawtui.cli import main; sys.exit(main(sys.argv[1:]))"
)


def agent(root: Path) -> None:
    (root / "agent").mkdir()
    (root / "agent" / "Clawfile").write_text(CLAWFILE)
    (root / "AGENTS.md").write_text("# Agent\n")


def largest_pod(root: Path) -> None:
    lines = ["services:"]
    size = 10
    index = 0
    while True:
        block = [
            f"  web{index:05d}:",
            "    image: claw-base/busybox:latest",
            f'    environment: {{SLOT: "{index}"}}',
            "    command: [sh, -c, 'exec httpd -f -p 8080']",
        ]
        grown = size + sum(len(line) + 1 for line in block)
        if grown > 256 * 1024 - 64:
            break
        lines += block
        size = grown
        index += 1
    (root / "claw-pod.yml").write_text("\n".join(lines) + "\n")


def oversized_pod(root: Path) -> None:
    largest_pod(root)
    with (root / "claw-pod.yml").open("a") as out:
        out.write("# " + "x" * 2048 + "\n")


def full_count(root: Path) -> None:
    agent(root)
    (root / "claw-pod.yml").write_text(
        "services:\n  worker:\n    build: ./agent\n    x-claw: {agent: ./AGENTS.md, count: 100}\n"
    )


def alias_bomb(root: Path) -> None:
    # Nine levels of ten aliases each: 10**6 leaves, just under the limit with the lists.
    lines = ["x-bomb:", '  l0: &l0 ["x","x","x","x","x","x","x","x","x"]']
    for level in range(1, 6):
        below = ",".join(f"*l{level - 1}" for _ in range(10))
        lines.append(f"  l{level}: &l{level} [{below}]")
    lines += ["services:", "  web:", "    image: claw-base/busybox:latest"]
    (root / "claw-pod.yml").write_text("\n".join(lines) + "\n")


def pipe(root: Path) -> None:
    os.mkfifo(root / "claw-pod.yml")


def run(root: Path) -> tuple[float, int, int, str]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, "plan"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    elapsed = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    last = (done.stderr.strip().splitlines() or done.stdout.strip().splitlines() or [""])[-1]
    return elapsed, rss, done.returncode, last[:110]


def measure(name: str, make: Callable[[Path], None]) -> None:
    times = []
    rss = status = 0
    message = ""
    for _ in range(3):
        with tempfile.TemporaryDirectory() as temp:
            root = Path(temp)
            make(root)
            elapsed, rss, status, message = run(root)
            times.append(elapsed)
    size = ""
    print(f"| {name} | {min(times):.2f} s | {rss} MiB | {status} | {message}{size} |", flush=True)


def main() -> None:
    print("| input | `claw plan` (best of 3) | peak RSS (max so far) | exit | last line |")
    print("|---|---|---|---|---|")
    measure("largest accepted pod file (256 KiB of plain services)", largest_pod)
    measure("pod file over 256 KiB", oversized_pod)
    measure("count: 100", full_count)
    measure("alias bomb, 10^6 nodes", alias_bomb)
    measure("named pipe as claw-pod.yml", pipe)


if __name__ == "__main__":
    main()
