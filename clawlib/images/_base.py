"""The Python base image, ``claw-base/python:latest``, made from Debian's packages alone.

No registry is needed: ``debootstrap --variant=minbase --include=python3,ca-certificates`` makes
a Debian root filesystem of the host's suite (the full standard library: asyncio, ssl, json...,
and the CA certificates for TLS), what a runtime does not need is removed (documentation, man
pages, translations, apt's lists and package cache, logs), and ``docker import`` turns the rest
into an image. Its labels record the recipe's digest (built again only when the recipe
changes), the suite, the Debian architecture, the Python version and the glibc version (what
wheels for it must be built for).

debootstrap needs root. As root, claw installs it with apt-get when it is missing; as anyone
else, a missing base image is an error that says what to run.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from clawlib.engine import DockerView, ImageRecord, ProcessRunner, SubprocessRunner
from clawlib.errors import ImageNotFoundError, LocalImageError

from ._apt import MIRROR_ENV, SUITE_ENV, Choice, choose_mirror, choose_suite, read_apt_sources
from ._steps import LocalImage, cache_dir, stale_reason

__all__ = [
    "BASE_LABELS",
    "PYTHON_BASE_IMAGE",
    "BaseRecipe",
    "RootfsFacts",
    "ensure_python_base",
    "rootfs_facts",
    "trim_rootfs",
]

PYTHON_BASE_IMAGE = "claw-base/python:latest"
MIN_PYTHON = (3, 11)
"""What the governance proxy needs (the project's ``requires-python``)."""

_LABEL = "org.clawdapus.base."
BASE_LABELS = {
    "recipe": _LABEL + "recipe",
    "suite": _LABEL + "suite",
    "arch": _LABEL + "arch",
    "python": _LABEL + "python",
    "glibc": _LABEL + "glibc",
}
"""The labels of the base image: the recipe's digest and what the root filesystem holds."""

RECIPE_REVISION = 1
"""Raised by hand when the way the base is made changes in a way the recipe's fields miss."""

PACKAGES = ("python3", "ca-certificates")
TRIMMED = (
    "usr/share/doc",  # all but each package's copyright file
    "usr/share/man/*",
    "usr/share/info/*",
    "usr/share/lintian/*",
    "usr/share/locale/*",
    "var/cache/apt/archives/*.deb",
    "var/cache/apt/*.bin",
    "var/cache/debconf/*-old",
    "var/lib/apt/lists/*",
    "var/lib/dpkg/*-old",
    "var/log/*",
    "dev/*",
    "run/*",
    "tmp/*",
    "etc/hostname",
    "etc/resolv.conf",
)
"""What is removed from the root filesystem before it is imported (paths in it)."""
DPKG_EXCLUDES = """\
# Written by claw's base image recipe: packages installed on top of this image leave out
# documentation, manuals and translations too (copyright files are kept).
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/lintian/*
path-exclude=/usr/share/locale/*
"""
DPKG_EXCLUDES_PATH = "etc/dpkg/dpkg.cfg.d/claw-excludes"
CHANGES = (
    "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "ENV LANG=C.UTF-8",
    'CMD ["python3"]',
)
"""The ``docker import --change`` instructions (the labels are added to them)."""

_PYTHON_LINK = re.compile(r"python(\d+)\.(\d+)")
_GLIBC = re.compile(r"(\d+)\.(\d+)")
_ARCHES = {"amd64", "arm64", "i386", "ppc64el", "s390x", "armhf"}


@dataclass(frozen=True, slots=True)
class BaseRecipe:
    """How the base image of one Debian suite is made; its :attr:`digest` labels the image."""

    suite: str

    @property
    def digest(self) -> str:
        """sha256 of everything that decides what the image holds (not the mirror)."""
        recipe = {
            "revision": RECIPE_REVISION,
            "suite": self.suite,
            "variant": "minbase",
            "packages": PACKAGES,
            "trimmed": TRIMMED,
            "dpkg-excludes": DPKG_EXCLUDES,
            "changes": CHANGES,
        }
        return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()

    def debootstrap_argv(self, target: Path, mirror: str, cache: Path) -> list[str]:
        return [
            "debootstrap",
            "--variant=minbase",
            f"--include={','.join(PACKAGES)}",
            f"--cache-dir={cache}",
            self.suite,
            str(target),
            mirror,
        ]


@dataclass(frozen=True, slots=True)
class RootfsFacts:
    """What a bootstrapped root filesystem holds that images built on it depend on."""

    arch: str
    """Debian's name for it: amd64, arm64..."""
    python: str
    """``3.11``: the version ``/usr/bin/python3`` points at."""
    glibc: str
    """``2.36``: the C library's version (manylinux wheels up to it run here)."""


def rootfs_facts(root: Path) -> RootfsFacts:
    """Read :class:`RootfsFacts` from the root filesystem at ``root`` (``usr/bin/python3`` and
    dpkg's status of ``libc6``). Raises ValueError naming what is missing or unexpected."""
    try:
        link = os.readlink(root / "usr/bin/python3")
    except OSError as exc:
        raise ValueError(f"usr/bin/python3 is not a link to python3.X ({exc.strerror})") from exc
    python = _PYTHON_LINK.fullmatch(os.path.basename(link))
    if python is None:
        raise ValueError(f"usr/bin/python3 points at {link!r}, not python3.X")
    try:
        status = (root / "var/lib/dpkg/status").read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise ValueError(f"var/lib/dpkg/status cannot be read ({exc.strerror})") from exc
    libc = _package(status, "libc6")
    glibc = _GLIBC.match(libc.get("version", ""))
    arch = libc.get("architecture", "")
    if glibc is None or arch not in _ARCHES:
        raise ValueError("dpkg's status has no installed libc6 with a version and architecture")
    return RootfsFacts(arch, f"{python[1]}.{python[2]}", f"{glibc[1]}.{glibc[2]}")


def _package(status: str, name: str) -> dict[str, str]:
    """The fields (lower-cased names) of package ``name`` in a dpkg status file."""
    for paragraph in status.split("\n\n"):
        fields = {}
        for line in paragraph.splitlines():
            key, colon, value = line.partition(":")
            if colon and not line.startswith((" ", "\t")):
                fields[key.strip().lower()] = value.strip()
        if fields.get("package") == name:
            return fields
    return {}


def trim_rootfs(root: Path) -> int:
    """Remove :data:`TRIMMED` from the root filesystem at ``root`` (never through a symbolic
    link) and write the dpkg configuration that keeps them out of later installs. Returns
    the number of bytes removed."""
    removed = 0
    for pattern in TRIMMED:
        parent, _, leaf = pattern.rpartition("/")
        if not _real_dir(root, parent):
            continue
        if pattern == "usr/share/doc":
            removed += _trim_docs(root / pattern)
            continue
        for path in sorted((root / parent).glob(leaf)):
            removed += _remove(path)
    excludes = root / DPKG_EXCLUDES_PATH
    if _real_dir(root, str(Path(DPKG_EXCLUDES_PATH).parent)) and not excludes.is_symlink():
        excludes.write_text(DPKG_EXCLUDES, encoding="utf-8")
    return removed


def _real_dir(root: Path, relative: str) -> bool:
    """Whether ``root/relative`` is a directory reached without any symbolic link."""
    path = root
    for part in Path(relative).parts:
        path = path / part
        if path.is_symlink() or not path.is_dir():
            return False
    return root.is_dir()


def _trim_docs(doc: Path) -> int:
    """Every file under ``usr/share/doc`` but the packages' ``copyright`` files."""
    removed = 0
    for directory, dirs, files in os.walk(doc, topdown=False):
        here = Path(directory)
        for name in files:
            if name != "copyright":
                removed += _remove(here / name)
        for name in dirs:
            path = here / name
            if path.is_symlink():
                removed += _remove(path)
            elif not any(path.iterdir()):
                path.rmdir()
    return removed


def _remove(path: Path) -> int:
    """Remove a file, a link or a whole directory (links inside it not followed)."""
    if path.is_symlink() or not path.is_dir():
        size = path.lstat().st_size
        path.unlink()
        return size
    size = sum((Path(d) / f).lstat().st_size for d, _, files in os.walk(path) for f in files)
    shutil.rmtree(path)
    return size


def ensure_python_base(
    tag: str = PYTHON_BASE_IMAGE,
    *,
    on_step: Callable[[str], None] = lambda text: None,
    on_output: Callable[[str], None] = lambda line: None,
    view: DockerView | None = None,
    runner: ProcessRunner | None = None,
    env: Mapping[str, str] | None = None,
) -> LocalImage:
    """The Python base image ``tag``, built when it is missing or made by another recipe.
    Building takes root; as anyone else a missing base is a
    :class:`~clawlib.errors.LocalImageError` saying what to run, and a stale one is used as it
    is (``on_step`` says so). ``env`` (default: the process environment) may set
    ``CLAW_DEBIAN_SUITE``, ``CLAW_DEBIAN_MIRROR`` and ``CLAW_CACHE_DIR``."""
    env = os.environ if env is None else env
    runner = runner or SubprocessRunner()
    suite = _choice(tag, lambda: choose_suite(env, _read("/etc/os-release")))
    recipe = BaseRecipe(suite.value)
    with DockerView.borrow(view) as engine:
        found = existing(engine, tag)
        labels = found.labels if found is not None else None
        pin = {BASE_LABELS["recipe"]: (recipe.digest, "its recipe changed")}
        reason = stale_reason(labels, pin)
        if reason is None:  # then it was found
            assert found is not None
            return LocalImage(tag, found.id, found.labels)
        if not _is_root():
            if found is not None:
                on_step(
                    f"{tag} is stale ({reason}) and rebuilding it needs root: using it as it "
                    "is (rebuild it as root with scripts/build-proxy-image)"
                )
                return LocalImage(tag, found.id, found.labels)
            raise LocalImageError(
                tag,
                f"it is not built yet, and building it (debootstrap of Debian {recipe.suite}) "
                "needs root: run scripts/build-proxy-image as root once (or: sudo claw build "
                "--proxy), then try again",
            )
        debootstrap = _debootstrap(tag, runner, on_step, on_output)
        sources = read_apt_sources()
        mirror = _choice(tag, lambda: choose_mirror(recipe.suite, env, sources, _read))
        on_step(
            f"building {tag} ({reason}): Debian {recipe.suite} with "
            f"{' and '.join(PACKAGES)} by debootstrap from {mirror.value} (mirror from "
            f"{mirror.origin}); this takes a minute or two, once"
        )
        try:
            image_id = _build(tag, recipe, mirror, debootstrap, env, runner, on_output)
        except OSError as exc:
            raise LocalImageError(tag, f"making the root filesystem failed: {exc}") from exc
        built = engine.image(tag)
    facts = {k: built.labels.get(v, "?") for k, v in BASE_LABELS.items() if k != "recipe"}
    on_step(
        f"built {tag} ({image_id.removeprefix('sha256:')[:12]}): Debian {facts['suite']} "
        f"{facts['arch']}, Python {facts['python']}, glibc {facts['glibc']}"
    )
    return LocalImage(tag, built.id, built.labels, built=True, reason=reason)


def _build(
    tag: str,
    recipe: BaseRecipe,
    mirror: Choice,
    debootstrap: str,
    env: Mapping[str, str],
    runner: ProcessRunner,
    on_output: Callable[[str], None],
) -> str:
    scratch = Path(tempfile.mkdtemp(prefix="claw-base-", dir=_scratch_parent()))
    try:
        root = scratch / "rootfs"
        cache = cache_dir(env) / "debootstrap" / recipe.suite
        cache.mkdir(parents=True, exist_ok=True)
        argv = recipe.debootstrap_argv(root, mirror.value, cache.absolute())
        argv[0] = debootstrap
        result = runner.stream(argv, on_output)
        if not result.ok:
            raise LocalImageError(
                tag,
                f"debootstrap of Debian {recipe.suite} from {mirror.value} failed (is that "
                f"mirror reachable from here? set {MIRROR_ENV} to one that is)",
                argv=argv,
                returncode=result.returncode,
                output=result.stdout,
            )
        try:
            facts = rootfs_facts(root)
        except ValueError as exc:
            raise LocalImageError(tag, f"the bootstrapped root filesystem: {exc}") from exc
        if tuple(int(p) for p in facts.python.split(".")) < MIN_PYTHON:
            wanted = ".".join(map(str, MIN_PYTHON))
            raise LocalImageError(
                tag,
                f"Debian {recipe.suite} has Python {facts.python}, and the governance proxy "
                f"needs {wanted} or later: set {SUITE_ENV} to a later suite (e.g. bookworm)",
            )
        trim_rootfs(root)
        tarball = scratch / "rootfs.tar"
        tar = ["tar", "--numeric-owner", "-C", str(root), "-cf", str(tarball), "."]
        _run(tag, runner, tar, "packing the root filesystem failed")
        labels = {
            BASE_LABELS["recipe"]: recipe.digest,
            BASE_LABELS["suite"]: recipe.suite,
            BASE_LABELS["arch"]: facts.arch,
            BASE_LABELS["python"]: facts.python,
            BASE_LABELS["glibc"]: facts.glibc,
        }
        changes = [*CHANGES, *(f"LABEL {key}={value}" for key, value in labels.items())]
        argv = ["docker", "import", *(f"--change={c}" for c in changes)]
        argv += [f"--message=claw: Debian {recipe.suite} minbase with python3", str(tarball), tag]
        return _run(tag, runner, argv, "docker import failed").strip()
    finally:
        _remove_scratch(scratch, runner)


def _debootstrap(
    tag: str,
    runner: ProcessRunner,
    on_step: Callable[[str], None],
    on_output: Callable[[str], None],
) -> str:
    """The debootstrap program, installed with apt-get first when it is missing."""
    found = _which("debootstrap")
    if found:
        return found
    apt = _which("apt-get")
    if apt is None:
        raise LocalImageError(
            tag,
            "debootstrap is not installed and there is no apt-get to install it with: install "
            "debootstrap (and Debian's archive keyring) with this system's package manager",
        )
    on_step("installing debootstrap with apt-get")
    noninteractive = {"DEBIAN_FRONTEND": "noninteractive"}
    for argv in (
        [apt, "update", "-qq"],
        [
            apt,
            "install",
            "-y",
            "-qq",
            "--no-install-recommends",
            "debootstrap",
            "debian-archive-keyring",
        ],
    ):
        result = runner.stream(argv, on_output, env=noninteractive)
        if not result.ok:
            raise LocalImageError(
                tag,
                "installing debootstrap with apt-get failed (are Debian's package mirrors "
                "reachable?)",
                argv=argv,
                returncode=result.returncode,
                output=result.stdout,
            )
    found = _which("debootstrap")
    if found is None:
        raise LocalImageError(tag, "apt-get installed debootstrap, but it is not on PATH")
    return found


def _run(tag: str, runner: ProcessRunner, argv: list[str], failure: str) -> str:
    result = runner.run(argv)
    if not result.ok:
        raise LocalImageError(
            tag, failure, argv=argv, returncode=result.returncode, output=result.stderr
        )
    return result.stdout


def _remove_scratch(scratch: Path, runner: ProcessRunner) -> None:
    """Remove the scratch directory, after unmounting anything debootstrap left mounted in it
    (a killed debootstrap can leave /proc mounted there: removing through it must not happen).
    A directory that stays mounted is left in place."""
    for mount in sorted(_mounts_below(scratch), reverse=True):
        runner.run(["umount", "-l", mount])
    if _mounts_below(scratch):
        return
    shutil.rmtree(scratch, ignore_errors=True)


def _mounts_below(directory: Path) -> list[str]:
    text = _read("/proc/self/mounts") or ""
    prefix = str(directory.resolve()) + "/"
    points = [line.split()[1].replace("\\040", " ") for line in text.splitlines() if line.split()]
    return [point for point in points if point.startswith(prefix)]


def existing(engine: DockerView, tag: str) -> ImageRecord | None:
    """The image ``tag`` in the local store, or None."""
    try:
        return engine.image(tag)
    except ImageNotFoundError:
        return None


def _choice(tag: str, choose: Callable[[], Choice]) -> Choice:
    try:
        return choose()
    except ValueError as exc:
        raise LocalImageError(tag, str(exc)) from exc


def _scratch_parent() -> str | None:
    """/var/tmp (on disk) rather than /tmp (often in memory): a root filesystem is ~300 MB."""
    return "/var/tmp" if os.path.isdir("/var/tmp") and os.access("/var/tmp", os.W_OK) else None


def _which(program: str) -> str | None:
    path = os.environ.get("PATH", os.defpath)
    return shutil.which(program, path=f"{path}:/usr/local/sbin:/usr/sbin:/sbin")


def _is_root() -> bool:
    return os.geteuid() == 0


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
