"""Planning time and memory for pods of 10, 50 and 200 claws, against `docker compose config`.

Each claw has a Discord handle in a shared guild, a service surface, a shared volume, a channel
surface and a skill. The plan is made from Clawfiles (no image lookups), timed over three runs
(best), with peak Python memory from tracemalloc; then compose parses the generated file
(`docker compose -f compose.generated.yml config -q`, best of three) in the same run. Last, one
plain service is changed and the new plan compared with the disk (``Plan.diff``, best of three).

Run: .venv/bin/python bench/plan_scale.py [CLAW_TYPE]   (default openclaw)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import tracemalloc
from pathlib import Path

from _timing import best_of

from clawlib.planner import plan_pod
from clawlib.pod import load_pod


def make_pod(root: Path, claws: int, claw_type: str) -> None:
    (root / "agent").mkdir()
    (root / "agent" / "Clawfile").write_text(
        f"FROM claw-base/busybox:latest\nCLAW_TYPE {claw_type}\nAGENT AGENTS.md\n"
        "MODEL primary anthropic/claude-sonnet-4\n"
    )
    (root / "AGENTS.md").write_text("# Agent\n\nBe useful.\n")
    (root / "skills").mkdir()
    (root / "skills" / "runbook.md").write_text("# Runbook\n")
    lines = [
        "x-claw:",
        "  pod: scale",
        "  handles-defaults:",
        "    discord:",
        '      guilds: [{id: "900", name: Fleet, channels: [{id: "901", name: ops}]}]',
        "services:",
        "  api:",
        "    image: claw-base/busybox:latest",
        '    expose: ["8080"]',
    ]
    for index in range(claws):
        lines += [
            f"  claw{index:03d}:",
            "    build: ./agent",
            "    x-claw:",
            "      agent: ./AGENTS.md",
            f'      handles: {{discord: {{id: "{100000 + index}", username: claw{index:03d}}}}}',
            "      surfaces: [service://api, volume://shared read-only, channel://discord]",
            "      skills: [./skills/runbook.md]",
        ]
    (root / "claw-pod.yml").write_text("\n".join(lines) + "\n")


def measure(root: Path, claws: int, claw_type: str) -> str:
    make_pod(root, claws, claw_type)
    planned = best_of(3, lambda: plan_pod(load_pod(root, environ={}), lambda ref: None))
    tracemalloc.start()
    plan = plan_pod(load_pod(root, environ={}), lambda ref: None)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    plan.write()
    size = len(plan.compose.text.encode())
    handles = (root / ".claw-runtime" / "handles.env").stat().st_size
    services = len(plan.pod.services)
    command = ["docker", "compose", "-f", str(root / "compose.generated.yml"), "config", "-q"]
    compose = best_of(3, lambda: subprocess.run(command, check=True, capture_output=True))
    pod_file = root / "claw-pod.yml"
    pod_file.write_text(pod_file.read_text().replace('expose: ["8080"]', 'expose: ["8081"]'))
    changed = plan_pod(load_pod(root, environ={}), lambda ref: None)
    compared = best_of(3, changed.diff)
    return (
        f"| {claws} | {planned * 1000:.0f} ms | {peak / 2**20:.1f} MiB | {size / 1024:.0f} KiB "
        f"+ {handles / 1024:.0f} KiB handles.env | {handles * services / 2**20:.1f} MiB | "
        f"{compose * 1000:.0f} ms | {compared * 1000:.0f} ms |"
    )


def main() -> None:
    claw_type = sys.argv[1] if len(sys.argv) > 1 else "openclaw"
    print(
        "| claws | plan (best of 3) | peak memory | generated compose | handles inlined into "
        "every service (upstream) | `docker compose config -q` (best of 3) | diff after a change "
        "of one service (best of 3) |"
    )
    print("|---|---|---|---|---|---|---|")
    for claws in (10, 50, 200):
        with tempfile.TemporaryDirectory() as scratch:
            print(measure(Path(scratch), claws, claw_type), flush=True)


if __name__ == "__main__":
    main()
