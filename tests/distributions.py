"""Distributions faked as installed: modules and a ``.dist-info`` directory written to a directory
first on ``sys.path``, found by :mod:`importlib.metadata` as installed ones are — in this
interpreter, and in a ``claw`` run with that directory first on ``PYTHONPATH``.

Every claw type upstream runs has a driver of ours, so an upstream type without a driver is what
a clawdapus installation whose metadata predates that driver shows; a test fakes one with
:func:`install_clawdapus_without`. :mod:`importlib.metadata` keeps the first distribution of a
name found on the path: the fake hides the real installation's registrations.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from clawlib.drivers import ENTRY_POINT_GROUP

ROOT = Path(__file__).parents[1]


def install_distribution(
    site: Path, dist: str, entries: dict[str, str], version: str = "1.0", **modules: str
) -> None:
    """Write each module (name → source) and ``<dist>-<version>.dist-info`` registering
    ``entries`` (claw type → ``module:Class``) in the ``clawlib.drivers`` group into ``site``."""
    for module, source in modules.items():
        (site / f"{module}.py").write_text(source)
    info = site / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
    lines = [f"[{ENTRY_POINT_GROUP}]", *(f"{k} = {v}" for k, v in entries.items())]
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n")


def our_drivers() -> dict[str, str]:
    """Our driver registrations as ``pyproject.toml`` declares them (claw type → target)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared: dict[str, str] = project["entry-points"][ENTRY_POINT_GROUP]
    return declared


def install_clawdapus_without(site: Path, *missing: str) -> None:
    """Write into ``site`` the metadata of a clawdapus installation registering every driver of
    ours but ``missing``, as one installed before those drivers existed does."""
    ours = our_drivers()
    unknown = sorted(set(missing) - set(ours))
    assert not unknown, f"not drivers of ours: {unknown}"
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    kept = {name: target for name, target in ours.items() if name not in missing}
    install_distribution(site, "clawdapus", kept, version)
