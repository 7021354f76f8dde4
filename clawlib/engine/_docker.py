"""A read-only view of the Docker engine, over the Docker SDK.

Only this module imports the SDK (lazily, so ``import clawlib`` stays cheap; its private API is
called only through :mod:`._sdk`), and it returns our own frozen dataclasses, never SDK objects.
Lifecycle changes go through ``docker compose``. The view is the :class:`~._source.StreamSource`
of the log and event streams it builds.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from clawlib.errors import (
    ContainerNotFoundError,
    EngineError,
    EngineUnavailableError,
    ImageNotFoundError,
)
from clawlib.labels import COMPOSE_PROJECT, COMPOSE_WORKING_DIR

from ._containers import ContainerRecord, ExecResult
from ._events import EventStream
from ._feed import BUFFER_ITEMS
from ._frames import LogSource
from ._http import HttpBody, RawBody
from ._logs import LogStream
from ._sdk import open_stream

__all__ = ["DockerView", "EngineInfo", "ImageRecord", "engine_host"]

_DEFAULT_HOST = "unix:///var/run/docker.sock"
_TIMEOUT = 30
_MIN_API_VERSION = "1.24"
_POOL_SIZE = 64
"""Connections kept per engine: health probes of a large pod run concurrently."""


@dataclass(frozen=True, slots=True)
class EngineInfo:
    """What the engine says about itself."""

    host: str
    server_version: str
    api_version: str
    os: str
    arch: str


@dataclass(frozen=True, slots=True)
class ImageRecord:
    """A local image: its ID, tags, labels and the environment it sets (``KEY=value``)."""

    ref: str
    id: str
    tags: tuple[str, ...]
    labels: Mapping[str, str] = field(default_factory=dict)
    created: str = ""
    env: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", MappingProxyType(dict(self.labels)))


def engine_host() -> str:
    """Where the engine is expected: ``DOCKER_HOST``, else the current docker context's host."""
    host = os.environ.get("DOCKER_HOST")
    if host:
        return host
    try:
        from docker.context import ContextAPI

        context = ContextAPI.get_current_context()
    except Exception:  # a broken ~/.docker/config.json: fall back to the default socket
        return _DEFAULT_HOST
    return str(context.Host) if context is not None and context.Host else _DEFAULT_HOST


def _default_client() -> Any:
    """An SDK client for :func:`engine_host`, speaking the API version the engine speaks.

    The version is asked for with a throw-away client that is always closed: the SDK's own
    ``version="auto"`` asks inside its constructor and leaks the connection when that fails.
    """
    import docker
    from docker.utils import kwargs_from_env

    host = engine_host()
    _check_reachable(host)
    if "DOCKER_HOST" in os.environ or host == _DEFAULT_HOST:
        options = kwargs_from_env()
    else:
        from docker.context import ContextAPI

        options = {"base_url": host, "tls": ContextAPI.get_current_context().TLSConfig}
    probe = docker.DockerClient(version=_MIN_API_VERSION, timeout=_TIMEOUT, **options)
    try:
        server = probe.api.version(api_version=False)["ApiVersion"]
    finally:
        probe.close()
    return docker.DockerClient(
        version=server, timeout=_TIMEOUT, max_pool_size=_POOL_SIZE, **options
    )


def _check_reachable(host: str) -> None:
    """Connect to a unix or tcp engine address once, closing the socket whatever happens.

    The SDK leaks the socket of a connection that fails, so a dead address is caught here first,
    with the operating system's reason.
    """
    scheme, _, rest = host.partition("://")
    try:
        if scheme == "unix":
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
                probe.settimeout(_TIMEOUT)
                probe.connect(rest)
        elif scheme in ("tcp", "http", "https"):
            address, colon, port = rest.partition("/")[0].rpartition(":")
            if colon and port.isascii() and port.isdigit():
                with socket.create_connection((address.strip("[]"), int(port)), timeout=10):
                    pass
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise EngineUnavailableError(host, reason.lower()) from exc


