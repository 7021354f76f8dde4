"""Which claw drivers are installed, and loading one.

Every driver is registered through the entry-point group ``clawlib.drivers``: the entry point's
name is the claw type (``CLAW_TYPE``), its value the driver class (``module:Class``). Ours are no
exception — clawdapus registers each of its drivers in its ``pyproject.toml`` exactly as a
third-party package would — so the seam plugins use is the one exercised every day. The set of
drivers is what the installed distributions' metadata says: a source checkout whose entry points
changed must be reinstalled (``scripts/setup`` does so whenever ``pyproject.toml`` changes).

Looking a claw type up imports nothing. Loading its driver imports the module and checks what the
entry point names: a class, a subclass of :class:`~clawlib.drivers.base.Driver`, concrete (no
abstract method left), whose ``name`` equals the entry point's name. Anything else — including a
module that fails to import — is a :class:`~clawlib.errors.DriverLoadError` naming the
distribution, the target and the reason.

**Conflicts.** One claw type, one driver. When two installed distributions register the same name
(ours included: a plugin may not silently replace ``openclaw``, nor be silently shadowed by it),
neither wins — which code runs a claw must not depend on install order. Looking that name up
raises :class:`~clawlib.errors.DriverConflictError` naming every distribution concerned; the fix is
to uninstall all but one. Other claw types are unaffected.

The claw types upstream clawdapus runs (:data:`UPSTREAM_CLAW_TYPES`) are only a hint. Clawdapus
ships a driver for each, so normally none lacks one; when one has no installed driver (an
installation whose metadata predates that driver, or a build of the package without it),
:class:`~clawlib.errors.UnknownDriverError` says it is known and that a package must provide its
driver, rather than calling it unknown.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from functools import reduce
from typing import TYPE_CHECKING

from clawlib.errors import DriverConflictError, DriverLoadError, UnknownDriverError

if TYPE_CHECKING:
    from collections.abc import Callable

    from clawlib.drivers.base import Driver

__all__ = [
    "ENTRY_POINT_GROUP",
    "UPSTREAM_CLAW_TYPES",
    "DriverInfo",
    "installed_drivers",
    "load_driver",
    "lookup_driver",
]

ENTRY_POINT_GROUP = "clawlib.drivers"

UPSTREAM_CLAW_TYPES: tuple[str, ...] = (
    "generic",
    "microclaw",
    "nanobot",
    "nanoclaw",
    "nullclaw",
    "openclaw",
    "picoclaw",
)
"""The claw types upstream clawdapus has drivers for; whether one runs here depends on
:func:`installed_drivers`."""


@dataclass(frozen=True, slots=True)
class DriverInfo:
    """One registration of a driver: its claw type, who registered it, and what."""

    name: str
    """The claw type (the entry point's name)."""
    origin: str
    """The distribution that registered it, as ``name version`` (the target when the entry
    point belongs to no distribution)."""
    target: str
    """The driver class, as ``module:Class`` (the entry point's value)."""


def installed_drivers() -> tuple[DriverInfo, ...]:
    """Every driver registration, sorted by claw type then distribution. A claw type registered
    by several distributions appears once per registration (a conflict: see the module's
    documentation)."""
    from importlib.metadata import entry_points  # slow to import; only needed here

    found = []
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        dist = entry.dist
        origin = f"{dist.name} {dist.version}" if dist is not None else entry.value
        found.append(DriverInfo(entry.name, origin, entry.value))
    return tuple(sorted(found, key=lambda info: (info.name, info.origin, info.target)))


def lookup_driver(claw_type: str) -> DriverInfo:
    """The registration of the driver for ``claw_type``, without importing it.

    Raises :class:`~clawlib.errors.UnknownDriverError` (listing the installed drivers) when none
    is registered, :class:`~clawlib.errors.DriverConflictError` when several are.
    """
    drivers = installed_drivers()
    registered = [info for info in drivers if info.name == claw_type]
    if not registered:
        names = sorted({info.name for info in drivers})
        missing = [name for name in UPSTREAM_CLAW_TYPES if name not in names]
        raise UnknownDriverError(claw_type, names, missing)
    if len(registered) > 1:
        raise DriverConflictError(claw_type, [f"{i.origin} ({i.target})" for i in registered])
    return registered[0]


def load_driver(claw_type: str) -> Driver:
    """A new instance of the driver for ``claw_type``, its module imported on first use.

    Raises what :func:`lookup_driver` raises, and :class:`~clawlib.errors.DriverLoadError` when
    the registered object cannot serve as the driver.
    """
    info = lookup_driver(claw_type)

    def broken(reason: str) -> DriverLoadError:
        return DriverLoadError(claw_type, info.origin, info.target, reason)

    driver_class = _resolve(info, broken)
    try:
        return driver_class()
    except Exception as exc:  # a plugin's own code: reported, never a traceback
        raise broken(f"creating it failed: {_describe(exc)}") from exc


def _resolve(info: DriverInfo, broken: Callable[[str], DriverLoadError]) -> type[Driver]:
    """The class ``info.target`` names, checked to be a concrete Driver named ``info.name``."""
    from importlib.metadata import EntryPoint

    from clawlib.drivers.base import Driver

    entry = EntryPoint(info.name, info.target, ENTRY_POINT_GROUP)
    try:
        module_name, attribute = entry.module, entry.attr
    except AttributeError:  # the value is not module[:attr] at all
        raise broken("the entry point is not of the form module:Class") from None
    if not attribute:
        raise broken("the entry point names a module, not a class: write module:Class")
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # any error of a plugin's module, as the user must see it
        raise broken(f"importing {module_name} failed: {_describe(exc)}") from exc
    try:
        found = reduce(getattr, attribute.split("."), module)
    except AttributeError:
        raise broken(f"module {module_name} has no attribute {attribute}") from None
    if not isinstance(found, type):
        if isinstance(found, Driver):
            kind = type(found)
            raise broken(
                f"it is an instance of {kind.__module__}.{kind.__qualname__}: "
                "register the class itself"
            )
        what = type(found).__name__
        article = "an" if what[:1] in "aeiou" else "a"
        raise broken(f"it is {article} {what}, not a subclass of clawlib.drivers.base.Driver")
    if not issubclass(found, Driver):
        raise broken(
            f"it is the class {found.__module__}.{found.__qualname__}, which is not a subclass "
            "of clawlib.drivers.base.Driver"
        )
    if inspect.isabstract(found):
        missing = ", ".join(sorted(getattr(found, "__abstractmethods__", ())))
        raise broken(f"it is abstract: it does not implement {missing}")
    name = getattr(found, "name", None)
    if name is None:
        raise broken(f'it has no name: set the class attribute name = "{info.name}"')
    if name != info.name:
        raise broken(
            f'its name is "{name}", but it is registered as "{info.name}": the class attribute '
            "name must equal the entry-point name"
        )
    return found


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"
