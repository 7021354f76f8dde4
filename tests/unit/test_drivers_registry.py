"""The driver registry: every driver, ours included, comes from the ``clawlib.drivers`` entry
points; conflicts, broken plugins and unknown claw types fail with messages that say what to do.

Plugins are real distributions written to a temporary directory on ``sys.path`` (a module and a
``.dist-info`` directory), found by :mod:`importlib.metadata` as an installed one would be. Every
claw type upstream runs has a driver of ours: an upstream type without a driver is faked the same
way, as a clawdapus installation whose metadata predates that driver.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from clawlib.drivers import (
    ENTRY_POINT_GROUP,
    UPSTREAM_CLAW_TYPES,
    DriverInfo,
    installed_drivers,
    load_driver,
    lookup_driver,
)
from clawlib.drivers.base import Driver
from clawlib.drivers.generic import GenericDriver
from clawlib.errors import (
    DriverConflictError,
    DriverError,
    DriverLoadError,
    UnknownDriverError,
)
from tests.distributions import install_clawdapus_without, install_distribution

ROOT = Path(__file__).parents[2]
OURS = "clawdapus 0.1.0"

# A plugin module for a claw type nobody ships: a working driver, and the ways a registered object
# can be wrong.
PLUGIN = """
from clawlib.drivers.base import Driver, Materialised, RuntimeFile


class TinyclawDriver(Driver):
    name = "tinyclaw"

    def materialise(self, claw):
        return Materialised(files={"config.json": RuntimeFile(b"{}\\n")})


class Misnamed(TinyclawDriver):
    name = "tiny"


class Nameless(Driver):
    def materialise(self, claw):
        return Materialised()


class Abstract(Driver):
    name = "tinyclaw"


class NotADriver:
    name = "tinyclaw"


class Refusing(TinyclawDriver):
    def __init__(self):
        raise RuntimeError("no config directory")


instance = TinyclawDriver()
"""


def _plugin(claw_type: str, class_name: str) -> str:
    """:data:`PLUGIN` as the module of another claw type, its working driver ``class_name``."""
    return PLUGIN.replace('"tinyclaw"', f'"{claw_type}"').replace("TinyclawDriver", class_name)


Install = Callable[..., Path]


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A directory first on ``sys.path``; the modules imported from it are forgotten after."""
    directory = tmp_path / "site"
    directory.mkdir()
    monkeypatch.syspath_prepend(str(directory))
    before = set(sys.modules)
    yield directory
    for module in set(sys.modules) - before:
        del sys.modules[module]


@pytest.fixture
def install(site: Path) -> Install:
    """Install a distribution into ``site``: ``install(dist, entries, module=source)`` writes each
    module and ``<dist>-1.0.dist-info`` registering ``entries`` (claw type → ``module:Class``) in
    the ``clawlib.drivers`` group; it returns ``site``."""

    def make(dist: str, entries: dict[str, str], version: str = "1.0", **modules: str) -> Path:
        install_distribution(site, dist, entries, version, **modules)
        return site

    return make


# --- our own drivers -----------------------------------------------------------------------------


def test_our_drivers_are_registered_in_pyproject_like_any_plugin() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"]
    assert declared[ENTRY_POINT_GROUP] == {
        "generic": "clawlib.drivers.generic:GenericDriver",
        "microclaw": "clawlib.drivers.microclaw:MicroclawDriver",
        "nanobot": "clawlib.drivers.nanobot:NanobotDriver",
        "nanoclaw": "clawlib.drivers.nanoclaw:NanoclawDriver",
        "nullclaw": "clawlib.drivers.nullclaw:NullclawDriver",
        "openclaw": "clawlib.drivers.openclaw:OpenclawDriver",
        "picoclaw": "clawlib.drivers.picoclaw:PicoclawDriver",
    }
    # The installed metadata is what the registry reads: stale after a change of pyproject.toml
    # until the project is reinstalled (scripts/setup does it when pyproject.toml changes).
    assert installed_drivers() == (
        DriverInfo("generic", OURS, "clawlib.drivers.generic:GenericDriver"),
        DriverInfo("microclaw", OURS, "clawlib.drivers.microclaw:MicroclawDriver"),
        DriverInfo("nanobot", OURS, "clawlib.drivers.nanobot:NanobotDriver"),
        DriverInfo("nanoclaw", OURS, "clawlib.drivers.nanoclaw:NanoclawDriver"),
        DriverInfo("nullclaw", OURS, "clawlib.drivers.nullclaw:NullclawDriver"),
        DriverInfo("openclaw", OURS, "clawlib.drivers.openclaw:OpenclawDriver"),
        DriverInfo("picoclaw", OURS, "clawlib.drivers.picoclaw:PicoclawDriver"),
    ), "the installed metadata is stale: reinstall the project (scripts/setup)"
    assert lookup_driver("openclaw").origin == OURS
    assert isinstance(load_driver("generic"), GenericDriver)


