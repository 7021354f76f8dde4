"""The one place that calls the Docker SDK's private API.

The log and event streams need the engine's raw HTTP response, to read it in large pieces and to
wait on its socket with ``select`` (:mod:`._http`). The SDK has no public call for that: its
``logs(stream=True)`` and ``events()`` hand back generators that parse as they read, two small
socket reads per log frame. So :func:`open_stream` makes the request with three private methods
of ``docker.APIClient``, which add what a plain ``requests`` GET on the client would miss:

- ``_url(pathfmt, *args)``: the API version prefix (``/v1.41``) and the quoting of ``args``;
- ``_get(url, **kwargs)``: the client's timeout and the ``HttpHeaders`` of the user's docker
  config;
- ``_raise_for_status(response)``: an error status as the SDK's own exceptions
  (``docker.errors.NotFound``, ``APIError``), so that one error mapping serves every call.

Being private, they may change in any release: ``pyproject.toml`` bounds the SDK to the major
version they were checked on, and ``tests/unit/test_engine_sdk.py`` fails, naming them, when an
installed SDK no longer has them or no longer behaves as this relies on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["PRIVATE_API", "open_stream"]

PRIVATE_API = ("_url", "_get", "_raise_for_status")
"""The private ``docker.APIClient`` methods :func:`open_stream` calls."""


def open_stream(api: Any, path: str, *args: str, params: Mapping[str, Any]) -> Any:
    """GET ``path`` (a format string filled with ``args``, e.g. ``/containers/{0}/logs``) on the
    engine through the SDK's low-level client ``api``, streaming.

    Returns the ``requests`` response with only its status line and headers read; the caller
    reads and closes it. An error status raises the SDK's exception, the response closed.
    """
    url = api._url(path, *args)
    response = api._get(url, params=dict(params), stream=True)
    try:
        api._raise_for_status(response)
    except BaseException:
        response.close()
        raise
    return response
