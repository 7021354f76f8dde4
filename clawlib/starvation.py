"""Credential starvation: a governed claw must never be able to see a provider key.

A governed claw reaches its model providers only through the pod's proxy, with a token only that
proxy accepts; the real keys live in the proxy's environment (``x-claw.cllama-env``). So every
place a claw's process could read a provider key from is searched, and each key found is a
problem of its own, saying where it is and where it belongs — never its value:

- the service's ``environment:`` (a mapping or a ``KEY=value`` list);
- the files its ``env_file:`` names (inside the pod directory);
- its image's environment: the built image's ``ENV`` when the image exists, else the ``ENV``
  lines of the Clawfile's final stage when the plan is made from source.

What counts as a provider key (:func:`is_provider_key`): ``<PROVIDER>_API_KEY`` for every
provider in :data:`PROVIDERS` (upstream checks only OpenAI, Anthropic and OpenRouter; a Gemini or
Mistral key reaches the model just as well), and any name starting with ``PROVIDER_API_KEY``
(the drivers' generic names). Names are compared case-insensitively.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from clawlib.clawfile import Clawfile
from clawlib.errors import InvalidValueError, PodProblem
from clawlib.pod import Pod, PodService
from clawlib.runtime import read_pod_file

__all__ = [
    "PROVIDERS",
    "KeyFound",
    "is_provider_key",
    "keys_in_clawfile",
    "keys_in_env_file",
    "starvation_problems",
]

PROVIDERS: tuple[str, ...] = (
    "ANTHROPIC",
    "AZURE_OPENAI",
    "COHERE",
    "DEEPSEEK",
    "FIREWORKS",
    "GEMINI",
    "GOOGLE",
    "GROQ",
    "MINIMAX",
    "MISTRAL",
    "MOONSHOT",
    "OPENAI",
    "OPENROUTER",
    "PERPLEXITY",
    "TOGETHER",
    "XAI",
    "ZAI",
)
"""The providers whose ``<NAME>_API_KEY`` is a provider key."""

_KEYS = frozenset(f"{name}_API_KEY" for name in PROVIDERS)
_ENV_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


def is_provider_key(name: str) -> bool:
    """Whether the variable ``name`` holds a model provider's key (see the module docstring)."""
    upper = name.strip().upper()
    return upper in _KEYS or upper.startswith("PROVIDER_API_KEY")


@dataclass(frozen=True, slots=True)
class KeyFound:
    """A provider key's name and the line it is set on (0 when no line applies)."""

    name: str
    line: int = 0


def keys_in_env_file(text: str) -> list[KeyFound]:
    """The provider keys an env file (compose's ``env_file:`` format, or ``.env``) sets."""
    found = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key = line.removeprefix("export ").lstrip().partition("=")[0].strip()
        if is_provider_key(key):
            found.append(KeyFound(key, number))
    return found


def keys_in_clawfile(clawfile: Clawfile) -> list[KeyFound]:
    """The provider keys the ``ENV`` lines of the Clawfile's final stage set (the stages before
    the last ``FROM`` do not reach the image)."""
    found: list[KeyFound] = []
    for instruction in clawfile.instructions:
        if instruction.keyword == "from":
            found = []
        elif instruction.keyword == "env":
            names = _env_names(instruction.remainder)
            found += [KeyFound(k, instruction.line) for k in names if is_provider_key(k)]
    return found


def _env_names(remainder: str) -> Iterator[str]:
    """The names ``ENV`` sets: ``ENV A=1 B="x y"``, or the legacy ``ENV A some value``."""
    words = remainder.split()
    if not words:
        return
    if "=" not in words[0]:
        yield words[0]
        return
    for word in words:
        name, equals, _ = word.partition("=")
        if equals and _ENV_KEY.fullmatch(name):
            yield name


def starvation_problems(
    pod: Pod,
    service: PodService,
    *,
    image: str,
    image_env: Sequence[str] | None = None,
    clawfile: Clawfile | None = None,
    clawfile_path: str = "",
) -> list[PodProblem]:
    """Every provider key the governed claw ``service`` could see, each a problem that says
    where it is. ``image_env`` is the built image's environment (``KEY=value`` strings; None
    when the image is not built), ``clawfile`` the Clawfile the plan follows instead
    (``clawfile_path`` as it is named in messages)."""
    problems = []
    where = ("services", service.name)
    move = "a governed claw must not see it: move it to x-claw.cllama-env, the proxy's environment"
    for path, name in _environment_keys(service.compose.get("environment")):
        problems.append(pod.problem((*where, "environment", path), f"provider key {name}: {move}"))
    for index, relative in _env_files(service.compose.get("env_file")):
        try:
            _, data = read_pod_file(pod.directory, relative, "env_file")
        except InvalidValueError:
            continue  # compose reports a missing env file itself
        text = data.decode("utf-8", "replace")
        for key in keys_in_env_file(text):
            problems.append(
                pod.problem(
                    (*where, "env_file", index) if index is not None else (*where, "env_file"),
                    f"provider key {key.name} in {relative}:{key.line}: {move}",
                )
            )
    if image_env is not None:
        for entry in image_env:
            name = entry.partition("=")[0]
            if is_provider_key(name):
                problems.append(
                    pod.problem(
                        where,
                        f'provider key {name} in the environment of image "{image}": {move}, '
                        "and rebuild the image without it",
                    )
                )
    elif clawfile is not None:
        for key in keys_in_clawfile(clawfile):
            problems.append(
                pod.problem(
                    where,
                    f"provider key {key.name} set by ENV in {clawfile_path}:{key.line}: {move}, "
                    "and remove it from the Clawfile",
                )
            )
    return problems


def _environment_keys(value: object) -> Iterator[tuple[str | int, str]]:
    """(YAML path element, name) of each provider key a compose ``environment`` sets."""
    if isinstance(value, dict):
        for key in value:
            if is_provider_key(str(key)):
                yield str(key), str(key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            name = str(item).partition("=")[0].strip()
            if is_provider_key(name):
                yield index, name


def _env_files(value: object) -> Iterator[tuple[int | None, str]]:
    """(list index, path) of each file a compose ``env_file`` names."""
    if isinstance(value, str):
        yield None, value
    elif isinstance(value, list):
        for index, item in enumerate(value):
            path = item.get("path") if isinstance(item, dict) else item
            if isinstance(path, str):
                yield index, path
