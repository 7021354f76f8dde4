"""The driver registry: built-ins, entry-point plugins, and the unknown-type error."""

from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest

from clawlib.drivers import DriverInfo, _registry, installed_drivers, lookup_driver
from clawlib.errors import UnknownDriverError


def test_builtins() -> None:
    assert list(installed_drivers()) == [
        "generic",
        "microclaw",
        "nanobot",
        "nanoclaw",
        "nullclaw",
        "openclaw",
        "picoclaw",
    ]
    assert lookup_driver("openclaw") == DriverInfo("openclaw", "built-in")


def test_unknown_type_lists_known_drivers() -> None:
    with pytest.raises(UnknownDriverError) as caught:
        lookup_driver("OpenClaw")
    assert caught.value.known[0] == "generic"
    assert str(caught.value) == (
        'unknown CLAW_TYPE "OpenClaw": no installed driver handles it (known drivers: generic, '
        "microclaw, nanobot, nanoclaw, nullclaw, openclaw, picoclaw)"
    )


def test_plugins_through_entry_points(monkeypatch: pytest.MonkeyPatch) -> None:
    plugins = [
        EntryPoint("zeroclaw", "zeroclaw_driver:Driver", "clawlib.drivers"),
        EntryPoint("openclaw", "evil:Driver", "clawlib.drivers"),
    ]

    def fake_entry_points(*, group: str) -> list[EntryPoint]:
        assert group == "clawlib.drivers"
        return plugins

    monkeypatch.setattr("importlib.metadata.entry_points", fake_entry_points)
    drivers = installed_drivers()
    assert list(drivers)[-1] == "zeroclaw"
    assert drivers["zeroclaw"] == DriverInfo("zeroclaw", "zeroclaw_driver:Driver")
    assert drivers["openclaw"].origin == "built-in"
    assert _registry.ENTRY_POINT_GROUP == "clawlib.drivers"
