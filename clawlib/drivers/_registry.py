"""Which claw drivers are installed: the built-in ones and those other packages register.

A third-party package adds a driver for a new claw type through the entry-point group
``clawlib.drivers`` (name = the claw type). Looking a claw type up never imports a driver; an
unknown type fails with the list of installed drivers.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from clawlib.errors import DriverError, UnknownDriverError

if TYPE_CHECKING:
    from clawlib.drivers.base import Driver

__all__ = [
    "BUILTIN_DRIVERS",
    "ENTRY_POINT_GROUP",
    "DriverInfo",
    "installed_drivers",
    "load_driver",
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


# Built-in drivers implemented so far, as "module:class"; the other known claw types can be built
# into images, but their drivers are not part of this version yet.
_IMPLEMENTED = {
    "generic": "clawlib.drivers.generic:GenericDriver",
    "openclaw": "clawlib.drivers.openclaw:OpenclawDriver",
}


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


def load_driver(claw_type: str) -> Driver:
    """An instance of the driver for ``claw_type`` (imported on first use)."""
    info = lookup_driver(claw_type)
    if info.origin == "built-in":
        target = _IMPLEMENTED.get(claw_type)
        if target is None:
            available = ", ".join(sorted(_IMPLEMENTED))
            raise DriverError(
                f"the {claw_type} driver is not available in this version (available: {available})"
            )
    else:
        from importlib.metadata import entry_points

        (entry,) = [e for e in entry_points(group=ENTRY_POINT_GROUP) if e.name == claw_type]
        target = entry.value
    module_name, _, class_name = target.partition(":")
    try:
        driver_class = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as exc:
        raise DriverError(f"the {claw_type} driver cannot be loaded from {target}: {exc}") from exc
    from clawlib.drivers.base import Driver

    driver = driver_class()
    if not isinstance(driver, Driver):
        raise DriverError(f"{target} is not a claw driver (a clawlib.drivers.base.Driver)")
    return driver
