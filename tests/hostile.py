"""Hostile-input helpers: a canary directory beside a pod, and proof that nothing touched it;
a pod holding a canary secret in every form a secret takes.

A :class:`Canary` is a directory next to the pod directory holding files whose contents must
never leave it. :meth:`Canary.watching` records every file-system call Python's audit hooks see
(open, listdir, scandir, rename, remove, mkdir, chmod, copy...) on a path inside the canary
directory; :meth:`Canary.assert_untouched` then checks that nothing was recorded, that the
directory is byte for byte what it was, that no file under the pod directory holds canary
content, and that none of the given outputs (stdout, stderr, screen text) shows it.

Opens relative to a directory descriptor cannot be placed by the hook; a path reached through a
symbolic link is not recognised either. Those are caught by the other three checks: a write
changes the snapshot, and a read that matters shows its content in a file or an output.
"""

from __future__ import annotations

import os
import stat
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["CANARY_TEXT", "SECRET_CANARY", "Canary", "secret_pod"]

CANARY_TEXT = "CANARY-7f3a9c-must-not-leave-its-directory"
"""The content every canary file carries; it must never appear where the tests look."""

SECRET_CANARY = "cnry7f3a"
"""Part of every literal secret of :func:`secret_pod`: nothing claw shows may hold it."""

_SECRET_POD = """\
x-claw: {pod: canary}
services:
  agent:
    build: ./agent
    command: ["openclaw", "gateway", "--token", "cnry7f3a-flag"]
    environment:
      OPENAI_API_KEY: cnry7f3a-map
      Github_Pat: cnry7f3a-pat
      DATABASE_URL: postgres://admin:cnry7f3a-url@db/app
      SETTING: ${SECRET_TOKEN:-cnry7f3a-default}
      SSH_PRIVATE_KEY: |
        -----BEGIN OPENSSH PRIVATE KEY-----
        b3BlbnNzaC1rZXktdjEcnry7f3a-pem-1
        QyNTUxOQAAACBSRDcnry7f3a-pem-2
        -----END OPENSSH PRIVATE KEY-----
      NOTES: |
        a key kept under a name that does not say so:
        -----BEGIN EC PRIVATE KEY-----
        MHcCAQEEIBkg4LVcnry7f3a-pem-3
        -----END EC PRIVATE KEY-----
      SLACK_BOT_TOKEN: "cnry7f3a-dq-1
        cnry7f3a-dq-2"
      DB_PASSWORD: 'cnry7f3a-sq-1

        cnry7f3a-sq-2'
      SESSION_SECRET: cnry7f3a-plain-1
        cnry7f3a-plain-2
      STATE_DIR: /app/state
    x-claw:
      agent: ./AGENTS.md
  worker:
    image: busybox:latest
    environment:
      - |
        DEPLOY_KEY=cnry7f3a-list-1
        cnry7f3a-list-2
      - "SIGNING_SECRET=cnry7f3a-list-3
        cnry7f3a-list-4"
      - db_pass=cnry7f3a-list-5
      - LOG_LEVEL=debug
"""
_SECRET_CLAWFILE = """\
FROM claw-base/busybox:latest
CLAW_TYPE openclaw
ENV ANTHROPIC_API_KEY=cnry7f3a-dockerfile
CONFIGURE openclaw config set models.providers.openrouter.apiKey cnry7f3a-json
CONFIGURE openclaw config set channels.discord.token "cnry7f3a-configure"
INVOKE 0 9 * * * Post the report with token=cnry7f3a-invoke
"""


