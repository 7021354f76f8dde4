"""Making the governance proxy's image: from nothing, when it is up to date, and after a change.

    .venv/bin/python bench/proxy_image.py [--runs 5] [--skip-cold]

Cold (as root; left out with ``--skip-cold`` or without root): a Python base image under a
throwaway tag, made by debootstrap with an empty download cache, then a proxy image on it, with
an empty package cache (pip fetches the wheels) and no docker layer of that base. These are
library calls (``ensure_python_base``, ``ensure_proxy_image``), timed in process.

Then whole ``claw build --proxy -t TAG`` commands, as a user runs them, on the shared base
``claw-base/python:latest`` (scripts/setup makes it) with a throwaway proxy tag: the first
build (the user's package cache and docker's layer cache as they are), the no-op when the image
is up to date (median of ``--runs``), the rebuild after a change of the proxy's sources (a copy
of this tree with a new comment added to ``clawlib/proxy/_auth.py``), and the rebuild back.

Sizes are the engine's (``docker image inspect``). Every image made here is removed.
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
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clawlib.images import PYTHON_BASE_IMAGE, ensure_proxy_image, ensure_python_base  # noqa: E402

CLAW = [sys.executable, "-c", "import sys; from clawtui.cli import main; sys.exit(main())"]


def docker(*args: str) -> str:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=True).stdout


def size_mb(tag: str) -> float:
    return int(docker("image", "inspect", "--format", "{{.Size}}", tag)) / 1e6


def remove(*tags: str) -> None:
    for tag in tags:
        subprocess.run(["docker", "image", "rm", "-f", tag], capture_output=True, check=False)


def note(text: str) -> None:
    print(f"  {text}", file=sys.stderr, flush=True)


def cold() -> list[tuple[str, str]]:
    rows = []
    suffix = uuid.uuid4().hex[:8]
    base, proxy = f"claw-bench/python-{suffix}:latest", f"claw-local/cllama-bench-{suffix}:latest"
    try:
        with tempfile.TemporaryDirectory(prefix="claw-bench-cache-") as cache:
            env = dict(os.environ, CLAW_CACHE_DIR=cache)
            start = time.perf_counter()
            ensure_python_base(base, on_step=note, env=env)
            seconds = time.perf_counter() - start
            rows.append(("cold base image (debootstrap, trim, import)", f"{seconds:.1f} s"))
            rows.append(("base image size", f"{size_mb(base):.0f} MB"))
            start = time.perf_counter()
            ensure_proxy_image(proxy, base=base, on_step=note, env=env)
            seconds = time.perf_counter() - start
            rows.append(("cold proxy image (pip fetches, no layer cached)", f"{seconds:.1f} s"))
            rows.append(("proxy image size (base included)", f"{size_mb(proxy):.0f} MB"))
    finally:
        remove(proxy, base)
    return rows


def claw(tree: Path, *args: str) -> tuple[float, str]:
    """Wall time and standard error of ``claw args`` run with ``tree`` first on the path."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    start = time.perf_counter()
    done = subprocess.run(
        [*CLAW, *args], env=env, cwd=tree, capture_output=True, text=True, check=True
    )
    return time.perf_counter() - start, done.stderr


def commands(runs: int) -> list[tuple[str, str]]:
    rows = []
    tag = f"claw-local/cllama-bench-{uuid.uuid4().hex[:8]}:latest"
    build = ("build", "--proxy", "-t", tag)
    try:
        seconds, err = claw(ROOT, *build)
        assert f"claw: building {tag}" in err, err
        rows.append(("`claw build --proxy`, first build (packages cached)", f"{seconds:.2f} s"))
        times = []
        for _ in range(runs):
            seconds, err = claw(ROOT, *build)
            assert "is up to date" in err, err
            times.append(seconds)
        noop = statistics.median(times)
        rows.append((f"`claw build --proxy`, up to date (median of {runs})", f"{noop:.2f} s"))
        with tempfile.TemporaryDirectory(prefix="claw-bench-tree-") as tmp:
            tree = Path(tmp)
            for part in ("clawlib", "clawtui"):
                shutil.copytree(ROOT / part, tree / part)
            shutil.copy(ROOT / "pyproject.toml", tree)
            with (tree / "clawlib" / "proxy" / "_auth.py").open("a") as source:
                source.write(f"# changed {uuid.uuid4().hex}\n")  # never built before
            seconds, err = claw(tree, *build)
            assert "the proxy's sources changed" in err, err
            rows.append(("`claw build --proxy` after a proxy source changed", f"{seconds:.2f} s"))
        seconds, err = claw(ROOT, *build)
        assert "the proxy's sources changed" in err, err
        rows.append(("… and back (every layer cached)", f"{seconds:.2f} s"))
        rows.append(("proxy image size (base included)", f"{size_mb(tag):.0f} MB"))
    finally:
        remove(tag)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-cold", action="store_true")
    options = parser.parse_args()
    rows = []
    if options.skip_cold or os.geteuid() != 0:
        print("cold builds skipped (they need root, and take a minute)", file=sys.stderr)
    else:
        rows += cold()
    try:
        docker("image", "inspect", PYTHON_BASE_IMAGE)
    except subprocess.CalledProcessError:
        raise SystemExit(f"{PYTHON_BASE_IMAGE} is missing: run scripts/build-proxy-image") from None
    rows.append((f"{PYTHON_BASE_IMAGE} size", f"{size_mb(PYTHON_BASE_IMAGE):.0f} MB"))
    rows += commands(options.runs)
    print("| what | time or size |\n|---|---|")
    for what, value in rows:
        print(f"| {what} | {value} |")


if __name__ == "__main__":
    main()
