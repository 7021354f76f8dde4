"""Claw drivers: one per runner (openclaw, nanobot, ...), found through a registry."""

from ._registry import (
    BUILTIN_DRIVERS,
    ENTRY_POINT_GROUP,
    DriverInfo,
    installed_drivers,
    load_driver,
    lookup_driver,
)

__all__ = [
    "BUILTIN_DRIVERS",
    "ENTRY_POINT_GROUP",
    "DriverInfo",
    "installed_drivers",
    "load_driver",
    "lookup_driver",
]
