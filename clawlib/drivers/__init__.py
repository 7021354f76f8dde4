"""Claw drivers: one per runner (openclaw, generic, ...), found through the ``clawlib.drivers``
entry-point group (see :mod:`clawlib.drivers._registry` for the rules, :mod:`clawlib.drivers.base`
for the contract)."""

from ._registry import (
    ENTRY_POINT_GROUP,
    UPSTREAM_CLAW_TYPES,
    DriverInfo,
    installed_drivers,
    load_driver,
    lookup_driver,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "UPSTREAM_CLAW_TYPES",
    "DriverInfo",
    "installed_drivers",
    "load_driver",
    "lookup_driver",
]