def test_every_upstream_claw_type_has_a_driver_of_ours() -> None:
    assert UPSTREAM_CLAW_TYPES == (
        "generic",
        "microclaw",
        "nanobot",
        "nanoclaw",
        "nullclaw",
        "openclaw",
        "picoclaw",
    )
    for name in UPSTREAM_CLAW_TYPES:
        assert lookup_driver(name).origin == OURS
        assert load_driver(name).name == name


def test_unknown_type_lists_installed_drivers() -> None:
    with pytest.raises(UnknownDriverError) as caught:
        lookup_driver("OpenClaw")
    assert (caught.value.name, caught.value.installed, caught.value.uninstalled) == (
        "OpenClaw",
        ("generic", "microclaw", "nanobot", "nanoclaw", "nullclaw", "openclaw", "picoclaw"),
        (),
    )
    assert not caught.value.upstream
    # No upstream type lacks a driver: the message lists none (and no empty list).
    assert str(caught.value) == (
        'unknown CLAW_TYPE "OpenClaw": no installed driver handles it (installed drivers: '
        "generic, microclaw, nanobot, nanoclaw, nullclaw, openclaw, picoclaw)"
    )


def test_unknown_type_also_lists_upstream_types_without_a_driver(site: Path) -> None:
    install_clawdapus_without(site, "nanobot", "picoclaw")
    with pytest.raises(UnknownDriverError) as caught:
        lookup_driver("OpenClaw")
    assert (caught.value.name, caught.value.installed, caught.value.uninstalled) == (
        "OpenClaw",
        ("generic", "microclaw", "nanoclaw", "nullclaw", "openclaw"),
        ("nanobot", "picoclaw"),
    )
    assert str(caught.value) == (
        'unknown CLAW_TYPE "OpenClaw": no installed driver handles it (installed drivers: '
        "generic, microclaw, nanoclaw, nullclaw, openclaw; claw types known upstream whose "
        "driver this installation lacks (reinstall clawdapus): nanobot, picoclaw)"
    )


def test_upstream_type_without_a_driver_says_so(site: Path) -> None:
    install_clawdapus_without(site, "nanobot")
    with pytest.raises(UnknownDriverError) as caught:
        load_driver("nanobot")
    assert caught.value.upstream
    assert str(caught.value) == (
        'CLAW_TYPE "nanobot" is a claw type known upstream, but no nanobot driver is installed '
        "(installed drivers: generic, microclaw, nanoclaw, nullclaw, openclaw, picoclaw); "
        "clawdapus ships one, so this installation is older than it: reinstall it, e.g. "
        "pip install -e . or scripts/setup"
    )
    # The drivers that are installed still load.
    assert load_driver("picoclaw").name == "picoclaw"


def test_no_drivers_at_all_means_a_stale_installation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("importlib.metadata.entry_points", lambda *, group: ())
    assert installed_drivers() == ()
    with pytest.raises(UnknownDriverError) as caught:
        lookup_driver("generic")
    assert str(caught.value) == (
        'CLAW_TYPE "generic" is a claw type known upstream, but no generic driver is installed '
        "(no driver is installed at all: the clawdapus installation lacks its entry points; "
        "reinstall it, e.g. pip install -e . or scripts/setup)"
    )


# --- plugins ------------------------------------------------------------------------------------


