"""Governance: the proxy a governed claw talks to, its agents' ids and tokens, and the context
the proxy reads about each agent.

A claw is governed when its ``cllama`` list (the pod's ``x-claw.cllama``, else its image's
CLLAMA) names a proxy type. The pod runs one proxy for all of them, the compose service
``cllama`` (type ``passthrough``) or ``cllama-<type>``; each agent (a claw, or each replica of
one: ``<service>-<i>``) holds a token ``<agent-id>:<48 lowercase hex>`` that the proxy checks
against the agent's ``metadata.json``. Provider keys live only in the proxy's environment.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import replace

from ._documents import clawdapus_md
from ._types import ResolvedClaw

__all__ = [
    "AUTH_DIR",
    "CONTEXT_DIR",
    "DEFAULT_PROXY_IMAGE",
    "PASSTHROUGH",
    "PROXY_PORT",
    "NewToken",
    "agent_ids",
    "context_files",
    "is_token_for",
    "new_token",
    "normalise_proxy_type",
    "proxy_healthcheck",
    "proxy_service_name",
    "proxy_type_problem",
    "token_in_metadata",
]

PASSTHROUGH = "passthrough"
DEFAULT_PROXY_IMAGE = "claw-local/cllama:latest"
"""The proxy image when the pod names none (``x-claw.cllama-image``): built locally."""
PROXY_PORT = 8080
CONTEXT_DIR = "context"
"""In the proxy's runtime directory: one directory per agent id, mounted read-only."""
AUTH_DIR = "auth"
"""In the proxy's runtime directory: the operator's ``providers.json``, mounted read-write;
claw never removes what it finds there."""

NewToken = Callable[[str], str]
"""Agent id → a new token for it, ``<agent-id>:<secret>``."""

_TYPE = re.compile(r"[a-z0-9][a-z0-9_.-]*")
_SECRET = re.compile(r"[0-9a-f]{48}")


def normalise_proxy_type(text: str) -> str:
    """A proxy type as claw compares it: trimmed, lower case; empty is ``passthrough``."""
    return text.strip().lower() or PASSTHROUGH


def proxy_type_problem(kind: str) -> str | None:
    """What is wrong with the (normalised) proxy type ``kind``, or None: it names a compose
    service and a directory, so it holds only ``a-z 0-9 _ . -``."""
    if _TYPE.fullmatch(kind) and len(kind) <= 100:
        return None
    return (
        f"governance proxy type {json.dumps(kind, ensure_ascii=False)} is not valid: it names "
        'the proxy service (cllama-<type>), so it holds only letters, digits, "_", "." and "-", '
        "starting with a letter or digit"
    )


def proxy_service_name(kind: str) -> str:
    """The proxy's compose service: ``cllama`` for passthrough, else ``cllama-<type>``."""
    return "cllama" if kind == PASSTHROUGH else f"cllama-{kind}"


def proxy_healthcheck(kind: str) -> list[str]:
    """The proxy's compose healthcheck test: its binary with ``-healthcheck``."""
    binary = "/cllama" if kind == PASSTHROUGH else f"/cllama-{kind}"
    return ["CMD", binary, "-healthcheck"]


def agent_ids(service: str, count: int) -> list[str]:
    """The agent ids of a claw: its name, or ``<name>-<i>`` for each of ``count`` replicas."""
    return [service] if count <= 1 else [f"{service}-{index}" for index in range(count)]


def new_token(agent_id: str) -> str:
    """A new token for ``agent_id``: ``<agent-id>:<48 lowercase hex>`` (24 random bytes)."""
    return f"{agent_id}:{secrets.token_hex(24)}"


def is_token_for(agent_id: str, token: object) -> bool:
    """Whether ``token`` is a well-formed token of ``agent_id``."""
    if not isinstance(token, str):
        return False
    owner, colon, secret = token.rpartition(":")
    return bool(colon) and owner == agent_id and bool(_SECRET.fullmatch(secret))


def token_in_metadata(content: bytes | None, agent_id: str) -> str | None:
    """The token an agent's ``metadata.json`` holds when it is a well-formed one of
    ``agent_id``; None for anything else (unreadable, not JSON, another agent's)."""
    if content is None:
        return None
    try:
        data = json.loads(content)
    except ValueError:
        return None
    token = data.get("token") if isinstance(data, dict) else None
    return token if is_token_for(agent_id, token) else None


def context_files(claw: ResolvedClaw, tokens: Mapping[str, str]) -> dict[str, tuple[bytes, bool]]:
    """The proxy's context of each agent of the governed ``claw``: path (relative to the
    context directory) → (content, holds a secret).

    ``<agent-id>/AGENTS.md`` is the claw's contract (includes and service manuals composed in,
    before any runner inlines more), ``<agent-id>/CLAWDAPUS.md`` its CLAWDAPUS.md naming the
    agent id as the service, ``<agent-id>/metadata.json`` its pod, service, type, token and
    (replicas only) ordinal. ``tokens`` maps every agent id to its token.
    """
    files: dict[str, tuple[bytes, bool]] = {}
    ids = agent_ids(claw.service, claw.count)
    for ordinal, agent in enumerate(ids):
        metadata: dict[str, object] = {
            "pod": claw.pod,
            "service": claw.service,
            "token": tokens[agent],
            "type": claw.claw_type,
        }
        if len(ids) > 1:
            metadata["ordinal"] = ordinal
        text = json.dumps(metadata, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        files[f"{agent}/AGENTS.md"] = (claw.contract, False)
        files[f"{agent}/CLAWDAPUS.md"] = (
            clawdapus_md(replace(claw, service=agent)).encode(),
            False,
        )
        files[f"{agent}/metadata.json"] = (text.encode(), True)
    return files
