"""Start-up of clawtui on a 50-service pod: time to the first interactive frame, to the full
tree from the plan, to the containers listed, and to the first health round.

The pod: 10 openclaw claws with ``count: 4`` (40 compose services) and 10 plain services, all on
the local stub images. With ``--engine`` (the default) the pod is applied first, so the app
starts against 50 running containers; with ``--no-engine`` the app is pointed at a socket where
no engine answers (the tree then comes from the plan alone).

Each run is a fresh process (``python -c``), timed from just before it is spawned, so imports
count. Usage: ``.venv/bin/python bench/tui_startup.py [--runs 5] [--no-engine] [--keep]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

CLAWS = 10
COUNT = 4
PLAIN = 10

CHILD = textwrap.dedent(
    """
    import sys, time
    t0 = float(sys.argv[2])
    from clawtui.app import ClawApp, resolve_pod_file
    from clawtui.backend import EngineBackend
    from clawtui.screens.main import MainScreen

    marks = {}

    def mark(name):
        if name not in marks:
            marks[name] = time.time() - t0
            print(f"{name} {marks[name]:.3f}", flush=True)

    class Timed(ClawApp):
        def on_ready(self):
            mark("first-frame")
            self.set_interval(0.01, self.watch)

        def watch(self):
            screen = self.screen
            if not isinstance(screen, MainScreen):
                return
            if screen.plan is not None:
                mark("planned")
            if screen.engine_up:
                mark("listed")
            if screen.health:
                mark("probed")
            want = 4 if sys.argv[3] == "engine" else 2
            if len(marks) >= want or time.time() - t0 > 60:
                self.exit()

    Timed(resolve_pod_file(sys.argv[1]), EngineBackend()).run(headless=True, size=(150, 45))
    """
)


def write_pod(directory: Path, name: str) -> Path:
    claw = directory / "agent"
    claw.mkdir(parents=True)
    (claw / "Clawfile").write_text(
        "FROM claw-stub/openclaw:latest\nCLAW_TYPE openclaw\nAGENT AGENTS.md\n"
        "MODEL primary anthropic/claude-sonnet-4\n"
    )
    (claw / "AGENTS.md").write_text("# Agent\n\nYou are one of many.\n")
    lines = [f"x-claw:\n  pod: {name}\nservices:"]
    for i in range(CLAWS):
        lines.append(
            f"  claw{i:02d}:\n    build: ./agent\n    environment:\n"
            f'      STUB_LOG_RATE: "1"\n    x-claw:\n      agent: ./agent/AGENTS.md\n'
            f"      count: {COUNT}"
        )
    for i in range(PLAIN):
        lines.append(
            f"  web{i:02d}:\n    image: claw-base/busybox:latest\n    init: true\n"
            "    command: [sleep, infinity]"
        )
    pod = directory / "claw-pod.yml"
    pod.write_text("\n".join(lines) + "\n")
    return pod


def run_once(pod: Path, engine: bool, env: dict[str, str]) -> dict[str, float]:
    t0 = time.time()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(pod), repr(t0), "engine" if engine else "none"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the app failed:\n{done.stderr[-3000:]}")
    marks = {}
    for line in done.stdout.splitlines():
        name, _, value = line.partition(" ")
        try:
            marks[name] = float(value)
        except ValueError:
            continue
    return marks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-engine", dest="engine", action="store_false")
    parser.add_argument("--keep", action="store_true", help="leave the pod running")
    args = parser.parse_args()

    name = f"claw-bench-{os.getpid()}"
    with tempfile.TemporaryDirectory() as tmp:
        pod = write_pod(Path(tmp) / "pod", name)
        env = dict(os.environ)
        if args.engine:
            from clawlib import apply, load_pod, plan_pod

            started = time.monotonic()
            report = apply(plan_pod(load_pod(pod)))
            print(f"applied {len(report.services)} services in {time.monotonic() - started:.1f} s")
        else:
            env["DOCKER_HOST"] = f"unix://{tmp}/no-engine.sock"
        try:
            results = [run_once(pod, args.engine, env) for _ in range(args.runs)]
        finally:
            if args.engine and not args.keep:
                subprocess.run(
                    [
                        "docker",
                        "compose",
                        "-p",
                        name,
                        "-f",
                        str(pod.parent / "compose.generated.yml"),
                        "down",
                        "-v",
                        "--remove-orphans",
                    ],
                    capture_output=True,
                    check=False,
                )
                subprocess.run(
                    [
                        "sh",
                        "-c",
                        f"docker images -q 'claw-local/{name}-*' | xargs -r docker rmi -f",
                    ],
                    capture_output=True,
                    check=False,
                )
    print(
        f"{CLAWS} claws × {COUNT} + {PLAIN} plain = {CLAWS * COUNT + PLAIN} services; "
        f"engine: {'running the pod' if args.engine else 'unreachable'}; {args.runs} runs"
    )
    for mark in ("first-frame", "planned", "listed", "probed"):
        values = [r[mark] for r in results if mark in r]
        if values:
            print(
                f"  {mark:12s} median {statistics.median(values):.2f} s  "
                f"min {min(values):.2f}  max {max(values):.2f}"
            )


if __name__ == "__main__":
    main()