def test_a_plugin_driver_is_listed_and_loaded(install: Install) -> None:
    install("claw-zero", {"zeroclaw": "zero_driver:Zero"}, zero_driver=_plugin("zeroclaw", "Zero"))
    assert [(d.name, d.origin) for d in installed_drivers()] == [
        ("generic", OURS),
        ("microclaw", OURS),
        ("nanobot", OURS),
        ("nanoclaw", OURS),
        ("nullclaw", OURS),
        ("openclaw", OURS),
        ("picoclaw", OURS),
        ("zeroclaw", "claw-zero 1.0"),
    ]
    driver = load_driver("zeroclaw")
    assert isinstance(driver, Driver)
    assert type(driver).__module__ == "zero_driver"
    with pytest.raises(UnknownDriverError) as caught:
        lookup_driver("zero")
    assert caught.value.installed == (
        "generic",
        "microclaw",
        "nanobot",
        "nanoclaw",
        "nullclaw",
        "openclaw",
        "picoclaw",
        "zeroclaw",
    )
    assert str(caught.value) == (
        'unknown CLAW_TYPE "zero": no installed driver handles it (installed drivers: generic, '
        "microclaw, nanobot, nanoclaw, nullclaw, openclaw, picoclaw, zeroclaw)"
    )


def test_a_plugin_can_provide_an_upstream_claw_type(install: Install, site: Path) -> None:
    install_clawdapus_without(site, "nanobot", "picoclaw")
    plugin = _plugin("nanobot", "Bot")
    install("nanobot-driver", {"nanobot": "nanobot_plugin:Bot"}, nanobot_plugin=plugin)
    assert lookup_driver("nanobot") == DriverInfo(
        "nanobot", "nanobot-driver 1.0", "nanobot_plugin:Bot"
    )
    assert type(load_driver("nanobot")).__module__ == "nanobot_plugin"
    with pytest.raises(UnknownDriverError) as caught:
        lookup_driver("picoclaw")
    assert str(caught.value) == (
        'CLAW_TYPE "picoclaw" is a claw type known upstream, but no picoclaw driver is installed '
        "(installed drivers: generic, microclaw, nanobot, nanoclaw, nullclaw, openclaw); "
        "clawdapus ships one, so this installation is older than it: reinstall it, e.g. "
        "pip install -e . or scripts/setup"
    )


def test_two_distributions_registering_one_name_conflict(install: Install) -> None:
    install("claw-tinyclaw", {"tinyclaw": "tinyclaw_driver:TinyclawDriver"}, tinyclaw_driver=PLUGIN)
    install(
        "tinyclaw-fork", {"tinyclaw": "tinyclaw_fork:TinyclawDriver"}, "2.3", tinyclaw_fork=PLUGIN
    )
    with pytest.raises(DriverConflictError) as caught:
        load_driver("tinyclaw")
    assert caught.value.origins == (
        "claw-tinyclaw 1.0 (tinyclaw_driver:TinyclawDriver)",
        "tinyclaw-fork 2.3 (tinyclaw_fork:TinyclawDriver)",
    )
    assert str(caught.value) == (
        'CLAW_TYPE "tinyclaw" has 2 drivers installed, one from each of claw-tinyclaw 1.0 '
        "(tinyclaw_driver:TinyclawDriver) and tinyclaw-fork 2.3 (tinyclaw_fork:TinyclawDriver): "
        "uninstall all but one of these distributions"
    )
    assert "tinyclaw_driver" not in sys.modules  # a conflict imports neither
    # Only that name is affected.
    assert isinstance(load_driver("generic"), GenericDriver)


