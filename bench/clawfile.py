"""Clawfile parse + emit throughput, and the cost of starting `claw`.

Run: .venv/bin/python bench/clawfile.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from _timing import best_of

from clawlib.clawfile import Clawfile, emit_dockerfile

ROOT = Path(__file__).parents[1]
REFERENCE = (ROOT / "tests/golden/clawfile/every-directive/Clawfile").read_text()


def large_clawfile(agents: int) -> str:
    """One Clawfile with ``agents`` blocks of directives and Docker lines (≈ 12 lines each)."""
    lines = ["FROM claw-base/busybox:latest", "CLAW_TYPE openclaw", "AGENT AGENTS.md"]
    for i in range(agents):
        lines += [
            f"MODEL slot{i} openrouter/anthropic/claude-sonnet-4",
            f"HANDLE platform{i}",
            f"SURFACE volume://cache{i} read-only",
            f"SURFACE service://api{i}:8080",
            f"SKILL ./skills/skill{i}.md",
            f"CONFIGURE openclaw config set agents.a{i}.every 30m",
            f"INVOKE */{i % 59 + 1} 9-16 * * 1-5 Check positions {i}",
            f"PRIVILEGE mode{i} user{i}",
            f"TRACK apt{i} pip{i}",
            f"RUN echo step {i} && \\",
            "    echo continued",
            f"ENV K{i}=v{i}",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    small = best_of(200, lambda: emit_dockerfile(Clawfile.parse(REFERENCE)))
    print(f"every-directive Clawfile parse+emit: {small * 1e6:.0f} µs")
    text = large_clawfile(1000)
    lines = text.count("\n")
    big = best_of(5, lambda: emit_dockerfile(Clawfile.parse(text)))
    print(f"{lines}-line Clawfile parse+emit: {big * 1e3:.1f} ms ({lines / big:,.0f} lines/s)")
    claw = Path(sys.executable).parent / "claw"
    starts = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([str(claw), "--version"], check=True, capture_output=True)
        starts.append(time.perf_counter() - start)
    print(f"`claw --version` wall time: median {statistics.median(starts) * 1e3:.0f} ms")


if __name__ == "__main__":
    main()