def secret_pod(directory: Path) -> Path:
    """A pod in ``directory`` (``canary``: an openclaw claw ``agent`` built from a Clawfile, a
    plain ``worker``) holding a literal secret, each with :data:`SECRET_CANARY` in it, in every
    form: an environment map literal, a PEM key in a block scalar (and under a plain name),
    quoted and plain scalars over several lines, a list-form environment (``- |`` with
    ``NAME=`` first, a quoted item over two lines, a lower-case name), ``Github_Pat``, a URL
    password, a ``${SECRET_TOKEN:-...}`` default, a ``--token`` argument, and in the Clawfile an
    ``ENV``, two literal CONFIGURE values (one lands in openclaw.json as ``apiKey``) and an
    INVOKE message. Returns the pod file."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "agent").mkdir(exist_ok=True)
    (directory / "agent" / "Clawfile").write_text(_SECRET_CLAWFILE)
    (directory / "AGENTS.md").write_text("# Agent\n\nAnswer briefly.\n")
    pod_file = directory / "claw-pod.yml"
    pod_file.write_text(_SECRET_POD)
    return pod_file


_EVENTS = frozenset(
    {
        "open",
        "os.listdir",
        "os.scandir",
        "os.rename",
        "os.remove",
        "os.rmdir",
        "os.mkdir",
        "os.chmod",
        "os.chown",
        "os.link",
        "os.symlink",
        "os.truncate",
        "os.utime",
        "shutil.copyfile",
        "shutil.copymode",
        "shutil.copystat",
        "shutil.copytree",
        "shutil.move",
        "shutil.rmtree",
    }
)
_watchers: list[Canary] = []
_lock = threading.Lock()
_installed = False


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if event not in _EVENTS or not _watchers:
        return
    for arg in args[:2]:
        if isinstance(arg, str | bytes | os.PathLike):
            try:
                path = os.path.abspath(os.fsdecode(arg))
            except (TypeError, ValueError):
                continue
            for watcher in list(_watchers):
                watcher._saw(event, path)


def _install() -> None:
    global _installed
    with _lock:
        if not _installed:
            sys.addaudithook(_hook)
            _installed = True


class Canary:
    """A directory of canary files beside ``pod_dir`` (``<parent>/canary``)."""

    def __init__(self, pod_dir: Path) -> None:
        self.pod_dir = pod_dir
        self.root = pod_dir.parent / "canary"
        self.root.mkdir(exist_ok=True)
        (self.root / "sub").mkdir(exist_ok=True)
        for name in ("secret.txt", ".bashrc", "id_rsa", "sub/deep.txt", "Clawfile"):
            (self.root / name).write_text(f"{CANARY_TEXT} ({name})\n")
        (self.root / "id_rsa").chmod(0o600)
        self.touched: list[tuple[str, str]] = []
        self._before = self.snapshot()

    def file(self, name: str = "secret.txt") -> Path:
        """A canary file's path."""
        return self.root / name

    def snapshot(self) -> dict[str, tuple[Any, ...]]:
        """Every entry under the canary directory: kind, content or link target, mode, mtime."""
        found: dict[str, tuple[Any, ...]] = {}
        for directory, names, files in os.walk(self.root):
            for name in [*names, *files]:
                path = Path(directory, name)
                info = path.lstat()
                relative = path.relative_to(self.root).as_posix()
                if stat.S_ISLNK(info.st_mode):
                    found[relative] = ("link", os.readlink(path))
                elif stat.S_ISREG(info.st_mode):
                    found[relative] = (
                        "file",
                        path.read_bytes(),
                        stat.S_IMODE(info.st_mode),
                        info.st_mtime_ns,
                    )
                else:
                    found[relative] = (
                        "other",
                        stat.S_IFMT(info.st_mode),
                        stat.S_IMODE(info.st_mode),
                    )
        return found

    def _saw(self, event: str, path: str) -> None:
        root = str(self.root)
        if path == root or path.startswith(root + os.sep):
            self.touched.append((event, path))

    @contextmanager
    def watching(self) -> Iterator[Canary]:
        """Record file-system calls on canary paths while the block runs."""
        _install()
        _watchers.append(self)
        try:
            yield self
        finally:
            _watchers.remove(self)

    def assert_untouched(self, *outputs: str) -> None:
        """Nothing touched, changed, copied into the pod, or shown (see the module docstring)."""
        assert self.touched == [], f"canary paths were touched: {self.touched}"
        assert self.snapshot() == self._before, "the canary directory changed"
        for directory, _names, files in os.walk(self.pod_dir):
            for name in files:
                path = Path(directory, name)
                if path.is_symlink() or not path.is_file():
                    continue
                assert CANARY_TEXT.encode() not in path.read_bytes(), (
                    f"canary content copied into {path}"
                )
        for output in outputs:
            assert CANARY_TEXT not in output, f"canary content shown: {output[:2000]!r}"
