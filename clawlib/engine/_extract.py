"""Read one file out of an image without running it: ``docker create``, ``docker cp``, ``rm``.

Used for ``claw.skill.emit``: an image says where its skill file is, and claw reads it so the
claws that reach that service get its manual. The container is created with an entrypoint that
does not exist and is never started; it is removed whatever happens.
"""

from __future__ import annotations

import io
import subprocess
import tarfile

from clawlib.errors import EngineError

__all__ = ["MAX_EXTRACT_BYTES", "extract_image_file"]

MAX_EXTRACT_BYTES = 1 << 20
"""A skill file is text; anything larger than this is refused."""


def _docker(*args: str, timeout: float) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["docker", *args],
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError as exc:
        raise EngineError("the docker command is not installed") from exc
    except subprocess.TimeoutExpired as exc:
        raise EngineError(f"docker {args[0]} gave no answer within {timeout:g} s") from exc


def _reason(done: subprocess.CompletedProcess[bytes]) -> str:
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else f"exit code {done.returncode}"


def extract_image_file(image: str, path: str, *, timeout: float = 60) -> bytes:
    """The bytes of the regular file at ``path`` in ``image``. Raises :class:`EngineError`."""
    created = _docker("create", "--entrypoint", "/.claw-never-run", image, timeout=timeout)
    if created.returncode != 0:
        raise EngineError(f"cannot open image {image}: {_reason(created)}")
    container = created.stdout.decode().strip()
    try:
        copied = _docker("cp", f"{container}:{path}", "-", timeout=timeout)
        if copied.returncode != 0:
            raise EngineError(f"cannot read {path}: {_reason(copied)}")
        try:
            with tarfile.open(fileobj=io.BytesIO(copied.stdout)) as archive:
                member = archive.next()
                if member is None or not member.isfile():
                    raise EngineError(f"{path} is not a regular file")
                if member.size > MAX_EXTRACT_BYTES:
                    raise EngineError(f"{path} is larger than {MAX_EXTRACT_BYTES} bytes")
                handle = archive.extractfile(member)
                assert handle is not None
                return handle.read()
        except tarfile.TarError as exc:
            raise EngineError(f"cannot read {path}: {exc}") from exc
    finally:
        _docker("rm", "-f", container, timeout=timeout)
