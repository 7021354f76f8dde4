"""Wall time of short ``claw`` commands as whole processes: interpreter start-up and imports.

    .venv/bin/python bench/cli_startup.py [--runs 10] [--tree DIR ...]

Times ``claw --version``, ``claw ps`` and ``claw plan`` (median of ``--runs``; the interpreter
alone, ``python -c pass``, for the floor), each run as the console script runs it, with a tree's
``clawlib`` and ``clawtui`` first on PYTHONPATH (default: this checkout; give several ``--tree``
to compare, e.g. an older commit unpacked with ``git archive``: their runs are interleaved, so
that a busy machine slows them alike). ``claw plan`` reads examples/demo; ``claw ps`` a copy of
it whose files were generated in a temporary directory (with an engine it lists the project's
containers, without one it fails at once).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLAW = [sys.executable, "-c", "import sys; from clawtui.cli import main; sys.exit(main())"]


def timed(command: list[str], tree: Path, cwd: Path) -> float:
    """Wall time of ``command`` with ``tree`` first on the path, in seconds. (``cwd`` is not a
    source tree: ``python -c`` puts the working directory before PYTHONPATH.)"""
    env = dict(os.environ, PYTHONPATH=str(tree))
    start = time.perf_counter()
    subprocess.run(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--tree", type=Path, action="append", help="default: this checkout")
    options = parser.parse_args()
    trees = [tree.resolve() for tree in options.tree or [ROOT]]
    with tempfile.TemporaryDirectory() as tmp:
        pod = Path(tmp) / "demo"
        shutil.copytree(ROOT / "examples" / "demo", pod)
        generate = [*CLAW, "generate", "-f", str(pod / "claw-pod.yml")]
        env = dict(os.environ, PYTHONPATH=str(trees[0]))
        subprocess.run(generate, env=env, cwd=tmp, check=True, capture_output=True)
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "claw --version": [*CLAW, "--version"],
            "claw ps": [*CLAW, "ps", "-f", str(pod / "claw-pod.yml")],
            "claw plan": [*CLAW, "plan", "-f", str(ROOT / "examples" / "demo" / "claw-pod.yml")],
        }
        times: dict[tuple[str, Path], list[float]] = {}
        for _ in range(options.runs):
            for name, command in commands.items():
                for tree in trees:
                    times.setdefault((name, tree), []).append(timed(command, tree, pod))
    for (name, tree), runs in times.items():
        label = f"  ({tree})" if len(trees) > 1 else ""
        median, low = statistics.median(runs), min(runs)
        print(f"{name:15} median {median * 1000:4.0f} ms  min {low * 1000:4.0f} ms{label}")


if __name__ == "__main__":
    main()
