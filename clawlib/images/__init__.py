"""Images claw makes itself, from Debian's and PyPI's packages alone (no registry needed).

- The Python base image ``claw-base/python:latest`` (:func:`ensure_python_base`): a minimal
  Debian root filesystem of the host's suite with python3 and the CA certificates, made by
  debootstrap (as root) and imported into the engine. Built once; again only when its recipe
  changes.
- The governance proxy's image ``claw-local/cllama:latest`` (:func:`ensure_proxy_image`): that
  base, the proxy's dependencies as wheels for its Python, and the proxy's source files. Built
  when missing or when any of its inputs changed (its labels say what it was built from).

``claw up`` ensures the proxy image of a governed pod whose proxy image is claw's own
(:func:`is_local_proxy_image`); ``claw build --proxy`` and ``scripts/build-proxy-image`` build
it ahead. This package reads the proxy's files from disk and never imports it.
"""

from ._apt import (
    DEFAULT_MIRROR,
    DEFAULT_SUITE,
    MIRROR_ENV,
    SUITE_ENV,
    AptSource,
    Choice,
    choose_mirror,
    choose_suite,
    parse_deb822,
    parse_one_line,
    read_apt_sources,
)
from ._base import (
    BASE_LABELS,
    PYTHON_BASE_IMAGE,
    BaseRecipe,
    RootfsFacts,
    ensure_python_base,
    rootfs_facts,
    trim_rootfs,
)
from ._proxy import (
    LOCAL_PROXY_REPOSITORY,
    PROXY_IMAGE,
    PROXY_LABELS,
    ContextFile,
    ProxyInputs,
    ensure_proxy_image,
    is_local_proxy_image,
    pip_platforms,
    proxy_context,
    proxy_requirements,
    proxy_sources,
    resolved_packages,
)
from ._steps import CACHE_ENV, LocalImage, cache_dir, stale_reason

__all__ = [
    "BASE_LABELS",
    "CACHE_ENV",
    "DEFAULT_MIRROR",
    "DEFAULT_SUITE",
    "LOCAL_PROXY_REPOSITORY",
    "MIRROR_ENV",
    "PROXY_IMAGE",
    "PROXY_LABELS",
    "PYTHON_BASE_IMAGE",
    "SUITE_ENV",
    "AptSource",
    "BaseRecipe",
    "Choice",
    "ContextFile",
    "LocalImage",
    "ProxyInputs",
    "RootfsFacts",
    "cache_dir",
    "choose_mirror",
    "choose_suite",
    "ensure_proxy_image",
    "ensure_python_base",
    "is_local_proxy_image",
    "parse_deb822",
    "parse_one_line",
    "pip_platforms",
    "proxy_context",
    "proxy_requirements",
    "proxy_sources",
    "read_apt_sources",
    "resolved_packages",
    "rootfs_facts",
    "stale_reason",
    "trim_rootfs",
]
