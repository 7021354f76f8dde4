"""What an image was built from, recorded in two labels, so that a plan can tell an image built
from an older Dockerfile or an older base image from a current one.

The claw labels say what the image declares; they stay equal when only a ``RUN`` line changed,
or when the base image was rebuilt under the same tag (a new ``claw-stub/openclaw:latest``).
These two do not:

- ``org.clawdapus.build.dockerfile``: the SHA-256 of the generated Dockerfile it was built from;
- ``org.clawdapus.build.bases``: the local image ID of each base image (a ``FROM`` that is not
  an earlier stage, ``scratch`` or a ``$VARIABLE``) at build time, as sorted JSON. A base that
  was not in the local store then (docker pulled it) is not recorded, and so never makes the
  image stale.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping

from ._parser import Clawfile

__all__ = [
    "BUILD_BASES_LABEL",
    "BUILD_DOCKERFILE_LABEL",
    "base_images",
    "build_input_labels",
    "build_inputs_changed",
]

BUILD_DOCKERFILE_LABEL = "org.clawdapus.build.dockerfile"
BUILD_BASES_LABEL = "org.clawdapus.build.bases"

_FLAG = re.compile(r"--\S+")


def base_images(clawfile: Clawfile) -> tuple[str, ...]:
    """The images ``clawfile``'s stages start from, in order, each once: not ``scratch``, not an
    earlier stage's name, not a reference holding a build argument."""
    stages: set[str] = set()
    bases: list[str] = []
    for instruction in clawfile.instructions:
        if instruction.keyword != "from":
            continue
        words = [w for w in instruction.remainder.split() if not _FLAG.fullmatch(w)]
        if not words:
            continue
        ref = words[0]
        if len(words) >= 3 and words[1].lower() == "as":
            stages.add(words[2].lower())
        if ref.lower() == "scratch" or ref.lower() in stages or "$" in ref or ref in bases:
            continue
        bases.append(ref)
    return tuple(bases)


def build_input_labels(dockerfile: str, bases: Mapping[str, str]) -> dict[str, str]:
    """The labels recording a build of ``dockerfile`` on ``bases`` (reference → image ID)."""
    return {
        BUILD_DOCKERFILE_LABEL: hashlib.sha256(dockerfile.encode("utf-8")).hexdigest(),
        BUILD_BASES_LABEL: json.dumps(dict(sorted(bases.items())), separators=(",", ":")),
    }


def build_inputs_changed(
    labels: Mapping[str, str],
    dockerfile: str,
    bases: tuple[str, ...],
    image_id: Callable[[str], str | None],
) -> str | None:
    """Why an image with ``labels`` is not a build of ``dockerfile`` on the current ``bases``
    (``image_id`` gives a local image's ID, None when it is not in the store), or None."""
    recorded = labels.get(BUILD_DOCKERFILE_LABEL)
    if recorded is None:
        return "stale: built without a record of its inputs"
    if recorded != hashlib.sha256(dockerfile.encode("utf-8")).hexdigest():
        return "stale: its Dockerfile changed"
    try:
        built_on = json.loads(labels.get(BUILD_BASES_LABEL, "{}"))
    except ValueError:
        built_on = {}
    if not isinstance(built_on, dict):
        built_on = {}
    for ref in bases:
        before = built_on.get(ref)
        if not isinstance(before, str):
            continue
        now = image_id(ref)
        if now is not None and now != before:
            return f"stale: its base image {ref} changed"
    return None
