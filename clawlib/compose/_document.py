"""A compose file as one value: its text and the data it holds, each made once.

The planner renders the data and dumps it once; a file read from disk is parsed once. Everything
downstream (the diff's service changes, apply's list of services, the TUI's tree and its service
blocks) reads :attr:`ComposeDocument.services` instead of parsing the text again.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from clawlib.yamlio import dump_yaml, load_yaml

__all__ = ["ComposeDocument", "same_value"]


@dataclass(frozen=True, eq=False, slots=True)
class ComposeDocument:
    """The text of a compose file and its data (mappings in file order).

    The data is shared, not copied: treat it as read-only.
    """

    text: str
    data: Mapping[str, Any]

    @classmethod
    def parse(cls, text: str, source: str) -> ComposeDocument:
        """``text`` read as compose reads it; :class:`~clawlib.errors.PodError` (naming
        ``source``) when it is not YAML. A document that is not a mapping holds no data."""
        data = load_yaml(text, source).data
        return cls(text, data if isinstance(data, dict) else {})

    @property
    def services(self) -> Mapping[str, Mapping[str, Any]]:
        """Service name → definition, in file order (definitions that are not mappings left
        out)."""
        services = self.data.get("services")
        if not isinstance(services, dict):
            return MappingProxyType({})
        return MappingProxyType(
            {str(name): value for name, value in services.items() if isinstance(value, dict)}
        )

    @property
    def name(self) -> str | None:
        """The top-level ``name:`` (the compose project), when it is a non-empty string."""
        name = self.data.get("name")
        return name if isinstance(name, str) and name else None

    def service_yaml(self, name: str) -> str:
        """The block of service ``name`` as YAML (``name:`` and its definition), written by the
        same dumper as the file, so that every value reads back as compose reads it."""
        return dump_yaml({name: self.services[name]})


def same_value(a: Any, b: Any) -> bool:
    """Whether two loaded YAML values are the same data: ``==``, except that a NaN (``.nan``)
    equals a NaN, as the same text in a file does."""
    if a == b:
        return True
    if isinstance(a, float) and isinstance(b, float):
        return math.isnan(a) and math.isnan(b)
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return list(a) == list(b) and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
    return False
