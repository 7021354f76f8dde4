"""Recording fakes for the engine seams (ProcessRunner, the SDK client)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from clawlib.engine import CommandResult


@dataclass
class FakeRunner:
    """Answers commands from a table keyed by argv; records every call with its env."""

    answers: dict[tuple[str, ...], CommandResult | tuple[int, str, str]] = field(
        default_factory=dict
    )
    streamed: dict[tuple[str, ...], tuple[int, list[str]]] = field(default_factory=dict)
    calls: list[tuple[tuple[str, ...], Mapping[str, str] | None]] = field(default_factory=list)
    image_id: str | None = None
    """Written to the ``--iidfile`` of a successful streamed ``docker build``, like docker does."""

    def _answer(self, argv: tuple[str, ...]) -> CommandResult:
        answer = self.answers.get(argv)
        if answer is None:
            return CommandResult(argv, 127, "", f"{argv[0]}: command not found")
        if isinstance(answer, CommandResult):
            return answer
        code, out, err = answer
        return CommandResult(argv, code, out, err)

    def run(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> CommandResult:
        args = tuple(argv)
        self.calls.append((args, env))
        return self._answer(args)

    def stream(
        self,
        argv: Sequence[str],
        on_line: Callable[[str], None],
        *,
        env: Mapping[str, str] | None = None,
    ) -> CommandResult:
        args = tuple(argv)
        self.calls.append((args, env))
        for prefix, (code, lines) in self.streamed.items():
            if args[: len(prefix)] == prefix:
                for line in lines:
                    on_line(line)
                if code == 0 and self.image_id and "--iidfile" in args:
                    Path(args[args.index("--iidfile") + 1]).write_text(self.image_id)
                return CommandResult(args, code, "\n".join(lines), "")
        return CommandResult(args, 127, "", f"{args[0]}: command not found")


@dataclass
class FakeImage:
    id: str
    tags: list[str]
    labels: dict[str, str]
    attrs: dict[str, str] = field(default_factory=lambda: {"Created": "2026-01-01T00:00:00Z"})


def _refused() -> Exception:
    import requests

    return requests.exceptions.ConnectionError(
        "('Connection aborted.', ConnectionRefusedError(111, 'Connection refused'))"
    )


@dataclass
class FakeImages:
    known: dict[str, FakeImage]
    down: bool = False

    def get(self, ref: str) -> FakeImage:
        from docker.errors import ImageNotFound

        if self.down:
            raise _refused()
        try:
            return self.known[ref]
        except KeyError:
            raise ImageNotFound(f"No such image: {ref}") from None


@dataclass
class FakeSdkClient:
    """Stands in for docker.DockerClient: version() and images.get()."""

    images: FakeImages = field(default_factory=lambda: FakeImages({}))
    down: bool = False

    def __post_init__(self) -> None:
        self.images.down = self.down

    def version(self) -> dict[str, str]:
        if self.down:
            raise _refused()
        return {"Version": "20.10.24", "ApiVersion": "1.41", "Os": "linux", "Arch": "amd64"}

    def close(self) -> None:
        pass