@pytest.mark.parametrize(
    ("ours", "target", "installed"),
    [
        (
            "openclaw",
            "clawlib.drivers.openclaw:OpenclawDriver",
            [
                "generic",
                "microclaw",
                "nanobot",
                "nanoclaw",
                "nullclaw",
                "openclaw",
                "openclaw",
                "picoclaw",
            ],
        ),
        (
            "nanobot",
            "clawlib.drivers.nanobot:NanobotDriver",
            [
                "generic",
                "microclaw",
                "nanobot",
                "nanobot",
                "nanoclaw",
                "nullclaw",
                "openclaw",
                "picoclaw",
            ],
        ),
    ],
)
def test_a_plugin_registering_one_of_our_names_conflicts_too(
    install: Install, ours: str, target: str, installed: list[str]
) -> None:
    install("evil-claw", {ours: "tinyclaw_driver:TinyclawDriver"}, tinyclaw_driver=PLUGIN)
    with pytest.raises(DriverConflictError) as caught:
        lookup_driver(ours)
    assert str(caught.value) == (
        f'CLAW_TYPE "{ours}" has 2 drivers installed, one from each of clawdapus 0.1.0 '
        f"({target}) and evil-claw 1.0 (tinyclaw_driver:TinyclawDriver): uninstall all but one "
        "of these distributions"
    )
    assert [d.name for d in installed_drivers()] == installed
    assert "tinyclaw_driver" not in sys.modules
    assert isinstance(load_driver("generic"), GenericDriver)


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        (
            "tinyclaw_driver:instance",
            "it is an instance of tinyclaw_driver.TinyclawDriver: register the class itself",
        ),
        (
            "tinyclaw_driver:NotADriver",
            "it is the class tinyclaw_driver.NotADriver, which is not a subclass of "
            "clawlib.drivers.base.Driver",
        ),
        (
            "tinyclaw_driver:textwrap",
            "it is a module, not a subclass of clawlib.drivers.base.Driver",
        ),
        ("tinyclaw_driver:Abstract", "it is abstract: it does not implement materialise"),
        (
            "tinyclaw_driver:Misnamed",
            'its name is "tiny", but it is registered as "tinyclaw": the class attribute name '
            "must equal the entry-point name",
        ),
        (
            "tinyclaw_driver:Nameless",
            'it has no name: set the class attribute name = "tinyclaw"',
        ),
        (
            "tinyclaw_driver:Refusing",
            "creating it failed: RuntimeError: no config directory",
        ),
        ("tinyclaw_driver:Missing", "module tinyclaw_driver has no attribute Missing"),
        (
            "tinyclaw_driver",
            "the entry point names a module, not a class: write module:Class",
        ),
        (
            "tinyclaw_absent:Driver",
            "importing tinyclaw_absent failed: ModuleNotFoundError: No module named "
            "'tinyclaw_absent'",
        ),
        (
            "tinyclaw_broken:Driver",
            "importing tinyclaw_broken failed: ModuleNotFoundError: No module named "
            "'requests_tinyclaw'",
        ),
        (
            "tinyclaw_crash:Driver",
            "importing tinyclaw_crash failed: ZeroDivisionError: division by zero",
        ),
    ],
)
def test_a_broken_plugin_is_reported_with_its_distribution(
    install: Install, target: str, reason: str
) -> None:
    install(
        "claw-tinyclaw",
        {"tinyclaw": target},
        tinyclaw_driver="import textwrap\n" + PLUGIN,
        tinyclaw_broken="import requests_tinyclaw\n",
        tinyclaw_crash="1 / 0\n",
    )
    with pytest.raises(DriverLoadError) as caught:
        load_driver("tinyclaw")
    assert (caught.value.name, caught.value.origin, caught.value.target) == (
        "tinyclaw",
        "claw-tinyclaw 1.0",
        target,
    )
    assert caught.value.reason == reason
    assert str(caught.value) == (
        f"the tinyclaw driver from claw-tinyclaw 1.0 ({target}) cannot be loaded: {reason}"
    )
    assert isinstance(caught.value, DriverError)


def test_the_plan_reports_a_broken_plugin_on_its_service(install: Install, tmp_path: Path) -> None:
    from clawlib.errors import PodError
    from clawlib.planner import plan_pod
    from clawlib.pod import load_pod

    install("claw-tinyclaw", {"tinyclaw": "tinyclaw_driver:Abstract"}, tinyclaw_driver=PLUGIN)
    pod = _pod(tmp_path / "pod", "tinyclaw")
    with pytest.raises(PodError) as caught:
        plan_pod(load_pod(pod, environ={}), lambda ref: None)
    assert str(caught.value) == (
        f"{pod / 'claw-pod.yml'}:3: services.worker: the tinyclaw driver from claw-tinyclaw 1.0 "
        "(tinyclaw_driver:Abstract) cannot be loaded: it is abstract: it does not implement "
        "materialise"
    )


def _pod(directory: Path, claw_type: str) -> Path:
    """A one-claw pod whose image is planned from its Clawfile (no engine needed)."""
    (directory / "worker").mkdir(parents=True)
    (directory / "claw-pod.yml").write_text(
        textwrap.dedent(
            """\
            x-claw: {pod: tiny}
            services:
              worker:
                build: ./worker
                x-claw:
                  agent: ./AGENTS.md
            """
        )
    )
    (directory / "worker" / "Clawfile").write_text(f"FROM x\nCLAW_TYPE {claw_type}\n")
    (directory / "AGENTS.md").write_text("# Worker\n")
    return directory


# --- claw plan, as a user runs it ----------------------------------------------------------------

# ``claw`` in a fresh interpreter. DOCKER_HOST names a dead socket: the plan comes from the
# Clawfile, as it does for anyone without an engine.
_CLAW = [sys.executable, "-c", "import sys; from clawtui.cli import main; sys.exit(main())"]


