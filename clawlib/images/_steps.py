"""What the image recipes share: the result type, staleness, the download cache."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

__all__ = ["CACHE_ENV", "LocalImage", "cache_dir", "stale_reason"]

CACHE_ENV = "CLAW_CACHE_DIR"


@dataclass(frozen=True, slots=True)
class LocalImage:
    """An image claw makes itself, as it is in the local store after :func:`ensure_...`."""

    tag: str
    id: str
    labels: Mapping[str, str] = field(default_factory=dict)
    built: bool = False
    """Whether it was built just now."""
    reason: str = "up to date"
    """Why it was built (``not built yet``, ``its sources changed``...), or ``up to date``."""
    base: LocalImage | None = None
    """The image it is built on, when claw makes that one too."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", MappingProxyType(dict(self.labels)))


def stale_reason(
    labels: Mapping[str, str] | None, wanted: Mapping[str, tuple[str, str]]
) -> str | None:
    """Why an image whose labels are ``labels`` (None: it is not in the store) must be built
    again, or None when it is up to date. ``wanted`` maps each label that pins an input to the
    value it must have and the words that say it changed (``its sources changed``); an image
    without any of these labels was not made by claw."""
    if labels is None:
        return "not built yet"
    if not any(key in labels for key in wanted):
        return "the image under this tag was not built by claw"
    changed = [why for key, (value, why) in wanted.items() if labels.get(key) != value]
    return "; ".join(changed) or None


def cache_dir(env: Mapping[str, str]) -> Path:
    """Where claw keeps what it downloads for its images: ``CLAW_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/clawdapus``, else ``~/.cache/clawdapus``."""
    if env.get(CACHE_ENV):
        return Path(env[CACHE_ENV])
    base = env.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "clawdapus"
