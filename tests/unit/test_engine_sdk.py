"""The Docker SDK's private API that the streams rely on (clawlib/engine/_sdk.py), checked on the
installed SDK: the methods exist with the expected signatures, and a streamed request made with
them through a real SDK client reaches a fake engine over HTTP as the streams need it."""

from __future__ import annotations

import inspect
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import docker
import pytest
from docker.errors import NotFound

from clawlib.engine import DockerView, RawBody
from clawlib.engine._http import HttpBody
from clawlib.engine._sdk import PRIVATE_API, open_stream
from clawlib.errors import ContainerNotFoundError
from tests.fakes import chunked

SIGNATURES = {
    "_url": ["self", "pathfmt", "*args", "**kwargs"],
    "_get": ["self", "*args", "**kwargs"],  # wrapped by the SDK's update_headers decorator
    "_raise_for_status": ["self", "response"],
}


_STARS: dict[inspect._ParameterKind, str] = {
    inspect.Parameter.VAR_POSITIONAL: "*",
    inspect.Parameter.VAR_KEYWORD: "**",
}


def _parameters(function: Callable[..., Any]) -> list[str]:
    """The parameter names, starred like in a ``def`` (annotations and defaults left out)."""
    return [
        _STARS.get(p.kind, "") + p.name for p in inspect.signature(function).parameters.values()
    ]


def test_the_private_methods_are_still_there() -> None:
    assert set(SIGNATURES) == set(PRIVATE_API)
    found = {
        name: _parameters(getattr(docker.APIClient, name))
        if callable(getattr(docker.APIClient, name, None))
        else "missing"
        for name in PRIVATE_API
    }
    assert found == SIGNATURES, (
        f"docker {docker.__version__} changed the private APIClient methods that "
        "clawlib/engine/_sdk.py calls: adapt open_stream() before widening the docker bound in "
        "pyproject.toml"
    )


@dataclass
class FakeEngine:
    """An HTTP server on localhost answering each request with the next scripted answer
    (status, body) and recording what was asked (path, query, headers)."""

    answers: list[tuple[int, bytes]]
    requests: list[tuple[str, dict[str, list[str]], dict[str, str]]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def engine() -> Iterator[FakeEngine]:
    fake = FakeEngine([])

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            fake.requests.append((parts.path, parse_qs(parts.query), dict(self.headers)))
            status, body = fake.answers.pop(0)
            self.send_response(status)
            if status == 200:  # a stream: chunked, as the engine sends logs and events
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                self.wfile.write(chunked(body))
            else:
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"tcp://127.0.0.1:{server.server_address[1]}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def read_all(body: RawBody) -> bytes:
    """The whole body, which must end properly; then closed."""
    try:
        data = b""
        while piece := body.read():
            data += piece
        assert body.complete
        return data
    finally:
        body.close()


def test_a_streamed_get_through_the_sdk(
    engine: FakeEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"HttpHeaders": {"X-Meta-Claw": "yes"}}))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    engine.answers = [(200, b"the log"), (404, b'{"message": "No such container: gone"}')]
    with docker.APIClient(base_url=engine.url, version="1.41") as api:
        response = open_stream(api, "/containers/{0}/logs", "a b", params={"tail": "5"})
        assert read_all(HttpBody(response)) == b"the log"
        with pytest.raises(NotFound, match="No such container: gone"):
            open_stream(api, "/containers/{0}/logs", "gone", params={})
    (path, query, headers), (missing, _, _) = engine.requests
    assert (path, query, missing) == (
        "/v1.41/containers/a%20b/logs",  # the API version, the argument quoted
        {"tail": ["5"]},
        "/v1.41/containers/gone/logs",
    )
    assert headers["X-Meta-Claw"] == "yes"  # the docker config's headers are sent


def test_the_view_opens_bodies_through_the_sdk(engine: FakeEngine) -> None:
    engine.answers = [
        (200, b"frames"),
        (200, b'{"status": "start"}\n'),
        (404, b'{"message": "No such container: gone"}'),
    ]
    with DockerView(lambda: docker.DockerClient(base_url=engine.url, version="1.41")) as view:
        logs = view.log_body("c1", follow=True, tail=None, since="10.5")
        assert read_all(logs) == b"frames"
        events = view.event_body(filters={"type": ["container"]}, since=None)
        assert read_all(events) == b'{"status": "start"}\n'
        with pytest.raises(ContainerNotFoundError) as caught:
            view.log_body("gone", follow=False, tail=3, since=None)
        assert caught.value.ref == "gone"
    assert [(path, query) for path, query, _ in engine.requests] == [
        (
            "/v1.41/containers/c1/logs",
            {
                "stdout": ["1"],
                "stderr": ["1"],
                "timestamps": ["1"],
                "follow": ["1"],
                "tail": ["all"],
                "since": ["10.5"],
            },
        ),
        ("/v1.41/events", {"filters": ['{"type": ["container"]}']}),
        (
            "/v1.41/containers/gone/logs",
            {"stdout": ["1"], "stderr": ["1"], "timestamps": ["1"], "follow": ["0"], "tail": ["3"]},
        ),
    ]


class FakeApi:
    """Stands in for docker.APIClient: records the private calls, answers with ``response``."""

    def __init__(self, response: FakeResponse, error: Exception | None = None) -> None:
        self.response = response
        self.error = error
        self.calls: list[tuple[Any, ...]] = []

    def _url(self, pathfmt: str, *args: str) -> str:
        self.calls.append(("_url", pathfmt, *args))
        return "http://engine" + pathfmt.format(*args)

    def _get(self, url: str, **kwargs: Any) -> FakeResponse:
        self.calls.append(("_get", url, kwargs))
        return self.response

    def _raise_for_status(self, response: FakeResponse) -> None:
        self.calls.append(("_raise_for_status", response))
        if self.error is not None:
            raise self.error


@dataclass
class FakeResponse:
    closed: bool = False

    def close(self) -> None:
        self.closed = True


def test_open_stream_makes_the_three_calls_and_closes_a_refused_response() -> None:
    response = FakeResponse()
    api = FakeApi(response)
    assert open_stream(api, "/containers/{0}/logs", "c1", params={"tail": "all"}) is response
    assert api.calls == [
        ("_url", "/containers/{0}/logs", "c1"),
        ("_get", "http://engine/containers/c1/logs", {"params": {"tail": "all"}, "stream": True}),
        ("_raise_for_status", response),
    ]
    assert not response.closed
    refused = FakeResponse()
    with pytest.raises(RuntimeError, match="refused"):
        open_stream(FakeApi(refused, RuntimeError("refused")), "/events", params={})
    assert refused.closed
