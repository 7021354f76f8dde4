"""Who is asking: the bearer token, the agent's context directory and the secret check."""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["AgentContext", "AuthError", "authenticate", "load_context", "parse_bearer"]

CONTEXT_FILES = ("AGENTS.md", "CLAWDAPUS.md", "metadata.json")


class AuthError(Exception):
    """A request refused before routing: the HTTP status and message to answer with."""

    def __init__(self, status: int, message: str, agent: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.agent = agent


@dataclass(frozen=True, slots=True)
class AgentContext:
    """What the proxy knows of an agent: its contract, its CLAWDAPUS.md, its metadata."""

    agent: str
    agents_md: str
    clawdapus_md: str
    metadata: dict[str, Any]


def parse_bearer(header: str) -> tuple[str, str]:
    """The agent id and secret of ``Authorization: Bearer <agent-id>:<secret>`` (the scheme
    in any case; split at the first colon; neither part empty)."""
    scheme, _, credentials = header.strip().partition(" ")
    agent, colon, secret = credentials.strip().partition(":")
    if scheme.lower() != "bearer" or not colon or not agent or not secret:
        raise AuthError(401, "invalid bearer token")
    return agent, secret


def _safe_id(agent: str) -> bool:
    """Whether ``agent`` names one directory below the context root, nothing above or beside."""
    return agent not in {".", ".."} and not any(c in agent for c in "/\\\x00")


def load_context(root: Path, agent: str) -> AgentContext:
    """The context of ``agent``: ``<root>/<agent>/{AGENTS.md, CLAWDAPUS.md, metadata.json}``,
    all three present and the metadata a JSON object. An id that would leave the directory
    (``..``, a slash, NUL) is not found, like a missing one."""
    missing = AuthError(403, "agent context not found", agent)
    if not _safe_id(agent):
        raise missing
    directory = root / agent
    try:
        agents_md, clawdapus_md, metadata_text = (
            (directory / name).read_text(encoding="utf-8") for name in CONTEXT_FILES
        )
        metadata = json.loads(metadata_text)
    except (OSError, ValueError) as exc:
        raise missing from exc
    if not isinstance(metadata, dict):
        raise missing
    return AgentContext(agent, agents_md, clawdapus_md, metadata)


def authenticate(context: AgentContext, secret: str) -> None:
    """Check the presented ``secret`` against ``metadata.token`` (an optional ``Bearer ``
    prefix dropped): a stored ``<agent>:<secret>`` must name this agent (when its agent part is
    not empty) and hold this secret; a stored token without a colon is the secret itself.
    Compared in constant time."""
    refused = AuthError(403, "invalid agent secret", context.agent)
    stored = context.metadata.get("token")
    if not isinstance(stored, str):
        raise refused
    stored = stored.strip()
    if stored[:7].lower() == "bearer ":
        stored = stored[7:].strip()
    if not stored:
        raise refused
    owner, colon, expected = stored.partition(":")
    if not colon:
        expected = stored
    elif owner and owner != context.agent:
        raise refused
    if not hmac.compare_digest(expected.encode(), secret.encode()):
        raise refused