class DockerView:
    """Read-only access to one engine. ``client_factory`` builds the SDK client (tests fake it)."""

    def __init__(self, client_factory: Callable[[], Any] | None = None) -> None:
        self._factory = client_factory or _default_client
        self._client: Any = None

    def _sdk(self) -> Any:
        if self._client is None:
            self._client = self._call(self._factory)
        return self._client

    def _call(self, fn: Callable[[], Any]) -> Any:
        """Run an SDK call, turning its failures into our errors."""
        from docker.errors import APIError, DockerException
        from requests.exceptions import ConnectionError as RequestsConnectionError
        from requests.exceptions import Timeout

        try:
            return fn()
        except APIError as exc:
            raise EngineError(f"the Docker engine refused: {exc.explanation or exc}") from exc
        except (DockerException, RequestsConnectionError, Timeout) as exc:
            raise EngineUnavailableError(self.host, _reason(exc)) from exc

    @property
    def host(self) -> str:
        """The engine's address (:func:`engine_host`), as errors name it."""
        return engine_host()

    def info(self) -> EngineInfo:
        """Ask the engine for its version (raises :class:`EngineUnavailableError` if down)."""
        client = self._sdk()
        version = self._call(client.version)
        return EngineInfo(
            host=self.host,
            server_version=str(version.get("Version", "")),
            api_version=str(version.get("ApiVersion", "")),
            os=str(version.get("Os", "")),
            arch=str(version.get("Arch", "")),
        )

    def image(self, ref: str) -> ImageRecord:
        """The local image ``ref``; :class:`ImageNotFoundError` when there is none."""
        from docker.errors import ImageNotFound

        client = self._sdk()

        def get() -> Any:
            try:
                return client.images.get(ref)
            except ImageNotFound as exc:
                raise ImageNotFoundError(ref) from exc

        image = self._call(get)
        return ImageRecord(
            ref=ref,
            id=str(image.id),
            tags=tuple(image.tags),
            labels=image.labels or {},
            created=str(image.attrs.get("Created", "")),
            env=tuple(str(item) for item in (image.attrs.get("Config") or {}).get("Env") or ()),
        )

    def containers(self, project: str) -> tuple[ContainerRecord, ...]:
        """Every container of the compose project ``project`` (running or not), found by
        compose's project label, ordered by service and replica number."""
        api = self._sdk().api

        def listing() -> list[Any]:
            filters = {"label": [f"{COMPOSE_PROJECT}={project}"]}
            return list(api.containers(all=True, filters=filters))

        records = []
        for summary in self._call(listing):
            try:
                records.append(self.container(str(summary["Id"])))
            except ContainerNotFoundError:
                continue  # removed between the listing and the inspect
        return tuple(sorted(records, key=lambda r: (r.service, r.number, r.name)))

    def projects_at(self, directory: str) -> dict[str, tuple[int, int]]:
        """The compose projects with containers made from ``directory`` (compose's working-dir
        label: a pod's directory), each with how many containers it has and how many run."""
        api = self._sdk().api

        def listing() -> list[Any]:
            filters = {"label": [f"{COMPOSE_WORKING_DIR}={directory}"]}
            return list(api.containers(all=True, filters=filters))

        found: dict[str, tuple[int, int]] = {}
        for summary in self._call(listing):
            project = str((summary.get("Labels") or {}).get(COMPOSE_PROJECT, ""))
            if project:
                total, running = found.get(project, (0, 0))
                found[project] = (total + 1, running + (summary.get("State") == "running"))
        return dict(sorted(found.items()))

    def container(self, ref: str) -> ContainerRecord:
        """The container ``ref`` (ID or name); :class:`ContainerNotFoundError` when it is gone."""
        return ContainerRecord.from_inspect(self.inspect_container(ref))

    def inspect_container(self, ref: str) -> dict[str, Any]:
        """The engine's inspect document of container ``ref`` (read-only use)."""
        from docker.errors import NotFound

        api = self._sdk().api

        def inspect() -> Any:
            try:
                return api.inspect_container(ref)
            except NotFound as exc:
                raise ContainerNotFoundError(ref) from exc

        return dict(self._call(inspect))

    def exec(self, ref: str, argv: tuple[str, ...]) -> ExecResult:
        """Run ``argv`` in the running container ``ref`` and wait for it; stdout and stderr are
        kept apart. Time-outs are the caller's business (see the health probes)."""
        from docker.errors import NotFound

        api = self._sdk().api

        def run() -> ExecResult:
            try:
                created = api.exec_create(ref, list(argv), stdout=True, stderr=True)
                out, err = api.exec_start(created["Id"], demux=True)
                code = api.exec_inspect(created["Id"]).get("ExitCode")
            except NotFound as exc:
                raise ContainerNotFoundError(ref) from exc
            return ExecResult(
                exit_code=int(code) if code is not None else -1,
                stdout=(out or b"").decode("utf-8", "replace"),
                stderr=(err or b"").decode("utf-8", "replace"),
            )

        result: ExecResult = self._call(run)
        return result

    def ping(self) -> None:
        """Check that the engine answers now (:class:`EngineUnavailableError` if not).

        The address is probed with a plain socket first when the client is the default one: the
        SDK leaks the socket of a connection that fails, and a stream that just broke is exactly
        when the engine may be gone.
        """
        if self._factory is _default_client and self._client is not None:
            _check_reachable(engine_host())
        api = self._sdk().api
        self._call(api.ping)

    def check_container(self, ref: str) -> ContainerRecord:
        """The container ``ref`` as it is now, after checking that the engine answers: what a
        stream asks when its body ended, to tell a removed or exited container from a lost
        engine (:class:`ContainerNotFoundError`, :class:`EngineUnavailableError`)."""
        self.ping()
        return self.container(ref)

    def log_body(
        self, container_id: str, *, follow: bool, tail: int | None, since: str | None
    ) -> RawBody:
        """Open the raw log of a container (both streams, with the engine's timestamps).

        The body is the engine's multiplexed stream (containers without a TTY): frames of an
        8-byte header and a payload. ``tail`` None means the whole log; ``since`` is the engine's
        ``seconds.nanoseconds`` form. The caller reads, aborts and closes the body.
        """
        params: dict[str, Any] = {
            "stdout": 1,
            "stderr": 1,
            "timestamps": 1,
            "follow": int(follow),
            "tail": "all" if tail is None else str(tail),
        }
        if since is not None:
            params["since"] = since
        return self._open_body("/containers/{0}/logs", (container_id,), params)

    def event_body(self, *, filters: Mapping[str, Sequence[str]], since: str | None) -> RawBody:
        """Open the engine's event stream (one JSON document a line), filtered by ``filters``
        (the engine's filter map, e.g. ``{"type": ["container"]}``), from ``since`` if given."""
        params: dict[str, Any] = {"filters": json.dumps({k: list(v) for k, v in filters.items()})}
        if since is not None:
            params["since"] = since
        return self._open_body("/events", (), params)

    def _open_body(self, path: str, args: tuple[str, ...], params: Mapping[str, Any]) -> RawBody:
        from docker.errors import NotFound

        api = self._sdk().api

        def open_body() -> RawBody:
            try:
                response = open_stream(api, path, *args, params=params)
            except NotFound as exc:
                raise ContainerNotFoundError(args[0] if args else path) from exc
            try:
                return HttpBody(response)
            except BaseException:
                response.close()
                raise

        body: RawBody = self._call(open_body)
        return body

    def logs(
        self,
        sources: Sequence[LogSource],
        *,
        follow: bool = True,
        tail: int | None = None,
        since: datetime | None = None,
        buffer_lines: int = BUFFER_ITEMS,
    ) -> LogStream:
        """A :class:`LogStream` over ``sources`` (not started; its options are explained
        there)."""
        return LogStream(
            self, sources, follow=follow, tail=tail, since=since, buffer_lines=buffer_lines
        )

    def events(
        self,
        *,
        project: str | None = None,
        since: datetime | None = None,
        buffer_events: int = BUFFER_ITEMS,
    ) -> EventStream:
        """An :class:`EventStream` of container events (not started; its options are explained
        there)."""
        return EventStream(self, project=project, since=since, buffer_events=buffer_events)

    @staticmethod
    @contextmanager
    def borrow(view: DockerView | None) -> Iterator[DockerView]:
        """The caller's view as it is (left open), or a new one closed after use."""
        if view is not None:
            yield view
            return
        with DockerView() as new:
            yield new

    def close(self) -> None:
        """Close the SDK client's connections."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> DockerView:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _reason(exc: BaseException) -> str:
    text = str(exc)
    for marker in ("Connection refused", "No such file or directory", "Permission denied"):
        if marker in text:
            return marker.lower()
    return text.splitlines()[0] if text else type(exc).__name__
