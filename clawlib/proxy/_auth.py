"""Who is asking: the bearer token, the agent's context directory and the secret check."""

from __future__ import annotations

import hmac
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "AgentContext",
    "AuthError",
    "ContextCache",
    "authenticate",
    "load_context",
    "parse_bearer",
]

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


_Signature = tuple[tuple[int, int, int, int, int], ...]


def _signature(paths: tuple[str, ...]) -> _Signature:
    """Device, inode, size, modification and change time of each file (the change time last):
    a write, a replacement or a removal changes it. Raises OSError."""
    return tuple(
        (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
        for info in map(os.stat, paths)
    )


class ContextCache:
    """Agent contexts as :func:`load_context` reads them, kept while their files are unchanged:
    a look-up stats the three files (no read, no thread), and a context is read again as soon as
    one of them was written, replaced (``claw rotate-tokens`` renames a new metadata.json into
    place) or removed.

    A file's timestamps move in steps of the kernel's clock tick, so a file rewritten in place
    twice within one tick, at the same size, could keep its signature. As git does with its
    index, a context any of whose files changed less than ``settle`` seconds before it was read
    is not kept (it is read on every request until its files have settled): a kept signature
    can then only match files that have not been written since they were read.
    """

    def __init__(
        self, root: Path, settle: float = 2.0, clock: Callable[[], float] = time.time
    ) -> None:
        self.root = root
        self.settle = settle
        self._clock = clock
        self._kept: dict[str, tuple[tuple[str, ...], _Signature, AgentContext]] = {}

    def cached(self, agent: str) -> AgentContext | None:
        """The kept context of ``agent`` if none of its files changed since, else None."""
        kept = self._kept.get(agent)
        if kept is None:
            return None
        paths, signature, context = kept
        try:
            unchanged = _signature(paths) == signature
        except OSError:
            unchanged = False
        if not unchanged:
            self._kept.pop(agent, None)
            return None
        return context

    def load(self, agent: str) -> AgentContext:
        """Read the context of ``agent`` as :func:`load_context` does (raising its errors) and
        keep it if its files have settled. Safe to call from a worker thread."""
        if not _safe_id(agent):
            return load_context(self.root, agent)
        paths = tuple(os.path.join(self.root, agent, name) for name in CONTEXT_FILES)
        try:
            signature: _Signature | None = _signature(paths)
        except OSError:
            signature = None
        # Signed before reading: a write in between leaves a signature that no longer matches.
        context = load_context(self.root, agent)
        if signature is not None:
            changed = max(times[-1] for times in signature) / 1e9
            if changed < self._clock() - self.settle:
                self._kept[agent] = (paths, signature, context)
        return context


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