def _claw_plan(site: Path, pod: Path) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]),
        "DOCKER_HOST": f"unix://{pod.parent / 'no-engine.sock'}",
    }
    # Run from the pod's parent: ``-c`` puts the working directory first on sys.path, and the
    # project's own directory holds the editable install's metadata (clawdapus.egg-info).
    return subprocess.run(
        [*_CLAW, "plan", "-f", str(pod / "claw-pod.yml")],
        capture_output=True,
        text=True,
        env=environment,
        cwd=pod.parent,
        timeout=60,
        check=False,
    )


def test_claw_plan_uses_a_plugin_driver(install: Install, tmp_path: Path) -> None:
    site = install(
        "claw-tinyclaw", {"tinyclaw": "tinyclaw_driver:TinyclawDriver"}, tinyclaw_driver=PLUGIN
    )
    done = _claw_plan(site, _pod(tmp_path / "pod", "tinyclaw"))
    assert done.returncode == 2
    assert done.stderr == (
        f"warning: {tmp_path / 'pod' / 'claw-pod.yml'}: the Docker engine at "
        f"unix://{tmp_path / 'no-engine.sock'} does not answer (no such file or directory): no "
        "image was looked up, claws are planned from their Clawfiles\n"
    )
    assert "\n+ .claw-runtime/worker/config.json\n--- /dev/null\n" in done.stdout
    assert "Plan: 3 files to add, 0 to change, 0 to remove; services: 1 added" in done.stdout


def test_claw_plan_reports_a_broken_plugin_without_a_traceback(
    install: Install, tmp_path: Path
) -> None:
    site = install("claw-tinyclaw", {"tinyclaw": "tinyclaw_crash:Driver"}, tinyclaw_crash="1 / 0\n")
    pod = _pod(tmp_path / "pod", "tinyclaw")
    done = _claw_plan(site, pod)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"error: {pod / 'claw-pod.yml'}:3: services.worker: the tinyclaw driver from "
        "claw-tinyclaw 1.0 (tinyclaw_crash:Driver) cannot be loaded: importing tinyclaw_crash "
        "failed: ZeroDivisionError: division by zero\n"
    )


def test_claw_plan_of_an_upstream_type_without_a_driver(
    install: Install, site: Path, tmp_path: Path
) -> None:
    install_clawdapus_without(site, "picoclaw")
    install("claw-zero", {"zeroclaw": "zero:Driver"})
    pod = _pod(tmp_path / "pod", "picoclaw")
    done = _claw_plan(site, pod)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f'error: {pod / "claw-pod.yml"}:3: services.worker: CLAW_TYPE "picoclaw" is a claw type '
        "known upstream, but no picoclaw driver is installed (installed drivers: generic, "
        "microclaw, nanobot, nanoclaw, nullclaw, openclaw, zeroclaw); clawdapus ships one, so "
        "this installation is older than it: reinstall it, e.g. pip install -e . or "
        "scripts/setup\n"
    )


def test_the_readme_example_driver_plans_a_pod(install: Install, tmp_path: Path) -> None:
    from clawlib.planner import plan_pod
    from clawlib.pod import load_pod

    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Writing a driver\n", 1)[1]
    source = section.split("```python\n", 1)[1].split("```", 1)[0]
    registration = section.split("```toml\n", 1)[1].split("```", 1)[0]
    entries = tomllib.loads(registration)["project"]["entry-points"][ENTRY_POINT_GROUP]
    assert entries == {"echoclaw": "claw_echo:EchoDriver"}
    install("claw-echo", entries, claw_echo=source)
    pod = _pod(tmp_path / "pod", "echoclaw")
    plan = plan_pod(load_pod(pod, environ={}), lambda ref: None)
    files = {f.path: f.content for f in plan.files}
    assert files[".claw-runtime/worker/config/echo.json"] == b'{"agent": "worker", "model": null}'
    assert files[".claw-runtime/worker/AGENTS.md"] == b"# Worker\n"
    assert [w.detail for w in plan.warnings] == ["no MODEL primary: echoclaw echoes only"]
    worker = yaml.safe_load(plan.compose.text)["services"]["worker"]
    assert worker["volumes"] == [
        "./.claw-runtime/worker/AGENTS.md:/claw/AGENTS.md:ro",
        "./.claw-runtime/worker/config:/etc/echo:ro",
    ]
    assert worker["healthcheck"]["test"] == ["CMD", "echoclaw", "ping"]
