"""Which claw drivers are installed: the built-in ones and those other packages register.

A third-party package adds a driver for a new claw type through the entry-point group
``clawlib.drivers`` (name = the claw type). Looking a claw type up never imports a driver; an
unknown type fails with the list of installed drivers.
"""

from __future__ import annotations

from dataclasses import dataclass

from clawlib.errors import UnknownDriverError

__all__ = [
    "BUILTIN_DRIVERS",
    "ENTRY_POINT_GROUP",
    "DriverInfo",
    "installed_drivers",
    "lookup_driver",
]

ENTRY_POINT_GROUP = "clawlib.drivers"

BUILTIN_DRIVERS: tuple[str, ...] = (
    "generic",
    "microclaw",
    "nanobot",
    "nanoclaw",
    "nullclaw",
    "openclaw",
    "picoclaw",
)


@dataclass(frozen=True, slots=True)
class DriverInfo:
    """An installed driver: its claw type and where it comes from."""

    name: str
    origin: str
    """``built-in``, or the distribution that registered it (``name version``)."""


def installed_drivers() -> dict[str, DriverInfo]:
    """Every installed driver by claw type, sorted; a built-in wins over a plugin of its name."""
    from importlib.metadata import entry_points  # slow to import; only needed here

    found = {name: DriverInfo(name, "built-in") for name in BUILTIN_DRIVERS}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        if entry.name in found:
            continue
        dist = entry.dist
        origin = f"{dist.name} {dist.version}" if dist is not None else entry.value
        found[entry.name] = DriverInfo(entry.name, origin)
    return dict(sorted(found.items()))


def lookup_driver(claw_type: str) -> DriverInfo:
    """The driver for ``claw_type``; :class:`UnknownDriverError` lists the known ones."""
    drivers = installed_drivers()
    try:
        return drivers[claw_type]
    except KeyError:
        raise UnknownDriverError(claw_type, list(drivers)) from None
