"""The ``nanoclaw`` driver: an orchestrator that spawns its agents as Docker containers.

nanoclaw (the Claude Agent SDK in Node.js) has no configuration file for claw to write: it reads
one ``CLAUDE.md`` per group and starts an agent-runner container per conversation through the
host's Docker engine. So the driver writes ``CLAUDE.md`` (the contract as written, a ``---``
rule, then CLAWDAPUS.md), mounted as ``/workspace/groups/main/CLAUDE.md``, and mounts the
Docker socket read-write. That mount hands the claw the engine, which is root on the host: the
image must ask for it (``PRIVILEGE docker-socket true`` in its Clawfile) or the plan fails, and
the plan says plainly what it grants. The root file system stays writable (nanoclaw writes its
state next to its code).

MODEL, HANDLE and CONFIGURE have nothing to set and INVOKE has no scheduler: each is ignored
with one warning saying so.

A governed claw's orchestrator gets ``ANTHROPIC_BASE_URL`` (the proxy's root,
``http://<proxy>:8080``: the Anthropic SDK adds ``/v1/messages`` itself, so upstream's
``…:8080/v1`` would reach ``/v1/v1/messages``; the SDK sends its key as ``X-Api-Key``, which the
proxy accepts on the messages endpoint), the proxy
token as ``ANTHROPIC_API_KEY`` in ``/workspace/.env`` (nanoclaw reads that file and passes it to
its agent-runners; a secret: written 0600, never shown), and ``CLAW_NETWORK``, the compose
network its agent-runners must join to reach the proxy. Compose names that network
``<project>_claw-internal``, and the project is not known when the plan is made (``claw up -p``,
``COMPOSE_PROJECT_NAME``), so the value is ``${COMPOSE_PROJECT_NAME}_claw-internal``, which
compose fills in with the project it actually runs (upstream assumes the pod's name).
"""

from __future__ import annotations

from clawlib.drivers.base import Driver, Healthcheck, Materialised, Mount, RuntimeFile
from clawlib.errors import DriverError
from clawlib.runtime import PERSONA_DIR, ResolvedClaw, clawdapus_md

__all__ = ["DOCKER_SOCKET", "NanoclawDriver", "claude_md"]

DOCKER_SOCKET = "/var/run/docker.sock"
"""The host's Docker socket, mounted at the same path in the container."""

_NETWORK = "${COMPOSE_PROJECT_NAME}_claw-internal"
"""The pod network as compose names it (``clawlib.compose.CLAW_NETWORK`` under the project),
resolved by compose itself."""


def claude_md(contract: bytes, clawdapus: str) -> bytes:
    """``CLAUDE.md``: the contract exactly as written, a ``---`` rule, then CLAWDAPUS.md."""
    return contract + b"\n\n---\n\n" + clawdapus.encode()


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class NanoclawDriver(Driver):
    """nanoclaw (Claude Agent SDK orchestrator): CLAUDE.md, the Docker socket, the proxy's
    endpoint and token."""

    name = "nanoclaw"
    description = "nanoclaw orchestrator: CLAUDE.md, Docker socket, spawns agent containers"

    def validate(self, claw: ResolvedClaw) -> list[str]:
        privilege = claw.privileges.get("docker-socket")
        if privilege is None:
            raise DriverError(
                "nanoclaw requires PRIVILEGE docker-socket true in the Clawfile (nanoclaw spawns "
                "agent containers via Docker, so its container gets the host's Docker socket)"
            )
        if privilege != "true":
            raise DriverError(
                f'PRIVILEGE docker-socket is "{privilege}": nanoclaw requires exactly '
                '"PRIVILEGE docker-socket true" (nanoclaw spawns agent containers via Docker)'
            )
        warnings = []
        if claw.models:
            slots = ", ".join(sorted(claw.models))
            warnings.append(
                f"MODEL is ignored by nanoclaw (the Claude Agent SDK chooses the model): {slots}"
            )
        if claw.handles:
            platforms = ", ".join(sorted(claw.handles))
            warnings.append(
                "HANDLE is ignored by nanoclaw (it has no channel configuration to write; the "
                f"CLAW_HANDLE_* variables are still set): {platforms}"
            )
        if claw.configures:
            warnings.append(
                "CONFIGURE is ignored by nanoclaw (it has no configuration file to set): "
                f"{_plural(len(claw.configures), 'command')} not applied"
            )
        if claw.invocations:
            warnings.append(
                "INVOKE is not supported by nanoclaw (it has no scheduler claw can fill): "
                f"{_plural(len(claw.invocations), 'invocation')} ignored"
            )
        return warnings

    def materialise(self, claw: ResolvedClaw) -> Materialised:
        files = {"CLAUDE.md": RuntimeFile(claude_md(claw.contract, clawdapus_md(claw)))}
        mounts = [
            Mount("CLAUDE.md", "/workspace/groups/main/CLAUDE.md"),
            Mount(DOCKER_SOCKET, DOCKER_SOCKET, read_only=False, absolute=True),
        ]
        environment = {"CLAW_MANAGED": "true"}
        if claw.persona_files:
            mounts.append(Mount(PERSONA_DIR, "/workspace/container/persona", read_only=False))
            environment["CLAW_PERSONA_DIR"] = "/workspace/container/persona"
        if claw.proxy is not None:
            environment["ANTHROPIC_BASE_URL"] = claw.proxy.root_url
            environment["CLAW_NETWORK"] = _NETWORK
            files[".env"] = RuntimeFile(
                f"ANTHROPIC_API_KEY={claw.proxy.token}\n".encode(), mode=0o600, secret=True
            )
            mounts.append(Mount(".env", "/workspace/.env"))
        return Materialised(
            files=files,
            mounts=tuple(mounts),
            tmpfs=("/tmp",),
            environment=environment,
            healthcheck=Healthcheck(("CMD-SHELL", "pgrep -f '[n]ode.*index' > /dev/null")),
            read_only=False,
            skill_dir="/workspace/container/skills",
            skill_layout="directory",
            warnings=(
                f"nanoclaw gets the host's Docker socket ({DOCKER_SOCKET}) read-write: whoever "
                "controls this claw controls the Docker engine, and with it the host as root "
                "(it can start any container and mount any host path)",
            ),
        )
