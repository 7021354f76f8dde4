"""A small pod for the real-engine tests, and the docker commands they check with."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

__all__ = ["CLAWFILE", "docker", "leftovers", "remove_project", "running_container", "write_pod"]


CLAWFILE = """\
FROM claw-stub/openclaw:latest
CLAW_TYPE openclaw
AGENT AGENTS.md
MODEL primary anthropic/claude-sonnet-4
CONFIGURE openclaw config set agents.defaults.heartbeat.every {every}
"""


def docker(*args: str, check: bool = True) -> str:
    done = subprocess.run(["docker", *args], capture_output=True, text=True, check=check)
    return done.stdout.strip()


def running_container(project: str, service: str) -> str:
    """The ID of a running container of ``service`` in the compose project ``project``."""
    found = docker(
        "ps", "-q",
        "--filter", f"label=com.docker.compose.project={project}",
        "--filter", f"label=com.docker.compose.service={service}",
    )  # fmt: skip
    assert found, f"no running container of {service}"
    return found.split()[0]


def leftovers(project: str) -> dict[str, str]:
    label = f"label=com.docker.compose.project={project}"
    return {
        "containers": docker("ps", "-aq", "--filter", label),
        "networks": docker("network", "ls", "-q", "--filter", label),
        "volumes": docker("volume", "ls", "-q", "--filter", label),
    }


def write_pod(directory: Path, project: str, *, every: str = "30m") -> Path:
    for claw in ("alpha", "beta"):
        (directory / claw).mkdir(parents=True, exist_ok=True)
        (directory / claw / "Clawfile").write_text(CLAWFILE.format(every=every))
        (directory / claw / "AGENTS.md").write_text(f"# {claw.title()}\n\nYou are {claw}.\n")
    (directory / "claw-pod.yml").write_text(
        textwrap.dedent(
            f"""\
            x-claw:
              pod: {project}
            services:
              alpha:
                build: ./alpha
                environment:
                  STUB_LOG_RATE: "20"
                x-claw:
                  agent: ./alpha/AGENTS.md
              beta:
                build: ./beta
                environment:
                  STUB_LOG_RATE: "20"
                x-claw:
                  agent: ./beta/AGENTS.md
                  surfaces:
                    - "volume://shared read-write"
              web:
                image: claw-base/busybox:latest
                init: true
                command:
                  - sh
                  - -c
                  - mkdir -p /www && echo ok > /www/healthz && exec httpd -f -p 8080 -h /www
                healthcheck:
                  test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"]
                  interval: 1s
                  timeout: 2s
                  retries: 3
            volumes:
              shared: {{}}
            """
        )
    )
    return directory


def remove_project(name: str) -> None:
    """Remove every container, network, volume and built image of project ``name``."""
    label = f"label=com.docker.compose.project={name}"
    for container in docker("ps", "-aq", "--filter", label).split():
        docker("rm", "-f", "-v", container, check=False)
    for network in docker("network", "ls", "-q", "--filter", label).split():
        docker("network", "rm", network, check=False)
    for volume in docker("volume", "ls", "-q", "--filter", label).split():
        docker("volume", "rm", "-f", volume, check=False)
    for image in docker("images", "-q", f"claw-local/{name}-*").split():
        docker("image", "rm", "-f", image, check=False)
