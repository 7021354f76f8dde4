"""The compose keys claw reads or extends, checked against the types compose gives them.

The compose part of a pod file passes through, but claw reads some of its keys (a service's
``image``, ``build``, ``environment``, and the ``expose`` and ``ports`` of a ``service://``
target) and adds to others (``labels``, ``env_file``, ``networks``, ``volumes``, ``tmpfs`` and
``environment`` of services; the top-level ``volumes`` and ``networks``). Each of these must have
the shape the compose specification gives it (``schema/compose-spec.json``), or claw could do
neither; a wrong one is reported as compose would reject it, saying what is valid. Every other
key is compose's to check when it reads the generated file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from clawlib.yamlio import YamlPath, describe

__all__ = ["check_compose"]

Report = Callable[[YamlPath, str], None]
"""Called with the path of each problem and what is wrong there."""
_SCALAR = "a string, number, boolean or null"


def check_compose(data: Mapping[str, Any], report: Report) -> None:
    """Report every compose key of ``data`` (a pod document) that claw uses and that has a shape
    compose would refuse."""
    for key, example in (("volumes", "data"), ("networks", "backend")):
        if key in data:
            _named_options(data[key], (key,), report, key[:-1], example)
    services = data.get("services")
    if not isinstance(services, dict):
        return
    for name, service in services.items():
        if isinstance(service, dict):
            for key, check in _SERVICE_KEYS.items():
                if key in service:
                    check(service[key], ("services", name, key), report)


def _named_options(value: Any, path: YamlPath, report: Report, noun: str, example: str) -> None:
    """A mapping of name to options (a mapping, or nothing): top-level volumes and networks."""
    if not isinstance(value, dict):
        report(
            path,
            f'must be a mapping of {noun} name to its options (e.g. "{example}: {{}}"), '
            f"got {describe(value, path)}",
        )
        return
    for name, options in value.items():
        if options is not None and not isinstance(options, dict):
            shown = describe(options, (*path, name))
            report((*path, name), f"must be a mapping of options (or nothing), got {shown}")


def _list_or_dict(what: str) -> Callable[[Any, YamlPath, Report], None]:
    """``environment`` and ``labels``: a mapping of scalars, or a list of ``NAME=value``."""

    def check(value: Any, path: YamlPath, report: Report) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, dict | list):
                    report((*path, key), f"must be {_SCALAR}, got {describe(item, (*path, key))}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if not isinstance(item, str):
                    shown = describe(item, (*path, index))
                    report((*path, index), f'must be a "{what}=value" string, got {shown}')
        else:
            report(
                path,
                f'must be a mapping of {what}: value, or a list of "{what}=value" strings, '
                f"got {describe(value, path)}",
            )

    return check


def _list_of(
    items: str, item: str, item_ok: Callable[[Any], bool], *, single: str | None = None
) -> Callable[[Any, YamlPath, Report], None]:
    """A list whose entries ``item_ok`` accepts (``items`` says what they may be, ``item`` what
    one may be); with ``single``, a lone string is accepted too and named so in messages."""

    def check(value: Any, path: YamlPath, report: Report) -> None:
        if isinstance(value, list):
            for index, entry in enumerate(value):
                if not item_ok(entry):
                    report((*path, index), f"must be {item}, got {describe(entry, path)}")
        elif single is None:
            report(path, f"must be a list of {items}, got {describe(value, path)}")
        elif not isinstance(value, str):
            report(path, f"must be {single}, or a list of {items}, got {describe(value, path)}")

    return check


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_port(value: Any) -> bool:
    if isinstance(value, dict):
        target = value.get("target")
        return isinstance(target, str) or _is_int(target)
    return isinstance(value, str) or _is_int(value)


def _is_env_file(value: Any) -> bool:
    return isinstance(value, str) or (
        isinstance(value, dict) and isinstance(value.get("path"), str)
    )


def _networks(value: Any, path: YamlPath, report: Report) -> None:
    """A service's ``networks``: a list of names, or a mapping of name to options."""
    if isinstance(value, dict):
        _named_options(value, path, report, "network", "backend")
    else:
        _list_of(
            'network names (strings, e.g. ["backend"]), or a mapping of network name to options',
            "a network name (a string)",
            lambda entry: isinstance(entry, str),
        )(value, path, report)


def _build(value: Any, path: YamlPath, report: Report) -> None:
    if isinstance(value, dict):
        for key in ("context", "dockerfile"):
            if key in value and not isinstance(value[key], str):
                shown = describe(value[key], (*path, key))
                report((*path, key), f"must be a string (a path), got {shown}")
    elif not isinstance(value, str):
        report(
            path,
            "must be a path (the build context), or a mapping with context: and dockerfile:, "
            f"got {describe(value, path)}",
        )


def _image(value: Any, path: YamlPath, report: Report) -> None:
    if not isinstance(value, str):
        shown = describe(value, path)
        report(path, f"must be a string (an image such as busybox:latest), got {shown}")


_SERVICE_KEYS: dict[str, Callable[[Any, YamlPath, Report], None]] = {
    "image": _image,
    "build": _build,
    "environment": _list_or_dict("NAME"),
    "labels": _list_or_dict("label"),
    "env_file": _list_of(
        'file paths (strings, or mappings with path:; e.g. [".env"])',
        "a file path (a string, or a mapping with path:)",
        _is_env_file,
        single="a file path",
    ),
    "expose": _list_of(
        'ports (strings or numbers, e.g. ["8080"])',
        'a port (a string such as "8080" or "8000-8010/udp", or a whole number)',
        lambda entry: isinstance(entry, str) or _is_int(entry),
    ),
    "ports": _list_of(
        'ports (numbers, "HOST:CONTAINER" strings, or mappings with target:; e.g. ["8080:80"])',
        'a port (a whole number, a "HOST:CONTAINER" string, or a mapping with target:)',
        _is_port,
    ),
    "volumes": _list_of(
        'mounts ("SOURCE:TARGET[:MODE]" strings or mappings, e.g. ["./data:/data:ro"])',
        'a mount (a "SOURCE:TARGET[:MODE]" string, or a mapping)',
        lambda entry: isinstance(entry, str | dict),
    ),
    "networks": _networks,
    "tmpfs": _list_of(
        'paths (strings, e.g. ["/run"])',
        "a path (a string)",
        lambda entry: isinstance(entry, str),
        single="a path",
    ),
}
